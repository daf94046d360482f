"""Flare, as the withdrawal trials define it: worsening in enough variables, improvement in few.

A flare is read from the same percent changes as a response (:mod:`jia_teach.scoring.criteria`,
one quantisation for both); the minimum-rise rules (a global must rise by 20 mm, a joint count by
2 joints) need the raw values. The definitions themselves are
:class:`~jia_teach.rules.definitions.FlareDefinition` presets.

Examples
--------
>>> import numpy as np
>>> from jia_teach.rules.definitions import FLARE_TRIAL
>>> base = np.array([[5.0, 5.0, 1.0, 4, 4, 20]])
>>> follow = np.array([[8.0, 8.0, 1.5, 4, 4, 20]])
>>> bool(meets_flare(base, follow, FLARE_TRIAL)[0])
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from jia_teach.scoring.criteria import (
    _GLOBALS,
    _JOINTS,
    QUANTUM,
    _as_2d,
    _row_count,
    at_least_at_most,
    percent_improvement,
    possible_changes,
    quantise,
)

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import ArrayLike, NDArray

    from jia_teach.rules.definitions import FlareDefinition

__all__ = ["flare_worse", "meets_flare"]


def meets_flare(
    baseline: ArrayLike,
    followup: ArrayLike,
    definition: FlareDefinition,
    pct: ArrayLike | None = None,
    marker: str | None = None,
) -> pd.arrays.BooleanArray:
    """Which patients flared between baseline and follow-up.

    Parameters
    ----------
    baseline, followup : array_like, shape (n, 6)
        Core-set values in the fixed order (globals in cm).
    definition : FlareDefinition
        E.g. :data:`jia_teach.rules.definitions.FLARE_TRIAL`.
    pct : array_like, optional
        :func:`percent_improvement` of the same arrays, if already computed.
    marker : {"esr", "crp"}, optional
        The marker the arrays hold (see :func:`meets_response`); default
        ``definition.marker``.

    Returns
    -------
    pandas.arrays.BooleanArray
        Three-valued, with the same missing-value rule as
        :func:`meets_response`.

    Examples
    --------
    >>> from jia_teach.rules.definitions import FLARE_TRIAL
    >>> base = [[2, 2, 1.0, 4, 4, 20], [2, 2, 1.0, 4, 4, 20]]
    >>> up = [[3.5, 2, 1.3, 5, 5, 26], [4, 2, 1.3, 6, 4, 26]]
    >>> meets_flare(base, up, FLARE_TRIAL).tolist()  # row 1: +1.5 cm, +1 joint do not count
    [False, True]
    """
    b = _as_2d(baseline)
    f = _as_2d(followup)
    arr = percent_improvement(b, f) if pct is None else _as_2d(pct)
    worsened = _row_count(flare_worse(b, f, arr, definition))
    improved = _row_count(arr >= definition.improvement_level)
    missing = _row_count(np.isnan(arr))

    def possible(rows: NDArray[np.intp]) -> tuple[NDArray[np.bool_], ...]:
        can_improve, can_worsen = possible_changes(b[rows], f[rows], definition, marker)
        return np.isnan(arr[rows]), can_worsen, can_improve  # a flare's "good" is a worsening

    return at_least_at_most(
        worsened, improved, missing, definition.min_worsened, definition.max_improved, possible
    )


def flare_worse(
    b: NDArray[np.float64],
    f: NDArray[np.float64],
    pct: NDArray[np.float64],
    definition: FlareDefinition,
) -> NDArray[np.bool_]:
    """Which known cells count as worsened for ``definition`` (minimum rises applied)."""
    worse = pct <= -definition.level  # worse by >= level %, without a negated copy
    if definition.min_rise_global_cm is not None:
        least = round(definition.min_rise_global_cm * QUANTUM)
        # column by column into two reused buffers (a fresh (n, 2) temporary per step made
        # this the slowest part of flare); the same exact integers as quantising the pair
        qf, qb = np.empty(len(b)), np.empty(len(b))
        for j in _GLOBALS:
            rise = np.subtract(quantise(f[:, j], out=qf), quantise(b[:, j], out=qb), out=qf)
            worse[:, j] &= rise >= least
    if definition.min_rise_joints is not None:
        for j in _JOINTS:
            worse[:, j] &= (f[:, j] - b[:, j]) >= definition.min_rise_joints
    return worse
