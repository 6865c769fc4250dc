"""Row areas of a latitude/longitude grid whose rows run past the poles."""

import numpy as np
import pytest

from footprint_plugin.engine.analysis.cell_areas import ellipsoidal_row_areas

RADIUS = 6_371_000.0


def zone_area(north, south, width):
    """Area of a spherical zone between two latitudes over ``width`` degrees of longitude."""
    return RADIUS**2 * np.radians(width) * (np.sin(np.radians(north)) - np.sin(np.radians(south)))


def test_rows_past_the_poles_end_at_the_pole():
    """A grid whose edges overshoot 90 degrees by half a degree (a grid from -90.5 to 90.5):
    the outermost rows hold only the land up to the pole."""
    areas = ellipsoidal_row_areas(np.array([90.5, 89.5, -89.5, -90.5]), 1.0, RADIUS, 0.0)
    polar_row = zone_area(90.0, 89.5, 1.0)
    assert areas[0] == pytest.approx(polar_row, rel=1e-9)
    assert areas[2] == pytest.approx(polar_row, rel=1e-9)
    assert areas[1] == pytest.approx(zone_area(89.5, -89.5, 1.0), rel=1e-12)
