"""The QGIS plugin class: registers the Processing provider and a Plugins menu entry."""

from qgis.core import QgsApplication
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from .provider import PLUGIN_DIR, FootprintProvider

MENU = "&Carbon Footprint Hotspots"


class FootprintPlugin:
    """Adds the provider (also headless, via ``initProcessing``) and, with a GUI, a menu."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.actions = []

    def initProcessing(self):
        """Register the provider; QGIS calls this headless (qgis_process) as well."""
        if self.provider is None:
            self.provider = FootprintProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):
        self.initProcessing()
        action = QAction(
            QIcon(str(PLUGIN_DIR / "ui" / "icon.svg")),
            "Carbon footprint algorithms…",
            self.iface.mainWindow(),
        )
        action.setToolTip("Open the Processing Toolbox filtered to the Carbon footprint provider")
        action.triggered.connect(self.show_toolbox)
        self.iface.addPluginToMenu(MENU, action)
        self.actions.append(action)

    def unload(self):
        for action in self.actions:
            self.iface.removePluginMenu(MENU, action)
            action.deleteLater()
        self.actions = []
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None

    def show_toolbox(self):
        """Show the Processing Toolbox with its search set to this provider's algorithms."""
        from qgis.utils import plugins

        toolbox = getattr(plugins.get("processing"), "toolbox", None)
        if toolbox is None:
            self.iface.messageBar().pushWarning(
                "Carbon Footprint Hotspots",
                "Enable the Processing plugin (Plugins > Manage and Install Plugins) to see the "
                "algorithms.",
            )
            return
        toolbox.show()
        toolbox.raise_()
        toolbox.searchBox.setText("footprint:")
