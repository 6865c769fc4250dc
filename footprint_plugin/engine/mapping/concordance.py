"""The sector concordance: how an inventory sector code is split over MRIO sectors, by weight.

Inventories code sectors their own way (IPCC 1A1a, CHRED's industry codes); MRIOs have their
own sector lists. A concordance maps each inventory code to one or more MRIO sectors with
weights summing to 1, so that no emission is created or lost on the way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..csv_tables import read_csv_rows
from ..errors import MrioFileError, UnknownNameError, preview

CONCORDANCE_COLUMNS = ("inventory_sector", "mrio_sector", "weight")


WEIGHT_TOLERANCE = 1e-6


@dataclass(frozen=True, eq=False)
class Concordance:
    """Inventory sector -> MRIO sector with weights (the weights of a code sum to 1)."""

    inventory_sector: np.ndarray
    mrio_sector: np.ndarray
    weight: np.ndarray


def identity_concordance(mrio_sectors: Sequence[str]) -> Concordance:
    """The concordance used without a file: inventory codes are MRIO sector codes."""
    sectors = np.asarray(list(mrio_sectors), dtype=object)
    return Concordance(sectors, sectors, np.ones(sectors.size))


def read_concordance(path: str | Path, mrio_sectors: Sequence[str]) -> Concordance:
    """Read a concordance CSV (``inventory_sector, mrio_sector[, weight]``) and check it.

    A missing weight column means weight 1 for every row. Repeated (inventory, MRIO) pairs add
    up. The weights of each inventory sector must sum to 1, so that no emission is created or
    lost.

    Raises
    ------
    MrioFileError
        Unreadable file, missing column, empty code, weight that is not a non-negative number,
        or weights of a code that do not sum to 1.
    UnknownNameError
        An MRIO sector that the MRIO does not have.
    """
    path = Path(path)
    rows, header = read_csv_rows(path, "CONCORDANCE")
    missing = [column for column in CONCORDANCE_COLUMNS[:2] if column not in header]
    if missing or not rows:
        raise MrioFileError(
            f"CONCORDANCE {path} must be a CSV with a header row with the columns "
            f"inventory_sector, mrio_sector and optionally weight, and one row per pair; "
            f"{'missing: ' + ', '.join(missing) if missing else 'it has no rows'}."
        )
    inventory, mrio, weight = [], [], []
    for line, row in enumerate(rows, start=2):
        code, target = row["inventory_sector"], row["mrio_sector"]
        text = row["weight"] if "weight" in header else "1"
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not code or not target or not (np.isfinite(value) and value >= 0):
            raise MrioFileError(
                f"CONCORDANCE {path}, line {line}: needs an inventory_sector, an mrio_sector "
                f"and a non-negative weight, got {code!r}, {target!r}, {text!r}."
            )
        inventory.append(code)
        mrio.append(target)
        weight.append(value)
    unknown = sorted(set(mrio) - {str(sector) for sector in mrio_sectors})
    if unknown:
        raise UnknownNameError(
            f"CONCORDANCE {path} maps to MRIO sectors the MRIO does not have: "
            f"{preview(unknown)}. MRIO sectors are {preview(list(mrio_sectors), 12)}."
        )
    table = (
        pd.DataFrame({"inventory": inventory, "mrio": mrio, "weight": weight})
        .groupby(["inventory", "mrio"], sort=False, as_index=False)["weight"]
        .sum()
    )
    sums = table.groupby("inventory", sort=False)["weight"].sum()
    off = sums[(sums - 1.0).abs() > WEIGHT_TOLERANCE]
    if len(off):
        listed = ", ".join(f"{code!r}: {total:.6g}" for code, total in off.head(5).items())
        raise MrioFileError(
            f"CONCORDANCE {path}: the weights of an inventory sector must sum to 1, so that its "
            f"emissions are split without loss; they do not for {listed}. Fix the weights."
        )
    return Concordance(
        table["inventory"].to_numpy(dtype=object),
        table["mrio"].to_numpy(dtype=object),
        table["weight"].to_numpy(dtype=np.float64),
    )
