"""Put consumption-based footprints of emission sources on an equal-area grid.

A source i (a facility point, or one piece of a polygon or line source split at cell edges)
emits E_i in producing region-sector p(i). Its emission is split over final-demand columns by
the driven-share matrix S and summed into footprint bands by the band matrix G, so the
footprint of band b in cell g is::

    F[g, b] = sum over sources i in g of E_i * (S @ G)[p(i), b]

This is computed without a loop over sources: emissions are first summed by (cell, producer)
in a sparse cells x producers matrix, which is then multiplied by ``shares_by_band = S @ G``.
Only occupied cells are stored (at most one row per source); the full raster is produced one
block of rows at a time by :meth:`GriddedFootprint.blocks`.

Precision: the exact band totals are ``GriddedFootprint.band_totals``, float64 sums over sources.
The raster is float32 (as written to GeoTIFF); its band sums agree with the totals to about
1e-7 relative (float32 rounding of each cell value), well within 1e-6. A footprint with cells
beyond float32's range (3.4e38) is written in float64 instead, never as inf.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ..errors import FootprintError
from ..sizes import GRID_BLOCK_BYTES
from .grid import GridSpec

UNATTRIBUTED = -1
"""Producer index of a source whose region-sector could not be matched to the MRIO."""

DEFAULT_NODATA = -9999.0
"""Raster value of cells outside the mapped territory."""

DENSE_CELLS_PER_ROW = 4
"""Occupied cells are found by counting when the grid has at most this many cells per row."""


class GriddingError(FootprintError):
    """Inputs that cannot be gridded; the message says which input is wrong and where."""


def _first_index(mask: np.ndarray) -> int:
    """Index of the first True in a boolean array (which must have one)."""
    return int(np.flatnonzero(mask)[0])


def _as_index_array(name: str, values: np.ndarray, size: int) -> np.ndarray:
    """A 1-D int64 copy of an integer array, checked for dimension and length."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise GriddingError(f"{name} must be a 1-D array, got shape {array.shape}")
    if array.size != size:
        raise GriddingError(f"{name} has {array.size} entries, expected {size} (one per source)")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise GriddingError(f"{name} must be an integer array, got dtype {array.dtype}")
    return array.astype(np.int64)


def _as_emission_array(emission: np.ndarray) -> np.ndarray:
    """Emissions as a 1-D float64 array, checked to be finite and non-negative."""
    array = np.asarray(emission, dtype=np.float64)
    if array.ndim != 1:
        raise GriddingError(f"emission must be a 1-D array, got shape {array.shape}")
    invalid = ~(np.isfinite(array) & (array >= 0.0))
    if invalid.any():
        i = _first_index(invalid)
        raise GriddingError(
            f"Emissions must be finite and non-negative: source {i} has {float(array[i])} "
            f"({int(invalid.sum())} invalid values in all)"
        )
    return array


def aggregate_sources_to_cells(
    cell: np.ndarray,
    producer: np.ndarray,
    emission: np.ndarray,
    n_producers: int,
    n_cells: int | None = None,
) -> tuple[np.ndarray, sparse.csr_matrix]:
    """Sum emissions by (cell, producing region-sector).

    Serves points and pre-split polygon or line sources alike: a source split into parts is
    just several rows (cell, producer, emission * weight), and rows that share a cell and a
    producer are summed.

    Parameters
    ----------
    cell
        int64 flat cell index of each row (:meth:`GridSpec.flat_index`).
    producer
        Producing region-sector index of each row, in ``0 .. n_producers - 1``.
    emission
        float64 emission of each row.
    n_producers
        Number of producing region-sectors (rows of the driven-share matrix).
    n_cells
        Number of cells of the grid, if known: when the grid is not much larger than the
        number of rows, occupied cells are found by counting (linear time) instead of sorting.

    Returns
    -------
    occupied_cells
        Sorted, unique flat indices of the cells that hold at least one row (k of them).
    emission_by_cell_producer
        k x n_producers CSR matrix, float64: entry (j, p) is the emission of producer p in
        cell ``occupied_cells[j]``.
    """
    if n_cells is not None and n_cells <= DENSE_CELLS_PER_ROW * max(cell.size, 1):
        occupied_cells = np.flatnonzero(np.bincount(cell, minlength=n_cells))
        row_of_cell = np.zeros(n_cells, dtype=np.int64)
        row_of_cell[occupied_cells] = np.arange(occupied_cells.size)
        cell_row = row_of_cell[cell]
    else:
        occupied_cells, cell_row = np.unique(cell, return_inverse=True)
    emission_by_cell_producer = sparse.coo_matrix(
        (emission, (cell_row.ravel(), producer)),
        shape=(occupied_cells.size, n_producers),
        dtype=np.float64,
    ).tocsr()  # COO -> CSR sums duplicate (cell, producer) entries
    return occupied_cells.astype(np.int64), emission_by_cell_producer


@dataclass(frozen=True, eq=False)
class GriddedFootprint:
    """Footprint bands on a grid, stored for occupied cells only, with the emission accounts.

    The emission of the input rows is split into three accounts that add up to the total:
    ``mapped_emission`` (inside the grid, attributed), ``unattributed_emission`` (inside the
    grid, producer ``UNATTRIBUTED``) and ``outside_emission`` (outside the grid, whatever the
    producer). Counts are of input rows: sources, or source parts for split sources.

    Attributes
    ----------
    grid
        The grid.
    occupied_cells
        (k,) int64 sorted flat indices of cells holding mapped emission.
    occupied_values
        (k, b) float64 footprint of each band in each occupied cell.
    band_totals
        (b,) float64 footprint of each band over the grid: the exact totals to report.
    emission_by_producer
        (n,) float64 mapped emission of each producing region-sector.
    """

    grid: GridSpec
    occupied_cells: np.ndarray
    occupied_values: np.ndarray
    band_totals: np.ndarray
    emission_by_producer: np.ndarray
    mapped_emission: float
    mapped_count: int
    unattributed_emission: float
    unattributed_count: int
    outside_emission: float
    outside_count: int

    @property
    def n_bands(self) -> int:
        """Number of footprint bands."""
        return self.occupied_values.shape[1]

    def blocks(
        self,
        block_rows: int | None = None,
        fill: float = 0.0,
        territory: Callable[[int, int], np.ndarray] | None = None,
        nodata: float = DEFAULT_NODATA,
        dtype=np.float32,
    ) -> Iterator[tuple[int, np.ndarray]]:
        """The raster, one block of rows at a time, for writing without holding all of it.

        Parameters
        ----------
        block_rows
            Rows per block; the last block may be shorter. Default: as many rows as fit in
            64 MiB of float32.
        fill
            Value of cells without sources inside the territory (0: no footprint there).
        territory
            Optional ``territory(row_start, row_stop)`` returning a bool array of shape
            (row_stop - row_start, n_cols), True for cells in the mapped territory. Cells
            outside it are set to nodata, except occupied cells, which always hold their
            footprint so that no emission disappears from the raster.
        nodata
            Value of cells outside the territory.
        dtype
            Type of the blocks: float32 as written to GeoTIFF, float64 for values beyond
            float32's range (see :meth:`fits_float32`).

        Yields
        ------
        row_start, block
            First row of the block and a new array of shape (n_bands, rows_in_block, n_cols).
        """
        if block_rows is None:
            bytes_per_row = np.dtype(dtype).itemsize * self.n_bands * self.grid.n_cols
            block_rows = max(1, GRID_BLOCK_BYTES // bytes_per_row)
        elif block_rows < 1:
            raise ValueError(f"block_rows must be at least 1, got {block_rows}")
        return self._iter_blocks(block_rows, fill, territory, nodata, dtype)

    def fits_float32(self) -> bool:
        """Whether every cell value fits in float32 (else float32 would write it as inf)."""
        values = self.occupied_values
        return not values.size or float(np.abs(values).max()) <= float(np.finfo(np.float32).max)

    def _iter_blocks(
        self,
        block_rows: int,
        fill: float,
        territory: Callable[[int, int], np.ndarray] | None,
        nodata: float,
        dtype,
    ) -> Iterator[tuple[int, np.ndarray]]:
        """Generator behind :meth:`blocks` (split off so that arguments are checked at once)."""
        n_rows, n_cols = self.grid.shape
        for row_start in range(0, n_rows, block_rows):
            row_stop = min(row_start + block_rows, n_rows)
            block = np.full((self.n_bands, row_stop - row_start, n_cols), fill, dtype=dtype)
            if territory is not None:
                in_territory = np.asarray(territory(row_start, row_stop), dtype=bool)
                if in_territory.shape != block.shape[1:]:
                    raise GriddingError(
                        f"territory({row_start}, {row_stop}) returned shape {in_territory.shape}, "
                        f"expected {block.shape[1:]}"
                    )
                block[:, ~in_territory] = nodata
            first_cell = row_start * n_cols
            lo, hi = np.searchsorted(self.occupied_cells, [first_cell, row_stop * n_cols])
            block.reshape(self.n_bands, -1)[:, self.occupied_cells[lo:hi] - first_cell] = (
                self.occupied_values[lo:hi].T
            )
            yield row_start, block


def grid_footprint(
    grid: GridSpec,
    rows: np.ndarray,
    cols: np.ndarray,
    producer: np.ndarray,
    emission: np.ndarray,
    shares_by_band: np.ndarray,
) -> GriddedFootprint:
    """Footprint bands of emission sources on a grid.

    Parameters
    ----------
    grid
        The output grid.
    rows, cols
        Cell of each source (or source part), e.g. from :meth:`GridSpec.cell_index`. A row or
        column out of range (cell_index gives -1) puts the source outside the grid: its
        emission goes to the ``outside`` account.
    producer
        Producing region-sector of each source: an index into the rows of shares_by_band, or
        ``UNATTRIBUTED`` (-1) for sources that could not be matched to the MRIO; these go to
        the ``unattributed`` account, never dropped.
    emission
        Emission of each source (float, finite, >= 0), in the unit the bands are reported in.
    shares_by_band
        (n_producers, n_bands) driven share of each producer's emission in each band, S @ G.

    Returns
    -------
    GriddedFootprint
        Occupied-cell table, float64 band totals and the emission accounts.

    Raises
    ------
    GriddingError
        If the arrays disagree in length, producer or the cell are not integers, a producer
        index is out of range, an emission is negative or not finite, or shares_by_band is
        not a finite 2-D array with at least one band.
    """
    shares = np.asarray(shares_by_band, dtype=np.float64)
    if shares.ndim != 2 or shares.shape[1] == 0:
        raise GriddingError(
            f"shares_by_band must be a (producers x bands) array with at least one band, "
            f"got shape {shares.shape}"
        )
    if not np.isfinite(shares).all():
        raise GriddingError("shares_by_band has NaN or infinite values")
    n_producers, n_bands = shares.shape

    emission = _as_emission_array(emission)
    producer = _as_index_array("producer", producer, emission.size)
    rows = _as_index_array("rows", rows, emission.size)
    cols = _as_index_array("cols", cols, emission.size)
    bad_producer = (producer < UNATTRIBUTED) | (producer >= n_producers)
    if bad_producer.any():
        i = _first_index(bad_producer)
        raise GriddingError(
            f"Producer indices must be in 0..{n_producers - 1} or {UNATTRIBUTED} (unattributed): "
            f"source {i} has {producer[i]}"
        )

    inside = (rows >= 0) & (rows < grid.n_rows) & (cols >= 0) & (cols < grid.n_cols)
    attributed = producer != UNATTRIBUTED
    mapped = inside & attributed
    unattributed = inside & ~attributed

    mapped_producer = producer[mapped]
    mapped_emission = emission[mapped]
    emission_by_producer = np.bincount(
        mapped_producer, weights=mapped_emission, minlength=n_producers
    ).astype(np.float64)  # bincount of an empty array returns int64 zeros
    occupied_cells, emission_by_cell_producer = aggregate_sources_to_cells(
        grid.flat_index(rows[mapped], cols[mapped]),
        mapped_producer,
        mapped_emission,
        n_producers,
        grid.cell_count,
    )
    return GriddedFootprint(
        grid=grid,
        occupied_cells=occupied_cells,
        occupied_values=np.asarray(emission_by_cell_producer @ shares).reshape(-1, n_bands),
        band_totals=emission_by_producer @ shares,
        emission_by_producer=emission_by_producer,
        mapped_emission=float(emission_by_producer.sum()),
        mapped_count=int(mapped.sum()),
        unattributed_emission=float(emission[unattributed].sum()),
        unattributed_count=int(unattributed.sum()),
        outside_emission=float(emission[~inside].sum()),
        outside_count=int((~inside).sum()),
    )
