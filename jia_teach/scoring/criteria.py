"""The vectorised core: per-variable change and the decisions built on it.

(About 500 lines, most of them the rules at the edges in words and their examples.)

Every function takes arrays of shape ``(n, 6)`` in the fixed core-set order
(:data:`jia_teach.rules.coreset.CORE_VARIABLES` followed by the marker) and decides
all ``n`` patients at once. Missing values are ``NaN``.

Rules at the edges (decided on purpose; see the tests)
------------------------------------------------------
* Improvement % = (baseline - follow-up) / baseline x 100; every variable is
  lower-is-better.
* "Improved" means improvement >= the level: exactly 30 % counts.
  "Worsened" (for response) means worse by strictly more than the limit:
  exactly 30 % worse does not count. For flare, worsening is inclusive
  (>= 30 % worse counts), as the flare definitions are worded.
* Exactness: values are first quantised to 1e-6 of their unit (no core-set
  value is recorded more finely) and the percentage is one correctly rounded
  division of two exact integers, so 3.3 -> 2.31 is exactly 30.0 % and
  2.3 -> 2.99 is exactly -30.0 %: floating point cannot flip a threshold.
* Baseline 0: follow-up 0 is no change (0 %, neither improved nor worsened);
  follow-up above 0 is worsened (-inf %, worse than any limit).
* Missing values: a decision is True or False only when every possible value
  of the missing variables gives the same answer; otherwise it is ``NA``.
  "Possible" respects what is known: a variable whose baseline is 0 cannot
  improve, one whose baseline is at the top of its range cannot worsen, and
  a follow-up of 0 cannot be a worsening. When the baseline and follow-up
  arrays are passed, these limits are used; without them every missing
  variable is taken to be able to improve or worsen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jia_teach.rules.definitions import FlareDefinition
from jia_teach.scoring.rowsort import sorted_rows

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from jia_teach.rules.definitions import ResponseDefinition

__all__ = [
    "QUANTUM",
    "ResponseProfile",
    "acr_n",
    "at_least_at_most",
    "classify",
    "meets_response",
    "percent_improvement",
    "quantise",
]

#: Values are quantised to 1/QUANTUM of their unit before any arithmetic.
QUANTUM = 1_000_000.0

# Column positions in the fixed order.
_GLOBALS = (0, 1)
_JOINTS = (3, 4)


def quantise(values: ArrayLike, out: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
    """Values in units of 1e-6, as exact integers held in float64 (NaN kept).

    ``out``, when given, receives the result (a buffer reused column after
    column: no fresh memory per call).

    Examples
    --------
    >>> quantise([2.31, 3.3, float("nan")])
    array([2310000., 3300000.,      nan])
    """
    result = np.multiply(np.asarray(values, dtype=np.float64), QUANTUM, out=out)
    if isinstance(result, np.ndarray):
        return np.rint(result, out=result)  # in place: one temporary fewer (speed)
    return np.rint(result)  # a scalar


def percent_improvement(
    baseline: ArrayLike, followup: ArrayLike, *, whole: Sequence[int] = ()
) -> NDArray[np.float64]:
    """Percent improvement from baseline to follow-up, exact at thresholds.

    Parameters
    ----------
    baseline, followup : array_like
        Same shape (usually ``(n, 6)``); NaN marks a missing value.
    whole : sequence of int, optional
        Columns of an ``(n, 6)`` pair known to hold whole numbers below 2**53 / 1e6
        (the joint counts once :func:`~jia_teach.scoring.inputs.read_core_set` has
        checked them). Quantising such a value changes nothing, so it is skipped:
        the division is the same correctly rounded division of the same ratio.

    Returns
    -------
    numpy.ndarray
        ``100 * (baseline - followup) / baseline``; ``0`` where both are 0,
        ``-inf`` where the baseline is 0 and the follow-up is above 0, ``NaN``
        where either is missing. Negative values are worsening. A 2-D result
        is column-major (one contiguous column per variable).

    Examples
    --------
    >>> percent_improvement([3.3, 2.3, 0, 0, 10], [2.31, 2.99, 0, 1, float("nan")])
    array([ 30., -30.,   0., -inf,  nan])
    """
    b = np.asarray(baseline, dtype=np.float64)
    f = np.asarray(followup, dtype=np.float64)
    if b.ndim != 2 or b.shape != f.shape:
        return _percent(quantise(b), quantise(f))
    # Column by column, each quantised once into two buffers reused for every column: the
    # whole-array version made six fresh (n, 6) temporaries (48 MB each at 1 M rows), and
    # fresh memory costs more than the arithmetic (page faults; benchmarks/README.md).
    out = np.empty(b.shape, order="F")
    qb, qf = np.empty(len(b)), np.empty(len(b))
    for j in range(b.shape[1]):
        if j in whole:
            _percent(b[:, j], f[:, j], out=out[:, j])
        else:
            _percent(quantise(b[:, j], out=qb), quantise(f[:, j], out=qf), out=out[:, j])
    return out


def _percent(
    qb: NDArray[np.float64], qf: NDArray[np.float64], out: NDArray[np.float64] | None = None
) -> NDArray[np.float64]:
    """``(100 * (qb - qf)) / qb`` of exact integers (one rounding), with the baseline-0 rule."""
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.subtract(qb, qf, out=out)  # (100 * (b - f)) / b, in place; one rounding
        pct *= 100.0
        pct /= qb
    if pct.ndim == 0:  # a scalar
        return np.where(qb == 0, np.where(qf > 0, -np.inf, np.where(qf == 0, 0.0, np.nan)), pct)
    zero = np.nonzero(qb == 0)
    if zero[0].size:
        # only the (few) zero-baseline cells are rewritten: 0 -> 0 no change, 0 -> more worse
        fz = qf[zero]
        pct[zero] = np.where(fz > 0, -np.inf, np.where(fz == 0, 0.0, np.nan))
    return pct


def _as_2d(pct: ArrayLike) -> NDArray[np.float64]:
    arr = np.asarray(pct, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[np.newaxis, :]
    if arr.ndim != 2 or arr.shape[1] != 6:
        raise ValueError(f"expected an array of shape (n, 6), got {arr.shape}")
    return arr


def _highs(marker: str) -> NDArray[np.float64]:
    from jia_teach.rules.coreset import core_set

    return quantise([v.high for v in core_set(marker)])  # type: ignore[arg-type]


def _possible(
    baseline: ArrayLike,
    followup: ArrayLike,
    marker: str,
    improve_level: float,
    worsen_limit: float,
    worsen_inclusive: bool,
    min_rise: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """For each missing cell: could its true values make it improved? worsened?

    ``improve_level`` is the improvement that counts, ``worsen_limit`` the worsening
    (inclusive, as for flare, or strictly beyond it, as for response).

    Values are quantised (exact integers). ``min_rise`` holds, per column, the
    smallest rise that counts (quantised), or 0.
    """
    b = quantise(_as_2d(baseline))
    f = quantise(_as_2d(followup))
    high = _highs(marker)
    rise = np.zeros(6) if min_rise is None else min_rise
    b_nan, f_nan = np.isnan(b), np.isnan(f)
    with np.errstate(invalid="ignore"):
        # Baseline known, follow-up unknown: improve by dropping to 0; worsen by rising to the top.
        imp_b = b > 0
        top = np.maximum(b * (100.0 + worsen_limit), (b + rise) * 100.0)
        wor_b = (
            (top <= high * 100.0)
            if worsen_inclusive
            else (b * (100.0 + worsen_limit) < high * 100.0)
        )
        wor_b &= (b + rise <= high) & (high > 0)
        # Follow-up known, baseline unknown: improve from a large enough baseline; worsen from 0.
        imp_f = (f == 0) | ((improve_level < 100) & (f * 100.0 <= high * (100.0 - improve_level)))
        wor_f = (f > 0) & (f >= rise)
    both = b_nan & f_nan
    can_improve = np.where(both, True, np.where(b_nan, imp_f, imp_b))
    can_worsen = np.where(both, True, np.where(b_nan, wor_f, wor_b))
    return can_improve, can_worsen


def _three_valued(
    certain_true: NDArray[np.bool_], certain_false: NDArray[np.bool_]
) -> pd.arrays.BooleanArray:
    return pd.arrays.BooleanArray(certain_true, ~(certain_true | certain_false))


def at_least_at_most(
    good: NDArray[np.uint8],
    bad: NDArray[np.uint8],
    missing: NDArray[np.uint8],
    k: int,
    m: int,
    possible: Callable[[NDArray[np.intp]], tuple[NDArray[np.bool_], ...]] | None = None,
) -> pd.arrays.BooleanArray:
    """Per row, three-valued: at least ``k`` variables good and at most ``m`` bad?

    ``good``, ``bad`` and ``missing`` count the known good, the known bad and the
    missing variables of each row (a response: improved and worsened; a flare:
    worsened and improved). Without ``possible`` every missing variable could be
    good or bad. ``possible(rows)`` returns, for those rows' cells, which are
    missing, which could still be good and which bad (``_possible``).

    Speed: only the rows whose answer a gap could still change are analysed.
    Where the answer stands even with every missing variable counted both good
    and bad, the exact counts (never more than ``missing``) give it too.

    Examples
    --------
    >>> at_least_at_most(np.array([3, 2, 3], np.uint8), np.array([0, 0, 2], np.uint8),
    ...                  np.array([1, 1, 0], np.uint8), 3, 1).tolist()
    [True, <NA>, False]
    """
    may_good = may_bad = missing
    if possible is not None:
        settled = ((good >= k) & (bad + missing <= m)) | (good + missing < k) | (bad > m)
        rows = np.flatnonzero((missing > 0) & ~settled)
        if rows.size:
            gap, can_good, can_bad = possible(rows)
            may_good, may_bad = missing.copy(), missing.copy()
            may_good[rows] = np.count_nonzero(gap & can_good, axis=1)
            may_bad[rows] = np.count_nonzero(gap & can_bad, axis=1)
    return _three_valued((good >= k) & (bad + may_bad <= m), (good + may_good < k) | (bad > m))


def classify(pct: ArrayLike, level: float, worsening_limit: float) -> NDArray[np.int8]:
    """Each variable's status: 1 improved, -1 worsened, 0 neither, -2 missing.

    Examples
    --------
    >>> classify([[30, -30, -30.5, 29.9, float("nan"), -float("inf")]], 30, 30)
    array([[ 1,  0, -1,  0, -2, -1]], dtype=int8)
    """
    arr = np.asarray(pct, dtype=np.float64)
    out = np.zeros(arr.shape, dtype=np.int8)
    out[arr >= level] = 1
    out[arr < -worsening_limit] = -1
    out[np.isnan(arr)] = -2
    return out


def _row_count(mask: NDArray[np.bool_]) -> NDArray[np.uint8]:
    """``np.count_nonzero(mask, axis=1)`` for an ``(n, 6)`` mask, as uint8, about 4x faster.

    numpy reduces slowly along a short last axis; einsum adds the six bytes per
    row in one pass (speed: see benchmarks/README.md). Counts are at most 6.
    """
    return np.einsum("ij->i", mask.view(np.uint8))


def _counts(
    pct: NDArray[np.float64], level: float, worsening_limit: float
) -> tuple[NDArray[np.uint8], NDArray[np.uint8], NDArray[np.uint8]]:
    improved = _row_count(pct >= level)
    worsened = _row_count(pct < -worsening_limit)
    missing = _row_count(np.isnan(pct))
    return improved, worsened, missing


def meets_response(
    pct: ArrayLike,
    definition: ResponseDefinition,
    fever: ArrayLike | None = None,
    *,
    baseline: ArrayLike | None = None,
    followup: ArrayLike | None = None,
    marker: str | None = None,
) -> pd.arrays.BooleanArray:
    """Which patients meet a response definition.

    Parameters
    ----------
    pct : array_like, shape (n, 6)
        From :func:`percent_improvement`.
    definition : ResponseDefinition
        E.g. :data:`jia_teach.rules.definitions.ACR30`.
    fever : array_like of bool or NA, optional
        Fever *at follow-up* (True = fever present). Needed only when
        ``definition.require_no_fever``; missing means unknown.
    baseline, followup : array_like, shape (n, 6), optional
        The raw values, so that a missing value is judged by what the known
        ones make possible (see the module docstring).
    marker : {"esr", "crp"}, optional
        The marker the arrays hold, whose range bounds what a missing value
        could be. The table owns it (:func:`jia_teach.score` passes what
        :func:`~jia_teach.scoring.inputs.read_core_set` resolved); bare arrays carry
        none, so ``definition.marker`` is used when it is not given.

    Returns
    -------
    pandas.arrays.BooleanArray
        True or False when the answer is certain, NA when it depends on a
        missing value. The adapted (no-fever) response is False when the
        standard response is False or fever is present, NA when fever is
        unknown and the standard response is not False.

    Examples
    --------
    >>> from jia_teach.rules.definitions import ACR30, ADAPTED_ACR30
    >>> nan = float("nan")
    >>> pct = [[30, 30, 30, 0, 0, nan],    # 3 improved, 1 missing -> True
    ...        [30, 30, 0, 0, 0, nan],     # 2 improved, 1 missing -> NA
    ...        [30, 30, 30, -31, -31, 0]]  # 2 worsened -> False
    >>> meets_response(pct, ACR30).tolist()
    [True, <NA>, False]
    >>> meets_response(pct, ADAPTED_ACR30, fever=[False, True, None]).tolist()
    [True, False, False]
    """
    arr = _as_2d(pct)
    improved, worsened, missing = _counts(arr, definition.level, definition.worsening_limit)
    possible = None
    if baseline is not None and followup is not None:
        b, f = _as_2d(baseline), _as_2d(followup)

        def possible(rows: NDArray[np.intp]) -> tuple[NDArray[np.bool_], ...]:
            can_improve, can_worsen = possible_changes(b[rows], f[rows], definition, marker)
            return np.isnan(arr[rows]), can_improve, can_worsen

    result = at_least_at_most(
        improved, worsened, missing, definition.min_improved, definition.max_worsened, possible
    )
    return _with_fever(result, definition, fever)


def _with_fever(
    result: pd.arrays.BooleanArray, definition: ResponseDefinition, fever: ArrayLike | None
) -> pd.arrays.BooleanArray:
    """The adapted rule: also no fever at follow-up (three-valued)."""
    if not definition.require_no_fever:
        return result
    if fever is None:
        from jia_teach.rules.errors import MissingColumnError

        raise MissingColumnError(
            f"{definition.name} needs fever at follow-up", column="fever_followup"
        )
    no_fever = ~pd.array(fever, dtype="boolean")
    if len(no_fever) != len(result):
        raise ValueError(f"fever has {len(no_fever)} values for {len(result)} patients")
    return result & no_fever  # Kleene logic: False & NA is False, True & NA is NA


def acr_n(
    pct: ArrayLike, worsening_limit: float = 30.0, max_worsened: int = 1, min_improved: int = 3
) -> NDArray[np.float64]:
    """Continuous ACR-N: the largest level at which the patient still responds.

    It is the third-largest percent improvement, clipped to 0-100, when no more
    than one variable worsened by more than 30 %, else 0; NaN when any
    variable is missing. A patient meets ACR-L exactly when ACR-N >= L.

    Examples
    --------
    >>> acr_n([[80, 60, 55, 10, 0, -40], [80, 60, 55, 10, -31, -40]])
    array([55.,  0.])
    """
    return ResponseProfile(pct).acr_n(worsening_limit, max_worsened, min_improved)


class ResponseProfile:
    """Many patients' percent improvements, prepared once to decide many definitions.

    Each row is sorted once. For a row with no missing value, "at least ``k``
    improved by ``L`` %" is "the ``k``-th largest change is >= ``L``" and "at
    most ``m`` worsened by more than ``W`` %" is "the ``(m+1)``-th smallest
    change is >= ``-W``": two column comparisons per definition instead of a
    pass over every cell. Rows with a missing value go through
    :func:`meets_response` (with the raw values, if given), so both paths
    apply the same rules; the tests check that they agree.

    Parameters
    ----------
    pct : array_like, shape (n, 6)
        From :func:`percent_improvement`.
    baseline, followup : array_like, shape (n, 6), optional
        The raw values, for the missing-value rule.
    marker : {"esr", "crp"}, optional
        The marker the arrays hold (see :func:`meets_response`).
    ranks : iterable of int, optional
        The sorted positions to prepare now (``6 - k`` and ``m`` of each definition
        to be decided; 1 and 3 for ACR-N); default all six. Any other is prepared
        when first asked for.

    Examples
    --------
    >>> from jia_teach.rules.definitions import ACR30, ACR70
    >>> nan = float("nan")
    >>> profile = ResponseProfile([[80, 60, 55, 10, 0, -40], [30, 30, 0, 0, 0, nan]])
    >>> profile.meets(ACR30).tolist(), profile.meets(ACR70).tolist()
    ([True, <NA>], [False, False])
    >>> profile.acr_n()
    array([55., nan])
    """

    def __init__(
        self,
        pct: ArrayLike,
        baseline: ArrayLike | None = None,
        followup: ArrayLike | None = None,
        marker: str | None = None,
        ranks: Iterable[int] = range(6),
    ) -> None:
        self.pct = _as_2d(pct)
        self.marker = marker
        self._columns = sorted_rows(self.pct, ranks)  # gap rows (NaN) are decided apart
        self._gap_rows = np.flatnonzero(_row_count(np.isnan(self.pct)))
        self._gap_pct = self.pct[self._gap_rows]  # gathered once for every definition
        self._raw = None
        if baseline is not None and followup is not None:
            self._raw = (_as_2d(baseline)[self._gap_rows], _as_2d(followup)[self._gap_rows])

    def meets(
        self, definition: ResponseDefinition, fever: ArrayLike | None = None
    ) -> pd.arrays.BooleanArray:
        """Same answer as :func:`meets_response` for every row."""
        k, m = definition.min_improved, definition.max_worsened
        values = self._column(6 - k) >= definition.level
        if m < 6:
            values &= self._column(m) >= -definition.worsening_limit
        mask = np.zeros(len(values), dtype=bool)
        rows = self._gap_rows
        if rows.size:
            raw = {} if self._raw is None else {"baseline": self._raw[0], "followup": self._raw[1]}
            gaps = meets_response(
                self._gap_pct,
                definition.replace(require_no_fever=False),
                marker=self.marker,
                **raw,
            )
            values[rows] = gaps.to_numpy(dtype=bool, na_value=False)
            mask[rows] = gaps.isna()
        return _with_fever(pd.arrays.BooleanArray(values, mask), definition, fever)

    def _column(self, j: int) -> NDArray[np.float64]:
        """Column ``j`` of the sorted rows (cached: definitions share columns)."""
        if j not in self._columns:
            self._columns.update(sorted_rows(self.pct, (j,)))
        return self._columns[j]

    def acr_n(
        self, worsening_limit: float = 30.0, max_worsened: int = 1, min_improved: int = 3
    ) -> NDArray[np.float64]:
        """Continuous ACR-N of every row (see :func:`acr_n`)."""
        out = np.clip(self._column(6 - min_improved), 0.0, 100.0)
        if max_worsened < 6:
            out[self._column(max_worsened) < -worsening_limit] = 0.0
        out[self._gap_rows] = np.nan
        return out


def possible_changes(
    b: NDArray[np.float64],
    f: NDArray[np.float64],
    definition: ResponseDefinition | FlareDefinition,
    marker: str | None = None,
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """For each missing cell: could it still improve? worsen? (see ``_possible``).

    A response's worsening is strictly beyond its limit; a flare's is inclusive and needs the
    definition's minimum rises (a global in cm, a joint count in joints).
    """
    d = definition
    if not isinstance(d, FlareDefinition):
        return _possible(b, f, marker or d.marker, d.level, d.worsening_limit, False)
    rise = np.zeros(6)
    if d.min_rise_global_cm is not None:
        rise[list(_GLOBALS)] = round(d.min_rise_global_cm * QUANTUM)
    if d.min_rise_joints is not None:
        rise[list(_JOINTS)] = d.min_rise_joints * QUANTUM
    return _possible(b, f, marker or d.marker, d.improvement_level, d.level, True, rise)
