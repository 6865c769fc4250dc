"""footprint:mapfootprint on invalid geometries: repaired, or reported under their own reason.

A self-intersecting polygon (a bow tie) has a signed area that cancels out and makes GEOS's
overlay fail, so unrepaired it was lost to "no region". Invalid sources and regions are made
valid (QgsGeometry.makeValid, keeping the parts of their own kind) before they are cut; what
cannot be repaired into an area (or a length) goes under "invalid geometry". The expected
amounts are the areas of the triangles, worked out by hand below.

Regions (``map_cases``): A = [0, 20 km] x [0, 10 km], B = [20, 40 km] x [0, 10 km]; the
10 km grid has one row of cells, column c covering [10c, 10(c + 1)] km.
"""

import numpy as np
import pytest
from qgis.core import QgsApplication

from tests.algorithms.map_cases import (
    REGION_A,
    REGION_B,
    balance,
    expected_bands,
    regions_layer,
    reprojected,
    run_map,
    sources_layer,
    table,
)

TOTAL = 0


def bow_tie(x0, y0, x1, y1):
    """A horizontal bow tie in the box: two equal triangles meeting at the box's centre."""
    return f"POLYGON(({x0} {y0},{x1} {y1},{x1} {y0},{x0} {y1},{x0} {y0}))"


def standing_bow_tie(x0, y0, x1, y1):
    """A vertical bow tie (an hourglass) in the box."""
    return f"POLYGON(({x0} {y0},{x1} {y1},{x0} {y1},{x1} {y0},{x0} {y0}))"


def pentagram(cx, cy, radius):
    """A five-pointed star drawn in one stroke (its edges cross each other five times)."""
    angles = np.pi / 2 + np.arange(6) * 4 * np.pi / 5
    return (
        "POLYGON(("
        + ",".join(f"{cx + radius * np.cos(a):.3f} {cy + radius * np.sin(a):.3f}" for a in angles)
        + "))"
    )


@pytest.fixture
def geos_messages():
    """Messages QGIS logs while the test runs (GEOS exceptions are logged as well)."""
    seen = []

    def record(message, tag, level):
        seen.append(f"{tag}: {message}")

    log = QgsApplication.messageLog()
    log.messageReceived.connect(record)
    yield seen
    log.messageReceived.disconnect(record)


def no_geos_trouble(messages, capfd):
    """No TopologyException (or other GEOS error) in QGIS's log or on stdout/stderr."""
    printed = capfd.readouterr()
    text = "\n".join([*messages, printed.out, printed.err])
    assert "TopologyException" not in text
    assert "GEOS" not in text


def test_a_bow_tie_inside_a_region_is_attributed_whole(
    processing, provider, tmp_path, geos_messages, capfd
):
    # two triangles of 8 km x 4 km (16 km² each) in cell 0 of region A
    sources = sources_layer("Polygon", [(bow_tie(1000, 1000, 9000, 9000), 100.0, "ELEC", None)])
    results, bands, feedback = run_map(processing, tmp_path, sources)

    np.testing.assert_allclose(bands[:, 0, 0], expected_bands(100.0, "A"), rtol=1e-6)
    assert np.nansum(bands[TOTAL]) == pytest.approx(100.0, rel=1e-6)
    accounts = balance(results)
    assert (accounts.loc["unattributed", "amount"] == 0).all()
    assert "1 source feature(s) had an invalid geometry (ids '1'), repaired" in feedback.log
    no_geos_trouble(geos_messages, capfd)


def test_a_bow_tie_across_a_border_is_split_by_its_triangles(
    processing, provider, tmp_path, geos_messages, capfd
):
    # The diagonals cross at (20 km, 5 km), on the border of A and B. West triangle: the
    # edge x = 12 km from y = 1 to 9 km, apex 8 km east: 8 x 8 / 2 = 32 km², in A and cell 1.
    # East triangle: the edge x = 24 km from y = 3 to 7 km, apex 4 km west: 4 x 4 / 2 = 8 km²,
    # in B and cell 2. So 32 / 40 = 80 % in A and 20 % in B.
    bow = "POLYGON((12000 1000,24000 7000,24000 3000,12000 9000,12000 1000))"
    sources = sources_layer("Polygon", [(bow, 100.0, "ELEC", None)])
    results, bands, _ = run_map(processing, tmp_path, sources)

    np.testing.assert_allclose(bands[:, 0, 1], expected_bands(80.0, "A"), rtol=1e-6)
    np.testing.assert_allclose(bands[:, 0, 2], expected_bands(20.0, "B"), rtol=1e-6)
    assert results["TOTAL"] == pytest.approx(100.0)
    assert results["FOREIGN"] == pytest.approx(80.0 * 0.25 + 20.0 * 0.5)
    assert (balance(results).loc["unattributed", "amount"] == 0).all()
    no_geos_trouble(geos_messages, capfd)


def twelve_self_intersecting_polygons():
    """(WKT, emission, cell column): 12 crossing polygons, each inside one cell of A or B."""
    shapes = []
    for column in range(4):  # cells 0, 1 in A; 2, 3 in B; three shapes in each
        x = column * 10000
        shapes.append((bow_tie(x + 1000, 1000, x + 4000, 3000), column))
        shapes.append((standing_bow_tie(x + 5000, 1000, x + 9000, 4000), column))
        shapes.append((pentagram(x + 5000, 7000, 2000), column))
    return [(wkt, float(10 + i), column) for i, (wkt, column) in enumerate(shapes)]


def test_twelve_self_intersecting_polygons_leave_nothing_to_no_region(
    processing, provider, tmp_path, geos_messages, capfd
):
    shapes = twelve_self_intersecting_polygons()
    given = sources_layer("Polygon", [(wkt, co2, "ELEC", None) for wkt, co2, _ in shapes])
    sources = reprojected(given, "EPSG:4326")  # as an inventory in longitude and latitude
    results, bands, feedback = run_map(processing, tmp_path, sources)

    for column in range(4):
        amount = sum(co2 for _, co2, at in shapes if at == column)
        region = "A" if column < 2 else "B"
        np.testing.assert_allclose(bands[:, 0, column], expected_bands(amount, region), rtol=1e-6)
    accounts = balance(results)
    assert accounts.loc[("unattributed", "no_region"), "sources"] == 0
    assert accounts.loc[("unattributed", "no_region"), "amount"] == 0
    assert (accounts.loc["unattributed", "amount"] == 0).all()
    assert results["TOTAL"] == pytest.approx(sum(co2 for _, co2, _ in shapes))
    assert (
        "12 source feature(s) had an invalid geometry (ids '1', '2', '3', '4', '5', ..."
        in feedback.log
    )
    no_geos_trouble(geos_messages, capfd)


def test_what_cannot_be_repaired_has_its_own_reason(
    processing, provider, tmp_path, geos_messages, capfd
):
    # Ids 2 and 3 are "polygons" without an area (collinear vertices): makeValid turns them
    # into lines, which are not areas to split a polygon's emission by, so they are reported,
    # never sent to "no region". Id 1 is a valid square, all of it in A (cell 0).
    sources = sources_layer(
        "Polygon",
        [
            ("POLYGON((1000 1000,3000 1000,3000 3000,1000 3000,1000 1000))", 100.0, "ELEC", None),
            ("POLYGON((1000 1000,5000 5000,9000 9000,1000 1000))", 7.0, "ELEC", None),
            ("POLYGON((21000 5000,29000 5000,21000 5000))", 5.0, "ELEC", None),
        ],
    )
    results, bands, feedback = run_map(processing, tmp_path, sources)

    np.testing.assert_allclose(bands[:, 0, 0], expected_bands(100.0, "A"), rtol=1e-6)
    assert np.nansum(bands[TOTAL]) == pytest.approx(100.0, rel=1e-6)
    accounts = balance(results)
    invalid = accounts.loc[("unattributed", "invalid_geometry")]
    assert invalid["description"] == "invalid geometry (could not be repaired)"
    assert (invalid["sources"], invalid["amount"]) == (2, 12.0)
    assert accounts.loc[("unattributed", "no_region"), "amount"] == 0
    assert "2 of 3 sources (12 in all) not attributed, invalid geometry" in feedback.log
    assert "repair the geometries of ids '2', '3' (Vector > Geometry Tools > Fix" in feedback.log
    no_geos_trouble(geos_messages, capfd)


def test_a_line_of_one_repeated_point_has_the_invalid_geometry_reason(
    processing, provider, tmp_path
):
    # makeValid makes a point of it: no length to split a line source's emission by
    sources = sources_layer(
        "LineString",
        [
            ("LINESTRING(15000 5000,35000 5000)", 100.0, "ELEC", None),
            ("LINESTRING(5000 5000,5000 5000)", 3.0, "ELEC", None),
        ],
    )
    results, bands, feedback = run_map(processing, tmp_path, sources)

    np.testing.assert_allclose(bands[:, 0, 1], expected_bands(25.0, "A"), rtol=1e-6)
    accounts = balance(results)
    assert accounts.loc[("unattributed", "invalid_geometry"), "amount"] == 3.0
    assert accounts.loc[("unattributed", "no_region"), "amount"] == 0
    assert "repair the geometries of ids '2' " in feedback.log


def test_a_bow_tie_region_still_holds_its_points_and_cuts_polygons(
    processing, provider, tmp_path, geos_messages, capfd
):
    # Region A is a bow tie over its box: the triangles (0,0)-(0,10)-(10,5) km and
    # (10,5)-(20,10)-(20,0) km. At x km, A holds y = 5 +- |x - 10| / 2 km.
    region_a = bow_tie(0, 0, 20000, 10000)
    regions = regions_layer(boxes=(("A", region_a), ("B", REGION_B)))
    # Points: (3, 5) km in the west triangle, (17, 5) km in the east one; (10, 9) km is in
    # neither triangle (nor in B). The rectangle [8, 12] x [4, 6] km (8 km²) meets A where
    # |y - 5| <= |x - 10| / 2: 2 x the integral of |x - 10| over [8, 12] (with y within
    # 1 km of 5 throughout) = 4 km², half of it each side of x = 10 km, so 50 % in A (25 %
    # in cell 0, 25 % in cell 1) and 50 % outside every region.
    points = sources_layer(
        "Point",
        [
            ("POINT(3000 5000)", 10.0, "ELEC", None),
            ("POINT(17000 5000)", 20.0, "ELEC", None),
            ("POINT(10000 9000)", 1.0, "ELEC", None),
        ],
    )
    results, bands, feedback = run_map(processing, tmp_path, points, regions)

    np.testing.assert_allclose(bands[:, 0, 0], expected_bands(10.0, "A"), rtol=1e-6)
    np.testing.assert_allclose(bands[:, 0, 1], expected_bands(20.0, "A"), rtol=1e-6)
    accounts = balance(results)
    assert accounts.loc[("unattributed", "no_region"), "amount"] == 1.0
    assert "REGIONS: the invalid polygons of 1 region(s) were repaired" in feedback.log
    assert "'A'" in feedback.log

    rectangle = "POLYGON((8000 4000,12000 4000,12000 6000,8000 6000,8000 4000))"
    polygons = sources_layer("Polygon", [(rectangle, 100.0, "ELEC", None)])
    results, bands, _ = run_map(processing, tmp_path / "polygon", polygons, regions)

    np.testing.assert_allclose(bands[:, 0, 0], expected_bands(25.0, "A"), rtol=1e-6)
    np.testing.assert_allclose(bands[:, 0, 1], expected_bands(25.0, "A"), rtol=1e-6)
    assert balance(results).loc[("unattributed", "no_region"), "amount"] == pytest.approx(50.0)
    no_geos_trouble(geos_messages, capfd)


def test_the_attributed_sources_keep_their_invalid_features(processing, provider, tmp_path):
    sources = sources_layer(
        "Polygon",
        [
            (bow_tie(1000, 1000, 9000, 9000), 100.0, "ELEC", None),
            ("POLYGON((1000 1000,5000 5000,9000 9000,1000 1000))", 7.0, "ELEC", None),
        ],
    )
    results, _, _ = run_map(processing, tmp_path, sources, OUTPUT_SOURCES="TEMPORARY_OUTPUT")
    rows = table(results["OUTPUT_SOURCES"])
    assert rows["attributed"].tolist() == pytest.approx([100.0, 0.0])
    assert rows["unattributed_reason"].tolist() == [
        None,
        "invalid geometry (could not be repaired)",
    ]


def test_a_region_that_keeps_no_area_once_repaired_is_left_out_and_the_next_are_read(
    processing, provider, tmp_path, geos_messages, capfd
):
    # Region Z, first in the layer, is a flat ring (three points on y = 0, no area): repaired,
    # it keeps no polygon, so it is left out with a warning; A and B after it still hold
    # their points.
    flat = "POLYGON((40000 0,50000 0,60000 0,40000 0))"
    regions = regions_layer(boxes=(("Z", flat), ("A", REGION_A), ("B", REGION_B)))
    points = sources_layer(
        "Point",
        [("POINT(5000 5000)", 10.0, "ELEC", None), ("POINT(25000 5000)", 20.0, "ELEC", None)],
    )
    results, bands, feedback = run_map(processing, tmp_path, points, regions)

    np.testing.assert_allclose(bands[:, 0, 0], expected_bands(10.0, "A"), rtol=1e-6)
    np.testing.assert_allclose(bands[:, 0, 2], expected_bands(20.0, "B"), rtol=1e-6)
    assert balance(results).loc[("unattributed", "no_region"), "amount"] == 0
    assert "keep no area once repaired and were left out: 'Z'" in feedback.log
    no_geos_trouble(geos_messages, capfd)
