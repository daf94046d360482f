"""Invariants of the scoring core, checked with hypothesis against a reference implementation."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from jia_teach import score
from jia_teach.rules.definitions import FLARE_BRUNNER_2002, FLARE_TRIAL, LEVELS, ResponseDefinition
from jia_teach.scoring.criteria import acr_n, meets_response, percent_improvement
from jia_teach.scoring.flare import meets_flare

from . import reference

HIGH = (10, 10, 3, 75, 75, 200)
NAMES = ("physician_global", "parent_global", "chaq", "active_joints", "lom_joints", "esr")


def value(i: int) -> st.SearchStrategy[float]:
    if i in (3, 4):
        return st.integers(0, HIGH[i]).map(float)
    # hundredths, so every value is exact in decimal and in the 1e-6 quantum
    return st.integers(0, HIGH[i] * 100).map(lambda k: k / 100)


visit = st.tuples(*(value(i) for i in range(6)))


@st.composite
def pair(draw, allow_missing: bool = False):
    base = list(draw(visit))
    up = list(draw(visit))
    # make boundary cases common: copy a baseline, or put a follow-up exactly 30 % away
    for i in range(6):
        choice = draw(st.integers(0, 5))
        if choice == 0:
            up[i] = base[i]
        elif choice == 1 and i not in (3, 4):
            up[i] = round(base[i] * 0.7, 6)
        elif choice == 2 and i not in (3, 4) and base[i] * 1.3 <= HIGH[i]:
            up[i] = round(base[i] * 1.3, 6)
    if allow_missing:
        for _ in range(draw(st.integers(0, 2))):
            i = draw(st.integers(0, 5))
            side = draw(st.sampled_from(("b", "f", "both")))
            if side in ("b", "both"):
                base[i] = math.nan
            if side in ("f", "both"):
                up[i] = math.nan
    return base, up


def responses(base, up, definition):
    b, f = np.array([base]), np.array([up])
    return meets_response(percent_improvement(b, f), definition, baseline=b, followup=f)[0]


def as_py(x):
    return None if x is pd.NA else bool(x)


@given(pair(allow_missing=True))
def test_levels_nest(p):
    """ACR100 => ACR90 => ... => ACR30, also when some answers are unknown."""
    got = [as_py(responses(*p, ResponseDefinition(name="x", level=lv))) for lv in LEVELS]
    for lower, higher in itertools.pairwise(got):
        if higher is True:
            assert lower is True
        if lower is False:
            assert higher is False


@given(pair(), st.integers(0, 5), st.sampled_from((2, 3, 10, 0.5)))
def test_scaling_a_variable_changes_nothing(p, i, factor):
    base, up = p
    pct = percent_improvement(np.array([base]), np.array([up]))
    b2, u2 = list(base), list(up)
    b2[i] *= factor
    u2[i] *= factor
    pct2 = percent_improvement(np.array([b2]), np.array([u2]))
    for lv in LEVELS:
        d = ResponseDefinition(name="x", level=lv)
        assert meets_response(pct, d)[0] == meets_response(pct2, d)[0]


@given(pair(), st.integers(0, 5), st.integers(1, 100))
def test_lower_followup_never_loses_a_response(p, i, cut):
    base, up = p
    lower = list(up)
    lower[i] = max(0.0, up[i] - cut) if i in (3, 4) else max(0.0, round(up[i] - cut / 100, 2))
    for lv in LEVELS:
        d = ResponseDefinition(name="x", level=lv)
        if responses(base, up, d):
            assert responses(base, lower, d)


@given(pair())
def test_acr_n_agrees_with_the_levels(p):
    pct = percent_improvement(np.array([p[0]]), np.array([p[1]]))
    n = acr_n(pct)[0]
    for lv in (*LEVELS, 1, 45, 99.5):
        assert bool(meets_response(pct, ResponseDefinition(name="x", level=lv))[0]) == (n >= lv)


@given(pair(allow_missing=True), st.sampled_from(LEVELS), st.sampled_from((1, 20, 30, 50)))
def test_response_matches_the_reference(p, level, limit):
    d = ResponseDefinition(name="x", level=level, worsening_limit=limit)
    assert as_py(responses(*p, d)) == reference.response(*p, level=level, limit=limit)


@given(pair(allow_missing=True), st.sampled_from((FLARE_TRIAL, FLARE_BRUNNER_2002)))
def test_flare_matches_the_reference(p, definition):
    got = meets_flare(np.array([p[0]]), np.array([p[1]]), definition)[0]
    expected = reference.flare(
        *p,
        level=definition.level,
        k=definition.min_worsened,
        imp_level=definition.improvement_level,
        m=definition.max_improved,
        rise_global=definition.min_rise_global_cm,
        rise_joints=definition.min_rise_joints,
    )
    assert as_py(got) == expected


@given(st.lists(pair(allow_missing=True), min_size=1, max_size=8))
def test_score_equals_the_per_row_result(rows):
    table = pd.DataFrame(
        {
            **{f"{n}_baseline": [r[0][j] for r in rows] for j, n in enumerate(NAMES)},
            **{f"{n}_followup": [r[1][j] for r in rows] for j, n in enumerate(NAMES)},
        }
    )
    out = score(table)
    for k, (base, up) in enumerate(rows):
        for lv in LEVELS:
            assert as_py(out[f"acr{lv}"].iloc[k]) == reference.response(base, up, level=lv)
        assert as_py(out["flare"].iloc[k]) == reference.flare(base, up)


@given(
    st.lists(pair(allow_missing=True), min_size=1, max_size=6),
    st.sampled_from((*LEVELS, 45)),
    st.integers(1, 6),
    st.sampled_from((1, 30, 50)),
    st.integers(0, 6),
)
def test_profile_agrees_with_meets_response(rows, level, k, limit, m):
    """The sorted-row fast path decides exactly as the counting path, gaps included."""
    from jia_teach.scoring.criteria import ResponseProfile

    b = np.array([r[0] for r in rows])
    f = np.array([r[1] for r in rows])
    pct = percent_improvement(b, f)
    d = ResponseDefinition(
        name="x", level=level, min_improved=k, worsening_limit=limit, max_worsened=m
    )
    fast = ResponseProfile(pct, b, f).meets(d)
    slow = meets_response(pct, d, baseline=b, followup=f)
    assert fast.isna().tolist() == slow.isna().tolist()
    assert fast.fillna(False).tolist() == slow.fillna(False).tolist()
