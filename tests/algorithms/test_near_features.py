"""footprint:nearfeatures: buffer sums, the union without double counting, bad input."""

import math

import numpy as np
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
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
