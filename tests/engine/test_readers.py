"""read_mrio: one entry point that picks the layout from what the path points to."""

import shutil
import zipfile
from pathlib import Path

import pytest

from footprint_plugin.engine.errors import MrioFileError
from footprint_plugin.engine.mrio.readers import read_mrio

TEST_MRIO = Path(__file__).resolve().parents[2] / "tests" / "data" / "test_mrio"
CSV_MRIO = {
    "producers.csv": "region,sector\nA,farm\nB,farm\n",
    "flows.csv": "from_region,from_sector,to_region,to_sector,value\nA,farm,B,farm,1\n",
    "final_demand.csv": "from_region,from_sector,to_region,category,value\n"
    "A,farm,A,households,3\nB,farm,B,households,4\n",
}


@pytest.mark.parametrize("chosen", ["", "file_parameters.json", "Z.txt"])
def test_pymrio_folder_or_a_file_in_it(chosen):
    assert read_mrio(TEST_MRIO / chosen).final_demand.shape == (48, 42)


def test_pymrio_zip(tmp_path):
    archive = tmp_path / "mrio.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in TEST_MRIO.rglob("*"):
            zipped.write(file, file.relative_to(TEST_MRIO))
    assert read_mrio(archive).intermediate_flows.shape == (48, 48)


@pytest.mark.parametrize("chosen", ["", "producers.csv"])
def test_csv_folder_or_its_producers_file(tmp_path, chosen):
    for name, text in CSV_MRIO.items():
        (tmp_path / name).write_text(text)
    assert read_mrio(tmp_path / chosen).total_output.tolist() == [4.0, 4.0]


def test_a_folder_in_neither_layout_is_explained(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(
        MrioFileError,
        match=r"is not an MRIO this plugin reads: its files match none of the layouts: .*"
        r"file_parameters.json.*producers.csv",
    ):
        read_mrio(tmp_path / "notes.txt")
    with pytest.raises(MrioFileError, match="does not exist"):
        read_mrio(tmp_path / "missing.zip")


def test_an_extensions_parameter_file_points_to_the_folder_above(tmp_path):
    shutil.copytree(TEST_MRIO, tmp_path / "mrio")
    with pytest.raises(
        MrioFileError,
        match=r"belongs to the extension 'Emissions', not to an "
        r"MRIO. Choose the folder above it",
    ):
        read_mrio(tmp_path / "mrio" / "emissions" / "file_parameters.json")


def test_two_layouts_in_one_folder_are_refused_unless_one_s_file_is_chosen(tmp_path):
    for file in TEST_MRIO.rglob("*"):
        target = tmp_path / file.relative_to(TEST_MRIO)
        target.parent.mkdir(parents=True, exist_ok=True)
        if file.is_file():
            target.write_bytes(file.read_bytes())
    for name, text in CSV_MRIO.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(
        MrioFileError, match=r"holds the files of several MRIO layouts: pymrio.*CSV"
    ):
        read_mrio(tmp_path)
    assert read_mrio(tmp_path / "producers.csv").total_output.tolist() == [4.0, 4.0]
    assert read_mrio(tmp_path / "file_parameters.json").intermediate_flows.shape == (48, 48)


def test_a_layout_can_be_forced_and_an_unknown_one_is_named(tmp_path):
    for name, text in CSV_MRIO.items():
        (tmp_path / name).write_text(text)
    assert read_mrio(tmp_path, layout="csv").total_output.tolist() == [4.0, 4.0]
    with pytest.raises(MrioFileError, match=r"file_parameters\.json is missing"):
        read_mrio(tmp_path, layout="pymrio")
    with pytest.raises(MrioFileError, match=r"'exio' is not an MRIO layout .* use one of pymrio"):
        read_mrio(tmp_path, layout="exio")
