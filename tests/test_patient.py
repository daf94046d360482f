"""assess(): the single-patient view agrees with score() and explains itself."""

from __future__ import annotations

import pandas as pd
import pytest

from jia_teach import assess, score
from jia_teach.rules.errors import InvalidValueError, UnknownColumnError

BASE = dict(physician_global=6, parent_global=5, chaq=1.5, active_joints=12, lom_joints=10, esr=60)
UP = dict(physician_global=2, parent_global=3, chaq=1.0, active_joints=3, lom_joints=9, esr=20)


def test_agrees_with_score():
    a = assess(BASE, UP, fever_followup=False)
    row = {f"{k}_baseline": [v] for k, v in BASE.items()}
    row |= {f"{k}_followup": [v] for k, v in UP.items()}
    row["fever_followup"] = [False]
    out = score(pd.DataFrame(row)).iloc[0]
    for level in (30, 50, 70, 90, 100):
        assert a.responses[f"ACR{level}"] == bool(out[f"acr{level}"])
        assert a.adapted[f"adapted ACR{level}"] == bool(out[f"adapted_acr{level}"])
    assert a.flare == bool(out["flare"])
    assert round(a.acr_n, 2) == out["acr_n"]


def test_explanation_names_the_variables():
    a = assess(BASE, UP)
    assert a.explanation.startswith("3 variables improved >= 50% (physician global, active")
    assert "meets ACR50" in a.explanation and "does not meet ACR70" in a.explanation


def test_missing_value_gives_unknown():
    a = assess(BASE, {**UP, "esr": None, "chaq": 1.5, "parent_global": 5})
    assert a.responses["ACR30"] is None
    assert "cannot be decided" in a.explanation
    assert a.acr_n is None
    assert [c.status for c in a.changes][-1] == "missing"


def test_status_of_each_variable():
    a = assess(BASE, {**UP, "lom_joints": 14})
    assert [c.status for c in a.changes] == [
        "improved",
        "improved",
        "improved",
        "improved",
        "worsened",
        "improved",
    ]


def test_fever_turns_adapted_off():
    assert assess(BASE, UP, fever_followup=True).adapted["adapted ACR30"] is False
    assert assess(BASE, UP).adapted is None


def test_unknown_key_and_bad_value():
    with pytest.raises(UnknownColumnError, match="'crp'"):
        assess({**BASE, "crp": 3}, UP)
    with pytest.raises(InvalidValueError, match="physician_global_followup"):
        assess(BASE, {**UP, "physician_global": 45})


def test_text_and_html():
    a = assess(BASE, UP)
    assert "ACR50: met" in str(a) and "ACR70: not met" in str(a)
    assert "<table>" in a._repr_html_()
    assert list(a.table().columns) == [
        "variable",
        "baseline",
        "follow-up",
        "% improvement",
        "status",
    ]
