"""The demo study's inputs as the tests give them to footprint:mapfootprint."""

import numpy as np
from osgeo import gdal, ogr

from tests.conftest import ROOT

DEMO = ROOT / "footprint_plugin" / "data" / "demo"
GPKG = DEMO / "china_demo.gpkg"


def demo_layer(name: str, demo=DEMO) -> str:
    """A layer of the demo GeoPackage in the folder ``demo``."""
    return f"{demo / 'china_demo.gpkg'}|layername={name}"


def demo_map_parameters(demo=DEMO, **parameters) -> dict:
    """mapfootprint's parameters for the demo facilities in their provinces, the inputs read
    from the folder ``demo``; ``parameters`` add to or replace them."""
    return {
        "INPUT": demo_layer("facilities", demo),
        "EMISSION_FIELD": "co2_t",
        "SECTOR_FIELD": "sector_code",
        "REGIONS": demo_layer("provinces", demo),
        "REGION_CODE_FIELD": "code",
        "MRIO": str(demo / "mrio"),
        "CONCORDANCE": str(demo / "concordance.csv"),
        **parameters,
    }


def band_values(dataset, band_number: int = 1) -> np.ndarray:
    """A band of a GDAL dataset as float64, nodata and NaN as 0 (no mass)."""
    band = dataset.GetRasterBand(band_number)
    values = band.ReadAsArray().astype(np.float64)
    values[(values == band.GetNoDataValue()) | np.isnan(values)] = 0.0
    return values


def demo_zones_on_subcells(dataset, layer_name: str, field: str, subcells: int, first_wins: bool):
    """Which feature of a demo layer holds each of the ``subcells`` x ``subcells`` sub-cells of
    every cell of ``dataset``, by GDAL's rasterizer (a sub-cell is a feature's when its centre
    is inside; where features overlap the first or the last in layer order wins), -1 for none;
    as an array (rows, subcells, cols, subcells), with the features' ``field`` values."""
    rows, cols = dataset.RasterYSize, dataset.RasterXSize
    x_min, width, _, y_max, _, height = dataset.GetGeoTransform()
    fine = gdal.GetDriverByName("MEM").Create(
        "", cols * subcells, rows * subcells, 1, gdal.GDT_Int16
    )
    fine.SetGeoTransform((x_min, width / subcells, 0, y_max, 0, height / subcells))
    fine.SetProjection(dataset.GetProjection())
    fine.GetRasterBand(1).Fill(-1)
    gpkg = ogr.Open(str(GPKG))  # kept: a layer dies with its dataset
    layer = gpkg.GetLayerByName(layer_name)
    features = [(feature.GetFID(), feature[field]) for feature in layer]
    order = range(len(features))
    for position in reversed(order) if first_wins else order:  # the one burnt last wins
        layer.SetAttributeFilter(f"FID = {features[position][0]}")
        gdal.RasterizeLayer(fine, [1], layer, burn_values=[position])
    zone = fine.GetRasterBand(1).ReadAsArray().reshape(rows, subcells, cols, subcells)
    return zone, [value for _, value in features]
