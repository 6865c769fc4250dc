"""footprint:report gathers the chain's outputs; its numbers are the footprint map's.

The expected rankings are derived outside the report: the top consumers and categories with
pandas from the CONSUMERS table, the sectors from every facility's foreign-driven part
(``test_map_demo.facility_accounts``: OGR, the concordance and the driven shares), the top
cities from zonal sums of the foreign band computed here with GDAL's rasterizer.
"""

import base64
import html
import re

import numpy as np
import pandas as pd
import pytest
from osgeo import gdal, ogr, osr
from qgis.core import QgsProcessingException

from tests.algorithms.map_cases import read_bands
from tests.algorithms.test_map_demo import demo_rows, facility_accounts, run_demo
from tests.demo_study import GPKG, band_values, demo_zones_on_subcells

BAR_COLOUR = "#bd0026"


def sections(page):
    """The report's sections: heading -> HTML body."""
    found = re.findall(r"<h2>(.*?)</h2>(.*?)(?=<h2>|</body>)", page, flags=re.S)
    return {html.unescape(heading): body for heading, body in found}


def bar_chart(svg):
    """(labels, bar lengths) of a matplotlib horizontal bar chart, top to bottom.

    Labels are the y tick texts (matplotlib writes each text as a comment before its glyphs),
    ordered by their height; bars are the filled rectangles, ordered the same way.
    """
    ticks = re.findall(
        r'<g id="ytick_\d+">.*?<!-- (.*?) -->\s*<g transform="translate\(([-\d.e]+) ([-\d.e]+)\)',
        svg,
        flags=re.S,
    )
    labels = [html.unescape(text) for text, _, y in sorted(ticks, key=lambda t: float(t[2]))]
    bars = []
    for path in re.findall(rf'<path d="([^"]*)"[^>]*style="fill: {BAR_COLOUR}"', svg):
        points = np.array(re.findall(r"[ML] ([-\d.e]+) ([-\d.e]+)", path), dtype=float)
        bars.append((points[:, 1].min(), points[:, 0].max() - points[:, 0].min()))
    return labels, [length for _, length in sorted(bars)]


def assert_ranking_chart(body, expected):
    """The section's one chart shows the bars of ``expected`` (largest first), in order and
    in proportion."""
    charts = re.findall(r"<svg.*?</svg>", body, flags=re.S)
    assert len(charts) == 1
    labels, lengths = bar_chart(charts[0])
    assert labels == [str(label) for label in expected.index]
    np.testing.assert_allclose(
        np.array(lengths) / lengths[0], expected.to_numpy() / expected.iloc[0], atol=1e-4
    )


def zonal_foreign_by_city(footprint_path, band_number, subcells=8):
    """The foreign band summed over every demo city, each cell apportioned by the share of its
    ``subcells`` x ``subcells`` sub-cells the city holds (GDAL's rasterizer, the cities
    reprojected by OGR); a Series by city name."""
    dataset = gdal.Open(str(footprint_path))
    values = band_values(dataset, band_number)
    rows, cols = values.shape
    city, names = demo_zones_on_subcells(dataset, "cities", "name", subcells, False)
    cell_values = np.repeat(np.repeat(values, subcells, axis=0), subcells, axis=1)
    held = city.reshape(rows * subcells, cols * subcells) >= 0
    sums = np.bincount(
        city.reshape(rows * subcells, cols * subcells)[held],
        weights=cell_values[held] / subcells**2,
        minlength=len(names),
    )
    return pd.Series(sums, index=names)


def test_report_numbers_match_the_map_and_every_section_is_there(processing, provider, tmp_path):
    mapped = run_demo(
        processing,
        tmp_path,
        DOMESTIC_REGIONS="CN-*",
        BREAKDOWN=1,
        OUTPUT_SOURCES=str(tmp_path / "sources.gpkg"),
        BALANCE=str(tmp_path / "balance.csv"),
        CONSUMERS=str(tmp_path / "consumers.csv"),
    )
    hotspots = processing.run(
        "footprint:hotspots",
        {"INPUT": mapped["OUTPUT"], "OUTPUT": str(tmp_path / "hot.tif"), "CURVE": "memory:"},
    )
    cities = processing.run(
        "footprint:citytable",
        {
            "INPUT": mapped["OUTPUT"],
            "CITIES": f"{GPKG}|layername=cities",
            "NAME_FIELD": "name",
            "OUTPUT": str(tmp_path / "cities.gpkg"),
            "OUTPUT_TABLE": str(tmp_path / "cities.csv"),
        },
    )
    report = processing.run(
        "footprint:report",
        {
            "FOOTPRINT": mapped["OUTPUT"],
            "BALANCE": mapped["BALANCE"],
            "CONSUMERS": mapped["CONSUMERS"],
            "SOURCES": mapped["OUTPUT_SOURCES"],
            "CURVE": hotspots["CURVE"],
            "AREA_SHARE": hotspots["AREA_SHARE"],
            "GINI": hotspots["GINI"],
            "CITIES": cities["OUTPUT_TABLE"],
            "OUTPUT_HTML": str(tmp_path / "report.html"),
            "OUTPUT_MAP": str(tmp_path / "map.png"),
        },
    )
    # the report sums the float32 raster, the map its float64 accounts
    assert report["TOTAL"] == pytest.approx(mapped["TOTAL"], rel=1e-6)
    assert report["FOREIGN"] == pytest.approx(mapped["FOREIGN"], rel=1e-6)
    assert report["FOREIGN_SHARE"] == pytest.approx(mapped["FOREIGN_SHARE"], rel=1e-6)

    # Rankings from the CONSUMERS table with pandas: foreign rows only, largest first.
    consumers = pd.read_csv(tmp_path / "consumers.csv")
    foreign_rows = consumers[~consumers["domestic"].astype(bool)]
    by_region = foreign_rows.groupby("consumer_region")["footprint"].sum()
    by_region = by_region.sort_values(ascending=False)
    by_category = foreign_rows.groupby("category")["footprint"].sum().sort_values(ascending=False)
    assert set(by_region.index) == {"USA", "JPN", "KOR", "DEU", "GBR", "ROW", "HKG", "MAC", "TWN"}
    assert report["TOP_CONSUMERS"] == ", ".join(by_region.index[:3])
    # By sector: every facility's foreign-driven part (OGR, concordance, driven shares).
    mainland = [code for (code,) in demo_rows("provinces", "code") if code.startswith("CN-")]
    facilities = facility_accounts(mainland)
    sector_of = dict(demo_rows("facilities", "facility_id", "sector_code"))
    by_sector = facilities["foreign"].groupby(facilities.index.map(sector_of)).sum()
    by_sector = by_sector.sort_values(ascending=False)

    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    found = sections(page)
    assert list(found) == [
        "Totals",
        "Map",
        "Top foreign consumers",
        "Foreign-driven footprint by final-demand category",
        "Foreign-driven footprint by producing sector (inventory sectors)",
        "Concentration",
        "Top 10 cities by the foreign footprint",
        "Balance: where every tonne went",
    ]
    assert page.count("<svg") == 4  # the three rankings and the concentration curve
    assert_ranking_chart(found["Top foreign consumers"], by_region[:10])
    assert_ranking_chart(
        found["Foreign-driven footprint by final-demand category"], by_category[:10]
    )
    assert_ranking_chart(
        found["Foreign-driven footprint by producing sector (inventory sectors)"],
        by_sector[:10],
    )
    curve = found["Concentration"]
    assert f"{hotspots['AREA_SHARE']:.3g}% of the area holds 75%" in curve
    assert "Cumulative share of the footprint (%)" in curve
    # the map inline is the picture written to OUTPUT_MAP
    inline = re.search(r'src="data:image/png;base64,([^"]+)"', found["Map"]).group(1)
    assert base64.b64decode(inline) == (tmp_path / "map.png").read_bytes()
    assert (tmp_path / "map.png").stat().st_size > 10_000

    # Top cities: the foreign band summed over each city here, and the city table's order.
    bands = read_bands(mapped["OUTPUT"])
    foreign_band = 3
    assert gdal.Open(mapped["OUTPUT"]).GetRasterBand(foreign_band).GetDescription() == (
        "driven by foreign final demand"
    )
    zonal = zonal_foreign_by_city(mapped["OUTPUT"], foreign_band)
    assert zonal.sum() <= np.nansum(bands[foreign_band - 1]) * (1 + 1e-9)
    ranked = zonal.sort_values(ascending=False)
    top_cities = report["TOP_CITIES"].split(", ")
    assert top_cities == list(ranked.index[:5])
    # and the city table's own foreign footprints (the row outside every city has no rank)
    long_table = pd.read_csv(tmp_path / "cities.csv")
    in_cities = long_table[(long_table["band"] == "foreign") & long_table["rank"].notna()]
    foreign_by_city = in_cities.set_index("city")["footprint"]
    assert len(foreign_by_city) == len(zonal)
    assert top_cities == list(foreign_by_city.nlargest(5).index)
    np.testing.assert_allclose(foreign_by_city[ranked.index[:10]], ranked[:10], rtol=1e-2)


def one_band_raster(path, description):
    """A 4 x 4 km raster of one band with that description (its values do not matter)."""
    dataset = gdal.GetDriverByName("GTiff").Create(str(path), 4, 4, 1, gdal.GDT_Float32)
    dataset.SetGeoTransform((0, 1000, 0, 4000, 0, -1000))
    dataset.SetProjection("EPSG:3035")
    dataset.GetRasterBand(1).SetDescription(description)
    return path


def test_a_raster_without_a_foreign_band_is_refused(processing, provider, tmp_path):
    path = one_band_raster(tmp_path / "plain.tif", "total")
    with pytest.raises(QgsProcessingException, match="no band described as foreign-driven"):
        processing.run(
            "footprint:report",
            {"FOOTPRINT": str(path), "OUTPUT_HTML": str(tmp_path / "report.html")},
        )
    assert not (tmp_path / "report.html").exists()


def test_map_image_of_an_unstyled_raster_leaves_nothing_beside_it(qgis_app, tmp_path):
    import numpy as np

    from footprint_plugin.report.map_image import footprint_map_image

    path = tmp_path / "footprint.tif"
    dataset = gdal.GetDriverByName("GTiff").Create(str(path), 20, 10, 3, gdal.GDT_Float32)
    dataset.SetGeoTransform((0, 10000, 0, 100000, 0, -10000))
    dataset.SetProjection("EPSG:3035")
    for index, name in enumerate(["total", "domestic", "driven by foreign final demand"], 1):
        band = dataset.GetRasterBand(index)
        band.SetDescription(name)
        band.WriteArray(np.arange(200, dtype=np.float32).reshape(10, 20) * index)
    dataset = None
    image = footprint_map_image(str(path), 3, "title", width=400)
    assert image.width() == 400 and image.height() > 200
    assert sorted(p.name for p in tmp_path.iterdir()) == ["footprint.tif"]


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("BALANCE", "foo,bar\n1,2\n", r"BALANCE is not the BALANCE table .* no column 'account'"),
        ("CONSUMERS", "consumer_region,domestic\nUSA,0\n", r"no column 'footprint'"),
        (
            "CURVE",
            "area_share,footprint_share\nhalf,0.5\n",
            r"CURVE is not the CURVE table .* 'area_share' does not hold numbers",
        ),
        ("CITIES", "name,total\nShanghai,3\n", r"CITIES is not the OUTPUT_TABLE of Footprint by"),
        ("NEAR", "bands,other\nA,1\n", r"NEAR is not the UNION_TABLE"),
    ],
)
def test_a_side_table_that_is_not_the_named_output_is_refused(
    processing, provider, tmp_path, key, text, message
):
    mapped = run_demo(processing, tmp_path)
    table = tmp_path / "table.csv"
    table.write_text(text, encoding="utf-8")
    with pytest.raises(QgsProcessingException, match=message):
        processing.run(
            "footprint:report",
            {
                "FOOTPRINT": mapped["OUTPUT"],
                key: str(table),
                "AREA_SHARE": 1.0,
                "OUTPUT_HTML": str(tmp_path / "report.html"),
            },
        )
    assert not (tmp_path / "report.html").exists()


def test_a_report_onto_the_file_of_a_layer_it_draws_is_refused(processing, provider, tmp_path):
    """BOUNDARIES and POINTS are layers drawn over the map: an output onto one of their files
    is refused before anything is written, and the file is left as it was."""
    path = one_band_raster(tmp_path / "plain.tif", "driven by foreign final demand")
    boundaries = tmp_path / "boundaries.gpkg"
    source = ogr.GetDriverByName("GPKG").CreateDataSource(str(boundaries))
    source.CreateLayer("provinces", osr.SpatialReference(), ogr.wkbPolygon)
    source = None
    before = boundaries.read_bytes()
    with pytest.raises(QgsProcessingException, match=r"would replace .*boundaries\.gpkg"):
        processing.run(
            "footprint:report",
            {
                "FOOTPRINT": str(path),
                "BOUNDARIES": str(boundaries),
                "OUTPUT_HTML": str(tmp_path / "report.html"),
                "OUTPUT_MAP": str(boundaries),
            },
        )
    assert boundaries.read_bytes() == before
    assert not (tmp_path / "report.html").exists()


def test_the_maps_outlines_are_grey_and_unfilled_and_its_points_blue(qgis_app):
    """Drawn over the footprint, boundaries must not hide it (no fill, a grey line) and points
    are small blue dots: read off the rendered pixels of a 100 x 100 map of a 10 x 10 square
    and of a point in its middle."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsRectangle

    from footprint_plugin.report.map_image import render, style_outlines, style_points
    from tests.algorithms.footprint_rasters import box_wkt, memory_layer

    square = memory_layer("Polygon?crs=EPSG:3857", [(box_wkt(2, 2, 8, 8), [])])
    style_outlines(square)
    image = render([square], square.crs(), QgsRectangle(0, 0, 10, 10), 100)
    assert image.pixelColor(50, 50).name() == "#ffffff"  # inside: the map shows through
    # the west side (x = 2, pixel 20), a line 0.25 mm wide (0.94 pixel at 96 dpi) smoothed
    # over two pixels: their darkness adds up to the line's own over one pixel's width
    edge = [image.pixelColor(x, 50) for x in range(15, 26)]
    assert all(c.red() == c.green() == c.blue() for c in edge)  # grey
    darkness = sum(255 - c.red() for c in edge)
    assert 255 - darkness / (0.25 / 25.4 * 96) == pytest.approx(80, abs=20)

    point = memory_layer("Point?crs=EPSG:3857", [("POINT(5 5)", [])])
    style_points(point)
    image = render(
        [point], QgsCoordinateReferenceSystem("EPSG:3857"), QgsRectangle(0, 0, 10, 10), 100
    )
    dot = image.pixelColor(50, 50)
    assert dot.blue() > dot.red() + 60 and dot.blue() > dot.green() + 40


def svg_lines(svg, colour):
    """The points of each path drawn in ``colour``, in the picture's coordinates."""
    lines = []
    for d, style in re.findall(r'<path d="([^"]+)"[^>]*style="([^"]*)"', svg):
        if f"stroke: {colour}" in style:
            numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
            lines.append(list(zip(numbers[::2], numbers[1::2])))
    return lines


def test_the_concentration_curve_is_drawn_where_its_shares_are(qgis_app):
    """The curve of (0, 0), (10 %, 75 %), (100 %, 100 %), its hotspot marker from (10 %, 0) up
    to 75 % and across to the axis, placed by the even-spread diagonal from (0, 0) to
    (100 %, 100 %); each line also has its legend entry."""
    from footprint_plugin.report.html import concentration_curve_svg

    svg = concentration_curve_svg([0.0, 0.1, 1.0], [0.0, 0.75, 1.0], 0.1, 0.75)
    diagonal, *legend = svg_lines(svg, "#999999")
    (x0, y0), (x1, y1) = diagonal

    def placed(x, y):  # percentages to the picture's coordinates
        return pytest.approx((x0 + (x1 - x0) * x / 100, y0 + (y1 - y0) * y / 100), abs=0.01)

    curve, *curve_legend = svg_lines(svg, "#bd0026")
    assert curve == [placed(0, 0), placed(10, 75), placed(100, 100)]
    assert svg_lines(svg, "#555555") == [[placed(10, 0), placed(10, 75), placed(0, 75)]]
    assert len(legend) == len(curve_legend) == 1
