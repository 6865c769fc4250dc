"""A picture of a footprint band over boundaries and points, with title and legend.

Drawn with the QGIS map renderer synchronously into a QImage, so it works in a Processing
worker thread and headless (offscreen Qt). Used by footprint:report and scripts/render_map.py.
"""

from osgeo import gdal
from qgis.core import (
    QgsCoordinateTransform,
    QgsFillSymbol,
    QgsMapRendererCustomPainterJob,
    QgsMapSettings,
    QgsMarkerSymbol,
    QgsProject,
    QgsProviderRegistry,
    QgsRasterLayer,
    QgsRectangle,
    QgsSingleSymbolRenderer,
)
from qgis.PyQt.QtCore import QRectF, QSize, Qt
from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter

from ..qgis_io.side_files import no_side_files
from ..qgis_io.styles import skewed_renderer

TITLE_HEIGHT = 70
LEGEND_ROW = 26
POINT_COLOUR = QColor(20, 60, 160)


def footprint_layer(path: str, band: int) -> QgsRasterLayer:
    """The footprint raster, styled by its .qml sidecar or, lacking one, like it would be.

    GDAL's .aux.xml side files are off while the layer opens, so that the statistics of its
    default style are not written next to the user's raster.
    """
    with no_side_files():
        layer = QgsRasterLayer(str(path), "footprint", "gdal")
    if not layer.isValid():
        raise ValueError(f"{path} is not a raster QGIS can open")
    renderer = layer.renderer()
    if renderer.type() != "singlebandpseudocolor" or renderer.band() != band:
        dataset = gdal.Open(str(path))  # kept while the band is read: GDAL needs its owner
        values = dataset.GetRasterBand(band).ReadAsArray()
        layer.setRenderer(skewed_renderer(layer.dataProvider(), band, values))
    return layer


def layer_label(layer) -> str:
    """A layer's table name for a legend (a GeoPackage layer's, not the file's), else its name."""
    parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    return parts.get("layerName") or layer.name()


def style_outlines(layer) -> None:
    layer.setRenderer(
        QgsSingleSymbolRenderer(
            QgsFillSymbol.createSimple(
                {"style": "no", "outline_color": "80,80,80,255", "outline_width": "0.25"}
            )
        )
    )


def style_points(layer) -> None:
    layer.setRenderer(
        QgsSingleSymbolRenderer(
            QgsMarkerSymbol.createSimple(
                {"name": "circle", "color": "20,60,160,255", "size": "0.9", "outline_style": "no"}
            )
        )
    )


def style_background(layer) -> None:
    layer.setRenderer(
        QgsSingleSymbolRenderer(
            QgsFillSymbol.createSimple(
                {"color": "242,242,242,255", "outline_color": "200,200,200,255"}
            )
        )
    )


def render(layers, crs, extent: QgsRectangle, width: int) -> QImage:
    """The map image of ``layers`` (top first) over ``extent`` in ``crs``."""
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(crs)
    settings.setBackgroundColor(QColor("white"))
    height = max(1, round(width * extent.height() / extent.width()))
    settings.setOutputSize(QSize(width, height))
    settings.setExtent(extent)
    settings.setFlag(QgsMapSettings.Antialiasing, True)
    image = QImage(settings.outputSize(), QImage.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    painter = QPainter(image)
    QgsMapRendererCustomPainterJob(settings, painter).renderSynchronously()
    painter.end()
    return image


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


def footprint_map_image(
    footprint_path: str,
    band: int,
    title: str,
    boundaries=None,
    points=None,
    background=None,
    width: int = 1600,
    extent: QgsRectangle | None = None,
    transform_context=None,
) -> QImage:
    """The finished picture of one band: map, title, subtitle naming the band, legend.

    ``boundaries`` (drawn as outlines), ``points`` (small dots) and ``background`` (light grey
    fill) are optional vector layers; they are restyled, so pass copies of a user's layers.
    ``extent`` is in the boundaries' CRS (default: their extent, or the raster's). Pass the
    Processing context's ``transform_context`` from a worker thread (default: the project's).
    """
    raster = footprint_layer(footprint_path, band)
    crs = raster.crs()
    layers = [raster]
    legend_points = []
    if boundaries is not None:
        style_outlines(boundaries)
        layers.insert(0, boundaries)
    if points is not None:
        style_points(points)
        layers.insert(0, points)
        legend_points = [(POINT_COLOUR, layer_label(points))]
    if background is not None:
        style_background(background)
        layers.append(background)
    if extent is None and boundaries is not None:
        extent = QgsRectangle(boundaries.extent())
        extent.scale(1.04)
    if extent is None:
        map_extent = raster.extent()
    else:
        frame = boundaries.crs() if boundaries is not None else crs
        transforms = transform_context or QgsProject.instance().transformContext()
        map_extent = QgsCoordinateTransform(frame, crs, transforms).transformBoundingBox(extent)
    image = render(layers, crs, map_extent, width)

    dataset = gdal.Open(str(footprint_path))
    band_name = dataset.GetRasterBand(band).GetDescription()
    cell_km = dataset.GetGeoTransform()[1] / 1000
    shader = raster.renderer().shader().rasterShaderFunction()
    legend = [(item.color, item.label) for item in shader.colorRampItemList()] + legend_points
    subtitle = f"Band {band}: {band_name}, emissions per {cell_km:g} km cell"
    return compose(image, title, subtitle, legend)
