"""Styles of the outputs: .qml sidecars next to the files (QGIS applies them when a file is
loaded, also under qgis_process and in models), and post-processors for GUI runs (Processing
loads a GUI run's outputs without their sidecar, and temporary layers have no file).

Footprints are heavily skewed (a few hotspot cells hold most of the total), so classes are
quantiles of the non-zero values that close in on the top, yellow to dark red, 0 light grey.
"""

from pathlib import Path
from typing import ClassVar

import numpy as np
from qgis.core import (
    Qgis,
    QgsColorRampShader,
    QgsFillSymbol,
    QgsGraduatedSymbolRenderer,
    QgsPalettedRasterRenderer,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProviderRegistry,
    QgsRasterShader,
    QgsRendererRange,
    QgsSingleBandPseudoColorRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtXml import QDomDocument

from ..engine.analysis.classification import skewed_class_breaks

ZERO_COLOUR = "#ececec"
"""Cells of the territory with no footprint: light grey, so the territory shows."""

CLASS_COLOURS = ("#fff3b0", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026", "#67000d")
"""Yellow to dark red (ColorBrewer YlOrRd, extended): the hotspots are the darkest."""


def _number(value: float) -> str:
    """A class bound for a legend: 130,000 rather than 1.3e+05."""
    return f"{value:,.0f}" if abs(value) >= 10 or value == 0 else f"{value:.2g}"


def skewed_renderer(provider, band: int, values: np.ndarray) -> QgsSingleBandPseudoColorRenderer:
    """Pseudocolour renderer of one band, classes from the values' skewed-data breaks.

    Zero is light grey (the territory without footprint), then yellow to dark red up to
    the largest value; nodata is transparent.
    """
    breaks = skewed_class_breaks(values)
    items = [QgsColorRampShader.ColorRampItem(0.0, QColor(ZERO_COLOUR), "0")]
    lower = 0.0
    for upper, colour in zip(breaks, CLASS_COLOURS[-len(breaks) :]):
        label = f"{_number(lower)} – {_number(upper)}"
        items.append(QgsColorRampShader.ColorRampItem(float(upper), QColor(colour), label))
        lower = upper
    ramp = QgsColorRampShader(0.0, float(breaks[-1]))
    ramp.setColorRampType(QgsColorRampShader.Discrete)
    ramp.setColorRampItemList(items)
    shader = QgsRasterShader()
    shader.setRasterShaderFunction(ramp)
    renderer = QgsSingleBandPseudoColorRenderer(provider, band, shader)
    renderer.setClassificationMin(0.0)
    renderer.setClassificationMax(float(breaks[-1]))
    return renderer


def write_style(path: str, band: int, values: np.ndarray) -> str:
    """Write the .qml sidecar of the raster ``path`` styling ``band`` for ``values``."""
    return write_renderer_style(path, skewed_renderer(None, band, values))


def write_renderer_style(path: str, renderer) -> str:
    """Write a .qml sidecar holding just ``renderer`` next to the raster ``path``.

    It is written without opening the raster as a layer, whose default renderer would compute
    histograms (and leave a .aux.xml). Returns the path of the .qml file.
    """
    document = QDomDocument("qgis")
    root = document.createElement("qgis")
    root.setAttribute("version", Qgis.QGIS_VERSION)
    root.setAttribute("styleCategories", "Symbology")
    document.appendChild(root)
    pipe = document.createElement("pipe")
    root.appendChild(pipe)
    renderer.writeXml(document, pipe)
    written = style_path(path)
    try:
        Path(written).write_text(document.toString(2), encoding="utf-8")
    except OSError as error:
        raise QgsProcessingException(f"Cannot write the style {written}: {error}") from error
    return written


def style_path(data_path: str) -> str:
    """The .qml sidecar of a data file: QGIS applies it when it opens the file."""
    return str(Path(data_path).with_suffix(".qml"))


class ApplyStyleFile(QgsProcessingLayerPostProcessorInterface):
    """Apply a .qml file to an output layer when the Processing GUI loads it.

    QGIS applies a sidecar by itself when a raster is opened (Add Layer, a project, a model's
    result read back), but Processing loads the outputs of a GUI run without it.
    """

    kept: ClassVar[list] = []  # Processing holds a pointer only: keep the instances alive

    def __init__(self, style: str):
        super().__init__()
        self.style = style

    @classmethod
    def attach(cls, context, output: str) -> None:
        """Apply the sidecar style of ``output`` if the run loads it when it completes."""
        if context.willLoadLayerOnCompletion(output):
            instance = cls(style_path(output))
            cls.kept.append(instance)
            context.layerToLoadOnCompletionDetails(output).setPostProcessor(instance)

    def postProcessLayer(self, layer, context, feedback):
        message, loaded = layer.loadNamedStyle(self.style)
        if not loaded:
            feedback.pushWarning(f"The style {self.style} was not applied: {message}")
        layer.triggerRepaint()


HOTSPOT_COLOUR = QColor(200, 0, 40, 170)
"""Hotspot cells: semi-transparent red over the base map; other cells fully transparent."""


def _save_sidecar(layer, data_path: str) -> str:
    """Save ``layer``'s style as ``<data file>.qml``; return the .qml path."""
    written = style_path(data_path)
    message, saved = layer.saveNamedStyle(written)
    if not saved:
        raise QgsProcessingException(f"Cannot write the style {written}: {message}")
    return written


def write_hotspot_style(path: str, level_percent: float) -> str:
    """Write the .qml sidecar of a hotspot raster (1 = hotspot, 0 = rest of the territory)."""
    transparent = QColor(0, 0, 0, 0)
    classes = [
        QgsPalettedRasterRenderer.Class(0, transparent, "rest of the territory"),
        QgsPalettedRasterRenderer.Class(
            1, HOTSPOT_COLOUR, f"hotspot: smallest area holding {level_percent:g}%"
        ),
    ]
    return write_renderer_style(path, QgsPalettedRasterRenderer(None, 1, classes))


def graduated_renderer(field_name: str, values: np.ndarray) -> QgsGraduatedSymbolRenderer:
    """A choropleth of ``field_name``: classes for skewed data (quantiles closing in on the top)."""
    breaks = skewed_class_breaks(values)
    colours = CLASS_COLOURS[-len(breaks) :]
    ranges = [QgsRendererRange(0.0, 0.0, _fill(ZERO_COLOUR), "0")]
    lower = 0.0
    for upper, colour in zip(breaks, colours):
        ranges.append(
            QgsRendererRange(lower, float(upper), _fill(colour), f"{lower:.3g} – {upper:.3g}")
        )
        lower = float(upper)
    return QgsGraduatedSymbolRenderer(field_name, ranges)


def _fill(colour: str) -> QgsFillSymbol:
    return QgsFillSymbol.createSimple(
        {"color": colour, "outline_color": "#7f7f7f", "outline_width": "0.1"}
    )


def write_vector_style(destination: str, renderer) -> str | None:
    """Write a .qml sidecar next to a vector output file; None if it is not a file."""
    path = QgsProviderRegistry.instance().decodeUri("ogr", destination).get("path", "")
    if not path or not Path(path).is_file():
        return None
    layer = QgsVectorLayer(destination, "styled", "ogr")
    if not layer.isValid():
        return None
    layer.setRenderer(renderer.clone())
    return _save_sidecar(layer, path)


class ApplyRenderer(QgsProcessingLayerPostProcessorInterface):
    """Set a renderer on an output layer when the GUI loads it (layers without a sidecar)."""

    kept: ClassVar[list] = []  # Processing holds a pointer only: keep the instances alive

    def __init__(self, renderer):
        super().__init__()
        self.renderer = renderer

    @classmethod
    def create(cls, renderer):
        instance = cls(renderer)
        cls.kept.append(instance)
        return instance

    def postProcessLayer(self, layer, context, feedback):
        if isinstance(layer, QgsVectorLayer):
            layer.setRenderer(self.renderer.clone())
            layer.triggerRepaint()
