"""The plugin menu's "Load demo data" adds every demo layer, valid, to the project."""

from qgis.core import QgsProject

import footprint_plugin
from footprint_plugin.qgis_io.demo_layers import demo_layers
from tests.plugin.test_plugin_loads import StubInterface


def test_demo_layers_are_valid_and_synthetic_ones_say_so(qgis_app):
    layers = demo_layers()
    names = [layer.name() for layer in layers]
    assert len(layers) == 7
    assert all(layer.isValid() for layer in layers)
    assert "SYNTHETIC facility inventory" in names
    assert names[0] == "Ports (searoute)" and names[-1] == "Countries (Natural Earth)"
    inventory = layers[names.index("SYNTHETIC facility inventory")]
    assert inventory.featureCount() > 1000


def test_menu_action_adds_the_demo_group_to_the_project(qgis_app):
    project = QgsProject.instance()
    project.clear()
    plugin = footprint_plugin.classFactory(StubInterface())
    plugin.load_demo_data()
    try:
        group = project.layerTreeRoot().findGroup("Carbon footprint demo")
        assert group is not None
        assert len(group.findLayers()) == 7
        assert len(project.mapLayers()) == 7
    finally:
        project.clear()
