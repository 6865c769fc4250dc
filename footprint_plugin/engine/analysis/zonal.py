"""Zonal sums of every band of a footprint raster over polygons, cells apportioned by area.

A zone (a city, a buffer around a port) covers a fraction of each cell: 1 inside, 0 outside,
the share of the cell's area inside the polygon on its border. The fractions of all zones form
a sparse matrix W (zones x cells, cells numbered row by row), and the sums of all bands are one
sparse product ``W @ values`` per block of rows. A cell split by a border between two zones is
apportioned by area, so for zones that do not overlap the zone sums never exceed the band
totals and "outside any zone" is the band total minus the covered part.

The fractions are exact up to rounding: each polygon edge is cut at the grid lines into pieces
that lie in one cell, and the area of a polygon inside a cell is the sum over the pieces of the
signed area between the piece and the cell's bottom edge (Green's theorem, column by column; the
cells below a piece in its column get a full cell height, accumulated with a cumulative sum).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from ..columns import BAND, FOOTPRINT, RANK, SHARE
from ..errors import FootprintError

FRACTION_FLOOR = 1e-12
"""Fractions below this (rounding residue of the cumulative sums) count as 0."""

OVERLAP_TOLERANCE = 1e-9
"""A cell counts as covered more than once when its fractions add up to more than 1 + this."""


class ZonalError(FootprintError):
    """Zones or a raster that cannot be summed as given; the message says what to change."""


def _grid(geotransform: Sequence[float]) -> tuple[float, float, float, float]:
    """(x_min, y_max, cell_width, cell_height) of a north-up GDAL geotransform."""
    x_min, width, row_rotation, y_max, column_rotation, height = (float(v) for v in geotransform)
    if row_rotation or column_rotation or width <= 0.0 or height >= 0.0:
        raise ZonalError(
            "The raster must be north-up without rotation (geotransform "
            f"{tuple(geotransform)}); warp it first (Raster > Projections > Warp)."
        )
    return x_min, y_max, width, -height


def _edges(rings: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, float]:
    """Start and end points (m, 2) of every ring edge, and the rings' total signed area."""
    starts, ends, signed_area = [], [], 0.0
    for ring in rings:
        ring = np.asarray(ring, dtype=np.float64)[:, :2]
        if len(ring) < 3:
            continue
        if (ring[0] != ring[-1]).any():
            ring = np.vstack([ring, ring[:1]])
        starts.append(ring[:-1])
        ends.append(ring[1:])
        signed_area += 0.5 * float(np.sum(ring[:-1, 0] * ring[1:, 1] - ring[1:, 0] * ring[:-1, 1]))
    if not starts:
        return np.empty((0, 2)), np.empty((0, 2)), 0.0
    return np.concatenate(starts), np.concatenate(ends), signed_area


def _crossings(a: np.ndarray, b: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Grid lines k (0 <= k <= limit) strictly between a and b, in cell units: (edge, k)."""
    low = np.maximum(np.floor(np.minimum(a, b)) + 1.0, 0.0)
    high = np.minimum(np.ceil(np.maximum(a, b)) - 1.0, float(limit))
    counts = np.maximum(high - low + 1.0, 0.0).astype(np.int64)
    edge = np.repeat(np.arange(a.size), counts)
    offsets = np.arange(edge.size) - np.repeat(np.cumsum(counts) - counts, counts)
    return edge, low[edge] + offsets


def _pieces(starts, ends, x_min, y_max, width, height, n_cols, n_rows):
    """Edges cut at the grid lines: (x_a, y_a, x_b, y_b) of pieces lying in one cell each."""
    u0, u1 = (starts[:, 0] - x_min) / width, (ends[:, 0] - x_min) / width
    v0, v1 = (y_max - starts[:, 1]) / height, (y_max - ends[:, 1]) / height
    column_edge, k = _crossings(u0, u1, n_cols)
    t_column = (k - u0[column_edge]) / (u1 - u0)[column_edge]
    x_column = x_min + k * width  # exactly the grid line, so pieces of a column cancel exactly
    y_column = starts[column_edge, 1] + t_column * (ends - starts)[column_edge, 1]
    row_edge, k = _crossings(v0, v1, n_rows)
    t_row = (k - v0[row_edge]) / (v1 - v0)[row_edge]
    x_row = starts[row_edge, 0] + t_row * (ends - starts)[row_edge, 0]
    y_row = y_max - k * height
    count = starts.shape[0]
    edge = np.concatenate([np.arange(count), np.arange(count), column_edge, row_edge])
    t = np.concatenate([np.zeros(count), np.ones(count), t_column, t_row])
    x = np.concatenate([starts[:, 0], ends[:, 0], x_column, x_row])
    y = np.concatenate([starts[:, 1], ends[:, 1], y_column, y_row])
    order = np.lexsort((t, edge))
    edge, x, y = edge[order], x[order], y[order]
    same_edge = edge[1:] == edge[:-1]
    return x[:-1][same_edge], y[:-1][same_edge], x[1:][same_edge], y[1:][same_edge]


def polygon_coverage(
    rings: Sequence[np.ndarray], geotransform: Sequence[float], shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Cells a polygon covers and the fraction of each cell's area it covers.

    Parameters
    ----------
    rings
        The (multi)polygon's rings as (k, 2) arrays in the raster's CRS, closed or not, all
        exterior rings turning one way and all holes the other (as after QGIS's
        ``forceRHR()``; either way round). Overlapping parts are counted twice.
    geotransform
        GDAL geotransform of the raster (north-up).
    shape
        (n_rows, n_cols) of the raster.

    Returns
    -------
    cells, fractions
        Row-major cell numbers (int64, ascending) and fractions in (0, 1] of the cells of the
        raster the polygon covers; parts outside the raster are left out.
    """
    x_min, y_max, width, height = _grid(geotransform)
    n_rows, n_cols = shape
    starts, ends, signed_area = _edges(rings)
    if signed_area == 0.0:
        return np.empty(0, dtype=np.int64), np.empty(0)
    x_a, y_a, x_b, y_b = _pieces(starts, ends, x_min, y_max, width, height, n_cols, n_rows)
    col = np.floor(((x_a + x_b) / 2.0 - x_min) / width).astype(np.int64)
    row = np.floor((y_max - (y_a + y_b) / 2.0) / height).astype(np.int64)
    dx = x_b - x_a
    kept = (col >= 0) & (col < n_cols) & (dx != 0.0)
    if not kept.any() or row[kept].min() >= n_rows:
        return np.empty(0, dtype=np.int64), np.empty(0)
    col, row, dx = col[kept], row[kept], dx[kept]
    top, bottom = max(int(row.min()), 0), min(int(row.max()), n_rows - 1)
    if bottom < 0:  # above the raster
        return np.empty(0, dtype=np.int64), np.empty(0)
    below_bottom = (y_a[kept] + y_b[kept]) / 2.0 - (y_max - (row + 1) * height)
    own = -dx * np.clip(below_bottom, 0.0, height)  # the piece's own cell
    full = -dx * height  # every cell below it in its column, down to the raster's bottom

    left, right = int(col.min()), int(col.max())
    box_rows, box_cols = bottom - top + 1, right - left + 1
    in_box = (row >= top) & (row <= bottom)
    own_cells = (row[in_box] - top) * box_cols + (col[in_box] - left)
    area = np.bincount(own_cells, own[in_box], box_rows * box_cols).astype(np.float64)
    full_row = np.maximum(row + 1, top)
    in_box = full_row <= bottom
    full_cells = (full_row[in_box] - top) * box_cols + (col[in_box] - left)
    below = np.bincount(full_cells, full[in_box], box_rows * box_cols).astype(np.float64)
    area += np.cumsum(below.reshape(box_rows, box_cols), axis=0).ravel()

    fraction = np.clip(area * (np.sign(signed_area) / (width * height)), 0.0, 1.0)
    local = np.flatnonzero(fraction > FRACTION_FLOOR)
    cells = (local // box_cols + top) * n_cols + (local % box_cols + left)
    return cells.astype(np.int64), fraction[local]


def coverage_fractions(
    zones: Sequence[Sequence[np.ndarray]],
    geotransform: Sequence[float],
    shape: tuple[int, int],
) -> sparse.csr_matrix:
    """Coverage fractions of every zone in every cell: W (zones x cells), sparse.

    ``zones`` holds each zone's rings (see :func:`polygon_coverage`); a zone without rings
    (no geometry, or entirely outside the raster) gets an empty row.
    """
    zone_ids, cells, fractions = [], [], []
    for zone, rings in enumerate(zones):
        zone_cells, zone_fractions = polygon_coverage(rings, geotransform, shape)
        zone_ids.append(np.full(zone_cells.size, zone, dtype=np.int64))
        cells.append(zone_cells)
        fractions.append(zone_fractions)
    n_cells = int(shape[0]) * int(shape[1])
    if not zones:
        return sparse.csr_matrix((0, n_cells))
    return sparse.csr_matrix(
        (np.concatenate(fractions), (np.concatenate(zone_ids), np.concatenate(cells))),
        shape=(len(zones), n_cells),
    )


def whole_cell_fractions(zone_cells: Sequence[np.ndarray], n_cells: int) -> sparse.csr_matrix:
    """W (zones x cells) for whole-cell membership: zone z holds the cells ``zone_cells[z]``.

    The centre-based mode: given the cells whose centre lies in each zone, a cell counts fully
    for every zone holding its centre (what QGIS's zonal statistics do), instead of by area.
    """
    counts = [len(cells) for cells in zone_cells]
    zone_ids = np.repeat(np.arange(len(zone_cells)), counts)
    cells = np.concatenate([np.asarray(c, dtype=np.int64) for c in zone_cells] or [[]])
    return sparse.csr_matrix(
        (np.ones(cells.size), (zone_ids, cells.astype(np.int64))),
        shape=(len(zone_cells), n_cells),
    )


@dataclass(frozen=True)
class Overlap:
    """Where zones overlap (a cell's fractions add up to more than 1).

    Attributes
    ----------
    cells
        Number of cells covered more than once.
    excess
        Sum over cells of (coverage - 1) where positive: cell areas counted twice.
    covered
        Sum of all fractions: cell areas covered by the zones, counting overlaps again.
    pairs
        (z1, z2, shared excess) of zones covering the same over-covered cells, z1 < z2,
        largest shared excess first.
    """

    cells: int
    excess: float
    covered: float
    pairs: list


def overlaps(fractions: sparse.spmatrix) -> Overlap:
    """Cells covered more than once, how much, and the pairs of zones that share them."""
    coverage = np.asarray(fractions.sum(axis=0)).ravel()
    cells = np.flatnonzero(coverage > 1.0 + OVERLAP_TOLERANCE)
    excess = coverage[cells] - 1.0
    covering = (sparse.csc_matrix(fractions)[:, cells] > 0).astype(np.float64)
    shared = sparse.triu(covering @ sparse.diags(excess) @ covering.T, k=1).tocoo()
    pairs = sorted(
        zip(shared.row.tolist(), shared.col.tolist(), shared.data.tolist()),
        key=lambda pair: (-pair[2], pair[0], pair[1]),
    )
    return Overlap(int(cells.size), float(excess.sum()), float(coverage.sum()), pairs)


@dataclass(frozen=True, eq=False)
class ZonalSums:
    """Sums of every band over every zone, and the band totals over the whole raster.

    Attributes
    ----------
    sums
        (zones, bands) footprint in each zone.
    band_totals
        (bands,) sum of each band over all its valid cells.
    """

    sums: np.ndarray
    band_totals: np.ndarray

    @property
    def outside(self) -> np.ndarray:
        """(bands,) band total minus the zone sums: what no zone holds, less any double count
        where zones overlap (so that zones plus outside always equal the band total)."""
        return self.band_totals - self.sums.sum(axis=0)

    def shares(self) -> np.ndarray:
        """(zones, bands) each zone's share of the band total (NaN for a band totalling 0)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.band_totals != 0.0, self.sums / self.band_totals, np.nan)


def zonal_sums(
    fractions: sparse.spmatrix, blocks: Iterable[tuple[int, np.ndarray]], n_cols: int
) -> ZonalSums:
    """Sum every band over every zone, apportioning cells by their coverage fractions.

    Parameters
    ----------
    fractions
        W (zones x cells) from :func:`coverage_fractions` or :func:`whole_cell_fractions`.
    blocks
        The raster in blocks of whole rows, top to bottom: (first row, values) with values of
        shape (bands, rows, n_cols), NaN where a cell has no data (it counts as 0). Reading
        one block at a time keeps memory small; the iterator may stop the work by raising.
        Blocks are consumed: their no-data cells are set to 0 in place.
    n_cols
        Columns of the raster.

    Raises
    ------
    ZonalError
        If the raster yields no block, or no cell with data.
    """
    by_cell = sparse.csc_matrix(fractions)
    sums = band_totals = None
    valid_cells = 0
    for row_start, values in blocks:
        bands = values.shape[0]
        # bands x cells as laid out in the block (a cells x bands transpose would cost a
        # strided copy), no data set to 0 in place, then one sparse product per band
        by_band = np.reshape(np.asarray(values, dtype=np.float64), (bands, -1))
        missing = np.isnan(by_band)
        valid_cells += by_band.size - int(np.count_nonzero(missing))
        by_band[missing] = 0.0
        first = row_start * n_cols
        if sums is None:
            sums, band_totals = np.zeros((by_cell.shape[0], bands)), np.zeros(bands)
        block_fractions = by_cell[:, first : first + by_band.shape[1]].tocsr()
        for band in range(bands):
            sums[:, band] += block_fractions @ by_band[band]
        band_totals += by_band.sum(axis=1)
    if sums is None:
        raise ZonalError("The raster has no rows to sum.")
    if valid_cells == 0:
        raise ZonalError(
            "The raster has no valid cells: every cell is nodata. Choose a raster with data."
        )
    return ZonalSums(sums=sums, band_totals=band_totals)


def zone_table(
    result: ZonalSums,
    zone_names: Sequence[str],
    band_names: Sequence[str],
    rank_band: int,
    zone_column: str = "zone",
) -> pd.DataFrame:
    """One row per zone: the sum of each band, its share of the band total, and a rank.

    Columns ``zone_column``, ``<band>`` for each band, ``<band>_share`` for each band, and
    ``rank`` (1 = largest sum of band ``rank_band``, 0-based; equal sums share the lower rank).
    """
    table = pd.DataFrame({zone_column: list(zone_names)})
    shares = result.shares()
    for position, name in enumerate(band_names):
        table[name] = result.sums[:, position]
    for position, name in enumerate(band_names):
        table[f"{name}_share"] = shares[:, position]
    table[RANK] = _ranks(result.sums[:, rank_band])
    return table


def zone_long_table(
    result: ZonalSums,
    zone_names: Sequence[str],
    band_names: Sequence[str],
    outside_label: str,
    zone_column: str = "zone",
) -> pd.DataFrame:
    """One row per zone and band, plus a row per band for what lies outside every zone.

    Columns ``zone_column``, ``band``, ``footprint``, ``share`` (of the band total) and
    ``rank`` (of the zone within the band; empty for the outside row). The footprints of each
    band add up to its total.
    """
    n_zones, n_bands = result.sums.shape
    sums = np.vstack([result.sums, result.outside[None, :]])
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(result.band_totals != 0.0, sums / result.band_totals, np.nan)
    ranks = np.column_stack([_ranks(result.sums[:, band]) for band in range(n_bands)])
    names = np.asarray([*map(str, zone_names), outside_label], dtype=object)
    return pd.DataFrame(
        {
            zone_column: np.repeat(names, n_bands),
            BAND: np.tile(np.asarray(band_names, dtype=object), n_zones + 1),
            FOOTPRINT: sums.ravel(),
            SHARE: shares.ravel(),
            RANK: pd.array([*ranks.ravel(), *[None] * n_bands], dtype="Int64"),
        }
    )


def _ranks(values: np.ndarray) -> np.ndarray:
    """Rank 1 for the largest value; equal values share the lowest rank of their group."""
    return pd.Series(values).rank(method="min", ascending=False).to_numpy(dtype=np.int64)
