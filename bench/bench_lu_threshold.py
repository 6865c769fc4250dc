"""Where sparse LU beats dense LU for the Leontief solve; sets SPARSE_DENSITY_THRESHOLD.

Times ``LeontiefSolver(...).solve(Y)`` (factorize (I - A) once, solve m = 7 * regions
right-hand sides) with ``method="dense"`` and ``method="sparse"`` on random MRIOs of 49 regions
whose trade blocks get sparser row by row. Prints sparse time as a multiple of dense time.

Run: ``.venv/bin/python bench/bench_lu_threshold.py [--sectors 20 41 82]``

Result on the development machine (2 shared cores, OpenBLAS, SuperLU with MMD_AT_PLUS_A)::

         n  density  dense s  sparse s sparse/dense
       980   0.0151    0.034     0.116         3.41
       980   0.0061    0.028     0.057         2.07
       980   0.0031    0.024     0.034         1.44
       980   0.0026    0.039     0.015         0.39
       980   0.0012    0.035     0.007         0.21
      2009   0.0151    0.164     0.666         4.06
      2009   0.0061    0.161     0.428         2.66
      2009   0.0030    0.089     0.263         2.96
      2009   0.0025    0.090     0.172         1.92
      2009   0.0011    0.090     0.043         0.48
      4018   0.0151    0.508     5.162        10.16
      4018   0.0060    0.529     3.562         6.73
      4018   0.0030    0.508     2.567         5.06
      4018   0.0025    0.503     1.595         3.17
      4018   0.0011    0.508     0.466         0.92

Sparse LU wins only at about 0.1% non-zero entries or fewer: fill-in from the trade blocks
makes the factors nearly dense long before that. Z of real MRIOs is far denser, so "auto"
almost always picks dense LU.
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from footprint_plugin.engine.mrio.leontief import LeontiefSolver
from tests.synthetic import random_mrio

#: (domestic density, trade density) of Z; overall density is about domestic / 49 + trade.
DENSITIES = ((0.5, 0.005), (0.2, 0.002), (0.1, 0.001), (0.1, 0.0005), (0.05, 0.0001))


def best_time(function, repeats: int) -> float:
    """Best wall-clock time of a few calls, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sectors",
        type=int,
        nargs="+",
        default=[20, 41, 82],
        help="sectors per region (49 regions); n = 49 * sectors",
    )
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    print(f"{'n':>6} {'density':>8} {'dense s':>8} {'sparse s':>9} {'sparse/dense':>12}")
    for sectors in args.sectors:
        for domestic, trade in DENSITIES:
            mrio = random_mrio(
                49, sectors, 7, seed=0, domestic_density=domestic, trade_density=trade
            )
            flows, output = mrio.intermediate_flows, mrio.total_output
            n = flows.shape[0]
            timing = {}
            for method in ("dense", "sparse"):
                solver = partial(LeontiefSolver, flows, output, method=method)
                timing[method] = best_time(
                    lambda s=solver, m=mrio: s().solve(m.final_demand), args.repeats
                )
            density = np.count_nonzero(flows) / n / n
            print(
                f"{n:>6} {density:>8.4f} {timing['dense']:>8.3f} {timing['sparse']:>9.3f} "
                f"{timing['sparse'] / timing['dense']:>12.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
