"""Inventory -> MRIO producers: concordance, emission parsing, labels, rows and reasons."""

import numpy as np
import pandas as pd
import pytest

from footprint_plugin.engine.errors import MrioFileError, UnknownNameError
from footprint_plugin.engine.mapping.concordance import identity_concordance, read_concordance
from footprint_plugin.engine.mapping.inventory import (
    check_region_codes,
    inventory_rows,
    parse_emissions,
)
from footprint_plugin.engine.mapping.labels import label_codes
from footprint_plugin.engine.mapping.sources import Sources
from footprint_plugin.engine.reasons import ADVICE, REASONS, Reason

SECTORS = ["ELEC", "STEEL"]
PRODUCERS = pd.MultiIndex.from_product([["A", "B"], SECTORS], names=["region", "sector"])


def write(tmp_path, text):
    path = tmp_path / "concordance.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_concordance_with_and_without_weights(tmp_path):
    weighted = read_concordance(
        write(tmp_path, "\ufeffInventory_Sector , MRIO_sector,weight\nm,ELEC,0.25\nm,STEEL,0.75\n"),
        SECTORS,
    )
    assert list(weighted.inventory_sector) == ["m", "m"]
    np.testing.assert_allclose(weighted.weight, [0.25, 0.75])
    plain = read_concordance(write(tmp_path, "inventory_sector,mrio_sector\np,ELEC\n"), SECTORS)
    np.testing.assert_allclose(plain.weight, [1.0])


def test_concordance_repeated_pairs_add_up(tmp_path):
    concordance = read_concordance(
        write(tmp_path, "inventory_sector,mrio_sector,weight\nm,ELEC,0.5\nm,ELEC,0.5\n"), SECTORS
    )
    assert list(zip(concordance.inventory_sector, concordance.weight)) == [("m", 1.0)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sector,mrio_sector\nm,ELEC\n", "missing: inventory_sector"),
        ("inventory_sector,mrio_sector,weight\n", "it has no rows"),
        ("inventory_sector,mrio_sector,weight\nm,ELEC,x\n", "line 2: needs an inventory_sector"),
        ("inventory_sector,mrio_sector,weight\nm,ELEC,-1\n", "non-negative weight"),
        ("inventory_sector,mrio_sector,weight\nm,ELEC,0.5\n", "'m': 0.5"),
    ],
)
def test_concordance_errors_say_what_to_fix(tmp_path, text, message):
    with pytest.raises(MrioFileError, match=message):
        read_concordance(write(tmp_path, text), SECTORS)


def test_concordance_to_unknown_mrio_sector(tmp_path):
    with pytest.raises(UnknownNameError, match="MRIO sectors the MRIO does not have: 'POWER'"):
        read_concordance(write(tmp_path, "inventory_sector,mrio_sector\np,POWER\n"), SECTORS)


def test_missing_concordance_file(tmp_path):
    with pytest.raises(MrioFileError, match="cannot be read"):
        read_concordance(tmp_path / "none.csv", SECTORS)


class Null:
    """Stands for PyQGIS's NULL: an object that is neither text nor a number."""


def test_parse_emissions_kinds_of_invalid_values():
    parsed = parse_emissions([1.5, None, float("nan"), "2.5", "abc", -3.0, Null(), 4])
    np.testing.assert_array_equal(parsed.amount, [1.5, 0, 0, 2.5, 0, -3.0, 0, 4])
    np.testing.assert_array_equal(parsed.valid, [1, 0, 0, 1, 0, 0, 0, 1])
    assert (parsed.null, parsed.not_numeric, parsed.negative) == (3, 1, 1)


def test_parse_emissions_fast_path_of_plain_numbers():
    parsed = parse_emissions([1.0, 2.0, None])
    assert (parsed.null, parsed.not_numeric, parsed.negative) == (1, 0, 0)
    assert parsed.amount.tolist() == [1.0, 2.0, 0.0]


def test_label_codes_trim_and_treat_blanks_and_objects_as_missing():
    codes, labels = label_codes(["A", " A ", None, "", "B", Null(), float("nan"), 7])
    assert list(labels) == ["A", "B", "7"]
    assert codes.tolist() == [0, 0, -1, -1, 1, -1, -1, 2]


def rows_for(sector, part_region, inside=True, located=True, emission=(10.0,), **kwargs):
    n_parts = len(part_region)
    sources = Sources(
        source_id=np.arange(len(emission)),
        emission=list(emission),
        sector=np.asarray(sector, dtype=object),
        part_source=np.asarray(kwargs.get("part_source", np.zeros(n_parts, dtype=int))),
        part_fraction=np.asarray(kwargs.get("part_fraction", np.full(n_parts, 1.0 / n_parts))),
        part_x=np.zeros(n_parts),
        part_y=np.zeros(n_parts),
        part_region=np.asarray(part_region),
        region_codes=kwargs.get("region_labels", ["A", "B", "X"]),
        part_located=np.full(n_parts, located),
        part_invalid_geometry=kwargs.get("invalid_geometry"),
    )
    return inventory_rows(
        sources,
        parse_emissions(sources.emission),
        np.full(n_parts, inside),
        kwargs.get("concordance", identity_concordance(SECTORS)),
        PRODUCERS,
        kwargs.get("zero_output", np.zeros(len(PRODUCERS), dtype=bool)),
    )


def test_a_source_split_over_parts_and_sectors_keeps_its_emission():
    concordance = identity_concordance(SECTORS)
    concordance = type(concordance)(
        np.array(["m", "m"], dtype=object), np.array(SECTORS, dtype=object), np.array([0.4, 0.6])
    )
    rows = rows_for(["m"], [0, 1], part_fraction=[0.25, 0.75], concordance=concordance)
    assert rows.reason.tolist() == [0, 0, 0, 0]
    assert rows.producer.tolist() == [0, 1, 2, 3]  # A/ELEC, A/STEEL, B/ELEC, B/STEEL
    np.testing.assert_allclose(rows.emission, [1.0, 1.5, 3.0, 4.5])
    assert rows.emission.sum() == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"emission": (-1.0,)}, Reason.INVALID_EMISSION),
        ({"emission": (None,)}, Reason.INVALID_EMISSION),
        ({"sector": [None]}, Reason.NO_SECTOR),
        ({"sector": ["1A1a"]}, Reason.UNKNOWN_SECTOR),
        ({"located": False, "invalid_geometry": np.array([True])}, Reason.INVALID_GEOMETRY),
        ({"located": False}, Reason.NO_GEOMETRY),
        ({"part_region": [-1]}, Reason.NO_REGION),
        ({"inside": False}, Reason.OUTSIDE_EXTENT),
        ({"part_region": [2]}, Reason.REGION_NOT_IN_MRIO),
        ({"zero_output": np.array([True, False, False, False])}, Reason.ZERO_OUTPUT),
    ],
)
def test_each_reason(kwargs, reason):
    arguments = {"sector": ["ELEC"], "part_region": [0], **kwargs}
    rows = rows_for(arguments.pop("sector"), arguments.pop("part_region"), **arguments)
    assert rows.reason.tolist() == [reason]
    assert rows.producer.tolist() == [-1]
    assert reason in REASONS


def test_reasons_follow_their_precedence():
    rows = rows_for([None], [-1], inside=False, located=False, emission=(-5.0,))
    assert rows.reason.tolist() == [Reason.INVALID_EMISSION]
    assert rows.emission.tolist() == [-5.0]  # negative amounts are kept, to be reported


def test_every_reason_has_a_text_and_advice():
    reasons = set(Reason) - {Reason.ATTRIBUTED}
    assert set(REASONS) == reasons and set(ADVICE) == reasons
    assert list(REASONS) == sorted(REASONS)  # the balance lists them in order of precedence


def test_an_invalid_geometry_is_not_blamed_on_the_regions():
    # an unrepairable geometry has no location and no region: its own reason says why
    rows = rows_for(["ELEC"], [-1], located=False, invalid_geometry=np.array([True]))
    assert rows.reason.tolist() == [Reason.INVALID_GEOMETRY]
    rows = rows_for(["1A1a"], [-1], located=False, invalid_geometry=np.array([True]))
    assert rows.reason.tolist() == [Reason.UNKNOWN_SECTOR]  # what comes first is still first


def test_region_codes_matching_no_mrio_region():
    check_region_codes(["A", "Z"], ["A", "B"], "REGIONS")
    with pytest.raises(
        UnknownNameError, match=r"\('X', 'Y'\) is a region of the MRIO \('A', 'B'\)"
    ):
        check_region_codes(["Y", "X", None], ["A", "B"], "REGIONS")


def test_emissions_whose_total_overflows_are_refused():
    from footprint_plugin.engine.errors import EmissionOverflowError

    assert parse_emissions([1e308, 1.0]).valid.all()  # large, but their total is a number
    with pytest.raises(EmissionOverflowError, match=r"more than a 64-bit float .* 1\.7e\+308"):
        parse_emissions([1.7e308, 1.7e308, 3.0])


@pytest.mark.parametrize("text", [",ELEC,1\n", "m,,1\n"])
def test_concordance_rows_need_both_codes(tmp_path, text):
    """A row with an empty inventory or MRIO sector code is refused, naming its line."""
    with pytest.raises(MrioFileError, match="line 2: needs an inventory_sector"):
        read_concordance(write(tmp_path, "inventory_sector,mrio_sector,weight\n" + text), SECTORS)


def test_concordance_weight_zero_is_allowed_and_mrio_sectors_are_kept(tmp_path):
    """A weight of 0 is a valid non-negative weight; each pair keeps its MRIO sector."""
    concordance = read_concordance(
        write(tmp_path, "inventory_sector,mrio_sector,weight\nm,ELEC,1\nm,STEEL,0\np,STEEL,1\n"),
        SECTORS,
    )
    pairs = zip(concordance.inventory_sector, concordance.mrio_sector, concordance.weight)
    assert sorted(pairs) == [("m", "ELEC", 1.0), ("m", "STEEL", 0.0), ("p", "STEEL", 1.0)]


def test_a_read_concordance_splits_sources_over_its_sectors(tmp_path):
    """A source of 10 coded 'm', split 0.25/0.75 by the file, gives 2.5 to A/ELEC and 7.5 to
    A/STEEL (producers 0 and 1)."""
    concordance = read_concordance(
        write(tmp_path, "inventory_sector,mrio_sector,weight\nm,ELEC,0.25\nm,STEEL,0.75\n"),
        SECTORS,
    )
    rows = rows_for(["m"], [0], concordance=concordance)
    assert sorted(zip(rows.producer.tolist(), rows.emission.tolist())) == [(0, 2.5), (1, 7.5)]


def test_parse_emissions_zero_is_valid_and_negatives_are_not_checked_for_overflow():
    """0 is a valid emission; huge negative values are invalid (reported), not an overflow of
    the total; an infinite value is not a number and not an overflow either."""
    parsed = parse_emissions([0.0, -1.7e308, -1.7e308, 1.0, float("inf")])
    assert parsed.valid.tolist() == [True, False, False, True, False]
    assert (parsed.null, parsed.not_numeric, parsed.negative) == (0, 1, 2)


def test_label_codes_of_text_mixed_with_nan():
    """NaN among text labels (as pandas gives for empty cells) is no label, not the text
    'nan'."""
    codes, labels = label_codes(["A", float("nan"), "B"])
    assert codes.tolist() == [0, -1, 1]
    assert list(labels) == ["A", "B"]


def test_inventory_row_reasons_are_int8():
    """The reasons are int8, as documented (a compact column for millions of rows)."""
    rows = rows_for(["ELEC"], [0, -1])
    assert rows.reason.dtype == np.int8
    assert rows.reason.tolist() == [Reason.ATTRIBUTED, Reason.NO_REGION]
