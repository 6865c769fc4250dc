"""Typed errors and warnings of the footprint engine.

Every message says what is wrong and how to fix it, so that the Processing algorithms can pass
it on unchanged (as a ``QgsProcessingException``) and a notebook user knows what to do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np


class FootprintError(ValueError):
    """Input the engine cannot use as given; the message says how to fix it."""


class MrioError(FootprintError):
    """An MRIO, or an input that must line up with it, cannot be used as given."""


class MrioFileError(MrioError):
    """A file of an MRIO or of an inventory is missing, unreadable or malformed."""


class ShapeError(MrioError):
    """A table has the wrong shape (for example a non-square Z)."""


class LabelMismatchError(MrioError):
    """Labels that must line up (producers, final-demand columns) do not."""


class NonFiniteError(MrioError):
    """A table holds NaN or infinite values where numbers are required."""


class SingularSystemError(MrioError):
    """(I - A) cannot be inverted, or a column of A sums to 1 or more."""


class UnknownNameError(MrioError):
    """A name (extension, stressor, region pattern) is not in the MRIO."""


class EmissionOverflowError(FootprintError):
    """Emissions whose total exceeds what float64 holds (values near 1.8e308)."""


def check_total_finite(values, what: str) -> None:
    """Refuse finite values whose total overflows float64: no total, band or share of them
    could be right. Non-finite values are left to the caller (they are unattributed)."""
    sizes = np.abs(np.asarray(values, dtype=np.float64))
    sizes = sizes[np.isfinite(sizes)]
    with np.errstate(over="ignore"):
        total = sizes.sum()
    if not np.isfinite(total):
        raise EmissionOverflowError(
            f"The {what} add up to more than a 64-bit float holds (the largest is "
            f"{sizes.max():.3g}): check the values and their unit."
        )


@contextmanager
def naming(where: str, named: tuple[type[Exception], ...] = (MrioFileError,)) -> Iterator[None]:
    """Prefix ``where`` (the MRIO's file or folder) to an MrioError raised in the block, so that
    a validation error says which MRIO it is about; errors of the ``named`` kinds already name
    their file and pass unchanged."""
    try:
        yield
    except named:
        raise
    except MrioError as error:
        raise type(error)(f"{where}: {error}") from error


class MrioWarning(UserWarning):
    """The MRIO was usable after a repair, for example a recomputed total output."""


def preview(items: Iterable[object], limit: int = 5) -> str:
    """Show the first few items of a collection for an error message.

    Parameters
    ----------
    items
        Labels to show; tuples are shown as ``region/sector``.
    limit
        How many to show before "...".

    Returns
    -------
    str
        For example ``'CN/Steel', 'US/Food', ... (12 in total)``.
    """
    items = list(items)
    shown = ", ".join(repr(label_text(item)) for item in items[:limit])
    if len(items) > limit:
        return f"{shown}, ... ({len(items)} in total)"
    return shown


def label_text(label: object) -> str:
    """Write a (multi-level) label as slash-separated text, e.g. ``CN/Steel``."""
    if isinstance(label, tuple):
        return "/".join(str(part) for part in label)
    return str(label)
