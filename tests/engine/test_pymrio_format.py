"""Reading pymrio's text format: its own test MRIO, zip archives, and the layout's corners."""

import json
import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from footprint_plugin.engine.errors import (
    LabelMismatchError,
    MrioFileError,
    MrioWarning,
    UnknownNameError,
)
from footprint_plugin.engine.mrio.pymrio_format import (
    ExtensionTables,
    mrio_from_frames,
    read_pymrio,
)
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


def test_final_demand_coefficients_and_units_of_an_mrio_saved_as_a(tmp_path):
    """pymrio after reset_to_coefficients saves A, x, S and S_Y: the direct emissions are
    F_Y = S_Y·diag(Y's column sums), and unit.txt still gives the monetary unit(s)."""
    flows, demand, emissions = tiny_tables()
    output = flows.sum(axis=1) + demand.sum(axis=1)
    direct = pd.DataFrame(
        [[2.0, 6.0], [0.0, 1.0], [3.0, 0.0]], index=emissions.index, columns=demand.columns
    )
    column_totals = np.array([8.0, 6.5])  # Y's column sums: 4 + 3 + 1 and 1 + 0.5 + 5
    save_like_pymrio(
        tmp_path,
        {
            "A": flows / output.to_numpy()[None, :],
            "Y": demand,
            "x": output.to_frame("indout"),
            "unit": pd.DataFrame({"unit": ["M EUR", "M EUR", "M USD"]}, index=flows.index),
        },
    )
    save_like_pymrio(
        tmp_path / "emissions",
        {"S": emissions / output.to_numpy()[None, :], "S_Y": direct / column_totals[None, :]},
        "Extension",
        "Emissions",
    )
    mrio = read_pymrio(tmp_path)
    assert mrio.unit == "M EUR, M USD"
    np.testing.assert_allclose(
        mrio.extensions["emissions"].from_final_demand, direct.to_numpy(), rtol=1e-11
    )


def test_no_unit_or_name_is_empty(tmp_path):
    """Without unit.txt the MRIO has no unit; without metadata.json, without a name in it, or
    with a broken one, it has no name (the name is only shown, so a broken file is no error)."""
    flows, demand, _ = tiny_tables()
    save_like_pymrio(tmp_path, {"Z": flows, "Y": demand})
    assert (read_pymrio(tmp_path).unit, read_pymrio(tmp_path).name) == ("", "")
    for metadata in ('{"version": "1"}', '{"name": '):
        (tmp_path / "metadata.json").write_text(metadata)
        assert read_pymrio(tmp_path).name == ""
    (tmp_path / "metadata.json").write_text('{"name": "tiny"}')
    assert read_pymrio(tmp_path).name == "tiny"


def test_frames_without_a_unit_or_name_give_none():
    """mrio_from_frames (for notebooks) leaves the unit and the name empty unless given."""
    flows, demand, _ = tiny_tables()
    mrio = mrio_from_frames(final_demand=demand, intermediate_flows=flows)
    assert (mrio.unit, mrio.name) == ("", "")


def test_tables_in_another_order_are_lined_up_by_label(tmp_path):
    """Y's rows, F's columns and F_Y's rows and columns may come in any order: each value
    goes to the producer, final-demand column and stressor its labels name."""
    flows, demand, emissions = tiny_tables()
    direct = pd.DataFrame(
        [[2.0, 6.0], [0.0, 1.0], [3.0, 0.0]], index=emissions.index, columns=demand.columns
    )
    save_like_pymrio(tmp_path, {"Z": flows, "Y": demand.iloc[::-1]})
    save_like_pymrio(
        tmp_path / "emissions",
        {"F": emissions.iloc[:, [2, 0, 1]], "F_Y": direct.iloc[[1, 2, 0], ::-1]},
        "Extension",
        "Emissions",
    )
    mrio = read_pymrio(tmp_path)
    np.testing.assert_array_equal(mrio.final_demand, demand.to_numpy())
    extension = mrio.extensions["emissions"]
    np.testing.assert_array_equal(extension.from_producers, emissions.to_numpy())
    np.testing.assert_array_equal(extension.from_final_demand, direct.to_numpy())


def test_stressor_label_names_of_frames_are_kept():
    """Frames taken from a pymrio IOSystem keep their stressors' level names ('stressor',
    'compartment'), with one level or two."""
    flows, demand, emissions = tiny_tables()
    single = emissions.droplevel("compartment").iloc[[0, 2]]
    mrio = mrio_from_frames(
        final_demand=demand,
        intermediate_flows=flows,
        extensions={"emissions": ExtensionTables(F=emissions), "gases": ExtensionTables(F=single)},
    )
    assert list(mrio.extensions["emissions"].stressors.names) == ["stressor", "compartment"]
    assert mrio.extensions["gases"].stressors.name == "stressor"


@pytest.mark.parametrize("with_output", [True, False])
def test_an_extension_that_cannot_give_f_is_refused(tmp_path, with_output):
    """F comes from F, or from S and x: an extension with neither (x or not), or with S but
    no x, is refused with a message, not a traceback."""
    flows, demand, emissions = tiny_tables()
    tables = {"Z": flows, "Y": demand}
    if with_output:
        tables["x"] = (flows.sum(axis=1) + demand.sum(axis=1)).to_frame("indout")
    save_like_pymrio(tmp_path, tables)
    save_like_pymrio(tmp_path / "emissions", {"M": emissions}, "Extension", "Emissions")
    with pytest.raises(MrioFileError, match="extension 'emissions' has no F"):
        read_pymrio(tmp_path)
    save_like_pymrio(tmp_path / "emissions", {"S": emissions}, "Extension", "Emissions")
    if not with_output:
        with pytest.raises(MrioFileError, match="extension 'emissions' has no F"):
            read_pymrio(tmp_path)


def test_an_empty_cell_is_a_missing_number(tmp_path):
    """pandas writes NaN as an empty cell: F reads it back as NaN (reported as unattributed
    later), not as text."""
    flows, demand, emissions = tiny_tables()
    emissions.iloc[1, 2] = np.nan
    save_like_pymrio(tmp_path, {"Z": flows, "Y": demand})
    save_like_pymrio(tmp_path / "emissions", {"F": emissions}, "Extension", "Emissions")
    assert "\t\n" in (tmp_path / "emissions" / "F.txt").read_text()
    from_producers = read_pymrio(tmp_path).extensions["emissions"].from_producers
    assert np.isnan(from_producers[1, 2])
    assert np.isfinite(np.delete(from_producers.ravel(), 5)).all()


def test_folders_that_are_not_extensions_are_ignored(tmp_path):
    """Other folders next to the MRIO's files (notes, results) are not extensions."""
    flows, demand, emissions = tiny_tables()
    save_like_pymrio(tmp_path, {"Z": flows, "Y": demand})
    save_like_pymrio(tmp_path / "emissions", {"F": emissions}, "Extension", "Emissions")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("made by hand")
    assert list(read_pymrio(tmp_path).extensions) == ["emissions"]


def test_a_repeated_stressor_out_of_order_is_refused_as_such(tmp_path):
    """F_Y must list F's stressors; a repeated one it cannot line up is named as repeated."""
    flows, demand, emissions = tiny_tables()
    repeated = emissions.droplevel("compartment")  # CO2, CO2, CH4
    direct = pd.DataFrame(1.0, index=repeated.index[[0, 2, 1]], columns=demand.columns)
    save_like_pymrio(tmp_path, {"Z": flows, "Y": demand})
    save_like_pymrio(
        tmp_path / "emissions", {"F": repeated, "F_Y": direct}, "Extension", "Emissions"
    )
    with pytest.raises(LabelMismatchError, match=r"rows of F_Y .*repeated: 'CO2'"):
        read_pymrio(tmp_path)


def test_single_level_stressors_are_plain_labels(tmp_path):
    """A stressor table with one label column gives plain labels, not one-element tuples."""
    flows, demand, emissions = tiny_tables()
    save_like_pymrio(tmp_path, {"Z": flows, "Y": demand})
    single = emissions.droplevel("compartment").iloc[[0, 2]]
    save_like_pymrio(tmp_path / "gases", {"F": single}, "Extension", "Gases")
    assert list(read_pymrio(tmp_path).extensions["gases"].stressors) == ["CO2", "CH4"]


def test_a_validation_error_names_the_mrio(tmp_path):
    """An MRIO that reads but does not validate is named, so that the user knows which."""
    flows, demand, _ = tiny_tables()
    save_like_pymrio(tmp_path, {"Z": flows, "Y": demand.iloc[:2]})
    with pytest.raises(LabelMismatchError, match=f"^{re.escape(str(tmp_path))}: .*rows of Y"):
        read_pymrio(tmp_path)


def test_final_demand_emissions_under_their_older_name_f_hh_are_read(tmp_path):
    """EXIOBASE 3.8.1 and earlier name F_Y F_hh: its household emissions are the direct
    emissions of final demand, not dropped; where both are listed, F_Y is the one read."""
    flows, demand, emissions = tiny_tables()
    direct = pd.DataFrame(
        [[2.0, 6.0], [0.0, 1.0], [3.0, 0.0]], index=emissions.index, columns=demand.columns
    )
    save_like_pymrio(tmp_path, {"Z": flows, "Y": demand})
    folder = tmp_path / "satellite"
    save_like_pymrio(folder, {"F": emissions, "F_hh": direct}, "Extension", "satellite")
    extension = read_pymrio(tmp_path).extensions["satellite"]
    np.testing.assert_array_equal(extension.from_final_demand, direct.to_numpy())

    save_like_pymrio(folder, {"F": emissions, "F_hh": 2 * direct, "F_Y": direct}, "Extension")
    extension = read_pymrio(tmp_path).extensions["satellite"]
    np.testing.assert_array_equal(extension.from_final_demand, direct.to_numpy())


def test_a_unit_column_listed_as_an_index_column_is_the_unit(tmp_path):
    """EXIOBASE 3.4's file_parameters.json lists both columns of a satellite's unit.txt
    (stressor, unit) as index columns: the last one is still read as the unit."""
    flows, demand, emissions = tiny_tables()
    single = emissions.droplevel("compartment").iloc[[0, 2]]
    save_like_pymrio(tmp_path, {"Z": flows, "Y": demand})
    folder = tmp_path / "satellite"
    units = pd.DataFrame({"unit": ["kg", "t"]}, index=pd.Index(single.index, name="stressor"))
    save_like_pymrio(folder, {"F": single, "unit": units}, "Extension", "satellite")
    parameters = json.loads((folder / "file_parameters.json").read_text())
    parameters["files"]["unit"]["nr_index_col"] = "2"
    (folder / "file_parameters.json").write_text(json.dumps(parameters))
    extension = read_pymrio(tmp_path).extensions["satellite"]
    assert list(extension.units) == ["kg", "t"]


@pytest.mark.parametrize("sector", ['Machines "heavy"', "Machines\theavy"])
def test_quoted_labels_are_read_as_pandas_reads_them(tmp_path, sector):
    """to_csv quotes a label holding a quote or a tab: Z is read in one pass with its row
    labels unquoted, or (a tab in a label) by pandas; the labels are the same either way."""
    flows, demand, _ = tiny_tables()
    relabelled = {"01": sector}
    save_like_pymrio(
        tmp_path,
        {
            "Z": flows.rename(index=relabelled, columns=relabelled),
            "Y": demand.rename(index=relabelled),
        },
    )
    assert '"Machines' in (tmp_path / "Z.txt").read_text()
    mrio = read_pymrio(tmp_path)
    assert [label for _, label in mrio.producers] == [sector, "02", sector]
    np.testing.assert_array_equal(mrio.intermediate_flows, flows.to_numpy())


def test_a_z_cut_after_a_row_is_truncated(tmp_path):
    """Z is square: a Z.txt ending after a complete row lacks rows, and says so."""
    flows, demand, _ = tiny_tables()
    save_like_pymrio(tmp_path, {"Z": flows, "Y": demand})
    lines = (tmp_path / "Z.txt").read_text().splitlines(keepends=True)
    (tmp_path / "Z.txt").write_text("".join(lines[:-1]))
    with pytest.raises(
        MrioFileError,
        match=r"Z.txt ends after 2 rows of numbers, but 3 rows x 3 columns \(a square table: "
        r"a row for each column of its header\) are expected: the file is truncated",
    ):
        read_pymrio(tmp_path)
