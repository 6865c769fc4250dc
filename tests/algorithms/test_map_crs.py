"""The grid does not depend on the CRS the inputs come in: EPSG:4326 and projected give one map."""

import numpy as np
from osgeo import gdal

from tests.algorithms.map_cases import (
    regions_layer,
    reprojected,
    run_map,
    sources_layer,
)

# Two regions in Sichuan, in degrees, sharing the meridian 104.3. (Not 104: the fitted
# projection's central meridian is a cell edge, where a point moved by 1e-9 m by the
# round trip through EPSG:3857 may change cells; cell edges are tested on their own.)
REGIONS = (
    ("A", "POLYGON((103 30,104.3 30,104.3 31,103 31,103 30))"),
    ("B", "POLYGON((104.3 30,105 30,105 31,104.3 31,104.3 30))"),
)
POINTS = [
    ("POINT(103.5 30.5)", 100.0, "ELEC", None),
    ("POINT(104.3 30.2)", 50.0, "ELEC", None),  # on the A|B border
    ("POINT(104.7 30.9)", 20.0, "ELEC", None),
]
POLYGONS = [
    ("POLYGON((103.8 30.1,104.3 30.1,104.3 30.6,103.8 30.6,103.8 30.1))", 80.0, "ELEC", None)
]


def grid_and_bands(path):
    dataset = gdal.Open(str(path))
    return (
        dataset.GetGeoTransform(),
        dataset.RasterXSize,
        dataset.RasterYSize,
        dataset.ReadAsArray(),
    )


def test_inputs_in_4326_and_in_a_projected_crs_give_the_same_grid(processing, provider, tmp_path):
    geographic = {
        "regions": regions_layer("EPSG:4326", REGIONS),
        "points": sources_layer("Point", POINTS, "EPSG:4326"),
        "polygons": sources_layer("Polygon", POLYGONS, "EPSG:4326"),
    }
    projected = {name: reprojected(layer, "EPSG:3857") for name, layer in geographic.items()}
    outputs = {}
    for label, layers in (("geographic", geographic), ("projected", projected)):
        for kind in ("points", "polygons"):
            folder = tmp_path / label / kind
            folder.mkdir(parents=True)
            results, _, _ = run_map(
                processing,
                folder,
                layers[kind],
                regions=layers["regions"],
                TARGET_CRS=None,  # the fitted Albers projection, from the regions
                CELL_SIZE=20000.0,
            )
            outputs[label, kind] = grid_and_bands(results["OUTPUT"]), results["TOTAL"]

    for kind, total in (("points", 170.0), ("polygons", 80.0)):
        (geo_transform, width, height, geo_bands), geo_total = outputs["geographic", kind]
        (pro_transform, pro_width, pro_height, pro_bands), pro_total = outputs["projected", kind]
        assert (width, height) == (pro_width, pro_height)
        np.testing.assert_allclose(geo_transform, pro_transform, rtol=0, atol=1e-6)
        np.testing.assert_allclose(geo_bands, pro_bands, rtol=1e-6, atol=1e-6)
        assert abs(geo_total - total) < 1e-6 * total
        assert abs(pro_total - total) < 1e-6 * total
