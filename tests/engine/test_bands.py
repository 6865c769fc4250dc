"""Footprint bands: the band matrix G, consumer groups, and the table by consumer."""

import numpy as np
import pandas as pd
import pytest

from footprint_plugin.engine.errors import MrioFileError, UnknownNameError
from footprint_plugin.engine.mapping.bands import (
    DOMESTIC,
    FOREIGN,
    TOTAL,
    footprint_bands,
    mapped_footprint_by_consumer,
    read_consumer_groups,
)
from footprint_plugin.engine.mapping.concordance import identity_concordance
from footprint_plugin.engine.mapping.grid import GridSpec
from footprint_plugin.engine.mapping.pipeline import map_footprint
from footprint_plugin.engine.mapping.sources import Sources
from footprint_plugin.engine.mrio.attribution import driven_shares
from tests.synthetic import random_mrio

LABELS = pd.MultiIndex.from_product(
    [["CN-BJ", "CN-SH", "USA", "DEU", "FRA"], ["hh", "gov"]], names=["region", "category"]
)


def test_total_domestic_and_foreign_bands_partition_the_columns():
    bands = footprint_bands(LABELS, ["CN-BJ", "CN-SH"])
    assert bands.names == ("total", "domestic", "foreign", "USA", "DEU", "FRA")
    matrix = bands.matrix
    np.testing.assert_array_equal(matrix[:, TOTAL], 1)
    np.testing.assert_array_equal(matrix[:, DOMESTIC] + matrix[:, FOREIGN], 1)
    np.testing.assert_array_equal(matrix[:, 3:].sum(axis=1), matrix[:, FOREIGN])
    assert bands.foreign_consumer_bands == [3, 4, 5]


def test_groups_share_a_band_and_every_consumer_option():
    bands = footprint_bands(LABELS, ["CN-BJ", "CN-SH"], {"DEU": "EU", "FRA": "EU"})
    assert bands.names == ("total", "domestic", "foreign", "USA", "EU")
    assert bands.descriptions[4] == "driven by final demand of EU ('DEU', 'FRA')"
    every = footprint_bands(LABELS, ["CN-BJ", "CN-SH"], {"CN-BJ": "CN", "CN-SH": "CN"}, True)
    assert every.names == ("total", "domestic", "foreign", "CN", "USA", "DEU", "FRA")
    assert every.foreign_consumer_bands == [4, 5, 6]
    np.testing.assert_array_equal(every.matrix[:, 3], every.matrix[:, DOMESTIC])


def test_band_errors():
    with pytest.raises(UnknownNameError, match="None of the domestic regions"):
        footprint_bands(LABELS, ["JPN"])
    with pytest.raises(UnknownNameError, match="CONSUMER_GROUPS lists regions that are not"):
        footprint_bands(LABELS, ["CN-BJ"], {"ITA": "EU"})


def test_read_consumer_groups(tmp_path):
    path = tmp_path / "groups.csv"
    path.write_text("mrio_region,group\nDEU,EU\nFRA , EU\n")
    assert read_consumer_groups(path) == {"DEU": "EU", "FRA": "EU"}
    path.write_text("mrio_region,group\nDEU,EU\nDEU,G7\n")
    with pytest.raises(MrioFileError, match="line 3: region 'DEU' is in two groups"):
        read_consumer_groups(path)
    path.write_text("region,group\nDEU,EU\n")
    with pytest.raises(MrioFileError, match="missing: mrio_region"):
        read_consumer_groups(path)


def test_footprint_by_consumer_adds_up():
    rng = np.random.default_rng(1)
    share = rng.random((4, len(LABELS)))
    share /= share.sum(axis=1, keepdims=True)
    emission = np.array([1.0, 2.0, 3.0, 4.0])
    bands = footprint_bands(LABELS, ["CN-BJ", "CN-SH"])
    table = mapped_footprint_by_consumer(emission, share, LABELS, bands)
    assert table["footprint"].sum() == pytest.approx(10.0)
    assert table["domestic"].tolist() == [True, True, False, False, False]
    assert table["band"].tolist() == ["domestic", "domestic", "USA", "DEU", "FRA"]
    detailed = mapped_footprint_by_consumer(emission, share, LABELS, bands, by_category=True)
    assert len(detailed) == len(LABELS)
    assert detailed["share"].sum() == pytest.approx(1.0)


def test_band_matrix_has_one_column_per_band_and_marks_domestic_columns():
    """G has a column for each named band, no more; the domestic mask is the home regions'
    columns; every band has a description, a single consumer's naming it."""
    bands = footprint_bands(LABELS, ["CN-BJ", "CN-SH"])
    assert bands.matrix.shape == (len(LABELS), len(bands.names))
    assert bands.domestic_consumer.tolist() == [True] * 4 + [False] * 6
    assert len(bands.descriptions) == len(bands.names)
    assert all(isinstance(text, str) for text in bands.descriptions)
    assert "USA" in bands.descriptions[3]


@pytest.mark.parametrize("line", ["DEU,\n", ",EU\n"])
def test_consumer_groups_refuse_an_empty_region_or_group(tmp_path, line):
    """A row with the region or the group left empty is an error naming its line."""
    path = tmp_path / "groups.csv"
    path.write_text("mrio_region,group\n" + line)
    with pytest.raises(MrioFileError, match="line 2: empty region or group"):
        read_consumer_groups(path)


def test_footprint_by_consumer_of_a_small_map():
    """Shares are footprints over the mapped total even when it is below 1 (0.5 t here); the
    table is a plain table (consumer region a column, rows numbered 0..n-1)."""
    share = np.zeros((2, len(LABELS)))
    share[0, 4] = share[0, 6] = 0.5  # USA hh, DEU hh
    share[1, 0] = 1.0  # CN-BJ hh
    bands = footprint_bands(LABELS, ["CN-BJ", "CN-SH"])
    table = mapped_footprint_by_consumer(np.array([0.4, 0.1]), share, LABELS, bands)
    assert table["consumer_region"].tolist() == ["CN-BJ", "CN-SH", "USA", "DEU", "FRA"]
    np.testing.assert_allclose(table["footprint"], [0.1, 0.0, 0.2, 0.2, 0.0])
    np.testing.assert_allclose(table["share"], [0.2, 0.0, 0.4, 0.4, 0.0])
    assert table.index.tolist() == [0, 1, 2, 3, 4]


def test_a_map_by_consumer_is_by_region_unless_asked_by_category():
    """FootprintMap.by_consumer gives one row per consumer region by default, each the sum of
    that region's rows in the breakdown by category."""
    mrio = random_mrio(3, 2, n_categories=2, seed=5)
    shares = driven_shares(mrio)
    regions = list(dict.fromkeys(mrio.final_demand_labels.get_level_values("region")))
    sources = Sources(
        source_id=np.arange(3),
        emission=[1.0, 2.0, 4.0],
        sector=[str(sector) for sector in shares.producers.get_level_values("sector")[:3]],
        part_source=np.arange(3),
        part_fraction=np.ones(3),
        part_x=np.array([0.5, 1.5, 2.5]),
        part_y=np.array([0.5, 0.5, 0.5]),
        part_region=np.array([0, 1, 2]),
        region_codes=regions,
        part_located=np.ones(3, dtype=bool),
    )
    sectors = list(dict.fromkeys(shares.producers.get_level_values("sector")))
    result = map_footprint(
        sources,
        shares,
        identity_concordance(sectors),
        footprint_bands(mrio.final_demand_labels, regions[:1]),
        GridSpec("x", x_min=0.0, y_max=1.0, cell_size=1.0, n_cols=3, n_rows=1),
    )
    by_region = result.by_consumer()
    by_category = result.by_consumer(by_category=True)
    assert by_region["consumer_region"].tolist() == regions
    assert len(by_category) == len(mrio.final_demand_labels)
    summed = by_category.groupby("consumer_region", sort=False)["footprint"].sum()
    np.testing.assert_allclose(by_region["footprint"], summed[regions].to_numpy())
    assert by_region["footprint"].sum() == pytest.approx(7.0)
