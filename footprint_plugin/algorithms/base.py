"""What every footprint algorithm shares: group, icon, help, and parameter help text."""

from pathlib import Path

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterDefinition,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..resources import ICON_PATH


class FootprintAlgorithm(QgsProcessingAlgorithm):
    """Base class: subclasses set NAME, DISPLAY_NAME, GROUP, TAGS and HELP (HTML, short)."""

    NAME = ""
    DISPLAY_NAME = ""
    GROUP = "Footprint accounts"
    TAGS = ""
    HELP = ""

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

    def write_report(self, path: str, page: str) -> str:
        """Write an HTML report to ``path``; a file that cannot be written is a user error."""
        try:
            Path(path).write_text(page, encoding="utf-8")
        except OSError as error:
            raise QgsProcessingException(
                f"Cannot write the report {path}: {error.strerror or error}. Choose a folder "
                "you can write to."
            ) from error
        return path

    def add_parameter(
        self, parameter: QgsProcessingParameterDefinition, help_text: str, advanced: bool = False
    ):
        """Add a parameter with its help text (shown in the dialog and in qgis_process help)."""
        parameter.setHelp(self.tr(help_text))
        if advanced:
            parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(parameter)
        return parameter
