"""footprint:mapfootprint: an emission inventory (features) mapped by the consumers driving it."""

from qgis.core import (
    QgsFeature,
    QgsFeatureRequest,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingFeatureSource,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingUtils,
)

from ..engine.sizes import FEATURES_PER_REPORT
from ..qgis_io.errors import CANCELLED, check_crs
from ..qgis_io.tables import add_feature, attribute_rows, table_fields
from ..qgis_io.vector_sources import read_vector_sources
from .map_base import FootprintMapAlgorithm


class MapFootprint(FootprintMapAlgorithm):
    NAME = "mapfootprint"
    DISPLAY_NAME = "Map carbon footprint"
    TAGS = (
        "footprint,MRIO,input-output,consumption-based,emissions,CO2,inventory,facilities,"
        "grid,raster,map,hotspot,export,foreign demand"
    )
    HELP = (
        "<p>Maps an emission inventory (facility points, line or area sources) by the final "
        "consumers whose demand drives it. Each source's emission is split over MRIO sectors "
        "(concordance) and placed in its producing region (by the region field, or by location "
        "in the region polygons); the MRIO's driven shares S = (I − A)<sup>−1</sup>Y / x then "
        "split it over consumers, and the result is summed on an equal-area grid (default "
        "10 km): bands total, domestic-driven, foreign-driven, and one per foreign consumer. "
        "Every band adds up to the attributed inventory; what cannot be attributed (unknown "
        "sector, no region, outside the extent, invalid value, ...) is listed in the balance "
        "with its reason, never dropped silently. The inputs are only read.</p>"
    )

    EMISSION_FIELD = "EMISSION_FIELD"
    SECTOR_FIELD = "SECTOR_FIELD"
    REGION_FIELD = "REGION_FIELD"

    def add_inventory_parameters(self):
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, "Emission sources", [QgsProcessing.TypeVectorAnyGeometry]
            ),
            "The inventory: points (facilities), lines or polygons (area sources), any OGR "
            "format, any CRS. Lines and polygons are split by length or area across regions "
            "and grid cells; a multipoint splits its emission equally over its points.",
        )
        self.add_parameter(
            QgsProcessingParameterField(
                self.EMISSION_FIELD,
                "Emission field",
                parentLayerParameterName=self.INPUT,
                type=QgsProcessingParameterField.Numeric,
            ),
            "Numeric field with each source's emission (e.g. t CO2 per year). Null, negative "
            "and non-numeric values are not mapped; they are counted in the balance.",
        )
        self.add_parameter(
            QgsProcessingParameterField(
                self.SECTOR_FIELD, "Sector field", parentLayerParameterName=self.INPUT
            ),
            "Field with each source's sector code: a code of the CONCORDANCE's "
            "inventory_sector column, or an MRIO sector when there is no concordance.",
        )
        self.add_parameter(
            QgsProcessingParameterField(
                self.REGION_FIELD,
                "Region field",
                parentLayerParameterName=self.INPUT,
                optional=True,
            ),
            "Field with each source's producing region as an MRIO region code. Give it, or "
            "REGIONS with REGION_CODE_FIELD to place sources by location. With both, the field "
            "decides and REGIONS only outlines the territory and the default extent.",
        )

    def region_field(self, parameters, context) -> str:
        return self.parameterAsString(parameters, self.REGION_FIELD, context)

    def inventory_extent(self, parameters, context):
        """Check INPUT and its fields; return its extent and CRS."""
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        check_crs(source.sourceCrs(), "INPUT")
        if source.featureCount() == 0:
            raise QgsProcessingException(
                "INPUT is empty (no features, or none selected): there are no emissions to map."
            )
        fields = source.fields()
        emission = self.parameterAsString(parameters, self.EMISSION_FIELD, context)
        for key in (self.EMISSION_FIELD, self.SECTOR_FIELD, self.REGION_FIELD):
            name = self.parameterAsString(parameters, key, context)
            if name and fields.lookupField(name) < 0:
                raise QgsProcessingException(
                    f"{key} {name!r} is not a field of INPUT; its fields are "
                    f"{', '.join(fields.names())}."
                )
        if not fields.field(emission).isNumeric():
            raise QgsProcessingException(
                f"EMISSION_FIELD {emission!r} is a {fields.field(emission).typeName()} field, "
                "not a number field. Choose a numeric field, or convert it with the field "
                "calculator (to_real)."
            )
        has_regions = parameters.get(self.REGIONS) not in (None, "")
        if not self.region_field(parameters, context) and not has_regions:
            raise QgsProcessingException(
                "Say where the sources are produced: give REGION_FIELD (a field with MRIO region "
                "codes) or REGIONS with REGION_CODE_FIELD (region polygons)."
            )
        self._source = source
        return source.sourceExtent(), source.sourceCrs()

    def inventory_description(self, parameters, context) -> str:
        emission = self.parameterAsString(parameters, self.EMISSION_FIELD, context)
        return f"{self._source.sourceName()}: {emission}"

    def read_sources(self, parameters, context, feedback, grid, regions, crs):
        names = [
            self.parameterAsString(parameters, key, context) or None
            for key in (self.EMISSION_FIELD, self.SECTOR_FIELD, self.REGION_FIELD)
        ]
        return read_vector_sources(self._source, names, grid, regions, crs, context, feedback)

    def write_sources(self, outputs, feedback, result):
        """The input features, unchanged, with their attributed amounts."""
        source = self._source
        accounts = result.source_accounts()
        fields = QgsProcessingUtils.combineFields(source.fields(), table_fields(accounts))
        sink, destination = outputs.sink(
            self.OUTPUT_SOURCES, fields, source.wkbType(), source.sourceCrs()
        )
        position = dict(zip(result.sources.source_id.tolist(), range(result.sources.n_sources)))
        rows = attribute_rows(accounts)
        count = max(1, source.featureCount())
        features = source.getFeatures(  # written as given; invalid ones were repaired to map
            QgsFeatureRequest(), QgsProcessingFeatureSource.FlagSkipGeometryValidityChecks
        )
        for done, feature in enumerate(features):
            if done % FEATURES_PER_REPORT == 0:
                if feedback.isCanceled():
                    raise QgsProcessingException(CANCELLED)
                feedback.setProgress(100.0 * done / count)
            out = QgsFeature(fields)
            out.setGeometry(feature.geometry())
            out.setAttributes(feature.attributes() + rows[position[feature.id()]])
            add_feature(sink, out, self.OUTPUT_SOURCES)
        return destination
