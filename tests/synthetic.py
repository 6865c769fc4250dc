"""Random MRIOs with the block structure of real ones, for tests and benchmarks.

Domestic blocks of Z are dense-ish and large, trade blocks sparse and small; final demand is
mostly domestic; every column of A sums to well below 1 (value added share 30-60%), so (I - A)
is well conditioned. Reproducible from a seed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from footprint_plugin.engine.mrio.model import Extension, Mrio, build_mrio

CATEGORIES = (
    "Households",
    "NPISH",
    "Government",
    "Fixed capital",
    "Inventories",
    "Valuables",
    "Other",
)


def random_mrio(
    n_regions: int,
    n_sectors: int,
    n_categories: int = 7,
    seed: int = 0,
    domestic_density: float = 0.6,
    trade_density: float = 0.1,
    zero_output_producers: int = 0,
    regions: Sequence[str] | None = None,
) -> Mrio:
    """Draw a random MRIO with an ``emissions`` extension (CO2 and CH4, with household F_Y).

    Parameters
    ----------
    n_regions, n_sectors, n_categories
        Sizes: n = n_regions * n_sectors producers, m = n_regions * n_categories columns.
    seed
        Seed of numpy's default generator.
    domestic_density, trade_density
        Share of non-zero entries in domestic and in trade blocks of Z and Y.
    zero_output_producers
        How many producers (the last sector of the first regions) get no output and no inputs
        but keep emissions, to exercise the unattributed account.
    regions
        Region codes (default ``R00``, ``R01``, ...).
    """
    rng = np.random.default_rng(seed)
    regions = list(regions) if regions is not None else [f"R{r:02d}" for r in range(n_regions)]
    sectors = [f"S{s:03d}" for s in range(n_sectors)]
    categories = [CATEGORIES[k] if k < len(CATEGORIES) else f"C{k}" for k in range(n_categories)]
    n = n_regions * n_sectors
    region_of = np.repeat(np.arange(n_regions), n_sectors)
    domestic = region_of[:, None] == region_of[None, :]

    flows = _block_values(rng, domestic, domestic_density, trade_density)
    demand_region = np.repeat(np.arange(n_regions), n_categories)
    demand_domestic = region_of[:, None] == demand_region[None, :]
    demand_weights = _block_values(rng, demand_domestic, domestic_density, trade_density)
    demand_weights *= np.tile(0.5 ** np.arange(n_categories), n_regions)[None, :]
    empty = np.flatnonzero(demand_weights.sum(axis=1) == 0)
    demand_weights[empty, region_of[empty] * n_categories] = 1.0

    zero = np.arange(min(zero_output_producers, n_regions)) * n_sectors + n_sectors - 1
    flows[zero, :] = 0.0
    flows[:, zero] = 0.0
    # Choose final demand so that A's column sums are 1 - (value added share).
    inputs, sales = flows.sum(axis=0), flows.sum(axis=1)
    target_output = inputs / (1.0 - rng.uniform(0.3, 0.6, n)) + rng.uniform(1.0, 10.0, n)
    demand_total = np.maximum(target_output - sales, 0.05 * sales + 1.0)
    demand_total[zero] = 0.0
    final_demand = demand_weights * (demand_total / demand_weights.sum(axis=1))[:, None]

    output = sales + demand_total
    intensity = rng.lognormal(0.0, 1.0, (2, n)) * np.array([[1.0], [0.01]])
    from_producers = intensity * output
    from_producers[:, zero] = rng.uniform(1.0, 5.0, (2, zero.size))
    households = np.tile(np.arange(n_categories) == 0, n_regions)
    from_final_demand = np.zeros((2, n_regions * n_categories))
    from_final_demand[:, households] = rng.uniform(0.05, 0.2, (2, n_regions)) * final_demand[
        :, households
    ].sum(axis=0)
    emissions = Extension(
        name="emissions",
        stressors=pd.Index(["CO2", "CH4"], name="stressor"),
        from_producers=from_producers,
        from_final_demand=from_final_demand,
        units=("kt", "kt"),
    )
    return build_mrio(
        producers=[(r, s) for r in regions for s in sectors],
        final_demand_labels=[(r, c) for r in regions for c in categories],
        intermediate_flows=flows,
        final_demand=final_demand,
        unit="M EUR",
        extensions=[emissions],
        name=f"random MRIO (seed {seed})",
    )


def _block_values(
    rng: np.random.Generator, domestic: np.ndarray, domestic_density: float, trade_density: float
) -> np.ndarray:
    """Lognormal values, large and frequent in domestic blocks, small and rare in trade."""
    density = np.where(domestic, domestic_density, trade_density)
    values = rng.lognormal(0.0, 1.5, domestic.shape)
    values *= rng.random(domestic.shape) < density
    values *= np.where(domestic, 10.0, 1.0)
    return values
