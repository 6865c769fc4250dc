"""The grid's CRS: the user's choice, checked, or an Albers equal-area conic fitted to the data."""

from qgis.core import QgsCoordinateReferenceSystem, QgsProcessingException

from ..engine.mapping.projection import fitted_albers, is_equal_area
from .coordinates import bounds_in

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")


def grid_crs(target, vertices, vertex_crs, context, feedback) -> QgsCoordinateReferenceSystem:
    """``target`` (TARGET_CRS) if valid, refused if geographic and warned about if not
    equal-area; else an Albers conic fitted to the extent of ``vertices`` (x, y arrays in
    ``vertex_crs``)."""
    if target.isValid():
        if target.isGeographic():
            raise QgsProcessingException(
                f"TARGET_CRS {target.authid() or target.description()} is geographic "
                "(degrees): cells would not have equal areas. Choose a projected, "
                "equal-area CRS, or leave TARGET_CRS empty for a fitted Albers projection."
            )
        if not is_equal_area(target.toProj()):
            feedback.pushWarning(
                f"TARGET_CRS {target.authid() or target.description()} is not an "
                "equal-area projection: cells differ in area, so comparing cells (hotspot "
                "statistics) is biased. Leave TARGET_CRS empty for a fitted Albers "
                "equal-area projection."
            )
        return target
    bounds = bounds_in(*vertices, vertex_crs, WGS84, context)
    target = QgsCoordinateReferenceSystem.fromProj(fitted_albers(*bounds))
    feedback.pushInfo(f"Grid CRS: {target.toProj()}")
    return target
