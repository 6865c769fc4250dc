"""Equal-area projections for footprint grids: an Albers conic fitted to an extent, and a check.

Hotspot statistics compare cells by area ("1% of the land holds 75% of the footprint"), so the
grid must be in an equal-area projection. An Albers equal-area conic with standard parallels at
1/6 and 5/6 of the latitude range (the classic rule of thumb, Deetz and Adams) keeps scale
distortion small over a country-sized extent.
"""

from __future__ import annotations

import math
import re

#: PROJ projection names (``+proj=``) that preserve area.
EQUAL_AREA_PROJECTIONS = frozenset(
    {
        "aea",  # Albers equal-area conic
        "bonne",
        "cea",  # cylindrical equal-area (EASE-Grid 2.0 global, ...)
        "eck2",
        "eck4",
        "eck6",
        "eqearth",
        "goode",
        "hammer",
        "healpix",
        "igh",
        "isea",
        "laea",  # Lambert azimuthal equal-area (ETRS89-LAEA, EASE north/south, ...)
        "leac",
        "mbtfps",
        "moll",
        "rhealpix",
        "sinu",
        "tcea",
        "wag4",
        "wag5",
        "wag7",
    }
)

_PROJ_NAME = re.compile(r"\+proj=(\S+)")


def fitted_albers(lon_min: float, lat_min: float, lon_max: float, lat_max: float) -> str:
    """PROJ string of an Albers equal-area conic fitted to a geographic extent (degrees, WGS 84).

    Standard parallels at 1/6 and 5/6 of the latitude range, central meridian and latitude of
    origin at the centre of the extent, metres. An extent centred on the equator (where the two
    parallels would cancel and the cone degenerates) gets a Lambert azimuthal equal-area
    projection centred on it instead.
    """
    values = (lon_min, lat_min, lon_max, lat_max)
    if not all(math.isfinite(value) for value in values) or lon_max < lon_min or lat_max < lat_min:
        raise ValueError(f"Not a geographic extent (lon_min, lat_min, lon_max, lat_max): {values}")
    span = lat_max - lat_min
    parallel_1 = lat_min + span / 6.0
    parallel_2 = lat_max - span / 6.0
    lon_0 = (lon_min + lon_max) / 2.0
    lat_0 = (lat_min + lat_max) / 2.0
    if abs(parallel_1 + parallel_2) < 1.0:
        return f"+proj=laea +lat_0={lat_0:.4f} +lon_0={lon_0:.4f} +datum=WGS84 +units=m +no_defs"
    return (
        f"+proj=aea +lat_0={lat_0:.4f} +lon_0={lon_0:.4f} +lat_1={parallel_1:.4f} "
        f"+lat_2={parallel_2:.4f} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
    )


def is_equal_area(proj_string: str) -> bool:
    """Whether a PROJ string (``+proj=... ``) describes an equal-area projection."""
    match = _PROJ_NAME.search(proj_string or "")
    return bool(match) and match.group(1).lower() in EQUAL_AREA_PROJECTIONS
