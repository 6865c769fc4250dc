"""The MRIO parameter shared by the algorithms, and loading it with the user told what happened."""

from qgis.core import QgsProcessingParameterFile

from ..engine.mrio.model import Mrio
from ..engine.mrio.readers import read_mrio
from .errors import engine_errors

MRIO_HELP = (
    "The multi-regional input-output table: a folder saved in pymrio's text format (as "
    "EXIOBASE 3 is distributed; choose its file_parameters.json), a .zip of such a folder, or "
    "a folder in the plugin's CSV layout (producers.csv, flows.csv, final_demand.csv). The files "
    "are only read."
)


def mrio_parameter(name: str = "MRIO") -> QgsProcessingParameterFile:
    """A file parameter that accepts a pymrio folder's file_parameters.json or a .zip."""
    parameter = QgsProcessingParameterFile(name, "MRIO table", QgsProcessingParameterFile.File)
    parameter.setFileFilter(
        "pymrio MRIO (file_parameters.json *.zip);;CSV MRIO (producers.csv);;All files (*)"
    )
    return parameter


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
