"""Read one data file against its schema: every cell, then the rules that span a row.

Every problem raises :class:`jia_teach.errors.DataFileError` naming the file, the 1-based data
row, the line of the file (blank lines and quoted newlines counted) and the column. The schemas
themselves are :mod:`jia_teach.schema`. One rule function per kind of file (outcomes, adverse
events, effects, the cohort fit, the appraisal files) makes it a little over 500 lines; they
share the cell parser and the error builder, which is why they live together.

Examples
--------
>>> from jia_teach.data import data_dir
>>> frame, raw = parse_file(data_dir() / "sources.csv")
>>> "debenedetti2012" in set(frame["source_id"])
True
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from jia_teach.errors import DataFileError
from jia_teach.labels import ENDPOINT_LABELS
from jia_teach.schema import (
    DTYPES,
    FILES,
    FIT_PARAMETERS,
    GRADE_UPGRADES,
    ROB_DOMAINS,
    SCHEMAS,
    Column,
)

__all__ = ["check_rows", "data_error", "parse_file"]

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


# --------------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------------
def data_error(
    file: str,
    problem: str,
    *,
    row: int | None = None,
    line: int | None = None,
    column: str | None = None,
    allowed: str | None = None,
) -> DataFileError:
    """A :class:`~jia_teach.errors.DataFileError` whose message starts with the file, the row
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


# --------------------------------------------------------------------------------------------
# parsing
# --------------------------------------------------------------------------------------------
def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and ``(line number, fields)`` of each data row; ragged rows raise."""
    file = path.name
    if not path.is_file():
        raise data_error(file, f"file not found in {path.parent}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise data_error(file, "the file is empty; a header row is needed")
            rows = []
            for fields in reader:
                if not fields:  # blank line
                    continue
                if len(fields) != len(header):
                    n = len(rows) + 1
                    raise data_error(
                        file,
                        f"has {len(fields)} fields but the header has {len(header)}",
                        row=n,
                        line=reader.line_num,
                        allowed="one field per header column; quote text containing commas",
                    )
                rows.append((reader.line_num, fields))
    except UnicodeDecodeError as exc:
        raise data_error(file, f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise data_error(file, f"cannot be read as CSV ({exc})") from None
    return [h.strip() for h in header], rows


def _check_header(file: str, header: list[str], schema: tuple[Column, ...]) -> None:
    expected = [c.name for c in schema]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise data_error(file, "column appears twice in the header", column=name)
        seen.add(name)
        if name not in expected:
            raise data_error(
                file, "unknown column in the header", column=name, allowed=", ".join(expected)
            )
    for name in expected:
        if name not in seen:
            raise data_error(file, "column is missing from the header", column=name)


def _parse_number(text: str, col: Column, where: dict) -> float:
    if not _NUMBER_RE.match(text):
        raise data_error(problem=f"{text!r} is not a number", column=col.name, **where)
    value = float(text)
    if not math.isfinite(value):
        raise data_error(problem=f"{text!r} is not a finite number", column=col.name, **where)
    if col.kind == "count" and "." in text:
        raise data_error(
            problem=f"{text!r} is not a whole number",
            column=col.name,
            allowed="a whole number",
            **where,
        )
    if col.minimum is not None and value < col.minimum:
        word = "negative" if value < 0 else "too small"
        raise data_error(
            problem=f"{text} is {word}",
            column=col.name,
            allowed=_range_text(col),
            **where,
        )
    if col.maximum is not None and value > col.maximum:
        raise data_error(
            problem=f"{text} is too large", column=col.name, allowed=_range_text(col), **where
        )
    return value


def _range_text(col: Column) -> str:
    low = "-inf" if col.minimum is None else f"{col.minimum:g}"
    high = "no upper limit" if col.maximum is None else f"{col.maximum:g}"
    return f"{low} to {high}" if col.maximum is not None else f">= {low}"


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def _parse(path: Path, schema: tuple[Column, ...], source_ids: frozenset[str] | None):
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
                    raise data_error(problem="value is missing", column=col.name, **where)
                columns[col.name].append(pd.NA)
                continue
            if col.kind in ("count", "number", "percent"):
                value = _parse_number(text, col, where)
                columns[col.name].append(int(value) if col.kind == "count" else value)
                continue
            if col.kind == "id" and not _ID_RE.match(text):
                raise data_error(
                    problem=f"{text!r} is not a valid identifier",
                    column=col.name,
                    allowed="lower-case letters, digits and underscores",
                    **where,
                )
            if col.kind == "code":
                parts = [p.strip() for p in text.split(";")] if col.multi else [text]
                for part in parts:
                    if part not in (col.allowed or ()):
                        raise data_error(
                            problem=f"unknown value {part!r}",
                            column=col.name,
                            allowed=", ".join(col.allowed or ()),
                            **where,
                        )
            if col.kind == "sources" and source_ids is not None:
                for part in (p.strip() for p in text.split(";")):
                    if part not in source_ids:
                        raise data_error(
                            problem=f"unknown source_id {part!r} (not in sources.csv)",
                            column=col.name,
                            allowed="a source_id listed in sources.csv; several joined by ';'",
                            **where,
                        )
            columns[col.name].append(text)
        raw.append({**cells, "_row": n, "_line": line})
    frame = pd.DataFrame({c.name: pd.array(columns[c.name], dtype=DTYPES[c.kind]) for c in schema})
    return frame, raw


# --------------------------------------------------------------------------------------------
# row rules beyond single cells
# --------------------------------------------------------------------------------------------
def _status_rules(file: str, r: dict) -> None:
    where = {"file": file, "row": r["_row"], "line": r["_line"]}
    if r.get("status") == "derived" and "derived" not in r.get("note", "").lower():
        raise data_error(
            problem="a derived figure needs a note that says how it was derived",
            column="note",
            allowed="a note starting 'derived: ...'",
            **where,
        )
    if r.get("status") == "unconfirmed" and not r.get("note"):
        raise data_error(problem="an unconfirmed figure needs a note", column="note", **where)


def _outcome_rules(file: str, r: dict) -> None:
    where = {"file": file, "row": r["_row"], "line": r["_line"]}
    events, total, percent = r["events"], r["total"], r["percent"]
    if events and total and int(events) > int(total):
        raise data_error(
            problem=f"events {events} is more than total {total}",
            column="events",
            allowed=f"0 to {total}",
            **where,
        )
    if events and total and percent:
        exact = 100 * int(events) / int(total)
        tolerance = 0.5 * 10 ** -_decimals(percent) + 1e-9
        if abs(exact - float(percent)) > tolerance:
            raise data_error(
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
        raise data_error(
            problem=f"{r['value']} {unit} is not a whole number",
            column="value",
            allowed="a whole number of " + unit,
            **where,
        )
    if unit == "percent_of_patients" and value > 100:
        raise data_error(
            problem=f"{r['value']} is more than 100%", column="value", allowed="0 to 100", **where
        )
    if unit == "patients" and r["total"] and value > int(r["total"]):
        raise data_error(
            problem=f"{r['value']} patients is more than total {r['total']}",
            column="value",
            allowed=f"0 to {r['total']}",
            **where,
        )
    _status_rules(file, r)


def _baseline_rules(file: str, r: dict) -> None:
    where = {"file": file, "row": r["_row"], "line": r["_line"]}
    if r["statistic"] == "percent" and float(r["value"]) > 100:
        raise data_error(
            problem=f"{r['value']} is more than 100%", column="value", allowed="0 to 100", **where
        )
    _status_rules(file, r)


def _effect_rules(file: str, r: dict) -> None:
    where = {"file": file, "row": r["_row"], "line": r["_line"]}
    low, high, est = r["ci_low"], r["ci_high"], float(r["estimate"])
    if bool(low) != bool(high):
        raise data_error(
            problem="give both confidence limits or neither",
            column="ci_low" if not low else "ci_high",
            **where,
        )
    if low and not float(low) <= est <= float(high):
        raise data_error(
            problem=f"estimate {r['estimate']} lies outside its interval {low} to {high}",
            column="estimate",
            allowed=f"{low} to {high}",
            **where,
        )
    if low and not r["confidence"]:
        raise data_error(
            problem="an interval needs its confidence level",
            column="confidence",
            allowed="e.g. 0.95",
            **where,
        )
    if r["measure"] == "hazard_ratio" and est <= 0:
        raise data_error(
            problem=f"hazard ratio {r['estimate']} must be positive",
            column="estimate",
            allowed="> 0",
            **where,
        )
    _status_rules(file, r)


def _fit_rules(file: str, r: dict) -> None:
    """A parameter row needs a name the model knows and a value in its range; a target or
    check row needs its time point and the published target it was fitted (or checked) to."""
    where = {"file": file, "row": r["_row"], "line": r["_line"]}
    if r["kind"] == "parameter":
        if r["name"] not in FIT_PARAMETERS:
            raise data_error(
                problem=f"unknown model parameter {r['name']!r}",
                column="name",
                allowed=", ".join(FIT_PARAMETERS),
                **where,
            )
        if not r["value"]:
            raise data_error(problem="a parameter needs its value", column="value", **where)
        low, high = FIT_PARAMETERS[r["name"]]
        if not low <= float(r["value"]) <= high:
            raise data_error(
                problem=f"{r['value']} is out of range for {r['name']}",
                column="value",
                allowed=f"{low:g} to {high:g}",
                **where,
            )
        return
    for column in ("timepoint", "target", "achieved", "weight", "source_id"):
        if not r[column]:
            raise data_error(
                problem=f"a {r['kind']} row needs its {column}", column=column, **where
            )
    if r["name"] not in ENDPOINT_LABELS:
        raise data_error(
            problem=f"unknown end point {r['name']!r}",
            column="name",
            allowed=", ".join(ENDPOINT_LABELS),
            **where,
        )


_ROW_RULES: dict[str, Callable[[str, dict], None]] = {
    "cohort_fit.csv": _fit_rules,
    "trial_designs.csv": _status_rules,
    "trial_outcomes.csv": _outcome_rules,
    "appraisal_outcomes.csv": _outcome_rules,
    "baseline.csv": _baseline_rules,
    "adverse_events.csv": _ae_rules,
    "reported_effects.csv": _effect_rules,
}


# --------------------------------------------------------------------------------------------
# appraisal files (issue 13): row rules and rules across the rows of one file
# --------------------------------------------------------------------------------------------
def _grade_outcome_rules(file: str, r: dict) -> None:
    where = {"file": file, "row": r["_row"], "line": r["_line"]}
    if float(r["mid"]) <= 0:
        raise data_error(problem="the MID must be positive", column="mid", allowed="> 0", **where)
    if r["kind"] in ("hazard_ratio", "rate_difference") and not r["effect_id"]:
        raise data_error(
            problem=f"kind {r['kind']!r} needs the effect_id of reported_effects.csv",
            column="effect_id",
            **where,
        )


def _grade_judgement_rules(file: str, r: dict) -> None:
    where = {"file": file, "row": r["_row"], "line": r["_line"]}
    if "." in r["change"]:
        raise data_error(
            problem=f"{r['change']!r} is not a whole number of levels",
            column="change",
            allowed="-2, -1, 0, 1 or 2",
            **where,
        )
    change = int(float(r["change"]))
    if r["domain"] in GRADE_UPGRADES and change < 0:
        raise data_error(
            problem=f"{r['domain']} can only raise certainty",
            column="change",
            allowed="0, 1 or 2",
            **where,
        )
    if r["domain"] not in GRADE_UPGRADES and change > 0:
        raise data_error(
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
                raise data_error(
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
            raise data_error(
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
            raise data_error(
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
            raise data_error(
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
    jia_teach.errors.DataFileError
        Naming the file, row, line and column of the first problem.
    """
    if file == "sources.csv":
        seen: set[str] = set()
        for r in raw:
            if r["source_id"] in seen:
                raise data_error(
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


def parse_file(
    path: Path, source_ids: frozenset[str] | None = None
) -> tuple[pd.DataFrame, list[dict]]:
    """Read one data file and validate it against its schema, cell by cell and row by row.

    Parameters
    ----------
    path : pathlib.Path
        A file whose name is one of :data:`FILES`.
    source_ids : frozenset of str, optional
        The ids of ``sources.csv``; when given, every source id cited must be one of them.

    Returns
    -------
    (pandas.DataFrame, list of dict)
        The typed table (``Int64`` counts, ``Float64`` numbers, ``string`` text) and the text
        rows with their row and line numbers.

    Raises
    ------
    jia_teach.errors.DataFileError
        For an unknown file, a missing file, a bad header, cell or row.
    """
    path = Path(path)
    if path.name not in SCHEMAS:
        raise data_error(
            path.name, "is not a data file this package knows", allowed=", ".join(FILES)
        )
    frame, raw = _parse(path, SCHEMAS[path.name], source_ids)
    check_rows(path.name, raw)
    return frame, raw
