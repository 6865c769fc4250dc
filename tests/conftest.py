"""Shared fixtures: the provider registered once per session, paths to test data."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ROOT / "tests" / "data"
sys.path.insert(0, str(ROOT))


_providers = []  # Python must keep registered providers alive, or their algorithms vanish


@pytest.fixture
def provider(qgis_app):
    """The footprint provider, registered with the processing registry if it is not yet."""
    from qgis.core import QgsApplication

    from footprint_plugin.provider import FootprintProvider

    registry = QgsApplication.processingRegistry()
    registered = registry.providerById("footprint")
    if registered is None:
        registered = FootprintProvider()
        assert registry.addProvider(registered)
        _providers.append(registered)
    return registered


@pytest.fixture(scope="session")
def processing(qgis_app):
    """QGIS's Processing framework, initialised once (native algorithms included)."""
    sys.path.insert(0, "/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing
    from qgis.analysis import QgsNativeAlgorithms
    from qgis.core import QgsApplication

    if QgsApplication.processingRegistry().providerById("native") is None:
        QgsApplication.processingRegistry().addProvider(QgsNativeAlgorithms())
    Processing.initialize()
    import processing as processing_module

    return processing_module
