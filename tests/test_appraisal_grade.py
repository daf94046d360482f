"""GRADE summary of findings: absolute effects, OIS, imprecision, certainty and validation."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from jia_teach import data
from jia_teach.appraisal.grade import (
    imprecision_rating,
    optimal_information_size,
    summary_of_findings,
)
from jia_teach.effects import compare_arms
from jia_teach.rules.errors import DataFileError, JiaInputError
from tests.datacopy import read_in

from .datacopy import copy_data, edit_csv

Z_ALPHA, Z_BETA = 1.959963984540054, 0.8416212335729143  # two-sided 0.05, power 0.80


def hand_ois(p0: float, p1: float, ratio: float) -> float:
    """n_treated = (z_a + z_b)^2 (1 + 1/ratio) / h^2, h = 2 asin sqrt(p1) - 2 asin sqrt(p0)."""
    h = abs(2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p0)))
    n1 = (Z_ALPHA + Z_BETA) ** 2 * (1 + 1 / ratio) / h**2
    return math.ceil(n1) + math.ceil(n1 * ratio)


@pytest.mark.parametrize(
    ("p0", "mid", "direction", "ratio"),
    [
        (9 / 37, 0.2, "increase", 37 / 75),
        (4 / 41, 0.2, "increase", 41 / 43),
        (0.75, 0.2, "decrease", 1.0),
    ],
)
def test_ois_matches_the_hand_formula(p0: float, mid: float, direction: str, ratio: float) -> None:
    p1 = p0 + mid if direction == "increase" else p0 - mid
    ois = optimal_information_size(p0, mid, direction=direction, ratio=ratio)
    assert abs(ois.total - hand_ois(p0, p1, ratio)) <= 1
    assert ois.alternative_risk == pytest.approx(p1)


def test_ois_refuses_an_impossible_alternative() -> None:
    with pytest.raises(JiaInputError, match="leaves 0 to 1"):
        optimal_information_size(0.9, 0.2)
    with pytest.raises(JiaInputError, match="direction"):
        optimal_information_size(0.2, 0.2, direction="up")


@pytest.mark.parametrize(
    ("ci", "direction", "expected"),
    [
        ((0.425, 0.736), "increase", 0),  # wholly beyond the MID
        ((0.05, 0.15), "increase", 0),  # wholly below it but excluding no effect
        ((-0.05, 0.30), "increase", -1),  # includes no effect
        ((0.10, 0.40), "increase", -1),  # straddles the MID
        ((-0.54, -0.104), "decrease", -1),  # straddles the MID in the falling direction
        ((-0.30, 0.25), "increase", -2),  # important effects both ways
        (None, "increase", -1),
    ],
)
def test_imprecision_rule(ci, direction, expected) -> None:
    assert imprecision_rating(ci, 0.2, direction=direction).change == expected


def test_ois_can_rate_down_a_precise_looking_small_trial() -> None:
    ois = optimal_information_size(9 / 37, 0.2, ratio=37 / 75)
    r = imprecision_rating((0.425, 0.736), 0.2, n_total=112, ois=ois)
    assert r.change == -1 and "fewer than the optimal information size" in r.reason
    assert imprecision_rating((0.425, 0.736), 0.2, n_total=500, ois=ois).change == 0


def test_absolute_effects_per_1000() -> None:
    sof = summary_of_findings()
    primary = sof["tender_primary"]
    ref = compare_arms(64, 75, 9, 37)  # the interval comes from jia_teach.effects
    assert round(primary.control) == 243 and round(primary.treated) == 853
    assert primary.difference_ci == pytest.approx(
        (1000 * ref.risk_difference_ci[0], 1000 * ref.risk_difference_ci[1])
    )
    assert primary.absolute_text == "610 more per 1,000 (95% CI 425 more to 736 more)"
    neut = sof["tender_neutropenia"]  # counts derived from the label's 7% vs 0%: 5/75 vs 0/37
    ref = compare_arms(5, 75, 0, 37)
    assert neut.treated == pytest.approx(1000 * 5 / 75) and neut.control == 0.0
    assert neut.difference_ci == pytest.approx(
        (1000 * ref.risk_difference_ci[0], 1000 * ref.risk_difference_ci[1])
    )
    assert neut.absolute_text == (
        "67 more per 1,000 (95% CI 35 fewer to 147 more) (from derived counts)"
    )
    assert neut.relative.endswith("(from derived counts)")
    assert sof["tender_infections"].difference is None
    # flare: 1 - (1 - 0.75) ** HR, HR 0.36 (0.17 to 0.75)
    flare = sof["can2_flare"]
    assert flare.treated == pytest.approx(1000 * (1 - 0.25**0.36))
    assert flare.difference_ci == pytest.approx(
        (1000 * (1 - 0.25**0.17) - 750, 1000 * (1 - 0.25**0.75) - 750)
    )
    assert flare.absolute_text == (
        "357 fewer per 1,000 (95% CI 540 fewer to 104 fewer)"
        " (from the HR and the placebo Kaplan-Meier risk)"
    )
    mas = sof["mas_rate"]
    assert mas.absolute_text == "49 fewer per 1,000 patient-years (95% CI 156 fewer to 59 more)"


def test_certainty_of_each_outcome_and_its_reasons() -> None:
    sof = summary_of_findings()
    assert [f.certainty for f in sof] == [
        "low", "low", "low", "very low", "low", "low", "very low", "low", "low",
    ]  # fmt: skip
    primary = sof["tender_primary"]
    changes = {r.domain: r.change for r in primary.ratings}
    assert changes == {
        "risk_of_bias": -1,
        "inconsistency": 0,
        "indirectness": 0,
        "imprecision": -1,
        "publication_bias": 0,
    }
    rob = next(r for r in primary.ratings if r.domain == "risk_of_bias")
    assert "D1 Randomization process, D5 Selection of the reported result" in rob.reason
    imp = next(r for r in primary.ratings if r.domain == "imprecision")
    assert "OIS 197 participants" in imp.reason
    mas = sof["mas_rate"]
    assert mas.start == 2 and mas.level == 1  # non-randomized, floor at very low
    assert primary.certainty_text == "⊕⊕◯◯ Low"


def test_how_much_rests_on_rating_some_concerns_down() -> None:
    lenient = summary_of_findings(rob_to_grade={"low": 0, "some_concerns": 0, "high": -1})
    assert lenient["tender_primary"].certainty == "moderate"
    assert lenient["mas_rate"].certainty == "very low"  # its risk of bias is a stored judgement


def test_text_html_and_frame() -> None:
    sof = summary_of_findings(["tender_primary", "can1_primary"])
    assert len(sof) == 2
    assert str(sof).startswith("Summary of findings (our appraisal, argued from the published")
    html = sof._repr_html_()
    assert "our appraisal, argued from the published design" in html and "⊕⊕◯◯" in html
    # each down-grade is a lettered footnote under the table, not a column
    assert "⊕⊕◯◯ Low (a, b)" in html and "<b>a</b> Risk of bias: serious (-1)." in html
    assert "<th style='text-align:left'>Reasons</th>" not in html
    frame = sof.to_frame()
    assert list(frame.columns) == [
        "Outcome", "Studies", "With placebo", "With drug", "Difference", "Relative effect",
        "Certainty", "Reasons",
    ]  # fmt: skip
    assert frame.loc[1, "Relative effect"] == "RR 8.58 (95% CI 3.35 to 21.97)"
    with pytest.raises(JiaInputError, match="unknown outcome"):
        summary_of_findings(["nope"])
    derived = summary_of_findings(["tender_acr70"])["tender_acr70"]
    assert derived.relative.endswith("(from derived counts)")


# ------------------------------------------------------------------------------------------
# validation: within a file on load, across files when the table is built
# ------------------------------------------------------------------------------------------
def _error(callable_, *args, **kwargs) -> DataFileError:
    data.clear_cache()
    with pytest.raises(DataFileError) as info:
        callable_(*args, **kwargs)
    return info.value


def test_judgement_for_an_unknown_outcome(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    edit_csv(
        folder / "grade_judgements.csv",
        lambda r: r | {"outcome_id": "tender_acr100"} if r["outcome_id"] == "mas_rate" else r,
    )
    err = read_in(folder, _error, summary_of_findings)
    assert str(err).startswith(
        "grade_judgements.csv, row 19 (line 20 of the file), column 'outcome_id': unknown "
        "outcome_id 'tender_acr100'"
    )


def test_missing_indirectness_judgement(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    path = folder / "grade_judgements.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [x for x in lines if not (x.startswith("tender_acr70,indirectness"))]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    err = read_in(folder, _error, summary_of_findings)
    assert str(err).startswith(
        "grade_outcomes.csv, row 2 (line 3 of the file), column 'outcome_id': tender_acr70 has "
        "no indirectness judgement"
    )


def test_risk_of_bias_stored_where_it_is_computed(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    extra = {
        "outcome_id": "tender_primary", "domain": "risk_of_bias", "change": "0",
        "reason": "Test fixture.", "source_id": "debenedetti2012", "source": "test",
        "appraisal": data.OUR_APPRAISAL,
    }  # fmt: skip
    edit_csv(folder / "grade_judgements.csv", extra=[extra])
    err = read_in(folder, _error, summary_of_findings)
    assert err.column == "domain" and err.row == 29
    assert "risk of bias is computed from risk_of_bias.csv" in str(err)


def test_unknown_rob_outcome_and_missing_figures(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    edit_csv(
        folder / "grade_outcomes.csv",
        lambda r: (
            r | {"rob_outcome": "efficacy_week52"} if r["outcome_id"] == "tender_acr70" else r
        ),
    )
    err = read_in(folder, _error, summary_of_findings)
    assert err.column == "rob_outcome" and err.row == 2
    (tmp_path / "b").mkdir()
    folder = copy_data(tmp_path / "b")
    edit_csv(
        folder / "grade_outcomes.csv",
        lambda r: r | {"endpoint": "acr100"} if r["outcome_id"] == "tender_acr70" else r,
    )
    err = read_in(folder, _error, summary_of_findings)
    assert err.column == "endpoint" and err.row == 2
    assert "no usable figures" in str(err)


@pytest.mark.parametrize(
    ("file", "match", "edit"),
    [
        ("grade_outcomes.csv", "the MID must be positive", {"mid": "0"}),
        ("grade_outcomes.csv", "value is missing", {"timepoint": ""}),
        ("grade_outcomes.csv", "needs the effect_id", {"kind": "hazard_ratio"}),
        ("grade_judgements.csv", "can only lower certainty", {"change": "1"}),
        ("grade_judgements.csv", "not a whole number of levels", {"change": "-0.5"}),
        ("grade_judgements.csv", "unknown value 'imprecision'", {"domain": "imprecision"}),
    ],
)
def test_row_rules(tmp_path: Path, file: str, match: str, edit: dict) -> None:
    folder = copy_data(tmp_path)
    edit_csv(folder / file, lambda r: r | edit if r["outcome_id"] == "tender_primary" else r)
    loader = (
        data.load_grade_outcomes if file == "grade_outcomes.csv" else data.load_grade_judgements
    )
    err = read_in(folder, _error, loader)
    assert match in str(err) and err.row == 1 and str(err).startswith(f"{file}, row 1 (line 2")


def test_one_source_for_every_figure(tmp_path: Path) -> None:
    """The MAS rates live in adverse_events.csv and reported_effects.csv only: editing them
    there changes the summary of findings."""
    folder = copy_data(tmp_path)
    edit_csv(
        folder / "reported_effects.csv",
        lambda r: (
            r | {"estimate": "-5.5"} if r["effect_id"] == "grom2016_mas_rate_difference" else r
        ),
    )
    assert read_in(folder, summary_of_findings, ["mas_rate"])["mas_rate"].difference == -55.0
