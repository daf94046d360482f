"""The evidence layer: which arms of which trial can be compared, with which counts, and why not.

Between the data files (:mod:`jia_teach.data`) and the views, this module answers, once, the
questions every view used to answer for itself:

* which treated-vs-control pairs exist for a trial, end point and time point (or adverse
  event and phase), with their figures as the sources give them;
* whether the counts behind a pair are reported or derived (reconstructed from a percentage
  and N), so that every result computed from them is tagged;
* why a comparison is impossible when it is (an UNCONFIRMED figure, one group only, a
  Kaplan-Meier estimate, no denominator, counts of events rather than of patients, a rate per
  patient-year, a pooled figure);
* the effect estimates the sources report themselves (hazard ratios, weighted differences),
  never recomputed;
* the published per-arm rate of a response definition, for the simulated cohorts.

Views (widgets, figures, notebooks, slides) ask here and format the answer. This module
does no arithmetic: the effect measures are :mod:`jia_teach.effects` (which reads no data),
and :mod:`jia_teach.evidence.trial_effects` puts the two together (``compare(trial, endpoint,
timepoint)``).

Examples
--------
>>> p = pair("TENDER", "acr30_no_fever", "week 12")
>>> p.treated.text(), p.control.text(), p.derived
('64/75 (85%)', '9/37 (24%)', False)
>>> p.comparable, p.arm_counts()["treated_events"]
(True, 64)
>>> print(pair("canakinumab-2", "flare", "randomized withdrawal").why_not)  # doctest: +ELLIPSIS
Kaplan-Meier estimates, shown as reported: ...
"""

from jia_teach.evidence.arm_figures import ArmFigure
from jia_teach.evidence.baseline import baseline_records
from jia_teach.evidence.pairs import (
    ArmPair,
    appraisal_pairs,
    arm_size,
    benefit_pairs,
    citations,
    harm_pair,
    harm_pairs,
    outcome_pairs,
    pair,
    primary_timepoint,
)
from jia_teach.evidence.pooling_sets import PoolingRow, drug_targets, pool_args, response_set
from jia_teach.evidence.rates import PublishedRate, published_rate
from jia_teach.evidence.reasons import REASONS
from jia_teach.evidence.reported import ReportedEffect, reported_effect, reported_effects
from jia_teach.evidence.rows import row, rows

__all__ = [
    "REASONS",
    "ArmFigure",
    "ArmPair",
    "PoolingRow",
    "PublishedRate",
    "ReportedEffect",
    "appraisal_pairs",
    "arm_size",
    "baseline_records",
    "benefit_pairs",
    "citations",
    "drug_targets",
    "harm_pair",
    "harm_pairs",
    "outcome_pairs",
    "pair",
    "pool_args",
    "primary_timepoint",
    "published_rate",
    "reported_effect",
    "reported_effects",
    "response_set",
    "row",
    "rows",
]
