"""Why each row was decided as it was: ``score(..., explain=True)``, vectorised.

Columns added (after the decisions):

``<name>_why`` for each response definition and ``flare_why``
    A decided row gets a short reason built from the same counts the
    decision used: ``"met: 4 improved >= 30%, 0 worsened > 30%"``,
    ``"not met: 2 improved >= 50% (needs 3)"``, ``"not met: 2 worsened > 30%
    (at most 1)"``; for flare ``"flare: 3 worsened >= 30% (needs 3), 0
    improved >= 30% (at most 1)"`` or ``"no flare: ..."``. An undecided (NA)
    row names the missing values that could still change the answer:
    ``"undecided: could change with esr_followup, chaq_baseline"``. A missing
    value that can neither improve nor worsen by the definition's thresholds
    (given the known value beside it and the variable's range) is not listed:
    it cannot change the answer.
``highest_met``
    The last definition, in the order given, that is certainly met
    (``"ACR50"``), ``"none"`` when every one is certainly not met, NA when
    none is certainly met but one is undecided.

How it stays vectorised: every reason is a function of a few small integers
per row (the verdict, the counts, a 12-bit mask of which missing cells
matter), so each row gets one integer code; the distinct codes (a few
hundred in a large table) are turned into text once, and the rows take
theirs by indexing. No Python runs per row. The counts come from the same
helpers as the decisions (:mod:`jia_teach.scoring.criteria`), so a reason cannot
disagree with its verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jia_teach.rules.coreset import core_set
from jia_teach.scoring.criteria import _row_count, possible_changes
from jia_teach.scoring.flare import flare_worse

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from jia_teach.rules.definitions import FlareDefinition, ResponseDefinition
    from jia_teach.scoring.inputs import CoreSetTable

__all__ = ["explain", "explain_columns"]

#: Text columns hold Python strings whether or not pyarrow is installed (same output either way).
_TEXT = pd.StringDtype("python")
_UNDECIDED = 1 << 20  # code offset of undecided rows (below it: verdict and counts)


def explain_columns(names: Sequence[str]) -> list[str]:
    """The column names ``explain=True`` adds for response columns ``names``.

    Examples
    --------
    >>> explain_columns(["acr30", "acr50"])
    ['acr30_why', 'acr50_why', 'flare_why', 'highest_met']
    """
    return [*(f"{n}_why" for n in names), "flare_why", "highest_met"]


def _gap_mask(
    data: CoreSetTable, rows: NDArray[np.intp], can: NDArray[np.bool_]
) -> NDArray[np.int64]:
    """12-bit code per row: bit 2j = baseline j missing and it matters, 2j+1 = follow-up j."""
    b_nan = np.isnan(data.baseline[rows])
    f_nan = np.isnan(data.followup[rows])
    weights_b = 1 << (2 * np.arange(6))
    weights_f = 1 << (2 * np.arange(6) + 1)
    return ((b_nan & can) @ weights_b + (f_nan & can) @ weights_f).astype(np.int64)


def _gap_text(mask: int, names: Sequence[str]) -> str:
    cols = []
    for j, name in enumerate(names):
        if mask >> (2 * j) & 1:
            cols.append(f"{name}_baseline")
        if mask >> (2 * j + 1) & 1:
            cols.append(f"{name}_followup")
    return "undecided: could change with " + ", ".join(cols)


def _texts(codes: NDArray[np.int64], describe: Callable[[int], str]) -> pd.arrays.StringArray:
    """Text per row from an integer code per row, describing each distinct code once."""
    uniques, inverse = np.unique(codes, return_inverse=True)
    words = np.array([describe(int(c)) for c in uniques], dtype=object)
    return pd.array(words[inverse.reshape(-1)], dtype=_TEXT)


def _reasons(
    verdict: pd.arrays.BooleanArray,
    first: NDArray[np.uint8],
    second: NDArray[np.uint8],
    gap_rows: NDArray[np.intp],
    gap_codes: NDArray[np.int64],
    describe: Callable[[bool, int, int], str],
    names: Sequence[str],
) -> pd.arrays.StringArray:
    values = verdict.to_numpy(dtype=bool, na_value=False).astype(np.int64)
    undecided = verdict.isna()
    codes = values * 100 + first.astype(np.int64) * 10 + second.astype(np.int64)
    full = np.zeros(len(codes), dtype=np.int64)
    full[gap_rows] = gap_codes
    codes = np.where(undecided, _UNDECIDED + full, codes)

    def text(code: int) -> str:
        if code >= _UNDECIDED:
            return _gap_text(code - _UNDECIDED, names)
        return describe(bool(code // 100), code // 10 % 10, code % 10)

    return _texts(codes, text)


def _response_reason(d: ResponseDefinition) -> Callable[[bool, int, int], str]:
    def describe(met: bool, improved: int, worsened: int) -> str:
        limit = f"{d.worsening_limit:g}%"
        counts = f"{improved} improved >= {d.level:g}%, {worsened} worsened > {limit}"
        if met:
            return f"met: {counts}"
        why = []
        if improved < d.min_improved:
            why.append(f"{improved} improved >= {d.level:g}% (needs {d.min_improved})")
        if worsened > d.max_worsened:
            why.append(f"{worsened} worsened > {d.worsening_limit:g}% (at most {d.max_worsened})")
        if not why and d.require_no_fever:
            why.append(f"{counts}, but fever at follow-up")
        return "not met: " + "; ".join(why or [counts])

    return describe


def _flare_reason(d: FlareDefinition) -> Callable[[bool, int, int], str]:
    def describe(flare: bool, worsened: int, improved: int) -> str:
        text = (
            f"{worsened} worsened >= {d.level:g}% (needs {d.min_worsened}), "
            f"{improved} improved >= {d.improvement_level:g}% (at most {d.max_improved})"
        )
        return ("flare: " if flare else "no flare: ") + text

    return describe


def explain(
    data: CoreSetTable,
    pct: NDArray[np.float64],
    definitions: Mapping[str, ResponseDefinition],
    flare: FlareDefinition,
    result: Mapping[str, object],
) -> dict[str, pd.api.extensions.ExtensionArray]:
    """The explanation columns for decisions already made (called by :func:`~jia_teach.score`).

    Examples
    --------
    >>> import jia_teach
    >>> t = pd.DataFrame({"physician_global_baseline": [6.0, 6],
    ...     "physician_global_followup": [2, 2], "parent_global_baseline": [5, 5],
    ...     "parent_global_followup": [3, 5], "chaq_baseline": [1.5, 1.5],
    ...     "chaq_followup": [1.0, 1.5], "active_joints_baseline": [12, 12],
    ...     "active_joints_followup": [3, 3], "lom_joints_baseline": [10, 10],
    ...     "lom_joints_followup": [9, 10], "esr_baseline": [60, 60], "esr_followup": [20, None]})
    >>> out = jia_teach.score(t, explain=True)
    >>> out.loc[0, "acr50_why"]
    'met: 3 improved >= 50%, 0 worsened > 30%'
    >>> out.loc[1, "acr30_why"]
    'undecided: could change with esr_followup'
    >>> out["highest_met"].tolist()
    ['ACR50', <NA>]
    """
    names = tuple(v.name for v in core_set(data.marker))
    missing = np.isnan(pct)
    gap_rows = np.flatnonzero(_row_count(missing))
    b, f = data.baseline[gap_rows], data.followup[gap_rows]
    out: dict[str, pd.api.extensions.ExtensionArray] = {}
    for name, d in definitions.items():
        improved = _row_count(pct >= d.level)
        worsened = _row_count(pct < -d.worsening_limit)
        can_i, can_w = possible_changes(b, f, d, data.marker)
        codes = _gap_mask(data, gap_rows, missing[gap_rows] & (can_i | can_w))
        out[f"{name}_why"] = _reasons(
            result[name], improved, worsened, gap_rows, codes, _response_reason(d), names
        )
    worse = _row_count(flare_worse(data.baseline, data.followup, pct, flare))
    better = _row_count(pct >= flare.improvement_level)
    can_i, can_w = possible_changes(b, f, flare, data.marker)
    codes = _gap_mask(data, gap_rows, missing[gap_rows] & (can_i | can_w))
    out["flare_why"] = _reasons(
        result["flare"], worse, better, gap_rows, codes, _flare_reason(flare), names
    )
    out["highest_met"] = _highest(definitions, result)
    return out


def _highest(
    definitions: Mapping[str, ResponseDefinition], result: Mapping[str, object]
) -> pd.arrays.StringArray:
    labels = list(definitions)
    n = len(next(iter(result.values()))) if result else 0
    code = np.full(n, -1, dtype=np.int64)  # -1: none certainly met
    any_na = np.zeros(n, dtype=bool)
    for k, name in enumerate(labels):
        verdict = result[name]
        code[verdict.to_numpy(dtype=bool, na_value=False)] = k
        any_na |= verdict.isna()
    code[(code == -1) & any_na] = -2

    def text(c: int) -> str:
        return "none" if c == -1 else definitions[labels[c]].name

    words = _texts(np.maximum(code, -1), text)
    return pd.array(np.where(code == -2, pd.NA, words.to_numpy(dtype=object)), dtype=_TEXT)
