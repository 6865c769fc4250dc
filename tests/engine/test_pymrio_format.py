"""Reading pymrio's text format: its own test MRIO, zip archives, and the layout's corners."""

import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from footprint_plugin.engine.errors import MrioFileError, MrioWarning, UnknownNameError
from footprint_plugin.engine.mrio.pymrio_format import read_pymrio
from footprint_plugin.engine.mrio.stressors import select_stressor, stressor_names

TEST_MRIO = Path(__file__).resolve().parents[2] / "tests" / "data" / "test_mrio"


def save_like_pymrio(folder, tables, systemtype="IOSystem", name=None):
    """Write DataFrames the way pymrio's ``save`` does (tab-separated, file_parameters.json)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for key, table in tables.items():
        table.to_csv(folder / f"{key}.txt", sep="\t", float_format="%.12g")
        files[key] = {
            "name": f"{key}.txt",
            "nr_index_col": str(table.index.nlevels),
            "nr_header": str(table.columns.nlevels),
        }
    parameters = {"files": files, "systemtype": systemtype}
    if name:
        parameters["name"] = name
    (folder / "file_parameters.json").write_text(json.dumps(parameters))


def tiny_tables():
    """A two-region MRIO whose labels look like numbers and like NaN ('01', 'NA')."""
    producers = pd.MultiIndex.from_tuples(
        [("NA", "01"), ("NA", "02"), ("ZA", "01")], names=["region", "sector"]
    )
    columns = pd.MultiIndex.from_tuples([("NA", "hh"), ("ZA", "hh")], names=["region", "category"])
    flows = pd.DataFrame(
        [[1.0, 2.0, 0.5], [0.5, 1.0, 0.0], [1.0, 0.0, 2.0]], index=producers, columns=producers
    )
    demand = pd.DataFrame([[4.0, 1.0], [3.0, 0.5], [1.0, 5.0]], index=producers, columns=columns)
    stressors = pd.MultiIndex.from_tuples(
        [("CO2", "air"), ("CO2", "water"), ("CH4", "air")], names=["stressor", "compartment"]
    )
    emissions = pd.DataFrame(np.arange(9.0).reshape(3, 3) + 1, index=stressors, columns=producers)
    return flows, demand, emissions


def test_reads_pymrios_test_mrio():
    mrio = read_pymrio(TEST_MRIO)
    assert mrio.intermediate_flows.shape == (48, 48)
    assert mrio.final_demand.shape == (48, 42)
    assert mrio.producers[0] == ("reg1", "food")
    assert mrio.final_demand_labels[0] == ("reg1", "Final consumption expenditure by households")
    assert (mrio.name, mrio.unit, mrio.warnings) == ("testmrio", "Mill USD", ())
    assert stressor_names(mrio) == [
        "emissions/emission_type1/air",
        "emissions/emission_type2/water",
        "factor_inputs/Value Added",
    ]
    co2 = select_stressor(mrio, "emissions/emission_type1")
    assert co2.name == "emissions/emission_type1/air" and co2.unit == "kg"
    assert co2.from_final_demand.shape == (42,)
    assert select_stressor(mrio, "factor_inputs/Value Added").from_final_demand is None


def test_zip_archive_reads_like_the_folder(tmp_path):
    archive = tmp_path / "test_mrio.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in TEST_MRIO.rglob("*"):
            zipped.write(file, Path("test_mrio") / file.relative_to(TEST_MRIO))
    from_zip, from_folder = read_pymrio(archive), read_pymrio(TEST_MRIO)
    np.testing.assert_array_equal(from_zip.intermediate_flows, from_folder.intermediate_flows)
    np.testing.assert_array_equal(from_zip.final_demand, from_folder.final_demand)
    assert list(from_zip.extensions) == list(from_folder.extensions)
    for key, extension in from_folder.extensions.items():
        np.testing.assert_array_equal(
            from_zip.extensions[key].from_producers, extension.from_producers
        )


def test_zip_must_hold_exactly_one_mrio(tmp_path):
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for copy in ("one", "two"):
            zipped.write(TEST_MRIO / "file_parameters.json", f"{copy}/file_parameters.json")
    with pytest.raises(MrioFileError, match=r"holds 2 MRIO\(s\).*must hold exactly one"):
        read_pymrio(archive)


def test_labels_that_look_like_numbers_or_nan_stay_text(tmp_path):
    flows, demand, emissions = tiny_tables()
    save_like_pymrio(tmp_path, {"Z": flows, "Y": demand})
    save_like_pymrio(tmp_path / "emissions", {"F": emissions}, "Extension", "Emissions")
    mrio = read_pymrio(tmp_path)
    assert list(mrio.producers) == [("NA", "01"), ("NA", "02"), ("ZA", "01")]
    np.testing.assert_array_equal(mrio.intermediate_flows, flows.to_numpy())
    assert select_stressor(mrio, "emissions/CH4").from_producers.tolist() == [7.0, 8.0, 9.0]
    assert select_stressor(mrio, "emissions/CO2/water").unit == ""
    with pytest.raises(UnknownNameError, match="matches several stressors"):
        select_stressor(mrio, "emissions/CO2")


def test_coefficients_with_output_and_stressor_coefficients(tmp_path):
    """An MRIO saved as A, x and S (pymrio after reset_to_coefficients) reads like Z and F."""
    flows, demand, emissions = tiny_tables()
    output = flows.sum(axis=1) + demand.sum(axis=1)
    save_like_pymrio(
        tmp_path,
        {"A": flows / output.to_numpy()[None, :], "Y": demand, "x": output.to_frame("indout")},
    )
    save_like_pymrio(
        tmp_path / "emissions",
        {
            "S": emissions / output.to_numpy()[None, :],
            "unit": pd.DataFrame({"unit": ["kg"] * 3}, index=emissions.index),
        },
        "Extension",
        "Emissions",
    )
    mrio = read_pymrio(tmp_path)
    np.testing.assert_allclose(mrio.intermediate_flows, flows.to_numpy(), rtol=1e-11)
    np.testing.assert_allclose(
        mrio.extensions["emissions"].from_producers, emissions.to_numpy(), rtol=1e-11
    )
    assert mrio.extensions["emissions"].units == ("kg", "kg", "kg")


def test_x_file_that_disagrees_warns(tmp_path):
    flows, demand, _ = tiny_tables()
    output = (flows.sum(axis=1) + demand.sum(axis=1)) * 1.5
    save_like_pymrio(tmp_path, {"Z": flows, "Y": demand, "x": output.to_frame("indout")})
    with pytest.warns(MrioWarning, match="for 3 of 3 producers"):
        read_pymrio(tmp_path)


def test_text_in_a_number_cell_is_reported(tmp_path):
    flows, demand, _ = tiny_tables()
    save_like_pymrio(tmp_path, {"Z": flows.astype(object), "Y": demand})
    text = (tmp_path / "Z.txt").read_text().replace("0.5", "half", 1)
    (tmp_path / "Z.txt").write_text(text)
    with pytest.raises(MrioFileError, match=r"Z.txt holds text where numbers are expected"):
        read_pymrio(tmp_path)


def test_wrong_header_count_is_reported(tmp_path):
    shutil.copytree(TEST_MRIO, tmp_path / "mrio")
    parameters_file = tmp_path / "mrio" / "file_parameters.json"
    parameters = json.loads(parameters_file.read_text())
    parameters["files"]["Y"]["nr_index_col"] = "1"
    parameters_file.write_text(json.dumps(parameters))
    with pytest.raises(
        MrioFileError,
        match=r"Y.txt has empty or missing column labels in its "
        r"first 2 row\(s\). Check nr_index_col and nr_header",
    ):
        read_pymrio(tmp_path / "mrio")


def test_extension_without_f_or_s_is_reported(tmp_path):
    flows, demand, emissions = tiny_tables()
    save_like_pymrio(tmp_path, {"Z": flows, "Y": demand})
    save_like_pymrio(tmp_path / "emissions", {"M": emissions}, "Extension", "Emissions")
    with pytest.raises(MrioFileError, match="extension 'emissions' has no F"):
        read_pymrio(tmp_path)
