"""Numbers needed to treat or harm: Altman's round-up, the interval text through infinity."""

from __future__ import annotations

import math
from numbers import Real

from jia_teach.effects._checks import _INF
from jia_teach.rules.errors import InvalidValueError

__all__ = ["number_needed", "number_needed_text", "round_up"]


def round_up(x: float) -> float:
    """A number needed rounded *up* to whole patients (Altman 1998), sign dropped.

    Rounding up never overstates a benefit (an NNT of 2.1 is 3, not 2). Values within 1e-9 of
    a whole number are that number (1/0.25 is 4, not 5, whatever the floating point).
    Infinity stays infinity.

    Parameters
    ----------
    x : float
        A number needed (NNT or NNH), signed or not.

    Returns
    -------
    float
        A whole number (as float) or ``inf``.

    Examples
    --------
    >>> round_up(1.6), round_up(-9.09), round_up(4.000000000001), round_up(float("inf"))
    (2.0, 10.0, 4.0, inf)
    """
    if math.isinf(x):
        return _INF
    if math.isnan(x):
        return x
    return float(math.ceil(abs(x) - 1e-9))


def _ceil(x: float) -> str:
    """:func:`round_up` as text; infinity stays a word."""
    return "infinity" if math.isinf(x) else f"{round_up(x):.0f}"


def _fmt(x: float, decimals: int | None) -> str:
    if decimals is None:
        return _ceil(x)
    return "infinity" if math.isinf(x) else f"{abs(x):.{decimals}f}"


def _inv(x: float) -> float:
    return _INF if x == 0 else 1.0 / x


def number_needed_text(
    rd: float, rd_ci: tuple[float, float], confidence: float, outcome: str, decimals: int | None
) -> str:
    """Altman-style text for 1 / rd with the interval of rd."""
    low, high = rd_ci
    pct = f"{100 * confidence:g}% CI"
    toward_outcome = rd > 0  # more events on treatment
    if low < 0 < high:  # the interval crosses zero: it passes through infinity
        side = {"benefit": "NNTB", "harm": "NNH"}[outcome]
        other = {"benefit": "NNTH", "harm": "NNTB"}[outcome]
        if rd == 0:
            point = f"{'NNT' if outcome == 'benefit' else 'NNH'} infinity"
        else:
            point_label = side if toward_outcome else other
            point = f"{point_label} {_fmt(_inv(rd), decimals)}"
        return (
            f"{point} ({pct} {side} {_fmt(_inv(high), decimals)} to infinity "
            f"to {other} {_fmt(_inv(low), decimals)})"
        )
    # the interval lies wholly on one side of zero: more events on treatment (low >= 0) or fewer
    names = {("benefit", True): "NNT", ("benefit", False): "NNTH"}
    names |= {("harm", True): "NNH", ("harm", False): "NNTB"}
    label = names[(outcome, low >= 0)]
    near, far = (_inv(high), _inv(low)) if low >= 0 else (_inv(low), _inv(high))
    if rd == 0:
        return f"{label} infinity ({pct} {_fmt(near, decimals)} to {_fmt(far, decimals)})"
    return (
        f"{label} {_fmt(_inv(rd), decimals)} ({pct} {_fmt(near, decimals)} "
        f"to {_fmt(far, decimals)})"
    )


def number_needed(risk_treated: float, risk_control: float) -> float:
    """``1 / (risk_treated - risk_control)`` from two proportions (no interval).

    For figures quoted only as percentages (no counts, so no interval can be given).

    Parameters
    ----------
    risk_treated, risk_control : float
        Proportions between 0 and 1.

    Returns
    -------
    float
        Signed; ``inf`` when the risks are equal.

    Examples
    --------
    >>> round(number_needed(0.16, 0.05), 2)
    9.09
    """
    for name, value in (("risk_treated", risk_treated), ("risk_control", risk_control)):
        if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value <= 1:
            raise InvalidValueError(f"{value!r} is not a proportion", column=name, allowed="0 to 1")
    return _inv(float(risk_treated) - float(risk_control))
