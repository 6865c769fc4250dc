"""The mapping pipeline as one pure function: emission sources to a gridded footprint.

``map_footprint`` takes the sources (placed in regions, in the grid's CRS), the MRIO's driven
shares, the sector concordance, the band definition and the grid, and returns everything a map
reports: the footprint bands on the grid, the accounts of every source, the balance of every
tonne and the footprint by consumer. Per part of a source (DESIGN §2)::

    E_i -> concordance -> producer p(i) = (region, MRIO sector) -> E_i * (S @ G)[p(i), :]

summed by grid cell. What cannot be attributed keeps its reason (:mod:`..reasons`) and is
counted in the balance, never dropped. The Processing algorithms, Monte Carlo draws and
notebooks all run the method through this function.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import FootprintError, preview
from ..mrio.attribution import DrivenShares
from ..reasons import ADVICE, REASONS, Reason
from .balance import balance_table, source_accounts
from .bands import FootprintBands, mapped_footprint_by_consumer
from .concordance import Concordance
from .grid import GridSpec
from .gridding import GriddedFootprint, grid_footprint
from .inventory import Emissions, InventoryRows, inventory_rows, parse_emissions
from .sources import Sources


class NothingToMapError(FootprintError):
    """There are no sources, or none of their emissions can be attributed."""


@dataclass(frozen=True, eq=False)
class FootprintMap:
    """The result of :func:`map_footprint`: the gridded footprint and its accounts.

    Attributes
    ----------
    sources
        The sources mapped.
    emissions
        Their emissions, parsed.
    rows
        The inventory rows: every (part, MRIO sector) with its producer or reason.
    bands
        The bands of the map.
    shares
        The MRIO's driven shares S.
    shares_by_band
        S @ G (producers x bands).
    footprint
        The bands on the grid, with the band totals.
    unattributed_messages
        One message per reason that occurs: count, amount, examples and what to fix.
    """

    sources: Sources
    emissions: Emissions
    rows: InventoryRows
    bands: FootprintBands
    shares: DrivenShares
    shares_by_band: np.ndarray
    footprint: GriddedFootprint
    unattributed_messages: tuple[str, ...]

    def balance(self) -> pd.DataFrame:
        """Inventory total, each band's amount and the unattributed amount by reason."""
        return balance_table(self.emissions, self.rows, self.bands, self.footprint.band_totals)

    def source_accounts(self) -> pd.DataFrame:
        """The footprint of every source, in source order (see :func:`.balance.source_accounts`)."""
        return source_accounts(self.rows, self.sources.n_sources, self.shares_by_band, self.bands)

    def by_consumer(self, by_category: bool = False) -> pd.DataFrame:
        """The mapped footprint by consumer region (and final-demand category)."""
        return mapped_footprint_by_consumer(
            self.footprint.emission_by_producer,
            self.shares.share,
            self.shares.final_demand_labels,
            self.bands,
            by_category,
        )


def map_footprint(
    sources: Sources,
    shares: DrivenShares,
    concordance: Concordance,
    bands: FootprintBands,
    grid: GridSpec,
) -> FootprintMap:
    """Attribute every source's emission to final consumers and sum the bands on the grid.

    Raises
    ------
    NothingToMapError
        If there are no sources, or no emission can be attributed (the message lists why).
    """
    if sources.n_sources == 0:
        raise NothingToMapError(
            "There are no emission sources (no features, none selected, or rasters without "
            "a non-zero cell): nothing to map."
        )
    emissions = parse_emissions(sources.emission)
    cell_rows, cell_cols, inside = grid.cell_index(sources.part_x, sources.part_y)
    rows = inventory_rows(
        sources, emissions, inside, concordance, shares.producers, shares.zero_output
    )
    messages = unattributed_messages(sources, rows, emissions)
    attributed = rows.attributed
    if not attributed.any():
        raise NothingToMapError(
            "No emission could be attributed, so there is nothing to map. " + " ".join(messages)
        )
    shares_by_band = shares.share @ bands.matrix
    part = rows.part[attributed]
    footprint = grid_footprint(
        grid,
        cell_rows[part],
        cell_cols[part],
        rows.producer[attributed],
        rows.emission[attributed],
        shares_by_band,
    )
    return FootprintMap(
        sources, emissions, rows, bands, shares, shares_by_band, footprint, tuple(messages)
    )


def unattributed_messages(sources: Sources, rows: InventoryRows, emissions: Emissions) -> list[str]:
    """A message per reason that occurs: how many sources, how much, examples, what to fix."""
    messages = []
    sector = np.asarray(sources.sector, dtype=object)
    region = sources.part_region_code
    for reason, text in REASONS.items():
        chosen = rows.reason == reason
        if not chosen.any():
            continue
        involved = np.unique(rows.source[chosen])
        if reason == Reason.UNKNOWN_SECTOR:
            examples = pd.unique(sector[involved])
        elif reason == Reason.REGION_NOT_IN_MRIO:
            examples = pd.unique(region[rows.part[chosen]])
        elif reason == Reason.ZERO_OUTPUT:
            pairs = zip(region[rows.part[chosen]], sector[rows.source[chosen]])
            examples = pd.unique(np.asarray([f"{r}/{s}" for r, s in pairs], dtype=object))
        else:
            examples = sources.source_id[involved]
        message = (
            f"{involved.size:,} of {sources.n_sources:,} sources "
            f"({rows.emission[chosen].sum():,.6g} in all) not attributed, {text}: "
            + ADVICE[reason].format(examples=preview(examples))
        )
        if reason == Reason.INVALID_EMISSION:
            message += (
                f" ({emissions.null} null, {emissions.not_numeric} not a number, "
                f"{emissions.negative} negative)"
            )
        messages.append(message)
    return messages
