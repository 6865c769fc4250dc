"""The shipped graphical model footprint:footprint_study: its defaults, and its numbers end to end.

The model (footprint_plugin/models/footprint_study.model3, built by scripts/build_model.py)
chains mapfootprint -> hotspots -> citytable -> nearfeatures -> report. The first test reads its
parameter defaults; the second runs it headless through qgis_process, with the plugin from the
ZIP that make package builds, on a study small enough to work out by hand, and checks every
number it produces against that hand computation.

The study is drawn in a Lambert azimuthal equal-area projection centred on (0°, 0°). The model
gives mapfootprint no TARGET_CRS, so the grid is the projection fitted to the regions' extent
(TARGET_CRS help: "Leave empty for an Albers equal-area conic fitted to the extent";
projection.fitted_albers: an extent centred on the equator gets a Lambert azimuthal equal-area
projection centred on it). For regions symmetric about (0, 0) that is this very projection, so
the study's coordinates are the grid's and the 10 km cells fall where written below.
"""

import html
import json
import math
import os
import re
import subprocess

import numpy as np
import pytest
from osgeo import gdal, ogr, osr

from tests.algorithms.footprint_rasters import box_wkt
from tests.algorithms.map_cases import SHARES, read_bands, write_tiny_mrio
from tests.conftest import ROOT

MODEL = ROOT / "footprint_plugin" / "models" / "footprint_study.model3"
WRAPPER = ROOT / "scripts" / "qgis_process.sh"
GRID_CRS = "+proj=laea +lat_0=0 +lon_0=0 +datum=WGS84 +units=m +no_defs"

# -- the model's defaults ------------------------------------------------------------------------

EXPECTED_DEFAULTS = {
    # README, algorithm table: mapfootprint sums "on an equal-area grid (default 10 km)"; the
    # mapfootprint help (CELL_SIZE): "10,000 m is the reference study's 10 km grid".
    "cell_size": 10000.0,
    # README, algorithm table: hotspots finds "the smallest area holding 75% (or any level) of a
    # band"; metadata.txt: "1% of the land holds 75%"; hotspots help: LEVEL default 75.
    "level": 75.0,
    # README, make demo: "within 50 km of a port"; `scripts/qgis_process.sh help
    # footprint:nearfeatures`: DISTANCE "Default value: 50000".
    "distance": 50000.0,
    # `scripts/qgis_process.sh help footprint:citytable`: NAME_FIELD "Default value: name".
    "city_name_field": "name",
}
# The model parameter that feeds each child parameter with a default: (child, its parameter).
FED = {
    "cell_size": [("map", "CELL_SIZE")],
    "level": [("hotspots", "LEVEL"), ("report", "LEVEL")],
    "distance": [("near", "DISTANCE")],
    "city_name_field": [("cities", "NAME_FIELD")],
}
OPTIONAL_WITHOUT_DEFAULT = ("concordance", "domestic_regions", "note")
"""README/help: no concordance = inventory codes are MRIO sectors; no domestic regions = the
mapped territory's codes; no note = none. Each must be optional with no default."""


def test_model_defaults_are_the_documented_ones(provider):
    from qgis.core import QgsProcessingModelAlgorithm, QgsProcessingModelChildParameterSource

    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(MODEL)), MODEL
    assert model.name() == "footprint_study"
    for name, expected in EXPECTED_DEFAULTS.items():
        definition = model.parameterDefinition(name)
        assert definition is not None, name
        assert definition.defaultValue() == expected, name
        # the default reaches the steps: the parameter feeds them, and agrees with their own
        # default, which is the one that counts headless: QGIS 3.22 passes a model parameter
        # left out of a qgis_process run to the steps as unset, so each step falls back on its
        # own default (the model's own shows in the dialog and in qgis_process help)
        for child_id, child_parameter in FED[name]:
            child = model.childAlgorithm(child_id)
            (source,) = child.parameterSources()[child_parameter]
            model_parameter = QgsProcessingModelChildParameterSource.fromModelParameter(name)
            assert source.source() == model_parameter.source()  # the enum moved in QGIS 3.34
            assert source.parameterName() == name, (child_id, child_parameter)
            own = child.algorithm().parameterDefinition(child_parameter).defaultValue()
            assert own == expected, (child_id, child_parameter)
    for name in OPTIONAL_WITHOUT_DEFAULT:
        definition = model.parameterDefinition(name)
        assert definition.flags() & definition.FlagOptional, name
        assert definition.defaultValue() in (None, ""), name
    # the hotspots step analyses its default band, the foreign-driven one (hotspots help: "Empty:
    # the band whose description says foreign-driven"; README: "75% of the foreign-driven
    # footprint"), and the consumer table is by region and category (the report's section "by
    # final-demand category" needs it)
    assert "BAND" not in model.childAlgorithm("hotspots").parameterSources()
    (breakdown,) = model.childAlgorithm("map").parameterSources()["BREAKDOWN"]
    assert breakdown.staticValue() == 1


# -- the study, worked out by hand ---------------------------------------------------------------

CELL = 10000.0  # the default cell size, not passed to the model
REGIONS = {"A": (-60000, -10000, -20000, 10000), "B": (20000, -10000, 60000, 10000)}
"""Two boxes of 4 x 2 cells with a 4-cell gap: 16 territory cells of 100 km²."""
CONCORDANCE = {
    "power": {"ELEC": 1.0},
    "metal": {"STEEL": 1.0},
    "mixed": {"ELEC": 0.5, "STEEL": 0.5},
}
FACILITIES = [  # x, y, t CO2, inventory sector, region (by location)
    (-57000, 3000, 400.0, "power", "A"),
    (-53000, 7000, 20.0, "metal", "A"),
    (-46000, -4000, 100.0, "metal", "A"),
    (-24000, 6000, 80.0, "mixed", "A"),
    (26000, 4000, 280.0, "power", "B"),
    (54000, -6000, 40.0, "power", "B"),
]
# Per cell, by its centre: (total, domestic, foreign). Driven shares (map_cases.SHARES): A/ELEC
# 75% A, 25% F; A/STEEL 50% A, 50% F; B/ELEC 50% B, 50% F. Domestic = A and B (the model leaves
# domestic_regions empty: the mapped territory's codes); foreign = F, the only foreign region.
CELLS = {
    (-55000, 5000): (420.0, 310.0, 110.0),  # power 400: 300 + 100; metal 20: 10 + 10
    (-45000, -5000): (100.0, 50.0, 50.0),  # metal 100: 50 + 50
    (-25000, 5000): (80.0, 50.0, 30.0),  # mixed 80: ELEC 40 (30 + 10) + STEEL 40 (20 + 20)
    (25000, 5000): (280.0, 140.0, 140.0),  # power 280 in B: 140 + 140
    (55000, -5000): (40.0, 20.0, 20.0),  # power 40 in B: 20 + 20
}
TOTAL, DOMESTIC, FOREIGN = 920.0, 570.0, 350.0
# Hotspots at the default level 75%: foreign cells ranked 140, 110, 50, 30, 20 (sum 350); 75% of
# 350 is 262.5; 140 + 110 = 250 falls short, + 50 = 300 reaches it: 3 cells of the 16, 18.75%
# of the area, holding 300 / 350 = 85.71%. (The total band would need only 2: 420 + 280 >= 690.)
HOTSPOT_CELLS = {(25000, 5000), (-55000, 5000), (-45000, -5000)}
AREA_SHARE = 100.0 * 3 / 16
# Gini of 16 equal cells: sum |v_i - v_j| over ordered pairs / (2 n² mean) = (2 * 640 + 2 * 11 *
# 350) / (2 * 256 * 350 / 16) = 8980 / 11200.
GINI = 8980 / 11200
CITIES = {  # name: (box, (total, domestic, foreign), area km²); written Gamma, Beta, Alpha
    "Gamma": ((-50000, -10000, -40000, -5000), (50.0, 25.0, 25.0), 50.0),  # half of a cell
    "Beta": ((20000, -10000, 30000, 10000), (280.0, 140.0, 140.0), 200.0),  # (25000, +-5000)
    "Alpha": ((-60000, 0, -40000, 10000), (420.0, 310.0, 110.0), 200.0),  # (-55000 & -45000, 5000)
}
TOP_CITIES = ["Beta", "Alpha", "Gamma"]  # by the foreign footprint: 140, 110, 25 (total: A, B, G)
PORTS = {"P1": (-55000, 5000), "P2": (-45000, -5000)}
# Within the default 50 km of either port: every cell of A (its farthest corner from P1,
# (-20000, -10000), is 38.1 km away) and no cell of B (nearest point 65 km from P2). Each port
# alone also covers all of A; the union counts A once.
NEAR = (600.0, 410.0, 190.0)  # A: 420 + 100 + 80; 310 + 50 + 50; 110 + 50 + 30


def attributed(co2, sector, region):
    """(domestic, foreign) of one source, from the concordance and the driven shares."""
    domestic = foreign = 0.0
    for mrio_sector, weight in CONCORDANCE[sector].items():
        for consumer, share in SHARES[(region, mrio_sector)].items():
            if consumer == "F":
                foreign += co2 * weight * share
            else:
                domestic += co2 * weight * share
    return domestic, foreign


def cell_centre(x, y):
    return (math.floor(x / CELL) * CELL + CELL / 2, math.floor(y / CELL) * CELL + CELL / 2)


def test_hand_computation_is_consistent():
    """The tables above follow from the inputs (so the model is checked against the study)."""
    cells = {}
    for x, y, co2, sector, region in FACILITIES:
        x0, y0, x1, y1 = REGIONS[region]
        assert x0 < x < x1 and y0 < y < y1
        domestic, foreign = attributed(co2, sector, region)
        total, dom, fgn = cells.get(cell_centre(x, y), (0.0, 0.0, 0.0))
        cells[cell_centre(x, y)] = (total + co2, dom + domestic, fgn + foreign)
    assert cells == CELLS
    assert tuple(map(sum, zip(*CELLS.values()))) == (TOTAL, DOMESTIC, FOREIGN)
    foreign = sorted(((v[2], c) for c, v in CELLS.items()), reverse=True)
    running, chosen = 0.0, set()
    for value, centre in foreign:
        if running >= 0.75 * FOREIGN:
            break
        running += value
        chosen.add(centre)
    assert chosen == HOTSPOT_CELLS
    values = [v[2] for v in CELLS.values()] + [0.0] * (16 - len(CELLS))
    assert sum(abs(a - b) for a in values for b in values) / (2 * 16 * FOREIGN) == GINI


# -- running the model ---------------------------------------------------------------------------


def write_study(folder):
    """The study's GeoPackage (regions, facilities, cities, ports), MRIO and concordance."""
    folder.mkdir()
    reference = osr.SpatialReference()
    reference.ImportFromProj4(GRID_CRS)
    gpkg = folder / "study.gpkg"
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(gpkg))

    def layer(name, kind, fields, rows):
        created = dataset.CreateLayer(name, reference, kind)
        for field, field_type in fields:
            created.CreateField(ogr.FieldDefn(field, field_type))
        for wkt, values in rows:
            feature = ogr.Feature(created.GetLayerDefn())
            feature.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
            for (field, _), value in zip(fields, values):
                feature.SetField(field, value)
            assert created.CreateFeature(feature) == 0

    text, real = ogr.OFTString, ogr.OFTReal
    layer(
        "regions",
        ogr.wkbPolygon,
        [("code", text)],
        [(box_wkt(*box), [code]) for code, box in REGIONS.items()],
    )
    layer(
        "facilities",
        ogr.wkbPoint,
        [("co2_t", real), ("sector_code", text)],
        [(f"POINT({x} {y})", [co2, sector]) for x, y, co2, sector, _ in FACILITIES],
    )
    layer(
        "cities",
        ogr.wkbPolygon,
        [("name", text)],
        [(box_wkt(*box), [name]) for name, (box, _, _) in CITIES.items()],
    )
    layer(
        "ports",
        ogr.wkbPoint,
        [("name", text)],
        [(f"POINT({x} {y})", [name]) for name, (x, y) in PORTS.items()],
    )
    dataset = None
    concordance = folder / "concordance.csv"
    concordance.write_text(
        "inventory_sector,mrio_sector,weight\n"
        + "".join(
            f"{code},{sector},{weight}\n"
            for code, split in CONCORDANCE.items()
            for sector, weight in split.items()
        )
    )
    return gpkg, write_tiny_mrio(folder / "mrio"), concordance


def run_model(plugin, arguments):
    """Run the model through qgis_process; its JSON answer."""
    run = subprocess.run(
        [str(WRAPPER), "--json", "run", "footprint:footprint_study", "--", *arguments],
        capture_output=True,
        text=True,
        env=dict(os.environ, FOOTPRINT_PLUGIN_PATH=str(plugin)),
        timeout=600,
    )
    assert run.returncode == 0, run.stderr + run.stdout
    return json.loads(run.stdout[run.stdout.index("{") :])


def raster(path):
    """(values (bands, rows, cols) with NaN for nodata, geotransform) of a raster."""
    dataset = gdal.Open(str(path))
    transform = dataset.GetGeoTransform()
    dataset = None
    return read_bands(path), transform


def centres(transform, shape):
    """The (x, y) centre of every cell of a north-up grid, by (row, col)."""
    x0, width, _, y0, _, height = transform
    rows, cols = shape
    return {
        (row, col): (x0 + (col + 0.5) * width, y0 + (row + 0.5) * height)
        for row in range(rows)
        for col in range(cols)
    }


def in_territory(x, y):
    return any(x0 < x < x1 and y0 < y < y1 for x0, y0, x1, y1 in REGIONS.values())


def features(path):
    """The attributes of a GeoPackage's only layer, by the feature's name."""
    dataset = ogr.Open(str(path))
    layer = dataset.GetLayer(0)
    rows = {feature.GetField("name"): feature.items() for feature in layer}
    dataset = None
    return rows


def html_table(report, heading):
    """The rows (lists of cell texts) of the first table after the heading ``heading``."""
    start = report.index(f"<h2>{heading}")
    table = report[report.index("<table>", start) : report.index("</table>", start)]
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    return [
        [html.unescape(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)]
        for row in rows
    ]


def test_model_numbers_end_to_end(shipped_plugin_path, tmp_path):
    gpkg, mrio, concordance = write_study(tmp_path / "study")
    out = tmp_path / "out"
    out.mkdir()
    paths = {
        "map:Footprint map": out / "footprint.tif",
        "map:Balance": out / "balance.csv",
        "hotspots:Hotspots": out / "hotspots.tif",
        "cities:Footprint by city": out / "cities.gpkg",
        "near:Footprint near infrastructure": out / "ports.gpkg",
        "report:Report": out / "report.html",
    }
    answer = run_model(  # cell_size, level, distance, domestic_regions left at their defaults
        shipped_plugin_path,
        [
            f"sources={gpkg}|layername=facilities",
            "emission_field=co2_t",
            "sector_field=sector_code",
            f"regions={gpkg}|layername=regions",
            "region_code_field=code",
            f"mrio={mrio}",
            f"concordance={concordance}",
            f"cities={gpkg}|layername=cities",
            "city_name_field=name",
            f"infrastructure={gpkg}|layername=ports",
            *(f"{name}={path}" for name, path in paths.items()),
        ],
    )
    assert answer["results"] == {name: str(path) for name, path in paths.items()}

    # the footprint map: 10 km cells; total, domestic, foreign, F per cell; 0 on the rest of
    # the territory, nodata outside it
    bands, transform = raster(paths["map:Footprint map"])
    assert bands.shape[0] == 4
    assert (transform[1], transform[5]) == (CELL, -CELL)
    assert transform[0] % CELL == 0 and transform[3] % CELL == 0
    territory = 0
    for (row, col), (x, y) in centres(transform, bands.shape[1:]).items():
        if not in_territory(x, y):
            assert np.isnan(bands[:, row, col]).all(), (x, y)
            continue
        territory += 1
        total, domestic, foreign = CELLS.get((x, y), (0.0, 0.0, 0.0))
        expected = [total, domestic, foreign, foreign]  # F is the only foreign consumer
        assert bands[:, row, col].tolist() == pytest.approx(expected, rel=1e-6, abs=1e-9), (x, y)
    assert territory == 16

    # the hotspots: 1 on the smallest set of cells holding 75% of the foreign band, 0 on the
    # rest of the territory, 255 outside
    (codes,), hotspot_transform = raster(paths["hotspots:Hotspots"])
    assert hotspot_transform == transform
    for (row, col), (x, y) in centres(transform, codes.shape).items():
        wanted = 1 if (x, y) in HOTSPOT_CELLS else 0 if in_territory(x, y) else np.nan
        assert codes[row, col] == pytest.approx(wanted, nan_ok=True), (x, y)
    log = "\n".join(answer["log"]["info"])
    found = re.search(
        r"([\d.]+)% of the territory \((\d+) cells, ([\d.]+) km²\) holds ([\d.]+)%", log
    )
    assert found, log
    assert float(found[1]) == pytest.approx(AREA_SHARE, abs=5e-3)
    assert (int(found[2]), float(found[3])) == (3, 300.0)
    assert float(found[4]) == pytest.approx(100 * 300 / 350, abs=5e-3)

    # the city table: every band summed over each city (half a cell counts half), its share of
    # the band total, the rank by the foreign band, the land area
    cities = features(paths["cities:Footprint by city"])
    assert set(cities) == set(CITIES)
    for name, (_, (total, domestic, foreign), area) in CITIES.items():
        row = cities[name]
        got = [row["total"], row["domestic"], row["foreign"], row["f"]]
        assert got == pytest.approx([total, domestic, foreign, foreign], rel=1e-9), name
        assert row["foreign_share"] == pytest.approx(foreign / FOREIGN, rel=1e-9), name
        assert row["total_share"] == pytest.approx(total / TOTAL, rel=1e-9), name
        assert row["rank"] == TOP_CITIES.index(name) + 1, name
        assert row["area_km2"] == pytest.approx(area, rel=1e-4), name

    # near the ports: each port's buffer holds all of A, and so does their union (not 2 x A)
    ports = features(paths["near:Footprint near infrastructure"])
    for name in PORTS:
        got = [ports[name][band] for band in ("total", "domestic", "foreign", "f")]
        assert got == pytest.approx([*NEAR, NEAR[2]], rel=1e-9), name

    # the report: the numbers it prints
    report = paths["report:Report"].read_text(encoding="utf-8")
    assert html_table(report, "Totals")[2:] == [
        ["Total footprint mapped", "920"],
        ["Foreign-driven", "350"],
        ["Foreign share", "38.0%"],  # 350 / 920 = 38.04%
    ]
    assert html_table(report, "Top foreign consumers")[1:] == [["F", "350", "1"]]
    assert html_table(report, "Top 10 cities by the foreign footprint")[1:] == [
        ["1", "Beta", "140", "0.4"],  # 140 / 350
        ["2", "Alpha", "110", "0.3143"],  # 110 / 350
        ["3", "Gamma", "25", "0.07143"],  # 25 / 350
    ]
    assert (
        f"{AREA_SHARE:.3g}% of the territory&#x27;s area holds 75% of the footprint. "
        f"Gini index {GINI:.3f}." in report
    )
    assert html_table(report, "Footprint near infrastructure")[1:] == [
        ["total", "total footprint (all final demand)", "600", "920", "0.6522"],
        ["domestic", "driven by domestic final demand ('A', 'B')", "410", "570", "0.7193"],
        ["foreign", "driven by foreign final demand", "190", "350", "0.5429"],
        ["f", "driven by final demand of F", "190", "350", "0.5429"],
    ]
    balance = dict(
        (row[1], row[4]) for row in html_table(report, "Balance")[1:] if row[0] == "attributed"
    )
    assert balance == {"total": "920", "domestic": "570", "foreign": "350", "F": "350"}
