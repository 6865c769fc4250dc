"""Footprint bands: which final-demand columns each band of a footprint map adds up.

A map has the bands ``total`` (all final demand), ``domestic`` (final demand of the home
regions), ``foreign`` (everything else), then one band per consumer region, or per group of
regions (e.g. EU countries -> "EU"). Band b of a cell is the sum over final-demand columns c of
the cell's footprint F[:, c] times G[c, b], with the 0/1 band matrix G (m x b), so the
per-producer shares are ``shares_by_band = S @ G`` and every band is linear in the inventory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import columns
from ..csv_tables import read_csv_rows
from ..errors import MrioFileError, UnknownNameError, preview
from ..mrio.aggregation import match_regions, sum_by

TOTAL, DOMESTIC, FOREIGN = 0, 1, 2
"""Positions of the three summary bands."""

GROUP_COLUMNS = ("mrio_region", "group")


@dataclass(frozen=True, eq=False)
class FootprintBands:
    """The bands of a footprint map and the band matrix that makes them.

    Attributes
    ----------
    names
        Short band names: ``total``, ``domestic``, ``foreign``, then consumer regions or groups.
    descriptions
        What each band holds, for GDAL band descriptions and legends.
    matrix
        G (m x b), 1 where final-demand column c counts in band b.
    domestic_consumer
        (m,) True for final-demand columns of the home regions.
    consumer_regions
        For each consumer band (from band 3 on), the MRIO regions it adds up.
    home_regions
        The domestic regions.
    """

    names: tuple[str, ...]
    descriptions: tuple[str, ...]
    matrix: np.ndarray
    domestic_consumer: np.ndarray
    consumer_regions: tuple[tuple[str, ...], ...]
    home_regions: tuple[str, ...]

    @property
    def consumer_bands(self) -> range:
        """Band positions of the consumer regions or groups."""
        return range(FOREIGN + 1, len(self.names))

    @property
    def foreign_consumer_bands(self) -> list[int]:
        """Band positions of consumer bands made of foreign regions only."""
        home = set(self.home_regions)
        return [
            band
            for band, members in zip(self.consumer_bands, self.consumer_regions)
            if not home & set(members)
        ]


def domestic_regions(
    final_demand_labels: pd.MultiIndex, patterns: str, territory_codes: Sequence[str]
) -> list[str]:
    """The home regions: consumer regions matching ``patterns`` (DOMESTIC_REGIONS, e.g. ``CN-*``),
    or without patterns, the codes of the mapped territory that are consumer regions."""
    consumers = list(dict.fromkeys(final_demand_labels.get_level_values("region")))
    if patterns.strip():
        return [region for region, m in zip(consumers, match_regions(consumers, patterns)) if m]
    return sorted(set(territory_codes) & set(consumers))


def footprint_bands(
    final_demand_labels: pd.MultiIndex,
    domestic_regions: Sequence[str],
    consumer_groups: Mapping[str, str] | None = None,
    every_consumer: bool = False,
) -> FootprintBands:
    """Band matrix G for total, domestic, foreign and consumer bands.

    Parameters
    ----------
    final_demand_labels
        The MRIO's (region, category) final-demand labels.
    domestic_regions
        Region codes of the home (mapped) territory; at least one must be an MRIO region.
    consumer_groups
        Optional MRIO region -> group name: regions of a group share one band. Regions not
        listed keep a band of their own.
    every_consumer
        If True, home regions get consumer bands too (who drives emissions between provinces);
        by default only foreign consumers do.

    Raises
    ------
    UnknownNameError
        If no domestic region is an MRIO region, or a group lists a region the MRIO lacks.
    """
    consumer = final_demand_labels.get_level_values("region").astype(str).to_numpy()
    regions = list(pd.unique(consumer))
    home = set(domestic_regions) & set(regions)
    if not home:
        raise UnknownNameError(
            f"None of the domestic regions ({preview(sorted(domestic_regions))}) is a region of "
            f"the MRIO ({preview(regions)}). Give DOMESTIC_REGIONS as MRIO region codes or "
            "patterns, or use region codes the MRIO knows."
        )
    groups = dict(consumer_groups or {})
    unknown = sorted(set(groups) - set(regions))
    if unknown:
        raise UnknownNameError(
            f"CONSUMER_GROUPS lists regions that are not in the MRIO: {preview(unknown)}. "
            f"MRIO regions are {preview(regions)}. Fix the mrio_region column."
        )
    domestic_consumer = np.isin(consumer, sorted(home))
    banded = regions if every_consumer else [region for region in regions if region not in home]
    band_of_region = {region: groups.get(region, region) for region in banded}
    band_names = list(dict.fromkeys(band_of_region.values()))
    members = tuple(
        tuple(region for region in banded if band_of_region[region] == name) for name in band_names
    )

    matrix = np.zeros((consumer.size, 3 + len(band_names)))
    matrix[:, TOTAL] = 1.0
    matrix[:, DOMESTIC] = domestic_consumer
    matrix[:, FOREIGN] = ~domestic_consumer
    band_position = {name: 3 + i for i, name in enumerate(band_names)}
    for column, region in enumerate(consumer):
        if region in band_of_region:
            matrix[column, band_position[band_of_region[region]]] = 1.0

    descriptions = [
        "total footprint (all final demand)",
        f"driven by domestic final demand ({preview(sorted(home), 3)})",
        "driven by foreign final demand",
    ]
    for name, regions_in_band in zip(band_names, members):
        if regions_in_band == (name,):
            descriptions.append(f"driven by final demand of {name}")
        else:
            descriptions.append(f"driven by final demand of {name} ({preview(regions_in_band, 3)})")
    return FootprintBands(
        names=(columns.TOTAL, columns.DOMESTIC, columns.FOREIGN, *band_names),
        descriptions=tuple(descriptions),
        matrix=matrix,
        domestic_consumer=domestic_consumer,
        consumer_regions=members,
        home_regions=tuple(sorted(home)),
    )


def read_consumer_groups(path: str | Path) -> dict[str, str]:
    """Read a CSV with columns ``mrio_region, group`` into a region -> group mapping.

    Raises
    ------
    MrioFileError
        If the file is missing, lacks a column, has empty cells or lists a region twice.
    """
    path = Path(path)
    rows, header = read_csv_rows(path, "CONSUMER_GROUPS")
    missing = [column for column in GROUP_COLUMNS if column not in header]
    if missing or not rows:
        raise MrioFileError(
            f"CONSUMER_GROUPS {path} must be a CSV with a header row with the columns "
            f"{', '.join(GROUP_COLUMNS)} and one row per MRIO region; "
            f"{'missing: ' + ', '.join(missing) if missing else 'it has no rows'}."
        )
    groups: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        region, group = (row[column] for column in GROUP_COLUMNS)
        if not region or not group:
            raise MrioFileError(f"CONSUMER_GROUPS {path}, line {line}: empty region or group.")
        if region in groups and groups[region] != group:
            raise MrioFileError(
                f"CONSUMER_GROUPS {path}, line {line}: region {region!r} is in two groups "
                f"({groups[region]!r} and {group!r}); give each region one group."
            )
        groups[region] = group
    return groups


def mapped_footprint_by_consumer(
    emission_by_producer: np.ndarray,
    driven_share: np.ndarray,
    final_demand_labels: pd.MultiIndex,
    bands: FootprintBands,
    by_category: bool = False,
) -> pd.DataFrame:
    """Mapped emissions by consumer region (or region x category), with band and share.

    Parameters
    ----------
    emission_by_producer
        (n,) attributed emission of each producing region-sector (what the map holds).
    driven_share
        S (n x m).
    final_demand_labels
        (region, category) labels of S's columns.
    bands
        The map's bands (to name the band each consumer is in).
    by_category
        Break regions down by final-demand category too.

    Returns
    -------
    pandas.DataFrame
        ``consumer_region``, [``category``,] ``domestic``, ``band``, ``footprint``, ``share``;
        footprints add up to the total band.
    """
    by_column = np.asarray(emission_by_producer, dtype=np.float64) @ driven_share
    levels = ["region", "category"] if by_category else "region"
    summed, groups = sum_by(by_column, final_demand_labels, levels)
    table = groups.to_frame(index=False).rename(columns={"region": columns.CONSUMER_REGION})
    region = table[columns.CONSUMER_REGION].astype(str)
    band_of_region = {
        member: bands.names[position]
        for position, members in zip(bands.consumer_bands, bands.consumer_regions)
        for member in members
    }
    table[columns.DOMESTIC] = region.isin(bands.home_regions).to_numpy()
    table[columns.BAND] = [band_of_region.get(name, columns.DOMESTIC) for name in region]
    table[columns.FOOTPRINT] = summed
    total = float(summed.sum())
    table[columns.SHARE] = summed / total if total > 0 else np.nan
    return table
