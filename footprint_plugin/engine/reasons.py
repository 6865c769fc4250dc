"""Why emissions are not attributed: the one vocabulary of the unattributed accounts.

Nothing is dropped silently: emissions that cannot be split over final consumers are kept in an
unattributed account with a reason. A map's sources carry :class:`Reason` (with the text of the
balance table and advice on what to fix); the MRIO accounts give each producer's emission one of
the producer reasons (the text written in their tables).
"""

from __future__ import annotations

from enum import IntEnum


class Reason(IntEnum):
    """Why a source's emission (or part of it) is not attributed; lower values take precedence
    when several apply."""

    ATTRIBUTED = 0
    INVALID_EMISSION = 1
    NO_SECTOR = 2
    UNKNOWN_SECTOR = 3
    INVALID_GEOMETRY = 4
    NO_GEOMETRY = 5
    NO_REGION = 6
    OUTSIDE_EXTENT = 7
    REGION_NOT_IN_MRIO = 8
    ZERO_OUTPUT = 9


REASONS = {
    Reason.INVALID_EMISSION: "invalid emission (null, negative or not a number)",
    Reason.NO_SECTOR: "no sector (empty sector field)",
    Reason.UNKNOWN_SECTOR: "unknown sector (not in the concordance or the MRIO)",
    Reason.INVALID_GEOMETRY: "invalid geometry (could not be repaired)",
    Reason.NO_GEOMETRY: "no geometry (null, empty or not transformable)",
    Reason.NO_REGION: "no region (outside every region, or empty region field)",
    Reason.OUTSIDE_EXTENT: "outside the extent of the grid",
    Reason.REGION_NOT_IN_MRIO: "region not in the MRIO",
    Reason.ZERO_OUTPUT: "zero output (the MRIO producer has no output to share by)",
}
"""Text of each reason, as written in the balance table."""

ADVICE = {
    Reason.INVALID_EMISSION: "fix the emission values (EMISSION_FIELD) of ids {examples}",
    Reason.NO_SECTOR: "give ids {examples} a sector code (SECTOR_FIELD)",
    Reason.UNKNOWN_SECTOR: (
        "add the sector codes {examples} to the CONCORDANCE (inventory_sector column), or "
        "use the MRIO's sector codes"
    ),
    Reason.INVALID_GEOMETRY: (
        "repair the geometries of ids {examples} (Vector > Geometry Tools > Fix Geometries): "
        "made valid, they keep no area (polygons) or no length (lines) to split their "
        "emission by"
    ),
    Reason.NO_GEOMETRY: "give ids {examples} a geometry that the grid's CRS can hold",
    Reason.NO_REGION: (
        "ids {examples} lie outside every region: check that REGIONS covers the sources and "
        "that both layers have the right CRS (or fill the region field)"
    ),
    Reason.OUTSIDE_EXTENT: "ids {examples} lie outside the grid: widen EXTENT or leave it empty",
    Reason.REGION_NOT_IN_MRIO: (
        "the region codes {examples} are not regions of the MRIO: relabel them with the MRIO's "
        "region codes"
    ),
    Reason.ZERO_OUTPUT: (
        "the MRIO has no output for {examples} (region/inventory sector), so their emissions "
        "cannot be shared among consumers: check the MRIO"
    ),
}
"""What to check or fix for each reason; ``{examples}`` takes a few of the sources concerned."""

PRODUCER_NON_FINITE = "non-finite emissions (NaN or infinite): fix the emission value"
PRODUCER_NEGATIVE = "negative emissions: removals cannot be split by driven shares"
PRODUCER_ZERO_OUTPUT = "producer has zero total output in the MRIO, so no driven shares"
"""Reasons of the MRIO accounts, one emission per producer, in order of precedence (last wins)."""
