"""Loading the MRIO of an algorithm, with the user told what was read and repaired."""

from ..engine.mrio.model import Mrio
from ..engine.mrio.readers import read_mrio
from .errors import engine_errors


def load_mrio(path: str, feedback) -> Mrio:
    """Read and validate the MRIO, logging its size and any repairs as warnings."""
    feedback.pushInfo(f"Reading the MRIO from {path}")
    with engine_errors():
        mrio = read_mrio(path)
    for warning in mrio.warnings:
        feedback.pushWarning(warning)
    feedback.pushInfo(
        f"MRIO {mrio.name or ''}: {len(mrio.producers)} producing region-sectors, "
        f"{len(mrio.final_demand_labels)} final-demand columns"
    )
    return mrio
