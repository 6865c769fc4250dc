"""The footprint engine: MRIO reading, consumption-based attribution and gridding.

Pure numpy/scipy/pandas, no QGIS, so that it is usable from a notebook and tested in more
than one environment. Typical use::

    mrio = read_mrio("exiobase_folder")             # pymrio folder or .zip, or CSV layout
    shares = driven_shares(mrio)                    # S, zero-output mask, labels
    co2 = select_stressor(mrio, "emissions/CO2")
    result = attribute_emissions(shares, co2.from_producers, co2.from_final_demand)
    footprint_by_consumer(result, by="region", include_direct=True)

(the functions live in :mod:`.readers`, :mod:`.attribution`, :mod:`.stressors` and
:mod:`.results`).
"""
