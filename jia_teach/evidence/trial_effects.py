"""The effect measures of the published trials: evidence pairs through the effects arithmetic.

:mod:`jia_teach.evidence` says which arms are compared, with which counts, and why not;
:mod:`jia_teach.effects` does the arithmetic and reads no data. This small module joins them,
so that a view asks one function for "TENDER, ACR30 + no fever, week 12" and every screen gets
the same :class:`~jia_teach.effects.ArmComparison` (computed once per pair and confidence).

Examples
--------
>>> compare("TENDER", "acr30_no_fever", "week 12").nnt_text
'NNT 2 (95% CI 2 to 3)'
>>> compare("TENDER", "acr90", "week 12").nnt_text
'NNT 4 (95% CI 3 to 7) (from derived counts)'
"""

from __future__ import annotations

from functools import lru_cache

from jia_teach import evidence
from jia_teach.effects import ArmComparison, compare_arms
from jia_teach.effects import number_needed as _number_needed
from jia_teach.evidence import ArmPair

__all__ = ["compare", "compare_pair", "harm_effect", "number_needed"]


@lru_cache(maxsize=512)
def compare_pair(pair: ArmPair, confidence: float = 0.95) -> ArmComparison:
    """:func:`jia_teach.effects.compare_arms` of a pair's treated vs control arm.

    Raises
    ------
    jia_teach.rules.errors.InvalidValueError
        With the pair's ``why_not`` when no comparison is possible.

    Examples
    --------
    >>> p = evidence.pair("canakinumab-1", "adapted_acr30", "day 15")
    >>> round(compare_pair(p).risk_difference, 3)
    0.74
    """
    return compare_arms(**pair.arm_counts(), confidence=confidence)


def compare(
    trial: str,
    endpoint: str,
    timepoint: str,
    *,
    confidence: float = 0.95,
) -> ArmComparison:
    """The comparison of a trial's treated arm vs its control for one end point and time.

    Its ``label`` names the trial, end point and time point and says when counts are derived;
    then ``derived_counts`` is True and every printed interval, number needed and p-value is
    tagged " (from derived counts)".

    Raises
    ------
    jia_teach.rules.errors.InvalidValueError
        When the pair does not exist or cannot be compared (e.g. Kaplan-Meier percentages: use
        :func:`jia_teach.evidence.reported_effect` for the hazard ratio).

    Examples
    --------
    >>> compare("canakinumab-1", "adapted_acr30", "day 15").label
    'canakinumab-1, adapted_acr30, day 15: canakinumab 36/43 vs placebo 4/41'
    """
    return compare_pair(evidence.pair(trial, endpoint, timepoint), confidence)


def number_needed(pair: ArmPair) -> float:
    """The pair's number needed (NNT for a benefit, NNH for a harm), unrounded and signed.

    From the counts when the pair has them, else from the two percentages (no interval exists
    then). Positive means the measure is more frequent on treatment.

    Raises
    ------
    jia_teach.rules.errors.InvalidValueError
        With the pair's ``why_no_point`` when not even a point estimate exists.

    Examples
    --------
    >>> p = evidence.harm_pair("TENDER", "infusion_reaction_during", "12-week double-blind")
    >>> number_needed(p)  # from the label's 4% vs 0%: no counts, no interval
    25.0
    """
    if pair.comparable:
        return compare_pair(pair).nnt
    return _number_needed(*pair.risks())


def harm_effect(pair: ArmPair, confidence: float = 0.95) -> ArmComparison | float:
    """A harm as the views show it: its comparison (counts) or its bare NNH (percentages only).

    Examples
    --------
    >>> p = evidence.harm_pair("TENDER", "neutrophils_below_1e9_per_l", "12-week double-blind")
    >>> harm_effect(p).nnt_text
    'NNH 15 (95% CI NNH 7 to infinity to NNTB 29) (from derived counts)'
    """
    return compare_pair(pair, confidence) if pair.comparable else number_needed(pair)
