"""footprint:mrioaccounts: producer emissions attributed to the final demand that drives them."""

import numpy as np
import pandas as pd
from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
)

from ..engine.columns import CATEGORY, CONSUMER_REGION, DOMESTIC, FOOTPRINT, FOREIGN
from ..engine.mrio.aggregation import match_regions
from ..engine.mrio.attribution import attribute_emissions
from ..engine.mrio.csv_format import read_emissions_csv
from ..engine.mrio.results import attribution_table, footprint_by_consumer, unattributed_table
from ..engine.mrio.stressors import select_stressor, stressor_names, stressor_table
from ..qgis_io.errors import CANCELLED, engine_errors
from ..qgis_io.mrio_input import solve_driven_shares
from ..qgis_io.tables import write_table
from ..report import html as html_report
from .base import FootprintAlgorithm, Steps, wanted

BREAKDOWNS = (
    ("region", "Consumer region"),
    ("category", "Final-demand category"),
    ("both", "Consumer region × final-demand category"),
)
UNATTRIBUTED_LABEL = "UNATTRIBUTED"


class MrioAccounts(FootprintAlgorithm):
    NAME = "mrioaccounts"
    DISPLAY_NAME = "MRIO footprint accounts"
    STEPS = ("mrio", "shares", "tables")
    TAGS = "footprint,MRIO,input-output,consumption-based,Leontief,emissions,CO2,pymrio,EXIOBASE"
    HELP = (
        "<p>Attributes the emissions of every producing region-sector of an MRIO to the final "
        "consumers (region and final-demand category) whose demand drives them: "
        "D = diag(e)·S, where S = (I − A)<sup>−1</sup>·Y / x is the share of each producer's "
        "output driven by each final-demand column. (I − A) is factorized once; the Leontief "
        "inverse is never formed. For every producer the attributed emissions add up to its "
        "emissions; what cannot be attributed (zero output, negative or missing values) is "
        "reported as UNATTRIBUTED with its reason, never dropped.</p>"
    )

    MRIO = "MRIO"
    STRESSOR = "STRESSOR"
    EMISSIONS = "EMISSIONS"
    DOMESTIC_REGIONS = "DOMESTIC_REGIONS"
    BREAKDOWN = "BREAKDOWN"
    INCLUDE_DIRECT = "INCLUDE_DIRECT"
    OUTPUT = "OUTPUT"
    SUMMARY = "SUMMARY"
    OUTPUT_HTML = "OUTPUT_HTML"
    STRESSORS = "STRESSORS"
    TOTAL = "TOTAL"
    UNATTRIBUTED = "UNATTRIBUTED"
    DOMESTIC = "DOMESTIC"
    FOREIGN = "FOREIGN"

    def initAlgorithm(self, config=None):
        self.add_mrio_parameters()
        self.add_parameter(
            QgsProcessingParameterString(
                self.STRESSOR, "Stressor (extension/stressor)", optional=True
            ),
            "Which extension row holds the emissions, written extension/stressor, e.g. "
            "emissions/CO2. A stressor with several index levels may be named by its first "
            "level when that is unique. Leave empty when the MRIO has only one stressor or "
            "when an emissions CSV is given.",
        )
        self.add_parameter(
            QgsProcessingParameterFile(
                self.EMISSIONS, "Emissions by producer (CSV)", extension="csv", optional=True
            ),
            "Instead of a stressor: a CSV with columns region, sector, emissions giving the "
            "emissions of each producing region-sector (e.g. from a facility inventory).",
        )
        self.add_parameter(
            QgsProcessingParameterString(self.DOMESTIC_REGIONS, "Domestic regions", optional=True),
            "Comma-separated MRIO region codes or patterns (CN-* for every code starting with "
            "CN-) whose consumers count as domestic; all others are foreign. Leave empty to "
            "skip the domestic/foreign split.",
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.BREAKDOWN,
                "Summarize footprints by",
                options=[label for _, label in BREAKDOWNS],
                defaultValue=0,
            ),
            "The rows of the summary table: one per consumer region, per final-demand "
            "category, or per consumer region and category.",
        )
        self.add_parameter(
            QgsProcessingParameterBoolean(
                self.INCLUDE_DIRECT, "Include direct emissions of final demand", True
            ),
            "Add the emissions of final demand itself (F_Y: household heating, private cars) "
            "to the footprint of the consumer where they occur. They are always listed in the "
            "summary's direct column.",
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, "Attributed emissions", optional=True, createByDefault=True
            ),
            "One row per producing region, producing sector, consumer region and category "
            "with the emissions that consumer drives (zero rows left out). Emissions that "
            "cannot be attributed appear with consumer_region UNATTRIBUTED and the reason as "
            "category, so the table adds up to the producers' emissions. Large: millions of "
            "rows for EXIOBASE; skip it when the summary is enough.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(self.SUMMARY, "Footprint summary"),
            "One row per consumer region (or category, or both): attributed emissions, direct "
            "emissions, footprint and its share of the total.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(
                self.STRESSORS,
                "Stressors of the MRIO",
                optional=True,
                createByDefault=False,
            ),
            "One row per stressor the MRIO holds: the name to give as Stressor "
            "(extension/stressor), its unit, and its totals from producers and from final "
            "demand.",
        )
        self.add_parameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_HTML, "Report", "HTML files (*.html)", optional=True
            ),
            "A short HTML report: totals, the summary, the unattributed account, warnings.",
        )
        self.addOutput(QgsProcessingOutputNumber(self.TOTAL, "Total emissions"))
        self.addOutput(QgsProcessingOutputNumber(self.UNATTRIBUTED, "Unattributed emissions"))
        self.addOutput(QgsProcessingOutputNumber(self.DOMESTIC, "Domestic-driven emissions"))
        self.addOutput(QgsProcessingOutputNumber(self.FOREIGN, "Foreign-driven emissions"))

    def process(self, parameters, context, feedback, outputs):
        steps = Steps(feedback, self.STEPS)
        mrio = self.load_mrio(parameters, context, steps.start("mrio"))
        stressor = self.parameterAsString(parameters, self.STRESSOR, context).strip()
        emissions_csv = self.parameterAsFile(parameters, self.EMISSIONS, context)
        domestic_patterns = self.parameterAsString(parameters, self.DOMESTIC_REGIONS, context)
        grouping, grouping_label = BREAKDOWNS[
            self.parameterAsEnum(parameters, self.BREAKDOWN, context)
        ]
        include_direct = self.parameterAsBool(parameters, self.INCLUDE_DIRECT, context)

        with engine_errors():
            emissions, direct, source = self._emissions(mrio, stressor, emissions_csv, feedback)
            feedback.pushInfo(f"Emissions: {source}")
            consumers = mrio.final_demand_labels.get_level_values("region")
            domestic = match_regions(consumers, domestic_patterns) if domestic_patterns else None
            steps.start("shares")
            shares = solve_driven_shares(mrio, feedback)
            attribution = attribute_emissions(shares, emissions, direct)
            summary = footprint_by_consumer(attribution, grouping, include_direct)
        unattributed = unattributed_table(attribution)
        for row in unattributed.itertuples(index=False):
            feedback.pushWarning(
                f"Unattributed: {row.emissions:.6g} of {row.producing_region}/"
                f"{row.producing_sector}: {row.reason}"
            )
        if feedback.isCanceled():
            raise QgsProcessingException("Cancelled before any output was written.")

        unknown = int((~np.isfinite(attribution.emissions)).sum())
        if unknown:
            feedback.pushWarning(
                f"{unknown} producer(s) have missing or infinite emissions: their amounts are "
                "unknown, so TOTAL and UNATTRIBUTED leave them out. Fix the emission values."
            )
        direct_total = float(attribution.direct.sum()) if include_direct else 0.0
        finite = np.isfinite(attribution.unattributed)
        known = attribution.emissions[np.isfinite(attribution.emissions)]
        totals = {
            self.TOTAL: float(known.sum()) + direct_total,
            self.UNATTRIBUTED: float(attribution.unattributed[finite].sum()),
            self.DOMESTIC: None,
            self.FOREIGN: None,
        }
        if domestic is not None:
            driven = attribution.attributed.sum(axis=0)
            if include_direct:
                driven = driven + attribution.direct
            totals[self.DOMESTIC] = float(driven[domestic].sum())
            totals[self.FOREIGN] = float(driven[~domestic].sum())
            if grouping != "category":
                summary.insert(
                    1,
                    "consumer_type",
                    np.where(
                        summary[CONSUMER_REGION].isin(set(consumers[domestic])),
                        DOMESTIC,
                        FOREIGN,
                    ),
                )

        tables = steps.start("tables")
        results = dict(totals)
        if wanted(parameters, self.OUTPUT):
            accounts = pd.concat(
                [
                    attribution_table(attribution),
                    unattributed.rename(columns={"reason": CATEGORY}).assign(
                        consumer_region=UNATTRIBUTED_LABEL
                    ),
                ],
                ignore_index=True,
            )
            results[self.OUTPUT] = write_table(outputs, self.OUTPUT, accounts, tables)
        results[self.SUMMARY] = write_table(outputs, self.SUMMARY, summary, tables)
        if wanted(parameters, self.STRESSORS):
            results[self.STRESSORS] = write_table(
                outputs, self.STRESSORS, stressor_table(mrio), tables
            )
        if feedback.isCanceled():
            raise QgsProcessingException(CANCELLED)
        if wanted(parameters, self.OUTPUT_HTML):
            results[self.OUTPUT_HTML] = self.write_report(
                outputs,
                self.OUTPUT_HTML,
                self._report(mrio, source, grouping_label, totals, summary, unattributed),
            )
        return results

    @staticmethod
    def _emissions(mrio, stressor, emissions_csv, feedback):
        """Producer emissions e, direct emissions F_Y (or None) and a description of both."""
        if emissions_csv:
            if stressor:
                raise QgsProcessingException(
                    "Give either a STRESSOR or an EMISSIONS CSV, not both."
                )
            return read_emissions_csv(emissions_csv, mrio.producers), None, emissions_csv
        if not stressor:
            names = stressor_names(mrio)
            if len(names) != 1:
                feedback.pushInfo("Stressors of this MRIO:\n" + "\n".join(names))
                raise QgsProcessingException(
                    "Say which stressor holds the emissions (STRESSOR, written "
                    f"extension/stressor). This MRIO has: {', '.join(names[:10]) or 'none'}"
                    f"{' … (all listed in the log)' if len(names) > 10 else ''}. Or give an "
                    "EMISSIONS CSV."
                )
            stressor = names[0]
        account = select_stressor(mrio, stressor)
        return (
            account.from_producers,
            account.from_final_demand,
            (f"{account.name} [{account.unit}]"),
        )

    def _report(self, mrio, source, grouping_label, totals, summary, unattributed):
        facts = pd.DataFrame(
            {
                "": [
                    "MRIO",
                    "Emissions",
                    "Total",
                    "Unattributed",
                    "Domestic-driven",
                    "Foreign-driven",
                ],
                "value": [
                    mrio.name or "",
                    source,
                    html_report.number(totals[self.TOTAL]),
                    html_report.number(totals[self.UNATTRIBUTED]),
                    ""
                    if totals[self.DOMESTIC] is None
                    else html_report.number(totals[self.DOMESTIC]),
                    ""
                    if totals[self.FOREIGN] is None
                    else html_report.number(totals[self.FOREIGN]),
                ],
            }
        )
        sections = [
            ("Totals", html_report.table(facts)),
            (
                f"Footprint by {grouping_label.lower()}",
                html_report.table(summary.sort_values(FOOTPRINT, ascending=False)),
            ),
            (
                "Unattributed emissions",
                html_report.table(unattributed)
                if len(unattributed)
                else html_report.paragraph("None: every tonne was attributed."),
            ),
        ]
        if mrio.warnings:
            sections.append(
                ("Warnings", "".join(html_report.paragraph(w, "warning") for w in mrio.warnings))
            )
        return html_report.page("MRIO footprint accounts", sections)
