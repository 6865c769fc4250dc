"""The balance table and the accounts of every source add up to the inventory."""

import numpy as np
import pandas as pd
import pytest

from footprint_plugin.engine.mapping.balance import balance_table, source_accounts
from footprint_plugin.engine.mapping.bands import footprint_bands
from footprint_plugin.engine.mapping.inventory import InventoryRows, parse_emissions
from footprint_plugin.engine.reasons import Reason

LABELS = pd.MultiIndex.from_product([["H", "F1", "F2"], ["hh"]], names=["region", "category"])
SHARE = np.array([[0.5, 0.3, 0.2], [1.0, 0.0, 0.0]])  # producers x final-demand columns


def example():
    emissions = parse_emissions([10.0, 4.0, None, -2.0])
    rows = InventoryRows(
        source=np.array([0, 0, 1, 2, 3]),
        part=np.array([0, 1, 2, 3, 4]),
        producer=np.array([0, -1, 1, -1, -1]),
        emission=np.array([6.0, 4.0, 4.0, 0.0, -2.0]),
        reason=np.array([0, Reason.NO_REGION, 0, Reason.INVALID_EMISSION, Reason.INVALID_EMISSION]),
    )
    bands = footprint_bands(LABELS, ["H"])
    return emissions, rows, bands, SHARE @ bands.matrix


def test_balance_identity():
    emissions, rows, bands, shares_by_band = example()
    totals = np.array([6.0, 4.0]) @ shares_by_band  # attributed emission of each producer
    table = balance_table(emissions, rows, bands, totals).set_index(["account", "item"])
    inventory = table.loc[("inventory", "all sources"), "amount"]
    assert inventory == 12.0
    unattributed = table.loc["unattributed", "amount"].sum()
    assert inventory - unattributed == pytest.approx(table.loc[("attributed", "total"), "amount"])
    assert table.loc[("unattributed", "invalid_emission"), "sources"] == 2
    assert table.loc[("unattributed", "no_region"), "amount"] == 4.0
    assert table.loc[("attributed", "foreign"), "amount"] == pytest.approx(3.0)


def test_source_accounts():
    _, rows, bands, shares_by_band = example()
    accounts = source_accounts(rows, 4, shares_by_band, bands)
    np.testing.assert_allclose(accounts["attributed"], [6.0, 4.0, 0.0, 0.0])
    np.testing.assert_allclose(accounts["foreign"], [3.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(accounts["domestic"] + accounts["foreign"], accounts["attributed"])
    assert accounts["top_foreign_consumer"][0] == "F1"
    assert accounts["top_foreign_consumer"][1:].isna().all()
    assert accounts["top_foreign_amount"][0] == pytest.approx(1.8)
    np.testing.assert_allclose(accounts["unattributed"], [4.0, 0.0, 0.0, -2.0])
    reasons = accounts["unattributed_reason"].tolist()
    assert reasons[0].startswith("no region") and pd.isna(reasons[1])
    assert reasons[2].startswith("invalid emission") and reasons[3].startswith("invalid")
