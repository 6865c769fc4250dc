"""footprint:hotspots on hand-made rasters with known answers, and its bad-input messages."""

import re

import numpy as np
import pytest
from osgeo import gdal
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDistanceArea,
    QgsGeometry,
    QgsProcessingException,
    QgsProject,
    QgsRasterLayer,
)

from tests.algorithms.footprint_rasters import (
    ALBERS_CHINA,
    FOOTPRINT_DESCRIPTIONS,
    RecordingFeedback,
    box_wkt,
    polygon_layer,
    write_raster,
)
from tests.algorithms.test_dialog import declared_outputs

ORIGIN = (0.0, 4_000_000.0)  # north-west corner, in central China


def run(processing, tmp_path, raster, feedback=None, **parameters):
    defaults = {
        "INPUT": raster,
        "OUTPUT": str(tmp_path / "hotspots.tif"),
        "CURVE": "TEMPORARY_OUTPUT",
    }
    return processing.run("footprint:hotspots", {**defaults, **parameters}, feedback=feedback)


def hotspot_codes(result):
    return gdal.Open(result["OUTPUT"]).ReadAsArray()


def test_uniform_raster_holds_the_level_in_the_level_of_the_area(processing, provider, tmp_path):
    raster = write_raster(tmp_path / "uniform.tif", np.full((10, 10), 3.0), ORIGIN)
    report = tmp_path / "report.html"
    result = run(processing, tmp_path, raster, LEVEL=75, OUTPUT_HTML=str(report))
    assert set(result) == declared_outputs("footprint:hotspots")  # all chainable
    assert result["HOTSPOT_CELLS"] == 75
    assert result["AREA_SHARE"] == pytest.approx(75.0)
    assert result["HOTSPOT_AREA"] == pytest.approx(75.0)  # 1 km² cells
    assert result["TOTAL"] == pytest.approx(300.0)
    assert result["GINI"] == pytest.approx(0.0, abs=1e-12)
    codes = hotspot_codes(result)
    assert (codes == 1).sum() == 75 and (codes == 0).sum() == 25
    # ties are broken by cell position: the first 75 cells, row by row
    assert codes.ravel()[:75].tolist() == [1] * 75

    layer = QgsRasterLayer(result["OUTPUT"], "hotspots")
    assert layer.renderer().type() == "paletted"  # the .qml sidecar was applied on load
    classes = {c.value: c.color.alpha() for c in layer.renderer().classes()}
    assert classes[0] == 0 and 0 < classes[1] < 255
    assert layer.dataProvider().sourceNoDataValue(1) == 255

    curve = [(f["area_share"], f["footprint_share"]) for f in result["CURVE"].getFeatures()]
    assert curve[0] == (0.0, 0.0) and curve[-1] == (1.0, 1.0)
    page = report.read_text(encoding="utf-8")
    assert "<svg" in page and "<title>Footprint hotspots</title>" in page
    assert re.findall(r"<h2>(.*?)</h2>", page) == ["Headline", "Concentration curve", "Cell areas"]
    # the headline, by hand: 75 of 100 cells of 1 km², 3 t each
    facts = dict(re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", page))
    assert facts["Level"] == "75%"
    assert facts["Share of the territory&#x27;s area holding it"] == "75%"
    assert (facts["Hotspot cells"], facts["Hotspot area (km²)"]) == ("75", "75")
    assert (facts["Territory area (km²)"], facts["Footprint of the territory"]) == ("100", "300")
    assert (facts["Share held by the hotspot cells"], facts["Gini index"]) == ("75%", "0.0000")


def test_one_hot_cell_and_the_boundary_cell(processing, provider, tmp_path):
    values = np.zeros((3, 20, 20))
    values[2, 7, 11] = 50.0  # the foreign-driven band (3) is the default
    values[:, 0, :] = np.nan  # no data: not part of the territory
    raster = write_raster(tmp_path / "hot.tif", values, ORIGIN, descriptions=FOOTPRINT_DESCRIPTIONS)
    feedback = RecordingFeedback()
    result = run(processing, tmp_path, raster, feedback)
    assert "Band 3: driven by foreign final demand" in feedback.log
    assert "equal-area: every cell is 1 km²" in feedback.log
    assert result["HOTSPOT_CELLS"] == 1
    assert result["AREA_SHARE"] == pytest.approx(100 / 380)
    assert result["GINI"] == pytest.approx(1 - 1 / 380)
    codes = hotspot_codes(result)
    assert np.argwhere(codes == 1).tolist() == [[7, 11]]
    assert (codes[0] == 255).all()

    values[2, 3, 3] = 40.0  # 50 / 90 < 60%: the second cell crosses the level and counts
    raster = write_raster(tmp_path / "two.tif", values, ORIGIN, descriptions=FOOTPRINT_DESCRIPTIONS)
    result = run(processing, tmp_path, raster, LEVEL=60, OUTPUT=str(tmp_path / "two_out.tif"))
    assert result["HOTSPOT_CELLS"] == 2


def test_geographic_grid_areas_are_computed_on_the_ellipsoid(processing, provider, tmp_path):
    # 4 rows of 20 x 20 degree cells from 80N to the equator, each holding the same amount:
    # the smallest cell (60-80N) has the highest density and is the hotspot for 25%.
    raster = write_raster(
        tmp_path / "geographic.tif", np.ones((4, 1)), (100.0, 80.0), (20.0, 20.0), "EPSG:4326"
    )
    feedback = RecordingFeedback()
    result = run(processing, tmp_path, raster, feedback, LEVEL=25)
    assert "geographic, not equal-area" in feedback.log
    measure = QgsDistanceArea()
    measure.setSourceCrs(QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject().transformContext())
    measure.setEllipsoid("WGS84")
    # QGIS measures geodesic edges: densify the cells' sides so they follow the parallels
    polar = measure.measureArea(QgsGeometry.fromWkt(box_wkt(100, 60, 120, 80)).densifyByCount(500))
    whole = measure.measureArea(QgsGeometry.fromWkt(box_wkt(100, 0, 120, 80)).densifyByCount(500))
    assert result["HOTSPOT_CELLS"] == 1
    assert hotspot_codes(result)[:, 0].tolist() == [1, 0, 0, 0]
    assert result["HOTSPOT_AREA"] == pytest.approx(polar / 1e6, rel=1e-4)
    assert result["AREA_SHARE"] == pytest.approx(100 * polar / whole, rel=1e-4)


def test_mask_in_another_crs_sets_the_territory(processing, provider, tmp_path):
    values = np.ones((10, 10))
    values[:, 5:] = 1000.0  # east half: outside the mask, left out
    values[4, 2] = np.nan  # inside the mask without data: land with no footprint
    raster = write_raster(tmp_path / "masked.tif", values, ORIGIN)
    west_half = QgsGeometry.fromWkt(box_wkt(0, 3_990_000, 5_000, 4_000_000)).densifyByCount(20)
    west_half.transform(
        QgsCoordinateTransform(
            QgsCoordinateReferenceSystem.fromProj(ALBERS_CHINA),
            QgsCoordinateReferenceSystem("EPSG:4326"),
            QgsProject.instance(),
        )
    )
    mask = polygon_layer("EPSG:4326", [(west_half.asWkt(), ["west"])])
    feedback = RecordingFeedback()
    result = run(processing, tmp_path, raster, feedback, MASK=mask, LEVEL=50)
    assert "reprojected from EPSG:4326" in feedback.log
    assert "1 cells inside MASK have no data" in feedback.log
    assert "50,000 of the band lies in cells outside MASK" in feedback.log
    assert result["TOTAL"] == pytest.approx(49.0)
    assert result["HOTSPOT_CELLS"] == 25  # 24.5 of 49 cells holding 1: the 25th crosses
    assert result["AREA_SHARE"] == pytest.approx(50.0)
    codes = hotspot_codes(result)
    assert (codes[:, 5:] == 255).all() and (codes[:, :5] != 255).all()


def test_a_mask_polygon_off_the_raster_adds_no_territory(processing, provider, tmp_path):
    """MASK's west half of the raster plus a polygon 100 km east of it: the territory is the
    west half alone (50 cells holding 1), as with the west half only."""
    raster = write_raster(tmp_path / "ones.tif", np.ones((10, 10)), ORIGIN)
    mask = polygon_layer(
        f"proj4:{ALBERS_CHINA}",
        [
            (box_wkt(0, 3_990_000, 5_000, 4_000_000), ["west"]),
            (box_wkt(100_000, 3_990_000, 105_000, 4_000_000), ["away"]),
        ],
    )
    result = run(processing, tmp_path, raster, MASK=mask, LEVEL=50)
    assert result["TOTAL"] == pytest.approx(50.0)
    assert (result["HOTSPOT_CELLS"], result["AREA_SHARE"]) == (25, pytest.approx(50.0))
    codes = hotspot_codes(result)
    assert (codes[:, 5:] == 255).all() and (codes[:, :5] != 255).all()


def test_a_band_that_does_not_exist(processing, provider, tmp_path):
    raster = write_raster(tmp_path / "three.tif", np.ones((3, 4, 4)), ORIGIN)
    with pytest.raises(QgsProcessingException, match=r"BAND 5 does not exist: the raster has 3"):
        run(processing, tmp_path, raster, BAND=5)


@pytest.mark.parametrize("level", [0, 150, -5])
def test_level_outside_0_100(processing, provider, tmp_path, level):
    raster = write_raster(tmp_path / "one.tif", np.ones((4, 4)), ORIGIN)
    with pytest.raises(
        QgsProcessingException, match=r"LEVEL must be more than 0% and at most 100%"
    ):
        run(processing, tmp_path, raster, LEVEL=level)


def test_a_raster_without_valid_cells(processing, provider, tmp_path):
    raster = write_raster(tmp_path / "empty.tif", np.full((4, 4), np.nan), ORIGIN)
    with pytest.raises(QgsProcessingException, match="no valid cells"):
        run(processing, tmp_path, raster)
    assert not (tmp_path / "hotspots.tif").exists()


def test_negative_footprints_are_refused(processing, provider, tmp_path):
    raster = write_raster(tmp_path / "negative.tif", np.array([[1.0, -1.0]]), ORIGIN)
    with pytest.raises(QgsProcessingException, match="negative footprint"):
        run(processing, tmp_path, raster)


def test_a_projected_grid_that_is_not_equal_area_is_reported(processing, provider, tmp_path):
    raster = write_raster(
        tmp_path / "mercator.tif", np.ones((4, 4)), (11e6, 4e6), (1000.0, 1000.0), "EPSG:3857"
    )
    feedback = RecordingFeedback()
    result = run(processing, tmp_path, raster, feedback)
    assert "EPSG:3857 is not equal-area" in feedback.log
    assert result["HOTSPOT_CELLS"] == 12


def test_an_output_that_is_not_a_geotiff_is_refused_and_nothing_is_left(
    processing, provider, tmp_path
):
    raster = write_raster(tmp_path / "uniform.tif", np.full((4, 4), 1.0), ORIGIN)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(QgsProcessingException, match="must be a GeoTIFF file"):
        run(processing, tmp_path, raster, OUTPUT=str(out / "hotspots.png"))
    assert list(out.iterdir()) == []
