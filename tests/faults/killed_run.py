"""Run footprint:mapfootprint and SIGKILL this process at a chosen point, for the fault tests.

Usage: killed_run.py PARAMETERS_JSON KILL_AT_PERCENT [GLOB]. The process kills itself at the
first progress report of at least KILL_AT_PERCENT (with GLOB: once a file matches it), as a
power cut or an out-of-memory kill would: no exception handler, no clean-up runs.
"""

import glob
import json
import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
os.environ["FOOTPRINT_MRIO_CACHE"] = "off"  # a bare QgsApplication's profile is the user's own
sys.path[:0] = [str(ROOT), "/usr/share/qgis/python/plugins"]

from qgis.core import QgsApplication, QgsProcessingFeedback  # noqa: E402

application = QgsApplication([], False)
application.initQgis()

from processing.core.Processing import Processing  # noqa: E402

from footprint_plugin.provider import FootprintProvider  # noqa: E402

Processing.initialize()
provider = FootprintProvider()
QgsApplication.processingRegistry().addProvider(provider)
import processing  # noqa: E402

parameters, kill_at = json.loads(sys.argv[1]), float(sys.argv[2])
pattern = sys.argv[3] if len(sys.argv) > 3 else ""


def kill_when_due(progress):
    if progress >= kill_at and (not pattern or glob.glob(pattern)):
        os.kill(os.getpid(), signal.SIGKILL)


feedback = QgsProcessingFeedback()
feedback.progressChanged.connect(kill_when_due)
processing.run("footprint:mapfootprint", parameters, feedback=feedback)
