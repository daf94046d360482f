"""The one data-access function of the appraisal tools: which comparisons give a 2x2 table."""

from __future__ import annotations

from pathlib import Path

import pytest

from jia_teach.appraisal.counts import arm_counts, count_pairs
from jia_teach.rules.errors import JiaInputError
from tests.datacopy import read_in

from .datacopy import copy_data, edit_csv


def test_pairs_with_counts_in_both_arms() -> None:
    keys = [c.key for c in count_pairs()]
    assert ("TENDER", "acr30_no_fever", "week 12") in keys
    assert ("canakinumab-1", "adapted_acr90", "month 1") in keys
    assert not any(k[0] == "canakinumab-2" for k in keys)  # Kaplan-Meier or no placebo
    assert not any(k[2] == "week 52" for k in keys)  # open label: one group, no denominator
    # the trial held for appraisal (appraisal_outcomes.csv), read by the same rules
    anajis = [k for k in keys if k[0] == "ANAJIS"]
    assert ("ANAJIS", "acr30", "month 1") in anajis
    assert not any("open label" in k[2] for k in anajis)  # no control group at month 2


def test_derived_counts_are_flagged() -> None:
    c = arm_counts("TENDER", "acr90", "week 12")
    assert c.derived and c.label.endswith("(from derived counts)")
    assert c.comparison().derived_counts
    assert not arm_counts("TENDER", "acr30_no_fever", "week 12").derived


def test_unconfirmed_rows_are_never_used(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)

    def edit(r: dict) -> dict:
        if r["endpoint"] == "adapted_acr90":
            r = r | {"status": "unconfirmed", "note": "Test copy: marked unconfirmed."}
        return r

    edit_csv(folder / "trial_outcomes.csv", edit)
    keys = [c.key for c in read_in(folder, count_pairs)]
    assert ("canakinumab-1", "adapted_acr90", "month 1") not in keys
    with pytest.raises(JiaInputError, match="no active-vs-placebo counts"):
        read_in(folder, arm_counts, "canakinumab-1", "adapted_acr90", "month 1")
