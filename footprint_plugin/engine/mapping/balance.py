"""Accounts of a footprint map: the balance table and the footprint of every source.

The balance says where every tonne of the inventory went: the inventory total, what each band
of the map holds, and what could not be attributed, by reason. Its identity, to rounding, is
``inventory = total band + sum of unattributed amounts``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from .. import columns
from ..reasons import REASONS, Reason
from .bands import DOMESTIC, FOREIGN, TOTAL, FootprintBands
from .inventory import Emissions, InventoryRows


def balance_table(
    emissions: Emissions, rows: InventoryRows, bands: FootprintBands, band_totals: np.ndarray
) -> pd.DataFrame:
    """The balance: inventory total, attributed amount of each band, unattributed by reason.

    Returns
    -------
    pandas.DataFrame
        Columns ``account`` (``inventory``, ``attributed``, ``unattributed``), ``item`` (band
        name or reason), ``description``, ``sources`` (number of sources involved),
        ``amount`` and ``share`` (of the inventory total). Every reason has a row, with 0
        sources and amount when it does not occur.
    """
    inventory_total = float(emissions.amount.sum())
    attributed_sources = np.unique(rows.source[rows.attributed]).size
    records = [("inventory", "all sources", "sum of the inventory", emissions.amount.size)]
    amounts = [inventory_total]
    for name, description, total in zip(bands.names, bands.descriptions, band_totals):
        records.append(("attributed", name, description, attributed_sources))
        amounts.append(float(total))
    for reason, text in REASONS.items():  # every reason, 0 where none: a stable table
        chosen = rows.reason == reason
        records.append(
            ("unattributed", reason.name.lower(), text, np.unique(rows.source[chosen]).size)
        )
        amounts.append(float(rows.emission[chosen].sum()))
    table = pd.DataFrame(records, columns=[columns.ACCOUNT, columns.ITEM, "description", "sources"])
    table[columns.AMOUNT] = amounts
    table[columns.SHARE] = table[columns.AMOUNT] / inventory_total if inventory_total else np.nan
    return table


def source_accounts(
    rows: InventoryRows, n_sources: int, shares_by_band: np.ndarray, bands: FootprintBands
) -> pd.DataFrame:
    """Footprint of every source: attributed, domestic, foreign, top foreign consumer, rest.

    Parameters
    ----------
    rows
        The inventory rows.
    n_sources
        Number of sources (rows of the result, in source order).
    shares_by_band
        S @ G (producers x bands).
    bands
        The bands, to find the foreign consumer bands.

    Returns
    -------
    pandas.DataFrame
        ``attributed``, ``domestic``, ``foreign``, ``top_foreign_consumer`` (name of the
        foreign consumer band holding most of the source's footprint, None if it has none),
        ``top_foreign_amount``, ``unattributed`` and ``unattributed_reason`` (the reason
        holding most of the unattributed amount, None if all was attributed).
    """
    attributed = rows.attributed
    by_source_producer = sparse.csr_matrix(
        (rows.emission[attributed], (rows.source[attributed], rows.producer[attributed])),
        shape=(n_sources, shares_by_band.shape[0]),
    )
    foreign_bands = bands.foreign_consumer_bands
    summary = np.asarray(
        by_source_producer @ shares_by_band[:, [TOTAL, DOMESTIC, FOREIGN, *foreign_bands]]
    ).reshape(n_sources, -1)
    table = pd.DataFrame(
        {
            "attributed": summary[:, 0],
            columns.DOMESTIC: summary[:, 1],
            columns.FOREIGN: summary[:, 2],
        }
    )
    by_foreign_band = summary[:, 3:]
    if by_foreign_band.shape[1]:
        top = by_foreign_band.argmax(axis=1)
        top_amount = by_foreign_band[np.arange(n_sources), top]
        names = np.asarray([bands.names[band] for band in foreign_bands], dtype=object)
        table["top_foreign_consumer"] = np.where(top_amount > 0, names[top], None)
        table["top_foreign_amount"] = top_amount
    else:
        table["top_foreign_consumer"] = None
        table["top_foreign_amount"] = 0.0

    unattributed = ~attributed
    table["unattributed"] = np.bincount(
        rows.source[unattributed], weights=rows.emission[unattributed], minlength=n_sources
    ).astype(np.float64)  # bincount of an empty array gives int64 zeros
    by_reason = (
        pd.DataFrame(
            {
                "source": rows.source[unattributed],
                "reason": rows.reason[unattributed],
                "amount": rows.emission[unattributed],
            }
        )
        .groupby(["source", "reason"], as_index=False)["amount"]
        .sum()
    )
    by_reason["size"] = by_reason["amount"].abs()
    main = by_reason.sort_values(["source", "size"], ascending=[True, False]).drop_duplicates(
        "source"
    )
    reason_text = np.full(n_sources, None, dtype=object)
    reason_text[main["source"].to_numpy()] = [REASONS[Reason(code)] for code in main["reason"]]
    table["unattributed_reason"] = reason_text
    return table
