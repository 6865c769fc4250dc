"""The plain CSV layout for hand-built MRIOs, and the emission inventory CSV."""

import re

import numpy as np
import pytest

from footprint_plugin.engine import files
from footprint_plugin.engine.errors import LabelMismatchError, MrioFileError, MrioWarning
from footprint_plugin.engine.mrio.attribution import attribute_emissions, driven_shares
from footprint_plugin.engine.mrio.csv_format import read_csv_mrio, read_emissions_csv
from footprint_plugin.engine.mrio.results import unattributed_table
from footprint_plugin.engine.mrio.stressors import select_stressor, stressor_names

FILES = {
    "producers.csv": """region,sector,total_output
CN-BJ,steel,20
CN-BJ,power,12
US,steel,30
""",
    "flows.csv": """from_region,from_sector,to_region,to_sector,value
CN-BJ,power,CN-BJ,steel,4
CN-BJ,steel,US,steel,3
US,steel,CN-BJ,steel,2
CN-BJ,power,CN-BJ,steel,1
""",
    "final_demand.csv": """ from_region , from_sector ,to_region,category,value
CN-BJ,steel,CN-BJ,households,9
CN-BJ,steel,US,households,8
CN-BJ,power,CN-BJ,households,7
US,steel,US,households,20
US,steel,US,investment,8
""",
    "stressors.csv": """extension,stressor,unit,region,sector,value
emissions,CO2,kt,CN-BJ,steel,10
emissions,CO2,kt,CN-BJ,power,30
emissions,CO2,kt,US,steel,5
""",
    "final_demand_stressors.csv": """extension,stressor,unit,region,category,value
emissions,CO2,kt,US,households,2
emissions,CH4,t,CN-BJ,households,1
""",
}


def write(folder, files):
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_reads_a_hand_built_mrio(tmp_path):
    mrio = read_csv_mrio(write(tmp_path, FILES))
    assert list(mrio.producers) == [("CN-BJ", "steel"), ("CN-BJ", "power"), ("US", "steel")]
    assert list(mrio.final_demand_labels) == [
        ("CN-BJ", "households"),
        ("US", "households"),
        ("US", "investment"),
    ]
    np.testing.assert_array_equal(mrio.intermediate_flows, [[0, 0, 3], [5, 0, 0], [2, 0, 0]])
    np.testing.assert_array_equal(mrio.total_output, [20, 12, 30])
    assert mrio.warnings == ()
    co2 = select_stressor(mrio, "emissions/CO2")
    assert co2.unit == "kt"
    np.testing.assert_array_equal(co2.from_producers, [10, 30, 5])
    np.testing.assert_array_equal(co2.from_final_demand, [0, 2, 0])
    ch4 = select_stressor(mrio, "emissions/CH4")
    assert ch4.unit == "t" and ch4.from_producers.tolist() == [0, 0, 0]


def test_optional_files_may_be_left_out(tmp_path):
    files = {name: text for name, text in FILES.items() if "stressors" not in name}
    files["producers.csv"] = "region,sector\nCN-BJ,steel\nCN-BJ,power\nUS,steel\n"
    mrio = read_csv_mrio(write(tmp_path, files))
    assert mrio.extensions == {}


def test_a_given_total_output_that_disagrees_warns(tmp_path):
    files = dict(FILES, **{"producers.csv": FILES["producers.csv"].replace("30", "31")})
    with pytest.warns(MrioWarning, match="largest difference 1 = 0.0323 relative, at 'US/steel'"):
        read_csv_mrio(write(tmp_path, files))


def test_missing_file_and_column_are_named(tmp_path):
    files = {name: text for name, text in FILES.items() if name != "flows.csv"}
    with pytest.raises(
        MrioFileError,
        match=r"flows.csv is missing. It needs the columns "
        r"from_region, from_sector, to_region, to_sector",
    ):
        read_csv_mrio(write(tmp_path, files))
    files["flows.csv"] = FILES["flows.csv"].replace("to_sector", "sector_to")
    with pytest.raises(
        MrioFileError,
        match="lacks the column\\(s\\) to_sector; it has "
        "from_region, from_sector, to_region, sector_to",
    ):
        read_csv_mrio(write(tmp_path, files))


def test_unknown_producer_in_flows_is_named(tmp_path):
    files = dict(FILES, **{"flows.csv": FILES["flows.csv"] + "CN-SH,steel,US,steel,1\n"})
    with pytest.raises(
        LabelMismatchError,
        match=r"flows.csv: 1 row\(s\) name pairs "
        r"\(from_region, from_sector\) that the MRIO "
        r"does not have: 'CN-SH/steel'",
    ):
        read_csv_mrio(write(tmp_path, files))


def test_text_instead_of_a_number_is_named(tmp_path):
    files = dict(FILES, **{"final_demand.csv": FILES["final_demand.csv"].replace("20", "2O")})
    with pytest.raises(
        MrioFileError,
        match=r"final_demand.csv: column 'value' holds text that "
        r"is not a number on line\(s\) 5 \(e.g. '2O'\)",
    ):
        read_csv_mrio(write(tmp_path, files))


def test_conflicting_units_are_refused(tmp_path):
    files = dict(FILES, **{"stressors.csv": FILES["stressors.csv"].replace("kt,US", "t,US")})
    with pytest.raises(MrioFileError, match="'emissions/CO2' have several units"):
        read_csv_mrio(write(tmp_path, files))


def test_emissions_inventory_is_aligned_to_producers(tmp_path):
    mrio = read_csv_mrio(write(tmp_path, FILES))
    inventory = tmp_path / "inventory.csv"
    inventory.write_text(
        "Region,Sector,Emissions\nUS,steel,4\nCN-BJ,steel,1\nCN-BJ,steel,2\nCN-BJ,power,\n"
    )
    emissions = read_emissions_csv(inventory, mrio.producers)
    np.testing.assert_array_equal(emissions[[0, 2]], [3.0, 4.0])
    assert np.isnan(emissions[1])
    result = attribute_emissions(driven_shares(mrio), emissions)
    table = unattributed_table(result)
    assert table[["producing_region", "producing_sector"]].values.tolist() == [["CN-BJ", "power"]]
    assert table["reason"].iloc[0].startswith("non-finite emissions")


def test_emissions_inventory_with_unknown_producers_lists_some(tmp_path):
    mrio = read_csv_mrio(write(tmp_path, FILES))
    inventory = tmp_path / "inventory.csv"
    inventory.write_text(
        "region,sector,emissions\n" + "".join(f"XX,s{i},1\n" for i in range(8)) + "US,steel,1\n"
    )
    with pytest.raises(
        LabelMismatchError,
        match=r"inventory.csv: 8 row\(s\) name pairs \(region, sector\) that the "
        r"MRIO does not have: 'XX/s0', 'XX/s1', 'XX/s2', 'XX/s3', 'XX/s4', "
        r"\.\.\. \(8 in total\). Known pairs are for example 'CN-BJ/steel'",
    ):
        read_emissions_csv(inventory, mrio.producers)


@pytest.mark.parametrize(
    ("file_name", "old", "new", "error", "fragment"),
    [
        (
            "flows.csv",
            "US,steel,CN-BJ,steel,2",
            "US,steel,CN-SH,steel,2",
            LabelMismatchError,
            r"\(to_region, to_sector\)",
        ),
        (
            "flows.csv",
            "US,steel,CN-BJ,steel,2",
            "US,steel,CN-BJ,steel,two",
            MrioFileError,
            "column 'value'",
        ),
        (
            "final_demand.csv",
            "US,steel,US,investment",
            "US,iron,US,investment",
            LabelMismatchError,
            r"\(from_region, from_sector\)",
        ),
        ("producers.csv", "US,steel,30", "US,steel,thirty", MrioFileError, "column 'total_output'"),
        ("stressors.csv", "kt,US,steel", "kt,US,iron", LabelMismatchError, r"\(region, sector\)"),
        ("stressors.csv", "kt,US,steel,5", "kt,US,steel,five", MrioFileError, "column 'value'"),
        (
            "final_demand_stressors.csv",
            "US,households",
            "US,exports",
            LabelMismatchError,
            r"\(region, category\)",
        ),
        (
            "final_demand_stressors.csv",
            "households,2",
            "households,2 kt",
            MrioFileError,
            "column 'value'",
        ),
    ],
)
def test_a_defect_names_the_file_it_is_in(tmp_path, file_name, old, new, error, fragment):
    """Each file's labels and numbers are checked, and the message names the file at fault,
    so that the user knows which of the five files to open."""
    files = dict(FILES, **{file_name: FILES[file_name].replace(old, new)})
    assert files[file_name] != FILES[file_name]
    with pytest.raises(error, match=f"(^|/){re.escape(file_name)}: .*{fragment}"):
        read_csv_mrio(write(tmp_path, files))


def test_the_monetary_unit_and_the_name_are_kept(tmp_path):
    """producers.csv's unit column is the MRIO's unit (each distinct unit once, in file order),
    none without the column; the folder's name is the MRIO's name."""
    folder = tmp_path / "hand_built"
    folder.mkdir()
    mrio = read_csv_mrio(write(folder, FILES))
    assert (mrio.unit, mrio.name) == ("", "hand_built")
    producers = "region,sector,Unit\nCN-BJ,steel,M EUR\nCN-BJ,power,M USD\nUS,steel,M EUR\n"
    mrio = read_csv_mrio(write(folder, dict(FILES, **{"producers.csv": producers})))
    assert mrio.unit == "M EUR, M USD"


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path):
    """Excel's "CSV UTF-8" starts the file with a byte order mark; the first column's name
    must still be found."""
    write(tmp_path, FILES)
    (tmp_path / "producers.csv").write_text(FILES["producers.csv"], encoding="utf-8-sig")
    assert (tmp_path / "producers.csv").read_bytes().startswith(b"\xef\xbb\xbfregion")
    mrio = read_csv_mrio(tmp_path)
    assert mrio.producers[0] == ("CN-BJ", "steel")


def test_nan_written_out_is_a_missing_number_like_an_empty_cell(tmp_path):
    """numpy and pandas write a missing number as nan or NaN; it is read as NaN, like an empty
    cell, not refused as text."""
    mrio = read_csv_mrio(write(tmp_path, FILES))
    inventory = tmp_path / "inventory.csv"
    inventory.write_text("region,sector,emissions\nCN-BJ,steel,nan\nCN-BJ,power,NaN\nUS,steel,1\n")
    emissions = read_emissions_csv(inventory, mrio.producers)
    assert np.isnan(emissions[:2]).all() and emissions[2] == 1.0


def test_producers_missing_from_the_inventory_get_zero(tmp_path):
    """The inventory covers only some producers: the others, the last one included, get 0."""
    mrio = read_csv_mrio(write(tmp_path, FILES))
    inventory = tmp_path / "inventory.csv"
    inventory.write_text("region,sector,emissions\nCN-BJ,steel,7\n")
    assert read_emissions_csv(inventory, mrio.producers).tolist() == [7.0, 0.0, 0.0]


def test_extensions_and_their_direct_emissions_are_kept_apart(tmp_path):
    """Extensions and stressors keep their order of first appearance (the choice list's
    order); an extension with rows only in final_demand_stressors.csv keeps its direct
    emissions, and one without such rows has no F_Y (None, as for pymrio without F_Y)."""
    files = dict(
        FILES,
        **{
            "stressors.csv": "extension,stressor,unit,region,sector,value\n"
            "water,blue,m3,US,steel,4\nwater,green,m3,CN-BJ,power,6\n",
            "final_demand_stressors.csv": "extension,stressor,unit,region,category,value\n"
            "heat,CO2,kt,US,investment,3\nheat,CO2,kt,CN-BJ,households,1\n",
        },
    )
    mrio = read_csv_mrio(write(tmp_path, files))
    assert stressor_names(mrio) == ["water/blue", "water/green", "heat/CO2"]
    water, heat = mrio.extensions["water"], mrio.extensions["heat"]
    assert water.from_final_demand is None
    np.testing.assert_array_equal(water.from_producers, [[0, 0, 4], [0, 6, 0]])
    np.testing.assert_array_equal(heat.from_producers, [[0, 0, 0]])
    np.testing.assert_array_equal(heat.from_final_demand, [[1, 0, 3]])
    assert water.stressors.name == heat.stressors.name == "stressor"  # as pymrio's F rows


def test_text_in_the_inventory_names_the_inventory(tmp_path):
    """A value that is not a number is refused, naming the inventory file and its line."""
    mrio = read_csv_mrio(write(tmp_path, FILES))
    inventory = tmp_path / "inventory.csv"
    inventory.write_text("region,sector,emissions\nUS,steel,1\nCN-BJ,steel,1.5 kt\n")
    with pytest.raises(MrioFileError, match=r"(^|/)inventory\.csv: column 'emissions'.* 3\b"):
        read_emissions_csv(inventory, mrio.producers)


def test_files_are_read_as_utf8_whatever_the_locale(tmp_path, monkeypatch):
    """On Windows the locale's encoding is cp1252: a UTF-8 file with non-ASCII labels must still
    read as UTF-8 there. ``open`` is given that locale's default to simulate such a machine."""
    real_open = open

    def cp1252_locale_open(file, mode="r", *args, encoding=None, **kwargs):
        return real_open(file, mode, *args, encoding=encoding or "cp1252", **kwargs)

    monkeypatch.setattr(files, "open", cp1252_locale_open, raising=False)
    write(tmp_path, {name: text.replace("US", "Zürich") for name, text in FILES.items()})
    mrio = read_csv_mrio(tmp_path)
    assert mrio.producers[2] == ("Zürich", "steel")
