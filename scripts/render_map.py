#!/usr/bin/env python3
"""Render the foreign-driven band of a footprint map to a PNG, with the QGIS map renderer.

The raster is drawn with its .qml sidecar (as footprint:mapfootprint writes it) or, without
one, with the same skewed-data classes computed from the band; over it the province
outlines and the ports (small points) of the demo GeoPackage, neighbouring countries in
light grey underneath, a title and a legend. Headless (offscreen Qt).

    render_map.py FOOTPRINT_TIF OUT_PNG [--gpkg GPKG] [--band 3] [--title TEXT] [--width 1600]
                  [--extent LON_MIN,LAT_MIN,LON_MAX,LAT_MAX]
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

from osgeo import gdal  # noqa: E402
from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCoordinateTransform,
    QgsFillSymbol,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsMarkerSymbol,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QRectF, QSize, Qt  # noqa: E402
from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter  # noqa: E402

from footprint_plugin.algorithms.footprint_raster import skewed_renderer  # noqa: E402

TITLE_HEIGHT = 70
LEGEND_ROW = 26


def vector_layer(gpkg: Path, name: str, symbol) -> QgsVectorLayer:
    """A layer of the GeoPackage drawn with one symbol."""
    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    if not layer.isValid():
        raise SystemExit(f"{gpkg} has no layer {name!r}")
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    return layer


def footprint_layer(path: Path, band: int) -> QgsRasterLayer:
    """The footprint raster, styled by its .qml sidecar or, lacking one, like it would be."""
    layer = QgsRasterLayer(str(path), path.stem, "gdal")
    if not layer.isValid():
        raise SystemExit(f"{path} is not a raster QGIS can open")
    renderer = layer.renderer()
    if renderer.type() != "singlebandpseudocolor" or renderer.band() != band:
        dataset = gdal.Open(str(path))
        values = dataset.GetRasterBand(band).ReadAsArray()
        layer.setRenderer(skewed_renderer(layer.dataProvider(), band, values))
    return layer


def render(layers, crs, extent, width: int) -> QImage:
    """The map image of ``layers`` (top first) over ``extent`` in ``crs``."""
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(crs)
    settings.setBackgroundColor(QColor("white"))
    height = round(width * extent.height() / extent.width())
    settings.setOutputSize(QSize(width, height))
    settings.setExtent(extent)
    settings.setFlag(QgsMapSettings.Antialiasing, True)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage()


def compose(map_image: QImage, title: str, subtitle: str, legend) -> QImage:
    """Title above the map, legend boxes in its lower left corner."""
    image = QImage(map_image.width(), map_image.height() + TITLE_HEIGHT, QImage.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.drawImage(0, TITLE_HEIGHT, map_image)
    painter.setPen(QColor("black"))
    painter.setFont(QFont("DejaVu Sans", 18, QFont.Bold))
    painter.drawText(QRectF(20, 8, image.width() - 40, 34), Qt.AlignLeft, title)
    painter.setFont(QFont("DejaVu Sans", 11))
    painter.drawText(QRectF(20, 40, image.width() - 40, 24), Qt.AlignLeft, subtitle)
    top = image.height() - 20 - LEGEND_ROW * len(legend)
    painter.fillRect(
        QRectF(12, top - 10, 300, LEGEND_ROW * len(legend) + 20), QColor(255, 255, 255, 220)
    )
    for row, (colour, label) in enumerate(legend):
        y = top + row * LEGEND_ROW
        painter.fillRect(QRectF(20, y, 30, 18), colour)
        painter.drawRect(QRectF(20, y, 30, 18))
        painter.drawText(QRectF(60, y - 2, 240, 22), Qt.AlignLeft | Qt.AlignVCenter, label)
    painter.end()
    return image


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
    parser.add_argument(
        "--extent",
        help="lon_min,lat_min,lon_max,lat_max to show (default: the provinces' extent)",
    )
    arguments = parser.parse_args()

    application = QgsApplication([], False)
    application.initQgis()
    draw(arguments).save(str(arguments.png))
    print(arguments.png)
    application.exitQgis()


def draw(arguments) -> QImage:
    """The finished image: map, title and legend (layers are released when it returns)."""
    raster = footprint_layer(arguments.footprint, arguments.band)
    provinces = vector_layer(
        arguments.gpkg,
        "provinces",
        QgsFillSymbol.createSimple(
            {"style": "no", "outline_color": "80,80,80,255", "outline_width": "0.25"}
        ),
    )
    ports = vector_layer(
        arguments.gpkg,
        "ports",
        QgsMarkerSymbol.createSimple(
            {"name": "circle", "color": "20,60,160,255", "size": "0.9", "outline_style": "no"}
        ),
    )
    countries = vector_layer(
        arguments.gpkg,
        "countries",
        QgsFillSymbol.createSimple(
            {"color": "242,242,242,255", "outline_color": "200,200,200,255", "outline_width": "0.2"}
        ),
    )
    crs = raster.crs()
    to_map = QgsCoordinateTransform(provinces.crs(), crs, QgsProject.instance())
    if arguments.extent:
        area = QgsRectangle(*(float(value) for value in arguments.extent.split(",")))
    else:
        area = provinces.extent()
        area.scale(1.04)
    extent = to_map.transformBoundingBox(area)
    image = render([ports, provinces, raster, countries], crs, extent, arguments.width)

    dataset = gdal.Open(str(arguments.footprint))
    band_name = dataset.GetRasterBand(arguments.band).GetDescription()
    cell_km = dataset.GetGeoTransform()[1] / 1000
    inventory = dataset.GetMetadataItem("INVENTORY") or arguments.footprint.name
    shader = raster.renderer().shader().rasterShaderFunction()
    legend = [(item.color, item.label) for item in shader.colorRampItemList()]
    legend.append((QColor(20, 60, 160), "port"))
    subtitle = (
        f"Band {arguments.band}: {band_name}, per {cell_km:g} km cell. Inventory: {inventory}"
    )
    return compose(image, arguments.title, subtitle, legend)


if __name__ == "__main__":
    main()
