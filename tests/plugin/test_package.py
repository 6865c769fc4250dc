"""The ZIP that make package builds holds every module the plugin needs, and nothing else."""

import subprocess
import sys
import zipfile

from tests.conftest import ROOT


def test_zip_holds_every_plugin_module_and_no_tests(tmp_path):
    zip_path = tmp_path / "footprint_plugin.zip"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "package.py"), str(zip_path)], check=True
    )
    names = set(zipfile.ZipFile(zip_path).namelist())
    source = ROOT / "footprint_plugin"
    modules = {
        f"footprint_plugin/{path.relative_to(source).as_posix()}"
        for path in source.rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert modules - names == set(), "add these to pb_tool.cfg"
    assert "footprint_plugin/metadata.txt" in names
    assert not any("test" in name.split("/")[1] or "bench" in name for name in names)
