"""The sections of the study report, each made from one output of the study's algorithms.

Every function takes a table as read back from its output (pandas, column names of
``engine.columns``) and returns the HTML of its section, with what the report also gives as
numbers (top consumers, top cities).
"""

import base64

import numpy as np
import pandas as pd
from qgis.core import QgsProcessingException
from qgis.PyQt.QtCore import QBuffer, QByteArray, QIODevice

from ..engine.columns import (
    ACCOUNT,
    AMOUNT,
    AREA_SHARE,
    BAND,
    CATEGORY,
    CITY,
    CONSUMER_REGION,
    DOMESTIC,
    FOOTPRINT,
    FOOTPRINT_SHARE,
    FOREIGN,
    ITEM,
    RANK,
    SHARE,
)
from ..qgis_io.footprint_raster import FootprintRaster
from . import html as html_report

TOP = 10

SIDE_TABLES = {
    "BALANCE": ("the BALANCE table of Map carbon footprint", (ACCOUNT, ITEM), (AMOUNT,)),
    "CONSUMERS": (
        "the CONSUMERS table of Map carbon footprint",
        (CONSUMER_REGION,),
        (DOMESTIC, FOOTPRINT),
    ),
    "CURVE": ("the CURVE table of Footprint hotspots", (), (AREA_SHARE, FOOTPRINT_SHARE)),
    "CITIES": ("the OUTPUT_TABLE of Footprint by city", (CITY, BAND), (FOOTPRINT, SHARE, RANK)),
    "NEAR": ("the UNION_TABLE of Footprint near infrastructure", (BAND,), (SHARE,)),
}
"""What each table given to the report must be: (what it is, text columns, number columns)."""


def check_side_table(table: pd.DataFrame, key: str) -> None:
    """Refuse a table that is not the output the report's parameter ``key`` expects."""
    what, text, numbers = SIDE_TABLES[key]
    missing = [column for column in (*text, *numbers) if column not in table]
    if missing:
        raise QgsProcessingException(
            f"{key} is not {what}: it has no column {', '.join(map(repr, missing))} (its "
            f"columns: {', '.join(map(str, table.columns)) or 'none'}). Give {what}."
        )
    not_numbers = [c for c in numbers if not pd.api.types.is_numeric_dtype(table[c])]
    if not_numbers:
        raise QgsProcessingException(
            f"{key} is not {what}: the column {', '.join(map(repr, not_numbers))} does not "
            f"hold numbers. Give {what}."
        )


def band_totals(raster: FootprintRaster, feedback) -> list[float]:
    """Sum of every band (float64, no data left out), read in row blocks."""
    bands = list(range(1, raster.n_bands + 1))
    totals = np.zeros(len(bands))
    for _, values in raster.blocks(bands, feedback):
        totals += np.nansum(values, axis=(1, 2))
    return totals.tolist()


def ranking_section(amounts: pd.Series, foreign_total: float, label: str) -> str:
    """A bar chart and a table of the largest amounts, with their share of the foreign total."""
    top = amounts.iloc[:TOP]
    frame = pd.DataFrame(
        {
            label: top.index.astype(str),
            "footprint": top.to_numpy(dtype=float),
            "share of foreign": top.to_numpy(dtype=float) / foreign_total
            if foreign_total
            else np.nan,
        }
    )
    chart = html_report.bar_chart_svg(frame[label], frame["footprint"], "footprint")
    return chart + html_report.table(frame)


def png_uri(image) -> str:
    """A QImage as a data: URI, so the report is one self-contained file."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(bytes(data)).decode("ascii")


def consumer_sections(consumers: pd.DataFrame, foreign_total: float) -> tuple[list, str]:
    """Sections of the top foreign consumer regions (and final-demand categories, when the
    table has them) from mapfootprint's CONSUMERS; and the top three regions, as text."""
    foreign_rows = consumers[consumers[DOMESTIC] == 0]
    by_region = foreign_rows.groupby(CONSUMER_REGION)[FOOTPRINT].sum().sort_values(ascending=False)
    sections = [("Top foreign consumers", ranking_section(by_region, foreign_total, "region"))]
    if CATEGORY in foreign_rows:
        by_category = foreign_rows.groupby(CATEGORY)[FOOTPRINT].sum()
        sections.append(
            (
                "Foreign-driven footprint by final-demand category",
                ranking_section(
                    by_category.sort_values(ascending=False), foreign_total, "category"
                ),
            )
        )
    return sections, ", ".join(by_region.index[:3])


def sector_section(sources: pd.DataFrame, sector_field: str, foreign_total: float) -> tuple:
    """The foreign-driven footprint by inventory sector, from mapfootprint's OUTPUT_SOURCES."""
    if sector_field not in sources or FOREIGN not in sources:
        raise QgsProcessingException(
            f"SOURCES needs the fields {sector_field!r} and 'foreign' (the attributed "
            "sources of Map carbon footprint); set SECTOR_FIELD to its sector field."
        )
    by_sector = sources.groupby(sector_field)[FOREIGN].sum().sort_values(ascending=False)
    return (
        "Foreign-driven footprint by producing sector (inventory sectors)",
        ranking_section(by_sector, foreign_total, "sector"),
    )


def city_section(cities: pd.DataFrame) -> tuple[tuple, str]:
    """The top cities by the foreign band (else the first), from citytable's long table; and
    the top five, as text."""
    band = cities[BAND].unique()
    chosen = FOREIGN if FOREIGN in band else band[0]
    top = cities[(cities[BAND] == chosen) & cities[RANK].notna()].nsmallest(TOP, RANK)
    section = (
        f"Top {TOP} cities by the {chosen} footprint",
        html_report.table(top[[RANK, CITY, FOOTPRINT, SHARE]]),
    )
    return section, ", ".join(top[CITY].astype(str)[:5])
