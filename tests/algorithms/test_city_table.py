"""footprint:citytable: cells split by city borders, sums that add up, demo cities, bad input."""

from pathlib import Path

import numpy as np
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsProcessingException,
    QgsProject,
    QgsVectorLayer,
)

from tests.algorithms.footprint_rasters import (
    ALBERS_CHINA,
    FOOTPRINT_DESCRIPTIONS,
    RecordingFeedback,
    box_wkt,
    polygon_layer,
    write_raster,
)
from tests.conftest import ROOT

DEMO = ROOT / "footprint_plugin" / "data" / "demo" / "china_demo.gpkg"
TOP = 4_000_000.0


def run(processing, raster, cities, feedback=None, context=None, **parameters):
    defaults = {
        "INPUT": raster,
        "CITIES": cities,
        "NAME_FIELD": "name",
        "OUTPUT": "TEMPORARY_OUTPUT",
        "OUTPUT_TABLE": "TEMPORARY_OUTPUT",
    }
    return processing.run(
        "footprint:citytable", {**defaults, **parameters}, feedback=feedback, context=context
    )


def long_rows(result):
    return [
        (f["city"], f["band"], f["footprint"], f["share"], f["rank"])
        for f in result["OUTPUT_TABLE"].getFeatures()
    ]


def test_cells_straddling_city_borders_are_apportioned_by_area(processing, provider, tmp_path):
    total = np.arange(1.0, 17.0).reshape(4, 4)
    values = np.stack([total, 0.5 * total, 0.25 * total])
    raster = write_raster(
        tmp_path / "grid.tif", values, (0.0, TOP), descriptions=FOOTPRINT_DESCRIPTIONS
    )
    # West: columns 0 and half of 1, rows 0-2. East: the other half of column 1 and column 2,
    # rows 0-1 and the top half of row 2. Column 3 and row 3 lie outside both.
    cities = polygon_layer(
        f"proj4:{ALBERS_CHINA}",
        [
            (box_wkt(0, TOP - 3000, 1500, TOP), ["West"]),
            (box_wkt(1500, TOP - 2500, 3000, TOP), ["East"]),
        ],
    )
    out = tmp_path / "cities.gpkg"
    result = run(processing, raster, cities, OUTPUT=str(out))
    v = total
    west = sum(v[r, 0] + 0.5 * v[r, 1] for r in range(3))
    east = sum(0.5 * v[r, 1] + v[r, 2] for r in range(2)) + 0.5 * (0.5 * v[2, 1] + v[2, 2])

    layer = QgsVectorLayer(str(out), "cities", "ogr")
    rows = {f["name"]: f for f in layer.getFeatures()}
    band = "total_footprint_all_final_dema"
    foreign = "driven_by_foreign_final_demand"
    assert result["RANK_FIELD"] == foreign
    assert rows["West"][band] == pytest.approx(west, rel=1e-12)
    assert rows["East"][band] == pytest.approx(east, rel=1e-12)
    assert rows["West"][foreign] == pytest.approx(0.25 * west, rel=1e-12)
    assert rows["West"][f"{band}_share"] == pytest.approx(west / v.sum(), rel=1e-12)
    assert rows["West"]["rank"] == 1 and rows["East"]["rank"] == 2  # west 24 > east 22
    assert rows["West"]["area_km2"] == pytest.approx(4.5, rel=1e-4)
    # the choropleth: the .qml sidecar styles the foreign band, applied when the file loads
    assert Path(out.with_suffix(".qml")).is_file()
    assert layer.renderer().type() == "graduatedSymbol"
    assert layer.renderer().classAttribute() == foreign
    # its legend: a class for 0, then classes that follow on, cover every city and say
    # their bounds
    ranges = layer.renderer().ranges()
    assert (ranges[0].lowerValue(), ranges[0].upperValue(), ranges[0].label()) == (0, 0, "0")
    for before, after in zip(ranges[1:], ranges[2:]):
        assert after.lowerValue() == before.upperValue()
    assert ranges[1].lowerValue() == 0 and ranges[-1].upperValue() >= 0.25 * max(west, east)
    for r in ranges[1:]:
        assert r.label() == f"{r.lowerValue():.3g} – {r.upperValue():.3g}"

    table = long_rows(result)
    assert len(table) == 3 * 3
    outside = {b: fp for city, b, fp, _, _ in table if city == "outside any city"}
    assert outside[band] == pytest.approx(v.sum() - west - east, rel=1e-12)
    for position, name in enumerate([band, "driven_by_domestic_final_deman", foreign]):
        summed = sum(fp for _, b, fp, _, _ in table if b == name)
        assert summed == pytest.approx(values[position].sum(), rel=1e-12)


def test_demo_cities_add_up_to_the_band_totals(processing, provider, tmp_path):
    cities = QgsVectorLayer(f"{DEMO}|layername=cities", "cities", "ogr")
    albers = QgsCoordinateReferenceSystem.fromProj(ALBERS_CHINA)
    extent = QgsCoordinateTransform(
        cities.crs(), albers, QgsProject.instance()
    ).transformBoundingBox(cities.extent())
    cell = 25_000.0
    shape = (int(extent.height() // cell) + 2, int(extent.width() // cell) + 2)
    values = np.random.default_rng(7).lognormal(0.0, 2.0, (3, *shape)).astype(np.float32)
    values[:, :3, :3] = np.nan
    raster = write_raster(
        tmp_path / "china.tif",
        values,
        (extent.xMinimum() - cell, extent.yMaximum() + cell),
        (cell, cell),
        descriptions=FOOTPRINT_DESCRIPTIONS,
    )
    feedback = RecordingFeedback()
    result = run(processing, raster, cities, feedback)
    assert "CITIES is reprojected from EPSG:4326" in feedback.log
    table = long_rows(result)
    assert len(table) == 3 * (367 + 1)
    totals = np.nansum(values.astype(np.float64), axis=(1, 2))
    names = [
        "total_footprint_all_final_dema",
        "driven_by_domestic_final_deman",
        "driven_by_foreign_final_demand",
    ]
    for name, band_total in zip(names, totals):
        in_cities = sum(
            fp for city, b, fp, _, _ in table if b == name and city != "outside any city"
        )
        outside = next(
            fp for city, b, fp, _, _ in table if b == name and city == "outside any city"
        )
        assert in_cities + outside == pytest.approx(band_total, rel=1e-9)
        assert 0 < in_cities <= band_total * (1 + 1e-12)
        assert outside > 0  # the grid reaches beyond China

    features = list(result["OUTPUT"].getFeatures())
    assert len(features) == 367
    ranks = sorted(f["rank"] for f in features)
    assert ranks[0] == 1
    top = max(features, key=lambda f: f["driven_by_foreign_final_demand"])
    assert top["rank"] == 1
    shanghai = next(f for f in features if f["name"] == "Shanghai")
    assert shanghai["area_km2"] == pytest.approx(6_800, rel=0.15)  # ~6,340 km² of land


def test_cities_in_another_crs_are_reprojected_not_misaligned(processing, provider, tmp_path):
    values = np.ones((1, 6, 6))
    raster = write_raster(tmp_path / "ones.tif", values, (0.0, TOP))
    in_albers = polygon_layer(
        f"proj4:{ALBERS_CHINA}", [(box_wkt(1000, TOP - 4000, 4000, TOP), ["a"])]
    )
    reprojected = processing.run(
        "native:reprojectlayer",
        {"INPUT": in_albers, "TARGET_CRS": "EPSG:3857", "OUTPUT": "TEMPORARY_OUTPUT"},
    )["OUTPUT"]
    expected = next(run(processing, raster, in_albers)["OUTPUT"].getFeatures())["band_1"]
    got = next(run(processing, raster, reprojected)["OUTPUT"].getFeatures())["band_1"]
    assert expected == pytest.approx(12.0)
    assert got == pytest.approx(expected, rel=1e-6)


def test_invalid_geometries_are_repaired_and_reported(processing, provider, tmp_path):
    raster = write_raster(tmp_path / "ones.tif", np.ones((1, 4, 4)), (0.0, TOP))
    # a bow tie 2 km wide: two triangles of 1 km² each once repaired
    bowtie = f"POLYGON((0 {TOP - 2000},2000 {TOP},2000 {TOP - 2000},0 {TOP},0 {TOP - 2000}))"
    cities = polygon_layer(f"proj4:{ALBERS_CHINA}", [(bowtie, ["bow"]), (None, ["nowhere"])])
    feedback = RecordingFeedback()
    result = run(processing, raster, cities, feedback)
    assert (
        "CITIES: 1 invalid polygon(s) (as given, or once reprojected) were repaired" in feedback.log
    )
    assert "1 feature(s) have no geometry" in feedback.log
    sums = {f["name"]: f["band_1"] for f in result["OUTPUT"].getFeatures()}
    assert sums == pytest.approx({"bow": 2.0, "nowhere": 0.0})


def test_a_name_field_that_does_not_exist(processing, provider, tmp_path):
    raster = write_raster(tmp_path / "ones.tif", np.ones((2, 2)), (0.0, TOP))
    cities = polygon_layer(f"proj4:{ALBERS_CHINA}", [(box_wkt(0, TOP - 1000, 1000, TOP), ["a"])])
    message = r"NAME_FIELD 'city' is not a field of CITIES\. Its fields are: name\."
    with pytest.raises(QgsProcessingException, match=message):
        run(processing, raster, cities, NAME_FIELD="city")


def test_a_raster_without_valid_cells(processing, provider, tmp_path):
    raster = write_raster(tmp_path / "empty.tif", np.full((2, 2), np.nan), (0.0, TOP))
    cities = polygon_layer(f"proj4:{ALBERS_CHINA}", [(box_wkt(0, TOP - 1000, 1000, TOP), ["a"])])
    with pytest.raises(QgsProcessingException, match="no valid cells"):
        run(processing, raster, cities)


def test_gui_runs_get_the_choropleth_from_a_post_processor(processing, provider, tmp_path):
    from qgis.core import (
        QgsProcessingContext,
        QgsProcessingFeedback,
        QgsProcessingOutputLayerDefinition,
    )

    raster = write_raster(
        tmp_path / "ones.tif", np.ones((3, 2, 2)), (0.0, TOP), descriptions=FOOTPRINT_DESCRIPTIONS
    )
    cities = polygon_layer(f"proj4:{ALBERS_CHINA}", [(box_wkt(0, TOP - 1000, 1000, TOP), ["a"])])
    project = QgsProject()
    context = QgsProcessingContext()
    context.setProject(project)
    feedback = QgsProcessingFeedback()
    output = QgsProcessingOutputLayerDefinition("TEMPORARY_OUTPUT", project)
    result = run(processing, raster, cities, OUTPUT=output, context=context)
    layer = result["OUTPUT"]
    details = context.layerToLoadOnCompletionDetails(layer.id())
    details.postProcessor().postProcessLayer(layer, context, feedback)
    assert layer.renderer().type() == "graduatedSymbol"
    assert layer.renderer().classAttribute() == "driven_by_foreign_final_demand"
