"""The Processing provider "Carbon footprint" (id ``footprint``): where every algorithm is
registered, by name, and where the shipped graphical models are loaded."""

from qgis.core import Qgis, QgsMessageLog, QgsProcessingModelAlgorithm, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms.city_table import CityTable
from .algorithms.hotspots import Hotspots
from .algorithms.map_footprint import MapFootprint
from .algorithms.map_gridded_footprint import MapGriddedFootprint
from .algorithms.mrio_accounts import MrioAccounts
from .algorithms.near_features import NearFeatures
from .algorithms.study_report import FootprintReport
from .resources import ICON_PATH, MODELS_DIR, plugin_version

ALGORITHMS = (
    MrioAccounts,
    MapFootprint,
    MapGriddedFootprint,
    Hotspots,
    CityTable,
    NearFeatures,
    FootprintReport,
)
"""Every algorithm of the provider; a new algorithm is added here."""


class FootprintProvider(QgsProcessingProvider):
    """Registers the algorithms of :data:`ALGORITHMS` and every graphical model in ``models/``."""

    def id(self):
        return "footprint"

    def name(self):
        return "Carbon footprint"

    def longName(self):
        return f"Carbon Footprint Hotspots {self.versionInfo()}"

    def icon(self):
        return QIcon(str(ICON_PATH))

    def svgIconPath(self):
        return str(ICON_PATH)

    def versionInfo(self):
        return plugin_version()

    def loadAlgorithms(self):
        for algorithm_class in ALGORITHMS:
            self.addAlgorithm(algorithm_class())
        for path in sorted(MODELS_DIR.glob("*.model3")):
            model = QgsProcessingModelAlgorithm()
            if model.fromFile(str(path)):
                self.addAlgorithm(model)
            else:
                QgsMessageLog.logMessage(
                    f"Could not read the model {path}", "Processing", Qgis.Warning
                )
