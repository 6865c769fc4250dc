"""What the footprint-map algorithms share: parameters, grid set-up, the call of the engine's
mapping pipeline, and every output.

The subclasses only say how sources are read: features (``footprint:mapfootprint``) or raster
cells (``footprint:mapgriddedfootprint``), into the engine's ``Sources`` arrays. The method
itself is :func:`engine.mapping.pipeline.map_footprint`.
"""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterCrs,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
)

from ..engine.mapping.bands import (
    FOREIGN,
    TOTAL,
    domestic_regions,
    footprint_bands,
    read_consumer_groups,
)
from ..engine.mapping.concordance import identity_concordance, read_concordance
from ..engine.mapping.grid import GridSpec
from ..engine.mapping.inventory import check_region_codes
from ..engine.mapping.pipeline import map_footprint
from ..qgis_io.coordinates import bounds_in, geometry_vertices, rectangle_outline
from ..qgis_io.errors import check_crs, engine_errors
from ..qgis_io.footprint_raster import BAND_NAMES_METADATA, write_footprint_raster
from ..qgis_io.grid_crs import grid_crs
from ..qgis_io.mrio_input import solve_driven_shares
from ..qgis_io.regions import RegionSet, read_region_features
from ..qgis_io.styles import ApplyStyleFile, write_style
from ..qgis_io.tables import write_table
from .base import FootprintAlgorithm, Steps, wanted

BREAKDOWNS = ("Consumer region", "Consumer region × final-demand category")
CONSUMER_BAND_CHOICES = ("Foreign consumers only", "Every consumer region (domestic too)")


def producer_regions(mrio) -> list:
    """The MRIO's producing regions, in order."""
    return list(dict.fromkeys(mrio.producers.get_level_values("region")))


class FootprintMapAlgorithm(FootprintAlgorithm):
    """Base of the footprint-map algorithms; subclasses add the inventory parameters and read it.

    Subclasses implement ``add_inventory_parameters()``, ``inventory_extent(parameters,
    context)`` -> (QgsRectangle, CRS), ``read_sources(parameters, context, feedback, grid,
    regions, crs)`` -> engine Sources (None if cancelled), ``inventory_description(...)``,
    ``region_field(...)`` and ``write_sources(outputs, feedback, result)``.
    """

    GROUP = "Footprint maps"
    STEPS = ("grid", "mrio", "shares", "sources", "map", "raster", "tables")
    REGIONS_REQUIRED = False

    INPUT = "INPUT"
    REGIONS = "REGIONS"
    REGION_CODE_FIELD = "REGION_CODE_FIELD"
    MRIO = "MRIO"
    CONCORDANCE = "CONCORDANCE"
    DOMESTIC_REGIONS = "DOMESTIC_REGIONS"
    CONSUMER_GROUPS = "CONSUMER_GROUPS"
    CONSUMER_BANDS = "CONSUMER_BANDS"
    BREAKDOWN = "BREAKDOWN"
    CELL_SIZE = "CELL_SIZE"
    TARGET_CRS = "TARGET_CRS"
    EXTENT = "EXTENT"
    OUTPUT = "OUTPUT"
    OUTPUT_SOURCES = "OUTPUT_SOURCES"
    BALANCE = "BALANCE"
    CONSUMERS = "CONSUMERS"
    TOTAL = "TOTAL"
    FOREIGN = "FOREIGN"
    FOREIGN_SHARE = "FOREIGN_SHARE"

    def initAlgorithm(self, config=None):
        self.add_inventory_parameters()
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.REGIONS,
                "Producing regions (polygons)",
                [QgsProcessing.TypeVectorPolygon],
                optional=not self.REGIONS_REQUIRED,
            ),
            "Polygons of the producing regions (e.g. provinces). Sources are placed in them by "
            "location: points by containment (a point on a border counts once), lines and "
            "polygons split by length or area. The regions also outline the territory (cells "
            "outside it are nodata) and give the default extent.",
        )
        self.add_parameter(
            QgsProcessingParameterField(
                self.REGION_CODE_FIELD,
                "Region code field",
                parentLayerParameterName=self.REGIONS,
                optional=not self.REGIONS_REQUIRED,
            ),
            "Field of REGIONS holding each region's code as the MRIO labels regions (e.g. CN-BJ).",
        )
        self.add_mrio_parameters()
        self.add_parameter(
            QgsProcessingParameterFile(
                self.CONCORDANCE, "Sector concordance (CSV)", extension="csv", optional=True
            ),
            "CSV with columns inventory_sector, mrio_sector, weight: how an inventory sector "
            "code is split over MRIO sectors (the weights of a code sum to 1). Leave empty "
            "when the inventory uses the MRIO's sector codes.",
        )
        self.add_parameter(
            QgsProcessingParameterString(self.DOMESTIC_REGIONS, "Domestic regions", optional=True),
            "Comma-separated MRIO region codes or patterns (CN-* for every code starting with "
            "CN-) whose final demand counts as domestic; all other consumers are foreign. "
            "Default: the region codes of the mapped territory (every code in REGIONS, or every "
            "value of the region field) that the MRIO has.",
        )
        self.add_parameter(
            QgsProcessingParameterFile(
                self.CONSUMER_GROUPS, "Consumer groups (CSV)", extension="csv", optional=True
            ),
            "CSV with columns mrio_region, group: consumer regions of a group share one band "
            "(e.g. EU countries -> EU). Regions not listed keep a band of their own.",
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.CONSUMER_BANDS, "Consumer bands", CONSUMER_BAND_CHOICES, defaultValue=0
            ),
            "Which consumers get a band after total, domestic and foreign: foreign regions "
            "(or groups) only, or every region, domestic ones too (who drives emissions "
            "between provinces).",
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.BREAKDOWN, "Consumer table by", BREAKDOWNS, defaultValue=0
            ),
            "Rows of the CONSUMERS table: one per consumer region, or per consumer region and "
            "final-demand category.",
        )
        self.add_parameter(
            QgsProcessingParameterNumber(
                self.CELL_SIZE,
                "Cell size (map units of the target CRS)",
                QgsProcessingParameterNumber.Double,
                10000.0,
            ),
            "Side of a grid cell, in the target CRS's units (metres for the default "
            "projection). 10,000 m is the reference study's 10 km grid.",
        )
        self.add_parameter(
            QgsProcessingParameterCrs(self.TARGET_CRS, "Target CRS", optional=True),
            "The grid's projection. Leave empty for an Albers equal-area conic fitted to the "
            "extent (standard parallels at 1/6 and 5/6 of its latitude range): equal-area "
            "cells are needed to compare cells by area (hotspot statistics). A CRS that is not "
            "equal-area is used with a warning; a geographic CRS is refused.",
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterExtent(self.EXTENT, "Extent", optional=True),
            "Area to map. Default: the extent of REGIONS (or of the sources). Emissions "
            "outside it are listed in the balance as outside the extent.",
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterRasterDestination(self.OUTPUT, "Footprint map"),
            "Multi-band GeoTIFF (float32) on the grid: band 1 total inventory, 2 driven by "
            "domestic final demand, 3 by foreign final demand, then one band per consumer "
            "region or group; band descriptions say which. Cells outside the territory are "
            "nodata. A .qml style next to it colours the foreign band with classes suited to "
            "skewed data.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_SOURCES,
                "Attributed sources",
                optional=True,
                createByDefault=True,
            ),
            "The sources with their attributed, domestic- and foreign-driven amounts, their "
            "largest foreign consumer, and what was not attributed and why. Skip it for very "
            "large inventories.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.BALANCE, "Balance", QgsProcessing.TypeVector, optional=False
            ),
            "Where every tonne went: the inventory total, what each band holds, and what "
            "could not be attributed by reason, with the number of sources. Inventory = total "
            "band + unattributed amounts.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.CONSUMERS,
                "Footprint by consumer",
                QgsProcessing.TypeVector,
                optional=True,
                createByDefault=True,
            ),
            "The mapped emissions by consumer region (or region and final-demand category), "
            "with the band each is in and its share of the total.",
        )
        self.addOutput(QgsProcessingOutputNumber(self.TOTAL, "Attributed total"))
        self.addOutput(QgsProcessingOutputNumber(self.FOREIGN, "Driven by foreign demand"))
        self.addOutput(QgsProcessingOutputNumber(self.FOREIGN_SHARE, "Foreign-driven share"))

    # -- set-up -------------------------------------------------------------------------------

    def _regions_and_grid(self, parameters, context, feedback):
        """The RegionSet (or None), the grid and its CRS (TARGET_CRS or the fitted one).

        Checked before the MRIO is read, so that a wrong layer or cell size fails at once.
        """
        input_extent, input_crs = self.inventory_extent(parameters, context)
        region_input = self._regions_input(parameters, context, feedback)
        if region_input is not None:
            codes, geometries, region_crs = region_input
            vertices, vertex_crs = geometry_vertices(geometries), region_crs
        else:
            vertices, vertex_crs = rectangle_outline(input_extent), input_crs
        target = grid_crs(
            self.parameterAsCrs(parameters, self.TARGET_CRS, context),
            vertices,
            vertex_crs,
            context,
            feedback,
        )
        if region_input is not None:
            regions = RegionSet(codes, geometries, region_crs, target, context)
            default_extent = regions.grid_extent
        else:
            regions = None
            default_extent = bounds_in(*vertices, vertex_crs, target, context)
        grid = self._grid(parameters, context, target, default_extent)
        feedback.pushInfo(
            f"Grid: {grid.n_cols:,} x {grid.n_rows:,} cells of {grid.cell_size:g} map units"
        )
        return regions, grid, target

    def _regions_input(self, parameters, context, feedback):
        """Region codes and geometries (layer CRS) and the layer's CRS, or None."""
        source = self.parameterAsSource(parameters, self.REGIONS, context)
        if source is None:
            return None
        check_crs(source.sourceCrs(), "REGIONS")
        code_field = self.parameterAsString(parameters, self.REGION_CODE_FIELD, context)
        if not code_field:
            raise QgsProcessingException(
                "REGIONS is given but REGION_CODE_FIELD is not: choose the field of REGIONS "
                "holding the MRIO region codes."
            )
        codes, geometries = read_region_features(source, code_field, feedback)
        return codes, geometries, source.sourceCrs()

    def _grid(self, parameters, context, target, default_extent) -> GridSpec:
        """The grid covering EXTENT (in the target CRS) or the default extent."""
        cell_size = self.parameterAsDouble(parameters, self.CELL_SIZE, context)
        extent = self.parameterAsExtent(parameters, self.EXTENT, context, target)
        if not extent.isNull():
            default_extent = (
                extent.xMinimum(),
                extent.yMinimum(),
                extent.xMaximum(),
                extent.yMaximum(),
            )
        with engine_errors():
            return GridSpec.from_extent(
                target.toWkt(QgsCoordinateReferenceSystem.WKT_PREFERRED_GDAL),
                *default_extent,
                cell_size,
            )

    def _mrio(self, parameters, context, feedback, regions):
        """The MRIO and the concordance; REGIONS' codes checked against the MRIO."""
        mrio = self.load_mrio(parameters, context, feedback)
        concordance_path = self.parameterAsFile(parameters, self.CONCORDANCE, context)
        sectors = list(dict.fromkeys(mrio.producers.get_level_values("sector")))
        with engine_errors():
            if regions is not None and not self.region_field(parameters, context):
                check_region_codes(regions.codes, producer_regions(mrio), "REGIONS")
            if concordance_path:
                return mrio, read_concordance(concordance_path, sectors)
        return mrio, identity_concordance(sectors)

    def _footprint_bands(self, parameters, context, mrio, territory_codes):
        """The footprint bands; domestic regions from DOMESTIC_REGIONS or the territory."""
        patterns = self.parameterAsString(parameters, self.DOMESTIC_REGIONS, context)
        groups_path = self.parameterAsFile(parameters, self.CONSUMER_GROUPS, context)
        every = self.parameterAsEnum(parameters, self.CONSUMER_BANDS, context) == 1
        with engine_errors():
            domestic = domestic_regions(mrio.final_demand_labels, patterns, territory_codes)
            groups = read_consumer_groups(groups_path) if groups_path else None
            return footprint_bands(mrio.final_demand_labels, domestic, groups, every)

    # -- the pipeline -------------------------------------------------------------------------

    def process(self, parameters, context, feedback, outputs):
        steps = Steps(feedback, self.STEPS)
        regions, grid, target = self._regions_and_grid(parameters, context, steps.start("grid"))
        mrio, concordance = self._mrio(parameters, context, steps.start("mrio"), regions)
        steps.start("shares")
        shares = solve_driven_shares(mrio, feedback)
        region_field = self.region_field(parameters, context)
        sources = self.read_sources(
            parameters,
            context,
            steps.start("sources"),
            grid,
            None if region_field else regions,
            target,
        )
        if sources is None:
            raise QgsProcessingException("Cancelled while reading the sources: nothing written.")
        with engine_errors():
            if region_field and sources.n_sources:
                check_region_codes(
                    sources.region_codes, producer_regions(mrio), f"the field {region_field!r}"
                )
            territory = regions.codes if regions is not None else sources.region_codes
            bands = self._footprint_bands(parameters, context, mrio, territory)
            steps.start("map")
            result = map_footprint(sources, shares, concordance, bands, grid)
        for message in result.unattributed_messages:
            feedback.pushWarning(message)

        output = outputs.file(self.OUTPUT)
        wide = write_footprint_raster(
            output,
            result.footprint,
            bands.descriptions,
            regions.territory(grid) if regions is not None else None,
            {
                BAND_NAMES_METADATA: ",".join(bands.names),
                "MRIO": mrio.name,
                "INVENTORY": self.inventory_description(parameters, context),
            },
            steps.start("raster"),
        )
        if wide:
            feedback.pushWarning(
                "Some cells exceed what float32 holds (3.4e38): the footprint map is written in "
                "float64. Check the emission values and their unit."
            )
        write_style(output, FOREIGN + 1, result.footprint.occupied_values[:, FOREIGN])
        final = outputs.destination(self.OUTPUT)
        ApplyStyleFile.attach(context, final)
        results = {self.OUTPUT: final, **self._numbers(result.footprint)}
        results.update(
            self._write_tables(parameters, context, steps.start("tables"), result, outputs)
        )
        return results

    def _write_tables(self, parameters, context, feedback, result, outputs) -> dict:
        """BALANCE, and CONSUMERS and OUTPUT_SOURCES when asked for; their destinations."""
        written = {self.BALANCE: write_table(outputs, self.BALANCE, result.balance(), feedback)}
        if wanted(parameters, self.CONSUMERS):
            by_category = self.parameterAsEnum(parameters, self.BREAKDOWN, context) == 1
            written[self.CONSUMERS] = write_table(
                outputs, self.CONSUMERS, result.by_consumer(by_category), feedback
            )
        if wanted(parameters, self.OUTPUT_SOURCES):
            written[self.OUTPUT_SOURCES] = self.write_sources(outputs, feedback, result)
        return written

    def _numbers(self, footprint) -> dict:
        total = float(footprint.band_totals[TOTAL])
        foreign = float(footprint.band_totals[FOREIGN])
        return {
            self.TOTAL: total,
            self.FOREIGN: foreign,
            self.FOREIGN_SHARE: foreign / total if total > 0 else None,
        }
