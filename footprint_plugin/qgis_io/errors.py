"""Errors at the QGIS boundary: the engine's typed errors as Processing errors, and CRS checks."""

from contextlib import contextmanager

from qgis.core import QgsCoordinateReferenceSystem, QgsProcessingException

from ..engine.errors import FootprintError


@contextmanager
def engine_errors():
    """Turn the engine's typed errors (bad input a user can fix) into Processing errors."""
    try:
        yield
    except FootprintError as error:
        raise QgsProcessingException(str(error)) from error


def crs_name(crs: QgsCoordinateReferenceSystem) -> str:
    """EPSG:4326 and the like, or the PROJ string of a CRS without an authority code."""
    return crs.authid() or crs.toProj() or crs.description()


def check_crs(crs: QgsCoordinateReferenceSystem, name: str) -> None:
    """Refuse a layer without a valid CRS."""
    if not crs.isValid():
        raise QgsProcessingException(
            f"{name} has no coordinate reference system (CRS), so it cannot be placed on the "
            "grid. Set its CRS (Layer Properties > Source, or 'Assign projection') and run again."
        )


CANCELLED = "Cancelled: no output was written."
