"""Reading a wide table of visits into checked core-set arrays.

A table has, for each of the six core-set variables, a ``<name>_baseline``
and a ``<name>_followup`` column (names from :mod:`jia_teach.rules.coreset`), the
marker being ``esr`` or ``crp``, and optionally ``fever_followup``. Any other
column is the caller's and is left alone.

Every problem raises a :class:`~jia_teach.rules.errors.JiaInputError` naming the
column, the 1-based row and the allowed range; nothing is guessed (a VAS in
millimetres is accepted only with ``vas_unit="mm"``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from jia_teach.rules.coreset import CORE_VARIABLES, MARKERS, Marker, Variable, core_set
from jia_teach.rules.errors import (
    InvalidValueError,
    JiaInputError,
    MissingColumnError,
    UnknownColumnError,
)
from jia_teach.scoring.coretable import CoreSetTable

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "FEVER_BASELINE",
    "FEVER_COLUMN",
    "KNOWN_COLUMNS",
    "CoreSetTable",
    "VasUnit",
    "check_columns",
    "check_unique",
    "needed_columns",
    "parse_fever",
    "read_core_set",
]

VasUnit = Literal["cm", "mm"]
FEVER_COLUMN = "fever_followup"
FEVER_BASELINE = "fever_baseline"
_SUFFIXES = ("_baseline", "_followup")
_KNOWN_STEMS = (*CORE_VARIABLES, *MARKERS, "fever")
_TRUE = frozenset({"true", "yes", "y", "1", "1.0"})
_FALSE = frozenset({"false", "no", "n", "0", "0.0"})


def _normal(name: str) -> str:
    """A column name as a near-miss check compares it: lower case, separators as ``_``."""
    text = re.sub(r"[\s.\-/]+", "_", name.strip().lower())
    return re.sub(r"_+", "_", text).strip("_")


#: Every column name a wide table may use for the core set and fever.
KNOWN_COLUMNS: tuple[str, ...] = (
    *(f"{stem}{s}" for stem in (*CORE_VARIABLES, *MARKERS) for s in _SUFFIXES),
    FEVER_COLUMN,
    FEVER_BASELINE,
)


def _near_miss(name: str) -> str | None:
    """The known column ``name`` was probably meant to be, or None."""
    if name in KNOWN_COLUMNS:
        return None
    norm = _normal(name)
    for known in KNOWN_COLUMNS:
        if norm == known:
            return known  # the same name but for case, spaces or separators
    if norm == "fever" or norm.startswith("fever_"):
        close = difflib.get_close_matches(norm, (FEVER_COLUMN,), n=1, cutoff=0.7)
        if close or norm == "fever":
            return FEVER_COLUMN
    close = difflib.get_close_matches(norm, KNOWN_COLUMNS, n=1, cutoff=0.85)
    if close:
        return close[0]
    for suffix in _SUFFIXES:
        if norm.endswith(suffix):
            stem = norm[: -len(suffix)]
            found = difflib.get_close_matches(stem, _KNOWN_STEMS, n=1, cutoff=0.75)
            if found and found[0] != "fever":
                return found[0] + suffix
    return None


def check_unique(columns: Sequence[object]) -> list[str]:
    """The column names as text, each checked to appear once (both positions named if not).

    Examples
    --------
    >>> check_unique(["id", "visit"])
    ['id', 'visit']
    """
    names = [str(c) for c in columns]
    first: dict[str, int] = {}
    for pos, name in enumerate(names, start=1):
        if name in first:
            raise JiaInputError(
                f"the name appears twice, in columns {first[name]} and {pos}",
                column=name,
                allowed="each name once",
            )
        first[name] = pos
    return names


def check_columns(
    columns: Sequence[object],
    *,
    marker: Marker | None = None,
    require: tuple[str, ...] = _SUFFIXES,
) -> Marker:
    """Check a table's column names before any value is read; return the marker.

    Parameters
    ----------
    columns : sequence
        The names in file order (a CSV header as written, before pandas would
        rename a second copy to ``name.1``).
    marker : {"esr", "crp"}, optional
        As for :func:`read_core_set`.

    Raises
    ------
    jia_teach.rules.errors.JiaInputError
        A name used twice (both 1-based positions named); a near miss of a
        core-set or fever column (``fever_follow_up``, ``CHAQ_baseline``,
        ``physican_global_baseline``: "did you mean"); ``fever_baseline``
        without ``fever_followup`` (the adapted criteria need fever *at
        follow-up*; fever at baseline alone would be ignored, so it is
        refused); no marker, or both without a choice; a missing core column.

    Examples
    --------
    >>> def problem(names):
    ...     try:
    ...         check_columns(names)
    ...     except JiaInputError as exc:
    ...         return exc.problem
    >>> problem(["id", "chaq_baseline", "chaq_baseline"])
    'the name appears twice, in columns 2 and 3'
    >>> problem(["fever_follow_up"])
    "unknown column; did you mean 'fever_followup'?"
    """
    names = check_unique(columns)
    first = set(names)
    for name in names:
        meant = _near_miss(name)
        if meant is not None:
            allowed = (
                f"{FEVER_COLUMN}: true/false, yes/no, 1/0, blank for unknown"
                if meant.startswith("fever")
                else ", ".join(s + meant[meant.rindex("_") :] for s in _KNOWN_STEMS[:-1])
            )
            raise UnknownColumnError(
                f"unknown column; did you mean {meant!r}?", column=name, allowed=allowed
            )
    if FEVER_BASELINE in first and FEVER_COLUMN not in first:
        raise JiaInputError(
            "fever at baseline is not used by any criterion, and the adapted criteria need "
            "fever at follow-up; add fever_followup (or rename the column if it holds "
            "follow-up fever), or drop it",
            column=FEVER_BASELINE,
            allowed=FEVER_COLUMN,
        )
    chosen = _resolve_marker(pd.Index(names), marker)
    variables = core_set(chosen)
    needed = [f"{v.name}{s}" for v in variables for s in require]
    missing = [c for c in needed if c not in first]
    if missing:
        raise MissingColumnError(
            f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
            column=missing[0],
            allowed="columns <variable>_baseline and <variable>_followup for "
            + ", ".join(v.name for v in variables),
        )
    return chosen


def needed_columns(marker: Marker, *, fever: bool) -> list[str]:
    """The columns :func:`read_core_set` reads, in the order it reads them.

    Examples
    --------
    >>> needed_columns("crp", fever=True)[-3:]
    ['crp_baseline', 'crp_followup', 'fever_followup']
    """
    cols = [f"{v.name}{s}" for v in core_set(marker) for s in _SUFFIXES]
    return [*cols, FEVER_COLUMN] if fever else cols


def _resolve_marker(columns: pd.Index, marker: Marker | None) -> Marker:
    if marker is not None:
        if marker not in MARKERS:
            raise InvalidValueError(
                f"{marker!r} is not a marker", column="marker", allowed="'esr' or 'crp'"
            )
        return marker
    present = [m for m in MARKERS if any(f"{m}{s}" in columns for s in _SUFFIXES)]
    if len(present) == 1:
        return present[0]
    if not present:
        raise MissingColumnError(
            "no inflammation marker columns",
            column="esr_baseline/esr_followup or crp_baseline/crp_followup",
            allowed="one pair of ESR (mm/h) or CRP (mg/L) columns",
        )
    raise JiaInputError(
        "both ESR and CRP columns are present; say which one the definition uses",
        column="marker",
        allowed="marker='esr' or marker='crp' (command line: --marker esr|crp)",
    )


def _numbers(series: pd.Series, column: str, allowed: str) -> NDArray:
    """The column as float64 with NaN for missing, or as it is when a numpy integer column
    (it cannot be missing; a block copies it to float64); non-numbers raise."""
    if pd.api.types.is_bool_dtype(series.dtype):
        raise InvalidValueError(
            "true/false where a number is needed", column=column, row=1, allowed=allowed
        )
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "iu":
        return series.to_numpy()  # no float copy of the whole column (speed)
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    text = series.astype("string").str.strip()
    blank = text.isna() | (text == "")
    values = pd.to_numeric(text.mask(blank), errors="coerce")
    bad = values.isna() & ~blank
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise InvalidValueError(
            f"{text.iloc[pos]!r} is not a number; a blank cell means missing",
            column=column,
            row=pos + 1,
            allowed=f"numbers {allowed}, or a blank cell for a missing value",
        )
    return values.to_numpy(dtype=np.float64, na_value=np.nan)


def _shown(series: pd.Series, arr: NDArray[np.float64], pos: int) -> str:
    """The value at ``pos`` as the user wrote it: the text of a text cell, else the number
    in full (``3.0000001``, not ``3``; ``55``, not ``55.0``)."""
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        value = series.iloc[pos]
        if isinstance(value, str):
            return value.strip()
    x = float(arr[pos])
    if np.isfinite(x) and x == np.floor(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def _written(value: object) -> str:
    """A cell for a message: text quoted as written, a number as a number (``2``, ``2.5``),
    never ``np.int64(2)``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _refuse_first(
    bad: NDArray[np.bool_], problem: Callable[[int], str], column: str, allowed: str
) -> None:
    """Raise for the first bad cell (its 1-based row), with ``problem(position)``; else nothing."""
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise InvalidValueError(problem(pos), column=column, row=pos + 1, allowed=allowed)


def _checked(series: pd.Series, column: str, var: Variable, vas_unit: VasUnit) -> NDArray:
    integer_dtype = pd.api.types.is_integer_dtype(series.dtype)
    scale = 10.0 if (var.kind == "global" and vas_unit == "mm") else 1.0
    low, high = var.low * scale, var.high * scale
    allowed = var.allowed if scale == 1.0 else f"{low:g} to {high:g} mm (vas_unit='mm')"
    arr = _numbers(series, column, allowed)
    # Fast path (speed): two NaN-ignoring reductions; the row is looked for only on failure.
    if arr.dtype.kind in "iu":
        lowest, highest = (arr.min(), arr.max()) if arr.size else (low, high)
    else:
        lowest, highest = np.fmin.reduce(arr, initial=np.inf), np.fmax.reduce(arr, initial=-np.inf)
    if not (lowest >= low and highest <= high) and arr.size:
        with np.errstate(invalid="ignore"):
            bad = ~np.isnan(arr) & ~((arr >= low) & (arr <= high))  # catches +-inf too
        pos = int(np.flatnonzero(bad)[0])
        problem = f"{_shown(series, arr, pos)} is out of range"
        if var.kind == "global" and scale == 1.0 and high < arr[pos] <= 10 * high:
            problem += (
                "; a VAS over 10 looks like millimetres: say so with vas_unit='mm' "
                "(command line: --vas-unit mm)"
            )
        raise InvalidValueError(problem, column=column, row=pos + 1, allowed=allowed)
    if var.integer and not integer_dtype:
        _refuse_first(
            ~np.isnan(arr) & (arr != np.floor(arr)),
            lambda pos: f"{_shown(series, arr, pos)} is not a whole number of joints",
            column,
            allowed,
        )
    return arr / scale if scale != 1.0 else arr


def parse_fever(values: object, column: str = FEVER_COLUMN) -> pd.arrays.BooleanArray:
    """Fever flags as a nullable boolean array.

    Accepts booleans, 0/1, and the words true/false, yes/no, y/n (any case);
    a blank is missing. Anything else raises, naming the row.

    Examples
    --------
    >>> parse_fever(["yes", "No", "", None, 1, "TRUE"]).tolist()
    [True, False, <NA>, <NA>, True, True]
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype="object")
    if pd.api.types.is_bool_dtype(series.dtype):
        return pd.array(series, dtype="boolean")
    if pd.api.types.is_numeric_dtype(series.dtype):
        num = series.to_numpy(dtype=np.float64, na_value=np.nan)
        truth = num == 1
        bad = ~np.isnan(num) & ~truth & (num != 0)
        missing = np.isnan(num)
    else:
        words = series.astype("string").str.strip().str.lower()
        missing = (words.isna() | (words == "")).to_numpy()
        truth = words.isin(_TRUE).to_numpy(dtype=bool, na_value=False)
        falsity = words.isin(_FALSE).to_numpy(dtype=bool, na_value=False)
        bad = ~missing & ~truth & ~falsity
    _refuse_first(
        bad,
        lambda pos: f"{_written(series.iloc[pos])} is not a fever flag",
        column,
        "true/false, yes/no, 1/0, or blank for unknown",
    )
    return pd.arrays.BooleanArray(np.asarray(truth, dtype=bool), np.asarray(missing, dtype=bool))


def read_core_set(
    table: pd.DataFrame,
    *,
    marker: Marker | None = None,
    vas_unit: VasUnit = "cm",
    require: tuple[str, ...] = _SUFFIXES,
) -> CoreSetTable:
    """Check a wide table and return its core-set arrays.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per patient and comparison; not modified.
    marker : {"esr", "crp"}, optional
        Which marker columns to use; inferred when only one pair is present.
    vas_unit : {"cm", "mm"}
        Unit of the two global assessments in the table. Values are returned
        in cm.

    Examples
    --------
    >>> t = pd.DataFrame({"physician_global_baseline": [6.0], "physician_global_followup": [3.0],
    ...     "parent_global_baseline": [5.0], "parent_global_followup": [4.0],
    ...     "chaq_baseline": [1.5], "chaq_followup": [1.0], "active_joints_baseline": [10],
    ...     "active_joints_followup": [4], "lom_joints_baseline": [8],
    ...     "lom_joints_followup": [8], "crp_baseline": [120.0], "crp_followup": [10.0]})
    >>> read_core_set(t).marker
    'crp'
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(table).__name__}")
    if vas_unit not in ("cm", "mm"):
        raise InvalidValueError(
            f"{vas_unit!r} is not a VAS unit", column="vas_unit", allowed="'cm' or 'mm'"
        )
    columns = table.columns
    chosen = check_columns(list(columns), marker=marker, require=require)
    variables = core_set(chosen)
    n = len(table)
    columns_of = {}
    for suffix in require:
        columns_of[suffix] = [
            _checked(table[f"{var.name}{suffix}"], f"{var.name}{suffix}", var, vas_unit)
            for var in variables
        ]
    fever = parse_fever(table[FEVER_COLUMN]) if FEVER_COLUMN in columns else None
    missing = [np.full(n, np.nan)] * 6  # a side not required: all missing, one shared column
    return CoreSetTable(
        columns_of.get("_baseline", missing),
        columns_of.get("_followup", missing),
        fever,
        chosen,
    )
