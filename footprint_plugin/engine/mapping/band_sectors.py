"""Which inventory sector each band of a set of sector rasters holds.

Gridded inventories come as one raster per sector or as multi-band rasters. The user says which
sector each band holds, either inline (one code per band, in order: a raster's bands, then the
next raster's) or in a CSV with columns ``band, sector`` and, for several rasters, ``layer``
(the raster's name, file name or file stem). Bands not listed in the CSV hold no emissions.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from ..csv_tables import read_csv_rows
from ..errors import FootprintError


class BandSectorError(FootprintError):
    """The band -> sector mapping is missing, ambiguous or does not fit the rasters."""


class RasterBands(NamedTuple):
    """A sector raster as far as the mapping is concerned: its names and band count."""

    name: str
    path: str
    band_count: int


class BandSector(NamedTuple):
    """A band holding emissions: raster position in the input list, 1-based band, sector."""

    raster: int
    band: int
    sector: str


def read_sector_table(path: str | Path) -> list[tuple[str, int, str]]:
    """(layer, band, sector) rows of a band -> sector CSV (columns band, sector[, layer])."""
    rows, header = read_csv_rows(Path(path), "SECTOR_TABLE")
    if "band" not in header or "sector" not in header or not rows:
        raise BandSectorError(
            f"SECTOR_TABLE {path} must be a CSV with the columns band and sector (and layer when "
            "several rasters are given): one row per band holding emissions."
        )
    table = []
    for line, row in enumerate(rows, start=2):
        layer, band, sector = row.get("layer", ""), row["band"], row["sector"]
        if not band.isdigit() or not sector:
            raise BandSectorError(
                f"SECTOR_TABLE {path}, line {line}: band must be a band number (1, 2, ...) and "
                f"sector a sector code, got {band!r}, {sector!r}."
            )
        table.append((layer, int(band), sector))
    return table


def band_sectors(inline: str, table_path: str, rasters: Sequence[RasterBands]) -> list[BandSector]:
    """Every band that holds emissions, from SECTORS (``inline``) or SECTOR_TABLE; not both.

    Raises
    ------
    BandSectorError
        If neither or both are given, the counts differ, or the table names an unknown
        raster or band.
    """
    all_bands = [
        (i, band) for i, raster in enumerate(rasters) for band in range(1, raster.band_count + 1)
    ]
    inline = inline.strip()
    if bool(inline) == bool(table_path):
        raise BandSectorError(
            "Say which sector each band holds, with SECTORS (a comma-separated code per band, "
            f"{len(all_bands)} in all) or SECTOR_TABLE (a band, sector CSV), not both."
        )
    if inline:
        codes = [code.strip() for code in inline.split(",")]
        if len(codes) != len(all_bands) or not all(codes):
            raise BandSectorError(
                f"SECTORS lists {len(codes)} sector code(s) but the rasters have "
                f"{len(all_bands)} band(s) in all; give one non-empty code per band, in order."
            )
        return [BandSector(i, band, code) for (i, band), code in zip(all_bands, codes)]
    names = {}
    for i, raster in enumerate(rasters):
        names[raster.name] = i
        names[Path(raster.path).name] = i
        names[Path(raster.path).stem] = i
    result = []
    for layer_name, band, sector in read_sector_table(table_path):
        if not layer_name and len(rasters) == 1:
            position = 0
        elif layer_name in names:
            position = names[layer_name]
        else:
            raise BandSectorError(
                f"SECTOR_TABLE names the raster {layer_name!r}, which is not in INPUT "
                f"({', '.join(raster.name for raster in rasters)})."
            )
        if not 1 <= band <= rasters[position].band_count:
            raise BandSectorError(
                f"SECTOR_TABLE: the raster {rasters[position].name!r} has no band {band}."
            )
        result.append(BandSector(position, band, sector))
    return result
