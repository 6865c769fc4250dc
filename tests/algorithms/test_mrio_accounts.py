"""footprint:mrioaccounts run in-process through Processing, on pymrio's test MRIO."""

import hashlib

import numpy as np
import pytest
from qgis.core import QgsProcessingException, QgsVectorLayer

from footprint_plugin.engine.mrio.attribution import attribute_emissions, driven_shares
from footprint_plugin.engine.mrio.pymrio_format import read_pymrio
from footprint_plugin.engine.mrio.stressors import select_stressor
from tests.conftest import TEST_DATA

TEST_MRIO = TEST_DATA / "test_mrio"
STRESSOR = "emissions/emission_type1"


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


@pytest.fixture
def engine_attribution():
    mrio = read_pymrio(TEST_MRIO)
    account = select_stressor(mrio, STRESSOR)
    return attribute_emissions(
        driven_shares(mrio), account.from_producers, account.from_final_demand
    )


def test_accounts_add_up_to_the_emissions_and_match_the_engine(
    processing, provider, engine_attribution, tmp_path
):
    before = folder_digest(TEST_MRIO)
    report = tmp_path / "report.html"
    result = run(
        processing,
        STRESSOR=STRESSOR,
        DOMESTIC_REGIONS="reg1,reg2",
        INCLUDE_DIRECT=False,
        OUTPUT=str(tmp_path / "accounts.gpkg"),
        OUTPUT_HTML=str(report),
    )
    assert folder_digest(TEST_MRIO) == before

    accounts = QgsVectorLayer(result["OUTPUT"], "accounts", "ogr")
    assert accounts.isValid()
    assert accounts.featureCount() > 0
    emissions = np.array([feature["emissions"] for feature in accounts.getFeatures()])
    assert emissions.sum() == pytest.approx(engine_attribution.emissions.sum(), rel=1e-12)
    assert result["TOTAL"] == pytest.approx(engine_attribution.emissions.sum(), rel=1e-12)
    assert result["UNATTRIBUTED"] == 0
    assert result["DOMESTIC"] + result["FOREIGN"] == pytest.approx(result["TOTAL"], rel=1e-12)

    summary = result["SUMMARY"]
    footprints = {f["consumer_region"]: f["footprint"] for f in summary.getFeatures()}
    by_region = engine_attribution.attributed.sum(axis=0)
    regions = engine_attribution.final_demand_labels.get_level_values("region")
    for region in set(regions):
        expected = by_region[np.asarray(regions == region)].sum()
        assert footprints[region] == pytest.approx(expected, rel=1e-12)
    types = {f["consumer_region"]: f["consumer_type"] for f in summary.getFeatures()}
    assert types["reg1"] == "domestic" and types["reg3"] == "foreign"
    page = report.read_text(encoding="utf-8")
    assert "MRIO footprint accounts" in page and "reg1" in page


def test_breakdown_by_category_and_direct_emissions(processing, provider, engine_attribution):
    result = run(processing, STRESSOR=STRESSOR, BREAKDOWN=1, INCLUDE_DIRECT=True)
    rows = list(result["SUMMARY"].getFeatures())
    categories = set(engine_attribution.final_demand_labels.get_level_values("category"))
    assert {row["category"] for row in rows} == categories
    total = engine_attribution.emissions.sum() + engine_attribution.direct.sum()
    assert sum(row["footprint"] for row in rows) == pytest.approx(total, rel=1e-12)
    assert sum(row["share"] for row in rows) == pytest.approx(1.0, rel=1e-12)
    assert engine_attribution.direct.sum() > 0  # the test MRIO has F_Y, so this is exercised


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
        ({"MRIO": str(TEST_DATA)}, "is not an MRIO this plugin reads"),
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
