"""Invariants of the attribution on random MRIOs: conservation, linearity, signs, orders."""

import numpy as np
import scipy.sparse
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint_plugin.engine.mrio.aggregation import sum_by
from footprint_plugin.engine.mrio.attribution import (
    attribute_emissions,
    driven_output,
    driven_shares,
)
from footprint_plugin.engine.mrio.model import build_mrio
from footprint_plugin.engine.reasons import PRODUCER_ZERO_OUTPUT
from tests.synthetic import random_mrio

EXAMPLES = settings(max_examples=30, deadline=None)
COEFFICIENT = st.floats(-3.0, 3.0, allow_subnormal=False)
"""A scale factor: subnormal ones (5e-324) make every product round to a few bits."""


@st.composite
def mrios(draw):
    """Small random MRIOs, some with zero-output producers."""
    regions = draw(st.integers(1, 4))
    return random_mrio(
        n_regions=regions,
        n_sectors=draw(st.integers(1, 6)),
        n_categories=draw(st.integers(1, 3)),
        seed=draw(st.integers(0, 2**31)),
        domestic_density=draw(st.floats(0.2, 1.0)),
        trade_density=draw(st.floats(0.0, 0.5)),
        zero_output_producers=draw(st.integers(0, regions)),
    )


def emissions_for(mrio, seed):
    return np.random.default_rng(seed).lognormal(0.0, 2.0, len(mrio.producers))


@EXAMPLES
@given(mrios(), st.integers(0, 1000))
def test_attributed_plus_unattributed_is_each_producers_emissions(mrio, seed):
    emissions = emissions_for(mrio, seed)
    result = attribute_emissions(driven_shares(mrio), emissions)
    np.testing.assert_allclose(
        result.attributed.sum(axis=1) + result.unattributed, emissions, rtol=1e-12
    )
    assert (result.reasons[mrio.zero_output] == PRODUCER_ZERO_OUTPUT).all()
    assert (result.unattributed[~mrio.zero_output] == 0).all()


@EXAMPLES
@given(mrios())
def test_driven_output_rows_sum_to_total_output(mrio):
    output = driven_output(mrio)
    np.testing.assert_allclose(
        output.sum(axis=1), mrio.total_output, rtol=1e-10, atol=1e-12 * mrio.total_output.max()
    )


@EXAMPLES
@given(mrios(), st.integers(0, 1000), COEFFICIENT, COEFFICIENT)
def test_attribution_is_linear_in_emissions(mrio, seed, a, b):
    shares = driven_shares(mrio)
    first, second = emissions_for(mrio, seed), emissions_for(mrio, seed + 1)
    combined = attribute_emissions(shares, a * first + b * second)
    alone = [attribute_emissions(shares, e) for e in (first, second)]
    expected = a * alone[0].attributed + b * alone[1].attributed
    # negative combinations go to the unattributed account, row by row
    attributable = (a * first + b * second) >= 0
    np.testing.assert_allclose(
        combined.attributed[attributable],
        expected[attributable],
        rtol=1e-10,
        atol=1e-12 * np.abs(expected).max(),
    )


@EXAMPLES
@given(mrios(), st.integers(0, 1000), st.floats(0.0, 3.0, allow_subnormal=False))
def test_footprints_are_linear_in_final_demand_for_fixed_coefficients(mrio, seed, scale):
    """With A and emission intensities fixed, D = diag(f)·L·Y is linear in Y."""
    zero = mrio.zero_output
    coefficients = mrio.intermediate_flows / np.where(zero, 1.0, mrio.total_output)[None, :]
    intensity = emissions_for(mrio, seed)
    extra = np.random.default_rng(seed).random(mrio.final_demand.shape) * ~zero[:, None]

    def footprint(demand):
        system = build_mrio(
            mrio.producers, mrio.final_demand_labels, demand, technical_coefficients=coefficients
        )
        result = attribute_emissions(driven_shares(system), intensity * system.total_output)
        return result.attributed

    combined = footprint(mrio.final_demand + scale * extra)
    expected = footprint(mrio.final_demand) + scale * footprint(extra)
    np.testing.assert_allclose(combined, expected, rtol=1e-9, atol=1e-11 * np.abs(expected).max())


@EXAMPLES
@given(mrios(), st.integers(0, 1000))
def test_non_negative_inputs_give_non_negative_shares_and_emissions(mrio, seed):
    shares = driven_shares(mrio)
    result = attribute_emissions(shares, emissions_for(mrio, seed))
    assert (shares.share >= -1e-12).all()
    assert (result.attributed >= -1e-12 * result.emissions.max()).all()
    rows = ~shares.zero_output
    np.testing.assert_allclose(shares.share[rows].sum(axis=1), 1.0, rtol=1e-12)


@EXAMPLES
@given(mrios(), st.integers(0, 1000))
def test_aggregation_orders_commute(mrio, seed):
    attributed = attribute_emissions(driven_shares(mrio), emissions_for(mrio, seed)).attributed
    consumers, producers = mrio.final_demand_labels, mrio.producers
    columns_first, _ = sum_by(
        sum_by(attributed, consumers, "region")[0], producers, "region", axis=0
    )
    rows_first, _ = sum_by(sum_by(attributed, producers, "region", axis=0)[0], consumers, "region")
    np.testing.assert_allclose(columns_first, rows_first, rtol=1e-12)
    both, both_labels = sum_by(attributed, consumers, ["region", "category"])
    via_both, labels = sum_by(both, both_labels, "region")
    direct, direct_labels = sum_by(attributed, consumers, "region")
    np.testing.assert_allclose(via_both, direct, rtol=1e-12)
    assert labels.equals(direct_labels)


@settings(max_examples=15, deadline=None)
@given(mrios())
def test_dense_and_sparse_lu_agree(mrio):
    dense = driven_shares(mrio, method="dense")
    sparse = driven_shares(mrio, method="sparse")
    assert (dense.method, sparse.method) == ("dense", "sparse")
    np.testing.assert_allclose(dense.share, sparse.share, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(dense.zero_output, sparse.zero_output)


def test_auto_picks_sparse_lu_for_a_sparse_mrio():
    mrio = random_mrio(20, 30, 2, seed=1, domestic_density=0.01, trade_density=0.0)
    assert driven_shares(mrio).method == "sparse"
    assert driven_shares(random_mrio(3, 4, 2, seed=1)).method == "dense"


def test_sparse_input_matrix_gives_the_same_shares():
    mrio = random_mrio(3, 5, 2, seed=7, zero_output_producers=1)
    sparse_mrio = build_mrio(
        mrio.producers,
        mrio.final_demand_labels,
        mrio.final_demand,
        intermediate_flows=scipy.sparse.csr_matrix(mrio.intermediate_flows),
    )
    for method in ("dense", "sparse"):
        np.testing.assert_allclose(
            driven_shares(sparse_mrio, method=method).share,
            driven_shares(mrio).share,
            rtol=1e-10,
            atol=1e-14,
        )
