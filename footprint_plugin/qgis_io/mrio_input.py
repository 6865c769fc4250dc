"""Loading the MRIO of an algorithm, through the cache of parsed MRIOs, with the user told
whether its files were parsed or read from the cache, and what was repaired."""

from __future__ import annotations

import time

from ..engine.mrio.attribution import DrivenShares
from ..engine.mrio.cache import driven_shares_cached, read_mrio_cached
from ..engine.mrio.model import Mrio
from .errors import engine_errors
from .mrio_cache_settings import cache_folder


def load_mrio(path: str, feedback, layout: str | None = None) -> Mrio:
    """Read and validate the MRIO in ``layout`` (a name of readers.LAYOUTS; None: detect it),
    logging where it was read from, its size and any repairs as warnings."""
    folder = cache_folder()
    feedback.pushInfo(f"Reading the MRIO from {path}")
    start = time.perf_counter()
    with engine_errors():
        read = read_mrio_cached(path, layout, folder)
    seconds = time.perf_counter() - start
    if read.note:
        feedback.pushWarning(read.note)
    if read.from_cache:
        feedback.pushInfo(
            f"MRIO read from the cache ({read.entry}) in {seconds:.1f} s: its files were not "
            "parsed again."
        )
    elif read.entry is not None:
        feedback.pushInfo(
            f"MRIO parsed in {seconds:.1f} s and cached in {read.entry}: later runs on these "
            "files skip parsing."
        )
    elif folder is None:
        feedback.pushInfo(
            f"MRIO parsed in {seconds:.1f} s, not cached (Cache parsed MRIOs is off in "
            "Processing > Options > Providers > Carbon footprint)."
        )
    mrio = read.mrio
    for warning in mrio.warnings:
        feedback.pushWarning(warning)
    feedback.pushInfo(
        f"MRIO {mrio.name or ''}: {len(mrio.producers)} producing region-sectors, "
        f"{len(mrio.final_demand_labels)} final-demand columns"
    )
    return mrio


def solve_driven_shares(mrio: Mrio, feedback) -> DrivenShares:
    """The MRIO's driven shares, solved, or read from its cache entry where an earlier run
    solved them; the log says which."""
    with engine_errors():
        shares, from_cache = driven_shares_cached(mrio)
    if from_cache:
        feedback.pushInfo("Driven shares read from the MRIO's cache entry: no LU solve needed")
    else:
        feedback.pushInfo(f"Driven shares solved with a {shares.method} LU factorization")
    return shares
