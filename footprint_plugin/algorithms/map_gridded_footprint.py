"""footprint:mapgriddedfootprint: gridded sector inventories (rasters) mapped by consumers.

The rasters are read into the engine's sources by ``qgis_io.raster_inputs`` (every non-zero
cell a source, cut into k x k sub-cells placed in the regions); the mapping is the shared one of
:class:`.map_base.FootprintMapAlgorithm`.
"""

import numpy as np
from qgis.core import (
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterFile,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsWkbTypes,
)

from ..engine.mapping.band_sectors import band_sectors
from ..engine.sizes import FEATURES_PER_REPORT
from ..qgis_io.errors import CANCELLED, engine_errors
from ..qgis_io.raster_inputs import raster_inputs, read_raster_sources
from ..qgis_io.tables import add_feature, attribute_rows, table_fields
from .map_base import FootprintMapAlgorithm


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
        with engine_errors():
            self._sector_bands = band_sectors(
                self.parameterAsString(parameters, self.SECTORS, context),
                self.parameterAsFile(parameters, self.SECTOR_TABLE, context),
                [raster.bands for raster in rasters],
            )
        self._rasters = rasters
        return rasters[0].extent, rasters[0].crs

    def inventory_description(self, parameters, context) -> str:
        return ", ".join(f"{self._rasters[i].name} band {b}: {s}" for i, b, s in self._sector_bands)

    def read_sources(self, parameters, context, feedback, grid, regions, crs):
        """Non-zero cells of every band as sources, their k x k sub-cells as parts."""
        read = read_raster_sources(
            self._rasters,
            self._sector_bands,
            self.parameterAsInt(parameters, self.SUBCELLS, context),
            grid,
            regions,
            crs,
            context,
            feedback,
        )
        if read is None:
            return None
        sources, self._cells = read
        self._grid_crs = crs
        return sources

    def write_sources(self, outputs, feedback, result):
        """One point per non-zero raster cell (its centre, in the grid's CRS)."""
        cells = self._cells
        positions, bands, sectors = (np.asarray(column) for column in zip(*self._sector_bands))
        step = cells.band_sector
        accounts = result.source_accounts()
        accounts.insert(0, "layer", [self._rasters[i].name for i in positions[step]])
        accounts.insert(1, "band", bands[step].astype(np.int32))
        accounts.insert(2, "sector", sectors[step].astype(object))
        accounts.insert(3, "row", cells.row.astype(np.int32))
        accounts.insert(4, "col", cells.col.astype(np.int32))
        accounts.insert(5, "emission", np.asarray(result.sources.emission, dtype=np.float64))
        fields = table_fields(accounts)
        sink, destination = outputs.sink(
            self.OUTPUT_SOURCES, fields, QgsWkbTypes.Point, self._grid_crs
        )
        rows = zip(attribute_rows(accounts), cells.x.tolist(), cells.y.tolist())
        for source, (attributes, x, y) in enumerate(rows):
            if source % FEATURES_PER_REPORT == 0:
                if feedback.isCanceled():
                    raise QgsProcessingException(CANCELLED)
                feedback.setProgress(100.0 * source / max(1, len(accounts)))
            feature = QgsFeature(fields)
            feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
            feature.setAttributes(attributes)
            add_feature(sink, feature, self.OUTPUT_SOURCES)
        return destination
