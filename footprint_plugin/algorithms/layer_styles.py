"""Styles of the hotspot and city outputs: .qml sidecars (applied by QGIS when the file is
loaded, also under qgis_process and in models) and a post-processor for layers that have no
file of their own (temporary outputs in the GUI)."""

from pathlib import Path
from typing import ClassVar

import numpy as np
from qgis.core import (
    QgsFillSymbol,
    QgsGraduatedSymbolRenderer,
    QgsPalettedRasterRenderer,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProviderRegistry,
    QgsRendererRange,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor

from ..engine.classification import skewed_class_breaks
from .footprint_raster import CLASS_COLOURS, ZERO_COLOUR, write_renderer_style

HOTSPOT_COLOUR = QColor(200, 0, 40, 170)
"""Hotspot cells: semi-transparent red over the base map; other cells fully transparent."""


def _save_sidecar(layer, data_path: str) -> str:
    """Save ``layer``'s style as ``<data file>.qml``; return the .qml path."""
    style_path = str(Path(data_path).with_suffix(".qml"))
    message, saved = layer.saveNamedStyle(style_path)
    if not saved:
        raise QgsProcessingException(f"Cannot write the style {style_path}: {message}")
    return style_path


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
