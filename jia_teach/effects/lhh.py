"""The likelihood of being helped or harmed (Straus and Sackett): one benefit against one harm."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from numbers import Real

from jia_teach.effects._checks import _INF, DERIVED_TAG
from jia_teach.effects.arms import ArmComparison
from jia_teach.rules.errors import InvalidValueError

__all__ = ["LikelihoodHelpedHarmed", "likelihood_helped_harmed"]


@dataclass(frozen=True)
class LikelihoodHelpedHarmed:
    """Likelihood of being helped vs harmed (Straus and Sackett).

    Attributes
    ----------
    lhh : float
        ``(f_benefit / nnt) / (f_harm / nnh)``; above 1 means more likely helped than harmed.
    nnt, nnh : float
        The (unrounded) numbers needed used.
    f_benefit, f_harm : float
        The patient's risk relative to the trial's average for the benefit and the harm.
    text : str
        One plain-language sentence; it ends with " (from derived counts)." when the NNT or
        the NNH was computed from derived counts.
    derived_counts : bool
        True when the NNT or the NNH came from a comparison of derived counts.
    """

    lhh: float
    nnt: float
    nnh: float
    f_benefit: float
    f_harm: float
    text: str
    derived_counts: bool = False

    def __str__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.text)}</p>"


def _nn_value(x: ArmComparison | float, name: str, outcome: str) -> float:
    if isinstance(x, ArmComparison):
        value = x.nnt if x.outcome == outcome else -x.nnt
        if not value > 0:
            raise InvalidValueError(
                f"the comparison shows no {outcome} (risk difference {x.risk_difference:+.3f})",
                column=name,
                allowed=f"a comparison whose point estimate favours {outcome}",
            )
        return float(value)
    if isinstance(x, bool) or not isinstance(x, Real) or not x > 0:
        raise InvalidValueError(f"{x!r} is not a positive number", column=name, allowed="> 0")
    return float(x)


def likelihood_helped_harmed(
    nnt: ArmComparison | float,
    nnh: ArmComparison | float,
    *,
    f_benefit: float = 1.0,
    f_harm: float = 1.0,
) -> LikelihoodHelpedHarmed:
    """Likelihood of being helped or harmed: LHH = (1/NNT) / (1/NNH) = NNH / NNT.

    Parameters
    ----------
    nnt : ArmComparison or float
        Number needed to treat for the chosen benefit (a comparison from :func:`compare_arms`
        or a positive number).
    nnh : ArmComparison or float
        Number needed to harm for the chosen harm (from :func:`nnh` or a positive number).
    f_benefit, f_harm : float, default 1
        Straus and Sackett's adjustment for a patient whose risk differs from the trial's
        average: ``LHH = (f_benefit / NNT) / (f_harm / NNH)``.

    Returns
    -------
    LikelihoodHelpedHarmed

    Raises
    ------
    jia_teach.rules.errors.InvalidValueError
        A number needed that is not positive, a comparison whose point estimate goes the
        other way, an ``f`` that is not a finite positive number, or both numbers needed
        infinite (no benefit and no harm: the ratio is undefined).

    Notes
    -----
    Unrounded NNT and NNH are used; point estimates only (no interval). An infinite NNT (no
    benefit) gives LHH 0; an infinite NNH (no harm) gives LHH infinity.

    Examples
    --------
    >>> from jia_teach.effects import compare_arms
    >>> lhh = likelihood_helped_harmed(nnt=1.6, nnh=9.1)
    >>> round(lhh.lhh, 2)
    5.69
    >>> lhh.text
    'LHH 5.7: a patient like those in the trial is about 5.7 times as likely to be helped as harmed (NNH / NNT, both unrounded).'

    An NNT from derived counts carries the tag into the sentence:

    >>> acr90 = compare_arms(treated_events=28, treated_total=75, control_events=2,
    ...                      control_total=37, derived_counts=True)
    >>> likelihood_helped_harmed(nnt=acr90, nnh=9.1).text
    'LHH 2.9: a patient like those in the trial is about 2.9 times as likely to be helped as harmed (NNH / NNT, both unrounded) (from derived counts).'

    An infinite number needed (no difference between the arms) gives the limit:

    >>> likelihood_helped_harmed(nnt=float("inf"), nnh=9.1).lhh
    0.0
    >>> likelihood_helped_harmed(nnt=1.6, nnh=float("inf")).text
    'LHH infinity: the harm is no more frequent on treatment (no NNH), so a patient like those in the trial is more likely to be helped than harmed.'
    """  # noqa: E501
    t = _nn_value(nnt, "nnt", "benefit")
    h = _nn_value(nnh, "nnh", "harm")
    for name, f in (("f_benefit", f_benefit), ("f_harm", f_harm)):
        if isinstance(f, bool) or not isinstance(f, Real) or not 0 < f < _INF:
            raise InvalidValueError(
                f"{f!r} is not a finite positive number", column=name, allowed="> 0, finite"
            )
    if math.isinf(t) and math.isinf(h):
        raise InvalidValueError(
            "LHH is undefined when neither the benefit nor the harm differs between the arms "
            "(NNT and NNH both infinite)",
            column="nnt/nnh",
            allowed="at least one finite number needed",
        )
    value = (float(f_benefit) * h) / (t * float(f_harm))  # = (f_b / NNT) / (f_h / NNH)
    derived = any(isinstance(x, ArmComparison) and x.derived_counts for x in (nnt, nnh))
    tag = DERIVED_TAG if derived else ""
    # The sentence restates no NNT or NNH: beside it a reader sees them as the library shows
    # them (rounded up to whole patients, with their interval), and a second, unrounded NNT in
    # the same panel reads as a contradiction (issue 19). The ratio uses the unrounded ones.
    nums = "(NNH / NNT, both unrounded)" + tag
    # Whose likelihood: the trial's patients, or the one patient the f values describe (a
    # chart and a readout side by side can then state both without seeming to disagree).
    who = "a patient like those in the trial" if (f_benefit, f_harm) == (1, 1) else "this patient"
    if math.isinf(value):
        text = (
            f"LHH infinity: the harm is no more frequent on treatment (no NNH), so {who} "
            f"is more likely to be helped than harmed{tag}."
        )
    elif value == 0:
        text = (
            f"LHH 0: the benefit is no more frequent on treatment (no NNT), so {who} "
            f"is more likely to be harmed than helped{tag}."
        )
    elif value >= 1:
        text = (
            f"LHH {value:.1f}: {who} is about {value:.1f} times as likely to be helped as "
            f"harmed {nums}."
        )
    else:
        text = (
            f"LHH {value:.2f}: {who} is about {1 / value:.1f} times as likely to be harmed "
            f"as helped {nums}."
        )
    return LikelihoodHelpedHarmed(
        lhh=value,
        nnt=t,
        nnh=h,
        f_benefit=float(f_benefit),
        f_harm=float(f_harm),
        text=text,
        derived_counts=derived,
    )
