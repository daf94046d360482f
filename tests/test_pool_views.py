"""The views of a pooled result: the trial sets, leave-one-out and cumulative pooling, the star
network's league table (Bucher, generalised) and the forest plot drawn from summary_frame()."""

from __future__ import annotations

import math

import pytest

from jia_teach import pool
from jia_teach.appraisal.indirect import bucher
from jia_teach.appraisal.network import league_table
from jia_teach.data import use_data
from jia_teach.effects import cumulative, leave_one_out
from jia_teach.evidence import pool_args, response_set
from jia_teach.present import caption, pool_forest
from jia_teach.rules.errors import InvalidValueError
from tests.datacopy import copy_data, edit_csv

THREE = ([36, 8, 64], [43, 12, 75], [4, 1, 9], [41, 12, 37])
NAMES = ["can-1", "ANAJIS", "TENDER"]
SLIDE_PX = 1280


# --- which trials -----------------------------------------------------------------------------
def test_response_set_is_a_query_over_the_data() -> None:
    il1 = {r.trial: r for r in response_set(target="IL-1")}
    assert (il1["canakinumab-1"].endpoint, il1["canakinumab-1"].timepoint) == (
        "adapted_acr30",
        "day 15",
    )
    assert (il1["ANAJIS"].endpoint, il1["ANAJIS"].timepoint) == ("modified_acr30", "month 1")
    assert il1["canakinumab-1"].primary and il1["ANAJIS"].primary
    assert all(r.target == "IL-1" for r in il1.values()) and "TENDER" not in il1
    assert (il1["canakinumab-1"].year, il1["ANAJIS"].year) == (2012, 2011)
    # RAPPORT's primary end point is a time to response: it joins with its week-4 response,
    # a secondary analysis (20/35 vs 9/33, the evidence sheet), labelled as such
    rapport = il1["RAPPORT"]  # in data/appraisal_outcomes.csv since the evidence branch
    assert not rapport.primary and rapport.counts() == (20, 35, 9, 33)
    assert rapport.year == 2014 and rapport.label.endswith("(secondary)")
    il6 = response_set(target="IL-6")
    assert [(r.trial, r.endpoint) for r in il6] == [("TENDER", "acr30_no_fever")]
    args = pool_args([il1["canakinumab-1"], il1["ANAJIS"]])
    assert args["treated_events"] == [36, 8] and args["control_total"] == [41, 12]
    with pytest.raises(InvalidValueError) as err:
        response_set(target="TNF")
    assert err.value.column == "target"


def test_a_trial_without_a_primary_response_joins_as_secondary(tmp_path) -> None:
    folder = copy_data(tmp_path)

    def drop_primary(row):
        if row["endpoint"] == "modified_acr30":
            row["note"] = row["note"].replace("Primary objective.", "").strip() or "A response."
        return row

    edit_csv(folder / "appraisal_outcomes.csv", drop_primary)
    with use_data(folder):
        rows = response_set(target="IL-1")
    anajis = next(r for r in rows if r.trial == "ANAJIS")
    assert not anajis.primary and anajis.label.endswith("(secondary)")


def test_a_trial_removed_from_the_data_leaves_the_set(tmp_path) -> None:
    folder = copy_data(tmp_path)
    path = folder / "appraisal_outcomes.csv"
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(text[0] + "".join(t for t in text[1:] if not t.startswith("ANAJIS")))
    with use_data(folder):
        trials = [r.trial for r in response_set(target="IL-1")]
    assert "ANAJIS" not in trials and "canakinumab-1" in trials


# --- leave one out, cumulative -----------------------------------------------------------------
def test_leave_one_out() -> None:
    s = leave_one_out(*THREE, labels=NAMES, method="DL")
    assert [step for step, _ in s.steps] == [f"without {n}" for n in NAMES]
    direct = pool([8, 64], [12, 75], [1, 9], [12, 37], method="DL", warn=False)
    assert math.isclose(s.steps[0][1].estimate, direct.estimate)
    assert list(s.frame()["k"]) == [2, 2, 2]
    with pytest.raises(InvalidValueError):
        leave_one_out([1], [10], [1], [10])


def test_cumulative_by_year() -> None:
    s = cumulative(*THREE, labels=NAMES, years=[2012, 2011, 2012], hksj=True)
    assert [step for step, _ in s.steps] == ["2011: ANAJIS", "2012: + can-1", "2012: + TENDER"]
    first, last = s.steps[0][1], s.steps[-1][1]
    assert first.k == 1 and not first.hksj and s.notes  # one study: its own estimate, said
    full = pool(*THREE, hksj=True, warn=False)
    assert math.isclose(last.estimate, full.estimate) and last.hksj
    assert s.frame().attrs["kind"] == "cumulative"
    with pytest.raises(InvalidValueError) as err:
        cumulative(*THREE, years=[2012, 2011])
    assert err.value.column == "years"


# --- league table ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("measure", "name"), [("OR", "odds_ratio"), ("RR", "relative_risk"), ("RD", "risk_difference")]
)
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((64, 75, 9, 37), (36, 43, 4, 41)),
        ((8, 12, 1, 12), (7, 12, 0, 12)),  # a zero cell: the same 0.5 correction
    ],
)
def test_league_table_with_one_trial_per_drug_is_bucher(measure, name, a, b) -> None:
    pa = pool(*([x] for x in a), measure=measure, warn=False)
    pb = pool(*([x] for x in b), measure=measure, warn=False)
    t = league_table({"A": pa, "B": pb})
    ref = bucher(a, b, measure=name)
    est, lo, hi = t.cell("A", "B")
    if measure == "RD" and 0 in b:
        # the one documented difference: bucher's risk difference uses the raw proportions,
        # pool corrects a zero-cell table for RD too (metafor's escalc); 7.5/13 - 0.5/13
        assert math.isclose(pb.theta, 7 / 13) and not math.isclose(est, ref.estimate)
        return
    assert math.isclose(est, ref.estimate, rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(lo, ref.ci[0], rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(hi, ref.ci[1], rel_tol=1e-12, abs_tol=1e-12)


def test_league_table_frame_and_caveats() -> None:
    il1 = pool([36, 8], [43, 12], [4, 1], [41, 12], warn=False)
    toc = pool([64], [75], [9], [37], warn=False)
    t = league_table({"IL-1 class": il1, "tocilizumab": toc}, caveats=["different end points"])
    f = t.frame()
    assert f.loc["tocilizumab", "tocilizumab"] == "tocilizumab"
    est, lo, _ = t.cell("tocilizumab", "IL-1 class")
    inv = t.cell("IL-1 class", "tocilizumab")
    assert math.isclose(est, 1 / inv[0]) and math.isclose(lo, 1 / inv[2])
    assert "Not a ranking" in t._repr_html_() and f.attrs["caveats"] == ["different end points"]
    with pytest.raises(InvalidValueError):
        league_table({"a": il1})
    with pytest.raises(InvalidValueError):
        league_table({"a": il1, "b": pool([64], [75], [9], [37], measure="OR", warn=False)})
    with pytest.raises(InvalidValueError):
        t.cell("tocilizumab", "anakinra")


# --- forest plot -------------------------------------------------------------------------------
def _texts(fig):
    fig.canvas.draw() if hasattr(fig.canvas, "draw") else None
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()
    return [
        t
        for t in fig.findobj(lambda o: hasattr(o, "get_text") and hasattr(o, "get_fontsize"))
        if t.get_visible() and t.get_text().strip()
    ]


@pytest.mark.parametrize("measure", ["RR", "RD"])
def test_forest_text_is_at_least_14_px_at_slide_width(measure) -> None:
    r = pool(*THREE, labels=NAMES, measure=measure, hksj=True, warn=False)
    fig = pool_forest(r.summary_frame())
    scale = SLIDE_PX / (fig.get_figwidth() * fig.dpi)
    sizes = [t.get_fontsize() * fig.dpi / 72 * scale for t in _texts(fig)]
    assert sizes and min(sizes) >= 14, min(sizes)
    assert fig.get_figwidth() * fig.dpi == SLIDE_PX


def test_forest_draws_the_frame_and_the_warning() -> None:
    r = pool(*THREE, labels=NAMES, warn=False)
    fig = pool_forest(r.summary_frame())
    texts = " ".join(t.get_text() for t in _texts(fig))
    assert "Only 3 studies" in texts and "Prediction interval" in texts
    assert "Only 3 studies" in caption(fig) and "prediction interval" in caption(fig)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and "Risk ratio" in ax.get_xlabel()
    five = pool([5, 6, 7, 8, 9], [20] * 5, [2, 3, 2, 4, 3], [20] * 5, warn=False)
    assert "Only" not in " ".join(t.get_text() for t in _texts(pool_forest(five.summary_frame())))


def test_forest_of_a_fixed_effect_pool_has_no_prediction_row() -> None:
    r = pool(
        [0, 5, 9],
        [15, 40, 50],
        [0, 2, 4],
        [15, 40, 50],
        method="MH",
        measure="OR",
        labels=["A", "B", "C"],
        warn=False,
    )
    fig = pool_forest(r.summary_frame())
    texts = " ".join(t.get_text() for t in _texts(fig))
    assert "Prediction interval" not in texts and "no estimate" in texts
    with pytest.raises(InvalidValueError):
        pool_forest(r.summary_frame().drop(columns="weight"))


def test_derived_counts_are_tagged() -> None:
    rows = response_set(level=70, timepoint="week 12")
    assert rows and all(r.pair.derived for r in rows)
    assert all(label.endswith("(from derived counts)") for label in pool_args(rows)["labels"])
    assert all("secondary end point" in label for label in pool_args(rows)["labels"])
