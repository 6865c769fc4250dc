"""footprint:mapgriddedfootprint: gridded sector inventories (rasters) mapped by consumers.

Each cell of a sector raster (an amount per cell, e.g. EDGAR's t per 0.1 degree cell) is a
source. It is cut into k x k sub-cells carrying 1/k² of its amount each (engine
``raster_sources``); their centres are transformed to the grid's CRS and placed in regions
like facility points, so a cell straddling a border is shared by area and the move to the
target grid conserves mass (sum, not average).
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from osgeo import gdal
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureSink,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterFile,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingUtils,
    QgsRasterLayer,
    QgsRectangle,
    QgsWkbTypes,
)

from ..engine.mapping.inventory import read_csv_rows
from ..engine.mapping.raster_cells import automatic_subdivision, subcell_centres
from ..qgis_io.coordinates import bounds_in, rectangle_outline, transform_xy
from ..qgis_io.errors import check_crs, engine_errors
from ..qgis_io.tables import new_field
from ..qgis_io.vector_sources import CHUNK, NO_REGION, SourceParts, gc_paused
from .map_base import ACCOUNT_FIELDS, FootprintMapAlgorithm

ROWS_PER_READ = 512
"""Raster rows read at a time."""

CELL_FIELDS = (
    ("layer", "text"),
    ("band", "integer"),
    ("sector", "text"),
    ("row", "integer"),
    ("col", "integer"),
    ("emission", "real"),
)


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
    def band_count(self) -> int:
        return self.dataset.RasterCount

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
    """The rasters of a multiple-layer parameter value: project layers or files."""
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
        inputs.append(RasterInput(name, path, crs, dataset))
    return inputs


def read_sector_table(path: str) -> list:
    """(layer, band, sector) rows of a band -> sector CSV (columns band, sector[, layer])."""
    with engine_errors():
        rows, header = read_csv_rows(Path(path), "SECTOR_TABLE")
    if "band" not in header or "sector" not in header or not rows:
        raise QgsProcessingException(
            f"SECTOR_TABLE {path} must be a CSV with the columns band and sector (and layer when "
            "several rasters are given): one row per band holding emissions."
        )
    table = []
    for line, row in enumerate(rows, start=2):
        layer, band, sector = row.get("layer", ""), row["band"], row["sector"]
        if not band.isdigit() or not sector:
            raise QgsProcessingException(
                f"SECTOR_TABLE {path}, line {line}: band must be a band number (1, 2, ...) and "
                f"sector a sector code, got {band!r}, {sector!r}."
            )
        table.append((layer, int(band), sector))
    return table


class MapGriddedFootprint(FootprintMapAlgorithm):
    NAME = "mapgriddedfootprint"
    DISPLAY_NAME = "Map carbon footprint of gridded inventories"
    REGIONS_REQUIRED = True
    TAGS = (
        "footprint,MRIO,input-output,consumption-based,emissions,CO2,EDGAR,grid,raster,"
        "resample,sector,map,hotspot,foreign demand"
    )
    HELP = (
        "<p>Maps gridded sector inventories (one raster per sector, or a multi-band raster "
        "with a band -> sector table; values are amounts per cell, e.g. t CO2 per cell and "
        "year) by the final consumers whose demand drives them. Each cell is cut into k x k "
        "sub-cells placed by location in the producing regions (a cell straddling a border is "
        "shared by area) and moved onto the equal-area output grid by sum, so the totals are "
        "kept. Then as 'Map carbon footprint': concordance, MRIO driven shares, bands total / "
        "domestic / foreign / per consumer, balance of every tonne.</p>"
    )

    SECTORS = "SECTORS"
    SECTOR_TABLE = "SECTOR_TABLE"
    SUBCELLS = "SUBCELLS"

    def add_inventory_parameters(self):
        self.add_parameter(
            QgsProcessingParameterMultipleLayers(
                self.INPUT, "Sector rasters", QgsProcessing.TypeRaster
            ),
            "One raster per sector, or multi-band rasters: emission amount per cell (not per "
            "m²), nodata or 0 where there is none. Any GDAL format and CRS, north-up.",
        )
        self.add_parameter(
            QgsProcessingParameterString(self.SECTORS, "Sector of each band", optional=True),
            "Comma-separated sector codes, one per band of the rasters in order (a raster's "
            "bands, then the next raster's), e.g. 1A1a,2C1. Or give SECTOR_TABLE.",
        )
        self.add_parameter(
            QgsProcessingParameterFile(
                self.SECTOR_TABLE, "Band -> sector table (CSV)", extension="csv", optional=True
            ),
            "CSV with columns band, sector and, with several rasters, layer (the raster's "
            "name or file name): which sector each band holds. Bands not listed are ignored.",
        )
        self.add_parameter(
            QgsProcessingParameterNumber(
                self.SUBCELLS, "Sub-cells per cell side (0: automatic)", defaultValue=0, minValue=0
            ),
            "k: each raster cell is cut into k x k sub-cells. Automatic: sub-cells at most half "
            "an output cell wide (k = 3 for 0.1 degree onto 10 km), at most 8.",
            advanced=True,
        )

    def region_field(self, parameters, context) -> str:
        return ""

    def inventory_extent(self, parameters, context):
        """Check the rasters and the band -> sector mapping; return the first raster's extent."""
        rasters = raster_inputs(parameters.get(self.INPUT) or [], context)
        if not rasters:
            raise QgsProcessingException("INPUT has no rasters: give at least one sector raster.")
        for raster in rasters:
            check_crs(raster.crs, f"The raster {raster.name!r}")
            if raster.dataset.GetGeoTransform()[2] or raster.dataset.GetGeoTransform()[4]:
                raise QgsProcessingException(
                    f"The raster {raster.name!r} is rotated; warp it north-up first."
                )
        self._rasters = rasters
        self._sector_bands = self._band_sectors(parameters, context, rasters)
        return rasters[0].extent, rasters[0].crs

    def _band_sectors(self, parameters, context, rasters) -> list:
        """(raster position, band number, sector) of every band that holds emissions."""
        inline = self.parameterAsString(parameters, self.SECTORS, context).strip()
        table_path = self.parameterAsFile(parameters, self.SECTOR_TABLE, context)
        all_bands = [
            (i, band)
            for i, raster in enumerate(rasters)
            for band in range(1, raster.band_count + 1)
        ]
        if bool(inline) == bool(table_path):
            raise QgsProcessingException(
                "Say which sector each band holds, with SECTORS (a comma-separated code per band, "
                f"{len(all_bands)} in all) or SECTOR_TABLE (a band, sector CSV), not both."
            )
        if inline:
            codes = [code.strip() for code in inline.split(",")]
            if len(codes) != len(all_bands) or not all(codes):
                raise QgsProcessingException(
                    f"SECTORS lists {len(codes)} sector code(s) but the rasters have "
                    f"{len(all_bands)} band(s) in all; give one non-empty code per band, in order."
                )
            return [(i, band, code) for (i, band), code in zip(all_bands, codes)]
        names = {}
        for i, raster in enumerate(rasters):
            names[raster.name] = i
            names[Path(raster.path).name] = i
            names[Path(raster.path).stem] = i
        result = []
        for layer_name, band, sector in read_sector_table(table_path):
            if not layer_name and len(rasters) == 1:
                position = 0
            elif layer_name in names:
                position = names[layer_name]
            else:
                raise QgsProcessingException(
                    f"SECTOR_TABLE names the raster {layer_name!r}, which is not in INPUT "
                    f"({', '.join(raster.name for raster in rasters)})."
                )
            if not 1 <= band <= rasters[position].band_count:
                raise QgsProcessingException(
                    f"SECTOR_TABLE: the raster {rasters[position].name!r} has no band {band}."
                )
            result.append((position, band, sector))
        return result

    def inventory_description(self, parameters, context) -> str:
        return ", ".join(f"{self._rasters[i].name} band {b}: {s}" for i, b, s in self._sector_bands)

    def read_sources(self, parameters, context, feedback, grid, regions, crs):
        """Non-zero cells of every band as sources, their k x k sub-cells as parts."""
        requested = self.parameterAsInt(parameters, self.SUBCELLS, context)
        emission, sectors, cells, centres, parts = [], [], [], [], []
        n_sources = 0
        with gc_paused():
            for step, (position, band, sector) in enumerate(self._sector_bands):
                raster = self._rasters[position]
                dataset = raster.dataset
                geotransform = dataset.GetGeoTransform()
                transform = QgsCoordinateTransform(raster.crs, crs, context.transformContext())
                k = requested or self._subdivision(raster, crs, context, grid.cell_size)
                for values, rows, cols in self._cells(dataset, band):
                    if feedback.isCanceled():
                        return None
                    emission.append(values)
                    sectors += [sector] * values.size
                    cells.append(np.column_stack([np.full(rows.size, step), rows, cols]))
                    centres.append(
                        transform_xy(*subcell_centres(geotransform, rows, cols, 1), transform)
                    )
                    x, y = transform_xy(*subcell_centres(geotransform, rows, cols, k), transform)
                    source = n_sources + np.repeat(np.arange(values.size), k * k)
                    parts.append((source, np.full(source.size, 1.0 / (k * k)), x, y))
                    n_sources += values.size
                feedback.setProgress(10 + 50 * (step + 1) / len(self._sector_bands))
        self._grid_crs = crs
        self._cell_table = _joined(cells, (0, 3))
        self._cell_xy = (_joined([c[0] for c in centres]), _joined([c[1] for c in centres]))
        part_source = _joined([p[0] for p in parts]).astype(np.int64)
        part_x, part_y = _joined([p[2] for p in parts]), _joined([p[3] for p in parts])
        fraction, region = _share_by_land(
            regions, n_sources, part_source, _joined([p[1] for p in parts]), part_x, part_y
        )
        keep = fraction > 0
        return SourceParts(
            feature_ids=np.arange(n_sources, dtype=np.int64),
            emission_values=_joined(emission),
            sectors=sectors,
            region_values=None,
            part_source=part_source[keep],
            part_fraction=fraction[keep],
            part_x=part_x[keep],
            part_y=part_y[keep],
            part_region=region[keep],
            part_located=np.isfinite(part_x[keep]) & np.isfinite(part_y[keep]),
        )

    @staticmethod
    def _subdivision(raster, crs, context, cell_size) -> int:
        """Automatic k from the size of the raster's cells once projected."""
        x_min, y_min, x_max, y_max = bounds_in(
            *rectangle_outline(raster.extent), raster.crs, crs, context
        )
        rows, cols = raster.shape
        return automatic_subdivision(max((x_max - x_min) / cols, (y_max - y_min) / rows), cell_size)

    @staticmethod
    def _cells(dataset, band_number):
        """(values, rows, cols) of the cells of a band holding a non-zero value, in blocks.

        Values are unpacked with the band's scale and offset (e.g. NetCDF scale_factor).
        """
        band = dataset.GetRasterBand(band_number)
        nodata = band.GetNoDataValue()
        scale, offset = band.GetScale() or 1.0, band.GetOffset() or 0.0
        for row_start in range(0, dataset.RasterYSize, ROWS_PER_READ):
            count = min(ROWS_PER_READ, dataset.RasterYSize - row_start)
            block = band.ReadAsArray(0, row_start, dataset.RasterXSize, count).astype(np.float64)
            holds = block != 0
            if nodata is not None:
                holds &= block != nodata
            holds &= ~np.isnan(block)
            rows, cols = np.nonzero(holds)
            if rows.size:
                yield block[rows, cols] * scale + offset, rows + row_start, cols

    def write_sources(self, parameters, context, feedback, parts, accounts):
        """One point per non-zero raster cell (its centre, in the grid's CRS)."""
        fields = QgsFields()
        for name, kind in (*CELL_FIELDS, *ACCOUNT_FIELDS):
            fields.append(new_field(name, kind))
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT_SOURCES, context, fields, QgsWkbTypes.Point, self._grid_crs
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT_SOURCES))
        columns = [name for name, _ in ACCOUNT_FIELDS]
        amounts = accounts[columns].astype(object).where(accounts[columns].notna(), None)
        cells = zip(
            self._cell_table.tolist(),
            self._cell_xy[0].tolist(),
            self._cell_xy[1].tolist(),
            parts.emission_values.tolist(),
            amounts.to_numpy().tolist(),
        )
        for source, ((step, row, col), x, y, emission, account) in enumerate(cells):
            if source % CHUNK == 0 and feedback.isCanceled():
                raise QgsProcessingException("Cancelled while writing OUTPUT_SOURCES.")
            position, band, sector = self._sector_bands[step]
            feature = QgsFeature(fields)
            feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
            feature.setAttributes(
                [self._rasters[position].name, band, sector, row, col, emission, *account]
            )
            sink.addFeature(feature, QgsFeatureSink.FastInsert)
        return dest_id


def _share_by_land(regions, n_sources, part_source, fraction, x, y):
    """Sub-cell fractions and regions, with each cell's share off every region moved onto
    its sub-cells in regions (by their area), so a coastal cell stays whole on land.

    A cell with no sub-cell in any region keeps its fractions (it is reported as in no
    region). Fractions of a cell still sum to 1.
    """
    located = np.isfinite(x) & np.isfinite(y)
    region = np.full(x.size, NO_REGION, dtype=np.int64)
    region[located] = regions.locate(x[located], y[located])
    in_region = region >= 0
    on_land = np.bincount(part_source, weights=fraction * in_region, minlength=n_sources)
    land = on_land[part_source]
    spread = land > 0
    fraction = fraction.copy()
    fraction[spread] = np.where(in_region[spread], fraction[spread] / land[spread], 0.0)
    return fraction, region


def _joined(arrays: list, empty_shape=(0,)) -> np.ndarray:
    """Concatenation of a list of arrays (an empty array for an empty list)."""
    return np.concatenate(arrays) if arrays else np.empty(empty_shape)
