"""RAPPORT and CONSIDER as data (issue 22): every figure transcribed from the abstracts read."""

from __future__ import annotations

import pytest

from jia_teach.appraisal import fragility
from jia_teach.appraisal.counts import arm_counts, count_pairs
from jia_teach.data import load_appraisal_outcomes, load_designs, load_reported_effects
from jia_teach.evidence import reported_effect

# (trial, arm, endpoint, timepoint): (events, total, percent), Ilowite 2014 and Kedor 2020
EXPECTED = {
    ("RAPPORT", "rilonacept", "adapted_acr30_no_fever_gc_taper", "week 4"): (20, 35, 57),
    ("RAPPORT", "placebo", "adapted_acr30_no_fever_gc_taper", "week 4"): (9, 33, 27),
    ("CONSIDER", "canakinumab", "das28_fall_over_1_2", "week 12"): (12, 18, 67),
    ("CONSIDER", "placebo", "das28_fall_over_1_2", "week 12"): (7, 17, 41),
}


def test_outcome_rows_transcribed() -> None:
    o = load_appraisal_outcomes()
    o = o[o["trial"].isin(["RAPPORT", "CONSIDER"])]
    got = {
        (r.trial, r.arm, r.endpoint, r.timepoint): (r.events, r.total, r.percent)
        for r in o.itertuples()
    }
    assert got == EXPECTED
    assert set(o["status"]) == {"reported"}
    assert set(o["source_id"]) == {"ilowite2014", "kedor2020"}


def test_reported_p_values_and_designs() -> None:
    e = load_reported_effects().set_index("effect_id")
    assert e.loc["rapport_time_to_response_p", "estimate"] == 0.007
    assert "chi-squared 7.235" in e.loc["rapport_time_to_response_p", "note"]
    assert e.loc["rapport_week4_p", "estimate"] == 0.016
    assert e.loc["consider_primary_p", "estimate"] == 0.18
    assert reported_effect("consider_primary_p").text == "P = 0.18"
    d = load_designs().set_index(["trial", "arm"])
    assert d.loc[("RAPPORT", "all"), "n"] == 71
    assert d.loc[("CONSIDER", "all"), "n"] == 36
    assert "4.4 mg/kg" in d.loc[("RAPPORT", "all"), "dose"]
    assert "2.2 mg/kg weekly" in d.loc[("RAPPORT", "all"), "dose"]


def test_through_the_review_with_no_code_of_their_own() -> None:
    keys = {c.key for c in count_pairs()}
    assert ("RAPPORT", "adapted_acr30_no_fever_gc_taper", "week 4") in keys
    assert ("CONSIDER", "das28_fall_over_1_2", "week 12") in keys
    rapport = arm_counts("RAPPORT", "adapted_acr30_no_fever_gc_taper", "week 4").comparison()
    consider = arm_counts("CONSIDER", "das28_fall_over_1_2", "week 12").comparison()
    # derived Fisher exact p agree with the reported 0.016 and 0.18
    assert round(rapport.p_value, 3) == 0.016
    assert round(consider.p_value, 2) == 0.18
    assert rapport.risk_difference_ci[0] > 0 > consider.risk_difference_ci[0]
    rows = fragility.fragility_rows(
        [arm_counts("RAPPORT", "adapted_acr30_no_fever_gc_taper", "week 4")]
    )
    assert rows[0]["index"] == 2 and rows[0]["kind"] == "fragility"


@pytest.mark.parametrize("trial", ["RAPPORT", "CONSIDER"])
def test_label_and_colour(trial: str) -> None:
    from jia_teach.data.labels import trial_colour, trial_label

    assert trial in trial_label(trial)
    assert trial_colour(trial).startswith("#")
