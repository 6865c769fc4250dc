"""Analyses of a footprint map: concentration (hotspots, Gini), zonal sums over polygons, cell
areas, class breaks and band names."""
