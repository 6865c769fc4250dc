"""Emission sources as arrays: what the mapping pipeline takes, whatever the inventory's format.

A source is one facility, one line or polygon source, or one raster cell. It has an emission
value and an inventory sector code as read, and its location becomes one or more *parts*: a
point; the pieces of a line or polygon cut by the regions and the grid cells; the sub-cells of a
raster cell. Each part carries a fraction of the source's emission (a source's fractions sum to
1), a point in the grid's CRS and its producing region. Readers (``qgis_io``, or a notebook)
fill this; the pipeline never asks where the arrays came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .labels import label_codes

NO_REGION = -1
"""Region position of a part that lies in no region."""


@dataclass(frozen=True, eq=False)
class Sources:
    """Emission sources and their parts, in the grid's CRS.

    Attributes
    ----------
    source_id
        (n,) int64 id of each source (a feature id, or a raster cell's number), for messages.
    emission, sector
        (n,) emission value and inventory sector code of each source, as read (None, NaN or
        other objects for empty cells; parsed by the pipeline, which reports what is invalid).
    part_source, part_fraction
        (k,) source of each part and its share of the source's emission.
    part_x, part_y
        (k,) float64 point of each part in the grid's CRS (NaN for a part off the grid or
        without a location).
    part_region
        (k,) int64 position of the part's producing region in ``region_codes``, ``NO_REGION``
        (-1) for none.
    region_codes
        Producing region codes, as the MRIO labels regions.
    part_located
        (k,) False for parts of sources without a usable geometry.
    part_invalid_geometry
        (k,) True for the (unlocated) part of a source whose geometry is invalid and could not
        be repaired; None when there is none.
    """

    source_id: np.ndarray
    emission: Sequence[object]
    sector: Sequence[object]
    part_source: np.ndarray
    part_fraction: np.ndarray
    part_x: np.ndarray
    part_y: np.ndarray
    part_region: np.ndarray
    region_codes: Sequence[str]
    part_located: np.ndarray
    part_invalid_geometry: np.ndarray | None = None

    @property
    def n_sources(self) -> int:
        return len(self.source_id)

    @property
    def part_region_code(self) -> np.ndarray:
        """(k,) region code of every part, None where it lies in no region."""
        codes = np.asarray([*self.region_codes, None], dtype=object)
        return codes[self.part_region]


def regions_from_field(
    region_values: Sequence[object], part_source: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    """Region of every part from its source's region field value: (part_region, region_codes).

    Values are compared as trimmed text; empty values give ``NO_REGION``.
    """
    codes, labels = label_codes(region_values)
    return codes[np.asarray(part_source, dtype=np.int64)], list(labels)
