"""RAPPORT and CONSIDER through the appraisal: RoB 2, GRADE and a summary-of-findings row each.

The trials are held for appraisal (their outcomes are in appraisal_outcomes.csv), so they reach
the summary of findings by the same route as a made-up trial in test_trial_as_data.py: data
rows only. Figures are transcribed here from what we read (2026-12-04/05):

* RAPPORT (Ilowite 2014, abstract): 71 randomized 1:1; week-4 secondary analysis 20 of 35
  vs 9 of 33 (P = 0.016); ClinicalTrials.gov NCT00534495, pre-assignment details: "71
  participants enrolled. 1 participant was erroneously randomized and was not included in the
  analysis. This patient was not exposed to study drug"; masking quadruple.
* CONSIDER (Kedor 2020, abstract): intention to treat 12 (67 %) vs 7 (41 %), p = 0.18;
  NCT02204293 (copies): 36 enrolled, masking double (participant, investigator), terminated.
"""

from __future__ import annotations

import pytest

from jia_teach import data
from jia_teach.appraisal import grade, rob
from jia_teach.effects import compare_arms


@pytest.mark.parametrize(
    ("oid", "counts", "studies"),
    [
        ("rapport_week4", (20, 35, 9, 33), "68 participants, 1 randomized trial"),
        ("consider_primary", (12, 18, 7, 17), "35 participants, 1 randomized trial"),
    ],
)
def test_each_held_trial_has_a_summary_of_findings_row(oid, counts, studies) -> None:
    f = grade.summary_of_findings([oid])[oid]
    ref = compare_arms(*counts)
    assert f.figures.startswith(f"{counts[0]}/{counts[1]} ")
    assert f.studies == studies
    assert f.treated == pytest.approx(1000 * counts[0] / counts[1])
    assert f.control == pytest.approx(1000 * counts[2] / counts[3])
    assert f.difference_ci == pytest.approx(
        (1000 * ref.risk_difference_ci[0], 1000 * ref.risk_difference_ci[1])
    )
    changes = {r.domain: r.change for r in f.ratings}
    assert changes == {
        "risk_of_bias": -1,  # RoB 2 overall some concerns, computed from risk_of_bias.csv
        "inconsistency": 0,
        "indirectness": 0,
        "imprecision": -1,
        "publication_bias": 0,
    }
    assert f.certainty == "low"


def test_the_week4_and_itt_rows_read_as_published() -> None:
    sof = grade.summary_of_findings(["rapport_week4", "consider_primary"])
    assert sof["rapport_week4"].absolute_text == "299 more per 1,000 (95% CI 64 more to 491 more)"
    assert sof["consider_primary"].absolute_text == (
        "255 more per 1,000 (95% CI 68 fewer to 514 more)"
    )
    imp = next(r for r in sof["consider_primary"].ratings if r.domain == "imprecision")
    assert "includes no effect" in imp.reason
    assert "secondary analysis" in sof["rapport_week4"].label


TRANSCRIBED = {
    ("RAPPORT", "response_week4"): (
        "Randomized 1:1, 71 children",
        "35 + 33 = 68",
        "'was erroneously randomized and was not included in the analysis'",
        "masking of participant, care provider, investigator and outcomes assessor",
        # what we could not read is said, not guessed
        "is not reported in the abstract or the registry pages we read",
    ),
    ("CONSIDER", "primary_week12"): (
        "36 enrolled (registry); 35 in the intention-to-treat result (12/18, 7/17",
        "Masking of participant and investigator (registry)",
        "Mean DAS28(ESR) at enrolment 5.4 vs 5.3",
        "how missing values were handled are not reported in the abstract we read",
    ),
}


def test_the_design_facts_are_transcribed_with_their_sources() -> None:
    for key, quotes in TRANSCRIBED.items():
        facts = " ".join(d.facts for d in rob.worked_assessment(*key).domains)
        for quote in quotes:
            assert quote in facts, (key, quote)
    sources = data.load_sources().set_index("source_id")
    assert sources.loc["nct00534495", "registry"] == "NCT00534495"
    assert sources.loc["nct02204293", "registry"] == "NCT02204293"
    for key in TRANSCRIBED:
        assert {d.domain for d in rob.worked_assessment(*key).domains} == set(rob.DOMAINS)


def test_the_trial_views_leave_the_held_trials_out_by_default() -> None:
    """The deck's RoB slide (rob.worked_assessments()) keeps its five outcomes."""
    default = {a.trial for a in rob.worked_assessments()}
    assert not {"RAPPORT", "CONSIDER"} & default
    table = rob.judgement_table(held=True)
    assert {"RAPPORT (rilonacept)"} <= set(table["Trial"])
    assert len(rob.judgement_table()) == 5 and len(table) == 7
