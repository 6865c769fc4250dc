"""Write the small OECD ICIO test tables of this folder, one per edition, deterministically.

Each is laid out as the OECD publishes that edition (see README.md): one comma-separated table,
producers ``<country>_<industry>`` as rows and as the first columns, then the final-demand
columns, then (from 2018) a total-output column; below the producers, the taxes and value-added
rows and the output row. Numbers are random but balanced like an input-output table (each
producer's output exceeds its inputs). Run from the repository root with any Python that has
numpy::

    .venv-oracle/bin/python tests/data/oecd_icio/make_fixture.py
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Edition:
    """How one ICIO edition lays out its table."""

    file: str
    countries: tuple[str, ...]
    """Countries with final demand, in the edition's order (ROW last)."""
    parts: tuple[str, ...]
    """The parts China (CN1, ...) and Mexico (MX1, ...) are split into, after ROW; CHN's and
    MEX's own rows and columns are then all zero."""
    industries: tuple[str, ...]
    items: tuple[str, ...]
    """Final-demand items, one column each per country."""
    item_first: bool
    """2016: columns ``HFCE_AUS`` grouped by item; later: ``AUS_HFCE`` grouped by country."""
    discrepancy: bool
    """2016: one ``DISC`` column (statistical discrepancy) after the final demand."""
    total_column: str | None
    taxes: str | None
    """Rows of taxes less subsidies: ``<country>_TAXSUB`` (one per country), ``TLS``, or None."""
    value_added: str
    output_row: str
    blank_below_final_demand: bool
    """2016: value-added and output rows leave the final-demand cells empty."""
    quoted: bool
    """Labels in double quotes, as in the 2016 files."""
    line_end: str = "\n"
    seed: int = 0


EDITIONS = (
    Edition(
        file="ICIO2016_2011.csv",
        countries=("AUS", "MEX", "CHN", "ROW"),
        parts=("MX1", "MX2", "MX3", "CN1", "CN2", "CN3", "CN4"),
        industries=("C01T05AGR", "C10T14MIN", "C24CHM", "C40T41EGW"),
        items=("HFCE", "NPS", "GGFC", "GFCF", "INV", "DIRP"),
        item_first=True,
        discrepancy=True,
        total_column=None,
        taxes=None,
        value_added="VA+TAXSUB",
        output_row="OUT",
        blank_below_final_demand=True,
        quoted=True,
        seed=2016,
    ),
    Edition(
        file="ICIO2018_2015.CSV",
        countries=("AUS", "MEX", "CHN", "ROW"),
        parts=("MX1", "MX2", "CN1", "CN2"),
        industries=("01T03", "05T06", "10T12", "35T39"),
        items=("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "P33"),
        item_first=False,
        discrepancy=False,
        total_column="TOTAL",
        taxes="<country>_TAXSUB",
        value_added="VALU",
        output_row="OUTPUT",
        blank_below_final_demand=False,
        quoted=False,
        line_end="\r\n",
        seed=2018,
    ),
    Edition(
        file="ICIO2021_2018.csv",
        countries=("AUS", "MEX", "CHN", "ROW"),
        parts=("MX1", "MX2", "CN1", "CN2"),
        industries=("01T02", "05T06", "20", "35"),
        items=("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR"),
        item_first=False,
        discrepancy=False,
        total_column="TOTAL",
        taxes="<country>_TAXSUB",
        value_added="VALU",
        output_row="OUTPUT",
        blank_below_final_demand=False,
        quoted=False,
        seed=2021,
    ),
    Edition(
        file="2020_SML.csv",
        countries=("AUS", "CHN", "MEX", "USA", "ROW"),
        parts=(),
        industries=("A01_02", "C17_18", "D", "J62_63"),
        items=("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR"),
        item_first=False,
        discrepancy=False,
        total_column="OUT",
        taxes="TLS",
        value_added="VA",
        output_row="OUT",
        blank_below_final_demand=False,
        quoted=False,
        seed=2023,
    ),
    Edition(
        file="2020.csv",
        countries=("AUS", "CHN", "MEX", "USA", "ROW"),
        parts=("MX1", "MX2", "CN1", "CN2"),
        industries=("A01_02", "C17_18", "D", "J62_63"),
        items=("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR"),
        item_first=False,
        discrepancy=False,
        total_column="OUT",
        taxes="TLS",
        value_added="VA",
        output_row="OUT",
        blank_below_final_demand=False,
        quoted=False,
        seed=2024,
    ),
)


def table(edition: Edition) -> list[list[str]]:
    """The edition's table as rows of text cells, the header first."""
    random = np.random.default_rng(edition.seed)
    regions = edition.countries + edition.parts
    prefixes = {"CHN": "CN", "MEX": "MX"}
    split = {c for c, prefix in prefixes.items() if any(p[:2] == prefix for p in edition.parts)}
    producers = [f"{region}_{industry}" for region in regions for industry in edition.industries]
    zero = np.array([region in split for region in regions for _ in edition.industries])
    if edition.item_first:
        demand = [f"{item}_{c}" for item in edition.items for c in edition.countries]
    else:
        demand = [f"{c}_{item}" for c in edition.countries for item in edition.items]
    demand += ["DISC"] if edition.discrepancy else []
    n, m = len(producers), len(demand)

    flows = _numbers(random, (n, n), 40.0)
    final = _numbers(random, (n, m), 900.0)
    inventories = [k for k, label in enumerate(demand) if "INV" in label or label == "DISC"]
    final[:, inventories] -= 450.0 * random.random((n, len(inventories)))  # can be negative
    flows[zero, :] = flows[:, zero] = final[zero, :] = 0.0
    flows, final = _rounded(random, flows), _rounded(random, final)

    if edition.taxes == "<country>_TAXSUB":
        tax_rows = [f"{c}_TAXSUB" for c in edition.countries]
    else:
        tax_rows = [edition.taxes] if edition.taxes else []
    taxes = _numbers(random, (len(tax_rows), n + m), 5.0)
    taxes[:, n:] -= 1.0  # net subsidies on some final products; producers' taxes stay >= 0,
    # as the engine reports negative amounts of a producer as unattributed (pymrio counts them)
    taxes = _rounded(random, taxes)
    taxes[:, :n][:, zero] = 0.0
    output = flows.sum(axis=1) + final.sum(axis=1)
    value_added = output - flows.sum(axis=0) - taxes[:, :n].sum(axis=0)
    below = [
        *zip(tax_rows, taxes),
        (edition.value_added, np.concatenate([value_added, np.zeros(m)])),
        (edition.output_row, np.concatenate([output, final.sum(axis=0) + taxes[:, n:].sum(0)])),
    ]

    header = ["", *producers, *demand]
    body = [
        [label, *map(_text, values)] for label, values in zip(producers, np.hstack([flows, final]))
    ]
    for label, values in below:
        cells = list(map(_text, values))
        if edition.blank_below_final_demand:
            cells[n:] = [""] * m
        body.append([label, *cells])
    if edition.total_column is not None:
        header.append(edition.total_column)
        for row in body:
            row.append(_text(sum(float(cell or 0) for cell in row[1:])))
    return [header, *body]


def _numbers(random: np.random.Generator, shape: tuple[int, int], scale: float) -> np.ndarray:
    """Random amounts, about a fifth of them zero."""
    values = scale * random.random(shape)
    values[random.random(shape) < 0.2] = 0.0
    return values


def _rounded(random: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """Amounts with 0 to 6 decimals, and a few tiny ones written with an exponent."""
    decimals = random.integers(0, 7, values.shape)
    rounded = np.vectorize(round, otypes=[float])(values, decimals)
    tiny = (random.random(values.shape) < 0.03) & (values != 0)
    rounded[tiny] = np.round(values[tiny] * 1e-6, 10)
    return rounded


def _text(value: float) -> str:
    return "0" if value == 0 else repr(float(value))


def write(edition: Edition) -> None:
    """Write the table; 2016 quotes the labels (the header and the first column)."""

    def labelled(text: str) -> str:
        return f'"{text}"' if edition.quoted else text

    header, *body = table(edition)
    lines = [",".join(map(labelled, header))]
    lines += [",".join([labelled(row[0]), *row[1:]]) for row in body]
    with open(FOLDER / edition.file, "w", newline="") as out:
        out.write(edition.line_end.join(lines) + edition.line_end)


if __name__ == "__main__":
    for edition in EDITIONS:
        write(edition)
        print(f"wrote {edition.file}: {(FOLDER / edition.file).stat().st_size:,} bytes")
