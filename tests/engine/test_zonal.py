"""Exact coverage fractions, zonal sums that add up, the tables, and band names."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint_plugin.engine.analysis.band_labels import (
    band_field_names,
    foreign_band,
    unique_names,
)
from footprint_plugin.engine.analysis.zonal import (
    ZonalError,
    ZonalSums,
    coverage_fractions,
    overlaps,
    polygon_coverage,
    whole_cell_fractions,
    zonal_sums,
    zone_long_table,
    zone_table,
)

# 4 rows x 5 columns of 10 x 10 cells, north-west corner at (100, 240)
GEOTRANSFORM = (100.0, 10.0, 0.0, 240.0, 0.0, -10.0)
SHAPE = (4, 5)


def box(x0, y0, x1, y1):
    return np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])


def cell(row, col):
    return row * SHAPE[1] + col


def coverage_dict(rings, geotransform=GEOTRANSFORM, shape=SHAPE):
    cells, fractions = polygon_coverage(rings, geotransform, shape)
    return dict(zip(cells.tolist(), fractions.tolist()))


def test_a_polygon_equal_to_a_cell_covers_that_cell_only():
    assert coverage_dict([box(110, 220, 120, 230)]) == {cell(1, 1): 1.0}


def test_a_square_straddling_four_cells_is_apportioned_by_area():
    covered = coverage_dict([box(115, 215, 125, 225)])
    assert covered == pytest.approx(
        {cell(1, 1): 0.25, cell(1, 2): 0.25, cell(2, 1): 0.25, cell(2, 2): 0.25}, abs=1e-15
    )


def test_a_triangle_by_hand():
    # right triangle (100,200) (120,200) (100,220): rows 2-3, columns 0-1; the hypotenuse
    # x + y = 320 cuts cells (2,0) and (3,1) in half and misses (2,1).
    covered = coverage_dict([np.array([(100, 200), (120, 200), (100, 220)])])
    assert covered == pytest.approx({cell(2, 0): 0.5, cell(3, 0): 1.0, cell(3, 1): 0.5})


def test_holes_and_ring_orientation():
    outer, hole = box(100, 200, 130, 230), box(110, 210, 120, 220)[::-1]
    with_hole = coverage_dict([outer, hole])
    assert cell(2, 1) not in with_hole
    assert sum(with_hole.values()) == pytest.approx(8.0)
    reversed_rings = coverage_dict([outer[::-1], hole[::-1]])  # both turned the other way
    assert reversed_rings == pytest.approx(with_hole)
    open_ring = coverage_dict([outer[:-1], hole[:-1]])  # rings need not repeat the first point
    assert open_ring == pytest.approx(with_hole)


def test_parts_outside_the_raster_are_cut_off():
    assert coverage_dict([box(0, 0, 1000, 1000)]) == {c: 1.0 for c in range(20)}
    assert coverage_dict([box(90, 235, 105, 300)]) == pytest.approx({cell(0, 0): 0.25})
    assert coverage_dict([box(100, 250, 150, 300)]) == {}  # north of the raster
    assert coverage_dict([box(0, 0, 50, 50)]) == {}
    assert coverage_dict([box(120, 100, 130, 205)]) == pytest.approx({cell(3, 2): 0.5})


def test_rotated_rasters_are_refused():
    with pytest.raises(ZonalError, match="north-up"):
        polygon_coverage([box(0, 0, 1, 1)], (0, 1, 0.1, 0, 0, -1), (2, 2))


def star(rng, centre, radius, points):
    """A random polygon, star-shaped around centre (angle steps under pi), so simple."""
    angles = (np.arange(points) + rng.uniform(0, 0.9, points)) * 2 * np.pi / points
    radii = rng.uniform(0.2, 1.0, points) * radius
    return np.column_stack([centre[0] + radii * np.cos(angles), centre[1] + radii * np.sin(angles)])


def shoelace(ring):
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_fractions_add_up_to_the_polygon_area_and_match_sampling(seed):
    rng = np.random.default_rng(seed)
    centre = (rng.uniform(115, 135), rng.uniform(215, 225))  # the star stays inside the raster
    ring = star(rng, centre, rng.uniform(1, 14), int(rng.integers(5, 30)))
    cells, fractions = polygon_coverage([ring], GEOTRANSFORM, SHAPE)
    assert ((fractions > 0) & (fractions <= 1)).all()
    assert fractions.sum() * 100.0 == pytest.approx(shoelace(ring), rel=1e-9)
    # against 200 x 200 sample points per cell (point in polygon by matplotlib)
    from matplotlib.path import Path

    offsets = (np.arange(200) + 0.5) / 200 * 10.0
    path = Path(ring)
    for number, fraction in zip(cells[:6], fractions[:6]):
        row, col = divmod(int(number), SHAPE[1])
        x, y = np.meshgrid(100 + col * 10 + offsets, 240 - row * 10 - offsets)
        sampled = path.contains_points(np.column_stack([x.ravel(), y.ravel()])).mean()
        assert fraction == pytest.approx(sampled, abs=0.02)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_zones_sharing_a_border_never_cover_a_cell_more_than_once(seed):
    # A rectangle split in two by a random polyline: the two zones tile it exactly.
    rng = np.random.default_rng(seed)
    xs = np.linspace(101.3, 147.9, int(rng.integers(2, 12)))
    ys = rng.uniform(203, 237, xs.size)
    cut = np.column_stack([xs, ys])
    north = np.vstack([cut, [(147.9, 240.0), (101.3, 240.0)]])
    south = np.vstack([cut, [(147.9, 200.0), (101.3, 200.0)]])[::-1]
    fractions = coverage_fractions([[north], [south]], GEOTRANSFORM, SHAPE)
    covered = np.asarray(fractions.sum(axis=0)).ravel().reshape(SHAPE)
    assert covered.max() <= 1.0 + 1e-12
    assert covered[:, 1:4] == pytest.approx(1.0, abs=1e-12)  # columns 1-3 lie inside
    assert overlaps(fractions).cells == 0


def test_coverage_fractions_of_several_zones():
    zones = [
        [box(100, 230, 110, 240)],
        [],
        [box(1000, 1000, 1010, 1010)],
        [box(100, 200, 150, 240)],
    ]
    fractions = coverage_fractions(zones, GEOTRANSFORM, SHAPE)
    assert fractions.shape == (4, 20)
    assert fractions.getnnz(axis=1).tolist() == [1, 0, 0, 20]
    overlap = overlaps(fractions)
    assert (overlap.cells, overlap.excess, overlap.covered) == (1, 1.0, 21.0)
    assert overlap.pairs == [(0, 3, 1.0)]


def blocks(values, rows_per_block):
    for start in range(0, values.shape[1], rows_per_block):
        yield start, values[:, start : start + rows_per_block]


def test_zonal_sums_add_up_with_the_outside_remainder():
    rng = np.random.default_rng(3)
    values = rng.uniform(0, 5, (3, *SHAPE))
    values[1, 0, 0] = np.nan  # no data: counts as nothing
    zones = [[box(115, 215, 125, 225)], [box(100, 230, 113, 240)], [box(140, 200, 150, 210)]]
    fractions = coverage_fractions(zones, GEOTRANSFORM, SHAPE)
    result = zonal_sums(fractions, blocks(values, 1), SHAPE[1])
    totals = np.nansum(values, axis=(1, 2))
    assert result.band_totals == pytest.approx(totals, rel=1e-14)
    assert result.sums.sum(axis=0) + result.outside == pytest.approx(totals, rel=1e-12)
    assert (result.sums.sum(axis=0) <= result.band_totals).all()
    # by hand: zone 0 takes a quarter of cells (1,1) (1,2) (2,1) (2,2)
    quarter = 0.25 * values[:, 1:3, 1:3].sum(axis=(1, 2))
    assert result.sums[0] == pytest.approx(quarter, rel=1e-12)
    no_nan = np.nan_to_num(values)
    expected_1 = no_nan[:, 0, 0] + 0.3 * no_nan[:, 0, 1]
    assert result.sums[1] == pytest.approx(expected_1, rel=1e-12)
    # the block size does not matter
    whole = zonal_sums(fractions, blocks(values, 4), SHAPE[1])
    assert whole.sums == pytest.approx(result.sums, rel=1e-14)


def test_whole_cell_fractions_count_every_cell_fully():
    fractions = whole_cell_fractions([np.array([0, 1]), np.array([3, 5]), np.array([], int)], 6)
    values = np.arange(6, dtype=float).reshape(1, 2, 3)
    result = zonal_sums(fractions, [(0, values)], 3)
    assert result.sums[:, 0].tolist() == [1.0, 8.0, 0.0]
    assert result.outside.tolist() == [6.0]


def test_zonal_sums_need_a_block_with_data():
    fractions = whole_cell_fractions([np.arange(4)], 4)
    with pytest.raises(ZonalError, match="no rows"):
        zonal_sums(fractions, [], 2)
    with pytest.raises(ZonalError, match="no valid cells"):
        zonal_sums(fractions, [(0, np.full((3, 2, 2), np.nan))], 2)


def test_zone_tables():
    result = ZonalSums(
        sums=np.array([[4.0, 1.0], [6.0, 0.0], [6.0, 2.0]]), band_totals=np.array([20.0, 3.0])
    )
    wide = zone_table(
        result, ["a", "b", "c"], ["total", "foreign"], rank_band=0, zone_column="city"
    )
    assert wide.columns.tolist() == [
        "city",
        "total",
        "foreign",
        "total_share",
        "foreign_share",
        "rank",
    ]
    assert wide["rank"].tolist() == [3, 1, 1]  # equal sums share the rank
    assert wide["total_share"].tolist() == pytest.approx([0.2, 0.3, 0.3])

    long = zone_long_table(result, ["a", "b", "c"], ["total", "foreign"], "outside", "city")
    assert len(long) == 8
    assert long.groupby("band")["footprint"].sum().to_dict() == pytest.approx(
        {"total": 20.0, "foreign": 3.0}
    )
    outside = long[long["city"] == "outside"].set_index("band")
    assert outside["footprint"].to_dict() == pytest.approx({"total": 4.0, "foreign": 0.0})
    assert outside["rank"].isna().all()
    foreign = long[(long["band"] == "foreign") & (long["city"] != "outside")]
    assert foreign["rank"].tolist() == [2, 3, 1]
    assert pd.api.types.is_integer_dtype(long["rank"])


def test_shares_of_a_band_totalling_zero_are_empty():
    result = ZonalSums(sums=np.array([[0.0]]), band_totals=np.array([0.0]))
    assert np.isnan(result.shares()).all()


def test_foreign_band_and_field_names():
    descriptions = [
        "total footprint (all final demand)",
        "driven by domestic final demand (CN-BJ, ...)",
        "driven by foreign final demand",
        "driven by final demand of US",
        "",
        "2012 total",
    ]
    assert foreign_band(descriptions) == 2
    assert foreign_band(["total", "Foreign"]) == 1
    assert foreign_band(["total", "foreigners"]) is None
    names = band_field_names(descriptions, taken=["NAME", "driven_by_foreign_final_demand"])
    assert names == [
        "total_footprint_all_final_dema",
        "driven_by_domestic_final_deman",
        "driven_by_foreign_final_demand_2",
        "driven_by_final_demand_of_us",
        "band_5",
        "b2012_total",
    ]
    assert unique_names(["a", "A", "a"]) == ["a", "A_2", "a_3"]


@pytest.mark.parametrize(
    "geotransform",
    [
        (0.0, 1.0, 0.0, 10.0, 0.1, -1.0),  # column rotation only
        (0.0, 1.0, 0.0, 0.0, 0.0, 1.0),  # south-up
        (0.0, 0.5, 0.0, 0.0, 0.0, 0.5),  # south-up, cells under one unit
        (0.0, -1.0, 0.0, 10.0, 0.0, -1.0),  # east to west
        (0.0, 0.0, 0.0, 10.0, 0.0, -1.0),  # no width
        (0.0, 1.0, 0.0, 10.0, 0.0, 0.0),  # no height
    ],
)
def test_rasters_that_are_not_north_up_are_refused(geotransform):
    """Every way a geotransform can differ from north-up is refused, not summed wrongly."""
    with pytest.raises(ZonalError, match="north-up"):
        polygon_coverage([box(0, 0, 1, 1)], geotransform, (10, 10))


def test_small_clockwise_polygon_on_a_degree_grid():
    """Cells smaller than one CRS unit (half a degree) and a polygon of a quarter square degree
    turning clockwise (as QGIS's forceRHR() leaves exteriors): a quarter of four cells."""
    geotransform = (0.0, 0.5, 0.0, 10.0, 0.0, -0.5)
    ring = np.array([(0.25, 9.25), (0.25, 9.75), (0.75, 9.75), (0.75, 9.25), (0.25, 9.25)])
    covered = coverage_dict([ring], geotransform, (4, 4))
    assert covered == pytest.approx({0: 0.25, 1: 0.25, 4: 0.25, 5: 0.25}, abs=1e-12)


def test_a_polygon_of_one_square_unit():
    """A 1 x 1 square (area exactly 1, edges exactly 1 long) covers 1/100 of a 10 x 10 cell."""
    assert coverage_dict([box(111, 221, 112, 222)]) == pytest.approx({cell(1, 1): 0.01})
    assert coverage_dict([box(111, 221, 112, 222)[::-1]]) == pytest.approx({cell(1, 1): 0.01})


def test_a_polygon_just_past_the_east_edge_does_not_wrap_to_the_next_row():
    """Half of the square lies east of the raster (within one cell width): only the two cells
    of the last column are covered, by half each; nothing spills into column 0 of a later row."""
    covered = coverage_dict([box(140, 215, 155, 225)])
    assert covered == pytest.approx({cell(1, 4): 0.5, cell(2, 4): 0.5})


def test_degenerate_rings_are_skipped_and_repeated_vertices_do_no_harm():
    """A ring of two points adds nothing but does not hide the rings after it; a line with a
    repeated end point covers nothing; an open ring whose first vertex is repeated is still
    closed (the triangle of test_a_triangle_by_hand one row up, closed by its hypotenuse)."""
    line = np.array([(100.0, 200.0), (150.0, 240.0)])
    assert coverage_dict([line, box(110, 220, 120, 230)]) == {cell(1, 1): 1.0}
    assert coverage_dict([np.array([(100, 200), (150, 240), (150, 240)])]) == {}
    repeated = np.array([(100, 230), (100, 230), (100, 210), (120, 210)])
    expected = {cell(1, 0): 0.5, cell(2, 0): 1.0, cell(2, 1): 0.5}
    assert coverage_dict([repeated]) == pytest.approx(expected)


def test_a_cell_covered_by_two_identical_parts_counts_at_most_fully():
    """Fractions are at most 1 (the share of a cell's area) even where parts overlap."""
    assert coverage_dict([box(110, 220, 120, 230), box(110, 220, 120, 230)]) == {cell(1, 1): 1.0}
    covered = coverage_dict([box(105, 220, 120, 230), box(110, 220, 125, 230)])
    assert covered == pytest.approx({cell(1, 0): 0.5, cell(1, 1): 1.0, cell(1, 2): 0.5})


@pytest.mark.parametrize(
    "rings",
    [
        [],
        [np.array([(110, 220), (120, 230)])],  # too few points
        [np.array([(110, 220), (120, 230), (110, 220)])],  # no area
        [box(0, 0, 50, 50)],  # west of the raster
        [box(110, 150, 120, 190)],  # south of the raster
        [box(110, 250, 120, 260)],  # north of the raster
    ],
)
def test_polygons_covering_nothing_give_no_cells(rings):
    """No cell and no fraction (of equal, zero length), as cell numbers that index the raster."""
    cells, fractions = polygon_coverage(rings, GEOTRANSFORM, SHAPE)
    assert (len(cells), len(fractions)) == (0, 0)
    assert np.arange(20.0)[cells].sum() == 0.0


def test_cell_numbers_index_the_raster():
    """The cells of a square straddling four cells pick those cells out of the raster."""
    cells, fractions = polygon_coverage([box(115, 215, 125, 225)], GEOTRANSFORM, SHAPE)
    values = np.arange(20.0)
    assert values[cells].tolist() == [cell(1, 1), cell(1, 2), cell(2, 1), cell(2, 2)]
    assert fractions == pytest.approx([0.25] * 4)


def test_coverage_fractions_keep_the_shape_of_zones_by_cells():
    """One row per zone, one column per cell, even when the last zone and cells are empty."""
    fractions = coverage_fractions([[box(100, 230, 110, 240)], []], GEOTRANSFORM, SHAPE)
    assert fractions.shape == (2, 20)
    assert fractions.toarray()[0].tolist() == [1.0] + [0.0] * 19
    assert coverage_fractions([], GEOTRANSFORM, SHAPE).shape == (0, 20)


def test_overlapping_pairs_are_listed_largest_shared_excess_first():
    """Pairs (z1, z2, shared excess) by hand: zones 2 and 3 share two doubly covered cells,
    zones 0 and 3 one cell, zones 1 and 2 one cell; ties in order of z1."""
    zones = [
        [box(100, 230, 110, 240)],
        [box(110, 230, 120, 240)],
        [box(110, 230, 140, 240)],
        [box(100, 230, 110, 240), box(120, 230, 140, 240)],
    ]
    overlap = overlaps(coverage_fractions(zones, GEOTRANSFORM, SHAPE))
    assert (overlap.cells, overlap.excess, overlap.covered) == (4, 4.0, 8.0)
    assert [pair[:2] for pair in overlap.pairs] == [(2, 3), (0, 3), (1, 2)]
    assert [pair[2] for pair in overlap.pairs] == pytest.approx([2.0, 1.0, 1.0])


def test_no_data_cells_count_as_nothing_even_in_the_last_block():
    """Totals against numpy's nansum of a copy taken before the blocks are consumed; a last
    block without data does not hide the data of the blocks before it."""
    values = np.arange(1.0, 21.0).reshape(1, *SHAPE)
    values[0, 0, 0] = np.nan
    values[0, 3, :] = np.nan  # the bottom row has no data
    expected_total = float(np.nansum(values))
    fractions = coverage_fractions([[box(100, 230, 120, 240)]], GEOTRANSFORM, SHAPE)
    result = zonal_sums(fractions, blocks(values.copy(), 1), SHAPE[1])
    assert result.band_totals.tolist() == pytest.approx([expected_total])
    assert result.sums[:, 0].tolist() == pytest.approx([2.0])  # cell (0, 0) has no data


def test_shares_of_a_band_totalling_one():
    """A band total of exactly 1 is an ordinary total: the shares are the sums."""
    result = ZonalSums(sums=np.array([[0.25], [0.5]]), band_totals=np.array([1.0]))
    assert result.shares()[:, 0].tolist() == [0.25, 0.5]
    long = zone_long_table(result, ["a", "b"], ["total"], "outside")
    assert long["share"].tolist() == pytest.approx([0.25, 0.5, 0.25])


def test_a_band_totalling_zero_gives_empty_shares_without_warnings():
    """Positive and negative cells can cancel: the shares are NaN, and numpy's divide and
    invalid warnings (shown in QGIS's log) are not raised."""
    import warnings

    result = ZonalSums(sums=np.array([[2.0], [0.0]]), band_totals=np.array([0.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shares = result.shares()
        long = zone_long_table(result, ["a", "b"], ["net"], "outside")
    assert np.isnan(shares).all()
    assert long["share"].isna().all()
    assert pd.api.types.is_float_dtype(long["share"])


def test_zone_table_values_ranks_and_default_zone_column():
    """Band columns hold the sums; ranks are integers, three equal largest sums all rank 1;
    the zone column is called "zone" unless named (callers drop it by that name)."""
    result = ZonalSums(
        sums=np.array([[5.0, 1.0], [5.0, 2.0], [5.0, 3.0], [1.0, 4.0]]),
        band_totals=np.array([20.0, 10.0]),
    )
    wide = zone_table(result, ["a", "b", "c", "d"], ["total", "foreign"], rank_band=0)
    assert wide.columns[0] == "zone"
    assert wide["total"].tolist() == [5.0, 5.0, 5.0, 1.0]
    assert wide["foreign"].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert wide["rank"].tolist() == [1, 1, 1, 4]
    assert pd.api.types.is_integer_dtype(wide["rank"])


def test_zone_long_table_shares_by_hand():
    """Shares are footprint / band total (the outside row too), as floats; default zone column."""
    result = ZonalSums(sums=np.array([[4.0, 1.0], [6.0, 0.0]]), band_totals=np.array([20.0, 4.0]))
    long = zone_long_table(result, ["a", "b"], ["total", "foreign"], "outside")
    assert long.columns[0] == "zone"
    assert long["zone"].tolist() == ["a", "a", "b", "b", "outside", "outside"]
    assert long["footprint"].tolist() == [4.0, 1.0, 6.0, 0.0, 10.0, 3.0]
    assert long["share"].tolist() == pytest.approx([0.2, 0.25, 0.3, 0.0, 0.5, 0.75])
    assert pd.api.types.is_float_dtype(long["share"])


def test_zone_long_table_without_zones_puts_everything_outside():
    """No zones: one outside row per band holding the whole total (share 1), rank empty but
    still an integer column."""
    result = ZonalSums(sums=np.zeros((0, 2)), band_totals=np.array([5.0, 2.0]))
    long = zone_long_table(result, [], ["total", "foreign"], "outside")
    assert long["footprint"].tolist() == [5.0, 2.0]
    assert long["share"].tolist() == [1.0, 1.0]
    assert long["rank"].isna().all()
    assert pd.api.types.is_integer_dtype(long["rank"])
