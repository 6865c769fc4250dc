"""footprint:clearmriocache: remove every parsed MRIO kept in the cache, to free disk space."""

from qgis.core import QgsProcessingOutputNumber

from ..engine.mrio.cache import MAX_CACHE_BYTES, clear_cache
from ..qgis_io.mrio_cache_settings import configured_folder
from .base import FootprintAlgorithm


class ClearMrioCache(FootprintAlgorithm):
    NAME = "clearmriocache"
    DISPLAY_NAME = "Clear the MRIO cache"
    TAGS = "MRIO,cache,disk space,clear,parsed"
    HELP = (
        "<p>Removes the parsed MRIOs kept in the cache folder (Processing &gt; Options &gt; "
        "Providers &gt; Carbon footprint). An MRIO's text files are parsed once and its arrays "
        "kept there, so that later runs on the same files skip parsing; the cache keeps the "
        f"MRIOs used most recently, up to {MAX_CACHE_BYTES / 2**30:.0f} GiB. Clearing it frees "
        "that space: the next run on an MRIO parses its files again. The MRIOs' own files are "
        "never touched.</p>"
    )
    ENTRIES = "ENTRIES"
    BYTES = "BYTES"

    def initAlgorithm(self, config=None):
        self.addOutput(QgsProcessingOutputNumber(self.ENTRIES, "Cached MRIOs removed"))
        self.addOutput(QgsProcessingOutputNumber(self.BYTES, "Bytes removed"))

    def process(self, parameters, context, feedback, outputs):
        folder = configured_folder()
        entries, removed = clear_cache(folder)
        feedback.pushInfo(
            f"Removed {entries} cached MRIO(s), {removed / 2**20:,.1f} MiB, from {folder}"
        )
        return {self.ENTRIES: entries, self.BYTES: removed}
