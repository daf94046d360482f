"""Pair a table of visits (one row per visit, as registries export it) for scoring.

:func:`pair_visits` turns a *long* table (a patient id, a visit time, the
core-set values named by the variable alone: ``physician_global``,
``parent_global``, ``chaq``, ``active_joints``, ``lom_joints``, ``esr`` or
``crp``, optionally ``fever``) into the *wide* table :func:`jia_teach.score`
takes: one row per follow-up visit against its baseline, with the pairing
written into the output.

Rules (decided on purpose; each is tested)
------------------------------------------
* Order: rows may come in any order; visits are ordered by patient, then
  time. The output is sorted by patient id, then follow-up time, so the
  same visits give the same table whatever the file order.
* Two visits of one patient at the same time are an error naming both rows
  (which one is the visit is the researcher's call, not ours). Same-*day*
  visits with different times are two visits.
* A missing patient id or time is an error naming the row. Text times must
  be ISO 8601 dates (``2024-03-01``, optionally with a time); a column of
  numbers is study days. Nothing else is guessed (``03/01/2024`` is March or
  January: refused). Times with UTC offsets are converted to UTC before they
  are ordered (a daylight-saving change mixes ``+01:00`` and ``+02:00`` in one
  column); in such a column a time without an offset is taken as UTC. Any
  date from year 1 to 9999 is accepted (no 1677-2262 limit).
* Patient ids are compared with the spaces at either end removed (``"A "``
  and ``"A"`` are one patient, written ``A``), since a trailing space is
  invisible in a spreadsheet; inside an id every character counts, and case
  too (``a1`` and ``A1`` are two patients).
* The patient, time and label columns cannot be core-set columns
  (``--time esr`` would order visits by their ESR).
* ``baseline="first"``: every later visit against the patient's first.
  ``"previous"``: every visit against the one before it. Any other string
  is a visit label looked up in the ``label`` column (``baseline="week 0",
  label="visit"``; spaces at either end ignored, case counts; a label that no
  visit has is an error listing the labels seen); a callable gets the table
  and returns a boolean mask of baseline visits. A patient has at most one
  baseline (two are an error naming the rows); visits before it are not
  paired.
* ``window=(target, tolerance)`` in days keeps, per patient, the one
  follow-up whose distance from the baseline is nearest ``target`` within
  ``+/- tolerance`` (inclusive). A tie (one visit as far before as another
  after) goes to the **earlier** visit, the one closer to baseline, so a
  later, possibly better-treated visit is never picked for being later.
* A patient without a pair (one visit, no baseline visit, or none in the
  window) has no row; their ids are in ``result.attrs["unpaired"]``.
* Errors name the row of the visit table as given (1-based position), also
  from :func:`score_visits`: a bad value found while scoring a pair is named
  by the visit row it came from, not the pair row.

Output columns: the patient column, ``baseline_time``, ``followup_time``,
``days_from_baseline`` (float days), ``baseline_row`` and ``followup_row``
(the 1-based rows of the input that were paired, so every value can be
traced), then ``<column>_baseline`` and ``<column>_followup`` for every
other column (core set first, in the fixed order; ``fever`` gives
``fever_baseline`` and ``fever_followup``).
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from jia_teach.rules.coreset import CORE_VARIABLES, MARKERS
from jia_teach.rules.errors import (
    InvalidValueError,
    JiaInputError,
    MissingColumnError,
    UnknownColumnError,
)
from jia_teach.scoring.visittimes import _blank, _days, _plain, _times

__all__ = ["pair_visits", "response_over_time", "score_visits"]

_STEMS = (*CORE_VARIABLES, *MARKERS, "fever")
_MADE = ("baseline_time", "followup_time", "days_from_baseline", "baseline_row", "followup_row")

Baseline = str | Callable[[pd.DataFrame], Any]


def _check_names(visits: pd.DataFrame, patient: str, time: str, label: str | None) -> list[str]:
    columns = [str(c) for c in visits.columns]
    dup = pd.Index(columns)[pd.Index(columns).duplicated()]
    if len(dup):
        raise JiaInputError("the name appears twice", column=str(dup[0]))
    for name, what in ((patient, "patient"), (time, "time"), (label, "label")):
        if name is not None and name in _STEMS:
            raise JiaInputError(
                f"{name!r} is a core-set column, not the {what} column",
                column=what,
                allowed="a column of "
                + {
                    "patient": "patient ids",
                    "time": "visit dates or study days",
                    "label": "visit labels",
                }[what]
                + " that is not one of "
                + ", ".join(_STEMS),
            )
        if name is not None and name not in columns:
            lower = {c.lower(): c for c in columns}
            close = difflib.get_close_matches(name.lower(), list(lower), n=1, cutoff=0.6)
            hint = f"; did you mean {lower[close[0]]!r}?" if close else ""
            raise MissingColumnError(
                f"no {what} column {name!r}{hint}", column=name, allowed=", ".join(columns)
            )
    for name in columns:
        norm = name.strip().lower().replace(" ", "_").replace("-", "_")
        if name in _STEMS or name in (patient, time, label):
            continue
        close = difflib.get_close_matches(norm, _STEMS, n=1, cutoff=0.85)
        if norm in _STEMS or close:
            meant = norm if norm in _STEMS else close[0]
            raise UnknownColumnError(
                f"unknown column; did you mean {meant!r}?",
                column=name,
                allowed=", ".join(_STEMS),
            )
        if name in _MADE:
            raise JiaInputError(
                "this name is one pair_visits writes; rename the column", column=name
            )
    if not any(m in columns for m in MARKERS) or not all(v in columns for v in CORE_VARIABLES):
        missing = [v for v in CORE_VARIABLES if v not in columns] or ["esr or crp"]
        raise MissingColumnError(
            f"missing column: {missing[0]} (a visit table names each variable alone)",
            column=missing[0],
            allowed=", ".join(_STEMS[:-1]) + " (and optionally fever)",
        )
    return columns


def label_text(values: pd.Series) -> pd.Series:
    """Visit labels as compared with a baseline label: text, spaces at either end removed."""
    return values.astype("string").str.strip()


def no_label_error(baseline: str, label: str, seen: list[str]) -> JiaInputError:
    """The error for a baseline label that no visit has; ``seen``: the labels in first-seen
    order (the first eleven and any that match but for case are enough)."""
    close = [v for v in seen if v.lower() == baseline.strip().lower()]
    hint = f"; did you mean {close[0]!r}? (case counts)" if close else ""
    shown = ", ".join(repr(v) for v in seen[:10]) + (", ..." if len(seen) > 10 else "")
    return JiaInputError(
        f"no visit has the label {baseline!r}{hint}",
        column=label,
        allowed=f"a label found in the column: {shown}"
        if seen
        else "a label (the column is empty)",
    )


def _baseline_mask(
    visits: pd.DataFrame, baseline: Baseline, label: str | None, whole: bool = True
) -> np.ndarray | None:
    if callable(baseline):
        mask = baseline(visits)
        mask = np.asarray(mask, dtype=object)
        if mask.shape != (len(visits),):
            raise JiaInputError(
                f"the baseline rule returned {mask.shape[0] if mask.ndim else 1} values for "
                f"{len(visits)} visits",
                column="baseline",
                allowed="a boolean mask with one value per visit",
            )
        return np.array([bool(v) if v is not None and v is not pd.NA else False for v in mask])
    if baseline in ("first", "previous"):
        return None
    if not isinstance(baseline, str):
        raise JiaInputError(
            f"{baseline!r} is not a baseline rule",
            column="baseline",
            allowed="'first', 'previous', a visit label (with label=COLUMN), or a callable",
        )
    if label is None:
        raise JiaInputError(
            f"baseline={baseline!r} is a visit label: say which column holds the labels",
            column="label",
            allowed="label='<column of visit labels>' (command line: --label COLUMN)",
        )
    text = label_text(visits[label])
    mask = (text == baseline.strip()).to_numpy(dtype=bool, na_value=False)
    if whole and len(visits) and not mask.any():
        raise no_label_error(baseline, label, [str(v) for v in pd.unique(text.dropna()) if str(v)])
    return mask


def pair_visits(
    visits: pd.DataFrame,
    *,
    patient: str,
    time: str,
    baseline: Baseline = "first",
    label: str | None = None,
    window: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Pair every follow-up visit with its patient's baseline (rules: module docstring).

    Parameters
    ----------
    visits : pandas.DataFrame
        One row per visit; not modified.
    patient, time : str
        The columns of patient ids and of visit times (dates or study days).
    baseline : {"first", "previous"}, str or callable
        Which visit is the baseline: the patient's first, the previous visit,
        the visit with this label in ``label``, or a callable returning a
        boolean mask of baseline visits.
    label : str, optional
        The column of visit labels (for a label ``baseline``).
    window : (float, float), optional
        ``(target, tolerance)`` in days: keep per patient the follow-up
        nearest ``target`` days after baseline, within the tolerance.

    Returns
    -------
    pandas.DataFrame
        The wide table, with ``attrs["unpaired"]``: the ids without a pair.

    Raises
    ------
    jia_teach.rules.errors.JiaInputError
        A missing column, id or time, an unreadable date, two visits of one
        patient at one time, or two baselines for one patient, naming the
        row(s).

    Examples
    --------
    >>> v = pd.DataFrame({"id": ["A", "A", "A", "B"],
    ...     "date": ["2024-01-01", "2024-03-25", "2024-01-15", "2024-02-01"],
    ...     "physician_global": [6, 2, 4, 5], "parent_global": [5, 3, 4, 4],
    ...     "chaq": [1.5, 1.0, 1.2, 1.0], "active_joints": [12, 3, 8, 6],
    ...     "lom_joints": [10, 9, 9, 4], "esr": [60, 20, 40, 30]})
    >>> pairs = pair_visits(v, patient="id", time="date")
    >>> pairs[["id", "days_from_baseline", "baseline_row", "followup_row", "chaq_followup"]]
      id  days_from_baseline  baseline_row  followup_row  chaq_followup
    0  A                14.0             1             3            1.2
    1  A                84.0             1             2            1.0
    >>> pairs.attrs["unpaired"]
    ('B',)
    >>> pair_visits(v, patient="id", time="date", window=(84, 14))["followup_row"].tolist()
    [2]
    """
    return _pair(visits, patient, time, baseline, label, window)


def _check_window(baseline: Baseline, window: tuple[float, float]) -> tuple[float, float]:
    if baseline == "previous":
        raise JiaInputError(
            "a window counts days from the baseline; with baseline='previous' every "
            "visit is its own window",
            column="window",
            allowed="window with baseline='first', a label or a callable",
        )
    try:
        target, tolerance = (float(x) for x in window)
    except (TypeError, ValueError):
        target = tolerance = np.nan
    if not (np.isfinite(target) and np.isfinite(tolerance) and tolerance >= 0):
        raise InvalidValueError(
            f"{window!r} is not a window",
            column="window",
            allowed="(target days, tolerance days), tolerance 0 or more",
        )
    return target, tolerance


def patient_ids(ids: pd.Series) -> pd.Series:
    """Patient ids as compared: text without the spaces at its ends (module docstring)."""
    if ids.dtype == object or pd.api.types.is_string_dtype(ids.dtype):
        stripped = ids.map(lambda v: v.strip() if isinstance(v, str) else v)
        return pd.Series(stripped.to_numpy(dtype=object), index=ids.index, name=ids.name)
    return ids


def _pair(
    visits: pd.DataFrame,
    patient: str,
    time: str,
    baseline: Baseline,
    label: str | None,
    window: tuple[float, float] | None,
    *,
    rows: np.ndarray | None = None,
    times: tuple[np.ndarray, pd.Series, bool] | None = None,
    whole: bool = True,
) -> pd.DataFrame:
    """:func:`pair_visits` on ``visits``, which may be a part of a larger table.

    ``rows``: the 1-based number of each visit in the whole table (default: its position),
    used in errors and in ``baseline_row``/``followup_row``. ``times``: the time column as
    :func:`~jia_teach.scoring.visittimes._times` read it over the whole table. ``whole``:
    False when ``visits`` holds whole patients of a larger table whose baseline label was
    looked for over the whole table (a part without it is no error).
    """
    if not isinstance(visits, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(visits).__name__}")
    columns = _check_names(visits, patient, time, label)
    if window is not None:
        target, tolerance = _check_window(baseline, window)
    number = np.arange(1, len(visits) + 1) if rows is None else np.asarray(rows, dtype=np.int64)
    ids = visits[patient]
    missing = _blank(ids)
    if missing.any():
        raise InvalidValueError(
            "no patient id", column=patient, row=int(number[np.flatnonzero(missing)[0]])
        )
    if times is None:
        try:
            times = _times(visits[time], time)
        except JiaInputError as exc:
            if exc.row is None or rows is None:
                raise
            raise type(exc)(
                exc.problem, column=exc.column, row=int(number[exc.row - 1]), allowed=exc.allowed
            ) from None
    key, shown, dates = times
    ids = patient_ids(ids)
    # speed: hashing plain Python objects is several times faster than Arrow-backed text here
    plain = ids.to_numpy(dtype=object)
    try:
        codes, uniques = pd.factorize(plain, sort=True)
    except TypeError:  # ids of mixed types (numbers and text): sorted as text
        codes, uniques = pd.factorize(plain.astype(str), sort=True)
    order = np.lexsort((key, codes))
    sc, st = codes[order], key[order]
    same = np.flatnonzero((sc[1:] == sc[:-1]) & (st[1:] == st[:-1]))
    if len(same):
        i, j = sorted((int(order[same[0]]), int(order[same[0] + 1])))
        raise InvalidValueError(
            f"rows {number[i]} and {number[j]} are two visits of patient "
            f"{_plain(ids.iloc[i])!r} at the same time ({visits[time].iloc[i]}); keep one, or "
            "give each its own time",
            column=time,
            row=int(number[j]),
        )
    n = len(order)
    starts = np.flatnonzero(np.concatenate(([True], sc[1:] != sc[:-1]))) if n else np.array([], int)
    group_of = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, n)))
    mask = _baseline_mask(visits, baseline, label, whole)
    if mask is None and baseline == "previous":
        is_start = np.zeros(n, dtype=bool)
        is_start[starts] = True
        fpos = np.flatnonzero(~is_start)
        bpos = fpos - 1
    else:
        if mask is None:  # first
            base_of_group = starts
        else:
            sorted_mask = mask[order]
            per_group = np.bincount(group_of[sorted_mask], minlength=len(starts))
            if (per_group > 1).any():
                g = int(np.flatnonzero(per_group > 1)[0])
                two = sorted(
                    int(number[order[p]]) for p in np.flatnonzero(sorted_mask & (group_of == g))[:2]
                )
                raise JiaInputError(
                    f"rows {two[0]} and {two[1]} are both baseline visits of patient "
                    f"{_plain(uniques[g])!r}",
                    column=label or "baseline",
                    row=two[1],
                )
            base_of_group = np.full(len(starts), -1)
            base_of_group[group_of[sorted_mask]] = np.flatnonzero(sorted_mask)
        has_base = base_of_group >= 0
        candidate = has_base[group_of] & (
            np.arange(n) > np.where(has_base, base_of_group, n)[group_of]
        )
        fpos = np.flatnonzero(candidate)
        bpos = base_of_group[group_of[fpos]]
        if window is not None and len(fpos):
            days = _days(st[fpos] - st[bpos], dates)
            inside = np.abs(days - target) <= tolerance
            fpos, bpos, days = fpos[inside], bpos[inside], days[inside]
            pick = np.lexsort((st[fpos], np.abs(days - target), group_of[fpos]))
            g = group_of[fpos][pick]
            first = pick[np.concatenate(([True], g[1:] != g[:-1]))] if len(g) else pick
            fpos, bpos = fpos[np.sort(first)], bpos[np.sort(first)]
    paired = np.zeros(len(starts), dtype=bool)
    paired[group_of[fpos]] = True
    unpaired = tuple(map(_plain, ids.to_numpy()[order[starts[~paired]]].tolist()))
    b_rows, f_rows = order[bpos], order[fpos]
    out: dict[str, Any] = {
        patient: ids.iloc[f_rows].reset_index(drop=True),
        "baseline_time": shown.iloc[b_rows].reset_index(drop=True),
        "followup_time": shown.iloc[f_rows].reset_index(drop=True),
        "days_from_baseline": _days(key[f_rows] - key[b_rows], dates),
        "baseline_row": number[b_rows],
        "followup_row": number[f_rows],
    }
    carried = [c for c in _STEMS if c in columns]
    carried += [c for c in columns if c not in carried and c not in (patient, time)]
    for c in carried:
        for side, picked in (("baseline", b_rows), ("followup", f_rows)):
            out[f"{c}_{side}"] = visits[c].iloc[picked].reset_index(drop=True)
    result = pd.DataFrame(out)
    result.attrs["unpaired"] = unpaired
    return result


_PAIRING = ("baseline", "label", "window")


def score_visits(visits: pd.DataFrame, *, patient: str, time: str, **options: Any) -> pd.DataFrame:
    """:func:`pair_visits` then :func:`jia_teach.score`.

    ``baseline``, ``label`` and ``window`` in ``options`` go to :func:`pair_visits` (same
    defaults), every other option to ``score``.

    Examples
    --------
    >>> v = pd.DataFrame({"id": ["A", "A"], "day": [0, 84],
    ...     "physician_global": [6, 2], "parent_global": [5, 3], "chaq": [1.5, 1.0],
    ...     "active_joints": [12, 3], "lom_joints": [10, 9], "esr": [60, 20]})
    >>> score_visits(v, patient="id", time="day")[["id", "days_from_baseline", "acr50"]]
      id  days_from_baseline  acr50
    0  A                84.0   True
    """
    pairing = {k: options.pop(k) for k in _PAIRING if k in options}
    pairs = pair_visits(visits, patient=patient, time=time, **pairing)
    return score_pairs(pairs, **options)


def score_pairs(pairs: pd.DataFrame, **options: Any) -> pd.DataFrame:
    """:func:`jia_teach.score` of :func:`pair_visits`' table; an error names the visit row."""
    from jia_teach.scoring.scorer import score

    bare = pairs.copy(deep=False)
    bare.attrs = {}  # speed: pandas deep-copies attrs (every unpaired id) in each operation
    try:
        scored = score(bare, **options)
    except JiaInputError as exc:
        raise _visit_error(exc, pairs) from None
    scored.attrs["unpaired"] = pairs.attrs["unpaired"]
    return scored


def _visit_error(exc: JiaInputError, pairs: pd.DataFrame) -> JiaInputError:
    """An error about pair row N, column ``chaq_followup``, told as visit row M, column ``chaq``."""
    column = exc.column
    if exc.row is None or column is None or not column.endswith(("_baseline", "_followup")):
        return exc
    stem, side = column.rsplit("_", 1)
    visit_row = int(pairs[f"{side}_row"].iloc[exc.row - 1])
    moved = type(exc)(exc.problem, column=stem, row=visit_row, allowed=exc.allowed)
    return moved


def response_over_time(
    scored: pd.DataFrame,
    *,
    criteria: tuple[str, ...] = ("acr30", "acr50", "acr70", "acr90"),
    edges: tuple[float, ...] = (0, 21, 42, 105, 210, 420),
) -> pd.DataFrame:
    """How many pairs met each criterion, per window of days from baseline.

    Windows are ``(edges[i], edges[i + 1]]`` days (a pair on day 0 counts in
    none). ``share_met`` is met / decided: an undecided (NA) pair is counted
    apart, never as "not met", so a missing value cannot lower a rate.

    Examples
    --------
    >>> s = pd.DataFrame({"days_from_baseline": [14.0, 20, 84], "acr30": pd.array(
    ...     [True, None, False], dtype="boolean")})
    >>> response_over_time(s, criteria=("acr30",), edges=(0, 21, 105))
            window criterion  pairs  met  not_met  undecided  share_met
    0    1-21 days     acr30      2    1        0          1        1.0
    1  22-105 days     acr30      1    0        1          0        0.0
    """
    days = scored["days_from_baseline"].to_numpy(dtype=np.float64)
    labels = [f"{lo + 1:g}-{hi:g} days" for lo, hi in itertools.pairwise(edges)]
    which = np.searchsorted(np.asarray(edges, dtype=np.float64), days, side="left") - 1
    inside = (days > edges[0]) & (days <= edges[-1])
    rows = []
    for k, label in enumerate(labels):
        sel = inside & (which == k)
        for name in criteria:
            verdict = scored[name].array[sel]
            met = int(verdict.to_numpy(dtype=bool, na_value=False).sum())
            undecided = int(verdict.isna().sum())
            decided = int(sel.sum()) - undecided
            rows.append(
                {
                    "window": label,
                    "criterion": name,
                    "pairs": int(sel.sum()),
                    "met": met,
                    "not_met": decided - met,
                    "undecided": undecided,
                    "share_met": met / decided if decided else np.nan,
                }
            )
    return pd.DataFrame(rows)
