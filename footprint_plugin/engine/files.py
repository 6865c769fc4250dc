"""Opening input files: whatever goes wrong while reading one becomes a MrioFileError naming it.

A binary file, a folder, a file one may not read, or a damaged .zip then gets a message saying
which file and what to do, not a traceback (UnicodeDecodeError, zlib.error, ...).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import MrioFileError

DAMAGED_ZIP = (zipfile.BadZipFile, zlib.error, EOFError)
"""What zipfile raises for a truncated archive or a member with bad data or a bad CRC."""


@contextmanager
def reading(name: str) -> Iterator[None]:
    """Turn decode, OS and zip errors raised in the block into a MrioFileError naming ``name``."""
    try:
        yield
    except UnicodeDecodeError as error:
        raise MrioFileError(
            f"{name} is not UTF-8 text (byte {error.start} cannot be decoded: it is a binary "
            "file, or text in another encoding). Save it as UTF-8 text, or choose the right file."
        ) from error
    except FileNotFoundError as error:
        raise MrioFileError(f"{name} cannot be read: it does not exist. Check the path.") from error
    except PermissionError as error:
        raise MrioFileError(
            f"{name} cannot be read: permission denied. Allow reading it, or copy it somewhere "
            "you may read."
        ) from error
    except OSError as error:
        raise MrioFileError(
            f"{name} cannot be read ({error.strerror or error}). Copy it again, or check the disk."
        ) from error
    except DAMAGED_ZIP as error:
        raise MrioFileError(
            f"{name} is damaged ({error}): the .zip is corrupt or incomplete. Download or copy "
            "it again."
        ) from error


@contextmanager
def open_text(
    path: str | Path,
    name: str = "",
    archive: zipfile.ZipFile | None = None,
    encoding: str = "utf-8",
) -> Iterator[IO[str]]:
    """Open a text file, or the member ``path`` of ``archive``, for reading in the block.

    ``name`` (by default the path) is how messages call it, e.g. ``Z.txt in mrio.zip``.

    Raises
    ------
    MrioFileError
        The file is a folder, missing, unreadable, not in ``encoding``, or a damaged member.
    """
    name = name or str(path)
    with reading(name):
        if archive is not None:
            with io.TextIOWrapper(archive.open(str(path)), encoding=encoding, newline="") as text:
                yield text
            return
        if Path(path).is_dir():
            raise MrioFileError(f"{name} is a folder, not a file. Choose the file itself.")
        with open(path, encoding=encoding, newline="") as text:
            yield text
