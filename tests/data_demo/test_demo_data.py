"""The embedded demo dataset (footprint_plugin/data/demo/): layers, MRIO, concordance,
manifest, and that scripts/build_demo_data.py regenerates the synthetic part identically."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from osgeo import gdal, ogr, osr

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "footprint_plugin" / "data" / "demo"
GPKG = DEMO / "china_demo.gpkg"
MRIO = DEMO / "mrio"
BUILD_SCRIPT = ROOT / "scripts" / "build_demo_data.py"
SEED = 2012  # the script's default seed, which built the shipped files

MAINLAND = 31
CATEGORIES = ["Household", "Government", "GFCF", "Inventory"]
TEXT_OUTPUTS = [
    "concordance.csv",
    "manifest.json",
    "mrio/Z.txt",
    "mrio/Y.txt",
    "mrio/x.txt",
    "mrio/unit.txt",
    "mrio/file_parameters.json",
    "mrio/metadata.json",
    "mrio/regions.txt",
    "mrio/sectors.txt",
    "mrio/emissions/F.txt",
    "mrio/emissions/F_Y.txt",
    "mrio/emissions/unit.txt",
    "mrio/emissions/file_parameters.json",
]


def read_features(gpkg: Path, layer_name: str) -> list[tuple[dict, tuple[float, ...]]]:
    """Attributes and envelope of every feature of a layer, in FID order (OGR)."""
    dataset = ogr.Open(str(gpkg))
    layer = dataset.GetLayerByName(layer_name)
    features = [(f.items(), f.GetGeometryRef().GetEnvelope()) for f in layer]
    dataset = None
    return features


def read_mrio(folder: Path) -> dict[str, pd.DataFrame]:
    """The pymrio text tables of the demo MRIO, read as pymrio reads them."""
    two_level = {"index_col": [0, 1], "header": [0, 1], "sep": "\t"}
    return {
        "Z": pd.read_csv(folder / "Z.txt", **two_level),
        "Y": pd.read_csv(folder / "Y.txt", **two_level),
        "x": pd.read_csv(folder / "x.txt", index_col=[0, 1], sep="\t"),
        "F": pd.read_csv(folder / "emissions" / "F.txt", index_col=0, header=[0, 1], sep="\t"),
        "F_Y": pd.read_csv(folder / "emissions" / "F_Y.txt", index_col=0, header=[0, 1], sep="\t"),
    }


def read_concordance(path: Path) -> list[dict]:
    """Rows of concordance.csv."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def run_synthetic_step(out_dir: Path) -> None:
    """Run the generator's synthetic step (no download) from the shipped geography."""
    command = [sys.executable, str(BUILD_SCRIPT), "synthetic", "--geography", str(GPKG)]
    command += ["--out", str(out_dir), "--seed", str(SEED)]
    subprocess.run(command, check=True, capture_output=True)


@pytest.fixture(scope="module")
def mrio() -> dict[str, pd.DataFrame]:
    return read_mrio(MRIO)


@pytest.fixture(scope="module")
def facilities() -> list[tuple[dict, tuple[float, ...]]]:
    return read_features(GPKG, "facilities")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> tuple[Path, Path]:
    """Two independent runs of the synthetic step with the shipped seed."""
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    run_synthetic_step(first)
    run_synthetic_step(second)
    return first, second


@pytest.mark.parametrize(
    ("layer_name", "minimum", "maximum"),
    [
        ("provinces", 34, 34),
        ("cities", 300, 400),
        ("ports", 101, 400),
        ("countries", 170, 180),
        ("places", 1000, 3000),
        ("facilities", 1000, 10000),
    ],
)
def test_layer_opens_in_qgis(qgis_app, layer_name, minimum, maximum):
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(f"{GPKG}|layername={layer_name}", layer_name, "ogr")
    assert layer.isValid()
    assert layer.crs().authid() == "EPSG:4326"
    assert minimum <= layer.featureCount() <= maximum


def test_polygons_are_valid_multipolygons():
    dataset = ogr.Open(str(GPKG))
    for layer_name in ("provinces", "cities", "countries"):
        layer = dataset.GetLayerByName(layer_name)
        assert layer.GetGeomType() == ogr.wkbMultiPolygon
        for feature in layer:
            geometry = feature.GetGeometryRef()
            assert geometry.IsValid(), (layer_name, feature.items())
            assert not geometry.IsEmpty()


def test_province_codes():
    provinces = [attributes for attributes, _ in read_features(GPKG, "provinces")]
    codes = [p["code"] for p in provinces]
    assert len(set(codes)) == 34
    assert sum(code.startswith("CN-") for code in codes) == MAINLAND
    assert {"CN-BJ", "CN-SH", "CN-GD", "CN-NM", "HKG", "MAC", "TWN"} <= set(codes)
    assert all(p["name"] and p["name_zh"] and p["adcode"] for p in provinces)


def test_cities_belong_to_provinces():
    province_codes = {a["code"] for a, _ in read_features(GPKG, "provinces")}
    cities = [attributes for attributes, _ in read_features(GPKG, "cities")]
    assert all(c["province"] in province_codes for c in cities)
    assert all(c["name"] and c["name_zh"] for c in cities)
    names = {c["name"] for c in cities}
    assert {"Shanghai", "Ningbo", "Suzhou", "Xuzhou", "Dongguan", "Tianjin"} <= names


def test_ports_are_chinese_locodes():
    ports = [attributes for attributes, _ in read_features(GPKG, "ports")]
    assert all(p["locode"][:2] in ("CN", "HK", "MO", "TW") for p in ports)
    assert sum(p["locode"].startswith("CN") for p in ports) > 100


def test_facilities_are_labelled_synthetic(facilities):
    dataset = ogr.Open(str(GPKG))
    metadata = dataset.GetLayerByName("facilities").GetMetadata()
    assert metadata["IDENTIFIER"].startswith("SYNTHETIC")
    assert metadata["DESCRIPTION"].startswith("SYNTHETIC facility inventory")
    assert all(attributes["name"].startswith("Synthetic ") for attributes, _ in facilities)


def test_facilities_lie_in_their_mainland_province(facilities):
    dataset = ogr.Open(str(GPKG))
    provinces = {f["code"]: f.GetGeometryRef().Clone() for f in dataset.GetLayerByName("provinces")}
    for attributes, (lon, _, lat, _) in facilities:
        point = ogr.Geometry(ogr.wkbPoint)
        point.AddPoint_2D(lon, lat)
        assert attributes["province"].startswith("CN-")
        assert provinces[attributes["province"]].Contains(point), attributes


def test_facility_emissions_are_heavy_tailed(facilities):
    co2 = np.array([attributes["co2_t"] for attributes, _ in facilities])
    assert (co2 > 0).all()
    assert 1e9 < co2.sum() < 2e10
    assert co2.max() > 20 * np.median(co2)  # a few huge plants, a long tail of small ones
    largest_tenth = np.sort(co2)[::-1][: len(co2) // 10]
    assert largest_tenth.sum() > co2.sum() / 3
    by_province: dict[str, float] = {}
    for attributes, _ in facilities:
        province = attributes["province"]
        by_province[province] = by_province.get(province, 0.0) + attributes["co2_t"]
    ranked = sorted(by_province, key=by_province.get, reverse=True)
    assert {"CN-SD", "CN-HE", "CN-JS"} <= set(ranked[:6])


def test_every_province_code_is_an_mrio_region(mrio, facilities):
    regions = set(mrio["x"].index.get_level_values("region"))
    province_codes = {a["code"] for a, _ in read_features(GPKG, "provinces")}
    assert province_codes <= regions
    assert {attributes["province"] for attributes, _ in facilities} <= regions
    assert len(regions) == 40


def test_mrio_is_a_valid_io_system(mrio):
    flows, final, output = mrio["Z"].to_numpy(), mrio["Y"].to_numpy(), mrio["x"].to_numpy()[:, 0]
    assert flows.shape == (440, 440)
    assert final.shape == (440, 160)
    assert (mrio["Z"].columns == mrio["Z"].index).all()
    assert list(mrio["x"].columns) == ["indout"]
    assert set(mrio["Y"].columns.get_level_values("category")) == set(CATEGORIES)
    assert (flows >= 0).all() and (final >= 0).all()
    assert (output > 0).all()
    np.testing.assert_allclose(flows.sum(axis=1) + final.sum(axis=1), output, rtol=1e-9)
    column_sums = (flows / output).sum(axis=0)
    assert column_sums.max() <= 0.8


def test_mrio_extension_matches_the_tables(mrio):
    assert list(mrio["F"].index) == ["CO2"]
    assert (mrio["F"].columns == mrio["Z"].columns).all()
    assert (mrio["F_Y"].columns == mrio["Y"].columns).all()
    assert (mrio["F"].to_numpy() >= 0).all() and (mrio["F_Y"].to_numpy() >= 0).all()
    parameters = json.loads((MRIO / "emissions" / "file_parameters.json").read_text())
    assert parameters["systemtype"] == "Extension"
    assert parameters["files"]["F"] == {"name": "F.txt", "nr_index_col": "1", "nr_header": "2"}
    core = json.loads((MRIO / "file_parameters.json").read_text())
    assert core["systemtype"] == "IOSystem"
    assert core["files"]["Z"] == {"name": "Z.txt", "nr_index_col": "2", "nr_header": "2"}


def test_mrio_emissions_are_the_inventory_through_the_concordance(mrio, facilities):
    """F of Chinese industrial sectors = facilities (+ the 1A2 area raster) via the concordance."""
    concordance = read_concordance(DEMO / "concordance.csv")
    expected: dict[tuple[str, str], float] = {}
    for attributes, _ in facilities:
        for row in concordance:
            if row["inventory_sector"] == attributes["sector_code"]:
                key = (attributes["province"], row["mrio_sector"])
                expected[key] = expected.get(key, 0.0) + attributes["co2_t"] * float(row["weight"])
    raster = gdal.Open(str(DEMO / "other_manufacturing_area.tif")).ReadAsArray().astype(float)
    area_total = raster[raster > 0].sum()
    emissions = mrio["F"].loc["CO2"]
    area_sectors = {row["mrio_sector"] for row in concordance if row["inventory_sector"] == "1A2"}
    inventory_sectors = {row["mrio_sector"] for row in concordance}
    for (province, sector), total in expected.items():
        if sector not in area_sectors:
            assert emissions[(province, sector)] == pytest.approx(total, abs=0.01)
    china = [key for key in emissions.index if key[0].startswith("CN-")]
    in_mrio = sum(emissions[key] for key in china if key[1] in inventory_sectors)
    assert in_mrio == pytest.approx(sum(expected.values()) + area_total, rel=1e-9)


def test_foreign_demand_drives_about_15_percent(mrio):
    """The share the reference study found was 14.6%; USA, HK, Japan the largest drivers."""
    flows, final, output = mrio["Z"].to_numpy(), mrio["Y"].to_numpy(), mrio["x"].to_numpy()[:, 0]
    driven = np.linalg.solve(np.eye(len(output)) - flows / output, final)
    regions = mrio["x"].index.get_level_values("region")
    sectors = mrio["x"].index.get_level_values("sector")
    industrial = ~np.isin(sectors, ["AGR", "CONS", "SERV"])
    emissions = np.where(regions.str.startswith("CN-") & industrial, mrio["F"].to_numpy()[0], 0)
    attributed = (emissions / output) @ driven
    consumers = mrio["Y"].columns.get_level_values("region")
    foreign = pd.Series(attributed, index=consumers).groupby(level=0).sum()
    foreign = foreign[~foreign.index.str.startswith("CN-")]
    assert foreign.sum() / emissions.sum() == pytest.approx(0.15, abs=0.02)
    countries = foreign.drop("ROW").sort_values(ascending=False)
    assert list(countries.index[:3]) == ["USA", "HKG", "JPN"]


def test_concordance_weights(facilities):
    rows = read_concordance(DEMO / "concordance.csv")
    totals: dict[str, float] = {}
    targets: dict[str, set[str]] = {}
    for row in rows:
        code = row["inventory_sector"]
        totals[code] = totals.get(code, 0.0) + float(row["weight"])
        targets.setdefault(code, set()).add(row["mrio_sector"])
    assert all(total == pytest.approx(1.0, abs=1e-12) for total in totals.values())
    assert any(len(sectors) > 1 for sectors in targets.values())
    assert {attributes["sector_code"] for attributes, _ in facilities} <= set(totals)
    mrio_sectors = set(pd.read_csv(MRIO / "sectors.txt", sep="\t")["sector"])
    assert set().union(*targets.values()) <= mrio_sectors


def test_area_raster():
    dataset = gdal.Open(str(DEMO / "other_manufacturing_area.tif"))
    band = dataset.GetRasterBand(1)
    srs = osr.SpatialReference(wkt=dataset.GetProjection())
    assert srs.GetAuthorityName(None) == "EPSG" and srs.GetAuthorityCode(None) == "4326"
    assert dataset.GetGeoTransform()[1] == pytest.approx(0.1)
    assert band.DataType == gdal.GDT_Float32
    assert band.GetNoDataValue() is not None
    assert band.GetDescription().startswith("SYNTHETIC")
    values = band.ReadAsArray()
    valid = values[values != band.GetNoDataValue()]
    assert (valid >= 0).all()
    assert valid.sum() > 0


def test_manifest_lists_loadable_layers():
    manifest = json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))
    roles = {entry["role"] for entry in manifest["layers"]}
    assert {"boundaries", "cities", "ports", "countries", "inventory", "raster"} <= roles
    for entry in manifest["layers"]:
        path = DEMO / entry["file"]
        assert path.is_file()
        if entry["layer"] is not None:
            assert ogr.Open(str(path)).GetLayerByName(entry["layer"]) is not None
        if entry["role"] in ("inventory", "raster"):
            assert entry["display_name"].startswith("SYNTHETIC ")
    assert (DEMO / manifest["mrio"]["folder"] / "Z.txt").is_file()
    assert manifest["mrio"]["display_name"].startswith("SYNTHETIC ")


def test_generator_is_deterministic(regenerated):
    first, second = regenerated
    for name in TEXT_OUTPUTS:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert read_features(first / "china_demo.gpkg", "facilities") == read_features(
        second / "china_demo.gpkg", "facilities"
    )
    first_raster = gdal.Open(str(first / "other_manufacturing_area.tif")).ReadAsArray()
    second_raster = gdal.Open(str(second / "other_manufacturing_area.tif")).ReadAsArray()
    np.testing.assert_array_equal(first_raster, second_raster)


def test_shipped_data_is_what_the_generator_makes(regenerated, mrio, facilities):
    """The shipped files are up to date with the script (to rounding, across platforms)."""
    first, _ = regenerated
    rebuilt = read_features(first / "china_demo.gpkg", "facilities")
    assert [a for a, _ in rebuilt] == [a for a, _ in facilities]
    np.testing.assert_allclose(
        [envelope for _, envelope in rebuilt], [envelope for _, envelope in facilities], atol=2e-5
    )
    for key, table in read_mrio(first / "mrio").items():
        assert (table.index == mrio[key].index).all()
        np.testing.assert_allclose(table.to_numpy(), mrio[key].to_numpy(), rtol=1e-5, err_msg=key)
    for name in ("concordance.csv", "manifest.json"):
        assert (first / name).read_bytes() == (DEMO / name).read_bytes()
