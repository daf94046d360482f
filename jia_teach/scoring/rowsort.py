"""Sorted positions of many 6-value rows at once: a sorting network run on columns.

:class:`~jia_teach.scoring.criteria.ResponseProfile` decides a response from the ``k``-th
largest and the ``(m+1)``-th smallest of each row's six percent changes. ``np.sort(axis=1)``
sorts one 6-long row at a time; a sorting network does the same compare-exchanges on whole
columns (``np.minimum``/``np.maximum``, exact), a block of rows at a time so that the wires stay
in the cache, and only for the positions asked for.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["SORT6", "sorted_rows"]

#: A sorting network for six values (12 comparators, the fewest possible): after these
#: compare-exchanges, in this order, the six wires are in ascending order for every input
#: (tests/test_criteria.py checks all 64 inputs of 0s and 1s, which proves it).
SORT6 = (
    (0, 5),
    (1, 3),
    (2, 4),
    (1, 2),
    (3, 4),
    (0, 3),
    (2, 5),
    (0, 1),
    (2, 3),
    (4, 5),
    (1, 2),
    (3, 4),
)

#: Rows per block of :func:`sorted_rows`: eight wires of 32,768 values (256 kB each) stay in
#: the cache and are reused for every block.
_BLOCK = 1 << 15


def sorted_rows(
    pct: NDArray[np.float64], ranks: Iterable[int] = range(6)
) -> dict[int, NDArray[np.float64]]:
    """Columns ``ranks`` of each row of an ``(n, 6)`` array sorted ascending (rows without NaN).

    The same values as ``np.sort(pct, axis=1)[:, j]`` (``minimum`` and ``maximum``
    are exact), several times faster: :data:`SORT6` run on whole columns, a block
    of rows at a time, where numpy's sort handles one 6-long row at a time; and
    only the columns asked for are kept (fresh memory is the larger cost). A row
    with a NaN comes out in no particular order (its decisions are made apart).

    Examples
    --------
    >>> sorted_rows(np.array([[3.0, -np.inf, 2, 9, 0, 2]]), ranks=(1, 3))
    {1: array([0.]), 3: array([2.])}
    """
    n = len(pct)
    keep = {j: np.empty(n) for j in sorted(set(ranks))}
    plan = _network_plan(frozenset(keep))
    blocks = [np.empty(min(n, _BLOCK)) for _ in range(8)]  # 6 wires + 2 results at most
    for start in range(0, n, _BLOCK):
        rows = slice(start, start + _BLOCK)
        # the wires start as views of pct (read, never written); results go to free blocks
        wires: list[NDArray[np.float64] | None] = [pct[rows, j] for j in range(6)]
        owned = [False] * 6
        free = [block[: len(pct[rows])] for block in blocks]
        for i, j, low, high in plan:
            a, b = wires[i], wires[j]
            new_i = np.minimum(a, b, out=free.pop()) if low else None
            new_j = np.maximum(a, b, out=free.pop()) if high else None
            free += [w for w, mine in ((a, owned[i]), (b, owned[j])) if mine]
            wires[i], wires[j], owned[i], owned[j] = new_i, new_j, low, high
        for j, column in keep.items():
            column[rows] = wires[j]
    return keep


@functools.cache
def _network_plan(ranks: frozenset[int]) -> tuple[tuple[int, int, bool, bool], ...]:
    """The comparators of :data:`SORT6` that ``ranks`` depend on, each with which of its
    outputs (the lower, the higher) is still read (fewer operations for fewer ranks).

    Examples
    --------
    >>> len(_network_plan(frozenset(range(6)))), len(_network_plan(frozenset({3})))
    (12, 10)
    """
    needed, plan = set(ranks), []
    for i, j in reversed(SORT6):
        low, high = i in needed, j in needed
        if low or high:
            plan.append((i, j, low, high))
            needed |= {i, j}
    return tuple(reversed(plan))
