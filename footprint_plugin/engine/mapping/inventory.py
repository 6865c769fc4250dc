"""From an emission inventory to MRIO producers: sector concordance, region match, reasons.

An inventory source (a facility, a polygon or line source, a raster cell) has an emission, an
inventory sector code and a location. Its location gives one or more *parts* (a point; the
pieces of a polygon split by region and grid cell; the sub-cells of a raster cell), each with
a fraction of the source, a producing region and whether it lies on the grid. The concordance
splits each part over MRIO sectors by weight. Each resulting row is an emission of one
producing region-sector (an MRIO producer) or, if it cannot be attributed, of one reason in
:data:`REASONS`. Nothing is dropped: the rows' emissions add up to the inventory.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import MrioFileError, UnknownNameError, preview

CONCORDANCE_COLUMNS = ("inventory_sector", "mrio_sector", "weight")
WEIGHT_TOLERANCE = 1e-6


class Reason(IntEnum):
    """Why a row is not attributed; lower values take precedence when several apply."""

    ATTRIBUTED = 0
    INVALID_EMISSION = 1
    NO_SECTOR = 2
    UNKNOWN_SECTOR = 3
    NO_GEOMETRY = 4
    NO_REGION = 5
    OUTSIDE_EXTENT = 6
    REGION_NOT_IN_MRIO = 7
    ZERO_OUTPUT = 8


REASONS = {
    Reason.INVALID_EMISSION: "invalid emission (null, negative or not a number)",
    Reason.NO_SECTOR: "no sector (empty sector field)",
    Reason.UNKNOWN_SECTOR: "unknown sector (not in the concordance or the MRIO)",
    Reason.NO_GEOMETRY: "no geometry (null, empty or not transformable)",
    Reason.NO_REGION: "no region (outside every region, or empty region field)",
    Reason.OUTSIDE_EXTENT: "outside the extent of the grid",
    Reason.REGION_NOT_IN_MRIO: "region not in the MRIO",
    Reason.ZERO_OUTPUT: "zero output (the MRIO producer has no output to share by)",
}
"""Text of each reason, as written in the balance table."""


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


def read_csv_rows(path: Path, what: str) -> tuple[list[dict], list[str]]:
    """Rows and header of a small UTF-8 CSV (a byte-order mark is fine), cleaned once.

    Column names are stripped and lower-cased (``Inventory_Sector `` is ``inventory_sector``);
    cells are stripped strings, "" where a row is short.

    Raises
    ------
    MrioFileError
        If the file cannot be read.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip().lower() for name in reader.fieldnames or []]
            reader.fieldnames = header
            rows = [
                {name: (cell or "").strip() for name, cell in row.items() if name is not None}
                for row in reader
            ]
            return rows, header
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise MrioFileError(f"{what} {path} cannot be read ({error}).") from error


@dataclass(frozen=True, eq=False)
class Emissions:
    """Emission values of the sources, parsed.

    Attributes
    ----------
    amount
        (n,) float64: the value where it is a finite number (negative ones included), else 0.
    valid
        (n,) True where the value is a finite number >= 0 (attributable).
    null, not_numeric, negative
        Counts of the invalid kinds, for the messages.
    """

    amount: np.ndarray
    valid: np.ndarray
    null: int
    not_numeric: int
    negative: int


def _is_value(value: object) -> bool:
    """Whether a cell holds a value: text or a number (not None, NaN or another object,
    such as the NULL that PyQGIS gives for empty attributes)."""
    return isinstance(value, (str, int, float, np.number)) and value == value


def parse_emissions(values: Sequence[object]) -> Emissions:
    """Parse emission values: numbers are used; None, NaN and objects that are neither text nor
    numbers are null; other text is not numeric. Text holding a number (``"12.5"``) counts.
    """
    try:
        numbers = np.array(values, dtype=np.float64)  # fast path: numbers (and None)
        null = np.isnan(numbers)
    except (TypeError, ValueError):
        null = ~np.fromiter(map(_is_value, values), dtype=bool, count=len(values))
        cleaned = pd.Series(np.where(null, None, np.asarray(values, dtype=object)), dtype=object)
        numbers = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=np.float64)
    finite = np.isfinite(numbers)
    negative = finite & (numbers < 0)
    return Emissions(
        amount=np.where(finite, numbers, 0.0),
        valid=finite & ~negative,
        null=int(null.sum()),
        not_numeric=int((~finite & ~null).sum()),
        negative=int(negative.sum()),
    )


@dataclass(frozen=True, eq=False)
class InventoryRows:
    """Emission rows: one per (source part, MRIO sector), attributed to a producer or not.

    Attributes
    ----------
    source, part
        (r,) index of the source and of the part each row comes from.
    producer
        (r,) index into the MRIO's producers, -1 for rows that are not attributed.
    emission
        (r,) float64 emission of the row (source amount x part fraction x concordance weight).
    reason
        (r,) int8 :class:`Reason`; ``ATTRIBUTED`` (0) where producer >= 0.
    """

    source: np.ndarray
    part: np.ndarray
    producer: np.ndarray
    emission: np.ndarray
    reason: np.ndarray

    @property
    def attributed(self) -> np.ndarray:
        """Mask of attributed rows."""
        return self.reason == Reason.ATTRIBUTED


def label_codes(values: Sequence[object]) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of labels and the distinct labels as text; -1 where there is no label.

    Labels are compared as trimmed text, so ``"CN-BJ "`` and ``"CN-BJ"`` are one label. None,
    NaN, blanks and objects that are neither text nor numbers (PyQGIS's NULL) are no label.
    """
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    text = [str(label).strip() or None if _is_value(label) else None for label in uniques]
    text_codes, text_uniques = pd.factorize(np.asarray(text, dtype=object))
    return np.append(text_codes, -1)[codes].astype(np.int64), np.asarray(text_uniques, dtype=object)


def inventory_rows(
    emissions: Emissions,
    sector: np.ndarray,
    part_source: np.ndarray,
    part_fraction: np.ndarray,
    part_region: np.ndarray,
    region_labels: Sequence[str],
    part_located: np.ndarray,
    part_inside: np.ndarray,
    concordance: Concordance,
    producers: pd.MultiIndex,
    zero_output: np.ndarray,
) -> InventoryRows:
    """Split every source part over MRIO sectors and find its producer, or why there is none.

    Parameters
    ----------
    emissions
        Parsed emissions of the n sources.
    sector
        (n,) inventory sector code of each source (text; None or blank for none).
    part_source, part_fraction
        (k,) source of each part and its share of the source (a source's fractions sum to 1).
    part_region, region_labels
        (k,) producing region of each part, as a position in ``region_labels`` (region codes
        as the MRIO labels regions), -1 where it lies in no region.
    part_located
        (k,) False for parts of sources without a usable geometry.
    part_inside
        (k,) True where the part lies on the grid.
    concordance
        Inventory sector -> MRIO sector weights.
    producers, zero_output
        The MRIO's (region, sector) producers and its mask of zero-output producers.
    """
    sector_code, sector_labels = label_codes(sector)
    region_labels = np.asarray([str(label) for label in region_labels], dtype=object)

    # Concordance entries of every distinct sector label, as (first entry, count) into arrays.
    matched: dict[str, list[int]] = {}
    for position, label in enumerate(concordance.inventory_sector):
        matched.setdefault(str(label), []).append(position)
    entry_lists = [matched.get(label, []) for label in sector_labels]
    entry_count = np.array([len(found) for found in entry_lists] + [0], dtype=np.int64)
    entry_start = np.concatenate([[0], np.cumsum(entry_count[:-1])]).astype(np.int64)
    entry_flat = np.array([i for found in entry_lists for i in found], dtype=np.int64)

    part_source = np.asarray(part_source, dtype=np.int64)
    part_sector = sector_code[part_source]  # -1: no sector (indexes the trailing 0 count)
    rows_per_part = np.maximum(entry_count[part_sector], 1)
    part = np.repeat(np.arange(part_source.size, dtype=np.int64), rows_per_part)
    first_row = np.cumsum(rows_per_part) - rows_per_part
    offset = np.arange(part.size) - np.repeat(first_row, rows_per_part)  # entry within the part
    source = part_source[part]
    has_entry = entry_count[part_sector[part]] > 0
    entry = np.where(has_entry, entry_start[part_sector[part]] + offset, 0)
    entry = entry_flat[entry] if entry_flat.size else entry
    weight = np.where(has_entry, concordance.weight[entry], 1.0)

    # Producer of every (region label, concordance entry) pair, then of each row by lookup.
    pair_region = np.repeat(region_labels.astype(str), len(concordance.mrio_sector))
    pair_sector = np.tile(concordance.mrio_sector.astype(str), len(region_labels))
    producer_of_pair = producers.get_indexer(pd.MultiIndex.from_arrays([pair_region, pair_sector]))
    row_region = np.asarray(part_region, dtype=np.int64)[part]
    lookup = has_entry & (row_region >= 0)
    producer = np.full(part.size, -1, dtype=np.int64)
    producer[lookup] = producer_of_pair[
        row_region[lookup] * len(concordance.mrio_sector) + entry[lookup]
    ]
    found = producer >= 0
    zero = np.zeros(part.size, dtype=bool)
    zero[found] = np.asarray(zero_output, dtype=bool)[producer[found]]

    reason = np.select(
        [
            ~emissions.valid[source],
            part_sector[part] < 0,
            ~has_entry,
            ~np.asarray(part_located, dtype=bool)[part],
            row_region < 0,
            ~np.asarray(part_inside, dtype=bool)[part],
            ~found,
            zero,
        ],
        [int(value) for value in list(Reason)[1:]],
        default=int(Reason.ATTRIBUTED),
    ).astype(np.int8)
    producer[reason != Reason.ATTRIBUTED] = -1
    emission = emissions.amount[source] * np.asarray(part_fraction, dtype=np.float64)[part] * weight
    return InventoryRows(source, part, producer, emission, reason)


def check_region_codes(region_codes: Sequence[str], mrio_regions: Sequence[str], what: str) -> None:
    """Refuse region codes that match no MRIO region at all (a mismatch of coding schemes).

    Raises
    ------
    UnknownNameError
        Listing a few codes of each side.
    """
    distinct = pd.unique(np.asarray(region_codes, dtype=object))
    codes = sorted({str(code) for code in distinct if code is not None})
    regions = list(dict.fromkeys(str(region) for region in mrio_regions))
    if not set(codes) & set(regions):
        raise UnknownNameError(
            f"None of the region codes of {what} ({preview(codes)}) is a region of the MRIO "
            f"({preview(regions)}). Use the same region codes in both, for example by choosing "
            "another region field or relabelling the MRIO's regions."
        )
