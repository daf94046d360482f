"""The informed prior's default (a stated rule) and the single-arm appraisal table."""

from __future__ import annotations

import pytest

from jia_teach.appraisal.borrowing import (
    informed_default,
    informed_default_reason,
    level,
    timepoint_days,
)
from jia_teach.appraisal.counts import count_pairs
from jia_teach.appraisal.single_arm import NIH_CASE_SERIES_QUESTIONS, single_arm_table
from jia_teach.evidence import drug_targets


def pairs() -> list[tuple[str, str, str, str, int]]:
    return [
        (c.trial, c.endpoint, c.timepoint, c.treated_arm, c.treated_total + c.control_total)
        for c in count_pairs()
        if c.kind == "benefit"
    ]


def test_anakinra_acr30_no_longer_borrows_tocilizumab_acr90() -> None:
    chosen = informed_default(("ANAJIS", "acr30", "month 1"), pairs())
    assert chosen == ("canakinumab-1", "adapted_acr30", "day 29")
    assert drug_targets()["anakinra"] == drug_targets()["canakinumab"] == "IL-1"
    reason = informed_default_reason(("ANAJIS", "acr30", "month 1"), pairs())
    assert reason.startswith("borrows canakinumab-1 adapted_acr30, day 29: the same mechanism")


def test_a_trial_never_borrows_from_itself() -> None:
    for key in {p[:3] for p in pairs()}:
        assert informed_default(key, pairs())[0] != key[0]


def test_rule_order_level_then_class_then_time() -> None:
    fake = [
        ("X", "acr30", "week 4", "anakinra", 20),
        ("Y", "acr30", "week 4", "tocilizumab", 500),  # other class: loses despite its size
        ("Z", "acr70", "week 4", "canakinumab", 50),  # same class, other level
        ("W", "acr30", "week 12", "canakinumab", 50),  # same class and level, later
    ]
    assert informed_default(("X", "acr30", "week 4"), fake) == ("W", "acr30", "week 12")
    assert informed_default(("X", "acr30", "week 4"), fake[:3]) == ("Y", "acr30", "week 4")
    with pytest.raises(KeyError):
        informed_default(("Q", "acr30", "week 4"), fake)


def test_canakinumab_acr90_borrows_tender_acr90_and_says_it_is_another_mechanism() -> None:
    key = ("canakinumab-1", "adapted_acr90", "month 1")
    assert informed_default(key, pairs()) == ("TENDER", "acr90", "week 12")
    assert "another mechanism (IL-6, not IL-1)" in informed_default_reason(key, pairs())


def test_parsers() -> None:
    assert (level("adapted_acr90"), level("gc_reduced")) == (90, None)
    assert (timepoint_days("day 29"), timepoint_days("week 4")) == (29.0, 28.0)
    assert timepoint_days("month 1") == pytest.approx(30.44)


def test_single_arm_table_transcribes_the_nih_questions() -> None:
    assert len(NIH_CASE_SERIES_QUESTIONS) == 9
    assert NIH_CASE_SERIES_QUESTIONS[2] == "Were the cases consecutive?"
    t = single_arm_table()
    assert set(t["answer"]) <= {"yes", "no", "CD", "NR", "NA"}
    assert t.groupby("study")["question"].apply(sorted).map(len).tolist() == [9, 9]
    ter_haar = single_arm_table("ter Haar 2019 (first-line anakinra)")
    facts = " ".join(ter_haar["facts"])
    for figure in ("76 %", "52 %", "96 %", "75 %", "33 days", "5.8 years", "12 of the 42"):
        assert figure in facts
    ema = " ".join(single_arm_table("De Benedetti 2023 (emapalumab for MAS)")["facts"])
    assert "13 of 14" in ema and "25 days" in ema
