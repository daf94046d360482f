"""score(..., explain=True): reasons agree with the verdicts and with hand-worked rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jia_teach import ADAPTED_ACR30, score

from .test_properties import NAMES, pair
from .test_scoring import table


def test_hand_worked_reasons():
    # P0: 66 %, 40 %, 33 %, 75 %, 10 %, 67 %: 4 improved >= 30 and >= 50 only 3 -> ACR50
    out = score(table(n=1), explain=True)
    assert out.loc[0, "acr30_why"] == "met: 5 improved >= 30%, 0 worsened > 30%"
    assert out.loc[0, "acr50_why"] == "met: 3 improved >= 50%, 0 worsened > 30%"
    assert out.loc[0, "acr70_why"] == "not met: 1 improved >= 70% (needs 3)"
    assert out.loc[0, "highest_met"] == "ACR50"
    assert out.loc[0, "flare_why"].startswith("no flare: 0 worsened >= 30% (needs 3)")


def test_two_worsened():
    out = score(table(n=1, chaq_followup=[3.0], lom_joints_followup=[20]), explain=True)
    assert out.loc[0, "acr30_why"] == "not met: 2 worsened > 30% (at most 1)"
    assert out.loc[0, "highest_met"] == "none"


def test_undecided_rows_name_what_could_change_them():
    t = table(n=2, esr_followup=[np.nan, 20.0], chaq_followup=[1.5, 1.0])
    t.loc[0, "parent_global_followup"] = 5.0  # only 2 improved known; ESR could make 3
    out = score(t, explain=True)
    assert out["acr30"].isna().tolist() == [True, False]
    assert out.loc[0, "acr30_why"] == "undecided: could change with esr_followup"
    assert out.loc[0, "highest_met"] is pd.NA


def test_every_missing_cell_that_matters_is_listed_in_core_order():
    t = table(n=1, esr_followup=[np.nan], chaq_baseline=[np.nan], chaq_followup=[1.5])
    t["parent_global_followup"] = [5.0]  # 2 improved known: CHAQ or ESR could make the third
    out = score(t, explain=True)
    assert out["acr30"].isna().all()
    assert out.loc[0, "acr30_why"] == "undecided: could change with chaq_baseline, esr_followup"


def test_adapted_definition_reason_says_fever():
    t = table(n=1, fever_followup=["yes"])
    out = score(t, definitions={"adapted_acr30": ADAPTED_ACR30}, explain=True)
    assert out.loc[0, "adapted_acr30_why"] == (
        "not met: 5 improved >= 30%, 0 worsened > 30%, but fever at follow-up"
    )


@given(st.lists(pair(allow_missing=True), min_size=1, max_size=10))
def test_reasons_agree_with_verdicts(rows):
    t = pd.DataFrame(
        {
            **{f"{n}_baseline": [r[0][j] for r in rows] for j, n in enumerate(NAMES)},
            **{f"{n}_followup": [r[1][j] for r in rows] for j, n in enumerate(NAMES)},
        }
    )
    out = score(t, explain=True)
    for name in ("acr30", "acr50", "acr70", "acr90", "acr100", "flare"):
        verdict, why = out[name], out[f"{name}_why"].astype(str)
        words = {"met": True, "not": False, "flare": True, "no": False, "undecided": None}
        for v, w in zip(verdict, why, strict=True):
            expect = words[w.split(":")[0].split()[0]]
            assert (None if v is pd.NA else bool(v)) == expect, (v, w)


@pytest.mark.parametrize("n", [0, 1])
def test_empty_and_single(n):
    out = score(table(n=n), explain=True)
    assert len(out) == n and "highest_met" in out
