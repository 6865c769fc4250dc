"""build_mrio's numbers: x from Z and Y (or from A) in full precision, and when a given x is
accepted silently or warned about (OUTPUT_TOLERANCE, relative, at every scale)."""

import warnings

import numpy as np
import pytest
import scipy.sparse

from footprint_plugin.engine.errors import MrioWarning, NonFiniteError
from footprint_plugin.engine.mrio.model import build_mrio
from tests.engine.test_mrio_validation import DEMAND, DEMAND_LABELS, FLOWS, PRODUCERS, build

BIG = 2.0**24  # float32 holds integers exactly only up to 2**24: 2**24 + 1 rounds to 2**24


def one_producer(total_output, demand=1e6):
    """A single producer with no intermediate flows, so x = Y = ``demand``."""
    return build_mrio(
        PRODUCERS[:1],
        DEMAND_LABELS[:1],
        np.array([[demand]]),
        intermediate_flows=np.zeros((1, 1)),
        total_output=total_output,
    )


@pytest.mark.parametrize("as_sparse", [False, True])
def test_single_precision_tables_are_summed_in_double_precision(as_sparse):
    """Z and Y read as float32 hold 2**24 and 1 exactly, but their float32 sum does not:
    x must be 2 * (2**24 + 1), exact in float64, not a float32 sum rounded down."""
    flows = np.array([[BIG, 1.0], [0.0, 0.0]], dtype=np.float32)
    demand = np.array([[BIG, 1.0], [3.0, 0.0]], dtype=np.float32)
    mrio = build_mrio(
        PRODUCERS[:2],
        DEMAND_LABELS,
        demand,
        intermediate_flows=scipy.sparse.csr_matrix(flows) if as_sparse else flows,
    )
    np.testing.assert_array_equal(mrio.total_output, [2 * BIG + 2, 3.0])


def test_unit_and_name_default_to_empty():
    """Reports print the MRIO's name and unit as given: none given means none shown."""
    mrio = build()
    assert (mrio.unit, mrio.name) == ("", "")


def test_sparse_technical_coefficients_give_z_as_a_times_x():
    """Z = A diag(x) for A given sparse, as for A given dense (x solved from A and Y)."""
    total_output = FLOWS.sum(axis=1) + DEMAND.sum(axis=1)
    coefficients = FLOWS / total_output[None, :]
    mrio = build(
        intermediate_flows=None, technical_coefficients=scipy.sparse.csr_matrix(coefficients)
    )
    assert scipy.sparse.issparse(mrio.intermediate_flows)
    np.testing.assert_allclose(mrio.intermediate_flows.toarray(), FLOWS, rtol=1e-12)
    np.testing.assert_allclose(mrio.total_output, total_output, rtol=1e-12)


def test_coefficients_with_a_balancing_output_are_used_without_a_warning():
    """x = A·x + Y·1 holds for the x of the same MRIO given as Z: no repair, no warning."""
    total_output = FLOWS.sum(axis=1) + DEMAND.sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mrio = build(
            intermediate_flows=None,
            technical_coefficients=FLOWS / total_output[None, :],
            total_output=total_output,
        )
    assert mrio.warnings == ()
    np.testing.assert_allclose(mrio.intermediate_flows, FLOWS, rtol=1e-12)


def test_total_output_given_as_a_column_is_accepted():
    """A one-column table (n x 1), as a one-column DataFrame gives, is the same x."""
    total_output = FLOWS.sum(axis=1) + DEMAND.sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mrio = build(total_output=total_output.reshape(-1, 1))
    np.testing.assert_array_equal(mrio.total_output, total_output)


def test_output_off_by_exactly_the_tolerance_is_accepted():
    """The warning is for a relative difference *above* OUTPUT_TOLERANCE (1e-6): 1 in 1e6
    is exactly at it."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert one_producer([1e6 - 1.0]).warnings == ()
    with pytest.warns(MrioWarning, match="for 1 of 1 producers"):
        one_producer([1e6 - 1.5])


def test_rounding_sized_differences_are_accepted_at_any_scale():
    """x given to 7 significant digits (1e-7 relative) is not worth a warning, for amounts of
    thousands as for a producer with zero output, whose tolerance is not divided by 0."""
    demand = np.array([[1000.0], [0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mrio = build_mrio(
            PRODUCERS[:2],
            DEMAND_LABELS[:1],
            demand,
            intermediate_flows=np.zeros((2, 2)),
            total_output=[1000.0001, 0.0],
        )
    np.testing.assert_array_equal(mrio.total_output, [1000.0, 0.0])


def test_the_tolerance_is_relative_for_small_amounts_too():
    """x = 0.001 (for example millions of a currency) given as 0.0010001 is off by 1e-4
    relative, a hundred times the tolerance, though only 1e-7 in absolute terms."""
    with pytest.warns(MrioWarning, match=r"largest difference 1e-07 = 0\.0001 relative"):
        mrio = one_producer([0.0010001], demand=0.001)
    assert mrio.total_output[0] == 0.001


def test_an_output_too_small_to_divide_by_is_refused():
    """x = 1e-320 (subnormal) makes 1/x infinite: refused, naming the producer, rather than
    giving NaN shares."""
    with pytest.raises(NonFiniteError, match=r"'A/mill'.*too small to divide by"):
        build_mrio(
            [("A", "mill"), ("B", "farm")],
            [("A", "hh")],
            [[1e-320], [1.0]],
            intermediate_flows=np.zeros((2, 2)),
        )
