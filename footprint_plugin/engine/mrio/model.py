"""The MRIO data model: producers, final demand, flows and satellite accounts, validated.

Notation as in DESIGN.md: n producing region-sectors, m final-demand columns, Z (n x n)
intermediate flows, Y (n x m) final demand, x = Z·1 + Y·1 total output, A = Z diag(x)^-1.
Satellite accounts ("extensions" in pymrio) hold stressors such as CO2: F (stressors x
producers) and F_Y (stressors x final-demand columns, direct emissions of final demand such
as households' heating and cars).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse

from ..errors import MrioWarning, NonFiniteError, ShapeError, SingularSystemError, preview
from .leontief import LeontiefSolver, Matrix, reciprocal_output

PRODUCER_LEVELS = ("region", "sector")
FINAL_DEMAND_LEVELS = ("region", "category")

#: Relative difference between a given x and Z·1 + Y·1 above which a warning is issued.
OUTPUT_TOLERANCE = 1e-6


@dataclass(frozen=True, eq=False)
class Extension:
    """A satellite account: stressors (e.g. CO2) of producers and of final demand.

    Attributes
    ----------
    name
        Name of the account, e.g. ``emissions`` (pymrio's extension folder name).
    stressors
        Row labels, one per stressor; may be a MultiIndex such as (stressor, compartment).
    from_producers
        F, stressors x producers: amounts emitted by each producing region-sector. Negative
        or non-finite amounts are accepted here and reported as unattributed by the
        attribution.
    from_final_demand
        F_Y, stressors x final-demand columns: direct emissions of final demand, or None.
        Must be finite, as it is added to footprints as it is.
    units
        Unit of each stressor row.
    """

    name: str
    stressors: pd.Index
    from_producers: np.ndarray
    from_final_demand: np.ndarray | None
    units: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Mrio:
    """A validated multi-regional input-output table; build it with :func:`build_mrio`.

    Attributes
    ----------
    producers
        (region, sector) label of each of the n producing region-sectors.
    final_demand_labels
        (region, category) label of each of the m final-demand columns.
    intermediate_flows
        Z (n x n), dense or scipy sparse.
    final_demand
        Y (n x m).
    total_output
        x = Z·1 + Y·1 (n,), always recomputed from Z and Y so that the accounts balance.
    unit
        Monetary unit of Z, Y and x.
    extensions
        Satellite accounts by name.
    warnings
        Repairs made while building (for example a given x that disagreed with Z·1 + Y·1).
    name
        Free text, e.g. the MRIO's name in its metadata.
    """

    producers: pd.MultiIndex
    final_demand_labels: pd.MultiIndex
    intermediate_flows: Matrix
    final_demand: np.ndarray
    total_output: np.ndarray
    unit: str = ""
    extensions: Mapping[str, Extension] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    name: str = ""

    @property
    def zero_output(self) -> np.ndarray:
        """Mask of producers with x = 0, whose driven shares are undefined."""
        return self.total_output == 0


def build_mrio(
    producers: Sequence[tuple[str, str]],
    final_demand_labels: Sequence[tuple[str, str]],
    final_demand: np.ndarray,
    intermediate_flows: Matrix | None = None,
    technical_coefficients: Matrix | None = None,
    total_output: np.ndarray | None = None,
    unit: str = "",
    extensions: Sequence[Extension] = (),
    name: str = "",
) -> Mrio:
    """Validate arrays and labels and return an :class:`Mrio`.

    Give either Z (``intermediate_flows``) or A (``technical_coefficients``). With Z, x is
    recomputed as Z·1 + Y·1. With A, a given x is used if it satisfies x = A·x + Y·1, else x
    is solved from (I - A) x = Y·1. A given x that disagrees issues a :class:`MrioWarning`
    saying by how much; the message is also kept in ``Mrio.warnings``.

    Raises
    ------
    ShapeError
        Z or A not square, or Y, x, F, F_Y or the labels of the wrong length.
    NonFiniteError
        NaN or infinite values in any table.
    SingularSystemError
        A column of A sums to 1 or more (inputs at least equal to output).
    """
    producer_index = label_index(producers, PRODUCER_LEVELS)
    demand_index = label_index(final_demand_labels, FINAL_DEMAND_LEVELS)
    n, m = len(producer_index), len(demand_index)
    if (intermediate_flows is None) == (technical_coefficients is None):
        raise ValueError("give exactly one of intermediate_flows (Z) or technical_coefficients (A)")
    core_name = "Z" if technical_coefficients is None else "A"
    core = _as_matrix(
        intermediate_flows if technical_coefficients is None else technical_coefficients
    )
    if core.ndim != 2 or core.shape[0] != core.shape[1]:
        raise ShapeError(
            f"{core_name} has shape {core.shape}, but it must be square (producers x producers). "
            f"Give {core_name} with the same producers, in the same order, as rows and columns."
        )
    _check_length(core_name, core.shape[0], n, "producers")
    final_demand = np.asarray(final_demand, dtype=np.float64)
    if final_demand.ndim != 2:
        raise ShapeError(
            f"Y has {final_demand.ndim} dimension(s); give it as producers x "
            "final-demand columns (a 2-D table)."
        )
    _check_length("Y rows", final_demand.shape[0], n, "producers")
    _check_length("Y columns", final_demand.shape[1], m, "final-demand columns")
    _check_finite(core_name, core)
    _check_finite("Y", final_demand)
    given_output = None
    if total_output is not None:
        given_output = np.asarray(total_output, dtype=np.float64).reshape(-1)
        _check_length("x", given_output.size, n, "producers")
        _check_finite("x", given_output)

    notes: list[str] = []
    if technical_coefficients is None:
        flows = core
    else:
        given_output = _output_from_coefficients(
            core, final_demand, given_output, producer_index, notes
        )
        flows = _scale_columns(core, given_output)
    output = _row_sums(flows) + final_demand.sum(axis=1)
    _check_invertible(output, producer_index)
    if technical_coefficients is None and given_output is not None:
        _compare_output(given_output, output, producer_index, "Z·1 + Y·1", notes)
    _check_column_sums(flows, output, producer_index)

    checked = tuple(_check_extension(ext, n, m) for ext in extensions)
    for note in notes:
        warnings.warn(note, MrioWarning, stacklevel=2)
    return Mrio(
        producers=producer_index,
        final_demand_labels=demand_index,
        intermediate_flows=flows,
        final_demand=final_demand,
        total_output=output,
        unit=unit,
        extensions={ext.name: ext for ext in checked},
        warnings=tuple(notes),
        name=name,
    )


def label_index(labels: Iterable[tuple[str, str]], names: tuple[str, str]) -> pd.MultiIndex:
    """Two-level MultiIndex of string labels named ``names``; duplicates are an error."""
    if isinstance(labels, pd.MultiIndex):
        tuples = labels.to_list()
    else:
        tuples = [tuple(label) for label in labels]
    if any(len(label) != 2 for label in tuples):
        raise ShapeError(
            f"Labels must be ({names[0]}, {names[1]}) pairs; got "
            f"{preview([t for t in tuples if len(t) != 2])}."
        )
    index = pd.MultiIndex.from_tuples([(str(a), str(b)) for a, b in tuples], names=list(names))
    duplicated = index[index.duplicated()]
    if len(duplicated):
        raise ShapeError(
            f"Duplicate ({names[0]}, {names[1]}) labels: {preview(duplicated)}. "
            "Each label must appear once; merge or rename the duplicates."
        )
    return index


def _as_matrix(values: Matrix) -> Matrix:
    """Float64 dense array, or a scipy sparse matrix kept sparse."""
    if scipy.sparse.issparse(values):
        return scipy.sparse.csr_matrix(values, dtype=np.float64)
    return np.asarray(values, dtype=np.float64)


def _row_sums(values: Matrix) -> np.ndarray:
    return np.asarray(values.sum(axis=1), dtype=np.float64).reshape(-1)


def _scale_columns(values: Matrix, factors: np.ndarray) -> Matrix:
    """values · diag(factors), keeping sparse input sparse."""
    if scipy.sparse.issparse(values):
        return scipy.sparse.csr_matrix(values.multiply(factors[None, :]))
    return values * factors[None, :]


def _check_length(what: str, actual: int, expected: int, of: str) -> None:
    if actual != expected:
        raise ShapeError(
            f"{what} has length {actual}, but there are {expected} {of}. "
            f"Give {what} with one entry per {of[:-1]}, in the same order."
        )


def _check_finite(what: str, values: Matrix) -> None:
    data = values.data if scipy.sparse.issparse(values) else values
    bad = ~np.isfinite(data)
    if bad.any():
        raise NonFiniteError(
            f"{what} holds {int(bad.sum())} NaN or infinite value(s). Replace them with numbers "
            "(0 where there is no flow); empty cells in a text file are read as NaN."
        )


def _check_invertible(output: np.ndarray, producers: pd.MultiIndex) -> None:
    """Refuse outputs so small (subnormal) that 1/x overflows: shares would be NaN, silently."""
    smallest = np.finfo(np.float64).tiny  # the smallest normal float64, 2.2e-308
    tiny = (output != 0) & (np.abs(output) < smallest)
    if tiny.any():
        raise NonFiniteError(
            f"The total output of {preview(producers[tiny])} is below "
            f"{smallest:.3g}, too small to divide by in double precision. "
            "Check the units of Z and Y, or set those flows to 0."
        )


def _output_from_coefficients(
    coefficients: Matrix,
    final_demand: np.ndarray,
    given: np.ndarray | None,
    producers: pd.MultiIndex,
    notes: list[str],
) -> np.ndarray:
    """x for an MRIO given as A: the given x if x = A·x + Y·1 holds, else solved from A and Y."""
    demand_total = final_demand.sum(axis=1)
    if given is not None:
        balanced = np.asarray(coefficients @ given, dtype=np.float64).reshape(-1) + demand_total
        if not _compare_output(given, balanced, producers, "A·x + Y·1", notes):
            return given
    return LeontiefSolver(coefficients, np.ones(len(producers)), producers).solve(demand_total)


def _compare_output(
    given: np.ndarray, recomputed: np.ndarray, producers: pd.MultiIndex, how: str, notes: list[str]
) -> bool:
    """Note (for a warning) where a given x differs from the recomputed one; True if it does."""
    difference = np.abs(given - recomputed)
    scale = np.maximum(np.abs(given), np.abs(recomputed))
    off = difference > OUTPUT_TOLERANCE * np.where(scale > 0, scale, 1.0)
    if off.any():
        worst = int(np.argmax(np.where(off, difference, -1.0)))
        relative = difference[worst] / scale[worst] if scale[worst] > 0 else np.inf
        notes.append(
            f"Total output x disagrees with {how} for {int(off.sum())} of {len(given)} producers "
            f"(largest difference {difference[worst]:.6g} = {relative:.3g} relative, at "
            f"{preview([producers[worst]])}); the recomputed x is used. Fix or remove x to "
            "silence this warning."
        )
    return bool(off.any())


def _check_column_sums(flows: Matrix, output: np.ndarray, producers: pd.MultiIndex) -> None:
    """Refuse column sums of A >= 1: such producers use at least as much input as they make."""
    column_sums = np.asarray(flows.sum(axis=0), dtype=np.float64).reshape(-1)
    column_sums = column_sums * reciprocal_output(output)
    bad = np.flatnonzero(column_sums >= 1.0)
    if bad.size:
        raise SingularSystemError(
            f"Column sums of A = Z diag(x)^-1 are >= 1 for {bad.size} producer(s): "
            f"{preview(producers[bad])} (largest {column_sums[bad].max():.6g}). Their "
            "intermediate inputs are at least their total output (no value added), so (I - A) "
            "has no meaningful inverse. Check the units and signs of Z, Y and x for them."
        )


def _check_extension(extension: Extension, n: int, m: int) -> Extension:
    """Check an extension's shapes and values against n producers and m final-demand columns."""
    label = f"extension {extension.name!r}"
    producers_part = np.asarray(extension.from_producers, dtype=np.float64)
    k = len(extension.stressors)
    if producers_part.shape != (k, n):
        raise ShapeError(
            f"F of {label} has shape {producers_part.shape}, expected ({k}, {n}): "
            "one row per stressor and one column per producer."
        )
    demand_part = extension.from_final_demand
    if demand_part is not None:
        demand_part = np.asarray(demand_part, dtype=np.float64)
        if demand_part.shape != (k, m):
            raise ShapeError(
                f"F_Y of {label} has shape {demand_part.shape}, expected "
                f"({k}, {m}): one row per stressor and one column per "
                "final-demand column."
            )
        _check_finite(f"F_Y of {label}", demand_part)
    if len(extension.units) != k:
        raise ShapeError(
            f"{label} has {len(extension.units)} unit(s) for {k} stressors; "
            "give one unit per stressor."
        )
    return Extension(
        extension.name,
        extension.stressors,
        producers_part,
        demand_part,
        tuple(str(unit) for unit in extension.units),
    )
