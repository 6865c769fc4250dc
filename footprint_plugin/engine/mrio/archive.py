"""The files of an MRIO as published: a folder, or a downloaded .zip read in place.

A zip is never extracted: its members are streamed from the archive, so nothing is written
anywhere. Before any member is read, every member name is checked (an absolute name or one
with ``..`` is refused, as an archive made to write outside its folder), and every member's
declared size is bounded: deflate cannot inflate more than about 1032 to 1, so a member that
claims more is a forged header, and a member past :data:`MAX_MEMBER_BYTES` is refused as a
zip bomb. zipfile itself stops reading a member at its declared size and checks its CRC.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path, PurePosixPath
from typing import IO

from ..errors import MrioFileError
from ..files import open_text, reading

MAX_MEMBER_BYTES = 64 << 30
"""Largest member inflated: GLORIA's biggest table is a few GB of text, EXIOBASE's A.txt 1.2 GB."""

MAX_DEFLATE_RATIO = 1100
"""Above deflate's best ratio (about 1032:1), a member's declared size cannot be honest."""

FOLDER_DEPTH = 3
"""How deep a folder is listed: the published layouts nest at most two folders."""

TEXT_ENCODING = "utf-8-sig"
"""UTF-8, a leading byte-order mark skipped: what pandas, and so pymrio, reads."""


def looks_like_zip(path: Path) -> bool:
    """A file that is, or should be, a zip archive (a truncated .zip is not ``is_zipfile``)."""
    return path.is_file() and (path.suffix.lower() == ".zip" or zipfile.is_zipfile(path))


class MrioSource(AbstractContextManager):
    """A folder or a .zip of MRIO files, read in place; use it as a context manager.

    Files are named by their path relative to the folder or inside the archive, as
    :class:`~pathlib.PurePosixPath`. Messages name them as ``Z.txt in mrio.zip``.
    """

    def __init__(
        self, path: Path, what: str = "the MRIO's folder or .zip", opened: IO[bytes] | None = None
    ) -> None:
        self.path = Path(path)
        self._opened = opened
        if opened is None and not self.path.exists():
            raise MrioFileError(f"{self.path} does not exist. Give {what}.")
        self.archive: zipfile.ZipFile | None = None
        if opened is not None or looks_like_zip(self.path):
            with reading(str(self.path)):
                self.archive = zipfile.ZipFile(self.path if opened is None else opened)
            try:
                self._members = {
                    _safe_name(self.path, info): info
                    for info in self.archive.infolist()
                    if not info.is_dir()
                }
            except MrioFileError:
                self.close()
                raise
        elif not self.path.is_dir():
            raise MrioFileError(f"{self.path} is neither a folder nor a zip archive. Give {what}.")

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()
        if self._opened is not None:
            self._opened.close()

    def open_archive(self, relative: PurePosixPath, what: str) -> MrioSource:
        """The zip file ``relative`` (a downloaded part, an .xlsx workbook) as a source of its
        own, its members checked as any archive's. Inside a zip it is read in place from the
        member, whose every backward seek inflates it again from its start: fine for a workbook,
        slow for a zip of several GB."""
        if self.archive is None:
            return MrioSource(self.path / relative, what)
        with reading(self.describe(relative)):
            opened = self.open_binary(relative)
        try:
            return MrioSource(Path(self.describe(relative)), what, opened)
        except BaseException:
            opened.close()
            raise

    def files(self, depth: int = FOLDER_DEPTH) -> Iterator[PurePosixPath]:
        """Every file, relative to the folder or archive (a folder listed ``depth`` deep)."""
        if self.archive is not None:
            yield from self._members
            return
        yield from _listed(self.path, PurePosixPath("."), depth)

    def describe(self, relative: PurePosixPath) -> str:
        if self.archive is None:
            return str(self.path / relative)
        return f"{relative.as_posix()} in {self.path}"

    def exists(self, relative: PurePosixPath) -> bool:
        if self.archive is None:
            return (self.path / relative).exists()
        return PurePosixPath(relative) in self._members

    def stamp(self) -> tuple:
        """What changes when any file changes: (name, size, mtime in ns) of each file read."""
        if self.archive is not None:
            status = self.path.stat()
            return ((self.path.name, status.st_size, status.st_mtime_ns),)
        return tuple(
            (name.as_posix(), status.st_size, status.st_mtime_ns)
            for name in sorted(self.files())
            for status in [(self.path / name).stat()]
        )

    def open_text(self, relative: PurePosixPath) -> AbstractContextManager[IO[str]]:
        """The file as UTF-8 text, without the byte-order mark some editors write first (as
        pandas reads it); read errors become a MrioFileError naming it."""
        if self.archive is None:
            return open_text(self.path / relative, encoding=TEXT_ENCODING)
        return open_text(
            self._members[PurePosixPath(relative)].filename,  # as stored (maybe with "\\")
            self.describe(relative),
            self.archive,
            encoding=TEXT_ENCODING,
        )

    def open_binary(self, relative: PurePosixPath) -> IO[bytes]:
        """The file as bytes (read it inside ``reading(source.describe(relative))``)."""
        if self.archive is None:
            return open(self.path / relative, "rb")
        return self.archive.open(self._members[PurePosixPath(relative)])

    def check_intact(self, relative: PurePosixPath) -> None:
        """Read a zip member through, so that a damaged one is reported as damaged: its CRC is
        checked at its end, and a parse can fail on garbled data before that."""
        if self.archive is not None:
            with reading(self.describe(relative)), self.open_binary(relative) as data:
                while data.read(1 << 24):
                    pass


def _safe_name(archive: Path, info: zipfile.ZipInfo) -> PurePosixPath:
    """The member's relative name, after refusing names that escape and forged sizes."""
    name = PurePosixPath(info.filename.replace("\\", "/"))
    if name.is_absolute() or ".." in name.parts or ":" in name.parts[0]:
        raise MrioFileError(
            f"{archive} holds a member named {info.filename!r}, which points outside the "
            "archive. It is refused, as an archive made to overwrite other files; download "
            "the MRIO again from its publisher."
        )
    if info.file_size > MAX_MEMBER_BYTES or info.file_size > (
        MAX_DEFLATE_RATIO * info.compress_size + (1 << 20)
    ):
        raise MrioFileError(
            f"{info.filename} in {archive} claims to inflate to {info.file_size:,} bytes from "
            f"{info.compress_size:,}: more than any MRIO table (or than deflate can compress). "
            "It is refused as a zip bomb or a damaged archive; download it again."
        )
    return name


def _listed(folder: Path, relative: PurePosixPath, depth: int) -> Iterator[PurePosixPath]:
    with reading(str(folder / relative)):
        children = sorted((folder / relative).iterdir())
    for child in children:
        if child.is_file():
            yield relative / child.name
        elif child.is_dir() and depth > 1:
            yield from _listed(folder, relative / child.name, depth - 1)
