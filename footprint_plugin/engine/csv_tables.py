"""Small CSV side tables (concordance, consumer groups, band -> sector), read and cleaned once."""

from __future__ import annotations

import csv
from pathlib import Path

from .errors import MrioFileError
from .files import open_text


def read_csv_rows(path: Path, what: str) -> tuple[list[dict], list[str]]:
    """Rows and header of a small UTF-8 CSV (a byte-order mark is fine), cleaned once.

    Column names are stripped and lower-cased (``Inventory_Sector `` is ``inventory_sector``);
    cells are stripped strings, "" where a row is short.

    Raises
    ------
    MrioFileError
        If the file is missing, a folder, unreadable, not UTF-8 or not CSV.
    """
    with open_text(path, f"{what} {path}", encoding="utf-8-sig") as handle:
        try:
            reader = csv.DictReader(handle)
            header = [name.strip().lower() for name in reader.fieldnames or []]
            reader.fieldnames = header
            rows = [
                {name: (cell or "").strip() for name, cell in row.items() if name is not None}
                for row in reader
            ]
        except csv.Error as error:
            raise MrioFileError(
                f"{what} {path} cannot be read as CSV ({error}). Save it as CSV (UTF-8)."
            ) from error
    return rows, header
