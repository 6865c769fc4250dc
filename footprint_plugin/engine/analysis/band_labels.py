"""Names for the bands of a footprint raster: table field names, and which band is foreign-driven.

A footprint map says what each band holds in its band description (``driven by foreign final
demand``, ``driven by final demand of US``, ...). Tables need short, unique, plain field names,
and the hotspot and city tools default to the foreign-driven band when there is one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

FIELD_NAME_LENGTH = 30
"""Longest field name made from a band description (GeoPackage allows more; keeps tables narrow)."""

_FOREIGN = re.compile(r"\bforeign\b", re.IGNORECASE)
_NOT_A_NAME_CHARACTER = re.compile(r"[^0-9a-z]+")


def foreign_band(descriptions: Sequence[str]) -> int | None:
    """Position (0-based) of the first band whose description has the word "foreign", or None."""
    for position, description in enumerate(descriptions):
        if _FOREIGN.search(description or ""):
            return position
    return None


def unique_names(candidates: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """The candidates made unique (case-insensitively, also against ``taken``) with _2, _3, ..."""
    used = {name.casefold() for name in taken}
    names = []
    for candidate in candidates:
        name, number = candidate, 1
        while name.casefold() in used:
            number += 1
            name = f"{candidate}_{number}"
        used.add(name.casefold())
        names.append(name)
    return names


def band_field_names(descriptions: Sequence[str], taken: Iterable[str] = ()) -> list[str]:
    """Field names from band descriptions: lower case, ``a-z0-9_``, unique, at most 30 characters.

    A band without a description is called ``band_<number>`` (1-based, as in GDAL); a name that
    would start with a digit gets a ``b`` in front. ``taken`` are names already in use (the
    fields of the input layer) that the result must not repeat.
    """
    candidates = []
    for number, description in enumerate(descriptions, start=1):
        name = _NOT_A_NAME_CHARACTER.sub("_", (description or "").lower()).strip("_")
        name = name[:FIELD_NAME_LENGTH].rstrip("_") or f"band_{number}"
        candidates.append(f"b{name}" if name[0].isdigit() else name)
    return unique_names(candidates, taken)
