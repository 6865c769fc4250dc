"""Result tables (pandas, long form) from an :class:`~.attribution.Attribution`.

These are what the Processing algorithms write to feature sinks: one row per producer and
final-demand column, footprints per consumer region / category with shares, the unattributed
account, and a domestic-versus-foreign split for a chosen set of regions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from ..columns import CATEGORY, CONSUMER_REGION, DOMESTIC, FOOTPRINT, FOREIGN, SHARE
from .aggregation import match_regions, sum_by
from .attribution import Attribution

ConsumerGrouping = Literal["region", "category", "both"]
_GROUP_LEVELS = {"region": "region", "category": "category", "both": ["region", "category"]}
_CONSUMER_COLUMNS = {"region": CONSUMER_REGION, "category": CATEGORY}


def attribution_table(attribution: Attribution, keep_zeros: bool = False) -> pd.DataFrame:
    """Long table of D: producing region, producing sector, consumer region, category, emissions.

    Built without Python loops over the n x m cells; rows with zero emissions are left out
    unless ``keep_zeros``.
    """
    m = attribution.attributed.shape[1]
    values = attribution.attributed.reshape(-1)
    keep = np.ones(values.size, dtype=bool) if keep_zeros else values != 0
    rows, columns = np.divmod(np.flatnonzero(keep), m)
    producers, consumers = attribution.producers, attribution.final_demand_labels
    return pd.DataFrame(
        {
            "producing_region": producers.get_level_values("region").to_numpy()[rows],
            "producing_sector": producers.get_level_values("sector").to_numpy()[rows],
            CONSUMER_REGION: consumers.get_level_values("region").to_numpy()[columns],
            CATEGORY: consumers.get_level_values("category").to_numpy()[columns],
            "emissions": values[keep],
        }
    )


def footprint_by_consumer(
    attribution: Attribution, by: ConsumerGrouping = "region", include_direct: bool = False
) -> pd.DataFrame:
    """Footprint per consumer region, per category, or per both, with its share of the total.

    Columns: the group columns (``consumer_region`` and/or ``category``), ``attributed``
    (emissions of producers driven by that demand), ``direct`` (final demand's own emissions,
    F_Y, always reported), ``footprint`` (attributed, plus direct if ``include_direct``) and
    ``share`` (footprint / total footprint).
    """
    if by not in _GROUP_LEVELS:
        raise ValueError(f"by must be 'region', 'category' or 'both', not {by!r}")
    columns = np.vstack([attribution.attributed.sum(axis=0), attribution.direct])
    (attributed, direct), groups = sum_by(
        columns, attribution.final_demand_labels, _GROUP_LEVELS[by]
    )
    footprint = attributed + direct if include_direct else attributed
    total = footprint.sum()
    table = groups.to_frame(index=False).rename(columns=_CONSUMER_COLUMNS)
    table["attributed"] = attributed
    table["direct"] = direct
    table[FOOTPRINT] = footprint
    table[SHARE] = footprint / total if total != 0 else np.nan
    return table


def unattributed_table(attribution: Attribution) -> pd.DataFrame:
    """The unattributed account: producing region, sector, reason and amount, one row each."""
    rows = np.flatnonzero(attribution.reasons != "")
    producers = attribution.producers[rows]
    return pd.DataFrame(
        {
            "producing_region": producers.get_level_values("region").to_numpy(),
            "producing_sector": producers.get_level_values("sector").to_numpy(),
            "reason": attribution.reasons[rows].astype(str),
            "emissions": attribution.unattributed[rows],
        }
    )


def domestic_foreign_split(
    attribution: Attribution, home_regions: str | Sequence[str]
) -> pd.DataFrame:
    """Each producer's emissions split by whether the consumer is in the home regions.

    Parameters
    ----------
    attribution
        From :func:`~.attribution.attribute_emissions`.
    home_regions
        Region codes or glob patterns (``CN-*``), as a list or a comma-separated string.

    Returns
    -------
    pandas.DataFrame
        One row per producer: ``producing_region``, ``producing_sector``, ``home_producer``
        (the producer lies in the home regions), ``emissions``, ``domestic`` (driven by home
        consumers), ``foreign`` (driven by other consumers) and ``unattributed``; domestic +
        foreign + unattributed = emissions.
    """
    consumers = attribution.final_demand_labels.get_level_values("region")
    home_consumer = match_regions(consumers, home_regions)
    producer_regions = attribution.producers.get_level_values("region")
    home_set = set(consumers[home_consumer])
    return pd.DataFrame(
        {
            "producing_region": producer_regions.to_numpy(),
            "producing_sector": attribution.producers.get_level_values("sector").to_numpy(),
            "home_producer": producer_regions.isin(home_set),
            "emissions": attribution.emissions,
            DOMESTIC: attribution.attributed[:, home_consumer].sum(axis=1),
            FOREIGN: attribution.attributed[:, ~home_consumer].sum(axis=1),
            "unattributed": attribution.unattributed,
        }
    )
