"""compare_arms, NNT/NNH and LHH against independent hand calculations and published values.

The reference values are computed here from textbook formulas with the standard library only
(Wilson score interval, Newcombe's hybrid method 10, Katz log interval, Woolf logit interval,
the hypergeometric distribution for Fisher's test), never by calling statsmodels or scipy again.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jia_teach.effects import (
    MAX_COUNT,
    ArmComparison,
    compare_arms,
    likelihood_helped_harmed,
    nnh,
    number_needed,
    round_up,
)
from jia_teach.rules.errors import InvalidValueError, JiaInputError

Z = NormalDist().inv_cdf(0.975)


def wilson(x: int, n: int, z: float = Z) -> tuple[float, float]:
    """Wilson score interval (Wilson 1927), written out."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def newcombe(a: int, n1: int, c: int, n2: int, z: float = Z) -> tuple[float, float]:
    """Newcombe (1998) method 10: hybrid score interval for p1 - p2."""
    p1, p2 = a / n1, c / n2
    l1, u1 = wilson(a, n1, z)
    l2, u2 = wilson(c, n2, z)
    d = p1 - p2
    return (
        d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


def fisher_two_sided(a: int, n1: int, c: int, n2: int) -> float:
    """Sum of hypergeometric probabilities no larger than the observed one."""
    m = a + c
    N = n1 + n2

    def prob(k: int) -> float:
        return math.comb(n1, k) * math.comb(n2, m - k) / math.comb(N, m)

    observed = prob(a)
    ks = range(max(0, m - n2), min(n1, m) + 1)
    return min(1.0, sum(prob(k) for k in ks if prob(k) <= observed * (1 + 1e-7)))


# ------------------------------------------------------------------------------------------
# TENDER primary end point: 64/75 vs 9/37
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tender() -> ArmComparison:
    return compare_arms(treated_events=64, treated_total=75, control_events=9, control_total=37)


def test_tender_risks_and_difference(tender) -> None:
    assert tender.risk_treated == pytest.approx(64 / 75)
    assert tender.risk_control == pytest.approx(9 / 37)
    assert tender.risk_difference == pytest.approx(64 / 75 - 9 / 37)  # 0.61009
    assert tender.risk_difference == pytest.approx(0.610090, abs=1e-6)


def test_tender_newcombe_interval_by_hand(tender) -> None:
    low, high = newcombe(64, 75, 9, 37)
    assert tender.risk_difference_ci == pytest.approx((low, high), abs=1e-12)
    # and as rounded numbers, for readers
    assert tender.risk_difference_ci == pytest.approx((0.42466, 0.73641), abs=1e-5)


def test_tender_relative_risk_katz_by_hand(tender) -> None:
    rr = (64 / 75) / (9 / 37)
    se = math.sqrt(1 / 64 - 1 / 75 + 1 / 9 - 1 / 37)
    assert tender.relative_risk == pytest.approx(rr)
    assert tender.relative_risk == pytest.approx(3.50815, abs=1e-5)
    assert tender.relative_risk_ci == pytest.approx(
        (math.exp(math.log(rr) - Z * se), math.exp(math.log(rr) + Z * se)), rel=1e-10
    )


def test_tender_odds_ratio_woolf_by_hand(tender) -> None:
    odds = (64 * 28) / (11 * 9)  # 18.10
    se = math.sqrt(1 / 64 + 1 / 11 + 1 / 9 + 1 / 28)
    assert tender.odds_ratio == pytest.approx(odds)
    assert tender.odds_ratio_ci == pytest.approx(
        (math.exp(math.log(odds) - Z * se), math.exp(math.log(odds) + Z * se)), rel=1e-10
    )


def test_tender_nnt(tender) -> None:
    rd_low, rd_high = newcombe(64, 75, 9, 37)
    assert tender.nnt == pytest.approx(1 / (64 / 75 - 9 / 37))  # 1.639
    assert tender.nnt_ci == pytest.approx((1 / rd_high, 1 / rd_low))  # 1.358 to 2.355
    assert not tender.nnt_crosses_infinity
    assert tender.nnt_text == "NNT 2 (95% CI 2 to 3)"
    assert tender.nnt_text_decimals(1) == "NNT 1.6 (95% CI 1.4 to 2.4)"


def test_tender_fisher_p(tender) -> None:
    assert tender.p_value == pytest.approx(fisher_two_sided(64, 75, 9, 37), rel=1e-9)
    assert tender.p_value < 0.001  # the NEJM abstract: P < 0.001


def test_tender_text_and_html(tender) -> None:
    text = str(tender)
    assert "Risk difference: 61.0 percentage points (95% CI 42.5 to 73.6)" in text
    assert "NNT 2 (95% CI 2 to 3)" in text
    assert "Fisher exact p (two-sided): < 0.001" in text
    html = tender._repr_html_()
    assert html.startswith("<table") and "NNT 2 (95% CI 2 to 3)" in html
    assert "Newcombe" in html


def test_frozen(tender) -> None:
    with pytest.raises(AttributeError):
        tender.nnt = 3  # type: ignore[misc]


# ------------------------------------------------------------------------------------------
# zero cells
# ------------------------------------------------------------------------------------------
def test_zero_treated_events() -> None:
    r = compare_arms(treated_events=0, treated_total=37, control_events=5, control_total=75)
    assert r.risk_difference == pytest.approx(-5 / 75)
    assert r.risk_difference_ci == pytest.approx(newcombe(0, 37, 5, 75), abs=1e-12)
    assert r.relative_risk == 0.0
    assert r.relative_risk_ci[0] == 0.0 and 1 < r.relative_risk_ci[1] < math.inf
    assert r.odds_ratio == 0.0
    # exact conditional upper limit: P(X <= 0 | psi) = 0.025 under the noncentral
    # hypergeometric distribution with margins 37 / 75 and 5 events; solved by bisection
    weights = [math.comb(37, k) * math.comb(75, 5 - k) for k in range(6)]

    def p_zero(psi: float) -> float:
        return weights[0] / sum(w * psi**k for k, w in enumerate(weights))

    lo, hi = 1e-6, 100.0
    for _ in range(200):
        mid = math.sqrt(lo * hi)
        lo, hi = (mid, hi) if p_zero(mid) > 0.025 else (lo, mid)
    assert r.odds_ratio_ci[0] == 0.0
    assert r.odds_ratio_ci[1] == pytest.approx(lo, rel=1e-5)  # about 2.19
    assert r.p_value == pytest.approx(fisher_two_sided(0, 37, 5, 75), rel=1e-9)
    assert r.nnt_crosses_infinity
    assert r.nnt_text == "NNTH 15 (95% CI NNTB 29 to infinity to NNTH 7)"
    assert any("zero" in m for m in r.methods)


def test_zero_control_events_as_harm() -> None:
    r = nnh(treated_events=5, treated_total=75, control_events=0, control_total=37)
    assert r.outcome == "harm"
    assert r.relative_risk == math.inf and r.relative_risk_ci[1] == math.inf
    assert r.odds_ratio == math.inf and r.odds_ratio_ci[1] == math.inf
    low, high = newcombe(5, 75, 0, 37)
    assert r.nnt_ci == pytest.approx((1 / high, 1 / low))
    expected = (
        f"NNH 15 (95% CI NNH {math.ceil(1 / high)} to infinity to NNTB {math.ceil(-1 / low)})"
    )
    assert r.nnt_text == expected == "NNH 15 (95% CI NNH 7 to infinity to NNTB 29)"


def test_no_events_anywhere() -> None:
    r = compare_arms(treated_events=0, treated_total=37, control_events=0, control_total=75)
    assert r.risk_difference == 0.0 and r.nnt == math.inf
    assert math.isnan(r.relative_risk) and r.relative_risk_ci == (0.0, math.inf)
    assert math.isnan(r.odds_ratio) and r.odds_ratio_ci == (0.0, math.inf)
    assert r.p_value == 1.0
    assert r.nnt_text.startswith("NNT infinity (95% CI NNTB ")
    assert "undefined" in str(r)


def test_everyone_has_the_event() -> None:
    r = compare_arms(treated_events=37, treated_total=37, control_events=75, control_total=75)
    assert r.relative_risk == 1.0
    assert all(math.isnan(x) for x in r.relative_risk_ci)
    assert "not estimable" in str(r)


# ------------------------------------------------------------------------------------------
# Altman's interval through infinity, and NNH
# ------------------------------------------------------------------------------------------
def test_altman_text_when_interval_crosses_zero() -> None:
    r = compare_arms(treated_events=10, treated_total=50, control_events=6, control_total=50)
    low, high = newcombe(10, 50, 6, 50)
    assert low < 0 < high
    nntb, nnth = math.ceil(1 / high), math.ceil(1 / -low)
    assert r.nnt_text == f"NNTB 13 (95% CI NNTB {nntb} to infinity to NNTH {nnth})"
    # the wrong (non-Altman) interval 1/high..1/low would run from a positive to a negative
    # number; check that the stored tuple keeps Altman's signs
    assert r.nnt_ci[0] > 0 > r.nnt_ci[1]


def test_harm_point_on_the_other_side() -> None:
    r = compare_arms(treated_events=5, treated_total=50, control_events=20, control_total=50)
    low, high = newcombe(5, 50, 20, 50)
    assert high < 0
    assert r.nnt_text == (
        f"NNTH {math.ceil(1 / 0.3)} (95% CI {math.ceil(-1 / low)} to {math.ceil(-1 / high)})"
    )


def test_nnh_by_hand() -> None:
    r = nnh(treated_events=10, treated_total=50, control_events=2, control_total=50)
    low, high = newcombe(10, 50, 2, 50)
    assert r.nnt == pytest.approx(1 / 0.16)
    assert r.nnt_text == f"NNH 7 (95% CI {math.ceil(1 / high)} to {math.ceil(1 / low)})"
    assert r.nnt_text == "NNH 7 (95% CI 4 to 33)"
    assert "NNH: NNH 7" in str(r)


def test_rounding_up_exact_integers() -> None:
    # 1 / 0.25 is 4 exactly: rounding up must not give 5
    r = compare_arms(treated_events=50, treated_total=100, control_events=25, control_total=100)
    assert r.nnt_text.startswith("NNT 4 ")


def test_other_confidence_level() -> None:
    r = compare_arms(
        treated_events=64, treated_total=75, control_events=9, control_total=37, confidence=0.9
    )
    z90 = NormalDist().inv_cdf(0.95)
    assert r.risk_difference_ci == pytest.approx(newcombe(64, 75, 9, 37, z90), abs=1e-12)
    assert "90% CI" in r.nnt_text


# ------------------------------------------------------------------------------------------
# properties
# ------------------------------------------------------------------------------------------
arms = st.integers(min_value=1, max_value=150).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)


@settings(max_examples=150, deadline=None)
@given(arms, arms)
def test_swapping_arms(t, c) -> None:
    (a, n1), (b, n2) = t, c
    r = compare_arms(treated_events=a, treated_total=n1, control_events=b, control_total=n2)
    s = compare_arms(treated_events=b, treated_total=n2, control_events=a, control_total=n1)
    assert s.risk_difference == pytest.approx(-r.risk_difference, abs=1e-12)
    assert s.risk_difference_ci == pytest.approx(
        (-r.risk_difference_ci[1], -r.risk_difference_ci[0]), abs=1e-9
    )
    assert s.p_value == pytest.approx(r.p_value, rel=1e-9)
    if 0 < a < n1 and 0 < b < n2:
        assert s.relative_risk == pytest.approx(1 / r.relative_risk)
        assert s.relative_risk_ci == pytest.approx(
            (1 / r.relative_risk_ci[1], 1 / r.relative_risk_ci[0]), rel=1e-9
        )
        assert s.odds_ratio == pytest.approx(1 / r.odds_ratio)


@settings(max_examples=150, deadline=None)
@given(arms, arms)
def test_newcombe_and_consistency(t, c) -> None:
    (a, n1), (b, n2) = t, c
    r = compare_arms(treated_events=a, treated_total=n1, control_events=b, control_total=n2)
    low, high = r.risk_difference_ci
    assert (low, high) == pytest.approx(newcombe(a, n1, b, n2), abs=1e-9)
    assert low - 1e-12 <= r.risk_difference <= high + 1e-12
    assert -1 <= low and high <= 1
    assert r.nnt_crosses_infinity == (low < 0 < high)
    assert ("infinity to" in r.nnt_text) == r.nnt_crosses_infinity
    rr_low, rr_high = r.relative_risk_ci
    if not math.isnan(r.relative_risk) and not math.isnan(rr_low):
        assert rr_low * (1 - 1e-9) <= r.relative_risk <= rr_high * (1 + 1e-9)
    or_low, or_high = r.odds_ratio_ci
    if not math.isnan(r.odds_ratio):
        assert or_low * (1 - 1e-9) <= r.odds_ratio <= or_high * (1 + 1e-9)
    assert 0 <= r.p_value <= 1


# ------------------------------------------------------------------------------------------
# input validation
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"treated_events": 80}, r"column 'treated_events': 80 is out of range \(allowed: 0 to "),
        ({"control_events": -1}, r"column 'control_events': -1 is out of range"),
        (
            {"treated_total": 0},
            r"column 'treated_total': 0 is out of range \(allowed: 1 to 1000000000\)",
        ),
        ({"treated_events": 6.5}, r"column 'treated_events': 6.5 is not a whole number"),
        ({"treated_events": True}, r"column 'treated_events': True is not a whole number"),
        ({"treated_events": "64"}, r"column 'treated_events': '64' is not a whole number"),
        ({"confidence": 95}, r"column 'confidence': 95 is not a confidence level"),
        ({"outcome": "good"}, r"column 'outcome': unknown outcome 'good'"),
    ],
)
def test_invalid_input(kwargs, match) -> None:
    args = {"treated_events": 64, "treated_total": 75, "control_events": 9, "control_total": 37}
    args.update(kwargs)
    with pytest.raises(InvalidValueError, match=match) as info:
        compare_arms(**args)
    assert isinstance(info.value, JiaInputError) and isinstance(info.value, ValueError)


def test_whole_floats_accepted() -> None:
    r = compare_arms(treated_events=64.0, treated_total=75, control_events=9, control_total=37)
    assert r.treated_events == 64 and isinstance(r.treated_events, int)


# ------------------------------------------------------------------------------------------
# LHH
# ------------------------------------------------------------------------------------------
def test_lhh_from_numbers() -> None:
    res = likelihood_helped_harmed(nnt=2.0, nnh=10.0)
    assert res.lhh == pytest.approx(5.0)  # (1/2) / (1/10)
    assert res.text.startswith(
        "LHH 5.0: a patient like those in the trial is about 5.0 times as likely to be helped"
    )
    # One NNT per panel (issue 19): the sentence never restates the NNT or NNH beside the
    # rounded-up ones the library shows.
    assert "NNT 2" not in res.text and "NNH 10" not in res.text
    worse = likelihood_helped_harmed(nnt=10.0, nnh=5.0)
    assert worse.lhh == pytest.approx(0.5)
    assert "2.0 times as likely to be harmed as helped" in worse.text
    adjusted = likelihood_helped_harmed(nnt=2.0, nnh=10.0, f_benefit=0.5, f_harm=2.0)
    assert adjusted.lhh == pytest.approx((0.5 / 2) / (2 / 10))
    assert "this patient is about" in adjusted.text


def test_lhh_from_comparisons(tender) -> None:
    harm = nnh(treated_events=10, treated_total=50, control_events=2, control_total=50)
    res = likelihood_helped_harmed(nnt=tender, nnh=harm)
    assert res.lhh == pytest.approx((64 / 75 - 9 / 37) / (10 / 50 - 2 / 50))
    assert res.nnt == pytest.approx(tender.nnt) and res.nnh == pytest.approx(6.25)


def test_lhh_rejects_wrong_direction(tender) -> None:
    no_benefit = compare_arms(
        treated_events=5, treated_total=50, control_events=20, control_total=50
    )
    with pytest.raises(InvalidValueError, match="column 'nnt': the comparison shows no benefit"):
        likelihood_helped_harmed(nnt=no_benefit, nnh=10)
    with pytest.raises(InvalidValueError, match="column 'nnh'"):
        likelihood_helped_harmed(nnt=tender, nnh=-3)


def test_number_needed() -> None:
    assert number_needed(0.16, 0.05) == pytest.approx(1 / 0.11)
    assert number_needed(0.2, 0.2) == math.inf
    with pytest.raises(InvalidValueError, match="column 'risk_treated'"):
        number_needed(16, 5)


# ------------------------------------------------------------------------------------------
# published reference values (cited literals, not recomputed)
# ------------------------------------------------------------------------------------------
def test_newcombe_1998_table_ii_method_10() -> None:
    # Newcombe RG. Stat Med 1998;17:873-90, Table II, method 10 (hybrid score):
    # 56/70 - 48/80 gives 0.0524 to 0.3339; 9/10 - 3/10 gives 0.1705 to 0.8090.
    r = compare_arms(treated_events=56, treated_total=70, control_events=48, control_total=80)
    assert tuple(round(x, 4) for x in r.risk_difference_ci) == (0.0524, 0.3339)
    r = compare_arms(treated_events=9, treated_total=10, control_events=3, control_total=10)
    assert tuple(round(x, 4) for x in r.risk_difference_ci) == (0.1705, 0.8090)


def test_relative_risk_zero_cell_is_the_uncorrected_koopman_interval() -> None:
    # 0/37 vs 5/75 (control has the events): Koopman's score interval (no N/(N-1) correction)
    # has upper limit 1.470; statsmodels' default correction (Miettinen-Nurminen) gives 1.482.
    r = compare_arms(treated_events=0, treated_total=37, control_events=5, control_total=75)
    assert r.relative_risk_ci[0] == 0.0
    assert round(r.relative_risk_ci[1], 3) == 1.470
    assert any("Koopman" in m and "correction=False" in m for m in r.methods)


# ------------------------------------------------------------------------------------------
# edges: Altman's round-up, infinite numbers needed, very large counts
# ------------------------------------------------------------------------------------------
def test_round_up_is_altman_and_exact_at_whole_numbers() -> None:
    assert round_up(1 / 0.25) == 4.0  # not 5 through floating point
    assert round_up(2.000001) == 3.0
    assert round_up(-9.09) == 10.0
    assert round_up(math.inf) == math.inf
    assert math.isnan(round_up(math.nan))


def test_lhh_with_an_infinite_number_needed_is_the_limit() -> None:
    no_benefit = likelihood_helped_harmed(nnt=number_needed(0.5, 0.5), nnh=10)
    assert no_benefit.lhh == 0.0 and "LHH 0" in no_benefit.text
    no_harm = likelihood_helped_harmed(nnt=2, nnh=math.inf)
    assert no_harm.lhh == math.inf and no_harm.text.startswith("LHH infinity")
    with pytest.raises(InvalidValueError, match="undefined"):
        likelihood_helped_harmed(nnt=math.inf, nnh=math.inf)
    with pytest.raises(InvalidValueError, match="column 'f_harm'"):
        likelihood_helped_harmed(nnt=2, nnh=10, f_harm=math.inf)


def test_counts_beyond_the_documented_maximum_are_a_clear_error() -> None:
    with pytest.raises(InvalidValueError, match="column 'treated_total'") as info:
        compare_arms(treated_events=2**69, treated_total=2**70, control_events=1, control_total=2)
    assert f"{MAX_COUNT}" in str(info.value)
    big = compare_arms(
        treated_events=MAX_COUNT // 2,
        treated_total=MAX_COUNT,
        control_events=MAX_COUNT // 4,
        control_total=MAX_COUNT,
    )
    assert big.risk_difference == pytest.approx(0.25)


def test_rows_are_the_printed_table() -> None:
    r = compare_arms(treated_events=64, treated_total=75, control_events=9, control_total=37)
    assert [f"{k}: {v}" for k, v in r.rows()] == str(r).splitlines()
