"""Small CSV side tables (concordance, consumer groups, band -> sector), read and cleaned once."""

from __future__ import annotations

import csv
from pathlib import Path

from .errors import MrioFileError


def read_csv_rows(path: Path, what: str) -> tuple[list[dict], list[str]]:
    """Rows and header of a small UTF-8 CSV (a byte-order mark is fine), cleaned once.

    Column names are stripped and lower-cased (``Inventory_Sector `` is ``inventory_sector``);
    cells are stripped strings, "" where a row is short.

    Raises
    ------
    MrioFileError
        If the file cannot be read.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip().lower() for name in reader.fieldnames or []]
            reader.fieldnames = header
            rows = [
                {name: (cell or "").strip() for name, cell in row.items() if name is not None}
                for row in reader
            ]
            return rows, header
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise MrioFileError(f"{what} {path} cannot be read ({error}).") from error
