"""One entry point for reading an MRIO in any supported layout, detected from its files.

Each layout is a :class:`Layout`: a name (what ``MRIO_FORMAT`` and ``read_mrio(layout=...)``
take), and from its module a title for people (``TITLE``), a test on the file names
(``claims``) and a reader (``read``), both of a :class:`~.downloads.Given`: the folder, the
.zip as downloaded, or the file inside the folder that the user gave. Every layout is asked
whether it claims the file chosen alone, then (if none does) all the files; the one layout
that claims them reads the MRIO, and files of several layouts need a choice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import MrioFileError
from . import eora26, exiobase3, gloria, oecd_icio, pymrio_format
from .csv_format import read_csv_mrio
from .downloads import Given, given_path
from .model import Mrio


@dataclass(frozen=True)
class Layout:
    """A published MRIO layout: how to recognise its files and how to read them."""

    name: str
    title: str
    claims: Callable[[Given], bool]
    read: Callable[[Given], Mrio]
    refines: str = ""
    """The name of a more general layout that also claims this one's files (EXIOBASE 3
    downloads are pymrio folders): this one is used, not reported as a second layout."""


LAYOUTS: tuple[Layout, ...] = (
    Layout("pymrio", pymrio_format.TITLE, pymrio_format.claims, pymrio_format.read),
    Layout("exiobase3", exiobase3.TITLE, exiobase3.claims, exiobase3.read, refines="pymrio"),
    Layout(
        "csv",
        "CSV layout of CSV_FORMAT.md (producers.csv)",
        lambda given: given.container.is_dir() and bool(given.named("producers.csv")),
        lambda given: read_csv_mrio(given.container),
    ),
    Layout("eora26", eora26.TITLE, eora26.claims, eora26.read),
    Layout("gloria", gloria.TITLE, gloria.claims, gloria.read),
    Layout("oecd_icio", oecd_icio.TITLE, oecd_icio.claims, oecd_icio.read),
)
"""In the order messages list them. The CSV layout, the engine's own, is read from a folder."""


def layout_names() -> tuple[str, ...]:
    return tuple(layout.name for layout in LAYOUTS)


def _claiming(given: Given) -> list[Layout]:
    """The layouts that claim the files, most specific first: those claiming the chosen file
    alone if a file was chosen (a producers.csv chosen beside a pymrio folder is CSV), and
    without a layout that another one refines."""
    claiming = []
    if given.chosen is not None:
        alone = replace(given, names=frozenset({given.chosen}))
        claiming = [candidate for candidate in LAYOUTS if candidate.claims(alone)]
    claiming = claiming or [candidate for candidate in LAYOUTS if candidate.claims(given)]
    refined = {candidate.refines for candidate in claiming}
    return [candidate for candidate in claiming if candidate.name not in refined]


def read_mrio(path: str | Path, layout: str | None = None) -> Mrio:
    """Read an MRIO in any layout of :data:`LAYOUTS`, detected from its files or named.

    Parameters
    ----------
    path
        A folder, a .zip archive, or a file inside the folder.
    layout
        The name of a layout to use instead of detecting one (None: detect).

    Raises
    ------
    MrioFileError
        If the path is in no layout, or files of the layout are missing or malformed.
    MrioError
        Any validation error of the MRIO.
    """
    given = given_path(path)
    if layout is not None:
        chosen = {item.name: item for item in LAYOUTS}.get(layout)
        if chosen is None:
            raise MrioFileError(
                f"{layout!r} is not an MRIO layout this plugin reads; use one of "
                f"{', '.join(layout_names())}, or leave it empty to detect it."
            )
        return chosen.read(given)
    claiming = _claiming(given)
    if len(claiming) > 1:
        raise MrioFileError(
            f"{given.container} holds the files of several MRIO layouts: "
            f"{'; '.join(item.title for item in claiming)}. Keep one MRIO per folder, choose the "
            "MRIO's main file instead of the folder, or set the MRIO format."
        )
    if claiming:
        return claiming[0].read(given)
    raise MrioFileError(
        f"{given.container} is not an MRIO this plugin reads: its files match none of the "
        f"layouts: {'; '.join(item.title for item in LAYOUTS)}. Choose the MRIO's folder, the "
        ".zip as downloaded, or its main file; see the README's 'Bring your own data'."
    )
