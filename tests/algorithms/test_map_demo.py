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
from osgeo import ogr
from qgis.core import QgsVectorLayer

from footprint_plugin.engine.mrio.attribution import attribute_emissions, driven_shares
from footprint_plugin.engine.mrio.readers import read_mrio
from tests.algorithms.map_cases import balance, read_bands, table
from tests.demo_study import DEMO, GPKG, demo_map_parameters

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
    assert len(rows) == 4310
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
