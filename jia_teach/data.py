"""Published trial figures shipped with the package, loaded and validated.

The CSV files under ``data/`` (installed as ``jia_teach/_data``) hold every trial figure the
tutorials use, each with its ``status`` (``reported``, ``derived`` or ``unconfirmed``) and its
source. The single source of the figures is the project's evidence sheet; ``data/README.md`` is
the data dictionary.

Every loader returns a *new* :class:`pandas.DataFrame` (a copy of a cached, validated table),
with ``Int64`` counts, ``Float64`` numbers and percentages and ``string`` text and codes. A file
that does not match its schema raises :class:`jia_teach.errors.DataFileError` naming the file,
the 1-based data row (``row N (line N+1 of the file)``) and the column.

Loaders
-------
load_sources, load_designs, load_outcomes, load_baseline, load_adverse_events,
load_reported_effects, load_source_claims; load_all loads and cross-checks every file.

Examples
--------
>>> from jia_teach.data import load_outcomes
>>> out = load_outcomes()
>>> row = out.query("trial == 'TENDER' and arm == 'tocilizumab' and endpoint == 'acr30_no_fever'")
>>> row[["events", "total", "percent", "status"]].to_dict("records")
[{'events': 64, 'total': 75, 'percent': 85.0, 'status': 'reported'}]
>>> str(out["events"].dtype), str(out["percent"].dtype)
('Int64', 'Float64')
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from jia_teach.errors import DataFileError

__all__ = [
    "ARM_LABELS",
    "ENDPOINT_LABELS",
    "GRADE_DOMAINS",
    "GRADE_UPGRADES",
    "OUR_APPRAISAL",
    "ROB_DOMAINS",
    "ROB_JUDGEMENTS",
    "STATUSES",
    "TRIAL_LABELS",
    "claims_check",
    "clear_cache",
    "data_dir",
    "figure_text",
    "load_adverse_events",
    "load_all",
    "load_baseline",
    "load_designs",
    "load_grade_judgements",
    "load_grade_outcomes",
    "load_outcomes",
    "load_published_appraisals",
    "load_reported_effects",
    "load_risk_of_bias",
    "load_source_claims",
    "load_sources",
    "pick",
]

#: Allowed values of every ``status`` column.
STATUSES: tuple[str, ...] = ("reported", "derived", "unconfirmed")

#: Trial codes and their display labels.
TRIAL_LABELS: Mapping[str, str] = {
    "TENDER": "TENDER (tocilizumab)",
    "canakinumab-1": "Canakinumab trial 1",
    "canakinumab-2": "Canakinumab trial 2 (withdrawal)",
    "canakinumab-pooled": "Canakinumab sJIA trials, pooled",
}

#: Arm codes and their display labels (``all``: the whole trial or phase, not one arm).
ARM_LABELS: Mapping[str, str] = {
    "tocilizumab": "Tocilizumab",
    "canakinumab": "Canakinumab",
    "placebo": "Placebo",
    "escape": "Escape (open-label tocilizumab)",
    "all": "All patients",
}

#: Endpoint codes and their display labels.
ENDPOINT_LABELS: Mapping[str, str] = {
    "acr30": "JIA ACR30",
    "acr50": "JIA ACR50",
    "acr70": "JIA ACR70",
    "acr90": "JIA ACR90",
    "acr30_no_fever": "JIA ACR30 + no fever (TENDER primary)",
    "acr70_no_fever": "JIA ACR70 + no fever",
    "adapted_acr30": "Adapted JIA ACR30",
    "adapted_acr70": "Adapted JIA ACR70",
    "adapted_acr90": "Adapted JIA ACR90",
    "fever_free": "Fever-free (14 days)",
    "rash_free": "Rash-free",
    "gc_reduced": "GC dose reduced >= 20% without later ACR30 flare",
    "gc_discontinued": "Glucocorticoids discontinued",
    "oral_gc_discontinued": "Oral glucocorticoids discontinued",
    "gc_taper_attempted": "Glucocorticoid taper attempted",
    "gc_tapered_substantially": "Glucocorticoids tapered substantially",
    "no_active_joints": "No active joints",
    "flare": "Flare",
    "flare_free": "Flare-free",
    "disease_duration": "Disease duration",
    "active_joints": "Active joints",
    "safety": "Safety",
}

_AE_UNITS = ("patients", "events", "percent_of_patients", "events_per_patient_year")
_PHASES = ("randomized", "open_label")
_STATISTICS = ("mean", "median", "percent")
_MEASURES = ("hazard_ratio", "weighted_difference", "p_value")
_VERDICTS = ("consistent", "mislabelled", "not_directly_comparable", "unverified")
_QUALIFIERS = ("<", ">", "<=", ">=")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


# --------------------------------------------------------------------------------------------
# where the files live
# --------------------------------------------------------------------------------------------
def data_dir() -> Path:
    """Return the folder holding the CSV files.

    An installed wheel carries the files inside the package (``jia_teach/_data``); an editable
    install or a clone of the repository reads the repository's ``data/`` folder.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> (data_dir() / "trial_outcomes.csv").is_file()
    True
    """
    packaged = Path(__file__).resolve().parent / "_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "data"


# --------------------------------------------------------------------------------------------
# schema
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Col:
    name: str
    kind: str  # text | code | id | count | number | percent | sources
    required: bool = True
    allowed: tuple[str, ...] | None = None
    multi: bool = False  # several codes separated by ";"
    minimum: float | None = 0.0
    maximum: float | None = None


def _t(name: str, required: bool = False) -> _Col:
    return _Col(name, "text", required=required)


def _c(name: str, allowed: tuple[str, ...] | Mapping[str, str], multi: bool = False) -> _Col:
    return _Col(name, "code", allowed=tuple(allowed), multi=multi)


_SOURCE = _Col("source_id", "sources")
_STATUS = _c("status", STATUSES)

_SCHEMAS: dict[str, tuple[_Col, ...]] = {
    "sources.csv": (
        _Col("source_id", "id"),
        _t("citation", required=True),
        _t("doi"),
        _t("pmid"),
        _t("registry"),
        _t("note"),
    ),
    "trial_designs.csv": (
        _c("trial", TRIAL_LABELS),
        _c("arm", ARM_LABELS),
        _c("phase", _PHASES),
        _Col("n", "count", minimum=1),
        _t("dose"),
        _t("route"),
        _t("schedule"),
        _t("population", required=True),
        _t("timepoints"),
        _STATUS,
        _SOURCE,
        _t("source", required=True),
        _t("note"),
    ),
    "trial_outcomes.csv": (
        _c("trial", TRIAL_LABELS),
        _c("arm", ARM_LABELS),
        _c("endpoint", ENDPOINT_LABELS),
        _t("timepoint", required=True),
        _Col("events", "count", required=False),
        _Col("total", "count", required=False, minimum=1),
        _Col("percent", "percent", required=False, maximum=100),
        _STATUS,
        _t("source", required=True),
        _t("note"),
        _SOURCE,
    ),
    "baseline.csv": (
        _c("trial", TRIAL_LABELS),
        _t("population", required=True),
        _Col("n", "count", required=False, minimum=1),
        _t("variable", required=True),
        _c("statistic", _STATISTICS),
        _Col("value", "number"),
        _Col("sd", "number", required=False),
        _t("unit", required=True),
        _STATUS,
        _t("source", required=True),
        _t("note"),
        _SOURCE,
    ),
    "adverse_events.csv": (
        _c("trial", TRIAL_LABELS),
        _c("arm", ARM_LABELS),
        _t("phase", required=True),
        _t("event", required=True),
        _Col("value", "number"),
        _c("unit", _AE_UNITS),
        _Col("total", "count", required=False, minimum=1),
        _STATUS,
        _t("source", required=True),
        _t("note"),
        _SOURCE,
    ),
    "reported_effects.csv": (
        _Col("effect_id", "id"),
        _c("trial", TRIAL_LABELS),
        _c("endpoint", ENDPOINT_LABELS),
        _t("timepoint", required=True),
        _c("measure", _MEASURES),
        _t("comparison", required=True),
        _Col("qualifier", "code", required=False, allowed=_QUALIFIERS),
        _Col("estimate", "number", minimum=None),
        _Col("ci_low", "number", required=False, minimum=None),
        _Col("ci_high", "number", required=False, minimum=None),
        _Col("confidence", "number", required=False, minimum=0, maximum=1),
        _t("unit", required=True),
        _STATUS,
        _t("source", required=True),
        _t("note"),
        _SOURCE,
    ),
    "source_claims.csv": (
        _Col("claim_id", "id"),
        _Col("claim_source_id", "sources"),
        _t("claim", required=True),
        _c("trial", TRIAL_LABELS, multi=True),
        _t("timepoint", required=True),
        _c("claimed_endpoint", ENDPOINT_LABELS),
        _Col("claimed_qualifier", "code", required=False, allowed=_QUALIFIERS),
        _Col("claimed_value", "number", required=False),
        _t("unit"),
        _Col("trial_value", "number", required=False),
        _Col("trial_value_source_id", "sources"),
        _Col("value_belongs_to", "code", False, tuple(ENDPOINT_LABELS), multi=True),
        _c("verdict", _VERDICTS),
        _t("explanation", required=True),
    ),
}

_DTYPES = {
    "text": "string",
    "code": "string",
    "id": "string",
    "sources": "string",
    "count": "Int64",
    "number": "Float64",
    "percent": "Float64",
}


# --------------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------------
def _error(
    file: str,
    problem: str,
    *,
    row: int | None = None,
    line: int | None = None,
    column: str | None = None,
    allowed: str | None = None,
) -> DataFileError:
    """Build a DataFileError whose message starts with the file, row and line."""
    err = DataFileError(problem, column=column, row=row, allowed=allowed)
    if row is not None:
        label = f"{file}, row {row} (line {line if line is not None else row + 1} of the file)"
    else:
        label = file
    err.args = (err.describe(row_label=label),)
    err.file = file  # type: ignore[attr-defined]
    err.line = line  # type: ignore[attr-defined]
    return err


# --------------------------------------------------------------------------------------------
# parsing
# --------------------------------------------------------------------------------------------
def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and ``(line number, fields)`` of each data row; ragged rows raise."""
    file = path.name
    if not path.is_file():
        raise _error(file, f"file not found in {path.parent}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise _error(file, "the file is empty; a header row is needed")
            rows = []
            for fields in reader:
                if not fields:  # blank line
                    continue
                if len(fields) != len(header):
                    n = len(rows) + 1
                    raise _error(
                        file,
                        f"has {len(fields)} fields but the header has {len(header)}",
                        row=n,
                        line=reader.line_num,
                        allowed="one field per header column; quote text containing commas",
                    )
                rows.append((reader.line_num, fields))
    except UnicodeDecodeError as exc:
        raise _error(file, f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise _error(file, f"cannot be read as CSV ({exc})") from None
    return [h.strip() for h in header], rows


def _check_header(file: str, header: list[str], schema: tuple[_Col, ...]) -> None:
    expected = [c.name for c in schema]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise _error(file, "column appears twice in the header", column=name)
        seen.add(name)
        if name not in expected:
            raise _error(
                file, "unknown column in the header", column=name, allowed=", ".join(expected)
            )
    for name in expected:
        if name not in seen:
            raise _error(file, "column is missing from the header", column=name)


def _parse_number(text: str, col: _Col, where: dict) -> float:
    if not _NUMBER_RE.match(text):
        raise _error(problem=f"{text!r} is not a number", column=col.name, **where)
    value = float(text)
    if not math.isfinite(value):
        raise _error(problem=f"{text!r} is not a finite number", column=col.name, **where)
    if col.kind == "count" and "." in text:
        raise _error(
            problem=f"{text!r} is not a whole number",
            column=col.name,
            allowed="a whole number",
            **where,
        )
    if col.minimum is not None and value < col.minimum:
        word = "negative" if value < 0 else "too small"
        raise _error(
            problem=f"{text} is {word}",
            column=col.name,
            allowed=_range_text(col),
            **where,
        )
    if col.maximum is not None and value > col.maximum:
        raise _error(
            problem=f"{text} is too large", column=col.name, allowed=_range_text(col), **where
        )
    return value


def _range_text(col: _Col) -> str:
    low = "-inf" if col.minimum is None else f"{col.minimum:g}"
    high = "no upper limit" if col.maximum is None else f"{col.maximum:g}"
    return f"{low} to {high}" if col.maximum is not None else f">= {low}"


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def _parse(path: Path, schema: tuple[_Col, ...], source_ids: frozenset[str] | None):
    """Parse and validate cell by cell; return (DataFrame, raw text rows with line numbers)."""
    file = path.name
    header, rows = _read_rows(path)
    _check_header(file, header, schema)
    index = {name: i for i, name in enumerate(header)}
    columns: dict[str, list] = {c.name: [] for c in schema}
    raw: list[dict] = []
    for n, (line, fields) in enumerate(rows, start=1):
        where = {"file": file, "row": n, "line": line}
        cells = {c.name: fields[index[c.name]].strip() for c in schema}
        for col in schema:
            text = cells[col.name]
            if text == "":
                if col.required:
                    raise _error(problem="value is missing", column=col.name, **where)
                columns[col.name].append(pd.NA)
                continue
            if col.kind in ("count", "number", "percent"):
                value = _parse_number(text, col, where)
                columns[col.name].append(int(value) if col.kind == "count" else value)
                continue
            if col.kind == "id" and not _ID_RE.match(text):
                raise _error(
                    problem=f"{text!r} is not a valid identifier",
                    column=col.name,
                    allowed="lower-case letters, digits and underscores",
                    **where,
                )
            if col.kind == "code":
                parts = [p.strip() for p in text.split(";")] if col.multi else [text]
                for part in parts:
                    if part not in (col.allowed or ()):
                        raise _error(
                            problem=f"unknown value {part!r}",
                            column=col.name,
                            allowed=", ".join(col.allowed or ()),
                            **where,
                        )
            if col.kind == "sources" and source_ids is not None:
                for part in (p.strip() for p in text.split(";")):
                    if part not in source_ids:
                        raise _error(
                            problem=f"unknown source_id {part!r} (not in sources.csv)",
                            column=col.name,
                            allowed="a source_id listed in sources.csv; several joined by ';'",
                            **where,
                        )
            columns[col.name].append(text)
        raw.append({**cells, "_row": n, "_line": line})
    frame = pd.DataFrame({c.name: pd.array(columns[c.name], dtype=_DTYPES[c.kind]) for c in schema})
    return frame, raw


# --------------------------------------------------------------------------------------------
# row rules beyond single cells
# --------------------------------------------------------------------------------------------
def _status_rules(file: str, r: dict) -> None:
    where = {"file": file, "row": r["_row"], "line": r["_line"]}
    if r.get("status") == "derived" and "derived" not in r.get("note", "").lower():
        raise _error(
            problem="a derived figure needs a note that says how it was derived",
            column="note",
            allowed="a note starting 'derived: ...'",
            **where,
        )
    if r.get("status") == "unconfirmed" and not r.get("note"):
        raise _error(problem="an unconfirmed figure needs a note", column="note", **where)


def _outcome_rules(file: str, r: dict) -> None:
    where = {"file": file, "row": r["_row"], "line": r["_line"]}
    events, total, percent = r["events"], r["total"], r["percent"]
    if events and total and int(events) > int(total):
        raise _error(
            problem=f"events {events} is more than total {total}",
            column="events",
            allowed=f"0 to {total}",
            **where,
        )
    if events and total and percent:
        exact = 100 * int(events) / int(total)
        tolerance = 0.5 * 10 ** -_decimals(percent) + 1e-9
        if abs(exact - float(percent)) > tolerance:
            raise _error(
                problem=(
                    f"percent {percent} does not match events/total = {events}/{total} "
                    f"= {exact:.2f}%"
                ),
                column="percent",
                allowed=f"{exact:.2f} rounded to {_decimals(percent)} decimal place(s)",
                **where,
            )
    _status_rules(file, r)


def _ae_rules(file: str, r: dict) -> None:
    where = {"file": file, "row": r["_row"], "line": r["_line"]}
    value, unit = float(r["value"]), r["unit"]
    if unit in ("patients", "events") and "." in r["value"]:
        raise _error(
            problem=f"{r['value']} {unit} is not a whole number",
            column="value",
            allowed="a whole number of " + unit,
            **where,
        )
    if unit == "percent_of_patients" and value > 100:
        raise _error(
            problem=f"{r['value']} is more than 100%", column="value", allowed="0 to 100", **where
        )
    if unit == "patients" and r["total"] and value > int(r["total"]):
        raise _error(
            problem=f"{r['value']} patients is more than total {r['total']}",
            column="value",
            allowed=f"0 to {r['total']}",
            **where,
        )
    _status_rules(file, r)


def _baseline_rules(file: str, r: dict) -> None:
    where = {"file": file, "row": r["_row"], "line": r["_line"]}
    if r["statistic"] == "percent" and float(r["value"]) > 100:
        raise _error(
            problem=f"{r['value']} is more than 100%", column="value", allowed="0 to 100", **where
        )
    _status_rules(file, r)


def _effect_rules(file: str, r: dict) -> None:
    where = {"file": file, "row": r["_row"], "line": r["_line"]}
    low, high, est = r["ci_low"], r["ci_high"], float(r["estimate"])
    if bool(low) != bool(high):
        raise _error(
            problem="give both confidence limits or neither",
            column="ci_low" if not low else "ci_high",
            **where,
        )
    if low and not float(low) <= est <= float(high):
        raise _error(
            problem=f"estimate {r['estimate']} lies outside its interval {low} to {high}",
            column="estimate",
            allowed=f"{low} to {high}",
            **where,
        )
    if low and not r["confidence"]:
        raise _error(
            problem="an interval needs its confidence level",
            column="confidence",
            allowed="e.g. 0.95",
            **where,
        )
    if r["measure"] == "hazard_ratio" and est <= 0:
        raise _error(
            problem=f"hazard ratio {r['estimate']} must be positive",
            column="estimate",
            allowed="> 0",
            **where,
        )
    _status_rules(file, r)


_ROW_RULES: dict[str, Callable[[str, dict], None]] = {
    "trial_designs.csv": _status_rules,
    "trial_outcomes.csv": _outcome_rules,
    "baseline.csv": _baseline_rules,
    "adverse_events.csv": _ae_rules,
    "reported_effects.csv": _effect_rules,
}


# --------------------------------------------------------------------------------------------
# appraisal files (issue 13: risk of bias, GRADE, published appraisals). Kept in one block so
# that the schema/loader split can move it whole. Every judgement in these files is *our
# appraisal, argued from the published design*, and the files say so in their own column.
# --------------------------------------------------------------------------------------------
#: The label every worked judgement carries (the only allowed value of ``appraisal``).
OUR_APPRAISAL = "our appraisal, argued from the published design"
ROB_DOMAINS: tuple[str, ...] = (
    "randomization",
    "deviations",
    "missing_data",
    "measurement",
    "selection",
)
ROB_JUDGEMENTS: tuple[str, ...] = ("low", "some_concerns", "high", "not_applicable")
GRADE_DOMAINS: tuple[str, ...] = (
    "risk_of_bias",
    "inconsistency",
    "indirectness",
    "publication_bias",
    "large_effect",
    "dose_response",
    "residual_confounding",
)
#: GRADE domains that can only raise certainty (the others can only lower it).
GRADE_UPGRADES: tuple[str, ...] = ("large_effect", "dose_response", "residual_confounding")
_GRADE_KINDS = ("counts", "percent_of_patients", "event_counts", "hazard_ratio", "rate_difference")
_ROB_TRIALS = ("TENDER", "canakinumab-1", "canakinumab-2")

_SCHEMAS.update(
    {
        "risk_of_bias.csv": (
            _c("trial", _ROB_TRIALS),
            _Col("outcome", "id"),
            _t("outcome_label", required=True),
            _c("domain", ROB_DOMAINS),
            _c("judgement", ROB_JUDGEMENTS),
            _t("facts", required=True),
            _t("why", required=True),
            _SOURCE,
            _t("source", required=True),
            _c("appraisal", (OUR_APPRAISAL,)),
        ),
        "published_appraisals.csv": (
            _Col("appraisal_id", "id"),
            _SOURCE,
            _c("trials", TRIAL_LABELS, multi=True),
            _t("question", required=True),
            _t("rating", required=True),
            _t("reasons", required=True),
            _t("what_we_read", required=True),
            _t("compared_with_ours", required=True),
        ),
        "grade_outcomes.csv": (
            _Col("outcome_id", "id"),
            _t("label", required=True),
            _t("question", required=True),
            _c("trial", TRIAL_LABELS),
            _c("kind", _GRADE_KINDS),
            _t("endpoint"),
            _t("timepoint"),
            _t("effect_id"),
            _t("rob_outcome"),
            _c("design", ("randomized", "non_randomized")),
            _c("importance", ("critical", "important")),
            _c("important_change", ("increase", "decrease")),
            _Col("mid", "number", minimum=0),
            _t("mid_unit", required=True),
            _t("mid_reason", required=True),
            _Col("control_value", "number", required=False, minimum=None),
            _Col("treated_value", "number", required=False, minimum=None),
            _Col("difference", "number", required=False, minimum=None),
            _Col("ci_low", "number", required=False, minimum=None),
            _Col("ci_high", "number", required=False, minimum=None),
            _t("value_unit"),
            _Col("status", "code", required=False, allowed=STATUSES),
            _SOURCE,
            _t("source", required=True),
            _t("note"),
        ),
        "grade_judgements.csv": (
            _Col("outcome_id", "id"),
            _c("domain", GRADE_DOMAINS),
            _Col("change", "number", minimum=-2, maximum=2),
            _t("reason", required=True),
            _SOURCE,
            _t("source", required=True),
            _c("appraisal", (OUR_APPRAISAL,)),
        ),
    }
)


def _grade_outcome_rules(file: str, r: dict) -> None:
    where = {"file": file, "row": r["_row"], "line": r["_line"]}
    if float(r["mid"]) <= 0:
        raise _error(problem="the MID must be positive", column="mid", allowed="> 0", **where)
    needs = {
        "counts": ("endpoint", "timepoint"),
        "percent_of_patients": ("endpoint", "timepoint"),
        "event_counts": ("endpoint", "timepoint"),
        "hazard_ratio": ("effect_id", "endpoint", "timepoint"),
        "rate_difference": ("control_value", "treated_value", "difference", "ci_low", "ci_high"),
    }[r["kind"]]
    for name in needs:
        if not r[name]:
            raise _error(problem=f"kind {r['kind']!r} needs a value here", column=name, **where)
    numbers = ("control_value", "treated_value", "difference", "ci_low", "ci_high")
    if any(r[n] for n in numbers):
        for name in ("value_unit", "status"):
            if not r[name]:
                raise _error(
                    problem="a row that gives figures needs their unit and status",
                    column=name,
                    **where,
                )
    if r["ci_low"] and r["ci_high"] and r["difference"]:
        low, high, est = float(r["ci_low"]), float(r["ci_high"]), float(r["difference"])
        if not low <= est <= high:
            raise _error(
                problem=f"difference {r['difference']} lies outside its interval",
                column="difference",
                allowed=f"{r['ci_low']} to {r['ci_high']}",
                **where,
            )
    if r["status"]:
        _status_rules(file, r)


def _grade_judgement_rules(file: str, r: dict) -> None:
    where = {"file": file, "row": r["_row"], "line": r["_line"]}
    if "." in r["change"]:
        raise _error(
            problem=f"{r['change']!r} is not a whole number of levels",
            column="change",
            allowed="-2, -1, 0, 1 or 2",
            **where,
        )
    change = int(float(r["change"]))
    if r["domain"] in GRADE_UPGRADES and change < 0:
        raise _error(
            problem=f"{r['domain']} can only raise certainty",
            column="change",
            allowed="0, 1 or 2",
            **where,
        )
    if r["domain"] not in GRADE_UPGRADES and change > 0:
        raise _error(
            problem=f"{r['domain']} can only lower certainty",
            column="change",
            allowed="-2, -1 or 0",
            **where,
        )


def _unique_rule(columns: tuple[str, ...]) -> Callable[[str, list[dict]], None]:
    def rule(file: str, raw: list[dict]) -> None:
        seen: dict[tuple[str, ...], int] = {}
        for r in raw:
            key = tuple(r[c] for c in columns)
            if key in seen:
                raise _error(
                    file,
                    f"{', '.join(key)} is listed twice (first in row {seen[key]})",
                    row=r["_row"],
                    line=r["_line"],
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
            raise _error(
                file,
                f"{trial} / {outcome} has no judgement for {', '.join(missing)}",
                row=last["_row"],
                line=last["_line"],
                column="domain",
                allowed="one row for each of " + ", ".join(ROB_DOMAINS),
            )
        na = [r for r in rows if r["judgement"] == "not_applicable"]
        if na and len(na) != len(rows):
            r = na[0]
            raise _error(
                file,
                f"{trial} / {outcome}: not_applicable must apply to every domain or none "
                "(RoB 2 either applies to a comparison or it does not)",
                row=r["_row"],
                line=r["_line"],
                column="judgement",
                allowed="low, some_concerns, high",
            )
        labels = {r["outcome_label"] for r in rows}
        if len(labels) != 1:
            raise _error(
                file,
                f"{trial} / {outcome} has {len(labels)} different outcome labels",
                row=last["_row"],
                line=last["_line"],
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
}


# --------------------------------------------------------------------------------------------
# cached loading
# --------------------------------------------------------------------------------------------
def _resolve(directory: str | Path | None) -> Path:
    return Path(directory) if directory is not None else data_dir()


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _cached(file: str, directory: str, stamp: tuple[int, int], src_stamp: tuple[int, int]):
    folder = Path(directory)
    source_ids: frozenset[str] | None = None
    if file != "sources.csv":
        sources = _load("sources.csv", folder)
        source_ids = frozenset(sources["source_id"].astype(str))
    frame, raw = _parse(folder / file, _SCHEMAS[file], source_ids)
    if file == "sources.csv":
        seen: set[str] = set()
        for r in raw:
            if r["source_id"] in seen:
                raise _error(
                    file,
                    f"source_id {r['source_id']!r} is listed twice",
                    row=r["_row"],
                    line=r["_line"],
                    column="source_id",
                )
            seen.add(r["source_id"])
    rule = _ROW_RULES.get(file)
    if rule is not None:
        for r in raw:
            rule(file, r)
    file_rule = _FILE_RULES.get(file)
    if file_rule is not None:
        file_rule(file, raw)
    frame.attrs["lines"] = tuple(r["_line"] for r in raw)  # the file line of each row
    return frame


def _load(file: str, directory: str | Path | None) -> pd.DataFrame:
    folder = _resolve(directory).resolve()
    frame = _cached(file, str(folder), _stamp(folder / file), _stamp(folder / "sources.csv"))
    return frame.copy()


def clear_cache() -> None:
    """Forget every loaded table (files are also re-read whenever they change on disk).

    Examples
    --------
    >>> clear_cache()
    """
    _cached.cache_clear()


# --------------------------------------------------------------------------------------------
# public loaders
# --------------------------------------------------------------------------------------------
def load_sources(directory: str | Path | None = None) -> pd.DataFrame:
    """One row per cited document: ``source_id``, ``citation``, ``doi``, ``pmid``, ``registry``.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir` (tests point this at a corrupted copy).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> src = load_sources().set_index("source_id")
    >>> src.loc["debenedetti2012", "doi"]
    '10.1056/NEJMoa1112802'
    """
    return _load("sources.csv", directory)


def load_designs(directory: str | Path | None = None) -> pd.DataFrame:
    """Trial designs: one row per trial x arm x phase with ``n``, dose, route, population.

    Arm ``all`` is the whole trial (or the whole phase, e.g. canakinumab trial 2's open-label
    part).

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> d = load_designs()
    >>> d.query("trial == 'TENDER'")[["arm", "n"]].to_dict("records")
    [{'arm': 'all', 'n': 112}, {'arm': 'tocilizumab', 'n': 75}, {'arm': 'placebo', 'n': 37}]
    """
    return _load("trial_designs.csv", directory)


def load_outcomes(directory: str | Path | None = None) -> pd.DataFrame:
    """Trial outcomes: one row per trial x arm x endpoint x time point.

    Columns: ``trial``, ``arm``, ``endpoint``, ``timepoint``, ``events`` and ``total``
    (``Int64``, missing where the source gives none), ``percent`` (``Float64``, as the source
    states it), ``status``, ``source``, ``note``, ``source_id``. Kaplan-Meier percentages have no
    ``events``/``total``.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> o = load_outcomes()
    >>> o.query("endpoint == 'acr30' and arm == 'tocilizumab'")[["events", "percent", "status"]]
       events  percent   status
    2      68     91.0  derived
    """
    return _load("trial_outcomes.csv", directory)


def load_baseline(directory: str | Path | None = None) -> pd.DataFrame:
    """Baseline characteristics: ``variable``, ``statistic`` (mean, median, percent), ``value``,
    ``sd``, ``unit`` and the population they describe.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> b = load_baseline()
    >>> b.query("trial == 'TENDER' and variable == 'active_joints'")[["value", "sd", "n"]]
       value    sd   n
    0   19.8  15.7  88
    """
    return _load("baseline.csv", directory)


def load_adverse_events(directory: str | Path | None = None) -> pd.DataFrame:
    """Adverse events with explicit ``unit``: ``patients``, ``events`` (a patient may count more
    than once), ``percent_of_patients`` or ``events_per_patient_year``.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> ae = load_adverse_events()
    >>> ae.query("event == 'adverse_events'")[["arm", "value", "unit"]]
               arm  value    unit
    0  tocilizumab  159.0  events
    1      placebo   38.0  events
    """
    return _load("adverse_events.csv", directory)


def load_reported_effects(directory: str | Path | None = None) -> pd.DataFrame:
    """Effect estimates as the sources report them (hazard ratio, weighted differences, P).

    ``qualifier`` holds ``<`` for figures such as ``P < 0.001``.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> e = load_reported_effects().set_index("effect_id")
    >>> e.loc["canakinumab2_flare_hr", ["estimate", "ci_low", "ci_high"]].tolist()
    [0.36, 0.17, 0.75]
    """
    return _load("reported_effects.csv", directory)


def load_source_claims(directory: str | Path | None = None) -> pd.DataFrame:
    """Claims made by secondary sources (the seed commentary) next to the trial's figures.

    ``verdict`` is one of ``consistent``, ``mislabelled``, ``not_directly_comparable`` or
    ``unverified``; ``value_belongs_to`` names the endpoint(s) the claimed figure really is.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> c = load_source_claims().set_index("claim_id")
    >>> claim = c.loc["seed_acr30_85"]
    >>> float(claim["claimed_value"]), float(claim["trial_value"]), claim["verdict"]
    (85.0, 91.0, 'mislabelled')
    """
    return _load("source_claims.csv", directory)


def load_risk_of_bias(directory: str | Path | None = None) -> pd.DataFrame:
    """Risk of bias (RoB 2) per trial, outcome and domain: *our appraisal*, with its facts.

    Columns ``trial``, ``outcome``, ``outcome_label``, ``domain`` (one of
    :data:`ROB_DOMAINS`), ``judgement`` (``low``, ``some_concerns``, ``high``,
    ``not_applicable``), ``facts``, ``why``, ``source_id``, ``source`` and ``appraisal``
    (always :data:`OUR_APPRAISAL`). The overall judgement is not stored: it is computed by
    :func:`jia_teach.appraisal.rob.overall_judgement`.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Examples
    --------
    >>> rob = load_risk_of_bias()
    >>> sorted(set(rob["trial"]))
    ['TENDER', 'canakinumab-1', 'canakinumab-2']
    """
    return _load("risk_of_bias.csv", directory)


def load_published_appraisals(directory: str | Path | None = None) -> pd.DataFrame:
    """Appraisals of these trials published by others, as far as we could read them.

    Examples
    --------
    >>> "rating" in load_published_appraisals().columns
    True
    """
    return _load("published_appraisals.csv", directory)


def load_grade_outcomes(directory: str | Path | None = None) -> pd.DataFrame:
    """The outcomes of the GRADE summary of findings, where their figures live, and the MID.

    Examples
    --------
    >>> load_grade_outcomes()["outcome_id"].iloc[0]
    'tender_primary'
    """
    return _load("grade_outcomes.csv", directory)


def load_grade_judgements(directory: str | Path | None = None) -> pd.DataFrame:
    """GRADE down- and up-grades that are judgements (imprecision is computed, not stored).

    Examples
    --------
    >>> set(load_grade_judgements()["appraisal"]) == {OUR_APPRAISAL}
    True
    """
    return _load("grade_judgements.csv", directory)


def load_all(directory: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Load and validate every file; also checks that outcomes name trials and arms in designs.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    dict of str to pandas.DataFrame
        Keyed by file name.

    Examples
    --------
    >>> sorted(load_all())[:3]
    ['adverse_events.csv', 'baseline.csv', 'grade_judgements.csv']
    """
    tables = {file: _load(file, directory) for file in _SCHEMAS}
    designs = tables["trial_designs.csv"]
    known = set(zip(designs["trial"], designs["arm"], strict=True))
    outcomes = tables["trial_outcomes.csv"]
    for n, (trial, arm) in enumerate(zip(outcomes["trial"], outcomes["arm"], strict=True), 1):
        if (trial, arm) not in known:
            raise _error(
                "trial_outcomes.csv",
                f"trial {trial!r} has no arm {arm!r} in trial_designs.csv",
                row=n,
                column="arm",
                allowed=", ".join(sorted(a for t, a in known if t == trial)) or "none",
            )
    return tables


def claims_check(directory: str | Path | None = None) -> pd.DataFrame:
    """Show each secondary-source claim beside the trial's own figures.

    For every claim the table gives what the source said, the trial's figure for the endpoint
    the source named, and the trial endpoints whose figure equals the claimed one.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame
        Columns ``claim``, ``claimed``, ``trial_figure``, ``figure_belongs_to``, ``verdict``,
        ``explanation``; indexed by ``claim_id``.

    Examples
    --------
    >>> row = claims_check().loc["seed_acr30_85"]
    >>> row["claimed"], row["trial_figure"], row["verdict"]
    ('JIA ACR30: 85%', 'JIA ACR30: 91%', 'mislabelled')
    >>> row["figure_belongs_to"]
    'JIA ACR30 + no fever (TENDER primary); JIA ACR50'
    """
    claims = load_source_claims(directory)

    def fmt(endpoint: str, qualifier, value, unit) -> str:
        if pd.isna(value):
            return ""
        q = "" if pd.isna(qualifier) else f"{qualifier} "
        u = "%" if unit == "percent" else f" {unit}" if not pd.isna(unit) else ""
        return f"{ENDPOINT_LABELS[endpoint]}: {q}{value:g}{u}"

    rows = []
    for c in claims.itertuples(index=False):
        belongs = "" if pd.isna(c.value_belongs_to) else c.value_belongs_to
        rows.append(
            {
                "claim_id": c.claim_id,
                "claim": c.claim,
                "claimed": fmt(c.claimed_endpoint, c.claimed_qualifier, c.claimed_value, c.unit),
                "trial_figure": fmt(c.claimed_endpoint, pd.NA, c.trial_value, c.unit),
                "figure_belongs_to": "; ".join(
                    ENDPOINT_LABELS[e.strip()] for e in belongs.split(";") if e.strip()
                ),
                "verdict": c.verdict,
                "explanation": c.explanation,
            }
        )
    return pd.DataFrame(rows).set_index("claim_id").astype("string")


def pick(table: pd.DataFrame, **where: object) -> pd.Series:
    """The one row of ``table`` whose columns equal the values given.

    Raises
    ------
    LookupError
        When no row or more than one row matches, saying how many.

    Examples
    --------
    >>> row = pick(load_outcomes(), trial="TENDER", arm="tocilizumab", endpoint="acr30_no_fever")
    >>> int(row["events"]), int(row["total"])
    (64, 75)
    """
    mask = pd.Series(True, index=table.index)
    for column, value in where.items():
        mask &= table[column] == value
    rows = table[mask]
    if len(rows) != 1:
        raise LookupError(f"{len(rows)} rows match {where}")
    return rows.iloc[0]


def _given(value: object) -> bool:
    return value is not None and not pd.isna(value)


def figure_text(row: Mapping[str, Any], *, source: bool = True) -> str:
    """One arm's figure as a reader should see it, with what kind of figure it is.

    An UNCONFIRMED figure is withheld; a Kaplan-Meier percentage says so; a percentage
    without a count says the count is not given. With ``source``, the status and the
    source follow in brackets.

    Parameters
    ----------
    row : mapping
        A row of :func:`load_outcomes` (a Series, or a dict with ``None`` for missing).
    source : bool
        Append ``[status; source]``.

    Examples
    --------
    >>> outcomes = load_outcomes()
    >>> figure_text(pick(outcomes, trial="TENDER", arm="placebo", endpoint="acr30_no_fever"),
    ...             source=False)
    '9/37 (24%)'
    >>> figure_text(pick(outcomes, trial="canakinumab-2", arm="placebo", endpoint="flare"),
    ...             source=False)
    '75% (Kaplan-Meier estimate, not a count)'
    """
    if row["status"] == "unconfirmed":
        text = "value withheld (UNCONFIRMED)"
    else:
        events, total, percent = row["events"], row["total"], row["percent"]
        pct = f"{percent:g}%" if _given(percent) else ""
        if _given(events) and _given(total):
            text = f"{events}/{total}" + (f" ({pct})" if pct else "")
        elif _given(events):
            noun = "patient" if events == 1 else "patients"
            text = f"{events} {noun}" + (f" ({pct}; denominator not given)" if pct else "")
        elif _given(total):
            text = f"{pct} of {total} (count not given)"
        elif "kaplan-meier" in str(row["note"] if _given(row["note"]) else "").lower():
            text = f"{pct} (Kaplan-Meier estimate, not a count)"
        else:
            text = f"{pct} (no count given)"
    return f"{text} [{row['status']}; {row['source']}]" if source else text
