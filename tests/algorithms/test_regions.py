"""Which region holds a point: the rule for points on or near a border, tested directly."""

import numpy as np
from qgis.core import QgsCoordinateReferenceSystem, QgsGeometry, QgsProcessingContext

from footprint_plugin.engine.mapping.sources import NO_REGION
from footprint_plugin.qgis_io.regions import RELATIVE_TOLERANCE, RegionSet

CRS = QgsCoordinateReferenceSystem("EPSG:3857")


def test_a_point_just_outside_a_region_within_the_tolerance_belongs_to_it(processing):
    """Regions [0, 100] and [200, 300] (x) by [0, 100] (y): the extent is 300 wide, so the
    border tolerance is 300 x RELATIVE_TOLERANCE. Points half a tolerance outside either
    region, on its west or east side, belong to it; a point between them, far from both, and
    one two tolerances outside, to none."""
    regions = RegionSet(
        ["A", "B"],
        [
            QgsGeometry.fromWkt("POLYGON((0 0, 100 0, 100 100, 0 100, 0 0))"),
            QgsGeometry.fromWkt("POLYGON((200 0, 300 0, 300 100, 200 100, 200 0))"),
        ],
        CRS,
        CRS,
        QgsProcessingContext(),
    )
    tolerance = RELATIVE_TOLERANCE * 300.0
    x = np.array(
        [-tolerance / 2, 100 + tolerance / 2, 200 - tolerance / 2, 150.0, 200 - 2 * tolerance]
    )
    located = regions.locate(x, np.full(x.size, 50.0))
    assert located.tolist() == [0, 0, 1, NO_REGION, NO_REGION]
