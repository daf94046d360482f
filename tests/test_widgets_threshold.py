"""ThresholdExplorer over the simulated cohorts, driven through its controls."""

from __future__ import annotations

import itertools

import pytest

from jia_teach.widgets import ThresholdExplorer


@pytest.fixture(scope="module")
def view() -> ThresholdExplorer:
    return ThresholdExplorer()  # 10,000 simulated patients per arm


@pytest.fixture(autouse=True)
def _reset(view: ThresholdExplorer) -> None:
    view.set(
        trial="TENDER",
        level=30,
        min_improved=3,
        worsening_limit=30,
        scale_limit=False,
        max_worsened=1,
        fever="not required",
    )


def test_default_is_tender_acr30_with_the_published_rate(view: ThresholdExplorer) -> None:
    text = view.summary_text()
    assert "simulated patients, not trial data" in text
    assert "definition: ACR30" in text
    assert (
        "published (week 12; percentages reported, counts derived): tocilizumab 91%, placebo 24%"
        in text
    )
    treated, control = view.rates
    assert treated > control
    assert "simulated patients, not trial data" in view.caption().lower()


def test_rates_drop_as_the_level_rises(view: ThresholdExplorer) -> None:
    seen = []
    for level in (30, 50, 70, 90, 100):
        view.controls["level"].value = level
        seen.append(view.rates)
    for (t1, c1), (t2, c2) in itertools.pairwise(seen):
        assert t2 <= t1 and c2 <= c1
    assert seen[-1][0] < seen[0][0]


def test_risk_difference_and_nnt_come_from_the_rates(view: ThresholdExplorer) -> None:
    view.set(level=90)
    treated, control = view.rates
    assert view.comparison.risk_difference == pytest.approx(treated - control)
    assert view.comparison.nnt == pytest.approx(1 / (treated - control))
    assert "NNT " in view.summary_text()


def test_a_custom_definition_has_no_published_rate(view: ThresholdExplorer) -> None:
    view.set(min_improved=4)
    assert view.published is None
    assert "custom definition" in view.summary_text()
    assert "published: none for exactly this definition" in view.summary_text()


def test_fever_rule_matches_the_primary_end_point(view: ThresholdExplorer) -> None:
    without = view.rates[0]
    view.set(fever="no fever at follow-up")
    assert view.rates[0] <= without
    assert "published (week 12, reported): tocilizumab 85%, placebo 24%" in view.summary_text()


def test_canakinumab_trial_uses_crp_and_its_published_rate(view: ThresholdExplorer) -> None:
    view.set(trial="canakinumab-1", fever="no fever at follow-up")
    assert view.definition.marker == "crp"
    assert "published (day 15, reported): canakinumab 84%, placebo 10%" in view.summary_text()


def test_scaling_the_worsening_limit_with_the_level(view: ThresholdExplorer) -> None:
    view.set(level=70)
    fixed = view.rates
    view.set(scale_limit=True)
    assert view.definition.worsening_limit == 70
    assert view.controls["worsening_limit"].disabled
    assert view.rates[0] >= fixed[0]  # a looser worsening rule can only let more through
    assert view.published is None


def test_fewer_allowed_worsenings_never_raise_the_rate(view: ThresholdExplorer) -> None:
    before = view.rates
    view.set(max_worsened=0)
    assert view.rates[0] <= before[0] and view.rates[1] <= before[1]


def test_chart_is_updated_in_place(view: ThresholdExplorer) -> None:
    image = view._image
    first = view.png
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    view.set(level=90)
    assert view._image is image
    assert view.png != first
