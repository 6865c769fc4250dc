"""Small, dependency-free HTML pages for Processing's results viewer and a browser."""

from __future__ import annotations

import html
import io
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #222; max-width: 60em; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f2f2f2; }
.note { color: #555; font-size: 0.9em; }
.warning { color: #8a4b00; }
"""


def number(value: float, digits: int = 4) -> str:
    """Large amounts in whole units with thousands separators, small ones to ``digits``."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.{digits}g}"


def table(frame: pd.DataFrame, digits: int = 4) -> str:
    """An HTML table of ``frame``; numbers right-aligned and formatted by :func:`number`."""
    header = "".join(f"<th>{html.escape(str(column))}</th>" for column in frame.columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = []
        for value in values:
            if isinstance(value, float):
                cells.append(f'<td class="number">{number(value, digits)}</td>')
            elif isinstance(value, int):
                cells.append(f'<td class="number">{value:,}</td>')
            else:
                cells.append(f"<td>{html.escape(str(value))}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><tr>{header}</tr>{''.join(rows)}</table>"


def paragraph(text: str, css_class: str = "") -> str:
    """A paragraph of escaped text."""
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<p{attribute}>{html.escape(text)}</p>"


def page(title: str, sections: Iterable[tuple[str, str]]) -> str:
    """A whole page: ``sections`` are (heading, HTML body) pairs."""
    body = "".join(f"<h2>{html.escape(heading)}</h2>{content}" for heading, content in sections)
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )


def concentration_curve_svg(
    area_share: Sequence[float],
    footprint_share: Sequence[float],
    hotspot_area_share: float,
    level: float,
) -> str:
    """Inline SVG of a concentration (Lorenz) curve, with the hotspot level marked.

    Shares are fractions (0 to 1): cumulative area share and cumulative footprint share of the
    cells ranked from the highest footprint down; ``hotspot_area_share`` holds ``level``.
    """
    from matplotlib.figure import Figure  # imported here: only reports need matplotlib

    figure = Figure(figsize=(5.5, 4.2))
    axes = figure.add_subplot()
    x = 100.0 * np.asarray(area_share, dtype=float)
    y = 100.0 * np.asarray(footprint_share, dtype=float)
    axes.plot([0, 100], [0, 100], linestyle="--", color="#999999", label="footprint spread evenly")
    axes.plot(x, y, color="#bd0026", linewidth=2, label="concentration curve")
    axes.plot(
        [100.0 * hotspot_area_share] * 2 + [0.0],
        [0.0] + [100.0 * level] * 2,
        color="#555555",
        linewidth=0.8,
    )
    axes.annotate(
        f"{100.0 * hotspot_area_share:.3g}% of the area holds {100.0 * level:g}%",
        (100.0 * hotspot_area_share, 100.0 * level),
        xytext=(12, -24),
        textcoords="offset points",
    )
    axes.set_xlim(0, 100)
    axes.set_ylim(0, 100)
    axes.set_xlabel("Cumulative share of the territory's area (%), highest footprint first")
    axes.set_ylabel("Cumulative share of the footprint (%)")
    axes.legend(loc="lower right", frameon=False)
    return svg_text(figure)


def bar_chart_svg(labels: Sequence[str], values: Sequence[float], xlabel: str) -> str:
    """Inline SVG of a horizontal bar chart, largest value on top."""
    from matplotlib.figure import Figure  # imported here: only reports need matplotlib

    figure = Figure(figsize=(6.0, 0.35 * len(labels) + 1.0))
    axes = figure.add_subplot()
    positions = np.arange(len(labels))[::-1]
    axes.barh(positions, values, color="#bd0026")
    axes.set_yticks(positions)
    axes.set_yticklabels([str(label) for label in labels])
    axes.set_xlabel(xlabel)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return svg_text(figure)


def svg_text(figure) -> str:
    """A matplotlib figure as an <svg> element for inline use."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]
