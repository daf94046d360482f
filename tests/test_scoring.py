"""score(): columns, pass-through, units, and every bad input named clearly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jia_teach import FLARE_BRUNNER_2002, ResponseDefinition, score
from jia_teach.rules.errors import (
    InvalidValueError,
    JiaInputError,
    MissingColumnError,
    OutputExistsError,
    UnknownColumnError,
)

NAMES = ("physician_global", "parent_global", "chaq", "active_joints", "lom_joints")


def table(marker="esr", n=3, **overrides):
    base = {
        "physician_global": 6.0,
        "parent_global": 5.0,
        "chaq": 1.5,
        "active_joints": 12,
        "lom_joints": 10,
        marker: 60.0,
    }
    up = {
        "physician_global": 2.0,
        "parent_global": 3.0,
        "chaq": 1.0,
        "active_joints": 3,
        "lom_joints": 9,
        marker: 20.0,
    }
    data = {"patient": [f"P{i}" for i in range(n)]}
    for name in base:
        data[f"{name}_baseline"] = [base[name]] * n
        data[f"{name}_followup"] = [up[name]] * n
    data.update(overrides)
    return pd.DataFrame(data)


def test_columns_and_values():
    out = score(table())
    expected = ["acr30", "acr50", "acr70", "acr90", "acr100", "acr_n", "flare"]
    assert list(out.columns[-7:]) == expected
    assert out["acr50"].dtype == "boolean" and out["flare"].dtype == "boolean"
    assert out["acr50"].tolist() == [True] * 3 and out["acr70"].tolist() == [False] * 3
    assert out["acr_n"].tolist() == [66.67] * 3
    assert "adapted_acr30" not in out


def test_input_is_not_modified_and_ids_pass_through():
    t = table()
    before = t.copy(deep=True)
    out = score(t)
    pd.testing.assert_frame_equal(t, before)
    pd.testing.assert_frame_equal(out[t.columns], t)


def test_index_is_kept():
    t = table().set_index(pd.Index(["a", "b", "c"], name="visit"))
    assert list(score(t).index) == ["a", "b", "c"]


def test_fever_adds_adapted_columns():
    out = score(table(fever_followup=["no", "yes", ""]))
    assert out["adapted_acr30"].tolist() == [True, False, pd.NA]


def test_crp_is_inferred():
    out = score(table("crp"))
    assert out["acr50"].all()


def test_both_markers_need_a_choice():
    t = table()
    t["crp_baseline"], t["crp_followup"] = 100.0, 200.0
    with pytest.raises(JiaInputError, match="marker='esr' or marker='crp'"):
        score(t)
    assert score(t, marker="esr")["acr30"].all()
    assert not score(t, marker="crp")["acr50"].any()


def test_vas_in_mm_only_when_said():
    t = table()
    for c in ("physician_global_baseline", "parent_global_baseline"):
        t[c] = t[c] * 10
    for c in ("physician_global_followup", "parent_global_followup"):
        t[c] = t[c] * 10
    with pytest.raises(InvalidValueError) as err:
        score(t)
    assert "60 is out of range" in str(err.value) and "0 to 10 cm" in str(err.value)
    assert score(t, vas_unit="mm")["acr50"].all()


def test_other_definitions():
    out = score(
        table(),
        definitions={"acr40_4of6": ResponseDefinition(name="x", level=40, min_improved=4)},
        flare=FLARE_BRUNNER_2002,
    )
    assert "acr40_4of6" in out and "acr30" not in out
    assert out["acr40_4of6"].tolist() == [True] * 3


def test_worsening_limit_keyword():
    t = table(active_joints_followup=[14] * 3, lom_joints_followup=[13] * 3)  # +16.7 %, +30 %
    assert score(t)["acr30"].all()
    assert not score(t, worsening_limit=15)["acr30"].any()


@pytest.mark.parametrize(
    ("overrides", "error", "column", "row", "words"),
    [
        ({"chaq_followup": [1.0, 3.5, 1.0]}, InvalidValueError, "chaq_followup", 2, "0 to 3"),
        (
            {"active_joints_baseline": [12, 12, -1]},
            InvalidValueError,
            "active_joints_baseline",
            3,
            "whole numbers 0 to 75 joints",
        ),
        (
            {"lom_joints_followup": [9, 9.5, 9]},
            InvalidValueError,
            "lom_joints_followup",
            2,
            "not a whole number",
        ),
        (
            {"esr_followup": ["20", "twenty", "20"]},
            InvalidValueError,
            "esr_followup",
            2,
            "'twenty' is not a number",
        ),
        ({"esr_followup": [20, np.inf, 20]}, InvalidValueError, "esr_followup", 2, "out of range"),
        (
            {"fever_followup": ["no", "maybe", "no"]},
            InvalidValueError,
            "fever_followup",
            2,
            "true/false",
        ),
        (
            {"physican_global_baseline": [1, 1, 1]},
            UnknownColumnError,
            "physican_global_baseline",
            None,
            "did you mean 'physician_global_baseline'",
        ),
    ],
)
def test_bad_input_names_column_row_and_range(overrides, error, column, row, words):
    with pytest.raises(error) as err:
        score(table(**overrides))
    assert err.value.column == column
    assert err.value.row == row
    assert words in str(err.value)


def test_missing_column():
    t = table().drop(columns="chaq_followup")
    with pytest.raises(MissingColumnError, match="missing column: chaq_followup"):
        score(t)


def test_no_marker():
    t = table().drop(columns=["esr_baseline", "esr_followup"])
    with pytest.raises(MissingColumnError, match="no inflammation marker"):
        score(t)


def test_never_overwrites_an_input_column():
    with pytest.raises(OutputExistsError) as err:
        score(table(acr30=[1, 2, 3]))
    assert err.value.column == "acr30"


def test_missing_values_become_na_not_errors():
    # rows 2 and 3: CHAQ unchanged, ESR missing; row 3 also parent global unchanged
    t = table(
        esr_followup=[20.0, None, np.nan],
        chaq_followup=[1.0, 1.5, 1.5],
        parent_global_followup=[3.0, 3.0, 5.0],
    )
    got = score(t)["acr30"]
    assert got.isna().tolist() == [False, False, True]
    assert got.iloc[0] and got.iloc[1]


def test_not_a_dataframe():
    with pytest.raises(TypeError, match="DataFrame"):
        score([1, 2, 3])  # type: ignore[arg-type]


def test_empty_table():
    out = score(table(n=0))
    assert len(out) == 0 and "acr30" in out


# --- issue 10 item 3: the table owns the marker -------------------------------------------


def test_a_crp_definition_on_an_esr_table_is_refused():
    """Issue 10 symptom 4: this scored the CRP definition on the ESR columns, silently."""
    from jia_teach import ACR30

    with pytest.raises(JiaInputError) as err:
        score(table("esr"), definitions={"crp30": ACR30.replace(marker="crp")})
    assert err.value.column == "crp30"
    assert "CRP" in str(err.value) and "ESR" in str(err.value)


def test_an_esr_flare_on_a_crp_table_is_refused():
    with pytest.raises(JiaInputError, match="flare"):
        score(table("crp"), flare=FLARE_BRUNNER_2002)
    assert (
        score(table("crp"), flare=FLARE_BRUNNER_2002.replace(marker="crp"))["flare"].notna().all()
    )


def test_the_crp_presets_score_a_crp_table():
    from jia_teach import RESPONSE_PRESETS

    out = score(table("crp"), definitions={"acr50": RESPONSE_PRESETS["acr50_crp"]})
    assert out["acr50"].tolist() == [True] * 3


def test_adapted_presets_are_accepted_when_fever_is_given():
    from jia_teach import ADAPTED_ACR30

    out = score(
        table(fever_followup=["no", "yes", ""]), definitions={"adapted_acr30": ADAPTED_ACR30}
    )
    assert out["adapted_acr30"].tolist() == [True, False, pd.NA]
    assert "adapted_adapted_acr30" not in out


def test_adapted_presets_without_fever_name_the_column():
    from jia_teach import ADAPTED_ACR30

    with pytest.raises(MissingColumnError) as err:
        score(table(), definitions={"adapted_acr30": ADAPTED_ACR30})
    assert err.value.column == "fever_followup"


def test_ranges_come_from_the_table_marker():
    """A CRP of 300 mg/L is possible (range 0-500) and could still worsen by > 30 %.

    With the ESR range (0-200) a missing follow-up ESR of a baseline 180 could not rise
    more than 30 %; with the CRP range a baseline CRP of 180 can. The decision must use
    the range of the marker the table holds.
    """
    t = table("crp", n=1, crp_baseline=[180.0], crp_followup=[np.nan])
    # three improved (physician, parent(40 %), joints), chaq +0 %, lom 10 %: one worsening allowed
    t["chaq_followup"] = [2.5]  # 1.5 -> 2.5: worsened
    out = score(t)
    # CRP could rise above 234 (30 % worse): a second worsening -> undecided
    assert out["acr30"].isna().all()
