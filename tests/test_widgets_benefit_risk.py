"""BenefitRiskExplorer: set the controls as a learner would and check NNT, NNH and LHH."""

from __future__ import annotations

from pathlib import Path

import pytest

from jia_teach.rules.errors import JiaInputError
from jia_teach.widgets.benefit_risk import BenefitRiskExplorer
from tests.datacopy import read_in

from .datacopy import copy_data, edit_csv


@pytest.fixture(scope="module")
def view() -> BenefitRiskExplorer:
    return BenefitRiskExplorer()


def test_default_reads_nnt_nnh_and_lhh(view: BenefitRiskExplorer) -> None:
    view.set(benefit="acr30_no_fever", harm="neutrophils_below_1e9_per_l", f_benefit=1, f_harm=1)
    text = view.summary_text()
    assert "Tocilizumab 64/75 vs Placebo 9/37 [reported;" in text
    assert "NNT 2 (95% CI 2 to 3)" in text
    # the label's 7% vs 0% as the counts that fit them: derived, with an interval through
    # infinity, so the harm is plausible but not established by this trial
    assert "Tocilizumab 5/75 vs Placebo 0/37" in text
    assert "NNH 15 (95% CI NNH 7 to infinity to NNTB 29) (from derived counts)" in text
    assert "counts DERIVED from the reported percentages" in text
    assert "plausible, but this trial does not establish it" in text
    assert view.lhh is not None and view.lhh.lhh == pytest.approx(15.0 / 1.6385, rel=1e-3)
    assert "times as likely to be helped as harmed" in text
    assert "How to read it: LHH = NNH / NNT." in text


def test_harm_with_zero_in_placebo_works(view: BenefitRiskExplorer) -> None:
    view.set(harm="infusion_reaction_during")
    assert view.nnh_value == pytest.approx(25.0)
    assert "Placebo 0% of patients" in view.summary_text()
    assert view.lhh is not None and view.lhh.lhh > 1


def test_switching_benefit_changes_nnt_and_lhh(view: BenefitRiskExplorer) -> None:
    view.set(benefit="acr30_no_fever", harm="infusion_reaction_24h")
    first = view.lhh.lhh
    view.set(benefit="acr90")
    assert view.benefit_comparison.nnt_text == "NNT 4 (95% CI 3 to 7) (from derived counts)"
    assert view.lhh.lhh < first
    assert view.lhh.text.endswith("(NNH / NNT, both unrounded) (from derived counts).")
    # one NNT per panel (issue 19): the readout shows the NNT the library formats, once
    panel = view._readout.value
    assert "NNT 4 (95% CI 3 to 7)" in panel and "NNT 3.1" not in panel
    assert "DERIVED from the reported percentages" in view.summary_text()


def test_chart_title_names_the_trial(view: BenefitRiskExplorer) -> None:
    view.set(benefit="acr30_no_fever", harm="infusion_reaction_24h")
    fig = view._charts["TENDER"]["fig"]
    # TENDER's benefits span week 12 and week 6 or 8 (ACR70 allowing a GC taper): no one time
    assert fig._suptitle.get_text().startswith("TENDER (tocilizumab). Benefit")


def test_patient_risk_factors_scale_the_lhh(view: BenefitRiskExplorer) -> None:
    view.set(benefit="acr50", harm="neutrophils_below_1e9_per_l", f_benefit=1.0, f_harm=1.0)
    base = view.lhh.lhh
    view.controls["f_harm"].value = 2.0  # as a learner drags the slider
    assert view.lhh.lhh == pytest.approx(base / 2)
    assert "a risk of the harm 2.0 times" in view.summary_text()
    view.set(f_harm=1.0)


def test_event_counts_are_not_offered_and_the_view_says_why(view: BenefitRiskExplorer) -> None:
    events = [k[1] for _, k in view.controls["harm"].options]
    assert events == [
        "neutrophils_below_1e9_per_l",
        "infusion_reaction_during",
        "infusion_reaction_24h",
    ]
    with pytest.raises(JiaInputError, match="'adverse_events' is not an available harm"):
        view.set(harm="adverse_events")
    reasons = dict(view.unusable_harms())
    label = next(k for k in reasons if k.startswith("Adverse events (all)"))
    assert "159 events" in label and "not of patients" in reasons[label]
    text = view.summary_text()
    assert "Not offered as harms" in text and "no NNH can be computed" in text
    assert "pooled across trials" in text


def test_benefits_have_counts_in_both_arms(view: BenefitRiskExplorer) -> None:
    benefits = [k[1] for _, k in view.controls["benefit"].options]
    assert "no_active_joints" not in benefits  # week 52: percentages only, no control group
    assert "acr30_no_fever" in benefits and "acr90" in benefits


def test_chart_is_cached_and_swapped_in_place(view: BenefitRiskExplorer) -> None:
    image = view._image
    view.set(harm="neutrophils_below_1e9_per_l")
    a = image.value
    view.set(harm="infusion_reaction_24h")
    assert view._image is image and image.value != a and image.value[:4] == b"\x89PNG"
    view.set(harm="neutrophils_below_1e9_per_l")
    assert image.value == a


def test_summary_is_deterministic() -> None:
    assert BenefitRiskExplorer().summary_text() == BenefitRiskExplorer().summary_text()


def test_unconfirmed_harm_is_withheld(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)

    def edit(r: dict) -> dict:
        if r["event"] == "neutrophils_below_1e9_per_l":
            r["status"] = "unconfirmed"
            r["note"] = "Test copy: marked unconfirmed to check the flag."
        return r

    edit_csv(folder / "adverse_events.csv", edit)
    v = read_in(folder, BenefitRiskExplorer)
    assert "neutrophils_below_1e9_per_l" not in [k[1] for _, k in v.controls["harm"].options]
    text = v.summary_text()
    assert "value withheld (UNCONFIRMED)" in text
    assert "7% of patients" not in text


def test_patient_counts_give_an_interval_and_no_excess_harm_gives_no_lhh(
    tmp_path: Path,
) -> None:
    """Synthetic rows (a test fixture, not trial figures) exercise the other two branches."""
    folder = copy_data(tmp_path)
    common = {
        "trial": "TENDER",
        "phase": "12-week double-blind",
        "status": "reported",
        "source": "synthetic test fixture",
        "note": "Synthetic test fixture, not a trial figure.",
        "source_id": "debenedetti2012",
    }
    extra = [
        {**common, "arm": "tocilizumab", "event": "infections", "phase": "fixture phase",
         "value": "10", "unit": "patients", "total": "50"},
        {**common, "arm": "placebo", "event": "infections", "phase": "fixture phase",
         "value": "2", "unit": "patients", "total": "50"},
        {**common, "arm": "tocilizumab", "event": "serious_infections", "phase": "fixture phase",
         "value": "0", "unit": "percent_of_patients"},
        {**common, "arm": "placebo", "event": "serious_infections", "phase": "fixture phase",
         "value": "5", "unit": "percent_of_patients"},
    ]  # fmt: skip
    edit_csv(folder / "adverse_events.csv", extra=extra)
    v = read_in(folder, BenefitRiskExplorer, harm="infections")
    assert v.harm_comparison is not None
    assert "NNH 7 (95% CI 4 to 33)" in v.summary_text()
    assert "From counts of patients in both arms" in v.summary_text()
    v.set(harm="serious_infections")
    assert v.lhh is None
    text = v.summary_text()
    assert "NNH not defined" in text and "LHH not defined" in text
    assert "No chart" in text


def test_chart_caption_describes_the_chosen_pair() -> None:
    """The footnote and caption follow the learner's benefit, not the first one in the list."""
    view = BenefitRiskExplorer()  # fresh: no picture of this pair cached yet
    view.set(benefit="acr30_no_fever", harm="infusion_reaction_24h")
    first = view._image.value
    view.set(benefit="acr90")
    text = view.summary_text()
    assert (
        "About 4 patients need treatment for one more to reach JIA ACR90, week 12 (from derived "
        "counts), while about 10 need treatment for one more to have infusion reaction within "
        "24 h." in text
    )
    assert "ACR30" not in text.split("Chart (")[1].split("\n")[0]
    assert view._image.value != first and view._image.value[:4] == b"\x89PNG"
    fig = view._charts["TENDER"]["fig"]
    assert "Ringed pair, JIA ACR90, week 12 (from derived counts) vs Infusion reaction within" in (
        " ".join(t.get_text().replace("\n", " ") for t in fig.axes[0].texts)
    )


def test_one_chart_per_trial_serves_every_pair(view: BenefitRiskExplorer) -> None:
    """Changing the pair redraws the rings and the LHH sentence only (no new figure)."""
    view.set(benefit="acr50", harm="neutrophils_below_1e9_per_l")
    fig = view._charts["TENDER"]["fig"]
    seen = set()
    for _, benefit in view.controls["benefit"].options:
        for _, harm in view.controls["harm"].options:
            view.set(benefit=benefit, harm=harm)
            seen.add(view._image.value)
    assert list(view._charts) == ["TENDER"] and view._charts["TENDER"]["fig"] is fig
    n_pairs = len(view.controls["benefit"].options) * len(view.controls["harm"].options)
    assert len(seen) == n_pairs  # every pair has its own picture
