"""Pooling in sequence: leave one study out, or add the studies in the order they appeared.

Both re-run :func:`~jia_teach.effects.pooling.pool` with the same measure and method on a
subset of the studies and return a frozen :class:`PoolSequence` whose :meth:`~PoolSequence.frame`
is one row per step. A step with a single study keeps that study's own estimate (tau^2 = 0);
HKSJ needs two studies, so a one-study step is pooled without it and says so.

Examples
--------
>>> s = leave_one_out([36, 8, 64], [43, 12, 75], [4, 1, 9], [41, 12, 37],
...                   labels=["canakinumab-1", "ANAJIS", "TENDER"])
>>> [step for step, _ in s.steps]
['without canakinumab-1', 'without ANAJIS', 'without TENDER']
>>> c = cumulative([36, 8], [43, 12], [4, 1], [41, 12], labels=["can-1", "ANAJIS"],
...                years=[2012, 2011])
>>> [step for step, _ in c.steps]
['2011: ANAJIS', '2012: + can-1']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jia_teach.effects.pooling import PoolResult, pool
from jia_teach.rules.errors import InvalidValueError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["PoolSequence", "cumulative", "leave_one_out"]


@dataclass(frozen=True)
class PoolSequence:
    """Pools of subsets of the same studies, in order.

    Attributes
    ----------
    kind : {"leave-one-out", "cumulative"}
    steps : tuple of (str, PoolResult)
        A label for each step and its pool.
    notes : tuple of str
    """

    kind: str
    steps: tuple[tuple[str, PoolResult], ...]
    notes: tuple[str, ...] = ()

    def frame(self) -> pd.DataFrame:
        """One row per step: ``step``, ``k``, ``estimate``, ``ci_low``, ``ci_high``,
        ``pi_low``, ``pi_high``, ``tau2``, ``i2``, ``method`` (natural scale).

        Examples
        --------
        >>> s = leave_one_out([36, 8, 64], [43, 12, 75], [4, 1, 9], [41, 12, 37])
        >>> list(s.frame()["k"])
        [2, 2, 2]
        """
        import pandas as pd

        rows: list[dict[str, Any]] = []
        for step, r in self.steps:
            rows.append(
                {
                    "step": step,
                    "k": r.k,
                    "estimate": r.estimate,
                    "ci_low": r.ci_low,
                    "ci_high": r.ci_high,
                    "pi_low": r.pi_low,
                    "pi_high": r.pi_high,
                    "tau2": r.tau2,
                    "i2": r.i2,
                    "method": r.method + (", HKSJ" if r.hksj else ""),
                }
            )
        frame = pd.DataFrame(rows)
        frame.attrs.update(kind=self.kind, notes=list(self.notes))
        return frame


def _subset(values: Sequence[Any], idx: Sequence[int]) -> list[Any]:
    return [values[i] for i in idx]


def _pool_subset(counts, idx, labels, kwargs, notes: list[str]) -> PoolResult:
    kw = dict(kwargs)
    if len(idx) == 1 and kw.get("hksj"):
        kw["hksj"] = False
        msg = "A one-study step is that study's own estimate: HKSJ needs two studies."
        if msg not in notes:
            notes.append(msg)
    return pool(*(_subset(c, idx) for c in counts), labels=_subset(labels, idx), warn=False, **kw)


def _prepare(te, tn, ce, cn, labels):
    counts = (list(te), list(tn), list(ce), list(cn))
    k = len(counts[0])
    labels = [f"Study {i + 1}" for i in range(k)] if labels is None else [str(x) for x in labels]
    if len(labels) != k:
        raise InvalidValueError(
            f"{len(labels)} labels for {k} studies", column="labels", allowed=f"{k} labels"
        )
    return counts, k, labels


def leave_one_out(
    treated_events: Sequence[int],
    treated_total: Sequence[int],
    control_events: Sequence[int],
    control_total: Sequence[int],
    *,
    labels: Sequence[str] | None = None,
    **pool_kwargs: Any,
) -> PoolSequence:
    """Pool every set of k - 1 studies (k >= 2): how much rests on one trial.

    ``pool_kwargs`` go to :func:`~jia_teach.effects.pooling.pool` (``measure``, ``method``,
    ``hksj``, ``confidence``).
    """
    counts, k, labels = _prepare(
        treated_events, treated_total, control_events, control_total, labels
    )
    if k < 2:
        raise InvalidValueError(
            f"{k} study: nothing to leave out", column="treated_events", allowed=">= 2 studies"
        )
    notes: list[str] = []
    steps = tuple(
        (
            f"without {labels[i]}",
            _pool_subset(counts, [j for j in range(k) if j != i], labels, pool_kwargs, notes),
        )
        for i in range(k)
    )
    return PoolSequence("leave-one-out", steps, tuple(notes))


def cumulative(
    treated_events: Sequence[int],
    treated_total: Sequence[int],
    control_events: Sequence[int],
    control_total: Sequence[int],
    *,
    years: Sequence[int],
    labels: Sequence[str] | None = None,
    **pool_kwargs: Any,
) -> PoolSequence:
    """Pool the studies as they appeared: step i pools the i earliest (ties keep their order).

    ``years`` gives each study's year of publication; ``pool_kwargs`` go to
    :func:`~jia_teach.effects.pooling.pool`.
    """
    counts, k, labels = _prepare(
        treated_events, treated_total, control_events, control_total, labels
    )
    years = list(years)
    if len(years) != k:
        raise InvalidValueError(
            f"{len(years)} years for {k} studies", column="years", allowed=f"{k} years"
        )
    for y in years:
        if isinstance(y, bool) or not isinstance(y, int):
            raise InvalidValueError(f"{y!r} is not a year", column="years", allowed="e.g. 2012")
    order = sorted(range(k), key=lambda i: years[i])
    notes: list[str] = []
    steps = []
    for n in range(1, k + 1):
        idx = order[:n]
        last = order[n - 1]
        name = f"{years[last]}: {labels[last]}" if n == 1 else f"{years[last]}: + {labels[last]}"
        steps.append((name, _pool_subset(counts, idx, labels, pool_kwargs, notes)))
    return PoolSequence("cumulative", tuple(steps), tuple(notes))
