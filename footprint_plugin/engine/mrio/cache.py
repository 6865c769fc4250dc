"""A cache of parsed MRIOs as .npy files, so that an MRIO's text is parsed once.

Parsing a published MRIO's text takes from seconds to minutes; mapping the arrays it gave takes
a fraction of that. An entry is the folder ``<cache folder>/<key>/``: one ``.npy`` per array
and ``manifest.json`` (labels, units, names and warnings; no pickle). The key hashes the path
given, the layout asked for, the name, size and modification time of every file of the MRIO's
folder or .zip (:meth:`.MrioSource.stamp`) and the reader code itself
(:func:`reader_fingerprint`), so a changed file or a plugin update never serves stale arrays.

An entry is written into a ``.mrio-partial-`` sibling folder, its files flushed to disk, and
renamed into place when complete: neither a killed run nor a power cut leaves an entry that is
later read. An entry is read with ``mmap_mode="r"`` and the MRIO rebuilt through
:func:`.build_mrio`: it is not trusted but checked as a parsed MRIO is (shapes, finite values,
column sums of A), a pass over the arrays that takes a few percent of a parse. A truncated,
missing or malformed file fails a check, and the entry is removed and the MRIO parsed again.
(A SHA-256 of every file would also catch a changed value that is still plausible, but
tripled the time of a cached read at n = 8,000, and the text it replaces has no such check
either.) When the cache holds more than ``max_bytes``, the entries used least recently are
removed. Nothing is ever written beside the MRIO's files.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import weakref
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse

from .archive import MrioSource
from .attribution import DrivenShares, driven_shares
from .model import Extension, Mrio, build_mrio
from .readers import Given, given_path, read_mrio

MAX_CACHE_BYTES = 20 * 2**30
"""Default bound of a cache folder: about twenty EXIOBASE 3 years (0.6 to 1 GB each)."""

MANIFEST = "manifest.json"
SHARES_PREFIX = "driven_shares_"
"""The driven shares S of an entry's MRIO, once solved: ``driven_shares_<dense|sparse>.npy``."""
_ENTRIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""The cache entry of each MRIO read through the cache in this process, for its driven shares."""
PARTIAL_PREFIX = ".mrio-partial-"
"""An entry being written (or left by a killed run); never read."""
REMOVED_PREFIX = ".mrio-removed-"
"""An entry being removed: renamed first, so that its key is free at once."""
STALE_SECONDS = 24 * 3600
"""A partial entry older than this was left by a killed run and is removed."""
ENTRY_NAME = re.compile(r"[0-9a-f]{64}")
DAMAGE = (OSError, ValueError, LookupError, TypeError)
"""What reading a damaged entry raises: missing or truncated files, bad JSON, and failed
validation (:class:`.MrioError` is a ValueError)."""


class CachedRead(NamedTuple):
    """An MRIO read through the cache, and what the cache did."""

    mrio: Mrio
    from_cache: bool
    """True if the arrays came from the cache, False if the MRIO's text was parsed."""
    entry: Path | None
    """The cache entry holding the MRIO, or None if it is not cached."""
    note: str = ""
    """Why an entry was replaced or none written, for the log; the MRIO itself is sound."""


def read_mrio_cached(
    path: str | Path,
    layout: str | None = None,
    folder: str | Path | None = None,
    max_bytes: int = MAX_CACHE_BYTES,
) -> CachedRead:
    """:func:`.read_mrio` through the cache in ``folder`` (None: no cache, the text is parsed).

    A cache that cannot be read or written never fails the read: the MRIO is parsed, and
    ``note`` says why it is not cached. Errors of the MRIO itself are raised as by read_mrio.
    """
    if folder is None:
        return CachedRead(read_mrio(path, layout), False, None)
    folder = Path(folder)
    given = given_path(path)
    if given.container.is_dir() and _is_within(folder, given.container):
        return CachedRead(
            read_mrio(path, layout),
            False,
            None,
            f"The MRIO cache folder {folder} is inside the MRIO's folder, where nothing is "
            "written: the MRIO was parsed, not cached. Choose a cache folder elsewhere.",
        )
    note = ""
    try:
        entry = folder / cache_key(given, layout)
    except OSError as error:  # a file vanished while the folder was listed
        note = f"The MRIO was not cached: its files changed while they were listed ({error})."
        return CachedRead(read_mrio(path, layout), False, None, note)
    if entry.is_dir():
        try:
            mrio = _load(entry)
        except DAMAGE as error:
            note = f"The cache entry {entry} was damaged ({error}); it is replaced. "
            _remove(entry)
        else:
            _touch(entry)
            _ENTRIES[mrio] = entry
            return CachedRead(mrio, True, entry)
    mrio = read_mrio(path, layout)
    size = _array_bytes(mrio)
    if size > max_bytes:
        note += (
            f"The MRIO was not cached: its arrays take {size / 2**30:.1f} GiB, more than the "
            f"cache's bound of {max_bytes / 2**30:.1f} GiB."
        )
        return CachedRead(mrio, False, None, note)
    try:
        _store(mrio, entry)
        _evict(folder, max_bytes, keep=entry)
    except (OSError, ValueError, TypeError) as error:
        note += (
            f"The MRIO could not be cached in {folder} ({error}); it will be parsed again next "
            "time. Choose a cache folder you can write to, with free space."
        )
        return CachedRead(mrio, False, None, note)
    _ENTRIES[mrio] = entry
    return CachedRead(mrio, False, entry, note)


def driven_shares_cached(mrio: Mrio) -> tuple[DrivenShares, bool]:
    """The driven shares S of an MRIO, and whether they came from its cache entry.

    S (n x m) depends on Z and Y alone and is small beside Z, but solving it is the longest
    step of a run (an LU of I - A): for an MRIO read through the cache it is solved once and
    kept in the entry as ``driven_shares_<method>.npy``, then mapped by later runs. A missing,
    damaged or mis-shaped file is solved again; an MRIO not in the cache is simply solved.
    """
    entry = _ENTRIES.get(mrio)
    if entry is not None and entry.is_dir():
        for stored in entry.glob(f"{SHARES_PREFIX}*.npy"):
            with contextlib.suppress(*DAMAGE):
                share = np.load(stored, mmap_mode="r", allow_pickle=False)
                expected = (len(mrio.producers), len(mrio.final_demand_labels))
                if share.shape == expected and share.dtype == np.float64:
                    method = stored.stem[len(SHARES_PREFIX) :]
                    return _shares(mrio, share, method), True
    shares = driven_shares(mrio)
    if entry is not None and entry.is_dir():
        with contextlib.suppress(OSError):
            partial = entry / f"{PARTIAL_PREFIX}shares.npy"
            with open(partial, "wb") as handle:
                np.save(handle, shares.share)  # in its own memory order: sums repeat exactly
                _flush(handle)
            os.replace(partial, entry / f"{SHARES_PREFIX}{shares.method}.npy")
    return shares, False


def _shares(mrio: Mrio, share: np.ndarray, method: str) -> DrivenShares:
    return DrivenShares(share, mrio.zero_output, mrio.producers, mrio.final_demand_labels, method)


def cache_key(given: Given, layout: str | None) -> str:
    """The entry name of an MRIO: a hash of what it is read from and of the reader code."""
    with MrioSource(given.container) as source:
        stamp = [source.stamp()]
    if given.container.is_file():  # readers also look beside a downloaded zip (labels, ReadMe)
        stamp.append(_beside(given.container))
    identity = [str(Path(given.path).absolute()), layout or "", stamp, reader_fingerprint()]
    return hashlib.sha256(json.dumps(identity).encode("utf-8")).hexdigest()


def _beside(archive: Path) -> list[tuple]:
    """(name, size, mtime in ns) of the files in the archive's own folder."""
    return [
        (child.name, status.st_size, status.st_mtime_ns)
        for child in sorted(archive.parent.iterdir())
        if child.is_file()
        for status in [child.stat()]
    ]


@functools.cache
def reader_fingerprint() -> str:
    """A hash of the engine's top modules and of engine/mrio, which holds every reader: a
    plugin update that changes how an MRIO is read changes every key."""
    engine = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted([*engine.glob("*.py"), *(engine / "mrio").rglob("*.py")]):
        digest.update(path.relative_to(engine).as_posix().encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()


def clear_cache(folder: str | Path) -> tuple[int, int]:
    """Remove every entry (and leftover partial entry) of the cache; return (entries, bytes)
    removed. Only folders named as the cache names them are touched."""
    folder = Path(folder)
    entries_before, bytes_before = _usage(folder)
    for child in _ours(folder):
        _remove(child)
    entries_after, bytes_after = _usage(folder)
    return entries_before - entries_after, bytes_before - bytes_after


def _arrays(mrio: Mrio) -> dict[str, np.ndarray]:
    """Every array of the MRIO by file name (x is not stored: build_mrio recomputes it)."""
    flows = mrio.intermediate_flows
    if scipy.sparse.issparse(flows):
        arrays = {"Z.data.npy": flows.data, "Z.indices.npy": flows.indices}
        arrays["Z.indptr.npy"] = flows.indptr
    else:
        arrays = {"Z.npy": flows}
    arrays["Y.npy"] = mrio.final_demand
    for number, extension in enumerate(mrio.extensions.values()):
        arrays[f"F{number}.npy"] = extension.from_producers
        if extension.from_final_demand is not None:
            arrays[f"F_Y{number}.npy"] = extension.from_final_demand
    return arrays


def _array_bytes(mrio: Mrio) -> int:
    return sum(array.nbytes for array in _arrays(mrio).values())


def _store(mrio: Mrio, entry: Path) -> None:
    """Write the entry into a partial folder, flushed to disk, then rename it into place."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(entry.parent)
    partial = Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=entry.parent))
    try:
        for name, values in _arrays(mrio).items():
            with open(partial / name, "wb") as handle:
                np.save(handle, values, allow_pickle=False)
                _flush(handle)
        manifest = {
            "name": mrio.name,
            "unit": mrio.unit,
            "warnings": list(mrio.warnings),
            "producers": [list(label) for label in mrio.producers],
            "final_demand_labels": [list(label) for label in mrio.final_demand_labels],
            "sparse": scipy.sparse.issparse(mrio.intermediate_flows),
            "extensions": [
                {
                    "name": extension.name,
                    "stressors": _index_json(extension.stressors),
                    "units": list(extension.units),
                    "direct": extension.from_final_demand is not None,
                }
                for extension in mrio.extensions.values()
            ],
        }
        with open(partial / MANIFEST, "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, default=_plain)
            _flush(handle)
        try:
            os.rename(partial, entry)
        except OSError:
            if not entry.is_dir():
                raise
            # another run cached the same MRIO meanwhile: keep its entry
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _flush(handle) -> None:
    """Put a file's bytes on disk before the entry is renamed: after a power cut an entry is
    then complete or absent, never holding files the disk had not written yet."""
    handle.flush()
    os.fsync(handle.fileno())


def _load(entry: Path) -> Mrio:
    """The MRIO of an entry: arrays mapped from their files, validated by build_mrio."""
    with open(entry / MANIFEST, encoding="utf-8") as handle:
        manifest = json.load(handle)

    def array(name: str, integers: bool = False) -> np.ndarray:
        values = np.load(entry / name, mmap_mode="r", allow_pickle=False)
        expected = values.dtype.kind == "i" if integers else values.dtype == np.float64
        if not expected:
            raise ValueError(f"{name} holds values of type {values.dtype}")
        return values

    producers = [tuple(label) for label in manifest["producers"]]
    if manifest["sparse"]:
        flows = scipy.sparse.csr_matrix(
            (
                array("Z.data.npy"),
                array("Z.indices.npy", True),
                array("Z.indptr.npy", True),
            ),
            shape=(len(producers), len(producers)),
        )
    else:
        flows = array("Z.npy")
    extensions = [
        Extension(
            item["name"],
            _index_from_json(item["stressors"]),
            array(f"F{number}.npy"),
            array(f"F_Y{number}.npy") if item["direct"] else None,
            tuple(item["units"]),
        )
        for number, item in enumerate(manifest["extensions"])
    ]
    mrio = build_mrio(
        producers,
        [tuple(label) for label in manifest["final_demand_labels"]],
        array("Y.npy"),
        intermediate_flows=flows,
        unit=manifest["unit"],
        extensions=extensions,
        name=manifest["name"],
    )
    return replace(mrio, warnings=tuple(manifest["warnings"]))


def _index_json(index: pd.Index) -> dict:
    """Stressor labels as JSON: the values of each level, and the level names."""
    return {
        "names": list(index.names),
        "levels": [index.get_level_values(level).tolist() for level in range(index.nlevels)],
        "multi": isinstance(index, pd.MultiIndex),
    }


def _plain(value: object) -> object:
    """A numpy scalar (a level name read from a header is one) as the Python value JSON takes."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} labels cannot be cached")


def _index_from_json(stored: dict) -> pd.Index:
    if stored["multi"]:
        return pd.MultiIndex.from_arrays(stored["levels"], names=stored["names"])
    return pd.Index(stored["levels"][0], name=stored["names"][0])


def _is_within(folder: Path, other: Path) -> bool:
    folder, other = folder.resolve(), other.resolve()
    return folder == other or other in folder.parents


def _touch(entry: Path) -> None:
    """Mark an entry as just used (its folder's modification time orders the eviction)."""
    with contextlib.suppress(OSError):  # a read-only cache is still read
        os.utime(entry)


def _ours(folder: Path) -> list[Path]:
    """Entries and partial or half-removed entries in the cache folder; nothing else."""
    if not folder.is_dir():
        return []
    return [
        child
        for child in folder.iterdir()
        if child.is_dir()
        and (
            ENTRY_NAME.fullmatch(child.name)
            or child.name.startswith((PARTIAL_PREFIX, REMOVED_PREFIX))
        )
    ]


def _bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _usage(folder: Path) -> tuple[int, int]:
    """(entries, bytes) of the cache, leftovers of killed runs included in the bytes."""
    ours = _ours(folder)
    return sum(bool(ENTRY_NAME.fullmatch(child.name)) for child in ours), sum(map(_bytes, ours))


def _remove(path: Path) -> None:
    """Remove an entry: renamed first (its key is free at once), then deleted."""
    removed = path.with_name(f"{REMOVED_PREFIX}{path.name}-{os.getpid()}-{time.time_ns()}")
    try:
        os.rename(path, removed)
    except OSError:
        removed = path  # already gone, or in use (Windows): delete what can be deleted
    shutil.rmtree(removed, ignore_errors=True)


def _remove_stale(folder: Path) -> None:
    """Remove what killed runs left: partial entries older than a day, half-removed entries."""
    now = time.time()
    for child in _ours(folder):
        if child.name.startswith(REMOVED_PREFIX) or (
            child.name.startswith(PARTIAL_PREFIX) and now - child.stat().st_mtime > STALE_SECONDS
        ):
            shutil.rmtree(child, ignore_errors=True)


def _evict(folder: Path, max_bytes: int, keep: Path) -> None:
    """Remove the entries used least recently until the cache holds at most ``max_bytes``."""
    entries = [child for child in _ours(folder) if ENTRY_NAME.fullmatch(child.name)]
    entries.sort(key=lambda entry: (entry != keep, -entry.stat().st_mtime_ns))
    kept = 0
    for entry in entries:
        size = _bytes(entry)
        if entry == keep or kept + size <= max_bytes:
            kept += size
        else:
            _remove(entry)
