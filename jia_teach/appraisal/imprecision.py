"""GRADE imprecision: the optimal information size and the rating rule.

Imprecision is the one GRADE domain computed rather than argued: from the interval of the
absolute difference, a minimal important difference (MID, a stated choice per outcome) and the
optimal information size (OIS), the number of children a single trial would need to detect the
MID (two-sided alpha 0.05, power 0.80, two proportions by Cohen's arcsine effect size h, with
the trial's own allocation ratio; statsmodels ``NormalIndPower``).

The rule (GRADE guidelines 6, simplified and stated): no interval computable -> -1; the
interval includes important effects in both directions (beyond -MID and +MID) -> -2; it
includes no effect, or effects both smaller and larger than the MID -> -1; otherwise fewer
children than the OIS -> -1; else not serious.

References
----------
Guyatt GH, Oxman AD, Kunz R, et al. GRADE guidelines 6. Rating the quality of evidence -
imprecision. J Clin Epidemiol 2011;64:1283-93.

Examples
--------
>>> optimal_information_size(0.243, 0.2, ratio=37 / 75).total
197
>>> imprecision_rating((0.425, 0.736), 0.2).change
0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from jia_teach.rules.errors import InvalidValueError

__all__ = [
    "DOMAIN_ORDER",
    "InformationSize",
    "Rating",
    "imprecision_rating",
    "optimal_information_size",
]

#: GRADE domains in the order a summary of findings lists them.
DOMAIN_ORDER = (
    "risk_of_bias",
    "inconsistency",
    "indirectness",
    "imprecision",
    "publication_bias",
    "large_effect",
    "dose_response",
    "residual_confounding",
)
#: Display names of the GRADE domains.
DOMAIN_NAMES = {d: d.replace("_", " ").capitalize() for d in DOMAIN_ORDER}
_SEVERITY = {0: "not serious", -1: "serious", -2: "very serious", 1: "+1", 2: "+2"}


# --------------------------------------------------------------------------------------------
# optimal information size and imprecision
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class InformationSize:
    """The optimal information size of one outcome."""

    total: int
    treated: int
    control: int
    control_risk: float
    alternative_risk: float
    effect_size: float
    alpha: float
    power: float

    @property
    def text(self) -> str:
        """How it was computed, in one sentence.

        Examples
        --------
        >>> optimal_information_size(0.243, 0.2, ratio=37 / 75).text
        'OIS 197 participants (treated 132, control 65): control risk 24.3% vs 44.3%, Cohen h 0.43, two-sided alpha 0.05, power 0.80.'
        """  # noqa: E501
        return (
            f"OIS {self.total} participants (treated {self.treated}, control {self.control}): "
            f"control risk {100 * self.control_risk:.1f}% vs {100 * self.alternative_risk:.1f}%,"
            f" Cohen h {self.effect_size:.2f}, two-sided alpha {self.alpha:g}, power "
            f"{self.power:.2f}."
        )


def optimal_information_size(
    control_risk: float,
    mid: float,
    *,
    direction: str = "increase",
    ratio: float = 1.0,
    alpha: float = 0.05,
    power: float = 0.80,
) -> InformationSize:
    """Children a single trial needs to detect the MID (two proportions, Cohen's h).

    Parameters
    ----------
    control_risk : float
        Risk in the control arm (0 to 1).
    mid : float
        Minimal important absolute difference (a proportion, > 0).
    direction : {"increase", "decrease"}
        Whether the important change is a rise or a fall from the control risk.
    ratio : float, default 1
        Control arm size / treated arm size (TENDER: 37 / 75).
    alpha, power : float
        Two-sided significance level and power.

    Returns
    -------
    InformationSize

    Examples
    --------
    >>> optimal_information_size(0.75, 0.2, direction="decrease").total
    176
    """
    for name, v, lo, hi in (
        ("control_risk", control_risk, 0.0, 1.0),
        ("mid", mid, 0.0, 1.0),
        ("alpha", alpha, 0.0, 1.0),
        ("power", power, 0.0, 1.0),
    ):
        low_ok = v >= lo if name == "control_risk" else v > lo  # a control risk may be 0
        if isinstance(v, bool) or not isinstance(v, int | float) or not (low_ok and v < hi):
            raise InvalidValueError(f"{v!r} is out of range", column=name, allowed=f"{lo} to {hi}")
    if direction not in ("increase", "decrease"):
        raise InvalidValueError(
            f"unknown direction {direction!r}", column="direction", allowed="increase, decrease"
        )
    if not ratio > 0:
        raise InvalidValueError(f"{ratio!r} is not positive", column="ratio", allowed="> 0")
    alt = control_risk + (mid if direction == "increase" else -mid)
    if not 0 < alt < 1:
        raise InvalidValueError(
            f"control risk {control_risk:g} {'+' if direction == 'increase' else '-'} MID "
            f"{mid:g} leaves 0 to 1",
            column="mid",
            allowed="a MID that keeps the alternative risk between 0 and 1",
        )
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    h = abs(float(proportion_effectsize(alt, control_risk)))
    n1 = float(
        NormalIndPower().solve_power(
            effect_size=h, alpha=alpha, power=power, ratio=ratio, alternative="two-sided"
        )
    )
    treated, control = math.ceil(n1 - 1e-9), math.ceil(n1 * ratio - 1e-9)
    return InformationSize(
        treated + control, treated, control, float(control_risk), alt, h, alpha, power
    )


@dataclass(frozen=True)
class Rating:
    """One GRADE domain's change of certainty and its reason."""

    domain: str
    change: int
    reason: str
    source: str = ""

    @property
    def text(self) -> str:
        """E.g. ``'Imprecision: serious (-1). ...'``."""
        sev = _SEVERITY[self.change]
        sign = f" ({self.change:+d})" if self.change else ""
        return f"{DOMAIN_NAMES[self.domain]}: {sev}{sign}. {self.reason}"


def imprecision_rating(
    ci: tuple[float, float] | None,
    mid: float,
    *,
    direction: str = "increase",
    n_total: int | None = None,
    ois: InformationSize | None = None,
    unit: str = "proportion",
    no_interval_reason: str = "no confidence interval can be computed from the published figures",
) -> Rating:
    """The imprecision rating from an interval, the MID and the optimal information size.

    Parameters
    ----------
    ci : tuple of float or None
        Interval of the absolute difference (treated minus control) in the MID's unit; None
        when it cannot be computed.
    mid : float
        Minimal important difference (> 0), same unit.
    direction : {"increase", "decrease"}
        The direction of the important change (a response rises; a flare falls).
    n_total, ois : optional
        Children studied and the OIS; when both are given an interval that passes the MID
        tests is still rated down if ``n_total < ois.total``.
    unit : str
        Unit of ``ci`` and ``mid`` for the reason text (``proportion`` prints percentage
        points).

    Returns
    -------
    Rating

    Examples
    --------
    >>> imprecision_rating((0.425, 0.736), 0.2).change
    0
    >>> imprecision_rating((-0.156, 0.059), 0.01, unit="per 1").change
    -2
    >>> imprecision_rating(None, 0.05).reason
    'Serious: no confidence interval can be computed from the published figures.'
    """
    if ci is None:
        return Rating("imprecision", -1, f"Serious: {no_interval_reason}.")
    low, high = ci
    if unit == "proportion":

        def fmt(v: float) -> str:
            return f"{100 * v:.1f}"

        u = " percentage points"
    else:

        def fmt(v: float) -> str:
            return f"{v:g}"

        u = f" {unit}"
    interval = f"95% CI {fmt(low)} to {fmt(high)}{u}"
    threshold = mid if direction == "increase" else -mid
    if low < -mid and high > mid:
        return Rating(
            "imprecision",
            -2,
            f"Very serious: the {interval} includes important effects in both directions "
            f"(MID {fmt(mid)}{u}).",
        )
    if low < 0 < high:
        return Rating("imprecision", -1, f"Serious: the {interval} includes no effect.")
    if low < threshold < high:
        return Rating(
            "imprecision",
            -1,
            f"Serious: the {interval} includes effects both smaller and larger than the MID "
            f"({fmt(threshold)}{u}).",
        )
    if ois is not None and n_total is not None and n_total < ois.total:
        return Rating(
            "imprecision",
            -1,
            f"Serious: {n_total} participants is fewer than the optimal information size. "
            f"{ois.text}",
        )
    ois_text = f" {n_total} participants >= {ois.text}" if ois is not None and n_total else ""
    return Rating(
        "imprecision",
        0,
        f"Not serious: the {interval} lies wholly on one side of the MID "
        f"({fmt(threshold)}{u}) and excludes no effect.{ois_text}",
    )
