"""Reading a visit table for :func:`jia_teach.scoring.targets.treat_to_target`, and judging
one item of one checkpoint.

Values are parsed column by column (yes/no answers, non-negative numbers, days since the start
of treatment) with one-line errors naming the row and column; items are judged three-valued,
as floats: 1 met, 0 not met, NaN unknown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..rules.errors import InvalidValueError
from .cells import need_columns, raise_first, yes_no_cells

__all__ = [
    "at_most",
    "days_since_start",
    "fmt",
    "judge",
    "kleene_and",
    "need_columns",
    "numbers",
    "yes_no",
]


def yes_no(values: pd.Series, column: str) -> np.ndarray:
    """Yes/no answers as floats 1/0, blank NaN; anything else an error naming the row."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("boolean").to_numpy(dtype=np.float64, na_value=np.nan)
    yes, blank = yes_no_cells(values, column)
    out = yes.astype(np.float64)
    out[blank] = np.nan
    return out


def numbers(values: pd.Series, column: str, allowed: str, high: float = np.inf) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        arr = values.to_numpy(dtype=np.float64, na_value=np.nan)
        typed = np.zeros(len(arr), dtype=bool)
    else:
        text = values.astype("string").str.strip()
        blank = (text.isna() | (text == "")).to_numpy(dtype=bool)
        arr = pd.to_numeric(text.where(~blank), errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        typed = np.isnan(arr) & ~blank
    bad = typed | np.isinf(arr) | (arr < 0) | (arr > high)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        shown = values.iloc[pos]
        raise InvalidValueError(
            f"{shown!r} is not allowed here"
            if isinstance(shown, str)
            else f"{shown} is out of range",
            column=column,
            row=pos + 1,
            allowed=allowed,
        )
    return arr


def days_since_start(visits: pd.DataFrame, time: str, start: str | None) -> np.ndarray:
    values = visits[time]
    if start is None:
        if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
            values.dtype
        ):
            days = values.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            days = pd.to_numeric(values.astype("string").str.strip(), errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
        raise_first(
            ~np.isfinite(days),
            values,
            "is not a day since the start of treatment",
            column=time,
            allowed="numbers of days (day 0 = first dose); for dates, name the start column",
        )
        return days
    stamps = {}
    for name in (time, start):
        col = visits[name]
        parsed = (
            col
            if pd.api.types.is_datetime64_any_dtype(col.dtype)
            else pd.to_datetime(col.astype("string").str.strip(), format="ISO8601", errors="coerce")
        )
        raise_first(
            parsed.isna().to_numpy(),
            col,
            "is not a date",
            column=name,
            allowed="ISO 8601 dates such as 2024-03-01",
        )
        stamps[name] = parsed
    delta = (stamps[time] - stamps[start]).dt.total_seconds().to_numpy() / 86400.0
    return delta


def kleene_and(*items: np.ndarray) -> np.ndarray:
    """Kleene AND over float arrays (1 true, 0 false, NaN unknown)."""
    out = np.ones(len(items[0]))
    for item in items:
        false = (item == 0) | (out == 0)
        unknown = np.isnan(item) | np.isnan(out)
        out = np.where(false, 0.0, np.where(unknown, np.nan, 1.0))
    return out


def at_most(values: np.ndarray, limit: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        out = (values <= limit).astype(np.float64)
    out[np.isnan(values)] = np.nan
    return out


def fmt(x: float) -> str:
    return "blank" if np.isnan(x) else f"{x:g}"


def judge(item, visit, base, fever, crp, joints, gc, cid, crp_max) -> tuple[float, str]:
    """(1/0/NaN, a note when unknown or when the boundary decided it)."""
    if item == "no_fever":
        v = 1.0 - fever[visit]
        return v, ("fever not recorded" if np.isnan(v) else "")
    if item in ("crp_down_by_more_than_half", "joints_down_by_more_than_half"):
        values, what = (crp, "CRP") if item.startswith("crp") else (joints, "active joints")
        if base is None:
            return np.nan, f"no baseline visit for {what}"
        b, f = float(values[base]), float(values[visit])
        v = np.nan if b != b or f != f else float(f == 0 if b == 0 else 2.0 * f < b)
        if v != v:
            return v, f"{what} blank at {'baseline' if np.isnan(b) else 'the visit'}"
        if not v and 2 * f == b and b > 0:
            return v, f"{fmt(b)} -> {fmt(f)}, exactly half is not more than half"
        if b == 0:
            return v, f"{fmt(b)} -> {fmt(f)}; a baseline of 0 is met only by 0"
        return v, f"{fmt(b)} -> {fmt(f)}"
    if item == "crp_normal":
        value = float(crp[visit])
        if value != value:
            return np.nan, "CRP blank"
        return float(value <= crp_max), f"CRP {fmt(value)}, normal <= {crp_max:g}"
    if item == "inactive_disease":
        v = cid[visit]
        return v, ("an item of inactive disease is unknown" if np.isnan(v) else "")
    dose = gc[visit]
    if np.isnan(dose):
        return np.nan, "glucocorticoid dose blank"
    if item == "gc_below_0_1":
        return float(dose < 0.1), f"{fmt(dose)} mg/kg/day"
    return float(dose == 0), f"{fmt(dose)} mg/kg/day"
