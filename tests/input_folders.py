"""Input folders left as they were: a run adds, removes or changes no file in them.

GDAL writes a raster's ``.aux.xml`` when the dataset is closed, which for a layer QGIS opened
during a run is when the run's context is deleted; so the folders are listed again only after
the run has returned and garbage has been collected.
"""

import gc
from contextlib import contextmanager
from pathlib import Path


def snapshot(folders) -> dict:
    """Every file and folder under ``folders``: path -> (size, mtime in ns), or "folder"."""
    entries = {}
    for folder in folders:
        for path in Path(folder).rglob("*"):
            if path.is_dir():
                entries[str(path)] = "folder"
            else:
                status = path.stat()
                entries[str(path)] = (status.st_size, status.st_mtime_ns)
    return entries


def differences(before: dict, after: dict) -> list:
    """What changed between two snapshots, one line each."""
    return (
        [f"new: {path}" for path in sorted(after.keys() - before.keys())]
        + [f"gone: {path}" for path in sorted(before.keys() - after.keys())]
        + [
            f"changed: {path} {before[path]} -> {after[path]}"
            for path in sorted(before.keys() & after.keys())
            if before[path] != after[path]
        ]
    )


@contextmanager
def left_untouched(*folders):
    """Assert that the ``with`` block adds, removes and changes no file under ``folders``."""
    folders = [Path(folder) for folder in folders]
    assert all(folder.is_dir() for folder in folders), folders
    before = snapshot(folders)
    assert before, f"{folders} hold no input"
    yield
    gc.collect()
    changes = differences(before, snapshot(folders))
    assert not changes, "the run touched its input folders:\n" + "\n".join(changes)
