"""The settings of the cache of parsed MRIOs: whether it is on, and its folder.

They are shown in Processing > Options > Providers > Carbon footprint (the provider registers
them with Processing) and stored where Processing stores its settings (QgsSettings under
``Processing/Configuration/``), so they are read here without Processing's plugin. For
headless runs (qgis_process, scripts), the environment variable ``FOOTPRINT_MRIO_CACHE``
overrides both: ``off`` turns the cache off, a folder turns it on in that folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from qgis.core import QgsApplication, QgsSettings

CACHE_ON = "FOOTPRINT_MRIO_CACHE"
CACHE_FOLDER = "FOOTPRINT_MRIO_CACHE_FOLDER"
ENVIRONMENT = "FOOTPRINT_MRIO_CACHE"
OFF = ("off", "0", "false", "no")
"""Values of ``FOOTPRINT_MRIO_CACHE`` that turn the cache off."""


def setting_key(name: str) -> str:
    """The QgsSettings key under which Processing stores its setting ``name``."""
    return f"Processing/Configuration/{name}"


def default_folder() -> Path:
    """A folder in the QGIS profile's cache folder, beside QGIS's own network cache."""
    return Path(QgsApplication.qgisSettingsDirPath()) / "cache" / "footprint_mrio"


def configured_folder() -> Path:
    """The cache folder, whether the cache is on or off (the folder that clearing empties)."""
    override = os.environ.get(ENVIRONMENT, "").strip()
    if override and override.lower() not in OFF:
        return Path(override)
    return Path(QgsSettings().value(setting_key(CACHE_FOLDER), "") or default_folder())


def cache_folder() -> Path | None:
    """The folder MRIOs are cached in, or None when the cache is off."""
    override = os.environ.get(ENVIRONMENT, "").strip()
    if override:
        return None if override.lower() in OFF else Path(override)
    on = QgsSettings().value(setting_key(CACHE_ON), True)
    return configured_folder() if str(on).lower() == "true" else None
