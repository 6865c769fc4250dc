"""footprint:nearfeatures: buffer sums, the union without double counting, bad input."""

import math

import numpy as np
import pytest
from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProject,
)

from tests.algorithms.footprint_rasters import (
    ALBERS_CHINA,
    FOOTPRINT_DESCRIPTIONS,
    RecordingFeedback,
    memory_layer,
    write_raster,
)
from tests.algorithms.test_dialog import declared_outputs

TOP = 4_000_000.0


def run(processing, raster, features, feedback=None, **parameters):
    defaults = {
        "INPUT": raster,
        "FEATURES": features,
        "DISTANCE": 1500.0,
        "OUTPUT": "TEMPORARY_OUTPUT",
        "UNION_TABLE": "TEMPORARY_OUTPUT",
    }
    return processing.run("footprint:nearfeatures", {**defaults, **parameters}, feedback=feedback)


def ports_in_wgs84(points):
    """A point layer in EPSG:4326 of (name, x, y) given in the Albers CRS of the rasters."""
    transform = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem.fromProj(ALBERS_CHINA),
        QgsCoordinateReferenceSystem("EPSG:4326"),
        QgsProject.instance(),
    )
    rows = []
    for name, x, y in points:
        point = transform.transform(QgsPointXY(x, y))
        rows.append((f"POINT({point.x():.12f} {point.y():.12f})", [name]))
    return memory_layer("Point?crs=EPSG:4326&field=name:string", rows)


def test_buffers_overlap_per_feature_but_not_in_the_union(processing, provider, tmp_path):
    # 1 unit per km² in every band; two ports 2 km apart, one far off the raster
    values = np.stack([np.ones((20, 20)), np.ones((20, 20)), 0.5 * np.ones((20, 20))])
    raster = write_raster(
        tmp_path / "ones.tif", values, (0.0, TOP), descriptions=FOOTPRINT_DESCRIPTIONS
    )
    ports = ports_in_wgs84(
        [("A", 9_000.0, TOP - 10_000.0), ("B", 11_000.0, TOP - 10_000.0), ("Far", 9e5, TOP)]
    )
    feedback = RecordingFeedback()
    result = run(processing, raster, ports, feedback)
    assert set(result) == declared_outputs("footprint:nearfeatures")  # all chainable
    assert "FEATURES is reprojected from EPSG:4326" in feedback.log

    radius, distance = 1.5, 2.0  # km
    circle = math.pi * radius**2
    lens = 2 * radius**2 * math.acos(distance / (2 * radius)) - distance / 2 * math.sqrt(
        4 * radius**2 - distance**2
    )
    near = {f["name"]: f for f in result["OUTPUT"].getFeatures()}
    band = "total_footprint_all_final_dema"
    foreign = "driven_by_foreign_final_demand"
    assert near["A"][band] == pytest.approx(circle, rel=1e-3)  # 128-gon buffer
    assert near["B"][foreign] == pytest.approx(0.5 * circle, rel=1e-3)
    assert near["A"][f"{band}_share"] == pytest.approx(circle / 400, rel=1e-3)
    assert near["Far"][band] == 0.0 and near["Far"][foreign] == 0.0
    assert near["Far"]["rank"] == 3

    union = {f["band"]: f for f in result["UNION_TABLE"].getFeatures()}
    assert union[band]["footprint_near"] == pytest.approx(2 * circle - lens, rel=1e-3)
    assert union[band]["footprint_near"] < near["A"][band] + near["B"][band]
    assert union[band]["band_total"] == pytest.approx(400.0)
    for row in union.values():
        assert row["footprint_near"] <= row["band_total"]
    assert result["UNION_TOTAL"] == pytest.approx(0.5 * (2 * circle - lens), rel=1e-3)
    assert result["UNION_SHARE"] == pytest.approx(100 * (2 * circle - lens) / 400, rel=1e-3)


def test_a_union_never_exceeds_the_band_total(processing, provider, tmp_path):
    values = np.random.default_rng(3).gamma(0.3, 5.0, (2, 12, 12))
    raster = write_raster(tmp_path / "random.tif", values, (0.0, TOP))
    points = [
        (f"p{i}", x, y)
        for i, (x, y) in enumerate(np.random.default_rng(4).uniform(0, 12_000, (30, 2)))
    ]
    ports = ports_in_wgs84([(name, x, TOP - y) for name, x, y in points])
    result = run(processing, raster, ports, DISTANCE=4000.0)
    for row in result["UNION_TABLE"].getFeatures():
        assert 0 < row["footprint_near"] <= row["band_total"] * (1 + 1e-12)
    per_feature = sum(f["band_1"] for f in result["OUTPUT"].getFeatures())
    assert per_feature > result["UNION_TOTAL"]  # the buffers overlap: double counted per feature


@pytest.mark.parametrize("distance", [0.0, -5.0])
def test_distance_must_be_positive(processing, provider, tmp_path, distance):
    raster = write_raster(tmp_path / "ones.tif", np.ones((2, 2)), (0.0, TOP))
    ports = ports_in_wgs84([("A", 500.0, TOP - 500.0)])
    with pytest.raises(QgsProcessingException, match="DISTANCE must be more than 0"):
        run(processing, raster, ports, DISTANCE=distance)


def test_a_geographic_raster_is_refused(processing, provider, tmp_path):
    raster = write_raster(
        tmp_path / "geo.tif", np.ones((2, 2)), (100.0, 30.0), (1.0, 1.0), "EPSG:4326"
    )
    ports = ports_in_wgs84([("A", 500.0, TOP - 500.0)])
    with pytest.raises(
        QgsProcessingException, match="is geographic, so DISTANCE would be in degrees"
    ):
        run(processing, raster, ports)


# -- lines and polygons as FEATURES --------------------------------------------------------------
#
# A second route to the same sums through QGIS's own algorithms: native:buffer by DISTANCE, then
# native:zonalstatisticsfb summing each band over each buffer. QGIS counts a cell when its
# centre lies in the buffer, nearfeatures by the share of its area inside; the rasters below
# hold values only in cells wholly inside or wholly outside every buffer, so both rules, and a
# count of those cells, must give the same sums.

NEAR_CRS = "EPSG:6933"
CELL = 1000.0
SIDE = 30  # cells; the raster covers [0, 30 km] x [0, 30 km]
MARGIN = 100.0
"""Metres kept clear of a buffer's edge: more than the 128-gon's (and QGIS's) rounding of it."""


def feature_layer(kind: str, wkts):
    """Memory layer of features named f0, f1, ... in NEAR_CRS."""
    return memory_layer(
        f"{kind}?crs={NEAR_CRS}&field=name:string",
        [(wkt, [f"f{number}"]) for number, wkt in enumerate(wkts)],
    )


def clear_cells(wkts, distance):
    """(inside, crossed): cells wholly within DISTANCE of each feature, and cells some buffer
    edge may cross.

    The distance to a geometry changes by at most the distance moved, and every point of a
    cell lies within half its diagonal of the centre; so a centre nearer than DISTANCE - half
    diagonal - MARGIN puts the whole cell inside, one farther than DISTANCE + half diagonal +
    MARGIN the whole cell outside (GEOS distances: 0 inside a polygon, to the ring in a hole).
    """
    half_diagonal = CELL * math.sqrt(2.0) / 2.0
    centres = [
        [QgsGeometry.fromPointXY(QgsPointXY((col + 0.5) * CELL, (SIDE - row - 0.5) * CELL))]
        for row in range(SIDE)
        for col in range(SIDE)
    ]
    inside, crossed = [], np.zeros((SIDE, SIDE), dtype=bool)
    for wkt in wkts:
        geometry = QgsGeometry.fromWkt(wkt)
        near = np.array([geometry.distance(point) for (point,) in centres]).reshape(SIDE, SIDE)
        inside.append(near <= distance - half_diagonal - MARGIN)
        crossed |= ~inside[-1] & (near < distance + half_diagonal + MARGIN)
    return np.array(inside), crossed


def clear_raster(tmp_path, wkts, distance, seed):
    """Two bands of whole numbers 1-9, 0 in the cells a buffer edge may cross; (path, values,
    inside) with ``inside`` from :func:`clear_cells`."""
    inside, crossed = clear_cells(wkts, distance)
    values = np.random.default_rng(seed).integers(1, 10, (2, SIDE, SIDE)).astype(np.float64)
    values[:, crossed] = 0.0
    path = write_raster(tmp_path / "clear.tif", values, (0.0, SIDE * CELL), (CELL, CELL), NEAR_CRS)
    return path, values, inside


def qgis_buffer_sums(processing, raster, layer, distance, dissolve):
    """Each band's sum over native:buffer's buffers, by native:zonalstatisticsfb; (zones, 2)."""
    zones = processing.run(
        "native:buffer",
        {
            "INPUT": layer,
            "DISTANCE": distance,
            "SEGMENTS": 32,
            "END_CAP_STYLE": 0,  # round
            "JOIN_STYLE": 0,  # round
            "MITER_LIMIT": 2.0,
            "DISSOLVE": dissolve,
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )["OUTPUT"]
    for band in (1, 2):
        zones = processing.run(
            "native:zonalstatisticsfb",
            {
                "INPUT": zones,
                "INPUT_RASTER": raster,
                "RASTER_BAND": band,
                "COLUMN_PREFIX": f"b{band}_",
                "STATISTICS": [1],  # sum
                "OUTPUT": "TEMPORARY_OUTPUT",
            },
        )["OUTPUT"]
    return np.array([[f["b1_sum"], f["b2_sum"]] for f in zones.getFeatures()], dtype=np.float64)


def near_sums(result):
    """(per feature (features, 2), union (2,)) of a nearfeatures run on a 2-band raster."""
    per_feature = np.array(
        [[f["band_1"], f["band_2"]] for f in result["OUTPUT"].getFeatures()], dtype=np.float64
    )
    union = {f["band"]: f["footprint_near"] for f in result["UNION_TABLE"].getFeatures()}
    return per_feature, np.array([union["band_1"], union["band_2"]])


FEATURE_CASES = {
    "LineString": (
        3000.0,
        [
            "LINESTRING(4000 25000,14000 25000)",
            "LINESTRING(9000 22000,9000 12000)",  # 3 km from the first: the buffers overlap
            "LINESTRING(16000 4000,26000 14000)",
            "LINESTRING(18000 22000,22000 26000,26000 22000)",  # a chevron (not convex)
            "LINESTRING(100000 5000,110000 5000)",  # off the raster
        ],
    ),
    "Polygon": (
        2000.0,
        [
            "POLYGON((3000 3000,9000 3000,9000 7000,3000 7000,3000 3000))",
            "POLYGON((12000 17000,20000 17000,12000 25000,12000 17000))",  # 1 km from the next
            # a square with a 7 km hole: 3 km of the hole lie farther than 2 km from it
            "POLYGON((14000 2000,28000 2000,28000 16000,14000 16000,14000 2000),"
            "(17500 5500,24500 5500,24500 12500,17500 12500,17500 5500))",
            "POLYGON((100000 0,101000 0,101000 1000,100000 1000,100000 0))",  # off the raster
        ],
    ),
}


@pytest.mark.parametrize("kind", sorted(FEATURE_CASES))
def test_lines_and_polygons_sum_as_qgis_buffers_and_zonal_statistics_do(
    processing, provider, tmp_path, kind
):
    distance, wkts = FEATURE_CASES[kind]
    raster, values, inside = clear_raster(tmp_path, wkts, distance, seed=len(kind))
    features = feature_layer(kind, wkts)
    # the design is not vacuous: valued cells near each feature on the raster, and in two
    # buffers at once (so the union must count fewer than the features' sum)
    valued = values[0] > 0
    assert all((cells & valued).any() for cells in inside[:-1]) and not inside[-1].any()
    assert ((inside.sum(axis=0) > 1) & valued).any()
    if kind == "Polygon":  # the hole's cells farther than DISTANCE hold values and must not count
        hole = np.zeros((SIDE, SIDE), dtype=bool)
        hole[SIDE - 11 : SIDE - 8, 19:23] = True  # y in [8, 11] km, x in [19, 23] km
        assert (valued & hole & ~inside.any(axis=0)).any()

    result = run(processing, raster, features, DISTANCE=distance)
    per_feature, union = near_sums(result)

    by_cells = np.array([[band[cells].sum() for band in values] for cells in inside])
    union_cells = inside.any(axis=0)
    np.testing.assert_allclose(per_feature, by_cells, rtol=1e-9)
    np.testing.assert_allclose(union, [band[union_cells].sum() for band in values], rtol=1e-9)
    assert (union < per_feature.sum(axis=0)).all()

    qgis = qgis_buffer_sums(processing, raster, features, distance, dissolve=False)
    qgis[np.isnan(qgis)] = 0.0  # no cell centre in the buffer off the raster: NULL, i.e. none
    np.testing.assert_allclose(per_feature, qgis, rtol=1e-9)
    qgis_union = qgis_buffer_sums(processing, raster, features, distance, dissolve=True)
    np.testing.assert_allclose(union, qgis_union[0], rtol=1e-9)
    assert result["UNION_TOTAL"] == pytest.approx(qgis_union[0, 0], rel=1e-9)  # band 1: no
    assert result["UNION_SHARE"] == pytest.approx(  # foreign band, so the first ranks
        100.0 * qgis_union[0, 0] / values[0].sum(), rel=1e-9
    )


def near_sums_one_band(result):
    """(per feature list, union) of band 1 of a nearfeatures run."""
    per_feature = [f["band_1"] for f in result["OUTPUT"].getFeatures()]
    (union,) = [f["footprint_near"] for f in result["UNION_TABLE"].getFeatures()]
    return per_feature, union


def test_cells_on_a_buffer_edge_count_by_their_area_inside(processing, provider, tmp_path):
    # The buffers' straight edges run through the middle of cells: half of each cell counts
    # (QGIS's zonal statistics would count the whole cell or none, by its centre).
    values = np.zeros((10, 10))

    def put(x_km, y_km, value):  # the cell whose south-west corner is (x, y) km
        values[9 - y_km, x_km] = value

    # line (2, 5)-(8, 5) km, 2.5 km: edges y = 2.5 and 7.5 km for x in [2, 8] km
    put(4, 7, 4.0)  # half inside: 2
    put(4, 2, 6.0)  # half inside: 3
    put(5, 4, 10.0)  # whole: 10
    put(5, 8, 100.0)  # outside: 0
    raster = write_raster(tmp_path / "edges.tif", values, (0.0, 10 * CELL), (CELL, CELL), NEAR_CRS)
    line = feature_layer("LineString", ["LINESTRING(2000 5000,8000 5000)"])
    per_feature, union = near_sums_one_band(run(processing, raster, line, DISTANCE=2500.0))
    assert per_feature == pytest.approx([2.0 + 3.0 + 10.0], rel=1e-9)
    assert union == pytest.approx(15.0, rel=1e-9)

    # rectangle [3, 7] x [3, 6] km, 1.5 km: edges x = 1.5 and 8.5 km for y in [3, 6] km,
    # y = 7.5 km for x in [3, 7] km
    values[:] = 0.0
    put(8, 4, 8.0)  # half: 4
    put(1, 4, 6.0)  # half: 3
    put(5, 7, 2.0)  # half: 1
    put(4, 4, 1.0)  # inside the rectangle: 1
    put(9, 9, 50.0)  # outside: 0
    raster = write_raster(tmp_path / "edges2.tif", values, (0.0, 10 * CELL), (CELL, CELL), NEAR_CRS)
    box = feature_layer("Polygon", ["POLYGON((3000 3000,7000 3000,7000 6000,3000 6000,3000 3000))"])
    per_feature, union = near_sums_one_band(run(processing, raster, box, DISTANCE=1500.0))
    assert per_feature == pytest.approx([4.0 + 3.0 + 1.0 + 1.0], rel=1e-9)
    assert union == pytest.approx(9.0, rel=1e-9)


# -- the default DISTANCE ------------------------------------------------------------------------


def test_the_default_distance_is_the_documented_50_km(processing, provider, tmp_path):
    algorithm = QgsApplication.processingRegistry().algorithmById("footprint:nearfeatures")
    parameter = algorithm.parameterDefinition("DISTANCE")
    assert parameter.defaultValue() == 50000.0
    assert "<p>Default value: 50000</p>" in parameter.toolTip()  # as the dialog shows it
    assert "in the units of the raster's CRS (metres" in parameter.help()

    # 5 km cells; a port at (60, 60) km. Cell [100, 105] x [55, 60] km lies 40 to 45.3 km
    # away (inside 50 km), [105, 110] x [60, 65] km 45 to 50.2 km (crossed by the 50 km
    # circle), [110, 115] x [55, 60] km 50 km and more (outside).
    values = np.zeros((24, 24))
    values[24 - 12, 20] = 1.0
    values[24 - 13, 21] = 1000.0
    values[24 - 12, 22] = 1e6
    raster = write_raster(
        tmp_path / "wide.tif", values, (0.0, 120000.0), (5000.0, 5000.0), NEAR_CRS
    )
    port = feature_layer("Point", ["POINT(60000 60000)"])
    parameters = {"INPUT": raster, "FEATURES": port, "OUTPUT": "TEMPORARY_OUTPUT"}
    parameters["UNION_TABLE"] = "TEMPORARY_OUTPUT"
    default = near_sums_one_band(processing.run("footprint:nearfeatures", parameters))
    given = near_sums_one_band(run(processing, raster, port, DISTANCE=50000.0))
    assert default == given
    assert 1.0 < default[1] < 1001.0  # all of the first cell, part of the second, none of the third
    for other in (45000.0, 49000.0, 51000.0, 55000.0):
        assert near_sums_one_band(run(processing, raster, port, DISTANCE=other))[1] != default[1]
