"""The Processing algorithms: thin adapters between QGIS parameters and the engine."""


def algorithm_classes():
    """Every algorithm class the provider registers, in toolbox order."""
    return []
