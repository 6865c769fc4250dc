"""footprint:mapfootprint on a million facility points against the cost of reading them.

Baseline (the I/O floor): iterate every feature of the GeoPackage through QGIS with the
attributes the algorithm needs (emission, sector, region) and its geometry, doing nothing
else. Ours: the whole algorithm through ``processing.run`` (MRIO read and solved, sources
read, attributed, gridded at 10 km with 40 consumer bands plus total, domestic and foreign,
GeoTIFF and style written, balance table; OUTPUT_SOURCES skipped). Both run in this process
on the same file, twice, interleaved; the best time of each is compared (goal: ratio <= 1.5).
Then the same run on a 1 km grid (about 5,000 x 4,000 cells x 43 bands), in a child process
so that its peak memory (ru_maxrss) is its own (goal: under 4 GB).

The points (synthetic, generated once into a cache folder outside the repository) are the
demo's facilities, each repeated with a Gaussian offset of 0.05 degree, keeping its sector
and province; emissions are log-normal. MRIO, concordance: the demo's.

    .venv/bin/python bench/bench_map.py [--points 1000000] [--cache ~/.cache/footprint-bench]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if "XDG_RUNTIME_DIR" not in os.environ:
    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="runtime-")  # mode 0700

import numpy as np
from osgeo import ogr, osr

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "footprint_plugin" / "data" / "demo"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, "/usr/share/qgis/python/plugins")
FIELDS = ("co2_t", "sector_code", "province")


def make_points(path: Path, count: int, seed: int = 2012) -> None:
    """Write ``count`` synthetic facility points to a GeoPackage (one OGR transaction)."""
    demo = ogr.Open(str(DEMO / "china_demo.gpkg"))
    facilities = demo.GetLayerByName("facilities")
    xs, ys, sectors, provinces = [], [], [], []
    for feature in facilities:
        point = feature.GetGeometryRef()
        xs.append(point.GetX())
        ys.append(point.GetY())
        sectors.append(feature["sector_code"])
        provinces.append(feature["province"])
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(xs), count)
    x = np.asarray(xs)[pick] + rng.normal(0.0, 0.05, count)
    y = np.asarray(ys)[pick] + rng.normal(0.0, 0.05, count)
    co2 = np.round(rng.lognormal(8.0, 1.5, count), 2)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.gpkg")
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(partial))
    wgs84 = osr.SpatialReference()
    wgs84.ImportFromEPSG(4326)
    layer = dataset.CreateLayer("sources", wgs84, ogr.wkbPoint)
    for name, kind in (("sector_code", ogr.OFTString), ("co2_t", ogr.OFTReal)):
        layer.CreateField(ogr.FieldDefn(name, kind))
    layer.CreateField(ogr.FieldDefn("province", ogr.OFTString))
    definition = layer.GetLayerDefn()
    layer.StartTransaction()
    for i in range(count):
        feature = ogr.Feature(definition)
        feature.SetField(0, sectors[pick[i]])
        feature.SetField(1, float(co2[i]))
        feature.SetField(2, provinces[pick[i]])
        point = ogr.Geometry(ogr.wkbPoint)
        point.AddPoint_2D(float(x[i]), float(y[i]))
        feature.SetGeometryDirectly(point)
        layer.CreateFeature(feature)
    layer.CommitTransaction()
    dataset = None
    partial.rename(path)


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss, MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def start_qgis():
    """QGIS, Processing and the footprint provider, headless."""
    from qgis.core import QgsApplication

    application = QgsApplication([], False)
    application.initQgis()
    from processing.core.Processing import Processing

    Processing.initialize()
    import processing

    from footprint_plugin.provider import FootprintProvider

    provider = FootprintProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    return application, provider, processing


def read_floor(path: Path) -> float:
    """Seconds to iterate every feature with the needed attributes and geometry."""
    from qgis.core import QgsFeatureRequest, QgsVectorLayer

    layer = QgsVectorLayer(f"{path}|layername=sources", "sources", "ogr")
    indices = [layer.fields().lookupField(name) for name in FIELDS]
    start = time.perf_counter()
    for feature in layer.getFeatures(QgsFeatureRequest().setSubsetOfAttributes(indices)):
        feature.geometry()
        feature.attributes()
    return time.perf_counter() - start


def run_algorithm(processing, path: Path, cell_size: float, folder: Path) -> tuple[float, dict]:
    """Seconds for the whole algorithm, and its results."""
    parameters = {
        "INPUT": f"{path}|layername=sources",
        "EMISSION_FIELD": "co2_t",
        "SECTOR_FIELD": "sector_code",
        "REGION_FIELD": "province",
        "MRIO": str(DEMO / "mrio"),
        "CONCORDANCE": str(DEMO / "concordance.csv"),
        "CONSUMER_BANDS": 1,  # a band for each of the 40 consumer regions
        "CELL_SIZE": cell_size,
        "OUTPUT": str(folder / f"footprint_{cell_size:g}.tif"),
        "BALANCE": "TEMPORARY_OUTPUT",
    }
    start = time.perf_counter()
    results = processing.run("footprint:mapfootprint", parameters)
    return time.perf_counter() - start, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "footprint-bench")
    parser.add_argument("--only-grid", type=float, help=argparse.SUPPRESS)  # child process
    arguments = parser.parse_args()
    path = arguments.cache / f"points_{arguments.points}.gpkg"
    if not path.exists():
        print(f"Generating {arguments.points:,} points into {path} ...", flush=True)
        start = time.perf_counter()
        make_points(path, arguments.points)
        print(f"  {time.perf_counter() - start:.1f} s", flush=True)

    _application, _provider, processing = start_qgis()
    with tempfile.TemporaryDirectory() as folder:
        if arguments.only_grid:
            seconds, results = run_algorithm(processing, path, arguments.only_grid, Path(folder))
            size = Path(results["OUTPUT"]).stat().st_size / 2**20
            print(f"{seconds:.2f} {peak_memory_mb():.0f} {results['TOTAL']:.6e} {size:.0f}")
            return
        floors, runs = [], []
        for _ in range(2):
            floors.append(read_floor(path))
            seconds, results = run_algorithm(processing, path, 10_000.0, Path(folder))
            runs.append(seconds)
        memory_10km = peak_memory_mb()

    print(f"points: {arguments.points:,} ({path})")
    print(f"read floor (QGIS iteration, geometry + 3 attributes): {min(floors):.2f} s  {floors}")
    print(f"mapfootprint, 10 km, 43 bands:                      {min(runs):.2f} s  {runs}")
    print(f"ratio (algorithm / read floor):                     {min(runs) / min(floors):.2f}")
    print(f"TOTAL {results['TOTAL']:.6e}, FOREIGN_SHARE {results['FOREIGN_SHARE']:.4f}")
    print(f"peak memory (ru_maxrss) after the 10 km runs:        {memory_10km:.0f} MB")
    child = subprocess.run(
        [
            sys.executable,
            __file__,
            "--points",
            str(arguments.points),
            "--cache",
            str(arguments.cache),
            "--only-grid",
            "1000",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, memory, total, size = child.stdout.split()[-4:]
    print(
        f"mapfootprint, 1 km, 43 bands (own process):          {float(seconds):.2f} s, "
        f"peak memory {float(memory):.0f} MB, GeoTIFF {size} MB, TOTAL {float(total):.6e}"
    )


if __name__ == "__main__":
    main()
