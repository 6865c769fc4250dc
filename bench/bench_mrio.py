"""Producer-by-consumer attribution: the engine against pymrio, on the same synthetic MRIOs.

Baseline: pymrio's route to the emissions of every producer driven by every final-demand
column, ``io.calc_all()`` (A, L = (I - A)^-1, S, M, D_cba/D_pba/D_imp/D_exp and the regional
accounts), then ``io.L.dot(io.Y).mul(io.emissions.S.iloc[0], axis=0)``. Ours: ``build_mrio``
from the same in-memory arrays, ``driven_shares`` (one LU of I - A, solves for all m columns)
and ``attribute_emissions``. Both start from Z, Y, F and F_Y in memory; both results are
checked equal (largest difference <= 1e-9 of the largest entry, footprints per consumer region
including F_Y to 1e-9 relative). Also times one bare ``scipy.linalg.lu_factor`` of an n x n
matrix, the floor for any method that factorizes I - A.

Memory is measured two ways, both as the peak *above* what was allocated before the route
started (inputs excluded):

- tracemalloc: peak of allocations traced by Python's tracemalloc during the route, run in
  this process. numpy reports its array buffers to tracemalloc, so this counts arrays; it
  misses memory that LAPACK/OpenBLAS and numpy.linalg allocate with plain malloc (for example
  the work copy inside ``np.linalg.inv``).
- RSS: each route runs once in a fresh subprocess that loads the inputs from .npy files; the
  peak resident set (VmHWM) is reset to the current one through /proc/self/clear_refs just
  before the route, and reported is VmHWM after it minus VmRSS before it. That counts all
  memory the process touched (Linux only, page granularity).

Run with the oracle venv (it needs pymrio)::

    .venv-oracle/bin/python bench/bench_mrio.py [--sizes 1000 2000 4000 8000] [--repeats 3]

Sizes are rounded to 49 regions x whole sectors (n = 980, 2009, 4018, 7987); m = 49 x 7 = 343.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pymrio
import scipy.linalg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from footprint_plugin.engine.mrio.aggregation import sum_by  # noqa: E402
from footprint_plugin.engine.mrio.attribution import attribute_emissions, driven_shares  # noqa: E402
from footprint_plugin.engine.mrio.model import Extension, build_mrio  # noqa: E402
from tests.synthetic import random_mrio  # noqa: E402

REGIONS, CATEGORIES = 49, 7
TOLERANCE = 1e-9


class Inputs:
    """The arrays both routes start from, and their labels."""

    def __init__(self, folder: Path) -> None:
        self.flows = np.load(folder / "Z.npy")
        self.final_demand = np.load(folder / "Y.npy")
        self.emissions = np.load(folder / "F.npy")
        self.direct = np.load(folder / "F_Y.npy")
        self.producers = [tuple(pair) for pair in np.load(folder / "producers.npy")]
        self.demand_labels = [tuple(pair) for pair in np.load(folder / "demand_labels.npy")]

    @staticmethod
    def save(folder: Path, sectors: int, seed: int) -> None:
        mrio = random_mrio(REGIONS, sectors, CATEGORIES, seed=seed)
        emissions = mrio.extensions["emissions"]
        np.save(folder / "Z.npy", mrio.intermediate_flows)
        np.save(folder / "Y.npy", mrio.final_demand)
        np.save(folder / "F.npy", emissions.from_producers[:1])
        np.save(folder / "F_Y.npy", emissions.from_final_demand[:1])
        np.save(folder / "producers.npy", np.array(list(mrio.producers), dtype=str))
        np.save(folder / "demand_labels.npy", np.array(list(mrio.final_demand_labels), dtype=str))


def our_route(data: Inputs) -> Callable[[], np.ndarray]:
    """Our attribution from in-memory arrays: producer x final-demand column matrix D."""

    def run() -> np.ndarray:
        extension = Extension("emissions", pd.Index(["CO2"]), data.emissions, data.direct, ("kt",))
        mrio = build_mrio(
            data.producers,
            data.demand_labels,
            data.final_demand,
            intermediate_flows=data.flows,
            extensions=[extension],
        )
        return attribute_emissions(driven_shares(mrio), data.emissions[0], data.direct[0])

    return run


class PymrioRoute:
    """pymrio's route: calc_all on a fresh IOSystem, then diag(S_CO2)·L·Y.

    The IOSystem of the last call is kept in ``io`` for the equality check.
    """

    def __init__(self, data: Inputs) -> None:
        producers = pd.MultiIndex.from_tuples(data.producers, names=["region", "sector"])
        columns = pd.MultiIndex.from_tuples(data.demand_labels, names=["region", "category"])
        stressors = pd.Index(["CO2"], name="stressor")
        self.flows = pd.DataFrame(data.flows, index=producers, columns=producers, copy=False)
        self.demand = pd.DataFrame(data.final_demand, index=producers, columns=columns, copy=False)
        self.emissions = pd.DataFrame(
            data.emissions, index=stressors, columns=producers, copy=False
        )
        self.direct = pd.DataFrame(data.direct, index=stressors, columns=columns, copy=False)
        self.io = None

    def __call__(self) -> pd.DataFrame:
        self.io = None
        io = pymrio.IOSystem(
            Z=self.flows,
            Y=self.demand,
            emissions={"name": "emissions", "F": self.emissions, "F_Y": self.direct},
        )
        io.calc_all()
        self.io = io
        return io.L.dot(io.Y).mul(io.emissions.S.iloc[0], axis=0)


def best_time(function: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Best wall-clock time of a few calls, and the last result."""
    best, result = np.inf, None
    for _ in range(repeats):
        result = None
        gc.collect()
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def traced_peak(function: Callable[[], object]) -> float:
    """Peak MiB of traced allocations while ``function`` runs (inputs excluded)."""
    gc.collect()
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def rss_peak(folder: Path, route: str) -> float:
    """Peak RSS growth in MiB of ``route`` run once in a fresh subprocess."""
    completed = subprocess.run(
        [sys.executable, __file__, "--worker", route, str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(completed.stdout.split()[-1])


def worker(route: str, folder: Path) -> None:
    """Subprocess entry: load inputs, run one route, print its peak RSS growth (MiB)."""
    data = Inputs(folder)
    run = our_route(data) if route == "ours" else PymrioRoute(data)
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
    before = _status_kib("VmRSS")
    run()
    print((_status_kib("VmHWM") - before) / 1024)


def _status_kib(field: str) -> int:
    """A memory field of /proc/self/status (Linux), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def check_equal(ours, theirs: pd.DataFrame, io: pymrio.IOSystem) -> float:
    """Largest relative difference; raises if above TOLERANCE."""
    matrix = theirs.to_numpy()
    matrix_error = np.abs(ours.attributed - matrix).max() / np.abs(matrix).max()
    region_totals = sum_by(
        ours.attributed.sum(axis=0) + ours.direct, ours.final_demand_labels, "region"
    )[0]
    expected = io.emissions.D_cba_reg.iloc[0].to_numpy()
    region_error = np.abs(region_totals / expected - 1).max()
    error = max(matrix_error, region_error)
    if error > TOLERANCE:
        raise AssertionError(f"results differ from pymrio by {error:.3g} (relative)")
    return error


def bare_lu(data: Inputs, repeats: int) -> float:
    """Best time of one scipy.linalg.lu_factor of I - A (n x n, Fortran order)."""
    output = data.flows.sum(axis=1) + data.final_demand.sum(axis=1)
    system = np.asfortranarray(np.eye(len(output)) - data.flows / output[None, :])
    return best_time(lambda: scipy.linalg.lu_factor(system, check_finite=False), repeats)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000, 8000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker", nargs=2, metavar=("ROUTE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]))
        return
    print(
        f"pymrio {pymrio.__version__}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"scipy {scipy.__version__}; best of {args.repeats}; memory = peak above inputs, MiB"
    )
    header = (
        f"{'n':>5} {'m':>4} | {'ours s':>7} {'pymrio s':>8} {'speed-up':>8} | "
        f"{'LU s':>6} {'ours/LU':>7} | {'trace ours':>10} {'pymrio':>7} {'ratio':>6} | "
        f"{'RSS ours':>8} {'pymrio':>7} {'ratio':>6} | {'max rel err':>11}"
    )
    print(header)
    print("-" * len(header))
    for size in args.sizes:
        sectors = max(1, round(size / REGIONS))
        with tempfile.TemporaryDirectory() as temporary:
            folder = Path(temporary)
            Inputs.save(folder, sectors, args.seed)
            data = Inputs(folder)
            n, m = data.final_demand.shape
            ours_run, pymrio_run = our_route(data), PymrioRoute(data)
            ours_time, ours_result = best_time(ours_run, args.repeats)
            pymrio_time, pymrio_result = best_time(pymrio_run, args.repeats)
            error = check_equal(ours_result, pymrio_result, pymrio_run.io)
            del ours_result, pymrio_result
            pymrio_run.io = None
            lu_time = bare_lu(data, args.repeats)
            ours_trace, pymrio_trace = traced_peak(ours_run), traced_peak(pymrio_run)
            pymrio_run.io = None
            ours_rss, pymrio_rss = rss_peak(folder, "ours"), rss_peak(folder, "pymrio")
        print(
            f"{n:>5} {m:>4} | {ours_time:>7.3f} {pymrio_time:>8.3f} "
            f"{pymrio_time / ours_time:>7.1f}x | {lu_time:>6.3f} {ours_time / lu_time:>6.2f}x | "
            f"{ours_trace:>10.0f} {pymrio_trace:>7.0f} {ours_trace / pymrio_trace:>6.2f} | "
            f"{ours_rss:>8.0f} {pymrio_rss:>7.0f} {ours_rss / pymrio_rss:>6.2f} | "
            f"{error:>11.2g}",
            flush=True,
        )


if __name__ == "__main__":
    main()
