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
are results and are not read; x.txt is only checked (x is recomputed from Z and Y).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from ..errors import LabelMismatchError, MrioError, MrioFileError, ShapeError, preview
from .archive import MrioSource
from .model import FINAL_DEMAND_LEVELS, PRODUCER_LEVELS, Extension, Mrio, build_mrio

PARAMETER_FILE = "file_parameters.json"
TEXT_SUFFIXES = (".txt", ".tsv", ".csv")


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


def read_pymrio(path: str | Path) -> Mrio:
    """Read an MRIO saved by pymrio's ``save_all`` (text format) from a folder or a .zip.

    Parameters
    ----------
    path
        The folder holding ``file_parameters.json``, or a zip archive containing one such
        folder (as written by ``pymrio.archive``).

    Raises
    ------
    MrioFileError
        Missing or unreadable files, or files not in text format.
    MrioError
        Any validation error of :func:`~.mrio.build_mrio`, prefixed with the path.
    """
    with _Source(Path(path)) as source:
        return _read(source, path)


def _read(source: _Source, path: str | Path) -> Mrio:
    try:
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
            name=source.mrio_name(),
        )
    except MrioFileError:
        raise
    except MrioError as error:
        raise type(error)(f"{path}: {error}") from error


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
    match. Labels must be (region, sector) for producers and (region, category) for
    final-demand columns.

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
    core_values = _values(_reorder(core, producers, f"columns of {core_name}", axis=1))
    demand_labels = _two_levels(final_demand.columns, "columns of Y", FINAL_DEMAND_LEVELS)
    demand = _values(_reorder(final_demand, producers, "rows of Y", axis=0))
    output = None
    if total_output is not None:
        output = _values(_reorder(pd.DataFrame(total_output), producers, "rows of x", axis=0))
        output = output[:, 0]
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
        from_producers = _values(_reorder(tables.F, producers, f"columns of F of {what}", 1))
    elif tables.S is not None and output is not None:
        stressors = _normalized(tables.S.index)
        from_producers = _values(_reorder(tables.S, producers, f"columns of S of {what}", 1))
        from_producers = from_producers * output[None, :]
    else:
        raise MrioFileError(
            f"{what} has no F (stressors x producers), nor S together with x. "
            "Save it with F (pymrio: save_all after calc_all), or remove it."
        )
    from_final_demand = None
    direct, direct_name = (tables.F_Y, "F_Y") if tables.F_Y is not None else (tables.S_Y, "S_Y")
    if direct is not None:
        direct = _reorder(direct, stressors, f"rows of {direct_name} of {what}", axis=0)
        from_final_demand = _values(
            _reorder(direct, demand_labels, f"columns of {direct_name} of {what}", axis=1)
        )
        if direct_name == "S_Y":
            from_final_demand = from_final_demand * demand.sum(axis=0)[None, :]
    units = ("",) * len(stressors)
    if tables.unit is not None:
        unit_table = _reorder(
            pd.DataFrame(tables.unit), stressors, f"rows of unit of {what}", axis=0
        )
        units = tuple(str(value) for value in unit_table.iloc[:, 0])
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


def _reorder(frame: pd.DataFrame, reference: pd.Index, what: str, axis: int) -> pd.DataFrame:
    """Return ``frame`` with its labels along ``axis`` in the order of ``reference``.

    ``what`` names the labels checked, e.g. "rows of Y"; the producers are the rows of Z (or
    A), final-demand columns the columns of Y, stressors the rows of F.
    """
    labels = _normalized(frame.index if axis == 0 else frame.columns)
    if not labels.equals(reference):
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
        positions = labels.get_indexer(reference)
        frame = frame.iloc[positions] if axis == 0 else frame.iloc[:, positions]
    return frame.set_axis(reference, axis=axis)


def _reference_name(reference: pd.Index) -> str:
    names = list(reference.names)
    if names == list(PRODUCER_LEVELS):
        return "producers (rows of Z or A)"
    if names == list(FINAL_DEMAND_LEVELS):
        return "final-demand columns (columns of Y)"
    return "stressors (rows of F)"


def _values(frame: pd.DataFrame) -> np.ndarray:
    return frame.to_numpy(dtype=np.float64)


def _monetary_unit(unit_table: pd.DataFrame | None) -> str:
    """The monetary unit(s) of an IOSystem's unit.txt, e.g. 'Mill USD'."""
    if unit_table is None or unit_table.empty:
        return ""
    return ", ".join(str(value) for value in pd.unique(unit_table.iloc[:, 0].astype(str)))


class _Source(MrioSource):
    """An MRIO saved by pymrio: a folder, or a zip archive holding one."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, "the folder (or .zip) that pymrio's save_all wrote")
        try:
            self.root = self._find_root()
        except MrioFileError:
            self.close()
            raise

    def _find_root(self) -> PurePosixPath:
        if self.archive is None:
            return PurePosixPath(".")
        roots = [
            name.parent
            for name in self.files()
            if name.name == PARAMETER_FILE and self.json(name).get("systemtype") == "IOSystem"
        ]
        if len(roots) != 1:
            found = "no" if not roots else f"{len(roots)}"
            raise MrioFileError(
                f"{self.path} holds {found} MRIO(s) ({PARAMETER_FILE} with systemtype "
                "IOSystem); it must hold exactly one. Zip the folder written by save_all."
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

    def mrio_name(self) -> str:
        """The MRIO's name from metadata.json, if there is one."""
        relative = self.root / "metadata.json"
        if not self.exists(relative):
            return ""
        try:
            return str(self.json(relative).get("name", ""))
        except MrioFileError:
            return ""  # the name is only shown: a broken metadata.json loses nothing else

    def table(self, folder: PurePosixPath, key: str, entry: Mapping[str, str]) -> pd.DataFrame:
        """Read one table listed in file_parameters.json; unit tables hold text, others numbers."""
        numeric = key != "unit"
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
        index_columns, header_rows = int(entry["nr_index_col"]), int(entry["nr_header"])
        with self.open_text(relative) as handle:
            head = list(
                csv.reader([handle.readline() for _ in range(header_rows + 1)], delimiter="\t")
            )
        if not numeric and head and 1 < len(head[0]) <= index_columns:
            index_columns = len(head[0]) - 1  # EXIOBASE 3.4 lists the unit column as an index
        names_row = (
            header_rows > 1
            and len(head) > header_rows
            and not any(head[header_rows][index_columns:])
        )
        columns = [row[index_columns:] for row in head[:header_rows]]
        if len(head) < header_rows or not all(row and all(row) for row in columns):
            raise MrioFileError(
                f"{self.describe(relative)} has empty or missing column labels in its first "
                f"{header_rows} row(s). Check nr_index_col and nr_header in {PARAMETER_FILE} "
                "against the file (pymrio's Z.txt and Y.txt have 2 of each)."
            )
        with self.open_text(relative) as handle:
            try:
                data = pd.read_csv(
                    handle,
                    sep="\t",
                    header=None,
                    skiprows=header_rows + names_row,
                    dtype={i: str for i in range(index_columns)},
                    keep_default_na=False,
                    na_values=[""],
                )
            except pd.errors.EmptyDataError as error:
                raise MrioFileError(
                    f"{self.describe(relative)} holds column labels but no rows (no producers "
                    "or stressors). Re-save the MRIO with pymrio's save_all."
                ) from error
            except UnicodeDecodeError:
                raise  # open_text names the file and says it is not UTF-8
            except (pd.errors.ParserError, ValueError) as error:
                self.check_intact(relative)
                raise MrioFileError(
                    f"{self.describe(relative)} cannot be read as a table "
                    f"({error}). Re-save it with pymrio's save_all."
                ) from error
        if data.shape[1] != index_columns + len(columns[0]):
            raise MrioFileError(
                f"{self.describe(relative)} has {data.shape[1] - index_columns} value columns "
                f"but {len(columns[0])} column labels. Check nr_index_col and nr_header in "
                f"{PARAMETER_FILE}."
            )
        label_columns = [data[i] for i in range(index_columns)]
        index = (
            pd.MultiIndex.from_arrays(label_columns)
            if index_columns > 1
            else pd.Index(label_columns[0])
        )
        header = pd.MultiIndex.from_arrays(columns) if header_rows > 1 else pd.Index(columns[0])
        values = data.iloc[:, index_columns:]
        if not numeric:
            return pd.DataFrame(values.to_numpy(), index=index, columns=header)
        try:
            numbers = values.to_numpy(dtype=np.float64)
        except ValueError as error:
            raise MrioFileError(
                f"{self.describe(relative)} holds text where numbers are "
                f"expected ({error}). Fix the file."
            ) from error
        return pd.DataFrame(numbers, index=index, columns=header)
