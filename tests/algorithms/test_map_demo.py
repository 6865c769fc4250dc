"""footprint:mapfootprint on the demo data: the bands add up to the engine's own totals.

The expected totals are computed without the plugin's reading, placing or gridding: each
facility's province is the first province (layer order) whose polygon holds it, found with
OGR (two demo provinces overlap slightly, so the rule matters for two facilities); emissions
are summed by (province, MRIO sector) through the concordance with pandas, then attributed by
the engine (D = diag(e) S).
"""

import hashlib

import numpy as np
import pandas as pd
import pytest
from osgeo import gdal, ogr
from qgis.core import QgsVectorLayer

from footprint_plugin.engine.mrio.attribution import attribute_emissions, driven_shares
from footprint_plugin.engine.mrio.readers import read_mrio
from tests.algorithms.map_cases import balance, read_bands, table
from tests.demo_study import DEMO, GPKG, band_values, demo_map_parameters, demo_zones_on_subcells

FOREIGN_REGIONS = ("USA", "JPN", "KOR", "DEU", "GBR", "ROW")  # HKG, MAC, TWN are in REGIONS


def run_demo(processing, tmp_path, **parameters):
    defaults = {"OUTPUT": str(tmp_path / "footprint.tif"), "BALANCE": "TEMPORARY_OUTPUT"}
    return processing.run(
        "footprint:mapfootprint", demo_map_parameters(**{**defaults, **parameters})
    )


def demo_rows(layer_name, *fields):
    """Attribute tuples of a demo layer, read with OGR."""
    dataset = ogr.Open(str(GPKG))
    return [
        tuple(feature[name] for name in fields) for feature in dataset.GetLayerByName(layer_name)
    ]


def facility_provinces():
    """Province of every facility: the first province polygon (layer order) holding it."""
    dataset = ogr.Open(str(GPKG))
    provinces = [
        (feature["code"], feature.GetGeometryRef().Clone())
        for feature in dataset.GetLayerByName("provinces")
    ]
    return [
        next(code for code, polygon in provinces if polygon.Intersects(feature.GetGeometryRef()))
        for feature in dataset.GetLayerByName("facilities")
    ]


def engine_footprint(domestic_regions):
    """Band totals (total, domestic, foreign, per foreign region) computed by the engine."""
    inventory = pd.DataFrame(
        demo_rows("facilities", "sector_code", "co2_t"), columns=["inventory_sector", "co2"]
    )
    inventory["region"] = facility_provinces()
    concordance = pd.read_csv(DEMO / "concordance.csv")
    split = inventory.merge(concordance, on="inventory_sector")
    split["co2"] *= split["weight"]
    by_producer = split.groupby(["region", "mrio_sector"])["co2"].sum()
    shares = driven_shares(read_mrio(DEMO / "mrio"))
    emissions = by_producer.reindex(shares.producers, fill_value=0.0).to_numpy()
    assert emissions.sum() == pytest.approx(inventory["co2"].sum(), rel=1e-12)
    driven = attribute_emissions(shares, emissions).attributed.sum(axis=0)
    consumer = shares.final_demand_labels.get_level_values("region")
    domestic = consumer.isin(domestic_regions)
    totals = {"total": driven.sum(), "domestic": driven[domestic].sum()}
    totals["foreign"] = driven[~domestic].sum()
    for region in FOREIGN_REGIONS:
        totals[region] = driven[consumer == region].sum()
    return totals, inventory["co2"].sum()


def facility_accounts(domestic_regions):
    """Every demo facility (OGR) by facility_id: its co2_t and foreign-driven part, co2_t x
    the concordance weights (pandas) x the foreign-driven share of its province's sectors
    (the engine's driven shares)."""
    facilities = pd.DataFrame(
        demo_rows("facilities", "facility_id", "sector_code", "co2_t"),
        columns=["facility_id", "inventory_sector", "co2_t"],
    )
    facilities["region"] = facility_provinces()
    shares = driven_shares(read_mrio(DEMO / "mrio"))
    consumer = shares.final_demand_labels.get_level_values("region")
    foreign = ~np.asarray(consumer.isin(domestic_regions))
    foreign_share = pd.Series(shares.share[:, foreign].sum(axis=1), index=shares.producers)
    split = facilities.merge(pd.read_csv(DEMO / "concordance.csv"), on="inventory_sector")
    split["foreign"] = (
        split["co2_t"]
        * split["weight"]
        * foreign_share.reindex(pd.MultiIndex.from_frame(split[["region", "mrio_sector"]]))
        .fillna(0.0)
        .to_numpy()
    )
    facilities = facilities.set_index("facility_id")
    facilities["foreign"] = split.groupby("facility_id")["foreign"].sum()
    return facilities.fillna({"foreign": 0.0})


def gridded_foreign_share(raster_path, sector="1A2", subcells=3):
    """Foreign-driven share of the demo's gridded inventory ``raster_path`` (one band of
    ``sector``), the provinces being the territory.

    The mass is read with GDAL, every non-zero cell kept whole; it goes to the provinces by
    the share of its ``subcells`` x ``subcells`` sub-cells each holds, found by GDAL's
    rasterizer on a grid that fine (a sub-cell is a province's when its centre is inside; the
    first province in layer order wins where two overlap), counting only sub-cells on land.
    Province masses are split over MRIO sectors by the concordance (pandas) and over consumers
    by the engine's driven shares. 3 x 3 is the method's sub-cell count for 0.1 degree cells
    (11 km north-south) on a 10 km grid, the fewest making sub-cells at most half a target
    cell wide; with 16 x 16 (areas nearer exact) the share differs by 2e-4 (relative).
    """
    dataset = gdal.Open(str(raster_path))
    mass = band_values(dataset)
    province, codes = demo_zones_on_subcells(dataset, "provinces", "code", subcells, True)
    on_land = (province >= 0).sum(axis=(1, 3))
    assert on_land[mass != 0].min() > 0  # every cell with emissions touches a province
    by_province = pd.Series(
        [
            (mass * (province == position).sum(axis=(1, 3)) / np.maximum(on_land, 1)).sum()
            for position in range(len(codes))
        ],
        index=codes,
    )
    assert by_province.sum() == pytest.approx(mass.sum(), rel=1e-12)

    concordance = pd.read_csv(DEMO / "concordance.csv")
    weights = concordance[concordance["inventory_sector"] == sector]
    weights = weights.groupby("mrio_sector")["weight"].sum()
    shares = driven_shares(read_mrio(DEMO / "mrio"))
    emissions = pd.Series(0.0, index=shares.producers)
    for code, amount in by_province.items():
        for mrio_sector, weight in weights.items():
            emissions[(code, mrio_sector)] += amount * weight
    driven = emissions.to_numpy() @ shares.share
    foreign = ~shares.final_demand_labels.get_level_values("region").isin(codes)
    return driven[foreign].sum() / driven.sum()


def digest(*paths):
    sha = hashlib.sha256()
    for path in paths:
        for file in sorted([path] if path.is_file() else path.rglob("*")):
            if file.is_file():
                sha.update(file.read_bytes())
    return sha.hexdigest()


def test_bands_add_up_to_the_engine_totals_and_the_balance(processing, provider, tmp_path):
    before = digest(GPKG, DEMO / "mrio", DEMO / "concordance.csv")
    results = run_demo(
        processing,
        tmp_path,
        OUTPUT_SOURCES=str(tmp_path / "sources.gpkg"),
        CONSUMERS="TEMPORARY_OUTPUT",
    )
    provinces = [code for (code,) in demo_rows("provinces", "code")]
    expected, inventory_total = engine_footprint(provinces)
    bands = read_bands(results["OUTPUT"])
    names = ["total", "domestic", "foreign", *FOREIGN_REGIONS]

    assert bands.shape[0] == len(names)
    for position, name in enumerate(names):
        assert np.nansum(bands[position]) == pytest.approx(expected[name], rel=1e-6), name
    assert results["TOTAL"] == pytest.approx(expected["total"], rel=1e-9)
    assert results["FOREIGN"] == pytest.approx(expected["foreign"], rel=1e-9)
    assert results["FOREIGN_SHARE"] == pytest.approx(expected["foreign"] / expected["total"])

    accounts = balance(results)
    unattributed = accounts.loc["unattributed", "amount"].sum()
    assert accounts.loc[("inventory", "all sources"), "amount"] == pytest.approx(inventory_total)
    assert inventory_total - unattributed == pytest.approx(results["TOTAL"], rel=1e-9)
    assert np.nansum(bands[0]) == pytest.approx(inventory_total - unattributed, rel=1e-6)
    for name in names:
        assert accounts.loc[("attributed", name), "amount"] == pytest.approx(expected[name])

    sources = QgsVectorLayer(str(tmp_path / "sources.gpkg"), "sources", "ogr")
    rows = table(sources)
    facilities = facility_accounts(provinces)
    assert len(rows) == len(facilities)  # one row per facility of the demo (OGR)
    rows = rows.set_index("facility_id")
    assert sorted(rows.index) == sorted(facilities.index)
    np.testing.assert_array_equal(rows["co2_t"], facilities.loc[rows.index, "co2_t"])
    np.testing.assert_allclose(
        rows["foreign"], facilities.loc[rows.index, "foreign"], rtol=1e-9, atol=1e-6
    )
    assert rows["attributed"].sum() == pytest.approx(results["TOTAL"], rel=1e-9)
    assert rows["foreign"].sum() == pytest.approx(results["FOREIGN"], rel=1e-9)
    np.testing.assert_allclose(rows["attributed"] + rows["unattributed"], rows["co2_t"], rtol=1e-9)
    assert set(rows["top_foreign_consumer"].dropna()) <= set(FOREIGN_REGIONS)

    consumers = table(results["CONSUMERS"])
    assert consumers["footprint"].sum() == pytest.approx(results["TOTAL"], rel=1e-9)
    assert consumers.loc[~consumers["domestic"].astype(bool), "footprint"].sum() == pytest.approx(
        results["FOREIGN"], rel=1e-9
    )
    assert digest(GPKG, DEMO / "mrio", DEMO / "concordance.csv") == before


def test_china_as_home_gives_the_demo_s_foreign_share(processing, provider, tmp_path):
    results = run_demo(processing, tmp_path, DOMESTIC_REGIONS="CN-*")
    mainland = [code for (code,) in demo_rows("provinces", "code") if code.startswith("CN-")]
    expected, _ = engine_footprint(mainland)

    assert results["FOREIGN"] == pytest.approx(expected["foreign"], rel=1e-9)
    assert 0.14 < results["FOREIGN_SHARE"] < 0.16  # the demo MRIO is calibrated to 15%
    assert read_bands(results["OUTPUT"]).shape[0] == 3 + 9  # nine foreign consumers
