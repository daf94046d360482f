"""Visit times and ids for :func:`jia_teach.pair_visits`: blanks, ISO dates, study days.

Rules (the visit module's docstring states them for the user): text times are ISO 8601
(optionally with a time and a UTC offset); mixed offsets (a daylight-saving change) are
converted to UTC, a time without an offset among them taken as UTC; dates are kept at
microsecond resolution, so years 1 to 9999 are accepted (pandas' nanoseconds stop at
1677-2262); a column of numbers is study days.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jia_teach.rules.errors import InvalidValueError

__all__: list[str] = []


def _blank(values: pd.Series) -> np.ndarray:
    missing = values.isna().to_numpy().copy()
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        text = values.astype("string").str.strip()
        missing |= (text == "").to_numpy(dtype=bool, na_value=True)
    return missing


def _times(values: pd.Series, column: str) -> tuple[np.ndarray, pd.Series, bool]:
    """(ordering key as float64, the times as output, whether they are dates)."""
    missing = _blank(values)
    if missing.any():
        pos = int(np.flatnonzero(missing)[0])
        raise InvalidValueError("no visit time", column=column, row=pos + 1)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        days = values.to_numpy(dtype=np.float64)
        bad = ~np.isfinite(days)
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise InvalidValueError(
                f"{_plain(values.iloc[pos])!r} is not a study day", column=column, row=pos + 1
            )
        return days, values.astype(np.float64).reset_index(drop=True), False
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        parsed = values
    else:
        text = values.astype("string").str.strip()
        as_days = pd.to_numeric(text, errors="coerce")
        if as_days.notna().all():
            return _times(as_days.astype(np.float64), column)
        given = values.where(~values.map(lambda v: isinstance(v, str)), text)
        parsed = _iso_times(given)
        bad = parsed.isna().to_numpy()
        numbers = as_days.notna().to_numpy(dtype=bool)
        if numbers.any() and (bad & ~numbers).any():
            # a column of study days with a typo ("84d"): name the typo, not the first number
            bad = bad & ~numbers
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise InvalidValueError(
                f"{_plain(values.iloc[pos])!r} is not a date"
                + (" or a number of study days" if numbers.any() else ""),
                column=column,
                row=pos + 1,
                allowed="ISO 8601 dates such as 2024-03-01 (optionally with a time), or a "
                "number of study days in every row",
            )
    parsed = pd.Series(pd.DatetimeIndex(parsed))
    if parsed.dt.tz is not None:
        parsed = parsed.dt.tz_convert("UTC")
    parsed = parsed.dt.as_unit("us")
    key = parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed
    key = key.to_numpy(dtype="datetime64[us]").astype(np.int64).astype(np.float64)
    return key, parsed, True


def _iso_times(values: pd.Series) -> pd.Series:
    """ISO 8601 text as times (NaT where not one); mixed UTC offsets converted to UTC.

    Parsed at microsecond resolution, so years 1 to 9999 are dates like any other.
    """
    try:
        return pd.to_datetime(values, format="ISO8601", errors="coerce").dt.as_unit("us")
    except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
        pass  # mixed offsets (a daylight-saving change), or out of the ns range
    try:
        return pd.to_datetime(values, format="ISO8601", errors="coerce", utc=True).dt.as_unit("us")
    except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
        pass
    out = []
    for v in values.tolist():
        try:
            t = pd.Timestamp(v)
            out.append(t if t.tzinfo is None else t.tz_convert("UTC").tz_localize(None))
        except (ValueError, TypeError, OverflowError):
            out.append(pd.NaT)
    return pd.Series(pd.DatetimeIndex(out).as_unit("us") if out else pd.DatetimeIndex([]))


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (``2``, not ``np.int64(2)``, in messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _days(delta: np.ndarray, dates: bool) -> np.ndarray:
    return delta / 86_400e6 if dates else np.asarray(delta, dtype=np.float64)
