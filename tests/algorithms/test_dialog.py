"""What the dialog shows: a field list follows its layer, a layer list offers only the
geometry the algorithm can use, rarely changed settings sit under Advanced."""

from qgis.core import (
    QgsApplication,
    QgsProcessing,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterNumber,
)

from tests.plugin.test_provider import EXPECTED

ALGORITHMS = EXPECTED - {"footprint:footprint_study"}

FIELD_PARENTS = {
    ("footprint:citytable", "NAME_FIELD"): "CITIES",
    ("footprint:hotspots", "BAND"): "INPUT",
    ("footprint:mapfootprint", "EMISSION_FIELD"): "INPUT",
    ("footprint:mapfootprint", "SECTOR_FIELD"): "INPUT",
    ("footprint:mapfootprint", "REGION_FIELD"): "INPUT",
    ("footprint:mapfootprint", "REGION_CODE_FIELD"): "REGIONS",
    ("footprint:mapgriddedfootprint", "REGION_CODE_FIELD"): "REGIONS",
    ("footprint:report", "SECTOR_FIELD"): "SOURCES",
}
POLYGONS, POINTS, TABLES = (
    [QgsProcessing.TypeVectorPolygon],
    [QgsProcessing.TypeVectorPoint],
    [QgsProcessing.TypeVector],
)
LAYER_TYPES = {
    ("footprint:citytable", "CITIES"): POLYGONS,
    ("footprint:hotspots", "MASK"): POLYGONS,
    ("footprint:mapfootprint", "REGIONS"): POLYGONS,
    ("footprint:mapgriddedfootprint", "REGIONS"): POLYGONS,
    ("footprint:report", "BOUNDARIES"): POLYGONS,
    ("footprint:report", "POINTS"): POINTS,
    **{("footprint:report", key): TABLES for key in ("BALANCE", "CONSUMERS", "CURVE", "CITIES")},
    ("footprint:report", "NEAR"): TABLES,
}
MAP_ADVANCED = {"MRIO_FORMAT", "CONSUMER_GROUPS", "CONSUMER_BANDS", "TARGET_CRS", "EXTENT"}
ADVANCED = {
    "footprint:mapfootprint": MAP_ADVANCED,
    "footprint:mapgriddedfootprint": MAP_ADVANCED | {"SUBCELLS"},
    "footprint:mrioaccounts": {"MRIO_FORMAT", "INCLUDE_DIRECT"},
}


def made(algorithm_id):
    """A new instance of an algorithm, as the dialog makes one (kept alive by the caller)."""
    return QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)


def test_the_dialog_links_fields_to_layers_filters_geometries_and_hides_advanced(provider):
    algorithms = {algorithm_id: made(algorithm_id) for algorithm_id in ALGORITHMS}
    for (algorithm_id, key), parent in FIELD_PARENTS.items():
        definition = algorithms[algorithm_id].parameterDefinition(key)
        assert definition.parentLayerParameterName() == parent, (algorithm_id, key)
    for (algorithm_id, key), types in LAYER_TYPES.items():
        definition = algorithms[algorithm_id].parameterDefinition(key)
        assert definition.dataTypes() == types, (algorithm_id, key)
    near = algorithms["footprint:nearfeatures"].parameterDefinition("DISTANCE")
    assert near.parentParameterName() == "INPUT"  # metres or degrees: the raster's CRS units
    for algorithm_id, algorithm in algorithms.items():
        definitions = algorithm.parameterDefinitions()
        advanced = {
            d.name()
            for d in definitions
            if d.flags() & QgsProcessingParameterDefinition.FlagAdvanced
        }
        assert advanced == ADVANCED.get(algorithm_id, set()), algorithm_id


def test_every_parameter_and_output_has_a_label(provider):
    """The dialog and the modeler show each parameter and output by its description."""
    for algorithm_id in ALGORITHMS:
        algorithm = made(algorithm_id)
        definitions = [*algorithm.parameterDefinitions(), *algorithm.outputDefinitions()]
        unlabelled = [d.name() for d in definitions if not d.description().strip()]
        assert unlabelled == [], algorithm_id


def declared_outputs(algorithm_id) -> set:
    """The names of an algorithm's outputs, the ones a model can chain."""
    algorithm = made(algorithm_id)
    return {definition.name() for definition in algorithm.outputDefinitions()}


# Number fields the dialog bounds (others are checked with a message when the run starts):
# (minimum, maximum, default, integer?); LEVEL is "more than 0 and at most 100%".
NUMBERS = {
    ("footprint:hotspots", "LEVEL"): (0.0, 100.0, 75.0, False),
    ("footprint:report", "LEVEL"): (0.0, 100.0, 75.0, False),
    ("footprint:mapgriddedfootprint", "SUBCELLS"): (0.0, None, 0, True),
}


def test_number_fields_are_bounded_with_their_defaults(provider):
    for (algorithm_id, key), (low, high, default, integer) in NUMBERS.items():
        algorithm = made(algorithm_id)
        definition = algorithm.parameterDefinition(key)
        assert definition.minimum() == low, (algorithm_id, key)
        assert high is None or definition.maximum() == high, (algorithm_id, key)
        assert definition.defaultValue() == default, (algorithm_id, key)
        assert (definition.dataType() == QgsProcessingParameterNumber.Integer) == integer
