"""Eora26 as published by worldmrio.com, read as pymrio's ``parse_eora26`` reads it.

Eora26 comes per year and price basis (bp basic, pp purchasers' prices) as
``Eora26_<year>_<price>.zip``, holding tab-separated numbers without labels::

    Eora26_<year>_<price>_T.txt    intermediate flows, producers x producers
    Eora26_<year>_<price>_FD.txt   final demand, producers x final-demand columns
    Eora26_<year>_<price>_VA.txt   primary inputs (value added), inputs x producers
    Eora26_<year>_<price>_Q.txt    satellite accounts, stressors x producers
    Eora26_<year>_<price>_QY.txt   stressors of final demand (direct), stressors x columns

and their labels, one tab-separated line per row or column (each line ends in a tab), in the
zip, beside it, or in a separate ``indices.zip``::

    labels_T.txt    country, country code, "Industries", sector
    labels_FD.txt   country, country code, "Final Demand", category
    labels_VA.txt   "Primary Inputs", input
    labels_Q.txt    stressor with its unit in parentheses, source

One year and price basis is read: the one of the table chosen, else the only one in the
folder or zip given, extracted or as its year's zip (in a folder of downloads, say).

The last producer, ``ROW``/``TOTAL``, and the final-demand columns of ``ROW`` hold Eora's
statistical discrepancy: as pymrio does, every row and column of region ``ROW`` is dropped.
Regions are named by their code (pymrio's ``country_names='eora'``); money is in thousands of
current US dollars (``000 USD``). Extensions, as pymrio names them: ``Q`` (stressors named
(stressor, source), the unit taken out of the name's parentheses, QY as direct stressors of
final demand) and ``VA`` (named (inputtype, category), in ``000 USD``).
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from pathlib import PurePosixPath
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..errors import MrioFileError
from .archive import MrioSource
from .downloads import DownloadedFile, Given, downloaded_files, extracted_first, one_edition
from .model import Extension, Mrio, build_mrio
from .text_tables import read_numbers

TITLE = "Eora26 (Eora26_<year>_<bp|pp>_T.txt + labels_T.txt, or Eora26_<year>_<bp|pp>.zip)"
TABLE_FILE = re.compile(r"Eora26_(\d{4})_(bp|pp)_(T|FD|Q|QY|VA)\.txt")
T_FILE = re.compile(r"Eora26_\d{4}_(bp|pp)_T\.txt")
YEAR_ZIP = re.compile(r"Eora26_(\d{4})_(bp|pp)\.zip")
INDICES = "indices.zip"
ROW = "ROW"
UNIT = "000 USD"
UNIT_IN_NAME = re.compile(r"\((.*)\)")
UNIT_SUFFIX = re.compile(r"\s\((.*)\)")
"""pymrio's patterns: the unit of a stressor is in the parentheses of its name, and the name
is used without them ("Total CO2 emissions (Gg) from EDGAR" is Total CO2 emissions from EDGAR,
in Gg)."""


class Edition(NamedTuple):
    """One year and price basis (bp: basic prices, pp: purchasers' prices) of Eora26."""

    year: str
    price: str

    @classmethod
    def of(cls, table: str) -> Edition:
        """The edition of an Eora26 table, by its file name."""
        match = TABLE_FILE.fullmatch(table)
        return cls(match[1], match[2])

    def table(self, key: str) -> str:
        return f"Eora26_{self.year}_{self.price}_{key}.txt"

    def __str__(self) -> str:
        return f"{self.year} {self.price}"


def claims(given: Given) -> bool:
    """Whether the files include an Eora26 table or a year's zip."""
    return bool(given.named(TABLE_FILE) or given.named(YEAR_ZIP))


def read(given: Given) -> Mrio:
    """Read the year and price basis chosen (or the only one found) of Eora26.

    Raises
    ------
    MrioFileError
        Several years or price bases and none chosen, a table or label file missing, or files
        that are truncated or do not line up with their labels.
    """
    t_file = _t_file(given)
    with ExitStack() as stack:
        source = stack.enter_context(t_file.opened())
        return _read(_Files(stack, t_file, source))


def _t_file(given: Given) -> DownloadedFile:
    """The T file of the year and price basis to read: beside the table chosen, else the only
    one in the folder or zip, extracted or in its year's zip (extracted rather than zipped)."""
    if given.chosen is not None and TABLE_FILE.fullmatch(given.chosen.name):
        edition = Edition.of(given.chosen.name)
        return DownloadedFile(given.container, None, given.chosen.parent / edition.table("T"))
    found: dict[Edition, list[DownloadedFile]] = {}
    for file in downloaded_files(given.container, T_FILE, YEAR_ZIP):
        found.setdefault(Edition.of(file.name), []).append(file)
    return one_edition(
        given.container,
        [
            (f"{edition} ({file})", file)
            for edition, files in sorted(found.items())
            for file in extracted_first(files)
        ],
        "Eora26 tables",
        "Eora26_<year>_<bp|pp>_T.txt or Eora26_<year>_<bp|pp>.zip",
        "Choose the Eora26_<year>_<price>_T.txt file of the year and price basis to read, "
        "or the year's .zip.",
    )


class _Files:
    """The files of one edition: the tables beside T; the labels beside T, beside the year's
    zip holding it, or in an indices.zip there (where pymrio looks for them)."""

    def __init__(self, stack: ExitStack, t_file: DownloadedFile, source: MrioSource) -> None:
        self.source, self.folder = source, t_file.relative.parent
        self.edition = Edition.of(t_file.name)
        places = [(source, self.folder)]
        if t_file.part is not None:
            places.append((stack.enter_context(MrioSource(t_file.container)), t_file.part.parent))
        elif source.archive is not None:  # the year's zip itself was given
            beside = stack.enter_context(MrioSource(t_file.container.parent))
            places.append((beside, PurePosixPath(".")))
        for place, folder in list(places):
            if place.exists(folder / INDICES):
                indices = place.open_archive(folder / INDICES, f"Eora26's {INDICES}")
                places.append((stack.enter_context(indices), PurePosixPath(".")))
        self.label_places = places

    def table(self, key: str, shape: tuple[int, int], labels: str) -> np.ndarray:
        """The numbers of table ``key`` (T, FD, Q, QY or VA), ``shape`` from ``labels``."""
        relative = self.folder / self.edition.table(key)
        if not self.source.exists(relative):
            raise MrioFileError(
                f"{self.source.describe(relative)} is missing: Eora26 {self.edition} needs its "
                "T, FD, Q, QY and VA tables side by side. Extract the whole "
                f"Eora26_{self.edition.year}_{self.edition.price}.zip, or choose the zip itself."
            )
        return read_numbers(self.source, relative, shape, what=labels)

    def labels(self, name: str, columns: int, what: str) -> pd.DataFrame:
        """The first ``columns`` columns of the label file ``name``, as text."""
        for source, folder in self.label_places:
            if source.exists(folder / name):
                return _labels(source, folder / name, columns, what)
        looked = ", ".join(source.describe(folder / name) for source, folder in self.label_places)
        raise MrioFileError(
            f"{name} is missing (looked for {looked}). Eora26 publishes its labels in the "
            f"year's zip or in {INDICES} (worldmrio.com): put the labels_*.txt files, or "
            f"{INDICES}, beside {self.edition.table('T')} or the year's zip."
        )


def _read(files: _Files) -> Mrio:
    producers = files.labels("labels_T.txt", 4, "producers")
    columns = files.labels("labels_FD.txt", 4, "final-demand columns")
    stressors = files.labels("labels_Q.txt", 2, "stressors")
    inputs = files.labels("labels_VA.txt", 2, "primary inputs")
    n, m, k, v = len(producers), len(columns), len(stressors), len(inputs)
    rows = _kept(producers[1] != ROW)
    demand = _kept(columns[1] != ROW)
    flows = files.table("T", (n, n), f"labels_T.txt's {n:,} producers")
    final_demand = files.table("FD", (n, m), f"labels_T.txt x labels_FD.txt, {n:,} x {m:,}")
    names = stressors[0].tolist()
    q = Extension(
        "Q",
        pd.MultiIndex.from_arrays(
            [[UNIT_SUFFIX.sub("", name) for name in names], stressors[1].tolist()],
            names=["stressor", "source"],
        ),
        files.table("Q", (k, n), f"labels_Q.txt x labels_T.txt, {k:,} x {n:,}")[:, rows],
        files.table("QY", (k, m), f"labels_Q.txt x labels_FD.txt, {k:,} x {m:,}")[:, demand],
        tuple(match[1] if (match := UNIT_IN_NAME.search(name)) else "" for name in names),
    )
    va = Extension(
        "VA",
        pd.MultiIndex.from_frame(inputs, names=["inputtype", "category"]),
        files.table("VA", (v, n), f"labels_VA.txt x labels_T.txt, {v:,} x {n:,}")[:, rows],
        None,
        (UNIT,) * v,
    )
    return build_mrio(
        producers=list(zip(producers[1].iloc[rows], producers[3].iloc[rows])),
        final_demand_labels=list(zip(columns[1].iloc[demand], columns[3].iloc[demand])),
        final_demand=final_demand[rows][:, demand],
        intermediate_flows=flows[rows][:, rows],
        unit=UNIT,
        extensions=(q, va),
        name=f"Eora26 {files.edition}",
    )


def _labels(source: MrioSource, relative: PurePosixPath, columns: int, what: str) -> pd.DataFrame:
    """The first ``columns`` columns of a label file, as text (a trailing tab is ignored)."""
    name = source.describe(relative)
    try:
        with source.open_text(relative) as handle:
            table = pd.read_csv(handle, sep="\t", header=None, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise MrioFileError(
            f"{name} is not a label file of Eora26 (one tab-separated line per {what[:-1]}): "
            f"{error}. Download it again."
        ) from error
    if table.shape[1] < columns:
        raise MrioFileError(
            f"{name} has {table.shape[1]} column(s), but Eora26's labels of {what} have "
            f"{columns}. Download it again."
        )
    return table.iloc[:, :columns].set_axis(range(columns), axis=1)


def _kept(keep: pd.Series) -> slice | np.ndarray:
    """Positions of the rows kept (not ROW): a slice when they come first, as ROW comes last in
    Eora26, so that a table is cut as a view, not copied."""
    positions = np.flatnonzero(keep.to_numpy())
    if positions.size == 0 or positions[-1] == positions.size - 1:
        return slice(0, positions.size)
    return positions
