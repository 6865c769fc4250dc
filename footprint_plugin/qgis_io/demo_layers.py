"""The embedded demo data as QGIS layers, listed by data/demo/manifest.json."""

import json

from qgis.core import QgsMapLayer, QgsRasterLayer, QgsVectorLayer

from ..resources import DEMO_DIR
from .side_files import no_side_files

#: Layer-panel order, top first: points over lines over polygons over the raster.
ROLE_ORDER = ("ports", "inventory", "places", "cities", "boundaries", "raster", "countries")


def demo_layers() -> list[QgsMapLayer]:
    """One layer per manifest entry, top first, named as the manifest says (synthetic say so)."""
    manifest = json.loads((DEMO_DIR / "manifest.json").read_text(encoding="utf-8"))
    layers = []
    for entry in sorted(manifest["layers"], key=lambda entry: ROLE_ORDER.index(entry["role"])):
        path = DEMO_DIR / entry["file"]
        if entry["type"] == "raster":
            with no_side_files():  # its statistics would be kept beside it, in the plugin
                layer = QgsRasterLayer(str(path), entry["display_name"], "gdal")
        else:
            layer = QgsVectorLayer(
                f"{path}|layername={entry['layer']}", entry["display_name"], "ogr"
            )
        if not layer.isValid():
            raise OSError(f"The demo layer {entry['display_name']} ({path}) could not be loaded")
        layers.append(layer)
    return layers
