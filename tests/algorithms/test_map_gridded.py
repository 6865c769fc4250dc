"""footprint:mapgriddedfootprint: gridded inventories moved onto the grid by sum, not average."""

import shutil
from pathlib import Path

import numpy as np
import pytest
from osgeo import gdal
from qgis.core import QgsProcessingException

from tests.algorithms.footprint_rasters import write_raster
from tests.algorithms.map_cases import balance, read_bands, regions_layer, write_tiny_mrio
from tests.conftest import ROOT

DEMO = ROOT / "footprint_plugin" / "data" / "demo"
# Regions A and B in degrees, sharing the meridian 0.2; 0.1 degree cells as EDGAR's.
REGIONS_4326 = (
    ("A", "POLYGON((0 0,0.2 0,0.2 0.1,0 0.1,0 0))"),
    ("B", "POLYGON((0.2 0,0.4 0,0.4 0.1,0.2 0.1,0.2 0))"),
)


def run_gridded(processing, tmp_path, rasters, **parameters):
    defaults = {
        "INPUT": [str(path) for path in rasters],
        "REGIONS": regions_layer("EPSG:4326", REGIONS_4326),
        "REGION_CODE_FIELD": "code",
        "MRIO": str(write_tiny_mrio(tmp_path / "mrio")),
        "CELL_SIZE": 10000.0,
        "OUTPUT": str(tmp_path / "footprint.tif"),
        "BALANCE": "TEMPORARY_OUTPUT",
    }
    return processing.run("footprint:mapgriddedfootprint", {**defaults, **parameters})


def test_the_demo_raster_keeps_its_total_on_the_10_km_grid(processing, provider, tmp_path):
    # A copy: QGIS's check of a raster parameter loads it as a layer, which leaves a .aux.xml.
    raster = Path(shutil.copy(DEMO / "other_manufacturing_area.tif", tmp_path))
    values = gdal.Open(str(raster)).ReadAsArray().astype(np.float64)
    inventory = values[values > 0].sum()
    results = processing.run(
        "footprint:mapgriddedfootprint",
        {
            "INPUT": [str(raster)],
            "SECTORS": "1A2",
            "REGIONS": f"{DEMO / 'china_demo.gpkg'}|layername=provinces",
            "REGION_CODE_FIELD": "code",
            "MRIO": str(DEMO / "mrio"),
            "CONCORDANCE": str(DEMO / "concordance.csv"),
            "OUTPUT": str(tmp_path / "footprint.tif"),
            "BALANCE": "TEMPORARY_OUTPUT",
        },
    )
    bands = read_bands(results["OUTPUT"])
    assert gdal.Open(results["OUTPUT"]).GetGeoTransform()[1] == 10000.0
    accounts = balance(results)
    assert accounts.loc[("inventory", "all sources"), "amount"] == pytest.approx(inventory)
    assert (accounts.loc["unattributed", "amount"] == 0).all()
    assert results["TOTAL"] == pytest.approx(inventory, rel=1e-9)
    assert np.nansum(bands[0]) == pytest.approx(inventory, rel=1e-6)
    for band in range(bands.shape[0]):
        assert np.nansum(bands[band]) == pytest.approx(
            accounts.loc["attributed", "amount"].iloc[band], rel=1e-6
        )
    assert 0.1 < results["FOREIGN_SHARE"] < 0.3


def test_a_cell_across_a_border_is_shared_by_area(processing, provider, tmp_path):
    # Cells [0.05, 0.15], [0.15, 0.25] (half in A, half in B) and [0.25, 0.35] degrees.
    raster = write_raster(
        tmp_path / "elec.tif", [[10.0, 100.0, 20.0]], (0.05, 0.1), (0.1, 0.1), "EPSG:4326"
    )
    results = run_gridded(processing, tmp_path, [raster], SECTORS="ELEC", SUBCELLS=4)

    assert results["TOTAL"] == pytest.approx(130.0)
    # foreign: 10 x 0.25 (A) + 50 x 0.25 (A) + 50 x 0.5 (B) + 20 x 0.5 (B)
    assert results["FOREIGN"] == pytest.approx(2.5 + 12.5 + 25.0 + 10.0)
    assert np.nansum(read_bands(results["OUTPUT"])[0]) == pytest.approx(130.0, rel=1e-6)


def test_an_edgar_style_grid_keeps_its_total_even_on_the_coast(processing, provider, tmp_path):
    # The rows span latitudes 0.05 to 0.15 and -0.05 to 0.05, so every cell is half on the
    # regions (latitudes 0 to 0.1), as on a coast: a cell is kept whole, on its part on land.
    values = [[5.0, 0.0, 7.0, 0.0], [11.0, 13.0, 17.0, 19.0]]
    raster = write_raster(tmp_path / "edgar.tif", values, (0.0, 0.15), (0.1, 0.1), "EPSG:4326")
    results = run_gridded(processing, tmp_path, [raster], SECTORS="ELEC", SUBCELLS=4)

    accounts = balance(results)
    assert accounts.loc[("inventory", "all sources"), "amount"] == pytest.approx(72.0)
    assert results["TOTAL"] == pytest.approx(72.0)
    assert np.nansum(read_bands(results["OUTPUT"])[0]) == pytest.approx(72.0, rel=1e-6)


def test_a_cell_off_every_region_is_reported(processing, provider, tmp_path):
    raster = write_raster(tmp_path / "sea.tif", [[3.0, 4.0]], (1.0, 0.1), (0.1, 0.1), "EPSG:4326")
    inland = write_raster(tmp_path / "land.tif", [[6.0]], (0.0, 0.1), (0.1, 0.1), "EPSG:4326")
    results = run_gridded(
        processing, tmp_path, [inland, raster], SECTORS="ELEC,ELEC", EXTENT="0,2,0,0.1 [EPSG:4326]"
    )
    accounts = balance(results)
    assert accounts.loc[("unattributed", "no_region"), "amount"] == pytest.approx(7.0)
    assert results["TOTAL"] == pytest.approx(6.0)


def test_a_band_to_sector_table_for_a_multiband_raster(processing, provider, tmp_path):
    raster = write_raster(
        tmp_path / "sectors.tif", [[[8.0]], [[4.0]]], (0.0, 0.1), (0.1, 0.1), "EPSG:4326"
    )
    table = tmp_path / "bands.csv"
    table.write_text("band,sector\n1,ELEC\n2,STEEL\n")
    results = run_gridded(processing, tmp_path, [raster], SECTOR_TABLE=str(table))
    assert results["TOTAL"] == pytest.approx(12.0)
    assert results["FOREIGN"] == pytest.approx(8.0 * 0.25 + 4.0 * 0.5)


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({}, "Say which sector each band holds, with SECTORS"),
        (
            {"SECTORS": "ELEC,STEEL"},
            "SECTORS lists 2 sector code(s) but the rasters have 1 band(s)",
        ),
    ],
)
def test_band_sectors_must_be_given_once_per_band(
    processing, provider, tmp_path, parameters, message
):
    raster = write_raster(tmp_path / "one.tif", [[1.0]], (0.0, 0.1), (0.1, 0.1), "EPSG:4326")
    with pytest.raises(QgsProcessingException) as raised:
        run_gridded(processing, tmp_path, [raster], **parameters)
    assert message in str(raised.value)


def test_a_sector_table_naming_an_unknown_raster(processing, provider, tmp_path):
    raster = write_raster(tmp_path / "one.tif", [[1.0]], (0.0, 0.1), (0.1, 0.1), "EPSG:4326")
    other = write_raster(tmp_path / "two.tif", [[1.0]], (0.0, 0.1), (0.1, 0.1), "EPSG:4326")
    table = tmp_path / "bands.csv"
    table.write_text("layer,band,sector\nthree,1,ELEC\n")
    with pytest.raises(QgsProcessingException, match="SECTOR_TABLE names the raster 'three'"):
        run_gridded(processing, tmp_path, [raster, other], SECTOR_TABLE=str(table))


def test_packed_values_are_unpacked_with_the_band_scale_and_offset(processing, provider, tmp_path):
    raster = write_raster(
        tmp_path / "packed.tif", [[10.0, 100.0, 20.0]], (0.05, 0.1), (0.1, 0.1), "EPSG:4326"
    )
    dataset = gdal.Open(str(raster), gdal.GA_Update)
    dataset.GetRasterBand(1).SetScale(0.5)
    dataset.GetRasterBand(1).SetOffset(1.0)
    dataset = None
    results = run_gridded(processing, tmp_path, [raster], SECTORS="ELEC", SUBCELLS=4)
    assert results["TOTAL"] == pytest.approx((10 + 100 + 20) * 0.5 + 3 * 1.0)
