"""FollowUpCalculator: flare under two definitions, JADAS and inactive disease, via controls."""

from __future__ import annotations

import pytest

from jia_teach.scoring.activity import NO_CUTOFF_NOTE
from jia_teach.widgets import FollowUpCalculator


@pytest.fixture
def view() -> FollowUpCalculator:
    return FollowUpCalculator()


def test_default_small_uptick_is_a_flare_only_for_brunner(view: FollowUpCalculator) -> None:
    assert view.flare == {"trial": False, "brunner2002": True}
    text = view.summary_text()
    assert "trial-style flare: not met" in text
    assert "Brunner 2002 flare: met" in text
    assert (
        "Active joints: 1 -> 2 (+1; 100.0% worse); counts as worse: trial no, Brunner 2002 yes"
        in text
    )


def test_two_more_active_joints_make_a_trial_style_flare(view: FollowUpCalculator) -> None:
    view.controls["active_joints_visit2"].value = 3  # +2 joints
    assert view.flare["trial"] is True
    assert "trial-style flare: met" in view.summary_text()


def test_global_counts_only_with_a_2_cm_rise(view: FollowUpCalculator) -> None:
    view.set(physician_global_visit2=2.9)  # +1.9 cm
    assert view.counts_as_worse["trial"][0] is False
    view.set(physician_global_visit2=3.0)  # +2.0 cm: exactly the minimum counts
    assert view.counts_as_worse["trial"][0] is True
    assert view.flare["trial"] is True  # CHAQ, ESR and now the physician global


def test_two_improvements_rule_out_a_brunner_flare(view: FollowUpCalculator) -> None:
    view.set(active_joints_visit2=0, physician_global_visit2=0.0)
    assert view.flare["brunner2002"] is False


def test_inactive_disease_checklist(view: FollowUpCalculator) -> None:
    assert view.inactive == {"2004": False, "2011": False}
    assert view.items["no_active_joints"] is False
    view.set(active_joints_visit2=0, physician_global_visit2=0.0)
    assert view.inactive == {"2004": True, "2011": True}
    view.set(morning_stiffness_min=20)
    assert view.inactive == {"2004": True, "2011": False}
    assert view.items["stiffness"] is False
    view.set(stiffness_recorded=False)
    assert view.inactive["2011"] is None
    assert "inactive disease (2011 revision): undecided" in view.summary_text()
    view.set(stiffness_recorded=True, morning_stiffness_min=15, active_uveitis=True)
    assert view.inactive == {"2004": False, "2011": False}
    assert view.items["no_uveitis"] is False
    view.set(active_uveitis=False, marker_normal=False)
    assert view.items["marker_normal"] is False


def test_jadas_at_each_visit(view: FollowUpCalculator) -> None:
    view.set(active_joints_visit2=14, marker_visit2=40)
    j = view.jadas["visit2"]
    assert j["JADAS-10"] == "17.5"  # 2.5 + 3.0 + 10 (capped) + (40 - 20) / 10
    assert j["JADAS-71"] == "21.5"
    assert j["cJADAS-10"] == "15.5"
    assert view.jadas["visit1"]["JADAS-10"] == "3.5"
    text = view.summary_text()
    assert NO_CUTOFF_NOTE in text  # no cut-off set applied, and why
    assert "high disease activity" not in text.replace(NO_CUTOFF_NOTE, "")


def test_crp_gives_clinical_jadas_only(view: FollowUpCalculator) -> None:
    view.set(marker="crp")
    assert view.jadas["visit2"]["JADAS-10"].startswith("needs ESR (no CRP-based JADAS")
    assert view.jadas["visit2"]["cJADAS-10"] == "7.5"
    assert view.controls["marker_visit1"].max == 500


def test_summary_is_deterministic() -> None:
    assert FollowUpCalculator().summary_text() == FollowUpCalculator().summary_text()


# ---------------------------------------------------------------- treat-to-target at visit 2
def _target_text(view: FollowUpCalculator) -> str:
    return view.summary_text().split("visit 1 = day 0:\n", 1)[1]


def test_default_visit_is_week_4_and_not_met_on_joints(view: FollowUpCalculator) -> None:
    t = view.target
    assert (t.checkpoint.name, t.window, t.status) == ("week 4", (21, 35), "not met")
    assert t.items["joints_down_by_more_than_half"] is False
    assert t.items["crp_normal"] is None  # the marker is ESR: no CRP, unknown
    text = _target_text(view)
    assert "checkpoint week 4 (window days 21-35)" in text
    assert "not met: active joints down by > 50 % not met (1 -> 2)" in text
    assert "CRP is not recorded here" in text


def test_day_7_crp_exactly_half_is_not_met_and_more_than_half_is(view: FollowUpCalculator):
    view.set(marker="crp", days_since_start=7, marker_visit1=120.0, marker_visit2=60.0)
    assert view.target.checkpoint.name == "day 7" and view.target.status == "not met"
    assert "exactly half is not more than half" in view.target.reason
    view.set(marker_visit2=59.9)
    assert view.target.status == "met"
    assert "Target at this checkpoint</b>: " in view._target_html.value


def test_no_crp_at_day_7_is_undecided_unless_fever_decides(view: FollowUpCalculator) -> None:
    view.set(days_since_start=7)  # marker ESR: CRP not recorded
    assert view.target.status == "undecided"
    assert view.target.items["crp_down_by_more_than_half"] is None
    view.set(fever_visit2="yes")
    assert view.target.status == "not met"
    view.set(fever_visit2="unknown", marker="crp", marker_visit1=100.0, marker_visit2=10.0)
    assert view.target.status == "undecided"
    assert "no fever unknown (fever not recorded)" in view.target.reason


def test_week_4_met_needs_all_three(view: FollowUpCalculator) -> None:
    view.set(marker="crp", active_joints_visit1=4, active_joints_visit2=1, marker_visit2=10.0)
    assert view.target.status == "met"  # 4 -> 1 joints, CRP 10 <= 10, no fever
    view.set(active_joints_visit2=2)  # exactly half
    assert view.target.status == "not met"
    view.set(active_joints_visit2=1, crp_normal_max=9.9)
    assert view.target.items["crp_normal"] is False


def test_months_3_and_6_use_the_wallace_verdict_and_the_dose(view: FollowUpCalculator) -> None:
    view.set(days_since_start=91, active_joints_visit2=0, physician_global_visit2=0.0)
    assert view.inactive["2004"] is True
    assert view.target.status == "met"  # dose 0 < 0.1
    view.set(gc_visit2=0.1)
    assert view.target.status == "not met"  # 0.1 is not below 0.1
    view.set(gc_visit2=0.05, days_since_start=183)
    assert (view.target.checkpoint.name, view.target.status) == ("month 6", "not met")
    view.set(gc_recorded=False)
    assert view.target.status == "undecided"
    view.set(fever_visit2="yes")  # fever is a systemic feature: not inactive, so not met
    assert view.inactive["2004"] is False and view.target.status == "not met"


def test_a_day_outside_every_window_has_no_checkpoint(view: FollowUpCalculator) -> None:
    view.set(days_since_start=50)
    assert view.target.checkpoint is None
    assert "no checkpoint applies" in _target_text(view)


def test_every_new_control_is_named(view: FollowUpCalculator) -> None:
    for name in ("days_since_start", "fever_visit2", "gc_recorded", "gc_visit2", "crp_normal_max"):
        assert view.controls[name].description, name
