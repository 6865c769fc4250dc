"""How the Leontief system is factorized: the dense/sparse choice at its thresholds, and what a
singular system's error names."""

import numpy as np
import pytest
import scipy.sparse

from footprint_plugin.engine.errors import SingularSystemError
from footprint_plugin.engine.mrio.attribution import driven_shares
from footprint_plugin.engine.mrio.leontief import (
    SPARSE_DENSITY_THRESHOLD,
    SPARSE_MIN_SIZE,
    LeontiefSolver,
    choose_method,
)
from footprint_plugin.engine.mrio.model import build_mrio
from tests.engine.test_mrio_validation import DEMAND_LABELS, PRODUCERS


def flows_with(nonzero: int, n: int = SPARSE_MIN_SIZE) -> np.ndarray:
    """An n x n Z with exactly ``nonzero`` non-zero entries (only the count matters here)."""
    flows = np.zeros((n, n))
    flows.ravel()[:nonzero] = 1.0
    return flows


def test_small_systems_are_always_dense():
    assert choose_method(np.zeros((SPARSE_MIN_SIZE - 1, SPARSE_MIN_SIZE - 1))) == "dense"
    assert choose_method(np.zeros((SPARSE_MIN_SIZE, SPARSE_MIN_SIZE))) == "sparse"


@pytest.mark.parametrize("as_sparse", [False, True])
def test_sparse_lu_up_to_the_density_threshold_inclusive(as_sparse):
    limit = round(SPARSE_DENSITY_THRESHOLD * SPARSE_MIN_SIZE**2)  # 250 of 250,000 entries
    for nonzero, method in ((limit, "sparse"), (limit + 1, "dense")):
        flows = flows_with(nonzero)
        given = scipy.sparse.csr_matrix(flows) if as_sparse else flows
        assert choose_method(given) == method, nonzero


@pytest.mark.parametrize("method", ["dense", "sparse"])
def test_a_singular_system_is_refused(method):
    """Negative flows make (I - A) singular: x = (2, 1), A = [[0, -2], [-0.5, 0]] gives
    det(I - A) = 1 - 1 = 0."""
    flows = np.array([[0.0, -2.0], [-0.5, 0.0]])
    demand = np.array([[3.0], [1.5]])
    mrio = build_mrio(PRODUCERS[:2], DEMAND_LABELS[:1], demand, intermediate_flows=flows)
    with pytest.raises(SingularSystemError, match=r"\(I - A\) is singular") as raised:
        driven_shares(mrio, method=method)
    if method == "dense":  # LAPACK reports the failing pivot: the message names its producer
        names = [f"{region}/{sector}" for region, sector in PRODUCERS[:2]]
        assert "broke down at" in str(raised.value)
        assert any(name in str(raised.value) for name in names)
    else:  # SuperLU names no pivot: the message must not claim a place
        assert "broke down at" not in str(raised.value)


def leontief_solution(flows, total_output, rhs):
    """X from (I - Z diag(x)^-1) X = rhs, by numpy in float64 (the reference)."""
    flows = np.asarray(flows, dtype=np.float64)
    total_output = np.asarray(total_output, dtype=np.float64)
    return np.linalg.solve(np.eye(len(total_output)) - flows / total_output[None, :], rhs)


FLOWS_2 = np.array([[1, 3], [2, 0]])
OUTPUT_2 = np.array([4.0, 6.0])
RHS_2 = np.array([[1.0, 0.5], [2.0, 1.5]])


@pytest.mark.parametrize("method", ["dense", "sparse"])
def test_integer_flows_are_solved_in_floating_point(method):
    """Z of integers (counts of money units) is scaled by 1/x without integer truncation."""
    solver = LeontiefSolver(FLOWS_2, OUTPUT_2, method=method)
    expected = leontief_solution(FLOWS_2, OUTPUT_2, RHS_2)
    np.testing.assert_allclose(solver.solve(RHS_2), expected, rtol=1e-13)


def test_single_precision_output_is_inverted_in_double_precision():
    """x read as float32 (3 and 7 exactly) is inverted in float64: 1/3 is not the float32
    0.33333334, whose error of 1e-8 would show in X."""
    output = np.array([3.0, 7.0], dtype=np.float32)
    expected = leontief_solution(FLOWS_2 / 2, output, RHS_2)
    np.testing.assert_allclose(
        LeontiefSolver(FLOWS_2 / 2, output, method="dense").solve(RHS_2), expected, rtol=1e-14
    )


def test_the_callers_sparse_flows_are_not_modified():
    """Z given in the CSC format the sparse LU works in is still not scaled in place."""
    flows = scipy.sparse.csc_matrix(FLOWS_2, dtype=np.float64)
    LeontiefSolver(flows, OUTPUT_2, method="sparse")
    np.testing.assert_array_equal(flows.toarray(), FLOWS_2)
