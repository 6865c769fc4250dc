"""footprint:mrioaccounts run in-process through Processing.

Expected values never come from the engine: on pymrio's test MRIO they come from pymrio itself
(run by ``tests/oracle/pymrio_oracle.py`` in its own venv) and from the MRIO's text files read
with pandas; on a tiny hand-made MRIO they are computed by hand (see ``hand_mrio``).
"""

import hashlib
import re
import shutil

import numpy as np
import pandas as pd
import pytest
from qgis.core import QgsProcessingException, QgsVectorLayer

from footprint_plugin.algorithms.base import MRIO_FORMATS
from footprint_plugin.engine.mrio.readers import layout_names
from tests.algorithms.map_cases import table, write_tiny_mrio
from tests.conftest import TEST_DATA
from tests.oracle.compare import run_oracle

TEST_MRIO = TEST_DATA / "test_mrio"
STRESSOR = "emissions/emission_type1"
DOMESTIC_PYMRIO = ("reg1", "reg2")


def run(processing, **parameters):
    defaults = {"MRIO": str(TEST_MRIO), "OUTPUT": "TEMPORARY_OUTPUT", "SUMMARY": "TEMPORARY_OUTPUT"}
    return processing.run("footprint:mrioaccounts", {**defaults, **parameters})


def folder_digest(folder):
    """A digest of every file's path and bytes, to show the MRIO is left untouched."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def pymrio_accounts(tmp_path_factory):
    """pymrio's accounts of emission_type1 on its test MRIO, and F_Y read from its text file.

    ``matrix``: producer x final-demand column (diag(S)·L·Y); ``cba``: footprint per consumer
    region with F_Y, ``direct_by_region``: F_Y per consumer region, ``direct``: F_Y per
    final-demand column (pandas on emissions/F_Y.txt).
    """
    out = tmp_path_factory.mktemp("oracle") / "test_mrio.npz"
    run_oracle("compute", TEST_MRIO, out)
    oracle = dict(np.load(out))
    row = oracle["emissions__stressors"].tolist().index("emission_type1/air")
    columns = pd.MultiIndex.from_tuples(
        [tuple(label.split("/", 1)) for label in oracle["final_demand_labels"]],
        names=["region", "category"],
    )
    producers = pd.MultiIndex.from_tuples(
        [tuple(label.split("/", 1)) for label in oracle["producers"]], names=["region", "sector"]
    )
    direct = pd.read_csv(
        TEST_MRIO / "emissions" / "F_Y.txt", sep="\t", header=[0, 1], index_col=[0, 1]
    ).loc[("emission_type1", "air")]
    regions = oracle["emissions__regions"].tolist()
    return {
        "matrix": pd.DataFrame(
            oracle["emissions__producer_by_consumer"][row], index=producers, columns=columns
        ),
        "cba": pd.Series(oracle["emissions__D_cba_reg"][row], index=regions),
        "direct_by_region": pd.Series(oracle["emissions__F_Y_reg"][row], index=regions),
        "direct": pd.Series(direct.to_numpy(dtype=float), index=columns),
    }


def domestic_and_foreign(series, domestic):
    """Sums of a per-region series over the domestic regions and over all others."""
    is_domestic = series.index.isin(domestic)
    return series[is_domestic].sum(), series[~is_domestic].sum()


def test_accounts_add_up_to_the_emissions_and_match_pymrio(
    processing, provider, pymrio_accounts, tmp_path
):
    before = folder_digest(TEST_MRIO)
    report = tmp_path / "report.html"
    result = run(
        processing,
        STRESSOR=STRESSOR,
        DOMESTIC_REGIONS=",".join(DOMESTIC_PYMRIO),
        INCLUDE_DIRECT=False,
        OUTPUT=str(tmp_path / "accounts.gpkg"),
        OUTPUT_HTML=str(report),
    )
    assert folder_digest(TEST_MRIO) == before

    # Every row of the attributed emissions is pymrio's producer x final-demand cell, and
    # every non-zero cell of pymrio's matrix is a row.
    matrix = pymrio_accounts["matrix"]
    accounts = QgsVectorLayer(result["OUTPUT"], "accounts", "ogr")
    assert accounts.isValid()
    rows = table(accounts)
    assert accounts.featureCount() == len(rows) == np.count_nonzero(matrix.to_numpy())
    assert not rows.duplicated(
        ["producing_region", "producing_sector", "consumer_region", "category"]
    ).any()
    expected = matrix.stack(["region", "category"]).rename("expected")
    expected.index.names = ["producing_region", "producing_sector", "consumer_region", "category"]
    joined = rows.join(expected, on=list(expected.index.names), how="left")
    assert joined["expected"].notna().all()
    scale = np.abs(matrix.to_numpy()).max()
    assert np.abs(joined["emissions"] - joined["expected"]).max() <= 1e-9 * scale

    attributed = pymrio_accounts["cba"] - pymrio_accounts["direct_by_region"]
    assert result["TOTAL"] == pytest.approx(attributed.sum(), rel=1e-9)
    assert result["UNATTRIBUTED"] == 0
    domestic, foreign = domestic_and_foreign(attributed, DOMESTIC_PYMRIO)
    assert result["DOMESTIC"] == pytest.approx(domestic, rel=1e-9)
    assert result["FOREIGN"] == pytest.approx(foreign, rel=1e-9)

    summary = table(result["SUMMARY"]).set_index("consumer_region")
    assert sorted(summary.index) == sorted(attributed.index)
    for region, footprint in attributed.items():
        assert summary.loc[region, "footprint"] == pytest.approx(footprint, rel=1e-9)
        assert summary.loc[region, "direct"] == pytest.approx(
            pymrio_accounts["direct_by_region"][region], rel=1e-12
        )
    assert summary["consumer_type"].to_dict() == {
        "reg1": "domestic",
        "reg2": "domestic",
        "reg3": "foreign",
        "reg4": "foreign",
        "reg5": "foreign",
        "reg6": "foreign",
    }
    page = report.read_text(encoding="utf-8")
    assert "<title>MRIO footprint accounts</title>" in page
    headings = ["Totals", "Footprint by consumer region", "Unattributed emissions"]
    assert re.findall(r"<h2>(.*?)</h2>", page) == headings
    totals = dict(re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", page))
    for label, expected in [
        ("Total", attributed.sum()),
        ("Domestic-driven", domestic),
        ("Foreign-driven", foreign),
    ]:  # pymrio's, shown to 4 significant digits (whole units from 1,000)
        shown = float(totals[label].replace(",", ""))
        assert shown == pytest.approx(expected, rel=5e-4, abs=0.5), label
    assert totals["Unattributed"] == "0"
    by_region = page.split("<h2>Footprint by consumer region</h2>")[1].split("<h2>")[0]
    listed = re.findall(r"<tr><td>(reg\d)</td>", by_region)
    assert listed == list(attributed.sort_values(ascending=False).index)  # largest first
    assert "None: every tonne was attributed." in page


@pytest.mark.parametrize("include_direct", [True, False])
def test_domestic_and_foreign_with_and_without_direct_emissions_match_pymrio(
    processing, provider, pymrio_accounts, include_direct
):
    result = run(
        processing,
        STRESSOR=STRESSOR,
        DOMESTIC_REGIONS="reg1,reg3,reg6",
        INCLUDE_DIRECT=include_direct,
        BREAKDOWN=2,
    )
    footprints = pymrio_accounts["cba"]  # with F_Y, as pymrio's D_cba_reg
    if not include_direct:
        footprints = footprints - pymrio_accounts["direct_by_region"]
    domestic, foreign = domestic_and_foreign(footprints, ("reg1", "reg3", "reg6"))
    assert result["DOMESTIC"] == pytest.approx(domestic, rel=1e-9)
    assert result["FOREIGN"] == pytest.approx(foreign, rel=1e-9)
    assert result["TOTAL"] == pytest.approx(footprints.sum(), rel=1e-9)
    summary = table(result["SUMMARY"])
    expected_type = np.where(
        summary["consumer_region"].isin(["reg1", "reg3", "reg6"]), "domestic", "foreign"
    )
    assert len(summary) == 6 * 7  # regions x categories
    assert summary["consumer_type"].tolist() == expected_type.tolist()


def test_breakdown_by_category_and_direct_emissions(processing, provider, pymrio_accounts):
    result = run(
        processing, STRESSOR=STRESSOR, BREAKDOWN=1, INCLUDE_DIRECT=True, DOMESTIC_REGIONS="reg1"
    )
    rows = table(result["SUMMARY"]).set_index("category")
    direct = pymrio_accounts["direct"].groupby(level="category").sum()
    attributed = pymrio_accounts["matrix"].T.groupby(level="category").sum().sum(axis=1)
    assert sorted(rows.index) == sorted(direct.index)
    assert "consumer_type" not in rows  # a category mixes domestic and foreign consumers
    for category in direct.index:
        assert rows.loc[category, "direct"] == pytest.approx(direct[category], rel=1e-12)
        assert rows.loc[category, "footprint"] == pytest.approx(
            attributed[category] + direct[category], rel=1e-9
        )
    total = pymrio_accounts["cba"].sum()
    assert rows["footprint"].sum() == pytest.approx(total, rel=1e-9)
    assert rows["share"].to_numpy() == pytest.approx(rows["footprint"].to_numpy() / total)
    assert direct.sum() > 0  # the test MRIO has F_Y, so this is exercised


def hand_mrio(folder):
    """The tiny MRIO of ``map_cases`` with producer emissions and direct emissions F_Y.

    Driven shares by hand (``map_cases.SHARES``): A/ELEC 3/4 A, 1/4 F; B/ELEC 1/2 B, 1/2 F;
    A/STEEL 1/2 A, 1/2 F; F/ELEC all F; F/STEEL sells 0.5 to A/STEEL (output 2, half driven
    by A) and 5 to F's final demand, so 0.25 of its 5.5 is driven by A: 1/22 A, 21/22 F.
    B/STEEL has no output, so its 2 t are unattributed.

    Emissions 8, 4, 6, 3, 22 and 2 give, attributed: A 6 + 3 + 1 = 10, B 2,
    F 2 + 2 + 3 + 3 + 21 = 31; direct: A 5, B 7, F 11.
    """
    write_tiny_mrio(folder)
    (folder / "stressors.csv").write_text(
        "extension,stressor,unit,region,sector,value\n"
        "emissions,CO2,t,A,ELEC,8\nemissions,CO2,t,B,ELEC,4\nemissions,CO2,t,A,STEEL,6\n"
        "emissions,CO2,t,F,ELEC,3\nemissions,CO2,t,F,STEEL,22\nemissions,CO2,t,B,STEEL,2\n"
    )
    (folder / "final_demand_stressors.csv").write_text(
        "extension,stressor,unit,region,category,value\n"
        "emissions,CO2,t,A,hh,5\nemissions,CO2,t,B,hh,7\nemissions,CO2,t,F,hh,11\n"
    )
    return folder


HAND_ATTRIBUTED = {"A": 10.0, "B": 2.0, "F": 31.0}
HAND_DIRECT = {"A": 5.0, "B": 7.0, "F": 11.0}


@pytest.mark.parametrize(
    ("domestic", "include_direct", "expected"),
    [
        # (DOMESTIC, FOREIGN, TOTAL); TOTAL holds the 2 t unattributed
        ("A,B", True, (10 + 5 + 2 + 7, 31 + 11, 45 + 23)),
        ("A,B", False, (10 + 2, 31, 45)),
        ("A", True, (10 + 5, 2 + 7 + 31 + 11, 68)),
        ("B", True, (2 + 7, 10 + 5 + 31 + 11, 68)),
        ("F", False, (31, 10 + 2, 45)),
    ],
)
def test_direct_emissions_go_to_the_side_of_their_final_demand(
    processing, provider, tmp_path, domestic, include_direct, expected
):
    result = run(
        processing,
        MRIO=str(hand_mrio(tmp_path / "mrio")),
        STRESSOR="emissions/CO2",
        DOMESTIC_REGIONS=domestic,
        INCLUDE_DIRECT=include_direct,
    )
    assert (result["DOMESTIC"], result["FOREIGN"], result["TOTAL"]) == pytest.approx(expected)
    assert result["UNATTRIBUTED"] == pytest.approx(2.0)
    summary = table(result["SUMMARY"]).set_index("consumer_region")
    regions = domestic.split(",")
    assert summary["consumer_type"].to_dict() == {
        region: "domestic" if region in regions else "foreign" for region in "ABF"
    }
    assert summary["attributed"].to_dict() == pytest.approx(HAND_ATTRIBUTED)
    assert summary["direct"].to_dict() == pytest.approx(HAND_DIRECT)
    footprint = {
        region: HAND_ATTRIBUTED[region] + (HAND_DIRECT[region] if include_direct else 0.0)
        for region in "ABF"
    }
    assert summary["footprint"].to_dict() == pytest.approx(footprint)


def test_emissions_csv_with_unattributable_rows_reports_them(processing, provider, tmp_path):
    emissions = tmp_path / "emissions.csv"
    emissions.write_text("region,sector,emissions\nreg1,food,100\nreg2,mining,-5\n")
    result = run(processing, EMISSIONS=str(emissions), BREAKDOWN=2)
    assert result["TOTAL"] == pytest.approx(95)
    assert result["UNATTRIBUTED"] == pytest.approx(-5)
    rows = list(result["OUTPUT"].getFeatures())
    unattributed = [row for row in rows if row["consumer_region"] == "UNATTRIBUTED"]
    assert len(unattributed) == 1 and "negative" in unattributed[0]["category"]
    assert sum(row["emissions"] for row in rows) == pytest.approx(95)


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"MRIO": "/nonexistent/mrio"}, "does not exist"),
        ({"MRIO": str(TEST_DATA.parent / "algorithms")}, "is not an MRIO this plugin reads"),
        ({}, "Say which stressor"),
        ({"STRESSOR": "emissions/CO3"}, "Available stressors"),
        ({"STRESSOR": STRESSOR, "DOMESTIC_REGIONS": "XX-*"}, "XX-*"),
    ],
)
def test_bad_input_gets_a_clear_message(processing, provider, parameters, message):
    with pytest.raises(QgsProcessingException, match=None) as raised:
        run(processing, **parameters)
    assert message in str(raised.value)


def test_stressor_and_emissions_csv_together_are_refused(processing, provider, tmp_path):
    emissions = tmp_path / "emissions.csv"
    emissions.write_text("region,sector,emissions\nreg1,food,1\n")
    with pytest.raises(QgsProcessingException, match="either a STRESSOR or an EMISSIONS"):
        run(processing, STRESSOR=STRESSOR, EMISSIONS=str(emissions))


def test_missing_emissions_are_reported_and_keep_the_totals_finite(processing, provider, tmp_path):
    emissions = tmp_path / "emissions.csv"
    emissions.write_text("region,sector,emissions\nreg1,food,100\nreg2,mining,\n")
    result = run(processing, EMISSIONS=str(emissions))
    assert result["TOTAL"] == pytest.approx(100)
    assert result["UNATTRIBUTED"] == 0
    rows = list(result["OUTPUT"].getFeatures())
    reasons = [row["category"] for row in rows if row["consumer_region"] == "UNATTRIBUTED"]
    assert len(reasons) == 1 and "non-finite" in reasons[0]


def test_cancelling_while_writing_fails_instead_of_returning_a_partial_table(processing, provider):
    from footprint_plugin.algorithms.mrio_accounts import MrioAccounts
    from tests.algorithms.footprint_rasters import cancelling_at

    with pytest.raises(QgsProcessingException, match="Cancelled while writing OUTPUT"):
        processing.run(
            "footprint:mrioaccounts",
            {
                "MRIO": str(TEST_MRIO),
                "STRESSOR": STRESSOR,
                "OUTPUT": "memory:",
                "SUMMARY": "memory:",
            },
            feedback=cancelling_at(MrioAccounts.STEPS, "tables"),
        )


@pytest.mark.parametrize("value", ["inf", "-inf", "nan"])
def test_non_finite_emissions_are_left_out_of_every_total(processing, provider, tmp_path, value):
    emissions = tmp_path / "emissions.csv"
    emissions.write_text(f"region,sector,emissions\nreg1,food,100\nreg2,mining,{value}\n")
    result = run(processing, EMISSIONS=str(emissions), DOMESTIC_REGIONS="reg1")
    assert result["TOTAL"] == pytest.approx(100)
    assert result["DOMESTIC"] + result["FOREIGN"] == pytest.approx(100)
    assert result["UNATTRIBUTED"] == 0
    rows = list(result["OUTPUT"].getFeatures())
    assert sum(row["emissions"] for row in rows if row["consumer_region"] != "UNATTRIBUTED") == (
        pytest.approx(100)
    )


def test_emissions_whose_total_overflows_are_refused(processing, provider, tmp_path):
    emissions = tmp_path / "emissions.csv"
    emissions.write_text("region,sector,emissions\nreg1,food,1.7e308\nreg2,mining,1.7e308\n")
    with pytest.raises(QgsProcessingException, match="more than a 64-bit float holds"):
        run(processing, EMISSIONS=str(emissions))


def test_the_report_lists_the_unattributed_emissions(processing, provider, tmp_path):
    """B/STEEL has no output: the report's table of unattributed emissions shows its 2 t."""
    report = tmp_path / "report.html"
    run(
        processing,
        MRIO=str(hand_mrio(tmp_path / "mrio")),
        STRESSOR="emissions/CO2",
        DOMESTIC_REGIONS="A,B",
        OUTPUT_HTML=str(report),
    )
    page = report.read_text(encoding="utf-8")
    section = page.split("<h2>Unattributed emissions</h2>")[1]
    rows = [
        re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", section)
    ]
    assert [row for row in rows if row] == [
        ["B", "STEEL", "producer has zero total output in the MRIO, so no driven shares", "2"]
    ]


def test_the_stressors_output_lists_what_to_type_with_units_and_totals(
    processing, provider, tmp_path
):
    result = run(
        processing,
        MRIO=str(hand_mrio(tmp_path / "mrio")),
        STRESSOR="emissions/CO2",
        STRESSORS="TEMPORARY_OUTPUT",
    )
    assert table(result["STRESSORS"]).to_dict("records") == [
        {
            "stressor": "emissions/CO2",
            "extension": "emissions",
            "unit": "t",
            "from_producers": 45.0,
            "from_final_demand": 23.0,
        }
    ]


def test_the_stressors_of_pymrio_s_test_mrio_are_its_f_rows(processing, provider):
    result = run(processing, STRESSOR=STRESSOR, STRESSORS="TEMPORARY_OUTPUT")
    listed = table(result["STRESSORS"]).set_index("stressor")
    expected = {}
    for extension in ("emissions", "factor_inputs"):
        index_columns = 2 if extension == "emissions" else 1
        flows = pd.read_csv(
            TEST_MRIO / extension / "F.txt",
            sep="\t",
            header=[0, 1],
            index_col=list(range(index_columns)),
        )
        for label, row in flows.iterrows():
            name = "/".join(label) if isinstance(label, tuple) else label
            expected[f"{extension}/{name}"] = row.sum()
    assert listed["from_producers"].to_dict() == pytest.approx(expected)
    assert listed.loc["emissions/emission_type1/air", "unit"] == "kg"


def test_a_forced_mrio_format_is_used_instead_of_detection(processing, provider, tmp_path):
    """Beside a pymrio folder's files, detection refuses the folder; a format chooses."""
    folder = hand_mrio(tmp_path / "mrio")
    shutil.copytree(TEST_MRIO, folder, dirs_exist_ok=True)
    with pytest.raises(QgsProcessingException, match="holds the files of several MRIO layouts"):
        run(processing, MRIO=str(folder), STRESSOR="emissions/CO2")
    result = run(processing, MRIO=str(folder), STRESSOR="emissions/CO2", MRIO_FORMAT=2)
    assert result["TOTAL"] == pytest.approx(45.0 + 23.0)
    result = run(processing, MRIO=str(folder), STRESSOR=STRESSOR, MRIO_FORMAT=1)
    assert result["TOTAL"] == pytest.approx(run(processing, STRESSOR=STRESSOR)["TOTAL"])
    with pytest.raises(QgsProcessingException, match=r"file_parameters\.json is missing"):
        run(processing, MRIO=str(hand_mrio(tmp_path / "csv")), MRIO_FORMAT=1)


def test_every_layout_is_an_mrio_format_choice_once():
    names = [name for _, name in MRIO_FORMATS if name is not None]
    assert sorted(names) == sorted(layout_names()) and len(set(names)) == len(names)
