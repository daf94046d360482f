"""PatientCalculator: set the controls as a learner would and read the verdicts back."""

from __future__ import annotations

import pytest

from jia_teach.widgets import PatientCalculator


@pytest.fixture
def calc() -> PatientCalculator:
    return PatientCalculator()


def test_default_patient_sits_on_the_acr50_boundary(calc: PatientCalculator) -> None:
    text = calc.summary_text()
    assert "ACR50: met" in text
    assert "ACR70: not met" in text
    assert "Active joints: 20 -> 10 joints: 50.0% better [improved]" in text
    assert "ACR-N: 50.0" in text
    assert "flare (trial style): not met" in text
    assert "why: 3 variables improved >= 50%" in text


def test_one_more_active_joint_loses_acr50(calc: PatientCalculator) -> None:
    calc.controls["active_joints_followup"].value = 11  # a single slider move
    assert calc.assessment.responses["ACR50"] is False
    assert calc.assessment.responses["ACR30"] is True
    assert "ACR50: not met" in calc.summary_text()


def test_fever_at_followup_turns_adapted_acr30_off(calc: PatientCalculator) -> None:
    assert calc.adapted["adapted ACR30"] is True
    calc.set(fever="yes")
    assert calc.adapted["adapted ACR30"] is False
    assert calc.assessment.responses["ACR30"] is True  # the standard criteria ignore fever
    assert "adapted ACR30: not met" in calc.summary_text()


def test_unknown_fever_leaves_adapted_undecidable_only_where_it_matters(
    calc: PatientCalculator,
) -> None:
    calc.set(fever="unknown")
    assert calc.adapted["adapted ACR30"] is None  # met if no fever, not met if fever
    assert calc.adapted["adapted ACR70"] is False  # not met whatever the temperature
    assert "adapted ACR30: undecidable" in calc.summary_text()


def test_exactly_30_percent_worse_does_not_count_as_worsened(calc: PatientCalculator) -> None:
    calc.set(lom_joints_baseline=10, lom_joints_followup=13)
    row = calc.assessment.changes[4]
    assert row.percent_improvement == -30.0
    assert row.status == "unchanged"
    calc.set(lom_joints_followup=14)
    assert calc.assessment.changes[4].status == "worsened"


def test_baseline_zero(calc: PatientCalculator) -> None:
    calc.set(lom_joints_baseline=0, lom_joints_followup=0)
    assert "Limited-motion joints: 0 -> 0 joints: no change [no change]" in calc.summary_text()
    calc.set(lom_joints_followup=1)
    assert "0 -> 1 joints: worse (from 0) [worsened]" in calc.summary_text()


def test_a_missing_value_can_make_the_answer_undecidable(calc: PatientCalculator) -> None:
    calc.set(missing="chaq")  # CHAQ was not improving anyway: still decidable
    assert calc.assessment.responses["ACR50"] is True
    calc.set(missing="active_joints")  # 2 certain, 1 unknown: could go either way
    assert calc.assessment.responses["ACR50"] is None
    assert calc.assessment.acr_n is None
    text = calc.summary_text()
    assert "ACR50: undecidable" in text
    assert "ACR-N: undecidable" in text
    assert calc.controls["active_joints_followup"].disabled


def test_worsening_limit_control(calc: PatientCalculator) -> None:
    calc.set(lom_joints_followup=30, chaq_followup=2.5)  # 50 % and 43 % worse
    assert calc.assessment.responses["ACR30"] is False
    calc.set(worsening_limit=60)
    assert calc.assessment.responses["ACR30"] is True


def test_marker_toggle_switches_to_crp(calc: PatientCalculator) -> None:
    calc.set(marker="crp", marker_baseline=160, marker_followup=20)
    assert calc.controls["marker_baseline"].max == 500
    text = calc.summary_text()
    assert "CRP: 160 -> 20 mg/L: 87.5% better [improved]" in text
    assert "JADAS-10 at baseline: needs ESR" in text
    calc.set(marker="esr")
    assert calc.controls["marker_baseline"].max == 200
    assert calc.controls["marker_baseline"].value == 160


def test_chaq_step(calc: PatientCalculator) -> None:
    assert calc.controls["chaq_followup"].step == 0.125
    calc.set(chaq_step=0.01)
    assert calc.controls["chaq_followup"].step == 0.01


def test_colour_is_never_the_only_cue(calc: PatientCalculator) -> None:
    calc.set(lom_joints_followup=30)
    html = calc._table.value
    assert "#0072B2" in html and "\u25b2 improved" in html
    assert "#B34700" in html and "\u25bc worsened" in html  # vermillion darkened for text
    assert "= not improved (< 30%)" in html  # 28.6 % better is not "unchanged"


def test_jadas_readout(calc: PatientCalculator) -> None:
    # 6.5 + 5.9 + min(20, 10) + (60 - 20) / 10 = 26.4
    assert "JADAS-10 at baseline: 26.4; cJADAS-10: 22.4" in calc.summary_text()


def test_summary_is_deterministic() -> None:
    assert PatientCalculator().summary_text() == PatientCalculator().summary_text()


def test_unknown_control_is_refused(calc: PatientCalculator) -> None:
    with pytest.raises(KeyError, match="no control named"):
        calc.set(esr_followup=10)


def test_compact_layout_same_controls_and_verdicts() -> None:
    compact = PatientCalculator(compact=True)
    default = PatientCalculator()
    assert set(compact.controls) == set(default.controls)
    assert compact.summary_text() == default.summary_text()
    compact.controls["active_joints_followup"].value = 11  # a single slider move
    assert "ACR50: not met" in compact.summary_text()
    assert compact.assessment.responses["ACR50"] is False


def test_compact_layout_puts_verdicts_beside_the_sliders() -> None:
    import ipywidgets as w

    calc = PatientCalculator(compact=True)
    left, right = calc.ui.children  # one row: sliders | readouts
    assert isinstance(calc.ui, w.HBox)
    grid = left.children[0]
    assert isinstance(grid, w.GridBox)
    assert calc.controls["chaq_baseline"] in grid.children
    assert calc.controls["chaq_followup"] in grid.children
    assert calc._verdicts in right.children[1].children and calc._table in right.children
    assert "Limited joints" in calc._labels["lom_joints"].value  # shorter labels
    assert "Limited-motion joints" in PatientCalculator()._labels["lom_joints"].value


def test_compact_verdicts_pair_acr_pedi_with_adapted_and_keep_words() -> None:
    calc = PatientCalculator(compact=True)
    calc.set(fever="yes")
    html = calc._verdicts.value
    assert "ACR Pedi" in html and "adapted (+ no fever)" in html
    row = html.split("<td", 1)[1].split("</tr>")[0]  # ACR30 row: met, adapted not met
    assert "\u2714 met" in row and "\u2718 not met" in row
    calc.set(lom_joints_followup=30, marker="crp")
    table = calc._table.value
    assert "\u25bc worsened" in table and "= not improved (< 30%)" in table
    assert calc._labels["marker"].value == "CRP (mg/L)"


def test_a_change_below_the_level_is_not_called_unchanged():
    # 7 -> 5 is 28.6 % better: not improved at the 30 % level, which is not "unchanged"
    calc = PatientCalculator()
    calc.set(physician_global_baseline=7.0, physician_global_followup=5.0)
    line = next(ln for ln in calc.summary_text().splitlines() if ln.strip().startswith("Physician"))
    assert line.endswith("28.6% better [not improved (< 30%)]"), line
