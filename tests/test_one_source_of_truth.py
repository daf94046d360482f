"""The contradictions of issue 10, each a regression test: one question, one answer per screen.

Written first against the old code (where each failed), kept so that no view decides again.
"""

from __future__ import annotations

import re

import pandas as pd

from jia_teach import assess
from jia_teach.widgets import BenefitRiskExplorer, PatientCalculator, ThresholdExplorer


def _verdicts(summary: str) -> dict[str, str]:
    out = {}
    for line in summary.splitlines():
        m = re.match(r"^((?:adapted )?ACR\d+): (.+)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def test_calculator_adapted_verdict_never_contradicts_the_standard_one():
    # CHAQ baseline 0 (cannot improve), CHAQ follow-up missing, fever unknown: the standard
    # ACR50 is decided (not met), so the adapted ACR50 (ACR50 and no fever) is not met too.
    calc = PatientCalculator(fever="unknown")
    calc.set(chaq_baseline=0, missing="chaq", lom_joints_followup=20, marker_followup=60)
    verdicts = _verdicts(calc.summary_text())
    for level in (30, 50, 70, 90, 100):
        standard, adapted = verdicts[f"ACR{level}"], verdicts[f"adapted ACR{level}"]
        if standard == "not met":
            assert adapted == "not met", (level, standard, adapted)
        else:
            assert adapted in ("undecidable", "not met"), (level, standard, adapted)
    assert verdicts["ACR50"] == "not met"


def test_assess_with_fever_unknown_is_three_valued():
    base = dict(
        physician_global=6, parent_global=5, chaq=0, active_joints=12, lom_joints=10, esr=60
    )
    up = dict(
        physician_global=2, parent_global=3, chaq=None, active_joints=3, lom_joints=20, esr=60
    )
    a = assess(base, up, fever_followup=pd.NA)
    assert a.adapted is not None
    for level in (30, 50, 70, 90, 100):
        std, adapted = a.responses[f"ACR{level}"], a.adapted[f"adapted ACR{level}"]
        assert adapted is (False if std is False else None), (level, std, adapted)
    # the standard verdicts do not depend on fever at all
    assert assess(base, up).responses == a.responses


def test_benefit_risk_shows_one_lhh_for_one_pair():
    view = BenefitRiskExplorer()
    view.set(harm="infusion_reaction_24h", f_benefit=2.0)
    values = set(re.findall(r"LHH (\d+(?:\.\d+)?)", view.summary_text()))
    assert len(values) == 1, values
    # the chart drawn beside the readout states the same LHH (its footnote and its caption)
    from matplotlib.text import Text

    fig = view.figure
    drawn = " ".join(t.get_text() for t in fig.findobj(Text)).replace("\n", " ")
    assert set(re.findall(r"LHH (\d+(?:\.\d+)?)", drawn)) == values
    assert view.lhh is not None
    assert f"LHH {view.lhh.lhh:.1f}" in view.summary_text()


def test_threshold_explorer_offers_no_interval_or_p_value_on_simulated_patients():
    view = ThresholdExplorer(n_per_arm=2000)
    text = view.summary_text()
    assert "CI" not in text and "p =" not in text and "p-value" not in text
    public = [name for name in dir(view) if not name.startswith("_")]
    for name in public:
        value = getattr(view, name)
        for attr in ("risk_difference_ci", "nnt_ci", "p_value", "nnt_text"):
            assert not hasattr(value, attr), f"{name}.{attr} offers an interval on simulations"
