"""Reading an MRIO: the first read against pymrio's parser, a cached read against the first, and
a whole footprint:mrioaccounts run through qgis_process against pymrio's parse + calc_all.

All on the same synthetic MRIOs (``tests/synthetic.random_mrio``, 49 regions, 7 final-demand
categories, an ``emissions`` extension with CO2 and CH4) saved with pymrio's ``save_all`` (text,
``%.12g``) by ``tests/oracle/pymrio_oracle.save_random``. Files are read warm (just written, in
the page cache), by both sides alike. Baselines, each run in a fresh process:

- first read: ours is ``read_mrio`` (detect the layout, parse, validate; what an algorithm does
  without the cache), in the Python running this script (QGIS's); pymrio's is ``load_all``
  (its parser of save_all folders), in the oracle venv (pymrio needs pandas >= 2.1). Goal:
  pymrio / ours >= 1. Also the peak memory above the process's start, in dense copies of Z
  (n x n float64): the parse holds one.
- cached read: ``read_mrio_cached`` on an entry written by an earlier read (arrays mapped,
  the MRIO validated), against our first read. Goal: >= 10x. "write s" is the first read
  through the cache minus the bare first read: the cost of writing the entry (flushed to disk).
- end to end: ``qgis_process run footprint:mrioaccounts`` (STRESSOR emissions/CO2, the
  summary per consumer region written as CSV: the counterpart of pymrio's D_cba_reg; the
  optional producer x consumer table, millions of rows, is left out as calc_all writes nothing)
  twice in one throwaway QGIS profile, as ``scripts/qgis_process.sh`` sets it up, with its
  default cache folder empty at first: run 1 parses, solves and caches (the arrays, then the
  driven shares), run 2 reads both. Against: a Python process with pymrio running
  ``load_all`` and ``calc_all``. Wall-clock of whole processes, start-up included on both sides.
  Goal: pymrio / run 2 >= 2. The footprint totals are checked equal to 1e-9 (ours without
  the unattributed emissions of the producers without output, which pymrio leaves out).

Run with QGIS's Python (pymrio runs in ``$FOOTPRINT_ORACLE_PYTHON``, default .venv-oracle)::

    .venv/bin/python bench/bench_mrio_read.py [--sizes 4000 8000] [--repeats 3]

Sizes are rounded to 49 regions x whole sectors (n = 4018, 7987); m = 49 x 7 = 343.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGIONS, CATEGORIES, SEED = 49, 7, 1
STRESSOR = "emissions/CO2"
TOLERANCE = 1e-9
ORACLE = os.environ.get("FOOTPRINT_ORACLE_PYTHON", str(ROOT / ".venv-oracle" / "bin" / "python"))
QGIS_PROCESS = "/usr/bin/qgis_process.bin"
"""Debian's /usr/bin/qgis_process passes an option qgis_process 3.22 rejects (see
scripts/qgis_process.sh): the real binary is called where it exists."""


def worker(kind: str, folder: Path, extra: str) -> None:
    """Subprocess entry: one read (or parse + calc_all), printing a JSON line of its seconds,
    its peak memory above the process's start (MiB) and what it found."""
    if kind == "save":
        from tests.oracle.pymrio_oracle import save_random

        save_random(folder, SEED, REGIONS, int(extra), CATEGORIES, archive=False)
        return
    if kind.startswith("pymrio"):
        import pymrio
    else:
        from footprint_plugin.engine.mrio.cache import read_mrio_cached
        from footprint_plugin.engine.mrio.readers import read_mrio
    found = {}
    before = _rss_mib()
    start = time.perf_counter()
    if kind == "pymrio-parse":
        pymrio.load_all(folder)
    elif kind == "pymrio-calc":
        io = pymrio.load_all(folder)
        io.calc_all()
        found["total"] = float(io.emissions.D_cba_reg.loc["CO2"].sum())
    elif kind == "ours-read":
        read_mrio(folder)
    else:
        found["from_cache"] = read_mrio_cached(folder, folder=extra).from_cache
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
    print(json.dumps({"seconds": seconds, "peak_mib": peak, **found}))


def _rss_mib() -> float:
    resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def in_process(python: str, kind: str, folder: Path, extra: str = "") -> dict:
    """Run a worker in a fresh process; its JSON line, plus the process's wall-clock seconds."""
    start = time.perf_counter()
    completed = subprocess.run(
        [python, __file__, "--worker", kind, str(folder), extra],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    if completed.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{completed.stderr}")
    lines = completed.stdout.strip().splitlines()
    return {**(json.loads(lines[-1]) if lines else {}), "wall": wall}


def best(python: str, kind: str, folder: Path, repeats: int, extra: str = "") -> dict:
    """The run of least time among ``repeats`` (its peak memory with it)."""
    runs = [in_process(python, kind, folder, extra) for _ in range(repeats)]
    return min(runs, key=lambda run: run["seconds"])


class QgisProfile:
    """A throwaway QGIS profile with the plugin of this checkout enabled, as
    scripts/qgis_process.sh makes one, kept for several runs (so is its cache folder)."""

    def __init__(self, scratch: Path) -> None:
        binary = QGIS_PROCESS if Path(QGIS_PROCESS).exists() else shutil.which("qgis_process")
        self.binary = str(binary)
        self.environment = dict(
            os.environ,
            QT_QPA_PLATFORM="offscreen",
            XDG_RUNTIME_DIR=tempfile.mkdtemp(dir=scratch),  # mode 0700, as Qt wants
            QGIS_CUSTOM_CONFIG_PATH=str(scratch / "profile"),
            QGIS_PLUGINPATH=str(ROOT),
        )
        self.environment.pop("FOOTPRINT_MRIO_CACHE", None)  # the default cache folder
        enabled = subprocess.run(
            [self.binary, "plugins", "enable", "footprint_plugin"],
            env=self.environment,
            capture_output=True,
            text=True,
        )
        if enabled.returncode != 0:
            raise RuntimeError(f"qgis_process could not enable the plugin:\n{enabled.stdout}")

    def run_accounts(self, mrio: Path, out: Path) -> dict:
        """footprint:mrioaccounts on ``mrio``; its results, log and wall-clock seconds."""
        start = time.perf_counter()
        completed = subprocess.run(
            [
                self.binary,
                "--json",
                "run",
                "footprint:mrioaccounts",
                "--",
                f"MRIO={mrio}",
                f"STRESSOR={STRESSOR}",
                f"SUMMARY={out / 'summary.csv'}",
            ],
            env=self.environment,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        if completed.returncode != 0:
            raise RuntimeError(f"qgis_process failed:\n{completed.stderr}\n{completed.stdout}")
        answer = json.loads(completed.stdout[completed.stdout.index("{") :])
        log = "\n".join(answer["log"]["info"])
        read = re.search(r"MRIO (?:parsed|read from the cache \(.*?\)) in ([0-9.]+) s", log)
        return {
            "wall": wall,
            "attributed": answer["results"]["TOTAL"] - answer["results"]["UNATTRIBUTED"],
            "from_cache": "MRIO read from the cache" in log,
            "read_seconds": float(read.group(1)),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[4000, 8000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "FOLDER", "EXTRA"))
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]), args.worker[2])
        return
    import numpy as np
    import pandas as pd

    print(
        f"ours: Python {sys.version.split()[0]}, numpy {np.__version__}, pandas "
        f"{pd.__version__}; pymrio in {ORACLE}; reads best of {args.repeats}, "
        "qgis_process and calc_all once; peak = memory above the process's start, in dense Z"
    )
    header = (
        f"{'n':>5} {'text MB':>7} | {'ours s':>6} {'pymrio s':>8} {'ratio':>6} "
        f"{'peak ours':>9} {'pymrio':>6} | {'write s':>7} {'cached s':>8} {'ratio':>6} | "
        f"{'qgis 1 s':>8} {'qgis 2 s':>8} {'read 2 s':>8} {'pymrio s':>8} {'ratio 1':>7} "
        f"{'ratio 2':>7}"
    )
    print(header)
    print("-" * len(header))
    for size in args.sizes:
        sectors = max(1, round(size / REGIONS))
        n = REGIONS * sectors
        with tempfile.TemporaryDirectory() as temporary:
            scratch = Path(temporary)
            in_process(ORACLE, "save", scratch, str(sectors))
            mrio = scratch / "mrio"
            text_mb = sum(path.stat().st_size for path in mrio.rglob("*.txt")) / 1e6
            dense_z_mib = n * n * 8 / 2**20

            pymrio_read = best(ORACLE, "pymrio-parse", mrio, args.repeats)
            ours_read = best(sys.executable, "ours-read", mrio, args.repeats)
            cache = scratch / "cache"
            writing = in_process(sys.executable, "ours-cache", mrio, str(cache))
            cached = best(sys.executable, "ours-cache", mrio, args.repeats, str(cache))
            assert not writing["from_cache"] and cached["from_cache"]

            qgis = QgisProfile(scratch)
            first_run = qgis.run_accounts(mrio, scratch)
            second_run = qgis.run_accounts(mrio, scratch)
            assert not first_run["from_cache"] and second_run["from_cache"]
            calc = in_process(ORACLE, "pymrio-calc", mrio)
            for run in (first_run, second_run):
                error = abs(run["attributed"] / calc["total"] - 1)
                if error > TOLERANCE:
                    raise AssertionError(f"footprints differ from pymrio's by {error:.3g}")
        print(
            f"{n:>5} {text_mb:>7.0f} | {ours_read['seconds']:>6.2f} {pymrio_read['seconds']:>8.2f} "
            f"{pymrio_read['seconds'] / ours_read['seconds']:>5.2f}x "
            f"{ours_read['peak_mib'] / dense_z_mib:>9.2f} "
            f"{pymrio_read['peak_mib'] / dense_z_mib:>6.2f} | "
            f"{writing['seconds'] - ours_read['seconds']:>7.2f} {cached['seconds']:>8.3f} "
            f"{ours_read['seconds'] / cached['seconds']:>5.1f}x | "
            f"{first_run['wall']:>8.1f} {second_run['wall']:>8.1f} "
            f"{second_run['read_seconds']:>8.1f} {calc['wall']:>8.1f} "
            f"{calc['wall'] / first_run['wall']:>6.2f}x {calc['wall'] / second_run['wall']:>6.2f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
