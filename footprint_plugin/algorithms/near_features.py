"""footprint:nearfeatures: the footprint within a distance of each feature (ports, plants...)."""

import pandas as pd
from qgis.core import (
    QgsGeometry,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterDistance,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterRasterLayer,
)

from ..engine.analysis.zonal import ZonalSums, zone_table
from ..engine.columns import BAND, SHARE
from ..qgis_io.errors import CANCELLED, crs_name
from ..qgis_io.footprint_raster import FootprintRaster
from ..qgis_io.tables import write_table
from ..qgis_io.zones import read_zones, write_zone_features, zonal_footprint
from .base import FootprintAlgorithm, Steps

BUFFER_SEGMENTS = 32
"""Segments per quarter circle of a buffer (its area is within 0.05% of the circle's)."""


def distance_error(distance: float):
    """The message for a DISTANCE that is not positive, or None."""
    if not distance > 0:  # NaN too
        return f"DISTANCE must be more than 0, got {distance:g}. Give the search radius."
    return None


class NearFeatures(FootprintAlgorithm):
    NAME = "nearfeatures"
    DISPLAY_NAME = "Footprint near infrastructure"
    GROUP = "Footprint analysis"
    STEPS = ("zones", "sums", "outputs")
    TAGS = "footprint,port,power plant,buffer,distance,infrastructure,zonal statistics"
    HELP = (
        "<p>The footprint within DISTANCE of each feature (e.g. ports), for every band, and "
        "its share of the band total. Cells partly within the distance count by the share of "
        "their area inside the buffer. Buffers of nearby features overlap, so the per-feature "
        "amounts may add up to more than the footprint near any of them: the union table "
        "gives that, counting every cell once. The raster must be in a projected CRS (an "
        "equal-area one, such as the footprint map's): DISTANCE is measured in its units.</p>"
    )

    INPUT = "INPUT"
    FEATURES = "FEATURES"
    DISTANCE = "DISTANCE"
    OUTPUT = "OUTPUT"
    UNION_TABLE = "UNION_TABLE"
    UNION_TOTAL = "UNION_TOTAL"
    UNION_SHARE = "UNION_SHARE"

    def initAlgorithm(self, config=None):
        self.add_parameter(
            QgsProcessingParameterRasterLayer(self.INPUT, "Footprint raster"),
            "A footprint map in a projected CRS; every band is summed.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.FEATURES, "Features", [QgsProcessing.TypeVectorAnyGeometry]
            ),
            "Points, lines or polygons (e.g. ports), in any CRS (they are reprojected to the "
            "raster's).",
        )
        self.add_parameter(
            QgsProcessingParameterDistance(self.DISTANCE, "Distance", 50000.0, self.INPUT),
            "Search radius around each feature, in the units of the raster's CRS (metres for "
            "the footprint map's equal-area grid); more than 0.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, "Footprint near features"),
            "The features with, for every band, the footprint within DISTANCE and its share "
            "of the band total, and rank (1 = most foreign-driven footprint nearby). A feature "
            "with no cell in range gets 0.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.UNION_TABLE, "Footprint near any feature", QgsProcessing.TypeVector
            ),
            "One row per band: the footprint within DISTANCE of any feature (each cell counted "
            "once), the band total and the share.",
        )
        self.addOutput(
            QgsProcessingOutputNumber(
                self.UNION_TOTAL, "Foreign-driven footprint near any feature (band 1 if none)"
            )
        )
        self.addOutput(
            QgsProcessingOutputNumber(self.UNION_SHARE, "Its share of the band total (%)")
        )

    def checkParameterValues(self, parameters, context):
        message = distance_error(self.parameterAsDouble(parameters, self.DISTANCE, context))
        if message:
            return False, message
        return super().checkParameterValues(parameters, context)

    def process(self, parameters, context, feedback, outputs):
        distance = self.parameterAsDouble(parameters, self.DISTANCE, context)
        message = distance_error(distance)
        if message:
            raise QgsProcessingException(message)
        raster = FootprintRaster.from_layer(
            self.parameterAsRasterLayer(parameters, self.INPUT, context)
        )
        if raster.crs.isGeographic():
            raise QgsProcessingException(
                f"The raster's CRS {crs_name(raster.crs)} is geographic, so DISTANCE would be in "
                "degrees. Use a footprint map in a projected, equal-area CRS (as Map carbon "
                "footprint makes), or warp the raster to one."
            )
        features = self.parameterAsSource(parameters, self.FEATURES, context)
        if features is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.FEATURES))
        steps = Steps(feedback, self.STEPS)
        zones = read_zones(features, raster, context, steps.start("zones"), self.FEATURES)
        buffers = []
        for geometry in zones.geometries:
            if feedback.isCanceled():
                raise QgsProcessingException(CANCELLED)
            empty = geometry.isNull() or geometry.isEmpty()
            buffers.append(QgsGeometry() if empty else geometry.buffer(distance, BUFFER_SEGMENTS))
        union = QgsGeometry.unaryUnion([b for b in buffers if not b.isNull()])
        feedback.pushInfo(f"{len(buffers)} buffers of {distance:g} map units, and their union")
        _, sums = zonal_footprint(raster, [*buffers, union], steps.start("sums"))
        band_fields = raster.field_names()
        rank_band = raster.rank_band()
        near_any, shares = sums.sums[-1], sums.shares()[-1]  # the union, the last zone
        per_feature = ZonalSums(sums=sums.sums[:-1], band_totals=sums.band_totals)
        table = zone_table(per_feature, [""] * len(buffers), band_fields, rank_band)
        dest_id, _ = write_zone_features(
            outputs, self.OUTPUT, features, zones, table.drop(columns="zone")
        )
        union_table = pd.DataFrame(
            {
                BAND: band_fields,
                "description": raster.descriptions,
                "footprint_near": near_any,
                "band_total": sums.band_totals,
                SHARE: shares,
            }
        )
        results = {
            self.OUTPUT: dest_id,
            self.UNION_TABLE: write_table(
                outputs, self.UNION_TABLE, union_table, steps.start("outputs")
            ),
            self.UNION_TOTAL: float(near_any[rank_band]),
            self.UNION_SHARE: 100.0 * float(shares[rank_band]),
        }
        if feedback.isCanceled():
            raise QgsProcessingException(CANCELLED)
        feedback.pushInfo(
            f"Band {rank_band + 1} ({band_fields[rank_band]}): {near_any[rank_band]:,.6g} within "
            f"{distance:g} of any feature, {100 * shares[rank_band]:.4g}% of the total."
        )
        return results
