"""Write a gridded footprint as a multi-band GeoTIFF, atomically, with a .qml style sidecar.

The raster is written block by block (so a 1 km grid of a country with 40 bands fits in
memory) to a hidden temporary file in the destination folder, and renamed only when it is
complete: a cancelled or failed run leaves nothing that looks like a result. The sidecar
(same name, ``.qml``) styles the foreign-driven band with classes from the data, quantiles
of its non-zero cells, which suit footprints where a few cells hold most of the total; QGIS
applies it when the raster is loaded, from the GUI, a model or qgis_process.
"""

import os
from pathlib import Path
from typing import ClassVar

import numpy as np
from osgeo import gdal
from qgis.core import (
    Qgis,
    QgsColorRampShader,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsRasterShader,
    QgsSingleBandPseudoColorRenderer,
)
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtXml import QDomDocument

from ..engine.classification import skewed_class_breaks
from ..engine.gridding import DEFAULT_NODATA, GriddedFootprint

TILE_ROWS = 256
ONE_BLOCK_BYTES = 2**27
"""Rasters up to 128 MiB are written in one block, larger ones a row of tiles at a time."""

GTIFF_OPTIONS = [
    "TILED=YES",
    "INTERLEAVE=BAND",
    f"BLOCKXSIZE={TILE_ROWS}",
    f"BLOCKYSIZE={TILE_ROWS}",
    "COMPRESS=DEFLATE",
    "ZLEVEL=1",
    "BIGTIFF=IF_SAFER",
    "NUM_THREADS=ALL_CPUS",
]

ZERO_COLOUR = "#ececec"
"""Cells of the territory with no footprint: light grey, so the territory shows."""

CLASS_COLOURS = ("#fff3b0", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026", "#67000d")
"""Yellow to dark red (ColorBrewer YlOrRd, extended): the hotspots are the darkest."""


def _write_bands(dataset, footprint: GriddedFootprint, territory, feedback, progress) -> bool:
    """Write the raster in blocks of whole tile rows; False if cancelled."""
    start, stop = progress
    n_rows = footprint.grid.n_rows

    def in_territory(row_start, row_stop):
        return territory[row_start:row_stop]

    blocks = footprint.blocks(
        TILE_ROWS if footprint.grid.cell_count * footprint.n_bands * 4 > ONE_BLOCK_BYTES else None,
        territory=None if territory is None else in_territory,
    )
    for row_start, block in blocks:
        if feedback.isCanceled():
            return False
        for band in range(footprint.n_bands):
            dataset.GetRasterBand(band + 1).WriteArray(block[band], 0, row_start)
        dataset.FlushCache()  # compress and write this row of tiles now: memory stays bounded
        feedback.setProgress(start + (stop - start) * (row_start + block.shape[1]) / n_rows)
    return True


def write_footprint_raster(
    path: str,
    footprint: GriddedFootprint,
    descriptions,
    territory,
    metadata: dict,
    feedback,
    progress=(75, 95),
) -> None:
    """Write all bands of ``footprint`` to the GeoTIFF ``path`` (float32, nodata -9999).

    Parameters
    ----------
    path
        Destination .tif; replaced only once the new file is complete.
    footprint
        The gridded footprint.
    descriptions
        GDAL description of each band (what it holds).
    territory
        Bool array (grid shape) of the cells in the mapped territory, or None for all.
    metadata
        GDAL metadata items (units, MRIO, ...).
    feedback, progress
        Processing feedback and the progress range of this step.
    """
    grid = footprint.grid

    def fill(dataset):
        dataset.SetMetadata({key: str(value) for key, value in metadata.items()})
        return _write_bands(dataset, footprint, territory, feedback, progress)

    write_geotiff(
        path,
        (grid.n_rows, grid.n_cols),
        gdal.GDT_Float32,
        GTIFF_OPTIONS,
        grid.geotransform,
        grid.crs_wkt,
        descriptions,
        DEFAULT_NODATA,
        fill,
    )


def write_geotiff(
    path: str, shape, data_type, options, geotransform, crs_wkt, descriptions, nodata, fill
) -> None:
    """Write a GeoTIFF atomically: to a hidden file in the same folder, renamed when complete.

    ``fill(dataset)`` writes the values of the bands (one per description) and returns False
    if the run was cancelled. It must not keep the dataset: this function closes it.

    Raises
    ------
    QgsProcessingException
        If ``path`` is not a .tif, the file cannot be written, or the run is cancelled; no
        partial file is left behind.
    """
    destination = Path(path)
    if destination.suffix.lower() not in (".tif", ".tiff"):
        raise QgsProcessingException(
            f"OUTPUT must be a GeoTIFF file (.tif), got {destination.name}. Choose a .tif name."
        )
    partial = destination.with_name(f".{destination.stem}.partial.tif")
    n_rows, n_cols = shape
    gdal.ErrorReset()
    dataset = gdal.GetDriverByName("GTiff").Create(
        str(partial), n_cols, n_rows, len(descriptions), data_type, options
    )
    if dataset is None:
        raise QgsProcessingException(
            f"Cannot create {destination} ({gdal.GetLastErrorMsg()}). Check that the folder "
            "exists and is writable, and that the disk has space."
        )
    written = False
    try:
        dataset.SetGeoTransform(geotransform)
        dataset.SetProjection(crs_wkt)
        for band, description in enumerate(descriptions, start=1):
            dataset.GetRasterBand(band).SetDescription(description)
            dataset.GetRasterBand(band).SetNoDataValue(nodata)
        if not fill(dataset):
            raise QgsProcessingException("Cancelled: no raster was written.")
        dataset.FlushCache()
        dataset = None  # closes the file
        if gdal.GetLastErrorType() >= gdal.CE_Failure:
            raise QgsProcessingException(
                f"Writing {destination} failed ({gdal.GetLastErrorMsg()}); nothing was written."
            )
        os.replace(partial, destination)
        written = True
    finally:
        dataset = None
        if not written:
            partial.unlink(missing_ok=True)


def _number(value: float) -> str:
    """A class bound for a legend: 130,000 rather than 1.3e+05."""
    return f"{value:,.0f}" if abs(value) >= 10 or value == 0 else f"{value:.2g}"


def skewed_renderer(provider, band: int, values: np.ndarray) -> QgsSingleBandPseudoColorRenderer:
    """Pseudocolour renderer of one band, classes from the values' skewed-data breaks.

    Zero is light grey (the territory without footprint), then yellow to dark red up to
    the largest value; nodata is transparent.
    """
    breaks = skewed_class_breaks(values)
    items = [QgsColorRampShader.ColorRampItem(0.0, QColor(ZERO_COLOUR), "0")]
    lower = 0.0
    for upper, colour in zip(breaks, CLASS_COLOURS[-len(breaks) :]):
        label = f"{_number(lower)} – {_number(upper)}"
        items.append(QgsColorRampShader.ColorRampItem(float(upper), QColor(colour), label))
        lower = upper
    ramp = QgsColorRampShader(0.0, float(breaks[-1]))
    ramp.setColorRampType(QgsColorRampShader.Discrete)
    ramp.setColorRampItemList(items)
    shader = QgsRasterShader()
    shader.setRasterShaderFunction(ramp)
    renderer = QgsSingleBandPseudoColorRenderer(provider, band, shader)
    renderer.setClassificationMin(0.0)
    renderer.setClassificationMax(float(breaks[-1]))
    return renderer


def write_style(path: str, band: int, values: np.ndarray) -> str:
    """Write the .qml sidecar of the raster ``path`` styling ``band`` for ``values``."""
    return write_renderer_style(path, skewed_renderer(None, band, values))


def write_renderer_style(path: str, renderer) -> str:
    """Write a .qml sidecar holding just ``renderer`` next to the raster ``path``.

    It is written without opening the raster as a layer, whose default renderer would compute
    histograms (and leave a .aux.xml). Returns the path of the .qml file.
    """
    document = QDomDocument("qgis")
    root = document.createElement("qgis")
    root.setAttribute("version", Qgis.QGIS_VERSION)
    root.setAttribute("styleCategories", "Symbology")
    document.appendChild(root)
    pipe = document.createElement("pipe")
    root.appendChild(pipe)
    renderer.writeXml(document, pipe)
    style_path = Path(path).with_suffix(".qml")
    try:
        style_path.write_text(document.toString(2), encoding="utf-8")
    except OSError as error:
        raise QgsProcessingException(f"Cannot write the style {style_path}: {error}") from error
    return str(style_path)


class ApplyStyleFile(QgsProcessingLayerPostProcessorInterface):
    """Apply a .qml file to an output layer when the Processing GUI loads it.

    QGIS applies a sidecar by itself when a raster is opened (Add Layer, a project, a model's
    result read back), but Processing loads the outputs of a GUI run without it.
    """

    kept: ClassVar[list] = []  # Processing holds a pointer only: keep the instances alive

    def __init__(self, style_path: str):
        super().__init__()
        self.style_path = style_path

    @classmethod
    def attach(cls, context, output: str, style_path: str) -> None:
        """Apply ``style_path`` to ``output`` if the run loads it when it completes."""
        if context.willLoadLayerOnCompletion(output):
            instance = cls(style_path)
            cls.kept.append(instance)
            context.layerToLoadOnCompletionDetails(output).setPostProcessor(instance)

    def postProcessLayer(self, layer, context, feedback):
        message, loaded = layer.loadNamedStyle(self.style_path)
        if not loaded:
            feedback.pushWarning(f"The style {self.style_path} was not applied: {message}")
        layer.triggerRepaint()
