"""Attribution on MRIOs small enough to solve by hand: where shares are defined, which
emissions go to the unattributed account, and the shapes emissions may be given in."""

import numpy as np
import pytest

from footprint_plugin.engine.mrio.attribution import attribute_emissions, driven_shares
from footprint_plugin.engine.mrio.model import build_mrio
from footprint_plugin.engine.mrio.results import unattributed_table
from footprint_plugin.engine.reasons import PRODUCER_NON_FINITE, PRODUCER_ZERO_OUTPUT
from tests.engine.test_mrio_validation import DEMAND_LABELS, PRODUCERS, build


def test_a_producer_with_an_output_of_exactly_one_is_attributed():
    """One producer, x = Y = 1: its whole output, and all its emissions, go to the one
    final-demand column."""
    mrio = build_mrio(
        PRODUCERS[:1], DEMAND_LABELS[:1], np.array([[1.0]]), intermediate_flows=np.zeros((1, 1))
    )
    shares = driven_shares(mrio)
    np.testing.assert_array_equal(shares.share, [[1.0]])
    result = attribute_emissions(shares, [5.0])
    np.testing.assert_array_equal(result.attributed, [[5.0]])
    assert result.unattributed[0] == 0.0


def test_a_zero_output_producer_stays_unattributed_when_negative_flows_drive_it():
    """The mill sells 2 to the farm and has Y = -2, so x = 0, yet it buys 1 from the farm.
    A = [[0, 0], [0.5, 0]], X = L·Y = [3, 1.5 - 2 = -0.5]: its row of X is not zero, but with
    x = 0 it has no driven shares and its emissions are unattributed."""
    mrio = build_mrio(
        PRODUCERS[:2],
        DEMAND_LABELS[:1],
        np.array([[3.0], [-2.0]]),
        intermediate_flows=np.array([[0.0, 1.0], [2.0, 0.0]]),
    )
    np.testing.assert_array_equal(mrio.total_output, [4.0, 0.0])
    shares = driven_shares(mrio)
    np.testing.assert_array_equal(shares.zero_output, [False, True])
    np.testing.assert_allclose(shares.share, [[1.0], [0.0]], rtol=1e-12)
    result = attribute_emissions(shares, [10.0, 7.0])
    np.testing.assert_allclose(result.attributed, [[10.0], [0.0]], rtol=1e-12)
    np.testing.assert_array_equal(result.unattributed, [0.0, 7.0])
    assert result.reasons.tolist() == ["", PRODUCER_ZERO_OUTPUT]


def test_zero_emissions_are_not_unattributed():
    """A producer emitting nothing has nothing to account for: no reason, no row."""
    result = attribute_emissions(driven_shares(build()), [0.0, 2.0, 3.0])
    assert result.reasons.tolist() == ["", "", ""]
    assert len(unattributed_table(result)) == 0
    np.testing.assert_array_equal(result.attributed[0], [0.0, 0.0])


def test_emissions_given_as_a_column_are_the_same_emissions():
    """e as an n x 1 column (a one-column table) gives the D of the flat vector."""
    shares = driven_shares(build())
    emissions = np.array([1.0, 2.0, 3.0])
    column = attribute_emissions(shares, emissions.reshape(-1, 1), [[0.5], [0.25]])
    assert column.attributed.shape == (3, 2)
    np.testing.assert_array_equal(column.attributed, shares.share * emissions[:, None])
    np.testing.assert_array_equal(column.direct, [0.5, 0.25])


@pytest.mark.parametrize("missing", [None, np.nan])
def test_a_missing_emission_is_unattributed_as_non_finite(missing):
    """None (an empty cell) is a missing amount like NaN, not a type error."""
    shares = driven_shares(build())
    result = attribute_emissions(shares, [1.0, missing, 3.0])
    assert result.reasons.tolist() == ["", PRODUCER_NON_FINITE, ""]
    np.testing.assert_array_equal(result.attributed[1], [0.0, 0.0])
    np.testing.assert_array_equal(result.attributed[2], shares.share[2] * 3.0)
