"""The engine's shared error helpers: overflow checks and the label previews in messages."""

import warnings

import numpy as np
import pytest

from footprint_plugin.engine.errors import EmissionOverflowError, check_total_finite, preview


def test_integers_too_large_for_int64_are_checked_as_floats():
    """Two integers of 2**1023 (far beyond int64) are 8.99e307 each as floats: their total
    overflows float64, which must be refused as such, not fail on an object array."""
    with pytest.raises(EmissionOverflowError, match="64-bit float"):
        check_total_finite([2**1023, 2**1023], "emissions")


def test_a_total_that_fits_passes_without_a_numpy_warning():
    """1e308 plus a non-finite value (left to the caller) fits; an overflowing total is refused
    without numpy warning about the overflow on the way."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_total_finite(np.array([1e308, np.nan, -np.inf]), "emissions")
        with pytest.raises(EmissionOverflowError):
            check_total_finite(np.array([1e308, 1e308]), "emissions")


def test_preview_shows_up_to_the_limit_then_the_count():
    """Five labels with a limit of five are all shown; a sixth turns the tail into a count."""
    five = ["A", "B", "C", "D", "E"]
    assert preview(five) == "'A', 'B', 'C', 'D', 'E'"
    assert preview([*five, ("CN", "Steel")]) == "'A', 'B', 'C', 'D', 'E', ... (6 in total)"
