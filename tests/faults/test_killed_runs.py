"""A footprint:mapfootprint run killed at any point (SIGKILL: no handler runs) leaves each of its
outputs either complete and valid or absent, and an earlier run's outputs intact."""

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from osgeo import gdal, ogr

from footprint_plugin.algorithms.map_base import FootprintMapAlgorithm
from footprint_plugin.qgis_io.outputs import PARTIAL_PREFIX
from tests.demo_study import demo_map_parameters

RUNNER = Path(__file__).with_name("killed_run.py")
OUTPUTS = {
    "OUTPUT": "footprint.tif",
    "BALANCE": "balance.csv",
    "CONSUMERS": "consumers.csv",
    "OUTPUT_SOURCES": "sources.gpkg",
}
NEVER = 101.0


def step_start(step: str) -> float:
    """Progress (%) at which the mapping algorithm starts ``step``."""
    steps = FootprintMapAlgorithm.STEPS
    return 100.0 * steps.index(step) / len(steps)


def parameters(folder: Path) -> dict:
    """The demo study at 4 km, so that the raster is written in several blocks of rows."""
    outputs = {key: str(folder / name) for key, name in OUTPUTS.items()}
    return demo_map_parameters(CELL_SIZE=4000.0, **outputs)


def run_until(folder: Path, kill_at: float, pattern: str = "") -> int:
    """Run the study into ``folder``, killed at ``kill_at`` %; the process's return code."""
    command = [sys.executable, str(RUNNER), json.dumps(parameters(folder)), str(kill_at)]
    return subprocess.run(
        [*command, pattern] if pattern else command, capture_output=True, timeout=600
    ).returncode


def contents(path: Path):
    """What an output holds, read back as a user's software would (None if it is unreadable)."""
    if path.suffix == ".tif":
        dataset = gdal.Open(str(path))
        if dataset is None:
            return None
        bands = range(1, dataset.RasterCount + 1)
        return [dataset.GetRasterBand(band).Checksum() for band in bands]
    if path.suffix == ".gpkg":
        dataset = ogr.Open(str(path))
        if dataset is None or dataset.GetLayerCount() != 1:
            return None
        layer = dataset.GetLayer(0)
        return layer.GetName(), [feature.GetField("attributed") for feature in layer]
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The outputs of a run that completes."""
    folder = tmp_path_factory.mktemp("complete")
    assert run_until(folder, NEVER) == 0
    return {key: contents(folder / name) for key, name in OUTPUTS.items()}


def partial_files(folder: Path) -> set:
    return {path.name for path in folder.glob(f"{PARTIAL_PREFIX}*/*")}


@pytest.mark.parametrize(
    ("point", "kill_at", "waits_for", "written_aside"),
    [
        ("before any output", step_start("sources"), "", set()),
        ("while the raster is written", step_start("raster") + 0.5, "", {"footprint.tif"}),
        ("after the raster", step_start("tables"), "", {"footprint.tif", "footprint.qml"}),
        (
            "while the sources are written",
            step_start("tables") + 1,
            "sources.gpkg",
            {"sources.gpkg"},
        ),
    ],
)
def test_a_killed_run_leaves_no_output_that_looks_complete(
    reference, tmp_path, point, kill_at, waits_for, written_aside
):
    pattern = f"{tmp_path}/{PARTIAL_PREFIX}*/{waits_for}" if waits_for else ""
    assert run_until(tmp_path, kill_at, pattern) == -signal.SIGKILL, point
    assert written_aside <= partial_files(tmp_path), point  # killed where intended
    # stricter than "complete or absent": a killed run never got to move anything into place
    assert not any((tmp_path / name).exists() for name in OUTPUTS.values()), point


def test_a_killed_rerun_leaves_the_earlier_outputs_intact(reference, tmp_path):
    assert run_until(tmp_path, NEVER) == 0
    pattern = f"{tmp_path}/{PARTIAL_PREFIX}*/sources.gpkg"
    assert run_until(tmp_path, step_start("tables") + 1, pattern) == -signal.SIGKILL
    for key, name in OUTPUTS.items():
        assert contents(tmp_path / name) == reference[key], name
