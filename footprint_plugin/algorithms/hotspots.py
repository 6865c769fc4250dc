"""footprint:hotspots: the smallest area holding a given share of a footprint band."""

import numpy as np
import pandas as pd
from osgeo import gdal
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsEllipsoidUtils,
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBand,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsUnitTypes,
)

from ..engine.analysis.cell_areas import ellipsoidal_row_areas
from ..engine.analysis.concentration import ConcentrationError, check_level, concentration
from ..engine.columns import AREA_SHARE, FOOTPRINT_SHARE
from ..engine.mapping.projection import is_equal_area
from ..qgis_io.errors import crs_name, engine_errors
from ..qgis_io.footprint_raster import FootprintRaster
from ..qgis_io.geotiff import write_geotiff
from ..qgis_io.styles import ApplyStyleFile, write_hotspot_style
from ..qgis_io.tables import write_table
from ..qgis_io.zones import centre_cells, read_zones
from ..report import html as html_report
from .base import FootprintAlgorithm, Steps, wanted

HOTSPOT, REST, OUTSIDE = 1, 0, 255
"""Values of the hotspot raster: in the hotspot set, rest of the territory, no data."""

WGS84_ELLIPSOID = "EPSG:7030"


class Hotspots(FootprintAlgorithm):
    NAME = "hotspots"
    DISPLAY_NAME = "Footprint hotspots"
    GROUP = "Footprint analysis"
    STEPS = ("territory", "cells", "outputs")
    TAGS = "footprint,hotspot,concentration,Lorenz,Gini,area share,raster"
    HELP = (
        "<p>Where does a footprint concentrate? The cells of the territory are ranked by "
        "footprint per unit area, highest first (ties: the earlier cell first), and the "
        "hotspot set is the smallest set of cells holding LEVEL of the band's total, the cell "
        "that crosses the level included. Its share of the territory's area is the headline "
        "(\u201c1% of the land holds 75%\u201d). Also reported: the concentration (Lorenz) "
        "curve and the Gini index. Areas are exact on an equal-area grid; on a latitude/"
        "longitude grid each row's cell area is computed on the ellipsoid.</p>"
    )

    INPUT = "INPUT"
    BAND = "BAND"
    LEVEL = "LEVEL"
    MASK = "MASK"
    OUTPUT = "OUTPUT"
    CURVE = "CURVE"
    OUTPUT_HTML = "OUTPUT_HTML"
    AREA_SHARE = "AREA_SHARE"
    GINI = "GINI"
    HOTSPOT_CELLS = "HOTSPOT_CELLS"
    HOTSPOT_AREA = "HOTSPOT_AREA"
    TOTAL = "TOTAL"

    def initAlgorithm(self, config=None):
        self.add_parameter(
            QgsProcessingParameterRasterLayer(self.INPUT, "Footprint raster"),
            "A footprint map (e.g. from Map carbon footprint): amounts per cell, nodata outside "
            "the territory.",
        )
        self.add_parameter(
            QgsProcessingParameterBand(self.BAND, "Band", None, self.INPUT, optional=True),
            "The band to analyse. Empty: the band whose description says foreign-driven, "
            "else band 1.",
        )
        self.add_parameter(
            QgsProcessingParameterNumber(
                self.LEVEL,
                "Level (% of the footprint)",
                QgsProcessingParameterNumber.Double,
                75.0,
                minValue=0.0,
                maxValue=100.0,
            ),
            "Share of the total the hotspot set must hold, more than 0 and at most 100%.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.MASK, "Territory", [QgsProcessing.TypeVectorPolygon], optional=True
            ),
            "Polygons of the territory whose area the shares refer to (a cell belongs to it "
            "when its centre does; cells without data there count as zero footprint). Empty: "
            "the cells with data.",
        )
        self.add_parameter(
            QgsProcessingParameterRasterDestination(self.OUTPUT, "Hotspots"),
            "GeoTIFF on the raster's grid: 1 = hotspot cell, 0 = rest of the territory, "
            "nodata outside. A .qml sidecar shows the hotspots as a semi-transparent overlay.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.CURVE, "Concentration curve", QgsProcessing.TypeVector
            ),
            "Table of the concentration curve, thinned to a few hundred points: area_share "
            "(cumulative share of the territory's area) and footprint_share (cumulative share "
            "of the footprint), both from 0 to 1.",
        )
        self.add_parameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_HTML, "Report", "HTML files (*.html)", optional=True
            ),
            "An HTML page with the headline numbers and the concentration curve.",
        )
        self.addOutput(
            QgsProcessingOutputNumber(self.AREA_SHARE, "Share of the area holding LEVEL (%)")
        )
        self.addOutput(QgsProcessingOutputNumber(self.GINI, "Gini index"))
        self.addOutput(QgsProcessingOutputNumber(self.HOTSPOT_CELLS, "Hotspot cells"))
        self.addOutput(QgsProcessingOutputNumber(self.HOTSPOT_AREA, "Hotspot area (km²)"))
        self.addOutput(QgsProcessingOutputNumber(self.TOTAL, "Footprint of the territory"))

    def checkParameterValues(self, parameters, context):
        try:
            check_level(self.parameterAsDouble(parameters, self.LEVEL, context) / 100.0)
        except ConcentrationError as error:
            return False, str(error)
        return super().checkParameterValues(parameters, context)

    def process(self, parameters, context, feedback, outputs):
        raster = FootprintRaster.from_layer(
            self.parameterAsRasterLayer(parameters, self.INPUT, context)
        )
        band = raster.band_number(
            None
            if parameters.get(self.BAND) is None
            else self.parameterAsInt(parameters, self.BAND, context)
        )
        feedback.pushInfo(f"Band {band}: {raster.descriptions[band - 1] or 'no description'}")
        level = self.parameterAsDouble(parameters, self.LEVEL, context) / 100.0
        steps = Steps(feedback, self.STEPS)
        territory = self._territory(parameters, context, raster, steps.start("territory"))
        cells, values = self._territory_cells(raster, band, territory, steps.start("cells"))
        cell_area, area_note = self._cell_areas(raster, cells, feedback)
        with engine_errors():
            result = concentration(values, cell_area, level)
        writing = steps.start("outputs")

        output = outputs.file(self.OUTPUT)
        codes = np.full(raster.shape, OUTSIDE, dtype=np.uint8).ravel()
        codes[cells] = REST
        codes[cells[result.hotspot]] = HOTSPOT
        description = (
            f"hotspots: 1 = smallest area holding {100 * level:g}% of band {band} "
            f"({raster.descriptions[band - 1] or 'no description'})"
        )
        write_geotiff(
            output,
            raster.shape,
            gdal.GDT_Byte,
            ["COMPRESS=DEFLATE", "TILED=YES"],
            raster.geotransform,
            raster.crs.toWkt(QgsCoordinateReferenceSystem.WKT_PREFERRED_GDAL),
            [description],
            OUTSIDE,
            lambda dataset: write_codes(dataset, codes.reshape(raster.shape)),
        )
        write_hotspot_style(output, 100 * level)
        ApplyStyleFile.attach(context, outputs.destination(self.OUTPUT))
        results = {
            self.OUTPUT: outputs.destination(self.OUTPUT),
            self.CURVE: write_table(outputs, self.CURVE, result.curve, writing),
            self.AREA_SHARE: 100.0 * result.area_share,
            self.GINI: result.gini,
            self.HOTSPOT_CELLS: result.hotspot_cells,
            self.HOTSPOT_AREA: result.hotspot_area,
            self.TOTAL: result.total,
        }
        feedback.pushInfo(
            f"{100 * result.area_share:.4g}% of the territory ({result.hotspot_cells:,} cells, "
            f"{result.hotspot_area:,.6g} km²) holds {100 * result.hotspot_share:.4g}% of the "
            f"footprint; Gini index {result.gini:.4f}."
        )
        if wanted(parameters, self.OUTPUT_HTML):
            results[self.OUTPUT_HTML] = self.write_report(
                outputs, self.OUTPUT_HTML, self._report(raster, band, result, area_note)
            )
        return results

    def _territory(self, parameters, context, raster, feedback):
        """Flat bool mask of the cells whose centre lies in MASK, or None without a MASK."""
        source = self.parameterAsSource(parameters, self.MASK, context)
        if source is None:
            return None
        zones = read_zones(source, raster, context, feedback, self.MASK)
        territory = np.zeros(raster.shape[0] * raster.shape[1], dtype=bool)
        for geometry in zones.geometries:
            territory[centre_cells(geometry, raster)] = True
        return territory

    @staticmethod
    def _territory_cells(raster, band, territory, feedback):
        """Cell numbers and footprint of the territory's cells, read a block of rows at a time."""
        n_cols = raster.shape[1]
        cells, values = [], []
        outside_total, missing = 0.0, 0
        for row, block in raster.blocks([band], feedback):
            block = block[0].ravel()
            valid = ~np.isnan(block)
            number = np.arange(row * n_cols, row * n_cols + block.size)
            inside = valid if territory is None else territory[number]
            if territory is not None:
                outside_total += float(block[valid & ~inside].sum())
                missing += int(np.count_nonzero(inside & ~valid))
            cells.append(number[inside])
            values.append(np.where(valid, block, 0.0)[inside])
        if outside_total:
            feedback.pushWarning(
                f"{outside_total:,.6g} of the band lies in cells outside MASK and is left out."
            )
        if missing:
            feedback.pushWarning(
                f"{missing:,} cells inside MASK have no data; they count as land with no footprint."
            )
        return np.concatenate(cells), np.concatenate(values)

    @staticmethod
    def _cell_areas(raster, cells, feedback):
        """Cell areas in km² (one number, or one per cell) and a note on how they were found."""
        crs = raster.crs
        name = crs_name(crs)
        _, width, _, top, _, height = raster.geotransform
        if crs.isGeographic():
            ellipsoid = QgsEllipsoidUtils.ellipsoidParameters(crs.ellipsoidAcronym())
            if not ellipsoid.valid:
                ellipsoid = QgsEllipsoidUtils.ellipsoidParameters(WGS84_ELLIPSOID)
            edges = top + height * np.arange(raster.shape[0] + 1)
            rows = ellipsoidal_row_areas(
                edges, width, ellipsoid.semiMajor, ellipsoid.inverseFlattening
            )
            note = (
                f"The raster's CRS {name} is geographic, not equal-area: cells shrink towards "
                "the poles. Each row's cell area was computed on the ellipsoid "
                f"(semi-major axis {ellipsoid.semiMajor:.0f} m); the areas are exact."
            )
            feedback.pushWarning(note)
            return rows[cells // raster.shape[1]] / 1e6, note
        to_km = QgsUnitTypes.fromUnitToUnitFactor(crs.mapUnits(), QgsUnitTypes.DistanceKilometers)
        cell_area = abs(width * height) * to_km**2
        if is_equal_area(crs.toProj()):
            note = f"The raster's CRS {name} is equal-area: every cell is {cell_area:.6g} km²."
            feedback.pushInfo(note)
        else:
            note = (
                f"The raster's CRS {name} is not equal-area: cells of the same map size cover "
                "different land areas, so the area shares are only approximate. Warp the raster "
                "to an equal-area projection (e.g. Albers) for exact shares."
            )
            feedback.pushWarning(note)
        return cell_area, note

    @staticmethod
    def _report(raster, band, result, area_note) -> str:
        facts = pd.DataFrame(
            {
                "": [
                    "Band",
                    "Level",
                    "Share of the territory's area holding it",
                    "Hotspot cells",
                    "Hotspot area (km²)",
                    "Territory area (km²)",
                    "Footprint of the territory",
                    "Share held by the hotspot cells",
                    "Gini index",
                ],
                "value": [
                    f"{band}: {raster.descriptions[band - 1] or 'no description'}",
                    f"{100 * result.level:g}%",
                    f"{100 * result.area_share:.4g}%",
                    f"{result.hotspot_cells:,}",
                    f"{result.hotspot_area:,.6g}",
                    f"{result.territory_area:,.6g}",
                    f"{result.total:,.6g}",
                    f"{100 * result.hotspot_share:.4g}%",
                    f"{result.gini:.4f}",
                ],
            }
        )
        curve = html_report.concentration_curve_svg(
            result.curve[AREA_SHARE],
            result.curve[FOOTPRINT_SHARE],
            result.area_share,
            result.level,
        )
        return html_report.page(
            "Footprint hotspots",
            [
                ("Headline", html_report.table(facts)),
                ("Concentration curve", curve),
                ("Cell areas", html_report.paragraph(area_note, "note")),
            ],
        )


def write_codes(dataset, codes: np.ndarray) -> bool:
    """Fill the hotspot raster's one band (write errors are caught by ``write_geotiff``)."""
    dataset.GetRasterBand(1).WriteArray(codes)
    return True
