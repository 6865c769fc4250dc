"""grid_footprint: mass conservation, band totals against a per-source oracle, raster blocks."""

import numpy as np
import pytest

from footprint_plugin.engine.mapping.grid import GridSpec
from footprint_plugin.engine.mapping.gridding import (
    DEFAULT_NODATA,
    UNATTRIBUTED,
    GriddingError,
    aggregate_sources_to_cells,
    grid_footprint,
)

CRS = 'PROJCS["Albers-like"]'


def grid_10_by_7() -> GridSpec:
    """A 10-row, 7-column grid of 1 km cells."""
    return GridSpec(CRS, x_min=0.0, y_max=10_000.0, cell_size=1000.0, n_cols=7, n_rows=10)


def random_shares_by_band(rng: np.random.Generator, n_producers: int, n_columns: int):
    """S @ G for a random driven-share matrix S and a band matrix with a 'total' band first."""
    driven_share = rng.random((n_producers, n_columns))
    driven_share /= driven_share.sum(axis=1, keepdims=True)
    band_matrix = np.zeros((n_columns, 1 + n_columns))
    band_matrix[:, 0] = 1.0  # total
    band_matrix[:, 1:] = np.eye(n_columns)  # one band per final-demand column
    return driven_share @ band_matrix


def random_sources(rng: np.random.Generator, grid: GridSpec, n_sources: int, n_producers: int):
    """Random points, some outside the grid, some unattributed, with lognormal emissions."""
    x_min, y_min, x_max, y_max = grid.extent
    pad = 2 * grid.cell_size
    x = rng.uniform(x_min - pad, x_max + pad, n_sources)
    y = rng.uniform(y_min - pad, y_max + pad, n_sources)
    producer = rng.integers(0, n_producers, n_sources)
    producer[rng.random(n_sources) < 0.1] = UNATTRIBUTED
    emission = rng.lognormal(3.0, 2.0, n_sources)
    rows, cols, inside = grid.cell_index(x, y)
    return rows, cols, inside, producer, emission


def dense_raster(footprint, block_rows=None, **kwargs) -> np.ndarray:
    """The whole raster from its blocks, checking that blocks cover every row exactly once."""
    n_rows, n_cols = footprint.grid.shape
    bands = np.empty((footprint.n_bands, n_rows, n_cols), dtype=np.float32)
    next_row = 0
    for row_start, block in footprint.blocks(block_rows, **kwargs):
        assert row_start == next_row
        assert block.dtype == np.float32
        assert block.shape[0] == footprint.n_bands and block.shape[2] == n_cols
        assert 1 <= block.shape[1] <= (block_rows or n_rows)
        bands[:, row_start : row_start + block.shape[1]] = block
        next_row = row_start + block.shape[1]
    assert next_row == n_rows
    return bands


def test_single_point_in_known_cell():
    grid = grid_10_by_7()
    rows, cols, _ = grid.cell_index(np.array([2500.0]), np.array([6500.0]))
    shares_by_band = np.array([[1.0, 0.4, 0.6]])
    footprint = grid_footprint(grid, rows, cols, np.array([0]), np.array([5.0]), shares_by_band)
    assert footprint.occupied_cells.tolist() == [3 * 7 + 2]
    np.testing.assert_array_equal(footprint.occupied_values, [[5.0, 2.0, 3.0]])
    np.testing.assert_array_equal(footprint.band_totals, [5.0, 2.0, 3.0])
    raster = dense_raster(footprint)
    expected = np.zeros((3, 10, 7), dtype=np.float32)
    expected[:, 3, 2] = [5.0, 2.0, 3.0]
    np.testing.assert_array_equal(raster, expected)


def test_parts_of_a_source_in_the_same_cell_sum():
    # A polygon source split into three parts (weights 0.5, 0.3, 0.2), two in the same cell.
    grid = grid_10_by_7()
    rows, cols = np.array([1, 1, 4]), np.array([2, 2, 0])
    emission = 10.0 * np.array([0.5, 0.3, 0.2])
    footprint = grid_footprint(grid, rows, cols, np.array([0, 0, 0]), emission, np.ones((1, 1)))
    assert footprint.occupied_cells.tolist() == [1 * 7 + 2, 4 * 7 + 0]
    np.testing.assert_allclose(footprint.occupied_values[:, 0], [8.0, 2.0], rtol=1e-15)
    assert footprint.mapped_count == 3


def test_aggregate_sources_to_cells_sums_by_cell_and_producer():
    cells, matrix = aggregate_sources_to_cells(
        np.array([9, 2, 9, 9]), np.array([1, 0, 1, 0]), np.array([1.0, 2.0, 3.0, 4.0]), 3
    )
    assert cells.tolist() == [2, 9]
    np.testing.assert_array_equal(matrix.toarray(), [[2.0, 0.0, 0.0], [4.0, 4.0, 0.0]])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_band_totals_equal_a_per_source_computation(seed):
    rng = np.random.default_rng(seed)
    grid = grid_10_by_7()
    n_producers, n_columns = 12, 5
    shares_by_band = random_shares_by_band(rng, n_producers, n_columns)
    rows, cols, inside, producer, emission = random_sources(rng, grid, 400, n_producers)
    footprint = grid_footprint(grid, rows, cols, producer, emission, shares_by_band)

    expected_totals = np.zeros(shares_by_band.shape[1])
    expected_cells = np.zeros((grid.cell_count, shares_by_band.shape[1]))
    for i in range(emission.size):  # the independent, per-source oracle
        if inside[i] and producer[i] != UNATTRIBUTED:
            contribution = emission[i] * shares_by_band[producer[i]]
            expected_totals += contribution
            expected_cells[rows[i] * grid.n_cols + cols[i]] += contribution
    np.testing.assert_allclose(footprint.band_totals, expected_totals, rtol=1e-12)
    occupied = np.flatnonzero(expected_cells[:, 0] > 0)
    np.testing.assert_array_equal(footprint.occupied_cells, occupied)
    np.testing.assert_allclose(footprint.occupied_values, expected_cells[occupied], rtol=1e-12)


def test_mass_is_conserved_and_every_source_is_accounted_for():
    rng = np.random.default_rng(7)
    grid = grid_10_by_7()
    shares_by_band = random_shares_by_band(rng, 8, 4)
    rows, cols, inside, producer, emission = random_sources(rng, grid, 1000, 8)
    footprint = grid_footprint(grid, rows, cols, producer, emission, shares_by_band)

    mapped = inside & (producer != UNATTRIBUTED)
    total_band = footprint.band_totals[0]
    np.testing.assert_allclose(total_band, emission[mapped].sum(), rtol=1e-12)
    np.testing.assert_allclose(footprint.mapped_emission, emission[mapped].sum(), rtol=1e-12)
    # The final-demand bands split the total band exactly.
    np.testing.assert_allclose(footprint.band_totals[1:].sum(), total_band, rtol=1e-12)
    np.testing.assert_allclose(
        footprint.occupied_values[:, 1:].sum(axis=1), footprint.occupied_values[:, 0], rtol=1e-12
    )
    accounted = (
        footprint.mapped_emission + footprint.unattributed_emission + footprint.outside_emission
    )
    np.testing.assert_allclose(accounted, emission.sum(), rtol=1e-12)
    assert footprint.mapped_count + footprint.unattributed_count + footprint.outside_count == 1000


def test_unattributed_sources_are_reported_not_dropped():
    grid = grid_10_by_7()
    rows, cols = np.array([0, 0, 5]), np.array([0, 1, 5])
    producer = np.array([0, UNATTRIBUTED, UNATTRIBUTED])
    emission = np.array([1.0, 2.0, 4.0])
    footprint = grid_footprint(grid, rows, cols, producer, emission, np.ones((1, 1)))
    assert footprint.unattributed_count == 2
    assert footprint.unattributed_emission == 6.0
    assert footprint.mapped_emission == 1.0
    assert footprint.occupied_cells.tolist() == [0]


def test_sources_outside_the_grid_are_reported_with_counts():
    grid = grid_10_by_7()
    x = np.array([-1.0, 7000.0, 3500.0, 3500.0, np.nan, 3500.0])
    y = np.array([5000.0, 5000.0, 10_000.5, 0.0, 5000.0, 5000.0])
    rows, cols, _ = grid.cell_index(x, y)
    producer = np.array([0, 0, UNATTRIBUTED, 0, 0, 0])
    emission = np.array([1.0, 2.0, 4.0, 8.0, 16.0, 32.0])
    footprint = grid_footprint(grid, rows, cols, producer, emission, np.ones((1, 2)))
    assert footprint.outside_count == 5
    assert footprint.outside_emission == 31.0
    assert footprint.unattributed_count == 0
    np.testing.assert_array_equal(footprint.band_totals, [32.0, 32.0])


def test_float32_raster_sums_match_float64_totals():
    rng = np.random.default_rng(3)
    grid = GridSpec(CRS, 0.0, 50_000.0, 1000.0, n_cols=60, n_rows=50)
    shares_by_band = random_shares_by_band(rng, 30, 6)
    rows, cols, _, producer, emission = random_sources(rng, grid, 5000, 30)
    footprint = grid_footprint(grid, rows, cols, producer, emission, shares_by_band)
    raster_sums = np.zeros(footprint.n_bands)
    for _, block in footprint.blocks(block_rows=7):
        raster_sums += block.sum(axis=(1, 2), dtype=np.float64)
    np.testing.assert_allclose(raster_sums, footprint.band_totals, rtol=1e-6)


@pytest.mark.parametrize("block_rows", [1, 2, 3, 4, 5, 10, 11, 1000, None])
def test_blocks_cover_every_row_once(block_rows):
    rng = np.random.default_rng(11)
    grid = grid_10_by_7()
    shares_by_band = random_shares_by_band(rng, 5, 3)
    rows, cols, _, producer, emission = random_sources(rng, grid, 200, 5)
    footprint = grid_footprint(grid, rows, cols, producer, emission, shares_by_band)
    raster = dense_raster(footprint, block_rows)
    expected = np.zeros((footprint.n_bands, grid.cell_count), dtype=np.float32)
    expected[:, footprint.occupied_cells] = footprint.occupied_values.T
    np.testing.assert_array_equal(raster, expected.reshape(raster.shape))


def test_blocks_fill_territory_and_nodata_outside_it():
    grid = grid_10_by_7()
    # Sources in cells (0, 0) and (9, 6); the territory is the western half, columns 0..3.
    footprint = grid_footprint(
        grid,
        rows=np.array([0, 9]),
        cols=np.array([0, 6]),
        producer=np.array([0, 0]),
        emission=np.array([3.0, 5.0]),
        shares_by_band=np.ones((1, 1)),
    )
    calls = []

    def western_half(row_start, row_stop):
        calls.append((row_start, row_stop))
        mask = np.zeros((row_stop - row_start, grid.n_cols), dtype=bool)
        mask[:, :4] = True
        return mask

    raster = dense_raster(footprint, 4, fill=0.0, territory=western_half)[0]
    assert calls == [(0, 4), (4, 8), (8, 10)]
    assert raster[0, 0] == 3.0
    assert raster[9, 6] == 5.0  # occupied cells keep their footprint even outside the territory
    assert (raster[1:, :4] == 0.0).all()
    assert (raster[:9, 4:] == DEFAULT_NODATA).all()


def test_territory_of_the_wrong_shape_is_an_error():
    footprint = grid_footprint(
        grid_10_by_7(),
        np.array([0]),
        np.array([0]),
        np.array([0]),
        np.array([1.0]),
        np.ones((1, 1)),
    )
    blocks = footprint.blocks(3, territory=lambda start, stop: np.ones((stop - start, 3), bool))
    with pytest.raises(GriddingError, match=r"returned shape \(3, 3\), expected \(3, 7\)"):
        next(blocks)


def test_no_sources_gives_an_empty_table_and_zero_totals():
    empty = np.array([], dtype=np.int64)
    footprint = grid_footprint(
        grid_10_by_7(), empty, empty, empty, np.array([]), np.full((4, 2), 0.5)
    )
    assert footprint.occupied_cells.size == 0
    assert footprint.occupied_values.shape == (0, 2)
    np.testing.assert_array_equal(footprint.band_totals, [0.0, 0.0])
    assert (dense_raster(footprint, 3) == 0.0).all()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"emission": np.array([1.0, -2.0])}, "source 1 has -2.0"),
        ({"emission": np.array([np.nan, 1.0])}, "source 0 has nan"),
        ({"emission": [None, 1.0]}, "source 0 has nan"),  # a missing value, not a TypeError
        ({"producer": np.array([0, 3])}, r"0\.\.2 or -1 \(unattributed\): source 1 has 3"),
        ({"producer": np.array([-2, 0])}, "source 0 has -2"),
        ({"producer": np.array([0.0, 1.0])}, "producer must be an integer array"),
        ({"rows": np.array([0, 1, 2])}, "rows has 3 entries, expected 2"),
        ({"shares_by_band": np.ones(3)}, "shares_by_band must be"),
        ({"shares_by_band": np.ones((3, 0))}, "at least one band"),
        ({"shares_by_band": np.full((3, 1), np.nan)}, "NaN or infinite"),
        ({"shares_by_band": [[1.0], [None], [1.0]]}, "NaN or infinite"),
    ],
)
def test_invalid_inputs_raise_gridding_error(change, message):
    arguments = {
        "rows": np.array([0, 1]),
        "cols": np.array([0, 1]),
        "producer": np.array([0, 1]),
        "emission": np.array([1.0, 2.0]),
        "shares_by_band": np.ones((3, 1)),
    }
    arguments.update(change)
    with pytest.raises(GriddingError, match=message):
        grid_footprint(grid_10_by_7(), **arguments)


def test_invalid_block_rows_is_rejected_at_once():
    footprint = grid_footprint(
        grid_10_by_7(),
        np.array([0]),
        np.array([0]),
        np.array([0]),
        np.array([1.0]),
        np.ones((1, 1)),
    )
    with pytest.raises(ValueError, match="block_rows must be at least 1"):
        footprint.blocks(0)


def test_aggregation_by_counting_matches_aggregation_by_sorting():
    rng = np.random.default_rng(7)
    cell = rng.integers(0, 500, 2000)
    producer = rng.integers(0, 6, 2000)
    emission = rng.lognormal(0.0, 1.0, 2000)
    sorted_cells, sorted_matrix = aggregate_sources_to_cells(cell, producer, emission, 6)
    counted_cells, counted_matrix = aggregate_sources_to_cells(cell, producer, emission, 6, 500)
    np.testing.assert_array_equal(sorted_cells, counted_cells)
    np.testing.assert_allclose(sorted_matrix.toarray(), counted_matrix.toarray(), rtol=1e-15)


def test_zero_emissions_are_valid():
    """An emission of 0 is finite and non-negative: it is mapped (adding nothing), not refused."""
    footprint = grid_footprint(
        grid_10_by_7(),
        np.array([0, 1]),
        np.array([0, 1]),
        np.array([0, 0]),
        np.array([0.0, 2.0]),
        np.ones((1, 1)),
    )
    assert footprint.mapped_count == 2
    assert footprint.band_totals.tolist() == [2.0]


def test_a_row_or_column_out_of_range_alone_puts_a_source_outside():
    """Each of the four bounds counts on its own: a row in range does not make a column past
    the east edge inside, nor the reverse (the grid has 10 rows and 7 columns)."""
    rows = np.array([0, 10, -1, 0, 3])
    cols = np.array([7, 0, 0, -1, 3])
    emission = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    footprint = grid_footprint(
        grid_10_by_7(), rows, cols, np.zeros(5, dtype=int), emission, np.ones((1, 1))
    )
    assert footprint.outside_count == 4
    assert footprint.outside_emission == 15.0
    assert footprint.occupied_cells.tolist() == [3 * 7 + 3]
    assert footprint.band_totals.tolist() == [16.0]


def test_a_territory_given_as_a_0_1_raster_is_a_mask():
    """A territory callback returning 0/1 values (a rasterized mask, uint8) marks the same cells
    as the bool mask: nodata where it is 0, the fill where it is 1."""
    grid = grid_10_by_7()
    footprint = grid_footprint(
        grid, np.array([0]), np.array([0]), np.array([0]), np.array([3.0]), np.ones((1, 1))
    )

    def western_half(row_start, row_stop):
        mask = np.zeros((row_stop - row_start, grid.n_cols), dtype=np.uint8)
        mask[:, :4] = 1
        return mask

    raster = dense_raster(footprint, 4, fill=0.0, territory=western_half)[0]
    assert raster[0, 0] == 3.0
    assert (raster[1:, :4] == 0.0).all() and (raster[0, 1:4] == 0.0).all()
    assert (raster[:, 4:] == DEFAULT_NODATA).all()
