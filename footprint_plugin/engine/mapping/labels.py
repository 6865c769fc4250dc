"""Labels as read from attribute tables: what counts as a value, and labels as integer codes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def is_value(value: object) -> bool:
    """Whether a cell holds a value: text or a number (not None, NaN or another object,
    such as the NULL that PyQGIS gives for empty attributes)."""
    return isinstance(value, (str, int, float, np.number)) and value == value


def label_codes(values: Sequence[object]) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of labels and the distinct labels as text; -1 where there is no label.

    Labels are compared as trimmed text, so ``"CN-BJ "`` and ``"CN-BJ"`` are one label. None,
    NaN, blanks and objects that are neither text nor numbers (PyQGIS's NULL) are no label.
    """
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    text = [str(label).strip() or None if is_value(label) else None for label in uniques]
    text_codes, text_uniques = pd.factorize(np.asarray(text, dtype=object))
    return np.append(text_codes, -1)[codes].astype(np.int64), np.asarray(text_uniques, dtype=object)
