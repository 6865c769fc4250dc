"""Dense numeric tables in text, read in row blocks into one preallocated float64 array.

Published MRIOs hold their matrices as delimited text, with or without label rows and columns.
numpy's loadtxt (C since numpy 1.23) parses them exactly (every value round-trips) and as fast
as pandas' C parser here (``bench/bench_mrio_read.py``); reading a block of rows at a time into
the array it returns keeps one dense copy in memory, not two.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import PurePosixPath

import numpy as np

from ..errors import MrioFileError
from ..files import reading

BLOCK_ROWS = 256


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
        What the labels are, for messages (e.g. "labels_T.txt's 4,915 producers").
    rows_after
        Rows after the numbers that the caller reads itself (OECD ICIO's value-added and
        output rows); the file must end after them.

    Raises
    ------
    MrioFileError
        The file has fewer or more rows or columns than ``shape``, or text where a number
        belongs; the message names the file and the line.
    """
    out = np.empty(shape, dtype=np.float64)
    for first, block in number_blocks(
        source, relative, shape, delimiter, skip_rows, skip_columns, what, rows_after
    ):
        out[first : first + len(block)] = block
    return out


def number_blocks(
    source,
    relative: PurePosixPath,
    shape: tuple[int, int],
    delimiter: str = "\t",
    skip_rows: int = 0,
    skip_columns: int = 0,
    what: str = "",
    rows_after: int = 0,
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield (first row, rows) of the table :func:`read_numbers` reads, a block at a time.

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
                raise MrioFileError(
                    f"{name} ends after {done:,} rows of numbers, but {expected} are expected: "
                    "the file is truncated, or belongs to another table. Download it again."
                )
            block = _parse(lines, delimiter, skip_columns, columns, name, skip_rows + done)
            yield done, block
            done += len(block)
        rest = [line for line in itertools.islice(handle, rows_after + 64) if line.strip()]
        if len(rest) > rows_after:
            raise MrioFileError(
                f"{name} has more than {rows:,} rows of numbers; {expected} are expected. "
                "Check that the labels and the table are of the same MRIO, year and release."
            )


def _parse(lines, delimiter, skip_columns, columns, name, first_line) -> np.ndarray:
    fields = skip_columns + columns
    for index, line in enumerate(lines):
        if line.count(delimiter) + 1 != fields:
            found = line.count(delimiter) + 1 - skip_columns
            raise MrioFileError(
                f"{name}, line {first_line + index + 1:,}, has {found:,} numbers where "
                f"{columns:,} are expected. The file is truncated or damaged, or its labels "
                "belong to another table; download it again."
            )
    try:
        with reading(name):
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
