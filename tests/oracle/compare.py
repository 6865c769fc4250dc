"""The comparison with pymrio that the oracle tests share: run its script, compare accounts.

pymrio cannot be imported on Debian's QGIS stack (it needs pandas >= 2.1), so ``pymrio_oracle.py``
runs it in ``.venv-oracle`` (or ``$FOOTPRINT_ORACLE_PYTHON``) and writes its accounts to an
.npz. Footprints per consumer region, per-producer totals and grand totals must agree to a
relative error of 1e-9; the producer-by-final-demand matrix to 1e-9 of its largest entry.
"""

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from footprint_plugin.engine.errors import label_text
from footprint_plugin.engine.mrio.attribution import attribute_emissions, driven_shares
from footprint_plugin.engine.mrio.results import footprint_by_consumer

ROOT = Path(__file__).resolve().parents[2]
ORACLE_SCRIPT = ROOT / "tests" / "oracle" / "pymrio_oracle.py"
ORACLE_PYTHON = Path(
    os.environ.get("FOOTPRINT_ORACLE_PYTHON", ROOT / ".venv-oracle" / "bin" / "python")
)
TOLERANCE = 1e-9


def run_oracle(*arguments):
    """Run the pymrio oracle script; fail (never skip) when its venv is missing."""
    if not ORACLE_PYTHON.exists():
        pytest.fail(
            f"The pymrio oracle python {ORACLE_PYTHON} does not exist: run make test to "
            "create .venv-oracle (or set FOOTPRINT_ORACLE_PYTHON to a python that has "
            "pymrio).",
            pytrace=False,
        )
    completed = subprocess.run(
        [str(ORACLE_PYTHON), str(ORACLE_SCRIPT), *map(str, arguments)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if completed.returncode != 0:
        pytest.fail(
            f"pymrio oracle failed ({ORACLE_PYTHON} {ORACLE_SCRIPT} "
            f"{' '.join(map(str, arguments))}):\n{completed.stderr[-4000:]}",
            pytrace=False,
        )


def relative_error(ours, theirs, scale=None):
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    scale = np.abs(theirs) if scale is None else scale
    with np.errstate(divide="ignore", invalid="ignore"):
        errors = np.where(ours == theirs, 0.0, np.abs(ours - theirs) / scale)
    return float(errors.max()) if errors.size else 0.0


def compare_with_pymrio(mrio, oracle):
    """Check every stressor of every extension against pymrio; return the worst errors."""
    assert [label_text(label) for label in mrio.producers] == oracle["producers"].tolist()
    assert [label_text(label) for label in mrio.final_demand_labels] == oracle[
        "final_demand_labels"
    ].tolist()
    shares = driven_shares(mrio)
    worst = {}
    for key, extension in mrio.extensions.items():
        regions = oracle[f"{key}__regions"].tolist()
        for k, stressor in enumerate(oracle[f"{key}__stressors"]):
            direct = None if extension.from_final_demand is None else extension.from_final_demand[k]
            result = attribute_emissions(shares, extension.from_producers[k], direct)
            table = footprint_by_consumer(result, "region").set_index("consumer_region")
            with_direct = footprint_by_consumer(result, "region", include_direct=True)
            with_direct = with_direct.set_index("consumer_region")
            cba_reg = oracle[f"{key}__D_cba_reg"][k]
            matrix = oracle[f"{key}__producer_by_consumer"][k]
            errors = {
                "footprint per consumer region, F_Y excluded": relative_error(
                    table.loc[regions, "footprint"], cba_reg - oracle[f"{key}__F_Y_reg"][k]
                ),
                "footprint per consumer region, F_Y included": relative_error(
                    with_direct.loc[regions, "footprint"], cba_reg
                ),
                "attributed emissions per producer (D_pba)": relative_error(
                    result.attributed.sum(axis=1), oracle[f"{key}__D_pba"][k]
                ),
                "grand total": relative_error(with_direct["footprint"].sum(), cba_reg.sum()),
                "producer x final-demand column matrix (vs its largest entry)": relative_error(
                    result.attributed, matrix, scale=np.abs(matrix).max()
                ),
            }
            for what, error in errors.items():
                assert error <= TOLERANCE, (
                    f"{key}/{stressor}: {what} differs from pymrio by {error:.3g} (relative)"
                )
            worst[f"{key}/{stressor}"] = max(errors.values())
            # pymrio silently drops emissions of zero-output producers; we account for them
            np.testing.assert_allclose(
                oracle[f"{key}__D_pba"][k] + result.unattributed,
                extension.from_producers[k],
                rtol=1e-9,
            )
    return worst
