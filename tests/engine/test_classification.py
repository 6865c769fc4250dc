"""Skewed class breaks by hand: small values, equal values, a maximum that rounds down."""

import numpy as np

from footprint_plugin.engine.analysis.classification import skewed_class_breaks


def test_values_below_one_get_their_own_breaks():
    """0.001, 0.002, ..., 0.101 (101 values): the 50/75/90/95/99% quantiles are the values
    at positions 50, 75, 90, 95 and 99, i.e. 0.051, 0.076, 0.091, 0.096 and 0.1; the maximum
    0.101 rounds down to 0.1 (and 1% more still rounds to 0.1), so the top bound is 0.101 and
    the break 0.1, not below it, goes."""
    breaks = skewed_class_breaks(np.arange(1, 102) / 1000.0)
    assert breaks.tolist() == [0.051, 0.076, 0.091, 0.096, 0.101]


def test_equal_values_whose_maximum_rounds_down_give_one_class_above_them():
    """All cells 1.04: no quantile lies below the maximum; 1.04 rounds down to 1.0, so the
    bound is 1.04 * 1.01 = 1.0504 rounded, 1.1 (no empty class below the values)."""
    assert skewed_class_breaks(np.full(10, 1.04)).tolist() == [1.1]


def test_a_maximum_with_two_significant_digits_is_the_top_bound():
    """9.9 is already rounded: the top bound is 9.9, not 10."""
    assert skewed_class_breaks(np.full(4, 9.9)).tolist() == [9.9]


def test_quantiles_rounding_to_the_top_bound_are_not_repeated():
    """4.96 and 5.0: every quantile lies between and rounds to 5.0, the top bound itself, so
    there is one class (bounds strictly increase)."""
    assert skewed_class_breaks(np.array([4.96, 5.0])).tolist() == [5.0]
