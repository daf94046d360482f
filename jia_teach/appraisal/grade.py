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

import math
from collections.abc import Mapping, Sequence
from typing import Any

from jia_teach.appraisal.imprecision import (
    DOMAIN_ORDER,
    InformationSize,
    Rating,
    imprecision_rating,
    optimal_information_size,
)
from jia_teach.appraisal.sof import CERTAINTY, Finding, SummaryOfFindings, Table
from jia_teach.rules.errors import InvalidValueError

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

#: RoB 2 overall judgement -> GRADE risk-of-bias change.
ROB_TO_GRADE: dict[str, int] = {"low": 0, "some_concerns": -1, "high": -2}


def _fail(file: str, frame: Any, index: int, column: str, problem: str, allowed: str = ""):
    from jia_teach.data.validate import data_error

    lines = frame.attrs.get("lines", ())
    row = index + 1
    line = lines[index] if index < len(lines) else None
    return data_error(file, problem, row=row, line=line, column=column, allowed=allowed or None)


def summary_of_findings(
    outcomes: Sequence[str] | None = None,
    *,
    rob_to_grade: Mapping[str, int] | None = None,
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

    Returns
    -------
    SummaryOfFindings

    Raises
    ------
    jia_teach.rules.errors.DataFileError
        A judgement for an unknown outcome, an outcome without its inconsistency,
        indirectness or publication-bias judgement, a risk-of-bias judgement both computed
        and stored (or neither), an unknown RoB 2 outcome, or figures the data do not hold;
        the message names the file, the row and the column.
    """
    from jia_teach.appraisal import rob
    from jia_teach.evidence.appraisal_rows import grade_tables

    out_frame, jud_frame = grade_tables()
    assessments = {a.key: a for a in rob.worked_assessments(held=True)}
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
        findings.append(_finding(records[i], i, out_frame, jud_frame, assessments, rule))
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


def _finding(r: dict, i: int, out_frame: Any, jud_frame: Any, assessments: dict, rule: dict):
    import pandas as pd

    from jia_teach import effects, evidence
    from jia_teach.data.labels import arm_role
    from jia_teach.effects import compare_arms

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
        return evidence.arm_size(trial, "all")

    control = treated = diff = None
    derivation = ""
    ci: tuple[float, float] | None = None
    per, relative = "per 1,000", "not estimable"
    ois = None
    n_total: int | None = None
    no_interval = "no confidence interval can be computed from the published figures"
    endpoint, timepoint = str(r["endpoint"]), str(r["timepoint"])
    try:
        if kind in ("outcome", "harm"):
            if kind == "outcome":
                p = _outcome_pair(trial, endpoint, timepoint)
            else:
                p = evidence.harm_pair(trial, endpoint, timepoint)
            n = randomized_n()
            studies = (f"{n} participants randomized, " if n else "") + "1 randomized trial"
            figures = p.counts_text + (effects.DERIVED_TAG if p.derived else "")
            if p.comparable:
                comp = compare_arms(**p.arm_counts())
                control, treated = 1000 * comp.risk_control, 1000 * comp.risk_treated
                diff = 1000 * comp.risk_difference
                ci = (1000 * comp.risk_difference_ci[0], 1000 * comp.risk_difference_ci[1])
                relative = _rr_text(comp)
                n_total = comp.treated_total + comp.control_total
                studies = f"{n_total} participants, 1 randomized trial"
                if p.derived:
                    relative += effects.DERIVED_TAG
                    derivation = effects.DERIVED_TAG.strip()
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
            eff = evidence.reported_effect(str(r["effect_id"]))
            p = evidence.pair(trial, endpoint, timepoint)
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
            derivation = "(from the HR and the placebo Kaplan-Meier risk)"
            n_total = randomized_n()
            studies = (f"{n_total} participants, " if n_total else "") + "1 randomized trial"
            figures = f"{eff.text}; placebo Kaplan-Meier risk {100 * cr:g}%"
            ois = optimal_information_size(cr, mid, direction=direction)
        else:  # rate_difference: the arms' rates and the reported difference, per 100 PY
            eff = evidence.reported_effect(str(r["effect_id"]))
            p = evidence.harm_pair(trial, endpoint, timepoint)
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
    ratings.sort(key=lambda x: DOMAIN_ORDER.index(x.domain))
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
        derivation=derivation,
    )


def _outcome_pair(trial: str, endpoint: str, timepoint: str) -> Any:
    """The pair of ``trial_outcomes.csv``, else of a trial held for appraisal."""
    from jia_teach import evidence

    for p in evidence.appraisal_pairs(trial):
        if (p.measure, p.timepoint) == (endpoint, timepoint):
            return p
    return evidence.pair(trial, endpoint, timepoint)


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
