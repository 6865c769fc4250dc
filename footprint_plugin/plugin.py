"""The QGIS plugin class: registers the Processing provider and a Plugins menu entry."""

from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from .provider import FootprintProvider
from .resources import DEMO_DIR, ICON_PATH

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
            QIcon(str(ICON_PATH)),
            "Carbon footprint algorithms…",
            self.iface.mainWindow(),
        )
        action.setToolTip("Open the Processing Toolbox filtered to the Carbon footprint provider")
        action.triggered.connect(self.show_toolbox)
        self.add_menu_action(action)
        demo = QAction("Load demo data (synthetic inventory and MRIO)", self.iface.mainWindow())
        demo.setToolTip("Add the demo layers (real geography of China, SYNTHETIC emissions)")
        demo.triggered.connect(self.load_demo_data)
        self.add_menu_action(demo)

    def add_menu_action(self, action):
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

    def load_demo_data(self):
        """Add the demo layers to the project, in a group of their own."""
        from .qgis_io.demo_layers import demo_layers

        project = QgsProject.instance()
        group = project.layerTreeRoot().insertGroup(0, "Carbon footprint demo")
        for layer in demo_layers():
            project.addMapLayer(layer, False)
            group.addLayer(layer)
        self.iface.messageBar().pushInfo(
            "Carbon Footprint Hotspots",
            f"Demo layers added. The MRIO and concordance for the algorithms are in {DEMO_DIR}.",
        )

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
