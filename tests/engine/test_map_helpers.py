"""Small engine pieces of the footprint map: projection, classes, sub-cells, cell ranges."""

import math

import numpy as np
import pytest

from footprint_plugin.engine.analysis.classification import round_significant, skewed_class_breaks
from footprint_plugin.engine.mapping.grid import GridSpec
from footprint_plugin.engine.mapping.projection import fitted_albers, is_equal_area
from footprint_plugin.engine.mapping.raster_cells import automatic_subdivision, subcell_centres


def test_fitted_albers_parallels_at_one_and_five_sixths():
    proj = fitted_albers(73.5, 18.0, 135.0, 54.0)
    assert "+proj=aea" in proj
    assert "+lat_1=24.0000" in proj and "+lat_2=48.0000" in proj
    assert "+lon_0=104.2500" in proj and "+lat_0=36.0000" in proj
    assert fitted_albers(-10, -30, 10, 30).startswith("+proj=laea")  # centred on the equator
    with pytest.raises(ValueError):
        fitted_albers(10, 0, 0, 1)


@pytest.mark.parametrize(
    ("proj", "equal_area"),
    [
        ("+proj=aea +lat_1=24 +lat_2=48", True),
        ("+proj=laea +lat_0=52 +lon_0=10", True),
        ("+proj=cea +lat_ts=30", True),
        ("+proj=merc +a=6378137", False),
        ("+proj=utm +zone=50", False),
        ("+proj=longlat +datum=WGS84", False),
        ("", False),
    ],
)
def test_is_equal_area(proj, equal_area):
    assert is_equal_area(proj) is equal_area


def test_skewed_breaks_increase_and_cover_the_maximum():
    rng = np.random.default_rng(0)
    values = np.concatenate([np.zeros(1000), rng.lognormal(3, 2, 5000), [np.nan, -1]])
    breaks = skewed_class_breaks(values)
    assert np.all(np.diff(breaks) > 0)
    assert breaks[-1] >= np.nanmax(values)
    assert 4 <= len(breaks) <= 6
    assert skewed_class_breaks(np.zeros(3)).tolist() == [1.0]
    assert skewed_class_breaks(np.array([5.0, 5.0])).tolist() == [5.0]
    assert round_significant(123456.0) == 120000.0 and round_significant(0.0) == 0.0


def test_subcells_are_centred_in_their_cell():
    x, y = subcell_centres((10.0, 2.0, 0.0, 50.0, 0.0, -2.0), np.array([1]), np.array([3]), 2)
    assert x.tolist() == [16.5, 17.5, 16.5, 17.5]
    assert y.tolist() == [47.5, 47.5, 46.5, 46.5]
    with pytest.raises(ValueError, match="Rotated"):
        subcell_centres((0, 1, 0.1, 0, 0, -1), np.array([0]), np.array([0]), 1)


def test_automatic_subdivision():
    assert automatic_subdivision(11_000.0, 10_000.0) == 3
    assert automatic_subdivision(1_000.0, 10_000.0) == 1
    assert automatic_subdivision(11_000.0, 1_000.0) == 8
    assert automatic_subdivision(math.nan, 1.0) == 1


def test_cell_range_of_boxes():
    grid = GridSpec("x", x_min=0.0, y_max=30.0, cell_size=10.0, n_cols=4, n_rows=3)
    assert grid.cell_range(5.0, 5.0, 15.0, 25.0) == (0, 2, 0, 1)
    assert grid.cell_range(-50.0, -50.0, 500.0, 500.0) == (0, 2, 0, 3)
    assert grid.cell_range(10.0, 10.0, 10.0, 10.0) == (2, 2, 1, 1)  # edges: east and south
    assert grid.cell_range(41.0, 0.0, 50.0, 5.0) is None
    assert grid.cell_box(1, 2) == (20.0, 10.0, 30.0, 20.0)


def test_fitted_albers_of_a_point_or_a_line_of_latitude():
    """A one-point extent (or one with no width or no height) is still an extent: the
    projection is centred on it, with both standard parallels at its latitude."""
    proj = fitted_albers(100.0, 30.0, 100.0, 30.0)
    assert "+proj=aea" in proj and "+lon_0=100.0000" in proj
    assert "+lat_1=30.0000" in proj and "+lat_2=30.0000" in proj
    assert "+lat_0=30.0000" in fitted_albers(90.0, 30.0, 110.0, 30.0)
    assert "+lon_0=100.0000" in fitted_albers(100.0, 20.0, 100.0, 40.0)


@pytest.mark.parametrize(
    ("lat_min", "lat_max", "proj"),
    [(-10.0, 11.0, "aea"), (-10.0, 11.5, "aea"), (-10.0, 10.5, "laea"), (-10.0, 10.0, "laea")],
)
def test_fitted_albers_switches_to_laea_within_half_a_degree_of_the_equator(lat_min, lat_max, proj):
    """The parallels at 1/6 and 5/6 sum to lat_min + lat_max; the cone degenerates as that
    sum nears 0, so the centre is Lambert azimuthal below 1 degree (strictly), Albers from 1."""
    assert fitted_albers(0.0, lat_min, 10.0, lat_max).startswith(f"+proj={proj} ")


def test_a_subdivision_of_one_is_the_cell_centre():
    """k = 1 is one sub-cell: the cell itself, at its centre."""
    x, y = subcell_centres((10.0, 2.0, 0.0, 50.0, 0.0, -2.0), np.array([1, 0]), np.array([3, 0]), 1)
    assert x.tolist() == [17.0, 11.0]
    assert y.tolist() == [47.0, 49.0]
    with pytest.raises(ValueError, match="at least 1"):
        subcell_centres((10.0, 2.0, 0.0, 50.0, 0.0, -2.0), np.array([1]), np.array([3]), 0)


def test_automatic_subdivision_rounds_up_from_just_over_half_a_target_cell():
    """Sub-cells 0.75 / k of a target cell wide are at most half of it only from k = 2; a
    source cell of exactly half a target cell needs no subdivision, one of a whole cell k = 2."""
    assert automatic_subdivision(750.0, 1000.0) == 2
    assert automatic_subdivision(500.0, 1000.0) == 1
    assert automatic_subdivision(1000.0, 1000.0) == 2
