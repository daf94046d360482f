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
