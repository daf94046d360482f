"""Effect measures for two arms: risk difference, relative risk, odds ratio, NNT/NNH and LHH.

:func:`compare_arms` takes the four numbers of a two-arm trial by name (no 2x2 table, so rows
and columns cannot be swapped) and returns a frozen :class:`ArmComparison`.

Methods (all documented choices, see the Notes of :func:`compare_arms`):

* risk difference: treated minus control, Newcombe hybrid score interval (statsmodels
  ``confint_proportions_2indep(method="newcomb")``);
* relative risk: Katz log interval; with a zero event count the Koopman (1984) score interval
  (statsmodels ``method="score"`` with ``correction=False``: its default correction makes it the
  Miettinen-Nurminen interval instead);
* odds ratio: sample odds ratio with the Woolf logit interval; with any zero cell the exact
  conditional interval that matches Fisher's test;
* NNT = 1 / risk difference with the Altman (1998) interval, rounded *up* to whole patients;
* p-value: two-sided Fisher exact test (scipy).

This module is arithmetic only: it reads no data file. Which arms of which trial are compared,
with which counts, and whether those counts are derived, is :mod:`jia_teach.evidence`; a
reported effect (for example the hazard ratio of canakinumab trial 2) is kept as reported there
(:class:`jia_teach.evidence.ReportedEffect`) and never recomputed from Kaplan-Meier percentages.

References
----------
Altman DG. Confidence intervals for the number needed to treat. BMJ 1998;317:1309-12.
Newcombe RG. Interval estimation for the difference between independent proportions:
comparison of eleven methods. Stat Med 1998;17:873-90.
Straus SE, Sackett DL. The likelihood of being helped or harmed (LHH). In: Evidence-based
medicine: how to practice and teach EBM.

One module per concept: :mod:`~jia_teach.effects.arms` (two arms compared),
:mod:`~jia_teach.effects.numbers_needed` (Altman's NNT), :mod:`~jia_teach.effects.lhh`
(helped or harmed), :mod:`~jia_teach.effects.pooling` (pooling trials: ``pool``, with
:mod:`~jia_teach.effects.tau2`, :mod:`~jia_teach.effects.pool_result` and
:mod:`~jia_teach.effects.pool_sequences`: leave-one-out and cumulative pooling), and
:mod:`~jia_teach.effects.twobytwo` (the four counts, checked once for every measure).

Examples
--------
>>> r = compare_arms(treated_events=64, treated_total=75, control_events=9, control_total=37)
>>> r.nnt_text
'NNT 2 (95% CI 2 to 3)'
"""

from jia_teach.effects._checks import DERIVED_TAG, MAX_COUNT
from jia_teach.effects.arms import ArmComparison, compare_arms, nnh, proportion_ci
from jia_teach.effects.lhh import LikelihoodHelpedHarmed, likelihood_helped_harmed
from jia_teach.effects.numbers_needed import number_needed, round_up
from jia_teach.effects.pool_sequences import PoolSequence, cumulative, leave_one_out
from jia_teach.effects.pooling import FewStudiesWarning, PoolConvergenceError, PoolResult, pool
from jia_teach.effects.twobytwo import TwoByTwo

__all__ = [
    "DERIVED_TAG",
    "MAX_COUNT",
    "ArmComparison",
    "FewStudiesWarning",
    "LikelihoodHelpedHarmed",
    "PoolConvergenceError",
    "PoolResult",
    "PoolSequence",
    "TwoByTwo",
    "compare_arms",
    "cumulative",
    "leave_one_out",
    "likelihood_helped_harmed",
    "nnh",
    "number_needed",
    "pool",
    "proportion_ci",
    "round_up",
]
