"""No run leaves a file beside its inputs (e.g. a raster's GDAL .aux.xml) or changes one.

Each algorithm, and the shipped model, runs once end to end on copies of its inputs in folders
of their own (outputs elsewhere); the input folders are listed before and after the run.
"""

import os
import shutil
import subprocess

import pytest
from osgeo import gdal

from tests.conftest import ROOT, TEST_DATA
from tests.demo_study import DEMO, demo_layer, demo_map_parameters
from tests.input_folders import left_untouched

TEST_MRIO = TEST_DATA / "test_mrio"
STRESSOR = "emissions/emission_type1"
DEMO_FILES = ("china_demo.gpkg", "concordance.csv", "mrio", "other_manufacturing_area.tif")
STUDY_FILES = (
    "footprint.tif",
    "footprint.qml",
    "balance.csv",
    "consumers.csv",
    "sources.gpkg",
    "curve.csv",
    "city_table.csv",
    "near_ports.csv",
)
_study = {}


def copy_into(folder, source, names):
    """Copies of ``source``/``names`` (files or folders) in ``folder``, which is created."""
    folder.mkdir()
    for name in names:
        if (source / name).is_dir():
            shutil.copytree(source / name, folder / name)
        else:
            shutil.copy2(source / name, folder / name)
    return folder


def study_parameters(demo, out):
    """The demo study from the folder ``demo`` into ``out``, with every table."""
    return demo_map_parameters(
        demo,
        DOMESTIC_REGIONS="CN-*",
        BREAKDOWN=1,
        CELL_SIZE=10000.0,
        OUTPUT=str(out / "footprint.tif"),
        OUTPUT_SOURCES=str(out / "sources.gpkg"),
        BALANCE=str(out / "balance.csv"),
        CONSUMERS=str(out / "consumers.csv"),
    )


def map_step_folders(study, folders):
    """Folders for a step after the map: the demo layers, the footprint map, and the outputs'."""
    demo_folder, inputs_folder, out = folders
    demo = copy_into(demo_folder, DEMO, ["china_demo.gpkg"])
    return demo, copy_into(inputs_folder, study, ["footprint.tif", "footprint.qml"]), out


@pytest.fixture
def study(processing, provider, tmp_path_factory):
    """The demo study's outputs (footprint map, tables), made once: the later steps' inputs."""
    if not _study:
        out = tmp_path_factory.mktemp("study")
        processing.run("footprint:mapfootprint", study_parameters(DEMO, out))
        footprint = str(out / "footprint.tif")
        processing.run(
            "footprint:hotspots",
            {"INPUT": footprint, "OUTPUT": str(out / "hot.tif"), "CURVE": str(out / "curve.csv")},
        )
        processing.run(
            "footprint:citytable",
            {
                "INPUT": footprint,
                "CITIES": demo_layer("cities"),
                "NAME_FIELD": "name",
                "OUTPUT": "TEMPORARY_OUTPUT",
                "OUTPUT_TABLE": str(out / "city_table.csv"),
            },
        )
        processing.run(
            "footprint:nearfeatures",
            {
                "INPUT": footprint,
                "FEATURES": demo_layer("ports"),
                "DISTANCE": 50000.0,
                "OUTPUT": "TEMPORARY_OUTPUT",
                "UNION_TABLE": str(out / "near_ports.csv"),
            },
        )
        _study["folder"] = out
    return _study["folder"]


@pytest.fixture
def folders(tmp_path):
    """Folders for copies of the demo data and of the study's outputs, and for the outputs."""
    (tmp_path / "out").mkdir()
    return tmp_path / "demo", tmp_path / "inputs", tmp_path / "out"


def test_mrioaccounts(processing, provider, tmp_path):
    inputs = copy_into(tmp_path / "inputs", TEST_MRIO.parent, [TEST_MRIO.name])
    out = tmp_path / "out"
    out.mkdir()
    with left_untouched(inputs):
        processing.run(
            "footprint:mrioaccounts",
            {
                "MRIO": str(inputs / TEST_MRIO.name),
                "STRESSOR": STRESSOR,
                "OUTPUT": str(out / "accounts.gpkg"),
                "SUMMARY": str(out / "summary.csv"),
                "OUTPUT_HTML": str(out / "report.html"),
            },
        )


def test_mapfootprint(processing, provider, folders):
    demo_folder, _, out = folders
    demo = copy_into(demo_folder, DEMO, DEMO_FILES)
    with left_untouched(demo):
        processing.run("footprint:mapfootprint", study_parameters(demo, out))


def test_mapgriddedfootprint(processing, provider, folders):
    demo_folder, _, out = folders
    demo = copy_into(demo_folder, DEMO, DEMO_FILES)
    with left_untouched(demo):
        processing.run(
            "footprint:mapgriddedfootprint",
            {
                "INPUT": [str(demo / "other_manufacturing_area.tif")],
                "SECTORS": "1A2",
                "REGIONS": demo_layer("provinces", demo),
                "REGION_CODE_FIELD": "code",
                "MRIO": str(demo / "mrio"),
                "CONCORDANCE": str(demo / "concordance.csv"),
                "OUTPUT": str(out / "footprint.tif"),
                "BALANCE": str(out / "balance.csv"),
            },
        )


def test_hotspots(processing, study, folders):
    demo, inputs, out = map_step_folders(study, folders)
    with left_untouched(demo, inputs):
        processing.run(
            "footprint:hotspots",
            {
                "INPUT": str(inputs / "footprint.tif"),
                "MASK": demo_layer("provinces", demo),
                "OUTPUT": str(out / "hotspots.tif"),
                "CURVE": str(out / "curve.csv"),
                "OUTPUT_HTML": str(out / "hotspots.html"),
            },
        )


def test_citytable_and_a_side_file_the_input_had(processing, study, folders):
    demo, inputs, out = map_step_folders(study, folders)
    dataset = gdal.Open(str(inputs / "footprint.tif"))
    dataset.GetRasterBand(1).ComputeStatistics(False)
    dataset = None  # GDAL writes the statistics of band 1 (not the histograms) to .aux.xml
    assert (inputs / "footprint.tif.aux.xml").is_file()
    with left_untouched(demo, inputs):
        processing.run(
            "footprint:citytable",
            {
                "INPUT": str(inputs / "footprint.tif"),
                "CITIES": demo_layer("cities", demo),
                "NAME_FIELD": "name",
                "OUTPUT": str(out / "cities.gpkg"),
                "OUTPUT_TABLE": str(out / "city_table.csv"),
            },
        )


def test_nearfeatures(processing, study, folders):
    demo, inputs, out = map_step_folders(study, folders)
    with left_untouched(demo, inputs):
        processing.run(
            "footprint:nearfeatures",
            {
                "INPUT": str(inputs / "footprint.tif"),
                "FEATURES": demo_layer("ports", demo),
                "DISTANCE": 50000.0,
                "OUTPUT": str(out / "ports.gpkg"),
                "UNION_TABLE": str(out / "near_ports.csv"),
            },
        )


def test_report(processing, study, folders):
    demo_folder, inputs_folder, out = folders
    demo = copy_into(demo_folder, DEMO, ["china_demo.gpkg"])
    inputs = copy_into(inputs_folder, study, STUDY_FILES)
    with left_untouched(demo, inputs):
        processing.run(
            "footprint:report",
            {
                "FOOTPRINT": str(inputs / "footprint.tif"),
                "BALANCE": str(inputs / "balance.csv"),
                "CONSUMERS": str(inputs / "consumers.csv"),
                "SOURCES": str(inputs / "sources.gpkg"),
                "SECTOR_FIELD": "sector_code",
                "CURVE": str(inputs / "curve.csv"),
                "AREA_SHARE": 1.0,
                "GINI": 0.9,
                "LEVEL": 75.0,
                "CITIES": str(inputs / "city_table.csv"),
                "NEAR": str(inputs / "near_ports.csv"),
                "BOUNDARIES": demo_layer("provinces", demo),
                "POINTS": demo_layer("ports", demo),
                "OUTPUT_HTML": str(out / "report.html"),
                "OUTPUT_MAP": str(out / "map.png"),
            },
        )


def model_arguments(demo, out):
    """The shipped model's parameters, as NAME=value; its footprint map is read by later steps."""
    return [
        f"sources={demo_layer('facilities', demo)}",
        "emission_field=co2_t",
        "sector_field=sector_code",
        f"regions={demo_layer('provinces', demo)}",
        "region_code_field=code",
        f"mrio={demo / 'mrio'}",
        f"concordance={demo / 'concordance.csv'}",
        "domestic_regions=CN-*",
        f"cities={demo_layer('cities', demo)}",
        "city_name_field=name",
        f"infrastructure={demo_layer('ports', demo)}",
        "distance=50000",
        f"map:Footprint map={out / 'footprint.tif'}",
        f"map:Balance={out / 'balance.csv'}",
        f"hotspots:Hotspots={out / 'hotspots.tif'}",
        f"cities:Footprint by city={out / 'cities.gpkg'}",
        f"near:Footprint near infrastructure={out / 'ports.gpkg'}",
        f"report:Report={out / 'report.html'}",
    ]


def qgis_process(*arguments):
    """Run qgis_process (through the wrapper make demo uses) with this checkout's plugin."""
    run = subprocess.run(
        [str(ROOT / "scripts" / "qgis_process.sh"), "run", *arguments],
        capture_output=True,
        text=True,
        env=dict(os.environ, FOOTPRINT_PLUGIN_PATH=str(ROOT)),
        timeout=600,
    )
    assert run.returncode == 0, run.stderr + run.stdout


def test_hotspots_headless(study, folders):
    """As make demo runs each step: qgis_process itself opens INPUT as a layer to check it."""
    _, inputs_folder, out = folders
    inputs = copy_into(inputs_folder, study, ["footprint.tif", "footprint.qml"])
    with left_untouched(inputs):
        qgis_process(
            "footprint:hotspots",
            "--",
            f"INPUT={inputs / 'footprint.tif'}",
            f"OUTPUT={out / 'hotspots.tif'}",
            f"CURVE={out / 'curve.csv'}",
        )


def test_shipped_model_headless(folders):
    """The shipped model: nothing beside its inputs, nor beside the rasters it writes (QGIS
    opens every raster output of a step as a layer, for the variables of the next steps)."""
    demo_folder, _, out = folders
    demo = copy_into(demo_folder, DEMO, DEMO_FILES)
    with left_untouched(demo):
        qgis_process("footprint:footprint_study", "--", *model_arguments(demo, out))
    assert (out / "report.html").is_file()
    assert not sorted(out.rglob("*.aux.xml"))
