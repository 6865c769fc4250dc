"""Gridded sector inventories read into the engine's :class:`Sources` arrays.

Each non-zero cell of a sector raster (an amount per cell, e.g. EDGAR's t per 0.1 degree cell)
is a source. It is cut into k x k sub-cells carrying 1/k² of its amount each (engine
``raster_cells``); their centres are transformed to the grid's CRS and placed in regions like
facility points, so a cell straddling a border is shared by area and the move to the target
grid conserves mass (sum, not average). Rasters are read with GDAL in blocks of rows.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from osgeo import gdal
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsProcessingException,
    QgsProcessingUtils,
    QgsRasterLayer,
    QgsRectangle,
)

from ..engine.mapping.band_sectors import BandSector, RasterBands
from ..engine.mapping.raster_cells import automatic_subdivision, share_by_land, subcell_centres
from ..engine.mapping.sources import NO_REGION, Sources
from ..engine.sizes import RASTER_ROWS_PER_READ
from .coordinates import bounds_in, rectangle_outline, transform_xy
from .errors import check_crs
from .vector_sources import gc_paused


@dataclass
class RasterInput:
    """A sector raster, read with GDAL (blocks of rows, no resampling), never written.

    A file is not opened as a new QGIS layer here: that would compute statistics for a
    default style, which GDAL keeps in a .aux.xml next to the user's file.
    """

    name: str
    path: str
    crs: QgsCoordinateReferenceSystem
    dataset: gdal.Dataset

    @property
    def bands(self) -> RasterBands:
        return RasterBands(self.name, self.path, self.dataset.RasterCount)

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return self.dataset.RasterYSize, self.dataset.RasterXSize

    @property
    def extent(self) -> QgsRectangle:
        x_min, width, _, y_max, _, height = self.dataset.GetGeoTransform()
        rows, cols = self.shape
        return QgsRectangle(x_min, y_max + rows * height, x_min + cols * width, y_max)


def raster_inputs(value, context) -> list:
    """The rasters of a multiple-layer parameter value (project layers or files), checked to
    have a CRS and to be north-up."""
    values = value if isinstance(value, (list, tuple)) else [value]
    inputs = []
    for item in values:
        layer = (
            item
            if isinstance(item, QgsRasterLayer)
            else QgsProcessingUtils.mapLayerFromString(
                str(item), context, False, QgsProcessingUtils.LayerHint.Raster
            )
        )
        path = layer.source() if layer is not None else str(item)
        dataset = gdal.Open(path)
        if dataset is None:
            raise QgsProcessingException(
                f"INPUT {path!r} is not a raster file GDAL can read; save it as a GeoTIFF first."
            )
        crs = layer.crs() if layer is not None else QgsCoordinateReferenceSystem()
        if layer is None and dataset.GetProjection():
            crs = QgsCoordinateReferenceSystem.fromWkt(dataset.GetProjection())
        name = layer.name() if layer is not None else Path(path).stem
        raster = RasterInput(name, path, crs, dataset)
        check_crs(raster.crs, f"The raster {raster.name!r}")
        if dataset.GetGeoTransform()[2] or dataset.GetGeoTransform()[4]:
            raise QgsProcessingException(
                f"The raster {raster.name!r} is rotated; warp it north-up first."
            )
        inputs.append(raster)
    return inputs


@dataclass
class RasterCells:
    """Where each source of a gridded inventory comes from, for the attributed-sources layer.

    Attributes
    ----------
    band_sector
        (n,) position in the band -> sector list of each cell's band.
    row, col
        (n,) the cell in its raster.
    x, y
        (n,) the cell's centre in the grid's CRS.
    """

    band_sector: np.ndarray
    row: np.ndarray
    col: np.ndarray
    x: np.ndarray
    y: np.ndarray


def read_raster_sources(
    rasters: list,
    band_sectors: list[BandSector],
    subcells: int,
    grid,
    regions,
    crs,
    context,
    feedback,
):
    """Non-zero cells of every band as sources, their k x k sub-cells as parts placed in
    ``regions``; (Sources, RasterCells), or None if the run was cancelled.

    ``subcells`` is k, or 0 for :func:`automatic_subdivision` from the projected cell size.
    Progress goes from 0 to 100 over the bands.
    """
    emission, cells, centres, parts = [], [], [], []
    n_sources = 0
    with gc_paused():
        for step, (position, band, _) in enumerate(band_sectors):
            raster = rasters[position]
            geotransform = raster.dataset.GetGeoTransform()
            transform = QgsCoordinateTransform(raster.crs, crs, context.transformContext())
            k = subcells or _subdivision(raster, crs, context, grid.cell_size)
            for values, rows, cols in _cells(raster.dataset, band):
                if feedback.isCanceled():
                    return None
                emission.append(values)
                cells.append(np.column_stack([np.full(rows.size, step), rows, cols]))
                centres.append(
                    transform_xy(*subcell_centres(geotransform, rows, cols, 1), transform)
                )
                x, y = transform_xy(*subcell_centres(geotransform, rows, cols, k), transform)
                source = n_sources + np.repeat(np.arange(values.size), k * k)
                parts.append((source, np.full(source.size, 1.0 / (k * k)), x, y))
                n_sources += values.size
            feedback.setProgress(100.0 * (step + 1) / len(band_sectors))
    cell_table = _joined(cells, (0, 3))
    raster_cells = RasterCells(
        band_sector=cell_table[:, 0].astype(np.int64),
        row=cell_table[:, 1].astype(np.int64),
        col=cell_table[:, 2].astype(np.int64),
        x=_joined([centre[0] for centre in centres]),
        y=_joined([centre[1] for centre in centres]),
    )
    part_source = _joined([part[0] for part in parts]).astype(np.int64)
    part_x, part_y = _joined([part[2] for part in parts]), _joined([part[3] for part in parts])
    located = np.isfinite(part_x) & np.isfinite(part_y)
    region = np.full(part_x.size, NO_REGION, dtype=np.int64)
    region[located] = regions.locate(part_x[located], part_y[located])
    fraction = share_by_land(part_source, _joined([part[1] for part in parts]), region, n_sources)
    keep = fraction > 0
    sources = Sources(
        source_id=np.arange(n_sources, dtype=np.int64),
        emission=_joined(emission),
        sector=np.asarray([sector for *_, sector in band_sectors], dtype=object)[
            raster_cells.band_sector
        ],
        part_source=part_source[keep],
        part_fraction=fraction[keep],
        part_x=part_x[keep],
        part_y=part_y[keep],
        part_region=region[keep],
        region_codes=regions.codes,
        part_located=located[keep],
    )
    return sources, raster_cells


def _subdivision(raster: RasterInput, crs, context, cell_size: float) -> int:
    """Automatic k from the size of the raster's cells once projected."""
    x_min, y_min, x_max, y_max = bounds_in(
        *rectangle_outline(raster.extent), raster.crs, crs, context
    )
    rows, cols = raster.shape
    return automatic_subdivision(max((x_max - x_min) / cols, (y_max - y_min) / rows), cell_size)


def _cells(dataset, band_number):
    """(values, rows, cols) of the cells of a band holding a non-zero value, in blocks.

    Values are unpacked with the band's scale and offset (e.g. NetCDF scale_factor).
    """
    band = dataset.GetRasterBand(band_number)
    nodata = band.GetNoDataValue()
    scale, offset = band.GetScale() or 1.0, band.GetOffset() or 0.0
    for row_start in range(0, dataset.RasterYSize, RASTER_ROWS_PER_READ):
        count = min(RASTER_ROWS_PER_READ, dataset.RasterYSize - row_start)
        block = band.ReadAsArray(0, row_start, dataset.RasterXSize, count).astype(np.float64)
        holds = block != 0
        if nodata is not None:
            holds &= block != nodata
        holds &= ~np.isnan(block)
        rows, cols = np.nonzero(holds)
        if rows.size:
            yield block[rows, cols] * scale + offset, rows + row_start, cols


def _joined(arrays: list, empty_shape=(0,)) -> np.ndarray:
    """Concatenation of a list of arrays (an empty array for an empty list)."""
    return np.concatenate(arrays) if arrays else np.empty(empty_shape)
