#!/usr/bin/env python3
"""Render one band of a footprint map to a PNG over the demo's provinces, ports and countries.

    render_map.py FOOTPRINT_TIF OUT_PNG [--gpkg GPKG] [--band 3] [--title TEXT] [--width 1600]
                  [--extent LON_MIN,LAT_MIN,LON_MAX,LAT_MAX]

Headless (offscreen Qt); the picture is footprint_plugin.report.map_image's, as in footprint:report.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if "XDG_RUNTIME_DIR" not in os.environ:
    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="runtime-")  # mode 0700

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_GPKG = ROOT / "footprint_plugin" / "data" / "demo" / "china_demo.gpkg"

from qgis.core import QgsApplication, QgsRectangle, QgsVectorLayer  # noqa: E402

from footprint_plugin.report.map_image import footprint_map_image  # noqa: E402


def demo_layer(gpkg: Path, name: str) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    if not layer.isValid():
        raise SystemExit(f"{gpkg} has no layer {name!r}")
    return layer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("footprint", type=Path, help="footprint GeoTIFF (footprint:mapfootprint)")
    parser.add_argument("png", type=Path, help="PNG to write")
    parser.add_argument(
        "--gpkg", type=Path, default=DEFAULT_GPKG, help="provinces, ports, countries"
    )
    parser.add_argument("--band", type=int, default=3, help="band to show (3: foreign-driven)")
    parser.add_argument("--title", default="Emissions in China driven by foreign final demand")
    parser.add_argument("--width", type=int, default=1600, help="image width in pixels")
    parser.add_argument("--extent", help="lon_min,lat_min,lon_max,lat_max (default: provinces)")
    arguments = parser.parse_args()

    application = QgsApplication([], False)
    application.initQgis()
    extent = arguments.extent and QgsRectangle(*map(float, arguments.extent.split(",")))
    image = footprint_map_image(
        str(arguments.footprint),
        arguments.band,
        arguments.title,
        boundaries=demo_layer(arguments.gpkg, "provinces"),
        points=demo_layer(arguments.gpkg, "ports"),
        background=demo_layer(arguments.gpkg, "countries"),
        width=arguments.width,
        extent=extent or None,
    )
    if not image.save(str(arguments.png)):
        raise SystemExit(f"Cannot write {arguments.png}")
    print(arguments.png)
    application.exitQgis()


if __name__ == "__main__":
    main()
