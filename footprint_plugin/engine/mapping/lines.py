"""Line sources cut at the edges of grid cells, vectorized.

A line source (a road, a pipeline) emits along its length. Each segment is cut where it
crosses a vertical or horizontal cell edge; every resulting piece lies in one cell, found from
its midpoint with the grid's edge rule (so a piece running along an edge goes to exactly one
cell), and carries its length. Pieces off the grid keep their length too (their midpoint is
outside), so the lengths always add up to the line's length.
"""

from __future__ import annotations

import numpy as np

from .grid import GridSpec


def _crossings(start: np.ndarray, stop: np.ndarray, origin: float, step: float, sign: float):
    """Segment index and parameter t of every grid line strictly between segment ends."""
    first = (start - origin) * sign / step
    last = (stop - origin) * sign / step
    low = np.floor(np.minimum(first, last)) + 1
    high = np.ceil(np.maximum(first, last)) - 1
    count = np.maximum(high - low + 1, 0).astype(np.int64)
    segment = np.repeat(np.arange(start.size), count)
    line = low[segment] + (np.arange(segment.size) - np.repeat(np.cumsum(count) - count, count))
    position = origin + sign * line * step
    return segment, (position - start[segment]) / (stop - start)[segment]


def segments_by_cell(
    grid: GridSpec, x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cut segments (x0, y0)-(x1, y1) at the cell edges of a grid.

    Returns
    -------
    x, y
        Midpoint of each piece (use :meth:`GridSpec.cell_index` to find its cell).
    length
        Length of each piece; the pieces of a segment add up to its length.
    segment
        Index of the segment each piece comes from.
    """
    x0, y0, x1, y1 = (np.asarray(v, dtype=np.float64).ravel() for v in (x0, y0, x1, y1))
    n = x0.size
    vertical = _crossings(x0, x1, grid.x_min, grid.cell_size, 1.0)
    horizontal = _crossings(y0, y1, grid.y_max, grid.cell_size, -1.0)
    segment = np.concatenate([np.arange(n), np.arange(n), vertical[0], horizontal[0]])
    t = np.concatenate([np.zeros(n), np.ones(n), vertical[1], horizontal[1]])
    order = np.lexsort((t, segment))
    segment, t = segment[order], t[order]
    same = segment[1:] == segment[:-1]
    start_t, stop_t, piece_segment = t[:-1][same], t[1:][same], segment[1:][same]
    dx, dy = (x1 - x0)[piece_segment], (y1 - y0)[piece_segment]
    middle = (start_t + stop_t) / 2
    length = (stop_t - start_t) * np.hypot(dx, dy)
    keep = length > 0
    return (
        (x0[piece_segment] + middle * dx)[keep],
        (y0[piece_segment] + middle * dy)[keep],
        length[keep],
        piece_segment[keep],
    )
