"""Headless runs through qgis_process, of the plugin as shipped in the ZIP from make package."""

import json
import os
import subprocess

import numpy as np
import pandas as pd
import pytest

from tests.conftest import ROOT, TEST_DATA
from tests.oracle.compare import run_oracle

WRAPPER = ROOT / "scripts" / "qgis_process.sh"


def qgis_process(plugin_path, *arguments):
    """Run qgis_process with the plugin from ``plugin_path``; return the completed process."""
    environment = dict(os.environ, FOOTPRINT_PLUGIN_PATH=str(plugin_path))
    return subprocess.run(
        [str(WRAPPER), *arguments], capture_output=True, text=True, env=environment, timeout=300
    )


def test_list_shows_the_provider_and_its_algorithms(shipped_plugin_path):
    listing = qgis_process(shipped_plugin_path, "list")
    assert listing.returncode == 0, listing.stderr
    assert "Carbon footprint" in listing.stdout
    assert "footprint:mrioaccounts" in listing.stdout


def test_mrioaccounts_runs_with_json_output(shipped_plugin_path, tmp_path):
    summary = tmp_path / "summary.csv"
    run = qgis_process(
        shipped_plugin_path,
        "--json",
        "run",
        "footprint:mrioaccounts",
        "--",
        f"MRIO={TEST_DATA / 'test_mrio'}",
        "STRESSOR=emissions/emission_type1",
        "BREAKDOWN=0",
        f"OUTPUT={tmp_path / 'accounts.csv'}",
        f"SUMMARY={summary}",
        f"OUTPUT_HTML={tmp_path / 'report.html'}",
    )
    assert run.returncode == 0, run.stderr + run.stdout
    result = json.loads(run.stdout[run.stdout.index("{") :])
    outputs = result["results"]
    # pymrio's footprints per consumer region (F_Y included, as INCLUDE_DIRECT's default)
    oracle_file = tmp_path / "pymrio.npz"
    run_oracle("compute", TEST_DATA / "test_mrio", oracle_file)
    oracle = np.load(oracle_file)
    row = oracle["emissions__stressors"].tolist().index("emission_type1/air")
    footprints = dict(zip(oracle["emissions__regions"], oracle["emissions__D_cba_reg"][row]))
    assert outputs["TOTAL"] == pytest.approx(sum(footprints.values()), rel=1e-9)
    assert outputs["UNATTRIBUTED"] == 0
    assert summary.exists() and (tmp_path / "report.html").exists()
    table = pd.read_csv(summary).set_index("consumer_region")
    assert sorted(table.index) == sorted(footprints)  # the six regions of pymrio's test MRIO
    for region, footprint in footprints.items():
        assert table.loc[region, "footprint"] == pytest.approx(footprint, rel=1e-9)


def test_shipped_model_runs_the_whole_study_on_the_demo_data(shipped_plugin_path, tmp_path):
    demo = shipped_plugin_path / "footprint_plugin" / "data" / "demo"
    gpkg = demo / "china_demo.gpkg"
    outputs = {
        "map:Footprint map": tmp_path / "footprint.tif",
        "map:Balance": tmp_path / "balance.csv",
        "hotspots:Hotspots": tmp_path / "hotspots.tif",
        "cities:Footprint by city": tmp_path / "cities.gpkg",
        "near:Footprint near infrastructure": tmp_path / "ports.gpkg",
        "report:Report": tmp_path / "report.html",
    }
    run = qgis_process(
        shipped_plugin_path,
        "--json",
        "run",
        "footprint:footprint_study",
        "--",
        f"sources={gpkg}|layername=facilities",
        "emission_field=co2_t",
        "sector_field=sector_code",
        f"regions={gpkg}|layername=provinces",
        "region_code_field=code",
        f"mrio={demo / 'mrio'}",
        f"concordance={demo / 'concordance.csv'}",
        "domestic_regions=CN-*",
        f"cities={gpkg}|layername=cities",
        "city_name_field=name",
        f"infrastructure={gpkg}|layername=ports",
        "distance=50000",
        "note=SYNTHETIC demo data",
        *(f"{name}={path}" for name, path in outputs.items()),
    )
    assert run.returncode == 0, run.stderr + run.stdout
    results = json.loads(run.stdout[run.stdout.index("{") :])["results"]
    for name, path in outputs.items():
        assert results[name] == str(path)
        assert path.exists() and path.stat().st_size > 0, name
    report = outputs["report:Report"].read_text(encoding="utf-8")
    for heading in (
        "Top foreign consumers",
        "by final-demand category",
        "by producing sector",
        "Concentration",
        "cities by the foreign footprint",
        "Footprint near infrastructure",
        "Balance",
    ):
        assert heading in report
    assert "SYNTHETIC demo data" in report
