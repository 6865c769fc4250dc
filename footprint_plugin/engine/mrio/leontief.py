"""Solve the Leontief system (I - A) X = Y with one factorization, never forming L.

A = Z diag(x)^-1 (columns of zero-output producers are zero). The matrix (I - A) is built in
a single new buffer straight from Z and factorized once, by dense LU (LAPACK ``getrf``) or, for
a sparse enough Z, by sparse LU (SuperLU); every right-hand side is then a pair of triangular
solves. The cost is one factorization plus O(n^2 m), against O(n^3) for forming L = (I - A)^-1
and another O(n^2 m) for multiplying it out.
"""

from __future__ import annotations

import warnings
from typing import Literal, Union

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg

from ..errors import SingularSystemError, preview

Method = Literal["auto", "dense", "sparse"]
Matrix = Union[np.ndarray, scipy.sparse.spmatrix]

#: Sparse LU is used when at most this share of Z's entries is non-zero (and n is at least
#: SPARSE_MIN_SIZE). Measured with ``bench/bench_lu_threshold.py`` on MRIO-shaped matrices
#: (dense-ish domestic blocks, sparse trade blocks): sparse LU is faster only at about 0.1%
#: fill or less, because the trade blocks make its factors nearly dense.
SPARSE_DENSITY_THRESHOLD = 0.001

#: Below this many producers dense LU is always fast enough.
SPARSE_MIN_SIZE = 500


def reciprocal_output(total_output: np.ndarray) -> np.ndarray:
    """Return 1 / x with 0 where x = 0, the convention that makes A's column zero there."""
    reciprocal = np.zeros(total_output.shape, dtype=np.float64)
    np.divide(1.0, total_output, out=reciprocal, where=total_output != 0)
    return reciprocal


def choose_method(intermediate_flows: Matrix) -> Literal["dense", "sparse"]:
    """Pick dense or sparse LU from the size and fill of Z (see SPARSE_DENSITY_THRESHOLD)."""
    n = intermediate_flows.shape[0]
    if n < SPARSE_MIN_SIZE:
        return "dense"
    if scipy.sparse.issparse(intermediate_flows):
        nonzero = intermediate_flows.count_nonzero()
    else:
        nonzero = np.count_nonzero(intermediate_flows)
    return "sparse" if nonzero <= SPARSE_DENSITY_THRESHOLD * n * n else "dense"


class LeontiefSolver:
    """Factorization of (I - A) that solves (I - A) X = B for any right-hand side B.

    Parameters
    ----------
    intermediate_flows
        Z (n x n), dense array or scipy sparse matrix. Not modified.
    total_output
        x (n,), used to scale Z into A = Z diag(x)^-1.
    labels
        Producer labels, to name the producers in an error message.
    method
        ``"dense"``, ``"sparse"`` or ``"auto"`` (from the density of Z).

    Raises
    ------
    SingularSystemError
        If (I - A) is exactly singular.
    """

    def __init__(
        self,
        intermediate_flows: Matrix,
        total_output: np.ndarray,
        labels: pd.Index | None = None,
        method: Method = "auto",
    ) -> None:
        self.method = choose_method(intermediate_flows) if method == "auto" else method
        if self.method not in ("dense", "sparse"):
            raise ValueError(f"method must be 'auto', 'dense' or 'sparse', not {method!r}")
        reciprocal = reciprocal_output(np.asarray(total_output, dtype=np.float64))
        if self.method == "dense":
            self._factor_dense(intermediate_flows, reciprocal, labels)
        else:
            self._factor_sparse(intermediate_flows, reciprocal, labels)

    def _factor_dense(self, flows: Matrix, reciprocal: np.ndarray, labels: pd.Index | None) -> None:
        n = flows.shape[0]
        # Fortran order lets LAPACK factorize this buffer in place: the only n x n allocation.
        system = np.empty((n, n), dtype=np.float64, order="F")
        if scipy.sparse.issparse(flows):
            system[...] = flows.toarray()
            system *= -reciprocal
        else:
            np.multiply(flows, -reciprocal, out=system)
        system[np.diag_indices(n)] += 1.0
        with warnings.catch_warnings():  # a zero pivot is reported below, with producers
            warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
            self._lu = scipy.linalg.lu_factor(system, overwrite_a=True, check_finite=False)
        zero_pivots = np.flatnonzero(np.diagonal(self._lu[0]) == 0.0)
        if zero_pivots.size:
            raise _singular_error(zero_pivots, labels)

    def _factor_sparse(
        self, flows: Matrix, reciprocal: np.ndarray, labels: pd.Index | None
    ) -> None:
        coefficients = scipy.sparse.csc_matrix(flows, dtype=np.float64, copy=True)
        coefficients.data *= np.repeat(reciprocal, np.diff(coefficients.indptr))
        n = flows.shape[0]
        system = (scipy.sparse.identity(n, format="csc") - coefficients).tocsc()
        try:
            self._splu = scipy.sparse.linalg.splu(system, permc_spec="MMD_AT_PLUS_A")
        except RuntimeError as error:  # SuperLU: "Factor is exactly singular"
            raise _singular_error(np.array([], dtype=int), labels) from error

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """Return X with (I - A) X = rhs; rhs is (n,) or (n, m) and is not modified."""
        rhs = np.asarray(rhs, dtype=np.float64)
        if self.method == "dense":
            return scipy.linalg.lu_solve(self._lu, rhs, check_finite=False)
        return self._splu.solve(rhs)


def _singular_error(pivots: np.ndarray, labels: pd.Index | None) -> SingularSystemError:
    """Explain a singular (I - A), naming the producers at the failing pivots if known."""
    where = ""
    if labels is not None and pivots.size:
        where = f" (the factorization broke down at {preview(labels[pivots])})"
    return SingularSystemError(
        "The Leontief system (I - A) is singular, so the output driven by final demand is not "
        f"determined{where}. This happens when a group of producers only supplies itself, "
        "with no value added or final demand reaching it (possible with negative flows in Z). "
        "Check Z and x of the producers involved, or aggregate them with their neighbours."
    )
