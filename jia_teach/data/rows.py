"""The rules of a data file beyond single cells: within a row, across rows, across the file.

Each kind of file has its row rule (outcomes, adverse events, effects, the cohort fit, the
appraisal files) and some a file rule (unique keys, risk-of-bias domains). :func:`data_error` is
the one way every rule (and the cell parser in :mod:`jia_teach.data.validate`) words a problem:
the file, the 1-based data row, the line of the file and the column.

Examples
--------
>>> err = data_error("trial_outcomes.csv", "events exceed total", row=3, line=4, column="events")
>>> str(err).startswith("trial_outcomes.csv, row 3 (line 4 of the file)")
True
"""

from __future__ import annotations

import re
from collections.abc import Callable

from jia_teach.data.labels import ENDPOINT_LABELS
from jia_teach.data.schema import FIT_PARAMETERS, GRADE_UPGRADES, ROB_DOMAINS
from jia_teach.rules.coreset import MARKERS
from jia_teach.rules.errors import DataFileError

__all__ = ["check_rows", "data_error", "decimals", "row_error"]


# --------------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------------
def decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def data_error(
    file: str,
    problem: str,
    *,
    row: int | None = None,
    line: int | None = None,
    column: str | None = None,
    allowed: str | None = None,
) -> DataFileError:
    """A :class:`~jia_teach.rules.errors.DataFileError` whose message starts with the file, the row
    and the line of the file."""
    err = DataFileError(problem, column=column, row=row, allowed=allowed)
    if row is not None:
        label = f"{file}, row {row} (line {line if line is not None else row + 1} of the file)"
    else:
        label = file
    err.args = (err.describe(row_label=label),)
    err.file = file  # type: ignore[attr-defined]
    err.line = line  # type: ignore[attr-defined]
    return err


def row_error(
    file: str, r: dict, problem: str, *, column: str | None = None, allowed: str | None = None
) -> DataFileError:
    """:func:`data_error` for the parsed row ``r``: its data row and file line come from it."""
    return data_error(file, problem, row=r["_row"], line=r["_line"], column=column, allowed=allowed)


# --------------------------------------------------------------------------------------------
# row rules beyond single cells
# --------------------------------------------------------------------------------------------
def _status_rules(file: str, r: dict) -> None:
    if r.get("status") == "derived" and "derived" not in r.get("note", "").lower():
        raise row_error(
            file,
            r,
            "a derived figure needs a note that says how it was derived",
            column="note",
            allowed="a note starting 'derived: ...'",
        )
    if r.get("status") == "unconfirmed" and not r.get("note"):
        raise row_error(file, r, "an unconfirmed figure needs a note", column="note")


def _outcome_rules(file: str, r: dict) -> None:
    events, total, percent = r["events"], r["total"], r["percent"]
    if events and total and int(events) > int(total):
        raise row_error(
            file,
            r,
            f"events {events} is more than total {total}",
            column="events",
            allowed=f"0 to {total}",
        )
    if events and total and percent:
        exact = 100 * int(events) / int(total)
        tolerance = 0.5 * 10 ** -decimals(percent) + 1e-9
        if abs(exact - float(percent)) > tolerance:
            raise row_error(
                file,
                r,
                (
                    f"percent {percent} does not match events/total = {events}/{total} "
                    f"= {exact:.2f}%"
                ),
                column="percent",
                allowed=f"{exact:.2f} rounded to {decimals(percent)} decimal place(s)",
            )
    _status_rules(file, r)


def _ae_rules(file: str, r: dict) -> None:
    value, unit = float(r["value"]), r["unit"]
    if unit in ("patients", "events") and "." in r["value"]:
        raise row_error(
            file,
            r,
            f"{r['value']} {unit} is not a whole number",
            column="value",
            allowed="a whole number of " + unit,
        )
    if unit == "percent_of_patients" and value > 100:
        raise row_error(
            file, r, f"{r['value']} is more than 100%", column="value", allowed="0 to 100"
        )
    if unit == "patients" and r["total"] and value > int(r["total"]):
        raise row_error(
            file,
            r,
            f"{r['value']} patients is more than total {r['total']}",
            column="value",
            allowed=f"0 to {r['total']}",
        )
    _status_rules(file, r)


def _baseline_rules(file: str, r: dict) -> None:
    if r["statistic"] == "percent" and float(r["value"]) > 100:
        raise row_error(
            file, r, f"{r['value']} is more than 100%", column="value", allowed="0 to 100"
        )
    _status_rules(file, r)


def _effect_rules(file: str, r: dict) -> None:
    low, high, est = r["ci_low"], r["ci_high"], float(r["estimate"])
    if bool(low) != bool(high):
        raise row_error(
            file,
            r,
            "give both confidence limits or neither",
            column="ci_low" if not low else "ci_high",
        )
    if low and not float(low) <= est <= float(high):
        raise row_error(
            file,
            r,
            f"estimate {r['estimate']} lies outside its interval {low} to {high}",
            column="estimate",
            allowed=f"{low} to {high}",
        )
    if low and not r["confidence"]:
        raise row_error(
            file,
            r,
            "an interval needs its confidence level",
            column="confidence",
            allowed="e.g. 0.95",
        )
    if r["measure"] == "hazard_ratio" and est <= 0:
        raise row_error(
            file,
            r,
            f"hazard ratio {r['estimate']} must be positive",
            column="estimate",
            allowed="> 0",
        )
    _status_rules(file, r)


def _fit_rules(file: str, r: dict) -> None:
    """A parameter row needs a name the model knows and a value in its range; a target or
    check row needs its time point and the published target it was fitted (or checked) to."""
    known = FIT_PARAMETERS if r["kind"] == "parameter" else ENDPOINT_LABELS
    if r["name"] not in known:
        what = "model parameter" if r["kind"] == "parameter" else "end point"
        raise row_error(
            file, r, f"unknown {what} {r['name']!r}", column="name", allowed=", ".join(known)
        )
    if r["kind"] == "parameter":
        if not r["value"]:
            raise row_error(file, r, "a parameter needs its value", column="value")
        low, high = FIT_PARAMETERS[r["name"]]
        if not low <= float(r["value"]) <= high:
            raise row_error(
                file,
                r,
                f"{r['value']} is out of range for {r['name']}",
                column="value",
                allowed=f"{low:g} to {high:g}",
            )
        return
    for column in ("timepoint", "target", "achieved", "weight", "source_id"):
        if not r[column]:
            raise row_error(file, r, f"a {r['kind']} row needs its {column}", column=column)


_ROW_RULES: dict[str, Callable[[str, dict], None]] = {
    "cohort_fit.csv": _fit_rules,
    "trial_designs.csv": _status_rules,
    "trial_outcomes.csv": _outcome_rules,
    "appraisal_outcomes.csv": _outcome_rules,
    "baseline.csv": _baseline_rules,
    "adverse_events.csv": _ae_rules,
    "reported_effects.csv": _effect_rules,
    "drug_targets.csv": _status_rules,
}


# --------------------------------------------------------------------------------------------
# appraisal files (issue 13): row rules and rules across the rows of one file
# --------------------------------------------------------------------------------------------
def _grade_outcome_rules(file: str, r: dict) -> None:
    if float(r["mid"]) <= 0:
        raise row_error(file, r, "the MID must be positive", column="mid", allowed="> 0")
    if r["kind"] in ("hazard_ratio", "rate_difference") and not r["effect_id"]:
        raise row_error(
            file,
            r,
            f"kind {r['kind']!r} needs the effect_id of reported_effects.csv",
            column="effect_id",
        )


def _grade_judgement_rules(file: str, r: dict) -> None:
    if "." in r["change"]:
        raise row_error(
            file,
            r,
            f"{r['change']!r} is not a whole number of levels",
            column="change",
            allowed="-2, -1, 0, 1 or 2",
        )
    change = int(float(r["change"]))
    if r["domain"] in GRADE_UPGRADES and change < 0:
        raise row_error(
            file, r, f"{r['domain']} can only raise certainty", column="change", allowed="0, 1 or 2"
        )
    if r["domain"] not in GRADE_UPGRADES and change > 0:
        raise row_error(
            file,
            r,
            f"{r['domain']} can only lower certainty",
            column="change",
            allowed="-2, -1 or 0",
        )


def _unique_rule(columns: tuple[str, ...]) -> Callable[[str, list[dict]], None]:
    def rule(file: str, raw: list[dict]) -> None:
        seen: dict[tuple[str, ...], int] = {}
        for r in raw:
            key = tuple(r[c] for c in columns)
            if key in seen:
                raise row_error(
                    file,
                    r,
                    f"{', '.join(key)} is listed twice (first in row {seen[key]})",
                    column=columns[-1],
                    allowed=f"one row per {' x '.join(columns)}",
                )
            seen[key] = r["_row"]

    return rule


def _rob_file_rule(file: str, raw: list[dict]) -> None:
    """Every (trial, outcome) has the five domains once; not_applicable is all or none."""
    _unique_rule(("trial", "outcome", "domain"))(file, raw)
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in raw:
        groups.setdefault((r["trial"], r["outcome"]), []).append(r)
    for (trial, outcome), rows in groups.items():
        last = rows[-1]
        missing = [d for d in ROB_DOMAINS if d not in {r["domain"] for r in rows}]
        if missing:
            raise row_error(
                file,
                last,
                f"{trial} / {outcome} has no judgement for {', '.join(missing)}",
                column="domain",
                allowed="one row for each of " + ", ".join(ROB_DOMAINS),
            )
        na = [r for r in rows if r["judgement"] == "not_applicable"]
        if na and len(na) != len(rows):
            r = na[0]
            raise row_error(
                file,
                r,
                f"{trial} / {outcome}: not_applicable must apply to every domain or none "
                "(RoB 2 either applies to a comparison or it does not)",
                column="judgement",
                allowed="low, some_concerns, high",
            )
        labels = {r["outcome_label"] for r in rows}
        if len(labels) != 1:
            raise row_error(
                file,
                last,
                f"{trial} / {outcome} has {len(labels)} different outcome labels",
                column="outcome_label",
                allowed="the same label on every row of the outcome",
            )


_ROW_RULES.update(
    {
        "grade_outcomes.csv": _grade_outcome_rules,
        "grade_judgements.csv": _grade_judgement_rules,
    }
)
#: Checks across the rows of one file (after the cell and row checks).
_FILE_RULES: dict[str, Callable[[str, list[dict]], None]] = {
    "risk_of_bias.csv": _rob_file_rule,
    "published_appraisals.csv": _unique_rule(("appraisal_id",)),
    "grade_outcomes.csv": _unique_rule(("outcome_id",)),
    "grade_judgements.csv": _unique_rule(("outcome_id", "domain")),
    "drug_targets.csv": _unique_rule(("drug",)),
    "single_arm_appraisals.csv": _unique_rule(("study", "question")),
}


# --------------------------------------------------------------------------------------------
# the simulated cohorts: simulation_trials.csv, simulation_baseline.csv, simulation_targets.csv
# --------------------------------------------------------------------------------------------
#: End points the simulated cohorts can score: JIA ACR (``acr50``), adapted (``adapted_acr30``,
#: fever rule), with the fever rule (``acr30_no_fever``), and the fever-free share.
SIMULABLE_ENDPOINT = re.compile(r"^(adapted_)?acr(30|50|70|90|100)(_no_fever)?$|^fever_free$")


def _needs(file: str, r: dict, column: str, when: str, given: bool) -> None:
    """``column`` is filled exactly when ``given`` (``when`` says the condition in words)."""
    if given and not r[column]:
        raise row_error(file, r, f"{when} needs {column}", column=column)
    if not given and r[column]:
        raise row_error(file, r, f"{column} is only for {when}", column=column, allowed="empty")


def _simulation_trial_rules(file: str, r: dict) -> None:
    medians, shift = r["baseline_from"] == "medians", r["fit"] == "shift"
    _needs(file, r, "shapes_from", "baseline_from = medians", medians)
    _needs(file, r, "borrow_from", "fit = shift", shift)
    if r["treated_arm"] == r["control_arm"]:
        raise row_error(
            file, r, "the treated and the control arm are the same", column="control_arm"
        )


def _simulation_trials_file_rule(file: str, raw: list[dict]) -> None:
    """One row per trial and per seed code; a shift borrows from a fully fitted trial here."""
    _unique_rule(("trial",))(file, raw)
    _unique_rule(("seed_code",))(file, raw)
    full = {r["trial"] for r in raw if r["fit"] == "full"}
    for r in raw:
        if r["borrow_from"] and r["borrow_from"] not in full:
            raise row_error(
                file,
                r,
                f"borrows from {r['borrow_from']!r}, which is not a fully fitted trial of "
                "this file",
                column="borrow_from",
                allowed=", ".join(sorted(full)) or "none",
            )


def _simulation_baseline_rules(file: str, r: dict) -> None:
    """A reported figure has its source; an assumption says so; a setting fits its variable."""
    if r["status"] == "reported":
        for column in ("source_id", "source"):
            if not r[column]:
                raise row_error(file, r, f"a reported figure needs its {column}", column=column)
    elif not r["note"].startswith("ASSUMPTION:"):
        raise row_error(
            file,
            r,
            "an assumption needs a note that says so and why",
            column="note",
            allowed="a note starting 'ASSUMPTION: ...'",
        )
    setting, value = r["setting"], float(r["value"])
    fits = r["variable"] in MARKERS if setting != "at_least" else r["variable"].endswith("joints")
    if not fits:
        raise row_error(
            file,
            r,
            f"{setting} does not apply to {r['variable']}",
            column="variable",
            allowed=", ".join(MARKERS) if setting != "at_least" else "active_joints, lom_joints",
        )
    if setting in ("median", "log_sd") and value <= 0:
        raise row_error(file, r, f"{setting} must be positive", column="value")
    if setting == "at_least" and "." in r["value"]:
        raise row_error(
            file,
            r,
            f"{r['value']} is not a whole number of joints",
            column="value",
            allowed="a whole number",
        )


def _simulation_target_rules(file: str, r: dict) -> None:
    if not SIMULABLE_ENDPOINT.match(r["endpoint"]):
        raise row_error(
            file,
            r,
            f"the simulated cohorts cannot score {r['endpoint']!r}",
            column="endpoint",
            allowed="acrNN, adapted_acrNN, acrNN_no_fever (NN = 30, 50, 70, 90, 100), fever_free",
        )


_ROW_RULES.update(
    {
        "simulation_trials.csv": _simulation_trial_rules,
        "simulation_baseline.csv": _simulation_baseline_rules,
        "simulation_targets.csv": _simulation_target_rules,
    }
)
_FILE_RULES.update(
    {
        "simulation_trials.csv": _simulation_trials_file_rule,
        "simulation_baseline.csv": _unique_rule(("trial", "variable", "setting")),
        "simulation_targets.csv": _unique_rule(("trial", "endpoint", "timepoint")),
    }
)


def check_rows(file: str, raw: list[dict]) -> None:
    """Apply the rules that span a row (and, for ``sources.csv``, the file) to parsed rows.

    Parameters
    ----------
    file : str
        The file name, e.g. ``"trial_outcomes.csv"``.
    raw : list of dict
        The text rows :func:`parse_file` returns, with ``_row`` and ``_line``.

    Raises
    ------
    jia_teach.rules.errors.DataFileError
        Naming the file, row, line and column of the first problem.
    """
    if file == "sources.csv":
        seen: set[str] = set()
        for r in raw:
            if r["source_id"] in seen:
                raise row_error(
                    file, r, f"source_id {r['source_id']!r} is listed twice", column="source_id"
                )
            seen.add(r["source_id"])
    rule = _ROW_RULES.get(file)
    if rule is not None:
        for r in raw:
            rule(file, r)
    file_rule = _FILE_RULES.get(file)
    if file_rule is not None:
        file_rule(file, raw)
