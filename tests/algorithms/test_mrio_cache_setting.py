"""The cache of parsed MRIOs in QGIS: its settings in Processing's options, footprint:mrioaccounts
reading through it, and footprint:clearmriocache.

Every test points the cache at its own tmp_path, so nothing is written into the user's cache.
"""

from pathlib import Path

import pandas as pd
import pytest
from qgis.core import QgsApplication, QgsSettings

from footprint_plugin.qgis_io.mrio_cache_settings import (
    CACHE_FOLDER,
    CACHE_ON,
    ENVIRONMENT,
    cache_folder,
    setting_key,
)
from tests.algorithms.footprint_rasters import RecordingFeedback
from tests.conftest import TEST_DATA

TEST_MRIO = TEST_DATA / "test_mrio"
PARSED = "MRIO parsed in"
FROM_CACHE = "MRIO read from the cache"


@pytest.fixture
def cache_setting(tmp_path, monkeypatch):
    """The cache on, in tmp_path/cache, as the options dialog stores it; removed afterwards."""
    monkeypatch.delenv(ENVIRONMENT, raising=False)
    settings = QgsSettings()
    folder = tmp_path / "cache"
    settings.setValue(setting_key(CACHE_ON), True)
    settings.setValue(setting_key(CACHE_FOLDER), str(folder))
    yield folder
    for name in (CACHE_ON, CACHE_FOLDER):
        settings.remove(setting_key(name))


def run_accounts(processing, folder: Path, name: str):
    """footprint:mrioaccounts on pymrio's test MRIO; its results, summary table and log."""
    feedback = RecordingFeedback()
    summary = folder / f"{name}.csv"
    result = processing.run(
        "footprint:mrioaccounts",
        {
            "MRIO": str(TEST_MRIO),
            "STRESSOR": "emissions/emission_type1",
            "OUTPUT": "TEMPORARY_OUTPUT",
            "SUMMARY": str(summary),
        },
        feedback=feedback,
    )
    return result, pd.read_csv(summary), feedback.log


def files_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def test_a_second_run_reads_the_cache_and_gives_the_same_result(
    processing, provider, cache_setting, tmp_path
):
    first, first_table, first_log = run_accounts(processing, tmp_path, "first")
    assert PARSED in first_log and f"cached in {cache_setting}" in first_log
    assert FROM_CACHE not in first_log and "Driven shares solved with a dense LU" in first_log
    (entry,) = cache_setting.iterdir()
    second, second_table, second_log = run_accounts(processing, tmp_path, "second")
    assert f"{FROM_CACHE} ({entry})" in second_log and PARSED not in second_log
    assert "Driven shares read from the MRIO's cache entry" in second_log
    assert "LU factorization" not in second_log
    assert second["TOTAL"] == first["TOTAL"] and second["UNATTRIBUTED"] == first["UNATTRIBUTED"]
    pd.testing.assert_frame_equal(second_table, first_table, check_exact=True)
    assert list(cache_setting.iterdir()) == [entry]


def test_with_the_cache_off_nothing_is_written(processing, provider, cache_setting, tmp_path):
    QgsSettings().setValue(setting_key(CACHE_ON), False)
    for name in ("first", "second"):
        _, _, log = run_accounts(processing, tmp_path, name)
        assert "not cached (Cache parsed MRIOs is off" in log and FROM_CACHE not in log
    assert files_in(cache_setting) == []


def test_the_environment_variable_overrides_the_settings(
    processing, provider, cache_setting, tmp_path, monkeypatch
):
    elsewhere = tmp_path / "headless cache"
    monkeypatch.setenv(ENVIRONMENT, str(elsewhere))
    run_accounts(processing, tmp_path, "first")
    assert len(list(elsewhere.iterdir())) == 1 and files_in(cache_setting) == []
    monkeypatch.setenv(ENVIRONMENT, "off")
    _, _, log = run_accounts(processing, tmp_path, "second")
    assert PARSED in log and FROM_CACHE not in log


def test_clearing_empties_the_cache(processing, provider, cache_setting, tmp_path):
    run_accounts(processing, tmp_path, "first")
    cached_bytes = sum(path.stat().st_size for path in files_in(cache_setting))
    assert cached_bytes > 0
    cleared = processing.run("footprint:clearmriocache", {})
    assert cleared == {"ENTRIES": 1, "BYTES": cached_bytes}
    assert files_in(cache_setting) == []
    _, _, log = run_accounts(processing, tmp_path, "second")
    assert PARSED in log and FROM_CACHE not in log
    assert processing.run("footprint:clearmriocache", {}) == {"ENTRIES": 1, "BYTES": cached_bytes}


def test_the_settings_are_in_processing_options_and_reach_the_cache(
    processing, provider, cache_setting, tmp_path
):
    from processing.core.ProcessingConfig import ProcessingConfig

    provider.load()  # as QGIS does when the provider is added (Processing is loaded now)
    settings = {name: ProcessingConfig.settings[name] for name in (CACHE_ON, CACHE_FOLDER)}
    assert {setting.group for setting in settings.values()} == {"Carbon footprint"}
    assert settings[CACHE_ON].default is True
    profile = Path(QgsApplication.qgisSettingsDirPath())
    assert settings[CACHE_FOLDER].default == str(profile / "cache" / "footprint_mrio")

    chosen = tmp_path / "chosen, not made yet"
    ProcessingConfig.setSettingValue(CACHE_FOLDER, str(chosen))  # what the dialog's OK does
    assert cache_folder() == chosen
    ProcessingConfig.setSettingValue(CACHE_ON, False)
    assert cache_folder() is None
    ProcessingConfig.setSettingValue(CACHE_ON, True)
    assert cache_folder() == chosen
