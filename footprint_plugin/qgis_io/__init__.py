"""QGIS <-> engine: features and rasters read into engine arrays, GeoTIFFs and tables written
(atomically), styles, CRS and coordinate helpers. Imports the engine, never the algorithms."""
