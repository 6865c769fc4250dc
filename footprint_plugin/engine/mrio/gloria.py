"""Read GLORIA (Global Resource Input-Output Assessment, ielab) as published, as pymrio does.

One release and year of GLORIA, as downloaded (the parts as .zip, or extracted to folders of
the same names) and as pymrio's ``parse_gloria`` reads it::

    GLORIA_ReadMe_059.xlsx                 the labels: sheets Regions (Region_acronyms),
                                           Sectors (Sector_names), "Value added and final
                                           demand" (Value_added_names, Final_demand_names),
                                           Satellites (Sat_indicator, Sat_head_indicator,
                                           Sat_unit)
    GLORIA_MRIOs_59_2022.zip               <date>_120secMother_AllCountries_002_T-Results_
                                           2022_059_Markup001(full).csv, and Y-, V-Results
    GLORIA_SatelliteAccounts_059_2022.zip  ... TQ-Results ..., YQ-Results ...

Markup001 is basic prices; Markup002 to 005 are the trade and transport margins, taxes and
subsidies on products. The tables are comma-separated numbers without labels, in the ReadMe's
orders. T is the multi-regional supply-use table: rows and columns are (region, Industry or
Product, sector), each region's sectors as industries then as products; its industry rows x
product columns are the supply table V, its product rows x industry columns the use table U.
Y-Results: T's rows x (region, final-demand category); V-Results (value added): (region,
value-added category) x T's columns; TQ-Results: satellites x T's columns; YQ-Results:
satellites x Y's columns.

What pymrio 0.7.0 does (``parse_gloria_sut`` and ``__construct_IO``, construct B, price "bp",
country_names "gloria") and this module repeats:

1. regions whose rows and whose columns of T both sum to 0 are dropped from every table;
2. Y, value added and TQ keep only their product rows or industry columns;
3. industry-technology construct B: T_B = diag(1/g)·V with industry output g = V·1, then
   A = U·T_B·diag(1/q) with product output q = U·1 + Y·1 (1/0 taken as 0), extension
   Q = TQ·T_B with F_Y = YQ, and extension VA = value added·T_B;
4. x and Z follow from A and Y as in pymrio's calc_all (:func:`~.model.build_mrio`).

Producers and final-demand columns are (region acronym, name); Q's stressors are
(Sat_indicator, Sat_head_indicator) with unit Sat_unit (the ReadMe repeats some of these
pairs; the rows are kept, as pymrio keeps them); VA's are (region, value-added category).

Only basic prices are read: pymrio's price="pp" reads the Markup005 tables, which are the
subsidies on products, not purchasers' prices.

Memory: at full size (164 regions x 120 sectors, n = 19,680 producers; about 6,000 satellites)
T (12.4 GB as numbers) is never held whole: it is read a block of rows at a time into U (n x n,
3.1 GB), which becomes A in place; TQ's industry columns take 0.9 GB, Y and value added 0.3 GB:
this module peaks near 4.5 GB. :func:`~.model.build_mrio` then adds one n x n array at a time
(its LU factorization, then Z): about 8 GB in all, where pymrio's parse_gloria needs some 40 GB
(measured at 40 regions x 120 sectors: 0.5 GB against 2.3 GB).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse

from ..errors import MrioFileError, naming
from ..files import reading
from .archive import MrioSource
from .downloads import DownloadedFile, Given, downloaded_files, extracted_first, one_edition
from .leontief import reciprocal_output
from .model import Extension, Mrio, build_mrio
from .text_tables import BLOCK_ROWS, number_blocks
from .xlsx import Sheet, read_sheets

TITLE = (
    "GLORIA (<date>_120secMother_AllCountries_002_T-Results_<year>_<release>_Markup001"
    "(full).csv + GLORIA_ReadMe_<release>.xlsx, or GLORIA_MRIOs_<release>_<year>.zip)"
)

TABLE = re.compile(
    r".*_120secMother_AllCountries_002_(?P<kind>T|Y|V|TQ|YQ)-Results_(?P<year>\d{4})_"
    r"(?P<release>\d{3})_Markup(?P<markup>\d{3})\(full\)\.csv"
)
"""A GLORIA table: <date>_120secMother_AllCountries_002_T-Results_2022_059_Markup001(full).csv."""

PART = re.compile(r"GLORIA_(MRIOs|SatelliteAccounts)_\d+_\d{4}\.zip")
"""A downloaded part holding tables, e.g. GLORIA_MRIOs_59_2022.zip."""

README = re.compile(r"GLORIA_ReadMe_\d{3}[a-z]?\.xlsx")
RELEASE_FILE = re.compile(f"{TABLE.pattern}|{README.pattern}")

KINDS = ("T", "Y", "V", "TQ", "YQ")
BASIC_PRICES = 1
MONETARY_UNIT = "\u2018000 US$"
"""pymrio's unit of A, Y and VA (with its opening quote)."""

SHEETS = ("Regions", "Sectors", "Value added and final demand", "Satellites")
INDUSTRY, PRODUCT = 0, 1


def claims(given: Given) -> bool:
    """Whether the files include a GLORIA table or a downloaded GLORIA part."""
    return bool(given.named(TABLE) or given.named(PART))


def read(given: Given) -> Mrio:
    """Read one year of GLORIA at basic prices, as pymrio's ``parse_gloria`` reads it.

    ``given`` is the folder holding GLORIA_ReadMe_<release>.xlsx and the year's parts (.zip or
    extracted), a .zip of that folder, a part (folder or .zip) with the ReadMe beside it, or a
    file in the folder: a table chosen sets the year and release, else there must be one.

    Raises
    ------
    MrioFileError
        A table or the ReadMe missing, truncated or malformed; several years or releases and
        none chosen; a markup other than basic prices chosen.
    """
    root = _release_root(given.container)
    files = downloaded_files(root, RELEASE_FILE, PART)
    year, release = _edition(files, root, given)
    readme = _readme(files, root, release)
    tables = {kind: _table(files, root, given.container, kind, year, release) for kind in KINDS}
    with naming(tables["T"].describe()):
        return _read(readme, tables, f"GLORIA release {release}, {year}, basic prices")


def _release_root(container: Path) -> Path:
    """The folder or zip holding the ReadMe: the one given, or the folder around a part."""
    with MrioSource(container, "GLORIA's folder, its .zip, or a file in it") as source:
        if any(README.fullmatch(name.name) for name in source.files()):
            return container
    with reading(str(container.parent)):
        if any(README.fullmatch(path.name) for path in container.parent.iterdir()):
            return container.parent
    raise MrioFileError(
        f"No GLORIA_ReadMe_<release>.xlsx in {container} nor beside it: GLORIA's labels are "
        "only in its ReadMe. Download GLORIA_ReadMe_<release>.xlsx of the release and put it "
        "in the folder with the GLORIA_MRIOs and GLORIA_SatelliteAccounts parts."
    )


def _within(file: DownloadedFile, root: Path, given: Path) -> bool:
    """Whether the file is in what the user gave: the root, or a part (or folder) in it."""
    return given == root or (file.part or file.relative).parts[0] == given.name


def _tables(files: list[DownloadedFile], **wanted) -> list[DownloadedFile]:
    """The tables whose name has the wanted kind, year, release or markup (as text)."""
    return [
        file
        for file in files
        if (match := TABLE.fullmatch(file.name))
        and all(match.group(key) == value for key, value in wanted.items())
    ]


def _edition(files: list[DownloadedFile], root: Path, given: Given) -> tuple[str, str]:
    """The year and release to read: of the chosen table, else the only ones given."""
    match = TABLE.fullmatch(given.chosen.name) if given.chosen is not None else None
    if match is None:
        tables = _tables([file for file in files if _within(file, root, given.container)])
        editions = sorted({TABLE.fullmatch(file.name).group("year", "release") for file in tables})
        return one_edition(
            given.container,
            [(f"{year} (release {release})", (year, release)) for year, release in editions],
            "GLORIA tables",
            "<date>_120secMother_AllCountries_002_<T|Y|V|TQ|YQ>-Results_<year>_<release>_"
            "Markup001(full).csv",
            "Choose the T-Results file of the year to read, or keep one year and release per "
            "folder.",
        )
    if int(match.group("markup")) != BASIC_PRICES:
        raise MrioFileError(
            f"{given.chosen.name} is at Markup{match.group('markup')}, a valuation layer (trade "
            "or transport margins, taxes or subsidies on products), not an MRIO of its own. "
            "Choose the Markup001 (basic prices) file: only basic prices are read."
        )
    return match.group("year"), match.group("release")


def _readme(files: list[DownloadedFile], root: Path, release: str) -> DownloadedFile:
    """GLORIA_ReadMe_<release>.xlsx, or the release's lettered one (059a) if it is alone."""
    readmes = [file for file in files if README.fullmatch(file.name)]
    exact = [file for file in readmes if file.name == f"GLORIA_ReadMe_{release}.xlsx"]
    lettered = [file for file in readmes if file.name.startswith(f"GLORIA_ReadMe_{release}")]
    for candidates in (exact, lettered):
        if len(candidates) == 1:
            return candidates[0]
    found = ", ".join(str(file) for file in readmes) or "none"
    raise MrioFileError(
        f"{root} holds no single GLORIA_ReadMe_{release}.xlsx, the labels of release "
        f"{release} (ReadMe files found: {found}). Keep the ReadMe of the release with its tables."
    )


def _table(
    files: list[DownloadedFile], root: Path, container: Path, kind: str, year: str, release: str
) -> DownloadedFile:
    """The basic-price table of a kind: preferably in what was given, then a plain file
    rather than one in a part (an extracted part beside its .zip)."""
    found = _tables(files, kind=kind, year=year, release=release, markup=f"{BASIC_PRICES:03d}")
    expected = (
        f"<date>_120secMother_AllCountries_002_{kind}-Results_{year}_{release}_Markup001(full).csv"
    )
    if not found:
        part = "GLORIA_SatelliteAccounts" if kind in ("TQ", "YQ") else "GLORIA_MRIOs"
        raise MrioFileError(
            f"{root} lacks {expected}, which GLORIA publishes in {part}_{release}_{year}.zip "
            "(GLORIA_MRIOs without the leading 0). Download it, and keep it (as .zip or "
            "extracted) in the folder with the ReadMe."
        )
    best = extracted_first([file for file in found if _within(file, root, container)] or found)
    if len(best) > 1:
        raise MrioFileError(
            f"{root} holds {expected} several times: "
            f"{'; '.join(file.describe() for file in best)}. Keep one copy."
        )
    return best[0]


def _read(readme: DownloadedFile, tables: dict[str, DownloadedFile], name: str) -> Mrio:
    labels = _labels(readme)
    regions, sectors = len(labels.regions), len(labels.sectors)
    demand, added = len(labels.final_demand), len(labels.value_added)
    width = 2 * regions * sectors
    source = readme.relative.name
    use, supply, kept = _read_transactions(tables["T"], regions, sectors, source)
    kept_columns = np.repeat(kept, 2 * sectors)
    industries = np.flatnonzero(kept_columns & (_system(regions, sectors) == INDUSTRY))
    demand_columns = np.flatnonzero(np.repeat(kept, demand))
    final_demand = _read_selected(
        tables["Y"],
        (width, regions * demand),
        kept_columns & (_system(regions, sectors) == PRODUCT),
        demand_columns,
        f"the rows of T x {regions} regions x {demand} final-demand categories of {source}",
    )
    satellites = np.ones(len(labels.satellites), dtype=bool)
    value_added = _read_selected(
        tables["V"],
        (regions * added, width),
        np.repeat(kept, added),
        industries,
        f"{regions} regions x {added} value-added categories of {source} x the columns of T",
    )
    from_producers = _read_selected(
        tables["TQ"],
        (len(satellites), width),
        satellites,
        industries,
        f"the {len(satellites):,} satellites of {source} x the columns of T",
    )
    from_final_demand = _read_selected(
        tables["YQ"],
        (len(satellites), regions * demand),
        satellites,
        demand_columns,
        f"the {len(satellites):,} satellites of {source} x the columns of Y",
    )
    # construct B, as pymrio's __construct_IO: T_B = diag(1/g) V, A = U T_B diag(1/q)
    product_output = use.sum(axis=1) + final_demand.sum(axis=1)
    industry_output = np.asarray(supply.sum(axis=1)).reshape(-1)
    transformation = scipy.sparse.csr_matrix(
        scipy.sparse.diags(reciprocal_output(industry_output)) @ supply
    )
    coefficients = _to_products(use, transformation)
    coefficients *= reciprocal_output(product_output)
    kept_regions = [region for region, keep in zip(labels.regions, kept) if keep]
    value_added_labels = pd.MultiIndex.from_product(
        [kept_regions, labels.value_added], names=["region", "inputtype"]
    )
    return build_mrio(
        producers=[(region, sector) for region in kept_regions for sector in labels.sectors],
        final_demand_labels=[
            (region, category) for region in kept_regions for category in labels.final_demand
        ],
        final_demand=final_demand,
        technical_coefficients=coefficients,
        unit=MONETARY_UNIT,
        extensions=[
            Extension(
                "Q",
                labels.satellites,
                _to_products(from_producers, transformation),
                from_final_demand,
                labels.units,
            ),
            Extension(
                "VA",
                value_added_labels,
                _to_products(value_added, transformation),
                None,
                (MONETARY_UNIT,) * len(value_added_labels),
            ),
        ],
        name=name,
    )


def _system(regions: int, sectors: int) -> np.ndarray:
    """INDUSTRY or PRODUCT for each row (and column) of T."""
    return (np.arange(2 * regions * sectors) // sectors) % 2


def _read_transactions(
    table: DownloadedFile, regions: int, sectors: int, source: str
) -> tuple[np.ndarray, scipy.sparse.csr_matrix, np.ndarray]:
    """U (dense) and V (sparse) of the regions with flows in T, and which regions those are.

    T is read a block of rows at a time: a product row goes to U (its industry columns), an
    industry row to V (its product columns, non-zero entries only; GLORIA's V is diagonal).
    A region is dropped, as pymrio drops it, when its rows and its columns both sum to 0.
    """
    producers = regions * sectors
    width = 2 * producers
    system = _system(regions, sectors)
    position = np.arange(width) // (2 * sectors) * sectors + np.arange(width) % sectors
    industries, products = np.flatnonzero(system == INDUSTRY), np.flatnonzero(system == PRODUCT)
    use = np.empty((producers, producers), dtype=np.float64)
    supply_rows, supply_columns, supply_values = [], [], []
    row_sums, column_sums = np.empty(width), np.zeros(width)
    with table.opened() as opened:
        for first, block, _ in number_blocks(
            opened,
            table.relative,
            (width, width),
            ",",
            what=f"{regions} regions x (industries, products) x {sectors} sectors of {source}",
        ):
            rows = np.arange(first, first + len(block))
            row_sums[rows] = block.sum(axis=1)
            column_sums += block.sum(axis=0)
            is_product = system[rows] == PRODUCT
            use[position[rows[is_product]]] = block[np.ix_(is_product, industries)]
            supplied = block[np.ix_(~is_product, products)]
            at, to = np.nonzero(supplied)
            supply_rows.append(position[rows[~is_product][at]])
            supply_columns.append(to)
            supply_values.append(supplied[at, to])
    by_region = (row_sums.reshape(regions, -1).sum(axis=1) != 0) | (
        column_sums.reshape(regions, -1).sum(axis=1) != 0
    )
    keep = np.repeat(by_region, sectors)
    supply = scipy.sparse.csr_matrix(
        (
            np.concatenate(supply_values),
            (np.concatenate(supply_rows), np.concatenate(supply_columns)),
        ),
        shape=(producers, producers),
    )
    return _keep_square(use, keep), supply[keep][:, keep], by_region


def _keep_square(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """values[keep][:, keep], moved to the front of values' own buffer: no second n x n array.

    Row ``new`` is written where rows up to ``old`` >= ``new`` were, once read: it never
    overwrites a row still to be read.
    """
    kept = np.flatnonzero(keep)
    if len(kept) == len(values):
        return values
    flat = values.reshape(-1)
    size = len(kept)
    for new, old in enumerate(kept):
        flat[new * size : (new + 1) * size] = values[old, kept]
    return flat[: size * size].reshape(size, size)


def _read_selected(
    table: DownloadedFile,
    shape: tuple[int, int],
    rows: np.ndarray,
    columns: np.ndarray,
    what: str,
) -> np.ndarray:
    """The ``rows`` (a mask) x ``columns`` (positions) of a table, read a block at a time."""
    out = np.empty((int(rows.sum()), len(columns)), dtype=np.float64)
    filled = 0
    with table.opened() as opened:
        for first, block, _ in number_blocks(opened, table.relative, shape, ",", what=what):
            chosen = block[np.ix_(rows[first : first + len(block)], columns)]
            out[filled : filled + len(chosen)] = chosen
            filled += len(chosen)
    return out


def _to_products(values: np.ndarray, transformation: scipy.sparse.csr_matrix) -> np.ndarray:
    """values·T_B in place, a block of rows at a time: industry columns become products."""
    for first in range(0, len(values), BLOCK_ROWS):
        values[first : first + BLOCK_ROWS] = values[first : first + BLOCK_ROWS] @ transformation
    return values


@dataclass(frozen=True)
class _Labels:
    """The ReadMe's labels, all regions included."""

    regions: list[str]
    sectors: list[str]
    final_demand: list[str]
    value_added: list[str]
    satellites: pd.MultiIndex
    units: tuple[str, ...]


def _labels(readme: DownloadedFile) -> _Labels:
    with readme.opened() as source:
        sheets = read_sheets(source, readme.relative, SHEETS)
    satellites = sheets["Satellites"]
    indicators = _names(satellites, "Sat_indicator")
    count = len(indicators)
    units = (satellites.column("Sat_unit") + [None] * count)[:count]
    return _Labels(
        regions=_names(sheets["Regions"], "Region_acronyms"),
        sectors=_names(sheets["Sectors"], "Sector_names"),
        final_demand=_names(sheets["Value added and final demand"], "Final_demand_names"),
        value_added=_names(sheets["Value added and final demand"], "Value_added_names"),
        satellites=pd.MultiIndex.from_arrays(
            [indicators, _names(satellites, "Sat_head_indicator", count)],
            names=["stressor", "category"],
        ),
        units=tuple("" if unit is None else str(unit) for unit in units),
    )


def _names(sheet: Sheet, header: str, count: int | None = None) -> list[str]:
    """The labels of a column, to its last one (or its first ``count``); none may be empty."""
    values = sheet.column(header)
    if count is None:
        count = max((at + 1 for at, value in enumerate(values) if value is not None), default=0)
    values = (values + [None] * count)[:count]
    if not values or None in values:
        problem = (
            f"an empty cell under {header} (label {values.index(None) + 1})"
            if values
            else f"no labels under {header}"
        )
        raise MrioFileError(
            f"The {sheet.where} has {problem}: the labels cannot be lined up with the tables. "
            "Use the ReadMe as published."
        )
    return [str(value) for value in values]
