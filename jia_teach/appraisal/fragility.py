"""Fragility index and quotient, and the reverse fragility index, from a 2x2 table.

Fragility index (Walsh 2014), for a *significant* result (two-sided Fisher exact p < alpha):
in the arm with fewer events, change children one at a time from "no event" to "event" (the
arm's total stays the same) and recompute Fisher's exact test; the index is the number of
changes after which p >= alpha for the first time. When both arms have the same number of
events, both arms are tried and the smaller index is reported.

Fragility quotient (Ahmed, Fowler and McCredie 2016): the index divided by the number of
children in the two arms.

Reverse fragility index (Khan 2020), for a *non-significant* result (p >= alpha): the smallest
number of single-arm changes that makes p < alpha while keeping the direction of the observed
difference (or either direction when the risks are equal): events removed from the arm with
the lower risk, or events added to the arm with the higher risk, whichever needs fewer
children. Published definitions differ in which arm they change; this one is stated here.

Limits taught with it: the index depends on the test (Fisher's exact test here; another test
gives another index), on alpha, and on the arm sizes; it ignores the size and interval of the
effect; and it should be set against the children whose outcome was not observed (lost to
follow-up) or was decided by a rule (for example escape counted as non-response): when more
children were lost than the index, their unknown outcomes alone could overturn the verdict
(:meth:`FragilityResult.versus_lost`).

Floating point: a p-value within 1e-9 of alpha is recomputed in exact rational arithmetic, so
rounding can never flip a significance decision at the threshold.

References
----------
Walsh M, Srinathan SK, McAuley DF, et al. The statistical significance of randomized
controlled trial results is frequently fragile: a case for a Fragility Index. J Clin Epidemiol
2014;67:622-8.
Ahmed W, Fowler RA, McCredie VA. Does sample size matter when interpreting the fragility
index? Crit Care Med 2016;44:e1142-3.
Khan MS, Fonarow GC, Friede T, et al. Application of the reverse fragility index to
statistically nonsignificant randomized clinical trial results. JAMA Netw Open
2020;3(8):e2012469.

Examples
--------
Canakinumab trial 1, primary end point (36/43 vs 4/41):

>>> r = fragility_index(36, 43, 4, 41)
>>> r.index, r.arm, round(r.quotient, 3)
(23, 'control', 0.274)
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from math import comb
from numbers import Real
from typing import Any, Protocol

from jia_teach.effects._checks import whole as _whole
from jia_teach.effects.twobytwo import TwoByTwo
from jia_teach.rules.errors import InvalidValueError

__all__ = ["FragilityResult", "fisher_p", "fragility_index", "fragility_rows"]

_NEAR = 1e-9


def _exact_p(a: int, n1: int, c: int, n2: int) -> Fraction:
    """Two-sided Fisher p in exact rationals: tables no more probable than the observed one."""
    m = a + c
    lo, hi = max(0, m - n2), min(n1, m)
    weights = {k: comb(n1, k) * comb(n2, m - k) for k in range(lo, hi + 1)}
    observed = weights[a]
    return Fraction(sum(w for w in weights.values() if w <= observed), comb(n1 + n2, m))


def fisher_p(a: int, n1: int, c: int, n2: int) -> float:
    """Two-sided Fisher exact p for ``a/n1`` vs ``c/n2`` (scipy.stats.fisher_exact).

    Examples
    --------
    >>> round(fisher_p(8, 12, 1, 12), 4)
    0.0094
    """
    from scipy.stats import fisher_exact

    return float(fisher_exact([[a, n1 - a], [c, n2 - c]], alternative="two-sided").pvalue)


def _significant(a: int, n1: int, c: int, n2: int, alpha: float) -> tuple[bool, float]:
    p = fisher_p(a, n1, c, n2)
    if abs(p - alpha) <= _NEAR:  # decide exactly at the threshold
        exact = _exact_p(a, n1, c, n2)
        return exact < Fraction(str(alpha)), float(exact)
    return p < alpha, p


@dataclass(frozen=True)
class FragilityResult(TwoByTwo):
    """The fragility (or reverse fragility) of one 2x2 comparison.

    Attributes
    ----------
    treated_events, treated_total, control_events, control_total : int
        The published counts.
    alpha : float
    p_value : float
        Two-sided Fisher exact p of the published counts.
    significant : bool
        ``p_value < alpha``.
    kind : {"fragility", "reverse"}
        Fragility index (significant result) or reverse index (non-significant result).
    index : int or None
        Children whose outcome must change; None when no number of single-arm changes can
        cross the threshold (the arm fills up or empties first).
    arm : {"treated", "control"} or None
        The arm whose children were changed.
    change : {"event added", "event removed"} or None
        What each change does.
    p_after : float or None
        Fisher p after ``index`` changes.
    path : tuple of (int, float)
        ``(changes, p)`` at every step tried on the chosen arm, from 0.
    label : str
    """

    alpha: float
    p_value: float
    significant: bool
    kind: str
    index: int | None
    arm: str | None
    change: str | None
    p_after: float | None
    path: tuple[tuple[int, float], ...]
    label: str = ""

    @property
    def total(self) -> int:
        """Children in both arms."""
        return self.treated_total + self.control_total

    @property
    def quotient(self) -> float | None:
        """Index / children in both arms (Ahmed 2016); None when there is no index."""
        return None if self.index is None else self.index / self.total

    @property
    def text(self) -> str:
        """The index in one sentence.

        Examples
        --------
        >>> fragility_index(8, 12, 1, 12).text
        'Fragility index 2 (quotient 0.083): Fisher p = 0.009 becomes 0.100 if 2 children on placebo had had the event instead of not.'
        """  # noqa: E501
        if self.index is None:
            what = "non-significant" if self.significant else "significant"
            return (
                f"No {self.kind} index: Fisher {_p_eq(self.p_value)}; no number of single-arm "
                f"changes makes it {what} at alpha = {self.alpha:g}."
            )
        who = "on placebo" if self.arm == "control" else "on treatment"
        children = "child" if self.index == 1 else "children"
        had = "had had" if self.change == "event added" else "had not had"
        tail = "instead of not" if self.change == "event added" else "after all"
        name = "Fragility index" if self.kind == "fragility" else "Reverse fragility index"
        return (
            f"{name} {self.index} (quotient {self.quotient:.3f}): Fisher {_p_eq(self.p_value)} "
            f"becomes {_p(self.p_after)} if {self.index} {children} {who} {had} the event {tail}."
        )

    def versus_lost(self, lost: int | None, *, what: str = "lost to follow-up") -> str:
        """Set the index against children whose outcome was not observed.

        Parameters
        ----------
        lost : int or None
            Children lost (or otherwise without an observed outcome); None when the sources
            do not report it.
        what : str
            How they were lost, in words.

        Examples
        --------
        >>> r = fragility_index(8, 12, 1, 12)
        >>> r.versus_lost(3)
        'More children were lost to follow-up (3) than the index (2): their unknown outcomes alone could overturn the verdict.'
        >>> r.versus_lost(None)
        'The number of children lost to follow-up is not reported in our sources, so the index (2) cannot be set against it: ask for it.'
        """  # noqa: E501
        if self.index is None:
            return "There is no index to compare."
        if lost is None:
            return (
                f"The number of children {what} is not reported in our sources, so the index "
                f"({self.index}) cannot be set against it: ask for it."
            )
        n = _whole("lost", lost, 0, self.total)
        if n > self.index:
            return (
                f"More children were {what} ({n}) than the index ({self.index}): their "
                "unknown outcomes alone could overturn the verdict."
            )
        return (
            f"Fewer children were {what} ({n}) than the index ({self.index}): they alone could "
            "not overturn the verdict (other biases still could)."
        )

    def __str__(self) -> str:
        return (f"{self.label}: " if self.label else "") + self.text

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(str(self))}</p>"


def _p_eq(p: float) -> str:
    """``'p < 0.001'`` or ``'p = 0.009'``."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _p(p: float | None) -> str:
    if p is None:
        return "n/a"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _walk(
    counts: list[int], totals: tuple[int, int], arm: int, step: int, alpha: float, want: bool
) -> tuple[int | None, float | None, list[tuple[int, float]]]:
    """Change ``arm`` by ``step`` per child until ``significant == want``."""
    path: list[tuple[int, float]] = []
    x = list(counts)
    k = 0
    while True:
        sig, p = _significant(x[0], totals[0], x[1], totals[1], alpha)
        path.append((k, p))
        if sig == want and k > 0:
            return k, p, path
        x[arm] += step
        k += 1
        if not 0 <= x[arm] <= totals[arm]:
            return None, None, path


def fragility_index(
    treated_events: int,
    treated_total: int,
    control_events: int,
    control_total: int,
    *,
    alpha: float = 0.05,
    label: str = "",
) -> FragilityResult:
    """Fragility index of a significant result, or the reverse index of a non-significant one.

    Parameters
    ----------
    treated_events, treated_total, control_events, control_total : int
        Children with the event and children per arm.
    alpha : float, default 0.05
        Significance level: significant means two-sided Fisher p < alpha.
    label : str, optional

    Returns
    -------
    FragilityResult

    Raises
    ------
    jia_teach.rules.errors.InvalidValueError
        Counts that are not whole numbers or outside 0..total, or alpha outside (0, 1).

    Examples
    --------
    A non-significant table, 11/12 vs 7/12 (Fisher p = 0.155): one more event in the arm
    with the higher risk makes it significant.

    >>> r = fragility_index(11, 12, 7, 12)
    >>> r.kind, r.index, r.arm, r.change, round(r.p_after, 3)
    ('reverse', 1, 'treated', 'event added', 0.037)
    """
    counts = TwoByTwo.checked(treated_events, treated_total, control_events, control_total)
    a, n1, c, n2 = counts.as_tuple()
    if isinstance(alpha, bool) or not isinstance(alpha, Real) or not 0 < float(alpha) < 1:
        raise InvalidValueError(f"{alpha!r} is not a level", column="alpha", allowed="0 to 1")
    alpha = float(alpha)
    totals = (n1, n2)
    significant, p0 = _significant(a, n1, c, n2, alpha)
    names = ("treated", "control")
    candidates: list[tuple[int, str]] = []  # (arm, change)
    if significant:
        kind = "fragility"
        if a == c:
            candidates = [(0, "event added"), (1, "event added")]
        else:
            candidates = [(0 if a < c else 1, "event added")]
    else:
        kind = "reverse"
        r1, r2 = a / n1, c / n2
        if r1 > r2:
            candidates = [(1, "event removed"), (0, "event added")]
        elif r1 < r2:
            candidates = [(0, "event removed"), (1, "event added")]
        else:
            candidates = [(i, ch) for i in (0, 1) for ch in ("event removed", "event added")]
    best: tuple[int, float, list, int, str] | None = None
    first_path: list[tuple[int, float]] = []
    for arm, change in candidates:
        step = 1 if change == "event added" else -1
        k, p, path = _walk([a, c], totals, arm, step, alpha, want=not significant)
        if not first_path:
            first_path = path
        if k is not None and (best is None or k < best[0]):
            best = (k, p, path, arm, change)
    # None everywhere when no number of single-arm changes crosses the threshold
    index: int | None = None
    p_after: float | None = None
    arm_name: str | None = None
    what: str | None = None
    path = first_path
    if best is not None:
        index, p_after, path, arm, what = best
        arm_name = names[arm]
    return FragilityResult(
        *counts.as_tuple(),
        alpha,
        p0,
        significant,
        kind,
        index,
        arm_name,
        what,
        p_after,
        tuple(path),
        label,
    )


class _HasCounts(Protocol):
    label: str

    def as_kwargs(self) -> dict[str, int]: ...


def fragility_rows(
    comparisons: Iterable[_HasCounts], *, alpha: float = 0.05
) -> list[dict[str, Any]]:
    """One row per comparison: counts, Fisher p, kind, index, quotient, arm changed, p after.

    Parameters
    ----------
    comparisons : iterable
        Objects with ``.label`` and ``.as_kwargs()`` (e.g.
        :func:`jia_teach.appraisal.counts.count_pairs`).
    alpha : float, default 0.05

    Returns
    -------
    list of dict
        Ready for ``pandas.DataFrame``.

    Examples
    --------
    >>> from jia_teach.appraisal.counts import arm_counts
    >>> row = fragility_rows([arm_counts("TENDER", "acr30_no_fever", "week 12")])[0]
    >>> row["kind"], row["index"], row["arm changed"]
    ('fragility', 17, 'control')
    """
    rows = []
    for comp in comparisons:
        kw = comp.as_kwargs()
        r = fragility_index(**kw, alpha=alpha, label=comp.label)
        rows.append(
            {
                "comparison": comp.label,
                "counts": f"{kw['treated_events']}/{kw['treated_total']} vs "
                f"{kw['control_events']}/{kw['control_total']}",
                "Fisher p": _p(r.p_value),
                "kind": r.kind,
                "index": r.index,
                "quotient": None if r.quotient is None else round(r.quotient, 3),
                "arm changed": r.arm,
                "p after": _p(r.p_after),
            }
        )
    return rows
