"""The Processing provider "Carbon footprint" (id ``footprint``): where every algorithm is
registered, by name, where the shipped graphical models are loaded, and where the provider's
settings are shown in Processing > Options > Providers."""

from qgis.core import Qgis, QgsMessageLog, QgsProcessingModelAlgorithm, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms.city_table import CityTable
from .algorithms.clear_mrio_cache import ClearMrioCache
from .algorithms.hotspots import Hotspots
from .algorithms.map_footprint import MapFootprint
from .algorithms.map_gridded_footprint import MapGriddedFootprint
from .algorithms.mrio_accounts import MrioAccounts
from .algorithms.near_features import NearFeatures
from .algorithms.study_report import FootprintReport
from .qgis_io.mrio_cache_settings import CACHE_FOLDER, CACHE_ON, default_folder
from .resources import ICON_PATH, MODELS_DIR, plugin_version

ALGORITHMS = (
    MrioAccounts,
    MapFootprint,
    MapGriddedFootprint,
    Hotspots,
    CityTable,
    NearFeatures,
    FootprintReport,
    ClearMrioCache,
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

    def load(self):
        self._add_settings()
        self.refreshAlgorithms()
        return True

    def unload(self):
        processing = _processing_config()
        if processing is not None:
            config, _ = processing
            for name in (CACHE_ON, CACHE_FOLDER):
                if name in config.settings:
                    config.removeSetting(name)

    def _add_settings(self):
        """The MRIO cache's settings, shown in Processing's options as other providers'
        settings (read by qgis_io.mrio_cache_settings)."""
        processing = _processing_config()
        if processing is None:
            return
        config, setting = processing
        config.settingIcons[self.name()] = self.icon()
        for item in (
            setting(
                self.name(),
                CACHE_ON,
                "Cache parsed MRIOs (an MRIO's text is parsed once; later runs read its arrays)",
                True,
            ),
            setting(
                self.name(),
                CACHE_FOLDER,
                "MRIO cache folder",
                str(default_folder()),
                valuetype=setting.FOLDER,
                validator=_any_folder,
            ),
        ):
            item.read()
            config.addSetting(item)

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


def _processing_config():
    """Processing's ProcessingConfig and Setting classes, or None without Processing's plugin
    (then there is no options dialog to show the settings in; their defaults apply)."""
    try:
        from processing.core.ProcessingConfig import ProcessingConfig, Setting
    except ImportError:
        return None
    return ProcessingConfig, Setting


def _any_folder(value):
    """Accept any folder: the cache folder is made when the first MRIO is cached, so it need
    not exist (Processing's default check for folders refuses one that does not)."""
