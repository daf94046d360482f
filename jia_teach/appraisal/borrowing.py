"""Which comparison an *informed* prior borrows from, by default, and why.

(The priors themselves are in :mod:`jia_teach.appraisal.priors`.)

An informed (power) prior borrows another trial's children, down-weighted. Borrowing is
defensible only from evidence about the same kind of question, so the default is chosen by a
stated rule rather than fixed (it used to be TENDER's ACR90 for every comparison, so the
anakinra ACR30 re-analysis borrowed from tocilizumab ACR90: another drug class and another end
point). Among the other trials' placebo-controlled comparisons with counts, prefer in turn:

1. the nearest response level (30, 50, 70, 90 or 100 % improvement, whatever the fever
   rule): response rates fall steeply with the level, so borrowing across levels would move
   the prior more than anything else;
2. the same mechanism: IL-1 blockade (anakinra, canakinumab, rilonacept) or IL-6 blockade
   (tocilizumab) (``data/drug_targets.csv``, :func:`jia_teach.evidence.drug_targets`);
3. a response definition with a fever or systemic rule when the comparison has one (and one
   without when it has none);
4. the nearest time point (days; a month counted as 30.44 days);
5. the larger trial, then the comparison's order in the data (so the choice is reproducible).

When the comparison chosen is of another mechanism (as for canakinumab's ACR90, which no IL-1
trial here reports), the sentence from :func:`informed_default_reason` says so. Decision
recorded in ``book/decisions.md`` (2026-12-04).

Examples
--------
>>> pairs = [("TENDER", "acr90", "week 12", "tocilizumab", 112),
...          ("canakinumab-1", "adapted_acr30", "day 15", "canakinumab", 84),
...          ("canakinumab-1", "adapted_acr30", "day 29", "canakinumab", 84),
...          ("ANAJIS", "acr30", "month 1", "anakinra", 24)]
>>> informed_default(("ANAJIS", "acr30", "month 1"), pairs)
('canakinumab-1', 'adapted_acr30', 'day 29')
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from jia_teach.evidence.pooling_sets import drug_targets

__all__ = ["informed_default", "informed_default_reason", "level", "timepoint_days"]

_UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": 30.44}
_FEVER_RULE = ("adapted_", "modified_", "_no_fever")

Pair = tuple[str, str, str, str, int]  # trial, endpoint, timepoint, treated arm, patients


def level(endpoint: str) -> int | None:
    """The response level of an end point code (``adapted_acr30`` -> 30), else None.

    >>> level("modified_acr50"), level("acr30_no_fever_crp15"), level("flare")
    (50, 30, None)
    """
    m = re.search(r"acr(\d+)", endpoint)
    return int(m.group(1)) if m else None


def timepoint_days(timepoint: str) -> float | None:
    """``"day 29"`` -> 29, ``"week 4"`` -> 28, ``"month 1"`` -> 30.44; else None.

    >>> timepoint_days("week 12"), timepoint_days("randomized withdrawal")
    (84.0, None)
    """
    m = re.fullmatch(r"(day|week|month) (\d+(?:\.\d+)?)", timepoint.strip())
    return float(m.group(2)) * _UNIT_DAYS[m.group(1)] if m else None


def _fever(endpoint: str) -> bool:
    return any(tag in endpoint for tag in _FEVER_RULE)


def _rank(key: tuple[str, str, str], drug: str, cand: Pair, classes: dict[str, str]) -> tuple:
    _trial, endpoint, timepoint = key
    _c_trial, c_end, c_time, c_drug, c_n = cand
    days, c_days = timepoint_days(timepoint), timepoint_days(c_time)
    gap = abs(days - c_days) if days is not None and c_days is not None else float("inf")
    return (
        abs((level(c_end) or 0) - (level(endpoint) or 0)),
        classes.get(c_drug) != classes.get(drug),
        _fever(c_end) != _fever(endpoint),
        gap,
        -c_n,
    )


def informed_default(key: tuple[str, str, str], pairs: Sequence[Pair]) -> tuple[str, str, str]:
    """The comparison an informed prior for ``key`` borrows from by default (rules above).

    ``pairs`` lists every comparison with counts as ``(trial, endpoint, timepoint, treated
    arm, patients)``; ``key`` must be one of them. Only *other* trials are candidates.
    """
    by_key = {p[:3]: p for p in pairs}
    if key not in by_key:
        raise KeyError(f"no comparison with counts for {key}")
    drug = by_key[key][3]
    candidates = [p for p in pairs if p[0] != key[0] and level(p[1]) is not None]
    if not candidates:
        candidates = [p for p in pairs if p[0] != key[0]]
    if not candidates:
        raise KeyError(f"no other trial to borrow from for {key}")
    classes = drug_targets()
    best = min(candidates, key=lambda p: _rank(key, drug, p, classes))
    return best[:3]


def informed_default_reason(key: tuple[str, str, str], pairs: Sequence[Pair]) -> str:
    """One sentence: what the default informed prior borrows and how it differs.

    >>> pairs = [("TENDER", "acr90", "week 12", "tocilizumab", 112),
    ...          ("canakinumab-1", "adapted_acr90", "month 1", "canakinumab", 84)]
    >>> key = ("canakinumab-1", "adapted_acr90", "month 1")
    >>> print(informed_default_reason(key, pairs))  # doctest: +NORMALIZE_WHITESPACE
    borrows TENDER acr90, week 12: another mechanism (IL-6, not IL-1), the same response level;
    no trial of the same mechanism has counts for this question
    """
    chosen = informed_default(key, pairs)
    by_key = {p[:3]: p for p in pairs}
    drug, c_drug = by_key[key][3], by_key[chosen][3]
    classes = drug_targets()
    same_class = classes.get(drug) == classes.get(c_drug)
    parts = [
        "the same mechanism"
        if same_class
        else f"another mechanism ({classes.get(c_drug)}, not {classes.get(drug)})",
        "the same response level"
        if level(chosen[1]) == level(key[1])
        else "another response level",
    ]
    text = f"borrows {chosen[0]} {chosen[1]}, {chosen[2]}: " + ", ".join(parts)
    if not same_class:
        text += "; no trial of the same mechanism has counts for this question"
    return text
