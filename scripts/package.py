"""Build dist/footprint_plugin.zip, the file for QGIS's Plugins > Install from ZIP.

Reads pb_tool.cfg so that the ZIP holds exactly the files listed there (plus the contents of its
extra_dirs, without caches), under one top folder named after the plugin.
"""

import configparser
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_PARTS = {"__pycache__", ".pytest_cache"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}
SKIPPED_ENDINGS = (".aux.xml",)  # GDAL statistics caches that QGIS may leave beside a raster


def packaged_files(config: configparser.ConfigParser, source: Path) -> list[Path]:
    """The files pb_tool.cfg names, relative to the plugin source folder, sorted."""
    files = config["files"]
    names = [
        name
        for key in ("python_files", "main_dialog", "compiled_ui_files", "resource_files", "extras")
        for name in files.get(key, "").split()
    ]
    found = [source / name for name in names]
    for folder in files.get("extra_dirs", "").split():
        found += [path for path in (source / folder).rglob("*") if path.is_file()]
    kept = {
        path.relative_to(source)
        for path in found
        if not SKIPPED_PARTS.intersection(path.parts)
        and path.suffix not in SKIPPED_SUFFIXES
        and not path.name.endswith(SKIPPED_ENDINGS)
    }
    missing = [str(path) for path in kept if not (source / path).exists()]
    if missing:
        sys.exit(f"pb_tool.cfg names files that do not exist: {', '.join(missing)}")
    return sorted(kept)


def build(zip_path: Path) -> Path:
    config = configparser.ConfigParser()
    config.read(ROOT / "pb_tool.cfg", encoding="utf-8")
    name = config["plugin"]["name"]
    source = ROOT / name
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative in packaged_files(config, source):
            # resolve() follows the metadata.txt link, so the ZIP holds a real file
            archive.write((source / relative).resolve(), f"{name}/{relative.as_posix()}")
    return zip_path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist" / "footprint_plugin.zip"
    print(f"Plugin ZIP: {build(target)}")
