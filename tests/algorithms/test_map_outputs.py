"""The outputs of footprint:mapfootprint: the GeoTIFF and its style, the sources, the tables."""

import numpy as np
import pytest
from osgeo import gdal
from qgis.core import QgsProject, QgsRasterLayer, QgsVectorLayer

from tests.algorithms.map_cases import (
    balance,
    map_parameters,
    run_map,
    sources_layer,
    table,
)

MIXED = [
    ("POINT(5000 5000)", 100.0, "ELEC", "A"),
    ("POINT(25000 5000)", 40.0, "ELEC", "B"),
    ("POINT(6000 5000)", 5.0, None, "A"),
]


def test_geotiff_bands_descriptions_and_nodata(processing, provider, tmp_path):
    results, _, _ = run_map(processing, tmp_path, sources_layer("Point", MIXED))
    dataset = gdal.Open(results["OUTPUT"])
    assert dataset.RasterCount == 4
    descriptions = [dataset.GetRasterBand(b).GetDescription() for b in range(1, 5)]
    assert descriptions == [
        "total footprint (all final demand)",
        "driven by domestic final demand ('A', 'B')",
        "driven by foreign final demand",
        "driven by final demand of F",
    ]
    for number in range(1, 5):
        band = dataset.GetRasterBand(number)
        assert band.DataType == gdal.GDT_Float32
        assert band.GetNoDataValue() == -9999.0
    assert dataset.GetMetadataItem("FOOTPRINT_BANDS") == "total,domestic,foreign,F"
    assert dataset.GetGeoTransform() == (0.0, 10000.0, 0.0, 10000.0, 0.0, -10000.0)


def assert_styled(layer):
    """The layer shows the foreign-driven band with the skewed-data classes."""
    renderer = layer.renderer()
    assert renderer.type() == "singlebandpseudocolor"
    assert renderer.band() == 3
    items = renderer.shader().rasterShaderFunction().colorRampItemList()
    assert items[0].value == 0 and len(items) >= 2
    zero = items[0]  # the territory without footprint: light grey, labelled 0
    assert zero.label == "0" and zero.color.isValid()
    assert zero.color.red() == zero.color.green() == zero.color.blue() > 200
    assert items[-1].value >= 25.0  # the largest foreign cell: 100 t x 0.25


def test_the_style_sidecar_is_applied_when_qgis_opens_the_raster(processing, provider, tmp_path):
    results, _, _ = run_map(processing, tmp_path, sources_layer("Point", MIXED))
    assert (tmp_path / "footprint.qml").exists()
    assert not (tmp_path / "footprint.tif.aux.xml").exists()
    assert_styled(QgsRasterLayer(results["OUTPUT"], "footprint", "gdal"))


def test_the_style_is_applied_when_processing_loads_the_result(processing, provider, tmp_path):
    parameters = map_parameters(tmp_path, sources_layer("Point", MIXED))
    results = processing.runAndLoadResults("footprint:mapfootprint", parameters)
    project = QgsProject.instance()
    loaded = [
        layer for layer in project.mapLayers().values() if layer.source() == results["OUTPUT"]
    ]
    try:
        assert len(loaded) == 1
        assert_styled(loaded[0])
    finally:
        project.removeAllMapLayers()


def test_sources_keep_their_attributes_and_get_their_accounts(processing, provider, tmp_path):
    polygon = (
        "POLYGON((15000 2000,25000 2000,25000 8000,15000 8000,15000 2000))",
        80.0,
        "ELEC",
        "",
    )
    sources = sources_layer("Polygon", [polygon])
    results, _, _ = run_map(
        processing, tmp_path, sources, OUTPUT_SOURCES=str(tmp_path / "sources.gpkg")
    )
    layer = QgsVectorLayer(results["OUTPUT_SOURCES"], "sources", "ogr")
    assert layer.crs().authid() == "EPSG:6933"
    feature = next(layer.getFeatures())
    assert feature.geometry().area() == pytest.approx(60e6)
    assert feature["co2"] == 80.0 and feature["sector"] == "ELEC"
    assert feature["attributed"] == pytest.approx(80.0)
    assert feature["domestic"] == pytest.approx(40 * 0.75 + 40 * 0.5)
    assert feature["foreign"] == pytest.approx(40 * 0.25 + 40 * 0.5)
    assert feature["top_foreign_consumer"] == "F"
    assert feature["unattributed"] == 0.0


def test_unattributed_sources_say_why(processing, provider, tmp_path):
    results, _, _ = run_map(
        processing,
        tmp_path,
        sources_layer("Point", MIXED),
        OUTPUT_SOURCES="TEMPORARY_OUTPUT",
    )
    rows = table(results["OUTPUT_SOURCES"]).set_index("co2")
    assert rows.loc[5.0, "unattributed"] == 5.0
    assert rows.loc[5.0, "unattributed_reason"] == "no sector (empty sector field)"
    assert rows.loc[5.0, "attributed"] == 0.0
    assert rows.loc[40.0, "foreign"] == pytest.approx(20.0)
    assert rows["attributed"].sum() == pytest.approx(results["TOTAL"])


def test_balance_accounts_for_every_tonne(processing, provider, tmp_path):
    results, bands, _ = run_map(processing, tmp_path, sources_layer("Point", MIXED))
    accounts = balance(results)
    inventory = accounts.loc[("inventory", "all sources"), "amount"]
    unattributed = accounts.loc["unattributed", "amount"].sum()
    assert inventory == 145.0
    assert inventory - unattributed == pytest.approx(
        accounts.loc[("attributed", "total"), "amount"]
    )
    assert np.nansum(bands[0]) == pytest.approx(inventory - unattributed, rel=1e-6)
    assert accounts.loc[("attributed", "total"), "sources"] == 2
    assert accounts.loc[("inventory", "all sources"), "share"] == 1.0


@pytest.mark.parametrize(("breakdown", "rows"), [(0, 3), (1, 3)])
def test_footprint_by_consumer_table(processing, provider, tmp_path, breakdown, rows):
    results, _, _ = run_map(
        processing,
        tmp_path,
        sources_layer("Point", MIXED),
        CONSUMERS="TEMPORARY_OUTPUT",
        BREAKDOWN=breakdown,
    )
    consumers = table(results["CONSUMERS"])
    assert len(consumers) == rows
    assert ("category" in consumers.columns) == (breakdown == 1)
    by_region = consumers.groupby("consumer_region")["footprint"].sum()
    assert by_region["A"] == pytest.approx(75.0)
    assert by_region["B"] == pytest.approx(20.0)
    assert by_region["F"] == pytest.approx(45.0)
    assert consumers["share"].sum() == pytest.approx(1.0)


def test_every_consumer_gets_a_band_and_groups_share_one(processing, provider, tmp_path):
    groups = tmp_path / "groups.csv"
    groups.write_text("mrio_region,group\nA,home\nB,home\n")
    results, bands, _ = run_map(
        processing,
        tmp_path,
        sources_layer("Point", MIXED),
        CONSUMER_BANDS=1,
        CONSUMER_GROUPS=str(groups),
    )
    dataset = gdal.Open(results["OUTPUT"])
    assert dataset.GetMetadataItem("FOOTPRINT_BANDS") == "total,domestic,foreign,home,F"
    assert dataset.GetRasterBand(4).GetDescription() == "driven by final demand of home ('A', 'B')"
    np.testing.assert_allclose(np.nansum(bands, axis=(1, 2)), [140, 95, 45, 95, 45], rtol=1e-6)
