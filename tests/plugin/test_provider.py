"""The provider registers with the processing registry and lists every algorithm and model."""

from qgis.core import QgsApplication

EXPECTED = {
    "footprint:mrioaccounts",
    "footprint:mapfootprint",
    "footprint:mapgriddedfootprint",
    "footprint:hotspots",
    "footprint:citytable",
    "footprint:nearfeatures",
    "footprint:report",
    "footprint:clearmriocache",
    "footprint:footprint_study",
}


def test_registry_lists_every_algorithm_with_help_on_every_parameter(provider):
    registry = QgsApplication.processingRegistry()
    assert registry.providerById("footprint") is provider
    listed = {algorithm.id() for algorithm in provider.algorithms()}
    assert listed == EXPECTED
    for algorithm_id in EXPECTED - {"footprint:footprint_study"}:
        algorithm = registry.algorithmById(algorithm_id)
        assert algorithm.shortHelpString()
        undocumented = [p.name() for p in algorithm.parameterDefinitions() if not p.help()]
        assert undocumented == [], algorithm_id


def test_model_inputs_have_help(provider):
    model = QgsApplication.processingRegistry().algorithmById("footprint:footprint_study")
    assert len(model.childAlgorithms()) == 5
    help_content = model.helpContent()
    assert help_content["ALG_DESC"]
    assert all(help_content.get(parameter.name()) for parameter in model.parameterDefinitions())
