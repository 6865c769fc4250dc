"""Where a footprint concentrates: the concentration curve, the hotspot set and a Gini index.

The cells of the territory are ranked by footprint per unit area, highest first (on an
equal-area grid simply by footprint); cells with the same density keep their input order, so
ties are broken by cell position and the result never depends on the sort algorithm. The
concentration (Lorenz) curve is the cumulative share of the footprint against the cumulative
share of the territory's area along that ranking. The hotspot set for a level q is the smallest
set of cells holding at least q of the total: the first k cells of the ranking, where k is the
first position at which the cumulative share reaches q, so the cell that crosses the level is
included. Its area share is the headline ("1% of the land holds 75%").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..columns import AREA_SHARE, FOOTPRINT_SHARE
from ..errors import FootprintError

SHARE_TOLERANCE = 1e-9
"""A cumulative share within this of the level counts as reaching it (float sums are inexact)."""

CURVE_POINTS = 500
"""Default number of points the concentration curve is thinned to (endpoints always kept)."""


class ConcentrationError(FootprintError):
    """Input that has no concentration curve; the message says what to change."""


@dataclass(frozen=True, eq=False)
class Concentration:
    """The concentration of a footprint over the cells of a territory.

    Attributes
    ----------
    level
        The level q as a fraction in (0, 1].
    total
        Footprint of the territory (sum over its cells).
    territory_area
        Area of the territory (sum of the cell areas), in the unit of the areas given.
    hotspot_cells
        Number of cells in the hotspot set.
    hotspot_area
        Their area.
    hotspot_share
        Share of the footprint they hold (at least ``level``).
    gini
        Gini index of the footprint over the area: 0 when every unit of area holds the same
        footprint, approaching 1 when one cell holds everything.
    hotspot
        (n,) bool, True for the cells of the hotspot set, in the order the cells were given.
    curve
        The thinned concentration curve: columns ``area_share`` and ``footprint_share`` (both
        cumulative, from (0, 0) to (1, 1)).
    """

    level: float
    total: float
    territory_area: float
    hotspot_cells: int
    hotspot_area: float
    hotspot_share: float
    gini: float
    hotspot: np.ndarray
    curve: pd.DataFrame

    @property
    def area_share(self) -> float:
        """Share of the territory's area holding ``level`` of the footprint (the headline)."""
        return self.hotspot_area / self.territory_area


def check_level(level: float) -> float:
    """The hotspot level as a float in (0, 1]; ConcentrationError (in percent) otherwise."""
    level = float(level)
    if not 0.0 < level <= 1.0:  # False for NaN too
        raise ConcentrationError(
            f"LEVEL must be more than 0% and at most 100% of the footprint, got {100 * level:g}%."
        )
    return level


def concentration(
    values: np.ndarray,
    cell_area: float | np.ndarray,
    level: float = 0.75,
    curve_points: int = CURVE_POINTS,
) -> Concentration:
    """Concentration curve, hotspot set and Gini index of a footprint over a territory.

    Parameters
    ----------
    values
        (n,) footprint of each cell of the territory (cells without data left out, or as 0).
    cell_area
        Area of every cell (a number, for an equal-area grid) or (n,) area of each cell.
    level
        Share of the total the hotspot set must hold, in (0, 1].
    curve_points
        Roughly how many points the returned curve keeps (half spaced evenly in area share,
        half in footprint share, so that the steep start of a concentrated curve is kept).

    Raises
    ------
    ConcentrationError
        If there are no cells, a value is negative or not finite, an area is not positive,
        the total is zero, or the level is outside (0, 1].
    """
    level = check_level(level)
    values = np.asarray(values, dtype=np.float64).ravel()
    if values.size == 0:
        raise ConcentrationError(
            "The raster has no valid cells in the territory: every cell is nodata (or outside "
            "MASK). Choose another raster or band, or a MASK that overlaps the data."
        )
    if not np.isfinite(values).all():
        raise ConcentrationError("The footprint values must be finite numbers (no NaN or inf).")
    if values.min() < 0.0:
        raise ConcentrationError(
            f"{int((values < 0.0).sum()):,} cells have a negative footprint (minimum "
            f"{values.min():g}); a concentration curve needs amounts of 0 or more. Choose a "
            "footprint band, or set negative cells to nodata."
        )
    areas = np.broadcast_to(np.asarray(cell_area, dtype=np.float64), values.shape)
    if not (np.isfinite(areas).all() and areas.min() > 0.0):
        raise ConcentrationError("Cell areas must be positive finite numbers.")

    density = values / areas
    order = np.argsort(-density, kind="stable")
    cumulative_value = np.cumsum(values[order])
    cumulative_area = np.cumsum(areas[order])
    total, territory_area = float(cumulative_value[-1]), float(cumulative_area[-1])
    if total <= 0.0:
        raise ConcentrationError(
            "The footprint is zero in every cell of the territory, so it has no hotspots. "
            "Choose another band or raster."
        )

    if level >= 1.0:
        hotspot_cells = int(np.count_nonzero(values))
    else:
        target = (level - SHARE_TOLERANCE) * total
        hotspot_cells = int(np.searchsorted(cumulative_value, target, side="left")) + 1
    hotspot = np.zeros(values.size, dtype=bool)
    hotspot[order[:hotspot_cells]] = True

    area_share = np.concatenate([[0.0], cumulative_area / territory_area])
    footprint_share = np.concatenate([[0.0], cumulative_value / total])
    area_under_curve = float(
        np.sum(np.diff(area_share) * (footprint_share[1:] + footprint_share[:-1])) / 2.0
    )
    kept = _thinned_points(area_share, footprint_share, hotspot_cells, curve_points)
    return Concentration(
        level=level,
        total=total,
        territory_area=territory_area,
        hotspot_cells=hotspot_cells,
        hotspot_area=float(cumulative_area[hotspot_cells - 1]),
        hotspot_share=float(footprint_share[hotspot_cells]),
        gini=2.0 * area_under_curve - 1.0,
        hotspot=hotspot,
        curve=pd.DataFrame({AREA_SHARE: area_share[kept], FOOTPRINT_SHARE: footprint_share[kept]}),
    )


def _thinned_points(
    area_share: np.ndarray, footprint_share: np.ndarray, boundary: int, points: int
) -> np.ndarray:
    """Curve positions to keep: evenly spaced in both shares, the endpoints and the boundary."""
    targets = np.linspace(0.0, 1.0, max(2, points // 2))
    last = area_share.size - 1
    kept = np.concatenate(
        [
            np.searchsorted(area_share, targets),
            np.searchsorted(footprint_share, targets),
            [0, boundary, last],
        ]
    )
    return np.unique(np.minimum(kept, last))
