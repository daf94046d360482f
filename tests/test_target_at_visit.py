"""target_at_visit (the calculator's one-visit path) says what treat_to_target says.

Both judge with the same item rule (target_values.judge) and status rule; this checks the
one-visit path picks the same checkpoint and gives the same status and reason on random
visits, unknown values included, and the boundaries by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jia_teach.scoring.targets import DEFAULT_WINDOWS, target_at_visit, treat_to_target


def _table(day, base, visit):
    def cell(x, yes_no=False):
        if x is None:
            return None if yes_no else np.nan
        return ("yes" if x else "no") if yes_no else float(x)

    return pd.DataFrame(
        {
            "id": ["p", "p"],
            "day": [0.0, float(day)],
            "fever": [None, cell(visit.get("fever"), True)],
            "crp": [cell(base.get("crp")), cell(visit.get("crp"))],
            "active_joints": [cell(base.get("active_joints")), cell(visit.get("active_joints"))],
            "gc_mg_kg_day": [np.nan, cell(visit.get("gc_mg_kg_day"))],
            "inactive_disease": [None, cell(visit.get("inactive_disease"), True)],
        }
    )


def test_agrees_with_treat_to_target_on_random_visits() -> None:
    rng = np.random.default_rng(22)

    def maybe(value):
        return None if rng.random() < 0.2 else value

    for _ in range(400):
        day = int(rng.integers(1, 240))
        base = {"crp": maybe(float(rng.choice([0, 10, 20, 60.0]))),
                "active_joints": maybe(int(rng.choice([0, 2, 4, 9])))}  # fmt: skip
        visit = {
            "fever": maybe(bool(rng.random() < 0.3)),
            "crp": maybe(float(rng.choice([0, 5, 10, 10.5, 30.0]))),
            "active_joints": maybe(int(rng.choice([0, 1, 2, 4]))),
            "gc_mg_kg_day": maybe(float(rng.choice([0, 0.05, 0.1, 0.5]))),
            "inactive_disease": maybe(bool(rng.random() < 0.5)),
        }
        one = target_at_visit(day, baseline=base, visit=visit, crp_normal_max=10)
        table = treat_to_target(_table(day, base, visit), crp_normal_max=10)
        used = table[table["visit_day"] == day]
        if one.checkpoint is None:
            assert used.empty and one.status == "no checkpoint"
            continue
        row = used.iloc[0]
        assert row["checkpoint"] == one.checkpoint.name
        assert (row["status"], row["reason"]) == (one.status, one.reason), (day, base, visit)
        assert (row["window_from"], row["window_to"]) == one.window


@pytest.mark.parametrize(
    ("day", "name"),
    [(3, None), (4, "day 7"), (10, "day 7"), (11, None), (21, "week 4"), (35, "week 4"),
     (105, "month 3"), (155, "month 6"), (211, "month 6"), (212, None)],
)  # fmt: skip
def test_window_edges_are_inclusive(day, name) -> None:
    t = target_at_visit(day, baseline={}, visit={}, crp_normal_max=10)
    assert (t.checkpoint.name if t.checkpoint else None) == name
    if name:
        assert t.window == DEFAULT_WINDOWS[name]


def test_exactly_half_and_missing_crp() -> None:
    half = target_at_visit(7, baseline={"crp": 120}, visit={"fever": False, "crp": 60},
                           crp_normal_max=10)  # fmt: skip
    assert half.status == "not met" and "exactly half is not more than half" in half.reason
    no_crp = target_at_visit(7, baseline={"crp": 120}, visit={"fever": False}, crp_normal_max=10)
    assert no_crp.status == "undecided" and no_crp.items["crp_down_by_more_than_half"] is None
    fever = target_at_visit(7, baseline={"crp": 120}, visit={"fever": True}, crp_normal_max=10)
    assert fever.status == "not met"  # decided whatever the missing CRP
