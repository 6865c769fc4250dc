"""The whole mapping pipeline, without QGIS: sources -> producers -> shares -> bands -> grid.

Expected values are derived independently, source by source in plain Python loops over the
definition F[g, b] = sum of E_i * (S @ G)[p(i), b], on a synthetic MRIO.
"""

import numpy as np
import pytest

from footprint_plugin.engine.mapping.bands import domestic_regions, footprint_bands
from footprint_plugin.engine.mapping.concordance import Concordance, identity_concordance
from footprint_plugin.engine.mapping.grid import GridSpec
from footprint_plugin.engine.mapping.pipeline import NothingToMapError, map_footprint
from footprint_plugin.engine.mapping.sources import NO_REGION, Sources, regions_from_field
from footprint_plugin.engine.mrio.attribution import driven_shares
from footprint_plugin.engine.reasons import Reason
from tests.synthetic import random_mrio

CRS = 'LOCAL_CS["metres"]'
GRID = GridSpec(CRS, x_min=0.0, y_max=8_000.0, cell_size=1_000.0, n_cols=10, n_rows=8)
MRIO = random_mrio(4, 3, n_categories=2, seed=11, zero_output_producers=1)
SHARES = driven_shares(MRIO)
REGIONS = ["R00", "R01", "R02", "R03"]
SECTORS = ["S000", "S001", "S002"]
# inventory code "mix" is split 30/70 over two MRIO sectors; the others are MRIO sectors
CONCORDANCE = Concordance(
    np.array(["mix", "mix", *SECTORS], dtype=object),
    np.array(["S000", "S001", *SECTORS], dtype=object),
    np.array([0.3, 0.7, 1.0, 1.0, 1.0]),
)


def random_sources(n: int, seed: int) -> Sources:
    """n point sources on and around the grid, in random regions and sectors, one part each."""
    rng = np.random.default_rng(seed)
    return Sources(
        source_id=np.arange(100, 100 + n),
        emission=list(rng.gamma(0.5, 1000.0, n)),
        sector=list(rng.choice(["mix", *SECTORS], n)),
        part_source=np.arange(n),
        part_fraction=np.ones(n),
        part_x=rng.uniform(-500.0, 10_500.0, n),  # a few just off the grid
        part_y=rng.uniform(-500.0, 8_500.0, n),
        part_region=rng.integers(0, 4, n),
        region_codes=REGIONS,
        part_located=np.ones(n, dtype=bool),
    )


def expected_map(sources: Sources, bands) -> tuple[np.ndarray, float, dict]:
    """Bands by cell, computed source by source; the unattributed amount by reason."""
    shares_by_band = SHARES.share @ bands.matrix
    producer = {label: p for p, label in enumerate(SHARES.producers)}
    weights = {}
    for code, sector, weight in zip(
        CONCORDANCE.inventory_sector, CONCORDANCE.mrio_sector, CONCORDANCE.weight
    ):
        weights.setdefault(code, []).append((sector, weight))
    grid = np.zeros((GRID.n_rows, GRID.n_cols, bands.matrix.shape[1]))
    unattributed = {}
    for i in range(sources.n_sources):
        emission = sources.emission[i]
        x, y = sources.part_x[i], sources.part_y[i]
        col = int(np.floor((x - GRID.x_min) / GRID.cell_size))
        row = int(np.floor((GRID.y_max - y) / GRID.cell_size))
        region = sources.region_codes[sources.part_region[i]]
        for sector, weight in weights[sources.sector[i]]:
            p = producer[(region, sector)]
            amount = emission * weight
            if not (0 <= row < GRID.n_rows and 0 <= col < GRID.n_cols):
                unattributed[Reason.OUTSIDE_EXTENT] = (
                    unattributed.get(Reason.OUTSIDE_EXTENT, 0) + amount
                )
            elif SHARES.zero_output[p]:
                unattributed[Reason.ZERO_OUTPUT] = unattributed.get(Reason.ZERO_OUTPUT, 0) + amount
            else:
                grid[row, col] += amount * shares_by_band[p]
    return grid, sum(sources.emission), unattributed


def dense(footprint) -> np.ndarray:
    """The footprint's occupied cells as a dense float64 (rows, cols, bands) array."""
    values = np.zeros((GRID.cell_count, footprint.n_bands))
    values[footprint.occupied_cells] = footprint.occupied_values
    return values.reshape(GRID.n_rows, GRID.n_cols, -1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_cell_and_band_equals_the_sum_over_its_sources(seed):
    sources = random_sources(400, seed)
    bands = footprint_bands(MRIO.final_demand_labels, ["R00"])
    result = map_footprint(sources, SHARES, CONCORDANCE, bands, GRID)

    expected, inventory, unattributed = expected_map(sources, bands)
    np.testing.assert_allclose(dense(result.footprint), expected, rtol=1e-12, atol=1e-9)
    balance = result.balance().set_index("item")["amount"]
    assert balance["all sources"] == pytest.approx(inventory, rel=1e-14)
    for reason in (Reason.OUTSIDE_EXTENT, Reason.ZERO_OUTPUT):
        assert balance[reason.name.lower()] == pytest.approx(unattributed.get(reason, 0.0))
    assert unattributed[Reason.OUTSIDE_EXTENT] > 0 and unattributed[Reason.ZERO_OUTPUT] > 0


def test_nothing_is_created_or_lost():
    sources = random_sources(300, 4)
    bands = footprint_bands(MRIO.final_demand_labels, ["R00", "R01"])
    result = map_footprint(sources, SHARES, CONCORDANCE, bands, GRID)
    balance = result.balance()
    unattributed = balance.loc[balance["account"] == "unattributed", "amount"].sum()
    total, domestic, foreign = result.footprint.band_totals[:3]
    assert total + unattributed == pytest.approx(sum(sources.emission), rel=1e-13)
    assert domestic + foreign == pytest.approx(total, rel=1e-13)
    np.testing.assert_allclose(
        result.footprint.band_totals[3:].sum(), foreign, rtol=1e-13
    )  # the foreign consumer bands add up to the foreign band
    consumers = result.by_consumer(by_category=True)
    assert consumers["footprint"].sum() == pytest.approx(total, rel=1e-13)
    accounts = result.source_accounts()
    np.testing.assert_allclose(
        accounts["attributed"] + accounts["unattributed"], sources.emission, rtol=1e-12
    )


def test_each_reason_is_reported_with_the_sources_it_concerns():
    sources = Sources(
        source_id=np.array([7, 8, 9, 10, 11, 12]),
        emission=[5.0, None, 3.0, 2.0, 4.0, 6.0],
        sector=["S000", "S000", "", "steel", "S000", "S000"],
        part_source=np.arange(6),
        part_fraction=np.ones(6),
        part_x=np.array([500.0, 500.0, 500.0, 500.0, 500.0, np.nan]),
        part_y=np.array([500.0] * 6),
        part_region=np.array([0, 0, 0, 0, NO_REGION, 0]),
        region_codes=["R00"],
        part_located=np.array([True, True, True, True, True, False]),
    )
    bands = footprint_bands(MRIO.final_demand_labels, ["R00"])
    result = map_footprint(sources, SHARES, identity_concordance(SECTORS), bands, GRID)
    reason_of_source = dict(zip(result.rows.source.tolist(), result.rows.reason.tolist()))
    assert reason_of_source == {
        0: Reason.ATTRIBUTED,
        1: Reason.INVALID_EMISSION,
        2: Reason.NO_SECTOR,
        3: Reason.UNKNOWN_SECTOR,
        4: Reason.NO_REGION,
        5: Reason.NO_GEOMETRY,
    }
    assert result.footprint.band_totals[0] == pytest.approx(5.0)
    text = " ".join(result.unattributed_messages)
    for part in ("ids '8' (1 null", "codes 'steel' to", "ids '11' lie outside", "ids '12' a geo"):
        assert part in text


def test_regions_from_a_field_and_domestic_regions_from_the_territory():
    part_region, codes = regions_from_field(["R01 ", None, "R02", "R01"], np.array([0, 0, 1, 2, 3]))
    assert codes == ["R01", "R02"] and part_region.tolist() == [0, 0, NO_REGION, 1, 0]
    assert domestic_regions(MRIO.final_demand_labels, "", ["R02", "XX"]) == ["R02"]
    assert domestic_regions(MRIO.final_demand_labels, "R0*", []) == REGIONS


def test_nothing_to_map_is_an_error_that_says_why():
    sources = random_sources(5, 5)
    nowhere = Sources(**{**vars(sources), "part_region": np.full(5, NO_REGION)})
    bands = footprint_bands(MRIO.final_demand_labels, ["R00"])
    with pytest.raises(NothingToMapError, match=r"No emission could be attributed.*outside every"):
        map_footprint(nowhere, SHARES, CONCORDANCE, bands, GRID)
    empty = Sources(**{**vars(sources), "source_id": np.arange(0)})
    with pytest.raises(NothingToMapError, match="There are no emission sources"):
        map_footprint(empty, SHARES, CONCORDANCE, bands, GRID)
