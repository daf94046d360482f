"""Risk of bias (RoB 2) as data: domains, worked judgements and the overall rule.

The worked judgements in ``data/risk_of_bias.csv`` are *our appraisal, argued from the
published design*: for each trial, outcome and domain, a judgement, the design facts that
support it (each with its source) and why. They are never presented as published fact. The
overall judgement is not stored; :func:`overall_judgement` computes it by the RoB 2 rule.

The domain questions below are our paraphrase of what each RoB 2 domain asks; the RoB 2
signalling questions themselves are not reproduced (their text is not openly licensed).

The RoB 2 overall rule (Sterne 2019):

* **low** when every domain is low;
* **high** when any domain is high;
* **some concerns** otherwise (at least one domain with some concerns, none high). RoB 2
  lets an appraiser call an outcome high when several domains have some concerns "in a way
  that substantially lowers confidence"; that is a judgement, so it happens here only when
  asked for (``escalate_at``).
* **not applicable** when RoB 2 does not apply to the outcome at all (no randomized
  comparison): every domain is then ``not_applicable``.

References
----------
Sterne JAC, Savovic J, Page MJ, et al. RoB 2: a revised tool for assessing risk of bias in
randomised trials. BMJ 2019;366:l4898.

Examples
--------
>>> overall_judgement({"randomization": "low", "deviations": "low", "missing_data": "low",
...                    "measurement": "some_concerns", "selection": "low"})
'some_concerns'
>>> worked_assessment("canakinumab-2", "gc_taper_open_label").overall
'not_applicable'
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jia_teach.data.labels import TRIAL_LABELS
from jia_teach.data.schema import OUR_APPRAISAL, ROB_DOMAINS, ROB_JUDGEMENTS
from jia_teach.rules.errors import InvalidValueError

__all__ = [
    "DOMAINS",
    "JUDGEMENT_LABELS",
    "Domain",
    "DomainComparison",
    "DomainJudgement",
    "RobAssessment",
    "compare_with_worked",
    "judgement_table",
    "overall_judgement",
    "worked_assessment",
    "worked_assessments",
]

#: Display labels of the judgements.
JUDGEMENT_LABELS: dict[str, str] = {
    "low": "Low",
    "some_concerns": "Some concerns",
    "high": "High",
    "not_applicable": "Not applicable",
}


@dataclass(frozen=True)
class Domain:
    """One RoB 2 domain with our paraphrase of what it asks."""

    code: str
    number: int
    title: str
    asks: tuple[str, ...]

    @property
    def short(self) -> str:
        """``'D1 Randomization process'``."""
        return f"D{self.number} {self.title}"


#: The five RoB 2 domains, in order, with paraphrased questions.
DOMAINS: dict[str, Domain] = {
    d.code: d
    for d in (
        Domain(
            "randomization",
            1,
            "Randomization process",
            (
                "Was the order of allocation random?",
                "Did the allocation stay hidden from those enrolling children until each was "
                "assigned?",
                "Do differences between the arms at baseline hint at a problem with it?",
            ),
        ),
        Domain(
            "deviations",
            2,
            "Deviations from intended interventions",
            (
                "Did children, parents and the people treating them know the assigned arm?",
                "If so, did the trial setting lead to departures from the assigned treatment "
                "that could change the outcome, unevenly between the arms?",
                "Was every child analysed in the arm to which they were randomized?",
            ),
        ),
        Domain(
            "missing_data",
            3,
            "Missing outcome data",
            (
                "Is the outcome known for all, or nearly all, randomized children?",
                "If not, is there evidence that the result is not biased by what is missing?",
                "Could whether an outcome is missing depend on the outcome itself?",
            ),
        ),
        Domain(
            "measurement",
            4,
            "Measurement of the outcome",
            (
                "Was the outcome measured in a suitable way, the same way in both arms?",
                "Did those assessing the outcome know the assigned arm?",
                "Could that knowledge have swayed the assessment?",
            ),
        ),
        Domain(
            "selection",
            5,
            "Selection of the reported result",
            (
                "Was the analysis planned before unblinded results were seen?",
                "Could the reported result have been picked from several measurements "
                "(definitions, scales, time points) or several analyses?",
            ),
        ),
    )
}
if tuple(DOMAINS) != ROB_DOMAINS:  # pragma: no cover - the schema and this module must agree
    raise RuntimeError("jia_teach.data.ROB_DOMAINS and rob.DOMAINS name different domains")


def _check(name: str, value: object, allowed: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if value not in allowed:
        raise InvalidValueError(
            f"unknown judgement {value!r}", column=name, allowed=", ".join(allowed) + " or None"
        )
    return str(value)


def overall_judgement(
    judgements: Mapping[str, str | None], *, escalate_at: int | None = None
) -> str | None:
    """The overall RoB 2 judgement from the five domain judgements.

    Parameters
    ----------
    judgements : mapping of domain code to judgement
        One entry per domain of :data:`DOMAINS`; ``None`` for a domain not yet judged.
    escalate_at : int, optional
        Call the result ``high`` when at least this many domains have some concerns (the
        appraiser's judgement RoB 2 allows). Default: never.

    Returns
    -------
    str or None
        ``low``, ``some_concerns``, ``high``, ``not_applicable``; None while any domain is
        unjudged.

    Raises
    ------
    jia_teach.rules.errors.InvalidValueError
        An unknown domain or judgement, a missing domain, or ``not_applicable`` mixed with
        other judgements.

    Examples
    --------
    >>> five = dict.fromkeys(DOMAINS, "low")
    >>> overall_judgement(five)
    'low'
    >>> overall_judgement({**five, "selection": "high"})
    'high'
    >>> overall_judgement({**five, "randomization": "some_concerns",
    ...                    "selection": "some_concerns"}, escalate_at=2)
    'high'
    >>> overall_judgement({**five, "measurement": None}) is None
    True
    """
    unknown = sorted(set(judgements) - set(DOMAINS))
    missing = [d for d in DOMAINS if d not in judgements]
    if unknown or missing:
        raise InvalidValueError(
            f"unknown domains {unknown}" if unknown else f"no entry for {', '.join(missing)}",
            column="judgements",
            allowed="one entry for each of " + ", ".join(DOMAINS),
        )
    values = [_check(d, judgements[d], ROB_JUDGEMENTS) for d in DOMAINS]
    if any(v is None for v in values):
        return None
    if "not_applicable" in values:
        if set(values) != {"not_applicable"}:
            raise InvalidValueError(
                "not_applicable mixed with other judgements",
                column="judgements",
                allowed="not_applicable in every domain (RoB 2 does not apply) or in none",
            )
        return "not_applicable"
    if "high" in values:
        return "high"
    concerns = values.count("some_concerns")
    if concerns == 0:
        return "low"
    if escalate_at is not None and concerns >= escalate_at:
        return "high"
    return "some_concerns"


@dataclass(frozen=True)
class DomainJudgement:
    """A worked judgement of one domain, with its facts, reasoning and source."""

    domain: str
    judgement: str
    facts: str
    why: str
    source: str

    @property
    def label(self) -> str:
        """E.g. ``'D3 Missing outcome data: Some concerns'``."""
        return f"{DOMAINS[self.domain].short}: {JUDGEMENT_LABELS[self.judgement]}"


@dataclass(frozen=True)
class RobAssessment:
    """The worked RoB 2 assessment of one trial outcome (*our appraisal*).

    Attributes
    ----------
    trial, outcome, outcome_label : str
    domains : tuple of DomainJudgement
        In the order of :data:`DOMAINS`.
    appraisal : str
        Always :data:`jia_teach.data.OUR_APPRAISAL`.
    """

    trial: str
    outcome: str
    outcome_label: str
    domains: tuple[DomainJudgement, ...]
    appraisal: str = OUR_APPRAISAL

    @property
    def key(self) -> tuple[str, str]:
        """``(trial, outcome)``."""
        return (self.trial, self.outcome)

    @property
    def title(self) -> str:
        """E.g. ``'TENDER (tocilizumab): JIA ACR responses and the primary end point, week 12'``."""
        return f"{TRIAL_LABELS.get(self.trial, self.trial)}: {self.outcome_label}"

    @property
    def judgements(self) -> dict[str, str]:
        """Domain code -> judgement."""
        return {d.domain: d.judgement for d in self.domains}

    @property
    def overall(self) -> str:
        """Overall judgement by the RoB 2 rule (no escalation)."""
        return str(overall_judgement(self.judgements))  # every worked domain is judged

    def __str__(self) -> str:
        lines = [f"{self.title} ({self.appraisal})"]
        for d in self.domains:
            lines.append(f"  {d.label}. {d.why}")
            lines.append(f"    Facts: {d.facts} [{d.source}]")
        lines.append(f"  Overall (RoB 2 rule): {JUDGEMENT_LABELS[self.overall]}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = "".join(
            f"<tr><th style='text-align:left'>{esc(DOMAINS[d.domain].short)}</th>"
            f"<td><b>{esc(JUDGEMENT_LABELS[d.judgement])}</b></td>"
            f"<td style='text-align:left'>{esc(d.facts)}<br><small>{esc(d.source)}</small></td>"
            f"<td style='text-align:left'>{esc(d.why)}</td></tr>"
            for d in self.domains
        )
        return (
            f"<table class='jia-rob'><caption>{esc(self.title)} "
            f"<i>({esc(self.appraisal)})</i></caption>"
            "<tr><th>Domain</th><th>Judgement</th><th>Facts (source)</th><th>Why</th></tr>"
            f"{rows}<tr><th style='text-align:left'>Overall (RoB 2 rule)</th>"
            f"<td><b>{esc(JUDGEMENT_LABELS[self.overall])}</b></td><td></td><td></td></tr>"
            "</table>"
        )


def _held_trials() -> set[str]:
    """Trials held for appraisal: outcomes only in ``appraisal_outcomes.csv``."""
    from jia_teach import evidence

    return {p.trial for p in evidence.appraisal_pairs()} - {
        p.trial for p in evidence.outcome_pairs()
    }


def worked_assessments(*, held: bool = False) -> list[RobAssessment]:
    """Every worked assessment in ``data/risk_of_bias.csv``, in file order.

    Parameters
    ----------
    held : bool
        Also the trials held for appraisal (``appraisal_outcomes.csv``: RAPPORT, CONSIDER),
        which the trial views leave out by default, as they leave out their outcomes.

    Examples
    --------
    >>> [(a.trial, a.outcome, a.overall) for a in worked_assessments()][:2]
    [('TENDER', 'efficacy_week12', 'some_concerns'), ('TENDER', 'harms_week12', 'some_concerns')]
    >>> every = {a.trial for a in worked_assessments(held=True)}
    >>> sorted(every - {a.trial for a in worked_assessments()})
    ['CONSIDER', 'RAPPORT']
    """
    from jia_teach.evidence.appraisal_rows import risk_of_bias_records
    from jia_teach.evidence.records import from_row

    skip = set() if held else _held_trials()
    groups: dict[tuple[str, str], list[DomainJudgement]] = {}
    labels: dict[tuple[str, str], str] = {}
    for r in risk_of_bias_records():
        key = (str(r["trial"]), str(r["outcome"]))
        if key[0] in skip:
            continue
        labels[key] = str(r["outcome_label"])
        groups.setdefault(key, []).append(from_row(DomainJudgement, r))
    order = list(DOMAINS)
    return [
        RobAssessment(
            trial=key[0],
            outcome=key[1],
            outcome_label=labels[key],
            domains=tuple(sorted(doms, key=lambda d: order.index(d.domain))),
        )
        for key, doms in groups.items()
    ]


def worked_assessment(trial: str, outcome: str) -> RobAssessment:
    """One worked assessment by trial and outcome code.

    Raises
    ------
    jia_teach.rules.errors.InvalidValueError
        When the data hold no such assessment.
    """
    found = {a.key: a for a in worked_assessments(held=True)}
    if (trial, outcome) not in found:
        raise InvalidValueError(
            f"no risk-of-bias assessment for {trial} / {outcome}",
            column="trial/outcome",
            allowed="; ".join(f"{t} / {o}" for t, o in found),
        )
    return found[(trial, outcome)]


@dataclass(frozen=True)
class DomainComparison:
    """A learner's judgement of one domain beside the worked one."""

    domain: str
    learner: str | None
    worked: str
    why: str
    facts: str
    source: str

    @property
    def agrees(self) -> bool | None:
        """True or False; None when the learner has not judged this domain."""
        return None if self.learner is None else self.learner == self.worked

    @property
    def text(self) -> str:
        """One line of feedback.

        Examples
        --------
        >>> a = worked_assessment("TENDER", "efficacy_week12")
        >>> compare_with_worked({"randomization": "low"}, a)[0].text.split(".")[0]
        'D1 Randomization process: you said Low, the worked judgement is Some concerns'
        """
        name = DOMAINS[self.domain].short
        worked = JUDGEMENT_LABELS[self.worked]
        if self.learner is None:
            return f"{name}: not judged yet (worked judgement: {worked}). {self.why}"
        mine = JUDGEMENT_LABELS[self.learner]
        if self.agrees:
            return f"{name}: you said {mine}, as the worked judgement does. {self.why}"
        return f"{name}: you said {mine}, the worked judgement is {worked}. {self.why}"


def compare_with_worked(
    learner: Mapping[str, str | None], worked: RobAssessment
) -> list[DomainComparison]:
    """Each domain's learner judgement beside the worked one (missing domains: None).

    Parameters
    ----------
    learner : mapping of domain code to judgement or None
    worked : RobAssessment

    Returns
    -------
    list of DomainComparison
        In domain order.
    """
    unknown = sorted(set(learner) - set(DOMAINS))
    if unknown:
        raise InvalidValueError(
            f"unknown domains {unknown}", column="learner", allowed=", ".join(DOMAINS)
        )
    by_domain = {d.domain: d for d in worked.domains}
    out = []
    for code in DOMAINS:
        mine = _check(code, learner.get(code), ROB_JUDGEMENTS)
        d = by_domain[code]
        out.append(DomainComparison(code, mine, d.judgement, d.why, d.facts, d.source))
    return out


def judgement_table(*, held: bool = False) -> Any:
    """Every worked assessment as a table of words: D1-D5 and the overall judgement.

    Parameters
    ----------
    held : bool
        Also the trials held for appraisal (see :func:`worked_assessments`).

    Returns
    -------
    pandas.DataFrame
        Columns ``Trial``, ``Outcome``, ``D1`` ... ``D5``, ``Overall (RoB 2 rule)``; text.

    Examples
    --------
    >>> judgement_table().iloc[-1, 2:].unique().tolist()
    ['Not applicable']
    """
    import pandas as pd

    rows = []
    for a in worked_assessments(held=held):
        row = {"Trial": TRIAL_LABELS.get(a.trial, a.trial), "Outcome": a.outcome_label}
        for d in a.domains:
            row[f"D{DOMAINS[d.domain].number}"] = JUDGEMENT_LABELS[d.judgement]
        row["Overall (RoB 2 rule)"] = JUDGEMENT_LABELS[a.overall]
        rows.append(row)
    return pd.DataFrame(rows).astype("string")
