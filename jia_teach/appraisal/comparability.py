"""Whether two trials' results can be set side by side, and one trial under several definitions.

* :func:`why_not_comparable` - every difference the data show between two drug-vs-placebo
  comparisons (end point, marker, time point, population, regimen, placebo response), each a
  :class:`~jia_teach.appraisal.indirect.Caveat`;
* :func:`indirect_from_data` - Bucher's indirect comparison with those caveats beside it;
* :func:`definition_table` - one trial's comparisons under every end-point definition it
  reports, with the reported p, Fisher's p and the fragility index (ANAJIS).

Counts come from :mod:`jia_teach.appraisal.counts`.

Examples
--------
>>> from jia_teach.appraisal.counts import arm_counts
>>> tender = arm_counts("TENDER", "acr30_no_fever", "week 12")
>>> len(why_not_comparable(tender, arm_counts("canakinumab-1", "adapted_acr30", "day 15")))
6
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jia_teach import evidence
from jia_teach.appraisal.counts import ArmCounts, count_pairs
from jia_teach.data.labels import endpoint_label

if TYPE_CHECKING:
    from jia_teach.appraisal.indirect import Caveat, IndirectComparison

__all__ = ["definition_table", "indirect_from_data", "why_not_comparable"]


def _marker(note: str | None) -> str:
    return "CRP (in place of ESR)" if note and "CRP in place of ESR" in note else "ESR"


def why_not_comparable(a: ArmCounts, b: ArmCounts) -> tuple[Caveat, ...]:
    """Every reason, found in the data, that A-vs-placebo and B-vs-placebo do not transfer.

    Bucher's indirect comparison assumes each drug would have had the same relative effect
    in the other trial. Differences in effect modifiers break that: the end point, the
    inflammation marker, the time point, the entry criteria, the regimen and the placebo
    response. Each difference the data show becomes a :class:`~jia_teach.appraisal.indirect.Caveat`.

    Parameters
    ----------
    a, b : ArmCounts
        The two comparisons (e.g. TENDER primary and canakinumab trial 1 primary).

    Returns
    -------
    tuple of Caveat

    Examples
    --------
    >>> from jia_teach.appraisal.counts import arm_counts
    >>> tender = arm_counts("TENDER", "acr30_no_fever", "week 12")
    >>> can1 = arm_counts("canakinumab-1", "adapted_acr30", "day 15")
    >>> [c.aspect for c in why_not_comparable(tender, can1)]
    ['end point', 'inflammation marker', 'time point', 'population', 'regimen', 'placebo response']
    """

    from jia_teach.appraisal.indirect import Caveat
    from jia_teach.data.labels import ENDPOINT_LABELS
    from jia_teach.evidence.appraisal_rows import design_of, outcome_note

    def note(c: ArmCounts) -> str | None:
        return outcome_note(c.trial, c.endpoint, c.timepoint, c.treated_arm)

    def design(c: ArmCounts) -> dict[str, str]:
        return design_of(c.trial, c.treated_arm)

    da, db = design(a), design(b)
    out: list[Caveat] = []
    if a.endpoint != b.endpoint:
        out.append(
            Caveat(
                "end point",
                ENDPOINT_LABELS.get(a.endpoint, a.endpoint),
                ENDPOINT_LABELS.get(b.endpoint, b.endpoint),
                "Different response rules count different children as responders, so a "
                "relative effect on one need not hold on the other.",
            )
        )
    ma, mb = _marker(note(a)), _marker(note(b))
    if ma != mb:
        out.append(
            Caveat(
                "inflammation marker",
                ma,
                mb,
                "The marker is one of the six core-set items, and cytokine blockade lowers CRP "
                "and ESR directly, so the same change in disease can score differently.",
            )
        )
    if a.timepoint != b.timepoint:
        out.append(
            Caveat(
                "time point",
                a.timepoint,
                b.timepoint,
                "Response was counted after different lengths of treatment; an effect at one "
                "time need not equal the effect at another.",
            )
        )
    if da.get("population") and db.get("population") and da["population"] != db["population"]:
        out.append(
            Caveat(
                "population",
                da["population"],
                db["population"],
                "Different entry criteria select different children, and the relative effect "
                "may differ between them (effect modification).",
            )
        )
    if da.get("regimen") and db.get("regimen") and da["regimen"] != db["regimen"]:
        out.append(
            Caveat(
                "regimen",
                da["regimen"],
                db["regimen"],
                "Different doses, routes and numbers of doses are different exposures.",
            )
        )
    ra, rb = a.control_events / a.control_total, b.control_events / b.control_total
    if a.control_events * b.control_total != b.control_events * a.control_total:
        out.append(
            Caveat(
                "placebo response",
                f"{a.control_events}/{a.control_total} ({100 * ra:.0f}%)",
                f"{b.control_events}/{b.control_total} ({100 * rb:.0f}%)",
                "The common comparator is not common: placebo children responded at different "
                "rates, a sign of different children, rules or times; on the risk-difference "
                "scale Bucher also assumes equal placebo risks.",
            )
        )
    return tuple(out)


def indirect_from_data(
    a: ArmCounts,
    b: ArmCounts,
    *,
    measure: str = "odds_ratio",
) -> IndirectComparison:
    """Bucher's comparison of A vs B with the reasons, from the data, that it is not valid.

    Examples
    --------
    >>> from jia_teach.appraisal.counts import arm_counts
    >>> r = indirect_from_data(arm_counts("TENDER", "acr30_no_fever", "week 12"),
    ...                        arm_counts("canakinumab-1", "adapted_acr30", "day 15"))
    >>> r.text
    'Indirect odds ratio, tocilizumab (TENDER) vs canakinumab (canakinumab-1): 0.38 (95% CI 0.07 to 1.96)'
    >>> r.valid
    False
    """  # noqa: E501
    from jia_teach.appraisal.indirect import bucher

    return bucher(
        a.as_tuple(),
        b.as_tuple(),
        measure=measure,
        labels=(f"{a.treated_arm} ({a.trial})", f"{b.treated_arm} ({b.trial})"),
        caveats=why_not_comparable(a, b),
    )


def definition_table(trial: str, timepoint: str, *, alpha: float = 0.05) -> Any:
    """One trial's comparisons at one time point under every end-point definition it reports.

    For each definition: the counts, the p-value as the source reports it (and its test, from
    the note), Fisher's exact p, and the fragility (or reverse fragility) index. For ANAJIS,
    whose Table 2 scores the same children under four primary end-point definitions.

    Returns
    -------
    pandas.DataFrame
        Columns ``definition``, ``counts``, ``reported p``, ``Fisher p``, ``significant
        (Fisher)``, ``index``, ``kind``; text.

    Examples
    --------
    >>> t = definition_table("ANAJIS", "month 1")
    >>> t.loc[t["definition"] == "JIA ACR30", ["reported p", "Fisher p", "kind"]].values.tolist()
    [['0.059', '0.155', 'reverse']]
    """
    import pandas as pd

    from jia_teach.appraisal.fragility import fragility_index

    reported = {
        (e.endpoint, e.timepoint): e
        for e in evidence.reported_effects()
        if e.trial == trial and e.measure == "p_value"
    }
    rows = []
    for c in count_pairs():
        if c.trial != trial or c.timepoint != timepoint:
            continue
        r = fragility_index(**c.as_kwargs(), alpha=alpha)
        rep = reported.get((c.endpoint, c.timepoint))
        rep_text = "not reported" if rep is None else f"{rep.qualifier or ''}{rep.estimate:g}"
        rows.append(
            {
                "definition": endpoint_label(c.endpoint),
                "counts": c.counts_text,
                "reported p": rep_text,
                "Fisher p": "< 0.001" if r.p_value < 0.001 else f"{r.p_value:.3f}",
                "significant (Fisher)": "yes" if r.significant else "no",
                "index": "none" if r.index is None else str(r.index),
                "kind": r.kind,
            }
        )
    return pd.DataFrame(rows).astype("string")
