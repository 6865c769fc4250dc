"""Build the embedded demo dataset of the plugin (footprint_plugin/data/demo/).

Two steps, so that the synthetic part can be regenerated (and tested) without a network:

``geography``  downloads the pinned source packages into a cache folder (default
               ~/.cache/footprint-demo) and writes the real base layers of china_demo.gpkg:
               provinces, cities, ports, countries, places (see demo_geography.py).
``synthetic``  reads that GeoPackage and writes, from one seed: the SYNTHETIC facility
               inventory (layer ``facilities``), the SYNTHETIC area-source raster, the
               SYNTHETIC nested MRIO (mrio/), concordance.csv and manifest.json
               (see demo_inventory.py and demo_mrio.py).
``all``        both, in that order.

Rebuild everything:  .venv/bin/python scripts/build_demo_data.py all
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
from pathlib import Path

import numpy as np
from demo_common import (
    GPKG_NAME,
    MAINLAND_CODES,
    LayerSpec,
    haversine_km,
    read_gpkg_layer,
    write_gpkg_layers,
)
from demo_geography import build_geography
from demo_inventory import (
    AREA_RASTER_NAME,
    Facility,
    area_sources,
    draw_facilities,
    emissions_by_province_sector,
    write_area_raster,
)
from demo_mrio import Geography, build_mrio, concordance_rows, write_mrio
from osgeo import ogr

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "footprint_plugin" / "data" / "demo"
DEFAULT_CACHE = Path.home() / ".cache" / "footprint-demo"
DEFAULT_SEED = 2012

MANIFEST_LAYERS = [
    (GPKG_NAME, "countries", "Countries (Natural Earth)", "countries"),
    (GPKG_NAME, "provinces", "Provinces of China", "boundaries"),
    (GPKG_NAME, "cities", "Prefecture-level cities of China", "cities"),
    (GPKG_NAME, "ports", "Ports (searoute)", "ports"),
    (GPKG_NAME, "places", "Cities with population (GeoNames)", "places"),
    (GPKG_NAME, "facilities", "SYNTHETIC facility inventory", "inventory"),
    (
        AREA_RASTER_NAME,
        None,
        "SYNTHETIC other manufacturing area emissions (t CO2 per cell)",
        "raster",
    ),
]


def read_geography(gpkg: Path) -> tuple[dict[str, ogr.Geometry], list[dict], Geography]:
    """Mainland province geometries, GeoNames places and province centroids/seaport distance."""
    provinces = {a["code"]: g for a, g in read_gpkg_layer(gpkg, "provinces")}
    provinces = {code: provinces[code] for code in MAINLAND_CODES}
    places = [
        dict(attributes, lon=geometry.GetX(), lat=geometry.GetY())
        for attributes, geometry in read_gpkg_layer(gpkg, "places")
    ]
    seaports = np.array(
        [
            (g.GetX(), g.GetY())
            for a, g in read_gpkg_layer(gpkg, "ports")
            if a["country"] == "CN" and a["terminal"] == 1
        ]
    )
    centroids = np.array(
        [(provinces[c].Centroid().GetX(), provinces[c].Centroid().GetY()) for c in MAINLAND_CODES]
    )
    seaport_km = haversine_km(
        centroids[:, None, 0], centroids[:, None, 1], seaports[None, :, 0], seaports[None, :, 1]
    ).min(axis=1)
    return provinces, places, Geography(centroids, seaport_km)


def facilities_layer(facilities: list[Facility]) -> LayerSpec:
    """GeoPackage layer of the synthetic facilities."""
    features = []
    for facility in facilities:
        point = ogr.Geometry(ogr.wkbPoint)
        point.AddPoint_2D(facility.lon, facility.lat)
        attributes = facility._asdict()
        del attributes["lon"], attributes["lat"]
        features.append((attributes, point))
    string = ogr.OFTString
    return LayerSpec(
        "facilities",
        "SYNTHETIC facility inventory",
        "SYNTHETIC facility inventory: generated demo data (scripts/build_demo_data.py), "
        "not real facilities; sector_code = IPCC 2006 category, co2_t = t CO2 per year",
        ogr.wkbPoint,
        [
            ("facility_id", ogr.OFTInteger),
            ("name", string),
            ("sector_code", string),
            ("sector_name", string),
            ("province", string),
            ("near_city", string),
            ("co2_t", ogr.OFTReal),
        ],
        features,
    )


def write_concordance(path: Path) -> None:
    """Inventory (IPCC 2006) code -> MRIO sector, with weights summing to 1 per code."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["inventory_sector", "mrio_sector", "weight"])
        for code, sector, weight in concordance_rows():
            writer.writerow([code, sector, f"{weight:g}"])


def write_manifest(path: Path) -> None:
    """List of the demo layers the plugin can load into a project."""
    layers = [
        {
            "file": file_name,
            "layer": layer,
            "display_name": display_name,
            "role": role,
            "type": "raster" if layer is None else "vector",
        }
        for file_name, layer, display_name, role in MANIFEST_LAYERS
    ]
    manifest = {
        "version": 1,
        "crs": "EPSG:4326",
        "layers": layers,
        "mrio": {
            "folder": "mrio",
            "display_name": "SYNTHETIC nested MRIO (China provinces + world)",
            "extension": "emissions",
            "stressor": "CO2",
        },
        "concordance": {
            "file": "concordance.csv",
            "display_name": "Inventory (IPCC 2006) to MRIO sector concordance",
        },
    }
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def build_synthetic(geography_gpkg: Path, out_dir: Path, seed: int) -> dict:
    """Write every synthetic output into ``out_dir`` from the geography GeoPackage."""
    if not geography_gpkg.is_file():
        raise SystemExit(f"no GeoPackage at {geography_gpkg}: run the geography step first")
    out_dir.mkdir(parents=True, exist_ok=True)
    gpkg = out_dir / GPKG_NAME
    if geography_gpkg.resolve() != gpkg.resolve():
        shutil.copyfile(geography_gpkg, gpkg)
    provinces, places, geography = read_geography(gpkg)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 1])))
    facilities = draw_facilities(rng, provinces, places)
    grid = area_sources(provinces, places)
    write_gpkg_layers(gpkg, [facilities_layer(facilities)], create=False)
    write_area_raster(grid, out_dir / AREA_RASTER_NAME)
    inventory = emissions_by_province_sector(facilities, grid)
    mrio, summary = build_mrio(seed, geography, inventory)
    mrio_dir = out_dir / "mrio"
    if mrio_dir.exists():
        shutil.rmtree(mrio_dir)
    write_mrio(mrio, mrio_dir)
    write_concordance(out_dir / "concordance.csv")
    write_manifest(out_dir / "manifest.json")
    co2 = np.array([f.co2_t for f in facilities])
    summary.update(
        {
            "seed": seed,
            "facilities": len(facilities),
            "facilities_co2_t": float(co2.sum()),
            "largest_facility_t": float(co2.max()),
            "area_raster_co2_t": float(grid.values[grid.values > 0].sum()),
        }
    )
    return summary


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=("geography", "synthetic", "all"))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help="where the source packages are downloaded"
    )
    parser.add_argument(
        "--geography",
        type=Path,
        default=None,
        help="GeoPackage with the geography layers (default: OUT/china_demo.gpkg)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.step in ("geography", "all"):
        build_geography(args.cache, args.out)
    if args.step in ("synthetic", "all"):
        geography = args.geography or args.out / GPKG_NAME
        summary = build_synthetic(geography, args.out, args.seed)
        json.dump(summary, sys.stdout, indent=2)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
