"""Bayesian re-analysis: exact integration against a seeded Monte Carlo of the same posteriors.

The reference draws 4 million pairs from the two Beta posteriors (numpy, fixed seed); its
standard error is at most 0.00025, so agreement within 0.0005 is agreement "to 3 decimals"
(two standard errors). Closed forms check the uniform case exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jia_teach.appraisal import bayes
from jia_teach.appraisal.bayes import (
    ENTHUSIASTIC,
    NEUTRAL,
    SCEPTICAL,
    BetaDistribution,
    RiskDifference,
    informed_prior,
    reanalyse,
)
from jia_teach.rules.errors import JiaInputError

N_DRAWS = 4_000_000
SEED = 20261201


def monte_carlo(a1: float, b1: float, a2: float, b2: float, delta: float) -> float:
    """P(X - Y > delta), X ~ Beta(a1, b1), Y ~ Beta(a2, b2), by sampling (the reference)."""
    rng = np.random.default_rng(SEED)
    x = rng.beta(a1, b1, N_DRAWS)
    y = rng.beta(a2, b2, N_DRAWS)
    return float(np.mean(x - y > delta))


# Published tables (canakinumab trial 1 ACR90 and primary; TENDER ACR90 derived, primary) and
# a small non-significant one; thresholds across the range, including a negative one.
CASES = [
    ((20, 43, 1, 41), "neutral", 0.20),
    ((20, 43, 1, 41), "sceptical", 0.20),
    ((20, 43, 1, 41), "enthusiastic", 0.30),
    ((36, 43, 4, 41), "sceptical", 0.60),
    ((28, 75, 2, 37), "neutral", 0.25),
    ((64, 75, 9, 37), "sceptical", 0.50),
    ((11, 12, 7, 12), "neutral", 0.0),
    ((11, 12, 7, 12), "sceptical", -0.10),
]


@pytest.mark.parametrize(("counts", "prior", "delta"), CASES)
def test_probability_matches_seeded_monte_carlo_to_3_decimals(counts, prior, delta) -> None:
    r = reanalyse(*counts, prior=prior)
    t, c = r.posterior.treated, r.posterior.control
    reference = monte_carlo(t.a, t.b, c.a, c.b, delta)
    assert r.prob_above(delta) == pytest.approx(reference, abs=5e-4)


def test_informed_prior_matches_monte_carlo() -> None:
    prior = informed_prior(64, 75, 9, 37, weight=0.25)
    r = reanalyse(36, 43, 4, 41, prior=prior)
    # posterior by hand: Beta(1 + 0.25*64 + 36, 1 + 0.25*11 + 7), Beta(1 + 0.25*9 + 4, ...)
    assert (r.posterior.treated.a, r.posterior.treated.b) == (53.0, 10.75)
    assert (r.posterior.control.a, r.posterior.control.b) == (7.25, 45.0)
    assert r.prob_above(0.6) == pytest.approx(monte_carlo(53, 10.75, 7.25, 45, 0.6), abs=5e-4)


def test_uniform_priors_give_the_triangular_distribution_exactly() -> None:
    rd = RiskDifference(BetaDistribution(1, 1), BetaDistribution(1, 1))
    for d in (-0.75, -0.3, 0.0, 0.2, 0.5, 0.9):
        exact = (1 - d) ** 2 / 2 if d >= 0 else 1 - (1 + d) ** 2 / 2
        assert rd.prob_above(d) == pytest.approx(exact, abs=1e-10)
    # density of the triangle: 1 - |d|
    grid = np.array([-0.5, 0.0, 0.25])
    assert rd.density(grid) == pytest.approx(1 - np.abs(grid), abs=1e-6)


def test_edges_of_the_range_are_exact() -> None:
    rd = reanalyse(20, 43, 1, 41).posterior
    assert rd.prob_above(-1) == 1.0 and rd.prob_above(-1.5) == 1.0
    assert rd.prob_above(1) == 0.0 and rd.prob_above(2) == 0.0
    assert 0 < rd.prob_above(0.999) < 1e-12


def test_named_priors_are_as_documented() -> None:
    assert (NEUTRAL.treated.a, NEUTRAL.treated.b) == (1, 1)
    assert (SCEPTICAL.control.a, SCEPTICAL.control.b) == (10, 10)
    assert (ENTHUSIASTIC.treated.a, ENTHUSIASTIC.treated.b, ENTHUSIASTIC.control.a) == (13, 7, 7)
    assert ENTHUSIASTIC.risk_difference.mean == pytest.approx(0.30)
    # the module docstring states these prior tail probabilities
    assert round(SCEPTICAL.risk_difference.prob_above(0.30), 3) == 0.025
    assert round(1 - ENTHUSIASTIC.risk_difference.prob_above(0.0), 3) == 0.025
    assert SCEPTICAL.risk_difference.prob_above(0.30) == pytest.approx(
        monte_carlo(10, 10, 10, 10, 0.30), abs=5e-4
    )


def test_credible_interval_holds_2_5_percent_in_each_tail() -> None:
    r = reanalyse(20, 43, 1, 41, "sceptical")
    low, high = r.interval()
    assert r.prob_above(low) == pytest.approx(0.975, abs=1e-8)
    assert r.prob_above(high) == pytest.approx(0.025, abs=1e-8)
    rng = np.random.default_rng(SEED)
    draws = rng.beta(30, 33, 1_000_000) - rng.beta(11, 50, 1_000_000)
    assert np.quantile(draws, [0.025, 0.975]) == pytest.approx([low, high], abs=2e-3)


def test_density_integrates_to_one_and_matches_the_histogram() -> None:
    r = reanalyse(28, 75, 2, 37, "neutral")
    grid = np.linspace(-1, 1, 4001)
    dens = r.posterior.density(grid)
    assert np.trapezoid(dens, grid) == pytest.approx(1.0, abs=1e-6)
    rng = np.random.default_rng(SEED)
    t, c = r.posterior.treated, r.posterior.control
    draws = rng.beta(t.a, t.b, 2_000_000) - rng.beta(c.a, c.b, 2_000_000)
    hist, edges = np.histogram(draws, bins=40, range=(0.1, 0.5), density=False)
    centres = (edges[:-1] + edges[1:]) / 2
    expected = r.posterior.density(centres) * (edges[1] - edges[0])
    assert hist / len(draws) == pytest.approx(expected, abs=2e-3)


@given(
    x1=st.integers(0, 30),
    x2=st.integers(0, 30),
    d=st.floats(-0.9, 0.9),
    e=st.floats(0.01, 0.5),
)
def test_probability_falls_as_the_threshold_rises(x1: int, x2: int, d: float, e: float) -> None:
    rd = reanalyse(x1, 30, x2, 30).posterior
    assert rd.prob_above(d) >= rd.prob_above(min(0.99, d + e)) - 1e-9


@given(x1=st.integers(0, 20), x2=st.integers(0, 20), d=st.floats(-0.9, 0.9))
def test_swapping_the_arms_mirrors_the_probability(x1: int, x2: int, d: float) -> None:
    """P(X - Y > d) = 1 - P(Y - X > -d) for continuous X, Y."""
    a = RiskDifference(BetaDistribution(1 + x1, 21 - x1), BetaDistribution(1 + x2, 21 - x2))
    b = RiskDifference(a.control, a.treated)
    assert a.prob_above(d) == pytest.approx(1 - b.prob_above(-d), abs=1e-8)


def test_sentence_and_text_say_what_was_computed() -> None:
    r = reanalyse(28, 75, 2, 37, "sceptical", label="TENDER ACR90", derived_counts=True)
    assert r.sentence(0.2).startswith("Under the sceptical prior, the probability that the benefit")
    assert r.sentence(0.2).endswith("(from derived counts).")
    assert "Beta(38, 57)" in str(r) and "Beta(12, 45)" in str(r)
    assert "<table" in r._repr_html_()
    harm = reanalyse(5, 75, 0, 37, outcome="harm")
    assert "the excess harm exceeds" in harm.sentence(0.05)


def test_probability_table_lists_each_prior() -> None:
    rows = bayes.probability_table(20, 43, 1, 41, 0.2)
    assert [r["prior"] for r in rows] == ["neutral", "sceptical", "enthusiastic"]
    assert rows[1]["posterior P"] == pytest.approx(
        reanalyse(20, 43, 1, 41, "sceptical").prob_above(0.2)
    )


@pytest.mark.parametrize(
    ("kwargs", "column"),
    [
        ({"treated_events": 44}, "treated_events"),
        ({"control_total": 0}, "control_total"),
        ({"treated_events": 2.5}, "treated_events"),
        ({"prior": "optimistic"}, "prior"),
        ({"outcome": "good"}, "outcome"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict, column: str) -> None:
    args = {"treated_events": 20, "treated_total": 43, "control_events": 1, "control_total": 41}
    args |= kwargs
    with pytest.raises(JiaInputError) as err:
        reanalyse(**args)
    assert err.value.column == column


def test_bad_prior_parameters_and_weights_are_refused() -> None:
    with pytest.raises(JiaInputError, match="column 'a'"):
        BetaDistribution(0, 1)
    with pytest.raises(JiaInputError, match="weight"):
        informed_prior(64, 75, 9, 37, weight=0)
    with pytest.raises(JiaInputError, match="weight"):
        informed_prior(64, 75, 9, 37, weight=1.5)
    with pytest.raises(JiaInputError, match="delta"):
        reanalyse(1, 2, 1, 2).prob_above(math.nan)


def test_density_rule_agrees_with_four_times_the_nodes() -> None:
    """The 128-node density (betas._GL_NODES) against a 512-node rule written out here."""
    from jia_teach.appraisal import betas
    from jia_teach.appraisal.counts import count_pairs

    assert betas._GL_NODES == 128
    nodes, weights = np.polynomial.legendre.leggauss(512)
    grid = np.linspace(-1, 1, 801)
    worst = 0.0
    for pair in count_pairs():
        for prior in bayes.NAMED_PRIORS.values():
            rd = reanalyse(**pair.as_kwargs(), prior=prior).posterior
            q_lo, q_hi = rd.control.ppf(1e-14), rd.control.ppf(1 - 1e-14)
            lo = np.maximum(q_lo, -grid)[:, None]
            hi = np.minimum(q_hi, 1 - grid)[:, None]
            half = np.clip(hi - lo, 0.0, None) / 2
            y = half * nodes[None, :] + (lo + hi) / 2
            f = rd.treated.pdf(grid[:, None] + y) * rd.control.pdf(y)
            ref = (f * weights[None, :]).sum(axis=1) * half[:, 0]
            worst = max(worst, float(np.max(np.abs(rd.density(grid) - ref)) / ref.max()))
    assert worst < 1e-10


def test_scalar_density_is_the_vector_density() -> None:
    """The plain-math density used inside quad equals the numpy one, edges included."""
    from jia_teach.appraisal.betas import BetaDistribution

    for a, b in ((1, 1), (0.5, 0.5), (65, 12), (2.7, 53.25)):
        beta = BetaDistribution(a, b)
        scalar = beta._scalar_pdf()
        for y in (0.0, 1e-9, 0.013, 0.5, 0.87, 1 - 1e-9, 1.0, -0.2, 1.3):
            assert scalar(y) == pytest.approx(beta.pdf(y), rel=1e-12, abs=0.0)
