"""Vector layers as zones over a footprint raster's cells, and the zones' sums written back.

Shared by the hotspot, city and near-infrastructure algorithms: polygons are repaired,
reprojected to the raster's CRS (never silently misaligned) and turned into rings for the
engine's exact coverage fractions; the raster is read a block of rows at a time.
"""

from dataclasses import dataclass

import numpy as np
from osgeo import gdal, ogr, osr
from qgis.core import (
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeature,
    QgsFeatureRequest,
    QgsFields,
    QgsGeometry,
    QgsProcessingException,
    QgsProcessingFeatureSource,
    QgsWkbTypes,
)

from ..engine.analysis.band_labels import unique_names
from ..engine.analysis.zonal import coverage_fractions, zonal_sums
from .coordinates import coordinate_sequences, plain_geometry
from .errors import CANCELLED, crs_name, engine_errors
from .footprint_raster import FootprintRaster
from .geometry_repair import POLYGONS, made_valid
from .tables import add_feature, new_field


@dataclass
class Zones:
    """Features of a layer with their geometry in the raster's CRS.

    Attributes
    ----------
    features
        The features, geometry repaired where it was invalid, in the layer's own CRS.
    geometries
        The same geometries in the raster's CRS (empty QgsGeometry for none).
    repaired
        How many polygons were invalid, as given or once reprojected, and were repaired.
    empty
        How many features have no geometry.
    """

    features: list
    geometries: list
    repaired: int
    empty: int


def read_zones(source, raster: FootprintRaster, context, feedback, parameter: str) -> Zones:
    """Read every feature, repair invalid polygons, reproject them to the raster's CRS.

    Raises
    ------
    QgsProcessingException
        If the layer has no CRS, or a geometry cannot be transformed to the raster's CRS.
    """
    source_crs = source.sourceCrs()
    if not source_crs.isValid():
        raise QgsProcessingException(
            f"{parameter} has no coordinate reference system; set its CRS so that it can be "
            "placed on the raster."
        )
    transform = QgsCoordinateTransform(source_crs, raster.crs, context.transformContext())
    if source_crs != raster.crs:
        feedback.pushInfo(
            f"{parameter} is reprojected from {crs_name(source_crs)} "
            f"to the raster's CRS {crs_name(raster.crs)}."
        )
    features, geometries, repaired, empty = [], [], 0, 0
    # invalid polygons are repaired here, whatever Processing's invalid-geometry setting says
    request = QgsFeatureRequest()
    for feature in source.getFeatures(
        request, QgsProcessingFeatureSource.FlagSkipGeometryValidityChecks
    ):
        if feedback.isCanceled():
            raise QgsProcessingException(CANCELLED)
        geometry = feature.geometry()
        if geometry.isNull() or geometry.isEmpty():
            empty += 1
            features.append(QgsFeature(feature))
            geometries.append(QgsGeometry())
            continue
        geometry, was_invalid = made_valid(plain_geometry(geometry), POLYGONS)
        copy = QgsFeature(feature)
        copy.setGeometry(geometry)
        features.append(copy)
        in_raster_crs = QgsGeometry(geometry)
        try:
            in_raster_crs.transform(transform)
        except QgsCsException as error:
            raise QgsProcessingException(
                f"Feature {feature.id()} of {parameter} cannot be transformed to the raster's CRS "
                f"({error}). Use a raster whose CRS covers the layer, or remove the feature."
            ) from error
        in_raster_crs, invalid_after_transform = made_valid(in_raster_crs, POLYGONS)  # a sliver
        repaired += was_invalid or invalid_after_transform
        geometries.append(in_raster_crs)
    if repaired:
        feedback.pushWarning(
            f"{parameter}: {repaired} invalid polygon(s) (as given, or once reprojected) were "
            "repaired with makeValid before summing; check them if the results there look wrong."
        )
    if empty:
        feedback.pushWarning(f"{parameter}: {empty} feature(s) have no geometry; they get 0.")
    return Zones(features, geometries, repaired, empty)


def zone_rings(geometry: QgsGeometry) -> list:
    """The polygon rings of a geometry, exteriors clockwise and holes counter-clockwise."""
    if geometry.isNull() or geometry.isEmpty():
        return []
    oriented = QgsGeometry(geometry)
    oriented.forceRHR()
    return [points for kind, points in coordinate_sequences(oriented) if kind == "ring"]


def centre_cells(geometry: QgsGeometry, raster: FootprintRaster) -> np.ndarray:
    """Row-major numbers of the cells whose centre lies in a polygon (GDAL's rasterizer).

    The centre-based rule of QGIS's zonal statistics; the polygon is in the raster's CRS and
    is rasterized over its bounding box only.
    """
    if geometry.isNull() or geometry.isEmpty():
        return np.empty(0, dtype=np.int64)
    n_rows, n_cols = raster.shape
    x_min, width, _, y_max, _, height = raster.geotransform
    box = geometry.boundingBox()
    col_start = max(0, int(np.floor((box.xMinimum() - x_min) / width)))
    col_stop = min(n_cols, int(np.ceil((box.xMaximum() - x_min) / width)))
    row_start = max(0, int(np.floor((box.yMaximum() - y_max) / height)))
    row_stop = min(n_rows, int(np.ceil((box.yMinimum() - y_max) / height)))
    if col_stop <= col_start or row_stop <= row_start:
        return np.empty(0, dtype=np.int64)
    reference = osr.SpatialReference(raster.dataset.GetProjection())  # as the window's: no warp
    vector = ogr.GetDriverByName("Memory").CreateDataSource("zone")
    layer = vector.CreateLayer("zone", reference, ogr.wkbUnknown)
    feature = ogr.Feature(layer.GetLayerDefn())
    feature.SetGeometry(ogr.CreateGeometryFromWkb(bytes(geometry.asWkb())))
    layer.CreateFeature(feature)
    window = gdal.GetDriverByName("MEM").Create(
        "", col_stop - col_start, row_stop - row_start, 1, gdal.GDT_Byte
    )
    window.SetProjection(raster.dataset.GetProjection())
    window.SetGeoTransform(
        (x_min + col_start * width, width, 0.0, y_max + row_start * height, 0.0, height)
    )
    gdal.RasterizeLayer(window, [1], layer, burn_values=[1])
    rows, cols = np.nonzero(window.GetRasterBand(1).ReadAsArray())
    return (rows + row_start).astype(np.int64) * n_cols + (cols + col_start)


def zonal_footprint(raster, geometries, feedback):
    """Coverage fractions of polygons (in the raster's CRS) and every band's sum over them."""
    feedback.pushInfo(f"Cutting {len(geometries)} polygons by the raster's cells")
    with engine_errors():
        fractions = coverage_fractions(
            [zone_rings(geometry) for geometry in geometries],
            raster.geotransform,
            raster.shape,
        )
        bands = list(range(1, raster.n_bands + 1))
        sums = zonal_sums(fractions, raster.blocks(bands, feedback), raster.shape[1])
    return fractions, sums


def write_zone_features(outputs, key, source, zones, table):
    """Write the zones' features with ``table``'s columns added (all of them: no cancel check,
    so no half-written layer); return its destination and the field name of each column.

    Columns of ``table`` named like a field of ``source`` get a suffix (_2, ...); the sink's
    geometry type is the source's, made multi-part for polygons (repaired parts can multiply).
    """
    columns = unique_names(table.columns, source.fields().names())
    fields = QgsFields(source.fields())
    for column, dtype in zip(columns, table.dtypes):
        fields.append(new_field(column, "integer64" if dtype.kind in "iu" else "real"))
    geometry_type = source.wkbType()
    if QgsWkbTypes.geometryType(geometry_type) == QgsWkbTypes.PolygonGeometry:
        geometry_type = QgsWkbTypes.multiType(geometry_type)
    sink, destination = outputs.sink(key, fields, geometry_type, source.sourceCrs())
    for feature, row in zip(zones.features, table.itertuples(index=False)):
        output = QgsFeature(fields)
        geometry = feature.geometry()
        if QgsWkbTypes.isMultiType(geometry_type) and not geometry.isNull():
            geometry.convertToMultiType()
        output.setGeometry(geometry)
        output.setAttributes(feature.attributes() + [_attribute(value) for value in row])
        add_feature(sink, output, key)
    return destination, dict(zip(table.columns, columns))


def _attribute(value):
    """A table value as a QGIS attribute: int, float, or None for NaN."""
    if isinstance(value, (int, np.integer)):
        return int(value)
    return None if np.isnan(value) else float(value)
