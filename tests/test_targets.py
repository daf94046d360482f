"""treat_to_target: the EULAR/PReS 2024 intermediate targets per patient and checkpoint."""

from __future__ import annotations

import pandas as pd
import pytest

import jia_teach
from jia_teach.rules.errors import InvalidValueError, JiaInputError, MissingColumnError
from jia_teach.scoring.targets import (
    CHECKPOINTS,
    DEFAULT_WINDOWS,
    ITEMS,
    target_summary,
    treat_to_target,
)

BASE = {
    "fever": "yes",
    "crp": 120.0,
    "active_joints": 8,
    "gc_mg_kg_day": 1.0,
    "systemic_features": "yes",
    "active_uveitis": "no",
    "physician_global": 6.0,
}
QUIET = {
    "fever": "no",
    "crp": 3.0,
    "active_joints": 0,
    "gc_mg_kg_day": 0.0,
    "systemic_features": "no",
    "active_uveitis": "no",
    "physician_global": 0.0,
}


def visits(*rows: tuple[float, dict]) -> pd.DataFrame:
    return pd.DataFrame([{"id": "P1", "day": d, **v} for d, v in rows])


def at(result: pd.DataFrame, checkpoint: str) -> pd.Series:
    return result.set_index("checkpoint").loc[checkpoint]


def test_wording_transcribed() -> None:
    assert jia_teach.treat_to_target is treat_to_target
    words = {c.name: (c.day, c.target) for c in CHECKPOINTS}
    assert words == {
        "day 7": (7, "resolution of fever and reduction of CRP by > 50 %"),
        "week 4": (28, "no fever, reduction of active joint count by > 50 %, and normal CRP"),
        "month 3": (91, "clinically inactive disease with < 0.1 mg/kg/day of glucocorticoids"),
        "month 6": (183, "clinically inactive disease without glucocorticoids"),
    }
    assert DEFAULT_WINDOWS == {
        "day 7": (4, 10),
        "week 4": (21, 35),
        "month 3": (77, 105),
        "month 6": (155, 211),
    }


def test_a_child_meeting_every_target() -> None:
    r = treat_to_target(
        visits(
            (0, BASE),
            (7, {**BASE, "fever": "no", "crp": 59.0}),
            (28, {**BASE, "fever": "no", "crp": 5.0, "active_joints": 3}),
            (91, {**QUIET, "gc_mg_kg_day": 0.05}),
            (183, QUIET),
        ),
        crp_normal_max=10,
    )
    assert r["status"].tolist() == ["met"] * 4
    assert r["visit_day"].tolist() == [7, 28, 91, 183]
    assert set(r.attrs["windows"]) == {"day 7", "week 4", "month 3", "month 6"}


def test_exactly_half_down_is_not_more_than_half() -> None:
    r = treat_to_target(
        visits((0, BASE), (7, {**BASE, "fever": "no", "crp": 60.0})), crp_normal_max=10
    )
    row = at(r, "day 7")
    assert row["status"] == "not met"
    assert bool(row["crp_down_by_more_than_half"]) is False
    assert "exactly half is not more than half" in row["reason"]
    r = treat_to_target(
        visits((0, BASE), (7, {**BASE, "fever": "no", "crp": 59.99})), crp_normal_max=10
    )
    assert at(r, "day 7")["status"] == "met"


def test_joints_exactly_half_and_zero_baseline() -> None:
    wk4 = {**BASE, "fever": "no", "crp": 4.0}
    r = treat_to_target(visits((0, BASE), (28, {**wk4, "active_joints": 4})), crp_normal_max=10)
    assert at(r, "week 4")["status"] == "not met"  # 8 -> 4 is exactly 50 %
    r = treat_to_target(visits((0, BASE), (28, {**wk4, "active_joints": 3})), crp_normal_max=10)
    assert at(r, "week 4")["status"] == "met"
    no_arthritis = {**BASE, "active_joints": 0}
    r = treat_to_target(
        visits((0, no_arthritis), (28, {**wk4, "active_joints": 0})), crp_normal_max=10
    )
    assert at(r, "week 4")["status"] == "met"  # baseline 0: met only by 0
    r = treat_to_target(
        visits((0, no_arthritis), (28, {**wk4, "active_joints": 1})), crp_normal_max=10
    )
    assert at(r, "week 4")["status"] == "not met"


def test_no_crp_at_day_7_is_undecided_unless_fever_fails() -> None:
    r = treat_to_target(
        visits((0, BASE), (7, {**BASE, "fever": "no", "crp": None})), crp_normal_max=10
    )
    row = at(r, "day 7")
    assert row["status"] == "undecided" and pd.isna(row["crp_down_by_more_than_half"])
    assert "CRP blank at the visit" in row["reason"]
    r = treat_to_target(
        visits((0, BASE), (7, {**BASE, "fever": "yes", "crp": None})), crp_normal_max=10
    )
    assert at(r, "day 7")["status"] == "not met"  # fever alone decides it
    r = treat_to_target(
        visits((0, {**BASE, "crp": None}), (7, {**BASE, "fever": "no"})), crp_normal_max=10
    )
    assert "CRP blank at baseline" in at(r, "day 7")["reason"]


def test_normal_crp_boundary_and_gc_boundaries() -> None:
    wk4 = {**BASE, "fever": "no", "active_joints": 3}
    assert (
        at(
            treat_to_target(visits((0, BASE), (28, {**wk4, "crp": 10.0})), crp_normal_max=10),
            "week 4",
        )["status"]
        == "met"
    )
    assert (
        at(
            treat_to_target(visits((0, BASE), (28, {**wk4, "crp": 10.1})), crp_normal_max=10),
            "week 4",
        )["status"]
        == "not met"
    )
    m3 = treat_to_target(visits((0, BASE), (91, {**QUIET, "gc_mg_kg_day": 0.1})), crp_normal_max=10)
    assert at(m3, "month 3")["status"] == "not met"  # < 0.1: 0.1 exactly is not below
    m3 = treat_to_target(
        visits((0, BASE), (91, {**QUIET, "gc_mg_kg_day": 0.09})), crp_normal_max=10
    )
    assert at(m3, "month 3")["status"] == "met"
    m6 = treat_to_target(
        visits((0, BASE), (183, {**QUIET, "gc_mg_kg_day": 0.01})), crp_normal_max=10
    )
    assert at(m6, "month 6")["status"] == "not met"


def test_windows_ends_included_and_ties_go_to_the_earlier_visit() -> None:
    day7 = {**BASE, "fever": "no", "crp": 30.0}
    r = treat_to_target(
        visits((0, BASE), (4, day7), (10, {**day7, "fever": "yes"})), crp_normal_max=10
    )
    assert at(r, "day 7")["visit_day"] == 4 and at(r, "day 7")["status"] == "met"
    r = treat_to_target(visits((0, BASE), (11, day7)), crp_normal_max=10)
    assert at(r, "day 7")["status"] == "undecided"
    assert at(r, "day 7")["reason"] == "undecided: no visit in the window"
    r = treat_to_target(visits((-14, BASE), (7, day7)), crp_normal_max=10)
    assert at(r, "day 7")["baseline_day"] == -14
    r = treat_to_target(visits((-15, BASE), (7, day7)), crp_normal_max=10)
    assert pd.isna(at(r, "day 7")["baseline_day"]) and at(r, "day 7")["status"] == "undecided"
    r = treat_to_target(
        visits((0, BASE), (12, day7)), crp_normal_max=10, windows={"day 7": (3, 12)}
    )
    assert at(r, "day 7")["status"] == "met" and r.attrs["windows"]["day 7"] == (3.0, 12.0)


def test_inactive_disease_wallace_markers_both_must_be_normal() -> None:
    quiet = {**QUIET, "esr": 30.0}
    r = treat_to_target(visits((0, BASE), (183, quiet)), crp_normal_max=10, esr_normal_max=20)
    assert at(r, "month 6")["status"] == "not met"  # ESR tested and high: CRP normal is not enough
    r = treat_to_target(
        visits((0, BASE), (183, {**quiet, "esr": None})), crp_normal_max=10, esr_normal_max=20
    )
    assert at(r, "month 6")["status"] == "met"  # only CRP tested, normal
    r = treat_to_target(
        visits((0, BASE), (183, {**quiet, "esr": 10.0, "crp": None})),
        crp_normal_max=10,
        esr_normal_max=20,
    )
    assert at(r, "month 6")["status"] == "met"  # only ESR tested, normal
    with pytest.raises(InvalidValueError, match="esr_normal_max"):
        treat_to_target(visits((0, BASE), (183, quiet)), crp_normal_max=10)


def test_unknown_cid_items_and_a_given_inactive_column() -> None:
    r = treat_to_target(
        visits((0, BASE), (183, {**QUIET, "physician_global": None})), crp_normal_max=10
    )
    assert at(r, "month 6")["status"] == "undecided"
    r = treat_to_target(
        visits((0, BASE), (183, {**QUIET, "physician_global": None, "active_joints": 1})),
        crp_normal_max=10,
    )
    assert at(r, "month 6")["status"] == "not met"
    given = pd.DataFrame(
        {
            "id": ["A", "A"],
            "day": [0, 183],
            "fever": ["yes", "no"],
            "crp": [100, 2],
            "active_joints": [5, 0],
            "gc_mg_kg_day": [1, 0],
            "inactive_disease": ["no", "yes"],
        }
    )
    assert at(treat_to_target(given, crp_normal_max=10), "month 6")["status"] == "met"


def test_dates_with_a_start_column_and_patient_order() -> None:
    frame = pd.DataFrame(
        {
            "pid": ["B", "A", "A"],
            "date": ["2024-01-08", "2024-03-08", "2024-03-01"],
            "start": ["2024-01-01", "2024-03-01", "2024-03-01"],
            "fever": ["no", "no", "yes"],
            "crp": [None, 20, 100],
            "active_joints": [1, 2, 3],
            "gc_mg_kg_day": [1, 1, 1],
        }
    )
    r = treat_to_target(frame, crp_normal_max=10, patient="pid", time="date", start="start")
    assert r["pid"].tolist()[:4] == ["A"] * 4
    assert at(r[r["pid"] == "A"], "day 7")["status"] == "met"
    assert at(r[r["pid"] == "B"], "day 7")["reason"] == (
        "undecided: CRP down by > 50 % unknown (no baseline visit for CRP)"
    )
    assert set(ITEMS) <= set(r.columns)


@pytest.mark.parametrize(
    ("frame", "kwargs", "error", "message"),
    [
        (visits((0, BASE)).drop(columns="crp"), {}, MissingColumnError, "missing column 'crp'"),
        (
            visits((0, BASE), (7, {**BASE, "crp": "high"})),
            {},
            InvalidValueError,
            "row 2, column 'crp'",
        ),
        (
            visits((0, BASE), (7, {**BASE, "fever": "maybe"})),
            {},
            InvalidValueError,
            "row 2, column 'fever': 'maybe' is not a yes/no answer",
        ),
        (visits((0, BASE), (0, BASE)), {}, JiaInputError, "rows 1 and 2: two visits of patient"),
        (visits((0, BASE)), {"crp_normal_max": 0}, InvalidValueError, "crp_normal_max"),
        (visits((0, BASE)), {"windows": {"day 7": (4, 30)}}, InvalidValueError, "overlaps"),
        (
            visits((0, BASE)),
            {"windows": {"day 8": (4, 9)}},
            InvalidValueError,
            "'day 8' is not a checkpoint",
        ),
    ],
)
def test_errors_are_one_line(frame, kwargs, error, message) -> None:
    args = {"crp_normal_max": 10, **kwargs}
    with pytest.raises(error) as info:
        treat_to_target(frame, **args)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_summary_counts() -> None:
    r = treat_to_target(
        pd.concat(
            [
                visits((0, BASE), (7, {**BASE, "fever": "no", "crp": 30.0})).assign(id="A"),
                visits((0, BASE), (7, {**BASE, "crp": 30.0})).assign(id="B"),
                visits((0, BASE)).assign(id="C"),
            ]
        ),
        crp_normal_max=10,
    )
    s = target_summary(r)
    assert s.loc["day 7", ["met", "not met", "undecided", "patients"]].tolist() == [1, 1, 1, 3]
    assert s.loc["day 7", "met_share_of_decided"] == 0.5
    assert s.loc["month 6", "undecided"] == 3 and pd.isna(s.loc["month 6", "met_share_of_decided"])
