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
and :mod:`jia_teach.trial_effects` puts the two together (``compare(trial, endpoint,
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

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from jia_teach import data
from jia_teach.errors import InvalidValueError
from jia_teach.labels import (
    CONTROL_ARM,
    arm_label,
    arm_role,
    endpoint_label,
    event_label,
    trial_label,
)

__all__ = [
    "ArmFigure",
    "ArmPair",
    "PublishedRate",
    "ReportedEffect",
    "arm_size",
    "benefit_pairs",
    "citations",
    "harm_pair",
    "harm_pairs",
    "outcome_pairs",
    "pair",
    "primary_timepoint",
    "published_rate",
    "reported_effect",
    "reported_effects",
]

Kind = Literal["benefit", "harm"]

#: Why no comparison: the sentences every view shows (one wording per reason).
REASONS: Mapping[str, str] = {
    "unconfirmed": (
        "UNCONFIRMED figure: it could not be checked against a primary source, so it is not "
        "shown as a result and no comparison is computed"
    ),
    "one_group": (
        "one group only (no control group): every patient had the same treatment, so there is "
        "nothing to compare against and no risk difference or NNT exists"
    ),
    "kaplan_meier": (
        "Kaplan-Meier estimates, shown as reported: they account for patients followed for "
        "different lengths of time, so they are not events/total and no risk difference, NNT or "
        "p-value is computed from them. Use the reported hazard ratio"
    ),
    "events": (
        "a count of adverse events, not of patients: one child can have several events, so "
        "events divided by children is not a risk and no NNH can be computed from it"
    ),
    "rate": (
        "a rate per patient-year of follow-up, not a proportion of patients, so no NNH (a rate "
        "weighs each arm by its exposure time)"
    ),
    "pooled": "pooled across trials, not a randomized comparison in one trial",
    "no_denominator": "a count of patients without its denominator",
}


# --------------------------------------------------------------------------------------------
# one arm's figure
# --------------------------------------------------------------------------------------------
def _none(x: object) -> Any:
    return None if x is None or (not isinstance(x, str) and pd.isna(x)) else x


@dataclass(frozen=True)
class ArmFigure:
    """One arm's figure for one end point (or adverse event), exactly as the data hold it.

    Attributes
    ----------
    trial, arm : str
        Codes (see :mod:`jia_teach.labels`).
    measure : str
        The end point code (outcomes) or adverse-event code (harms).
    timepoint : str
        The time point (outcomes) or phase (harms).
    events, total : int or None
        Patients with the outcome and patients in the denominator, when the source gives
        (or the data derive) them.
    percent : float or None
        The percentage as the source states it.
    unit : str
        ``"patients"`` for outcomes; for harms the unit of ``adverse_events.csv``
        (``patients``, ``percent_of_patients``, ``events``, ``events_per_patient_year``).
    value : float or None
        A harm's value in its unit (a count of events, a rate); None for outcomes.
    status, source, source_id : str
        ``reported``, ``derived`` or ``unconfirmed``; the source in words and its id.
    note : str or None
    """

    trial: str
    arm: str
    measure: str
    timepoint: str
    events: int | None
    total: int | None
    percent: float | None
    unit: str
    value: float | None
    status: str
    source: str
    source_id: str
    note: str | None

    @property
    def arm_label(self) -> str:
        """The arm's display label."""
        return arm_label(self.arm)

    @property
    def has_counts(self) -> bool:
        """Patients with the outcome and the denominator are both known (and usable)."""
        return self.events is not None and self.total is not None and self.status != "unconfirmed"

    @property
    def kaplan_meier(self) -> bool:
        """The percentage is a Kaplan-Meier estimate (the note says so)."""
        return "kaplan-meier" in (self.note or "").lower()

    def text(self, *, source: bool = False) -> str:
        """The figure as a reader should see it (see :func:`jia_teach.data.figure_text`).

        Examples
        --------
        >>> harm_pair("TENDER", "adverse_events", "12-week double-blind").treated.text()
        '159 events'
        """
        if self.unit in ("patients",) or self.value is None:
            row = {
                "events": self.events,
                "total": self.total,
                "percent": self.percent,
                "status": self.status,
                "source": self.source,
                "note": self.note,
            }
            return data.figure_text(row, source=source)
        if self.status == "unconfirmed":
            text = "value withheld (UNCONFIRMED)"
        elif self.unit == "percent_of_patients":
            text = f"{self.value:g}% of patients"
        elif self.unit == "events_per_patient_year":
            text = f"{self.value:g} events per patient-year"
        elif self.unit == "events_per_100_patient_years":
            text = f"{self.value:g} events per 100 patient-years"
        else:
            text = f"{self.value:g} {self.unit}"
        return f"{text} [{self.status}; {self.source}]" if source else text


def _outcome_figure(r: Mapping[str, Any]) -> ArmFigure:
    return ArmFigure(
        trial=str(r["trial"]),
        arm=str(r["arm"]),
        measure=str(r["endpoint"]),
        timepoint=str(r["timepoint"]),
        events=None if _none(r["events"]) is None else int(r["events"]),
        total=None if _none(r["total"]) is None else int(r["total"]),
        percent=None if _none(r["percent"]) is None else float(r["percent"]),
        unit="patients",
        value=None,
        status=str(r["status"]),
        source=str(r["source"]),
        source_id=str(r["source_id"]),
        note=_none(r["note"]),
    )


def _harm_figure(r: Mapping[str, Any]) -> ArmFigure:
    unit = str(r["unit"])
    value = float(r["value"])
    total = None if _none(r["total"]) is None else int(r["total"])
    events = int(value) if unit == "patients" else None
    percent = value if unit == "percent_of_patients" else None
    if unit == "patients" and total is not None:
        percent = None
    return ArmFigure(
        trial=str(r["trial"]),
        arm=str(r["arm"]),
        measure=str(r["event"]),
        timepoint=str(r["phase"]),
        events=events,
        total=total,
        percent=percent,
        unit=unit,
        value=value,
        status=str(r["status"]),
        source=str(r["source"]),
        source_id=str(r["source_id"]),
        note=_none(r["note"]),
    )


# --------------------------------------------------------------------------------------------
# a pair of arms
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArmPair:
    """The treated and the control arm of one trial for one end point (or harm).

    Attributes
    ----------
    trial, measure, timepoint : str
        The trial, the end point or adverse-event code, the time point or phase.
    kind : {"benefit", "harm"}
        Whether the measure is a wanted outcome or an adverse event.
    figures : tuple of ArmFigure
        Every row of the data for this trial, measure and time point, in file order.
    treated, control : ArmFigure or None
        The treated and the control arm, when the data hold exactly one of each.
    why_not : str or None
        Why no comparison with an interval is possible (None when it is).
    why_no_point : str or None
        Why not even a point estimate of the number needed exists (None when one does: from
        counts, or from the percentages of both arms).
    population : str
        Which patients the counts cover: ``"all randomized"``, ``"denominators as given by the
        source"`` or ``"subset given by the source"``.

    Examples
    --------
    >>> p = pair("TENDER", "acr90", "week 12")
    >>> p.derived, p.label
    (True, 'TENDER (tocilizumab): JIA ACR90, week 12 (derived counts)')
    >>> p.counts_text
    '28/75 (37%) vs 2/37 (5%)'
    """

    trial: str
    measure: str
    timepoint: str
    kind: Kind
    figures: tuple[ArmFigure, ...]
    treated: ArmFigure | None
    control: ArmFigure | None
    why_not: str | None
    why_no_point: str | None
    population: str = ""

    @property
    def comparable(self) -> bool:
        """A comparison with confidence intervals can be computed."""
        return self.why_not is None

    @property
    def derived(self) -> bool:
        """Some figure of the pair is derived (reconstructed from a percentage and N)."""
        return any(f.status == "derived" for f in self.figures)

    @property
    def measure_label(self) -> str:
        """The end point's or the adverse event's display label."""
        return endpoint_label(self.measure) if self.kind == "benefit" else event_label(self.measure)

    @property
    def trial_label(self) -> str:
        """The trial's display label."""
        return trial_label(self.trial)

    @property
    def label(self) -> str:
        """Trial, measure and time point in words, tagged when the counts are derived."""
        return f"{self.trial_label}: {self.measure_label}, {self.timepoint}" + (
            " (derived counts)" if self.derived else ""
        )

    @property
    def counts_text(self) -> str:
        """``'64/75 vs 9/37'``, or the figures as given when there are no counts."""
        if self.treated is None or self.control is None:
            return "; ".join(f"{f.arm_label} {f.text()}" for f in self.figures)
        return f"{self.treated.text()} vs {self.control.text()}"

    def arm_counts(self) -> dict[str, Any]:
        """The keyword arguments of :func:`jia_teach.effects.compare_arms` for this pair.

        ``treated_events``, ``treated_total``, ``control_events``, ``control_total``,
        ``outcome`` (``"benefit"`` or ``"harm"``), ``label`` and ``derived_counts``.

        Raises
        ------
        jia_teach.errors.InvalidValueError
            With :attr:`why_not` when no comparison is possible.

        Examples
        --------
        >>> pair("canakinumab-1", "adapted_acr30", "day 15").arm_counts()["label"]
        'canakinumab-1, adapted_acr30, day 15: canakinumab 36/43 vs placebo 4/41'
        """
        if self.why_not is not None or self.treated is None or self.control is None:
            raise InvalidValueError(
                f"no comparison for {self.label}: {self.why_not}",
                column="trial/measure/timepoint",
                allowed="a pair whose two arms both give patients and a denominator",
            )
        t, c = self.treated, self.control
        return {
            "treated_events": t.events,
            "treated_total": t.total,
            "control_events": c.events,
            "control_total": c.total,
            "outcome": self.kind,
            "label": (
                f"{self.trial}, {self.measure}, {self.timepoint}: {t.arm} {t.events}/{t.total}"
                f" vs {c.arm} {c.events}/{c.total}" + (" (derived counts)" if self.derived else "")
            ),
            "derived_counts": self.derived,
        }

    def risks(self) -> tuple[float, float]:
        """(treated, control) proportions: from the counts, else from the percentages.

        Raises
        ------
        jia_teach.errors.InvalidValueError
            With :attr:`why_no_point` when not even a point estimate exists.

        Examples
        --------
        >>> harm_pair("TENDER", "infusion_reaction_during", "12-week double-blind").risks()
        (0.04, 0.0)
        """
        if self.why_no_point is not None or self.treated is None or self.control is None:
            raise InvalidValueError(
                f"no proportions for {self.label}: {self.why_no_point}",
                column="trial/measure/timepoint",
                allowed="a pair with counts or percentages in both arms",
            )
        out = []
        for f in (self.treated, self.control):
            if f.has_counts:
                out.append(f.events / f.total)  # type: ignore[operator]
            else:
                out.append(f.percent / 100)  # type: ignore[operator]
        return out[0], out[1]

    @property
    def percentages_only(self) -> bool:
        """A point estimate exists, but no counts, so no interval."""
        return self.why_no_point is None and self.why_not is not None


def _reasons_outcome(figures: tuple[ArmFigure, ...], treated, control) -> tuple[str | None, ...]:
    if any(f.status == "unconfirmed" for f in figures):
        return REASONS["unconfirmed"], REASONS["unconfirmed"]
    if treated is None or control is None:
        return REASONS["one_group"], REASONS["one_group"]
    if treated.kaplan_meier or control.kaplan_meier:
        return REASONS["kaplan_meier"], REASONS["kaplan_meier"]
    incomplete = [f for f in (treated, control) if not f.has_counts]
    if incomplete:
        why = (
            "the source gives no complete count (events and denominator) for "
            + " and ".join(f.arm_label for f in incomplete)
            + ", so no comparison with an interval can be computed"
        )
        point = None if all(f.percent is not None for f in (treated, control)) else why
        return why, point
    return None, None


_RATE_UNITS = ("events_per_patient_year", "events_per_100_patient_years")


def _harm_choice(
    figures: tuple[ArmFigure, ...],
) -> tuple[ArmFigure | None, ArmFigure | None, str | None]:
    """The two arms' figures a harm is compared on, and their unit.

    A harm can be given in several units (the label's percentages and the counts derived from
    them; events and a rate). Counts of patients with a denominator come first (an interval
    exists), then percentages of patients (a point NNH only); None when neither is given for
    both arms.
    """
    for unit, need_total in (("patients", True), ("percent_of_patients", False)):
        chosen = tuple(
            f for f in figures if f.unit == unit and (f.total is not None or not need_total)
        )
        treated, control = _split(chosen)
        if treated is not None and control is not None:
            return treated, control, unit
    treated, control = _split(tuple(f for f in figures if f.unit == figures[0].unit))
    return treated, control, None


def _reasons_harm(figures: tuple[ArmFigure, ...], treated, control, unit) -> tuple[str | None, ...]:
    used = [f for f in figures if unit is None or f.unit == unit]
    if any(f.status == "unconfirmed" for f in used):
        return REASONS["unconfirmed"], REASONS["unconfirmed"]
    if unit == "patients":
        return None, None
    if unit == "percent_of_patients":
        return (
            "the source gives percentages of patients only: no counts or denominators, so no "
            "interval (none is invented)",
            None,
        )
    units = list(dict.fromkeys(f.unit for f in figures))
    reasons = []
    if "events" in units:
        reasons.append(REASONS["events"])
    if any(u in _RATE_UNITS for u in units):
        reasons.append(REASONS["rate"])
    if figures[0].trial.endswith("-pooled"):
        reasons.append(REASONS["pooled"])
    if treated is None or control is None:
        reasons.append("reported for one group only, so there is no comparison group")
    elif units == ["patients"]:
        reasons.append(REASONS["no_denominator"])
    why = "; and ".join(reasons) or "no per-patient proportion in both arms"
    return why, why


def _split(figures: tuple[ArmFigure, ...]) -> tuple[ArmFigure | None, ArmFigure | None]:
    treated = [f for f in figures if arm_role(f.arm) == "treated"]
    control = [f for f in figures if arm_role(f.arm) == "control"]
    return (
        treated[0] if len(treated) == 1 else None,
        control[0] if len(control) == 1 else None,
    )


def _population(trial: str, treated: ArmFigure | None, control: ArmFigure | None, designs) -> str:
    """Whether the counts are the whole randomized trial, the arms as given, or a subset."""
    if treated is None or control is None or treated.total is None or control.total is None:
        return ""
    randomized = designs[(designs["trial"] == trial) & (designs["phase"] == "randomized")]
    arms = {str(a): int(n) for a, n in zip(randomized["arm"], randomized["n"], strict=True)}
    full = arms.get(CONTROL_ARM) == control.total and arms.get(treated.arm) == treated.total
    if full and arms.get("all") == treated.total + control.total:
        return "all randomized"
    return "denominators as given by the source" if full else "subset given by the source"


# --------------------------------------------------------------------------------------------
# queries
# --------------------------------------------------------------------------------------------
def _key(directory: str | Path | None) -> str:
    return str(Path(directory).resolve()) if directory is not None else ""


_PAIRS: dict[tuple, dict[tuple[str, str, str], ArmPair]] = {}


def _stamp(directory: str | Path | None, file: str) -> tuple[int, int]:
    path = (Path(directory) if directory is not None else data.data_dir()) / file
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


def _all_pairs(kind: Kind, directory: str | Path | None) -> dict[tuple[str, str, str], ArmPair]:
    file = "trial_outcomes.csv" if kind == "benefit" else "adverse_events.csv"
    cache_key = (
        kind,
        _key(directory),
        _stamp(directory, file),
        _stamp(directory, "trial_designs.csv"),
    )
    if cache_key in _PAIRS:
        return _PAIRS[cache_key]
    designs = data.load_designs(directory)
    if kind == "benefit":
        rows = data.load_outcomes(directory).to_dict("records")
        figures = [_outcome_figure(r) for r in rows]
    else:
        rows = data.load_adverse_events(directory).to_dict("records")
        figures = [_harm_figure(r) for r in rows]
    groups: dict[tuple[str, str, str], list[ArmFigure]] = {}
    for f in figures:
        groups.setdefault((f.trial, f.measure, f.timepoint), []).append(f)
    out: dict[tuple[str, str, str], ArmPair] = {}
    for key, members in groups.items():
        figs = tuple(members)
        if kind == "benefit":
            treated, control = _split(figs)
            why_not, why_no_point = _reasons_outcome(figs, treated, control)
        else:
            treated, control, unit = _harm_choice(figs)
            why_not, why_no_point = _reasons_harm(figs, treated, control, unit)
        out[key] = ArmPair(
            trial=key[0],
            measure=key[1],
            timepoint=key[2],
            kind=kind,
            figures=figs,
            treated=treated,
            control=control,
            why_not=why_not,
            why_no_point=why_no_point,
            population=_population(key[0], treated, control, designs),
        )
    if len(_PAIRS) > 16:  # test folders come and go
        _PAIRS.clear()
    _PAIRS[cache_key] = out
    return out


def outcome_pairs(
    trial: str | None = None, *, directory: str | Path | None = None
) -> list[ArmPair]:
    """Every trial x end point x time point of ``trial_outcomes.csv``, comparable or not.

    Parameters
    ----------
    trial : str, optional
        Only this trial.
    directory : str or Path, optional
        Data folder to read instead of the package data.

    Returns
    -------
    list of ArmPair
        In file order; check :attr:`ArmPair.why_not` before comparing.

    Examples
    --------
    >>> [p.measure for p in outcome_pairs("canakinumab-2")][:2]
    ['flare', 'flare_free']
    """
    pairs = _all_pairs("benefit", directory).values()
    return [p for p in pairs if trial is None or p.trial == trial]


def benefit_pairs(
    trial: str | None = None, *, directory: str | Path | None = None
) -> list[ArmPair]:
    """The outcome pairs with counts in a treated and a control arm (comparable ones).

    Examples
    --------
    >>> [p.measure for p in benefit_pairs("TENDER")][:3]
    ['acr30_no_fever', 'acr30', 'acr50']
    """
    return [p for p in outcome_pairs(trial, directory=directory) if p.comparable]


def pair(
    trial: str, endpoint: str, timepoint: str, *, directory: str | Path | None = None
) -> ArmPair:
    """The pair of one trial, end point and time point.

    Raises
    ------
    jia_teach.errors.InvalidValueError
        When ``trial_outcomes.csv`` has no row for that combination (listing those it has).

    Examples
    --------
    >>> pair("canakinumab-1", "adapted_acr30", "day 15").counts_text
    '36/43 (84%) vs 4/41 (10%)'
    """
    pairs = _all_pairs("benefit", directory)
    try:
        return pairs[(trial, endpoint, timepoint)]
    except KeyError:
        raise InvalidValueError(
            f"no figures for {trial}, {endpoint}, {timepoint}",
            column="trial/endpoint/timepoint",
            allowed="; ".join(", ".join(k) for k in pairs if k[0] == trial) or "none",
        ) from None


def harm_pairs(
    trial: str | None = None, *, usable: bool | None = None, directory: str | Path | None = None
) -> list[ArmPair]:
    """Every adverse event x phase of ``adverse_events.csv`` as a pair.

    Parameters
    ----------
    trial : str, optional
        Only this trial.
    usable : bool, optional
        ``True``: only pairs with a number needed to harm (from counts, or a point estimate
        from the percentages of both arms); ``False``: only the others (their
        :attr:`ArmPair.why_no_point` says why); default both.

    Examples
    --------
    >>> [p.measure for p in harm_pairs("TENDER", usable=True)]
    ['neutrophils_below_1e9_per_l', 'infusion_reaction_during', 'infusion_reaction_24h']
    >>> print(harm_pairs("TENDER", usable=False)[0].why_no_point)  # doctest: +ELLIPSIS
    a count of adverse events, not of patients: ...
    """
    pairs = _all_pairs("harm", directory).values()
    out = [p for p in pairs if trial is None or p.trial == trial]
    if usable is not None:
        out = [p for p in out if (p.why_no_point is None) is usable]
    return out


def harm_pair(
    trial: str, event: str, phase: str, *, directory: str | Path | None = None
) -> ArmPair:
    """The harm pair of one trial, adverse event and phase.

    Examples
    --------
    >>> harm_pair("TENDER", "infusion_reaction_24h", "12-week double-blind").counts_text
    '12/75 vs 2/37'
    >>> harm_pair("TENDER", "infusion_reaction_during", "12-week double-blind").counts_text
    '4% of patients vs 0% of patients'
    """
    pairs = _all_pairs("harm", directory)
    try:
        return pairs[(trial, event, phase)]
    except KeyError:
        raise InvalidValueError(
            f"no adverse-event figures for {trial}, {event}, {phase}",
            column="trial/event/phase",
            allowed="; ".join(", ".join(k) for k in pairs if k[0] == trial) or "none",
        ) from None


def arm_size(trial: str, arm: str, *, directory: str | Path | None = None) -> int | None:
    """Patients randomized to ``arm`` of ``trial`` (``trial_designs.csv``), if the design says.

    Examples
    --------
    >>> arm_size("TENDER", "tocilizumab"), arm_size("TENDER", "placebo")
    (75, 37)
    """
    designs = data.load_designs(directory)
    rows = designs[(designs["trial"] == trial) & (designs["arm"] == arm)]
    rows = rows[rows["phase"] == "randomized"] if (rows["phase"] == "randomized").any() else rows
    return None if rows.empty or rows["n"].isna().all() else int(rows["n"].max())


def citations(*, directory: str | Path | None = None) -> dict[str, str]:
    """Full citation of every source id (``sources.csv``).

    Examples
    --------
    >>> citations()["ruperto2012"][:28]
    'Ruperto N, Brunner HI, Quart'
    """
    sources = data.load_sources(directory)
    return dict(zip(sources["source_id"], sources["citation"], strict=True))


def primary_timepoint(trial: str, *, directory: str | Path | None = None) -> str | None:
    """The time point the trial design marks ``(primary)``, if any.

    Examples
    --------
    >>> primary_timepoint("canakinumab-1")
    'day 15'
    """
    designs = data.load_designs(directory)
    for text in designs.loc[designs["trial"] == trial, "timepoints"].dropna():
        for part in str(text).split(";"):
            if "(primary)" in part:
                return part.replace("(primary)", "").strip()
    return None


# --------------------------------------------------------------------------------------------
# published rates of a response definition
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PublishedRate:
    """A published per-arm rate of one response definition (percent as the source states it).

    ``status`` joins the two arms' statuses (e.g. ``"derived"``: the percentages are
    reported, the counts derived).
    """

    trial: str
    endpoint: str
    timepoint: str
    treated: float
    control: float
    status: str
    source: str


_ENDPOINT_RE = re.compile(r"^(adapted_)?acr(\d+)(_no_fever)?$")


def published_rate(
    trial: str, level: int, no_fever: bool, *, directory: str | Path | None = None
) -> PublishedRate | None:
    """The published rates of the standard JIA ACR definition at ``level`` for ``trial``.

    The standard rule is >= ``level`` % better in >= 3 of 6 with no more than 1 worse by more
    than 30 %; ``no_fever`` adds the fever rule (``acrL_no_fever`` or ``adapted_acrL``). Of
    the time points with figures, the trial's primary one is preferred, else the first in the
    data. None when no source gives both arms' percentages (or a figure is UNCONFIRMED).

    Examples
    --------
    >>> r = published_rate("TENDER", 30, False)
    >>> r.endpoint, r.treated, r.control, r.status
    ('acr30', 91.0, 24.0, 'derived')
    >>> published_rate("canakinumab-1", 70, True).timepoint
    'month 1'
    >>> published_rate("canakinumab-1", 50, True) is None
    True
    """
    primary = primary_timepoint(trial, directory=directory)
    found = []
    for p in outcome_pairs(trial, directory=directory):
        m = _ENDPOINT_RE.match(p.measure)
        if m is None or int(m.group(2)) != level:
            continue
        if bool(m.group(1) or m.group(3)) != no_fever:
            continue
        if p.treated is None or p.control is None or p.treated.percent is None:
            continue
        if p.control.percent is None or any(f.status == "unconfirmed" for f in p.figures):
            continue
        found.append(p)
    if not found:
        return None
    chosen = next((p for p in found if p.timepoint == primary), found[0])
    t, c = chosen.treated, chosen.control
    assert t is not None and c is not None  # checked above (for type checkers)
    return PublishedRate(
        trial=trial,
        endpoint=chosen.measure,
        timepoint=chosen.timepoint,
        treated=float(t.percent),  # type: ignore[arg-type]
        control=float(c.percent),  # type: ignore[arg-type]
        status="/".join(sorted({t.status, c.status})),
        source=t.source,
    )


# --------------------------------------------------------------------------------------------
# reported effects
# --------------------------------------------------------------------------------------------
_MEASURE_NAMES = {
    "hazard_ratio": "Hazard ratio",
    "weighted_difference": "Weighted difference",
    "rate_difference": "Rate difference",
    "p_value": "P",
}
#: Units that are not printed after the estimate (a ratio and a probability have none).
_SILENT_UNITS = ("ratio", "probability")


@dataclass(frozen=True)
class ReportedEffect:
    """An effect estimate exactly as a source reports it (never recomputed).

    Attributes mirror ``data/reported_effects.csv``; missing values are ``None``.

    Examples
    --------
    >>> print(reported_effect("canakinumab2_flare_hr"))
    Hazard ratio 0.36 (95% CI 0.17 to 0.75): flare, canakinumab vs placebo, canakinumab-2, \
randomized withdrawal [reported; Ruperto 2012, NEJM (trial 2)]
    """

    effect_id: str
    trial: str
    endpoint: str
    timepoint: str
    measure: str
    comparison: str
    estimate: float
    ci_low: float | None
    ci_high: float | None
    confidence: float | None
    qualifier: str | None
    unit: str
    status: str
    source: str
    source_id: str
    note: str | None

    @property
    def text(self) -> str:
        """The estimate as a short phrase, e.g. ``'Hazard ratio 0.36 (95% CI 0.17 to 0.75)'``.

        Examples
        --------
        >>> reported_effect("grom2016_mas_rate_difference").text
        'Rate difference -4.9 events per 100 patient-years (95% CI -15.6 to 5.9)'
        >>> reported_effect("anajis_acr30_p").text, reported_effect("tender_primary_p").text
        ('P = 0.059', 'P < 0.001')
        """
        name = _MEASURE_NAMES.get(self.measure, self.measure)
        unit = "" if self.unit in _SILENT_UNITS else f" {self.unit}"
        q = f"{self.qualifier} " if self.qualifier else ("= " if self.measure == "p_value" else "")
        est = f"{name} {q}{self.estimate:g}{unit}"
        if self.ci_low is not None and self.ci_high is not None:
            pct = f"{100 * (self.confidence or 0.95):g}% CI"
            est += f" ({pct} {self.ci_low:g} to {self.ci_high:g})"
        return est

    def __str__(self) -> str:
        return (
            f"{self.text}: {self.endpoint}, {self.comparison}, {self.trial}, {self.timepoint} "
            f"[{self.status}; {self.source}]"
        )

    def _repr_html_(self) -> str:
        note = f"<br><small>{html.escape(self.note)}</small>" if self.note else ""
        return (
            f"<p><b>{html.escape(self.text)}</b> - {html.escape(self.endpoint)}, "
            f"{html.escape(self.comparison)}, {html.escape(self.trial)}, "
            f"{html.escape(self.timepoint)} ({html.escape(self.status)}: "
            f"{html.escape(self.source)}){note}</p>"
        )


def reported_effects(
    trial: str | None = None, *, directory: str | Path | None = None
) -> list[ReportedEffect]:
    """The effect estimates shipped in ``data/reported_effects.csv`` (optionally of one trial).

    Examples
    --------
    >>> [e.effect_id for e in reported_effects()][:2]
    ['canakinumab2_flare_hr', 'tender_acr30_wdiff']
    """
    out = []
    for r in data.load_reported_effects(directory).to_dict("records"):
        if trial is not None and r["trial"] != trial:
            continue
        out.append(
            ReportedEffect(
                effect_id=str(r["effect_id"]),
                trial=str(r["trial"]),
                endpoint=str(r["endpoint"]),
                timepoint=str(r["timepoint"]),
                measure=str(r["measure"]),
                comparison=str(r["comparison"]),
                estimate=float(r["estimate"]),
                ci_low=None if _none(r["ci_low"]) is None else float(r["ci_low"]),
                ci_high=None if _none(r["ci_high"]) is None else float(r["ci_high"]),
                confidence=None if _none(r["confidence"]) is None else float(r["confidence"]),
                qualifier=_none(r["qualifier"]),
                unit=str(r["unit"]),
                status=str(r["status"]),
                source=str(r["source"]),
                source_id=str(r["source_id"]),
                note=_none(r["note"]),
            )
        )
    return out


def reported_effect(effect_id: str, *, directory: str | Path | None = None) -> ReportedEffect:
    """One reported effect by its ``effect_id``.

    Examples
    --------
    >>> reported_effect("tender_acr30_wdiff").text
    'Weighted difference 67 percentage points (95% CI 51 to 83)'
    """
    effects = {e.effect_id: e for e in reported_effects(directory=directory)}
    if effect_id not in effects:
        raise InvalidValueError(
            f"unknown effect_id {effect_id!r}", column="effect_id", allowed=", ".join(effects)
        )
    return effects[effect_id]
