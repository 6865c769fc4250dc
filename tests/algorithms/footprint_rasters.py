"""Small hand-made footprint rasters and vector layers for the analysis algorithm tests."""

import numpy as np
from osgeo import gdal, osr
from qgis.core import QgsFeature, QgsGeometry, QgsProcessingFeedback, QgsVectorLayer

ALBERS_CHINA = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m +no_defs"
NODATA = -9999.0
FOOTPRINT_DESCRIPTIONS = (
    "total footprint (all final demand)",
    "driven by domestic final demand (CN-BJ)",
    "driven by foreign final demand",
)


def write_raster(
    path, values, origin=(0.0, 0.0), cell=(1000.0, 1000.0), crs=ALBERS_CHINA, descriptions=()
):
    """Write (bands, rows, cols) values as a float32 GeoTIFF; NaN becomes nodata -9999.

    ``origin`` is the north-west corner, ``cell`` the (width, height) of a cell.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 2:
        values = values[None]
    bands, rows, cols = values.shape
    dataset = gdal.GetDriverByName("GTiff").Create(str(path), cols, rows, bands, gdal.GDT_Float32)
    dataset.SetGeoTransform((origin[0], cell[0], 0.0, origin[1], 0.0, -cell[1]))
    reference = osr.SpatialReference()
    reference.SetFromUserInput(crs)
    dataset.SetProjection(reference.ExportToWkt())
    for band in range(bands):
        raster_band = dataset.GetRasterBand(band + 1)
        raster_band.SetNoDataValue(NODATA)
        if band < len(descriptions):
            raster_band.SetDescription(descriptions[band])
        raster_band.WriteArray(np.where(np.isnan(values[band]), NODATA, values[band]))
    dataset = None
    return str(path)


def polygon_layer(crs, polygons, fields="name:string"):
    """A memory layer of (WKT, attribute list) pairs; ``fields`` as in a memory layer URI."""
    uri = f"MultiPolygon?crs={crs}" + "".join(f"&field={field}" for field in fields.split(","))
    return memory_layer(uri, polygons)


def memory_layer(uri, rows):
    layer = QgsVectorLayer(uri, "test", "memory")
    assert layer.isValid(), uri
    features = []
    for wkt, attributes in rows:
        feature = QgsFeature(layer.fields())
        if wkt:
            feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feature.setAttributes(list(attributes))
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)
    return layer


def box_wkt(x0, y0, x1, y1):
    return f"POLYGON(({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))"


class RecordingFeedback(QgsProcessingFeedback):
    """Feedback that keeps the log, to check the messages an algorithm gives."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def pushInfo(self, info):
        self.messages.append(info)

    def pushWarning(self, warning):
        self.messages.append(warning)

    @property
    def log(self):
        return "\n".join(self.messages)


def cancelling_at(steps: tuple, step: str) -> RecordingFeedback:
    """Feedback that cancels the run when the algorithm starts ``step`` of its ``STEPS``.

    It listens to ``progressChanged``, which QGIS emits from C++ (where a Python override of
    setProgress is not seen, e.g. behind a multi-step feedback).
    """
    feedback = RecordingFeedback()
    start = 100.0 * steps.index(step) / len(steps)
    feedback.progressChanged.connect(
        lambda progress: feedback.cancel() if progress >= start - 1e-9 else None
    )
    return feedback
