"""The test suite; a package so that `tests.synthetic` and the shared helpers import by name."""
