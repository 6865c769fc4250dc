"""footprint:citytable: the footprint of every band summed over city polygons."""

from qgis.core import (
    QgsDistanceArea,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterRasterLayer,
    QgsUnitTypes,
)
from qgis.PyQt.QtCore import QVariant

from ..engine.analysis.zonal import overlaps, zone_long_table, zone_table
from ..engine.columns import CITY
from ..qgis_io.errors import CANCELLED
from ..qgis_io.footprint_raster import FootprintRaster
from ..qgis_io.styles import ApplyRenderer, graduated_renderer, write_vector_style
from ..qgis_io.tables import write_table
from ..qgis_io.zones import read_zones, write_zone_features, zonal_footprint
from .base import FootprintAlgorithm, Steps

OUTSIDE_LABEL = "outside any city"
WGS84_ELLIPSOID = "EPSG:7030"


class CityTable(FootprintAlgorithm):
    NAME = "citytable"
    DISPLAY_NAME = "Footprint by city"
    GROUP = "Footprint analysis"
    STEPS = ("zones", "sums", "outputs")
    TAGS = "footprint,city,zonal statistics,sum,share,rank,choropleth,polygon"
    HELP = (
        "<p>Sums every band of a footprint raster over city polygons. A cell split by a city "
        "border is apportioned by the share of its area on each side (exact polygon/cell "
        "intersection), so the city sums plus \u201coutside any city\u201d equal the band "
        "totals. Cities are reprojected to the raster's CRS; invalid polygons are repaired "
        "(and counted in the log). Cities are ranked by the foreign-driven band (the band "
        "whose description or name says foreign), else by band 1.</p>"
    )

    INPUT = "INPUT"
    CITIES = "CITIES"
    NAME_FIELD = "NAME_FIELD"
    OUTPUT = "OUTPUT"
    OUTPUT_TABLE = "OUTPUT_TABLE"
    RANK_FIELD = "RANK_FIELD"

    def initAlgorithm(self, config=None):
        self.add_parameter(
            QgsProcessingParameterRasterLayer(self.INPUT, "Footprint raster"),
            "A footprint map; every band is summed.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.CITIES, "Cities", [QgsProcessing.TypeVectorPolygon]
            ),
            "City polygons, in any CRS (they are reprojected to the raster's).",
        )
        self.add_parameter(
            QgsProcessingParameterField(self.NAME_FIELD, "City name field", "name", self.CITIES),
            "The field holding the city names used in the long table.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, "Footprint by city", QgsProcessing.TypeVectorPolygon
            ),
            "The city polygons with, for every band, its sum in the city and the city's "
            "share of the band total; rank (1 = largest foreign-driven footprint) and "
            "area_km2 (land area on the ellipsoid). Styled as a choropleth of the ranking band.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_TABLE, "Footprint by city and band", QgsProcessing.TypeVector
            ),
            "One row per city and band: city, band, footprint, share (of the band total), "
            f"rank (within the band), plus one row per band for \u201c{OUTSIDE_LABEL}\u201d, so "
            "each band adds up to its total. For pivoting.",
        )
        self.addOutput(QgsProcessingOutputString(self.RANK_FIELD, "Field the cities are ranked by"))

    def process(self, parameters, context, feedback, outputs):
        raster = FootprintRaster.from_layer(
            self.parameterAsRasterLayer(parameters, self.INPUT, context)
        )
        cities = self.parameterAsSource(parameters, self.CITIES, context)
        if cities is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.CITIES))
        name_field = self.parameterAsString(parameters, self.NAME_FIELD, context)
        if cities.fields().lookupField(name_field) < 0:
            raise QgsProcessingException(
                f"NAME_FIELD {name_field!r} is not a field of CITIES. Its fields are: "
                f"{', '.join(cities.fields().names()) or 'none'}. Choose the field holding the "
                "city names."
            )
        steps = Steps(feedback, self.STEPS)
        zones = read_zones(cities, raster, context, steps.start("zones"), self.CITIES)
        fractions, sums = zonal_footprint(raster, zones.geometries, steps.start("sums"))
        names = [
            "" if isinstance(name, QVariant) or name is None else str(name)
            for name in (feature[name_field] for feature in zones.features)
        ]
        overlap = overlaps(fractions)
        if overlap.cells:
            shown = ", ".join(f"{names[a]} / {names[b]}" for a, b, _ in overlap.pairs[:5])
            feedback.pushWarning(
                f"Cities overlap: {overlap.excess:,.6g} cell areas "
                f"({100 * overlap.excess / overlap.covered:.3g}% of the area they cover) are "
                f"covered by more than one city, most between {shown}. Those cells count in "
                f"each city covering them and \u201c{OUTSIDE_LABEL}\u201d is reduced by as "
                "much, so the tables still add up to the band totals. Slivers along borders "
                "matter little; cut real overlaps (e.g. holes for enclaves)."
            )
        band_fields = raster.field_names()
        rank_band = raster.rank_band()
        feedback.pushInfo(f"Cities are ranked by band {rank_band + 1} ({band_fields[rank_band]}).")
        table = zone_table(sums, names, band_fields, rank_band).drop(columns="zone")
        table["area_km2"] = self._land_areas(cities, zones, context)
        writing = steps.start("outputs")

        dest_id, renamed = write_zone_features(outputs, self.OUTPUT, cities, zones, table)
        rank_field = renamed[band_fields[rank_band]]
        renderer = graduated_renderer(rank_field, sums.sums[:, rank_band])
        if context.willLoadLayerOnCompletion(dest_id):
            details = context.layerToLoadOnCompletionDetails(dest_id)
            details.setPostProcessor(ApplyRenderer.create(renderer))
        long_table = zone_long_table(sums, names, band_fields, OUTSIDE_LABEL, zone_column=CITY)
        results = {
            self.OUTPUT: dest_id,
            self.OUTPUT_TABLE: write_table(outputs, self.OUTPUT_TABLE, long_table, writing),
            self.RANK_FIELD: rank_field,
        }
        if feedback.isCanceled():
            raise QgsProcessingException(CANCELLED)
        write_vector_style(outputs.file(self.OUTPUT), renderer)  # its sink is closed: returned
        return results

    @staticmethod
    def _land_areas(cities, zones, context):
        """Land area of each city in km², on the ellipsoid of the cities' CRS."""
        measure = QgsDistanceArea()
        measure.setSourceCrs(cities.sourceCrs(), context.transformContext())
        # An ellipsoid known only by its parameters ("PARAMETER:a:b", a CRS whose ellipsoid has
        # no authority code) gets no lon/lat CRS in QGIS 3.22, and every area is NaN; WGS 84
        # set first leaves its lon/lat CRS in place for it.
        measure.setEllipsoid(WGS84_ELLIPSOID)
        measure.setEllipsoid(cities.sourceCrs().ellipsoidAcronym() or WGS84_ELLIPSOID)
        return [
            measure.convertAreaMeasurement(
                measure.measureArea(feature.geometry()), QgsUnitTypes.AreaSquareKilometers
            )
            for feature in zones.features
        ]
