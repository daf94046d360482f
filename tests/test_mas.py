"""classify_mas: the 2016 MAS criteria (Ravelli 2016), boundaries, missing values, units, errors."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jia_teach
from jia_teach.rules.errors import InvalidValueError, JiaInputError, MissingColumnError
from jia_teach.scoring.mas import (
    MAS_CRITERIA_TEXT,
    TRIGLYCERIDE_MG_DL_PER_MMOL_L,
    classify_mas,
    mas_thresholds,
)

# A febrile child meeting nothing but what each test sets.
QUIET = {
    "febrile": "yes",
    "ferritin": 5000.0,
    "platelets": 300.0,
    "ast": 20.0,
    "triglycerides": 100.0,
    "fibrinogen": 400.0,
}


def one(**change: object) -> pd.Series:
    return classify_mas(pd.DataFrame([{**QUIET, **change}])).iloc[0]


def test_public_api_and_wording() -> None:
    assert jia_teach.classify_mas is classify_mas
    # Ravelli 2016 as the evidence sheet quotes it (two reviewers), transcribed
    for fragment in (
        "febrile",
        "> 684 ng/mL",
        "any 2 of",
        "<= 181 x 10^9/L",
        "AST > 48 U/L",
        "triglycerides > 156 mg/dL",
        "fibrinogen <= 360 mg/dL",
    ):
        assert fragment in MAS_CRITERIA_TEXT


@pytest.mark.parametrize(
    ("column", "at", "just_inside", "just_outside", "at_counts"),
    [
        ("ferritin", 684, 684.01, 683.99, False),  # > 684: 684 exactly is not above
        ("platelets", 181, 180.99, 181.01, True),  # <= 181: 181 exactly counts
        ("ast", 48, 48.01, 47.99, False),  # > 48
        ("triglycerides", 156, 156.01, 155.99, False),  # > 156
        ("fibrinogen", 360, 359.99, 360.01, True),  # <= 360: 360 exactly counts
    ],
)
def test_every_boundary_both_sides(
    column: str, at: float, just_inside: float, just_outside: float, at_counts: bool
) -> None:
    item = {
        "ferritin": "ferritin_above_684",
        "platelets": "platelets_at_most_181",
        "ast": "ast_above_48",
        "triglycerides": "triglycerides_above_156",
        "fibrinogen": "fibrinogen_at_most_360",
    }[column]
    assert bool(one(**{column: at})[item]) is at_counts
    assert bool(one(**{column: just_inside})[item]) is True
    assert bool(one(**{column: just_outside})[item]) is False


def test_ferritin_684_exactly_is_not_mas_and_685_is() -> None:
    labs = {"platelets": 100, "ast": 90}
    assert bool(one(ferritin=684, **labs)["mas"]) is False
    assert bool(one(ferritin=685, **labs)["mas"]) is True


def test_platelets_181_exactly_counts_towards_two() -> None:
    assert bool(one(ferritin=900, platelets=181, ast=49)["mas"]) is True
    assert bool(one(ferritin=900, platelets=182, ast=49)["mas"]) is False


def test_needs_two_of_four() -> None:
    assert bool(one(ferritin=900, ast=49)["mas"]) is False  # one item only
    for a, b in itertools.combinations(
        [{"platelets": 100}, {"ast": 49}, {"triglycerides": 200}, {"fibrinogen": 300}], 2
    ):
        assert bool(one(ferritin=900, **a, **b)["mas"]) is True


def test_not_febrile_is_not_classified() -> None:
    row = one(febrile="no", ferritin=900, platelets=100, ast=90)
    assert bool(row["mas"]) is False
    assert pd.isna(one(febrile=None, ferritin=900, platelets=100, ast=90)["mas"])


def brute(values: dict[str, float | None], febrile: bool | None) -> bool | None:
    """Independent reference: try both sides of every unknown item."""
    cut = {
        "ferritin": (">", 684),
        "platelets": ("<=", 181),
        "ast": (">", 48),
        "triglycerides": (">", 156),
        "fibrinogen": ("<=", 360),
    }
    unknown = [k for k, v in values.items() if v is None]
    answers = set()
    for fill in itertools.product([False, True], repeat=len(unknown) + (febrile is None)):
        met = {}
        for k in cut:
            if k in unknown:
                met[k] = fill[unknown.index(k)]
            else:
                op, t = cut[k]
                met[k] = values[k] > t if op == ">" else values[k] <= t
        fev = febrile if febrile is not None else fill[-1]
        labs = sum(met[k] for k in ("platelets", "ast", "triglycerides", "fibrinogen"))
        answers.add(bool(fev and met["ferritin"] and labs >= 2))
    return answers.pop() if len(answers) == 1 else None


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            k: st.one_of(st.none(), st.sampled_from([0, t - 1, t, t + 1, 10 * t]))
            for k, t in [
                ("ferritin", 684),
                ("platelets", 181),
                ("ast", 48),
                ("triglycerides", 156),
                ("fibrinogen", 360),
            ]
        }
    ),
    st.one_of(st.none(), st.booleans()),
)
def test_three_valued_matches_brute_force(values: dict, febrile: bool | None) -> None:
    got = classify_mas(pd.DataFrame([{"febrile": febrile, **values}]))["mas"].iloc[0]
    want = brute(values, febrile)
    assert (None if pd.isna(got) else bool(got)) == want


def test_missing_values_decide_only_when_they_cannot_matter() -> None:
    # two items met: the unknowns cannot undo it
    assert bool(
        one(ferritin=900, platelets=100, ast=90, triglycerides=None, fibrinogen=None)["mas"]
    )
    # one met, one unknown, two not met: undecided
    assert pd.isna(one(ferritin=900, platelets=100, ast=None)["mas"])
    # ferritin below the threshold: not MAS whatever is missing
    assert (
        bool(
            one(ferritin=600, platelets=None, ast=None, triglycerides=None, fibrinogen=None)["mas"]
        )
        is False
    )
    # one met, three not met, nothing unknown
    r = one(ferritin=900, platelets=100)
    assert (int(r["lab_items_met"]), int(r["lab_items_unknown"]), bool(r["mas"])) == (1, 0, False)


def test_units_convert_the_threshold_exactly() -> None:
    t = mas_thresholds(fibrinogen="g/L", triglycerides="mmol/L")
    assert t["fibrinogen"] == 3.6  # 360 mg/dL = 3.6 g/L exactly
    assert t["triglycerides"] == float(Fraction(156) / Fraction("88.57"))  # 1.7613...
    assert TRIGLYCERIDE_MG_DL_PER_MMOL_L == Fraction("88.57")
    frame = pd.DataFrame(
        {
            **{k: [v] * 4 for k, v in QUIET.items()},
            "fibrinogen": [3.6, 3.61, 1.0, None],
            "triglycerides": [1.76, 1.77, 5.0, None],
        }
    )
    r = classify_mas(frame, fibrinogen_unit="g/L", triglycerides_unit="mmol/L")
    assert r["fibrinogen_at_most_360"].tolist()[:3] == [True, False, True]
    assert r["triglycerides_above_156"].tolist()[:3] == [False, True, True]
    assert pd.isna(r["fibrinogen_at_most_360"].iloc[3])


def test_two_decimal_triglycerides_agree_under_either_published_factor() -> None:
    # 88.57 mg/dL per mmol/L vs the JAMA table's 0.0113 mmol/L per mg/dL
    for hundredths in range(100, 300):
        x = Fraction(hundredths, 100)
        assert (x * Fraction("88.57") > 156) == (x > Fraction(156) * Fraction("0.0113"))


def test_identical_units_accepted() -> None:
    a = classify_mas(pd.DataFrame([{**QUIET, "ferritin": 700, "platelets": 150, "ast": 60}]))
    b = classify_mas(
        pd.DataFrame([{**QUIET, "ferritin": 700, "platelets": 150, "ast": 60}]),
        ferritin_unit="ug/L",
        platelets_unit="10^3/uL",
    )
    assert a.equals(b)


def test_index_kept_and_febrile_spellings() -> None:
    frame = pd.DataFrame(
        [{**QUIET, "febrile": f} for f in ["yes", "No", " TRUE ", 0, 1.0, "", None]],
        index=list("abcdefg"),
    )
    r = classify_mas(frame)
    assert list(r.index) == list("abcdefg")
    assert [None if pd.isna(v) else bool(v) for v in r["febrile"]] == [
        True,
        False,
        True,
        False,
        True,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ast": "high"}, "row 2, column 'ast': 'high' is not a laboratory value"),
        ({"fibrinogen": -5}, "row 2, column 'fibrinogen': -5 is not a laboratory value"),
        ({"febrile": "maybe"}, "row 2, column 'febrile': 'maybe' is not a fever answer"),
        ({"platelets": float("inf")}, "row 2, column 'platelets': inf is not a laboratory value"),
    ],
)
def test_bad_values_one_line_naming_row_and_column(change: dict, message: str) -> None:
    frame = pd.DataFrame([QUIET, {**QUIET, **change}])
    with pytest.raises(InvalidValueError) as info:
        classify_mas(frame)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value) and "allowed" in str(info.value)


def test_missing_column_and_bad_unit() -> None:
    with pytest.raises(MissingColumnError, match="missing column 'fibrinogen'; did you mean"):
        classify_mas(pd.DataFrame([QUIET]).rename(columns={"fibrinogen": "fibrinogn"}))
    with pytest.raises(JiaInputError, match="'mg/L' is not a unit for fibrinogen"):
        classify_mas(pd.DataFrame([QUIET]), fibrinogen_unit="mg/L")
    with pytest.raises(JiaInputError, match="expected a table"):
        classify_mas([QUIET])  # type: ignore[arg-type]


def test_vectorised_on_many_rows() -> None:
    rng = np.random.default_rng(7)
    n = 20000
    frame = pd.DataFrame(
        {
            "febrile": rng.choice(["yes", "no", ""], n),
            "ferritin": rng.choice([600.0, 684.0, 685.0, np.nan], n),
            "platelets": rng.choice([150.0, 181.0, 182.0, np.nan], n),
            "ast": rng.choice([40.0, 48.0, 49.0, np.nan], n),
            "triglycerides": rng.choice([100.0, 156.0, 157.0, np.nan], n),
            "fibrinogen": rng.choice([300.0, 360.0, 361.0, np.nan], n),
        }
    )
    got = classify_mas(frame)["mas"]
    for i in rng.choice(n, 200, replace=False):
        row = frame.iloc[i]
        values = {k: (None if pd.isna(row[k]) else float(row[k])) for k in QUIET if k != "febrile"}
        fev = {"yes": True, "no": False, "": None}[row["febrile"]]
        want = brute(values, fev)
        assert (None if pd.isna(got.iloc[i]) else bool(got.iloc[i])) == want
