"""The plain CSV layout for hand-built MRIOs, and the emission inventory CSV."""

import numpy as np
import pytest

from footprint_plugin.engine.errors import LabelMismatchError, MrioFileError, MrioWarning
from footprint_plugin.engine.mrio.attribution import attribute_emissions, driven_shares
from footprint_plugin.engine.mrio.csv_format import read_csv_mrio, read_emissions_csv
from footprint_plugin.engine.mrio.results import unattributed_table
from footprint_plugin.engine.mrio.stressors import select_stressor

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
