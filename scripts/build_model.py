#!/usr/bin/env python3
"""Write footprint_plugin/models/footprint_study.model3, the graphical model of a whole study.

mapfootprint -> hotspots -> citytable -> nearfeatures -> report. Built with the PyQGIS model
API (so every link is checked against the real algorithms) rather than edited by hand; open the
result in the graphical modeler to change it. Run: .venv/bin/python scripts/build_model.py
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if "XDG_RUNTIME_DIR" not in os.environ:
    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="runtime-")  # mode 0700

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsProcessing,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterDistance,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QPointF  # noqa: E402

from footprint_plugin.algorithms.base import MRIO_HELP, mrio_parameter  # noqa: E402
from footprint_plugin.provider import FootprintProvider  # noqa: E402

MODEL_PATH = ROOT / "footprint_plugin" / "models" / "footprint_study.model3"


def parameter(name):
    return QgsProcessingModelChildParameterSource.fromModelParameter(name)


def output(child_id, name):
    return QgsProcessingModelChildParameterSource.fromChildOutput(child_id, name)


def static(value):
    return QgsProcessingModelChildParameterSource.fromStaticValue(value)


def add_inputs(model) -> dict:
    """Add the model's inputs, in dialog order; return their help texts by name."""
    vector = [QgsProcessing.TypeVectorAnyGeometry]
    polygons = [QgsProcessing.TypeVectorPolygon]
    definitions = [
        (
            QgsProcessingParameterFeatureSource("sources", "Emission sources", vector),
            "Facility points, or line and polygon sources, with an emission and a sector field.",
        ),
        (
            QgsProcessingParameterField(
                "emission_field",
                "Emission field",
                None,
                "sources",
                QgsProcessingParameterField.Numeric,
            ),
            "The emission of each source (e.g. t CO2).",
        ),
        (
            QgsProcessingParameterField("sector_field", "Sector field", None, "sources"),
            "The sector code of each source, in the inventory's classification.",
        ),
        (
            QgsProcessingParameterFeatureSource("regions", "Producing regions", polygons),
            "Polygons of the MRIO's producing regions (e.g. provinces).",
        ),
        (
            QgsProcessingParameterField("region_code_field", "Region code field", None, "regions"),
            "The field of the regions holding the MRIO region code.",
        ),
        (mrio_parameter("mrio"), MRIO_HELP),
        (
            QgsProcessingParameterFile(
                "concordance", "Sector concordance (CSV)", extension="csv", optional=True
            ),
            "inventory_sector, mrio_sector, weight.",
        ),
        (
            QgsProcessingParameterString("domestic_regions", "Domestic regions", optional=True),
            "MRIO region codes or patterns (e.g. CN-*) whose consumers count as domestic.",
        ),
        (
            QgsProcessingParameterNumber(
                "cell_size",
                "Cell size (m)",
                QgsProcessingParameterNumber.Double,
                10000.0,
                minValue=1.0,
            ),
            "The side of a grid cell on the equal-area grid.",
        ),
        (
            QgsProcessingParameterNumber(
                "level",
                "Hotspot level (%)",
                QgsProcessingParameterNumber.Double,
                75.0,
                minValue=0.0001,
                maxValue=100.0,
            ),
            "Find the smallest area holding this share of the foreign-driven footprint.",
        ),
        (
            QgsProcessingParameterFeatureSource("cities", "Cities", polygons),
            "City polygons for the per-city table.",
        ),
        (
            QgsProcessingParameterField("city_name_field", "City name field", "name", "cities"),
            "The field naming each city.",
        ),
        (
            QgsProcessingParameterFeatureSource(
                "infrastructure", "Infrastructure", [QgsProcessing.TypeVectorPoint]
            ),
            "Points such as ports: the footprint near each is reported.",
        ),
        (
            QgsProcessingParameterDistance(
                "distance", "Distance to infrastructure (m)", 50000.0, minValue=0.0
            ),
            "Radius around each infrastructure point.",
        ),
        (
            QgsProcessingParameterString("note", "Note on the data", optional=True),
            "Shown at the top of the report (e.g. that the inventory is synthetic).",
        ),
    ]
    for row, (definition, help_text) in enumerate(definitions):
        definition.setHelp(help_text)
        model.addModelParameter(
            definition, placed(QgsProcessingModelParameter(definition.name()), 0, row)
        )
    return {definition.name(): help_text for definition, help_text in definitions}


def placed(component, column, row):
    component.setPosition(QPointF(150 + 320 * column, 60 + 70 * row))
    return component


def child(model, child_id, algorithm_id, column, sources, outputs=()):
    """Add a child algorithm with its parameter sources and the outputs the model exposes."""
    step = QgsProcessingModelChildAlgorithm(algorithm_id)
    step.setChildId(child_id)
    step.setDescription(step.algorithm().displayName())
    for name, source in sources.items():
        step.addParameterSources(name, [source])
    for definition in step.algorithm().parameterDefinitions():  # as the modeler's dialog does
        if definition.name() not in sources and definition.defaultValue() is not None:
            step.addParameterSources(definition.name(), [static(definition.defaultValue())])
    exposed = {}
    for name, label in outputs:
        model_output = QgsProcessingModelOutput(label, label)
        model_output.setChildId(child_id)
        model_output.setChildOutputName(name)
        exposed[label] = placed(model_output, column + 0.5, 2)
    step.setModelOutputs(exposed)
    model.addChildAlgorithm(placed(step, column, 1))


def build() -> QgsProcessingModelAlgorithm:
    model = QgsProcessingModelAlgorithm("footprint_study", "Carbon footprint", "footprint")
    # the model's help (what the modeler's "Edit model help" holds): description and inputs
    model.setHelpContent(
        {
            "ALG_DESC": "The whole study: map the footprint of an emission inventory on an "
            "equal-area grid, find the hotspots of the foreign-driven footprint, sum it by city "
            "and near infrastructure, and write a report.",
            **add_inputs(model),
        }
    )
    child(
        model,
        "map",
        "footprint:mapfootprint",
        1,
        {
            "INPUT": parameter("sources"),
            "EMISSION_FIELD": parameter("emission_field"),
            "SECTOR_FIELD": parameter("sector_field"),
            "REGIONS": parameter("regions"),
            "REGION_CODE_FIELD": parameter("region_code_field"),
            "MRIO": parameter("mrio"),
            "CONCORDANCE": parameter("concordance"),
            "DOMESTIC_REGIONS": parameter("domestic_regions"),
            "CELL_SIZE": parameter("cell_size"),
            "BREAKDOWN": static(1),
        },
        [("OUTPUT", "Footprint map"), ("BALANCE", "Balance")],
    )
    child(
        model,
        "hotspots",
        "footprint:hotspots",
        2,
        {
            "INPUT": output("map", "OUTPUT"),
            "LEVEL": parameter("level"),
        },
        [("OUTPUT", "Hotspots")],
    )
    child(
        model,
        "cities",
        "footprint:citytable",
        3,
        {
            "INPUT": output("map", "OUTPUT"),
            "CITIES": parameter("cities"),
            "NAME_FIELD": parameter("city_name_field"),
        },
        [("OUTPUT", "Footprint by city")],
    )
    child(
        model,
        "near",
        "footprint:nearfeatures",
        4,
        {
            "INPUT": output("map", "OUTPUT"),
            "FEATURES": parameter("infrastructure"),
            "DISTANCE": parameter("distance"),
        },
        [("OUTPUT", "Footprint near infrastructure")],
    )
    child(
        model,
        "report",
        "footprint:report",
        5,
        {
            "FOOTPRINT": output("map", "OUTPUT"),
            "BALANCE": output("map", "BALANCE"),
            "CONSUMERS": output("map", "CONSUMERS"),
            "SOURCES": output("map", "OUTPUT_SOURCES"),
            "SECTOR_FIELD": parameter("sector_field"),
            "CURVE": output("hotspots", "CURVE"),
            "AREA_SHARE": output("hotspots", "AREA_SHARE"),
            "GINI": output("hotspots", "GINI"),
            "LEVEL": parameter("level"),
            "CITIES": output("cities", "OUTPUT_TABLE"),
            "NEAR": output("near", "UNION_TABLE"),
            "BOUNDARIES": parameter("regions"),
            "POINTS": parameter("infrastructure"),
            "NOTE": parameter("note"),
        },
        [("OUTPUT_HTML", "Report")],
    )
    return model


def main() -> None:
    application = QgsApplication([], False)
    application.initQgis()
    QgsApplication.processingRegistry().addProvider(provider := FootprintProvider())
    model = build()
    problems = [
        f"{child_id}: {', '.join(issues)}"
        for child_id in model.childAlgorithms()
        if not (result := model.validateChildAlgorithm(child_id))[0]
        for issues in [result[1]]
    ]
    if problems:
        raise SystemExit("The model does not validate:\n" + "\n".join(problems))
    MODEL_PATH.parent.mkdir(exist_ok=True)
    if not model.toFile(str(MODEL_PATH)):
        raise SystemExit(f"Cannot write {MODEL_PATH}")
    print(MODEL_PATH)
    del provider
    application.exitQgis()


if __name__ == "__main__":
    main()
