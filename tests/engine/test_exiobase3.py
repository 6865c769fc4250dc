"""EXIOBASE 3 as published: each release's zip, its extracted folder or a file in it, against
pymrio's parse_exiobase3.

The fixtures (tests/data/exiobase3, see its README) are four small MRIOs in the layouts of
releases 3.4, 3.8.1, 3.8.2 and 3.9 and later. pymrio runs in its own venv
(tests/oracle/pymrio_oracle.py).
"""

import json
import shutil
import zipfile

import numpy as np
import pytest

from footprint_plugin.engine.errors import MrioFileError, label_text
from footprint_plugin.engine.mrio.readers import read_mrio
from footprint_plugin.engine.mrio.stressors import select_stressor
from tests.oracle.compare import ROOT, compare_with_pymrio, run_oracle

FIXTURES = ROOT / "tests" / "data" / "exiobase3"
RELEASES = {
    "IOT_2011_ixi.zip": {"impacts", "satellite"},
    "IOT_2011_pxp.zip": {"impacts", "satellite"},
    "exiobase3.4_iot_2009_ixi": {"satellite"},
    "IOT_2022_pxp": {
        "air_emissions",
        "employment",
        "energy",
        "factor_inputs",
        "land",
        "material",
        "nutrients",
        "water",
    },
}


@pytest.fixture(scope="module")
def pymrio_parsed(tmp_path_factory):
    """pymrio's parse_exiobase3 accounts of each fixture, by fixture name."""
    folder = tmp_path_factory.mktemp("oracle")
    parsed = {}
    for name in RELEASES:
        run_oracle("parse", "exiobase3", FIXTURES / name, folder / f"{name}.npz")
        parsed[name] = dict(np.load(folder / f"{name}.npz"))
    return parsed


def matches_pymrio(mrio, oracle, extensions):
    """Labels and footprints equal pymrio's (compare_with_pymrio), with pymrio's extensions
    and stressors, in its order."""
    compare_with_pymrio(mrio, oracle)
    assert set(mrio.extensions) == extensions
    assert {key.split("__")[0] for key in oracle if "__" in key} == extensions
    for key, extension in mrio.extensions.items():
        assert [label_text(s) for s in extension.stressors] == oracle[f"{key}__stressors"].tolist()


@pytest.mark.parametrize("release", RELEASES)
def test_each_release_as_downloaded_matches_pymrio(pymrio_parsed, release):
    matches_pymrio(read_mrio(FIXTURES / release), pymrio_parsed[release], RELEASES[release])


@pytest.mark.parametrize(
    ("release", "chosen"),
    [
        ("exiobase3.4_iot_2009_ixi", "A.txt"),
        ("exiobase3.4_iot_2009_ixi", "file_parameters.json"),
        ("IOT_2022_pxp", "Z.txt"),
        ("IOT_2022_pxp", "metadata.json"),
    ],
)
def test_a_file_chosen_in_the_folder_reads_the_release(pymrio_parsed, release, chosen):
    matches_pymrio(
        read_mrio(FIXTURES / release / chosen), pymrio_parsed[release], RELEASES[release]
    )


@pytest.mark.parametrize("release", ["IOT_2011_ixi.zip", "IOT_2011_pxp.zip"])
def test_the_unzipped_folder_and_the_folder_above_it_read_as_the_zip(tmp_path, release):
    """Unzipped, 3.8.2's files are in IOT_2011_ixi/ (the folder above it may be given), 3.8.1's
    in the folder unzipped to."""
    with zipfile.ZipFile(FIXTURES / release) as archive:
        archive.extractall(tmp_path / "unzipped")
    from_zip = read_mrio(FIXTURES / release)
    folders = [tmp_path / "unzipped", *(tmp_path / "unzipped").glob("IOT_*")]
    for folder in folders:
        mrio = read_mrio(folder)
        assert mrio.producers.equals(from_zip.producers)
        np.testing.assert_array_equal(mrio.intermediate_flows, from_zip.intermediate_flows)
        for key, extension in from_zip.extensions.items():
            np.testing.assert_array_equal(
                mrio.extensions[key].from_final_demand, extension.from_final_demand
            )


def test_three_letter_regions_of_3_4_are_renamed_as_pymrio_does(pymrio_parsed):
    """Producers, final-demand columns and extensions all get the two-letter codes; read as a
    plain pymrio folder (MRIO_FORMAT pymrio), the codes are left as they are."""
    release = FIXTURES / "exiobase3.4_iot_2009_ixi"
    mrio = read_mrio(release)
    assert list(mrio.producers.unique("region")) == ["AT", "RO", "WA"]
    assert list(mrio.final_demand_labels.unique("region")) == ["AT", "RO", "WA"]
    plain = read_mrio(release, layout="pymrio")
    assert list(plain.producers.unique("region")) == ["AUT", "ROM", "WWA"]
    np.testing.assert_array_equal(plain.intermediate_flows, mrio.intermediate_flows)


@pytest.mark.parametrize("release", ["IOT_2011_pxp.zip", "exiobase3.4_iot_2009_ixi"])
def test_f_hh_is_the_direct_emissions_of_final_demand(release):
    """3.8.1 and older name F_Y F_hh: household CO2 is direct emissions of final demand."""
    co2 = select_stressor(read_mrio(FIXTURES / release), "satellite/CO2 - combustion - air")
    households = co2.from_final_demand[:7]  # the first region's seven categories
    assert households[0] > 0 and not households[1:].any()


def test_units_are_matched_by_label_whatever_the_unit_file_looks_like():
    mrio = read_mrio(FIXTURES / "IOT_2022_pxp")
    units = {key: extension.units for key, extension in mrio.extensions.items()}
    assert units["employment"] == ("1000 p", "M.hr")  # unit.txt lists M.hr first
    assert units["energy"] == ("TJ", "TJ")  # unit.txt's header: "\tunit"
    assert units["land"] == ("km2", "km2")  # labels (stressor, compartment)
    assert units["air_emissions"][-1] == "kg CO2-eq"
    assert select_stressor(mrio, "land/Artificial Surfaces/land").unit == "km2"
    assert mrio.extensions["factor_inputs"].from_final_demand is None
    assert (mrio.unit, mrio.name) == ("M.EUR", "EXIO3")


def test_a_renamed_folder_is_recognised_by_its_metadata(tmp_path):
    """Named otherwise than IOT_<year>_<ixi|pxp>, a folder whose metadata.json describes
    EXIOBASE is still read as EXIOBASE 3; without that, as a plain pymrio folder."""
    folder = shutil.copytree(FIXTURES / "exiobase3.4_iot_2009_ixi", tmp_path / "my_tables")
    assert read_mrio(folder).producers[0][0] == "AT"
    (folder / "metadata.json").write_text(json.dumps({"name": "my tables"}))
    assert read_mrio(folder).producers[0][0] == "AUT"


def test_two_releases_in_one_folder_are_refused_by_name(tmp_path):
    for name in ("IOT_2022_pxp", "exiobase3.4_iot_2009_ixi"):
        shutil.copytree(FIXTURES / name, tmp_path / name)
    with pytest.raises(
        MrioFileError,
        match=r"holds 2 MRIO\(s\) .* in IOT_2022_pxp, exiobase3.4_iot_2009_ixi\); it must hold "
        r"exactly one\. Choose the folder of one of them",
    ):
        read_mrio(tmp_path)


def test_a_missing_or_truncated_file_is_named(tmp_path):
    folder = shutil.copytree(FIXTURES / "IOT_2022_pxp", tmp_path / "IOT_2022_pxp")
    text = (folder / "Z.txt").read_text()
    (folder / "Z.txt").write_text(text[: len(text) - 40])
    with pytest.raises(
        MrioFileError,
        match=r"IOT_2022_pxp/Z.txt ends in the middle of a row \(line 15\): it is truncated",
    ):
        read_mrio(folder)
    (folder / "Z.txt").write_text(text)
    (folder / "water" / "F_Y.txt").unlink()
    with pytest.raises(
        MrioFileError, match=r"water/F_Y.txt is listed in file_parameters.json but missing"
    ):
        read_mrio(folder)


def test_a_truncated_download_is_damaged(tmp_path):
    archive = tmp_path / "IOT_2011_ixi.zip"
    data = (FIXTURES / "IOT_2011_ixi.zip").read_bytes()
    archive.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(MrioFileError, match=r"IOT_2011_ixi.zip is damaged"):
        read_mrio(archive)
