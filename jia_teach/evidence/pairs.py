"""Pairs of arms and the queries views ask: which pairs exist, with which counts, and why not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from jia_teach import data
from jia_teach.data.labels import comparison_label, endpoint_label, event_label, trial_label
from jia_teach.data.loaders import file_stamp
from jia_teach.effects import DERIVED_TAG
from jia_teach.evidence.arm_figures import ArmFigure, harm_figure, outcome_figure
from jia_teach.evidence.reasons import (
    harm_choice,
    harm_reasons,
    outcome_reasons,
    population,
    split,
)
from jia_teach.rules.errors import InvalidValueError

__all__ = [
    "ArmPair",
    "Kind",
    "appraisal_pairs",
    "arm_size",
    "benefit_pairs",
    "citations",
    "harm_pair",
    "harm_pairs",
    "outcome_pairs",
    "pair",
    "primary_timepoint",
]

Kind = Literal["benefit", "harm"]


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
    (True, 'TENDER (tocilizumab): JIA ACR90, week 12 (from derived counts)')
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
        return comparison_label(
            self.trial, self.measure, self.timepoint, self.kind, derived=self.derived
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
        jia_teach.rules.errors.InvalidValueError
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
                f" vs {c.arm} {c.events}/{c.total}" + (DERIVED_TAG if self.derived else "")
            ),
            "derived_counts": self.derived,
        }

    def risks(self) -> tuple[float, float]:
        """(treated, control) proportions: from the counts, else from the percentages.

        Raises
        ------
        jia_teach.rules.errors.InvalidValueError
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


def _key() -> str:
    return str(data.data_dir().resolve())


_PAIRS: dict[tuple, dict[tuple[str, str, str], ArmPair]] = {}


def _stamp(file: str) -> tuple[int, int]:
    return file_stamp(data.data_dir() / file)


def _all_pairs(kind: Kind, held: bool = False) -> dict[tuple[str, str, str], ArmPair]:
    """Every pair of one kind; ``held``: the trials held for appraisal (appraisal_outcomes.csv)."""
    file = (
        "appraisal_outcomes.csv"
        if held
        else "trial_outcomes.csv"
        if kind == "benefit"
        else "adverse_events.csv"
    )
    cache_key = (
        kind,
        held,
        _key(),
        _stamp(file),
        _stamp("trial_designs.csv"),
    )
    if cache_key in _PAIRS:
        return _PAIRS[cache_key]
    designs = data.load_designs()
    if kind == "benefit":
        rows = (data.load_appraisal_outcomes() if held else data.load_outcomes()).to_dict("records")
        figures = [outcome_figure(r) for r in rows]
    else:
        rows = data.load_adverse_events().to_dict("records")
        figures = [harm_figure(r) for r in rows]
    groups: dict[tuple[str, str, str], list[ArmFigure]] = {}
    for f in figures:
        groups.setdefault((f.trial, f.measure, f.timepoint), []).append(f)
    out: dict[tuple[str, str, str], ArmPair] = {}
    for key, members in groups.items():
        figs = tuple(members)
        if kind == "benefit":
            treated, control = split(figs)
            why_not, why_no_point = outcome_reasons(figs, treated, control)
        else:
            treated, control, unit = harm_choice(figs)
            why_not, why_no_point = harm_reasons(figs, treated, control, unit)
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
            population=population(key[0], treated, control, designs),
        )
    if len(_PAIRS) > 16:  # test folders come and go
        _PAIRS.clear()
    _PAIRS[cache_key] = out
    return out


def _lookup(kind: Kind, key: tuple[str, str, str]) -> ArmPair:
    """One pair by its key, or an error listing the keys the trial has."""
    pairs = _all_pairs(kind)
    if key in pairs:
        return pairs[key]
    what, column = (
        ("figures", "trial/endpoint/timepoint")
        if kind == "benefit"
        else ("adverse-event figures", "trial/event/phase")
    )
    raise InvalidValueError(
        f"no {what} for {', '.join(key)}",
        column=column,
        allowed="; ".join(", ".join(k) for k in pairs if k[0] == key[0]) or "none",
    )


def appraisal_pairs(trial: str | None = None) -> list[ArmPair]:
    """Outcome pairs of the trials held for appraisal (``appraisal_outcomes.csv``), by the same
    rules as :func:`outcome_pairs`; the trial views do not draw them.

    Examples
    --------
    >>> p = [p for p in appraisal_pairs() if p.measure == "modified_acr30"][0]
    >>> p.trial, p.treated.text(), p.control.text()
    ('ANAJIS', '8/12 (67%)', '1/12 (8%)')
    """
    pairs = _all_pairs("benefit", held=True).values()
    return [p for p in pairs if trial is None or p.trial == trial]


def outcome_pairs(trial: str | None = None) -> list[ArmPair]:
    """Every trial x end point x time point of ``trial_outcomes.csv``, comparable or not.

    Parameters
    ----------
    trial : str, optional
        Only this trial.

    Returns
    -------
    list of ArmPair
        In file order; check :attr:`ArmPair.why_not` before comparing.

    Examples
    --------
    >>> [p.measure for p in outcome_pairs("canakinumab-2")][:2]
    ['flare', 'flare_free']
    """
    pairs = _all_pairs("benefit").values()
    return [p for p in pairs if trial is None or p.trial == trial]


def benefit_pairs(trial: str | None = None) -> list[ArmPair]:
    """The outcome pairs with counts in a treated and a control arm (comparable ones).

    Examples
    --------
    >>> [p.measure for p in benefit_pairs("TENDER")][:3]
    ['acr30_no_fever', 'acr30', 'acr50']
    """
    return [p for p in outcome_pairs(trial) if p.comparable]


def pair(trial: str, endpoint: str, timepoint: str) -> ArmPair:
    """The pair of one trial, end point and time point.

    Raises
    ------
    jia_teach.rules.errors.InvalidValueError
        When ``trial_outcomes.csv`` has no row for that combination (listing those it has).

    Examples
    --------
    >>> pair("canakinumab-1", "adapted_acr30", "day 15").counts_text
    '36/43 (84%) vs 4/41 (10%)'
    """
    return _lookup("benefit", (trial, endpoint, timepoint))


def harm_pairs(trial: str | None = None, *, usable: bool | None = None) -> list[ArmPair]:
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
    pairs = _all_pairs("harm").values()
    out = [p for p in pairs if trial is None or p.trial == trial]
    if usable is not None:
        out = [p for p in out if (p.why_no_point is None) is usable]
    return out


def harm_pair(trial: str, event: str, phase: str) -> ArmPair:
    """The harm pair of one trial, adverse event and phase.

    Examples
    --------
    >>> harm_pair("TENDER", "infusion_reaction_24h", "12-week double-blind").counts_text
    '12/75 vs 2/37'

    A harm given only as percentages has no 2x2 table (no interval), only a point estimate:

    >>> p = harm_pair("TENDER", "infusion_reaction_during", "12-week double-blind")
    >>> p.counts_text, p.comparable, p.why_no_point is None
    ('4% of patients vs 0% of patients', False, True)
    """
    return _lookup("harm", (trial, event, phase))


def arm_size(trial: str, arm: str) -> int | None:
    """Patients randomized to ``arm`` of ``trial`` (``trial_designs.csv``), if the design says.

    Examples
    --------
    >>> arm_size("TENDER", "tocilizumab"), arm_size("TENDER", "placebo")
    (75, 37)
    """
    designs = data.load_designs()
    rows = designs[(designs["trial"] == trial) & (designs["arm"] == arm)]
    rows = rows[rows["phase"] == "randomized"] if (rows["phase"] == "randomized").any() else rows
    return None if rows.empty or rows["n"].isna().all() else int(rows["n"].max())


def citations() -> dict[str, str]:
    """Full citation of every source id (``sources.csv``).

    Examples
    --------
    >>> citations()["ruperto2012"][:28]
    'Ruperto N, Brunner HI, Quart'
    """
    sources = data.load_sources()
    return dict(zip(sources["source_id"], sources["citation"], strict=True))


def primary_timepoint(trial: str) -> str | None:
    """The time point the trial design marks ``(primary)``, if any.

    Examples
    --------
    >>> primary_timepoint("canakinumab-1")
    'day 15'
    """
    designs = data.load_designs()
    for text in designs.loc[designs["trial"] == trial, "timepoints"].dropna():
        for part in str(text).split(";"):
            if "(primary)" in part:
                return part.replace("(primary)", "").strip()
    return None
