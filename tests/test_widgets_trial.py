"""TrialExplorer: set the controls as a learner would and check what the view says."""

from __future__ import annotations

from pathlib import Path

import pytest

from jia_teach.rules.errors import JiaInputError
from jia_teach.widgets.trial_explorer import TrialExplorer
from tests.datacopy import read_in

from .datacopy import copy_data, edit_csv


@pytest.fixture(scope="module")
def view() -> TrialExplorer:
    return TrialExplorer()


def test_default_is_tender_primary_end_point(view: TrialExplorer) -> None:
    view.set(trial="TENDER", endpoint="acr30_no_fever", timepoint="week 12")
    text = view.summary_text()
    assert "Tocilizumab: 64/75 (85%) [reported;" in text
    assert "Placebo: 9/37 (24%) [reported;" in text
    assert "NNT: NNT 2 (95% CI 2 to 3)" in text
    assert "Risk difference: 61.0 percentage points (95% CI 42.5 to 73.6)" in text
    assert "Fisher exact p (two-sided): < 0.001" in text
    assert "Reported by the source: P < 0.001" in text
    assert view.comparison is not None
    assert view.comparison.treated_events == 64 and view.comparison.control_total == 37


def test_switching_endpoint_to_acr90_changes_the_nnt(view: TrialExplorer) -> None:
    view.set(trial="TENDER", endpoint="acr30_no_fever", timepoint="week 12")
    before = view.comparison.nnt_text
    view.set(endpoint="acr90")
    after = view.comparison.nnt_text
    assert before == "NNT 2 (95% CI 2 to 3)"
    assert after == "NNT 4 (95% CI 3 to 7) (from derived counts)"
    text = view.summary_text()
    assert "28/75 (37%) [DERIVED;" in text
    assert "Counts marked DERIVED are not in the source" in text


def test_the_widget_itself_drives_the_update(view: TrialExplorer) -> None:
    """A learner changes the dropdown (not view.set): options and readouts follow."""
    view.set(trial="TENDER", endpoint="acr50", timepoint="week 12")
    view.controls["trial"].value = "canakinumab-1"
    assert view.selection() == ("canakinumab-1", "adapted_acr30", "day 15")
    assert "Canakinumab: 36/43 (84%)" in view.summary_text()
    view.controls["timepoint"].value = "day 29"
    assert "Canakinumab: 35/43 (81%)" in view.summary_text()


def test_options_are_only_combinations_in_the_data(view: TrialExplorer) -> None:
    view.set(trial="canakinumab-1")
    endpoints = [v for _, v in view.controls["endpoint"].options]
    assert endpoints == ["adapted_acr30", "adapted_acr70", "adapted_acr90", "inactive_disease"]
    view.set(trial="TENDER", endpoint="acr90")
    # week 52's 59% is ACR90 with no fever (issue 22), another end point
    assert [v for _, v in view.controls["timepoint"].options] == ["week 12"]
    view.set(trial="TENDER", endpoint="acr70_no_fever")
    assert [v for _, v in view.controls["timepoint"].options] == ["week 52"]
    view.set(endpoint="acr50")
    assert [v for _, v in view.controls["timepoint"].options] == ["week 12"]


def test_unavailable_choice_is_refused_with_the_allowed_values(view: TrialExplorer) -> None:
    view.set(trial="canakinumab-1")
    with pytest.raises(JiaInputError, match=r"endpoint.*allowed: adapted_acr30") as err:
        view.set(endpoint="acr90")
    assert isinstance(err.value, ValueError)
    with pytest.raises(KeyError, match="no control named 'arm'"):
        view.set(arm="placebo")


def test_week_52_is_open_label_without_control(view: TrialExplorer) -> None:
    view.set(trial="TENDER", endpoint="acr90_no_fever", timepoint="week 52")
    assert view.comparison is None
    text = view.summary_text()
    assert "All patients: 59% (no count given)" in text
    assert "no control group" in text
    assert "NNT:" not in text


def test_withdrawal_trial_shows_km_and_hazard_ratio_as_reported(view: TrialExplorer) -> None:
    view.set(trial="canakinumab-2", endpoint="flare", timepoint="randomized withdrawal")
    assert view.comparison is None
    text = view.summary_text()
    assert "Canakinumab: 26% (Kaplan-Meier estimate, not a count)" in text
    assert "Placebo: 75% (Kaplan-Meier estimate, not a count)" in text
    assert "Reported by the source: Hazard ratio 0.36 (95% CI 0.17 to 0.75)" in text
    assert "Kaplan-Meier estimates, shown as reported" in text
    assert "Risk difference" not in text


def test_missing_denominator_gives_no_comparison(view: TrialExplorer) -> None:
    view.set(trial="canakinumab-1", endpoint="inactive_disease", timepoint="day 15")
    assert view.comparison is None
    assert "33% of 43 (count not given)" in view.summary_text()
    assert "no complete count" in view.summary_text()


def test_figure_is_replaced_in_place(view: TrialExplorer) -> None:
    image = view._image
    view.set(trial="TENDER", endpoint="acr30", timepoint="week 12")
    tender = image.value
    assert tender[:4] == b"\x89PNG"
    view.set(trial="canakinumab-1", endpoint="adapted_acr30", timepoint="day 15")
    assert view._image is image and image.value != tender
    assert "canakinumab-1 at day 15" in view.summary_text()
    view.set(trial="canakinumab-2")
    assert image.layout.display == "none"
    assert "No response bar chart" in view.summary_text()


def test_sources_name_the_citation(view: TrialExplorer) -> None:
    view.set(trial="TENDER", endpoint="acr30_no_fever", timepoint="week 12")
    assert "Randomized trial of tocilizumab in systemic juvenile" in view._sources.value


def test_summary_is_deterministic() -> None:
    a, b = TrialExplorer(), TrialExplorer()
    for v in (a, b):
        v.set(trial="TENDER", endpoint="acr70")
    assert a.summary_text() == b.summary_text()


def test_unconfirmed_figure_is_flagged_and_withheld(tmp_path: Path) -> None:
    """Mark the canakinumab trial-1 day-15 rows unconfirmed in a copy of the data."""
    folder = copy_data(tmp_path)

    def edit(r: dict) -> dict:
        if (r["trial"], r["timepoint"]) == ("canakinumab-1", "day 15"):
            r["status"] = "unconfirmed"
            r["note"] = "Test copy: marked unconfirmed to check the flag."
        return r

    edit_csv(folder / "trial_outcomes.csv", edit)
    v = read_in(folder, TrialExplorer, trial="canakinumab-1", timepoint="day 15")
    text = v.summary_text()
    assert v.comparison is None
    assert "value withheld (UNCONFIRMED)" in text
    assert "UNCONFIRMED figure" in text
    assert "36/43" not in text and "84%" not in text
    assert "(unconfirmed)" not in v.controls["endpoint"].options[0][0]  # day 29 still reported
    assert "#B34700" in v._sources.value  # visibly flagged (vermillion darkened for text)


def test_every_chart_is_drawn_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    """A learner's first choice of a trial must not wait for a first draw (80-120 ms)."""
    from jia_teach import present

    view = TrialExplorer()
    keys = {(t, p) for t, _, p in view._groups}
    assert set(view._png) == keys

    def no_drawing(*args: object, **kwargs: object) -> None:
        raise AssertionError("a chart was drawn after construction")

    monkeypatch.setattr(present, "response_rate_bars", no_drawing)
    for trial in [v for _, v in view.controls["trial"].options]:
        view.set(trial=trial)
        for timepoint in [v for _, v in view.controls["timepoint"].options]:
            view.set(timepoint=timepoint)
    assert view._image.value[:4] == b"\x89PNG"


def test_a_single_time_point_is_text_not_a_drop_down(view: TrialExplorer) -> None:
    """A menu with one option cannot change: it is hidden and its value shown as text
    (issue 19); with two time points the menu is back and the text hidden."""
    view.set(trial="TENDER", endpoint="acr30")
    menu, text = view.controls["timepoint"], view._only_timepoint
    assert (menu.layout.display, text.layout.display) == ("none", None)
    assert "Time point: <b>week 12</b>" in text.value
    view.set(trial="canakinumab-1", endpoint="adapted_acr30")
    assert (menu.layout.display, text.layout.display) == (None, "none")
    view.set(timepoint="day 29")
    assert view.selection() == ("canakinumab-1", "adapted_acr30", "day 29")
