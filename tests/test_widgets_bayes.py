"""BayesExplorer: move the prior and the threshold as a learner would."""

from __future__ import annotations

import pytest

from jia_teach.appraisal.bayes import informed_prior, reanalyse
from jia_teach.rules.errors import JiaInputError
from jia_teach.widgets import BayesExplorer


@pytest.fixture(scope="module")
def view() -> BayesExplorer:
    return BayesExplorer()


def test_controls_have_accessible_names(view: BayesExplorer) -> None:
    names = {k: c.description for k, c in view.controls.items()}
    assert names == {
        "comparison": "Comparison",
        "prior": "Prior",
        "threshold": "Benefit that matters (percentage points)",
        "informed_by": "Informed by",
        "weight": "Down-weighting (share of a child)",
    }


def test_default_reads_the_sceptical_probability(view: BayesExplorer) -> None:
    view.set(prior="sceptical", threshold=20)
    assert view.probability == pytest.approx(reanalyse(20, 43, 1, 41, "sceptical").prob_above(0.2))
    text = view.summary_text()
    assert text.startswith("Canakinumab trial 1: Adapted JIA ACR90, month 1: canakinumab 20/43")
    assert (
        "Under the sceptical prior, the probability that the benefit exceeds 20 percentage "
        "points is 88.5%." in text
    )
    assert "  neutral: prior 32.0%, posterior 99.7%" in text


def test_threshold_slider_changes_the_probability(view: BayesExplorer) -> None:
    view.set(prior="neutral", threshold=20)
    low = view.probability
    view.controls["threshold"].value = 40  # as a learner drags the slider
    assert view.probability < low
    assert "exceeds 40 percentage points" in view.summary_text()


def test_informed_prior_uses_the_other_comparison(view: BayesExplorer) -> None:
    view.set(prior="informed", informed_by=("TENDER", "acr30_no_fever", "week 12"), weight=0.5,
             threshold=20)  # fmt: skip
    expected = reanalyse(20, 43, 1, 41, informed_prior(64, 75, 9, 37, weight=0.5))
    assert view.probability == pytest.approx(expected.prob_above(0.2))
    text = view.summary_text()
    assert "each of its children counted as 0.5 of a child" in text
    assert "  informed: prior" in text
    assert view.controls["weight"].layout.display is None
    view.set(prior="neutral")
    assert view.controls["weight"].layout.display == "none"  # hidden when it does not apply


def test_derived_counts_are_tagged(view: BayesExplorer) -> None:
    view.set(comparison=("TENDER", "acr90", "week 12"), prior="sceptical", threshold=20)
    assert "(from derived counts)." in view.summary_text()
    view.set(comparison=("canakinumab-1", "adapted_acr90", "month 1"))


def test_image_is_replaced_in_place(view: BayesExplorer) -> None:
    image = view._image
    view.set(threshold=10)
    first = image.value
    view.set(threshold=30)
    assert view._image is image and image.value != first and image.value[:4] == b"\x89PNG"


def test_unknown_comparison_is_refused() -> None:
    with pytest.raises(JiaInputError, match="no comparison with counts"):
        BayesExplorer(("TENDER", "acr100", "week 12"))


def test_informed_prior_default_follows_the_comparison() -> None:
    from jia_teach.widgets import BayesExplorer

    view = BayesExplorer(("ANAJIS", "acr30", "month 1"), prior="informed")
    # anakinra ACR30 borrows another IL-1 trial's ACR30, not tocilizumab ACR90 (issue 22)
    assert view.controls["informed_by"].value == ("canakinumab-1", "adapted_acr30", "day 29")
    assert "the same mechanism, the same response level" in view.summary_text()
    view.set(comparison=("canakinumab-1", "adapted_acr90", "month 1"))
    assert view.controls["informed_by"].value == ("TENDER", "acr90", "week 12")
    view.set(informed_by=("ANAJIS", "acr30", "month 1"))
    view.set(comparison=("TENDER", "acr30", "week 12"))
    assert view.controls["informed_by"].value == ("ANAJIS", "acr30", "month 1")  # kept
