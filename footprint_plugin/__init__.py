"""Carbon Footprint Hotspots: a QGIS plugin that maps consumption-driven emissions."""


def classFactory(iface):
    """Return the plugin instance QGIS asks for when it loads the plugin."""
    from .plugin import FootprintPlugin

    return FootprintPlugin(iface)
