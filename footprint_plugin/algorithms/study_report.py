"""footprint:report: one HTML page gathering the findings of a footprint study."""

import pandas as pd
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from ..engine.analysis.band_labels import foreign_band
from ..engine.columns import (
    AREA_SHARE,
    FOOTPRINT_SHARE,
)
from ..qgis_io.footprint_raster import FootprintRaster
from ..qgis_io.tables import read_table
from ..report import html as html_report
from ..report.map_image import footprint_map_image
from ..report.study import (
    SIDE_TABLES,
    band_totals,
    check_side_table,
    city_section,
    consumer_sections,
    png_uri,
    sector_section,
)
from .base import FootprintAlgorithm, Steps, wanted


class FootprintReport(FootprintAlgorithm):
    NAME = "report"
    DISPLAY_NAME = "Footprint study report"
    GROUP = "Footprint analysis"
    STEPS = ("totals", "map", "tables")
    TAGS = "report,HTML,footprint,hotspots,cities,consumers,summary"
    HELP = (
        "<p>Gathers the results of a footprint study in one HTML page that opens in the "
        "Processing results viewer and in a browser: totals and the foreign-driven share, a map "
        "of the foreign-driven footprint, the top consumer regions, the breakdown by "
        "final-demand category and by producing sector, the concentration curve, the top "
        "cities and the footprint near infrastructure. Every input but the footprint map is "
        "optional: sections without their input are left out.</p>"
    )

    FOOTPRINT = "FOOTPRINT"
    BALANCE = "BALANCE"
    CONSUMERS = "CONSUMERS"
    SOURCES = "SOURCES"
    SECTOR_FIELD = "SECTOR_FIELD"
    CURVE = "CURVE"
    AREA_SHARE = "AREA_SHARE"
    GINI = "GINI"
    LEVEL = "LEVEL"
    CITIES = "CITIES"
    NEAR = "NEAR"
    BOUNDARIES = "BOUNDARIES"
    POINTS = "POINTS"
    NOTE = "NOTE"
    OUTPUT_HTML = "OUTPUT_HTML"
    OUTPUT_MAP = "OUTPUT_MAP"
    TOTAL = "TOTAL"
    FOREIGN = "FOREIGN"
    FOREIGN_SHARE = "FOREIGN_SHARE"
    TOP_CITIES = "TOP_CITIES"
    TOP_CONSUMERS = "TOP_CONSUMERS"

    def initAlgorithm(self, config=None):
        table = [QgsProcessing.TypeVector]
        self.add_parameter(
            QgsProcessingParameterRasterLayer(self.FOOTPRINT, "Footprint map"),
            "The multi-band footprint raster of Map carbon footprint (band 1 total, then "
            "domestic- and foreign-driven bands).",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(self.BALANCE, "Balance", table, optional=True),
            "The BALANCE table of Map carbon footprint: where every tonne went.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.CONSUMERS, "Footprint by consumer", table, optional=True
            ),
            "The CONSUMERS table of Map carbon footprint: ranks the foreign consumer regions and, "
            "when it has a category column, the final-demand categories.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(self.SOURCES, "Attributed sources", optional=True),
            "The OUTPUT_SOURCES layer of Map carbon footprint: gives the foreign-driven "
            "footprint by producing sector.",
        )
        self.add_parameter(
            QgsProcessingParameterField(
                self.SECTOR_FIELD,
                "Sector field of the sources",
                "sector_code",
                self.SOURCES,
                optional=True,
            ),
            "The field of the attributed sources holding their sector.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.CURVE, "Concentration curve", table, optional=True
            ),
            "The CURVE table of Footprint hotspots (area_share, footprint_share).",
        )
        for key, label, help_text in (
            (
                self.AREA_SHARE,
                "Area share holding the level (%)",
                "AREA_SHARE of Footprint hotspots.",
            ),
            (self.GINI, "Gini index", "GINI of Footprint hotspots."),
        ):
            self.add_parameter(
                QgsProcessingParameterNumber(
                    key, label, QgsProcessingParameterNumber.Double, optional=True
                ),
                help_text,
            )
        self.add_parameter(
            QgsProcessingParameterNumber(
                self.LEVEL,
                "Hotspot level (%)",
                QgsProcessingParameterNumber.Double,
                75.0,
                minValue=0.0,
                maxValue=100.0,
            ),
            "The LEVEL the hotspots were found for.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(self.CITIES, "City table", table, optional=True),
            "The OUTPUT_TABLE of Footprint by city (city, band, footprint, share, rank).",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.NEAR, "Near-infrastructure totals", table, optional=True
            ),
            "The UNION_TABLE of Footprint near infrastructure.",
        )
        self.add_parameter(
            QgsProcessingParameterVectorLayer(
                self.BOUNDARIES,
                "Boundaries for the map",
                [QgsProcessing.TypeVectorPolygon],
                optional=True,
            ),
            "Polygons drawn as outlines over the map (e.g. provinces).",
        )
        self.add_parameter(
            QgsProcessingParameterVectorLayer(
                self.POINTS, "Points for the map", [QgsProcessing.TypeVectorPoint], optional=True
            ),
            "Points drawn as small dots over the map (e.g. ports).",
        )
        self.add_parameter(
            QgsProcessingParameterString(self.NOTE, "Note on the data", optional=True),
            "A note shown at the top of the report, e.g. that the inventory is synthetic.",
        )
        self.add_parameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_HTML, "Report", "HTML files (*.html)"
            ),
            "The report, one self-contained HTML file (charts and map inline).",
        )
        self.add_parameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_MAP, "Map image", "PNG files (*.png)", optional=True
            ),
            "The map of the foreign-driven footprint as a PNG as well.",
        )
        self.addOutput(QgsProcessingOutputNumber(self.TOTAL, "Total footprint mapped"))
        self.addOutput(QgsProcessingOutputNumber(self.FOREIGN, "Foreign-driven footprint"))
        self.addOutput(QgsProcessingOutputNumber(self.FOREIGN_SHARE, "Foreign-driven share"))
        self.addOutput(QgsProcessingOutputString(self.TOP_CITIES, "Top cities"))
        self.addOutput(QgsProcessingOutputString(self.TOP_CONSUMERS, "Top foreign consumers"))

    def table(self, parameters, key, context):
        """The side table ``key`` (None if not given), checked to be the output it names."""
        source = self.parameterAsSource(parameters, key, context)
        if source is None:
            return None
        table = read_table(source)
        if key in SIDE_TABLES:
            check_side_table(table, key)
        return table

    def process(self, parameters, context, feedback, outputs):
        layer = self.parameterAsRasterLayer(parameters, self.FOOTPRINT, context)
        raster = FootprintRaster.from_layer(layer, self.FOOTPRINT)
        path = raster.source
        steps = Steps(feedback, self.STEPS)
        totals = band_totals(raster, steps.start("totals"))
        foreign = foreign_band(raster.band_labels)
        if foreign is None:
            raise QgsProcessingException(
                f"{path} has no band described as foreign-driven: give the footprint map that "
                "Map carbon footprint wrote."
            )
        results = {
            self.TOTAL: totals[0],
            self.FOREIGN: totals[foreign],
            self.FOREIGN_SHARE: totals[foreign] / totals[0] if totals[0] else None,
        }
        note = self.parameterAsString(parameters, self.NOTE, context)
        sections = [("Totals", self.totals_section(results, path, note))]

        steps.start("map")
        image = footprint_map_image(
            path,
            foreign + 1,
            "Footprint driven by foreign final demand",
            boundaries=self.layer_copy(parameters, self.BOUNDARIES, context),
            points=self.layer_copy(parameters, self.POINTS, context),
            width=1200,
            transform_context=context.transformContext(),
        )
        if wanted(parameters, self.OUTPUT_MAP):
            if not image.save(outputs.file(self.OUTPUT_MAP)):
                raise QgsProcessingException(
                    f"Cannot write the map image {outputs.destination(self.OUTPUT_MAP)}."
                )
            results[self.OUTPUT_MAP] = outputs.destination(self.OUTPUT_MAP)
        sections.append(("Map", f'<img alt="map" style="max-width:100%" src="{png_uri(image)}">'))
        steps.start("tables")

        foreign_total = totals[foreign]
        consumers = self.table(parameters, self.CONSUMERS, context)
        if consumers is not None and len(consumers):
            found, results[self.TOP_CONSUMERS] = consumer_sections(consumers, foreign_total)
            sections += found
        sources = self.table(parameters, self.SOURCES, context)
        if sources is not None and len(sources):
            sector_field = self.parameterAsString(parameters, self.SECTOR_FIELD, context)
            sections.append(sector_section(sources, sector_field, foreign_total))
        sections += self.concentration_section(parameters, context)
        cities = self.table(parameters, self.CITIES, context)
        if cities is not None and len(cities):
            section, results[self.TOP_CITIES] = city_section(cities)
            sections.append(section)
        near = self.table(parameters, self.NEAR, context)
        if near is not None and len(near):
            sections.append(("Footprint near infrastructure", html_report.table(near)))
        balance = self.table(parameters, self.BALANCE, context)
        if balance is not None and len(balance):
            sections.append(("Balance: where every tonne went", html_report.table(balance)))
        if feedback.isCanceled():
            raise QgsProcessingException("Cancelled: no report was written.")

        results[self.OUTPUT_HTML] = self.write_report(
            outputs, self.OUTPUT_HTML, html_report.page("Carbon footprint study", sections)
        )
        return results

    def layer_copy(self, parameters, key, context):
        """A copy of a vector layer parameter, to restyle without touching the user's layer."""
        layer = self.parameterAsVectorLayer(parameters, key, context)
        return None if layer is None else layer.clone()

    def totals_section(self, results, path, note):
        facts = pd.DataFrame(
            {
                "": ["Footprint map", "Total footprint mapped", "Foreign-driven", "Foreign share"],
                "value": [
                    path,
                    html_report.number(results[self.TOTAL]),
                    html_report.number(results[self.FOREIGN]),
                    ""
                    if results[self.FOREIGN_SHARE] is None
                    else f"{100 * results[self.FOREIGN_SHARE]:.1f}%",
                ],
            }
        )
        banner = html_report.paragraph(note, "warning") if note else ""
        return banner + html_report.table(facts)

    def concentration_section(self, parameters, context):
        curve = self.table(parameters, self.CURVE, context)
        area_share = parameters.get(self.AREA_SHARE)
        if curve is None or not len(curve) or area_share in (None, ""):
            return []
        area_share = self.parameterAsDouble(parameters, self.AREA_SHARE, context)
        level = self.parameterAsDouble(parameters, self.LEVEL, context)
        text = f"{area_share:.3g}% of the territory's area holds {level:g}% of the footprint."
        if parameters.get(self.GINI) not in (None, ""):
            gini = self.parameterAsDouble(parameters, self.GINI, context)
            text += f" Gini index {gini:.3f}."
        svg = html_report.concentration_curve_svg(
            curve[AREA_SHARE], curve[FOOTPRINT_SHARE], area_share / 100, level / 100
        )
        return [("Concentration", html_report.paragraph(text) + svg)]
