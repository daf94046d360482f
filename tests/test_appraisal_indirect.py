"""Bucher's indirect comparison against the log-odds arithmetic done by hand here."""

from __future__ import annotations

import math

import pytest

from jia_teach.appraisal.comparability import why_not_comparable
from jia_teach.appraisal.counts import arm_counts
from jia_teach.appraisal.indirect import bucher, direct_effect
from jia_teach.rules.errors import JiaInputError

TENDER = (64, 75, 9, 37)  # tocilizumab vs placebo, primary end point
CAN1 = (36, 43, 4, 41)  # canakinumab vs placebo, trial 1 primary end point
Z = 1.959963984540054  # normal 97.5th percentile


def test_odds_ratio_by_hand() -> None:
    # TENDER: a = 64, b = 11, c = 9, d = 28; trial 1: a = 36, b = 7, c = 4, d = 37
    log_or_a = math.log((64 * 28) / (11 * 9))
    log_or_b = math.log((36 * 37) / (7 * 4))
    var = (1 / 64 + 1 / 11 + 1 / 9 + 1 / 28) + (1 / 36 + 1 / 7 + 1 / 4 + 1 / 37)
    est = log_or_a - log_or_b
    r = bucher(TENDER, CAN1)
    assert r.log_estimate == pytest.approx(est, rel=1e-12)
    assert r.se == pytest.approx(math.sqrt(var), rel=1e-12)
    assert r.estimate == pytest.approx(math.exp(est), rel=1e-12)
    low, high = math.exp(est - Z * math.sqrt(var)), math.exp(est + Z * math.sqrt(var))
    assert r.ci == pytest.approx((low, high), rel=1e-9)
    # the published-figure headline the tutorial quotes
    assert (round(r.estimate, 2), round(r.ci[0], 2), round(r.ci[1], 2)) == (0.38, 0.07, 1.96)
    assert r.ratio_of_widths > 1  # wider than either direct comparison


def test_relative_risk_and_risk_difference_by_hand() -> None:
    rr = bucher(TENDER, CAN1, measure="relative_risk")
    log_rr = math.log((64 / 75) / (9 / 37)) - math.log((36 / 43) / (4 / 41))
    var = (1 / 64 - 1 / 75 + 1 / 9 - 1 / 37) + (1 / 36 - 1 / 43 + 1 / 4 - 1 / 41)
    assert rr.log_estimate == pytest.approx(log_rr) and rr.se == pytest.approx(math.sqrt(var))
    rd = bucher(TENDER, CAN1, measure="risk_difference")
    p = [64 / 75, 9 / 37, 36 / 43, 4 / 41]
    var = sum(x * (1 - x) / n for x, n in zip(p, (75, 37, 43, 41), strict=True))
    assert rd.estimate == pytest.approx((p[0] - p[1]) - (p[2] - p[3]))
    assert rd.ci[1] - rd.ci[0] == pytest.approx(2 * Z * math.sqrt(var))


def test_zero_cell_adds_one_half_everywhere() -> None:
    e = direct_effect((20, 43, 0, 41))
    assert e.value == pytest.approx(math.log((20.5 * 41.5) / (23.5 * 0.5)))
    assert "0.5 added to every cell" in e.method
    assert direct_effect((20, 43, 1, 41)).method.endswith("Woolf variance")


def test_the_reasons_it_is_not_valid_come_from_the_data() -> None:
    tender = arm_counts("TENDER", "acr30_no_fever", "week 12")
    can1 = arm_counts("canakinumab-1", "adapted_acr30", "day 15")
    caveats = why_not_comparable(tender, can1)
    by_aspect = {c.aspect: c for c in caveats}
    assert list(by_aspect) == [
        "end point", "inflammation marker", "time point", "population", "regimen",
        "placebo response",
    ]  # fmt: skip
    assert (by_aspect["time point"].a, by_aspect["time point"].b) == ("week 12", "day 15")
    assert by_aspect["inflammation marker"].b == "CRP (in place of ESR)"
    assert by_aspect["placebo response"].a == "9/37 (24%)"
    r = bucher(TENDER, CAN1, labels=("tocilizumab", "canakinumab"), caveats=caveats)
    assert not r.valid
    text = str(r)
    assert text.splitlines()[0] == (
        "Indirect odds ratio, tocilizumab vs canakinumab: 0.38 (95% CI 0.07 to 1.96)"
    )
    assert "Not valid here, because:" in text and "time point: week 12 vs day 15" in text
    assert "Why it is not valid here" in r._repr_html_()


def test_same_trial_twice_has_no_caveats() -> None:
    c = arm_counts("canakinumab-1", "adapted_acr30", "day 15")
    assert why_not_comparable(c, c) == ()
    r = bucher(CAN1, CAN1)
    assert r.estimate == pytest.approx(1.0) and r.valid


@pytest.mark.parametrize(
    ("a", "kwargs", "match"),
    [
        ((64, 75, 9), {}, "3 numbers given"),
        ((76, 75, 9, 37), {}, "treated_events"),
        (TENDER, {"measure": "hazard_ratio"}, "measure"),
        (TENDER, {"confidence": 95}, "confidence"),
    ],
)
def test_bad_input_is_named(a: tuple, kwargs: dict, match: str) -> None:
    with pytest.raises(JiaInputError, match=match):
        bucher(a, CAN1, **kwargs)
