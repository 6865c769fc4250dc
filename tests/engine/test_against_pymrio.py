"""Oracle tests: the engine against pymrio (the reference library), on the same files.

pymrio cannot be imported here (it needs pandas >= 2.1), so ``tests/oracle/pymrio_oracle.py``
runs it in ``.venv-oracle`` (or ``$FOOTPRINT_ORACLE_PYTHON``) and writes its accounts to an
.npz. Footprints per consumer region, per-producer totals and grand totals must agree to a
relative error of 1e-9; the producer-by-final-demand matrix to 1e-9 of its largest entry.
"""

import numpy as np
import pytest

from footprint_plugin.engine.mrio.attribution import attribute_emissions, driven_shares
from footprint_plugin.engine.mrio.pymrio_format import read_pymrio
from tests.oracle.compare import ROOT, compare_with_pymrio, run_oracle


@pytest.fixture(scope="module")
def pymrio_test_mrio(tmp_path_factory):
    """pymrio's own test MRIO (tests/data/test_mrio) and pymrio's accounts for it."""
    out = tmp_path_factory.mktemp("oracle") / "test_mrio.npz"
    run_oracle("compute", ROOT / "tests" / "data" / "test_mrio", out)
    return read_pymrio(ROOT / "tests" / "data" / "test_mrio"), dict(np.load(out))


@pytest.fixture(scope="module")
def random_mrio_case(tmp_path_factory):
    """A random 6-region, 300-producer MRIO saved by pymrio (folder and zip) and its accounts."""
    folder = tmp_path_factory.mktemp("random")
    run_oracle(
        "random",
        folder,
        "--seed",
        2024,
        "--regions",
        6,
        "--sectors",
        50,
        "--categories",
        5,
        "--zip",
    )
    from_folder = read_pymrio(folder / "mrio")
    from_zip = read_pymrio(folder / "mrio.zip")
    np.testing.assert_array_equal(from_zip.intermediate_flows, from_folder.intermediate_flows)
    return from_zip, dict(np.load(folder / "pymrio.npz"))


def test_pymrio_test_mrio_matches_pymrio(pymrio_test_mrio):
    mrio, oracle = pymrio_test_mrio
    worst = compare_with_pymrio(mrio, oracle)
    assert set(worst) == {
        "emissions/emission_type1/air",
        "emissions/emission_type2/water",
        "factor_inputs/Value Added",
    }


def test_random_mrio_matches_pymrio(random_mrio_case):
    mrio, oracle = random_mrio_case
    assert mrio.intermediate_flows.shape == (300, 300) and mrio.final_demand.shape == (300, 30)
    assert mrio.zero_output.sum() == 2
    worst = compare_with_pymrio(mrio, oracle)
    assert set(worst) == {"emissions/CO2", "emissions/CH4"}


def test_pymrio_drops_what_we_report_as_unattributed(random_mrio_case):
    mrio, oracle = random_mrio_case
    result = attribute_emissions(
        driven_shares(mrio), mrio.extensions["emissions"].from_producers[0]
    )
    zero = mrio.zero_output
    assert (oracle["emissions__D_pba"][0][zero] == 0).all()
    assert (result.unattributed[zero] > 0).all()
