"""Plain CSV layouts: a hand-built MRIO as long tables, and an emission inventory.

An MRIO is a folder of comma-separated UTF-8 files with a header row (column names are
matched ignoring case and surrounding spaces; extra columns are ignored):

``producers.csv`` (required): ``region, sector`` [, ``total_output``] [, ``unit``]
    One row per producing region-sector, in the order used for all results. ``total_output``
    is only checked against Z·1 + Y·1; ``unit`` is the monetary unit.
``flows.csv`` (required): ``from_region, from_sector, to_region, to_sector, value``
    Intermediate flows Z from a producer to a producer. Missing pairs are 0.
``final_demand.csv`` (required): ``from_region, from_sector, to_region, category, value``
    Final demand Y of a consumer region's category for a producer's output. Final-demand
    columns are ordered by first appearance.
``stressors.csv`` (optional): ``extension, stressor, unit, region, sector, value``
    F: amounts of a stressor (e.g. extension ``emissions``, stressor ``CO2``) emitted by a
    producer.
``final_demand_stressors.csv`` (optional): ``extension, stressor, unit, region, category, value``
    F_Y: direct amounts emitted by final demand (households' heating and cars).

Rows repeating a pair add up. An emission inventory (:func:`read_emissions_csv`) has columns
``region, sector, emissions``; see CSV_FORMAT.md next to this module for examples.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import LabelMismatchError, MrioFileError, preview
from ..files import open_text
from .model import PRODUCER_LEVELS, Extension, Mrio, build_mrio, label_index

PRODUCER_COLUMNS = ("region", "sector")
FLOW_COLUMNS = ("from_region", "from_sector", "to_region", "to_sector", "value")
DEMAND_COLUMNS = ("from_region", "from_sector", "to_region", "category", "value")
STRESSOR_COLUMNS = ("extension", "stressor", "unit", "region", "sector", "value")
DEMAND_STRESSOR_COLUMNS = ("extension", "stressor", "unit", "region", "category", "value")
INVENTORY_COLUMNS = ("region", "sector", "emissions")


def read_csv_mrio(folder: str | Path) -> Mrio:
    """Read an MRIO in the long CSV layout described in this module.

    Raises
    ------
    MrioFileError
        A required file or column is missing, or a value is not a number.
    LabelMismatchError
        A row names a producer that is not in producers.csv.
    MrioError
        Any validation error of :func:`~.mrio.build_mrio`.
    """
    folder = Path(folder)
    producer_table = _read_table(folder / "producers.csv", PRODUCER_COLUMNS)
    producers = label_index(
        producer_table[list(PRODUCER_COLUMNS)].itertuples(index=False), PRODUCER_LEVELS
    )
    n = len(producers)
    if not n:
        raise MrioFileError(
            f"{folder / 'producers.csv'} lists no producers, so there is no MRIO to read. Add "
            "one row per producing region and sector below the header (see CSV_FORMAT.md)."
        )
    flow_table = _read_table(folder / "flows.csv", FLOW_COLUMNS)
    demand_table = _read_table(folder / "final_demand.csv", DEMAND_COLUMNS)
    demand_labels = _first_appearance(demand_table, ["to_region", "category"])
    if not len(demand_labels):
        raise MrioFileError(
            f"{folder / 'final_demand.csv'} holds no final demand, so no emission can be "
            "attributed to consumers. Add one row per producer and consumer category below the "
            "header (see CSV_FORMAT.md)."
        )

    flows = _accumulate(
        _positions(flow_table, ["from_region", "from_sector"], producers, "flows.csv"),
        _positions(flow_table, ["to_region", "to_sector"], producers, "flows.csv"),
        _numbers(flow_table, "value", "flows.csv"),
        (n, n),
    )
    demand = _accumulate(
        _positions(demand_table, ["from_region", "from_sector"], producers, "final_demand.csv"),
        _positions(demand_table, ["to_region", "category"], demand_labels, "final_demand.csv"),
        _numbers(demand_table, "value", "final_demand.csv"),
        (n, len(demand_labels)),
    )

    total_output = None
    if "total_output" in producer_table:
        total_output = _numbers(producer_table, "total_output", "producers.csv")
    unit = ""
    if "unit" in producer_table:
        unit = ", ".join(pd.unique(producer_table["unit"]))
    return build_mrio(
        producers=producers,
        final_demand_labels=demand_labels,
        final_demand=demand,
        intermediate_flows=flows,
        total_output=total_output,
        unit=unit,
        extensions=_extensions(folder, producers, demand_labels),
        name=folder.name,
    )


def read_emissions_csv(path: str | Path, producers: pd.MultiIndex) -> np.ndarray:
    """Read emissions per (region, sector) and align them to the MRIO's producers.

    Producers without a row get 0; repeated rows add up. Empty cells are read as NaN, which
    the attribution reports as unattributed rather than dropping.

    Parameters
    ----------
    path
        CSV with columns ``region, sector, emissions``.
    producers
        ``Mrio.producers``.

    Returns
    -------
    numpy.ndarray
        e (n,), in the order of ``producers``.

    Raises
    ------
    MrioFileError
        The file is missing, a folder, unreadable, empty, not UTF-8, or lacks a column.
    LabelMismatchError
        Rows naming producers that are not in the MRIO (a few are listed).
    """
    path = Path(path)
    table = _read_table(path, INVENTORY_COLUMNS)
    rows = _positions(table, ["region", "sector"], producers, path.name)
    return np.bincount(
        rows, weights=_numbers(table, "emissions", path.name), minlength=len(producers)
    )


def _extensions(
    folder: Path, producers: pd.MultiIndex, demand_labels: pd.MultiIndex
) -> list[Extension]:
    """Extensions from stressors.csv and final_demand_stressors.csv (both optional)."""
    tables = []
    for name, columns, labels, label_columns in (
        ("stressors.csv", STRESSOR_COLUMNS, producers, ["region", "sector"]),
        (
            "final_demand_stressors.csv",
            DEMAND_STRESSOR_COLUMNS,
            demand_labels,
            ["region", "category"],
        ),
    ):
        if (folder / name).exists():
            table = _read_table(folder / name, columns)
            table["_column"] = _positions(table, label_columns, labels, name)
            table["_value"] = _numbers(table, "value", name)
            table["_file"] = name
            tables.append(table)
    if not tables:
        return []
    combined = pd.concat(tables, ignore_index=True)
    units = combined.groupby(["extension", "stressor"], sort=False)["unit"].unique()
    conflicting = units[units.map(len) > 1]
    if len(conflicting):
        raise MrioFileError(
            f"Stressor(s) {preview(conflicting.index)} have several units "
            f"({preview(conflicting.iloc[0])}). Give each stressor one unit in both files."
        )
    unit_of = {key: found[0] for key, found in units.items()}
    extensions = []
    for extension, rows in combined.groupby("extension", sort=False):
        stressors = pd.Index(pd.unique(rows["stressor"]), name="stressor")
        row = stressors.get_indexer(rows["stressor"])
        parts = []
        for name, labels in (
            ("stressors.csv", producers),
            ("final_demand_stressors.csv", demand_labels),
        ):
            mine = (rows["_file"] == name).to_numpy()
            parts.append(
                _accumulate(
                    row[mine],
                    rows["_column"].to_numpy()[mine],
                    rows["_value"].to_numpy()[mine],
                    (len(stressors), len(labels)),
                )
            )
        has_direct = (rows["_file"] == "final_demand_stressors.csv").any()
        extensions.append(
            Extension(
                name=str(extension),
                stressors=stressors,
                from_producers=parts[0],
                from_final_demand=parts[1] if has_direct else None,
                units=tuple(unit_of[(extension, stressor)] for stressor in stressors),
            )
        )
    return extensions


def _read_table(path: Path, required: Sequence[str]) -> pd.DataFrame:
    """Read a CSV as text, with lower-case column names; check the required columns."""
    if not path.exists():
        raise MrioFileError(
            f"{path} is missing. It needs the columns {', '.join(required)} (see CSV_FORMAT.md)."
        )
    with open_text(path, encoding="utf-8-sig") as handle:
        try:
            table = pd.read_csv(handle, dtype=str, keep_default_na=False)
        except pd.errors.EmptyDataError as error:
            raise MrioFileError(
                f"{path} is empty. Give it a header row with {', '.join(required)} "
                "(see CSV_FORMAT.md)."
            ) from error
        except pd.errors.ParserError as error:
            raise MrioFileError(
                f"{path} cannot be read as a comma-separated table ({error}). "
                "Save it as CSV (UTF-8) with a header row."
            ) from error
    table.columns = [str(column).strip().lower() for column in table.columns]
    missing = [column for column in required if column not in table.columns]
    if missing:
        raise MrioFileError(
            f"{path} lacks the column(s) {', '.join(missing)}; it has "
            f"{', '.join(table.columns) or 'none'}. Add a header row with "
            f"{', '.join(required)} (see CSV_FORMAT.md)."
        )
    return table.apply(lambda column: column.str.strip())


def _numbers(table: pd.DataFrame, column: str, file_name: str) -> np.ndarray:
    """A column as floats; empty cells are NaN, any other text is an error."""
    numbers = pd.to_numeric(table[column].replace("", "nan"), errors="coerce")
    bad = numbers.isna() & ~table[column].str.lower().isin(["", "nan"])
    if bad.any():
        lines = [str(line) for line in np.flatnonzero(bad.to_numpy()) + 2]
        shown = ", ".join(lines[:5]) + (", ..." if len(lines) > 5 else "")
        raise MrioFileError(
            f"{file_name}: column {column!r} holds text that is not a number on line(s) "
            f"{shown} (e.g. {table[column][bad].iloc[0]!r}). Use plain numbers with a dot as "
            "decimal separator."
        )
    return numbers.to_numpy(dtype=np.float64)


def _first_appearance(table: pd.DataFrame, columns: list[str]) -> pd.MultiIndex:
    frame = table[columns].drop_duplicates()
    return pd.MultiIndex.from_frame(frame, names=["region", "category"])


def _positions(
    table: pd.DataFrame, columns: list[str], labels: pd.MultiIndex, file_name: str
) -> np.ndarray:
    """Position of each row's (region, x) pair in ``labels``; unknown pairs are an error."""
    keys = pd.MultiIndex.from_frame(table[columns])
    positions = labels.get_indexer(keys)
    unknown = positions < 0
    if unknown.any():
        raise LabelMismatchError(
            f"{file_name}: {int(unknown.sum())} row(s) name pairs ({', '.join(columns)}) that "
            f"the MRIO does not have: {preview(keys[unknown].unique())}. Known pairs are "
            f"for example {preview(labels, 3)}. Fix the spelling, or add them to the MRIO."
        )
    return positions


def _accumulate(
    rows: np.ndarray, columns: np.ndarray, values: np.ndarray, shape: tuple[int, int]
) -> np.ndarray:
    """Dense matrix of ``shape`` with values added up at (row, column)."""
    flat = np.bincount(rows * shape[1] + columns, weights=values, minlength=shape[0] * shape[1])
    return flat.reshape(shape)
