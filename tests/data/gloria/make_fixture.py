"""Write a small GLORIA release-year in GLORIA's published layout (see README.md here).

Run with the oracle venv, which has openpyxl for the ReadMe workbook:

    .venv-oracle/bin/python tests/data/gloria/make_fixture.py

The output is deterministic: a seeded generator, numbers written with 10 significant digits,
and the workbook's zip members and document properties dated 2024-01-11.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
import openpyxl

HERE = Path(__file__).resolve().parent
YEAR, RELEASE, DATE = 2022, "059", "20240111"
STAMP = (2024, 1, 11, 0, 0, 0)
DATED = rb"\g<1>2024-01-11T00:00:00Z"

REGIONS = [
    ("AUS", "Australia"),
    ("CHN", "China"),
    ("DYE", "Democratic Yemen"),  # no flows in this year: dropped, as pymrio drops it
    ("USA", "United States of America"),
]
SECTORS = ["Wheat", "Electric power generation, transmission and distribution", "Motor vehicles"]
FINAL_DEMAND = [
    "Household final consumption P.3h",
    "Non-profit institutions serving households P.3n",
    "Government final consumption P.3g",
    "Gross fixed capital formation P.51",
    "Changes in inventories P.52",
    "Acquisitions less disposals of valuables P.53",
]
VALUE_ADDED = [
    "Compensation of employees D.1",
    "Taxes on production D.29",
    "Subsidies on production D.39",
    "Net operating surplus B.2n",
    "Net mixed income B.3n",
    "Consumption of fixed capital K.1",
]
VALUE_ADDED_SHARES = np.array([0.5, 0.05, -0.02, 0.3, 0.07, 0.1])
SATELLITES = [  # (Sat_head_indicator, Sat_indicator, Sat_unit)
    ("Emissions (EDGAR)", "'co2_excl_short_cycle_org_c_total_EDGAR_consistent'", "kt"),
    ("Emissions (EDGAR)", "'ch4_total_EDGAR_consistent'", "kt"),
    ("Emissions (OECD)", "'co2_excl_short_cycle_org_c_total_OECD_consistent'", "kt"),
    ("Energy", "Coal", "TJ"),
    ("Land use", "Cropland", "1000 ha"),
    ("Energy", "Coal", "TJ"),  # the same label pair again, as the ReadMe repeats some
]

R, S, F, K = len(REGIONS), len(SECTORS), len(FINAL_DEMAND), len(SATELLITES)
N = R * S
EMPTY = 2  # DYE
IDLE = (0, 2)  # AUS motor vehicles: no output at all this year
SECONDARY = ((3, 2), (3, 1))  # USA motor vehicles also supplies USA electricity


def producer(region: int, sector: int) -> int:
    return region * S + sector


def table_name(kind: str, markup: int) -> str:
    return (
        f"{DATE}_120secMother_AllCountries_002_{kind}-Results_{YEAR}_{RELEASE}_"
        f"Markup{markup:03d}(full).csv"
    )


def accounts(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A balanced supply-use system: T, Y, V (value added), TQ and YQ at basic prices."""
    use = rng.uniform(0, 8, (N, N))
    for region in range(R):
        block = slice(region * S, (region + 1) * S)
        use[block, block] *= 3  # domestic inputs dominate
    demand = rng.uniform(20, 120, (N, R * F))
    demand[:, 4::F] = rng.uniform(-5, 5, (N, R))  # changes in inventories
    idle = producer(*IDLE)
    for matrix in (use, demand):
        matrix[EMPTY * S : (EMPTY + 1) * S] = 0
    use[:, EMPTY * S : (EMPTY + 1) * S] = 0
    demand[:, EMPTY * F : (EMPTY + 1) * F] = 0
    use[idle], use[:, idle], demand[idle] = 0, 0, 0
    use, demand = use.round(6), demand.round(6)
    use[0, 1] = 2.5e-7  # written in exponent notation
    product_output = use.sum(axis=1) + demand.sum(axis=1)
    supply = np.diag(product_output)
    secondary, main = producer(*SECONDARY[0]), producer(*SECONDARY[1])
    supply[secondary, main] = round(0.1 * product_output[main], 6)
    supply[main, main] = product_output[main] - supply[secondary, main]
    industry_output = supply.sum(axis=1)
    added = industry_output - use.sum(axis=0)
    assert (added[industry_output > 0] > 0).all()

    transactions = np.zeros((2 * N, 2 * N))
    industry_rows = [region * 2 * S + sector for region in range(R) for sector in range(S)]
    product_rows = [row + S for row in industry_rows]
    transactions[np.ix_(industry_rows, product_rows)] = supply
    transactions[np.ix_(product_rows, industry_rows)] = use
    final_demand = np.zeros((2 * N, R * F))
    final_demand[product_rows] = demand
    value_added = np.zeros((R * len(VALUE_ADDED), 2 * N))
    for region in range(R):
        for sector in range(S):
            rows = slice(region * len(VALUE_ADDED), (region + 1) * len(VALUE_ADDED))
            amount = added[producer(region, sector)]
            value_added[rows, industry_rows[producer(region, sector)]] = amount * VALUE_ADDED_SHARES
    emissions = rng.uniform(0, 50, (K, N)) * (industry_output > 0)
    satellites = np.zeros((K, 2 * N))
    satellites[:, industry_rows] = emissions.round(4)
    direct = np.zeros((K, R * F))
    direct[:, 0::F] = rng.uniform(0, 10, (K, R)).round(4)  # households' own emissions
    direct[:, EMPTY * F : (EMPTY + 1) * F] = 0
    margins = transactions * rng.uniform(0, 0.05, transactions.shape) * (transactions > 0)
    return {
        "T": transactions,
        "Y": final_demand,
        "V": value_added,
        "TQ": satellites,
        "YQ": direct,
        "T002": margins.round(6),
        "Y002": (final_demand * 0.03).round(6),
    }


def write_csv(path: Path, values: np.ndarray) -> None:
    lines = (",".join("0" if v == 0 else f"{v:.10g}" for v in row) for row in values)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_readme(path: Path) -> None:
    """GLORIA_ReadMe_059.xlsx: an introduction sheet, then the label sheets pymrio reads."""
    book = openpyxl.Workbook()
    intro = book.active
    intro.title = "Read me"
    intro.append(["GLORIA MRIO database, release 059: labels of the tables (test fixture)"])
    sheets = {
        "Regions": (
            ["Lfd_Nr", "Region_acronyms", "Region_names"],
            [[i + 1, acronym, name] for i, (acronym, name) in enumerate(REGIONS)],
        ),
        "Sectors": (["Lfd_Nr", "Sector_names"], [[i + 1, name] for i, name in enumerate(SECTORS)]),
        "Value added and final demand": (
            ["Lfd_Nr", "Value_added_names", "Final_demand_names"],
            [[i + 1, v, f] for i, (v, f) in enumerate(zip(VALUE_ADDED, FINAL_DEMAND))],
        ),
        "Satellites": (
            ["Lfd_Nr", "Sat_head_indicator", "Sat_indicator", "Sat_unit"],
            [[i + 1, *row] for i, row in enumerate(SATELLITES)],
        ),
    }
    for title, (header, rows) in sheets.items():
        sheet = book.create_sheet(title)
        for row in [header, *rows]:
            sheet.append(row)
    written = io.BytesIO()
    book.save(written)
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", DATED, data)
            target.writestr(zipfile.ZipInfo(info.filename, STAMP), data, zipfile.ZIP_DEFLATED)


def main() -> None:
    tables = accounts(np.random.default_rng(59))
    mrios = HERE / f"GLORIA_MRIOs_{int(RELEASE)}_{YEAR}"
    satellites = HERE / f"GLORIA_SatelliteAccounts_{RELEASE}_{YEAR}"
    for folder in (mrios, satellites):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
    for kind in ("T", "Y", "V"):
        write_csv(mrios / table_name(kind, 1), tables[kind])
    for kind in ("T", "Y"):
        write_csv(mrios / table_name(kind, 2), tables[f"{kind}002"])
    for kind in ("TQ", "YQ"):
        write_csv(satellites / table_name(kind, 1), tables[kind])
    write_readme(HERE / f"GLORIA_ReadMe_{RELEASE}.xlsx")


if __name__ == "__main__":
    main()
