"""Dense numeric tables in text, read in row blocks into one preallocated float64 array.

Published MRIOs hold their matrices as delimited text, with or without label rows and columns.
numpy's loadtxt (C since numpy 1.23) parses them exactly (every value round-trips) and as fast
as pandas' C parser here (``bench/bench_mrio_read.py``); reading a block of rows at a time into
the array it returns keeps one dense copy in memory, not two. The label cells left of the
numbers come with each block, so that a table whose row count is known beforehand (a square
one) is read in one pass.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import NamedTuple

import numpy as np

from ..errors import MrioFileError

BLOCK_ROWS = 256


class RowCountError(MrioFileError):
    """A table that ends before its last row or inside it, or runs on after it: truncated, or
    another table than its labels describe (no other parser would read it better)."""


class Block(NamedTuple):
    """Rows of a table as read: the index of the first, their numbers and their label cells."""

    first: int
    values: np.ndarray
    labels: list[tuple[str, ...]]
    """The ``skip_columns`` cells left of each row's numbers (an empty list without any)."""


def read_numbers(
    source,
    relative: PurePosixPath,
    shape: tuple[int, int],
    delimiter: str = "\t",
    skip_rows: int = 0,
    skip_columns: int = 0,
    what: str = "",
    rows_after: int = 0,
) -> np.ndarray:
    """Read a ``shape`` block of numbers from a delimited text file of ``source``.

    Parameters
    ----------
    source
        A :class:`~.archive.MrioSource` (folder or zip) holding the file.
    relative
        The file's name in ``source``.
    shape
        (rows, columns) of numbers expected, known from the layout's labels.
    skip_rows, skip_columns
        Label rows above and label columns left of the numbers.
    what
        What gives the shape, for messages (e.g. "labels_T.txt's 4,915 producers").
    rows_after
        Rows after the numbers that the caller reads itself (OECD ICIO's value-added and
        output rows); the file must end after them.

    Raises
    ------
    RowCountError
        The file has fewer or more rows than ``shape``, or ends inside a row.
    MrioFileError
        A row of another width than ``shape``, or text where a number belongs; the message
        names the file and the line.
    """
    return read_labelled_numbers(
        source, relative, shape, delimiter, skip_rows, skip_columns, what, rows_after
    )[0]


def read_labelled_numbers(
    source,
    relative: PurePosixPath,
    shape: tuple[int, int],
    delimiter: str = "\t",
    skip_rows: int = 0,
    skip_columns: int = 0,
    what: str = "",
    rows_after: int = 0,
) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """:func:`read_numbers`, and the label cells left of each row's numbers, in the same pass."""
    values = np.empty(shape, dtype=np.float64)
    labels: list[tuple[str, ...]] = []
    for block in number_blocks(
        source, relative, shape, delimiter, skip_rows, skip_columns, what, rows_after
    ):
        values[block.first : block.first + len(block.values)] = block.values
        labels.extend(block.labels)
    return values, labels


def number_blocks(
    source,
    relative: PurePosixPath,
    shape: tuple[int, int],
    delimiter: str = "\t",
    skip_rows: int = 0,
    skip_columns: int = 0,
    what: str = "",
    rows_after: int = 0,
) -> Iterator[Block]:
    """Yield the table :func:`read_numbers` reads, a :class:`Block` of rows at a time.

    For a caller that keeps only some rows or columns of a table too big to hold whole
    (GLORIA's T); the file is checked exactly as :func:`read_numbers` checks it, the last
    check (nothing after the last row) once the last block has been taken.
    """
    rows, columns = shape
    name = source.describe(relative)
    expected = f"{rows:,} rows x {columns:,} columns" + (f" ({what})" if what else "")
    with source.open_text(relative) as handle:
        for _ in range(skip_rows):
            handle.readline()
        done = 0
        while done < rows:
            lines = list(itertools.islice(handle, min(BLOCK_ROWS, rows - done)))
            if not lines:
                source.check_intact(relative)
                raise RowCountError(
                    f"{name} ends after {done:,} rows of numbers, but {expected} are expected: "
                    "the file is truncated, or belongs to another table. Download it again."
                )
            _check_widths(
                source, relative, lines, delimiter, skip_columns, columns, what, skip_rows + done
            )
            yield Block(
                done,
                _parse(lines, delimiter, skip_columns, columns, name, skip_rows + done),
                [label_cells(line, delimiter, skip_columns) for line in lines]
                if skip_columns
                else [],
            )
            done += len(lines)
        rest = [line for line in itertools.islice(handle, rows_after + 64) if line.strip()]
        if len(rest) > rows_after:
            raise RowCountError(
                f"{name} has more than {rows:,} rows of numbers; {expected} are expected. "
                "Check that the labels and the table are of the same MRIO, year and release."
            )


def label_cells(line: str, delimiter: str, count: int) -> tuple[str, ...]:
    """The first ``count`` cells of a line that has more, unquoted where quoted (the rest of
    the line, its numbers, is not split)."""
    end = -1
    for _ in range(count):
        end = line.index(delimiter, end + 1)
    head = line[:end]
    if '"' in head:
        return tuple(next(csv.reader([head], delimiter=delimiter)))
    return tuple(head.split(delimiter))


def _check_widths(source, relative, lines, delimiter, skip_columns, columns, what, before):
    """Every line holds ``columns`` numbers; a shorter last line without its line end is the
    end of a truncated file (``before``: how many lines of the file come before ``lines``)."""
    for index, line in enumerate(lines):
        found = line.count(delimiter) + 1 - skip_columns
        if found == columns:
            continue
        name = source.describe(relative)
        where = f"line {before + index + 1:,}"
        if found < columns and not line.endswith("\n"):
            source.check_intact(relative)
            raise RowCountError(
                f"{name} ends in the middle of a row ({where}): it is truncated. Download or "
                "copy it again."
            )
        raise MrioFileError(
            f"{name}, {where}, has {found:,} numbers where {columns:,} are expected"
            f"{f' ({what})' if what else ''}. The file is damaged, or its labels belong to "
            "another table; download it again."
        )


def _parse(lines, delimiter, skip_columns, columns, name, first_line) -> np.ndarray:
    try:
        return np.loadtxt(
            lines,
            delimiter=delimiter,
            usecols=range(skip_columns, skip_columns + columns),
            ndmin=2,
            dtype=np.float64,
            comments=None,
        )
    except ValueError as error:
        raise MrioFileError(
            f"{name}, between lines {first_line + 1:,} and {first_line + len(lines):,}, holds "
            f"text where numbers are expected ({error}). Download the file again."
        ) from error
