"""OECD ICIO as published: each edition's CSV, a zip of it, or its folder, against pymrio.

The fixtures (tests/data/oecd_icio, see its README) are small tables in the layout of each
edition, 2016 to 2023 (small and extended), with China and Mexico split into parts where the
edition splits them. pymrio's parse_oecd reads every one of them; it runs in its own venv
(tests/oracle/pymrio_oracle.py).
"""

import csv
import shutil
import zipfile

import numpy as np
import pytest

from footprint_plugin.engine.errors import LabelMismatchError, MrioFileError, label_text
from footprint_plugin.engine.mrio.readers import read_mrio
from tests.oracle.compare import ROOT, compare_with_pymrio, run_oracle

FIXTURES = ROOT / "tests" / "data" / "oecd_icio"
YEARS = {
    "ICIO2016_2011.csv": 2011,
    "ICIO2018_2015.CSV": 2015,
    "ICIO2021_2018.csv": 2018,
    "2020_SML.csv": 2020,
    "2020.csv": 2020,
}
TAXSUB = ["AUS_TAXSUB", "MEX_TAXSUB", "CHN_TAXSUB", "ROW_TAXSUB", "VALU"]
FACTOR_INPUTS = {
    "ICIO2016_2011.csv": ["VA+TAXSUB"],
    "ICIO2018_2015.CSV": TAXSUB,
    "ICIO2021_2018.csv": TAXSUB,
    "2020_SML.csv": ["TLS", "VA"],
    "2020.csv": ["TLS", "VA"],
}


def given_as(form, file, folder):
    """The fixture as a user may give it: the CSV, a zip holding it, or a folder holding it."""
    if form == "csv":
        return FIXTURES / file
    if form == "zip":
        archive = folder / f"{file.rsplit('.', 1)[0]}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            zipped.write(FIXTURES / file, file)
        return archive
    (folder / "icio").mkdir()
    shutil.copy(FIXTURES / file, folder / "icio" / file)
    return folder / "icio"


@pytest.fixture(scope="module")
def pymrio_parse(tmp_path_factory):
    """pymrio's accounts for a path (folder with --year), each path parsed once."""
    parsed = {}

    def parse(path, year):
        if path not in parsed:
            out = tmp_path_factory.mktemp("oracle") / "oecd.npz"
            run_oracle("parse", "oecd", path, out, "--year", year)
            parsed[path] = dict(np.load(out))
        return parsed[path]

    return parse


@pytest.mark.parametrize("form", ["csv", "zip", "folder"])
@pytest.mark.parametrize("file", YEARS)
def test_each_edition_as_csv_zip_or_folder_matches_pymrio(pymrio_parse, tmp_path, file, form):
    path = given_as(form, file, tmp_path)
    # pymrio parses each edition's CSV, and the 2018 edition's zip and folder (with the year)
    # too: once is enough to show that pymrio reads the same table from those
    pymrio_path = path if file.startswith("ICIO2018") else FIXTURES / file
    oracle = pymrio_parse(pymrio_path, YEARS[file])
    mrio = read_mrio(path)
    assert set(compare_with_pymrio(mrio, oracle)) == {
        f"factor_inputs/{name}" for name in FACTOR_INPUTS[file]
    }
    stressors = [label_text(name) for name in mrio.extensions["factor_inputs"].stressors]
    assert stressors == oracle["factor_inputs__stressors"].tolist() == FACTOR_INPUTS[file]


def test_a_folder_of_downloaded_zips_matches_pymrio(pymrio_parse, tmp_path):
    """pymrio's download_oecd keeps the 2016 and 2018 editions as ICIO<edition>_<year>.zip, one
    CSV each, and parse_oecd reads such a folder given the year; so does the reader, the year's
    CSV read in place from its zip (or extracted beside it), another year's zip needing a
    choice."""
    folder = tmp_path / "oecd"
    folder.mkdir()
    with zipfile.ZipFile(folder / "ICIO2018_2015.zip", "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(FIXTURES / "ICIO2018_2015.CSV", "ICIO2018_2015.CSV")
    oracle = pymrio_parse(folder, 2015)
    compare_with_pymrio(read_mrio(folder), oracle)
    shutil.copy(FIXTURES / "ICIO2018_2015.CSV", folder)
    compare_with_pymrio(read_mrio(folder), oracle)
    with zipfile.ZipFile(folder / "ICIO2016_2011.zip", "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(FIXTURES / "ICIO2016_2011.csv", "ICIO2016_2011.csv")
    with pytest.raises(
        MrioFileError,
        match=r"holds several years, releases or price bases of OECD ICIO tables: 2011 \(ICIO2016_"
        r"2011.csv in ICIO2016_2011.zip\), 2015 \(ICIO2018_2015.CSV\)\. .*extract that year's "
        r"CSV",
    ):
        read_mrio(folder)


@pytest.mark.parametrize(
    ("file", "first", "last"),
    [
        ("ICIO2016_2011.csv", ["AUS/HFCE", "MEX/HFCE", "CHN/HFCE", "ROW/HFCE"], "ALL/DISC"),
        ("ICIO2018_2015.CSV", ["AUS/HFCE", "AUS/NPISH", "AUS/GGFC", "AUS/GFCF"], "ROW/P33"),
        ("2020.csv", ["AUS/HFCE", "AUS/NPISH", "AUS/GGFC", "AUS/GFCF"], "ROW/DPABR"),
    ],
)
def test_final_demand_is_country_and_item_and_the_split_parts_are_gone(file, first, last):
    mrio = read_mrio(FIXTURES / file)
    regions = list(dict.fromkeys(mrio.producers.get_level_values("region")))
    assert regions == ["AUS", "CHN", "MEX", "ROW"] + (["USA"] if file == "2020.csv" else [])
    demand = [label_text(label) for label in mrio.final_demand_labels]
    assert demand[:4] == first
    assert demand[-1] == last


@pytest.mark.parametrize("file", ["ICIO2016_2011.csv", "2020.csv"])
def test_china_and_mexico_are_the_sums_of_their_parts(file):
    """Hand-computed from the CSV: CHN's row and column of flows, final demand and value
    added are the sums over CHN (all zero), CN1, CN2, ...; MEX's over MEX, MX1, ..."""
    with open(FIXTURES / file, newline="") as handle:
        header, *rows = list(csv.reader(handle))
    column = {label: k for k, label in enumerate(header)}
    table = {row[0]: row for row in rows}
    regions = {row[0].split("_")[0] for row in rows}

    def total(rows_of, columns_of):
        return sum(float(table[r][column[c]] or 0) for r in rows_of for c in columns_of)

    mrio = read_mrio(FIXTURES / file)
    producers = [label_text(label).replace("/", "_", 1) for label in mrio.producers]
    value_added = mrio.extensions["factor_inputs"]
    households = next(label for label in header if "HFCE" in label)  # Y's first column
    industries = ("A01_02", "D") if file == "2020.csv" else ("C01T05AGR", "C24CHM")
    for region, prefix in (("CHN", "CN"), ("MEX", "MX")):
        parts = [region] + [r for r in regions if r[:2] == prefix and r[2:].isdigit()]
        assert len(parts) >= 3
        for industry in industries:
            whole = [f"{part}_{industry}" for part in parts]
            i, j = producers.index(f"{region}_{industry}"), producers.index(f"AUS_{industry}")
            flows = mrio.intermediate_flows
            assert flows[i, j] == pytest.approx(total(whole, [f"AUS_{industry}"]), rel=1e-12)
            assert flows[j, i] == pytest.approx(total([f"AUS_{industry}"], whole), rel=1e-12)
            assert flows[i, i] == pytest.approx(total(whole, whole), rel=1e-12)
            assert mrio.final_demand[i, 0] == pytest.approx(total(whole, [households]), rel=1e-12)
            stressor = value_added.stressors[-1]
            assert value_added.from_producers[-1, i] == pytest.approx(
                total([stressor], whole), rel=1e-12
            )


@pytest.mark.parametrize("cut", ["in a line", "after a line"])
def test_a_truncated_table_is_reported(tmp_path, cut):
    text = (FIXTURES / "ICIO2018_2015.CSV").read_bytes()
    end = len(text) * 3 // 5
    if cut == "after a line":
        end = text.rindex(b"\n", 0, end) + 1
    (tmp_path / "ICIO2018_2015.CSV").write_bytes(text[:end])
    with pytest.raises(MrioFileError, match=r"ICIO2018_2015.CSV.*truncated.*Download it again"):
        read_mrio(tmp_path / "ICIO2018_2015.CSV")


def test_a_missing_row_label_is_named(tmp_path):
    lines = (FIXTURES / "ICIO2021_2018.csv").read_text().splitlines(keepends=True)
    assert lines[2].startswith("AUS_05T06,")
    lines[2] = lines[2][len("AUS_05T06") :]
    (tmp_path / "ICIO2021_2018.csv").write_text("".join(lines))
    with pytest.raises(
        LabelMismatchError,
        match=r"ICIO2021_2018.csv do not name the same producers as its columns \(in the "
        r"header but no row: 'AUS_05T06'; a row but not in the header: ''\)",
    ):
        read_mrio(tmp_path)


def test_two_years_need_a_choice(tmp_path):
    for year in (2017, 2018):
        shutil.copy(FIXTURES / "ICIO2021_2018.csv", tmp_path / f"ICIO2021_{year}.csv")
    with pytest.raises(
        MrioFileError,
        match=r"holds several years, releases or price bases of OECD ICIO tables: 2017 "
        r"\(ICIO2021_2017.csv\), 2018 \(ICIO2021_2018.csv\)\. Pick the table to use: "
        r"choose it\.",
    ):
        read_mrio(tmp_path)
    bundle = tmp_path / "ICIO_2015-2018.zip"  # the 2021 edition zips five years together
    with zipfile.ZipFile(bundle, "w") as zipped:
        for year in (2017, 2018):
            zipped.write(tmp_path / f"ICIO2021_{year}.csv", f"ICIO2021_{year}.csv")
    with pytest.raises(MrioFileError, match=r"extract that year's CSV from its \.zip"):
        read_mrio(bundle)
    chosen = read_mrio(tmp_path / "ICIO2021_2017.csv")
    assert chosen.name == "OECD-ICIO ICIO2021_2017"
    assert chosen.intermediate_flows.shape == (16, 16)
