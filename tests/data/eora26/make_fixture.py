"""Write the Eora26 test fixture: a small Eora26 year (2015, basic prices) as worldmrio.com
publishes it, extracted into Eora26_2015_bp/. Deterministic; run from the repository root with

    .venv-oracle/bin/python tests/data/eora26/make_fixture.py

Shape of the files (see README.md): tab-separated numbers without labels, one line per row, and
label files with one tab-separated line per row or column, each line ending in a tab. Three
countries and the former USSR (all zero, as in Eora26 after 1991) with five of Eora26's 26
sectors, then the ROW/TOTAL row and column (Eora's statistical discrepancy, dropped by readers);
six final-demand categories per country and for ROW.
"""

from pathlib import Path

import numpy as np

YEAR, PRICE = 2015, "bp"
REGIONS = [
    ("Austria", "AUT"),
    ("Brazil", "BRA"),
    ("China", "CHN"),
    ("Former USSR", "USR"),  # all zero, as in Eora26 after 1991
    ("ROW", "ROW"),  # one producer, TOTAL: the statistical discrepancy
]
TRADING = ("AUT", "BRA", "CHN")
SECTORS = [
    "Agriculture",
    "Mining and Quarrying",
    "Electricity, Gas and Water",
    "Transport",
    "Re-export & Re-import",
]
CATEGORIES = [
    "Household final consumption P.3h",
    "Non-profit institutions serving households P.3n",
    "Government final consumption P.3g",
    "Gross fixed capital formation P.51",
    "Changes in inventories P.52",
    "Acquisitions less disposals of valuables P.53",
]
CATEGORY_SIZE = [150, 5, 40, 30, 2, 0.5]
PRIMARY_INPUTS = [
    "Compensation of employees D.1",
    "Taxes on production D.29",
    "Subsidies on production D.39",
    "Net operating surplus B.2n",
    "Net mixed income B.3n",
    "Consumption of fixed capital K.1",
]
STRESSORS = [
    ("Energy Usage (TJ)", "Natural Gas"),
    ("Energy Usage (TJ)", "Coal"),
    ("Total CO2 emissions (Gg) from EDGAR", "Total"),
    ("Total CH4 emissions (Gg) from EDGAR", "Total"),
]


def main(out: Path) -> None:
    rng = np.random.default_rng(2015)
    producers = [(code, sector) for _, code in REGIONS[:-1] for sector in SECTORS]
    producers.append(("ROW", "TOTAL"))
    columns = [(code, category) for _, code in REGIONS for category in CATEGORIES]
    n, m, k = len(producers), len(columns), len(CATEGORIES)
    trading = np.array([code in TRADING for code, _ in producers])
    consumers = np.array([code in TRADING for code, _ in columns])
    row, row_columns = np.arange(n) == n - 1, np.arange(m) >= m - k

    same = np.equal.outer([c for c, _ in producers], [c for c, _ in producers])
    flows = np.where(same, rng.uniform(2, 20, (n, n)), rng.uniform(0.1, 2, (n, n)))
    flows[~trading, :] = 0
    flows[:, ~trading] = 0
    flows[-1, :-1] = rng.uniform(0.5, 5, n - 1) * trading[:-1]
    flows[:-1, -1] = rng.uniform(0.5, 5, n - 1) * trading[:-1]

    home = np.equal.outer([c for c, _ in producers], [c for c, _ in columns])
    size = np.array([CATEGORY_SIZE[CATEGORIES.index(category)] for _, category in columns])
    demand = rng.uniform(0.3, 1, (n, m)) * size * np.where(home, 1.0, 0.05)
    inventories = np.array([category == CATEGORIES[4] for _, category in columns])
    demand[:, inventories] *= rng.choice([-1.0, 1.0], (n, inventories.sum()))
    demand[~trading, :] = 0
    demand[:, ~consumers] = 0
    demand[-1, :] = rng.uniform(-3, 3, m)
    demand[:-1, row_columns] = rng.uniform(-3, 3, (n - 1, k)) * trading[:-1, None]

    value_added = rng.uniform(1, 30, (len(PRIMARY_INPUTS), n)) * (trading | row)
    stressors = rng.uniform(0.5, 50, (len(STRESSORS), n))
    stressors[0, 0] = 3.2e-07  # written in exponent notation
    stressors *= trading | row
    households = np.array([category == CATEGORIES[0] for _, category in columns])
    direct = rng.uniform(5, 80, (len(STRESSORS), m)) * (households & (consumers | row_columns))
    direct[:, row_columns] = rng.uniform(0, 4, (len(STRESSORS), k))

    folder = out / f"Eora26_{YEAR}_{PRICE}"
    folder.mkdir(parents=True, exist_ok=True)
    tables = {"T": flows, "FD": demand, "VA": value_added, "Q": stressors, "QY": direct}
    for table, values in tables.items():
        _numbers(folder / f"Eora26_{YEAR}_{PRICE}_{table}.txt", values)
    names = {code: name for name, code in REGIONS}
    _labels(folder / "labels_T.txt", [(names[c], c, "Industries", s) for c, s in producers])
    _labels(folder / "labels_FD.txt", [(names[c], c, "Final Demand", k) for c, k in columns])
    _labels(folder / "labels_VA.txt", [("Primary Inputs", item) for item in PRIMARY_INPUTS])
    _labels(folder / "labels_Q.txt", STRESSORS)


def _number(value: float) -> str:
    return "0" if value == 0 else format(float(value), ".7g")


def _numbers(path: Path, values: np.ndarray) -> None:
    lines = ("\t".join(_number(value) for value in row) for row in values)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def _labels(path: Path, rows: list[tuple[str, ...]]) -> None:
    path.write_text("".join("\t".join(row) + "\t\n" for row in rows), encoding="utf-8")


if __name__ == "__main__":
    main(Path(__file__).resolve().parent)
