"""Mutation testing's tally, from the results mutmut keeps in mutants/**/*.meta.

    mutation_score.py FOLDER                   killed, survived and kill rate of a scope
    mutation_score.py FOLDER --names FILE      the same, of the mutants named in FILE
    mutation_score.py FOLDER --sample N        N mutant names drawn at random (seed fixed)
    mutation_score.py FOLDER --survivors       the survivors, by function (with --names too)

Exit codes as mutmut 3.8 records them: test failures, timeouts, crashes (segfault, abort:
QGIS aborting on a broken plugin) and type-check failures count as killed; mutants that no
test reaches, skipped or not yet run count in neither; any other code (0, or one mutmut calls
suspicious) counts as survived.
"""

import argparse
import json
import random
import re
from collections import defaultdict
from pathlib import Path

KILLED = {1, 3, 24, -24, 36, 37, 152, 255, -11, -9, -6}
NOT_REACHED = {None, 2, 5, 33, 34}
SEED = 17


def results(folder: Path) -> dict[str, int | None]:
    """Every mutant's exit code (None: not run yet), by name."""
    codes = {}
    for meta in sorted((folder / "mutants").rglob("*.meta")):
        codes.update(json.loads(meta.read_text())["exit_code_by_key"])
    return codes


def print_survivors(names):
    """One line per function: its survivors' numbers (x_ and the class markers dropped)."""
    numbers = defaultdict(list)
    for name in names:
        function, number = re.fullmatch(r"(.+)__mutmut_(\d+)", name).groups()
        module, _, mangled = function.rpartition(".")
        readable = mangled.removeprefix("x").replace("\u01c1", ".").strip("._")
        numbers[f"{module.removeprefix('footprint_plugin.')}.{readable}"].append(int(number))
    for function, found in sorted(numbers.items()):
        print(f"{function}: {', '.join(map(str, sorted(found)))}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--names", type=Path)
    parser.add_argument("--sample", type=int)
    parser.add_argument("--survivors", action="store_true")
    arguments = parser.parse_args()
    codes = results(arguments.folder)
    if arguments.sample is not None:
        names = sorted(codes)
        for name in random.Random(SEED).sample(names, min(arguments.sample, len(names))):
            print(name)
        return
    if arguments.names:
        wanted = set(arguments.names.read_text().split())
        codes = {name: code for name, code in codes.items() if name in wanted}
    if arguments.survivors:
        print_survivors(name for name, code in codes.items() if code not in NOT_REACHED | KILLED)
        return
    reached = [code for code in codes.values() if code not in NOT_REACHED]
    killed = sum(code in KILLED for code in reached)
    survived = len(reached) - killed
    rate = f"{100 * killed / len(reached):.0f}" if reached else "-"
    print(f"{len(codes)} {killed} {survived} {rate}")


if __name__ == "__main__":
    main()
