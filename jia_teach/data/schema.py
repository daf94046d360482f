"""The schema of every file under ``data/``: its columns, their kinds and allowed values.

A schema is a tuple of columns (:class:`Column`): its kind (text, code, identifier, count,
number, percent, source ids), whether it is required, the allowed codes or range. The codes come
from :mod:`jia_teach.data.labels`, so a code without a label cannot enter ``data/``. Reading a file
against its schema (cells, then the rules that span a row) is :mod:`jia_teach.data.validate`;
loading and caching is :mod:`jia_teach.data`.

Examples
--------
>>> [c.name for c in SCHEMAS["trial_outcomes.csv"]][:4]
['trial', 'arm', 'endpoint', 'timepoint']
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from jia_teach.data.labels import ARM_LABELS, ENDPOINT_LABELS, EVENT_LABELS, TRIAL_LABELS
from jia_teach.rules.coreset import CORE_VARIABLES, MARKERS

__all__ = [
    "DRUG_TARGETS",
    "DTYPES",
    "FILES",
    "FIT_PARAMETERS",
    "GRADE_DOMAINS",
    "GRADE_UPGRADES",
    "NIH_ANSWERS",
    "OUR_APPRAISAL",
    "ROB_DOMAINS",
    "ROB_JUDGEMENTS",
    "SCHEMAS",
    "SIMULATION_SETTINGS",
    "STATUSES",
    "Column",
]

#: Allowed values of every ``status`` column.
STATUSES: tuple[str, ...] = ("reported", "derived", "unconfirmed")

_AE_UNITS = (
    "patients",
    "events",
    "percent_of_patients",
    "events_per_patient_year",
    "events_per_100_patient_years",
)
_PHASES = ("randomized", "open_label")
_STATISTICS = ("mean", "median", "percent")
_MEASURES = ("hazard_ratio", "weighted_difference", "p_value", "rate_difference")
_VERDICTS = ("consistent", "mislabelled", "not_directly_comparable", "unverified")
_QUALIFIERS = ("<", ">", "<=", ">=")
_FIT_KINDS = ("parameter", "target", "check")
#: What a drug blocks (``drug_targets.csv``): the two classes of the review.
DRUG_TARGETS: tuple[str, ...] = ("IL-1", "IL-6")


# --------------------------------------------------------------------------------------------
# schema
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    """One column of a data file: its kind, whether it is required, its allowed values."""

    name: str
    kind: str  # text | code | id | count | number | percent | sources
    required: bool = True
    allowed: Collection[str] | None = None  # a Mapping of labels is read when checked
    multi: bool = False  # several codes separated by ";"
    minimum: float | None = 0.0
    maximum: float | None = None


def _t(name: str, required: bool = False) -> Column:
    return Column(name, "text", required=required)


def _c(name: str, allowed: tuple[str, ...] | Mapping[str, str], multi: bool = False) -> Column:
    kept = allowed if isinstance(allowed, Mapping) else tuple(allowed)
    return Column(name, "code", allowed=kept, multi=multi)


_SOURCE = Column("source_id", "sources")
_STATUS = _c("status", STATUSES)
#: The last columns of every file of reported figures: status, citation, note, source ids.
_PROVENANCE = (_STATUS, _t("source", required=True), _t("note"), _SOURCE)

SCHEMAS: dict[str, tuple[Column, ...]] = {
    "sources.csv": (
        Column("source_id", "id"),
        _t("citation", required=True),
        _t("doi"),
        _t("pmid"),
        _t("registry"),
        _t("note"),
    ),
    "trial_designs.csv": (
        _c("trial", TRIAL_LABELS),
        _c("arm", ARM_LABELS),
        _c("phase", _PHASES),
        Column("n", "count", minimum=1),
        _t("dose"),
        _t("route"),
        _t("schedule"),
        _t("population", required=True),
        _t("timepoints"),
        _STATUS,
        _SOURCE,
        _t("source", required=True),
        _t("note"),
    ),
    "trial_outcomes.csv": (
        _c("trial", TRIAL_LABELS),
        _c("arm", ARM_LABELS),
        _c("endpoint", ENDPOINT_LABELS),
        _t("timepoint", required=True),
        Column("events", "count", required=False),
        Column("total", "count", required=False, minimum=1),
        Column("percent", "percent", required=False, maximum=100),
        *_PROVENANCE,
    ),
    "baseline.csv": (
        _c("trial", TRIAL_LABELS),
        _t("population", required=True),
        Column("n", "count", required=False, minimum=1),
        _t("variable", required=True),
        _c("statistic", _STATISTICS),
        Column("value", "number"),
        Column("sd", "number", required=False),
        _t("unit", required=True),
        *_PROVENANCE,
    ),
    "adverse_events.csv": (
        _c("trial", TRIAL_LABELS),
        _c("arm", ARM_LABELS),
        _t("phase", required=True),
        _c("event", EVENT_LABELS),
        Column("value", "number"),
        _c("unit", _AE_UNITS),
        Column("total", "count", required=False, minimum=1),
        *_PROVENANCE,
    ),
    "reported_effects.csv": (
        Column("effect_id", "id"),
        _c("trial", TRIAL_LABELS),
        _c("endpoint", ENDPOINT_LABELS),
        _t("timepoint", required=True),
        _c("measure", _MEASURES),
        _t("comparison", required=True),
        Column("qualifier", "code", required=False, allowed=_QUALIFIERS),
        Column("estimate", "number", minimum=None),
        Column("ci_low", "number", required=False, minimum=None),
        Column("ci_high", "number", required=False, minimum=None),
        Column("confidence", "number", required=False, minimum=0, maximum=1),
        _t("unit", required=True),
        *_PROVENANCE,
    ),
    "drug_targets.csv": (
        _c("drug", ARM_LABELS),
        _c("target", DRUG_TARGETS),
        *_PROVENANCE,
    ),
    "source_claims.csv": (
        Column("claim_id", "id"),
        Column("claim_source_id", "sources"),
        _t("claim", required=True),
        _c("trial", TRIAL_LABELS, multi=True),
        _t("timepoint", required=True),
        _c("claimed_endpoint", ENDPOINT_LABELS),
        Column("claimed_qualifier", "code", required=False, allowed=_QUALIFIERS),
        Column("claimed_value", "number", required=False),
        _t("unit"),
        Column("trial_value", "number", required=False),
        Column("trial_value_source_id", "sources"),
        Column("value_belongs_to", "code", False, tuple(ENDPOINT_LABELS), multi=True),
        _c("verdict", _VERDICTS),
        _t("explanation", required=True),
    ),
    # The simulated-cohort fit (jia_teach.simulation.calibration writes it,
    # jia_teach.simulation.cohort reads it).
    "cohort_fit.csv": (
        _c("kind", _FIT_KINDS),
        _c("trial", TRIAL_LABELS),
        _c("arm", ARM_LABELS),
        _t("name", required=True),
        Column("value", "number", required=False, minimum=None),
        _t("timepoint"),
        Column("target", "number", required=False, maximum=1),
        Column("achieved", "number", required=False, maximum=1),
        Column("residual_pp", "number", required=False, minimum=None),
        Column("weight", "number", required=False),
        _t("status", required=True),
        Column("source_id", "sources", required=False),
        _t("source"),
        _t("fit_date", required=True),
        Column("n_per_arm", "count", minimum=1),
        Column("seed", "count"),
    ),
}

# Trials held for appraisal and comparison (ANAJIS): the columns of trial_outcomes.csv, kept in
# their own file so the TENDER/canakinumab views do not draw them by default.
SCHEMAS["appraisal_outcomes.csv"] = SCHEMAS["trial_outcomes.csv"]

DTYPES = {
    "text": "string",
    "code": "string",
    "id": "string",
    "sources": "string",
    "count": "Int64",
    "number": "Float64",
    "percent": "Float64",
}


#: Parameters of the simulated-cohort model and the range each may take.
FIT_PARAMETERS: Mapping[str, tuple[float, float]] = {
    "responder_share": (0.0, 1.0),
    "responder_mean": (-10.0, 10.0),
    "responder_sd": (1e-6, 10.0),
    "nonresponder_mean": (-10.0, 10.0),
    "nonresponder_sd": (1e-6, 10.0),
    "noise_sd": (1e-6, 10.0),
    "fever_intercept": (-100.0, 100.0),
    "fever_slope": (-100.0, 100.0),
}


# --------------------------------------------------------------------------------------------
# appraisal files (issue 13: risk of bias, GRADE, published appraisals): their columns and
# codes; their row and file rules are in jia_teach.data.rows. Every judgement in these files is
# *our appraisal, argued from the published design*, and the files say so in their own column.
# --------------------------------------------------------------------------------------------
#: The label every worked judgement carries (the only allowed value of ``appraisal``).
OUR_APPRAISAL = "our appraisal, argued from the published design"
ROB_DOMAINS: tuple[str, ...] = (
    "randomization",
    "deviations",
    "missing_data",
    "measurement",
    "selection",
)
ROB_JUDGEMENTS: tuple[str, ...] = ("low", "some_concerns", "high", "not_applicable")
GRADE_DOMAINS: tuple[str, ...] = (
    "risk_of_bias",
    "inconsistency",
    "indirectness",
    "publication_bias",
    "large_effect",
    "dose_response",
    "residual_confounding",
)
#: GRADE domains that can only raise certainty (the others can only lower it).
GRADE_UPGRADES: tuple[str, ...] = ("large_effect", "dose_response", "residual_confounding")
_GRADE_KINDS = ("outcome", "harm", "hazard_ratio", "rate_difference")
#: Answers of the NIH case-series tool: yes, no, cannot determine, not reported, not applicable.
NIH_ANSWERS: tuple[str, ...] = ("yes", "no", "CD", "NR", "NA")

SCHEMAS.update(
    {
        "risk_of_bias.csv": (
            _c("trial", TRIAL_LABELS),
            Column("outcome", "id"),
            _t("outcome_label", required=True),
            _c("domain", ROB_DOMAINS),
            _c("judgement", ROB_JUDGEMENTS),
            _t("facts", required=True),
            _t("why", required=True),
            _SOURCE,
            _t("source", required=True),
            _c("appraisal", (OUR_APPRAISAL,)),
        ),
        "single_arm_appraisals.csv": (
            _t("study", required=True),
            Column("question", "count", minimum=1, maximum=9),
            _c("answer", NIH_ANSWERS),
            _t("facts", required=True),
            _SOURCE,
            _t("source", required=True),
            _c("appraisal", (OUR_APPRAISAL,)),
        ),
        "published_appraisals.csv": (
            Column("appraisal_id", "id"),
            _SOURCE,
            _c("trials", TRIAL_LABELS, multi=True),
            _t("question", required=True),
            _t("rating", required=True),
            _t("reasons", required=True),
            _t("what_we_read", required=True),
            _t("compared_with_ours", required=True),
        ),
        "grade_outcomes.csv": (
            Column("outcome_id", "id"),
            _t("label", required=True),
            _t("question", required=True),
            _c("trial", TRIAL_LABELS),
            _c("kind", _GRADE_KINDS),
            _t("endpoint", required=True),
            _t("timepoint", required=True),
            _t("effect_id"),
            _t("rob_outcome"),
            _c("design", ("randomized", "non_randomized")),
            _c("importance", ("critical", "important")),
            _c("important_change", ("increase", "decrease")),
            Column("mid", "number", minimum=0),
            _t("mid_unit", required=True),
            _t("mid_reason", required=True),
            _SOURCE,
            _t("source", required=True),
            _t("note"),
        ),
        "grade_judgements.csv": (
            Column("outcome_id", "id"),
            _c("domain", GRADE_DOMAINS),
            Column("change", "number", minimum=-2, maximum=2),
            _t("reason", required=True),
            _SOURCE,
            _t("source", required=True),
            _c("appraisal", (OUR_APPRAISAL,)),
        ),
    }
)


# --------------------------------------------------------------------------------------------
# the simulated cohorts (jia_teach.simulation): which trials can be simulated and how, the
# numbers their baselines need beyond baseline.csv, and the published rates the fit aims at.
# These files hold modelling choices; every number in them is `reported` (with its source) or
# an `assumption` (its note says ASSUMPTION and why), never a figure read as trial data.
# --------------------------------------------------------------------------------------------
#: Settings of a simulated baseline variable: a log-normal marker's ``median`` and ``log_sd``,
#: an inclusion limit the marker is drawn ``above``, a joint count's smallest value
#: (``at_least``).
SIMULATION_SETTINGS: tuple[str, ...] = ("median", "log_sd", "above", "at_least")


def _optional_code(name: str, allowed: Mapping[str, str]) -> Column:
    return Column(name, "code", required=False, allowed=allowed)


SCHEMAS.update(
    {
        "simulation_trials.csv": (
            _c("trial", TRIAL_LABELS),
            Column("seed_code", "count", minimum=1),
            _c("marker", MARKERS),
            _c("treated_arm", ARM_LABELS),
            _c("control_arm", ARM_LABELS),
            _t("timepoint", required=True),
            _c("baseline_trial", TRIAL_LABELS),
            _c("baseline_from", ("means", "medians")),
            _optional_code("shapes_from", TRIAL_LABELS),
            _c("fit", ("full", "shift")),
            _optional_code("borrow_from", TRIAL_LABELS),
            _t("note", required=True),
        ),
        "simulation_baseline.csv": (
            _c("trial", TRIAL_LABELS),
            _c("variable", (*CORE_VARIABLES, *MARKERS)),
            _c("setting", SIMULATION_SETTINGS),
            Column("value", "number"),
            _t("unit", required=True),
            _c("status", ("reported", "assumption")),
            Column("source_id", "sources", required=False),
            _t("source"),
            _t("note", required=True),
        ),
        "simulation_targets.csv": (
            _c("trial", TRIAL_LABELS),
            _c("endpoint", ENDPOINT_LABELS),
            _t("timepoint", required=True),
            Column("weight", "number", maximum=1),
            _t("why", required=True),
            _t("note"),
        ),
    }
)


#: Every file the schema knows, in the order they are loaded (``sources.csv`` first).
FILES: tuple[str, ...] = tuple(SCHEMAS)
