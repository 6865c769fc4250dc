"""footprint:mapgriddedfootprint: gridded inventories moved onto the grid by sum, not average."""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from osgeo import gdal, osr
from qgis.core import NULL, QgsProcessingException, QgsVectorLayer, QgsWkbTypes

from footprint_plugin.engine.reasons import REASONS, Reason
from tests.algorithms.footprint_rasters import box_wkt, write_raster
from tests.algorithms.map_cases import (
    EQUAL_AREA,
    SHARES,
    balance,
    read_bands,
    regions_layer,
    write_tiny_mrio,
)
from tests.conftest import ROOT

DEMO = ROOT / "footprint_plugin" / "data" / "demo"
# Regions A and B in degrees, sharing the meridian 0.2; 0.1 degree cells as EDGAR's.
REGIONS_4326 = (
    ("A", "POLYGON((0 0,0.2 0,0.2 0.1,0 0.1,0 0))"),
    ("B", "POLYGON((0.2 0,0.4 0,0.4 0.1,0.2 0.1,0.2 0))"),
)


def run_gridded(processing, tmp_path, rasters, **parameters):
    defaults = {
        "INPUT": [str(path) for path in rasters],
        "REGIONS": regions_layer("EPSG:4326", REGIONS_4326),
        "REGION_CODE_FIELD": "code",
        "MRIO": str(write_tiny_mrio(tmp_path / "mrio")),
        "CELL_SIZE": 10000.0,
        "OUTPUT": str(tmp_path / "footprint.tif"),
        "BALANCE": "TEMPORARY_OUTPUT",
    }
    return processing.run("footprint:mapgriddedfootprint", {**defaults, **parameters})


def test_the_demo_raster_keeps_its_total_on_the_10_km_grid(processing, provider, tmp_path):
    # A copy: QGIS's check of a raster parameter loads it as a layer, which leaves a .aux.xml.
    raster = Path(shutil.copy(DEMO / "other_manufacturing_area.tif", tmp_path))
    values = gdal.Open(str(raster)).ReadAsArray().astype(np.float64)
    inventory = values[values > 0].sum()
    results = processing.run(
        "footprint:mapgriddedfootprint",
        {
            "INPUT": [str(raster)],
            "SECTORS": "1A2",
            "REGIONS": f"{DEMO / 'china_demo.gpkg'}|layername=provinces",
            "REGION_CODE_FIELD": "code",
            "MRIO": str(DEMO / "mrio"),
            "CONCORDANCE": str(DEMO / "concordance.csv"),
            "OUTPUT": str(tmp_path / "footprint.tif"),
            "BALANCE": "TEMPORARY_OUTPUT",
        },
    )
    bands = read_bands(results["OUTPUT"])
    assert gdal.Open(results["OUTPUT"]).GetGeoTransform()[1] == 10000.0
    accounts = balance(results)
    assert accounts.loc[("inventory", "all sources"), "amount"] == pytest.approx(inventory)
    assert (accounts.loc["unattributed", "amount"] == 0).all()
    assert results["TOTAL"] == pytest.approx(inventory, rel=1e-9)
    assert np.nansum(bands[0]) == pytest.approx(inventory, rel=1e-6)
    for band in range(bands.shape[0]):
        assert np.nansum(bands[band]) == pytest.approx(
            accounts.loc["attributed", "amount"].iloc[band], rel=1e-6
        )
    from tests.algorithms.test_map_demo import gridded_foreign_share  # derived without the plugin

    assert results["FOREIGN_SHARE"] == pytest.approx(gridded_foreign_share(raster), rel=1e-5)


def test_a_cell_across_a_border_is_shared_by_area(processing, provider, tmp_path):
    # Cells [0.05, 0.15], [0.15, 0.25] (half in A, half in B) and [0.25, 0.35] degrees.
    raster = write_raster(
        tmp_path / "elec.tif", [[10.0, 100.0, 20.0]], (0.05, 0.1), (0.1, 0.1), "EPSG:4326"
    )
    results = run_gridded(processing, tmp_path, [raster], SECTORS="ELEC", SUBCELLS=4)

    assert results["TOTAL"] == pytest.approx(130.0)
    # foreign: 10 x 0.25 (A) + 50 x 0.25 (A) + 50 x 0.5 (B) + 20 x 0.5 (B)
    assert results["FOREIGN"] == pytest.approx(2.5 + 12.5 + 25.0 + 10.0)
    assert np.nansum(read_bands(results["OUTPUT"])[0]) == pytest.approx(130.0, rel=1e-6)


def test_an_edgar_style_grid_keeps_its_total_even_on_the_coast(processing, provider, tmp_path):
    # The rows span latitudes 0.05 to 0.15 and -0.05 to 0.05, so every cell is half on the
    # regions (latitudes 0 to 0.1), as on a coast: a cell is kept whole, on its part on land.
    values = [[5.0, 0.0, 7.0, 0.0], [11.0, 13.0, 17.0, 19.0]]
    raster = write_raster(tmp_path / "edgar.tif", values, (0.0, 0.15), (0.1, 0.1), "EPSG:4326")
    results = run_gridded(processing, tmp_path, [raster], SECTORS="ELEC", SUBCELLS=4)

    accounts = balance(results)
    assert accounts.loc[("inventory", "all sources"), "amount"] == pytest.approx(72.0)
    assert results["TOTAL"] == pytest.approx(72.0)
    assert np.nansum(read_bands(results["OUTPUT"])[0]) == pytest.approx(72.0, rel=1e-6)


def test_a_cell_off_every_region_is_reported(processing, provider, tmp_path):
    raster = write_raster(tmp_path / "sea.tif", [[3.0, 4.0]], (1.0, 0.1), (0.1, 0.1), "EPSG:4326")
    inland = write_raster(tmp_path / "land.tif", [[6.0]], (0.0, 0.1), (0.1, 0.1), "EPSG:4326")
    results = run_gridded(
        processing, tmp_path, [inland, raster], SECTORS="ELEC,ELEC", EXTENT="0,2,0,0.1 [EPSG:4326]"
    )
    accounts = balance(results)
    assert accounts.loc[("unattributed", "no_region"), "amount"] == pytest.approx(7.0)
    assert results["TOTAL"] == pytest.approx(6.0)


def test_a_band_to_sector_table_for_a_multiband_raster(processing, provider, tmp_path):
    raster = write_raster(
        tmp_path / "sectors.tif", [[[8.0]], [[4.0]]], (0.0, 0.1), (0.1, 0.1), "EPSG:4326"
    )
    table = tmp_path / "bands.csv"
    table.write_text("band,sector\n1,ELEC\n2,STEEL\n")
    results = run_gridded(processing, tmp_path, [raster], SECTOR_TABLE=str(table))
    assert results["TOTAL"] == pytest.approx(12.0)
    assert results["FOREIGN"] == pytest.approx(8.0 * 0.25 + 4.0 * 0.5)


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({}, "Say which sector each band holds, with SECTORS"),
        (
            {"SECTORS": "ELEC,STEEL"},
            "SECTORS lists 2 sector code(s) but the rasters have 1 band(s)",
        ),
    ],
)
def test_band_sectors_must_be_given_once_per_band(
    processing, provider, tmp_path, parameters, message
):
    raster = write_raster(tmp_path / "one.tif", [[1.0]], (0.0, 0.1), (0.1, 0.1), "EPSG:4326")
    with pytest.raises(QgsProcessingException) as raised:
        run_gridded(processing, tmp_path, [raster], **parameters)
    assert message in str(raised.value)


def test_a_sector_table_naming_an_unknown_raster(processing, provider, tmp_path):
    raster = write_raster(tmp_path / "one.tif", [[1.0]], (0.0, 0.1), (0.1, 0.1), "EPSG:4326")
    other = write_raster(tmp_path / "two.tif", [[1.0]], (0.0, 0.1), (0.1, 0.1), "EPSG:4326")
    table = tmp_path / "bands.csv"
    table.write_text("layer,band,sector\nthree,1,ELEC\n")
    with pytest.raises(QgsProcessingException, match="SECTOR_TABLE names the raster 'three'"):
        run_gridded(processing, tmp_path, [raster, other], SECTOR_TABLE=str(table))


def test_packed_values_are_unpacked_with_the_band_scale_and_offset(processing, provider, tmp_path):
    raster = write_raster(
        tmp_path / "packed.tif", [[10.0, 100.0, 20.0]], (0.05, 0.1), (0.1, 0.1), "EPSG:4326"
    )
    dataset = gdal.Open(str(raster), gdal.GA_Update)
    dataset.GetRasterBand(1).SetScale(0.5)
    dataset.GetRasterBand(1).SetOffset(1.0)
    dataset = None
    results = run_gridded(processing, tmp_path, [raster], SECTORS="ELEC", SUBCELLS=4)
    assert results["TOTAL"] == pytest.approx((10 + 100 + 20) * 0.5 + 3 * 1.0)


# -- where the mass lands: hand-made cases in the grid's own equal-area CRS ---------------------
#
# Regions are boxes in EPSG:6933 (metres), 20 km high: A west of BORDER, B east of it up to
# 40 km. The 10 km grid snapped to them has its origin at (0, 20000) and 5 x 3 cells; the
# territory is the cells whose centre is in a region (rows 0-1, columns 0-3), the rest nodata.
# Every expected value below is the area of (input cell ∩ region ∩ output cell) over the input
# cell's area (intervals intersected by hand, in ``analytic_bands``) times the cell's amount,
# split by the driven shares of the tiny MRIO (map_cases.SHARES).

GRID_SHAPE = (3, 5)
TOP = 20000.0
WIDTH = 40000.0


def region_boxes(border: float):
    return (("A", (0.0, 0.0, border, TOP)), ("B", (border, 0.0, WIDTH, TOP)))


def equal_area_regions(border: float):
    return regions_layer(
        EQUAL_AREA, tuple((code, box_wkt(*box)) for code, box in region_boxes(border))
    )


def run_equal_area(processing, tmp_path, rasters, border=20000.0, **parameters):
    return run_gridded(
        processing,
        tmp_path,
        rasters,
        REGIONS=equal_area_regions(border),
        TARGET_CRS=EQUAL_AREA,
        **parameters,
    )


def overlap(a0, a1, b0, b1) -> float:
    """Length of the intersection of the intervals [a0, a1] and [b0, b1]."""
    return max(0.0, min(a1, b1) - max(a0, b0))


def analytic_bands(cells, border: float) -> np.ndarray:
    """(total, domestic, foreign) per output cell, NaN outside the territory.

    ``cells`` are (x0, y0, x1, y1, amount, sector) of input cells; the amount is split over
    (region, output cell) by the area of their intersection with the input cell, then over
    consumers by SHARES (domestic: consumers A and B, foreign: F).
    """
    bands = np.zeros((3, *GRID_SHAPE))
    for x0, y0, x1, y1, amount, sector in cells:
        area = (x1 - x0) * (y1 - y0)
        for code, (rx0, ry0, rx1, ry1) in region_boxes(border):
            # the part of the input cell in the region (a box, possibly empty)
            px0, px1, py0, py1 = max(x0, rx0), min(x1, rx1), max(y0, ry0), min(y1, ry1)
            if px1 <= px0 or py1 <= py0:
                continue
            shares = SHARES[(code, sector)]
            domestic = sum(share for region, share in shares.items() if region in ("A", "B"))
            for row in range(GRID_SHAPE[0]):
                for col in range(GRID_SHAPE[1]):
                    cx0, cy1 = col * 10000.0, TOP - row * 10000.0
                    width = overlap(px0, px1, cx0, cx0 + 10000.0)
                    height = overlap(py0, py1, cy1 - 10000.0, cy1)
                    mass = amount * width * height / area
                    bands[:, row, col] += (mass, mass * domestic, mass * (1.0 - domestic))
    bands[:, 2, :] = np.nan  # cells whose centre is in no region: nodata
    bands[:, :, 4] = np.nan
    return bands


def assert_bands(results, expected):
    """Total, domestic and foreign bands as expected; the one consumer band (F) is foreign."""
    bands = read_bands(results["OUTPUT"])
    assert bands.shape == (4, *GRID_SHAPE)
    np.testing.assert_allclose(bands[:3], expected, rtol=1e-6, atol=1e-9, equal_nan=True)
    np.testing.assert_allclose(bands[3], expected[2], rtol=1e-6, atol=1e-9, equal_nan=True)


NaN = float("nan")
# Two sector rasters on the output grid itself (10 km cells from (0, 20000)): 0 and nodata
# cells hold nothing; B's STEEL has no output in the MRIO, so its 9 t are unattributed.
ELEC = [[10.0, 20.0, 30.0, 40.0], [50.0, 0.0, 70.0, NaN]]
STEEL = [[0.0, 0.0, 0.0, 0.0], [0.0, 6.0, 0.0, 9.0]]


def aligned_rasters(tmp_path):
    return [
        write_raster(tmp_path / "elec.tif", ELEC, (0.0, TOP), (1e4, 1e4), EQUAL_AREA),
        write_raster(tmp_path / "steel.tif", STEEL, (0.0, TOP), (1e4, 1e4), EQUAL_AREA),
    ]


@pytest.mark.parametrize("subcells", [0, 1, 3])
def test_cells_on_the_output_grid_stay_in_their_cell_split_by_the_shares(
    processing, provider, tmp_path, subcells
):
    results = run_equal_area(
        processing, tmp_path, aligned_rasters(tmp_path), SECTORS="ELEC,STEEL", SUBCELLS=subcells
    )
    expected = np.array(
        [
            # total: each input cell's amount in its own output cell (B's STEEL unattributed)
            [[10, 20, 30, 40, NaN], [50, 6, 70, 0, NaN], [NaN] * 5],
            # domestic: A/ELEC x 0.75, B/ELEC x 0.5, A/STEEL x 0.5
            [[7.5, 15, 15, 20, NaN], [37.5, 3, 35, 0, NaN], [NaN] * 5],
            # foreign: A/ELEC x 0.25, B/ELEC x 0.5, A/STEEL x 0.5
            [[2.5, 5, 15, 20, NaN], [12.5, 3, 35, 0, NaN], [NaN] * 5],
        ]
    )
    assert_bands(results, expected)
    cells = [
        (col * 1e4, TOP - (row + 1) * 1e4, (col + 1) * 1e4, TOP - row * 1e4, value, sector)
        for values, sector in ((ELEC, "ELEC"), (STEEL, "STEEL"))
        for row, line in enumerate(values)
        for col, value in enumerate(line)
        if value > 0 and not (sector == "STEEL" and col >= 2)  # B/STEEL: zero output
    ]
    np.testing.assert_allclose(analytic_bands(cells, 20000.0), expected, equal_nan=True)
    assert balance(results).loc[("unattributed", "zero_output"), "amount"] == pytest.approx(9.0)


def test_a_cell_across_a_region_border_and_cell_edges_is_split_by_area(
    processing, provider, tmp_path
):
    # One 10 km cell [12, 22] km x [6, 16] km; regions meet at x = 16 km, output cells at
    # x = 20 km and y = 10 km. With 5 x 5 sub-cells of 2 km every one of those lines is a
    # sub-cell edge, so the split by sub-cells is the exact area split:
    # x: 0.4 in A (col 1), 0.4 in B (col 1), 0.2 in B (col 2); y: 0.6 row 0, 0.4 row 1.
    raster = write_raster(
        tmp_path / "elec.tif", [[100.0]], (12000.0, 16000.0), (1e4, 1e4), EQUAL_AREA
    )
    results = run_equal_area(
        processing, tmp_path, [raster], border=16000.0, SECTORS="ELEC", SUBCELLS=5
    )
    expected = analytic_bands([(12000, 6000, 22000, 16000, 100.0, "ELEC")], 16000.0)
    # by hand: col 1 row 0 holds 0.6 x (40 in A + 40 in B)
    assert expected[:, 0, 1] == pytest.approx([48.0, 0.6 * (30 + 20), 0.6 * (10 + 20)])
    assert expected[:, 1, 2] == pytest.approx([0.4 * 20, 0.4 * 10, 0.4 * 10])
    assert_bands(results, expected)
    assert results["FOREIGN"] == pytest.approx(40 * 0.25 + 60 * 0.5)


# -- the automatic sub-cell count ---------------------------------------------------------------
# 15 km cells onto the 10 km grid: the automatic k is ceil(2 x 15 / 10) = 3, so sub-cells are
# 5 km wide and their edges fall on every 10 km grid line and on the border at 20 km: the
# spread is then exactly the area spread. Cell [0, 15] x [5, 20] km (A) and cell [15, 30] x
# [5, 20] km (one third in A, two thirds in B).
COARSE = [[90.0, 45.0]]
COARSE_CELLS = [
    (0, 5000, 15000, 20000, 90.0, "ELEC"),
    (15000, 5000, 30000, 20000, 45.0, "ELEC"),
]


def test_the_automatic_sub_cell_count_spreads_a_coarse_cell_by_area(processing, provider, tmp_path):
    raster = write_raster(
        tmp_path / "coarse.tif", COARSE, (0.0, TOP), (15000.0, 15000.0), EQUAL_AREA
    )
    results = run_equal_area(processing, tmp_path, [raster], SECTORS="ELEC")
    expected = analytic_bands(COARSE_CELLS, 20000.0)
    # by hand: of the first cell, 4/9 lies in (row 0, col 0), 2/9 in (row 0, col 1) and in
    # (row 1, col 0), 1/9 in (row 1, col 1); of the second, 1/3 of its width in col 1 (in A)
    # and 2/3 in col 2 (in B), 2/3 of its height in row 0 and 1/3 in row 1.
    np.testing.assert_allclose(
        expected[0, :2, :3],
        [
            [90 * 4 / 9, 90 * 2 / 9 + 45 * 2 / 9, 45 * 4 / 9],
            [90 * 2 / 9, 90 * 1 / 9 + 45 * 1 / 9, 45 * 2 / 9],
        ],
    )
    assert_bands(results, expected)


def test_the_automatic_sub_cell_count_follows_the_cell_width_not_its_position(
    processing, provider, tmp_path
):
    """The second coarse cell alone, in a raster starting at x = 15 km: k is still 3 (from
    its 15 km width), so the spread is exactly by area; a k from its position (8 sub-cells of
    1.875 km) would not put a third of it on each side of 20 km by area."""
    raster = write_raster(
        tmp_path / "coarse.tif", [COARSE[0][1:]], (15000.0, TOP), (15000.0, 15000.0), EQUAL_AREA
    )
    results = run_equal_area(processing, tmp_path, [raster], SECTORS="ELEC")
    assert_bands(results, analytic_bands(COARSE_CELLS[1:], 20000.0))


def test_one_sub_cell_puts_a_coarse_cell_in_the_output_cell_of_its_centre(
    processing, provider, tmp_path
):
    raster = write_raster(
        tmp_path / "coarse.tif", COARSE, (0.0, TOP), (15000.0, 15000.0), EQUAL_AREA
    )
    results = run_equal_area(processing, tmp_path, [raster], SECTORS="ELEC", SUBCELLS=1)
    # centres (7500, 12500) in A, in (row 0, col 0); (22500, 12500) in B, in (row 0, col 2)
    total = read_bands(results["OUTPUT"])[0]
    np.testing.assert_allclose(
        total[:2, :4], [[90.0, 0.0, 45.0, 0.0], [0.0, 0.0, 0.0, 0.0]], atol=1e-9
    )
    assert results["FOREIGN"] == pytest.approx(90 * 0.25 + 45 * 0.5)


# -- OUTPUT_SOURCES and CONSUMERS, read back ----------------------------------------------------


def source_points(path):
    """The CRS of a point layer and its (attributes by name, x, y); no layer is kept."""
    layer = QgsVectorLayer(str(path), "sources", "ogr")
    assert layer.isValid(), path
    assert QgsWkbTypes.geometryType(layer.wkbType()) == QgsWkbTypes.PointGeometry
    names = layer.fields().names()
    points = []
    for feature in layer.getFeatures():
        point = feature.geometry().asPoint()
        attributes = [None if value == NULL else value for value in feature.attributes()]
        points.append((dict(zip(names, attributes)), point.x(), point.y()))
    return layer.crs().authid(), points


def test_attributed_sources_are_the_cell_centres_with_their_accounts(
    processing, provider, tmp_path
):
    results = run_equal_area(
        processing,
        tmp_path,
        aligned_rasters(tmp_path),
        SECTORS="ELEC,STEEL",
        OUTPUT_SOURCES=str(tmp_path / "sources.gpkg"),
    )
    crs, points = source_points(results["OUTPUT_SOURCES"])
    assert crs == "EPSG:6933"
    # where each point comes from first, in reading order: layer, band, sector, row, col
    names = [name for name in points[0][0] if name != "fid"]
    assert names[:6] == ["layer", "band", "sector", "row", "col", "emission"]
    rows = {(f["layer"], f["row"], f["col"]): (f, x, y) for f, x, y in points}
    assert len(rows) == len(points)
    # one point per non-zero cell (0 and nodata cells give none): 6 ELEC cells, 2 STEEL cells
    expected = {
        ("elec", row, col): ("ELEC", 1, value)
        for row, line in enumerate(ELEC)
        for col, value in enumerate(line)
        if value > 0
    }
    expected |= {("steel", 1, 1): ("STEEL", 1, 6.0), ("steel", 1, 3): ("STEEL", 1, 9.0)}
    assert sorted(rows) == sorted(expected)
    domestic_share = {"A": {"ELEC": 0.75, "STEEL": 0.5}, "B": {"ELEC": 0.5}}
    for (name, row, col), (sector, band, emission) in expected.items():
        feature, x, y = rows[(name, row, col)]
        assert (x, y) == pytest.approx((col * 1e4 + 5000.0, TOP - row * 1e4 - 5000.0))
        assert (feature["sector"], feature["band"]) == (sector, band)
        assert feature["emission"] == pytest.approx(emission)
        region = "A" if col < 2 else "B"
        if (region, sector) == ("B", "STEEL"):  # B/STEEL has no output in the MRIO
            assert feature["attributed"] == 0.0
            assert feature["unattributed"] == pytest.approx(9.0)
            assert feature["unattributed_reason"] == REASONS[Reason.ZERO_OUTPUT]
            assert feature["top_foreign_consumer"] is None
            continue
        share = domestic_share[region][sector]
        assert feature["attributed"] == pytest.approx(emission)
        assert feature["domestic"] == pytest.approx(emission * share)
        assert feature["foreign"] == pytest.approx(emission * (1 - share))
        assert feature["top_foreign_consumer"] == "F"
        assert feature["top_foreign_amount"] == pytest.approx(emission * (1 - share))
        assert feature["unattributed"] == 0.0


def test_a_source_point_is_the_cell_centre_transformed_to_the_grid_crs(
    processing, provider, tmp_path
):
    raster = write_raster(
        tmp_path / "elec.tif", [[10.0, 0.0, 20.0]], (0.05, 0.1), (0.1, 0.1), "EPSG:4326"
    )
    results = run_gridded(
        processing,
        tmp_path,
        [raster],
        SECTORS="ELEC",
        TARGET_CRS=EQUAL_AREA,
        OUTPUT_SOURCES=str(tmp_path / "sources.gpkg"),
    )
    # the second route: GDAL/PROJ's own transform of the cell centres (0.1, 0.05), (0.3, 0.05)
    wgs84, equal_area = osr.SpatialReference(), osr.SpatialReference()
    wgs84.ImportFromEPSG(4326)
    equal_area.ImportFromEPSG(6933)
    wgs84.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    equal_area.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    transform = osr.CoordinateTransformation(wgs84, equal_area)
    crs, points = source_points(results["OUTPUT_SOURCES"])
    assert crs == "EPSG:6933"
    by_col = {feature["col"]: (x, y) for feature, x, y in points}
    assert sorted(by_col) == [0, 2]
    for col, longitude in ((0, 0.1), (2, 0.3)):
        x, y, _ = transform.TransformPoint(longitude, 0.05)
        assert by_col[col] == pytest.approx((x, y), abs=1e-6)


@pytest.mark.parametrize("breakdown", [0, 1])
def test_the_consumer_table_holds_the_hand_computed_footprints(
    processing, provider, tmp_path, breakdown
):
    results = run_equal_area(
        processing,
        tmp_path,
        aligned_rasters(tmp_path),
        SECTORS="ELEC,STEEL",
        BREAKDOWN=breakdown,
        CONSUMERS=str(tmp_path / "consumers.csv"),
    )
    consumers = pd.read_csv(tmp_path / "consumers.csv", keep_default_na=False)
    # attributed: A/ELEC 10 + 20 + 50 = 80, B/ELEC 30 + 40 + 70 = 140, A/STEEL 6 (B/STEEL's 9
    # has no output to share by); consumers by SHARES
    footprint = {"A": 80 * 0.75 + 6 * 0.5, "B": 140 * 0.5, "F": 80 * 0.25 + 140 * 0.5 + 6 * 0.5}
    assert sum(footprint.values()) == pytest.approx(226.0)
    expected_columns = ["consumer_region", "domestic", "band", "footprint", "share"]
    if breakdown:
        expected_columns.insert(1, "category")
        assert (consumers["category"] == "hh").all()
    assert list(consumers.columns) == expected_columns
    assert sorted(consumers["consumer_region"]) == ["A", "B", "F"]
    rows = consumers.set_index("consumer_region")
    for region, amount in footprint.items():
        assert rows.loc[region, "footprint"] == pytest.approx(amount)
        assert rows.loc[region, "share"] == pytest.approx(amount / 226.0)
        assert bool(rows.loc[region, "domestic"]) == (region != "F")
        assert rows.loc[region, "band"] == ("F" if region == "F" else "domestic")
    assert results["TOTAL"] == pytest.approx(226.0)


def test_a_raster_of_zeros_is_refused_as_nothing_to_map(processing, provider, tmp_path):
    """No cell holds an emission: a clear refusal, not an empty map passed off as a result."""
    raster = write_raster(
        tmp_path / "zeros.tif", [[0.0, 0.0]], (0.0, TOP), (15000.0, 15000.0), EQUAL_AREA
    )
    with pytest.raises(QgsProcessingException, match="no emission sources"):
        run_equal_area(processing, tmp_path, [raster], SECTORS="ELEC")
