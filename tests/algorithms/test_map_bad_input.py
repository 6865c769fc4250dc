"""footprint:mapfootprint refuses or reports bad input with a message saying what to fix."""

import pytest
from qgis.core import QgsProcessingException

from tests.algorithms.map_cases import (
    balance,
    map_parameters,
    regions_layer,
    run_map,
    sources_layer,
)

GOOD = ("POINT(5000 5000)", 100.0, "ELEC", "A")


def points(*rows, crs="EPSG:6933"):
    return sources_layer("Point", rows, crs)


def refused(processing, tmp_path, sources, **parameters):
    """The message of the QgsProcessingException a run raises; no raster is left behind."""
    with pytest.raises(QgsProcessingException) as raised:
        run_map(processing, tmp_path, sources, **parameters)
    assert not list(tmp_path.glob("*.tif")), "a raster was left after a failed run"
    return str(raised.value)


def warned(processing, tmp_path, sources, **parameters):
    results, _, feedback = run_map(processing, tmp_path, sources, **parameters)
    return results, feedback.log


def test_missing_emission_field(processing, provider, tmp_path):
    message = refused(processing, tmp_path, points(GOOD), EMISSION_FIELD="tonnes")
    assert "EMISSION_FIELD 'tonnes' is not a field of INPUT" in message
    assert "co2, sector, region" in message


def test_non_numeric_emission_field(processing, provider, tmp_path):
    message = refused(processing, tmp_path, points(GOOD), EMISSION_FIELD="sector")
    assert "'sector' is a string field, not a number field" in message.lower()
    assert message.startswith("EMISSION_FIELD")


def test_null_and_negative_emissions_are_reported_not_zeroed(processing, provider, tmp_path):
    sources = points(
        GOOD, ("POINT(6000 5000)", None, "ELEC", "A"), ("POINT(7000 5000)", -30.0, "ELEC", "A")
    )
    results, log = warned(processing, tmp_path, sources)
    assert "2 of 3 sources (-30 in all) not attributed, invalid emission" in log
    assert "1 null, 0 not a number, 1 negative" in log
    accounts = balance(results)
    row = accounts.loc[("unattributed", "invalid_emission")]
    assert (row["sources"], row["amount"]) == (2, -30.0)
    assert accounts.loc[("inventory", "all sources"), "amount"] == 70.0
    assert results["TOTAL"] == pytest.approx(100.0)


def test_no_sector_and_unknown_sector(processing, provider, tmp_path):
    sources = points(
        GOOD, ("POINT(6000 5000)", 5.0, None, "A"), ("POINT(7000 5000)", 7.0, "1A1a", "A")
    )
    results, log = warned(processing, tmp_path, sources)
    assert "1 of 3 sources (5 in all) not attributed, no sector" in log
    assert "give ids" in log and "a sector code (SECTOR_FIELD)" in log
    assert "unknown sector" in log and "add the sector codes '1A1a' to the CONCORDANCE" in log
    accounts = balance(results)
    assert accounts.loc[("unattributed", "unknown_sector"), "amount"] == 7.0


def test_some_sources_outside_every_region(processing, provider, tmp_path):
    results, log = warned(
        processing, tmp_path, points(GOOD, ("POINT(50000 5000)", 3.0, "ELEC", None))
    )
    assert "1 of 2 sources (3 in all) not attributed, no region" in log
    assert "lie outside every region: check that REGIONS covers the sources" in log
    assert balance(results).loc[("unattributed", "no_region"), "amount"] == 3.0


def test_all_sources_outside_every_region(processing, provider, tmp_path):
    far = points(("POINT(90000 5000)", 3.0, "ELEC", None), ("POINT(95000 5000)", 4.0, "ELEC", None))
    message = refused(processing, tmp_path, far)
    assert "No emission could be attributed, so there is nothing to map" in message
    assert "lie outside every region" in message


def test_sources_outside_the_extent(processing, provider, tmp_path):
    sources = points(GOOD, ("POINT(35000 5000)", 3.0, "ELEC", None))
    results, log = warned(processing, tmp_path, sources, EXTENT="0,20000,0,10000 [EPSG:6933]")
    assert "not attributed, outside the extent of the grid" in log
    assert "widen EXTENT or leave it empty" in log
    assert balance(results).loc[("unattributed", "outside_extent"), "amount"] == 3.0


def test_input_without_crs(processing, provider, tmp_path):
    message = refused(processing, tmp_path, points(GOOD, crs=""))
    assert "INPUT has no coordinate reference system (CRS)" in message
    assert "Set its CRS" in message


def test_regions_without_crs(processing, provider, tmp_path):
    message = refused(processing, tmp_path, points(GOOD), regions=regions_layer(crs=""))
    assert "REGIONS has no coordinate reference system (CRS)" in message


def test_empty_input(processing, provider, tmp_path):
    message = refused(processing, tmp_path, points())
    assert "INPUT is empty (no features, or none selected)" in message


@pytest.mark.parametrize("cell_size", [0.0, -10.0])
def test_cell_size_not_positive(processing, provider, tmp_path, cell_size):
    message = refused(processing, tmp_path, points(GOOD), CELL_SIZE=cell_size)
    assert f"CELL_SIZE must be a positive number of metres, got {cell_size:g}" in message


def test_cell_size_giving_an_impossibly_large_grid(processing, provider, tmp_path):
    message = refused(processing, tmp_path, points(GOOD), CELL_SIZE=0.001)
    assert "40,000,001 x 10,000,001 = 400,000,050,000,001 cells at CELL_SIZE 0.001 m" in message
    assert "exceeds the limit of 200,000,000 cells" in message
    # 1 m cells over this 40 km x 10 km extent are 4e8, 2 m cells about 1e8: 2 m fits
    assert "Use a CELL_SIZE of at least 2 m" in message


def test_mrio_regions_match_none_of_the_region_codes(processing, provider, tmp_path):
    regions = regions_layer(boxes=(("CN-AA", "POLYGON((0 0,20000 0,20000 10000,0 10000,0 0))"),))
    message = refused(processing, tmp_path, points(GOOD), regions=regions)
    assert "None of the region codes of REGIONS ('CN-AA') is a region of the MRIO" in message
    assert "'A', 'B', 'F'" in message


def test_region_field_codes_match_none_of_the_mrio_regions(processing, provider, tmp_path):
    sources = points(
        ("POINT(5000 5000)", 1.0, "ELEC", "XX"), ("POINT(6000 5000)", 1.0, "ELEC", "YY")
    )
    message = refused(processing, tmp_path, sources, REGIONS=None, REGION_FIELD="region")
    assert "None of the region codes of the field 'region' ('XX', 'YY')" in message


def test_some_region_codes_not_in_the_mrio(processing, provider, tmp_path):
    sources = points(GOOD, ("POINT(6000 5000)", 2.0, "ELEC", "ZZ"))
    results, log = warned(processing, tmp_path, sources, REGIONS=None, REGION_FIELD="region")
    assert "region not in the MRIO: the region codes 'ZZ' are not regions of the MRIO" in log
    assert results["TOTAL"] == pytest.approx(100.0)


def test_zero_output_producer(processing, provider, tmp_path):
    results, log = warned(
        processing, tmp_path, points(GOOD, ("POINT(25000 5000)", 9.0, "STEEL", None))
    )
    assert "zero output" in log and "the MRIO has no output for 'B/STEEL'" in log
    assert balance(results).loc[("unattributed", "zero_output"), "amount"] == 9.0


def test_no_region_field_and_no_regions(processing, provider, tmp_path):
    message = refused(processing, tmp_path, points(GOOD), REGIONS=None)
    assert "give REGION_FIELD (a field with MRIO region codes) or REGIONS" in message


def test_geographic_target_crs_is_refused(processing, provider, tmp_path):
    message = refused(processing, tmp_path, points(GOOD), TARGET_CRS="EPSG:4326")
    assert "TARGET_CRS EPSG:4326 is geographic (degrees)" in message


def test_target_crs_not_equal_area_is_warned(processing, provider, tmp_path):
    _, log = warned(processing, tmp_path, points(GOOD), TARGET_CRS="EPSG:3857")
    assert "TARGET_CRS EPSG:3857 is not an equal-area projection" in log


def test_unknown_concordance_sector(processing, provider, tmp_path):
    concordance = tmp_path / "concordance.csv"
    concordance.write_text("inventory_sector,mrio_sector,weight\npower,POWER,1\n")
    message = refused(processing, tmp_path, points(GOOD), CONCORDANCE=str(concordance))
    assert "maps to MRIO sectors the MRIO does not have: 'POWER'" in message


def test_concordance_weights_not_summing_to_one(processing, provider, tmp_path):
    concordance = tmp_path / "concordance.csv"
    concordance.write_text("inventory_sector,mrio_sector,weight\nmetal,ELEC,0.5\nmetal,STEEL,0.4\n")
    message = refused(processing, tmp_path, points(GOOD), CONCORDANCE=str(concordance))
    assert "the weights of an inventory sector must sum to 1" in message
    assert "'metal': 0.9" in message


def test_cancelling_leaves_no_raster(processing, provider, tmp_path):
    from footprint_plugin.algorithms.map_footprint import MapFootprint
    from tests.algorithms.footprint_rasters import cancelling_at

    feedback = cancelling_at(MapFootprint.STEPS, "raster")
    parameters = map_parameters(tmp_path, points(GOOD))
    with pytest.raises(QgsProcessingException, match="Cancelled: no raster was written"):
        processing.run("footprint:mapfootprint", parameters, feedback=feedback)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mrio"]
