"""From emission sources to MRIO producers: emissions parsed, concordance, region match, reasons.

Every part of a source (see :mod:`.sources`) is split over MRIO sectors by the concordance's
weights. Each resulting row is an emission of one
producing region-sector (an MRIO producer) or, if it cannot be attributed, of one reason in
:data:`REASONS`. Nothing is dropped: the rows' emissions add up to the inventory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import UnknownNameError, check_total_finite, preview
from ..reasons import Reason
from .concordance import Concordance
from .labels import is_value, label_codes
from .sources import Sources


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


def parse_emissions(values: Sequence[object]) -> Emissions:
    """Parse emission values: numbers are used; None, NaN and objects that are neither text nor
    numbers are null; other text is not numeric. Text holding a number (``"12.5"``) counts.
    """
    try:
        numbers = np.array(values, dtype=np.float64)  # fast path: numbers (and None)
        null = np.isnan(numbers)
    except (TypeError, ValueError):
        null = ~np.fromiter(map(is_value, values), dtype=bool, count=len(values))
        cleaned = pd.Series(np.where(null, None, np.asarray(values, dtype=object)), dtype=object)
        numbers = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=np.float64)
    finite = np.isfinite(numbers)
    negative = finite & (numbers < 0)
    check_total_finite(numbers[finite & ~negative], "emission values")
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


def inventory_rows(
    sources: Sources,
    emissions: Emissions,
    part_inside: np.ndarray,
    concordance: Concordance,
    producers: pd.MultiIndex,
    zero_output: np.ndarray,
) -> InventoryRows:
    """Split every source part over MRIO sectors and find its producer, or why there is none.

    Parameters
    ----------
    sources
        The sources and their parts (regions as positions in ``sources.region_codes``).
    emissions
        The sources' emissions, parsed.
    part_inside
        (k,) True where the part lies on the grid.
    concordance
        Inventory sector -> MRIO sector weights.
    producers, zero_output
        The MRIO's (region, sector) producers and its mask of zero-output producers.
    """
    sector_code, sector_labels = label_codes(sources.sector)
    region_labels = np.asarray([str(label) for label in sources.region_codes], dtype=object)

    # Concordance entries of every distinct sector label, as (first entry, count) into arrays.
    matched: dict[str, list[int]] = {}
    for position, label in enumerate(concordance.inventory_sector):
        matched.setdefault(str(label), []).append(position)
    entry_lists = [matched.get(label, []) for label in sector_labels]
    entry_count = np.array([len(found) for found in entry_lists] + [0], dtype=np.int64)
    entry_start = np.concatenate([[0], np.cumsum(entry_count[:-1])]).astype(np.int64)
    entry_flat = np.array([i for found in entry_lists for i in found], dtype=np.int64)

    part_source = np.asarray(sources.part_source, dtype=np.int64)
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
    row_region = np.asarray(sources.part_region, dtype=np.int64)[part]
    lookup = has_entry & (row_region >= 0)
    producer = np.full(part.size, -1, dtype=np.int64)
    producer[lookup] = producer_of_pair[
        row_region[lookup] * len(concordance.mrio_sector) + entry[lookup]
    ]
    found = producer >= 0
    zero = np.zeros(part.size, dtype=bool)
    zero[found] = np.asarray(zero_output, dtype=bool)[producer[found]]
    invalid_geometry = (
        np.zeros(part.size, dtype=bool)
        if sources.part_invalid_geometry is None
        else np.asarray(sources.part_invalid_geometry, dtype=bool)[part]
    )

    reason = np.select(
        [
            ~emissions.valid[source],
            part_sector[part] < 0,
            ~has_entry,
            invalid_geometry,
            ~np.asarray(sources.part_located, dtype=bool)[part],
            row_region < 0,
            ~np.asarray(part_inside, dtype=bool)[part],
            ~found,
            zero,
        ],
        [int(value) for value in list(Reason)[1:]],
        default=int(Reason.ATTRIBUTED),
    ).astype(np.int8)
    producer[reason != Reason.ATTRIBUTED] = -1
    emission = (
        emissions.amount[source]
        * np.asarray(sources.part_fraction, dtype=np.float64)[part]
        * weight
    )
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
