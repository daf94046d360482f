"""Tests of the simulated cohorts (simulated patients, not trial data)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jia_teach.data import data_dir
from jia_teach.rules.coreset import core_set
from jia_teach.rules.definitions import (
    ACR30,
    ACR50,
    ACR70,
    ACR90,
    ADAPTED_ACR30,
    RESPONSE_PRESETS,
    ResponseDefinition,
)
from jia_teach.rules.errors import DataFileError, InvalidValueError
from jia_teach.scoring import score
from jia_teach.simulation import calibration, cohort
from jia_teach.simulation.calibration import refit
from jia_teach.simulation.cohort import (
    SIMULATED_NOTE,
    SimulatedArm,
    load_parameters,
    simulate_arm,
    simulate_trial,
)

N = 20_000
SEED = 2012

# The published rates (evidence sheet, /work/shared/evidence.md), written out here on purpose
# so that the test cross-checks data/trial_outcomes.csv, which the calibration reads.
PUBLISHED = {
    ("TENDER", "tocilizumab", "acr30"): 0.91,  # Actemra PI
    ("TENDER", "tocilizumab", "acr50"): 0.85,
    ("TENDER", "tocilizumab", "acr70"): 0.71,
    ("TENDER", "tocilizumab", "acr90"): 0.37,  # Li & Geskey; NEJM abstract summary
    ("TENDER", "tocilizumab", "acr30_no_fever"): 0.85,  # NEJM abstract, primary end point
    ("TENDER", "placebo", "acr30"): 0.24,
    ("TENDER", "placebo", "acr50"): 0.11,
    ("TENDER", "placebo", "acr70"): 0.08,
    ("TENDER", "placebo", "acr90"): 0.05,
    ("TENDER", "placebo", "acr30_no_fever"): 0.24,
    ("canakinumab-1", "canakinumab", "adapted_acr30"): 0.84,  # Ruperto 2012, day 15
    ("canakinumab-1", "placebo", "adapted_acr30"): 0.10,
}
DEFINITION = {
    ("TENDER", "acr30"): ACR30,
    ("TENDER", "acr50"): ACR50,
    ("TENDER", "acr70"): ACR70,
    ("TENDER", "acr90"): ACR90,
    ("TENDER", "acr30_no_fever"): ADAPTED_ACR30,
    ("canakinumab-1", "adapted_acr30"): RESPONSE_PRESETS["adapted_acr30_crp"],
}


@pytest.fixture(scope="module")
def trials():
    return {t: simulate_trial(t, n_per_arm=N, seed=SEED) for t in ("TENDER", "canakinumab-1")}


def _arm(trials, trial: str, arm: str) -> SimulatedArm:
    sim = trials[trial]
    return sim.treated if sim.treated.arm == arm else sim.control


def test_targets_are_read_from_the_outcomes_file():
    read = {
        (t.trial, t.arm, t.endpoint): t.rate
        for t in calibration.targets()
        if t.weight == 1 and t.timepoint in ("week 12", "day 15")
    }
    assert read == pytest.approx(PUBLISHED, abs=1e-12)


@pytest.mark.parametrize(("trial", "arm", "endpoint"), sorted(PUBLISHED))
def test_published_rates_are_reproduced_within_5_points(trials, trial, arm, endpoint):
    rate = _arm(trials, trial, arm).rate(DEFINITION[(trial, endpoint)])
    assert abs(rate - PUBLISHED[(trial, arm, endpoint)]) < 0.05


def test_fit_file_records_targets_sources_and_residuals():
    fit = pd.read_csv(data_dir() / cohort.FIT_FILE)
    assert set(fit["kind"]) == {"parameter", "target", "check"}
    assert fit["fit_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    targets = fit[fit["kind"] != "parameter"]
    assert targets["source_id"].notna().all()
    assert np.allclose(
        targets["residual_pp"], 100 * (targets["achieved"] - targets["target"]), atol=0.011
    )
    main = targets[targets["weight"] == 1]
    assert (main["residual_pp"].abs() < 5).all()
    for (trial, arm, endpoint), rate in PUBLISHED.items():
        row = main[(main.trial == trial) & (main.arm == arm) & (main.name == endpoint)]
        assert row["target"].tolist() == [pytest.approx(rate)]


def test_values_in_range_integer_joints_and_no_zero_baseline(trials):
    for sim in trials.values():
        for arm in (sim.treated, sim.control):
            variables = core_set(arm.marker)
            assert arm.baseline.shape == arm.followup.shape == (N, 6)
            assert arm.fever_followup.dtype == np.bool_
            for j, v in enumerate(variables):
                for values in (arm.baseline[:, j], arm.followup[:, j]):
                    assert np.isfinite(values).all()
                    assert values.min() >= v.low and values.max() <= v.high, v.name
                    if v.integer:
                        assert (values == np.round(values)).all(), v.name
            assert (arm.baseline > 0).all()
            assert np.isfinite(arm.pct).all()


def test_canakinumab_inclusion_limits(trials):
    sim = trials["canakinumab-1"]
    for arm in (sim.treated, sim.control):
        assert arm.marker == "crp"
        assert arm.baseline[:, 3].min() >= 2  # >= 2 active joints
        assert arm.baseline[:, 5].min() > 30  # CRP > 30 mg/L


def test_baseline_resembles_published_figures(trials):
    tender = trials["TENDER"].treated.baseline
    # TENDER means (interim report): 6.49 cm, 5.87 cm, CHAQ 1.7, 19.8 and 19.8 joints.
    assert tender[:, :5].mean(axis=0) == pytest.approx([6.49, 5.87, 1.7, 19.8, 19.8], rel=0.05)
    can = trials["canakinumab-1"].control.baseline
    # Medians of the 177 (LTE Table 1): 7.0 cm, 6.35 cm, CHAQ 1.8, 10 and 9 joints, CRP 160.
    assert np.median(can, axis=0) == pytest.approx([7.0, 6.35, 1.8, 10, 9, 160], rel=0.06)


def test_same_seed_same_cohort_and_different_seed_different():
    a = simulate_arm("TENDER", "placebo", n=500, seed=7)
    b = simulate_arm("TENDER", "control", n=500, seed=7)
    c = simulate_arm("TENDER", "placebo", n=500, seed=8)
    for name in ("baseline", "followup", "fever_followup", "pct"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.baseline, c.baseline)
    assert not np.array_equal(a.followup, c.followup)
    treated = simulate_arm("TENDER", "tocilizumab", n=500, seed=7)
    assert not np.array_equal(a.baseline, treated.baseline)  # arms use separate streams


def test_arrays_are_read_only():
    arm = simulate_arm("TENDER", "placebo", n=10)
    with pytest.raises(ValueError, match="read-only"):
        arm.baseline[0, 0] = 1.0


@pytest.mark.parametrize("trial", ["TENDER", "canakinumab-1"])
@pytest.mark.parametrize("adapted", [False, True])
def test_raising_the_level_lowers_the_rates(trials, trial, adapted):
    sim = trials[trial]
    base = ResponseDefinition("x", require_no_fever=adapted, marker=sim.marker)
    for arm in (sim.treated, sim.control):
        rates = [arm.rate(base.replace(level=level)) for level in range(10, 101, 10)]
        assert all(a >= b for a, b in itertools.pairwise(rates)), rates
        assert rates[0] > rates[-1]


def test_treated_above_control_at_every_published_level(trials):
    table = trials["TENDER"].summarise([ACR30, ACR50, ACR70, ACR90, ADAPTED_ACR30])
    assert (table["treated_rate"] > table["control_rate"]).all()


def test_rate_agrees_with_score_on_the_wide_table():
    arm = simulate_arm("canakinumab-1", "canakinumab", n=400, seed=3)
    frame = arm.to_frame()
    assert frame.attrs["note"] == SIMULATED_NOTE
    scored = score(frame)
    assert scored["acr50"].mean() == pytest.approx(arm.rate(ACR50.replace(marker="crp")))
    assert scored["adapted_acr30"].mean() == pytest.approx(
        arm.rate(RESPONSE_PRESETS["adapted_acr30_crp"])
    )


def test_summarise_rows_columns_and_note(trials):
    sim = trials["TENDER"]
    wider = ACR30.replace(name="ACR30, 4 of 6", min_improved=4)
    table = sim.summarise([ACR30, wider])
    assert list(table.index) == ["ACR30", "ACR30, 4 of 6"]
    assert list(table.columns) == [
        "treated_rate",
        "control_rate",
        "risk_difference",
        "nnt",
        "description",
    ]
    assert "not trial data" in table.columns.name
    assert table.attrs["note"] == SIMULATED_NOTE
    row = table.loc["ACR30"]
    assert row["risk_difference"] == pytest.approx(row["treated_rate"] - row["control_rate"])
    assert row["nnt"] == pytest.approx(1 / row["risk_difference"])
    assert sim.summarise(ACR30).shape[0] == 1
    assert "not trial data" in repr(sim) and "not trial data" in sim._repr_html_()
    assert "not trial data" in repr(sim.treated)


def test_nnt_is_infinite_when_the_arms_are_equal():
    arm = simulate_arm("TENDER", "placebo", n=200)
    same = cohort.SimulatedTrial("TENDER", arm, arm)
    assert math.isinf(same.summarise(ACR30)["nnt"].iloc[0])


@settings(max_examples=25, deadline=None)
@given(
    level=st.floats(1, 100),
    min_improved=st.integers(1, 6),
    worsening_limit=st.floats(0.5, 100),
    max_worsened=st.integers(0, 6),
)
def test_any_definition_gives_consistent_rates(level, min_improved, worsening_limit, max_worsened):
    arm = _SMALL
    d = ResponseDefinition("h", level, min_improved, worsening_limit, max_worsened, marker="esr")
    rate = arm.rate(d)
    assert 0.0 <= rate <= 1.0
    assert arm.rate(d.replace(require_no_fever=True)) <= rate
    if min_improved < 6:
        assert arm.rate(d.replace(min_improved=min_improved + 1)) <= rate
    if max_worsened < 6:
        assert arm.rate(d.replace(max_worsened=max_worsened + 1)) >= rate


_SMALL = simulate_arm("TENDER", "tocilizumab", n=2000, seed=11)


@pytest.mark.parametrize(
    ("kwargs", "column"),
    [
        ({"trial": "nope", "arm": "placebo"}, "trial"),
        ({"trial": "TENDER", "arm": "canakinumab"}, "arm"),
        ({"trial": "TENDER", "arm": "placebo", "n": 0}, "n"),
        ({"trial": "TENDER", "arm": "placebo", "seed": -1}, "seed"),
    ],
)
def test_bad_arguments_name_the_field(kwargs, column):
    with pytest.raises(InvalidValueError) as info:
        simulate_arm(**kwargs)
    assert info.value.column == column


def test_refit_small_cohort_writes_a_loadable_file(tmp_path):
    table = refit(n_per_arm=2000, seed=5, write=True, directory=tmp_path, fit_date="2026-11-25")
    assert (tmp_path / cohort.FIT_FILE).is_file()
    assert set(table["fit_date"]) == {"2026-11-25"}
    p = load_parameters("canakinumab-1", "placebo", directory=tmp_path)
    q = load_parameters("TENDER", "placebo", directory=tmp_path)
    assert p.responder_sd == q.responder_sd  # borrowed from the TENDER arm of the same kind
    main = table[(table["kind"] == "target") & (table["weight"] == 1)]
    assert (main["residual_pp"].abs() < 5).all()


def test_cli_without_refit_prints_help(capsys):
    assert calibration.main([]) == 0
    assert "--refit" in capsys.readouterr().out


def _broken_fit(tmp_path, edit):
    import shutil

    for name in ("sources.csv", cohort.FIT_FILE):
        shutil.copy(data_dir() / name, tmp_path / name)
    path = tmp_path / cohort.FIT_FILE
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(edit(lines)))
    return tmp_path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # a blank responder share used to give tocilizumab ACR90 = 0.0 % silently
        (
            lambda ls: [ls[0], ls[1].replace(",0.96484,", ",,"), *ls[2:]],
            r"cohort_fit.csv, row 1 \(line 2 of the file\), column 'value': a parameter needs",
        ),
        (
            lambda ls: [ls[0], ls[1].replace(",0.96484,", ",1.5,"), *ls[2:]],
            r"column 'value': 1.5 is out of range for responder_share \(allowed: 0 to 1\)",
        ),
        (lambda ls: [ls[0], *ls[2:]], r"lacks parameter\(s\) responder_share for TENDER"),
        (lambda ls: [ls[0], ls[1], *ls[1:]], r"parameter 'responder_share' of TENDER .* twice"),
        (lambda ls: [], r"cohort_fit.csv: the file is empty"),
        (
            lambda ls: [ls[0].replace("kind,", "kinds,"), *ls[1:]],
            r"column 'kinds': unknown column in the header",
        ),
        (
            lambda ls: [ls[0], ls[1].replace("responder_share", "responder_shar"), *ls[2:]],
            r"unknown model parameter 'responder_shar'",
        ),
    ],
)
def test_a_corrupted_fit_file_is_a_clear_error(tmp_path, edit, message):
    folder = _broken_fit(tmp_path, edit)
    with pytest.raises(DataFileError, match=message):
        load_parameters("TENDER", "tocilizumab", directory=folder)


def test_a_missing_fit_file_says_how_to_make_one(tmp_path):
    with pytest.raises(DataFileError, match="--refit"):
        load_parameters("TENDER", "tocilizumab", directory=tmp_path)
