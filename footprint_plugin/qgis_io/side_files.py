"""No new file beside a user's raster: GDAL's ``.aux.xml`` side files kept from being written.

QGIS opens a raster parameter's file as a layer (when it checks the parameter, and in
``parameterAsRasterLayer``), and the layer's default style computes histograms and statistics
of its first bands. GDAL keeps them in ``<file>.aux.xml`` (its PAM) and writes that file when
the layer is closed: 1.2 MB beside a footprint map. GDAL reads ``GDAL_PAM_ENABLED`` when it
opens a file, so turning it off in this thread while the input layers open is enough; nothing
global changes, and the plugin's own outputs keep PAM.
"""

from contextlib import contextmanager

from osgeo import gdal
from qgis.core import QgsProcessing, QgsProcessingParameters

PAM = "GDAL_PAM_ENABLED"
RASTER_LAYER_TYPES = (QgsProcessing.TypeRaster, QgsProcessing.TypeMapLayer)


@contextmanager
def no_side_files():
    """Files GDAL opens in this thread meanwhile neither get an ``.aux.xml`` nor read or update
    one they have."""
    previous = gdal.GetThreadLocalConfigOption(PAM, None)
    gdal.SetThreadLocalConfigOption(PAM, "NO")
    try:
        yield
    finally:
        gdal.SetThreadLocalConfigOption(PAM, previous)


def load_raster_inputs(algorithm, parameters: dict, context) -> None:
    """Open the files of ``algorithm``'s raster parameters as layers of ``context`` under
    :func:`no_side_files`; QGIS's checks and ``parameterAsRasterLayer`` then find them loaded.

    Project layers are left as they are. A file whose CRS is only in its ``.aux.xml`` is seen
    without one (and the algorithm asks for it).
    """
    with no_side_files():
        for definition in algorithm.parameterDefinitions():
            if parameters.get(definition.name()) is None:
                continue
            if definition.type() == "raster":
                QgsProcessingParameters.parameterAsRasterLayer(definition, parameters, context)
            elif definition.type() == "multilayer" and definition.layerType() in RASTER_LAYER_TYPES:
                QgsProcessingParameters.parameterAsLayerList(definition, parameters, context)
