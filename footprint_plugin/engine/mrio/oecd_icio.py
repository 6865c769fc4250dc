"""Read the OECD Inter-Country Input-Output tables (ICIO) as published: one CSV per year.

Each year is one comma-separated table, labels in its first row and column: the producers
``<country>_<industry>`` as rows and as the first columns, then the final-demand columns and,
from 2018, a total column; below the producers, rows of taxes less subsidies, value added and
output. The OECD zips one year (2016, 2018 editions) or several years (2021, 2023) per file;
one year is read, the CSV chosen or the only one in the folder or zip given (extracted, or in
its downloaded zip there, as pymrio's ``parse_oecd`` reads a folder of such zips).

=======  =========================  ===================================  ==========================
edition  file                       final-demand columns                 rows below the producers
=======  =========================  ===================================  ==========================
2016     ICIO2016_<year>.csv        HFCE_AUS, NPS_, GGFC_, GFCF_, INV_,  VA+TAXSUB, OUT
                                    DIRP_<country>; DISC
2018     ICIO2018_<year>.CSV        AUS_HFCE, _NPISH, _GGFC, _GFCF,      AUS_TAXSUB (per country),
                                    _INVNT, _P33; TOTAL                  VALU, OUTPUT
2021     ICIO2021_<year>.csv        as 2018, DPABR for P33               as 2018
2023     <year>_SML.csv (small),    as 2021; OUT                         TLS, VA, OUT
         <year>.csv (extended)
=======  =========================  ===================================  ==========================

All but the 2023 small tables split China and Mexico into parts (CN1, CN2, ..., MX1, ...,
after ROW), leaving CHN's and MEX's own rows and columns zero.

The table is read as pymrio's ``parse_oecd`` (0.7.0) reads it, with the same results: the
columns OUT and TOTAL and the rows OUT and OUTPUT are dropped; rows TLS and VA, then rows
whose label contains VALU or TAX (in file order) are the extension ``factor_inputs`` (unit
Million USD), with their final-demand part as F_Y; columns whose label contains a
final-demand item (HFCE, NPISH, NPS, GGFC, GFCF, INVNT, INV, DIRP, DPABR, FD, P33, DISC) are
final demand, labelled (country, item), the 2016 ``HFCE_AUS`` turned round and ``DISC`` as
(ALL, DISC); the producers are sorted by label, and the rows and columns of China's and
Mexico's parts are added into CHN's and MEX's. Unlike pymrio, the file is checked: rows and
columns must name the same producers, every line must be complete, and the table must end
with its output row, so a truncated or damaged download is reported, not misread.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePosixPath

import numpy as np
import pandas as pd

from ..errors import LabelMismatchError, MrioFileError, naming, preview
from .archive import MrioSource
from .downloads import DownloadedFile, Given, downloaded_files, extracted_first, one_edition
from .model import Extension, Mrio, build_mrio
from .text_tables import label_cells, read_numbers

TITLE = (
    "OECD ICIO (ICIO<edition>_<year>.csv or its .zip; 2023 edition: <year>_SML.csv or <year>.csv)"
)
ICIO_FILE = re.compile(
    r"(?:ICIO(?P<edition>\d{4})_)?(?P<year>\d{4})(?P<small>_SML)?\.csv", re.IGNORECASE
)
"""The year's table: ICIO2018_2015.CSV; 2020_SML.csv or 2020.csv (2023 edition; pymrio's
downloader renames them ICIO2023_2020.csv)."""
ICIO_ZIP = re.compile(r"ICIO[\w-]*\.zip", re.IGNORECASE)
"""A downloaded zip of tables: one year's (ICIO2018_2015.zip, as pymrio's download_oecd keeps
the 2016 and 2018 editions) or several years' (the 2021 and 2023 editions)."""

UNIT = "Million USD"
EXTENSION = "factor_inputs"
TOTAL_COLUMNS = ("OUT", "TOTAL")
OUTPUT_ROWS = ("OUT", "OUTPUT")
FACTOR_ROWS = ("TLS", "VA")
FACTOR_PATTERN = re.compile("VALU|TAX")
FINAL_DEMAND_PATTERN = re.compile("HFCE|NPISH|NPS|GGFC|GFCF|INVNT|INV|DIRP|DPABR|FD|P33|DISC|OUT")
SPLIT = {"CHN": re.compile(r"CN\d"), "MEX": re.compile(r"MX\d")}
"""Countries whose parts (matched at the start of the region) are added into them."""
DISCREPANCY_REGION = "ALL"
"""Region of a final-demand column without one (2016's DISC), as pymrio labels it."""


def claims(given: Given) -> bool:
    """Whether the folder or zip holds an ICIO year's CSV, or a downloaded zip of them."""
    return bool(given.named(ICIO_FILE) or given.named(ICIO_ZIP))


def read(given: Given) -> Mrio:
    """Read the ICIO table chosen, or the only one in the folder or zip.

    Raises
    ------
    MrioFileError
        No table, or several years and none chosen; a truncated or malformed table.
    LabelMismatchError
        Rows and columns that do not name the same producers.
    """
    table = _table(given)
    named = (MrioFileError, LabelMismatchError)
    with table.opened() as source, naming(source.describe(table.relative), named):
        return _read(source, table.relative)


def _table(given: Given) -> DownloadedFile:
    """The CSV chosen, else the only ICIO table there: extracted, or else in its downloaded
    zip."""
    if given.chosen is not None and ICIO_FILE.fullmatch(given.chosen.name):
        return DownloadedFile(given.container, None, given.chosen)
    copies: dict[str, list[DownloadedFile]] = {}
    for file in downloaded_files(given.container, ICIO_FILE, ICIO_ZIP):
        copies.setdefault(file.name.lower(), []).append(file)
    tables = [file for files in copies.values() for file in extracted_first(files)]
    zipped = given.container.is_file() or any(file.part for file in tables)
    how = "extract that year's CSV from its .zip and choose it" if zipped else "choose it"
    return one_edition(
        given.container,
        sorted(
            ((f"{ICIO_FILE.fullmatch(file.name)['year']} ({file})", file) for file in tables),
            key=lambda edition: edition[0],
        ),
        "OECD ICIO tables",
        "ICIO<edition>_<year>.csv or its .zip; 2023 edition: <year>_SML.csv or <year>.csv",
        f"Pick the table to use: {how}.",
    )


def _read(source: MrioSource, table: PurePosixPath) -> Mrio:
    name = source.describe(table)
    header = _header(source, table)
    rows, below = _scan(source, table, len(header))
    columns = _Columns.of(header)
    _check_producers(name, rows, columns.producers)
    row_order = _Folding.of(rows, name)
    column_order = _Folding.of(columns.producers, name, columns.producer_positions)
    regions = {label.split("_", 1)[0] for label in rows}
    demand_labels = [_demand_label(label, regions, name) for label in columns.demand]

    numbers = read_numbers(
        source,
        table,
        (len(rows), len(header)),
        delimiter=",",
        skip_rows=1,
        skip_columns=1,
        what="the producers of its first column by the columns of its header",
        rows_after=len(below),
    )
    by_row = row_order.apply(numbers, axis=0)
    del numbers  # at most two dense copies of the table at a time
    final_demand = by_row[:, columns.demand_positions]
    flows = column_order.apply(by_row, axis=1)
    del by_row
    return build_mrio(
        producers=[tuple(label.split("_", 1)) for label in row_order.labels],
        final_demand_labels=demand_labels,
        final_demand=final_demand,
        intermediate_flows=flows,
        unit=UNIT,
        extensions=_factor_inputs(below, columns, column_order),
        name=f"OECD-ICIO {PurePosixPath(table.name).stem}",
    )


def _header(source: MrioSource, table: PurePosixPath) -> list[str]:
    """The column labels, after the corner cell."""
    with source.open_text(table) as handle:
        line = handle.readline()
    header = next(csv.reader([line]), [])[1:]
    if not header:
        raise MrioFileError(
            f"{source.describe(table)} names no columns in its first line: it is empty or not "
            "an ICIO table. Download the ICIO table again."
        )
    return header


def _scan(source: MrioSource, table: PurePosixPath, width: int) -> tuple[list[str], list]:
    """The producer rows' labels and the rows below them, (label, numbers) with an empty cell
    read as 0 (the 2016 edition leaves the final-demand cells of these rows empty). Every line
    is checked for its number of cells, and the table for its output row at the end."""
    name = source.describe(table)
    producers: list[str] = []
    below: list[tuple[str, str]] = []
    with source.open_text(table) as handle:
        handle.readline()
        for number, line in enumerate(handle, start=2):
            if not line.strip():
                continue
            if line.count(",") != width:
                raise MrioFileError(
                    f"{name}, line {number:,}, has {line.count(',') + 1:,} cells where the "
                    f"header has {width + 1:,}. The file is truncated or damaged. Download it "
                    "again."
                )
            label = label_cells(line, ",", 1)[0]
            if below or _is_below(label):
                below.append((label, line))
            else:
                producers.append(label)
    if not below or below[-1][0] not in OUTPUT_ROWS:
        source.check_intact(table)
        raise MrioFileError(
            f"{name} ends without its output row ({' or '.join(OUTPUT_ROWS)}) after the "
            "producers, taxes and value added: the file is truncated. Download it again."
        )
    for label, _ in below:
        if not _is_below(label):
            raise LabelMismatchError(
                f"{name} has the row {label!r} below the taxes and value-added rows, where "
                "only such rows and the output row belong. Download the ICIO table again."
            )
    return producers, [(label, _row_numbers(line, name, label)) for label, line in below]


def _is_below(label: str) -> bool:
    """A row of taxes, value added or output, not a producer's."""
    return label in OUTPUT_ROWS or label in FACTOR_ROWS or bool(FACTOR_PATTERN.search(label))


def _row_numbers(line: str, name: str, label: str) -> np.ndarray:
    cells = next(csv.reader([line]))[1:]
    try:
        return np.array([float(cell) if cell.strip() else 0.0 for cell in cells])
    except ValueError as error:
        raise MrioFileError(
            f"{name}, row {label!r}, holds text where numbers are expected ({error}). "
            "Download the ICIO table again."
        ) from error


@dataclass(frozen=True)
class _Columns:
    """The header's producer and final-demand columns, positions counted after the corner."""

    producers: list[str]
    producer_positions: list[int]
    demand: list[str]
    demand_positions: list[int]

    @classmethod
    def of(cls, header: list[str]) -> _Columns:
        producers, producer_positions, demand, demand_positions = [], [], [], []
        for position, label in enumerate(header):
            if label in TOTAL_COLUMNS:
                continue
            if FINAL_DEMAND_PATTERN.search(label):
                demand.append(label)
                demand_positions.append(position)
            else:
                producers.append(label)
                producer_positions.append(position)
        return cls(producers, producer_positions, demand, demand_positions)


def _check_producers(name: str, rows: list[str], columns: list[str]) -> None:
    """Rows and columns name the same producers, each once, as <country>_<industry>."""
    repeated = [
        label for labels in (rows, columns) for label, n in Counter(labels).items() if n > 1
    ]
    row_set, column_set = set(rows), set(columns)
    missing = [label for label in columns if label not in row_set]
    unexpected = [label for label in rows if label not in column_set]
    if repeated or missing or unexpected:
        details = [
            f"{what}: {preview(labels)}"
            for what, labels in (
                ("in the header but no row", missing),
                ("a row but not in the header", unexpected),
                ("repeated", repeated),
            )
            if labels
        ]
        raise LabelMismatchError(
            f"The rows of {name} do not name the same producers as its columns "
            f"({'; '.join(details)}). Each <country>_<industry> is a row and a column; "
            "download the ICIO table again."
        )
    unsplit = [label for label in rows if "_" not in label]
    if unsplit:
        raise LabelMismatchError(
            f"{name} names producers that are not <country>_<industry>: {preview(unsplit)}. "
            "Download the ICIO table again."
        )


@dataclass(frozen=True)
class _Folding:
    """Producers in pymrio's order (sorted by label), with the rows or columns of China's and
    Mexico's parts (CN1, ..., MX1, ...) added into CHN's and MEX's."""

    labels: list[str]
    kept: list[int]
    """Position in the file of each producer kept, in the order of ``labels``."""
    added: list[tuple[int, int]]
    """(position in the file, index in ``labels``) of each part's row or column."""

    @classmethod
    def of(cls, labels: list[str], name: str, positions: list[int] | None = None) -> _Folding:
        position = dict(zip(labels, positions or range(len(labels))))
        regions = {label.split("_", 1)[0] for label in labels}
        into = {
            part: whole
            for whole, pattern in SPLIT.items()
            if whole in regions
            for part in regions
            if pattern.match(part)
        }
        kept = sorted(label for label in labels if label.split("_", 1)[0] not in into)
        index = {label: k for k, label in enumerate(kept)}
        added = []
        for label in sorted(set(labels) - set(kept)):
            region, industry = label.split("_", 1)
            target = f"{into[region]}_{industry}"
            if target not in index:
                raise LabelMismatchError(
                    f"{name} has {label!r} but no {target!r} to add it to (pymrio adds the "
                    f"parts of {into[region]} into it). Download the ICIO table again."
                )
            added.append((position[label], index[target]))
        return cls(kept, [position[label] for label in kept], added)

    def apply(self, values: np.ndarray, axis: int) -> np.ndarray:
        """``values`` with its producers along ``axis`` in this order, the parts added in."""
        out = np.take(values, self.kept, axis=axis)
        for source, target in self.added:
            if axis == 0:
                out[target] += values[source]
            else:
                out[:, target] += values[:, source]
        return out


def _demand_label(label: str, regions: set[str], name: str) -> tuple[str, str]:
    """(region, category) of a final-demand column, as pymrio labels it."""
    parts = label.split("_")
    if len(parts) == 1:
        return DISCREPANCY_REGION, label
    if len(parts) != 2:
        raise LabelMismatchError(
            f"{name} has the final-demand column {label!r}, which is not <country>_<item> "
            "(or <item>_<country>). Download the ICIO table again."
        )
    return (parts[1], parts[0]) if parts[1] in regions else (parts[0], parts[1])


def _factor_inputs(below, columns: _Columns, column_order: _Folding) -> list[Extension]:
    """Taxes and value added as the extension factor_inputs: TLS and VA, then the rows
    naming VALU or TAX, as pymrio orders them."""
    rows = dict(below)
    labels = [label for label in FACTOR_ROWS if label in rows]
    labels += [label for label, _ in below if FACTOR_PATTERN.search(label)]
    if not labels:
        return []
    values = np.vstack([rows[label] for label in labels])
    return [
        Extension(
            EXTENSION,
            pd.Index(labels, name="inputtype"),
            column_order.apply(values, axis=1),
            values[:, columns.demand_positions],
            (UNIT,) * len(labels),
        )
    ]
