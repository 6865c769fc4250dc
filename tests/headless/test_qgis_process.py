"""Headless runs through qgis_process, of the plugin as shipped in the ZIP from make package."""

import json
import os
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT, TEST_DATA

WRAPPER = ROOT / "scripts" / "qgis_process.sh"


@pytest.fixture(scope="module")
def shipped_plugin_path(tmp_path_factory):
    """A plugin folder holding footprint_plugin/ unpacked from the ZIP that make package builds."""
    folder = tmp_path_factory.mktemp("plugins")
    zip_path = folder / "footprint_plugin.zip"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "package.py"), str(zip_path)], check=True
    )
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        assert all(name.startswith("footprint_plugin/") for name in names)
        assert not any("/tests/" in name or "/bench/" in name for name in names)
        archive.extractall(folder)
    zip_path.unlink()
    return folder


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
    assert outputs["TOTAL"] > 0
    assert outputs["UNATTRIBUTED"] == 0
    assert summary.exists() and (tmp_path / "report.html").exists()
    lines = summary.read_text().splitlines()
    assert len(lines) == 1 + 6  # header + the six regions of pymrio's test MRIO
