"""What the widgets give assistive technology and low-vision readers (issue 15).

Contrast is computed here from the WCAG 2 definition (relative luminance), independently of
the widgets; names and alt texts are read from the widgets' tooltips, which
``tools/web/widget_a11y.js`` turns into ``aria-label`` / ``alt`` in Voila and the book.
"""

from __future__ import annotations

import pytest

from jia_teach.widgets import BenefitRiskExplorer, PatientCalculator, SelfCheck, ThresholdExplorer
from jia_teach.widgets._controls import (
    BUTTON_BLUE,
    STATUS_STYLE,
    TEXT_BLUE,
    TEXT_GREEN,
    TEXT_VERMILLION,
)


def _luminance(colour: str) -> float:
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a: str, b: str = "#FFFFFF") -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_reference_values() -> None:
    # Published pairs: black on white 21:1; the Okabe-Ito vermillion the issue measured.
    assert contrast("#000000") == pytest.approx(21.0)
    assert contrast("#D55E00") == pytest.approx(3.86, abs=0.01)


@pytest.mark.parametrize(
    "colour",
    [TEXT_BLUE, TEXT_GREEN, TEXT_VERMILLION, *(c for _s, c in STATUS_STYLE.values())],
)
def test_text_colours_reach_aa_on_white(colour: str) -> None:
    assert contrast(colour) >= 4.5


def test_button_text_reaches_aa() -> None:
    assert contrast("#FFFFFF", BUTTON_BLUE) >= 4.5
    q = SelfCheck("q?", ["a", "b"], 0, ["right", "wrong"])
    assert q._button.style.button_color == BUTTON_BLUE
    assert q._button.button_style == ""  # not ipywidgets' 3.1:1 "primary" blue


def test_every_calculator_slider_is_named_by_variable_and_visit() -> None:
    calc = PatientCalculator()
    assert calc.controls["chaq_baseline"].tooltip == "CHAQ (0-3), baseline"
    assert calc.controls["marker_followup"].tooltip.endswith(", follow-up")
    calc.set(marker="crp")
    assert calc.controls["marker_followup"].tooltip == "CRP (mg/L), follow-up"
    sliders = [c for c in calc.controls.values() if hasattr(c, "readout_format")]
    assert all(s.tooltip or s.description for s in sliders)


def test_verdict_changes_are_announced_once() -> None:
    calc = PatientCalculator()
    assert "jia-live" in calc._announce._dom_classes
    before = calc._announce.value
    assert "ACR50 met" in before
    calc.set(parent_global_followup=3.4)  # no verdict changes
    assert calc._announce.value == before
    calc.set(active_joints_followup=11)
    assert "ACR50 not met" in calc._announce.value


def test_self_check_is_a_named_group_with_live_feedback() -> None:
    q = SelfCheck("q?", ["a", "b"], 0, ["right", "wrong"])
    assert q._choice.tooltip == "Your answer"
    assert "jia-live" in q._out._dom_classes
    assert q._out.value == ""  # no feedback before an answer
    q.choose(1)
    assert "wrong" in q._out.value.lower() and TEXT_VERMILLION in q._out.value


def test_chart_images_sit_beside_their_caption() -> None:
    """widget_a11y.js gives an image the text of the .jia-caption widget in its box as alt.

    (Not a tooltip: an Image model has no description, and ipywidgets' view then fails.)
    """
    for view in (BenefitRiskExplorer(), ThresholdExplorer(n_per_arm=500)):
        box = next(b for b in _boxes(view.ui) if view._image in b.children)
        captions = [c for c in box.children if "jia-caption" in c._dom_classes]
        assert len(captions) == 1 and len(captions[0].value) > 40
        assert not view._image.tooltip


def _boxes(widget: object) -> list:
    found = []
    for child in getattr(widget, "children", ()):
        found.append(widget)
        found.extend(_boxes(child))
    return found
