"""Cancelled runs fail and leave none of their outputs, whatever step they are cancelled at.

Each algorithm is run with a feedback that cancels it when it starts one of its ``STEPS``
(``cancelling_at``). The run must raise a QgsProcessingException saying it was cancelled, and
the output folder must be as empty as before: no output file, and no hidden
``.footprint-partial-*`` folder (where a run writes its files before moving them into place).
A control run of each algorithm, not cancelled, shows that the same parameters do write every
output into that folder, so an empty folder after a cancelled run means something.
"""

import gc

import numpy as np
import pytest
from qgis.core import QgsProcessingException

from footprint_plugin.algorithms.city_table import CityTable
from footprint_plugin.algorithms.hotspots import Hotspots
from footprint_plugin.algorithms.map_gridded_footprint import MapGriddedFootprint
from footprint_plugin.algorithms.near_features import NearFeatures
from footprint_plugin.algorithms.study_report import FootprintReport
from footprint_plugin.qgis_io.outputs import PARTIAL_PREFIX
from tests.algorithms.footprint_rasters import (
    ALBERS_CHINA,
    FOOTPRINT_DESCRIPTIONS,
    RecordingFeedback,
    box_wkt,
    cancelling_at,
    memory_layer,
    polygon_layer,
    write_raster,
)
from tests.algorithms.map_cases import EQUAL_AREA, regions_layer, write_tiny_mrio

TOP = 4_000_000.0


def footprint_raster(folder):
    """A 4 x 4 footprint map (total, domestic, foreign) of 1 km cells in the Albers CRS."""
    total = np.arange(1.0, 17.0).reshape(4, 4)
    return write_raster(
        folder / "footprint.tif",
        np.stack([total, 0.75 * total, 0.25 * total]),
        (0.0, TOP),
        descriptions=FOOTPRINT_DESCRIPTIONS,
    )


def hotspots(inputs, out):
    parameters = {
        "INPUT": footprint_raster(inputs),
        "OUTPUT": str(out / "hotspots.tif"),
        "CURVE": str(out / "curve.csv"),
        "OUTPUT_HTML": str(out / "hotspots.html"),
    }
    return parameters, {"hotspots.tif", "hotspots.qml", "curve.csv", "hotspots.html"}


def city_table(inputs, out):
    cities = polygon_layer(
        f"proj4:{ALBERS_CHINA}",
        [
            (box_wkt(0, TOP - 3000, 1500, TOP), ["West"]),
            (box_wkt(1500, TOP - 2500, 3000, TOP), ["East"]),
        ],
    )
    parameters = {
        "INPUT": footprint_raster(inputs),
        "CITIES": cities,
        "NAME_FIELD": "name",
        "OUTPUT": str(out / "cities.gpkg"),
        "OUTPUT_TABLE": str(out / "cities.csv"),
    }
    return parameters, {"cities.gpkg", "cities.qml", "cities.csv"}


def near_features(inputs, out):
    ports = memory_layer(
        f"Point?crs=proj4:{ALBERS_CHINA}&field=name:string",
        [("POINT(1000 3998000)", ["A"]), ("POINT(3000 3997000)", ["B"])],
    )
    parameters = {
        "INPUT": footprint_raster(inputs),
        "FEATURES": ports,
        "DISTANCE": 1500.0,
        "OUTPUT": str(out / "near.gpkg"),
        "UNION_TABLE": str(out / "union.csv"),
    }
    return parameters, {"near.gpkg", "union.csv"}


def report(inputs, out):
    parameters = {
        "FOOTPRINT": footprint_raster(inputs),
        "OUTPUT_HTML": str(out / "report.html"),
        "OUTPUT_MAP": str(out / "map.png"),
    }
    return parameters, {"report.html", "map.png"}


def map_gridded(inputs, out):
    # sector cells on a 10 km grid in the two regions of map_cases (20 km x 10 km each)
    raster = write_raster(
        inputs / "elec.tif", [[10.0, 20.0, 30.0, 40.0]], (0.0, 10000.0), (1e4, 1e4), EQUAL_AREA
    )
    parameters = {
        "INPUT": [raster],
        "SECTORS": "ELEC",
        "REGIONS": regions_layer(),
        "REGION_CODE_FIELD": "code",
        "MRIO": str(write_tiny_mrio(inputs / "mrio")),
        "TARGET_CRS": EQUAL_AREA,
        "CELL_SIZE": 10000.0,
        "OUTPUT": str(out / "footprint.tif"),
        "OUTPUT_SOURCES": str(out / "sources.gpkg"),
        "BALANCE": str(out / "balance.csv"),
        "CONSUMERS": str(out / "consumers.csv"),
    }
    written = {"footprint.tif", "footprint.qml", "sources.gpkg", "balance.csv", "consumers.csv"}
    return parameters, written


ALGORITHMS = {
    "footprint:hotspots": (Hotspots, hotspots),
    "footprint:citytable": (CityTable, city_table),
    "footprint:nearfeatures": (NearFeatures, near_features),
    "footprint:report": (FootprintReport, report),
    "footprint:mapgriddedfootprint": (MapGriddedFootprint, map_gridded),
}
CANCELLED_RUNS = [
    pytest.param(name, step, id=f"{name.split(':')[1]}-{step}")
    for name, (algorithm, _) in ALGORITHMS.items()
    for step in algorithm.STEPS
]


def folders(tmp_path):
    inputs, out = tmp_path / "inputs", tmp_path / "out"
    inputs.mkdir()
    out.mkdir()
    return inputs, out


@pytest.mark.parametrize("name", ALGORITHMS)
def test_a_run_not_cancelled_writes_every_output(processing, provider, tmp_path, name):
    _, case = ALGORITHMS[name]
    inputs, out = folders(tmp_path)
    parameters, written = case(inputs, out)
    processing.run(name, parameters, feedback=RecordingFeedback())
    assert {path.name for path in out.iterdir()} == written


@pytest.mark.parametrize(("name", "step"), CANCELLED_RUNS)
def test_a_run_cancelled_at_any_step_fails_and_leaves_no_output(
    processing, provider, tmp_path, name, step
):
    algorithm, case = ALGORITHMS[name]
    inputs, out = folders(tmp_path)
    parameters, _ = case(inputs, out)
    feedback = cancelling_at(algorithm.STEPS, step)
    with pytest.raises(QgsProcessingException, match=r"^Cancell?ed\b") as raised:
        processing.run(name, parameters, feedback=feedback)
    assert feedback.isCanceled(), f"failed before it was cancelled: {raised.value}"
    # the traceback keeps the run's frames, and its sinks, alive: a sink closed later must not
    # write a file either
    del raised
    gc.collect()
    left = sorted(path.name for path in out.iterdir())
    assert not [leftover for leftover in left if leftover.startswith(PARTIAL_PREFIX)], left
    assert left == []
