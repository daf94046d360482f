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
'TENDER (tocilizumab): JIA ACR30 + no fever (TENDER primary), week 12'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jia_teach import evidence
from jia_teach.data.labels import CONTROL_ARM
from jia_teach.effects.twobytwo import TwoByTwo
from jia_teach.rules.errors import InvalidValueError

if TYPE_CHECKING:
    from jia_teach.effects import ArmComparison

__all__ = [
    "ArmCounts",
    "PercentPair",
    "arm_counts",
    "count_pairs",
    "default_comparison",
    "harm_counts",
    "harm_percentages",
]


@dataclass(frozen=True)
class ArmCounts(TwoByTwo):
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
    kind : {"benefit", "harm"}
        An outcome (``endpoint`` is an end point code) or an adverse event (an event code).
    label : str
        Trial, end point and time point in words (``effects.DERIVED_TAG`` if derived): the
        label of the evidence pair the counts come from (:attr:`jia_teach.evidence.ArmPair.label`).
    """

    trial: str
    endpoint: str
    timepoint: str
    treated_arm: str
    derived: bool
    source: str
    kind: str = "benefit"
    label: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """``(trial, endpoint, timepoint)``."""
        return (self.trial, self.endpoint, self.timepoint)

    @property
    def counts_text(self) -> str:
        """E.g. ``'tocilizumab 64/75 vs placebo 9/37'``."""
        return (
            f"{self.treated_arm} {self.treated_events}/{self.treated_total} vs {CONTROL_ARM} "
            f"{self.control_events}/{self.control_total}"
        )

    def comparison(self, confidence: float = 0.95, *, outcome: str | None = None) -> ArmComparison:
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
            outcome=outcome or self.kind,
            label=self.label,
            derived_counts=self.derived,
        )


def _from_pair(p: evidence.ArmPair) -> ArmCounts:
    t, c = p.treated, p.control
    assert t is not None and c is not None  # only comparable pairs come here
    sources = [t.source] + ([c.source] if c.source != t.source else [])
    return ArmCounts(
        trial=p.trial,
        endpoint=p.measure,
        timepoint=p.timepoint,
        treated_arm=t.arm,
        treated_events=int(t.events),  # type: ignore[arg-type]
        treated_total=int(t.total),  # type: ignore[arg-type]
        control_events=int(c.events),  # type: ignore[arg-type]
        control_total=int(c.total),  # type: ignore[arg-type]
        derived=p.derived,
        source="; ".join(sources),
        kind=p.kind,
        label=p.label,
    )


def _pairs() -> dict[tuple[str, str, str], ArmCounts]:
    pairs = evidence.benefit_pairs() + [p for p in evidence.appraisal_pairs() if p.comparable]
    return {(p.trial, p.measure, p.timepoint): _from_pair(p) for p in pairs}


def count_pairs() -> list[ArmCounts]:
    """Every treated-vs-control comparison in the data with counts in both arms.

    The comparable pairs of :func:`jia_teach.evidence.benefit_pairs`, then those of the trials
    held for appraisal (``appraisal_outcomes.csv``: ANAJIS). Rows marked ``unconfirmed``,
    Kaplan-Meier percentages and figures without a denominator are left out (they give no 2x2
    table).

    Parameters
    ----------

    Returns
    -------
    list of ArmCounts
        In file order.

    Examples
    --------
    >>> [c.endpoint for c in count_pairs() if c.trial == "canakinumab-1"]
    ['adapted_acr30', 'adapted_acr30', 'adapted_acr70', 'adapted_acr90']
    """
    return list(_pairs().values())


def default_comparison() -> tuple[str, str, str]:
    """The comparison a view opens on when none is given: the last comparison with counts of
    ``trial_outcomes.csv`` (the review's own trials), as ``(trial, end point, time point)``.

    Examples
    --------
    >>> default_comparison()
    ('canakinumab-1', 'adapted_acr90', 'month 1')
    """
    p = evidence.benefit_pairs()[-1]
    return (p.trial, p.measure, p.timepoint)


def arm_counts(trial: str, endpoint: str, timepoint: str) -> ArmCounts:
    """The counts of one comparison.

    Parameters
    ----------
    trial, endpoint, timepoint : str
        As in ``data/trial_outcomes.csv``.

    Returns
    -------
    ArmCounts

    Raises
    ------
    jia_teach.rules.errors.InvalidValueError
        When the data hold no such comparison with counts in both arms.
    """
    pairs = _pairs()
    key = (trial, endpoint, timepoint)
    if key not in pairs:
        raise InvalidValueError(
            f"no active-vs-placebo counts for {trial}, {endpoint}, {timepoint}",
            column="trial/endpoint/timepoint",
            allowed="; ".join(", ".join(k) for k in pairs),
        )
    return pairs[key]


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


def harm_percentages(trial: str, event: str, phase: str) -> PercentPair:
    """The per-arm risks of an adverse event given as percentages of patients (no counts).

    Examples
    --------
    >>> p = harm_percentages("TENDER", "infusion_reaction_during", "12-week double-blind")
    >>> p.treated_risk, p.control_risk
    (0.04, 0.0)
    """
    p = evidence.harm_pair(trial, event, phase)
    if not p.percentages_only or p.treated is None:
        raise InvalidValueError(
            f"no per-arm percentages for {trial}, {event}, {phase}",
            column="trial/event/phase",
            allowed="an adverse event given as percentages of patients in both arms",
        )
    treated, control = p.risks()
    return PercentPair(trial, event, phase, p.treated.arm, treated, control, p.treated.source)


def harm_counts(trial: str, event: str, phase: str) -> ArmCounts:
    """The counts of an adverse event with patients and denominators in both arms.

    Examples
    --------
    >>> c = harm_counts("TENDER", "neutrophils_below_1e9_per_l", "12-week double-blind")
    >>> c.counts_text, c.derived
    ('tocilizumab 5/75 vs placebo 0/37', True)
    """
    p = evidence.harm_pair(trial, event, phase)
    if not p.comparable:
        raise InvalidValueError(
            f"no counts for {trial}, {event}, {phase}: {p.why_not}",
            column="trial/event/phase",
            allowed="an adverse event with patients and denominators in both arms",
        )
    return _from_pair(p)
