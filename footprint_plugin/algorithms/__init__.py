"""The Processing algorithms: one module per algorithm, plus their base classes (``base``,
``map_base``). They read parameters, call the engine, and write outputs through ``qgis_io``;
the provider lists them in ``provider.ALGORITHMS``."""
