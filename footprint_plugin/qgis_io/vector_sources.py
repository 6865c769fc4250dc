"""Emission sources read from a vector layer into the engine's :class:`Sources` arrays.

A source is one feature. Its location becomes one or more parts, each with a fraction of the
source's emission, a point in the grid's CRS and a producing region (from the region field, or
from the region polygons):

- a point is one part (a multipoint: one part per point, equal fractions), placed in a region
  after reading, for all points at once (:meth:`.regions.RegionSet.locate`);
- a line or polygon is cut by the regions and by the grid cells (QGIS geometry operations,
  one feature at a time); each piece is a part at its cell's centre, weighted by its length
  or area. What lies in no region or off the grid stays a part too, so nothing is lost.

Invalid lines and polygons (a self-intersecting ring, a line of one repeated point) are made
valid first (:func:`.geometry_repair.made_valid`: as given, and again if reprojecting twists
them), keeping only the parts of their own kind, and are then split by the repaired length or
area; the run says which ids were repaired. One that keeps no part of its kind (a polygon
without area becomes lines) is not guessed at: its emission goes under the reason "invalid
geometry". Processing's own invalid-geometry filter is bypassed, so none is skipped silently.

Reading the features is the only per-feature Python; single-point layers take a fast path.
"""

import gc
from array import array
from contextlib import contextmanager
from itertools import chain, islice

import numpy as np
from qgis.core import (
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeatureRequest,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingFeatureSource,
    QgsRectangle,
    QgsWkbTypes,
)

from ..engine.errors import preview
from ..engine.mapping.grid import GridSpec
from ..engine.mapping.lines import segments_by_cell
from ..engine.mapping.sources import NO_REGION, Sources, regions_from_field
from ..engine.sizes import FEATURES_PER_CHUNK
from .coordinates import coordinate_sequences, plain_geometry, transform_xy
from .geometry_repair import made_valid

TO_LOCATE = -2
"""Region position of a point part not yet placed in a region (while reading)."""

REMAINDER_TOLERANCE = 1e-9
"""Share below which the rest of a cut geometry (rounding) is not kept as a part."""

_NO_POINT = QgsPointXY(float("nan"), float("nan"))


class _UnrepairableError(Exception):
    """A feature's geometry is invalid and makeValid leaves no part of its kind."""


@contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector while millions of small objects are made.

    Reading a million features creates millions of wrappers and lists; generation scans
    triggered by their allocation would cost more than the reading itself.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _PartList:
    """Parts collected feature by feature (lines, polygons, multipoints), or of points."""

    def __init__(self):
        self.source, self.fraction, self.x, self.y = [], [], [], []
        self.region, self.located, self.invalid = [], [], []

    @classmethod
    def of_points(cls, x: np.ndarray, y: np.ndarray):
        """One whole part per point, to be placed in a region later (arrays, not lists)."""
        parts = cls()
        parts.x, parts.y = x, y
        parts.source = np.arange(x.size)
        parts.fraction = np.ones(x.size)
        parts.region = np.full(x.size, TO_LOCATE)
        parts.located = np.isfinite(x) & np.isfinite(y)
        parts.invalid = np.zeros(x.size, dtype=bool)
        return parts

    def add(self, source, fractions, xs, ys, regions, located=True, invalid=False):
        count = len(fractions)
        self.source.extend([source] * count)
        self.fraction.extend(fractions)
        self.x.extend(xs)
        self.y.extend(ys)
        self.region.extend(regions)
        self.located.extend([located] * count)
        self.invalid.extend([invalid] * count)


def _measure_of(geometry_type):
    """Size of a piece: length for lines, area for polygons."""
    if geometry_type == QgsWkbTypes.LineGeometry:
        return QgsGeometry.length
    return QgsGeometry.area


def split_by_cells(piece: QgsGeometry, grid: GridSpec, measure) -> list:
    """Cut a polygon by the grid's cells: (cell centre x, y, area) of each cut.

    Column strips are cut first, then cells within a strip, so each cut works on a small
    geometry. Parts of the piece off the grid are left out (the caller keeps the rest).
    """
    box = piece.boundingBox()
    cells = grid.cell_range(box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum())
    if cells is None:
        return []
    first_row, last_row, first_col, last_col = cells
    top = grid.cell_box(first_row, first_col)[3]
    bottom = grid.cell_box(last_row, first_col)[1]
    cuts = []
    for col in range(first_col, last_col + 1):
        left, _, right, _ = grid.cell_box(first_row, col)
        strip = piece.clipped(QgsRectangle(left, bottom, right, top))
        if strip.isEmpty():
            continue
        strip_box = strip.boundingBox()
        rows = grid.cell_range(left, strip_box.yMinimum(), left, strip_box.yMaximum())
        if rows is None:
            continue
        for row in range(max(rows[0], first_row), min(rows[1], last_row) + 1):
            x_min, y_min, x_max, y_max = grid.cell_box(row, col)
            amount = measure(strip.clipped(QgsRectangle(x_min, y_min, x_max, y_max)))
            if amount > 0:
                cuts.append(((x_min + x_max) / 2, (y_min + y_max) / 2, amount))
    return cuts


def line_cuts(line: QgsGeometry, grid: GridSpec) -> list:
    """Cut a 2-D line geometry at cell edges: (midpoint x, y, length) of each piece."""
    lines = [vertices for kind, vertices in coordinate_sequences(line) if kind == "line"]
    if not lines:
        return []
    starts = np.concatenate([vertices[:-1] for vertices in lines])
    stops = np.concatenate([vertices[1:] for vertices in lines])
    x, y, length, _ = segments_by_cell(grid, starts[:, 0], starts[:, 1], stops[:, 0], stops[:, 1])
    return list(zip(x.tolist(), y.tolist(), length.tolist()))


def _cut_feature(geometry, geometry_type, grid, regions) -> list:
    """Parts of a transformed line or polygon: (share, x, y, region position) tuples.

    What lies off the grid (x = y = NaN, or a point outside it) or outside every region
    (region -1) is a part too, so the shares add up to 1 (to rounding).
    """
    measure = _measure_of(geometry_type)
    whole = [(NO_REGION, geometry, 1.0)]
    pieces = whole if regions is None else regions.split(geometry, measure)
    in_regions = sum(share for _, _, share in pieces)
    parts = []
    if 1.0 - in_regions > REMAINDER_TOLERANCE:
        parts.append((1.0 - in_regions, np.nan, np.nan, NO_REGION))
    for region, piece, share in pieces:
        size = measure(piece)
        if not size > 0:
            continue
        if geometry_type == QgsWkbTypes.LineGeometry:
            cuts = line_cuts(piece, grid)  # lengths add up, off-grid pieces included
        else:
            cuts = split_by_cells(piece, grid, measure)
            off_grid = size - sum(cut[2] for cut in cuts)
            if off_grid > REMAINDER_TOLERANCE * size:
                cuts.append((np.nan, np.nan, off_grid))
        parts += [(share * amount / size, x, y, region) for x, y, amount in cuts]
    return parts


def _chunks(features, feedback, count):
    """Lazy chunks of features, with progress (0 to 100) and cancellation between chunks."""
    done = 0
    while not feedback.isCanceled():
        chunk = islice(features, FEATURES_PER_CHUNK)
        first = next(chunk, None)
        if first is None:
            return
        yield chain((first,), chunk)
        done += FEATURES_PER_CHUNK
        if count > 0:
            feedback.setProgress(100.0 * min(done / count, 1.0))


def read_vector_sources(
    source, field_names: list, grid: GridSpec, regions, target_crs, context, feedback
) -> Sources | None:
    """Read emission sources from a feature source; None if the run was cancelled.

    Parameters
    ----------
    source
        A QgsFeatureSource (points, lines or polygons).
    field_names
        [emission field, sector field, region field or None].
    grid
        The output grid (lines and polygons are cut by its cells).
    regions
        The RegionSet placing parts in regions, or None when the region field does.
    target_crs, context
        The grid's CRS and the Processing context (for the transform).
    feedback
        Processing feedback: progress 0 to 100 over the features, cancellation, and a
        warning naming the features whose invalid geometry was repaired.
    """
    emission_field, sector_field, region_field = field_names
    wanted = [name for name in (emission_field, sector_field, region_field) if name]
    indices = [source.fields().lookupField(name) for name in wanted]
    request = QgsFeatureRequest().setSubsetOfAttributes(indices)
    transform = QgsCoordinateTransform(source.sourceCrs(), target_crs, context.transformContext())
    # invalid geometries are repaired or reported here, whatever Processing's filter says
    features = iter(
        source.getFeatures(request, QgsProcessingFeatureSource.FlagSkipGeometryValidityChecks)
    )
    chunks = _chunks(features, feedback, source.featureCount())
    single_points = QgsWkbTypes.flatType(source.wkbType()) == QgsWkbTypes.Point
    with gc_paused():
        if single_points:
            ids, rows, parts = _read_points(chunks, transform)
            repaired = []
        else:
            ids, rows, parts, repaired = _read_shapes(chunks, transform, grid, regions)
        columns = [[row[index] for row in rows] for index in indices]
        del rows
    if feedback.isCanceled():
        return None
    if repaired:
        feedback.pushWarning(
            f"{len(repaired):,} source feature(s) had an invalid geometry (ids "
            f"{preview(repaired)}), repaired with makeValid: their emissions are split by the "
            "repaired areas or lengths. Check them (Vector > Geometry Tools > Check Validity) "
            "if the map looks wrong there."
        )
    part_source = np.asarray(parts.source, dtype=np.int64)
    part_x = np.asarray(parts.x, dtype=np.float64)
    part_y = np.asarray(parts.y, dtype=np.float64)
    part_located = np.asarray(parts.located, dtype=bool)
    if region_field:
        part_region, region_codes = regions_from_field(columns[2], part_source)
    else:
        part_region = np.asarray(parts.region, dtype=np.int64)
        to_locate = (part_region == TO_LOCATE) & part_located
        part_region[to_locate] = regions.locate(part_x[to_locate], part_y[to_locate])
        part_region[part_region < 0] = NO_REGION
        region_codes = regions.codes
    return Sources(
        source_id=np.asarray(ids, dtype=np.int64),
        emission=columns[0],
        sector=columns[1],
        part_source=part_source,
        part_fraction=np.asarray(parts.fraction, dtype=np.float64),
        part_x=part_x,
        part_y=part_y,
        part_region=part_region,
        region_codes=region_codes,
        part_located=part_located,
        part_invalid_geometry=np.asarray(parts.invalid, dtype=bool),
    )


def _read_points(chunks, transform):
    """Ids, attribute rows and parts of a single-point layer (the fast path)."""
    ids, xs, ys, rows = array("q"), array("d"), array("d"), []
    for chunk in chunks:
        for feature in chunk:
            try:
                point = feature.geometry().asPoint()
            except (ValueError, TypeError):  # null geometry
                point = _NO_POINT
            xs.append(point.x())
            ys.append(point.y())
            rows.append(feature.attributes())
            ids.append(feature.id())
    x, y = transform_xy(np.frombuffer(xs), np.frombuffer(ys), transform)
    return np.frombuffer(ids, dtype=np.int64), rows, _PartList.of_points(x, y)


def _read_shapes(chunks, transform, grid, regions):
    """Ids, attribute rows and parts of a layer of lines, polygons or multipoints, and the ids
    of the features whose invalid geometry was repaired."""
    ids, rows, parts, repaired = [], [], _PartList(), []
    for chunk in chunks:
        for feature in chunk:
            source = len(ids)
            ids.append(feature.id())
            rows.append(feature.attributes())
            try:
                found, was_invalid = _feature_parts(feature.geometry(), transform, grid, regions)
            except _UnrepairableError:
                parts.add(
                    source, [1.0], [np.nan], [np.nan], [NO_REGION], located=False, invalid=True
                )
                continue
            if was_invalid:
                repaired.append(feature.id())
            if found is None:
                parts.add(source, [1.0], [np.nan], [np.nan], [NO_REGION], located=False)
            else:
                parts.add(source, *found)
    return ids, rows, parts, repaired


def _valid(geometry):
    """(geometry, was_invalid): an invalid line or polygon made valid (see the module's notes).

    Raises
    ------
    _UnrepairableError
        If makeValid leaves no part of the geometry's kind.
    """
    geometry, was_invalid = made_valid(geometry)
    if was_invalid and geometry.isEmpty():
        raise _UnrepairableError
    return geometry, was_invalid


def _feature_parts(geometry, transform, grid, regions):
    """((shares, xs, ys, regions) of one feature's parts, whether its geometry was repaired).

    The parts are None without a usable geometry (null, empty, or not transformable to the
    grid's or the regions' CRS). Raises _UnrepairableError for an invalid geometry that
    cannot be repaired.
    """
    if geometry.isEmpty():
        return None, False
    try:
        geometry, invalid_as_given = _valid(plain_geometry(geometry))
        geometry.transform(transform)
        geometry, invalid_when_moved = _valid(geometry)  # reprojecting can twist a sliver
        was_invalid = invalid_as_given or invalid_when_moved
        geometry_type = geometry.type()
        if geometry_type == QgsWkbTypes.PointGeometry:
            points = list(geometry.vertices())
            share = 1.0 / len(points)
            parts = (
                [share] * len(points),
                [point.x() for point in points],
                [point.y() for point in points],
                [TO_LOCATE] * len(points),
            )
            return parts, was_invalid
        cut = _cut_feature(geometry, geometry_type, grid, regions)
    except QgsCsException:
        return None, False
    total = sum(part[0] for part in cut)
    if not total > 0:  # zero length or area: a point at its centroid
        centre = geometry.centroid().asPoint()
        return ([1.0], [centre.x()], [centre.y()], [TO_LOCATE]), was_invalid
    shares, xs, ys, region_of_part = zip(*cut)
    return ([share / total for share in shares], xs, ys, region_of_part), was_invalid
