"""Eora26 as published: the year's zip, its extracted folder or its T file, against pymrio.

The fixture (tests/data/eora26, see its README) is a small Eora26 year: three countries, the
former USSR (all zero) and the ROW/TOTAL statistical discrepancy, which pymrio's parse_eora26
drops. pymrio runs in its own venv (tests/oracle/pymrio_oracle.py).
"""

import shutil
import zipfile

import numpy as np
import pytest

from footprint_plugin.engine.errors import MrioFileError, label_text
from footprint_plugin.engine.mrio.readers import read_mrio
from tests.oracle.compare import ROOT, compare_with_pymrio, run_oracle

FIXTURE = ROOT / "tests" / "data" / "eora26" / "Eora26_2015_bp"
STRESSORS = {
    "Q/Energy Usage/Natural Gas",
    "Q/Energy Usage/Coal",
    "Q/Total CO2 emissions from EDGAR/Total",
    "Q/Total CH4 emissions from EDGAR/Total",
    "VA/Primary Inputs/Compensation of employees D.1",
    "VA/Primary Inputs/Taxes on production D.29",
    "VA/Primary Inputs/Subsidies on production D.39",
    "VA/Primary Inputs/Net operating surplus B.2n",
    "VA/Primary Inputs/Net mixed income B.3n",
    "VA/Primary Inputs/Consumption of fixed capital K.1",
}


def pymrio_parse(path, tmp_path_factory):
    out = tmp_path_factory.mktemp("oracle") / "eora26.npz"
    run_oracle("parse", "eora26", path, out, "--year", 2015, "--price", "bp")
    return dict(np.load(out))


@pytest.fixture(scope="module")
def pymrio_folder(tmp_path_factory):
    """pymrio's accounts for the extracted folder."""
    return pymrio_parse(FIXTURE, tmp_path_factory)


def year_zip(folder, labels=True, price="bp"):
    """The fixture zipped as worldmrio.com publishes it (files at the root), in ``folder``."""
    archive = folder / f"Eora26_2015_{price}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for file in sorted(FIXTURE.iterdir()):
            if labels or not file.name.startswith("labels_"):
                zipped.write(file, file.name.replace("_bp_", f"_{price}_"))
    return archive


def matches_pymrio(mrio, oracle):
    """Footprints equal pymrio's (compare_with_pymrio), and the stressors are pymrio's."""
    worst = compare_with_pymrio(mrio, oracle)
    assert set(worst) == STRESSORS
    for key, extension in mrio.extensions.items():
        assert [label_text(s) for s in extension.stressors] == oracle[f"{key}__stressors"].tolist()


@pytest.mark.parametrize("chosen", ["", "Eora26_2015_bp_T.txt", "labels_T.txt"])
def test_extracted_folder_or_its_t_file_matches_pymrio(pymrio_folder, chosen):
    matches_pymrio(read_mrio(FIXTURE / chosen), pymrio_folder)


def test_the_zip_as_downloaded_matches_pymrio(tmp_path, tmp_path_factory):
    archive = year_zip(tmp_path)
    matches_pymrio(read_mrio(archive), pymrio_parse(archive, tmp_path_factory))


@pytest.mark.parametrize("labels_in", ["indices.zip", "the folder"])
def test_labels_beside_the_years_zip(tmp_path, pymrio_folder, labels_in):
    archive = year_zip(tmp_path, labels=False)
    labels = sorted(FIXTURE.glob("labels_*.txt"))
    if labels_in == "indices.zip":
        with zipfile.ZipFile(tmp_path / "indices.zip", "w") as indices:
            for file in labels:
                indices.write(file, file.name)
    else:
        for file in labels:
            shutil.copy(file, tmp_path)
    matches_pymrio(read_mrio(archive), pymrio_folder)
    matches_pymrio(read_mrio(tmp_path), pymrio_folder)


def test_a_zip_of_the_downloads_is_read_in_place(tmp_path, pymrio_folder):
    """The year's zip and indices.zip, zipped together (a folder of downloads sent on): the
    year's zip is read inside the outer one, its labels from the indices.zip beside it."""
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    year_zip(downloads, labels=False)
    with zipfile.ZipFile(downloads / "indices.zip", "w") as indices:
        for file in sorted(FIXTURE.glob("labels_*.txt")):
            indices.write(file, file.name)
    with zipfile.ZipFile(tmp_path / "eora26.zip", "w") as outer:
        for file in sorted(downloads.iterdir()):
            outer.write(file, f"eora26/{file.name}")
    matches_pymrio(read_mrio(tmp_path / "eora26.zip"), pymrio_folder)


def test_row_is_dropped_and_units_named_as_pymrio_does():
    mrio = read_mrio(FIXTURE)
    flows = np.loadtxt(FIXTURE / "Eora26_2015_bp_T.txt", delimiter="\t")
    demand = np.loadtxt(FIXTURE / "Eora26_2015_bp_FD.txt", delimiter="\t")
    assert mrio.producers.unique(level="region").tolist() == ["AUT", "BRA", "CHN", "USR"]
    assert mrio.final_demand_labels.unique(level="region").tolist() == ["AUT", "BRA", "CHN", "USR"]
    # the last row and column of T, and the last six columns of FD, are ROW's
    np.testing.assert_array_equal(mrio.intermediate_flows, flows[:-1, :-1])
    np.testing.assert_allclose(
        mrio.total_output, flows[:-1, :-1].sum(axis=1) + demand[:-1, :-6].sum(axis=1)
    )
    assert mrio.intermediate_flows.base.shape == (21, 21)  # a view of T as read, not a copy
    assert mrio.zero_output.sum() == 5  # the former USSR's five sectors
    assert mrio.unit == "000 USD" and mrio.extensions["VA"].units == ("000 USD",) * 6
    assert mrio.extensions["Q"].units == ("TJ", "TJ", "Gg", "Gg")
    assert mrio.extensions["Q"].from_final_demand.shape == (4, 24)
    assert mrio.extensions["VA"].from_final_demand is None


def copy_fixture(tmp_path, year=2015, price="bp"):
    folder = tmp_path / f"Eora26_{year}_{price}"
    folder.mkdir()
    for file in FIXTURE.iterdir():
        shutil.copy(file, folder / file.name.replace("_2015_bp_", f"_{year}_{price}_"))
    return folder


def test_a_truncated_t_file_is_reported(tmp_path):
    folder = copy_fixture(tmp_path)
    table = folder / "Eora26_2015_bp_T.txt"
    text = table.read_bytes()
    table.write_bytes(text[: len(text) // 2])
    with pytest.raises(
        MrioFileError, match=r"Eora26_2015_bp_T.txt ends in the middle of a row \(line 9\)"
    ):
        read_mrio(folder)


def test_labels_t_one_line_short_is_reported(tmp_path):
    """The message names the labels that set the width, so that a short labels_T.txt is not
    taken for a damaged T file."""
    folder = copy_fixture(tmp_path)
    labels = folder / "labels_T.txt"
    labels.write_text("".join(labels.read_text().splitlines(keepends=True)[1:]))
    with pytest.raises(
        MrioFileError,
        match=r"Eora26_2015_bp_T.txt, line 1, has 21 numbers where 20 are expected "
        r"\(labels_T.txt's 20 producers\)",
    ):
        read_mrio(folder)


def test_windows_line_ends_and_byte_order_marks_read_as_pymrio_reads_them(
    tmp_path, tmp_path_factory
):
    """Files saved on Windows (CRLF) by an editor that writes a UTF-8 byte-order mark: pandas,
    and so pymrio, skips the mark; so must the reader, in numbers and labels alike."""
    folder = copy_fixture(tmp_path)
    for file in folder.iterdir():
        file.write_bytes(b"\xef\xbb\xbf" + file.read_bytes().replace(b"\n", b"\r\n"))
    matches_pymrio(read_mrio(folder), pymrio_parse(folder, tmp_path_factory))


def test_several_years_in_a_folder_need_a_choice(tmp_path):
    copy_fixture(tmp_path, year=2014)
    copy_fixture(tmp_path, year=2015)
    with pytest.raises(
        MrioFileError,
        match=r"several years, releases or price bases of Eora26 tables: 2014 bp "
        r"\(Eora26_2014_bp/Eora26_2014_bp_T.txt\), 2015 bp .* Choose the "
        r"Eora26_<year>_<price>_T.txt file .*, or the year's \.zip",
    ):
        read_mrio(tmp_path)
    chosen = read_mrio(tmp_path / "Eora26_2014_bp" / "Eora26_2014_bp_T.txt")
    assert chosen.name == "Eora26 2014 bp"


def test_both_price_bases_in_a_folder_need_a_choice(tmp_path):
    year_zip(tmp_path, price="bp")
    year_zip(tmp_path, price="pp")
    with pytest.raises(
        MrioFileError,
        match=r"2015 bp \(Eora26_2015_bp_T.txt in Eora26_2015_bp.zip\), 2015 pp",
    ):
        read_mrio(tmp_path)
    assert read_mrio(tmp_path / "Eora26_2015_pp.zip").name == "Eora26 2015 pp"


def test_missing_labels_are_reported(tmp_path):
    folder = copy_fixture(tmp_path)
    (folder / "labels_Q.txt").unlink()
    with pytest.raises(
        MrioFileError,
        match=r"labels_Q.txt is missing \(looked for .*Eora26_2015_bp/labels_Q.txt\)\. .* in "
        r"indices.zip .*put the labels_\*.txt files, or indices.zip, beside Eora26_2015_bp_T.txt",
    ):
        read_mrio(folder)


def test_a_missing_table_is_reported(tmp_path):
    folder = copy_fixture(tmp_path)
    (folder / "Eora26_2015_bp_QY.txt").unlink()
    with pytest.raises(MrioFileError, match=r"Eora26_2015_bp_QY.txt is missing: .* QY and VA"):
        read_mrio(folder)
