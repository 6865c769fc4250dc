"""The plugin as shipped, for the headless runs: unpacked from the ZIP that make package builds."""

import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="session")
def shipped_plugin_path(tmp_path_factory):
    """A plugin folder holding footprint_plugin/ unpacked from the ZIP that make package builds."""
    folder = tmp_path_factory.mktemp("plugins")
    zip_path = folder / "footprint_plugin.zip"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "package.py"), str(zip_path)], check=True
    )
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        assert all(name.startswith("footprint_plugin/") for name in names)
        assert not any("/tests/" in name or "/bench/" in name for name in names)
        archive.extractall(folder)
    zip_path.unlink()
    return folder
