"""Outputs never destroy an input, never are reported without being written, and appear only
complete: checked before any work, written aside, moved into place when the run succeeded."""

import hashlib

import numpy as np
import pytest
from osgeo import gdal, ogr, osr
from qgis.core import QgsProcessingException, QgsProject, QgsVectorLayer

from footprint_plugin.algorithms.map_base import FootprintMapAlgorithm
from footprint_plugin.qgis_io.outputs import PARTIAL_PREFIX
from tests.algorithms.footprint_rasters import RecordingFeedback, cancelling_at
from tests.algorithms.map_cases import balance, map_parameters, read_bands, sources_layer

POINTS = [
    ("POINT(5000 5000)", 100.0, "ELEC", ""),
    ("POINT(25000 5000)", 40.0, "ELEC", ""),
    ("POINT(15000 5000)", 20.0, "STEEL", ""),
]


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inventory_geopackage(path):
    """The test points in a GeoPackage layer ``facilities`` (EPSG:6933)."""
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(6933)
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    layer = dataset.CreateLayer("facilities", srs, ogr.wkbPoint)
    for name, kind in (("co2", ogr.OFTReal), ("sector", ogr.OFTString)):
        layer.CreateField(ogr.FieldDefn(name, kind))
    for wkt, co2, sector, _ in POINTS:
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        feature["co2"], feature["sector"] = co2, sector
        layer.CreateFeature(feature)
    dataset = None
    return path


def run(processing, tmp_path, feedback=None, **parameters):
    return processing.run(
        "footprint:mapfootprint",
        map_parameters(tmp_path, sources_layer("Point", POINTS), **parameters),
        feedback=feedback or RecordingFeedback(),
    )


def refused_before_any_work(processing, tmp_path, message, **parameters):
    """Run mapfootprint, which must stop with ``message`` before its first step (the grid,
    whose size it reports) and leave nothing in ``tmp_path``'s outputs."""
    feedback = RecordingFeedback()
    with pytest.raises(QgsProcessingException, match=message):
        run(processing, tmp_path, feedback=feedback, **parameters)
    assert "Grid:" not in feedback.log
    assert not (tmp_path / "footprint.tif").exists()


def leftovers(folder) -> list:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith(PARTIAL_PREFIX))


def test_a_table_onto_the_concordance_is_refused(processing, provider, tmp_path):
    concordance = tmp_path / "concordance.csv"
    concordance.write_text(
        "inventory_sector,mrio_sector,weight\nELEC,ELEC,1\nSTEEL,STEEL,1\n", encoding="utf-8"
    )
    before = digest(concordance)
    with pytest.raises(QgsProcessingException, match="input CONCORDANCE"):
        run(processing, tmp_path, CONCORDANCE=str(concordance), BALANCE=str(concordance))
    assert digest(concordance) == before


def test_a_table_onto_a_file_of_the_mrio_folder_is_refused(processing, provider, tmp_path):
    parameters = map_parameters(tmp_path, sources_layer("Point", POINTS))
    producers = tmp_path / "mrio" / "producers.csv"
    before = digest(producers)
    with pytest.raises(QgsProcessingException, match="input MRIO"):
        processing.run("footprint:mapfootprint", {**parameters, "BALANCE": str(producers)})
    assert digest(producers) == before


def test_hotspots_onto_their_footprint_map_or_its_style_are_refused(processing, provider, tmp_path):
    footprint = run(processing, tmp_path)["OUTPUT"]
    style = tmp_path / "footprint.qml"
    before = digest(tmp_path / "footprint.tif"), digest(style)
    for output, replaced in ((footprint, "footprint.tif"), (tmp_path / "footprint.tiff", "qml")):
        with pytest.raises(QgsProcessingException, match=f"would replace .*{replaced}.* INPUT"):
            processing.run(
                "footprint:hotspots",
                {"INPUT": footprint, "OUTPUT": str(output), "CURVE": "memory:", "LEVEL": 75},
            )
    assert (digest(tmp_path / "footprint.tif"), digest(style)) == before


def test_two_outputs_onto_one_file_are_refused(processing, provider, tmp_path):
    same = str(tmp_path / "table.csv")
    refused_before_any_work(processing, tmp_path, "both write", BALANCE=same, CONSUMERS=same)
    assert not (tmp_path / "table.csv").exists()


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "missing/deeper/balance.csv",
            r"The folder of BALANCE \(.*missing/deeper\) does not exist",
        ),
        # procfs takes no new file, even from root (tests may run as root, where chmod is moot)
        ("/proc/balance.csv", r"Cannot write BALANCE in /proc: .* Choose a folder you can"),
    ],
)
def test_a_folder_that_cannot_take_an_output_is_refused_before_any_work(
    processing, provider, tmp_path, target, message
):
    # tmp_path / target keeps an absolute target as it is
    refused_before_any_work(processing, tmp_path, message, BALANCE=str(tmp_path / target))


def test_a_cancelled_run_leaves_none_of_its_outputs(processing, provider, tmp_path):
    (tmp_path / "out").mkdir()
    with pytest.raises(QgsProcessingException, match="Cancelled"):
        run(
            processing,
            tmp_path,
            feedback=cancelling_at(FootprintMapAlgorithm.STEPS, "tables"),
            OUTPUT=str(tmp_path / "out" / "footprint.tif"),
            BALANCE=str(tmp_path / "out" / "balance.csv"),
        )
    assert list((tmp_path / "out").iterdir()) == []  # the raster was complete, but not moved


def test_every_output_listed_exists_and_replaces_the_old_one(processing, provider, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    stale = out / "footprint.tif.aux.xml"
    stale.write_text("<PAMDataset>statistics of an older raster</PAMDataset>")
    (out / "footprint.tif").write_bytes(b"an older run")
    results = run(
        processing,
        tmp_path,
        OUTPUT=str(out / "footprint.tif"),
        BALANCE=str(out / "balance.csv"),
        CONSUMERS=str(out / "consumers.gpkg"),
        OUTPUT_SOURCES=str(out / "sources.gpkg"),
    )
    for key in ("OUTPUT", "BALANCE", "CONSUMERS", "OUTPUT_SOURCES"):
        assert (out / results[key].split("/")[-1]).is_file(), key
    assert sorted(path.name for path in out.iterdir()) == [
        "balance.csv",
        "consumers.gpkg",
        "footprint.qml",
        "footprint.tif",
        "sources.gpkg",
    ]
    assert np.nansum(read_bands(out / "footprint.tif")[0]) == pytest.approx(160.0)
    # a GeoPackage's layer is named after its file, not after the name it was written under
    assert ogr.Open(str(out / "sources.gpkg")).GetLayer(0).GetName() == "sources"


def test_an_emission_beyond_float32_is_mapped_in_float64(processing, provider, tmp_path):
    huge = [("POINT(5000 5000)", 1e300, "ELEC", ""), ("POINT(25000 5000)", 40.0, "ELEC", "")]
    feedback = RecordingFeedback()
    results = processing.run(
        "footprint:mapfootprint",
        map_parameters(tmp_path, sources_layer("Point", huge)),
        feedback=feedback,
    )
    dataset = gdal.Open(results["OUTPUT"])
    assert dataset.GetRasterBand(1).DataType == gdal.GDT_Float64
    bands = read_bands(results["OUTPUT"])
    assert np.isfinite(bands[~np.isnan(bands)]).all()
    assert np.nansum(bands[0]) == pytest.approx(1e300, rel=1e-12)
    # A/ELEC: 1/4 foreign, in the first cell; B/ELEC: 1/2 foreign (map_cases.SHARES)
    assert bands[2][0, 0] == pytest.approx(0.25e300, rel=1e-12)
    assert bands[2][0, 2] == pytest.approx(20.0, rel=1e-12)
    assert balance(results).loc[("attributed", "total"), "amount"] == pytest.approx(1e300)
    assert "float64" in feedback.log


def test_outputs_written_aside_load_from_their_destinations(processing, provider, tmp_path):
    from qgis.core import (
        QgsProcessingContext,
        QgsProcessingOutputLayerDefinition,
        QgsProject,
        QgsVectorLayer,
    )

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    asked = {}
    for key, name in (("BALANCE", "balance.gpkg"), ("OUTPUT_SOURCES", "sources.shp")):
        asked[key] = QgsProcessingOutputLayerDefinition(str(tmp_path / name), context.project())
        asked[key].destinationName = key.title()
    results = processing.run(
        "footprint:mapfootprint",
        map_parameters(tmp_path, sources_layer("Point", POINTS), **asked),
        context=context,
        feedback=RecordingFeedback(),
    )
    to_load = context.layersToLoadOnCompletion()
    for key, count in (("BALANCE", None), ("OUTPUT_SOURCES", len(POINTS))):
        assert results[key] in to_load, key
        assert to_load[results[key]].name == key.title()
        layer = QgsVectorLayer(results[key], key, "ogr")
        assert layer.isValid(), key
        assert count is None or layer.featureCount() == count
    assert {path.suffix for path in tmp_path.glob("sources.*")} >= {".shp", ".dbf", ".shx"}
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("destination", "message"),
    [
        ("{gpkg}", r"would replace .*inventory\.gpkg.* INPUT"),
        ("ogr:dbname='{gpkg}' table=\"facilities\" (geom)", r"would write into .*inventory\.gpkg"),
        ('ogr:dbname="{gpkg}" table="facilities" (geom)', r"would write into .*inventory\.gpkg"),
        ("ogr:dbname={gpkg} table=facilities (geom)", r"would write into .*inventory\.gpkg"),
        ("ogr:dbname={gpkg} table=another (geom)", r"would write into .*inventory\.gpkg"),
        ("{gpkg}|layername=another", r"would write into .*inventory\.gpkg"),
    ],
)
def test_an_output_onto_or_into_the_inventory_geopackage_is_refused(
    processing, provider, tmp_path, destination, message
):
    inventory = inventory_geopackage(tmp_path / "inventory.gpkg")
    before = digest(inventory)
    refused_before_any_work(
        processing,
        tmp_path,
        message,
        INPUT=f"{inventory}|layername=facilities",
        OUTPUT_SOURCES=destination.format(gpkg=inventory),
    )
    assert digest(inventory) == before


def test_an_output_onto_the_file_of_an_input_given_as_a_project_layer_is_refused(
    processing, provider, tmp_path
):
    """INPUT given as a loaded layer's id (as the dialog passes it): its file is found
    through the layer, and an output onto it is refused."""
    inventory = inventory_geopackage(tmp_path / "inventory.gpkg")
    layer = QgsVectorLayer(f"{inventory}|layername=facilities", "facilities", "ogr")
    project = QgsProject.instance()
    project.addMapLayer(layer)
    before = digest(inventory)
    try:
        refused_before_any_work(
            processing,
            tmp_path,
            r"would replace .*inventory\.gpkg.* INPUT",
            INPUT=layer.id(),
            OUTPUT_SOURCES=str(inventory),
        )
    finally:
        project.removeAllMapLayers()
    assert digest(inventory) == before


def test_a_new_file_in_the_mrio_folder_is_refused(processing, provider, tmp_path):
    parameters = map_parameters(tmp_path, sources_layer("Point", POINTS))
    target = tmp_path / "mrio" / "final_demand_stressors.csv"  # a name the reader would read
    with pytest.raises(QgsProcessingException, match=r"folder .*mrio of the input MRIO"):
        processing.run("footprint:mapfootprint", {**parameters, "BALANCE": str(target)})
    assert not target.exists()


def test_an_input_rasters_aux_xml_is_not_replaced(processing, provider, tmp_path):
    footprint = run(processing, tmp_path)["OUTPUT"]
    side = tmp_path / "footprint.tif.aux.xml"
    side.write_text("<PAMDataset/>")
    with pytest.raises(QgsProcessingException, match=r"would replace .*aux\.xml.* INPUT"):
        processing.run(
            "footprint:hotspots", {"INPUT": footprint, "OUTPUT": "memory:", "CURVE": str(side)}
        )
    assert side.read_text() == "<PAMDataset/>"


def test_an_output_inside_another_runs_partial_folder_is_refused(processing, provider, tmp_path):
    partial = tmp_path / f"{PARTIAL_PREFIX}x1y2"
    partial.mkdir()
    refused_before_any_work(
        processing,
        tmp_path,
        "inside the folder where another run",
        BALANCE=str(partial / "balance.csv"),
    )
    assert list(partial.iterdir()) == []


def test_emissions_whose_total_overflows_are_refused(processing, provider, tmp_path):
    huge = [("POINT(5000 5000)", 1.7e308, "ELEC", ""), ("POINT(25000 5000)", 1.7e308, "ELEC", "")]
    with pytest.raises(QgsProcessingException, match="more than a 64-bit float holds"):
        processing.run(
            "footprint:mapfootprint", map_parameters(tmp_path, sources_layer("Point", huge))
        )
    assert not (tmp_path / "footprint.tif").exists()
