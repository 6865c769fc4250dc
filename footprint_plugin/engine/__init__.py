"""The footprint engine: MRIO reading, consumption-based attribution and gridding.

Pure numpy/scipy/pandas, no QGIS, so that it is usable from a notebook and tested in more
than one environment. Typical use::

    mrio = read_mrio("exiobase_folder")             # pymrio folder or .zip, or CSV layout
    shares = driven_shares(mrio)                    # S, zero-output mask, labels
    co2 = select_stressor(mrio, "emissions/CO2")
    result = attribute_emissions(shares, co2.from_producers, co2.from_final_demand)
    footprint_by_consumer(result, by="region", include_direct=True)

and a map of an emission inventory::

    result = map_footprint(sources, shares, concordance, bands, grid)

(``mrio/`` holds the readers, attribution, stressors and result tables; ``mapping/`` the
pipeline :func:`.mapping.pipeline.map_footprint` and its pieces; ``analysis/`` hotspots and
zonal sums. See ARCHITECTURE.md.)
"""
