"""Read one data file against its schema: every cell, then the rules that span a row.

Every problem raises :class:`jia_teach.rules.errors.DataFileError` naming the file, the 1-based data
row, the line of the file (blank lines and quoted newlines counted) and the column. The schemas
themselves are :mod:`jia_teach.data.schema`; the rules that span a row or the file are
:mod:`jia_teach.data.rows`.

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
from pathlib import Path

import pandas as pd

from jia_teach.data.rows import check_rows, data_error
from jia_teach.data.schema import (
    DTYPES,
    FILES,
    SCHEMAS,
    Column,
)

__all__ = ["check_rows", "data_error", "parse_file"]

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


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
    jia_teach.rules.errors.DataFileError
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
