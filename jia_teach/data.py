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
load_sources, load_designs, load_outcomes, load_appraisal_outcomes, load_baseline,
load_adverse_events, load_reported_effects, load_source_claims; load_all loads and
cross-checks every file.

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
    "STATUSES",
    "TRIAL_LABELS",
    "claims_check",
    "clear_cache",
    "data_dir",
    "figure_text",
    "load_adverse_events",
    "load_all",
    "load_appraisal_outcomes",
    "load_baseline",
    "load_designs",
    "load_outcomes",
    "load_reported_effects",
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
    "ANAJIS": "ANAJIS (anakinra)",
}

#: Arm codes and their display labels (``all``: the whole trial or phase, not one arm).
ARM_LABELS: Mapping[str, str] = {
    "tocilizumab": "Tocilizumab",
    "canakinumab": "Canakinumab",
    "anakinra": "Anakinra",
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
    "modified_acr30": "Modified ACRpedi 30 (ANAJIS primary)",
    "modified_acr50": "Modified ACRpedi 50",
    "modified_acr70": "Modified ACRpedi 70",
    "modified_acr100": "Modified ACRpedi 100",
    "systemic_response": "Systemic-symptom response (ANAJIS)",
    "acr30_no_fever_38": "JIA ACR30 + no fever (< 38 C for > 7 days)",
    "acr30_no_fever_crp15": "JIA ACR30 + no fever + CRP < 15 mg/L",
    "acr70_gc_taper_allowed": "JIA ACR70 at week 6 or 8 (GC taper allowed)",
    "inactive_disease": "Inactive disease",
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
    "macrophage_activation_syndrome": "Probable MAS (adjudicated)",
}

_AE_UNITS = (
    "patients",
    "events",
    "percent_of_patients",
    "events_per_patient_year",
    "events_per_100_patient_years",
)
_PHASES = ("randomized", "open_label")
_STATISTICS = ("mean", "median", "percent")
_MEASURES = ("hazard_ratio", "weighted_difference", "p_value", "rate_difference")
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

# Trials held for appraisal and comparison (ANAJIS): the columns of trial_outcomes.csv, kept in
# their own file so the TENDER/canakinumab views do not draw them by default.
_SCHEMAS["appraisal_outcomes.csv"] = _SCHEMAS["trial_outcomes.csv"]

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
    "appraisal_outcomes.csv": _outcome_rules,
    "baseline.csv": _baseline_rules,
    "adverse_events.csv": _ae_rules,
    "reported_effects.csv": _effect_rules,
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


def load_appraisal_outcomes(directory: str | Path | None = None) -> pd.DataFrame:
    """Outcomes of trials held for appraisal and comparison (ANAJIS, anakinra).

    Same columns, dtypes and checks as :func:`load_outcomes`; kept in
    ``appraisal_outcomes.csv`` so that the TENDER and canakinumab views do not draw them.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> a = load_appraisal_outcomes()
    >>> row = pick(a, arm="anakinra", endpoint="modified_acr30", timepoint="month 1")
    >>> int(row["events"]), int(row["total"])
    (8, 12)
    """
    return _load("appraisal_outcomes.csv", directory)


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
    ['adverse_events.csv', 'appraisal_outcomes.csv', 'baseline.csv']
    """
    tables = {file: _load(file, directory) for file in _SCHEMAS}
    designs = tables["trial_designs.csv"]
    known = set(zip(designs["trial"], designs["arm"], strict=True))
    for file in ("trial_outcomes.csv", "appraisal_outcomes.csv"):
        _arms_in_designs(file, tables[file], known)
    return tables


def _arms_in_designs(file: str, outcomes: pd.DataFrame, known: set) -> None:
    for n, (trial, arm) in enumerate(zip(outcomes["trial"], outcomes["arm"], strict=True), 1):
        if (trial, arm) not in known:
            raise _error(
                file,
                f"trial {trial!r} has no arm {arm!r} in trial_designs.csv",
                row=n,
                column="arm",
                allowed=", ".join(sorted(a for t, a in known if t == trial)) or "none",
            )


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
    'JIA ACR30 + no fever (TENDER primary)'
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
