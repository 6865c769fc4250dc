"""GridSpec: cell lookup and its edge rule, origin snapping, and the errors a user can cause."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint_plugin.engine.mapping.grid import DEFAULT_MAX_CELLS, GridError, GridSpec

CRS = 'PROJCS["Albers-like"]'


def small_grid() -> GridSpec:
    """A 4 x 3 grid of 1 km cells with its north-west corner at (1000, 5000)."""
    return GridSpec(CRS, x_min=1000.0, y_max=5000.0, cell_size=1000.0, n_cols=3, n_rows=4)


def test_geometry_properties():
    grid = small_grid()
    assert grid.geotransform == (1000.0, 1000.0, 0.0, 5000.0, 0.0, -1000.0)
    assert grid.shape == (4, 3)
    assert grid.cell_count == 12
    assert grid.cell_area == 1e6
    assert grid.extent == (1000.0, 1000.0, 4000.0, 5000.0)


def test_single_point_in_known_cell():
    rows, cols, inside = small_grid().cell_index(np.array([2500.0]), np.array([2500.0]))
    assert rows.tolist() == [2]
    assert cols.tolist() == [1]
    assert inside.tolist() == [True]
    assert small_grid().flat_index(rows, cols).tolist() == [2 * 3 + 1]


def test_edges_belong_to_the_cell_east_and_south():
    grid = small_grid()
    # inner vertical edge x = 2000 -> column 1 (east); inner horizontal edge y = 4000 -> row 1
    # (south); the west and north boundaries are inside, the east and south ones outside.
    x = np.array([2000.0, 1500.0, 1000.0, 1500.0, 4000.0, 1500.0, 1000.0])
    y = np.array([4500.0, 4000.0, 4500.0, 5000.0, 4500.0, 1000.0, 5000.0])
    rows, cols, inside = grid.cell_index(x, y)
    assert cols.tolist() == [1, 0, 0, 0, -1, -1, 0]
    assert rows.tolist() == [0, 1, 0, 0, -1, -1, 0]
    assert inside.tolist() == [True, True, True, True, False, False, True]


def test_outside_and_non_finite_points_are_outside():
    x = np.array([500.0, 5000.0, 2500.0, 2500.0, np.nan, np.inf, 2500.0, -np.inf])
    y = np.array([2500.0, 2500.0, 6000.0, 500.0, 2500.0, 2500.0, np.nan, 2500.0])
    rows, cols, inside = small_grid().cell_index(x, y)
    assert not inside.any()
    assert (rows == -1).all()
    assert (cols == -1).all()


def test_cell_index_keeps_the_input_shape():
    x = np.full((2, 5), 1500.0)
    rows, cols, inside = small_grid().cell_index(x, x + 2000.0)
    assert rows.shape == cols.shape == inside.shape == (2, 5)
    assert rows.dtype == cols.dtype == np.int64


@st.composite
def grids_and_points(draw):
    """A grid with arbitrary float origin and cell size, and points in it, many on edges."""
    cell_size = draw(st.floats(0.001, 1e5, allow_nan=False, allow_infinity=False))
    x_min = draw(st.floats(-1e7, 1e7, allow_nan=False, allow_infinity=False))
    y_max = draw(st.floats(-1e7, 1e7, allow_nan=False, allow_infinity=False))
    n_cols = draw(st.integers(1, 12))
    n_rows = draw(st.integers(1, 12))
    grid = GridSpec(CRS, x_min, y_max, cell_size, n_cols, n_rows)
    x_edges = [x_min + j * cell_size for j in range(n_cols + 1)]
    y_edges = [y_max - i * cell_size for i in range(n_rows + 1)]
    xs = st.one_of(st.sampled_from(x_edges), st.floats(x_edges[0], x_edges[-1]))
    ys = st.one_of(st.sampled_from(y_edges), st.floats(y_edges[-1], y_edges[0]))
    points = draw(st.lists(st.tuples(xs, ys), min_size=1, max_size=50))
    return grid, np.array(points)


@settings(max_examples=200, deadline=None)
@given(grids_and_points())
def test_every_point_lies_in_exactly_one_cell(case):
    grid, points = case
    x, y = points[:, 0], points[:, 1]
    rows, cols, inside = grid.cell_index(x, y)
    x_edges = grid.x_min + np.arange(grid.n_cols + 1) * grid.cell_size
    y_edges = grid.y_max - np.arange(grid.n_rows + 1) * grid.cell_size
    # Independent oracle: count the edges at or west of x (north of or on y).
    expected_cols = (x[:, None] >= x_edges[None, :]).sum(axis=1) - 1
    expected_rows = (y[:, None] <= y_edges[None, :]).sum(axis=1) - 1
    expected_inside = (x < x_edges[-1]) & (y > y_edges[-1])
    np.testing.assert_array_equal(inside, expected_inside)
    np.testing.assert_array_equal(cols[inside], expected_cols[inside])
    np.testing.assert_array_equal(rows[inside], expected_rows[inside])
    # Each inside point satisfies its cell's half-open bounds, and the counts add up.
    c, r = cols[inside], rows[inside]
    assert (x_edges[c] <= x[inside]).all() and (x[inside] < x_edges[c + 1]).all()
    assert (y_edges[r + 1] < y[inside]).all() and (y[inside] <= y_edges[r]).all()
    counts = np.bincount(grid.flat_index(r, c), minlength=grid.cell_count)
    assert counts.sum() == inside.sum()
    assert (rows[~inside] == -1).all() and (cols[~inside] == -1).all()


def test_from_extent_snaps_origin_to_multiples_of_cell_size():
    grid = GridSpec.from_extent(CRS, -2_604_321.5, 1_803_000.0, 2_395_000.0, 5_897_123.0, 10_000)
    assert grid.x_min == -2_610_000.0
    assert grid.y_max == 5_900_000.0
    assert grid.x_min % 10_000 == 0 and grid.y_max % 10_000 == 0
    # Covers the extent: its corners are inside.
    _, _, inside = grid.cell_index(
        np.array([-2_604_321.5, 2_395_000.0]), np.array([5_897_123.0, 1_803_000.0])
    )
    assert inside.all()
    assert (grid.n_cols, grid.n_rows) == (501, 410)


def test_from_extent_covers_extent_sides_on_cell_edges():
    grid = GridSpec.from_extent(CRS, 0.0, 0.0, 3000.0, 2000.0, 1000.0)
    assert (grid.x_min, grid.y_max, grid.n_cols, grid.n_rows) == (0.0, 2000.0, 4, 3)
    _, _, inside = grid.cell_index(np.array([0.0, 3000.0]), np.array([2000.0, 0.0]))
    assert inside.all()


def test_grids_of_different_extents_line_up():
    a = GridSpec.from_extent(CRS, 12_345.0, 0.0, 50_000.0, 40_000.0, 5000.0)
    b = GridSpec.from_extent(CRS, 31_000.0, 7_000.0, 90_000.0, 33_333.0, 5000.0)
    assert (b.x_min - a.x_min) % 5000 == 0
    assert (a.y_max - b.y_max) % 5000 == 0


def test_from_extent_of_a_single_point_is_one_cell():
    grid = GridSpec.from_extent(CRS, 1500.0, 2500.0, 1500.0, 2500.0, 1000.0)
    assert (grid.x_min, grid.y_max, grid.n_cols, grid.n_rows) == (1000.0, 3000.0, 1, 1)


def test_china_at_one_km_passes():
    grid = GridSpec.from_extent(CRS, -2_600_000, 1_800_000, 2_400_000, 5_900_000, 1000)
    assert grid.cell_count == 5001 * 4101
    assert grid.cell_count < DEFAULT_MAX_CELLS


def test_too_large_grid_names_the_cell_count_and_a_cell_size_that_fits():
    with pytest.raises(GridError) as error:
        GridSpec.from_extent(CRS, -2_600_000, 1_800_000, 2_400_000, 5_900_000, 100)
    message = str(error.value)
    assert "50,001 x 41,001 = 2,050,091,001 cells" in message
    assert "200,000,000" in message
    assert "at least 500 m" in message
    # The suggested cell size does fit.
    GridSpec.from_extent(CRS, -2_600_000, 1_800_000, 2_400_000, 5_900_000, 500)


def test_suggested_cell_size_is_the_smallest_round_one_that_fits():
    # 25 m cells give 40 x 40 cells over this extent, 20 m cells 50 x 50.
    with pytest.raises(GridError, match="at least 25 m"):
        GridSpec.from_extent(CRS, 0, 1, 999, 1000, 1, max_cells=1600)
    assert GridSpec.from_extent(CRS, 0, 1, 999, 1000, 25, max_cells=1600).cell_count == 1600
    with pytest.raises(GridError, match="50 x 50 = 2,500 cells"):
        GridSpec.from_extent(CRS, 0, 1, 999, 1000, 20, max_cells=1600)


@pytest.mark.parametrize(
    ("cell_size", "shown"),
    [(0, "got 0"), (-5.0, "got -5"), (math.nan, "got nan"), (math.inf, "got inf")],
)
def test_invalid_cell_size(cell_size, shown):
    with pytest.raises(GridError, match=f"CELL_SIZE must be a positive number of metres, {shown}"):
        GridSpec.from_extent(CRS, 0, 0, 10, 10, cell_size)
    with pytest.raises(GridError, match="CELL_SIZE must be a positive number"):
        GridSpec(CRS, 0.0, 0.0, cell_size, 1, 1)


@pytest.mark.parametrize(
    "extent",
    [
        (10, 0, 0, 10),
        (0, 10, 10, 0),
        (math.nan, 0, 10, 10),
        (0, 0, math.inf, 10),
        (-1e308, 0, 1e308, 1),
    ],
)
def test_empty_or_invalid_extent(extent):
    with pytest.raises(GridError, match="extent"):
        GridSpec.from_extent(CRS, *extent, 1.0)


def test_invalid_grid_size():
    with pytest.raises(GridError, match="n_rows = 0"):
        GridSpec(CRS, 0.0, 0.0, 1.0, 3, 0)
    with pytest.raises(TypeError):
        GridSpec(CRS, 0.0, 0.0, 1.0, 2.5, 1)


def edge_oracle(grid: GridSpec, x: np.ndarray, y: np.ndarray):
    """Columns and rows by counting the edges x_min + j * cell_size at or west of x (and
    y_max - i * cell_size at or north of y), evaluated in float64 as the docstring says."""
    x_edges = grid.x_min + np.arange(grid.n_cols + 1) * grid.cell_size
    y_edges = grid.y_max - np.arange(grid.n_rows + 1) * grid.cell_size
    cols = (np.asarray(x, dtype=np.float64)[:, None] >= x_edges[None, :]).sum(axis=1) - 1
    rows = (np.asarray(y, dtype=np.float64)[:, None] <= y_edges[None, :]).sum(axis=1) - 1
    return rows, cols


def test_points_an_ulp_west_or_north_of_an_edge_where_division_rounds_onto_it():
    """For these points (x - x_min) / cell_size rounds up onto the next edge's number although
    x lies an ulp west of that edge as evaluated (and likewise north for y): they belong to the
    cell before it."""
    grid = GridSpec(CRS, x_min=-0.7, y_max=-0.7, cell_size=7.3, n_cols=600, n_rows=600)
    x = np.array([1897.2999999999997, 100.0])
    y = np.array([-100.0, -4015.6999999999994])
    rows, cols, inside = grid.cell_index(x, y)
    expected_rows, expected_cols = edge_oracle(grid, x, y)
    assert inside.all()
    assert cols.tolist() == expected_cols.tolist() and cols[0] == 259
    assert rows.tolist() == expected_rows.tolist() and rows[1] == 549


def test_float32_coordinates_are_placed_by_their_value():
    """float32 points (e.g. from a float32 raster) are placed by their exact value against the
    float64 edges, not by edges rounded to float32."""
    grid = GridSpec(CRS, x_min=0.0, y_max=1000.0, cell_size=0.1, n_cols=10_000, n_rows=10_000)
    x = np.array([284.8999938964844, 5.0], dtype=np.float32)
    y = np.array([500.0, 61.0999870300293], dtype=np.float32)
    rows, cols, _ = grid.cell_index(x, y)
    expected_rows, expected_cols = edge_oracle(grid, x, y)
    assert cols.tolist() == expected_cols.tolist() and cols[0] == 2848
    assert rows.tolist() == expected_rows.tolist() and rows[1] == 9389


@pytest.mark.parametrize(
    ("extent", "cell_size"),
    [
        ((448.69999999999993, 0.0, 449.0, 1.0), 0.7),  # x_min / 0.7 rounds up to 641
        ((0.0, 676.0, 1.0, 676.5000000000001), 1.1),  # y_max / 1.1 rounds down to 615
    ],
)
def test_snapped_origin_when_the_division_rounds_onto_a_multiple(extent, cell_size):
    """The origin is the multiple of the cell size just west of x_min and just north of y_max,
    even where x_min / cell_size rounds onto an integer: the extent's corners are inside."""
    grid = GridSpec.from_extent(CRS, *extent, cell_size)
    x_min, y_min, x_max, y_max = extent
    assert x_min - cell_size < grid.x_min <= x_min
    assert y_max <= grid.y_max < y_max + cell_size
    _, _, inside = grid.cell_index(np.array([x_min, x_max]), np.array([y_max, y_min]))
    assert inside.all()
    assert grid.crs_wkt == CRS


def test_suggested_cell_size_below_one_metre():
    """Over (0.1, 0.1)-(0.9, 0.9), 4 cells allow 0.5 m cells (2 x 2) but not 0.25 m ones
    (4 x 4)."""
    with pytest.raises(GridError, match=r"at least 0\.5 m"):
        GridSpec.from_extent(CRS, 0.1, 0.1, 0.9, 0.9, 0.01, max_cells=4)
    assert GridSpec.from_extent(CRS, 0.1, 0.1, 0.9, 0.9, 0.5, max_cells=4).cell_count == 4
    with pytest.raises(GridError, match="4 x 4 = 16 cells"):
        GridSpec.from_extent(CRS, 0.1, 0.1, 0.9, 0.9, 0.25, max_cells=4)


def test_suggested_cell_size_when_the_cell_count_overflows():
    """1e-160 m cells over 0.8 m are too many cells to count (inf); 0.5 m cells (2 x 2) fit in
    4, 0.25 m ones (4 x 4) do not."""
    with pytest.raises(GridError, match=r"at least 0\.5 m"):
        GridSpec.from_extent(CRS, 0.1, 0.1, 0.9, 0.9, 1e-160, max_cells=4)


def test_suggested_cell_size_is_the_smallest_that_fits():
    """Over x -13.1..82.1 and y 8..34.6 with at most 429 cells, 2.5 m cells snap to x -15..82.5
    (39 columns) and y 7.5..35 (11 rows): 429 cells, so 2.5 m is suggested, not 5 m; 2 m cells
    snap to x -14..84 and y 6..36 (the south side, on an edge, is in the grid): 49 x 15 = 735."""
    extent = (-13.1, 8.0, 82.1, 34.6)
    with pytest.raises(GridError, match=r"at least 2\.5 m"):
        GridSpec.from_extent(CRS, *extent, 1.0, max_cells=429)
    assert GridSpec.from_extent(CRS, *extent, 2.5, max_cells=429).cell_count == 39 * 11
    with pytest.raises(GridError, match="49 x 15 = 735 cells"):
        GridSpec.from_extent(CRS, *extent, 2.0, max_cells=429)


def test_suggested_cell_size_of_an_extent_far_from_the_origin():
    """A 10 m square at (1000, 5000) with at most 4 cells: its east and south sides lie on the
    edges of 5 m cells, which then need 3 x 3; 10 m cells need 2 x 2, so 10 m."""
    with pytest.raises(GridError, match="at least 10 m"):
        GridSpec.from_extent(CRS, 1000.0, 5000.0, 1010.0, 5010.0, 1.0, max_cells=4)
    with pytest.raises(GridError, match="3 x 3 = 9 cells"):
        GridSpec.from_extent(CRS, 1000.0, 5000.0, 1010.0, 5010.0, 5.0, max_cells=4)


def test_a_grid_limit_below_four_cells_is_refused():
    """An extent on cell edges may need 2 x 2 cells whatever their size: max_cells < 4 is a
    programming error, not a search that never ends."""
    with pytest.raises(ValueError, match="at least 4"):
        GridSpec.from_extent(CRS, 0.0, 0.0, 0.9, 0.9, 1.0, max_cells=1)


def test_suggested_cell_size_a_decade_above_the_estimate():
    """Over (0.9, 0.9)-(3.1, 3.1), 9 cells: 1 m cells snap to 4 x 4 = 16 cells, 2 m cells to
    2 x 2 = 4, so 2 m is the answer though the cell count alone suggests about 0.77 m."""
    with pytest.raises(GridError, match="at least 2 m"):
        GridSpec.from_extent(CRS, 0.9, 0.9, 3.1, 3.1, 0.1, max_cells=9)
    with pytest.raises(GridError, match="4 x 4 = 16 cells"):
        GridSpec.from_extent(CRS, 0.9, 0.9, 3.1, 3.1, 1.0, max_cells=9)
    assert GridSpec.from_extent(CRS, 0.9, 0.9, 3.1, 3.1, 2.0, max_cells=9).cell_count == 4


def test_cell_size_given_as_text_is_a_number():
    """A cell size read as text ("250") is used as the number 250."""
    grid = GridSpec(CRS, 0.0, 1000.0, "250", 4, 4)
    assert grid.cell_size == 250.0 and grid.cell_area == 62_500.0
    rows, cols, _ = grid.cell_index(np.array([260.0]), np.array([740.0]))
    assert (rows.tolist(), cols.tolist()) == ([1], [1])


def test_flat_index_of_int32_rows_and_columns_past_two_billion():
    """Cell numbers beyond 2**31 (a 60,000 x 60,000 grid) do not wrap around for int32 input."""
    grid = GridSpec(CRS, 0.0, 0.0, 1.0, 60_000, 60_000)
    rows = np.array([50_000, 1], dtype=np.int32)
    cols = np.array([7, 59_999], dtype=np.int32)
    assert grid.flat_index(rows, cols).tolist() == [50_000 * 60_000 + 7, 60_000 + 59_999]
