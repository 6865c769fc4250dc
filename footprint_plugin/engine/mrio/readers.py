"""One entry point for reading an MRIO in any supported layout, chosen from the path."""

from __future__ import annotations

from pathlib import Path

from ..errors import MrioFileError
from .csv_format import read_csv_mrio
from .model import Mrio
from .pymrio_format import PARAMETER_FILE, looks_like_zip, read_pymrio


def read_mrio(path: str | Path) -> Mrio:
    """Read an MRIO saved by pymrio (folder or .zip) or in the CSV layout (CSV_FORMAT.md).

    Parameters
    ----------
    path
        A folder, a .zip archive, or a file inside the folder (its ``file_parameters.json``
        or ``producers.csv``, as a file picker gives it).

    Raises
    ------
    MrioFileError
        If the path is in neither layout, or files of the layout are missing or malformed.
    MrioError
        Any validation error of the MRIO.
    """
    path = Path(path)
    if path.is_file() and not looks_like_zip(path):
        path = path.parent
    if not path.is_dir():
        return read_pymrio(path)
    if (path / PARAMETER_FILE).exists():
        return read_pymrio(path)
    if (path / "producers.csv").exists():
        return read_csv_mrio(path)
    raise MrioFileError(
        f"{path} is not an MRIO this plugin reads: it holds neither {PARAMETER_FILE} (an MRIO "
        "saved by pymrio's save_all) nor producers.csv (the CSV layout of CSV_FORMAT.md). "
        "Choose the folder of the MRIO, its file_parameters.json, or a .zip of it."
    )
