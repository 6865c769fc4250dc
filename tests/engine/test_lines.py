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


def crossings(start, stop, lines, tolerance):
    """Parameters t in (0, 1) where a segment's coordinate from ``start`` to ``stop`` crosses
    one of the grid ``lines``, its ends more than ``tolerance`` away on either side (closer,
    rounding may keep the segment whole, within the tolerance of one cell)."""
    low, high = min(start, stop), max(start, stop)
    return [
        (line - start) / (stop - start)
        for line in lines
        if low < line - tolerance and line + tolerance < high
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(coordinate, coordinate, coordinate, coordinate), min_size=1, max_size=5))
def test_lengths_add_up_and_every_piece_is_in_one_cell(segments):
    x0, y0, x1, y1 = (np.array(values) for values in zip(*segments))
    x, y, length, segment = segments_by_cell(GRID, x0, y0, x1, y1)
    expected = np.hypot(x1 - x0, y1 - y0)
    np.testing.assert_allclose(np.bincount(segment, length, len(segments)), expected, atol=1e-9)

    # Each piece runs along its segment; its two ends, midpoint -/+ half its length along the
    # segment's direction, lie in the closed rectangle of one cell of the grid's lattice
    # (extended beyond the grid), the cell holding its midpoint, found here by flooring.
    size = GRID.cell_size
    direction_x = (x1 - x0)[segment] / expected[segment]
    direction_y = (y1 - y0)[segment] / expected[segment]
    col = np.floor((x - GRID.x_min) / size)
    row = np.floor((GRID.y_max - y) / size)
    west, north = GRID.x_min + col * size, GRID.y_max - row * size
    tolerance = 1e-9
    for sign in (-1.0, 1.0):
        end_x = x + sign * length / 2 * direction_x
        end_y = y + sign * length / 2 * direction_y
        assert np.all(end_x >= west - tolerance) and np.all(end_x <= west + size + tolerance)
        assert np.all(end_y <= north + tolerance) and np.all(end_y >= north - size - tolerance)
    # On the grid, that is the cell the grid's own rule gives the midpoint.
    rows, cols, inside = GRID.cell_index(x, y)
    on_edge = (np.abs(x - np.round(x)) < tolerance) | (np.abs(y - np.round(y)) < tolerance)
    np.testing.assert_array_equal(cols[inside & ~on_edge], col[inside & ~on_edge])
    np.testing.assert_array_equal(rows[inside & ~on_edge], row[inside & ~on_edge])

    # A segment crossing k cell edges (k distinct cut points, counted here from the grid
    # lines its ends lie between) is cut into at least k + 1 pieces.
    vertical = GRID.x_min + size * np.arange(-10, 30)
    horizontal = GRID.y_max - size * np.arange(-10, 30)
    pieces = np.bincount(segment, minlength=len(segments))
    for index, (a_x, a_y, b_x, b_y) in enumerate(segments):
        if expected[index] == 0:
            assert pieces[index] == 0
            continue
        cuts = crossings(a_x, b_x, vertical, tolerance) + crossings(a_y, b_y, horizontal, tolerance)
        # cuts within rounding (1e-9 along the segment) of each other may give no piece
        # between them, as at a corner of four cells
        along = np.sort(cuts) * expected[index]
        distinct = 1 + int(np.count_nonzero(np.diff(along) > tolerance)) if along.size else 0
        assert pieces[index] >= distinct + 1, (index, cuts)


def test_segments_are_cut_at_the_edges_of_cells_larger_than_one_unit():
    """With 2.5 m cells (x_min 0, y_max 10), a horizontal segment from x = 0.5 to 6.5 is cut at
    x = 2.5 and 5 (pieces of 2, 2.5 and 1.5 m); a vertical one from y = 9 down to 1 at y = 7.5,
    5 and 2.5 (1.5, 2.5, 2.5 and 1.5 m)."""
    grid = GridSpec("x", x_min=0.0, y_max=10.0, cell_size=2.5, n_cols=4, n_rows=4)
    x, y, length, segment = segments_by_cell(grid, [0.5, 1.0], [0.5, 9.0], [6.5, 1.0], [0.5, 1.0])
    assert segment.tolist() == [0, 0, 0, 1, 1, 1, 1]
    np.testing.assert_allclose(length, [2.0, 2.5, 1.5, 1.5, 2.5, 2.5, 1.5])
    np.testing.assert_allclose(x[:3], [1.5, 3.75, 5.75])
    np.testing.assert_allclose(y[3:], [8.25, 6.25, 3.75, 1.75])
    rows, cols, _ = grid.cell_index(x, y)
    assert cols.tolist() == [0, 1, 2, 0, 0, 0, 0]
    assert rows.tolist() == [3, 3, 3, 0, 1, 2, 3]
