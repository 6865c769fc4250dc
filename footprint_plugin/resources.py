"""Where the plugin's files are, and its version: the bottom of the plugin's import graph."""

import configparser
from pathlib import Path

PLUGIN_DIR = Path(__file__).resolve().parent
ICON_PATH = PLUGIN_DIR / "ui" / "icon.svg"
MODELS_DIR = PLUGIN_DIR / "models"
DEMO_DIR = PLUGIN_DIR / "data" / "demo"


def plugin_version() -> str:
    """The version in metadata.txt, the one source of truth for it."""
    metadata = configparser.ConfigParser(interpolation=None)
    metadata.read(PLUGIN_DIR / "metadata.txt", encoding="utf-8")
    return metadata["general"]["version"]
