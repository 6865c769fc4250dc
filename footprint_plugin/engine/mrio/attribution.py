"""Consumption-based attribution: driven output, driven shares and attributed emissions.

X = L·Y is found by solving (I - A) X = Y with one factorization (see :mod:`.leontief`).
The driven share S[p, c] = X[p, c] / x[p] says which part of producer p's output final-demand
column c causes; each row of S sums to 1. Emissions e[p] are split the same way,
D[p, c] = e[p] · S[p, c], so for every producer attributed + unattributed = e[p].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..errors import NonFiniteError, ShapeError, check_total_finite
from ..reasons import PRODUCER_NEGATIVE, PRODUCER_NON_FINITE, PRODUCER_ZERO_OUTPUT
from .leontief import LeontiefSolver, Method
from .model import Mrio


@dataclass(frozen=True, eq=False)
class DrivenShares:
    """Driven-share matrix S and what is needed to use it.

    Attributes
    ----------
    share
        S (n x m): share of producer p's output driven by final-demand column c. Rows sum to 1,
        except rows of zero-output producers, which are 0.
    zero_output
        Mask (n,) of producers with x = 0: emissions there cannot be attributed.
    producers
        (region, sector) labels of the rows.
    final_demand_labels
        (region, category) labels of the columns.
    method
        ``"dense"`` or ``"sparse"``: the LU used.
    """

    share: np.ndarray
    zero_output: np.ndarray
    producers: pd.MultiIndex
    final_demand_labels: pd.MultiIndex
    method: str


@dataclass(frozen=True, eq=False)
class Attribution:
    """Emissions of producers split over final-demand columns, with what could not be.

    Attributes
    ----------
    attributed
        D (n x m): emissions of producer p driven by final-demand column c.
    unattributed
        Amount (n,) of each producer's emissions that is not in D (0 where all is).
    reasons
        Reason (n,) for each non-zero unattributed amount, "" elsewhere.
    emissions
        e (n,) as given, so that ``attributed.sum(1) + unattributed == emissions``.
    direct
        Direct emissions of final demand (m,), F_Y; zeros if none were given.
    producers, final_demand_labels
        Row and column labels, as in :class:`DrivenShares`.
    """

    attributed: np.ndarray
    unattributed: np.ndarray
    reasons: np.ndarray
    emissions: np.ndarray
    direct: np.ndarray
    producers: pd.MultiIndex
    final_demand_labels: pd.MultiIndex


def driven_output(mrio: Mrio, method: Method = "auto") -> np.ndarray:
    """Output of every producer driven by every final-demand column, X = L·Y (n x m).

    Solves (I - A) X = Y with one LU factorization; L is never formed.

    Raises
    ------
    SingularSystemError
        If (I - A) is singular.
    """
    return _solve(mrio, method)[0]


def driven_shares(mrio: Mrio, method: Method = "auto") -> DrivenShares:
    """Driven-share matrix S = X / x with the zero-output mask and the labels.

    The divisor is the row sum of X, that is x recomputed as L·Y·1, so rows of S sum to 1 to
    rounding error and attribution conserves each producer's emissions exactly.

    Parameters
    ----------
    mrio
        A validated MRIO.
    method
        ``"auto"`` (default), ``"dense"`` or ``"sparse"`` LU.
    """
    share, method_used = _solve(mrio, method)
    row_total = share.sum(axis=1)
    zero_output = mrio.zero_output | (row_total == 0)
    share /= np.where(zero_output, np.inf, row_total)[:, None]
    return DrivenShares(share, zero_output, mrio.producers, mrio.final_demand_labels, method_used)


def _solve(mrio: Mrio, method: Method) -> tuple[np.ndarray, str]:
    solver = LeontiefSolver(mrio.intermediate_flows, mrio.total_output, mrio.producers, method)
    return solver.solve(mrio.final_demand), solver.method


def attribute_emissions(
    shares: DrivenShares,
    emissions: npt.ArrayLike,
    direct: npt.ArrayLike | None = None,
) -> Attribution:
    """Split each producer's emissions over final-demand columns: D = e[:, None] * S.

    Emissions that cannot be split go to the unattributed account, with a reason: non-finite
    values, negative values, and emissions of producers with zero output.

    Parameters
    ----------
    shares
        From :func:`driven_shares`.
    emissions
        e (n,), aligned with ``shares.producers``.
    direct
        Direct emissions of final demand (m,), aligned with ``shares.final_demand_labels``;
        kept apart from D and added to footprints only on request.

    Raises
    ------
    ShapeError
        If e or ``direct`` do not have one value per producer / final-demand column.
    NonFiniteError
        If ``direct`` holds NaN or infinite values.
    """
    n, m = shares.share.shape
    emissions = _vector(emissions, n, "emissions", "producer")
    direct = (
        np.zeros(m)
        if direct is None
        else _vector(direct, m, "direct emissions", "final-demand column")
    )
    if not np.isfinite(direct).all():
        raise NonFiniteError(
            "Direct emissions of final demand hold NaN or infinite values; they are added to "
            "footprints as they are. Replace them with numbers (0 where there are none)."
        )
    check_total_finite(emissions, "emissions")
    check_total_finite(direct, "direct emissions")
    reasons = np.full(n, "", dtype=object)
    reasons[shares.zero_output & (emissions != 0)] = PRODUCER_ZERO_OUTPUT
    reasons[emissions < 0] = PRODUCER_NEGATIVE
    reasons[~np.isfinite(emissions)] = PRODUCER_NON_FINITE
    blocked = reasons != ""
    attributable = np.where(blocked, 0.0, emissions)
    return Attribution(
        attributed=shares.share * attributable[:, None],
        unattributed=np.where(blocked, emissions, 0.0),
        reasons=reasons,
        emissions=emissions,
        direct=direct,
        producers=shares.producers,
        final_demand_labels=shares.final_demand_labels,
    )


def _vector(values: npt.ArrayLike, length: int, what: str, per: str) -> np.ndarray:
    vector = np.asarray(values, dtype=np.float64).reshape(-1)
    if vector.size != length:
        raise ShapeError(
            f"{what} has {vector.size} values but the MRIO has {length} of "
            f"{per}s; give one value per {per}, in the MRIO's order."
        )
    return vector
