"""The equal-area output grid: a north-up raster of square cells in a projected CRS.

A footprint map is a grid of square cells of ``cell_size`` map units (metres in an equal-area
projection, so every cell has the same land area). Cell ``(row, col)`` covers the half-open box::

    x_min + col * cell_size <= x <  x_min + (col + 1) * cell_size
    y_max - (row + 1) * cell_size < y <= y_max - row * cell_size

with the edges evaluated in float64 exactly as written. The boxes tile the plane, so every point
belongs to exactly one cell: a point on a vertical edge belongs to the cell east of it, a point
on a horizontal edge to the cell south of it. Hence the grid's west and north boundaries are
inside the grid and its east and south boundaries are outside it (they belong to the next grid
over, as they would if two grids were laid side by side).
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass

import numpy as np

from ..errors import FootprintError

DEFAULT_MAX_CELLS = 200_000_000
"""Largest grid :meth:`GridSpec.from_extent` builds: 200 M cells is 800 MB per float32 band."""

_NICE_STEPS = (1.0, 2.0, 2.5, 5.0)


class GridError(FootprintError):
    """A grid that cannot be built; the message says which parameter to change and how."""


def _column(x: np.ndarray, x_min: float, cell_size: float) -> np.ndarray:
    """Column of each x (float, unbounded, NaN for NaN) under the east-edge rule.

    ``floor((x - x_min) / cell_size)`` can be one off for x within an ulp of an edge, so the
    result is corrected against the edges ``x_min + j * cell_size`` as evaluated in float64.
    """
    col = np.floor((x - x_min) / cell_size)
    col -= x < x_min + col * cell_size
    col += x >= x_min + (col + 1.0) * cell_size
    return col


def _row(y: np.ndarray, y_max: float, cell_size: float) -> np.ndarray:
    """Row of each y (float, unbounded, NaN for NaN) under the south-edge rule."""
    row = np.floor((y_max - y) / cell_size)
    row -= y > y_max - row * cell_size
    row += y <= y_max - (row + 1.0) * cell_size
    return row


def _check_cell_size(cell_size: float) -> float:
    """Return cell_size as a float, or raise GridError if it is not a positive finite number."""
    try:
        value = float(cell_size)
    except (TypeError, ValueError):
        raise GridError(
            f"CELL_SIZE must be a positive number of metres, got {cell_size!r}"
        ) from None
    if not (math.isfinite(value) and value > 0.0):
        raise GridError(f"CELL_SIZE must be a positive number of metres, got {value:g}")
    return value


def _snapped_shape(
    x_min: float, y_min: float, x_max: float, y_max: float, cell_size: float
) -> tuple[float, float, float, float]:
    """Snapped origin and (float) column and row counts of the grid covering a closed extent."""
    origin_x = math.floor(x_min / cell_size) * cell_size
    if origin_x > x_min:  # x_min / cell_size rounded up onto an integer
        origin_x -= cell_size
    origin_y = math.ceil(y_max / cell_size) * cell_size
    if origin_y < y_max:
        origin_y += cell_size
    last_col = _column(np.float64(x_max), origin_x, cell_size)
    last_row = _row(np.float64(y_min), origin_y, cell_size)
    return origin_x, origin_y, float(last_col) + 1.0, float(last_row) + 1.0


def _suggest_cell_size(extent: tuple[float, float, float, float], max_cells: int) -> float:
    """Smallest round cell size (1, 2, 2.5 or 5 times a power of ten) giving <= max_cells.

    Cells of size s covering a w x h extent number at least w*h/s² and max(w, h)/s, so no size
    below the one where those bounds reach max_cells fits: the search starts from there. Sizes
    beyond max(w, h) give at most 2 x 2 cells, so it ends when max_cells >= 4.
    """
    width, height = extent[2] - extent[0], extent[3] - extent[1]
    lower = max(math.sqrt(width * height / max_cells), max(width, height) / max_cells)
    exponent = math.floor(math.log10(lower))
    while True:
        for step in _NICE_STEPS:
            candidate = step * 10.0**exponent
            _, _, n_cols, n_rows = _snapped_shape(*extent, candidate)
            if n_cols * n_rows <= max_cells:
                return candidate
        exponent += 1


@dataclass(frozen=True)
class GridSpec:
    """A north-up grid of square cells: origin at the north-west corner, rows run south.

    Parameters
    ----------
    crs_wkt
        The grid's CRS as WKT (an equal-area projection, so that all cells have equal area).
    x_min, y_max
        The north-west corner, in map units.
    cell_size
        Side of a cell, in map units (metres for the projections the plugin offers).
    n_cols, n_rows
        Grid size in cells.
    """

    crs_wkt: str
    x_min: float
    y_max: float
    cell_size: float
    n_cols: int
    n_rows: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "cell_size", _check_cell_size(self.cell_size))
        for name in ("x_min", "y_max"):
            value = float(getattr(self, name))
            if not math.isfinite(value):
                raise GridError(f"The grid origin must be finite, got {name} = {value:g}")
            object.__setattr__(self, name, value)
        for name in ("n_cols", "n_rows"):
            count = operator.index(getattr(self, name))
            if count < 1:
                raise GridError(
                    f"A grid needs at least one column and one row, got {name} = {count}"
                )
            object.__setattr__(self, name, count)

    @classmethod
    def from_extent(
        cls,
        crs_wkt: str,
        x_min: float,
        y_min: float,
        x_max: float,
        y_max: float,
        cell_size: float,
        max_cells: int = DEFAULT_MAX_CELLS,
    ) -> GridSpec:
        """The smallest grid with origin snapped to a multiple of cell_size covering an extent.

        Snapping makes grids of the same CRS and cell size line up cell for cell, whatever the
        extent they were made for. Every point of the closed extent, its east and south sides
        included, lies in a cell of the grid (so a source on the extent's edge is never outside).
        A zero-width or zero-height extent (one point) gives a grid one cell wide or high.

        Raises
        ------
        GridError
            If cell_size is not a positive finite number, the extent is not finite or has
            x_max < x_min or y_max < y_min (an empty extent), or the grid would have more than
            max_cells cells (the message gives the cell count and a cell size that fits).
        ValueError
            If max_cells is below 4 (an extent may need 2 x 2 cells whatever their size).
        """
        if max_cells < 4:
            raise ValueError(f"max_cells must be at least 4, got {max_cells}")
        cell_size = _check_cell_size(cell_size)
        extent = (float(x_min), float(y_min), float(x_max), float(y_max))
        width, height = extent[2] - extent[0], extent[3] - extent[1]
        if not all(math.isfinite(v) for v in (*extent, width, height)):
            raise GridError(f"The extent must have finite coordinates, got {extent}")
        if width < 0.0 or height < 0.0:
            raise GridError(
                f"The extent is empty (x_min, y_min, x_max, y_max = {extent}): "
                "choose an extent, or inputs, with features in it"
            )
        origin_x, origin_y, n_cols, n_rows = _snapped_shape(*extent, cell_size)
        cell_count = n_cols * n_rows
        if cell_count > max_cells:
            suggested = _suggest_cell_size(extent, max_cells)
            raise GridError(
                f"A grid of {n_cols:,.0f} x {n_rows:,.0f} = {cell_count:,.0f} cells at CELL_SIZE "
                f"{cell_size:g} m exceeds the limit of {max_cells:,} cells. Use a CELL_SIZE of at "
                f"least {suggested:g} m, or a smaller extent."
            )
        return cls(crs_wkt, origin_x, origin_y, cell_size, int(n_cols), int(n_rows))

    @property
    def x_max(self) -> float:
        """East boundary (outside the grid)."""
        return self.x_min + self.n_cols * self.cell_size

    @property
    def y_min(self) -> float:
        """South boundary (outside the grid)."""
        return self.y_max - self.n_rows * self.cell_size

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """(x_min, y_min, x_max, y_max) of the grid."""
        return (self.x_min, self.y_min, self.x_max, self.y_max)

    @property
    def geotransform(self) -> tuple[float, float, float, float, float, float]:
        """GDAL geotransform: (x_min, cell_size, 0, y_max, 0, -cell_size)."""
        return (self.x_min, self.cell_size, 0.0, self.y_max, 0.0, -self.cell_size)

    @property
    def shape(self) -> tuple[int, int]:
        """(n_rows, n_cols), the shape of one band as a numpy array."""
        return (self.n_rows, self.n_cols)

    @property
    def cell_count(self) -> int:
        """Number of cells."""
        return self.n_rows * self.n_cols

    @property
    def cell_area(self) -> float:
        """Area of one cell, in squared map units (m² for a metric equal-area CRS)."""
        return self.cell_size**2

    def cell_index(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row and column of the cell holding each point, vectorized.

        Parameters
        ----------
        x, y
            Point coordinates in the grid's CRS, arrays of the same shape.

        Returns
        -------
        rows, cols
            int64 arrays of the shape of x; -1 for points outside the grid.
        inside
            bool array, True where the point lies in a cell (see the module docstring for the
            edge rule; NaN and infinite coordinates are outside).
        """
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        if x.shape != y.shape:
            raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
        col = _column(x, self.x_min, self.cell_size)
        row = _row(y, self.y_max, self.cell_size)
        inside = (col >= 0) & (col < self.n_cols) & (row >= 0) & (row < self.n_rows)
        rows = np.where(inside, row, -1).astype(np.int64)
        cols = np.where(inside, col, -1).astype(np.int64)
        return rows, cols, inside

    def cell_range(
        self, x_min: float, y_min: float, x_max: float, y_max: float
    ) -> tuple[int, int, int, int] | None:
        """Rows and columns of the cells a closed box touches, clipped to the grid.

        For cutting a line or polygon by the cells it may cover (its bounding box).

        Returns
        -------
        first_row, last_row, first_col, last_col
            Inclusive ranges, or None if the box misses the grid.
        """
        first_col = max(int(_column(np.float64(x_min), self.x_min, self.cell_size)), 0)
        last_col = min(int(_column(np.float64(x_max), self.x_min, self.cell_size)), self.n_cols - 1)
        first_row = max(int(_row(np.float64(y_max), self.y_max, self.cell_size)), 0)
        last_row = min(int(_row(np.float64(y_min), self.y_max, self.cell_size)), self.n_rows - 1)
        if first_col > last_col or first_row > last_row:
            return None
        return first_row, last_row, first_col, last_col

    def cell_box(self, row: int, col: int) -> tuple[float, float, float, float]:
        """(x_min, y_min, x_max, y_max) of one cell."""
        left = self.x_min + col * self.cell_size
        top = self.y_max - row * self.cell_size
        return (left, top - self.cell_size, left + self.cell_size, top)

    def flat_index(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Row-major cell number ``row * n_cols + col`` (int64) of cells inside the grid."""
        return np.asarray(rows, dtype=np.int64) * self.n_cols + np.asarray(cols, dtype=np.int64)
