"""The checked core-set values of a table, kept as columns and read a block at a time.

:func:`~jia_teach.scoring.inputs.read_core_set` checks a table and returns a
:class:`CoreSetTable`; the scorer reads it block by block (:meth:`CoreSetTable.block`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from jia_teach.rules.coreset import Marker, core_set

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

__all__ = ["CoreSetTable"]


class CoreSetTable:
    """Checked values in the fixed core-set order (VAS in cm).

    :func:`read_core_set` keeps the twelve checked columns as they are (a float column of
    the table is not copied) and :meth:`block` builds ``(rows, 6)`` arrays a block at a
    time: whole-table ``(n, 6)`` copies are fresh memory, page-faulted on every call
    (benchmarks/README.md). ``baseline`` and ``followup`` build them on first use.

    Parameters
    ----------
    baseline, followup : numpy.ndarray or sequence of six 1-D arrays
        Shape ``(n, 6)``, or its six columns; NaN marks a missing value.
    fever_followup : pandas.arrays.BooleanArray or None
    marker : {"esr", "crp"}

    Attributes
    ----------
    baseline, followup : numpy.ndarray
        Shape ``(n, 6)``; NaN marks a missing value.
    fever_followup : pandas.arrays.BooleanArray or None
        Fever at follow-up when the table has that column.
    marker : {"esr", "crp"}

    Examples
    --------
    >>> t = CoreSetTable([np.arange(3.0)] * 6, np.ones((3, 6)), None, "esr")
    >>> t.baseline.shape, len(t), t.block(1, 3)[0][:, 0].tolist()
    ((3, 6), 3, [1.0, 2.0])
    """

    __slots__ = ("_arrays", "_columns", "fever_followup", "marker")

    def __init__(
        self,
        baseline: NDArray[np.float64] | Sequence[NDArray[np.float64]],
        followup: NDArray[np.float64] | Sequence[NDArray[np.float64]],
        fever_followup: pd.arrays.BooleanArray | None,
        marker: Marker,
    ) -> None:
        self._arrays: dict[int, NDArray[np.float64]] = {}
        self._columns: list[Sequence[NDArray[np.float64]]] = []
        for side, given in enumerate((baseline, followup)):
            if isinstance(given, np.ndarray) and given.ndim == 2:
                self._arrays[side] = given
                self._columns.append([given[:, j] for j in range(given.shape[1])])
            else:
                self._columns.append(tuple(given))
        self.fever_followup = fever_followup
        self.marker = marker

    def __len__(self) -> int:
        return len(self._columns[0][0]) if self._columns[0] else 0

    def _whole(self, side: int) -> NDArray[np.float64]:
        if side not in self._arrays:
            self._arrays[side] = self._stack(side, 0, len(self))
        return self._arrays[side]

    def _stack(
        self, side: int, start: int, stop: int, out: NDArray[np.float64] | None = None
    ) -> NDArray[np.float64]:
        cols = self._columns[side]
        if out is None:
            out = np.empty((max(stop - start, 0), len(cols)), order="F")  # columns contiguous
        out = out[: stop - start]
        for j, col in enumerate(cols):
            out[:, j] = col[start:stop]
        return out

    @property
    def baseline(self) -> NDArray[np.float64]:
        """Baseline values, ``(n, 6)`` (built on first use)."""
        return self._whole(0)

    @property
    def followup(self) -> NDArray[np.float64]:
        """Follow-up values, ``(n, 6)`` (built on first use)."""
        return self._whole(1)

    def block(
        self,
        start: int,
        stop: int,
        out: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Baseline and follow-up of rows ``start:stop`` as ``(rows, 6)`` arrays.

        Views of the whole arrays when they exist or the block is the whole table (then they
        are kept); else the block's rows, written into ``out`` (two arrays of at least that
        many rows, reused block after block: no fresh memory) or into new arrays.
        """
        n = len(self)
        if start <= 0 and stop >= n:
            return self._whole(0), self._whole(1)
        start, stop = max(start, 0), min(stop, n)
        return tuple(  # type: ignore[return-value]
            self._arrays[side][start:stop]
            if side in self._arrays
            else self._stack(side, start, stop, None if out is None else out[side])
            for side in (0, 1)
        )

    def __repr__(self) -> str:
        return f"CoreSetTable(<{len(self)} rows>, marker={self.marker!r})"

    @property
    def whole(self) -> tuple[int, ...]:
        """Positions of the variables checked to be whole numbers (the joint counts, 0-75).

        :func:`~jia_teach.scoring.criteria.percent_improvement` need not quantise them.

        Examples
        --------
        >>> CoreSetTable(np.zeros((0, 6)), np.zeros((0, 6)), None, "esr").whole
        (3, 4)
        """
        return tuple(j for j, v in enumerate(core_set(self.marker)) if v.integer)
