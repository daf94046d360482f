"""GRADE summary of findings: absolute effects per 1,000, certainty, and every reason.

For each key outcome (``data/grade_outcomes.csv``) the table gives the risk with placebo and
with the drug per 1,000 children, the difference with its interval (from
:mod:`jia_teach.effects` for counts), the relative effect, and the certainty of the evidence:
it starts at *high* for a randomized comparison (*low* otherwise) and moves one level for each
serious concern (two for very serious), each change with its reason:

* **risk of bias** - computed from the worked RoB 2 assessment (``data/risk_of_bias.csv``):
  overall low -> not serious; some concerns -> serious (-1); high -> very serious (-2). Where
  RoB 2 does not apply (a pooled rate), the judgement and its reason are data
  (``data/grade_judgements.csv``);
* **imprecision** - computed from the interval, the minimal important difference (MID, a
  stated choice per outcome) and the optimal information size (:func:`optimal_information_size`):
  no interval computable -> -1; the interval includes both an important benefit and an
  important harm (beyond -MID and +MID) -> -2; it includes no effect, or effects both smaller
  and larger than the MID -> -1; otherwise, fewer children than the OIS -> -1; else not
  serious;
* **inconsistency, indirectness, publication bias** (and any up-grade) - judgements, each with
  its reason and source, in ``data/grade_judgements.csv``.

Everything here is *our appraisal, argued from the published design*.

Optimal information size: the total number of children a single trial would need to detect the
MID, two-sided alpha 0.05 and power 0.80, comparing two proportions by Cohen's arcsine effect
size h with the trial's own allocation ratio (statsmodels ``NormalIndPower``), with the control
risk of the trial and the alternative risk ``control +- MID`` in the MID's direction.

References
----------
Guyatt GH, Oxman AD, Kunz R, et al. GRADE guidelines 6. Rating the quality of evidence -
imprecision. J Clin Epidemiol 2011;64:1283-93.
Guyatt GH, Oxman AD, Vist G, et al. GRADE guidelines 4. Rating the quality of evidence - study
limitations (risk of bias). J Clin Epidemiol 2011;64:407-15.

Examples
--------
>>> sof = summary_of_findings()
>>> f = sof["tender_primary"]
>>> f.absolute_text
'610 more per 1,000 (95% CI 425 more to 736 more)'
>>> f.certainty
'low'
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from jia_teach.data import OUR_APPRAISAL
from jia_teach.errors import InvalidValueError

__all__ = [
    "CERTAINTY",
    "ROB_TO_GRADE",
    "Finding",
    "InformationSize",
    "Rating",
    "SummaryOfFindings",
    "Table",
    "imprecision_rating",
    "optimal_information_size",
    "summary_of_findings",
]

#: Certainty level -> word.
CERTAINTY: dict[int, str] = {4: "high", 3: "moderate", 2: "low", 1: "very low"}
_SYMBOLS: dict[int, str] = {4: "⊕⊕⊕⊕", 3: "⊕⊕⊕◯", 2: "⊕⊕◯◯", 1: "⊕◯◯◯"}
#: RoB 2 overall judgement -> GRADE risk-of-bias change.
ROB_TO_GRADE: dict[str, int] = {"low": 0, "some_concerns": -1, "high": -2}
_DOMAIN_ORDER = (
    "risk_of_bias",
    "inconsistency",
    "indirectness",
    "imprecision",
    "publication_bias",
    "large_effect",
    "dose_response",
    "residual_confounding",
)
_DOMAIN_NAMES = {d: d.replace("_", " ").capitalize() for d in _DOMAIN_ORDER}
_SEVERITY = {0: "not serious", -1: "serious", -2: "very serious", 1: "+1", 2: "+2"}


def _round(x: float) -> int:
    """Round half away from zero (610.5 -> 611, -0.5 -> -1)."""
    return int(Decimal(repr(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------------------------------
# optimal information size and imprecision
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class InformationSize:
    """The optimal information size of one outcome."""

    total: int
    treated: int
    control: int
    control_risk: float
    alternative_risk: float
    effect_size: float
    alpha: float
    power: float

    @property
    def text(self) -> str:
        """How it was computed, in one sentence.

        Examples
        --------
        >>> optimal_information_size(0.243, 0.2, ratio=37 / 75).text
        'OIS 197 children (treated 132, control 65): control risk 24.3% vs 44.3%, Cohen h 0.43, two-sided alpha 0.05, power 0.80.'
        """  # noqa: E501
        return (
            f"OIS {self.total} children (treated {self.treated}, control {self.control}): "
            f"control risk {100 * self.control_risk:.1f}% vs {100 * self.alternative_risk:.1f}%,"
            f" Cohen h {self.effect_size:.2f}, two-sided alpha {self.alpha:g}, power "
            f"{self.power:.2f}."
        )


def optimal_information_size(
    control_risk: float,
    mid: float,
    *,
    direction: str = "increase",
    ratio: float = 1.0,
    alpha: float = 0.05,
    power: float = 0.80,
) -> InformationSize:
    """Children a single trial needs to detect the MID (two proportions, Cohen's h).

    Parameters
    ----------
    control_risk : float
        Risk in the control arm (0 to 1).
    mid : float
        Minimal important absolute difference (a proportion, > 0).
    direction : {"increase", "decrease"}
        Whether the important change is a rise or a fall from the control risk.
    ratio : float, default 1
        Control arm size / treated arm size (TENDER: 37 / 75).
    alpha, power : float
        Two-sided significance level and power.

    Returns
    -------
    InformationSize

    Examples
    --------
    >>> optimal_information_size(0.75, 0.2, direction="decrease").total
    176
    """
    for name, v, lo, hi in (
        ("control_risk", control_risk, 0.0, 1.0),
        ("mid", mid, 0.0, 1.0),
        ("alpha", alpha, 0.0, 1.0),
        ("power", power, 0.0, 1.0),
    ):
        low_ok = v >= lo if name == "control_risk" else v > lo  # a control risk may be 0
        if isinstance(v, bool) or not isinstance(v, int | float) or not (low_ok and v < hi):
            raise InvalidValueError(f"{v!r} is out of range", column=name, allowed=f"{lo} to {hi}")
    if direction not in ("increase", "decrease"):
        raise InvalidValueError(
            f"unknown direction {direction!r}", column="direction", allowed="increase, decrease"
        )
    if not ratio > 0:
        raise InvalidValueError(f"{ratio!r} is not positive", column="ratio", allowed="> 0")
    alt = control_risk + (mid if direction == "increase" else -mid)
    if not 0 < alt < 1:
        raise InvalidValueError(
            f"control risk {control_risk:g} {'+' if direction == 'increase' else '-'} MID "
            f"{mid:g} leaves 0 to 1",
            column="mid",
            allowed="a MID that keeps the alternative risk between 0 and 1",
        )
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    h = abs(float(proportion_effectsize(alt, control_risk)))
    n1 = float(
        NormalIndPower().solve_power(
            effect_size=h, alpha=alpha, power=power, ratio=ratio, alternative="two-sided"
        )
    )
    treated, control = math.ceil(n1 - 1e-9), math.ceil(n1 * ratio - 1e-9)
    return InformationSize(
        treated + control, treated, control, float(control_risk), alt, h, alpha, power
    )


@dataclass(frozen=True)
class Rating:
    """One GRADE domain's change of certainty and its reason."""

    domain: str
    change: int
    reason: str
    source: str = ""

    @property
    def text(self) -> str:
        """E.g. ``'Imprecision: serious (-1). ...'``."""
        sev = _SEVERITY[self.change]
        sign = f" ({self.change:+d})" if self.change else ""
        return f"{_DOMAIN_NAMES[self.domain]}: {sev}{sign}. {self.reason}"


def imprecision_rating(
    ci: tuple[float, float] | None,
    mid: float,
    *,
    direction: str = "increase",
    n_total: int | None = None,
    ois: InformationSize | None = None,
    unit: str = "proportion",
    no_interval_reason: str = "no confidence interval can be computed from the published figures",
) -> Rating:
    """The imprecision rating from an interval, the MID and the optimal information size.

    Parameters
    ----------
    ci : tuple of float or None
        Interval of the absolute difference (treated minus control) in the MID's unit; None
        when it cannot be computed.
    mid : float
        Minimal important difference (> 0), same unit.
    direction : {"increase", "decrease"}
        The direction of the important change (a response rises; a flare falls).
    n_total, ois : optional
        Children studied and the OIS; when both are given an interval that passes the MID
        tests is still rated down if ``n_total < ois.total``.
    unit : str
        Unit of ``ci`` and ``mid`` for the reason text (``proportion`` prints percentage
        points).

    Returns
    -------
    Rating

    Examples
    --------
    >>> imprecision_rating((0.425, 0.736), 0.2).change
    0
    >>> imprecision_rating((-0.156, 0.059), 0.01, unit="per 1").change
    -2
    >>> imprecision_rating(None, 0.05).reason
    'Serious: no confidence interval can be computed from the published figures.'
    """
    if ci is None:
        return Rating("imprecision", -1, f"Serious: {no_interval_reason}.")
    low, high = ci
    if unit == "proportion":

        def fmt(v: float) -> str:
            return f"{100 * v:.1f}"

        u = " percentage points"
    else:

        def fmt(v: float) -> str:
            return f"{v:g}"

        u = f" {unit}"
    interval = f"95% CI {fmt(low)} to {fmt(high)}{u}"
    threshold = mid if direction == "increase" else -mid
    if low < -mid and high > mid:
        return Rating(
            "imprecision",
            -2,
            f"Very serious: the {interval} includes important effects in both directions "
            f"(MID {fmt(mid)}{u}).",
        )
    if low < 0 < high:
        return Rating("imprecision", -1, f"Serious: the {interval} includes no effect.")
    if low < threshold < high:
        return Rating(
            "imprecision",
            -1,
            f"Serious: the {interval} includes effects both smaller and larger than the MID "
            f"({fmt(threshold)}{u}).",
        )
    if ois is not None and n_total is not None and n_total < ois.total:
        return Rating(
            "imprecision",
            -1,
            f"Serious: {n_total} children is fewer than the optimal information size. {ois.text}",
        )
    ois_text = f" {n_total} children >= {ois.text}" if ois is not None and n_total else ""
    return Rating(
        "imprecision",
        0,
        f"Not serious: the {interval} lies wholly on one side of the MID "
        f"({fmt(threshold)}{u}) and excludes no effect.{ois_text}",
    )


# --------------------------------------------------------------------------------------------
# one row of the table
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One outcome of the summary of findings.

    Absolute figures are per 1,000 children (or per 1,000 patient-years, see ``per``); None
    where the published figures do not allow them.
    """

    outcome_id: str
    label: str
    question: str
    importance: str
    studies: str
    per: str
    control: float | None
    treated: float | None
    difference: float | None
    difference_ci: tuple[float, float] | None
    relative: str
    design: str
    ratings: tuple[Rating, ...]
    figures: str
    notes: tuple[str, ...] = ()
    ois: InformationSize | None = None

    @property
    def start(self) -> int:
        """4 (high) for a randomized comparison, 2 (low) otherwise."""
        return 4 if self.design == "randomized" else 2

    @property
    def level(self) -> int:
        """The certainty level, 1 (very low) to 4 (high)."""
        return max(1, min(4, self.start + sum(r.change for r in self.ratings)))

    @property
    def certainty(self) -> str:
        """``high``, ``moderate``, ``low`` or ``very low``."""
        return CERTAINTY[self.level]

    @property
    def certainty_text(self) -> str:
        """E.g. ``'⊕⊕⊕◯ Moderate'``."""
        return f"{_SYMBOLS[self.level]} {self.certainty.capitalize()}"

    @property
    def absolute_text(self) -> str:
        """The difference per 1,000 with its interval, or why there is none."""
        if self.difference is None:
            return "not estimable"
        text = _more_fewer(self.difference, self.per)
        if self.difference_ci is None:
            return text + " (no interval: percentages only)"
        low, high = self.difference_ci
        return f"{text} (95% CI {_more_fewer(low, '')} to {_more_fewer(high, '')})"

    def row(self) -> dict[str, str]:
        """The table row as text."""
        return {
            "Outcome": f"{self.label} ({self.importance})",
            "Studies": self.studies,
            "With placebo": _risk(self.control, self.per),
            "With drug": _risk(self.treated, self.per),
            "Difference": self.absolute_text,
            "Relative effect": self.relative,
            "Certainty": self.certainty_text,
            "Reasons": " ".join(r.text for r in self.ratings if r.change) or "None",
        }

    def __str__(self) -> str:
        lines = [f"{self.label} [{self.question}]", f"  Figures: {self.figures}"]
        lines += [f"  {k}: {v}" for k, v in self.row().items() if k not in ("Outcome", "Reasons")]
        lines += [f"  {r.text}" for r in self.ratings]
        lines += [f"  Note: {n}" for n in self.notes]
        return "\n".join(lines)


def _more_fewer(x: float, per: str) -> str:
    n = _round(x)
    tail = f" {per}" if per else ""
    if n == 0:
        return f"0 more{tail}"
    return f"{abs(n)} {'more' if n > 0 else 'fewer'}{tail}"


def _risk(x: float | None, per: str) -> str:
    return "not estimable" if x is None else f"{_round(x)} {per}"


# --------------------------------------------------------------------------------------------
# the table
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class SummaryOfFindings:
    """The summary-of-findings table: a sequence of :class:`Finding`."""

    findings: tuple[Finding, ...]
    appraisal: str = OUR_APPRAISAL

    def __repr__(self) -> str:
        return f"SummaryOfFindings({len(self.findings)} outcomes; {self.appraisal})"

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __getitem__(self, outcome_id: str) -> Finding:
        for f in self.findings:
            if f.outcome_id == outcome_id:
                return f
        raise KeyError(outcome_id)

    def compact(self, columns: Sequence[str] = ("Outcome", "Difference", "Certainty")) -> Table:
        """A few columns of the table, untruncated, for a slide.

        Examples
        --------
        >>> t = summary_of_findings(["tender_primary"]).compact()
        >>> print(t)
        Outcome | Difference | Certainty
        JIA ACR30 and absence of fever (primary end point), week 12 (critical) | 610 more per 1,000 (95% CI 425 more to 736 more) | ⊕⊕◯◯ Low
        """  # noqa: E501
        rows = [f.row() for f in self.findings]
        unknown = [c for c in columns if rows and c not in rows[0]]
        if unknown:
            raise InvalidValueError(
                f"unknown columns {unknown}", column="columns", allowed=", ".join(rows[0])
            )
        return Table(tuple(columns), tuple(tuple(r[c] for c in columns) for r in rows))

    def to_frame(self) -> Any:
        """The table as a pandas DataFrame of text (one row per outcome)."""
        import pandas as pd

        return pd.DataFrame([f.row() for f in self.findings]).astype("string")

    def __str__(self) -> str:
        head = f"Summary of findings ({self.appraisal}). Absolute effects per 1,000."
        return "\n\n".join([head, *(str(f) for f in self.findings)])

    def _repr_html_(self) -> str:
        """The GRADE layout: one row per outcome, each down-grade a lettered footnote."""
        esc = html.escape
        cols = [c for c in (self.findings[0].row() if self.findings else {}) if c != "Reasons"]
        head = "".join(f"<th style='text-align:left'>{esc(c)}</th>" for c in cols)
        body, notes = "", []
        for f in self.findings:
            marks = []
            for r in f.ratings:
                if r.change:
                    notes.append(r.text)
                    marks.append(_letter(len(notes)))
            row = f.row()
            if marks:
                row["Certainty"] += f" ({', '.join(marks)})"
            cells = "".join(
                f"<td style='text-align:left;vertical-align:top'>{esc(row[c])}</td>" for c in cols
            )
            body += f"<tr>{cells}</tr>"
        items = "".join(
            f"<li><b>{_letter(i)}</b> {esc(n)}</li>" for i, n in enumerate(notes, start=1)
        )
        return (
            "<table class='jia-sof' style='font-size:smaller'><caption>Summary of findings "
            f"<i>({esc(self.appraisal)})</i>: absolute effects per 1,000; certainty by GRADE"
            f"</caption><tr>{head}</tr>{body}</table>"
            f"<ol style='list-style:none;font-size:smaller;padding-left:0'>{items}</ol>"
        )


def _letter(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out


@dataclass(frozen=True)
class Table:
    """A small text table that shows itself whole (no truncation) in HTML and plain text."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __str__(self) -> str:
        return "\n".join(" | ".join(r) for r in (self.columns, *self.rows))

    __repr__ = __str__

    def _repr_html_(self) -> str:
        esc = html.escape
        head = "".join(f"<th style='text-align:left'>{esc(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td style='text-align:left'>{esc(v)}</td>" for v in r) + "</tr>"
            for r in self.rows
        )
        return f"<table class='jia-table'><tr>{head}</tr>{body}</table>"


def _fail(file: str, frame: Any, index: int, column: str, problem: str, allowed: str = ""):
    from jia_teach.validate import data_error

    lines = frame.attrs.get("lines", ())
    row = index + 1
    line = lines[index] if index < len(lines) else None
    return data_error(file, problem, row=row, line=line, column=column, allowed=allowed or None)


def summary_of_findings(
    outcomes: Sequence[str] | None = None,
    *,
    rob_to_grade: Mapping[str, int] | None = None,
    directory: str | Path | None = None,
) -> SummaryOfFindings:
    """Build the summary of findings from the data (validated across files).

    Parameters
    ----------
    outcomes : sequence of str, optional
        ``outcome_id`` values to include, in this order; default every outcome in
        ``data/grade_outcomes.csv``.
    rob_to_grade : mapping, optional
        RoB 2 overall judgement -> GRADE change (default :data:`ROB_TO_GRADE`). Pass e.g.
        ``{"low": 0, "some_concerns": 0, "high": -1}`` to see how much of the certainty rests
        on rating "some concerns" down.
    directory : str or Path, optional
        Data folder to read instead of the package data.

    Returns
    -------
    SummaryOfFindings

    Raises
    ------
    jia_teach.errors.DataFileError
        A judgement for an unknown outcome, an outcome without its inconsistency,
        indirectness or publication-bias judgement, a risk-of-bias judgement both computed
        and stored (or neither), an unknown RoB 2 outcome, or figures the data do not hold;
        the message names the file, the row and the column.
    """
    from jia_teach import data
    from jia_teach.appraisal import rob

    out_frame = data.load_grade_outcomes(directory)
    jud_frame = data.load_grade_judgements(directory)
    assessments = {a.key: a for a in rob.worked_assessments(directory)}
    ids = list(out_frame["outcome_id"])
    for i, oid in enumerate(jud_frame["outcome_id"]):
        if oid not in ids:
            raise _fail(
                "grade_judgements.csv",
                jud_frame,
                i,
                "outcome_id",
                f"unknown outcome_id {oid!r}",
                "an outcome_id of grade_outcomes.csv",
            )
    findings = []
    records = out_frame.to_dict(orient="records")
    wanted = list(outcomes) if outcomes is not None else ids
    for oid in wanted:
        if oid not in ids:
            raise InvalidValueError(
                f"unknown outcome {oid!r}", column="outcomes", allowed=", ".join(ids)
            )
        i = ids.index(oid)
        rule = dict(ROB_TO_GRADE if rob_to_grade is None else rob_to_grade)
        findings.append(_finding(records[i], i, out_frame, jud_frame, assessments, rule, directory))
    return SummaryOfFindings(tuple(findings))


def _judgements(oid: str, i: int, out_frame: Any, jud_frame: Any, rob_computed: bool):
    rows = jud_frame[jud_frame["outcome_id"] == oid]
    domains = list(rows["domain"])
    need = ["inconsistency", "indirectness", "publication_bias"]
    if not rob_computed:
        need.append("risk_of_bias")
    for d in need:
        if d not in domains:
            raise _fail(
                "grade_outcomes.csv",
                out_frame,
                i,
                "outcome_id",
                f"{oid} has no {d} judgement in grade_judgements.csv",
                "one row for each of " + ", ".join(need),
            )
    if rob_computed and "risk_of_bias" in domains:
        j = int(rows.index[domains.index("risk_of_bias")])
        raise _fail(
            "grade_judgements.csv",
            jud_frame,
            j,
            "domain",
            f"{oid}: risk of bias is computed from risk_of_bias.csv (rob_outcome is set)",
            "no risk_of_bias row when grade_outcomes.csv names a rob_outcome",
        )
    return [
        Rating(str(r["domain"]), int(r["change"]), str(r["reason"]), str(r["source"]))
        for r in rows.to_dict(orient="records")
    ]


def _finding(
    r: dict, i: int, out_frame: Any, jud_frame: Any, assessments: dict, rule: dict, directory
):
    import pandas as pd

    from jia_teach import effects, evidence
    from jia_teach.effects import compare_arms
    from jia_teach.labels import arm_role

    def given(v: Any) -> bool:
        return v is not None and not pd.isna(v)

    oid, kind, trial = str(r["outcome_id"]), str(r["kind"]), str(r["trial"])
    mid, direction = float(r["mid"]), str(r["important_change"])
    notes: list[str] = [str(r["note"])] if given(r["note"]) else []
    ratings: list[Rating] = []
    rob_outcome = str(r["rob_outcome"]) if given(r["rob_outcome"]) else None
    if rob_outcome is not None:
        a = assessments.get((trial, rob_outcome))
        if a is None:
            raise _fail(
                "grade_outcomes.csv",
                out_frame,
                i,
                "rob_outcome",
                f"no risk-of-bias assessment {trial} / {rob_outcome}",
                "; ".join(f"{t} / {o}" for t, o in assessments),
            )
        concerns = [
            rob_domain.short
            for rob_domain, d in ((_rob_domain(d.domain), d) for d in a.domains)
            if d.judgement in ("some_concerns", "high")
        ]
        if a.overall == "not_applicable":
            ratings.append(
                Rating(
                    "risk_of_bias",
                    0,
                    "RoB 2 does not apply (no randomized "
                    "comparison): certainty starts at low instead.",
                )
            )
        else:
            change = int(rule[a.overall])
            worded = {"low": "low", "some_concerns": "some concerns", "high": "high"}[a.overall]
            where = f" (concerns in {', '.join(concerns)})" if concerns else ""
            ratings.append(
                Rating(
                    "risk_of_bias",
                    change,
                    f"RoB 2 overall {worded}{where}, from our worked assessment of "
                    f"'{a.outcome_label}'.",
                    "risk_of_bias.csv",
                )
            )
    ratings += _judgements(oid, i, out_frame, jud_frame, rob_outcome is not None)

    def randomized_n() -> int | None:
        return evidence.arm_size(trial, "all", directory=directory)

    control = treated = diff = None
    ci: tuple[float, float] | None = None
    per, relative = "per 1,000", "not estimable"
    ois = None
    n_total: int | None = None
    no_interval = "no confidence interval can be computed from the published figures"
    endpoint, timepoint = str(r["endpoint"]), str(r["timepoint"])
    try:
        if kind in ("outcome", "harm"):
            if kind == "outcome":
                p = evidence.pair(trial, endpoint, timepoint, directory=directory)
            else:
                p = evidence.harm_pair(trial, endpoint, timepoint, directory=directory)
            n = randomized_n()
            studies = (f"{n} children randomized, " if n else "") + "1 randomized trial"
            figures = p.counts_text + (" (derived counts)" if p.derived else "")
            if p.comparable:
                comp = compare_arms(**p.arm_counts())
                control, treated = 1000 * comp.risk_control, 1000 * comp.risk_treated
                diff = 1000 * comp.risk_difference
                ci = (1000 * comp.risk_difference_ci[0], 1000 * comp.risk_difference_ci[1])
                relative = _rr_text(comp)
                n_total = comp.treated_total + comp.control_total
                studies = f"{n_total} children, 1 randomized trial"
                if p.derived:
                    relative += effects.DERIVED_TAG
                    notes.append("Every figure of this row comes from derived counts.")
                ois = optimal_information_size(
                    comp.risk_control,
                    mid,
                    direction=direction,
                    ratio=comp.control_total / comp.treated_total,
                )
            elif p.why_no_point is None:  # percentages of both arms: a point, no interval
                t, c = p.risks()
                control, treated, diff = 1000 * c, 1000 * t, 1000 * (t - c)
                no_interval = f"{p.why_not}"
            else:
                no_interval = f"{p.why_no_point}"
        elif kind == "hazard_ratio":
            eff = evidence.reported_effect(str(r["effect_id"]), directory=directory)
            p = evidence.pair(trial, endpoint, timepoint, directory=directory)
            if p.control is None or p.control.percent is None:
                raise InvalidValueError("no placebo risk")
            cr = float(p.control.percent) / 100

            def risk(hr: float) -> float:
                return 1 - (1 - cr) ** hr

            control, treated = 1000 * cr, 1000 * risk(eff.estimate)
            diff = treated - control
            if eff.ci_low is not None and eff.ci_high is not None:
                ci = (1000 * risk(eff.ci_low) - control, 1000 * risk(eff.ci_high) - control)
            relative = eff.text.replace("Hazard ratio", "HR")
            n_total = randomized_n()
            studies = (f"{n_total} children, " if n_total else "") + "1 randomized trial"
            figures = f"{eff.text}; placebo Kaplan-Meier risk {100 * cr:g}%"
            ois = optimal_information_size(cr, mid, direction=direction)
        else:  # rate_difference: the arms' rates and the reported difference, per 100 PY
            eff = evidence.reported_effect(str(r["effect_id"]), directory=directory)
            p = evidence.harm_pair(trial, endpoint, timepoint, directory=directory)
            rates = {
                arm_role(f.arm): float(f.value)
                for f in p.figures
                if f.unit == "events_per_100_patient_years" and f.value is not None
            }
            if set(rates) != {"treated", "control"} or eff.ci_low is None:
                raise InvalidValueError("no rates in both arms, or no interval")
            per = "per 1,000 patient-years"
            control, treated = 10 * rates["control"], 10 * rates["treated"]
            diff = 10 * eff.estimate
            ci = (10 * eff.ci_low, 10 * float(eff.ci_high))  # type: ignore[arg-type]
            relative = "not reported"
            studies = "pooled adjudication, canakinumab sJIA trials"
            figures = (
                f"{rates['treated']:g} vs {rates['control']:g} events per 100 patient-years; "
                f"{eff.text}"
            )
    except InvalidValueError as exc:
        raise _fail(
            "grade_outcomes.csv",
            out_frame,
            i,
            "endpoint",
            f"{oid}: the data hold no usable figures for it ({exc.problem})",
            "a trial, end point and time point with figures in the trial files",
        ) from None
    # imprecision, in the MID's unit
    if kind == "rate_difference":
        scaled = None if ci is None else (ci[0] / 10, ci[1] / 10)
        imp = imprecision_rating(scaled, mid, direction=direction, unit=str(r["mid_unit"]))
    else:
        scaled = None if ci is None else (ci[0] / 1000, ci[1] / 1000)
        imp = imprecision_rating(
            scaled,
            mid,
            direction=direction,
            n_total=n_total,
            ois=ois,
            no_interval_reason=no_interval,
        )
    ratings.append(imp)
    ratings.sort(key=lambda x: _DOMAIN_ORDER.index(x.domain))
    return Finding(
        outcome_id=oid,
        label=str(r["label"]),
        question=str(r["question"]),
        importance=str(r["importance"]),
        studies=studies,
        per=per,
        control=control,
        treated=treated,
        difference=diff,
        difference_ci=ci,
        relative=relative,
        design=str(r["design"]),
        ratings=tuple(ratings),
        figures=figures,
        notes=(*notes, f"MID: {_mid_text(mid, str(r['mid_unit']))}. {r['mid_reason']}"),
        ois=ois,
    )


def _mid_text(mid: float, unit: str) -> str:
    return f"{100 * mid:g} percentage points" if unit == "proportion" else f"{mid:g} {unit}"


def _rr_text(comp: Any) -> str:
    lo, hi = comp.relative_risk_ci
    return f"RR {_num(comp.relative_risk)} (95% CI {_num(lo)} to {_num(hi)})"


def _num(x: float) -> str:
    return "infinity" if math.isinf(x) else f"{x:.2f}"


def _rob_domain(code: str) -> Any:
    from jia_teach.appraisal.rob import DOMAINS

    return DOMAINS[code]
