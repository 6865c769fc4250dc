"""Write the EXIOBASE 3 fixtures of this folder: four small MRIOs in the layouts of the releases.

Run with ``.venv-oracle/bin/python tests/data/exiobase3/make_fixture.py`` (or any python with
numpy and pandas); the output is the same on every run. Tables are written as pymrio's
``IOSystem.save`` writes them (``DataFrame.to_csv`` with tabs and ``%.12g``, and a
file_parameters.json per folder), which is how the EXIOBASE 3 releases on Zenodo were written;
the quirks of each release are written as README.md describes.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
FLOAT_FORMAT = "%.12g"
ZIP_DATE = (2021, 10, 21, 0, 0, 0)

CATEGORIES = [
    "Final consumption expenditure by households",
    "Final consumption expenditure by non-profit organisations serving households (NPISH)",
    "Final consumption expenditure by government",
    "Gross fixed capital formation",
    "Changes in inventories",
    "Changes in valuables",
    "Exports: Total (fob)",
]
INDUSTRIES = [
    "Cultivation of paddy rice",
    "Mining of coal and lignite; extraction of peat (10)",
    "Production of electricity by coal",
    "Manufacture of motor vehicles, trailers and semi-trailers (34)",
]
PRODUCTS = [
    "Paddy rice",
    "Coal and lignite, peat (10)",
    "Electricity by coal",
    "Motor vehicles, trailers and semi-trailers (34)",
]
HOUSEHOLDS = CATEGORIES[0]


class Economy:
    """A small MRIO: Z, Y, x and A = Z·diag(x)^-1, the first producer with no output at all
    (as EXIOBASE's paddy rice in Austria)."""

    def __init__(self, regions, sectors, seed):
        self.rng = np.random.default_rng(seed)
        self.producers = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
        self.columns = pd.MultiIndex.from_product(
            [regions, CATEGORIES], names=["region", "category"]
        )
        n, m = len(self.producers), len(self.columns)
        flows = self.rng.uniform(0, 10, (n, n)) * (self.rng.random((n, n)) < 0.7)
        demand = self.rng.uniform(0, 60, (n, m)) * (self.rng.random((n, m)) < 0.6)
        flows[0, :] = flows[:, 0] = demand[0, :] = 0.0
        output = flows.sum(axis=1) + demand.sum(axis=1)
        reciprocal = np.divide(1.0, output, out=np.zeros(n), where=output > 0)
        self.Z = self._frame(flows, self.producers)
        self.Y = self._frame(demand, self.columns)
        self.x = pd.DataFrame({"indout": output}, index=self.producers)
        self.A = self._frame(flows * reciprocal[None, :], self.producers)
        self.unit = pd.DataFrame({"unit": "M.EUR"}, index=self.producers)

    def _frame(self, values, columns):
        return pd.DataFrame(values, index=self.producers, columns=columns)

    def stressors(self, labels, scale, direct=(), index_name="stressor"):
        """F (stressors x producers, none for the producer without output) and F_Y (only the
        ``direct`` stressors, from households)."""
        index = _labels(labels, index_name)
        values = self.rng.uniform(0, scale, (len(index), len(self.producers)))
        values *= self.rng.random(values.shape) < 0.8
        values[:, 0] = 0.0
        emitted = pd.DataFrame(values, index=index, columns=self.producers)
        direct_values = np.zeros((len(index), len(self.columns)))
        households = self.columns.get_level_values("category") == HOUSEHOLDS
        for row, label in enumerate(labels):
            if label in direct:
                direct_values[row, households] = self.rng.uniform(0, scale, households.sum())
        return emitted, pd.DataFrame(direct_values, index=index, columns=self.columns)


def _labels(labels, index_name):
    if isinstance(labels[0], tuple):
        return pd.MultiIndex.from_tuples(labels, names=index_name)
    return pd.Index(labels, name=index_name)


def units(labels, unit_of, index_name="stressor"):
    """unit.txt of an extension: one unit per stressor."""
    return pd.DataFrame(
        {"unit": [unit_of(label) for label in labels]}, index=_labels(labels, index_name)
    )


def save(folder, tables, systemtype="IOSystem", name=None, parameters=None):
    """Write tables as pymrio's save does, and their file_parameters.json (``parameters``
    overrides entries, as EXIOBASE 3.4's unit.txt entry)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for key, table in tables.items():
        table.to_csv(folder / f"{key}.txt", sep="\t", float_format=FLOAT_FORMAT)
        files[key] = {
            "name": f"{key}.txt",
            "nr_index_col": str(table.index.nlevels),
            "nr_header": str(table.columns.nlevels),
        }
        files[key].update((parameters or {}).get(key, {}))
    content = {"files": files, "systemtype": systemtype}
    if name is not None:
        content["name"] = name
    (folder / "file_parameters.json").write_text(json.dumps(content, indent=4))


def metadata(folder, description, name, system, version):
    content = {
        "description": description,
        "name": name,
        "system": system,
        "version": version,
        "history": [],
    }
    (folder / "metadata.json").write_text(json.dumps(content, indent=4))


def zip_folder(folder, archive, prefix):
    """Zip ``folder``'s files under ``prefix`` (deterministic: sorted, fixed dates)."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for file in sorted(path for path in folder.rglob("*") if path.is_file()):
            member = zipfile.ZipInfo(f"{prefix}{file.relative_to(folder).as_posix()}", ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            zipped.writestr(member, file.read_bytes())
    shutil.rmtree(folder)


SATELLITE = {
    "Taxes less subsidies on products purchased: Total": "M.EUR",
    "Employment: Low-skilled male": "1000 p",
    "CO2 - combustion - air": "kg",
    "CH4 - agriculture - air": "kg",
    "Water Consumption Blue - Agriculture - rice": "Mm3",
}
IMPACTS = {
    "Value Added": "M.EUR",
    "GHG emissions (GWP100) | Problem oriented approach: baseline (CML, 2001) | "
    "GWP100 (IPCC, 2007)": "kg CO2 eq.",
    "Employment": "1000 p",
}


def release_38(economy, folder, direct_name):
    """3.4 to 3.8.x: satellite and impacts, F_Y named ``direct_name`` (F_hh up to 3.8.1)."""
    satellite, satellite_y = economy.stressors(
        list(SATELLITE), 50.0, direct={"CO2 - combustion - air", "CH4 - agriculture - air"}
    )
    save(
        folder / "satellite",
        {
            "F": satellite,
            direct_name: satellite_y,
            "unit": units(list(SATELLITE), SATELLITE.get),
        },
        "Extension",
        "satellite",
    )
    characterised = np.array(
        [[1.0, 0, 0, 0, 0], [0, 0, 1.0, 28.0, 0], [0, 1.0, 0, 0, 0]]
    )  # value added, GWP100 (CO2 + 28 CH4), employment
    impact_index = pd.Index(list(IMPACTS), name="impact")
    impacts = pd.DataFrame(characterised @ satellite.to_numpy(), impact_index, satellite.columns)
    impacts_y = pd.DataFrame(
        characterised @ satellite_y.to_numpy(), impact_index, satellite_y.columns
    )
    save(
        folder / "impacts",
        {"F": impacts, direct_name: impacts_y, "unit": units(list(IMPACTS), IMPACTS.get, "impact")},
        "Extension",
        "impacts",
    )


def exiobase_382_ixi():
    """IOT_2011_ixi.zip: A and Z, x, satellite and impacts with F_Y; in a folder in the zip."""
    economy = Economy(["AT", "CN", "WA"], INDUSTRIES, seed=382)
    folder = HERE / "IOT_2011_ixi"
    save(
        folder,
        {"A": economy.A, "Z": economy.Z, "Y": economy.Y, "x": economy.x, "unit": economy.unit},
    )
    metadata(folder, "EXIOBASE 3.8.2 - ixi for 2011", "EXIO3", "ixi", "3.8.2")
    release_38(economy, folder, "F_Y")
    zip_folder(folder, HERE / "IOT_2011_ixi.zip", "IOT_2011_ixi/")


def exiobase_381_pxp():
    """IOT_2011_pxp.zip: A (no Z), x, satellite and impacts with F_hh; files at the zip root."""
    economy = Economy(["AT", "CN", "WA"], PRODUCTS, seed=381)
    folder = HERE / "IOT_2011_pxp"
    save(folder, {"A": economy.A, "Y": economy.Y, "x": economy.x, "unit": economy.unit})
    metadata(folder, "EXIOBASE 3.8.1 - pxp for 2011", "EXIO3", "pxp", "3.8.1")
    release_38(economy, folder, "F_hh")
    zip_folder(folder, HERE / "IOT_2011_pxp.zip", "")


def exiobase_34_ixi():
    """exiobase3.4_iot_2009_ixi/: three-letter regions, A without x or Z, a satellite whose F
    has no row of level names, F_hh, and a unit.txt listed with two index columns."""
    economy = Economy(["AUT", "ROM", "WWA"], INDUSTRIES, seed=34)
    folder = HERE / "exiobase3.4_iot_2009_ixi"
    save(folder, {"A": economy.A, "Y": economy.Y, "unit": economy.unit})
    metadata(folder, "EXIOBASE 3.4 - ixi for 2009", "EXIO3", "ixi", "3.4")
    satellite, satellite_y = economy.stressors(
        list(SATELLITE), 50.0, direct={"CO2 - combustion - air"}, index_name=None
    )
    save(
        folder / "satellite",
        {"F": satellite, "F_hh": satellite_y, "unit": units(list(SATELLITE), SATELLITE.get)},
        "Extension",
        "Satellite Accounts",
        parameters={"unit": {"nr_index_col": "2"}},
    )


NINE_PLUS = {
    # extension: ({label: unit}, households' direct stressors, quirks of its files)
    "air_emissions": (
        {
            "CO2 - combustion - air": "kg",
            "CH4 - combustion - air": "kg",
            "N2O - agriculture - air": "kg",
            "HFC - air": "kg CO2-eq",
        },
        {"CO2 - combustion - air", "CH4 - combustion - air"},
        set(),
    ),
    "employment": (
        {
            "Employment people: Low-skilled male": "1000 p",
            "Employment hours: High-skilled female": "M.hr",
        },
        set(),
        {"F without level names", "F_Y without level names", "unit in another order"},
    ),
    "energy": (
        {"Energy use - Final": "TJ", "Energy use - Gross": "TJ"},
        {"Energy use - Final", "Energy use - Gross"},
        {"unit without level name"},
    ),
    "factor_inputs": (
        {
            "Taxes less subsidies on products purchased: Total": "M.EUR",
            "Operating surplus: Consumption of fixed capital": "M.EUR",
        },
        set(),
        {"no F_Y", "unit without level name"},
    ),
    "land": (
        {
            ("Artificial Surfaces", "land"): "km2",
            ("Cropland - cropped area - Paddy rice", "land"): "km2",
        },
        set(),
        set(),  # two label levels (stressor, compartment)
    ),
    "material": (
        {
            "Domestic Extraction Used - Primary Crops - Rice": "kt",
            "Domestic Extraction Used - Fossil Fuels - Natural gas": "kt",
            "Domestic Extraction Used - Metal Ores - Iron ores": "kt",
        },
        set(),
        set(),
    ),
    "nutrients": (
        {"N - agriculture - water": "kg", "P - agriculture - soil": "kg"},
        {"N - agriculture - water"},
        {"F_Y without level names"},
    ),
    "water": (
        {
            "Water Consumption Green - Agriculture - rice": "Mm3",
            "Water Withdrawal Blue - Domestic - domestic Water Withdrawal Blue": "Mm3",
        },
        {"Water Withdrawal Blue - Domestic - domestic Water Withdrawal Blue"},
        set(),
    ),
}


def exiobase_39_pxp():
    """IOT_2022_pxp/: A, Z, x and the eight extension folders of 3.9 and later."""
    economy = Economy(["AT", "CN", "WA"], PRODUCTS, seed=39)
    folder = HERE / "IOT_2022_pxp"
    save(
        folder,
        {"A": economy.A, "Z": economy.Z, "Y": economy.Y, "x": economy.x, "unit": economy.unit},
    )
    metadata(folder, "EXIOBASE 3.9.4 - pxp for 2022", "EXIO3", "pxp", "3.9.4")
    for name, (labelled, direct, quirks) in NINE_PLUS.items():
        labels = list(labelled)
        index_name = ["stressor", "compartment"] if isinstance(labels[0], tuple) else "stressor"
        emitted, emitted_y = economy.stressors(labels, 20.0, direct, index_name)
        unit = units(labels, labelled.get, index_name)
        tables = {
            "F": emitted.rename_axis(None) if "F without level names" in quirks else emitted,
            "F_Y": emitted_y.rename_axis(None)
            if "F_Y without level names" in quirks
            else emitted_y,
            "unit": unit.rename_axis(None) if "unit without level name" in quirks else unit,
        }
        if "unit in another order" in quirks:
            tables["unit"] = tables["unit"].iloc[::-1]
        if "no F_Y" in quirks:
            del tables["F_Y"]
        save(folder / name, tables, "Extension", name)


def main():
    for old in ("IOT_2011_ixi.zip", "IOT_2011_pxp.zip", "exiobase3.4_iot_2009_ixi", "IOT_2022_pxp"):
        path = HERE / old
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    exiobase_382_ixi()
    exiobase_381_pxp()
    exiobase_34_ixi()
    exiobase_39_pxp()


if __name__ == "__main__":
    main()
