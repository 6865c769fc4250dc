"""Concentration curve and hotspot set: known answers, ties, the boundary cell, bad input."""

import numpy as np
import pytest

from footprint_plugin.engine.analysis.cell_areas import ellipsoidal_row_areas
from footprint_plugin.engine.analysis.concentration import (
    ConcentrationError,
    check_level,
    concentration,
)


def test_uniform_raster_holds_the_level_in_the_level_of_the_area():
    result = concentration(np.full(100, 2.5), cell_area=4.0, level=0.75)
    assert result.hotspot_cells == 75
    assert result.area_share == pytest.approx(0.75, abs=1e-15)
    assert result.hotspot_area == pytest.approx(300.0)
    assert result.territory_area == pytest.approx(400.0)
    assert result.total == pytest.approx(250.0)
    assert result.gini == pytest.approx(0.0, abs=1e-12)


def test_the_cell_crossing_the_level_is_included():
    # 75.5% of 100 equal cells needs 76 cells: 75 hold only 75%.
    assert concentration(np.ones(100), 1.0, level=0.755).hotspot_cells == 76
    # 5 / 10 = 50% < 60%, 8 / 10 = 80%: the second cell crosses the level and is in the set.
    result = concentration(np.array([3.0, 5.0, 2.0]), 1.0, level=0.6)
    assert result.hotspot.tolist() == [True, True, False]
    assert result.hotspot_share == pytest.approx(0.8)


def test_one_hot_cell():
    values = np.zeros(400)
    values[123] = 7.0
    result = concentration(values, cell_area=100.0, level=0.75)
    assert result.hotspot_cells == 1
    assert np.flatnonzero(result.hotspot).tolist() == [123]
    assert result.area_share == pytest.approx(1 / 400)
    assert result.gini == pytest.approx(1 - 1 / 400)


def test_ties_are_broken_by_cell_position():
    result = concentration(np.array([1.0, 2.0, 1.0, 1.0, 2.0]), 1.0, level=0.6)
    # 2 + 2 = 4 of 7 < 60%, so one of the three cells holding 1 joins: the first, cell 0.
    assert np.flatnonzero(result.hotspot).tolist() == [0, 1, 4]
    assert concentration(np.ones(4), 1.0, level=0.5).hotspot.tolist() == [True, True, False, False]


def test_the_result_does_not_depend_on_the_cell_order_except_for_ties():
    rng = np.random.default_rng(5)
    values = rng.lognormal(0.0, 2.0, 5_000)
    permutation = rng.permutation(values.size)
    first = concentration(values, 1.0)
    second = concentration(values[permutation], 1.0)
    assert first.hotspot_cells == second.hotspot_cells
    assert first.hotspot[permutation].tolist() == second.hotspot.tolist()
    assert first.gini == pytest.approx(second.gini, rel=1e-12)


def test_level_100_percent_takes_every_cell_with_a_footprint():
    values = np.array([0.0, 1e-30, 5.0, 0.0, 3.0])
    result = concentration(values, 1.0, level=1.0)
    assert result.hotspot.tolist() == [False, True, True, False, True]
    assert result.hotspot_share == 1.0


def test_cells_of_different_area_are_ranked_by_density():
    # cell 0: 10 over an area of 10 (density 1); cell 1: 6 over 2 (density 3), ranked first.
    result = concentration(np.array([10.0, 6.0]), np.array([10.0, 2.0]), level=0.3)
    assert result.hotspot.tolist() == [False, True]
    assert result.area_share == pytest.approx(2 / 12)
    # Lorenz curve (0,0) -> (2/12, 6/16) -> (1, 1): Gini = 2 * area under it - 1
    area = 0.5 * (2 / 12) * (6 / 16) + 0.5 * (10 / 12) * (6 / 16 + 1.0)
    assert result.gini == pytest.approx(2 * area - 1)


def test_gini_equals_the_mean_absolute_difference_formula_for_equal_cells():
    values = np.random.default_rng(1).gamma(0.5, 3.0, 700)
    expected = np.abs(values[:, None] - values[None, :]).sum() / (2 * values.size * values.sum())
    assert concentration(values, 25.0).gini == pytest.approx(expected, rel=1e-10)


def test_the_curve_is_thinned_keeping_endpoints_and_the_hotspot_boundary():
    values = np.random.default_rng(2).pareto(1.2, 200_000)
    result = concentration(values, 1.0, level=0.75, curve_points=300)
    curve = result.curve
    assert len(curve) <= 303
    assert curve.iloc[0].tolist() == [0.0, 0.0]
    assert curve.iloc[-1].tolist() == [1.0, 1.0]
    assert (np.diff(curve["area_share"]) > 0).all()
    assert (np.diff(curve["footprint_share"]) >= 0).all()
    boundary = np.isclose(curve["area_share"], result.area_share, rtol=1e-12, atol=0)
    assert curve.loc[boundary, "footprint_share"].tolist() == [result.hotspot_share]
    # the steep start of the curve is sampled too, not only evenly in area
    assert (curve["area_share"] < result.area_share).sum() >= 50


@pytest.mark.parametrize("level", [0.0, -0.1, 1.5, float("nan")])
def test_level_outside_0_100_percent_is_refused(level):
    with pytest.raises(ConcentrationError, match=r"LEVEL must be more than 0% and at most 100%"):
        check_level(level)
    with pytest.raises(ConcentrationError, match="LEVEL"):
        concentration(np.ones(3), 1.0, level=level)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (np.array([]), "no valid cells"),
        (np.array([1.0, -2.0]), "1 cells have a negative footprint"),
        (np.zeros(5), "zero in every cell"),
        (np.array([1.0, np.nan]), "finite"),
    ],
)
def test_bad_values_are_refused_with_a_message(values, message):
    with pytest.raises(ConcentrationError, match=message):
        concentration(values, 1.0)


def test_ellipsoidal_row_areas_add_up_to_the_ellipsoid_surface():
    edges = np.linspace(90.0, -90.0, 1801)
    areas = ellipsoidal_row_areas(edges, 0.1, 6378137.0, 298.257223563)
    assert areas.sum() * 3600 == pytest.approx(510_065_621.7e6, rel=1e-9)  # WGS 84 surface
    assert areas[900] > areas[0]  # rows shrink towards the poles
    assert areas[:900] == pytest.approx(areas[900:][::-1], rel=1e-9)


def test_spherical_row_areas_match_the_zone_formula():
    radius, width = 6_371_000.0, 0.5
    areas = ellipsoidal_row_areas(np.array([40.0, 39.5]), width, radius, 0.0)
    zone = radius**2 * np.radians(width) * (np.sin(np.radians(40.0)) - np.sin(np.radians(39.5)))
    assert areas[0] == pytest.approx(zone, rel=1e-12)


@pytest.mark.parametrize("areas", [np.array([1.0, 0.0]), np.array([1.0, -1.0]), 0.0])
def test_cell_areas_that_are_not_positive_are_refused(areas):
    """A zero or negative area has no density: refused, not ranked."""
    with pytest.raises(ConcentrationError, match="positive"):
        concentration(np.ones(2), areas)


def test_a_total_under_one_by_hand():
    """0.1 and 0.4 (total 0.5): the 0.4 cell alone holds 80% >= 75%, on half of the area;
    Lorenz curve (0, 0) -> (0.5, 0.8) -> (1, 1), area under it 0.65, Gini 0.3. The hotspot
    mask picks that cell out of the values, and the level is reported as given."""
    values = np.array([0.1, 0.4])
    result = concentration(values, 1.0, level=0.75)
    assert result.level == 0.75
    assert result.total == pytest.approx(0.5)
    assert values[result.hotspot].tolist() == [0.4]
    assert result.area_share == pytest.approx(0.5)
    assert result.hotspot_share == pytest.approx(0.8)
    assert result.gini == pytest.approx(0.3)
