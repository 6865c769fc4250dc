"""EXIOBASE 3 as published on Zenodo: ``IOT_<year>_<ixi|pxp>.zip``, or the folder it unzips to.

Every release is written in pymrio's text format (file_parameters.json, A.txt, Y.txt, x.txt,
unit.txt, one folder per extension) and is read by :func:`~.pymrio_format.read_pymrio`, which
takes what differs between releases in its stride:

- 3.4 to 3.8.x: two extensions, ``satellite`` (stressors, value added, employment, ...) and
  ``impacts`` (characterised), each with F.txt, F_Y.txt (named F_hh.txt in 3.8.1 and older)
  and unit.txt. 3.4's file_parameters.json lists unit.txt's unit column as an index column.
- 3.9 and later: eight extensions, ``air_emissions``, ``employment``, ``energy``,
  ``factor_inputs``, ``land``, ``material``, ``nutrients`` and ``water``, and Z.txt. An F.txt
  may lack the row of stressor level names, a unit.txt may have an empty header, and
  stressors have one label level or several; units are matched to stressors by label.

Where Z.txt is listed it is read (x = Z·1 + Y·1), else A.txt with x.txt (x checked against
A·x + Y·1, or solved from A and Y without x.txt). pymrio's ``calc_system`` takes A and x as
given when they are; they agree with Z to the 12 digits the releases are written with.

What pymrio's ``parse_exiobase3`` adds to ``load_all`` is done here: F_hh is read as F_Y (in
every extension, see :data:`~.pymrio_format.LEGACY_NAMES`), and the three-letter region codes
of some 3.4 ixi releases are renamed to the two-letter codes of all the others
(:data:`THREE_LETTER_REGIONS`), wherever they occur, as pymrio's ``rename_regions`` does.
"""

from __future__ import annotations

import re

from . import pymrio_format
from .downloads import Given
from .model import Mrio

TITLE = "EXIOBASE 3 (IOT_<year>_<ixi|pxp>.zip or its folder, with file_parameters.json)"

DOWNLOAD_NAME = re.compile(r"iot_(19|20)\d\d_(ixi|pxp)", re.IGNORECASE)
"""How Zenodo names the downloads (IOT_2011_ixi.zip) and their folders; 3.4's were named
``exiobase3.4_iot_2011_ixi.zip``."""

THREE_LETTER_REGIONS = {
    "AUS": "AU",
    "AUT": "AT",
    "BEL": "BE",
    "BGR": "BG",
    "BRA": "BR",
    "CAN": "CA",
    "CHE": "CH",
    "CHN": "CN",
    "CYP": "CY",
    "CZE": "CZ",
    "DEU": "DE",
    "DNK": "DK",
    "ESP": "ES",
    "EST": "EE",
    "FIN": "FI",
    "FRA": "FR",
    "GBR": "GB",
    "GRC": "GR",
    "HRV": "HR",
    "HUN": "HU",
    "IDN": "ID",
    "IND": "IN",
    "IRL": "IE",
    "ITA": "IT",
    "JPN": "JP",
    "KOR": "KR",
    "LTU": "LT",
    "LUX": "LU",
    "LVA": "LV",
    "MEX": "MX",
    "MLT": "MT",
    "NLD": "NL",
    "NOR": "NO",
    "POL": "PL",
    "PRT": "PT",
    "ROM": "RO",
    "RUS": "RU",
    "SVK": "SK",
    "SVN": "SI",
    "SWE": "SE",
    "TUR": "TR",
    "TWN": "TW",
    "USA": "US",
    "ZAF": "ZA",
    "WWA": "WA",
    "WWE": "WE",
    "WWF": "WF",
    "WWL": "WL",
    "WWM": "WM",
}
"""EXIOBASE's 49 regions as some 3.4 ixi releases label them (the 44 countries' three-letter
codes, Romania as ROM, and the five rest-of-the-world regions WWA Asia and Pacific, WWE Europe,
WWF Africa, WWL America, WWM Middle East), and the codes of every other release."""


def claims(given: Given) -> bool:
    """Whether the files are a pymrio folder or .zip that is EXIOBASE 3: named as downloaded
    (IOT_2011_ixi.zip, the folder IOT_2011_ixi, or that folder in the zip or the folder
    given), or described as EXIOBASE in the metadata.json beside its file_parameters.json."""
    if not pymrio_format.claims(given):
        return False
    parts = [given.container.name, *(part for name in given.names for part in name.parts[:-1])]
    if any(DOWNLOAD_NAME.search(part) for part in parts):
        return True
    metadata = pymrio_format.pymrio_metadata(given.container)
    described = f"{metadata.get('name', '')} {metadata.get('description', '')}"
    return "exiobase" in described.lower()


def read(given: Given) -> Mrio:
    """Read EXIOBASE 3 (any release, ixi or pxp) as pymrio's ``parse_exiobase3`` reads it,
    from ``IOT_<year>_<ixi|pxp>.zip`` as downloaded, the folder it unzips to, or the folder
    holding that folder.

    Raises
    ------
    MrioFileError
        Missing, damaged or malformed files, each named.
    MrioError
        Tables that do not line up or do not validate, prefixed with the path.
    """
    return pymrio_format.read_pymrio(given.container, relabel=THREE_LETTER_REGIONS)
