"""Pick one stressor row (e.g. ``emissions/CO2``) out of an MRIO's satellite accounts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import UnknownNameError, label_text, preview
from .model import Extension, Mrio


@dataclass(frozen=True, eq=False)
class StressorAccount:
    """One stressor of one extension, aligned to the MRIO.

    Attributes
    ----------
    name
        ``extension/stressor``, e.g. ``emissions/CO2`` or ``emissions/CO2/air``.
    unit
        Unit of the amounts.
    from_producers
        e (n,): amounts emitted by each producer (a row of F).
    from_final_demand
        Direct amounts of each final-demand column (m,) (a row of F_Y), or None.
    """

    name: str
    unit: str
    from_producers: np.ndarray
    from_final_demand: np.ndarray | None


def stressor_names(mrio: Mrio) -> list[str]:
    """All ``extension/stressor`` names of the MRIO, in file order (for a choice list)."""
    return [
        f"{ext.name}/{label_text(label)}"
        for ext in mrio.extensions.values()
        for label in ext.stressors
    ]


def stressor_table(mrio: Mrio) -> pd.DataFrame:
    """One row per stressor: the name to give as STRESSOR, its extension, unit, and the totals
    from producers (F) and from final demand (F_Y), non-finite values left out."""
    accounts = [(ext, k) for ext in mrio.extensions.values() for k in range(len(ext.stressors))]
    rows = [
        (
            name,
            ext.name,
            ext.units[k],
            _finite_sum(ext.from_producers[k]),
            0.0 if ext.from_final_demand is None else _finite_sum(ext.from_final_demand[k]),
        )
        for name, (ext, k) in zip(stressor_names(mrio), accounts)
    ]
    return pd.DataFrame(
        rows, columns=["stressor", "extension", "unit", "from_producers", "from_final_demand"]
    )


def _finite_sum(values: np.ndarray) -> float:
    return float(values[np.isfinite(values)].sum())


def select_stressor(mrio: Mrio, name: str) -> StressorAccount:
    """Return the stressor called ``extension/stressor``.

    A stressor with several index levels, such as (stressor, compartment), is named by all of
    them (``emissions/CO2/air``) or by its first level alone when that is unique
    (``emissions/CO2``). The extension name ignores case.

    Raises
    ------
    UnknownNameError
        If no stressor or several stressors match; the message lists the available names.
    """
    extension_name, _, stressor = name.partition("/")
    extension = _find_extension(mrio, extension_name, name)
    texts = [label_text(label) for label in extension.stressors]
    rows = [i for i, text in enumerate(texts) if text == stressor]
    if not rows:
        rows = [
            i
            for i, label in enumerate(extension.stressors)
            if isinstance(label, tuple) and str(label[0]) == stressor
        ]
    if len(rows) != 1:
        problem = "matches several stressors" if rows else "is not a stressor"
        raise UnknownNameError(
            f"{name!r} {problem} of extension {extension.name!r}. Available stressors: "
            f"{preview(stressor_names(mrio), 10)}. Give the name as extension/stressor."
        )
    row = rows[0]
    demand = extension.from_final_demand
    return StressorAccount(
        name=f"{extension.name}/{texts[row]}",
        unit=extension.units[row],
        from_producers=extension.from_producers[row],
        from_final_demand=None if demand is None else demand[row],
    )


def _find_extension(mrio: Mrio, extension_name: str, full_name: str) -> Extension:
    if extension_name in mrio.extensions:
        return mrio.extensions[extension_name]
    matches = [ext for key, ext in mrio.extensions.items() if key.lower() == extension_name.lower()]
    if len(matches) != 1:
        available = preview(mrio.extensions) if mrio.extensions else "none"
        raise UnknownNameError(
            f"{full_name!r} does not name an extension of the MRIO (available extensions: "
            f"{available}). Give the name as extension/stressor, for example "
            f"{preview(stressor_names(mrio), 3) or 'emissions/CO2'}."
        )
    return matches[0]
