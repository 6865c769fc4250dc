"""What the footprint-map algorithms share: parameters, grid set-up, and the pipeline after the
sources are read (attribution, gridding, raster, balance and tables).

The subclasses only say how sources are read: features (``footprint:mapfootprint``) or raster
cells (``footprint:mapgriddedfootprint``). Everything else, and every output, is here once.
"""

import numpy as np
import pandas as pd
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

from ..engine.errors import preview
from ..engine.mapping.balance import balance_table, source_accounts
from ..engine.mapping.bands import (
    FOREIGN,
    TOTAL,
    footprint_bands,
    mapped_footprint_by_consumer,
    read_consumer_groups,
)
from ..engine.mapping.grid import GridSpec
from ..engine.mapping.gridding import grid_footprint
from ..engine.mapping.inventory import (
    REASONS,
    Reason,
    check_region_codes,
    identity_concordance,
    inventory_rows,
    label_codes,
    parse_emissions,
    read_concordance,
)
from ..engine.mapping.projection import fitted_albers, is_equal_area
from ..engine.mrio.aggregation import match_regions
from ..engine.mrio.attribution import driven_shares
from ..qgis_io.coordinates import bounds_in, geometry_vertices, rectangle_outline
from ..qgis_io.errors import check_crs, engine_errors
from ..qgis_io.footprint_raster import write_footprint_raster
from ..qgis_io.mrio_input import MRIO_HELP, load_mrio, mrio_parameter
from ..qgis_io.regions import RegionSet, read_region_features
from ..qgis_io.styles import ApplyStyleFile, write_style
from ..qgis_io.tables import write_table
from ..qgis_io.vector_sources import TO_LOCATE
from .base import FootprintAlgorithm

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")

ADVICE = {
    Reason.INVALID_EMISSION: "fix the emission values (EMISSION_FIELD) of ids {examples}",
    Reason.NO_SECTOR: "give ids {examples} a sector code (SECTOR_FIELD)",
    Reason.UNKNOWN_SECTOR: (
        "add the sector codes {examples} to the CONCORDANCE (inventory_sector column), or "
        "use the MRIO's sector codes"
    ),
    Reason.NO_GEOMETRY: "give ids {examples} a geometry that the grid's CRS can hold",
    Reason.NO_REGION: (
        "ids {examples} lie outside every region: check that REGIONS covers the sources and "
        "that both layers have the right CRS (or fill the region field)"
    ),
    Reason.OUTSIDE_EXTENT: "ids {examples} lie outside the grid: widen EXTENT or leave it empty",
    Reason.REGION_NOT_IN_MRIO: (
        "the region codes {examples} are not regions of the MRIO: relabel them with the MRIO's "
        "region codes"
    ),
    Reason.ZERO_OUTPUT: (
        "the MRIO has no output for {examples} (region/inventory sector), so their emissions "
        "cannot be shared among consumers: check the MRIO"
    ),
}
"""What to check or fix for each reason, with a few examples."""

BREAKDOWNS = ("Consumer region", "Consumer region × final-demand category")
CONSUMER_BAND_CHOICES = ("Foreign consumers only", "Every consumer region (domestic too)")

ACCOUNT_FIELDS = (
    ("attributed", "real"),
    ("domestic", "real"),
    ("foreign", "real"),
    ("top_foreign_consumer", "text"),
    ("top_foreign_amount", "real"),
    ("unattributed", "real"),
    ("unattributed_reason", "text"),
)
"""Fields added to every source in OUTPUT_SOURCES (columns of engine.balance.source_accounts)."""


def wanted(parameters, key) -> bool:
    """Whether an optional output was asked for (not skipped)."""
    return parameters.get(key) not in (None, "")


def producer_regions(mrio) -> list:
    """The MRIO's producing regions, in order."""
    return list(dict.fromkeys(mrio.producers.get_level_values("region")))


class FootprintMapAlgorithm(FootprintAlgorithm):
    """Base of the footprint-map algorithms; subclasses add the inventory parameters and read it.

    Subclasses implement ``add_inventory_parameters()``, ``inventory_extent(parameters,
    context)`` -> (QgsRectangle, CRS), ``read_sources(parameters, context, feedback, grid,
    regions, crs)`` -> SourceParts, and ``write_sources(...)``.
    """

    GROUP = "Footprint maps"
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
        self.add_parameter(mrio_parameter(self.MRIO), MRIO_HELP)
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

    def _target_crs(self, parameters, context, feedback, vertices, crs):
        """The grid's CRS: TARGET_CRS, or an Albers conic fitted to the data's extent."""
        target = self.parameterAsCrs(parameters, self.TARGET_CRS, context)
        if target.isValid():
            if target.isGeographic():
                raise QgsProcessingException(
                    f"TARGET_CRS {target.authid() or target.description()} is geographic "
                    "(degrees): cells would not have equal areas. Choose a projected, "
                    "equal-area CRS, or leave TARGET_CRS empty for a fitted Albers projection."
                )
            if not is_equal_area(target.toProj()):
                feedback.pushWarning(
                    f"TARGET_CRS {target.authid() or target.description()} is not an "
                    "equal-area projection: cells differ in area, so comparing cells (hotspot "
                    "statistics) is biased. Leave TARGET_CRS empty for a fitted Albers "
                    "equal-area projection."
                )
            return target
        bounds = bounds_in(*vertices, crs, WGS84, context)
        target = QgsCoordinateReferenceSystem.fromProj(fitted_albers(*bounds))
        feedback.pushInfo(f"Grid CRS: {target.toProj()}")
        return target

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

    def _concordance(self, parameters, context, mrio):
        path = self.parameterAsFile(parameters, self.CONCORDANCE, context)
        sectors = list(dict.fromkeys(mrio.producers.get_level_values("sector")))
        with engine_errors():
            return read_concordance(path, sectors) if path else identity_concordance(sectors)

    def _footprint_bands(self, parameters, context, mrio, territory_codes):
        """The footprint bands; domestic regions from DOMESTIC_REGIONS or the territory."""
        consumers = list(dict.fromkeys(mrio.final_demand_labels.get_level_values("region")))
        patterns = self.parameterAsString(parameters, self.DOMESTIC_REGIONS, context).strip()
        groups_path = self.parameterAsFile(parameters, self.CONSUMER_GROUPS, context)
        every = self.parameterAsEnum(parameters, self.CONSUMER_BANDS, context) == 1
        with engine_errors():
            if patterns:
                domestic = [r for r, m in zip(consumers, match_regions(consumers, patterns)) if m]
            else:
                domestic = sorted(set(territory_codes) & set(consumers))
            groups = read_consumer_groups(groups_path) if groups_path else None
            return footprint_bands(mrio.final_demand_labels, domestic, groups, every)

    # -- the pipeline -------------------------------------------------------------------------

    def processAlgorithm(self, parameters, context, feedback):
        regions, grid, target = self._regions_and_grid(parameters, context, feedback)
        mrio, shares, concordance = self._mrio(parameters, context, feedback, regions)

        region_field = self.region_field(parameters, context)
        parts = self.read_sources(
            parameters, context, feedback, grid, None if region_field else regions, target
        )
        if feedback.isCanceled():
            raise QgsProcessingException("Cancelled while reading the sources: nothing written.")
        if parts.n_sources == 0:
            raise QgsProcessingException(
                "There are no emission sources (no features, none selected, or rasters without "
                "a non-zero cell): nothing to map."
            )
        part_region, region_labels = self._part_regions(parts, regions, region_field)
        if region_field:
            with engine_errors():
                check_region_codes(
                    region_labels, producer_regions(mrio), f"the field {region_field!r}"
                )
        territory_codes = regions.codes if regions is not None else region_labels
        bands = self._footprint_bands(parameters, context, mrio, territory_codes)
        feedback.setProgress(62)

        emissions = parse_emissions(parts.emission_values)
        rows, cols, inside = grid.cell_index(parts.part_x, parts.part_y)
        with engine_errors():
            inventory = inventory_rows(
                emissions,
                parts.sectors,
                parts.part_source,
                parts.part_fraction,
                part_region,
                region_labels,
                parts.part_located,
                inside,
                concordance,
                shares.producers,
                shares.zero_output,
            )
            shares_by_band = shares.share @ bands.matrix
            attributed = inventory.attributed
            row_part = inventory.part[attributed]
            footprint = grid_footprint(
                grid,
                rows[row_part],
                cols[row_part],
                inventory.producer[attributed],
                inventory.emission[attributed],
                shares_by_band,
            )
        part_codes = np.asarray([*region_labels, None], dtype=object)[part_region]
        self._report_unattributed(parts, inventory, emissions, part_codes, feedback)
        feedback.setProgress(70)

        output = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        write_footprint_raster(
            output,
            footprint,
            bands.descriptions,
            regions.territory(grid) if regions is not None else None,
            {
                "FOOTPRINT_BANDS": ",".join(bands.names),
                "MRIO": mrio.name,
                "INVENTORY": self.inventory_description(parameters, context),
            },
            feedback,
            (70, 92),
        )
        style = write_style(output, FOREIGN + 1, footprint.occupied_values[:, FOREIGN])
        ApplyStyleFile.attach(context, output, style)

        results = self._numbers(footprint)
        results[self.OUTPUT] = output
        balance = balance_table(emissions, inventory, bands, footprint.band_totals)
        results[self.BALANCE] = write_table(
            self, parameters, context, self.BALANCE, balance, feedback
        )
        if wanted(parameters, self.CONSUMERS):
            by_category = self.parameterAsEnum(parameters, self.BREAKDOWN, context) == 1
            consumers = mapped_footprint_by_consumer(
                footprint.emission_by_producer,
                shares.share,
                shares.final_demand_labels,
                bands,
                by_category,
            )
            results[self.CONSUMERS] = write_table(
                self, parameters, context, self.CONSUMERS, consumers, feedback
            )
        feedback.setProgress(95)
        if wanted(parameters, self.OUTPUT_SOURCES):
            accounts = source_accounts(inventory, parts.n_sources, shares_by_band, bands)
            results[self.OUTPUT_SOURCES] = self.write_sources(
                parameters, context, feedback, parts, accounts
            )
        feedback.setProgress(100)
        return results

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
        target = self._target_crs(parameters, context, feedback, vertices, vertex_crs)
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

    def _mrio(self, parameters, context, feedback, regions):
        """The MRIO, its driven shares and the concordance; REGIONS' codes checked against it."""
        mrio = load_mrio(self.parameterAsFile(parameters, self.MRIO, context), feedback)
        if regions is not None and not self.region_field(parameters, context):
            with engine_errors():
                check_region_codes(regions.codes, producer_regions(mrio), "REGIONS")
        concordance = self._concordance(parameters, context, mrio)
        feedback.setProgress(3)
        with engine_errors():
            shares = driven_shares(mrio)
        feedback.pushInfo(f"Driven shares solved with a {shares.method} LU factorization")
        feedback.setProgress(8)
        return mrio, shares, concordance

    def _part_regions(self, parts, regions, region_field):
        """Region of every part as a position in a list of region codes (-1 for none), and
        that list: codes of the region field's values, or of the region polygons."""
        if region_field:
            codes, labels = label_codes(parts.region_values)
            return codes[parts.part_source], list(labels)
        position = parts.part_region.copy()
        to_locate = (position == TO_LOCATE) & parts.part_located
        position[to_locate] = regions.locate(parts.part_x[to_locate], parts.part_y[to_locate])
        position[position < 0] = -1
        return position, regions.codes

    def _numbers(self, footprint) -> dict:
        total = float(footprint.band_totals[TOTAL])
        foreign = float(footprint.band_totals[FOREIGN])
        return {
            self.TOTAL: total,
            self.FOREIGN: foreign,
            self.FOREIGN_SHARE: foreign / total if total > 0 else None,
        }

    def _report_unattributed(self, parts, inventory, emissions, part_codes, feedback):
        """A warning per reason (count, amount, examples, fix); an error if nothing mapped.

        ``part_codes`` is the region code of every part (None for none).
        """
        messages = []
        for reason, text in REASONS.items():
            chosen = inventory.reason == reason
            if not chosen.any():
                continue
            sources = np.unique(inventory.source[chosen])
            if reason == Reason.UNKNOWN_SECTOR:
                examples = pd.unique(np.asarray(parts.sectors, dtype=object)[sources])
            elif reason == Reason.REGION_NOT_IN_MRIO:
                examples = pd.unique(part_codes[inventory.part[chosen]])
            elif reason == Reason.ZERO_OUTPUT:
                sectors = np.asarray(parts.sectors, dtype=object)[inventory.source[chosen]]
                examples = pd.unique(
                    [f"{r}/{s}" for r, s in zip(part_codes[inventory.part[chosen]], sectors)]
                )
            else:
                examples = parts.feature_ids[sources]
            message = (
                f"{sources.size:,} of {parts.n_sources:,} sources "
                f"({inventory.emission[chosen].sum():,.6g} in all) not attributed, {text}: "
                + ADVICE[reason].format(examples=preview(examples))
            )
            if reason == Reason.INVALID_EMISSION:
                message += (
                    f" ({emissions.null} null, {emissions.not_numeric} not a number, "
                    f"{emissions.negative} negative)"
                )
            feedback.pushWarning(message)
            messages.append(message)
        if not inventory.attributed.any():
            raise QgsProcessingException(
                "No emission could be attributed, so there is nothing to map. " + " ".join(messages)
            )
