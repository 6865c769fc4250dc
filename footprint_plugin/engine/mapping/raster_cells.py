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
