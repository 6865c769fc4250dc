"""Shared tables and GeoPackage helpers of the demo-data build (scripts/build_demo_data.py)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()

GPKG_NAME = "china_demo.gpkg"
CITY_SIMPLIFY_DEG = 0.01
# gpkg_contents.last_change of every layer, so that rebuilding gives the same file content
FIXED_TIMESTAMP = "2024-01-01T00:00:00.000Z"

# adcode -> (code, English name): ISO 3166-2:CN codes for the 31 mainland provinces,
# ISO 3166-1 alpha-3 for Hong Kong, Macau and Taiwan (separate regions of the MRIO).
PROVINCES = {
    110000: ("CN-BJ", "Beijing"),
    120000: ("CN-TJ", "Tianjin"),
    130000: ("CN-HE", "Hebei"),
    140000: ("CN-SX", "Shanxi"),
    150000: ("CN-NM", "Inner Mongolia"),
    210000: ("CN-LN", "Liaoning"),
    220000: ("CN-JL", "Jilin"),
    230000: ("CN-HL", "Heilongjiang"),
    310000: ("CN-SH", "Shanghai"),
    320000: ("CN-JS", "Jiangsu"),
    330000: ("CN-ZJ", "Zhejiang"),
    340000: ("CN-AH", "Anhui"),
    350000: ("CN-FJ", "Fujian"),
    360000: ("CN-JX", "Jiangxi"),
    370000: ("CN-SD", "Shandong"),
    410000: ("CN-HA", "Henan"),
    420000: ("CN-HB", "Hubei"),
    430000: ("CN-HN", "Hunan"),
    440000: ("CN-GD", "Guangdong"),
    450000: ("CN-GX", "Guangxi"),
    460000: ("CN-HI", "Hainan"),
    500000: ("CN-CQ", "Chongqing"),
    510000: ("CN-SC", "Sichuan"),
    520000: ("CN-GZ", "Guizhou"),
    530000: ("CN-YN", "Yunnan"),
    540000: ("CN-XZ", "Tibet"),
    610000: ("CN-SN", "Shaanxi"),
    620000: ("CN-GS", "Gansu"),
    630000: ("CN-QH", "Qinghai"),
    640000: ("CN-NX", "Ningxia"),
    650000: ("CN-XJ", "Xinjiang"),
    710000: ("TWN", "Taiwan"),
    810000: ("HKG", "Hong Kong"),
    820000: ("MAC", "Macau"),
}
MAINLAND_CODES = tuple(code for code, _ in PROVINCES.values() if code.startswith("CN-"))


Features = list[tuple[dict, ogr.Geometry]]  # (attributes, geometry) per feature


def haversine_km(lon1, lat1, lon2, lat2):
    """Great-circle distance in km between points in degrees (numpy broadcasting)."""
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    half_chord = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * np.arcsin(np.sqrt(half_chord))


class LayerSpec(NamedTuple):
    """One GeoPackage layer to write: features are (attributes, OGR geometry) pairs."""

    name: str
    title: str
    description: str
    geometry_type: int
    fields: list[tuple[str, int]]
    features: Features


def write_gpkg_layers(path: Path, layers: list[LayerSpec], create: bool) -> None:
    """Write layers (EPSG:4326) to a new GeoPackage, or replace them in an existing one.

    The title and description go to gpkg_contents (identifier, description), which is where
    QGIS and other clients show them.
    """
    gdal.SetConfigOption("OGR_CURRENT_DATE", FIXED_TIMESTAMP)
    try:
        if create:
            Path(path).unlink(missing_ok=True)
            dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
        else:
            dataset = ogr.Open(str(path), update=1)
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(4326)
        for spec in layers:
            if dataset.GetLayerByName(spec.name) is not None:
                dataset.DeleteLayer(spec.name)
            layer = dataset.CreateLayer(
                spec.name,
                srs,
                spec.geometry_type,
                [f"IDENTIFIER={spec.title}", f"DESCRIPTION={spec.description}", "FID=fid"],
            )
            for field_name, field_type in spec.fields:
                layer.CreateField(ogr.FieldDefn(field_name, field_type))
            layer.StartTransaction()
            definition = layer.GetLayerDefn()
            for attributes, geometry in spec.features:
                feature = ogr.Feature(definition)
                for field_name, value in attributes.items():
                    if value is not None:
                        feature.SetField(field_name, value)
                feature.SetGeometry(geometry)
                layer.CreateFeature(feature)
            layer.CommitTransaction()
        if not create:
            dataset.ExecuteSQL("VACUUM")
        dataset = None
    finally:
        gdal.SetConfigOption("OGR_CURRENT_DATE", None)


def read_gpkg_layer(path: Path, name: str) -> Features:
    """(attributes, geometry) of every feature of one layer, in FID order."""
    dataset = ogr.Open(str(path))
    layer = dataset.GetLayerByName(name)
    if layer is None:
        raise RuntimeError(f"{path} has no layer {name!r}: build the geography first")
    features = [(feature.items(), feature.GetGeometryRef().Clone()) for feature in layer]
    dataset = None
    return features
