"""The footprint map file: a multi-band GeoTIFF, written and read a block of rows at a time.

Written by the mapping algorithms (float32, or float64 beyond float32's range; nodata -9999;
one band per footprint band with its description, short band names in the ``FOOTPRINT_BANDS``
metadata item), read by the hotspot, city, near-infrastructure and report algorithms. A 1 km
grid of China with 40 bands does not fit in memory at once, so both directions work in blocks
of rows.
"""

from dataclasses import dataclass, field

import numpy as np
from osgeo import gdal
from qgis.core import QgsCoordinateReferenceSystem, QgsProcessingException

from ..engine.analysis.band_labels import band_field_names, foreign_band
from ..engine.mapping.gridding import DEFAULT_NODATA, GriddedFootprint
from ..engine.sizes import FOOTPRINT_VALUES_PER_READ, ONE_BLOCK_BYTES, TILE_ROWS
from .errors import CANCELLED
from .geotiff import write_geotiff

BAND_NAMES_METADATA = "FOOTPRINT_BANDS"
"""GDAL metadata item in which footprint:mapfootprint lists short band names, comma-separated."""


@dataclass
class FootprintRaster:
    """A GDAL-readable, north-up raster and what its bands hold."""

    source: str
    dataset: gdal.Dataset
    crs: QgsCoordinateReferenceSystem
    descriptions: list
    band_labels: list = field(init=False)

    def __post_init__(self):
        names = (self.dataset.GetMetadataItem(BAND_NAMES_METADATA) or "").split(",")
        self.band_labels = (
            [name.strip() for name in names]
            if len(names) == self.n_bands and all(name.strip() for name in names)
            else list(self.descriptions)
        )

    @classmethod
    def from_layer(cls, layer, parameter: str = "INPUT"):
        """Open a raster layer's file with GDAL; QgsProcessingException saying what is wrong."""
        if layer is None or not layer.isValid():
            raise QgsProcessingException(f"{parameter} is not a valid raster layer.")
        if layer.providerType() != "gdal":
            raise QgsProcessingException(
                f"{parameter} must be a raster file GDAL can read (a GeoTIFF); "
                f"{layer.name()} comes from the {layer.providerType()} provider. Save it as a "
                "GeoTIFF first."
            )
        dataset = gdal.Open(layer.source())
        if dataset is None:
            raise QgsProcessingException(
                f"GDAL cannot open {parameter} ({layer.source()}): {gdal.GetLastErrorMsg()}"
            )
        crs = layer.crs()
        if not crs.isValid():
            raise QgsProcessingException(
                f"{parameter} has no coordinate reference system; set its CRS "
                "(Layer Properties > Source) so that the other layers can be placed on it."
            )
        _, width, row_rotation, _, column_rotation, height = dataset.GetGeoTransform()
        if row_rotation or column_rotation or width <= 0 or height >= 0:
            raise QgsProcessingException(
                f"{parameter} is rotated or not north-up; warp it first (Raster > Projections "
                "> Warp)."
            )
        descriptions = [
            dataset.GetRasterBand(band).GetDescription()
            for band in range(1, dataset.RasterCount + 1)
        ]
        return cls(layer.source(), dataset, crs, descriptions)

    @property
    def n_bands(self) -> int:
        return self.dataset.RasterCount

    @property
    def shape(self) -> tuple:
        """(rows, columns)."""
        return (self.dataset.RasterYSize, self.dataset.RasterXSize)

    @property
    def geotransform(self) -> tuple:
        return tuple(self.dataset.GetGeoTransform())

    def band_list(self) -> str:
        """The bands for a message: ``1 = total footprint, 2 = ...``."""
        return ", ".join(
            f"{number} = {label or 'no description'}"
            for number, label in enumerate(self.descriptions, start=1)
        )

    def band_number(self, requested) -> int:
        """The 1-based band to use: ``requested``, or if None the foreign-driven band, else 1."""
        if requested is None:
            foreign = foreign_band(self.band_labels)
            return 1 if foreign is None else foreign + 1
        if not 1 <= requested <= self.n_bands:
            raise QgsProcessingException(
                f"BAND {requested} does not exist: the raster has {self.n_bands} band(s) "
                f"({self.band_list()}). Choose one of them."
            )
        return requested

    def rank_band(self) -> int:
        """0-based band to rank by: the foreign-driven band, else the first."""
        foreign = foreign_band(self.band_labels)
        return 0 if foreign is None else foreign

    def field_names(self, taken=()) -> list:
        """A unique field name for each band (not clashing with ``taken``)."""
        return band_field_names(self.band_labels, taken)

    def blocks(self, bands, feedback):
        """Yield (first row, float64 array (len(bands), rows, columns), NaN for no data).

        ``bands`` are 1-based. Progress goes from 0 to 100 over the rows; raises
        QgsProcessingException when the run is cancelled.
        """
        n_rows, n_cols = self.shape
        rows_per_block = max(1, FOOTPRINT_VALUES_PER_READ // (n_cols * len(bands)))
        raster_bands = [self.dataset.GetRasterBand(band) for band in bands]
        for row in range(0, n_rows, rows_per_block):
            if feedback.isCanceled():
                raise QgsProcessingException(CANCELLED)
            rows = min(rows_per_block, n_rows - row)
            values = np.empty((len(bands), rows, n_cols))
            for position, band in enumerate(raster_bands):
                if band.ReadAsArray(0, row, n_cols, rows, buf_obj=values[position]) is None:
                    raise QgsProcessingException(
                        f"Reading rows {row}-{row + rows} of {self.source} failed: "
                        f"{gdal.GetLastErrorMsg()}"
                    )
                nodata = band.GetNoDataValue()
                if nodata is not None:
                    values[position][values[position] == nodata] = np.nan
            yield row, values
            feedback.setProgress(100.0 * (row + rows) / n_rows)


GTIFF_OPTIONS = [
    "TILED=YES",
    "INTERLEAVE=BAND",
    f"BLOCKXSIZE={TILE_ROWS}",
    f"BLOCKYSIZE={TILE_ROWS}",
    "COMPRESS=DEFLATE",
    "ZLEVEL=1",
    "BIGTIFF=IF_SAFER",
    "NUM_THREADS=ALL_CPUS",
]


def _write_bands(dataset, footprint: GriddedFootprint, territory, dtype, feedback) -> bool:
    """Write the raster in blocks of whole tile rows, progress 0 to 100; False if cancelled."""
    n_rows = footprint.grid.n_rows

    def in_territory(row_start, row_stop):
        return territory[row_start:row_stop]

    blocks = footprint.blocks(
        TILE_ROWS if footprint.grid.cell_count * footprint.n_bands * 4 > ONE_BLOCK_BYTES else None,
        territory=None if territory is None else in_territory,
        dtype=dtype,
    )
    for row_start, block in blocks:
        if feedback.isCanceled():
            return False
        for band in range(footprint.n_bands):
            dataset.GetRasterBand(band + 1).WriteArray(block[band], 0, row_start)
        dataset.FlushCache()  # compress and write this row of tiles now: memory stays bounded
        feedback.setProgress(100.0 * (row_start + block.shape[1]) / n_rows)
    return True


def write_footprint_raster(
    path: str,
    footprint: GriddedFootprint,
    descriptions,
    territory,
    metadata: dict,
    feedback,
) -> bool:
    """Write all bands of ``footprint`` to the GeoTIFF ``path`` (float32, nodata -9999); True
    if it had to be float64 because values exceed float32's range.

    Parameters
    ----------
    path
        The .tif to write (see :class:`outputs.Outputs`).
    footprint
        The gridded footprint.
    descriptions
        GDAL description of each band (what it holds).
    territory
        Bool array (grid shape) of the cells in the mapped territory, or None for all.
    metadata
        GDAL metadata items (units, MRIO, ...).
    feedback, progress
        Processing feedback and the progress range of this step.
    """
    grid = footprint.grid
    wide = not footprint.fits_float32()
    dtype = np.float64 if wide else np.float32

    def fill(dataset):
        dataset.SetMetadata({key: str(value) for key, value in metadata.items()})
        return _write_bands(dataset, footprint, territory, dtype, feedback)

    write_geotiff(
        path,
        (grid.n_rows, grid.n_cols),
        gdal.GDT_Float64 if wide else gdal.GDT_Float32,
        GTIFF_OPTIONS,
        grid.geotransform,
        grid.crs_wkt,
        descriptions,
        DEFAULT_NODATA,
        fill,
    )
    return wide
