"""jia_teach.pool: inputs, the result object, zero cells, the k < 5 warning, invariants.

Agreement with R's metafor is tests/test_pool_metafor.py; the views are
tests/test_pool_views.py.
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jia_teach import pool
from jia_teach.effects import tau2
from jia_teach.effects.pooling import FewStudiesWarning, PoolConvergenceError
from jia_teach.rules.errors import InvalidValueError

IL1 = ([36, 8], [43, 12], [4, 1], [41, 12])
THREE = ([36, 8, 64], [43, 12, 75], [4, 1, 9], [41, 12, 37])


@pytest.mark.parametrize(
    ("args", "kwargs", "column"),
    [
        (([1.5], [10], [1], [10]), {}, "treated_events"),
        (([-1], [10], [1], [10]), {}, "treated_events"),
        (([11], [10], [1], [10]), {}, "treated_events"),
        (([1], [10], [1, 2], [10]), {}, "control_events"),
        (([1], [0], [1], [10]), {}, "treated_total"),
        (([], [], [], []), {}, "treated_events"),
        ((*IL1,), {"measure": "HR"}, "measure"),
        ((*IL1,), {"method": "SJ"}, "method"),
        ((*IL1,), {"method": "Peto", "measure": "RR"}, "measure"),
        ((*IL1,), {"method": "MH", "hksj": True}, "hksj"),
        (([3], [10], [1], [10]), {"hksj": True}, "hksj"),
        ((*IL1,), {"confidence": 95}, "confidence"),
        ((*IL1,), {"labels": ["one"]}, "labels"),
        (([0, 0], [10, 10], [1, 2], [10, 10]), {"method": "MH"}, "method"),
        (([0, 0], [10, 10], [0, 0], [10, 10]), {"method": "Peto", "measure": "OR"}, "method"),
        (("12", [10], [1], [10]), {}, "treated_events"),
        (([True], [10], [1], [10]), {}, "treated_events"),
    ],
)
def test_bad_input_names_the_field(args, kwargs, column) -> None:
    with pytest.raises(InvalidValueError) as err:
        pool(*args, warn=False, **kwargs)
    assert err.value.column == column
    assert err.value.allowed


def test_result_is_frozen_and_on_the_natural_scale() -> None:
    r = pool(*IL1, measure="RR", warn=False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.estimate = 1.0  # type: ignore[misc]
    assert r.ci_low < r.estimate < r.ci_high
    assert math.isclose(math.log(r.estimate), r.theta)
    rd = pool(*IL1, measure="RD", warn=False)
    assert -1 < rd.ci_low < rd.estimate < rd.ci_high < 1
    assert rd.null == 0.0 and r.null == 1.0


def test_prediction_interval_only_for_random_effects() -> None:
    for method in ("MH",):
        r = pool(*THREE, method=method, warn=False)
        assert r.pi_low is None and r.pi_high is None and r.tau2 == 0.0
    peto = pool(*THREE, method="Peto", measure="OR", warn=False)
    assert peto.pi_low is None
    re = pool(*THREE, method="REML", warn=False)
    assert re.pi_low <= re.ci_low < re.ci_high <= re.pi_high


def test_few_studies_warning_is_issued_and_kept() -> None:
    with pytest.warns(FewStudiesWarning, match="Only 2 studies"):
        r = pool(*IL1)
    assert len(r.warnings) == 1 and isinstance(r.warnings[0], FewStudiesWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet = pool(*IL1, warn=False)
        five = pool([5] * 5, [10] * 5, [2] * 5, [10] * 5)
    assert quiet.warnings and not five.warnings
    assert "Only 2 studies" in quiet.summary_frame().attrs["warnings"][0]


def test_zero_cells_are_corrected_only_for_inverse_variance() -> None:
    counts = ([29, 5], [43, 12], [1, 0], [41, 12])  # canakinumab-1 and ANAJIS ACR70, month 1
    reml = pool(*counts, labels=["can-1", "ANAJIS"], warn=False)
    assert reml.corrected == ("ANAJIS",)
    assert any("0.5 added to all four cells of ANAJIS" in n for n in reml.notes)
    # the corrected study estimate: (5.5 / 13) / (0.5 / 13) = 11
    assert math.isclose(reml.study_estimates[1], 11.0)
    mh = pool(*counts, labels=["can-1", "ANAJIS"], method="MH", warn=False)
    assert mh.corrected == ()
    assert any("no continuity correction" in n for n in mh.notes)


def test_double_zero_studies_follow_metafor() -> None:
    counts = ([0, 5, 9], [15, 40, 50], [0, 2, 4], [15, 40, 50])
    labels = ["A", "B", "C"]
    reml = pool(*counts, labels=labels, warn=False)
    assert reml.double_zero == ("A",) and "A" in reml.corrected
    assert reml.weights[0] > 0  # kept, as rma() does (drop00=FALSE)
    mh = pool(*counts, labels=labels, method="MH", measure="OR", warn=False)
    assert mh.weights[0] == 0 and mh.q_df == 1  # no weight; left out of Q (drop00=TRUE)
    mh_rd = pool(*counts, labels=labels, method="MH", measure="RD", warn=False)
    assert mh_rd.weights[0] > 0  # the MH risk difference counts it
    frame = reml.summary_frame()
    assert frame.loc[0, "note"].startswith("no events in either arm")


def test_summary_frame_rows_and_attrs() -> None:
    r = pool(*THREE, labels=["can-1", "ANAJIS", "TENDER"], hksj=True, warn=False)
    f = r.summary_frame()
    assert list(f["kind"]) == ["study"] * 3 + ["pooled", "prediction"]
    assert math.isclose(f["weight"][:3].sum(), 100.0)
    assert f.attrs["log_scale"] is True and f.attrs["null"] == 1.0
    assert f.loc[3, "estimate"] == r.estimate and f.loc[4, "ci_low"] == r.pi_low
    assert r.quantile == "t(2)" and "t(2) quantile" in f.loc[3, "note"]


def test_hksj_widens_with_few_trials() -> None:
    z = pool(*THREE, warn=False)
    t = pool(*THREE, hksj=True, warn=False)
    assert t.ci_high / t.ci_low > z.ci_high / z.ci_low
    assert t.pi_high / t.pi_low > z.pi_high / z.pi_low


def test_reml_picks_the_greater_of_two_likelihood_maxima() -> None:
    # a generated table (tests/pool_cases.py, seed 20261204, case 36) whose restricted
    # likelihood has a local maximum at 0 and the global one at 0.2515: metafor reports 0.2515
    r = pool([70, 6, 30, 49], [120, 31, 129, 58], [105, 33, 6, 23], [200, 88, 79, 32], warn=False)
    assert math.isclose(r.tau2, 0.251533444660927, abs_tol=1e-9)


def test_root_finder_failure_is_an_error(monkeypatch) -> None:
    import scipy.optimize

    class Info:
        converged = False
        flag = "convergence error"

    monkeypatch.setattr(scipy.optimize, "brentq", lambda *a, **k: (0.1, Info()))
    with pytest.raises(PoolConvergenceError, match="did not converge"):
        pool(*THREE, warn=False)


def test_bracket_failure_is_an_error() -> None:
    with pytest.raises(PoolConvergenceError, match="no upper bracket"):
        tau2._bracket(lambda t: 1.0, 0.0, 1.0)


def test_text_and_html() -> None:
    r = pool(*IL1, warn=False)
    assert r.text.startswith("Pooled risk ratio")
    assert "Warning" in r._repr_html_() and "Only 2 studies" in str(r)


tables = st.lists(
    st.tuples(st.integers(1, 60), st.integers(1, 60)).flatmap(
        lambda n: st.tuples(
            st.integers(0, n[0]), st.just(n[0]), st.integers(0, n[1]), st.just(n[1])
        )
    ),
    min_size=2,
    max_size=7,
)


def _cols(rows):
    return [list(x) for x in zip(*rows, strict=True)]


@settings(max_examples=60, deadline=None)
@given(
    tables,
    st.sampled_from(["REML", "DL", "PM"]),
    st.sampled_from(["RR", "OR", "RD"]),
    st.booleans(),
)
def test_random_effects_invariants(rows, method, measure, hksj) -> None:
    a, n1, c, n2 = _cols(rows)
    r = pool(a, n1, c, n2, method=method, measure=measure, hksj=hksj, warn=False)
    assert r.tau2 >= 0 and 0 <= r.i2 < 100 and r.q >= 0
    assert math.isclose(sum(r.weights), 100.0)
    assert r.ci_low <= r.estimate <= r.ci_high
    assert r.pi_low <= r.ci_low + 1e-12 and r.ci_high <= r.pi_high + 1e-12
    # the order of the studies does not matter
    back = pool(
        a[::-1], n1[::-1], c[::-1], n2[::-1], method=method, measure=measure, hksj=hksj, warn=False
    )
    assert math.isclose(back.theta, r.theta, rel_tol=1e-9, abs_tol=1e-9)
    # swapping the arms mirrors the effect
    swap = pool(c, n2, a, n1, method=method, measure=measure, hksj=hksj, warn=False)
    assert math.isclose(swap.theta, -r.theta, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(swap.tau2, r.tau2, rel_tol=1e-6, abs_tol=1e-10)


@settings(max_examples=40, deadline=None)
@given(tables, st.sampled_from(["MH", "Peto"]))
def test_fixed_effect_invariants(rows, method) -> None:
    a, n1, c, n2 = _cols(rows)
    try:
        r = pool(a, n1, c, n2, method=method, measure="OR", warn=False)
    except InvalidValueError:
        return  # undefined for these tables (metafor gives NA or an error too)
    assert r.ci_low <= r.estimate <= r.ci_high and r.tau2 == 0.0
    swap = pool(c, n2, a, n1, method=method, measure="OR", warn=False)
    assert math.isclose(swap.theta, -r.theta, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(swap.se, r.se, rel_tol=1e-9)


def test_k_equals_one_is_that_study() -> None:
    r = pool([36], [43], [4], [41], warn=False)
    assert r.tau2 == 0 and r.pi_low == r.ci_low and math.isnan(r.i2)
    assert math.isclose(r.estimate, (36 / 43) / (4 / 41))
    assert np.isfinite(r.se)
