"""Wallace 2004's marker item: "normal ESR or CRP (if both are tested, both must be normal)"."""

from __future__ import annotations

import pytest

from jia_teach.scoring.activity import (
    INACTIVE_ITEMS,
    SYSTEMIC_JADAS_NOTE,
    SYSTEMIC_JADAS_SHORT,
    inactive_disease,
    inactive_disease_items,
    markers_normal,
)

QUIET = dict(active_joints=0, systemic_features=False, active_uveitis=False, physician_global=0.0)


@pytest.mark.parametrize(
    ("esr", "crp", "expected"),
    [
        (True, None, True),
        (None, True, True),
        (False, None, False),
        (None, False, False),
        (True, True, True),
        (True, False, False),  # both tested: both must be normal
        (False, True, False),
        (False, False, False),
        (None, None, None),  # neither tested: unknown
    ],
)
def test_markers_rule(esr: bool | None, crp: bool | None, expected: bool | None) -> None:
    assert markers_normal(esr_normal=esr, crp_normal=crp) is expected


def test_inactive_disease_with_an_unknown_marker_is_unknown_not_false() -> None:
    assert inactive_disease(**QUIET, marker_normal=None, criteria="2004") is None
    assert inactive_disease(**QUIET, marker_normal=None, morning_stiffness_min=5) is None
    # another item failing decides it whatever the markers
    assert inactive_disease(**{**QUIET, "active_joints": 1}, marker_normal=None) is False
    both = markers_normal(esr_normal=False, crp_normal=True)
    assert inactive_disease(**QUIET, marker_normal=both, criteria="2004") is False
    assert inactive_disease_items(**QUIET, marker_normal=None)["marker_normal"] is None


def test_wording_in_the_checklist_and_the_jadas_caveat() -> None:
    words = dict(INACTIVE_ITEMS)["marker_normal"]
    assert "if both are tested, both must be normal" in words
    assert "non-systemic" in SYSTEMIC_JADAS_NOTE and "Tibaldi 2020" in SYSTEMIC_JADAS_NOTE
    assert "Trincianti 2021" in SYSTEMIC_JADAS_NOTE


def test_the_calculator_shows_the_jadas_caveat() -> None:
    from jia_teach.widgets import PatientCalculator

    calc = PatientCalculator()
    assert SYSTEMIC_JADAS_SHORT in calc._verdicts.value.replace("&#x27;", "'")
