"""footprint:mapfootprint on edge cases, with every expected value worked out by hand.

The hand-made case of ``map_cases``: regions A = [0, 20 km] x [0, 10 km] and B = [20, 40 km]
x [0, 10 km] in EPSG:6933; the 10 km grid covers their closed extent, so it has 2 rows and 5
columns, row 0 holding y in [0, 10 km] and column c holding x in [10c, 10(c + 1)] km; only
columns 0-3 of row 0 are in the territory. The driven shares (``SHARES``) are the producers'
sales shares, read off the tiny MRIO by hand:

- A/ELEC sells 3 to A and 1 to F: 75 % domestic, 25 % foreign;
- B/ELEC sells 1 to B and 1 to F: 50 % each;
- A/STEEL sells 1 to A and 1 to F: 50 % each.

So an amount t of A/ELEC in a cell gives the bands (total, domestic, foreign, F) =
(t, 0.75 t, 0.25 t, 0.25 t), and the balance must hold: inventory = total band + unattributed.
"""

import numpy as np
import pytest
from osgeo import gdal

from tests.algorithms.footprint_rasters import box_wkt, memory_layer
from tests.algorithms.map_cases import (
    EQUAL_AREA,
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

TOTAL, DOMESTIC, FOREIGN, CONSUMER_F = range(4)
WGS84 = "EPSG:4326"
NO_REGION = "no region (outside every region, or empty region field)"
NO_GEOMETRY = "no geometry (null, empty or not transformable)"
INVALID_GEOMETRY = "invalid geometry (could not be repaired)"


def band_names(path) -> list:
    """The short band names the raster lists in its FOOTPRINT_BANDS metadata."""
    return gdal.Open(str(path)).GetMetadataItem("FOOTPRINT_BANDS").split(",")


def expected_map(cells: dict, shape=(2, 5), territory=((0, 0), (0, 1), (0, 2), (0, 3))):
    """(4, rows, cols) bands: NaN outside the territory, 0 in it, ``cells`` {(row, col): bands}.

    Occupied cells hold their footprint even outside the territory (no tonne disappears).
    """
    bands = np.full((4, *shape), np.nan)
    for row, col in territory:
        bands[:, row, col] = 0.0
    for (row, col), values in cells.items():
        bands[:, row, col] = values
    return bands


def assert_map(bands, cells: dict, **kwargs):
    np.testing.assert_allclose(bands, expected_map(cells, **kwargs), rtol=1e-6, atol=1e-9)


def assert_balance(results, inventory: float, total: float, unattributed: dict):
    """The balance's inventory and total band, and every reason's (sources, amount): the ones
    in ``unattributed`` as given, every other one 0; and inventory = total + unattributed."""
    assert inventory == pytest.approx(total + sum(amount for _, amount in unattributed.values()))
    accounts = balance(results)
    assert accounts.loc[("inventory", "all sources"), "amount"] == pytest.approx(inventory)
    assert accounts.loc[("attributed", "total"), "amount"] == pytest.approx(total, rel=1e-9)
    assert results["TOTAL"] == pytest.approx(total, rel=1e-9)
    reasons = accounts.loc["unattributed"]
    assert set(unattributed) <= set(reasons.index)
    for reason, row in reasons.iterrows():
        sources, amount = unattributed.get(reason, (0, 0.0))
        assert (row["sources"], row["amount"]) == (sources, pytest.approx(amount)), reason
    listed = accounts.loc["unattributed", "amount"].sum()
    assert accounts.loc[("inventory", "all sources"), "amount"] == pytest.approx(
        accounts.loc[("attributed", "total"), "amount"] + listed
    )


# -- 1. REGION_FIELD and REGIONS together ------------------------------------------------------
#
# With both, the field decides the producing region, and REGIONS only outlines the territory
# (nodata outside it), the default extent (the grid) and the domestic regions (REGION_FIELD's
# help; map_base passes no RegionSet to the reader when the field is given).


def test_with_region_field_and_regions_the_field_decides_the_region(processing, provider, tmp_path):
    sources = sources_layer(
        "Point",
        [
            ("POINT(5000 5000)", 100.0, "ELEC", "A"),  # A's box, field A: cell (0, 0)
            ("POINT(25000 5000)", 40.0, "ELEC", "A"),  # B's box, field A: A's producer
            ("POINT(35000 5000)", 20.0, "ELEC", "B"),  # B's box, field B
            ("POINT(15000 5000)", 8.0, "ELEC", "B"),  # A's box, field B: B's producer
            ("POINT(45000 5000)", 12.0, "ELEC", "A"),  # in no region, but on the grid: (0, 4)
            ("POINT(60000 5000)", 7.0, "ELEC", "A"),  # off the grid (REGIONS' extent)
        ],
    )
    results, bands, _ = run_map(processing, tmp_path, sources, REGION_FIELD="region")

    assert band_names(results["OUTPUT"]) == ["total", "domestic", "foreign", "F"]
    assert_map(
        bands,
        {
            (0, 0): expected_bands(100.0, "A"),  # (100, 75, 25, 25)
            (0, 1): expected_bands(8.0, "B"),  # (8, 4, 4, 4)
            (0, 2): expected_bands(40.0, "A"),  # (40, 30, 10, 10), not B's (40, 20, 20, 20)
            (0, 3): expected_bands(20.0, "B"),  # (20, 10, 10, 10)
            (0, 4): expected_bands(12.0, "A"),  # outside the territory, kept on the map
        },
    )
    # foreign: 25 + 4 + 10 + 10 + 3 = 52 of the 180 t mapped
    assert results["FOREIGN"] == pytest.approx(52.0)
    assert_balance(results, 187.0, 180.0, {"outside_extent": (1, 7.0)})


def test_with_region_field_a_polygon_is_cut_by_cells_not_by_the_regions(
    processing, provider, tmp_path
):
    # [35, 45] x [2, 8] km, field A: half in B's box (cell 3), half in no region but on the
    # grid (cell 4). The field decides, so all of it is A's, by area: 20 t in each cell.
    sources = sources_layer("Polygon", [(box_wkt(35000, 2000, 45000, 8000), 40.0, "ELEC", "A")])
    results, bands, _ = run_map(processing, tmp_path, sources, REGION_FIELD="region")
    assert_map(bands, {(0, 3): expected_bands(20.0, "A"), (0, 4): expected_bands(20.0, "A")})
    assert_balance(results, 40.0, 40.0, {})


def test_with_region_field_the_regions_still_say_which_consumers_are_domestic(
    processing, provider, tmp_path
):
    # REGIONS holds A only: the territory is A's box (grid 3 x 2 cells, column 2 and row 1
    # nodata) and A alone is domestic, so B's consumers get a foreign band of their own.
    sources = sources_layer(
        "Point",
        [
            ("POINT(5000 5000)", 100.0, "ELEC", "A"),
            ("POINT(15000 5000)", 10.0, "ELEC", "B"),  # in A's box, B's producer by the field
        ],
    )
    regions = regions_layer(boxes=(("A", REGION_A),))
    results, bands, _ = run_map(processing, tmp_path, sources, regions, REGION_FIELD="region")

    # consumer bands in the MRIO's order of consumer regions (final_demand.csv: A, F, B)
    assert band_names(results["OUTPUT"]) == ["total", "domestic", "foreign", "F", "B"]
    assert bands.shape == (5, 2, 3)
    expected = np.full((5, 2, 3), np.nan)
    expected[:, 0, 0] = [100.0, 75.0, 25.0, 25.0, 0.0]  # A/ELEC: A 75 %, F 25 %
    expected[:, 0, 1] = [10.0, 0.0, 10.0, 5.0, 5.0]  # B/ELEC: B 50 % (now foreign), F 50 %
    np.testing.assert_allclose(bands, expected, rtol=1e-6)
    assert results["FOREIGN"] == pytest.approx(35.0)
    assert_balance(results, 110.0, 110.0, {})


# -- 2. INPUT and REGIONS in different CRSs ----------------------------------------------------
#
# Every shape below has edges parallel to the axes of EPSG:6933 (a cylindrical projection:
# x is proportional to longitude, y a function of latitude only), so it is the same shape in
# EPSG:4326, and the shares of areas and lengths cut at x = 20 km are the same in both CRSs.

CRS_SOURCES = {
    "Point": [
        ("POINT(5000 5000)", 100.0, "ELEC", None),  # A, cell 0
        ("POINT(12000 3000)", 6.0, "STEEL", None),  # A/STEEL, cell 1
        ("POINT(25000 2000)", 10.0, "ELEC", None),  # B, cell 2
        ("POINT(95000 5000)", 3.0, "ELEC", None),  # in no region
    ],
    "Polygon": [
        (box_wkt(15000, 2000, 25000, 8000), 100.0, "ELEC", None),  # half in A (cell 1), half B
        (box_wkt(1000, 1000, 9000, 3000), 20.0, "ELEC", None),  # A, cell 0
        (box_wkt(36000, 2000, 44000, 4000), 8.0, "ELEC", None),  # half in B (cell 3), half none
    ],
    "LineString": [
        ("LINESTRING(15000 5000,35000 5000)", 100.0, "ELEC", None),  # A 1/4, B 1/2 + 1/4
        ("LINESTRING(32000 9000,48000 9000)", 16.0, "ELEC", None),  # B 1/2 (cell 3), none 1/2
    ],
}
CRS_EXPECTED = {
    "Point": (
        {
            (0, 0): expected_bands(100.0, "A"),
            (0, 1): expected_bands(6.0, "A", "STEEL"),
            (0, 2): expected_bands(10.0, "B"),
        },
        116.0,
        {"no_region": (1, 3.0)},
    ),
    "Polygon": (
        {
            (0, 0): expected_bands(20.0, "A"),
            (0, 1): expected_bands(50.0, "A"),
            (0, 2): expected_bands(50.0, "B"),
            (0, 3): expected_bands(4.0, "B"),
        },
        124.0,
        {"no_region": (1, 4.0)},
    ),
    "LineString": (
        {
            (0, 1): expected_bands(25.0, "A"),
            (0, 2): expected_bands(50.0, "B"),
            (0, 3): expected_bands(25.0, "B") + expected_bands(8.0, "B"),
        },
        108.0,
        {"no_region": (1, 8.0)},
    ),
}


@pytest.mark.parametrize("kind", sorted(CRS_SOURCES))
@pytest.mark.parametrize(
    ("sources_crs", "regions_crs"),
    [(EQUAL_AREA, EQUAL_AREA), (WGS84, EQUAL_AREA), (EQUAL_AREA, WGS84), (WGS84, WGS84)],
)
def test_inputs_in_other_crss_give_the_same_cells(
    processing, provider, tmp_path, kind, sources_crs, regions_crs
):
    sources = sources_layer(kind, CRS_SOURCES[kind])
    regions = regions_layer()
    if sources_crs != EQUAL_AREA:
        sources = reprojected(sources, sources_crs)
    if regions_crs != EQUAL_AREA:
        regions = reprojected(regions, regions_crs)
    assert sources.crs().authid() == sources_crs and regions.crs().authid() == regions_crs
    results, bands, _ = run_map(processing, tmp_path, sources, regions)

    cells, total, unattributed = CRS_EXPECTED[kind]
    assert_map(bands, cells)
    assert_balance(results, total + sum(a for _, a in unattributed.values()), total, unattributed)


# -- 3. Multipoints: the emission split equally over the points --------------------------------


def test_a_multipoint_splits_its_emission_equally_over_its_points(processing, provider, tmp_path):
    sources = sources_layer(
        "MultiPoint",
        [
            # 90 t over 3 points: 30 t in A (cell 0), 30 t in B (cell 2), 30 t in B (cell 3)
            ("MULTIPOINT((5000 5000),(25000 5000),(35000 5000))", 90.0, "ELEC", None),
            # 40 t over 4 points (one given twice): 20 t at (15, 5) km in A (cell 1), 10 t in
            # B (cell 3), 10 t outside every region
            ("MULTIPOINT((15000 5000),(15000 5000),(35000 5000),(45000 5000))", 40.0, "ELEC", None),
            ("MULTIPOINT((5000 5000))", 8.0, "ELEC", None),  # one point: all 8 t in cell 0
        ],
    )
    results, bands, _ = run_map(processing, tmp_path, sources, OUTPUT_SOURCES="TEMPORARY_OUTPUT")

    assert_map(
        bands,
        {
            (0, 0): expected_bands(30.0 + 8.0, "A"),
            (0, 1): expected_bands(20.0, "A"),
            (0, 2): expected_bands(30.0, "B"),
            (0, 3): expected_bands(30.0 + 10.0, "B"),
        },
    )
    assert_balance(results, 138.0, 128.0, {"no_region": (1, 10.0)})
    rows = table(results["OUTPUT_SOURCES"])
    assert rows["attributed"].tolist() == pytest.approx([90.0, 30.0, 8.0])
    # foreign: 30 x 0.25 + 30 x 0.5 + 30 x 0.5 = 37.5; 20 x 0.25 + 10 x 0.5 = 10; 8 x 0.25 = 2
    assert rows["foreign"].tolist() == pytest.approx([37.5, 10.0, 2.0])
    assert rows["unattributed"].tolist() == pytest.approx([0.0, 10.0, 0.0])
    assert rows["unattributed_reason"].tolist() == [None, NO_REGION, None]


def test_a_multipoint_with_a_region_field_keeps_its_region_on_every_point(
    processing, provider, tmp_path
):
    # The field says B for points in A's box and B's box: 60 t, 20 t per point, all B/ELEC
    sources = sources_layer(
        "MultiPoint",
        [("MULTIPOINT((5000 5000),(15000 5000),(25000 5000))", 60.0, "ELEC", "B")],
    )
    results, bands, _ = run_map(processing, tmp_path, sources, REGION_FIELD="region")
    assert_map(bands, {(0, col): expected_bands(20.0, "B") for col in range(3)})
    assert_balance(results, 60.0, 60.0, {})


# -- 4. Null and empty geometries --------------------------------------------------------------

NO_GEOMETRY_CASES = {
    "Point": ("POINT(5000 5000)", "POINT EMPTY", {(0, 0): expected_bands(100.0, "A")}),
    "MultiPoint": (
        "MULTIPOINT((5000 5000),(25000 5000))",
        "MULTIPOINT EMPTY",
        {(0, 0): expected_bands(50.0, "A"), (0, 2): expected_bands(50.0, "B")},
    ),
    "LineString": (
        "LINESTRING(15000 5000,35000 5000)",
        "LINESTRING EMPTY",
        {
            (0, 1): expected_bands(25.0, "A"),
            (0, 2): expected_bands(50.0, "B"),
            (0, 3): expected_bands(25.0, "B"),
        },
    ),
    "Polygon": (
        box_wkt(15000, 2000, 25000, 8000),
        "POLYGON EMPTY",
        {(0, 1): expected_bands(50.0, "A"), (0, 2): expected_bands(50.0, "B")},
    ),
}


@pytest.mark.parametrize("kind", sorted(NO_GEOMETRY_CASES))
def test_null_and_empty_geometries_go_to_no_geometry_and_not_on_the_map(
    processing, provider, tmp_path, kind
):
    good, empty, cells = NO_GEOMETRY_CASES[kind]
    sources = sources_layer(
        kind,
        [
            (good, 100.0, "ELEC", None),
            (None, 5.0, "ELEC", None),  # a null geometry
            (empty, 7.0, "ELEC", None),  # an empty one
        ],
    )
    results, bands, feedback = run_map(
        processing, tmp_path, sources, OUTPUT_SOURCES="TEMPORARY_OUTPUT"
    )

    assert_map(bands, cells)  # nothing of the 12 t anywhere, (0, 0) included
    assert_balance(results, 112.0, 100.0, {"no_geometry": (2, 12.0)})
    assert "2 of 3 sources (12 in all) not attributed, no geometry" in feedback.log
    rows = table(results["OUTPUT_SOURCES"])
    assert rows["unattributed"].tolist() == pytest.approx([0.0, 5.0, 7.0])
    assert rows["unattributed_reason"].tolist() == [None] + [NO_GEOMETRY] * 2


def test_points_that_cannot_be_transformed_have_no_geometry(processing, provider, tmp_path):
    sources = reprojected(
        sources_layer("Point", [("POINT(5000 5000)", 100.0, "ELEC", None)]), WGS84
    )
    beyond_the_pole = memory_layer(  # latitude 95 degrees: no point of EPSG:6933
        f"Point?crs={WGS84}&field=co2:double&field=sector:string&field=region:string",
        [("POINT(10 95)", [4.0, "ELEC", None])],
    )
    assert sources.dataProvider().addFeatures(list(beyond_the_pole.getFeatures()))
    results, bands, _ = run_map(processing, tmp_path, sources)
    assert_map(bands, {(0, 0): expected_bands(100.0, "A")})
    assert_balance(results, 104.0, 100.0, {"no_geometry": (1, 4.0)})


# -- 5. Zero-length lines and zero-area polygons -----------------------------------------------
#
# GEOS finds them invalid; made valid (vector_sources' notes) a line of one repeated point is a
# point and a polygon without area a line: no length or area to split the emission by, so the
# emission goes under "invalid geometry" with advice, never dropped, never guessed. A
# multi-part shape keeps its parts of its own kind: all of its emission goes to them.


def test_zero_length_lines_are_reported_and_a_real_part_takes_the_whole_emission(
    processing, provider, tmp_path
):
    sources = sources_layer(
        "MultiLineString",
        [
            ("MULTILINESTRING((15000 5000,35000 5000))", 100.0, "ELEC", None),
            ("MULTILINESTRING((5000 5000,5000 5000))", 3.0, "ELEC", None),
            ("MULTILINESTRING((25000 5000,25000 5000,25000 5000))", 4.0, "ELEC", None),
            # a zero-length part and the 20 km line: all 20 t by length on the line
            ("MULTILINESTRING((5000 5000,5000 5000),(15000 5000,35000 5000))", 20.0, "ELEC", None),
        ],
    )
    results, bands, feedback = run_map(
        processing, tmp_path, sources, OUTPUT_SOURCES="TEMPORARY_OUTPUT"
    )

    assert_map(
        bands,
        {
            (0, 1): expected_bands(25.0 + 5.0, "A"),
            (0, 2): expected_bands(50.0 + 10.0, "B"),
            (0, 3): expected_bands(25.0 + 5.0, "B"),
        },
    )
    assert_balance(results, 127.0, 120.0, {"invalid_geometry": (2, 7.0)})
    assert "2 of 4 sources (7 in all) not attributed, invalid geometry" in feedback.log
    assert "repair the geometries of ids '2', '3'" in feedback.log
    assert "keep no area (polygons) or no length (lines)" in feedback.log
    rows = table(results["OUTPUT_SOURCES"])
    assert rows["attributed"].tolist() == pytest.approx([100.0, 0.0, 0.0, 20.0])
    invalid = INVALID_GEOMETRY
    assert rows["unattributed_reason"].tolist() == [None, invalid, invalid, None]


def test_zero_area_polygons_are_reported_and_a_real_part_takes_the_whole_emission(
    processing, provider, tmp_path
):
    sources = sources_layer(
        "MultiPolygon",
        [
            (box_wkt(15000, 2000, 25000, 8000), 100.0, "ELEC", None),  # half A, half B
            ("MULTIPOLYGON(((1000 1000,5000 5000,9000 9000,1000 1000)))", 7.0, "ELEC", None),
            ("MULTIPOLYGON(((3000 3000,3000 3000,3000 3000,3000 3000)))", 2.0, "ELEC", None),
            # a collinear "polygon" in A and a real square in B (cell 2): all 16 t in B
            (
                "MULTIPOLYGON(((1000 1000,5000 5000,9000 9000,1000 1000)),"
                "((21000 1000,29000 1000,29000 9000,21000 9000,21000 1000)))",
                16.0,
                "ELEC",
                None,
            ),
        ],
    )
    results, bands, feedback = run_map(processing, tmp_path, sources)

    assert_map(
        bands,
        {(0, 1): expected_bands(50.0, "A"), (0, 2): expected_bands(50.0 + 16.0, "B")},
    )
    assert_balance(results, 125.0, 116.0, {"invalid_geometry": (2, 9.0)})
    assert "2 of 4 sources (9 in all) not attributed, invalid geometry" in feedback.log


# -- 6. Regions without a code, and sources without a region -----------------------------------


def codeless_regions():
    """A and B, and four regions the reader must leave out: NULL, empty and blank codes, and a
    code without a polygon."""
    layer = regions_layer(boxes=(("A", REGION_A), ("B", REGION_B)))
    extra = memory_layer(
        f"MultiPolygon?crs={EQUAL_AREA}&field=code:string",
        [
            (box_wkt(40000, 0, 60000, 10000), [None]),  # NULL code, east of B
            (box_wkt(0, 10000, 40000, 20000), [""]),  # empty code, north of A and B
            (box_wkt(40000, 10000, 60000, 20000), ["  "]),  # blank code
            (None, ["F"]),  # a code without a geometry
        ],
    )
    assert layer.dataProvider().addFeatures(list(extra.getFeatures()))
    return layer


def test_sources_in_regions_without_a_code_have_no_region(processing, provider, tmp_path):
    points = sources_layer(
        "Point",
        [
            ("POINT(5000 5000)", 100.0, "ELEC", None),
            ("POINT(45000 5000)", 6.0, "ELEC", None),  # NULL-code region, on the grid
            ("POINT(5000 15000)", 9.0, "ELEC", None),  # empty-code region
            ("POINT(45000 15000)", 2.0, "ELEC", None),  # blank-code region
        ],
    )
    results, bands, feedback = run_map(processing, tmp_path, points, codeless_regions())

    assert bands.shape == (4, 2, 5)  # the grid covers A and B only, as before
    assert_map(bands, {(0, 0): expected_bands(100.0, "A")})
    assert_balance(results, 117.0, 100.0, {"no_region": (3, 17.0)})
    assert "REGIONS: 4 feature(s) without a code in 'code' or without a geometry" in feedback.log

    # a polygon half in B (cell 3) and half in the NULL-code region
    polygons = sources_layer("Polygon", [(box_wkt(35000, 2000, 45000, 8000), 40.0, "ELEC", None)])
    results, bands, _ = run_map(processing, tmp_path / "polygon", polygons, codeless_regions())
    assert_map(bands, {(0, 3): expected_bands(20.0, "B")})
    assert_balance(results, 40.0, 20.0, {"no_region": (1, 20.0)})


def test_sources_with_an_empty_region_field_have_no_region(processing, provider, tmp_path):
    sources = sources_layer(
        "Point",
        [
            ("POINT(5000 5000)", 100.0, "ELEC", "A"),
            ("POINT(6000 5000)", 5.0, "ELEC", None),  # NULL
            ("POINT(7000 5000)", 3.0, "ELEC", ""),  # empty
            ("POINT(8000 5000)", 2.0, "ELEC", "   "),  # blank
            ("POINT(25000 5000)", 10.0, "ELEC", " B "),  # B once trimmed
        ],
    )
    results, bands, feedback = run_map(processing, tmp_path, sources, REGION_FIELD="region")
    assert_map(bands, {(0, 0): expected_bands(100.0, "A"), (0, 2): expected_bands(10.0, "B")})
    assert_balance(results, 120.0, 110.0, {"no_region": (3, 10.0)})
    assert "3 of 5 sources (10 in all) not attributed, no region" in feedback.log
