"""SYNTHETIC emission inventory of the demo: facility points and an area-source raster.

Nothing here is measured. Facilities are drawn near real cities (GeoNames ``places`` layer of
the demo GeoPackage) so that the maps look like China's industrial geography, with sizes from
a heavy-tailed (log-normal) distribution scaled to sector totals of the order of China's
industrial CO2 around 2012. Sector codes follow the IPCC 2006 categories, a classification
different from the MRIO's, on purpose: the concordance links the two.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import NamedTuple

import numpy as np
from demo_common import MAINLAND_CODES
from osgeo import gdal, ogr, osr


class InventorySector(NamedTuple):
    """One IPCC 2006 category of the synthetic inventory and how its facilities are drawn."""

    code: str
    name: str
    facility_label: str
    count: int
    total_t: float  # t CO2 per year over all facilities of the sector
    size_sigma: float  # sigma of log(facility emissions)
    jitter_deg: float  # standard deviation of the offset from the chosen city
    population_exponent: float  # city weight = population ** exponent


# fmt: off
INVENTORY_SECTORS = (
    InventorySector("1A1a", "Public electricity and heat production", "power plant",
                    1400, 3.9e9, 0.9, 0.25, 0.5),
    InventorySector("1A1b", "Petroleum refining", "refinery", 110, 0.2e9, 0.8, 0.15, 0.7),
    InventorySector("2C1", "Iron and steel production", "steel works", 300, 1.5e9, 0.8, 0.15, 0.6),
    InventorySector("2A1", "Cement production", "cement plant", 900, 1.1e9, 0.6, 0.3, 0.4),
    InventorySector("2B", "Chemical industry", "chemical plant", 450, 0.45e9, 1.0, 0.15, 0.7),
    InventorySector("2C3", "Aluminium and other non-ferrous metals production",
                    "non-ferrous smelter", 250, 0.25e9, 0.9, 0.25, 0.5),
    InventorySector("1A2", "Other manufacturing industries (fuel combustion)",
                    "manufacturing plant", 600, 0.4e9, 0.9, 0.1, 0.9),
    InventorySector("1B", "Fugitive emissions from fuels (coal mining, oil and gas)",
                    "coal mine", 300, 0.15e9, 0.8, 0.4, 0.2),
)

# Illustrative weight of each mainland province in industrial CO2 (percent, rounded), chosen
# to give the known pattern: heavy industry in the north and east, coastal manufacturing.
PROVINCE_INDUSTRY_WEIGHT = {
    "CN-BJ": 1.0, "CN-TJ": 1.7, "CN-HE": 8.5, "CN-SX": 5.3, "CN-NM": 6.5, "CN-LN": 5.5,
    "CN-JL": 2.4, "CN-HL": 2.8, "CN-SH": 2.0, "CN-JS": 7.5, "CN-ZJ": 4.2, "CN-AH": 3.5,
    "CN-FJ": 2.6, "CN-JX": 1.9, "CN-SD": 9.0, "CN-HA": 5.8, "CN-HB": 3.7, "CN-HN": 3.0,
    "CN-GD": 5.5, "CN-GX": 2.0, "CN-HI": 0.4, "CN-CQ": 1.6, "CN-SC": 3.4, "CN-GZ": 2.4,
    "CN-YN": 2.0, "CN-XZ": 0.1, "CN-SN": 3.0, "CN-GS": 1.6, "CN-QH": 0.5, "CN-NX": 1.5,
    "CN-XJ": 3.0,
}
# Sector-specific multipliers of that weight (coal bases, steel belt, refining, coast, ...).
SECTOR_PROVINCE_FACTOR = {
    "1A1a": {"CN-NM": 1.4, "CN-SX": 1.3, "CN-SN": 1.2, "CN-NX": 1.3, "CN-XJ": 1.2,
             "CN-GD": 1.2, "CN-ZJ": 1.2, "CN-XZ": 0.2},
    "1A1b": {"CN-SD": 3.0, "CN-LN": 2.5, "CN-GD": 1.5, "CN-ZJ": 1.5, "CN-XJ": 1.5,
             "CN-HL": 1.5, "CN-GS": 1.2, "CN-XZ": 0.0, "CN-QH": 0.3, "CN-GZ": 0.2},
    "2C1": {"CN-HE": 3.0, "CN-JS": 1.5, "CN-LN": 1.8, "CN-SD": 1.3, "CN-SX": 1.2,
            "CN-HB": 1.3, "CN-XZ": 0.0, "CN-HI": 0.1, "CN-QH": 0.3},
    "2A1": {"CN-AH": 1.8, "CN-SC": 1.3, "CN-GX": 1.4, "CN-ZJ": 1.2, "CN-NM": 0.6,
            "CN-SX": 0.7},
    "2B": {"CN-SD": 1.6, "CN-JS": 1.8, "CN-ZJ": 1.5, "CN-NX": 2.0, "CN-NM": 1.3,
           "CN-XZ": 0.0},
    "2C3": {"CN-HA": 2.0, "CN-SD": 1.5, "CN-YN": 2.5, "CN-GS": 2.5, "CN-QH": 5.0,
            "CN-XJ": 2.0, "CN-NM": 1.5, "CN-GX": 2.0, "CN-HN": 1.5, "CN-NX": 2.0,
            "CN-BJ": 0.0},
    "1A2": {"CN-GD": 2.5, "CN-JS": 2.0, "CN-ZJ": 2.5, "CN-SD": 1.3, "CN-FJ": 2.0,
            "CN-SH": 2.0, "CN-TJ": 1.5, "CN-NM": 0.4, "CN-SX": 0.5, "CN-XJ": 0.5},
    "1B": {"CN-SX": 5.0, "CN-NM": 4.0, "CN-SN": 3.0, "CN-HL": 2.0, "CN-XJ": 2.0,
           "CN-GZ": 2.0, "CN-HA": 1.2, "CN-AH": 1.5, "CN-BJ": 0.0, "CN-SH": 0.0,
           "CN-TJ": 0.3, "CN-XZ": 0.0, "CN-HI": 0.0, "CN-ZJ": 0.1, "CN-GD": 0.1},
}
# fmt: on
MAX_DRAWS = 1000
COORDINATE_DECIMALS = 5  # about 1 m

# Area sources: small "other manufacturing" emitters not in the facility list, spread like
# population on a 0.1 degree grid.
AREA_SECTOR = "1A2"
AREA_TOTAL_T = 0.3e9
AREA_CELL_DEG = 0.1
AREA_SMOOTHING_DEG = 0.3
AREA_NODATA = -9999.0
AREA_RASTER_NAME = "other_manufacturing_area.tif"


class Facility(NamedTuple):
    """One synthetic facility."""

    facility_id: int
    name: str
    sector_code: str
    sector_name: str
    province: str
    near_city: str
    co2_t: float
    lon: float
    lat: float


def weighted_draw(rng: np.random.Generator, weights: np.ndarray) -> int:
    """Index drawn with probability proportional to ``weights`` (one uniform number)."""
    cumulative = np.cumsum(weights)
    return int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))


def facility_sizes(rng: np.random.Generator, sector: InventorySector) -> np.ndarray:
    """Log-normal facility emissions of one sector, scaled to its total, whole tonnes."""
    sizes = np.exp(sector.size_sigma * rng.standard_normal(sector.count))
    return np.round(sizes * (sector.total_t / sizes.sum()))


def draw_facilities(
    rng: np.random.Generator, provinces: dict[str, ogr.Geometry], places: list[dict]
) -> list[Facility]:
    """Place every sector's facilities: province by weight, then a city of it by population,
    then a Gaussian offset; a point that leaves the province is drawn again."""
    facilities: list[Facility] = []
    by_province = {code: [p for p in places if p["province"] == code] for code in MAINLAND_CODES}
    for sector in INVENTORY_SECTORS:
        factors = SECTOR_PROVINCE_FACTOR.get(sector.code, {})
        province_weights = np.array(
            [PROVINCE_INDUSTRY_WEIGHT[c] * factors.get(c, 1.0) for c in MAINLAND_CODES]
        )
        sizes = facility_sizes(rng, sector)
        for number, co2_t in enumerate(sizes, start=1):
            province = MAINLAND_CODES[weighted_draw(rng, province_weights)]
            cities = by_province[province]
            city_weights = np.array([c["population"] for c in cities], dtype=float)
            city_weights **= sector.population_exponent
            for _ in range(MAX_DRAWS):
                city = cities[weighted_draw(rng, city_weights)]
                offset = sector.jitter_deg * rng.standard_normal(2)
                lat = round(city["lat"] + offset[1], COORDINATE_DECIMALS)
                lon = city["lon"] + offset[0] / math.cos(math.radians(lat))
                lon = round(lon, COORDINATE_DECIMALS)
                point = ogr.Geometry(ogr.wkbPoint)
                point.AddPoint_2D(lon, lat)
                if provinces[province].Contains(point):
                    break
            else:
                raise RuntimeError(f"could not place a {sector.code} facility in {province}")
            facilities.append(
                Facility(
                    facility_id=len(facilities) + 1,
                    name=f"Synthetic {sector.facility_label} {number:04d}",
                    sector_code=sector.code,
                    sector_name=sector.name,
                    province=province,
                    near_city=city["name"],
                    co2_t=float(co2_t),
                    lon=lon,
                    lat=lat,
                )
            )
    return facilities


class AreaGrid(NamedTuple):
    """The area-source raster: values (t CO2 per cell, nodata outside) and its georeference."""

    values: np.ndarray
    province_index: np.ndarray  # index into MAINLAND_CODES, -1 outside
    geotransform: tuple[float, float, float, float, float, float]


def rasterize_provinces(
    provinces: dict[str, ogr.Geometry], shape: tuple[int, int], geotransform: tuple
) -> np.ndarray:
    """Index (into MAINLAND_CODES) of the province holding each cell centre, -1 outside."""
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    vector = ogr.GetDriverByName("Memory").CreateDataSource("")
    layer = vector.CreateLayer("provinces", srs, ogr.wkbMultiPolygon)
    layer.CreateField(ogr.FieldDefn("index", ogr.OFTInteger))
    for index, code in enumerate(MAINLAND_CODES):
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetField("index", index)
        feature.SetGeometry(provinces[code])
        layer.CreateFeature(feature)
    grid = gdal.GetDriverByName("MEM").Create("", shape[1], shape[0], 1, gdal.GDT_Int16)
    grid.SetGeoTransform(geotransform)
    grid.SetProjection(srs.ExportToWkt())
    grid.GetRasterBand(1).Fill(-1)
    gdal.RasterizeLayer(grid, [1], layer, options=["ATTRIBUTE=index"])
    return grid.GetRasterBand(1).ReadAsArray().astype(np.int64)


def gaussian_smooth(values: np.ndarray, sigma_cells: float) -> np.ndarray:
    """Separable Gaussian smoothing (zero outside the array)."""
    radius = math.ceil(4 * sigma_cells)
    offsets = np.arange(-radius, radius + 1)
    kernel = np.exp(-0.5 * (offsets / sigma_cells) ** 2)
    kernel /= kernel.sum()
    rows = np.array([np.convolve(row, kernel, mode="same") for row in values])
    return np.array([np.convolve(col, kernel, mode="same") for col in rows.T]).T


def area_sources(provinces: dict[str, ogr.Geometry], places: list[dict]) -> AreaGrid:
    """Population-shaped 0.1 degree grid of other-manufacturing emissions over mainland China,
    whole tonnes per cell, summing to AREA_TOTAL_T (deterministic: no random numbers)."""
    envelopes = np.array([provinces[c].GetEnvelope() for c in MAINLAND_CODES])
    tenths = round(1 / AREA_CELL_DEG)
    west = math.floor(envelopes[:, 0].min() * tenths)
    east = math.ceil(envelopes[:, 1].max() * tenths)
    south = math.floor(envelopes[:, 2].min() * tenths)
    north = math.ceil(envelopes[:, 3].max() * tenths)
    shape = (north - south, east - west)
    geotransform = (west / tenths, AREA_CELL_DEG, 0.0, north / tenths, 0.0, -AREA_CELL_DEG)
    population = np.zeros(shape)
    for place in places:
        row = int((north / tenths - place["lat"]) / AREA_CELL_DEG)
        col = int((place["lon"] - west / tenths) / AREA_CELL_DEG)
        population[row, col] += place["population"]
    density = gaussian_smooth(population, AREA_SMOOTHING_DEG / AREA_CELL_DEG)
    province_index = rasterize_provinces(provinces, shape, geotransform)
    inside = province_index >= 0
    values = np.full(shape, AREA_NODATA)
    values[inside] = np.round(density[inside] * (AREA_TOTAL_T / density[inside].sum()))
    return AreaGrid(values, province_index, geotransform)


def write_area_raster(grid: AreaGrid, path: Path) -> None:
    """Write the area-source grid as a small DEFLATE-compressed float32 GeoTIFF."""
    rows, cols = grid.values.shape
    dataset = gdal.GetDriverByName("GTiff").Create(
        str(path),
        cols,
        rows,
        1,
        gdal.GDT_Float32,
        ["COMPRESS=DEFLATE", "PREDICTOR=3", "ZLEVEL=9", "TILED=NO"],
    )
    dataset.SetGeoTransform(grid.geotransform)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    dataset.SetProjection(srs.ExportToWkt())
    dataset.SetMetadata(
        {
            "TITLE": "SYNTHETIC other manufacturing area emissions",
            "DESCRIPTION": "SYNTHETIC demo data (population-shaped), not an inventory",
        }
    )
    band = dataset.GetRasterBand(1)
    band.SetDescription(f"SYNTHETIC {AREA_SECTOR} other manufacturing CO2 (t per cell per year)")
    band.SetMetadata({"sector_code": AREA_SECTOR, "unit": "t CO2 per cell per year"})
    band.SetNoDataValue(AREA_NODATA)
    band.WriteArray(grid.values.astype(np.float32))
    dataset = None


def emissions_by_province_sector(
    facilities: list[Facility], grid: AreaGrid
) -> dict[tuple[str, str], float]:
    """Inventory total (t CO2) per (province code, IPCC code): facilities plus area sources."""
    totals: dict[tuple[str, str], float] = {}
    for facility in facilities:
        key = (facility.province, facility.sector_code)
        totals[key] = totals.get(key, 0.0) + facility.co2_t
    inside = grid.province_index >= 0
    per_province = np.bincount(
        grid.province_index[inside],
        weights=grid.values[inside].astype(np.float32).astype(np.float64),
        minlength=len(MAINLAND_CODES),
    )
    for code, total in zip(MAINLAND_CODES, per_province):
        key = (code, AREA_SECTOR)
        totals[key] = totals.get(key, 0.0) + float(total)
    return totals
