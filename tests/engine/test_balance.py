"""The balance table and the accounts of every source add up to the inventory."""

import numpy as np
import pandas as pd
import pytest

from footprint_plugin.engine.mapping.balance import balance_table, source_accounts
from footprint_plugin.engine.mapping.bands import footprint_bands
from footprint_plugin.engine.mapping.inventory import InventoryRows, parse_emissions
from footprint_plugin.engine.reasons import REASONS, Reason

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


def test_balance_columns_sources_and_shares():
    """The documented columns; attributed bands count the sources with an attributed row; each
    share is the amount over the inventory total (12)."""
    emissions, rows, bands, shares_by_band = example()
    totals = np.array([6.0, 4.0]) @ shares_by_band
    table = balance_table(emissions, rows, bands, totals)
    assert list(table.columns) == ["account", "item", "description", "sources", "amount", "share"]
    indexed = table.set_index(["account", "item"])
    assert (indexed.loc["attributed", "sources"] == 2).all()  # sources 0 and 1
    assert indexed.loc[("inventory", "all sources"), "sources"] == 4
    np.testing.assert_allclose(table["share"], table["amount"] / 12.0)
    assert indexed.loc[("unattributed", "no_region"), "share"] == pytest.approx(4.0 / 12.0)


def test_balance_of_an_inventory_adding_up_to_zero_has_no_shares():
    """An inventory whose negative value cancels the positive one has total 0: no amount is a
    share of it, so every share is NaN (not an infinity)."""
    emissions = parse_emissions([5.0, -5.0])
    rows = InventoryRows(
        source=np.array([0, 1]),
        part=np.array([0, 1]),
        producer=np.array([1, -1]),
        emission=np.array([5.0, -5.0]),
        reason=np.array([0, Reason.INVALID_EMISSION]),
    )
    bands = footprint_bands(LABELS, ["H"])
    shares_by_band = SHARE @ bands.matrix
    table = balance_table(emissions, rows, bands, np.array([0.0, 5.0]) @ shares_by_band)
    assert table.loc[table["item"] == "invalid_emission", "amount"].item() == -5.0
    assert table["share"].isna().all()


def test_small_footprints_still_name_their_top_foreign_consumer():
    """A source of 0.5 t sends 0.15 t to F1 and 0.1 t to F2: F1 is its top foreign consumer
    although the amount is below 1."""
    _, _, bands, shares_by_band = example()
    rows = InventoryRows(
        source=np.array([0]),
        part=np.array([0]),
        producer=np.array([0]),
        emission=np.array([0.5]),
        reason=np.array([0]),
    )
    accounts = source_accounts(rows, 1, shares_by_band, bands)
    assert accounts["top_foreign_consumer"].tolist() == ["F1"]
    assert accounts["top_foreign_amount"].tolist() == pytest.approx([0.15])


def test_without_foreign_consumer_bands_there_is_no_top_foreign_consumer():
    """When every consumer region is domestic there is no foreign band: the columns are still
    there, with no consumer and an amount of 0."""
    bands = footprint_bands(LABELS, ["H", "F1", "F2"])
    assert bands.foreign_consumer_bands == []
    rows = InventoryRows(
        source=np.array([0, 1]),
        part=np.array([0, 1]),
        producer=np.array([0, 1]),
        emission=np.array([2.0, 3.0]),
        reason=np.array([0, 0]),
    )
    accounts = source_accounts(rows, 2, SHARE @ bands.matrix, bands)
    assert accounts["top_foreign_consumer"].isna().all()
    assert accounts["top_foreign_amount"].tolist() == [0.0, 0.0]
    np.testing.assert_allclose(accounts["domestic"], [2.0, 3.0])
    np.testing.assert_allclose(accounts["unattributed"], [0.0, 0.0])


def test_the_main_reason_is_the_one_holding_most_of_the_unattributed_amount():
    """Source 0 loses 1 t for no region and 3 t outside the extent; source 1 loses 2 t for an
    unknown sector and 0.5 t for no region; the last source is fully attributed (its
    unattributed amount is 0, not missing)."""
    _, _, bands, shares_by_band = example()
    rows = InventoryRows(
        source=np.array([0, 0, 1, 1, 2]),
        part=np.array([0, 1, 2, 3, 4]),
        producer=np.array([-1, -1, -1, -1, 0]),
        emission=np.array([1.0, 3.0, 2.0, 0.5, 7.0]),
        reason=np.array(
            [Reason.NO_REGION, Reason.OUTSIDE_EXTENT, Reason.UNKNOWN_SECTOR, Reason.NO_REGION, 0]
        ),
    )
    accounts = source_accounts(rows, 3, shares_by_band, bands)
    np.testing.assert_allclose(accounts["unattributed"], [4.0, 2.5, 0.0])
    np.testing.assert_allclose(accounts["attributed"], [0.0, 0.0, 7.0])
    assert accounts["unattributed_reason"].tolist()[:2] == [
        REASONS[Reason.OUTSIDE_EXTENT],
        REASONS[Reason.UNKNOWN_SECTOR],
    ]
    assert pd.isna(accounts["unattributed_reason"][2])
