"""Coordinate arrays through QGIS's own transformations, in bulk.

PyQGIS offers no transform of numpy arrays, and one Python call per point is slow. A
line string holding all points is transformed in one C++ call instead, with exactly the
transformation (and datum handling) QGIS uses for the layers, so points, polygons and
rasters are placed consistently.
"""

import numpy as np
from qgis.core import (
    QgsCoordinateTransform,
    QgsCsException,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsWkbTypes,
)

_LINESTRING_HEADER = np.array([1], dtype=np.uint8).tobytes() + np.array([2], "<u4").tobytes()


def _transform_finite(x: np.ndarray, y: np.ndarray, transform: QgsCoordinateTransform):
    """Transform finite coordinates as one line string; (x, y) in the destination CRS."""
    count = x.size
    if count == 1:  # a line string needs two points
        x, y = np.repeat(x, 2), np.repeat(y, 2)
    wkb = (
        _LINESTRING_HEADER
        + np.array([x.size], "<u4").tobytes()
        + np.column_stack([x, y]).astype("<f8").tobytes()
    )
    line = QgsGeometry()
    line.fromWkb(wkb)
    line.transform(transform)
    xy = np.frombuffer(bytes(line.asWkb()), dtype="<f8", offset=9).reshape(-1, 2)[:count]
    return xy[:, 0].copy(), xy[:, 1].copy()


def plain_geometry(geometry: QgsGeometry) -> QgsGeometry:
    """A 2-D, straight-segment copy of a geometry (curves segmentized, Z and M dropped)."""
    copy = QgsGeometry(geometry)
    if QgsWkbTypes.isCurvedType(copy.wkbType()):
        copy = QgsGeometry(copy.constGet().segmentize())
    copy.get().dropZValue()
    copy.get().dropMValue()
    return copy


def transform_xy(x: np.ndarray, y: np.ndarray, transform: QgsCoordinateTransform):
    """Points transformed with a QGIS transform; NaN where a point is NaN or not transformable.

    Parameters
    ----------
    x, y
        float64 arrays in the source CRS of ``transform``.
    transform
        A QgsCoordinateTransform; an identity transform returns copies unchanged.

    Returns
    -------
    x, y
        float64 arrays in the destination CRS.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    out_x, out_y = np.full(x.shape, np.nan), np.full(y.shape, np.nan)
    finite = np.isfinite(x) & np.isfinite(y)
    if transform.isShortCircuited():
        out_x[finite], out_y[finite] = x[finite], y[finite]
        return out_x, out_y
    if not finite.any():
        return out_x, out_y
    try:
        out_x[finite], out_y[finite] = _transform_finite(x[finite], y[finite], transform)
    except QgsCsException:
        # Some point lies outside the projection's domain: transform one by one, keep NaN there.
        for i in np.flatnonzero(finite):
            try:
                point = transform.transform(QgsPointXY(x[i], y[i]))
            except QgsCsException:
                continue
            out_x[i], out_y[i] = point.x(), point.y()
    return out_x, out_y


def coordinate_sequences(geometry: QgsGeometry) -> list:
    """The vertex sequences of a 2-D geometry, read from its WKB: (kind, (k, 2) array) pairs.

    ``kind`` is ``"point"``, ``"line"`` (a line string) or ``"ring"`` (a polygon ring, closed).
    Collections of any depth are walked. Z and M must have been dropped.
    """
    wkb = bytes(geometry.asWkb())
    sequences = []

    def read(position: int) -> int:
        order = "<" if wkb[position] == 1 else ">"
        wkb_type, count = np.frombuffer(wkb, f"{order}u4", 2, position + 1)
        position += 5
        if wkb_type == 1:
            sequences.append(("point", np.frombuffer(wkb, f"{order}f8", 2, position).reshape(1, 2)))
            return position + 16
        position += 4
        if wkb_type == 2:
            sequences.append(("line", _points(wkb, order, count, position)))
            return position + 16 * int(count)
        if wkb_type == 3:
            for _ in range(int(count)):
                (n_points,) = np.frombuffer(wkb, f"{order}u4", 1, position)
                sequences.append(("ring", _points(wkb, order, n_points, position + 4)))
                position += 4 + 16 * int(n_points)
            return position
        if wkb_type in (4, 5, 6, 7):
            for _ in range(int(count)):
                position = read(position)
            return position
        raise ValueError(f"Unsupported WKB geometry type {wkb_type}: make the geometry 2-D")

    if wkb:
        read(0)
    return sequences


def _points(wkb: bytes, order: str, count, position: int) -> np.ndarray:
    return np.frombuffer(wkb, f"{order}f8", 2 * int(count), position).reshape(-1, 2)


def geometry_vertices(geometries) -> tuple:
    """All vertices of 2-D geometries as two float64 arrays (x, y)."""
    arrays = [vertices for geometry in geometries for _, vertices in coordinate_sequences(geometry)]
    if not arrays:
        return np.empty(0), np.empty(0)
    xy = np.concatenate(arrays)
    return xy[:, 0], xy[:, 1]


def rectangle_outline(rectangle, points_per_side: int = 64) -> tuple:
    """Points along the border of a QgsRectangle, to transform its extent faithfully."""
    t = np.linspace(0.0, 1.0, points_per_side)
    x_min, x_max = rectangle.xMinimum(), rectangle.xMaximum()
    y_min, y_max = rectangle.yMinimum(), rectangle.yMaximum()
    x = np.concatenate([x_min + t * (x_max - x_min), np.full(t.size, x_max)])
    y = np.concatenate([np.full(t.size, y_min), y_min + t * (y_max - y_min)])
    x = np.concatenate([x, x_max - t * (x_max - x_min), np.full(t.size, x_min)])
    y = np.concatenate([y, np.full(t.size, y_max), y_max - t * (y_max - y_min)])
    return x, y


def bounds_in(x, y, source_crs, target_crs, context) -> tuple:
    """(x_min, y_min, x_max, y_max) of points once transformed, ignoring failed points.

    Raises
    ------
    QgsProcessingException
        If no point can be transformed.
    """
    transform = QgsCoordinateTransform(source_crs, target_crs, context.transformContext())
    out_x, out_y = transform_xy(x, y, transform)
    finite = np.isfinite(out_x) & np.isfinite(out_y)
    if not finite.any():
        raise QgsProcessingException(
            f"The data cannot be transformed from {source_crs.authid() or source_crs.description()}"
            f" to {target_crs.authid() or target_crs.description()}. Check the layers' CRS."
        )
    return (
        float(out_x[finite].min()),
        float(out_y[finite].min()),
        float(out_x[finite].max()),
        float(out_y[finite].max()),
    )
