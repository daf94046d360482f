"""The words of the benefit-risk explorer: how an NNH was obtained, the NNH, the LHH read aloud.

The numbers come from :mod:`jia_teach.effects` (through :mod:`jia_teach.evidence.trial_effects`);
these functions only word them, so the explorer, a slide or a handout say the same thing.

Examples
--------
>>> nnh_text(float("inf"))
'NNH not defined: no more patients harmed on treatment than on placebo'
>>> nnh_text(12.4)
'NNH 13 (unrounded 12.4; no confidence interval)'
"""

from __future__ import annotations

import math

from jia_teach.effects import ArmComparison, LikelihoodHelpedHarmed, round_up
from jia_teach.evidence import ArmPair

__all__ = ["harm_method_text", "lhh_lines", "nnh_text"]


def harm_method_text(pair: ArmPair, *, crosses_infinity: bool) -> str:
    """How the NNH of a usable harm ``pair`` was obtained, and its figures' status.

    Parameters
    ----------
    pair : ArmPair
        A harm with both arms.
    crosses_infinity : bool
        Whether the NNH interval runs through infinity (from the comparison of the counts).
    """
    t, p = pair.treated, pair.control
    assert t is not None and p is not None  # a usable harm has both arms
    status = "/".join(sorted({t.status, p.status}))
    if pair.comparable:
        how = (
            "counts DERIVED from the reported percentages and arm sizes (the only whole "
            "numbers that fit them)"
            if pair.derived
            else "counts of patients in both arms"
        )
        text = f"From {how} ({status}; {t.source}): NNH = 1 / risk difference, with the "
        text += "Altman interval."
        if crosses_infinity:
            text += (
                " The risk difference's interval includes 0, so the NNH interval runs "
                "through infinity: the harm is plausible, but this trial does not establish "
                "it."
            )
        return text[:1].upper() + text[1:]
    return (
        f"The source gives percentages of patients only ({status}; {t.source}): no counts "
        f"or denominators are given, and none are invented here. The NNH is a point estimate "
        f"from the percentages, 1 / ({t.percent:g}% - {p.percent:g}%), with no confidence "
        f"interval; the percentages are rounded, so treat it as approximate."
    )


def nnh_text(measure: ArmComparison | float) -> str:
    """The NNH as shown: the comparison's own text, or a point value with no interval."""
    if isinstance(measure, ArmComparison):
        return measure.nnt_text
    value = float(measure)
    if math.isinf(value) or value <= 0:
        return "NNH not defined: no more patients harmed on treatment than on placebo"
    return f"NNH {round_up(value):.0f} (unrounded {value:.1f}; no confidence interval)"


def lhh_lines(lhh: LikelihoodHelpedHarmed | None, f_benefit: float, f_harm: float) -> list[str]:
    """The LHH, the patient adjustment if any, and how to read it (or why it is not defined)."""
    if lhh is None:
        return [
            "LHH not defined: it needs a benefit and a harm that both favour their stated "
            "direction (a positive NNT and a positive NNH)."
        ]
    lines = [lhh.text]
    if (f_benefit, f_harm) != (1.0, 1.0):
        lines.append(
            f"Adjusted for this patient: a chance of the benefit {f_benefit:.1f} times, and a "
            f"risk of the harm {f_harm:.1f} times, those of the trial's patients."
        )
    lines.append(
        "How to read it: LHH = NNH / NNT. Above 1, a patient like those in the trial is more "
        "likely to be helped (reach the benefit because of treatment) than harmed (have the "
        "harm because of treatment); below 1, more likely harmed. It weighs one benefit "
        "against one harm as if they mattered equally, and it uses point estimates only: a "
        "child and family may value the two outcomes very differently."
    )
    return lines
