"""How much is read, written or held at a time: every block size, defined once.

Sizes bound memory (a 1 km grid of China with 40 bands does not fit at once) and set how often
progress is reported and cancellation checked.
"""

FEATURES_PER_CHUNK = 50_000
"""Features read between two progress reports and cancellation checks."""

FEATURES_PER_REPORT = 1_000
"""Features written between two progress reports and cancellation checks (writing is slower
than reading, and a user waits on it at the end of a run)."""

RASTER_ROWS_PER_READ = 512
"""Rows of a gridded inventory read at a time."""

FOOTPRINT_VALUES_PER_READ = 8_000_000
"""Cell values of a footprint raster read per block (64 MB as float64)."""

TILE_ROWS = 256
"""Side of a GeoTIFF tile of the footprint map, and rows written per block."""

ONE_BLOCK_BYTES = 2**27
"""Footprint rasters up to 128 MiB (float32) are written in one block, larger ones a row of
tiles at a time."""

GRID_BLOCK_BYTES = 64 * 2**20
"""Largest block of a gridded footprint made dense at once (when no block size is given)."""
