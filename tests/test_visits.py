"""pair_visits / score_visits against hand-built pairs, and long == wide for the same pairs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import jia_teach
from jia_teach import pair_visits, score, score_visits
from jia_teach.rules.errors import InvalidValueError, JiaInputError, MissingColumnError

from .clitools import one_line, run

CORE = ("physician_global", "parent_global", "chaq", "active_joints", "lom_joints", "esr")


def visit(pid, when, pg=5.0, par=5.0, chaq=1.0, aj=10, lom=8, esr=40.0, **extra):
    return {"id": pid, "date": when, "physician_global": pg, "parent_global": par,
            "chaq": chaq, "active_joints": aj, "lom_joints": lom, "esr": esr, **extra}  # fmt: skip


def table(*rows):
    return pd.DataFrame(list(rows))


def test_first_baseline_by_hand():
    v = table(
        visit("A", "2024-01-01", pg=6, aj=12),
        visit("A", "2024-02-12", pg=3, aj=6),
        visit("A", "2024-03-25", pg=1, aj=2),
        visit("B", "2024-01-10", pg=4),
    )
    pairs = pair_visits(v, patient="id", time="date")
    assert pairs["id"].tolist() == ["A", "A"]
    assert pairs["days_from_baseline"].tolist() == [42.0, 84.0]
    assert pairs["baseline_row"].tolist() == [1, 1]
    assert pairs["followup_row"].tolist() == [2, 3]
    assert pairs["physician_global_baseline"].tolist() == [6, 6]
    assert pairs["physician_global_followup"].tolist() == [3, 1]
    assert pairs["baseline_time"].tolist() == [pd.Timestamp("2024-01-01")] * 2
    assert pairs.attrs["unpaired"] == ("B",)  # one visit: no pair, and said so


def test_previous_baseline_by_hand():
    v = table(visit("A", 0, aj=12), visit("A", 14, aj=6), visit("A", 28, aj=9))
    pairs = pair_visits(v, patient="id", time="date", baseline="previous")
    assert pairs[["baseline_row", "followup_row"]].values.tolist() == [[1, 2], [2, 3]]
    assert pairs["active_joints_baseline"].tolist() == [12, 6]
    assert pairs["days_from_baseline"].tolist() == [14.0, 14.0]


def test_unsorted_rows_give_the_same_pairs():
    rows = [visit("B", 5), visit("A", 30, aj=3), visit("A", 0, aj=12), visit("B", 0)]
    a = pair_visits(table(*rows), patient="id", time="date")
    b = pair_visits(table(*reversed(rows)), patient="id", time="date")
    cols = [c for c in a.columns if not c.endswith("_row")]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    assert a["id"].tolist() == ["A", "B"]


def test_same_day_visits_with_times_are_two_visits_same_time_is_an_error():
    v = table(visit("A", "2024-01-01 09:00"), visit("A", "2024-01-01 15:00", aj=5))
    pairs = pair_visits(v, patient="id", time="date")
    assert pairs["days_from_baseline"].tolist() == [0.25]
    v = table(visit("A", "2024-01-01"), visit("B", "2024-01-01"), visit("A", "2024-01-01"))
    with pytest.raises(InvalidValueError) as err:
        pair_visits(v, patient="id", time="date")
    assert "rows 1 and 3 are two visits of patient 'A' at the same time" in str(err.value)
    assert err.value.row == 3


def test_label_baseline_and_visits_before_it():
    v = table(
        visit("A", 0, visit="screening", aj=20),
        visit("A", 7, visit="week 0", aj=12),
        visit("A", 91, visit="week 12", aj=3),
        visit("B", 0, visit="screening"),
    )
    pairs = pair_visits(v, patient="id", time="date", baseline="week 0", label="visit")
    assert pairs["followup_row"].tolist() == [3]  # the screening visit is not paired
    assert pairs["visit_baseline"].tolist() == ["week 0"]
    assert pairs["visit_followup"].tolist() == ["week 12"]
    assert pairs.attrs["unpaired"] == ("B",)
    with pytest.raises(JiaInputError, match="label="):
        pair_visits(v, patient="id", time="date", baseline="week 0")


def test_callable_baseline_and_two_baselines():
    v = table(visit("A", 0, aj=12), visit("A", 10, aj=8), visit("A", 20, aj=2))
    pairs = pair_visits(v, patient="id", time="date", baseline=lambda t: t["date"] == 10)
    assert pairs["followup_row"].tolist() == [3]
    with pytest.raises(JiaInputError, match="rows 1 and 2 are both baseline visits"):
        pair_visits(v, patient="id", time="date", baseline=lambda t: t["date"] < 15)


def test_window_nearest_the_target_and_the_tie_rule():
    v = table(
        visit("A", 0),
        visit("A", 70),  # 14 before the target
        visit("A", 98),  # 14 after: a tie, the earlier visit wins
        visit("B", 0),
        visit("B", 80),  # nearest
        visit("B", 90),
        visit("C", 0),
        visit("C", 120),  # outside 84 +/- 14: no visit in the window
    )
    pairs = pair_visits(v, patient="id", time="date", window=(84, 14))
    assert pairs[["id", "days_from_baseline"]].values.tolist() == [["A", 70.0], ["B", 80.0]]
    assert pairs.attrs["unpaired"] == ("C",)
    with pytest.raises(JiaInputError, match="previous"):
        pair_visits(v, patient="id", time="date", baseline="previous", window=(84, 14))


def test_window_with_no_visit_at_all():
    v = table(visit("A", 0), visit("A", 10))
    pairs = pair_visits(v, patient="id", time="date", window=(84, 14))
    assert len(pairs) == 0 and pairs.attrs["unpaired"] == ("A",)
    assert len(score(pairs)) == 0


@pytest.mark.parametrize(
    ("change", "error", "row", "words"),
    [
        ({"id": None}, InvalidValueError, 2, "no patient id"),
        ({"id": "  "}, InvalidValueError, 2, "no patient id"),
        ({"date": None}, InvalidValueError, 2, "no visit time"),
        ({"date": "03/01/2024"}, InvalidValueError, 2, "'03/01/2024' is not a date"),
    ],
)
def test_bad_ids_and_dates_name_the_row(change, error, row, words):
    rows = [visit("A", "2024-01-01"), {**visit("A", "2024-02-01"), **change}]
    with pytest.raises(error) as err:
        pair_visits(table(*rows), patient="id", time="date")
    assert err.value.row == row and words in str(err.value)


def test_missing_and_misspelt_columns():
    v = table(visit("A", 0), visit("A", 5)).rename(columns={"chaq": "CHAQ"})
    with pytest.raises(JiaInputError, match="did you mean 'chaq'"):
        pair_visits(v, patient="id", time="date")
    with pytest.raises(MissingColumnError, match="no patient column 'ID'; did you mean 'id'"):
        pair_visits(table(visit("A", 0)), patient="ID", time="date")


def test_fever_becomes_both_columns_and_adapted_scores():
    v = table(visit("A", 0, fever="yes"), visit("A", 84, pg=1, aj=2, esr=5, chaq=0.2, fever="no"))
    out = score_visits(v, patient="id", time="date")
    assert out["fever_baseline"].tolist() == ["yes"]
    assert out["adapted_acr30"].tolist() == [True]


def test_input_is_not_modified():
    v = table(visit("B", 5), visit("A", 0), visit("A", 9))
    before = v.copy()
    pair_visits(v, patient="id", time="date")
    pd.testing.assert_frame_equal(v, before)


# --- long and wide decide the same -----------------------------------------------------------


def _value(i):
    if i in (3, 4):
        return st.integers(0, 75).map(float)
    high = (10, 10, 3, 0, 0, 200)[i]
    return st.one_of(st.just(np.nan), st.integers(0, high * 10).map(lambda k: k / 10))


visit_values = st.tuples(*(_value(i) for i in range(6)))


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 400), visit_values), max_size=20))
def test_long_and_wide_give_identical_decisions(raw):
    seen, rows = set(), []
    for pid, day, values in raw:
        if (pid, day) not in seen:
            seen.add((pid, day))
            rows.append({"id": f"P{pid}", "day": day, **dict(zip(CORE, values, strict=True))})
    v = pd.DataFrame(rows, columns=["id", "day", *CORE])
    long = score_visits(v, patient="id", time="day")
    # the same pairs built by hand: each patient's first visit against every later one
    wide_rows = []
    for pid in sorted({r["id"] for r in rows}):
        mine = sorted((r for r in rows if r["id"] == pid), key=lambda r: r["day"])
        for later in mine[1:]:
            wide_rows.append(
                {
                    **{f"{c}_baseline": mine[0][c] for c in CORE},
                    **{f"{c}_followup": later[c] for c in CORE},
                }
            )
    wide = score(
        pd.DataFrame(
            wide_rows, columns=[f"{c}_{s}" for c in CORE for s in ("baseline", "followup")]
        )
    )
    for col in ("acr30", "acr50", "acr70", "acr90", "acr100", "acr_n", "flare"):
        assert long[col].tolist() == wide[col].tolist() or (
            long[col].isna().tolist() == wide[col].isna().tolist()
            and long[col].fillna(0).tolist() == wide[col].fillna(0).tolist()
        )


# --- the CLI reads visit tables -------------------------------------------------------------


def test_cli_long_csv(tmp_path):
    v = table(visit("A", "2024-01-01", pg=6, aj=12), visit("A", "2024-03-25", pg=1, aj=2, esr=10),
              visit("B", "2024-01-10"))  # fmt: skip
    src = tmp_path / "visits.csv"
    v.to_csv(src, index=False)
    out = tmp_path / "scored.csv"
    r = run("score", src, "-o", out, "--long", "--patient", "id", "--time", "date")
    assert r.returncode == 0, r.stderr
    assert "1 patient(s) have no pair" in r.stderr
    got = pd.read_csv(out)
    assert got["days_from_baseline"].tolist() == [84.0] and got["acr50"].tolist() == [True]


def test_cli_long_errors_name_the_visit_line(tmp_path):
    src = tmp_path / "visits.csv"
    v = table(visit("A", "2024-01-01"), visit("A", "2024-03-25", chaq=3.5))
    v.to_csv(src, index=False)
    r = run("score", src, "-o", "-", "--long", "--patient", "id", "--time", "date")
    assert r.returncode == 2
    assert "visits.csv line 3 (data row 2), column 'chaq': 3.5 is out of range" in one_line(r)
    v = table(visit("A", "2024-01-01"), visit("A", "1/3/2024"))
    v.to_csv(src, index=False)
    r = run("score", src, "-o", "-", "--long", "--patient", "id", "--time", "date")
    assert "line 3 (data row 2), column 'date': '1/3/2024' is not a date" in one_line(r)


def test_cli_long_window_and_label(tmp_path):
    v = table(
        visit("A", 0, visit="week 0"),
        visit("A", 80, visit="week 12", pg=1, aj=2, esr=10),
        visit("A", 95, visit="extra"),
    )
    src = tmp_path / "visits.csv"
    v.to_csv(src, index=False)
    args = ["--long", "--patient", "id", "--time", "date", "--baseline", "week 0"]
    r = run("score", src, "-o", "-", *args, "--label", "visit", "--window", "84,14")
    assert r.returncode == 0, r.stderr
    got = pd.read_csv(__import__("io").StringIO(r.stdout))
    assert got["visit_followup"].tolist() == ["week 12"]
    r = run("score", src, "-o", "-", *args, "--label", "visit", "--window", "84")
    assert r.returncode == 2 and "is not a window" in one_line(r)


def test_top_level_names():
    assert jia_teach.pair_visits is pair_visits and jia_teach.score_visits is score_visits
