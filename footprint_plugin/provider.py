"""The Processing provider "Carbon footprint" (id ``footprint``)."""

import configparser
from pathlib import Path

from qgis.core import Qgis, QgsMessageLog, QgsProcessingModelAlgorithm, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms import algorithm_classes

PLUGIN_DIR = Path(__file__).resolve().parent


def plugin_version() -> str:
    """The version in metadata.txt, the one source of truth for it."""
    metadata = configparser.ConfigParser(interpolation=None)
    metadata.read(PLUGIN_DIR / "metadata.txt", encoding="utf-8")
    return metadata["general"]["version"]


class FootprintProvider(QgsProcessingProvider):
    """Registers every algorithm of ``algorithms`` and every graphical model in ``models/``."""

    def id(self):
        return "footprint"

    def name(self):
        return "Carbon footprint"

    def longName(self):
        return f"Carbon Footprint Hotspots {self.versionInfo()}"

    def icon(self):
        return QIcon(str(PLUGIN_DIR / "ui" / "icon.svg"))

    def svgIconPath(self):
        return str(PLUGIN_DIR / "ui" / "icon.svg")

    def versionInfo(self):
        return plugin_version()

    def loadAlgorithms(self):
        for algorithm_class in algorithm_classes():
            self.addAlgorithm(algorithm_class())
        for path in sorted((PLUGIN_DIR / "models").glob("*.model3")):
            model = QgsProcessingModelAlgorithm()
            if model.fromFile(str(path)):
                self.addAlgorithm(model)
            else:
                QgsMessageLog.logMessage(
                    f"Could not read the model {path}", "Processing", Qgis.Warning
                )
