"""GeoTIFFs written atomically: to a hidden file in the destination folder, renamed when complete.

A cancelled or failed run leaves nothing that looks like a result.
"""

import os
from pathlib import Path

from osgeo import gdal
from qgis.core import QgsProcessingException


def write_geotiff(
    path: str, shape, data_type, options, geotransform, crs_wkt, descriptions, nodata, fill
) -> None:
    """Write a GeoTIFF atomically: to a hidden file in the same folder, renamed when complete.

    ``fill(dataset)`` writes the values of the bands (one per description) and returns False
    if the run was cancelled. It must not keep the dataset: this function closes it.

    Raises
    ------
    QgsProcessingException
        If ``path`` is not a .tif, the file cannot be written, or the run is cancelled; no
        partial file is left behind.
    """
    destination = Path(path)
    if destination.suffix.lower() not in (".tif", ".tiff"):
        raise QgsProcessingException(
            f"OUTPUT must be a GeoTIFF file (.tif), got {destination.name}. Choose a .tif name."
        )
    partial = destination.with_name(f".{destination.stem}.partial.tif")
    n_rows, n_cols = shape
    gdal.ErrorReset()
    dataset = gdal.GetDriverByName("GTiff").Create(
        str(partial), n_cols, n_rows, len(descriptions), data_type, options
    )
    if dataset is None:
        raise QgsProcessingException(
            f"Cannot create {destination} ({gdal.GetLastErrorMsg()}). Check that the folder "
            "exists and is writable, and that the disk has space."
        )
    written = False
    try:
        dataset.SetGeoTransform(geotransform)
        dataset.SetProjection(crs_wkt)
        for band, description in enumerate(descriptions, start=1):
            dataset.GetRasterBand(band).SetDescription(description)
            dataset.GetRasterBand(band).SetNoDataValue(nodata)
        if not fill(dataset):
            raise QgsProcessingException("Cancelled: no raster was written.")
        dataset.FlushCache()
        dataset = None  # closes the file
        if gdal.GetLastErrorType() >= gdal.CE_Failure:
            raise QgsProcessingException(
                f"Writing {destination} failed ({gdal.GetLastErrorMsg()}); nothing was written."
            )
        os.replace(partial, destination)
        written = True
    finally:
        dataset = None
        if not written:
            partial.unlink(missing_ok=True)
