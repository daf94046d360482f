"""The MAS calculator: named controls, every verdict from classify_mas, text for screen readers."""

from __future__ import annotations

import time

import pytest

from jia_teach.widgets import MASCalculator


@pytest.fixture
def calc() -> MASCalculator:
    return MASCalculator()


def test_default_child_is_classified(calc: MASCalculator) -> None:
    assert calc.verdict is True
    text = calc.summary_text()
    assert "verdict: classified as MAS" in text
    assert "ferritin > 684 ng/mL: met" in text
    assert "febrile: yes" in text and "platelets <= 181 x 10^9/L: met" in text


def test_not_febrile_is_not_classified_and_says_why(calc: MASCalculator) -> None:
    calc.set(febrile="no")
    assert calc.verdict is False
    assert "criteria apply to a febrile patient" in calc.summary_text()
    assert "Shimizu 2020" in calc.summary_text()


def test_boundaries_through_the_controls(calc: MASCalculator) -> None:
    calc.set(ferritin=684)
    assert calc.verdict is False
    calc.set(ferritin=685, platelets=181, ast=48, triglycerides=156, fibrinogen=361)
    assert calc.verdict is False  # only platelets (181 exactly) counts: one item
    calc.set(fibrinogen=360)
    assert calc.verdict is True  # 360 exactly counts: two items


def test_unmeasured_values_make_it_undecided_only_when_they_matter(calc: MASCalculator) -> None:
    calc.set(platelets=200, ast=40, triglycerides_measured=False)  # fibrinogen 250 met
    assert calc.verdict is None
    assert "undecided" in calc.summary_text()
    calc.set(fibrinogen=400)  # nothing met, one unknown: cannot reach two
    assert calc.verdict is False


def test_units(calc: MASCalculator) -> None:
    calc.set(fibrinogen_unit="g/L", fibrinogen=3.6, platelets=200, ast=40, triglycerides=100)
    assert "fibrinogen <= 3.6 g/L: met" in calc.summary_text()
    assert calc.verdict is False  # one item
    calc.set(triglycerides_unit="mmol/L", triglycerides=1.77)
    assert calc.verdict is True
    assert "triglycerides > 1.76132 mmol/L: met" in calc.summary_text()


def test_controls_are_named_and_described(calc: MASCalculator) -> None:
    for name in (
        "febrile",
        "ferritin",
        "platelets",
        "ast",
        "triglycerides",
        "fibrinogen",
        "ferritin_measured",
        "triglycerides_unit",
        "fibrinogen_unit",
    ):
        assert name in calc.controls
        assert calc.controls[name].description
    with pytest.raises(KeyError, match="no control named"):
        calc.set(ferritn=1)


def test_fast(calc: MASCalculator) -> None:
    start = time.perf_counter()
    for value in range(680, 700):
        calc.set(ferritin=value)
    assert (time.perf_counter() - start) / 20 < 0.05


def test_verdict_is_announced_and_fields_are_named(calc: MASCalculator) -> None:
    assert "jia-live" in calc._announce._dom_classes
    assert "classified as MAS" in calc._announce.value
    calc.set(febrile="no")
    assert "not classified as MAS" in calc._announce.value
    assert calc.controls["ferritin"].tooltip == "Ferritin (ng/mL)"
