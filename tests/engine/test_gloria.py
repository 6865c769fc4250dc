"""GLORIA as published, against pymrio's parse_gloria (construct B, basic prices) on the same
files: the release folder with its parts extracted or as downloaded (.zip), a zip of the folder,
the T-Results file chosen; and what a damaged or ambiguous download is told."""

import dataclasses
import re
import shutil
import zipfile

import numpy as np
import pytest

from footprint_plugin.engine.errors import MrioFileError, label_text
from footprint_plugin.engine.mrio.readers import read_mrio
from tests.oracle.compare import ROOT, compare_with_pymrio, run_oracle

FIXTURE = ROOT / "tests" / "data" / "gloria"
MRIOS, SATELLITES = "GLORIA_MRIOs_59_2022", "GLORIA_SatelliteAccounts_059_2022"
README = "GLORIA_ReadMe_059.xlsx"
T_FILE = "20240111_120secMother_AllCountries_002_T-Results_2022_059_Markup001(full).csv"
CO2 = "'co2_excl_short_cycle_org_c_total_EDGAR_consistent'"


def parse_with_pymrio(path, out):
    run_oracle("parse", "gloria", path, out, "--year", 2022, "--version", 59, "--price", "bp")
    return dict(np.load(out))


def zip_folder(folder, archive, under=""):
    """Zip every file of ``folder`` (as a user or GLORIA would), under ``under`` in the zip."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as target:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".csv", ".xlsx", ".zip"):
                target.write(path, f"{under}{path.relative_to(folder).as_posix()}")
    return archive


def copy_release(destination):
    """The fixture's data files (not its script and README) in a folder of their own."""
    shutil.copytree(FIXTURE, destination, ignore=shutil.ignore_patterns("*.py", "*.md"))
    return destination


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """pymrio's accounts for the fixture folder (the parts extracted, as pymrio's own mock)."""
    return parse_with_pymrio(FIXTURE, tmp_path_factory.mktemp("oracle") / "extracted.npz")


@pytest.fixture(scope="module")
def downloaded(tmp_path_factory):
    """The release as downloaded: ReadMe and the two parts as .zip; and pymrio's accounts."""
    folder = tmp_path_factory.mktemp("downloaded")
    shutil.copy(FIXTURE / README, folder)
    for part in (MRIOS, SATELLITES):
        zip_folder(FIXTURE / part, folder / f"{part}.zip")
    return folder, parse_with_pymrio(folder, folder.parent / "downloaded.npz")


def compare(mrio, oracle):
    """Every account against pymrio; labels too. The engine leaves negative amounts (subsidies
    in value added) unattributed by design, so those rows are compared as F (pymrio's D_pba)."""
    for key, extension in mrio.extensions.items():
        assert [label_text(label) for label in extension.stressors] == list(
            oracle[f"{key}__stressors"]
        )
    value_added = mrio.extensions["VA"]
    negative = (value_added.from_producers < 0).any(axis=1)
    np.testing.assert_allclose(
        value_added.from_producers[negative], oracle["VA__D_pba"][negative], rtol=1e-9
    )
    kept = dataclasses.replace(
        value_added,
        stressors=value_added.stressors[~negative],
        from_producers=value_added.from_producers[~negative],
        units=tuple(np.array(value_added.units)[~negative]),
    )
    oracle = {
        key: values[~negative] if key.startswith("VA__") and key != "VA__regions" else values
        for key, values in oracle.items()
    }
    worst = compare_with_pymrio(
        dataclasses.replace(mrio, extensions={**mrio.extensions, "VA": kept}), oracle
    )
    # Q's six satellites (Coal/Energy twice, under one name), VA's 3 x 5 non-negative rows
    assert len(worst) == 5 + 15
    return worst


def test_folder_matches_pymrio(extracted):
    mrio = read_mrio(FIXTURE)
    compare(mrio, extracted)
    assert list(mrio.producers.unique(level="region")) == ["AUS", "CHN", "USA"]  # DYE dropped
    satellites = mrio.extensions["Q"]
    assert list(satellites.stressors).count(("Coal", "Energy")) == 2
    assert satellites.units == ("kt", "kt", "kt", "TJ", "1000 ha", "TJ")
    assert mrio.unit == "\u2018000 US$" and "release 059, 2022, basic prices" in mrio.name
    assert satellites.from_final_demand.shape == (6, 18)


@pytest.mark.parametrize("given", ["the folder", "the MRIO part's .zip"])
def test_the_release_as_downloaded_matches_pymrio(downloaded, given):
    folder, oracle = downloaded
    compare(read_mrio(folder if given == "the folder" else folder / f"{MRIOS}.zip"), oracle)


def test_the_chosen_readme_reads_the_release(extracted):
    """The ReadMe is an .xlsx (a zip): chosen in the file picker, it is a file of the release,
    not an archive to look into."""
    compare(read_mrio(FIXTURE / README), extracted)


def test_the_satellite_part_given_reads_its_year(downloaded, extracted):
    """Either part, as .zip or extracted, with the ReadMe beside it, names the year."""
    folder, oracle = downloaded
    compare(read_mrio(folder / f"{SATELLITES}.zip"), oracle)
    compare(read_mrio(FIXTURE / SATELLITES), extracted)


def test_a_zip_of_the_folder_matches_pymrio(tmp_path, extracted):
    archive = zip_folder(FIXTURE, tmp_path / "gloria_2022.zip", under="gloria_2022/")
    compare(read_mrio(archive), extracted)


def test_the_chosen_t_file_matches_pymrio(extracted):
    compare(read_mrio(FIXTURE / MRIOS / T_FILE, layout="gloria"), extracted)


def test_a_zip_of_the_downloaded_zips_is_read_in_place(tmp_path, downloaded):
    folder, oracle = downloaded
    compare(read_mrio(zip_folder(folder, tmp_path / "nested.zip")), oracle)


def test_basic_prices_are_read_and_other_markups_refused():
    # The folder also holds Markup002 (trade margins) T and Y: basic prices are read without
    # asking; choosing a margins layer (pymrio's price="pp" reads Markup005) is refused.
    chosen = FIXTURE / MRIOS / T_FILE.replace("Markup001", "Markup002")
    with pytest.raises(MrioFileError, match=r"Markup002, a valuation layer.*Choose the Markup001"):
        read_mrio(chosen)


def test_two_years_and_none_chosen(tmp_path):
    release = copy_release(tmp_path / "gloria")
    for part in (MRIOS, SATELLITES):
        earlier = release / part.replace("2022", "2021")
        earlier.mkdir()
        for table in (release / part).iterdir():
            shutil.copy(table, earlier / table.name.replace("_2022_", "_2021_"))
    with pytest.raises(
        MrioFileError,
        match=re.escape(
            "several years, releases or price bases of GLORIA tables: 2021 (release 059), "
            "2022 (release 059). Choose the T-Results file"
        ),
    ):
        read_mrio(release)
    chosen = read_mrio(release / MRIOS.replace("2022", "2021") / T_FILE.replace("2022", "2021"))
    assert "2021" in chosen.name and chosen.intermediate_flows.shape == (9, 9)


def test_a_truncated_t_is_refused(tmp_path):
    release = copy_release(tmp_path / "gloria")
    table = release / MRIOS / T_FILE
    table.write_text("".join(table.read_text().splitlines(keepends=True)[:20]))
    with pytest.raises(MrioFileError, match=re.escape(f"{T_FILE} ends after 20 rows")):
        read_mrio(release)


def test_a_missing_readme_is_asked_for(tmp_path):
    release = copy_release(tmp_path / "gloria")
    (release / README).unlink()
    with pytest.raises(MrioFileError, match=r"No GLORIA_ReadMe_<release>\.xlsx in .*gloria"):
        read_mrio(release)


def test_a_readme_without_the_satellites_sheet_is_refused(tmp_path):
    release = copy_release(tmp_path / "gloria")
    with zipfile.ZipFile(FIXTURE / README) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/workbook.xml"] = re.sub(
        rb'<sheet name="Satellites"[^>]*/>', b"", parts["xl/workbook.xml"]
    )
    with zipfile.ZipFile(release / README, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with pytest.raises(MrioFileError, match=re.escape(f"{README} has no sheet 'Satellites'")):
        read_mrio(release)


def test_missing_satellite_accounts_are_asked_for(tmp_path):
    release = copy_release(tmp_path / "gloria")
    shutil.rmtree(release / SATELLITES)
    with pytest.raises(MrioFileError, match="TQ-Results_2022_059_Markup001.*" + SATELLITES):
        read_mrio(release)


def test_the_extensions_are_named_as_pymrio_names_them():
    mrio = read_mrio(FIXTURE)
    assert list(mrio.extensions) == ["Q", "VA"]
    assert mrio.extensions["Q"].stressors.names == ["stressor", "category"]
    assert mrio.extensions["VA"].stressors[0] == ("AUS", "Compensation of employees D.1")
    assert mrio.extensions["Q"].stressors[0] == (CO2, "Emissions (EDGAR)")
