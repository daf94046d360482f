"""Bucher's adjusted indirect comparison of two drugs through a common comparator.

Two trials each compare a drug with placebo: A vs P and B vs P. Bucher's method estimates A vs
B by subtracting the two effects on a scale where they add:

    log OR(A vs B) = log OR(A vs P) - log OR(B vs P)
    Var = Var(log OR(A vs P)) + Var(log OR(B vs P))

and a Wald interval ``estimate +- z * SE`` (z from the normal distribution). Each trial's
randomization is kept (only within-trial contrasts are used), which is why it is *adjusted*;
but the result is valid only if the two trials would have shown the same relative effect for
the same drug (transitivity / similarity): the same kind of patients, end point, time point,
dose and measurement. :class:`IndirectComparison` carries the reasons this fails beside the
interval (``caveats``); :func:`jia_teach.appraisal.comparability.why_not_comparable` derives them
from the trial data.

Scales: ``odds_ratio`` (Woolf variance ``1/a + 1/b + 1/c + 1/d``), ``relative_risk`` (log RR,
variance ``1/a - 1/n1 + 1/c - 1/n2``) and ``risk_difference`` (additive, variance
``p1(1-p1)/n1 + p2(1-p2)/n2``; it also assumes equal placebo risks, which is seldom true).
A zero cell adds 0.5 to every cell of that trial's table (Haldane-Anscombe), and the method
names say so.

References
----------
Bucher HC, Guyatt GH, Griffith LE, Walter SD. The results of direct and indirect treatment
comparisons in meta-analysis of randomized controlled trials. J Clin Epidemiol
1997;50:683-91.

Examples
--------
Tocilizumab (TENDER primary, 64/75 vs 9/37) vs canakinumab (trial 1 primary, 36/43 vs 4/41):

>>> r = bucher((64, 75, 9, 37), (36, 43, 4, 41))
>>> round(r.estimate, 2), tuple(round(x, 2) for x in r.ci)
(0.38, (0.07, 1.96))
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real

from jia_teach.effects.twobytwo import TwoByTwo
from jia_teach.rules.display import Table
from jia_teach.rules.errors import InvalidValueError

__all__ = ["MEASURES", "Caveat", "DirectEffect", "IndirectComparison", "bucher", "direct_effect"]

#: Scales and their display names.
MEASURES: dict[str, str] = {
    "odds_ratio": "odds ratio",
    "relative_risk": "relative risk",
    "risk_difference": "risk difference",
}


@dataclass(frozen=True)
class Caveat:
    """One reason the indirect comparison is not valid here.

    Attributes
    ----------
    aspect : str
        What differs (``end point``, ``time point``, ``population``, ``marker`` ...).
    a, b : str
        How each trial has it.
    why : str
        Why that breaks the assumption that the relative effect would be the same.
    """

    aspect: str
    a: str
    b: str
    why: str


@dataclass(frozen=True)
class DirectEffect:
    """One trial's drug-vs-placebo effect on the analysis scale.

    ``value`` is log OR, log RR or RD; ``se`` its standard error.
    """

    value: float
    se: float
    method: str


def _table(name: str, counts: Sequence[int]) -> tuple[int, int, int, int]:
    if len(counts) != 4:
        raise InvalidValueError(
            f"{len(counts)} numbers given",
            column=name,
            allowed="(treated_events, treated_total, control_events, control_total)",
        )
    return TwoByTwo.checked(*counts, name=f"{name}: ").as_tuple()


def direct_effect(counts: Sequence[int], measure: str = "odds_ratio") -> DirectEffect:
    """One trial's effect and standard error on the analysis scale.

    Parameters
    ----------
    counts : sequence of 4 int
        ``(treated_events, treated_total, control_events, control_total)``.
    measure : {"odds_ratio", "relative_risk", "risk_difference"}

    Returns
    -------
    DirectEffect

    Examples
    --------
    >>> e = direct_effect((64, 75, 9, 37))
    >>> round(math.exp(e.value), 2), round(e.se, 3)
    (18.1, 0.503)
    """
    if measure not in MEASURES:
        raise InvalidValueError(
            f"unknown measure {measure!r}", column="measure", allowed=", ".join(MEASURES)
        )
    a, n1, c, n2 = _table("counts", counts)
    b, d = n1 - a, n2 - c
    if measure == "risk_difference":
        p1, p2 = a / n1, c / n2
        se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        return DirectEffect(p1 - p2, se, "risk difference, Wald variance")
    fa, fb, fc, fd = (float(v) for v in (a, b, c, d))
    method = "Woolf variance" if measure == "odds_ratio" else "log RR variance"
    if min(a, b, c, d) == 0:
        fa, fb, fc, fd = fa + 0.5, fb + 0.5, fc + 0.5, fd + 0.5
        method += ", 0.5 added to every cell (a zero cell)"
    if measure == "odds_ratio":
        value = math.log(fa * fd / (fb * fc))
        se = math.sqrt(1 / fa + 1 / fb + 1 / fc + 1 / fd)
    else:
        m1, m2 = fa + fb, fc + fd
        value = math.log((fa / m1) / (fc / m2))
        se = math.sqrt(1 / fa - 1 / m1 + 1 / fc - 1 / m2)
    return DirectEffect(value, se, f"{MEASURES[measure]}, {method}")


@dataclass(frozen=True)
class IndirectComparison:
    """Drug A vs drug B through placebo (Bucher), with the reasons it is not valid.

    Attributes
    ----------
    label_a, label_b : str
        The two drug-vs-placebo comparisons.
    measure : str
        A key of :data:`MEASURES`.
    estimate : float
        A vs B on the natural scale (OR or RR; RD as a proportion).
    ci : tuple of float
    log_estimate, se : float
        On the analysis scale (log for OR and RR).
    a, b : DirectEffect
    confidence : float
    caveats : tuple of Caveat
        Every reason the similarity assumption fails here (empty: none found).
    """

    label_a: str
    label_b: str
    measure: str
    estimate: float
    ci: tuple[float, float]
    log_estimate: float
    se: float
    a: DirectEffect
    b: DirectEffect
    confidence: float
    caveats: tuple[Caveat, ...] = ()

    @property
    def valid(self) -> bool:
        """False when any caveat applies: the interval then answers no clinical question."""
        return not self.caveats

    @property
    def ratio_of_widths(self) -> float:
        """The indirect interval's width over the wider direct one (same scale)."""
        return self.se / max(self.a.se, self.b.se)

    @property
    def text(self) -> str:
        """Estimate and interval in words.

        Examples
        --------
        >>> bucher((64, 75, 9, 37), (36, 43, 4, 41), labels=("tocilizumab", "canakinumab")).text
        'Indirect odds ratio, tocilizumab vs canakinumab: 0.38 (95% CI 0.07 to 1.96)'
        """
        pct = f"{100 * self.confidence:g}% CI"
        name = MEASURES[self.measure]
        if self.measure == "risk_difference":
            est = f"{100 * self.estimate:.1f} percentage points"
            ci = f"{100 * self.ci[0]:.1f} to {100 * self.ci[1]:.1f}"
        else:
            est, ci = f"{self.estimate:.2f}", f"{self.ci[0]:.2f} to {self.ci[1]:.2f}"
        return f"Indirect {name}, {self.label_a} vs {self.label_b}: {est} ({pct} {ci})"

    def __str__(self) -> str:
        lines = [self.text]
        if self.caveats:
            lines.append("Not valid here, because:")
            lines += [f"  {c.aspect}: {c.a} vs {c.b}. {c.why}" for c in self.caveats]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        caveats = Table(
            ("Aspect", self.label_a, self.label_b, "Why it matters"),
            tuple((c.aspect, c.a, c.b, c.why) for c in self.caveats),
            caption="Why it is not valid here",
        )
        table = caveats._repr_html_() if self.caveats else ""
        return f"<p><b>{html.escape(self.text)}</b></p>{table}"


def bucher(
    a: Sequence[int],
    b: Sequence[int],
    *,
    measure: str = "odds_ratio",
    confidence: float = 0.95,
    labels: tuple[str, str] = ("A", "B"),
    caveats: Sequence[Caveat] = (),
) -> IndirectComparison:
    """Bucher's adjusted indirect comparison of A vs B through a shared placebo.

    Parameters
    ----------
    a, b : sequence of 4 int
        Each trial's ``(treated_events, treated_total, control_events, control_total)``,
        the drug first and placebo second.
    measure : {"odds_ratio", "relative_risk", "risk_difference"}, default "odds_ratio"
    confidence : float, default 0.95
    labels : tuple of str
        Names of A and B.
    caveats : sequence of Caveat
        The reasons the comparison is not valid (see
        :func:`jia_teach.appraisal.comparability.why_not_comparable`).

    Returns
    -------
    IndirectComparison

    Examples
    --------
    On the risk-difference scale the same two trials give:

    >>> r = bucher((64, 75, 9, 37), (36, 43, 4, 41), measure="risk_difference")
    >>> round(100 * r.estimate, 1), tuple(round(100 * x, 1) for x in r.ci)
    (-13.0, (-34.4, 8.5))
    """
    if isinstance(confidence, bool) or not isinstance(confidence, Real) or not 0 < confidence < 1:
        raise InvalidValueError(
            f"{confidence!r} is not a confidence level", column="confidence", allowed="0 to 1"
        )
    from scipy.stats import norm

    ea, eb = direct_effect(a, measure), direct_effect(b, measure)
    value = ea.value - eb.value
    se = math.sqrt(ea.se**2 + eb.se**2)
    z = float(norm.ppf(0.5 + confidence / 2))
    low, high = value - z * se, value + z * se
    if measure == "risk_difference":
        est, ci = value, (low, high)
    else:
        est, ci = math.exp(value), (math.exp(low), math.exp(high))
    return IndirectComparison(
        label_a=labels[0],
        label_b=labels[1],
        measure=measure,
        estimate=est,
        ci=ci,
        log_estimate=value,
        se=se,
        a=ea,
        b=eb,
        confidence=float(confidence),
        caveats=tuple(caveats),
    )
