"""Areas of the cells of a latitude/longitude grid on an ellipsoid (for grids that are not
equal-area: all cells of one row have the same area, rows shrink towards the poles)."""

from __future__ import annotations

import numpy as np


def _authalic_q(latitude: np.ndarray, eccentricity: float) -> np.ndarray:
    """Snyder's q(φ) (Map Projections, eq. 3-12): the area from the equator to φ is a²·q·Δλ/2."""
    sin_lat = np.sin(latitude)
    if eccentricity == 0.0:
        return 2.0 * sin_lat
    e_sin = eccentricity * sin_lat
    return (1.0 - eccentricity**2) * (
        sin_lat / (1.0 - e_sin**2) - np.log((1.0 - e_sin) / (1.0 + e_sin)) / (2.0 * eccentricity)
    )


def ellipsoidal_row_areas(
    latitude_edges: np.ndarray,
    longitude_width: float,
    semi_major: float,
    inverse_flattening: float,
) -> np.ndarray:
    """Area of one cell in each row of a geographic grid, exactly, on an ellipsoid.

    Parameters
    ----------
    latitude_edges
        (n_rows + 1,) latitudes of the row edges in degrees, in either direction.
    longitude_width
        Width of a cell in degrees of longitude.
    semi_major, inverse_flattening
        The ellipsoid (inverse flattening 0 for a sphere of radius ``semi_major``).

    Returns
    -------
    numpy.ndarray
        (n_rows,) cell areas in squared units of ``semi_major`` (m² for metres).
    """
    flattening = 1.0 / inverse_flattening if inverse_flattening else 0.0
    eccentricity = float(np.sqrt(flattening * (2.0 - flattening)))
    latitude = np.radians(np.clip(np.asarray(latitude_edges, dtype=np.float64), -90.0, 90.0))
    q = _authalic_q(latitude, eccentricity)
    return np.abs(np.diff(q)) * semi_major**2 * np.radians(abs(longitude_width)) / 2.0
