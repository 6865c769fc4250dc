"""Sums over groups of labels (by consumer region, category, ...) and region selection.

Grouping keeps groups in order of first appearance and is a product with a 0/1 indicator
matrix, so it is linear and aggregation orders commute.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from typing import Union

import numpy as np
import pandas as pd

from ..errors import UnknownNameError, preview

Levels = Union[str, Sequence[str]]


def sum_by(
    values: np.ndarray, labels: pd.MultiIndex, by: Levels, axis: int = -1
) -> tuple[np.ndarray, pd.Index]:
    """Sum ``values`` along ``axis`` over labels that share the levels ``by``.

    Parameters
    ----------
    values
        Array whose ``axis`` is labelled by ``labels``.
    labels
        For example final-demand labels (region, category) or producers (region, sector).
    by
        A level name (``"region"``), or a list of them; all levels keeps every label.

    Returns
    -------
    tuple of numpy.ndarray and pandas.Index
        The sums, and the group labels (a MultiIndex when ``by`` has several levels).
    """
    levels = [by] if isinstance(by, str) else list(by)
    unknown = [level for level in levels if level not in labels.names]
    if unknown:
        raise UnknownNameError(
            f"Cannot group by {preview(unknown)}: the labels have levels "
            f"{preview(labels.names)}. Use one of those."
        )
    keys = labels.to_frame(index=False)[levels]
    codes = keys.groupby(levels, sort=False).ngroup().to_numpy()
    groups = keys.drop_duplicates()
    indicator = np.zeros((len(labels), len(groups)))
    indicator[np.arange(len(labels)), codes] = 1.0
    summed = np.moveaxis(np.moveaxis(np.asarray(values), axis, -1) @ indicator, -1, axis)
    if len(levels) == 1:
        return summed, pd.Index(groups[levels[0]].to_numpy(), name=levels[0])
    return summed, pd.MultiIndex.from_frame(groups)


def match_regions(regions: Sequence[str], patterns: str | Sequence[str]) -> np.ndarray:
    """Mask of ``regions`` matching any of ``patterns`` (codes or globs like ``CN-*``).

    Matching ignores case. A string of patterns may separate them by commas or spaces.

    Raises
    ------
    UnknownNameError
        If a pattern matches no region (the message lists the available ones).
    """
    if isinstance(patterns, str):
        patterns = [part for part in re.split(r"[,\s]+", patterns) if part]
    if not patterns:
        raise UnknownNameError(
            "No region codes or patterns were given; give at least one, "
            f"for example {preview(pd.unique(np.asarray(regions)), 3)}."
        )
    lowered = [str(region).lower() for region in regions]
    mask = np.zeros(len(lowered), dtype=bool)
    for pattern in patterns:
        hits = np.array(
            [fnmatch.fnmatchcase(region, pattern.lower()) for region in lowered], dtype=bool
        )
        if not hits.any():
            raise UnknownNameError(
                f"Region pattern {pattern!r} matches no region. Available regions: "
                f"{preview(pd.unique(np.asarray(regions)), 10)}. Use a code or a glob such "
                "as 'CN-*'."
            )
        mask |= hits
    return mask
