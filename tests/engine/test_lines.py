"""Line sources cut at cell edges: lengths add up, pieces on an edge go to one cell."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint_plugin.engine.mapping.grid import GridSpec
from footprint_plugin.engine.mapping.lines import segments_by_cell

GRID = GridSpec("x", x_min=0.0, y_max=10.0, cell_size=1.0, n_cols=10, n_rows=10)


def test_a_diagonal_is_cut_at_every_edge_it_crosses():
    x, y, length, segment = segments_by_cell(GRID, [0.5], [0.5], [3.5], [2.5])
    assert length.sum() == pytest.approx(np.hypot(3.0, 2.0))
    rows, cols, inside = GRID.cell_index(x, y)
    assert inside.all()
    # Cells (from the south-west): the line crosses 3 vertical and 2 horizontal edges.
    assert len(x) == 6 and set(segment) == {0}
    assert list(zip(rows, cols)) == [(9, 0), (9, 1), (8, 1), (8, 2), (7, 2), (7, 3)]


def test_a_line_along_an_edge_goes_to_the_cell_south_of_it():
    x, y, length, _ = segments_by_cell(GRID, [0.0], [5.0], [4.0], [5.0])
    rows, cols, _ = GRID.cell_index(x, y)
    assert length.tolist() == [1.0, 1.0, 1.0, 1.0]
    assert rows.tolist() == [5, 5, 5, 5] and cols.tolist() == [0, 1, 2, 3]


def test_pieces_off_the_grid_keep_their_length():
    x, y, length, _ = segments_by_cell(GRID, [-2.0], [5.5], [1.5], [5.5])
    _, _, inside = GRID.cell_index(x, y)
    assert length.sum() == pytest.approx(3.5)
    assert length[~inside].sum() == pytest.approx(2.0)


def test_zero_length_segments_give_nothing():
    x, _, _, _ = segments_by_cell(GRID, [3.0], [3.0], [3.0], [3.0])
    assert x.size == 0


coordinate = st.floats(-3.0, 13.0, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(coordinate, coordinate, coordinate, coordinate), min_size=1, max_size=5))
def test_lengths_add_up_and_every_piece_is_in_one_cell(segments):
    x0, y0, x1, y1 = (np.array(values) for values in zip(*segments))
    x, y, length, segment = segments_by_cell(GRID, x0, y0, x1, y1)
    expected = np.hypot(x1 - x0, y1 - y0)
    np.testing.assert_allclose(np.bincount(segment, length, len(segments)), expected, atol=1e-9)
    _, cols, inside = GRID.cell_index(x, y)
    # A piece's ends lie in the closure of its midpoint's cell.
    lo_x = GRID.x_min + cols[inside] * GRID.cell_size
    half = length[inside] / 2
    assert np.all(x[inside] - lo_x >= -1e-9 - half)
