"""Producing regions as polygons: which region holds a point or a piece of a line or polygon.

Everything is tested in the regions' own CRS, where their edges are defined. Points are placed
by containment, vectorized: each region's rings become a matplotlib Path (matplotlib ships
with QGIS) and ``contains_points`` tests all candidate points of the region at once. A point
on a border between regions may be reported inside both or neither; such points (and points
within a tolerance of a border) are settled one by one with QGIS geometry: the first region,
in layer order, within the tolerance gets the point. So every point is counted once, and one
on an outer border is not lost. Lines and polygons are cut by the regions with QGIS geometry
operations, one feature at a time. Invalid region polygons (a self-intersecting ring) are
made valid when read (:func:`.geometry_repair.made_valid`), as GEOS cannot cut by them.
"""

import numpy as np
from matplotlib.path import Path as MplPath
from osgeo import gdal, ogr, osr
from qgis.core import (
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeatureRequest,
    QgsGeometry,
    QgsPoint,
    QgsProcessingException,
    QgsProcessingFeatureSource,
)
from qgis.PyQt.QtCore import QVariant

from ..engine.errors import preview
from ..engine.mapping.grid import GridSpec
from ..engine.mapping.sources import NO_REGION
from .coordinates import coordinate_sequences, plain_geometry, transform_xy
from .geometry_repair import POLYGONS, made_valid, parts_of_kind

RELATIVE_TOLERANCE = 1e-9
"""Border tolerance, relative to the size of the regions' extent (5 mm for China in metres)."""


def rings_path(rings: list[np.ndarray]) -> MplPath:
    """A compound matplotlib Path of closed rings (even-odd containment handles holes)."""
    codes = []
    for ring in rings:
        ring_codes = np.full(len(ring), MplPath.LINETO, dtype=MplPath.code_type)
        ring_codes[0] = MplPath.MOVETO
        ring_codes[-1] = MplPath.CLOSEPOLY
        codes.append(ring_codes)
    return MplPath(np.concatenate(rings), np.concatenate(codes))


def read_region_features(source, code_field: str, feedback) -> tuple[list, list]:
    """Codes and 2-D polygons (in the layer's CRS) of the region layer's features.

    Invalid polygons are made valid (an info message names their codes). Features without a
    code or a geometry, or whose geometry keeps no area once made valid, are left out, with a
    warning.

    Raises
    ------
    QgsProcessingException
        If no feature has both a code and a polygon.
    """
    request = QgsFeatureRequest().setSubsetOfAttributes([code_field], source.fields())
    codes, geometries, skipped, repaired, unrepairable = [], [], 0, [], []
    flags = QgsProcessingFeatureSource.FlagSkipGeometryValidityChecks  # repaired here instead
    for feature in source.getFeatures(request, flags):
        code = feature[code_field]
        geometry = feature.geometry()
        if isinstance(code, QVariant) or not str(code).strip() or geometry.isEmpty():
            skipped += 1
            continue
        code = str(code).strip()
        geometry, was_invalid = made_valid(plain_geometry(geometry), POLYGONS)
        if was_invalid and geometry.isEmpty():
            unrepairable.append(code)
            continue
        if was_invalid:
            repaired.append(code)
        codes.append(code)
        geometries.append(geometry)
    if skipped:
        feedback.pushWarning(
            f"REGIONS: {skipped} feature(s) without a code in {code_field!r} or without a "
            "geometry were left out; sources there count as outside every region."
        )
    if repaired:
        feedback.pushInfo(
            f"REGIONS: the invalid polygons of {len(repaired)} region(s) were repaired with "
            f"makeValid: {preview(repaired)}."
        )
    if unrepairable:
        feedback.pushWarning(
            f"REGIONS: the invalid polygons of {len(unrepairable)} region(s) keep no area once "
            f"repaired and were left out: {preview(unrepairable)}; sources there count as "
            "outside every region. Fix them (Vector > Geometry Tools > Fix Geometries)."
        )
    if not geometries:
        raise QgsProcessingException(
            f"REGIONS has no polygon with a region code in {code_field!r}; give a polygon "
            "layer of the producing regions and the field holding their MRIO region codes."
        )
    return codes, geometries


class RegionSet:
    """Region polygons (one per feature) with their codes, tested in the regions' own CRS.

    Containment and cutting happen in the CRS the region layer defines its polygons in (so a
    source near a border lands where a spatial join in that layer would put it); the grid's
    coordinates are transformed to it and the pieces back.

    Attributes
    ----------
    codes
        Region code of each feature.
    geometries
        Polygon of each feature, 2-D, in the regions' CRS.
    grid_geometries
        The same polygons in the grid's CRS.
    tolerance
        Distance (regions' CRS units) within which a point counts as on a border.
    """

    def __init__(self, codes, geometries, region_crs, grid_crs, context):
        """Prepare the regions; raise QgsProcessingException if one cannot be transformed."""
        self.codes = list(codes)
        self.geometries = list(geometries)
        transforms = context.transformContext()
        self.to_regions = QgsCoordinateTransform(grid_crs, region_crs, transforms)
        self.to_grid = QgsCoordinateTransform(region_crs, grid_crs, transforms)
        self.grid_geometries = []
        for code, geometry in zip(self.codes, self.geometries):
            moved = QgsGeometry(geometry)
            try:
                moved.transform(self.to_grid)
            except QgsCsException as error:
                raise QgsProcessingException(
                    f"The region {code!r} cannot be transformed to the grid's CRS "
                    f"{grid_crs.authid() or grid_crs.description()} ({error}). Choose a "
                    "TARGET_CRS that covers the regions."
                ) from error
            self.grid_geometries.append(moved)
        self.paths = [
            rings_path([ring for _, ring in coordinate_sequences(geometry)])
            for geometry in self.geometries
        ]
        self.bounds = _bounds(self.geometries)
        x_min, y_min = self.bounds[:, :2].min(axis=0)
        x_max, y_max = self.bounds[:, 2:].max(axis=0)
        self.tolerance = RELATIVE_TOLERANCE * max(x_max - x_min, y_max - y_min, 1e-300)
        self.engines = []
        for geometry in self.geometries:
            engine = QgsGeometry.createGeometryEngine(geometry.constGet())
            engine.prepareGeometry()
            self.engines.append(engine)

    @property
    def grid_extent(self) -> tuple[float, float, float, float]:
        """(x_min, y_min, x_max, y_max) of all regions in the grid's CRS."""
        bounds = _bounds(self.grid_geometries)
        return (*bounds[:, :2].min(axis=0).tolist(), *bounds[:, 2:].max(axis=0).tolist())

    def locate(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Region (feature position) holding each point, NO_REGION (-1) for none; each point
        gets one.

        Parameters
        ----------
        x, y
            float64 coordinates in the grid's CRS (NaN for no point).
        """
        x, y = transform_xy(x, y, self.to_regions)
        region = np.full(x.size, NO_REGION, dtype=np.int64)
        count = np.zeros(x.size, dtype=np.int64)
        order = np.argsort(x, kind="stable")
        sorted_x = x[order]
        candidates = []
        for position, path in enumerate(self.paths):
            inside_box = self._in_box(position, order, sorted_x, y)
            candidates.append(inside_box)
            hit = inside_box[path.contains_points(np.column_stack([x[inside_box], y[inside_box]]))]
            count[hit] += 1
            region[hit[region[hit] < 0]] = position
        ambiguous = count > 1
        for position, path in enumerate(self.paths):
            unsure = candidates[position][count[candidates[position]] == 0]
            if unsure.size:
                points = np.column_stack([x[unsure], y[unsure]])
                near = path.contains_points(points, radius=self.tolerance)
                near |= path.contains_points(points, radius=-self.tolerance)
                ambiguous[unsure[near]] = True
        for i in np.flatnonzero(ambiguous):
            region[i] = self._first_within_tolerance(x[i], y[i])
        return region

    def _in_box(self, position, order, sorted_x, y) -> np.ndarray:
        """Indices of points within the region's bounding box grown by the tolerance."""
        x_min, y_min, x_max, y_max = self.bounds[position]
        pad = self.tolerance
        lo = np.searchsorted(sorted_x, x_min - pad, side="left")
        hi = np.searchsorted(sorted_x, x_max + pad, side="right")
        chosen = order[lo:hi]
        return chosen[(y[chosen] >= y_min - pad) & (y[chosen] <= y_max + pad)]

    def _first_within_tolerance(self, x: float, y: float) -> int:
        """First region (layer order) within the tolerance of a point, NO_REGION if none."""
        point = QgsPoint(x, y)
        for position in self._near(x, y, x, y, self.tolerance):
            if self.engines[position].distance(point) <= self.tolerance:
                return int(position)
        return NO_REGION

    def _near(self, x_min, y_min, x_max, y_max, pad=0.0) -> np.ndarray:
        """Positions of the regions whose bounding box meets a box (grown by ``pad``)."""
        return np.flatnonzero(
            (self.bounds[:, 0] - pad <= x_max)
            & (x_min <= self.bounds[:, 2] + pad)
            & (self.bounds[:, 1] - pad <= y_max)
            & (y_min <= self.bounds[:, 3] + pad)
        )

    def split(self, geometry: QgsGeometry, measure) -> list:
        """Pieces of a line or polygon (grid CRS) by region: (position, piece, share).

        The geometry is cut in the regions' CRS; ``share`` is the piece's part of the
        geometry's ``measure`` (length or area) there, and the piece is returned in the
        grid's CRS, with only the parts of the geometry's kind (an overlay can add points or
        lines), made valid if reprojecting twisted it. Shares add up to the part of the
        geometry inside the regions (more than 1 only where regions overlap). Raises
        QgsCsException if the geometry cannot be transformed to the regions' CRS.
        """
        kind = geometry.type()
        local = QgsGeometry(geometry)
        local.transform(self.to_regions)
        local_size = measure(local)
        if not local_size > 0:
            return []
        box = local.boundingBox()
        shape = local.constGet()
        pieces = []
        for position in self._near(box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()):
            engine = self.engines[position]
            if engine.contains(shape):
                return [(int(position), geometry, 1.0)]
            if engine.intersects(shape):
                piece = local.intersection(self.geometries[position])
                share = measure(piece) / local_size
                if share > 0:
                    piece.transform(self.to_grid)
                    # a sliver along a border can cross itself once reprojected: made valid
                    piece, _ = made_valid(parts_of_kind(piece, kind))
                    pieces.append((int(position), piece, share))
        return pieces

    def territory(self, grid: GridSpec) -> np.ndarray:
        """Cells of the grid whose centre lies in a region (bool, grid shape), by GDAL."""
        spatial_reference = osr.SpatialReference()
        spatial_reference.ImportFromWkt(grid.crs_wkt)
        vector = ogr.GetDriverByName("Memory").CreateDataSource("regions")
        layer = vector.CreateLayer("regions", spatial_reference, ogr.wkbMultiPolygon)
        for geometry in self.grid_geometries:
            feature = ogr.Feature(layer.GetLayerDefn())
            feature.SetGeometry(ogr.CreateGeometryFromWkb(bytes(geometry.asWkb())))
            layer.CreateFeature(feature)
        raster = gdal.GetDriverByName("MEM").Create("", grid.n_cols, grid.n_rows, 1, gdal.GDT_Byte)
        raster.SetGeoTransform(grid.geotransform)
        raster.SetProjection(grid.crs_wkt)
        gdal.RasterizeLayer(raster, [1], layer, burn_values=[1])
        return raster.GetRasterBand(1).ReadAsArray().astype(bool)


def _bounds(geometries) -> np.ndarray:
    """(n, 4) array of the geometries' (x_min, y_min, x_max, y_max)."""
    boxes = [geometry.boundingBox() for geometry in geometries]
    return np.array(
        [(box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()) for box in boxes]
    ).reshape(-1, 4)
