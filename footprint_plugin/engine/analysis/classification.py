"""Class breaks for maps of heavily skewed data (a few hotspot cells hold most of the total).

Equal intervals put nearly every cell in the first class; quantiles of the non-zero cells at
levels that close in on the top (50%, 75%, 90%, 95%, 99%, max) spread the colours over the
cells and still single out the hotspots.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

SKEWED_LEVELS = (0.5, 0.75, 0.9, 0.95, 0.99)
"""Quantile levels of the non-zero values used as class upper bounds (the last is the maximum)."""


def round_significant(value: float, digits: int = 2) -> float:
    """``value`` rounded to ``digits`` significant digits (0 stays 0)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def skewed_class_breaks(values: np.ndarray, levels: Sequence[float] = SKEWED_LEVELS) -> np.ndarray:
    """Increasing upper class bounds for the positive values: rounded quantiles, then the max.

    Parameters
    ----------
    values
        Cell values; zeros, negatives and non-finite values are ignored.
    levels
        Quantile levels (0 < level < 1) of the positive values.

    Returns
    -------
    numpy.ndarray
        Strictly increasing bounds, rounded to 2 significant digits; the last is at least the
        largest value. ``[1.0]`` when there is no positive value.
    """
    data = np.asarray(values, dtype=np.float64).ravel()
    positive = data[np.isfinite(data) & (data > 0)]
    if positive.size == 0:
        return np.array([1.0])
    largest = float(positive.max())
    quantiles = np.quantile(positive, levels)
    breaks = sorted({round_significant(float(q)) for q in quantiles if 0 < q < largest})
    top = round_significant(largest)
    if top < largest:
        top = round_significant(largest * 1.01)
    return np.array([value for value in breaks if value < top] + [max(top, largest)])
