"""The Processing algorithms: thin adapters between QGIS parameters and the engine.

Every module here that defines a :class:`~.base.FootprintAlgorithm` subclass with a ``NAME``
is registered by the provider; helper modules (``base``, ``tables``, ...) define none.
"""

import importlib
import inspect
import pkgutil


def algorithm_classes():
    """Every algorithm class defined in this package, ordered by algorithm name."""
    from .base import FootprintAlgorithm

    found = []
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found += [
            member
            for member in vars(module).values()
            if inspect.isclass(member)
            and issubclass(member, FootprintAlgorithm)
            and member.__module__ == module.__name__
            and member.NAME
        ]
    return sorted(found, key=lambda algorithm_class: algorithm_class.NAME)
