"""What the user gives as an MRIO, and the files of a publisher's download found in it.

Publishers ship an MRIO as .zip files, one per year or per part of a year
(``Eora26_2015_bp.zip``, ``ICIO2018_2015.zip``, ``GLORIA_MRIOs_59_2022.zip``), which users keep
as downloaded or extract into folders of the same names, often beside other years. They give
the .zip, its folder, a folder of downloads, or a file in it (as a file picker gives it).
:class:`Given` is that path: the folder or .zip to read, the file chosen in it, and the file
names a layout is recognised by. :func:`downloaded_files` finds a layout's files there, also
inside the downloaded zips it holds (read in place, never extracted), and :func:`one_edition`
takes the one year, release or price basis there is, or says how to choose one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TypeVar

from ..errors import MrioFileError
from .archive import MrioSource, looks_like_zip

DETECTION_DEPTH = 2
"""Folders are listed this deep to detect a layout (a zip's members are all listed)."""

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
"""Files that are zips but documents, not archives of an MRIO (GLORIA's ReadMe)."""

Chosen = TypeVar("Chosen")


@dataclass(frozen=True)
class Given:
    """What the user pointed at: the folder or .zip, and the file chosen inside it, if any."""

    path: Path
    container: Path
    chosen: PurePosixPath | None
    names: frozenset[PurePosixPath]

    def named(self, pattern: str | re.Pattern[str]) -> list[PurePosixPath]:
        """The files whose name is ``pattern`` (a regular expression matching it whole)."""
        pattern = re.compile(re.escape(pattern)) if isinstance(pattern, str) else pattern
        return sorted(name for name in self.names if pattern.fullmatch(name.name))


def given_path(path: str | Path) -> Given:
    """Split a user's path into the folder or .zip and the file chosen in it; list its files."""
    path = Path(path)
    chosen = None
    container = path
    if path.is_file() and (path.suffix.lower() in WORKBOOK_SUFFIXES or not looks_like_zip(path)):
        container, chosen = path.parent, PurePosixPath(path.name)
    with MrioSource(container, "the MRIO's folder, its .zip, or a file in the folder") as source:
        names = frozenset(source.files(DETECTION_DEPTH))
    return Given(path, container, chosen, names)


@dataclass(frozen=True)
class DownloadedFile:
    """A file of a download: ``relative`` in the folder or .zip ``container``, or in ``part``,
    a downloaded .zip inside the container."""

    container: Path
    part: PurePosixPath | None
    relative: PurePosixPath

    @property
    def name(self) -> str:
        return self.relative.name

    @contextmanager
    def opened(self) -> Iterator[MrioSource]:
        """The folder or zip holding the file, as a source in which it is ``relative``."""
        with MrioSource(self.container) as source:
            if self.part is None:
                yield source
                return
            with source.open_archive(self.part, "a downloaded .zip") as part:
                yield part

    def __str__(self) -> str:
        """The file as named in the container, e.g. ``T.txt in Eora26_2015_bp.zip``."""
        return self.relative.as_posix() + (f" in {self.part.as_posix()}" if self.part else "")

    def describe(self) -> str:
        """The file as messages name it."""
        return f"{self} in {self.container}"


def downloaded_files(
    container: Path, wanted: re.Pattern[str], parts: re.Pattern[str]
) -> list[DownloadedFile]:
    """The files named ``wanted`` in the folder or .zip ``container``, and in the downloaded
    zips named ``parts`` there (patterns match a file's name whole)."""
    found = []
    with MrioSource(container) as source:
        for name in sorted(source.files()):
            if wanted.fullmatch(name.name):
                found.append(DownloadedFile(container, None, name))
            elif parts.fullmatch(name.name):
                with source.open_archive(name, "a downloaded .zip") as part:
                    found.extend(
                        DownloadedFile(container, name, member)
                        for member in sorted(part.files())
                        if wanted.fullmatch(member.name)
                    )
    return found


def extracted_first(files: Iterable[DownloadedFile]) -> list[DownloadedFile]:
    """The files outside downloaded zips if there are any, else all: a part extracted beside
    its .zip is read from the extracted files."""
    files = list(files)
    return [file for file in files if file.part is None] or files


def one_edition(
    where: object, editions: Sequence[tuple[str, Chosen]], mrio: str, files: str, choose: str
) -> Chosen:
    """What was found of the one edition (a year, release or price basis) of ``mrio``.

    ``editions`` pairs how each edition found is named in messages, e.g. "2015 bp
    (Eora26_2015_bp.zip)", with what is returned for it.

    Raises
    ------
    MrioFileError
        No edition (``files`` names what was looked for), or several, listed; ``choose``
        says how to choose one.
    """
    if len(editions) == 1:
        return editions[0][1]
    if not editions:
        raise MrioFileError(f"{where} holds no {mrio} ({files}). {choose}")
    listed = ", ".join(label for label, _ in editions)
    raise MrioFileError(
        f"{where} holds several years, releases or price bases of {mrio}: {listed}. {choose}"
    )
