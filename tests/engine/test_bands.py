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
