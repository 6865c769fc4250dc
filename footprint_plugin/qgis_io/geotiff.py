"""GeoTIFFs written with GDAL, checked: a failed or cancelled write is an error. The file is
one of :class:`outputs.Outputs`, which discards it then, and moves it into place only when the
whole run has succeeded."""

from pathlib import Path

from osgeo import gdal
from qgis.core import QgsProcessingException


def write_geotiff(
    path: str, shape, data_type, options, geotransform, crs_wkt, descriptions, nodata, fill
) -> None:
    """Write a GeoTIFF to ``path`` (a file of :meth:`Outputs.file`).

    ``fill(dataset)`` writes the values of the bands (one per description) and returns False
    if the run was cancelled. It must not keep the dataset: this function closes it.

    Raises
    ------
    QgsProcessingException
        If the file cannot be written or the run is cancelled.
    """
    n_rows, n_cols = shape
    gdal.ErrorReset()
    dataset = gdal.GetDriverByName("GTiff").Create(
        path, n_cols, n_rows, len(descriptions), data_type, options
    )
    if dataset is None:
        raise QgsProcessingException(
            f"Cannot create {Path(path).name} ({gdal.GetLastErrorMsg()}). Check that the disk "
            "has space."
        )
    try:
        dataset.SetGeoTransform(geotransform)
        dataset.SetProjection(crs_wkt)
        for band, description in enumerate(descriptions, start=1):
            dataset.GetRasterBand(band).SetDescription(description)
            dataset.GetRasterBand(band).SetNoDataValue(nodata)
        if not fill(dataset):
            raise QgsProcessingException("Cancelled: no raster was written.")
        dataset.FlushCache()
    finally:
        dataset = None  # closes the file
    if gdal.GetLastErrorType() >= gdal.CE_Failure:
        raise QgsProcessingException(
            f"Writing {Path(path).name} failed ({gdal.GetLastErrorMsg()}); nothing was written."
        )
