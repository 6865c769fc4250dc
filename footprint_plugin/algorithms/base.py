"""What every footprint algorithm shares: group, icon, help, parameter help text, the MRIO
parameters, and progress by named steps."""

from pathlib import Path

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..qgis_io.mrio_input import load_mrio
from ..qgis_io.outputs import FOLDER_DATASET, Outputs
from ..qgis_io.side_files import load_raster_inputs
from ..resources import ICON_PATH


class FootprintAlgorithm(QgsProcessingAlgorithm):
    """Base class: subclasses set NAME, DISPLAY_NAME, GROUP, TAGS, HELP (HTML, short) and STEPS
    (the names of their steps, in order, for progress: see :class:`Steps`)."""

    NAME = ""
    DISPLAY_NAME = ""
    GROUP = "Footprint accounts"
    TAGS = ""
    HELP = ""
    STEPS = ()

    def name(self):
        return self.NAME

    def displayName(self):
        return self.tr(self.DISPLAY_NAME)

    def group(self):
        return self.tr(self.GROUP)

    def groupId(self):
        return self.GROUP.lower().replace(" ", "")

    def tags(self):
        return [tag.strip() for tag in self.tr(self.TAGS).split(",") if tag.strip()]

    def shortHelpString(self):
        """The algorithm's help followed by every parameter's help text."""
        lines = [self.tr(self.HELP)]
        for parameter in self.parameterDefinitions():
            if parameter.help():
                lines.append(f"<p><b>{parameter.description()}</b>: {parameter.help()}</p>")
        return "\n".join(lines)

    def icon(self):
        return QIcon(str(ICON_PATH))

    def createInstance(self):
        return type(self)()

    def tr(self, text):
        return QCoreApplication.translate("FootprintAlgorithm", text)

    def checkParameterValues(self, parameters, context):
        """QGIS's checks, on raster inputs opened first without a GDAL .aux.xml beside them."""
        load_raster_inputs(self, parameters, context)
        return super().checkParameterValues(parameters, context)

    def prepareAlgorithm(self, parameters, context, feedback):
        """Raster inputs opened without a GDAL .aux.xml (for runs whose parameters were not
        checked first); parameterAsRasterLayer then finds them loaded."""
        load_raster_inputs(self, parameters, context)
        return super().prepareAlgorithm(parameters, context, feedback)

    def processAlgorithm(self, parameters, context, feedback):
        """Check every output first, run, then move the outputs into place together (see
        :class:`qgis_io.outputs.Outputs`): a failed run leaves none of its outputs."""
        with Outputs(self, parameters, context) as outputs:
            return self.process(parameters, context, feedback, outputs)

    def process(self, parameters, context, feedback, outputs):
        """The algorithm, writing its files where ``outputs`` says; returns the results."""
        raise NotImplementedError

    @staticmethod
    def write_report(outputs, key: str, page: str) -> str:
        """Write an HTML report to the output ``key``; a file that cannot be written is a user
        error."""
        try:
            Path(outputs.file(key)).write_text(page, encoding="utf-8")
        except OSError as error:
            raise QgsProcessingException(
                f"Cannot write the report {outputs.destination(key)}: "
                f"{error.strerror or error}. Choose a folder you can write to."
            ) from error
        return outputs.destination(key)

    def add_mrio_parameters(self):
        """MRIO (the table's files) and MRIO_FORMAT (their layout, detected by default)."""
        self.add_parameter(mrio_parameter("MRIO"), MRIO_HELP)
        self.add_parameter(
            QgsProcessingParameterEnum(
                "MRIO_FORMAT",
                "MRIO format",
                options=[label for label, _ in MRIO_FORMATS],
                defaultValue=0,
                optional=True,
            ),
            MRIO_FORMAT_HELP,
            advanced=True,
        )

    def load_mrio(self, parameters, context, feedback):
        """The MRIO of the MRIO parameter, in the layout MRIO_FORMAT names (or detected)."""
        choice = self.parameterAsEnum(parameters, "MRIO_FORMAT", context)
        layout = MRIO_FORMATS[choice][1] if 0 <= choice < len(MRIO_FORMATS) else None
        return load_mrio(self.parameterAsFile(parameters, "MRIO", context), feedback, layout)

    def add_parameter(
        self, parameter: QgsProcessingParameterDefinition, help_text: str, advanced: bool = False
    ):
        """Add a parameter with its help text (shown in the dialog and in qgis_process help)."""
        parameter.setHelp(self.tr(help_text))
        if advanced:
            parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(parameter)
        return parameter


MRIO_HELP = (
    "The multi-regional input-output table, as its publisher distributes it: the folder, the "
    ".zip as downloaded, or the main file in the folder. Read: EXIOBASE 3 (e.g. "
    "IOT_2022_ixi.zip or IOT_2022_pxp.zip), Eora26 (e.g. Eora26_2015_bp.zip, or "
    "Eora26_2015_bp_T.txt beside the labels_*.txt files), OECD ICIO (the year's CSV, e.g. "
    "ICIO2021_2018.csv or 2020_SML.csv, or its zip), GLORIA (the folder of a year's downloads, "
    "with GLORIA_ReadMe_059.xlsx, or its T-Results ... Markup001(full).csv), a folder saved by "
    "pymrio's save_all (file_parameters.json), or the plugin's CSV layout (producers.csv). The "
    "files are only read."
)
MRIO_FORMAT_HELP = (
    "The layout of the MRIO table's files. Leave it on Detect: the layout is recognised from the "
    "file names. Choose one when a folder holds the files of several layouts."
)
MRIO_FORMATS = (
    ("Detect from the files", None),
    ("pymrio save_all folder (file_parameters.json)", "pymrio"),
    ("CSV layout (producers.csv)", "csv"),
    ("EXIOBASE 3", "exiobase3"),
    ("Eora26", "eora26"),
    ("OECD ICIO", "oecd_icio"),
    ("GLORIA", "gloria"),
)
"""The MRIO_FORMAT choices in a fixed order (models store the index): new layouts go last."""


def mrio_parameter(name: str = "MRIO") -> QgsProcessingParameterFile:
    """A file parameter that accepts an MRIO's folder, its .zip or its main file."""
    parameter = QgsProcessingParameterFile(name, "MRIO table", QgsProcessingParameterFile.File)
    parameter.setFileFilter(
        "MRIO (file_parameters.json producers.csv *.zip *.txt *.csv *.xlsx);;All files (*)"
    )
    parameter.setMetadata({FOLDER_DATASET: True})  # no output may replace a file of its folder
    return parameter


def wanted(parameters, key) -> bool:
    """Whether an optional output was asked for (not skipped)."""
    return parameters.get(key) not in (None, "")


class Steps:
    """Progress of an algorithm by named steps, each an equal part of the progress bar.

    ``start(name)`` returns the feedback for that step, whose progress goes from 0 to 100; so
    the order of the steps is said once, in the names given here.
    """

    def __init__(self, feedback, names):
        self.names = tuple(names)
        self.feedback = QgsProcessingMultiStepFeedback(len(self.names), feedback)

    def start(self, name: str):
        self.feedback.setCurrentStep(self.names.index(name))
        return self.feedback
