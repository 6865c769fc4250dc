"""footprint:mapfootprint on hand-made cases with known answers: where the tonnes land."""

import numpy as np
import pytest

from tests.algorithms.map_cases import balance, expected_bands, run_map, sources_layer

TOTAL, DOMESTIC, FOREIGN, CONSUMER_F = range(4)


def test_a_point_lands_in_its_cell_split_by_its_consumers(processing, provider, tmp_path):
    sources = sources_layer("Point", [("POINT(5000 5000)", 100.0, "ELEC", None)])
    results, bands, _ = run_map(processing, tmp_path, sources)

    assert bands.shape == (4, 2, 5)  # the grid covers the regions' closed extent
    np.testing.assert_allclose(bands[:, 0, 0], expected_bands(100.0, "A"), rtol=1e-6)
    occupied = np.nansum(bands[TOTAL]) - bands[TOTAL, 0, 0]
    assert occupied == 0
    assert results["TOTAL"] == pytest.approx(100.0)
    assert results["FOREIGN"] == pytest.approx(25.0)
    assert results["FOREIGN_SHARE"] == pytest.approx(0.25)
    accounts = balance(results)
    assert accounts.loc[("inventory", "all sources"), "amount"] == pytest.approx(100.0)
    assert (accounts.loc["unattributed", ["sources", "amount"]] == 0).all(axis=None)


def test_cells_outside_the_regions_are_nodata(processing, provider, tmp_path):
    sources = sources_layer("Point", [("POINT(5000 5000)", 1.0, "ELEC", None)])
    _, bands, _ = run_map(processing, tmp_path, sources)
    # Row 1 and column 4 lie south and east of the regions (closed extent): no territory.
    assert np.isnan(bands[:, 1, :]).all()
    assert np.isnan(bands[:, :, 4]).all()
    assert (bands[:, 0, :4] >= 0).all()


def test_a_polygon_across_two_cells_and_two_regions_is_split_by_area(
    processing, provider, tmp_path
):
    polygon = "POLYGON((15000 2000,25000 2000,25000 8000,15000 8000,15000 2000))"
    sources = sources_layer("Polygon", [(polygon, 100.0, "ELEC", None)])
    results, bands, _ = run_map(processing, tmp_path, sources)

    np.testing.assert_allclose(bands[:, 0, 1], expected_bands(50.0, "A"), rtol=1e-6)
    np.testing.assert_allclose(bands[:, 0, 2], expected_bands(50.0, "B"), rtol=1e-6)
    assert np.nansum(bands[TOTAL]) == pytest.approx(100.0, rel=1e-6)
    assert results["FOREIGN"] == pytest.approx(12.5 + 25.0)


def test_a_line_across_a_border_is_split_by_length(processing, provider, tmp_path):
    sources = sources_layer(
        "LineString", [("LINESTRING(15000 5000,35000 5000)", 100.0, "ELEC", None)]
    )
    results, bands, _ = run_map(processing, tmp_path, sources)

    np.testing.assert_allclose(bands[:, 0, 1], expected_bands(25.0, "A"), rtol=1e-6)
    np.testing.assert_allclose(bands[:, 0, 2], expected_bands(50.0, "B"), rtol=1e-6)
    np.testing.assert_allclose(bands[:, 0, 3], expected_bands(25.0, "B"), rtol=1e-6)
    assert results["TOTAL"] == pytest.approx(100.0)


def test_a_line_along_a_border_and_cell_edge_is_counted_once(processing, provider, tmp_path):
    sources = sources_layer(
        "LineString", [("LINESTRING(20000 1000,20000 9000)", 100.0, "ELEC", None)]
    )
    results, bands, _ = run_map(processing, tmp_path, sources)

    assert results["TOTAL"] == pytest.approx(100.0)
    # On the edge between columns 1 and 2: the east cell; on the A|B border: half each.
    np.testing.assert_allclose(
        bands[:, 0, 2], expected_bands(50.0, "A") + expected_bands(50.0, "B"), rtol=1e-6
    )
    assert np.nansum(bands[TOTAL]) == pytest.approx(100.0, rel=1e-6)


@pytest.mark.parametrize(
    ("point", "cell", "region"),
    [
        ("POINT(10000 5000)", (0, 1), "A"),  # vertical cell edge inside A: the cell east of it
        ("POINT(5000 10000)", (0, 0), "A"),  # north edge of the grid and of A: inside
        ("POINT(20000 5000)", (0, 2), "A"),  # A|B border and cell edge: once, first region
        ("POINT(0 5000)", (0, 0), "A"),  # west border of A (outer edge of the territory)
        ("POINT(20000 10000)", (0, 2), "A"),  # corner of A, B, a cell edge and the grid edge
    ],
)
def test_a_point_on_an_edge_or_border_is_counted_once(
    processing, provider, tmp_path, point, cell, region
):
    sources = sources_layer("Point", [(point, 100.0, "ELEC", None)])
    results, bands, _ = run_map(processing, tmp_path, sources)

    np.testing.assert_allclose(bands[:, cell[0], cell[1]], expected_bands(100.0, region), rtol=1e-6)
    assert np.nansum(bands[TOTAL]) == pytest.approx(100.0, rel=1e-6)
    assert results["TOTAL"] == pytest.approx(100.0)


def test_region_field_places_sources_without_polygons(processing, provider, tmp_path):
    sources = sources_layer(
        "Point",
        [("POINT(5000 5000)", 100.0, "ELEC", "B"), ("POINT(25000 5000)", 10.0, "ELEC", "A")],
    )
    results, bands, _ = run_map(
        processing, tmp_path, sources, regions=None, REGIONS=None, REGION_FIELD="region"
    )
    # The field decides: the point in A's box is B's producer.
    np.testing.assert_allclose(bands[:, 0, 0], expected_bands(100.0, "B"), rtol=1e-6)
    np.testing.assert_allclose(bands[:, 0, 2], expected_bands(10.0, "A"), rtol=1e-6)
    assert results["TOTAL"] == pytest.approx(110.0)


def test_concordance_splits_a_source_over_mrio_sectors(processing, provider, tmp_path):
    concordance = tmp_path / "concordance.csv"
    concordance.write_text(
        "inventory_sector,mrio_sector,weight\nmetal,ELEC,0.25\nmetal,STEEL,0.75\n"
    )
    sources = sources_layer("Point", [("POINT(5000 5000)", 100.0, "metal", None)])
    results, bands, _ = run_map(processing, tmp_path, sources, CONCORDANCE=str(concordance))

    expected = expected_bands(25.0, "A") + expected_bands(75.0, "A", "STEEL")
    np.testing.assert_allclose(bands[:, 0, 0], expected, rtol=1e-6)
    assert results["FOREIGN"] == pytest.approx(25.0 * 0.25 + 75.0 * 0.5)
