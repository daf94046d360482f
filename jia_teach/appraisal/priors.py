"""Priors for a two-arm Beta-binomial re-analysis: one Beta per arm, and the named priors.

Named priors (each arm independent; a prior is a pair of Beta distributions)
----------------------------------------------------------------------------
``neutral``
    Beta(1, 1) in both arms: every risk from 0 to 1 equally likely (Bayes-Laplace). The prior
    risk difference is triangular on (-1, 1), centred on 0.
``sceptical``
    Beta(10, 10) in both arms: as if 20 earlier children per arm had shown the same risk, 50%,
    on treatment and on placebo. The prior RD is centred on no difference; prior
    P(RD > 0.30) = 2.5% (see :data:`SCEPTICAL`). It pulls both arms towards 50% and so shrinks
    any observed difference.
``enthusiastic``
    Treated Beta(13, 7), placebo Beta(7, 13): as if 20 earlier children per arm had shown 65% vs
    35%. The prior RD is centred on +30 percentage points with the sceptical prior's weight;
    prior P(RD < 0) = 2.5%.
``informed``
    A power prior from another trial's counts ``(x0, n0)`` per arm, down-weighted by
    ``weight`` (0 < w <= 1): Beta(1 + w x0, 1 + w (n0 - x0)). With ``w = 0.25`` each child
    of the other trial counts as a quarter of a child (Ibrahim and Chen 2000). Which trial
    informs which, and how much, is a judgement the learner makes and states.

The 30-point centre and the 20-children weight are teaching choices, not published values: 30
points is a round number below every primary-end-point difference in these trials, so the
sceptic and the enthusiast disagree about exactly the range the trials measured.

References
----------
Spiegelhalter DJ, Freedman LS, Parmar MKB. Bayesian approaches to randomized trials. J R Stat
Soc A 1994;157:357-416 (sceptical and enthusiastic priors).
Ibrahim JG, Chen MH. Power prior distributions for regression models. Stat Sci 2000;15:46-60.

Examples
--------
>>> str(named_prior("enthusiastic").treated)
'Beta(13, 7)'
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

from jia_teach.appraisal.betas import BetaDistribution, RiskDifference
from jia_teach.effects.twobytwo import TwoByTwo
from jia_teach.rules.errors import InvalidValueError

__all__ = [
    "ENTHUSIASTIC",
    "NAMED_PRIORS",
    "NEUTRAL",
    "SCEPTICAL",
    "ArmPriors",
    "BetaDistribution",
    "informed_prior",
    "named_prior",
]


@dataclass(frozen=True)
class ArmPriors:
    """A prior for a two-arm comparison: one Beta per arm, independent.

    Attributes
    ----------
    name : str
        ``neutral``, ``sceptical``, ``enthusiastic``, ``informed`` or a name of your own.
    treated, control : BetaDistribution
    description : str
        The prior in words, as shown to learners.
    """

    name: str
    treated: BetaDistribution
    control: BetaDistribution
    description: str

    @property
    def risk_difference(self) -> RiskDifference:
        """The prior distribution of ``p_treated - p_control``."""
        return RiskDifference(self.treated, self.control)

    def __str__(self) -> str:
        return f"{self.name}: treated {self.treated}, placebo {self.control}. {self.description}"


#: Beta(1, 1) in both arms.
NEUTRAL = ArmPriors(
    "neutral",
    BetaDistribution(1, 1),
    BetaDistribution(1, 1),
    "Beta(1, 1) in both arms: every risk from 0 to 1 equally likely.",
)
#: Beta(10, 10) in both arms: centred on no difference.
SCEPTICAL = ArmPriors(
    "sceptical",
    BetaDistribution(10, 10),
    BetaDistribution(10, 10),
    "Beta(10, 10) in both arms: as if 20 earlier children per arm had shown 50% vs 50%; "
    "centred on no difference.",
)
#: Treated Beta(13, 7), placebo Beta(7, 13): centred on +30 points.
ENTHUSIASTIC = ArmPriors(
    "enthusiastic",
    BetaDistribution(13, 7),
    BetaDistribution(7, 13),
    "treated Beta(13, 7), placebo Beta(7, 13): as if 20 earlier children per arm had shown "
    "65% vs 35%; centred on a 30-point benefit.",
)

#: The priors that need no other trial, by name.
NAMED_PRIORS: dict[str, ArmPriors] = {p.name: p for p in (NEUTRAL, SCEPTICAL, ENTHUSIASTIC)}


def informed_prior(
    treated_events: int,
    treated_total: int,
    control_events: int,
    control_total: int,
    *,
    weight: float = 0.25,
    source: str = "another trial",
) -> ArmPriors:
    """A power prior built from another trial's counts, down-weighted by ``weight``.

    Each arm: ``Beta(1 + w * x0, 1 + w * (n0 - x0))``, i.e. the neutral Beta(1, 1) updated with
    the other trial's children, each counted as ``w`` of a child.

    Parameters
    ----------
    treated_events, treated_total, control_events, control_total : int
        The other trial's counts.
    weight : float, default 0.25
        The down-weighting, 0 < w <= 1 (1 = pool the other trial as if it were this one).
    source : str
        What the other trial is, for the description.

    Returns
    -------
    ArmPriors

    Examples
    --------
    >>> p = informed_prior(64, 75, 9, 37, weight=0.25, source="TENDER primary end point")
    >>> str(p.treated), str(p.control)
    ('Beta(17, 3.75)', 'Beta(3.25, 8)')
    """
    x1, n1, x2, n2 = TwoByTwo.checked(
        treated_events, treated_total, control_events, control_total
    ).as_tuple()
    if isinstance(weight, bool) or not isinstance(weight, Real) or not 0 < float(weight) <= 1:
        raise InvalidValueError(
            f"{weight!r} is not a down-weighting", column="weight", allowed="0 < weight <= 1"
        )
    w = float(weight)
    return ArmPriors(
        "informed",
        BetaDistribution(1 + w * x1, 1 + w * (n1 - x1)),
        BetaDistribution(1 + w * x2, 1 + w * (n2 - x2)),
        f"informed by {source} ({x1}/{n1} vs {x2}/{n2}), each of its children counted as "
        f"{w:g} of a child (power prior on Beta(1, 1)).",
    )


def named_prior(name: str) -> ArmPriors:
    """``neutral``, ``sceptical`` or ``enthusiastic`` (``informed`` needs :func:`informed_prior`).

    Examples
    --------
    >>> named_prior("sceptical").treated
    BetaDistribution(a=10, b=10)
    """
    if name not in NAMED_PRIORS:
        raise InvalidValueError(
            f"unknown prior {name!r}",
            column="prior",
            allowed=", ".join(NAMED_PRIORS) + " (or an ArmPriors, e.g. from informed_prior)",
        )
    return NAMED_PRIORS[name]
