"""Invalid lines and polygons made valid, keeping only the parts of their own kind.

One rule for every layer the plugin cuts or sums over (inventory features, regions, zones):
a geometry GEOS finds invalid (a self-intersecting ring, a ring or line without extent) is
repaired with ``QgsGeometry.makeValid``, which may return a collection with parts of a lower
dimension (a bow tie becomes two triangles, a polygon without area a line); only the parts of
the geometry's own kind are kept. Valid geometries (nearly all) cost one validity check.
"""

from qgis.core import QgsGeometry, QgsWkbTypes

LINES_AND_POLYGONS = (QgsWkbTypes.LineGeometry, QgsWkbTypes.PolygonGeometry)
POLYGONS = (QgsWkbTypes.PolygonGeometry,)


def made_valid(geometry: QgsGeometry, kinds=LINES_AND_POLYGONS) -> tuple[QgsGeometry, bool]:
    """(geometry made valid, True) if it is an invalid line or polygon, else (geometry, False).

    Parameters
    ----------
    geometry
        A non-empty geometry.
    kinds
        The geometry types (``QgsWkbTypes.GeometryType``) to check; others are returned as
        they are.

    Returns
    -------
    tuple
        The repaired geometry holds only the parts of the geometry's own kind: an empty
        QgsGeometry if makeValid fails or leaves none (a polygon collapsed to lines, a line
        to a point).
    """
    kind = geometry.type()
    if kind not in kinds or geometry.isGeosValid():
        return geometry, False
    return parts_of_kind(geometry.makeValid(), kind), True


def parts_of_kind(geometry: QgsGeometry, kind) -> QgsGeometry:
    """The parts of a geometry of one kind (``QgsWkbTypes.GeometryType``), such as the
    polygons of an overlay's collection; an empty QgsGeometry if there are none."""
    if geometry.isNull() or geometry.isEmpty():
        return QgsGeometry()
    if geometry.type() == kind:
        return geometry
    parts = [part for part in geometry.asGeometryCollection() if part.type() == kind]
    return QgsGeometry.collectGeometry(parts) if parts else QgsGeometry()
