"""Read MRIOs saved by pymrio (``IOSystem.save_all``, text format), from a folder or a .zip.

Layout written by pymrio (see ``pymrio.core.mriosystem.IOSystem.save`` and
``pymrio.core.fileio.load``)::

    file_parameters.json      {"systemtype": "IOSystem", "files": {"Z": {"name": "Z.txt",
                               "nr_index_col": "2", "nr_header": "2"}, ...}}
    Z.txt or A.txt            intermediate flows or coefficients, producers x producers
    Y.txt                     final demand, producers x (region, category)
    x.txt                     total output (optional), producers x "indout"
    unit.txt                  monetary unit per producer (optional)
    <extension>/file_parameters.json   {"systemtype": "Extension", "name": ..., "files": ...}
    <extension>/F.txt or S.txt         stressors x producers (S = F / x)
    <extension>/F_Y.txt or S_Y.txt     stressors x final-demand columns (optional)
    <extension>/unit.txt               unit per stressor (optional)

Tables are tab-separated, written by ``DataFrame.to_csv``: ``nr_header`` rows of column labels
(each starting with the level name), then a row of index level names when the index is named,
then one row per label with ``nr_index_col`` label cells. Other files (L.txt, D_cba.txt, ...)
are results and are not read; x is recomputed from Z and Y (or, with A, checked against it).

Numeric tables can be large (EXIOBASE's A.txt holds 7,987 x 7,987 numbers, over 1 GB of text)
and are read into one array by :mod:`.text_tables`: Z and A, square, have a row for each
column of their header and are read in one pass with their row labels; the others' rows are
counted first, in a cheap pass over their label cells (each line split at its first tabs
only). A table it refuses (an empty cell, which pymrio reads as NaN, or a malformed row) is
read again with pandas, which reads the first and names what is wrong with the others; one
that is truncated is reported as such. Unit tables, which hold text, are read with pandas.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from ..errors import LabelMismatchError, MrioFileError, ShapeError, naming, preview
from ..files import reading
from .archive import MrioSource
from .downloads import Given
from .model import FINAL_DEMAND_LEVELS, PRODUCER_LEVELS, Extension, Mrio, build_mrio
from .text_tables import RowCountError, read_labelled_numbers, read_numbers

PARAMETER_FILE = "file_parameters.json"
METADATA_FILE = "metadata.json"
TEXT_SUFFIXES = (".txt", ".tsv", ".csv")
DELIMITER = "\t"
LINE_BUFFER = 1 << 20
SQUARE_TABLES = ("Z", "A")
"""Tables with a row for each column of their header: read in one pass with their labels."""


@dataclass(frozen=True)
class ExtensionTables:
    """Tables of one satellite account as pymrio holds them.

    Attributes
    ----------
    F
        Stressors x producers. Give F, or S (coefficients per unit of output).
    F_Y
        Stressors x final-demand columns, or None.
    unit
        One unit per stressor (a frame with a ``unit`` column, or a series), or None.
    S, S_Y
        Coefficients: F = S·diag(x), F_Y = S_Y·diag(Y's column sums), used if F or F_Y
        are missing.
    """

    F: pd.DataFrame | None = None
    F_Y: pd.DataFrame | None = None
    unit: pd.DataFrame | pd.Series | None = None
    S: pd.DataFrame | None = None
    S_Y: pd.DataFrame | None = None


EXTENSION_TABLES = ("F", "F_Y", "S", "S_Y", "unit")
LEGACY_NAMES = {"F_hh": "F_Y"}
"""Older names of extension tables: EXIOBASE 3.8.1 and earlier call F_Y F_hh (pymrio renames it
too); F_Y wins where a folder lists both."""


def _extension_tables(source, folder) -> ExtensionTables:
    """The tables an extension folder lists, under their present names."""
    files = source.parameters(folder)["files"]
    tables = {}
    for key, entry in files.items():
        name = LEGACY_NAMES.get(key, key)
        if name in EXTENSION_TABLES and (name == key or name not in files):
            tables[name] = source.table(folder, key, entry)
    return ExtensionTables(**tables)


TITLE = "pymrio save_all (file_parameters.json)"


def claims(given: Given) -> bool:
    """Whether the files include a file_parameters.json."""
    return bool(given.named(PARAMETER_FILE))


def read(given: Given) -> Mrio:
    """Read the MRIO saved by pymrio in the folder or .zip given."""
    return read_pymrio(given.container)


def read_pymrio(path: str | Path, relabel: Mapping[str, str] | None = None) -> Mrio:
    """Read an MRIO saved by pymrio's ``save_all`` (text format) from a folder or a .zip.

    Parameters
    ----------
    path
        The folder holding ``file_parameters.json`` (or a folder holding one such folder), or
        a zip archive containing one such folder (as written by ``pymrio.archive``).
    relabel
        Labels to replace wherever they occur, in every table and at every label level, as
        pymrio's ``rename_regions`` does (e.g. EXIOBASE 3.4's three-letter region codes).

    Raises
    ------
    MrioFileError
        Missing or unreadable files, or files not in text format.
    MrioError
        Any validation error of :func:`~.mrio.build_mrio`, prefixed with the path.
    """
    with _Source(Path(path), relabel) as source:
        return _read(source, path)


def pymrio_metadata(path: str | Path) -> dict:
    """The metadata.json pymrio wrote beside the MRIO in a folder or .zip ({} if there is
    none, or if it cannot be read: it only names and describes the MRIO)."""
    try:
        with _Source(Path(path)) as source:
            return source.metadata()
    except MrioFileError:
        return {}


def _read(source: _Source, path: str | Path) -> Mrio:
    with naming(str(path)):
        parameters = source.parameters(source.root)
        if parameters.get("systemtype") == "Extension":
            raise MrioFileError(
                f"{source.describe(source.root / PARAMETER_FILE)} belongs to the extension "
                f"{parameters.get('name', '')!r}, not to an MRIO. Choose the folder above it, "
                "which holds the MRIO's own file_parameters.json."
            )
        files = parameters["files"]
        wanted = ("Z", "Y", "x", "unit") if "Z" in files else ("A", "Y", "x", "unit")
        tables = {
            key: source.table(source.root, key, entry)
            for key, entry in files.items()
            if key in wanted
        }
        extensions = {
            folder.name: _extension_tables(source, folder) for folder in source.extension_folders()
        }
        if "Y" not in tables:
            raise MrioFileError(
                f"{source.describe(source.root / PARAMETER_FILE)} lists no Y (final demand). "
                "Save the MRIO with Y, for example with pymrio's save_all."
            )
        if "Z" not in tables and "A" not in tables:
            raise MrioFileError(
                f"{source.describe(source.root / PARAMETER_FILE)} lists neither Z nor A. Save "
                "the MRIO with its flows Z (pymrio: save_all after calc_all)."
            )
        return mrio_from_frames(
            final_demand=tables["Y"],
            intermediate_flows=tables.get("Z"),
            technical_coefficients=None if "Z" in tables else tables.get("A"),
            total_output=tables.get("x"),
            extensions=extensions,
            unit=_monetary_unit(tables.get("unit")),
            name=str(source.metadata().get("name", "")),
        )


def mrio_from_frames(
    final_demand: pd.DataFrame,
    intermediate_flows: pd.DataFrame | None = None,
    technical_coefficients: pd.DataFrame | None = None,
    total_output: pd.DataFrame | pd.Series | None = None,
    extensions: Mapping[str, ExtensionTables] | None = None,
    unit: str = "",
    name: str = "",
) -> Mrio:
    """Build an :class:`~.mrio.Mrio` from pymrio-shaped DataFrames, lining up their labels.

    Producers are the rows of Z (or A), in that order; every other table is reordered to
    match (a table already in that order is used without a copy). Labels must be (region,
    sector) for producers and (region, category) for final-demand columns.

    Raises
    ------
    ShapeError
        Z or A not square.
    LabelMismatchError
        Labels that do not line up, with the missing and unexpected ones listed.
    """
    core_name = "Z" if technical_coefficients is None else "A"
    core = intermediate_flows if technical_coefficients is None else technical_coefficients
    if core is None:
        raise ValueError("give intermediate_flows (Z) or technical_coefficients (A)")
    if core.shape[0] != core.shape[1]:
        raise ShapeError(
            f"{core_name} has {core.shape[0]} rows and {core.shape[1]} columns; "
            "it must be square, with the same producers as rows and columns."
        )
    producers = _two_levels(core.index, f"rows of {core_name}", PRODUCER_LEVELS)
    core_values = _aligned(core, producers, f"columns of {core_name}", axis=1)
    demand_labels = _two_levels(final_demand.columns, "columns of Y", FINAL_DEMAND_LEVELS)
    demand = _aligned(final_demand, producers, "rows of Y", axis=0)
    output = None
    if total_output is not None:
        output = _aligned(pd.DataFrame(total_output), producers, "rows of x", axis=0)[:, 0]
    built = [
        _extension(key, tables, producers, demand_labels, output, demand)
        for key, tables in (extensions or {}).items()
    ]
    return build_mrio(
        producers=producers,
        final_demand_labels=demand_labels,
        final_demand=demand,
        intermediate_flows=core_values if technical_coefficients is None else None,
        technical_coefficients=core_values if technical_coefficients is not None else None,
        total_output=output,
        unit=unit,
        extensions=built,
        name=name,
    )


def _extension(
    key: str,
    tables: ExtensionTables,
    producers: pd.MultiIndex,
    demand_labels: pd.MultiIndex,
    output: np.ndarray | None,
    demand: np.ndarray,
) -> Extension:
    """Line up one extension's tables with the producers and final-demand columns."""
    what = f"extension {key!r}"
    if tables.F is not None:
        stressors = _normalized(tables.F.index)
        from_producers = _aligned(tables.F, producers, f"columns of F of {what}", 1)
    elif tables.S is not None and output is not None:
        stressors = _normalized(tables.S.index)
        from_producers = _aligned(tables.S, producers, f"columns of S of {what}", 1)
        from_producers = from_producers * output[None, :]
    else:
        raise MrioFileError(
            f"{what} has no F (stressors x producers), nor S together with x. "
            "Save it with F (pymrio: save_all after calc_all), or remove it."
        )
    from_final_demand = None
    direct, direct_name = (tables.F_Y, "F_Y") if tables.F_Y is not None else (tables.S_Y, "S_Y")
    if direct is not None:
        rows = _positions(direct.index, stressors, f"rows of {direct_name} of {what}")
        from_final_demand = _aligned(
            direct, demand_labels, f"columns of {direct_name} of {what}", axis=1
        )
        if rows is not None:
            from_final_demand = from_final_demand[rows]
        if direct_name == "S_Y":
            from_final_demand = from_final_demand * demand.sum(axis=0)[None, :]
    units = ("",) * len(stressors)
    if tables.unit is not None:
        unit_table = pd.DataFrame(tables.unit)
        rows = _positions(unit_table.index, stressors, f"rows of unit of {what}")
        column = unit_table["unit"] if "unit" in unit_table.columns else unit_table.iloc[:, -1]
        values = column.to_numpy() if rows is None else column.to_numpy()[rows]
        units = tuple(str(value) for value in values)
    return Extension(key, stressors, from_producers, from_final_demand, units)


def _normalized(labels: pd.Index) -> pd.Index:
    """Labels as strings (each level), so that "01" read as a number still matches "01"."""
    if isinstance(labels, pd.MultiIndex):
        return pd.MultiIndex.from_arrays(
            [labels.get_level_values(i).astype(str) for i in range(labels.nlevels)],
            names=labels.names,
        )
    return pd.Index(labels.astype(str), name=labels.name)


def _two_levels(labels: pd.Index, what: str, names: tuple[str, str]) -> pd.MultiIndex:
    """Producer or final-demand labels as strings, with the engine's level names."""
    normalized = _normalized(labels)
    if normalized.nlevels != 2:
        raise LabelMismatchError(
            f"The {what} have {normalized.nlevels} label level(s), but need two: "
            f"({', '.join(names)}). Check nr_index_col and nr_header in file_parameters.json "
            "against the file."
        )
    return normalized.set_names(list(names))


def _aligned(frame: pd.DataFrame, reference: pd.Index, what: str, axis: int) -> np.ndarray:
    """The numbers of ``frame`` with its labels along ``axis`` in the order of ``reference``:
    a view of the frame's own array when they already are, a reordered copy when not."""
    values = frame.to_numpy(dtype=np.float64)
    positions = _positions(frame.index if axis == 0 else frame.columns, reference, what)
    return values if positions is None else values.take(positions, axis=axis)


def _positions(labels: pd.Index, reference: pd.Index, what: str) -> np.ndarray | None:
    """Where each label of ``reference`` is in ``labels`` (None: they are the same, in order).

    ``what`` names the labels checked, e.g. "rows of Y"; the producers are the rows of Z (or
    A), final-demand columns the columns of Y, stressors the rows of F.

    Raises
    ------
    LabelMismatchError
        Labels missing, unexpected or repeated, listed.
    """
    labels = _normalized(labels)
    if labels.equals(reference):
        return None
    duplicated = labels[labels.duplicated()]
    missing = reference.difference(labels, sort=False)
    unexpected = labels.difference(reference, sort=False)
    if len(duplicated) or len(missing) or len(unexpected) or len(labels) != len(reference):
        details = [
            f"{name}: {preview(items)}"
            for name, items in (
                ("missing", missing),
                ("unexpected", unexpected),
                ("repeated", duplicated),
            )
            if len(items)
        ]
        raise LabelMismatchError(
            f"The {what} do not line up with the {_reference_name(reference)} "
            f"({'; '.join(details) or 'different labels'}). Every table must use "
            "the same labels: check their spelling and the number of label columns."
        )
    return labels.get_indexer(reference)


def _reference_name(reference: pd.Index) -> str:
    names = list(reference.names)
    if names == list(PRODUCER_LEVELS):
        return "producers (rows of Z or A)"
    if names == list(FINAL_DEMAND_LEVELS):
        return "final-demand columns (columns of Y)"
    return "stressors (rows of F)"


def _monetary_unit(unit_table: pd.DataFrame | None) -> str:
    """The monetary unit(s) of an IOSystem's unit.txt, e.g. 'Mill USD'."""
    if unit_table is None or unit_table.empty:
        return ""
    return ", ".join(str(value) for value in pd.unique(unit_table.iloc[:, 0].astype(str)))


@dataclass(frozen=True)
class _TableLayout:
    """Where a table's numbers are: below ``skip_rows`` rows, right of ``index_columns``."""

    index_columns: int
    skip_rows: int
    columns: pd.Index


class _Source(MrioSource):
    """An MRIO saved by pymrio: a folder, or a zip archive holding one.

    ``relabel`` replaces labels in every table as it is read (see :func:`read_pymrio`).
    """

    def __init__(self, path: Path, relabel: Mapping[str, str] | None = None) -> None:
        super().__init__(path, "the folder (or .zip) that pymrio's save_all wrote")
        self.relabel = dict(relabel or {})
        try:
            self.root = self._find_root()
        except MrioFileError:
            self.close()
            raise

    def _find_root(self) -> PurePosixPath:
        """The folder of the IOSystem's file_parameters.json: the folder given, or the one
        folder inside it (or inside the zip) that holds one."""
        if self.archive is None and self.exists(PurePosixPath(PARAMETER_FILE)):
            return PurePosixPath(".")
        roots = [
            name.parent
            for name in self.files()
            if name.name == PARAMETER_FILE and self.json(name).get("systemtype") == "IOSystem"
        ]
        if self.archive is None and not roots:
            return PurePosixPath(".")  # parameters() then names the file_parameters.json missing
        if len(roots) != 1:
            found = "no" if not roots else f"{len(roots)}"
            where = f" in {', '.join(map(str, roots))}" if roots else ""
            raise MrioFileError(
                f"{self.path} holds {found} MRIO(s) ({PARAMETER_FILE} with systemtype "
                f"IOSystem{where}); it must hold exactly one. Choose the folder of one of them, "
                "or zip the folder written by save_all."
            )
        return roots[0]

    def json(self, relative: PurePosixPath) -> dict:
        """A JSON file of the MRIO (file_parameters.json, metadata.json), parsed."""
        with self.open_text(relative) as handle:
            try:
                content = json.load(handle)
            except json.JSONDecodeError as error:
                raise MrioFileError(
                    f"{self.describe(relative)} is not valid JSON ({error}). "
                    "Re-save the MRIO with pymrio's save_all."
                ) from error
        if not isinstance(content, dict):
            raise MrioFileError(
                f"{self.describe(relative)} holds no JSON object ({{...}}). "
                "Re-save the MRIO with pymrio's save_all."
            )
        return content

    def parameters(self, folder: PurePosixPath) -> dict:
        """The parsed file_parameters.json of a folder."""
        relative = folder / PARAMETER_FILE
        if not self.exists(relative):
            raise MrioFileError(
                f"{self.describe(relative)} is missing. Give the folder that pymrio's save_all "
                "wrote (with file_parameters.json, Z.txt, Y.txt and one folder per extension)."
            )
        parameters = self.json(relative)
        if not isinstance(parameters.get("files"), dict):
            raise MrioFileError(
                f"{self.describe(relative)} has no 'files' entry. Re-save the "
                "MRIO with pymrio's save_all."
            )
        return parameters

    def extension_folders(self) -> list[PurePosixPath]:
        """Sub-folders of the MRIO holding an Extension's file_parameters.json."""
        candidates = sorted(
            {name.parent for name in self.files() if name.parent.parent == self.root} - {self.root}
        )
        return [
            folder
            for folder in candidates
            if self.exists(folder / PARAMETER_FILE)
            and self.parameters(folder).get("systemtype") == "Extension"
        ]

    def metadata(self) -> dict:
        """The MRIO's metadata.json ({} if there is none or it is broken: the name and
        description are only shown, so a broken file loses nothing else)."""
        relative = self.root / METADATA_FILE
        if not self.exists(relative):
            return {}
        try:
            return self.json(relative)
        except MrioFileError:
            return {}

    def table(self, folder: PurePosixPath, key: str, entry: Mapping[str, str]) -> pd.DataFrame:
        """Read one table listed in file_parameters.json; unit tables hold text, others numbers."""
        relative = folder / entry["name"]
        if relative.suffix.lower() not in TEXT_SUFFIXES:
            raise MrioFileError(
                f"{self.describe(relative)} is not in pymrio's text format. "
                "Re-save the MRIO with save_all(path, table_format='txt')."
            )
        if not self.exists(relative):
            raise MrioFileError(
                f"{self.describe(relative)} is listed in {PARAMETER_FILE} but "
                "missing. Copy the complete folder written by save_all."
            )
        numeric = key != "unit"
        layout = self._layout(relative, entry, numeric)
        if not numeric:
            return self._pandas_table(relative, layout, numeric)
        try:
            values, rows = self._numbers(relative, layout, key in SQUARE_TABLES)
        except RowCountError:
            raise
        except MrioFileError:
            # an empty cell (pymrio reads NaN), a quoted label holding a tab, or a malformed
            # row: pandas reads the first two as pymrio does and names what is wrong otherwise
            self.check_intact(relative)
            return self._pandas_table(relative, layout, numeric)
        if layout.index_columns > 1:
            index = pd.MultiIndex.from_tuples(rows)
        else:
            index = pd.Index([cells[0] for cells in rows])
        return self._frame(values, index, layout.columns)

    def _numbers(
        self, relative: PurePosixPath, layout: _TableLayout, square: bool
    ) -> tuple[np.ndarray, list[tuple[str, ...]]]:
        """The numbers of a table and the label cells of its rows: in one pass if it is square
        (a row for each column of its header), else after a pass counting its rows."""
        width = len(layout.columns)
        if square:
            return read_labelled_numbers(
                self,
                relative,
                (width, width),
                DELIMITER,
                layout.skip_rows,
                layout.index_columns,
                "a square table: a row for each column of its header",
            )
        rows = self._row_labels(relative, layout)
        if not rows:
            raise self._no_rows(relative)
        values = read_numbers(
            self,
            relative,
            (len(rows), width),
            DELIMITER,
            layout.skip_rows,
            layout.index_columns,
            "its label rows and columns",
        )
        return values, rows

    def _layout(
        self, relative: PurePosixPath, entry: Mapping[str, str], numeric: bool
    ) -> _TableLayout:
        """The column labels of a table, and where its numbers start (from its first rows)."""
        index_columns, header_rows = int(entry["nr_index_col"]), int(entry["nr_header"])
        if index_columns < 1 or header_rows < 1:
            raise MrioFileError(
                f"{self.describe(relative.parent / PARAMETER_FILE)} gives "
                f"{relative.name} {index_columns} label column(s) and {header_rows} header "
                "row(s); a table has at least one of each. Re-save the MRIO with save_all."
            )
        with self.open_text(relative) as handle:
            head = list(
                csv.reader([handle.readline() for _ in range(header_rows + 1)], delimiter=DELIMITER)
            )
        if not numeric and head and 1 < len(head[0]) <= index_columns:
            index_columns = len(head[0]) - 1  # EXIOBASE 3.4 lists the unit column as an index
        names_row = (
            header_rows > 1
            and len(head) > header_rows
            and not any(head[header_rows][index_columns:])
        )
        columns = [row[index_columns:] for row in head[:header_rows]]
        if len(head) < header_rows or not all(row and (all(row) or not numeric) for row in columns):
            raise MrioFileError(
                f"{self.describe(relative)} has empty or missing column labels in its first "
                f"{header_rows} row(s). Check nr_index_col and nr_header in {PARAMETER_FILE} "
                "against the file (pymrio's Z.txt and Y.txt have 2 of each)."
            )
        header = pd.MultiIndex.from_arrays(columns) if header_rows > 1 else pd.Index(columns[0])
        return _TableLayout(index_columns, header_rows + names_row, header)

    def _row_labels(self, relative: PurePosixPath, layout: _TableLayout) -> list[tuple[str, ...]]:
        """The label cells of each row, in one pass over the file's bytes that splits each
        line at its first ``index_columns`` tabs only and decodes just those cells (blank
        lines are skipped, as pandas does)."""
        count, tab = layout.index_columns, DELIMITER.encode()
        rows = []
        with reading(self.describe(relative)), self._lines(relative) as handle:
            for _ in range(layout.skip_rows):
                handle.readline()
            for line in handle:
                if line.isspace():
                    continue
                cells = line.split(tab, count)[:count]
                if any(b'"' in cell for cell in cells):  # quoted by to_csv: unquote
                    rows.append(
                        tuple(next(csv.reader([line.decode()], delimiter=DELIMITER))[:count])
                    )
                else:
                    rows.append(tuple(cell.decode() for cell in cells))
        return rows

    def _no_rows(self, relative: PurePosixPath) -> RowCountError:
        return RowCountError(
            f"{self.describe(relative)} holds column labels but no rows (no producers "
            "or stressors). Re-save the MRIO with pymrio's save_all."
        )

    def _lines(self, relative: PurePosixPath) -> io.BufferedReader:
        """The file's bytes, buffered in large blocks: a zip member's own line reading is
        slow for lines as long as an MRIO row."""
        return io.BufferedReader(self.open_binary(relative), LINE_BUFFER)

    def _pandas_table(
        self, relative: PurePosixPath, layout: _TableLayout, numeric: bool
    ) -> pd.DataFrame:
        """Read a table with pandas: unit tables (text), and numeric tables that
        :func:`read_numbers` refuses (their messages name what is wrong)."""
        index_columns = layout.index_columns
        with self.open_text(relative) as handle:
            try:
                data = pd.read_csv(
                    handle,
                    sep=DELIMITER,
                    header=None,
                    skiprows=layout.skip_rows,
                    dtype={i: str for i in range(index_columns)},
                    keep_default_na=False,
                    na_values=[""],
                )
            except pd.errors.EmptyDataError as error:
                raise self._no_rows(relative) from error
            except UnicodeDecodeError:
                raise  # open_text names the file and says it is not UTF-8
            except (pd.errors.ParserError, ValueError) as error:
                self.check_intact(relative)
                raise MrioFileError(
                    f"{self.describe(relative)} cannot be read as a table "
                    f"({error}). Re-save it with pymrio's save_all."
                ) from error
        if data.shape[1] != index_columns + len(layout.columns):
            raise MrioFileError(
                f"{self.describe(relative)} has {data.shape[1] - index_columns} value columns "
                f"but {len(layout.columns)} column labels. Check nr_index_col and nr_header in "
                f"{PARAMETER_FILE}."
            )
        label_columns = [data[i] for i in range(index_columns)]
        index = (
            pd.MultiIndex.from_arrays(label_columns)
            if index_columns > 1
            else pd.Index(label_columns[0])
        )
        values = data.iloc[:, index_columns:]
        if not numeric:
            return self._frame(values.to_numpy(), index, layout.columns)
        try:
            numbers = values.to_numpy(dtype=np.float64)
        except ValueError as error:
            raise MrioFileError(
                f"{self.describe(relative)} holds text where numbers are "
                f"expected ({error}). Fix the file."
            ) from error
        return self._frame(numbers, index, layout.columns)

    def _frame(self, values: np.ndarray, index: pd.Index, columns: pd.Index) -> pd.DataFrame:
        """A table as a DataFrame around ``values`` (not copied), its labels relabelled."""
        return pd.DataFrame(
            values, index=self._relabelled(index), columns=self._relabelled(columns), copy=False
        )

    def _relabelled(self, labels: pd.Index) -> pd.Index:
        if not self.relabel:
            return labels
        if isinstance(labels, pd.MultiIndex):
            return pd.MultiIndex.from_arrays(
                [self._relabelled(labels.get_level_values(i)) for i in range(labels.nlevels)],
                names=labels.names,
            )
        return pd.Index([self.relabel.get(label, label) for label in labels], name=labels.name)
