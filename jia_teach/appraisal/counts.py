"""The one place the appraisal tools read trial counts (active arm vs placebo) and designs.

Every other appraisal module takes counts as arguments. Views and notebooks get their counts
here, so that switching to the evidence layer (``jia_teach.evidence``: ``pair(trial, endpoint,
timepoint)``) changes this module only.

Examples
--------
>>> c = arm_counts("TENDER", "acr30_no_fever", "week 12")
>>> c.treated_events, c.treated_total, c.control_events, c.control_total
(64, 75, 9, 37)
>>> c.label
'TENDER (tocilizumab), JIA ACR30 + no fever (TENDER primary), week 12'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jia_teach.errors import InvalidValueError

if TYPE_CHECKING:
    from jia_teach.appraisal.indirect import Caveat, IndirectComparison
    from jia_teach.effects import ArmComparison

__all__ = [
    "ArmCounts",
    "PercentPair",
    "arm_counts",
    "count_pairs",
    "harm_percentages",
    "indirect_from_data",
    "why_not_comparable",
]

_NOT_ACTIVE = ("placebo", "all", "escape")


@dataclass(frozen=True)
class ArmCounts:
    """Events and totals of a trial's active arm and its placebo arm, with provenance.

    Attributes
    ----------
    trial, endpoint, timepoint : str
        Codes as in ``data/trial_outcomes.csv``.
    treated_arm : str
        The active arm's code (``tocilizumab``, ``canakinumab``, ...).
    treated_events, treated_total, control_events, control_total : int
    derived : bool
        True when either arm's count was derived from a reported percentage.
    source : str
        The sources of the two rows.
    """

    trial: str
    endpoint: str
    timepoint: str
    treated_arm: str
    treated_events: int
    treated_total: int
    control_events: int
    control_total: int
    derived: bool
    source: str

    @property
    def key(self) -> tuple[str, str, str]:
        """``(trial, endpoint, timepoint)``."""
        return (self.trial, self.endpoint, self.timepoint)

    @property
    def label(self) -> str:
        """Trial, end point and time point in words (``(derived counts)`` when derived)."""
        from jia_teach.data import ENDPOINT_LABELS, TRIAL_LABELS

        text = (
            f"{TRIAL_LABELS.get(self.trial, self.trial)}, "
            f"{ENDPOINT_LABELS.get(self.endpoint, self.endpoint)}, {self.timepoint}"
        )
        return text + (" (derived counts)" if self.derived else "")

    @property
    def counts_text(self) -> str:
        """E.g. ``'tocilizumab 64/75 vs placebo 9/37'``."""
        return (
            f"{self.treated_arm} {self.treated_events}/{self.treated_total} vs placebo "
            f"{self.control_events}/{self.control_total}"
        )

    def as_tuple(self) -> tuple[int, int, int, int]:
        """``(treated_events, treated_total, control_events, control_total)``."""
        return (self.treated_events, self.treated_total, self.control_events, self.control_total)

    def as_kwargs(self) -> dict[str, int]:
        """The four counts as keyword arguments of the appraisal functions."""
        return {
            "treated_events": self.treated_events,
            "treated_total": self.treated_total,
            "control_events": self.control_events,
            "control_total": self.control_total,
        }

    def comparison(self, confidence: float = 0.95, *, outcome: str = "benefit") -> ArmComparison:
        """:func:`jia_teach.effects.compare_arms` of these counts (derived ones tagged).

        Examples
        --------
        >>> arm_counts("TENDER", "acr90", "week 12").comparison().nnt_text
        'NNT 4 (95% CI 3 to 7) (from derived counts)'
        """
        from jia_teach.effects import compare_arms

        return compare_arms(
            **self.as_kwargs(),
            confidence=confidence,
            outcome=outcome,
            label=self.label,
            derived_counts=self.derived,
        )


def _pairs(directory: str | Path | None) -> dict[tuple[str, str, str], ArmCounts]:
    import pandas as pd

    from jia_teach.data import load_outcomes

    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in load_outcomes(directory).to_dict(orient="records"):
        r = {k: (None if pd.isna(v) else v) for k, v in row.items()}
        groups.setdefault((r["trial"], r["endpoint"], r["timepoint"]), []).append(r)
    out: dict[tuple[str, str, str], ArmCounts] = {}
    for key, rows in groups.items():
        active = [r for r in rows if r["arm"] not in _NOT_ACTIVE]
        placebo = [r for r in rows if r["arm"] == "placebo"]
        if len(active) != 1 or len(placebo) != 1:
            continue
        t, p = active[0], placebo[0]
        if any(r["status"] == "unconfirmed" for r in (t, p)):
            continue  # never used as a figure
        if any(r["events"] is None or r["total"] is None for r in (t, p)):
            continue  # Kaplan-Meier percentages or a missing denominator: no 2x2 table
        sources = [str(t["source"])] + ([str(p["source"])] if p["source"] != t["source"] else [])
        out[key] = ArmCounts(
            trial=key[0],
            endpoint=key[1],
            timepoint=key[2],
            treated_arm=str(t["arm"]),
            treated_events=int(t["events"]),
            treated_total=int(t["total"]),
            control_events=int(p["events"]),
            control_total=int(p["total"]),
            derived="derived" in (t["status"], p["status"]),
            source="; ".join(sources),
        )
    return out


def count_pairs(directory: str | Path | None = None) -> list[ArmCounts]:
    """Every active-vs-placebo comparison in the data with counts in both arms.

    Rows marked ``unconfirmed``, Kaplan-Meier percentages and figures without a denominator
    are left out (they give no 2x2 table).

    Parameters
    ----------
    directory : str or Path, optional
        Data folder to read instead of the package data.

    Returns
    -------
    list of ArmCounts
        In file order.

    Examples
    --------
    >>> [c.endpoint for c in count_pairs() if c.trial == "canakinumab-1"]
    ['adapted_acr30', 'adapted_acr30', 'adapted_acr70', 'adapted_acr90']
    """
    return list(_pairs(directory).values())


def arm_counts(
    trial: str, endpoint: str, timepoint: str, *, directory: str | Path | None = None
) -> ArmCounts:
    """The counts of one comparison.

    Parameters
    ----------
    trial, endpoint, timepoint : str
        As in ``data/trial_outcomes.csv``.
    directory : str or Path, optional
        Data folder to read instead of the package data.

    Returns
    -------
    ArmCounts

    Raises
    ------
    jia_teach.errors.InvalidValueError
        When the data hold no such comparison with counts in both arms.
    """
    pairs = _pairs(directory)
    key = (trial, endpoint, timepoint)
    if key not in pairs:
        raise InvalidValueError(
            f"no active-vs-placebo counts for {trial}, {endpoint}, {timepoint}",
            column="trial/endpoint/timepoint",
            allowed="; ".join(", ".join(k) for k in pairs),
        )
    return pairs[key]


def _marker(note: str | None) -> str:
    return "CRP (in place of ESR)" if note and "CRP in place of ESR" in note else "ESR"


def why_not_comparable(
    a: ArmCounts, b: ArmCounts, *, directory: str | Path | None = None
) -> tuple[Caveat, ...]:
    """Every reason, found in the data, that A-vs-placebo and B-vs-placebo do not transfer.

    Bucher's indirect comparison assumes each drug would have had the same relative effect
    in the other trial. Differences in effect modifiers break that: the end point, the
    inflammation marker, the time point, the entry criteria, the regimen and the placebo
    response. Each difference the data show becomes a :class:`~jia_teach.appraisal.indirect.Caveat`.

    Parameters
    ----------
    a, b : ArmCounts
        The two comparisons (e.g. TENDER primary and canakinumab trial 1 primary).
    directory : str or Path, optional
        Data folder to read instead of the package data.

    Returns
    -------
    tuple of Caveat

    Examples
    --------
    >>> tender = arm_counts("TENDER", "acr30_no_fever", "week 12")
    >>> can1 = arm_counts("canakinumab-1", "adapted_acr30", "day 15")
    >>> [c.aspect for c in why_not_comparable(tender, can1)]
    ['end point', 'inflammation marker', 'time point', 'population', 'regimen', 'placebo response']
    """
    import pandas as pd

    from jia_teach.appraisal.indirect import Caveat
    from jia_teach.data import ENDPOINT_LABELS, load_designs, load_outcomes

    outcomes, designs = load_outcomes(directory), load_designs(directory)

    def note(c: ArmCounts) -> str | None:
        sel = outcomes[
            (outcomes["trial"] == c.trial)
            & (outcomes["endpoint"] == c.endpoint)
            & (outcomes["timepoint"] == c.timepoint)
            & (outcomes["arm"] == c.treated_arm)
        ]
        value = sel["note"].iloc[0] if len(sel) else None
        return None if value is None or pd.isna(value) else str(value)

    def design(c: ArmCounts) -> dict[str, str]:
        sel = designs[
            (designs["trial"] == c.trial)
            & (designs["arm"] == c.treated_arm)
            & (designs["phase"] == "randomized")
        ]
        if not len(sel):
            return {}
        row = sel.iloc[0]
        regimen = "; ".join(
            str(row[k]) for k in ("dose", "route", "schedule") if not pd.isna(row[k])
        )
        return {"population": str(row["population"]), "regimen": regimen}

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


@dataclass(frozen=True)
class PercentPair:
    """A harm given only as percentages of patients in each arm (no counts)."""

    trial: str
    event: str
    phase: str
    treated_arm: str
    treated_risk: float
    control_risk: float
    source: str


def harm_percentages(
    trial: str, event: str, phase: str, *, directory: str | Path | None = None
) -> PercentPair:
    """The per-arm percentages of an adverse event reported as ``percent_of_patients``.

    Examples
    --------
    >>> p = harm_percentages("TENDER", "neutrophils_below_1e9_per_l", "12-week double-blind")
    >>> p.treated_risk, p.control_risk
    (0.07, 0.0)
    """
    from jia_teach.data import load_adverse_events

    ae = load_adverse_events(directory)
    sel = ae[
        (ae["trial"] == trial)
        & (ae["event"] == event)
        & (ae["phase"] == phase)
        & (ae["unit"] == "percent_of_patients")
        & (ae["status"] != "unconfirmed")
    ]
    active = sel[~sel["arm"].isin(_NOT_ACTIVE)]
    placebo = sel[sel["arm"] == "placebo"]
    if len(active) != 1 or len(placebo) != 1:
        raise InvalidValueError(
            f"no per-arm percentages for {trial}, {event}, {phase}",
            column="trial/event/phase",
            allowed="an adverse event given as percent_of_patients in both arms",
        )
    return PercentPair(
        trial=trial,
        event=event,
        phase=phase,
        treated_arm=str(active["arm"].iloc[0]),
        treated_risk=float(active["value"].iloc[0]) / 100,
        control_risk=float(placebo["value"].iloc[0]) / 100,
        source=str(active["source"].iloc[0]),
    )


def indirect_from_data(
    a: ArmCounts,
    b: ArmCounts,
    *,
    measure: str = "odds_ratio",
    directory: str | Path | None = None,
) -> IndirectComparison:
    """Bucher's comparison of A vs B with the reasons, from the data, that it is not valid.

    Examples
    --------
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
        caveats=why_not_comparable(a, b, directory=directory),
    )
