"""The evidence layer: pairs of arms, their counts, why-not reasons and reported effects."""

from __future__ import annotations

import pytest

from jia_teach import evidence
from jia_teach.effects import likelihood_helped_harmed, nnh
from jia_teach.evidence import reported_effect, reported_effects
from jia_teach.evidence.trial_effects import compare, compare_pair, number_needed
from jia_teach.rules.errors import InvalidValueError


# ------------------------------------------------------------------------------------------
# reported effects and data-driven comparisons
# ------------------------------------------------------------------------------------------
def test_hazard_ratio_as_reported() -> None:
    hr = reported_effect("canakinumab2_flare_hr")
    assert (hr.estimate, hr.ci_low, hr.ci_high, hr.confidence) == (0.36, 0.17, 0.75, 0.95)
    assert hr.measure == "hazard_ratio" and hr.status == "reported"
    assert hr.text == "Hazard ratio 0.36 (95% CI 0.17 to 0.75)"
    assert "Ruperto 2012" in str(hr) and "0.36" in hr._repr_html_()


def test_reported_effects_list() -> None:
    effects = {e.effect_id: e for e in reported_effects()}
    assert effects["tender_acr50_wdiff"].text == (
        "Weighted difference 74 percentage points (95% CI 58 to 90)"
    )
    assert effects["tender_primary_p"].text == "P < 0.001"
    with pytest.raises(InvalidValueError, match="unknown effect_id 'nope'"):
        reported_effect("nope")


def test_compare_trial_arms_tender_primary() -> None:
    r = compare("TENDER", "acr30_no_fever", "week 12")
    assert (r.treated_events, r.treated_total, r.control_events, r.control_total) == (
        64,
        75,
        9,
        37,
    )
    assert r.nnt_text == "NNT 2 (95% CI 2 to 3)"
    assert "derived" not in r.label


def test_compare_trial_arms_marks_derived_counts() -> None:
    r = compare("TENDER", "acr30", "week 12")
    assert r.label.endswith("(from derived counts)")
    assert (r.treated_events, r.control_events) == (68, 9)


def test_numbers_from_derived_counts_are_tagged_wherever_printed() -> None:
    r = compare("TENDER", "acr90", "week 12")
    assert r.derived_counts
    assert r.nnt_text == "NNT 4 (95% CI 3 to 7) (from derived counts)"
    assert r.nnt_text_decimals(2).endswith(" (from derived counts)")
    rows = str(r).splitlines()
    assert rows[0].endswith("(from derived counts)")  # the label
    assert not rows[1].endswith("(from derived counts)")  # the counts themselves
    assert all(line.endswith(" (from derived counts)") for line in rows[2:])
    assert "(from derived counts)" in r._repr_html_()
    lhh = likelihood_helped_harmed(nnt=r, nnh=9.1)
    assert lhh.derived_counts and lhh.text.endswith("both unrounded) (from derived counts).")
    # reported counts carry no tag, and neither does an LHH built from them
    primary = compare("TENDER", "acr30_no_fever", "week 12")
    assert not primary.derived_counts and "from derived counts" not in str(primary)
    assert "derived" not in likelihood_helped_harmed(nnt=primary, nnh=9.1).text
    # compare_arms and nnh take the flag directly
    h = nnh(
        treated_events=10, treated_total=50, control_events=2, control_total=50, derived_counts=True
    )
    assert h.nnt_text == "NNH 7 (95% CI 4 to 33) (from derived counts)"


def test_kaplan_meier_cannot_be_turned_into_counts() -> None:
    with pytest.raises(InvalidValueError, match="Kaplan-Meier"):
        compare("canakinumab-2", "flare", "randomized withdrawal")
    with pytest.raises(InvalidValueError, match="no figures for TENDER, acr30, week 52"):
        compare("TENDER", "acr30", "week 52")


def test_every_outcome_group_is_a_pair_with_a_reason_when_not_comparable() -> None:
    pairs = evidence.outcome_pairs()
    assert pairs, "no outcome pairs"
    for p in pairs:
        if p.comparable:
            assert p.treated is not None and p.control is not None
            assert p.treated.has_counts and p.control.has_counts
            compare_pair(p)  # does not raise
        else:
            assert p.why_not
            with pytest.raises(InvalidValueError, match="no comparison for"):
                compare_pair(p)


def test_one_group_and_kaplan_meier_reasons() -> None:
    week52 = evidence.pair("TENDER", "acr90_no_fever", "week 52")
    assert week52.treated is None and "one group only" in week52.why_not
    km = evidence.pair("canakinumab-2", "flare", "randomized withdrawal")
    assert "Kaplan-Meier" in km.why_not and km.why_no_point is not None


def test_population_of_the_counts() -> None:
    assert evidence.pair("TENDER", "acr30_no_fever", "week 12").population == "all randomized"
    assert evidence.pair("TENDER", "fever_free", "week 12").population == (
        "subset given by the source"
    )


def test_harm_pairs_split_usable_from_unusable_with_reasons() -> None:
    usable = evidence.harm_pairs("TENDER", usable=True)
    assert usable and all(p.why_no_point is None for p in usable)
    for p in usable:
        assert number_needed(p) > 0
    unusable = evidence.harm_pairs(usable=False)
    reasons = " ".join(p.why_no_point for p in unusable)
    for word in ("not of patients", "per patient-year", "pooled", "one group only"):
        assert word in reasons, word


def test_percentage_only_harm_gives_a_point_number_needed_and_no_interval() -> None:
    for p in evidence.harm_pairs("TENDER", usable=True):
        if p.percentages_only:
            t, c = p.treated.percent, p.control.percent
            assert number_needed(p) == pytest.approx(1 / ((t - c) / 100))
            with pytest.raises(InvalidValueError):
                compare_pair(p)


def test_published_rate_prefers_the_primary_time_point() -> None:
    assert evidence.published_rate("canakinumab-1", 30, True).timepoint == "day 15"
    tender = evidence.published_rate("TENDER", 30, True)
    assert (tender.endpoint, tender.treated, tender.control) == ("acr30_no_fever", 85.0, 24.0)
    assert evidence.published_rate("TENDER", 100, False) is None


def test_unknown_pairs_list_what_exists() -> None:
    with pytest.raises(InvalidValueError, match="no figures for TENDER, nope, week 12") as info:
        evidence.pair("TENDER", "nope", "week 12")
    assert "acr30_no_fever" in str(info.value)
    with pytest.raises(InvalidValueError, match="no adverse-event figures"):
        evidence.harm_pair("TENDER", "nope", "x")
