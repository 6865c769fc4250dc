"""Cells of a gridded inventory as point masses: k x k sub-cells per cell, mass conserving.

A cell of a sector raster (e.g. EDGAR's 0.1 degree grid) holds an emission *amount*. To move
it onto another grid in another projection without losing or creating mass, the cell is cut
into k x k sub-cells that each carry 1/k² of the amount at their centre; the centres are then
transformed and placed like facility points. The amount lands in the target cells in
proportion to how much of the source cell they cover, up to the sub-cell size, and in the
producing region holding each sub-cell (area-weighted where a cell straddles a border).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

MAX_SUBDIVISION = 8
"""Largest automatic k (64 sub-cells per cell)."""


def automatic_subdivision(source_cell_size: float, target_cell_size: float) -> int:
    """Smallest k making sub-cells at most half a target cell wide, between 1 and 8.

    Both sizes in the target grid's units (the source cell's size as projected).
    """
    ratio = 2.0 * source_cell_size / target_cell_size
    if not math.isfinite(ratio) or ratio <= 1.0:
        return 1
    return min(MAX_SUBDIVISION, math.ceil(ratio))


def subcell_centres(
    geotransform: Sequence[float], rows: np.ndarray, cols: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Centres of the k x k sub-cells of raster cells, in the raster's CRS.

    Parameters
    ----------
    geotransform
        GDAL geotransform of the raster (north-up: no rotation terms).
    rows, cols
        (n,) row and column of each cell.
    k
        Sub-cells per cell side.

    Returns
    -------
    x, y
        (n * k * k,) float64: the sub-cells of cell i are entries i*k*k to (i+1)*k*k - 1.
    """
    x_origin, pixel_width, row_rotation, y_origin, column_rotation, pixel_height = geotransform
    if row_rotation or column_rotation:
        raise ValueError("Rotated rasters are not supported; warp the raster north-up first.")
    if k < 1:
        raise ValueError(f"The subdivision must be at least 1, got {k}")
    offsets = (np.arange(k) + 0.5) / k
    sub_col = np.asarray(cols, dtype=np.float64)[:, None, None] + offsets[None, None, :]
    sub_row = np.asarray(rows, dtype=np.float64)[:, None, None] + offsets[None, :, None]
    x = np.broadcast_to(x_origin + sub_col * pixel_width, (len(rows), k, k))
    y = np.broadcast_to(y_origin + sub_row * pixel_height, (len(rows), k, k))
    return x.reshape(-1), y.reshape(-1)


def share_by_land(
    part_source: np.ndarray, fraction: np.ndarray, part_region: np.ndarray, n_sources: int
) -> np.ndarray:
    """Sub-cell fractions with each cell's share off every region moved onto its sub-cells in
    regions (by their area), so a coastal cell stays whole on land.

    A cell with no sub-cell in any region keeps its fractions (it is reported as in no region).
    The fractions of a cell still sum to 1.

    Parameters
    ----------
    part_source, fraction
        (k,) cell of each sub-cell and its share of the cell (1/k² each).
    part_region
        (k,) region position of each sub-cell, negative for none.
    n_sources
        Number of cells.
    """
    in_region = part_region >= 0
    on_land = np.bincount(part_source, weights=fraction * in_region, minlength=n_sources)
    land = on_land[part_source]
    spread = land > 0
    fraction = fraction.copy()
    fraction[spread] = np.where(in_region[spread], fraction[spread] / land[spread], 0.0)
    return fraction
