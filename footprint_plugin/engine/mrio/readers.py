"""One entry point for reading an MRIO in any supported layout, detected from its files.

Each layout is a :class:`Layout`: a name (what ``MRIO_FORMAT`` and ``read_mrio(layout=...)``
take), a title for people, a test on the file names, and a reader. The user gives a folder, a
.zip as downloaded, or a file inside the folder (as a file picker gives it): the layouts are
tried in order on the names of the folder's or archive's files, and the first that claims them
reads the MRIO.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from ..errors import MrioFileError
from .archive import MrioSource, looks_like_zip
from .csv_format import read_csv_mrio
from .eora26 import is_eora26, read_eora26
from .exiobase3 import looks_like_exiobase3, read_exiobase3
from .gloria import is_gloria, read_gloria
from .model import Mrio
from .oecd_icio import TITLE as OECD_ICIO_TITLE
from .oecd_icio import is_oecd_icio, read_oecd_icio
from .pymrio_format import PARAMETER_FILE, read_pymrio

DETECTION_DEPTH = 2
"""Folders are listed this deep to detect a layout (a zip's members are all listed)."""


@dataclass(frozen=True)
class Given:
    """What the user pointed at: the folder or .zip, and the file chosen inside it, if any."""

    path: Path
    container: Path
    chosen: PurePosixPath | None
    names: frozenset[PurePosixPath]


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


def _has(name: str) -> Callable[[Given], bool]:
    return lambda given: any(path.name == name for path in given.names)


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "pymrio",
        "pymrio save_all (file_parameters.json)",
        _has(PARAMETER_FILE),
        lambda given: read_pymrio(given.container),
    ),
    Layout(
        "exiobase3",
        "EXIOBASE 3 (IOT_<year>_<ixi|pxp>.zip or its folder, with file_parameters.json)",
        lambda given: (
            _has(PARAMETER_FILE)(given) and looks_like_exiobase3(given.container, given.names)
        ),
        lambda given: read_exiobase3(given.container),
        refines="pymrio",
    ),
    Layout(
        "csv",
        "CSV layout of CSV_FORMAT.md (producers.csv)",
        lambda given: given.container.is_dir() and _has("producers.csv")(given),
        lambda given: read_csv_mrio(given.container),
    ),
    Layout(
        "eora26",
        "Eora26 (Eora26_<year>_<bp|pp>_T.txt + labels_T.txt, or Eora26_<year>_<bp|pp>.zip)",
        is_eora26,
        read_eora26,
    ),
    Layout(
        "gloria",
        "GLORIA (<date>_120secMother_AllCountries_002_T-Results_<year>_<release>_Markup001"
        "(full).csv + GLORIA_ReadMe_<release>.xlsx, or GLORIA_MRIOs_<release>_<year>.zip)",
        lambda given: is_gloria(given.names),
        lambda given: read_gloria(given.container, given.chosen),
    ),
    Layout("oecd_icio", OECD_ICIO_TITLE, is_oecd_icio, read_oecd_icio),
)
"""Tried in this order; a layout whose files are a subset of another's comes first."""


def layout_names() -> tuple[str, ...]:
    return tuple(layout.name for layout in LAYOUTS)


def given_path(path: str | Path) -> Given:
    """Split a user's path into the folder or .zip and the file chosen in it; list its files."""
    path = Path(path)
    chosen = None
    container = path
    if path.is_file() and not looks_like_zip(path):
        container, chosen = path.parent, PurePosixPath(path.name)
    with MrioSource(container, "the MRIO's folder, its .zip, or a file in the folder") as source:
        names = frozenset(source.files(DETECTION_DEPTH))
    return Given(path, container, chosen, names)


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
