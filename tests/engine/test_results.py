"""Result tables: long form, footprints per consumer, unattributed account, domestic/foreign."""

import numpy as np
import pandas as pd
import pytest

from footprint_plugin.engine.mrio.attribution import (
    attribute_emissions,
    driven_shares,
)
from footprint_plugin.engine.mrio.model import build_mrio
from footprint_plugin.engine.mrio.results import (
    attribution_table,
    domestic_foreign_split,
    footprint_by_consumer,
    unattributed_table,
)
from footprint_plugin.engine.mrio.stressors import select_stressor
from footprint_plugin.engine.reasons import (
    PRODUCER_NEGATIVE,
    PRODUCER_NON_FINITE,
    PRODUCER_ZERO_OUTPUT,
)
from tests.engine.test_mrio_validation import DEMAND_LABELS, PRODUCERS
from tests.synthetic import random_mrio

REGIONS = ["CN-BJ", "CN-SH", "US", "JP"]


@pytest.fixture(scope="module")
def mrio():
    return random_mrio(4, 5, 3, seed=11, zero_output_producers=1, regions=REGIONS)


@pytest.fixture(scope="module")
def attribution(mrio):
    co2 = select_stressor(mrio, "emissions/CO2")
    return attribute_emissions(driven_shares(mrio), co2.from_producers, co2.from_final_demand)


def test_long_table_holds_every_cell_of_d(attribution):
    table = attribution_table(attribution, keep_zeros=True)
    n, m = attribution.attributed.shape
    assert len(table) == n * m
    assert list(table.columns) == [
        "producing_region",
        "producing_sector",
        "consumer_region",
        "category",
        "emissions",
    ]
    pivot = table.pivot_table(
        index=["producing_region", "producing_sector"],
        columns=["consumer_region", "category"],
        values="emissions",
        sort=False,
    )
    pivot = pivot.reindex(index=attribution.producers, columns=attribution.final_demand_labels)
    np.testing.assert_array_equal(pivot.to_numpy(), attribution.attributed)
    nonzero = attribution_table(attribution)
    assert len(nonzero) == np.count_nonzero(attribution.attributed)
    assert (nonzero["emissions"] != 0).all()


@pytest.mark.parametrize(
    "by, columns",
    [
        ("region", ["consumer_region"]),
        ("category", ["category"]),
        ("both", ["consumer_region", "category"]),
    ],
)
def test_footprint_by_consumer_sums_and_shares(attribution, by, columns):
    table = footprint_by_consumer(attribution, by=by)
    assert list(table.columns) == [*columns, "attributed", "direct", "footprint", "share"]
    assert table["footprint"].sum() == pytest.approx(attribution.attributed.sum(), rel=1e-12)
    assert table["direct"].sum() == pytest.approx(attribution.direct.sum(), rel=1e-12)
    assert table["share"].sum() == pytest.approx(1.0, rel=1e-12)
    with_direct = footprint_by_consumer(attribution, by=by, include_direct=True)
    np.testing.assert_allclose(
        with_direct["footprint"], table["attributed"] + table["direct"], rtol=1e-12
    )


def test_footprint_by_region_lists_regions_in_order(attribution):
    table = footprint_by_consumer(attribution, by="region")
    assert table["consumer_region"].tolist() == REGIONS
    us = attribution.final_demand_labels.get_level_values("region") == "US"
    assert table["attributed"].iloc[2] == pytest.approx(attribution.attributed[:, us].sum())
    with pytest.raises(ValueError, match="by must be 'region', 'category' or 'both'"):
        footprint_by_consumer(attribution, by="sector")


def test_domestic_and_foreign_add_up_to_emissions(attribution):
    split = domestic_foreign_split(attribution, "cn-*")
    total = split["domestic"] + split["foreign"] + split["unattributed"]
    np.testing.assert_allclose(total, split["emissions"], rtol=1e-12)
    assert split["home_producer"].tolist() == [
        region.startswith("CN") for region in split["producing_region"]
    ]
    explicit = domestic_foreign_split(attribution, ["CN-BJ", "CN-SH"])
    np.testing.assert_array_equal(explicit["foreign"], split["foreign"])
    consumers = attribution.final_demand_labels.get_level_values("region")
    foreign = ~consumers.str.startswith("CN")
    np.testing.assert_allclose(split["foreign"], attribution.attributed[:, foreign].sum(axis=1))


def test_unattributed_account_has_a_reason_per_producer(mrio):
    shares = driven_shares(mrio)
    emissions = np.ones(len(mrio.producers))
    emissions[1], emissions[2], emissions[3] = -2.0, np.nan, np.inf
    result = attribute_emissions(shares, emissions)
    table = unattributed_table(result)
    zero = np.flatnonzero(mrio.zero_output)
    assert table["producing_sector"].tolist() == [
        mrio.producers[i][1] for i in sorted([1, 2, 3, *zero])
    ]
    reasons = dict(zip(table["producing_sector"], table["reason"]))
    assert reasons[mrio.producers[1][1]] == PRODUCER_NEGATIVE
    assert reasons[mrio.producers[2][1]] == PRODUCER_NON_FINITE
    assert reasons[mrio.producers[zero[0]][1]] == PRODUCER_ZERO_OUTPUT
    assert table["emissions"].iloc[0] == -2.0
    assert np.isfinite(result.attributed).all()
    finite = np.isfinite(emissions)
    np.testing.assert_allclose(
        result.attributed.sum(axis=1)[finite] + result.unattributed[finite],
        emissions[finite],
        rtol=1e-12,
    )


def test_footprint_by_consumer_is_by_region_by_default(attribution):
    table = footprint_by_consumer(attribution)
    assert table["consumer_region"].tolist() == REGIONS
    assert table.index.equals(pd.RangeIndex(len(REGIONS)))  # plain rows, like the other tables


def two_consumers(emissions, direct=None):
    """One producer with Y = (1, 3) for consumer regions A and B: shares 0.25 and 0.75."""
    mrio = build_mrio(
        PRODUCERS[:1], DEMAND_LABELS, np.array([[1.0, 3.0]]), intermediate_flows=np.zeros((1, 1))
    )
    return attribute_emissions(driven_shares(mrio), emissions, direct)


def test_shares_of_a_total_of_exactly_one():
    table = footprint_by_consumer(two_consumers([1.0]))
    assert table["footprint"].tolist() == [0.25, 0.75]
    assert table["share"].tolist() == [0.25, 0.75]


def test_shares_are_undefined_when_footprints_cancel_out():
    """Direct emissions of +1 and -1 (a removal) and nothing attributed: the total is 0, so
    shares are undefined (NaN), not infinite."""
    table = footprint_by_consumer(two_consumers([0.0], [1.0, -1.0]), include_direct=True)
    assert table["footprint"].tolist() == [1.0, -1.0]
    assert table["share"].isna().all()


def test_domestic_foreign_split_columns(attribution):
    split = domestic_foreign_split(attribution, "US")
    assert list(split.columns) == [
        "producing_region",
        "producing_sector",
        "home_producer",
        "emissions",
        "domestic",
        "foreign",
        "unattributed",
    ]
    assert split["producing_sector"].tolist() == list(
        attribution.producers.get_level_values("sector")
    )
