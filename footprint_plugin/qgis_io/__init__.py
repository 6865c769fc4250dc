"""QGIS <-> engine: features and rasters read into engine arrays, GeoTIFFs and tables written
(each file moved into place once the run succeeded: outputs.py), styles, CRS and coordinate
helpers. Imports the engine, never the algorithms."""
