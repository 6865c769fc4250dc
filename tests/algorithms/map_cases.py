"""Hand-made inputs for the footprint-map tests: a tiny MRIO, two regions, a few sources.

The MRIO (CSV layout) has regions A and B (the mapped territory) and F (abroad), sectors ELEC
and STEEL, one final-demand category. Its only flow is F/STEEL -> A/STEEL, so the driven
shares of A and B's producers are their sales shares, known by hand (``SHARES``). B/STEEL has
no output at all. Regions A and B are 20 km x 10 km boxes side by side in an equal-area CRS
(EPSG:6933, metres), so a 10 km grid has its cells at known places.
"""

from pathlib import Path

import numpy as np
import pandas as pd
from osgeo import gdal
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsProject,
    QgsWkbTypes,
)

from tests.algorithms.footprint_rasters import RecordingFeedback, box_wkt, memory_layer

EQUAL_AREA = "EPSG:6933"
REGION_A = box_wkt(0, 0, 20000, 10000)
REGION_B = box_wkt(20000, 0, 40000, 10000)
SHARES = {
    ("A", "ELEC"): {"A": 0.75, "F": 0.25},
    ("B", "ELEC"): {"B": 0.5, "F": 0.5},
    ("A", "STEEL"): {"A": 0.5, "F": 0.5},
}
"""Driven shares by consumer region of the producers the tests emit from."""


def expected_bands(amount, region, sector="ELEC"):
    """(total, domestic, foreign, F) of an amount emitted by a producer of the tiny MRIO."""
    foreign = amount * SHARES[(region, sector)]["F"]
    return np.array([amount, amount - foreign, foreign, foreign])


BAND_NAMES = ("total", "domestic", "foreign", "F")


def write_tiny_mrio(folder: Path) -> Path:
    """The tiny MRIO in the plugin's CSV layout; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "producers.csv").write_text(
        "region,sector\nA,ELEC\nA,STEEL\nB,ELEC\nB,STEEL\nF,ELEC\nF,STEEL\n"
    )
    (folder / "flows.csv").write_text(
        "from_region,from_sector,to_region,to_sector,value\nF,STEEL,A,STEEL,0.5\n"
    )
    (folder / "final_demand.csv").write_text(
        "from_region,from_sector,to_region,category,value\n"
        "A,ELEC,A,hh,3\nA,ELEC,F,hh,1\nA,STEEL,A,hh,1\nA,STEEL,F,hh,1\n"
        "B,ELEC,B,hh,1\nB,ELEC,F,hh,1\nF,ELEC,F,hh,5\nF,STEEL,F,hh,5\n"
    )
    return folder


def regions_layer(crs: str = EQUAL_AREA, boxes=(("A", REGION_A), ("B", REGION_B))):
    """Polygon memory layer of regions with their code in ``code``."""
    return memory_layer(
        f"MultiPolygon?crs={crs}&field=code:string", [(wkt, [code]) for code, wkt in boxes]
    )


def sources_layer(geometry_type: str, rows, crs: str = EQUAL_AREA):
    """Memory layer of sources: (WKT, co2, sector, region) rows (``crs=""``: no CRS)."""
    uri = f"{geometry_type}?crs={crs}&field=co2:double&field=sector:string&field=region:string"
    return memory_layer(uri, [(wkt, [co2, sector, region]) for wkt, co2, sector, region in rows])


def reprojected(layer, crs: str):
    """A copy of a memory layer with its geometries transformed to ``crs``."""
    source, target = layer.crs(), QgsCoordinateReferenceSystem(crs)
    transform = QgsCoordinateTransform(source, target, QgsProject.instance())
    kind = QgsWkbTypes.displayString(layer.wkbType())
    rows = []
    for feature in layer.getFeatures():
        geometry = feature.geometry()
        geometry.transform(transform)
        rows.append((geometry.asWkt(17), feature.attributes()))
    fields = "".join(
        f"&field={field.name()}:{'double' if field.isNumeric() else 'string'}"
        for field in layer.fields()
    )
    return memory_layer(f"{kind}?crs={crs}{fields}", rows)


def map_parameters(tmp_path, sources, regions=None, **parameters):
    """Parameters of footprint:mapfootprint for ``sources`` with the tiny MRIO."""
    defaults = {
        "INPUT": sources,
        "EMISSION_FIELD": "co2",
        "SECTOR_FIELD": "sector",
        "REGIONS": regions if regions is not None else regions_layer(),
        "REGION_CODE_FIELD": "code",
        "MRIO": str(write_tiny_mrio(tmp_path / "mrio")),
        "TARGET_CRS": EQUAL_AREA,
        "CELL_SIZE": 10000.0,
        "OUTPUT": str(tmp_path / "footprint.tif"),
        "BALANCE": "TEMPORARY_OUTPUT",
    }
    return {**defaults, **parameters}


def run_map(processing, tmp_path, sources, regions=None, **parameters):
    """Run footprint:mapfootprint with the tiny MRIO; (results, bands, feedback)."""
    feedback = RecordingFeedback()
    results = processing.run(
        "footprint:mapfootprint",
        map_parameters(tmp_path, sources, regions, **parameters),
        feedback=feedback,
    )
    return results, read_bands(results["OUTPUT"]), feedback


def read_bands(path) -> np.ndarray:
    """All bands of a raster as float64 (bands, rows, cols), nodata as NaN."""
    dataset = gdal.Open(str(path))
    bands = []
    for number in range(1, dataset.RasterCount + 1):
        band = dataset.GetRasterBand(number)
        values = band.ReadAsArray().astype(np.float64)
        values[values == band.GetNoDataValue()] = np.nan
        bands.append(values)
    return np.stack(bands)


def table(layer) -> pd.DataFrame:
    """A (no-geometry) layer's attributes as a DataFrame."""
    names = layer.fields().names()
    return pd.DataFrame([feature.attributes() for feature in layer.getFeatures()], columns=names)


def balance(results) -> pd.DataFrame:
    """The BALANCE output indexed by (account, item)."""
    return table(results["BALANCE"]).set_index(["account", "item"])
