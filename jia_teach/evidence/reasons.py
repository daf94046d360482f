"""Why two arms cannot be compared: the reasons, worded once, and the rules that find them."""

from __future__ import annotations

from collections.abc import Mapping

from jia_teach.data.labels import CONTROL_ARM, arm_role
from jia_teach.evidence.arm_figures import ArmFigure

__all__ = ["REASONS", "harm_choice", "harm_reasons", "outcome_reasons", "population", "split"]

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


def outcome_reasons(figures: tuple[ArmFigure, ...], treated, control) -> tuple[str | None, ...]:
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


def harm_choice(
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
        treated, control = split(chosen)
        if treated is not None and control is not None:
            return treated, control, unit
    treated, control = split(tuple(f for f in figures if f.unit == figures[0].unit))
    return treated, control, None


def harm_reasons(figures: tuple[ArmFigure, ...], treated, control, unit) -> tuple[str | None, ...]:
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


def split(figures: tuple[ArmFigure, ...]) -> tuple[ArmFigure | None, ArmFigure | None]:
    treated = [f for f in figures if arm_role(f.arm) == "treated"]
    control = [f for f in figures if arm_role(f.arm) == "control"]
    return (
        treated[0] if len(treated) == 1 else None,
        control[0] if len(control) == 1 else None,
    )


def population(trial: str, treated: ArmFigure | None, control: ArmFigure | None, designs) -> str:
    """Whether the counts are the whole randomized trial, the arms as given, or a subset."""
    if treated is None or control is None or treated.total is None or control.total is None:
        return ""
    randomized = designs[(designs["trial"] == trial) & (designs["phase"] == "randomized")]
    arms = {str(a): int(n) for a, n in zip(randomized["arm"], randomized["n"], strict=True)}
    full = arms.get(CONTROL_ARM) == control.total and arms.get(treated.arm) == treated.total
    if full and arms.get("all") == treated.total + control.total:
        return "all randomized"
    return "denominators as given by the source" if full else "subset given by the source"
