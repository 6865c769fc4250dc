"""Reports: HTML pages with inline charts, and the picture of a footprint map."""
