"""footprint:report gathers the chain's outputs; its numbers are the footprint map's."""

import pytest
from osgeo import gdal
from qgis.core import QgsProcessingException

from tests.algorithms.test_map_demo import run_demo


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
            "OUTPUT_HTML": str(tmp_path / "report.html"),
            "OUTPUT_MAP": str(tmp_path / "map.png"),
        },
    )
    # the report sums the float32 raster, the map its float64 accounts
    assert report["TOTAL"] == pytest.approx(mapped["TOTAL"], rel=1e-6)
    assert report["FOREIGN"] == pytest.approx(mapped["FOREIGN"], rel=1e-6)
    assert report["FOREIGN_SHARE"] == pytest.approx(mapped["FOREIGN_SHARE"], rel=1e-6)
    assert report["TOP_CONSUMERS"].split(", ")[:2] == ["ROW", "USA"]
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    for heading in (
        "Map",
        "Top foreign consumers",
        "final-demand category",
        "producing sector",
        "Concentration",
        "Balance",
    ):
        assert heading in page
    assert page.count("<svg") >= 4  # consumers, categories, sectors, Lorenz curve
    assert "data:image/png;base64," in page
    assert (tmp_path / "map.png").stat().st_size > 10_000


def test_a_raster_without_a_foreign_band_is_refused(processing, provider, tmp_path):
    path = tmp_path / "plain.tif"
    dataset = gdal.GetDriverByName("GTiff").Create(str(path), 4, 4, 1, gdal.GDT_Float32)
    dataset.SetGeoTransform((0, 1000, 0, 4000, 0, -1000))
    dataset.SetProjection("EPSG:3035")
    dataset.GetRasterBand(1).SetDescription("total")
    dataset = None
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
