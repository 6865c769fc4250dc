"""The plugin loads through classFactory, adds its provider and menu entry, and unloads cleanly."""

import pytest
from qgis.core import QgsApplication

import footprint_plugin
from footprint_plugin.plugin import MENU


class StubInterface:
    """The part of QgisInterface the plugin uses, recording what is added to the menu."""

    def __init__(self):
        self.menus = {}
        self.messages = []

    def messageBar(self):
        return self

    def pushInfo(self, title, text):
        self.messages.append(text)

    def mainWindow(self):
        return None

    def addPluginToMenu(self, menu, action):
        self.menus.setdefault(menu, []).append(action)

    def removePluginMenu(self, menu, action):
        self.menus[menu].remove(action)
        if not self.menus[menu]:
            del self.menus[menu]


def registered_footprint_providers():
    registry = QgsApplication.processingRegistry()
    return [provider for provider in registry.providers() if provider.id() == "footprint"]


@pytest.fixture
def unregistered(qgis_app):
    """Start with no footprint provider (other tests may have registered one)."""
    registry = QgsApplication.processingRegistry()
    if registry.providerById("footprint") is not None:
        registry.removeProvider("footprint")
    assert registered_footprint_providers() == []


def test_init_gui_adds_provider_and_menu_then_unload_removes_both(unregistered):
    iface = StubInterface()
    plugin = footprint_plugin.classFactory(iface)

    plugin.initGui()
    assert len(registered_footprint_providers()) == 1
    assert QgsApplication.processingRegistry().providerById("footprint") is plugin.provider
    assert [action.text() for action in iface.menus[MENU]] == [
        "Carbon footprint algorithms…",
        "Load demo data (synthetic inventory and MRIO)",
    ]

    plugin.unload()
    assert iface.menus == {}
    assert plugin.provider is None
    assert registered_footprint_providers() == []


def test_init_processing_twice_registers_one_provider(unregistered):
    plugin = footprint_plugin.classFactory(StubInterface())
    plugin.initProcessing()
    plugin.initProcessing()
    try:
        assert len(registered_footprint_providers()) == 1
        assert plugin.provider is QgsApplication.processingRegistry().providerById("footprint")
    finally:
        plugin.unload()
