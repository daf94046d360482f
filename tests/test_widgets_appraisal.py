"""RiskOfBiasExercise: judge through the controls as a learner would, then reveal."""

from __future__ import annotations

import pytest

from jia_teach.rules.errors import JiaInputError
from jia_teach.widgets import RiskOfBiasExercise


@pytest.fixture
def view() -> RiskOfBiasExercise:
    return RiskOfBiasExercise("TENDER", "efficacy_week12")


def test_every_control_has_an_accessible_name(view: RiskOfBiasExercise) -> None:
    names = {k: c.description for k, c in view.controls.items()}
    assert names["assessment"] == "Trial and outcome"
    assert names["randomization"] == "D1 Randomization process"
    assert names["selection"] == "D5 Selection of the reported result"
    assert names["reveal"] == "Show the worked judgements"
    assert all(names.values())


def test_judging_then_revealing(view: RiskOfBiasExercise) -> None:
    assert view.learner_overall is None
    text = view.summary_text()
    assert "Your overall judgement by the RoB 2 rule: not yet (judge every domain)." in text
    assert "worked judgement is" not in text  # nothing given away before the reveal
    for name in ("randomization", "deviations", "missing_data", "measurement", "selection"):
        view.controls[name].value = "low"  # as a learner picks from each list
    assert view.learner_overall == "low"
    view.controls["reveal"].value = True
    text = view.summary_text()
    assert "overall by the RoB 2 rule: Some concerns. You agree on 3 of the 5 domains" in text
    assert "D1 Randomization process: you said Low, the worked judgement is Some concerns." in text
    assert "Facts: Randomized 2:1, 75 tocilizumab and 37 placebo" in text
    assert "our appraisal, argued from the published design" in text
    assert "Worked judgements: D1 Some concerns" in text  # the figure's caption


def test_a_high_judgement_decides_the_overall(view: RiskOfBiasExercise) -> None:
    view.set(randomization="high")
    assert "Your overall judgement by the RoB 2 rule: not yet" in view.summary_text()
    view.set(deviations="low", missing_data="low", measurement="low", selection="low")
    assert view.learner_overall == "high"


def test_answers_are_kept_per_assessment(view: RiskOfBiasExercise) -> None:
    view.set(randomization="some_concerns")
    view.controls["assessment"].value = ("canakinumab-2", "gc_taper_open_label")
    assert set(view.learner.values()) == {None}
    view.set(**dict.fromkeys(["randomization", "deviations", "missing_data",
                              "measurement", "selection"], "not_applicable"))  # fmt: skip
    assert view.learner_overall == "not_applicable"
    view.set(reveal=True)
    assert view.agreement == (5, 5)
    view.controls["assessment"].value = ("TENDER", "efficacy_week12")
    assert view.learner["randomization"] == "some_concerns"


def test_not_applicable_mixed_with_judgements_is_explained(view: RiskOfBiasExercise) -> None:
    view.set(randomization="not_applicable", deviations="low", missing_data="low",
             measurement="low", selection="low")  # fmt: skip
    assert view.learner_overall is None
    assert "'Not applicable' must be chosen for every domain or for none" in view.summary_text()


def test_figure_is_swapped_in_place_and_cached(view: RiskOfBiasExercise) -> None:
    image = view._image
    first = image.value
    view.set(randomization="low")
    assert view._image is image and image.value != first and image.value[:4] == b"\x89PNG"
    view.set(randomization=None)
    assert image.value == first


def test_unknown_assessment_is_refused() -> None:
    with pytest.raises(JiaInputError, match="no risk-of-bias assessment"):
        RiskOfBiasExercise("TENDER", "week52")


def test_summary_is_deterministic() -> None:
    assert RiskOfBiasExercise().summary_text() == RiskOfBiasExercise().summary_text()


def test_set_can_choose_the_assessment(view: RiskOfBiasExercise) -> None:
    """``set(assessment=...)`` switches and shows that assessment's kept answers (it raised:
    updates were held twice)."""
    view.set(randomization="low")
    view.set(assessment=("canakinumab-2", "gc_taper_open_label"), deviations="high")
    assert view.learner["randomization"] is None and view.learner["deviations"] == "high"
    view.set(assessment=("TENDER", "efficacy_week12"))
    assert view.learner["randomization"] == "low" and view.learner["deviations"] is None
