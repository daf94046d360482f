"""Appraising single-arm evidence: the NIH Quality Assessment Tool for Case Series Studies.

RoB 2 judges randomized comparisons and ROBINS-I non-randomized *comparisons* of
interventions; a single-arm study has no comparator, so neither fits. The NIH (NHLBI) Quality
Assessment Tool for Case Series Studies asks nine questions of exactly this design (answers
yes, no, cannot determine (CD), not reported (NR), not applicable (NA); an overall rating of
good, fair or poor). Its questions, as published tables quote them:

1. Was the study question or objective clearly stated?
2. Was the study population clearly and fully described, including a case definition?
3. Were the cases consecutive?
4. Were the subjects comparable?
5. Was the intervention clearly described?
6. Were the outcome measures clearly defined, valid, reliable, and implemented consistently
   across all study participants?
7. Was the length of follow-up adequate?
8. Were the statistical methods well-described?
9. Were the results well-described?

:data:`SINGLE_ARM_APPRAISALS` answers them for first-line anakinra (ter Haar 2019) and
emapalumab for MAS (De Benedetti 2023) from their abstracts, the only parts we read: **our
appraisal, argued from the published design**, with the facts behind each answer. Where the
abstract is silent the answer is NR or CD, and the full paper may settle it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = [
    "NIH_CASE_SERIES_QUESTIONS",
    "SINGLE_ARM_APPRAISALS",
    "SingleArmJudgement",
    "single_arm_table",
]

NIH_CASE_SERIES_QUESTIONS: tuple[str, ...] = (
    "Was the study question or objective clearly stated?",
    "Was the study population clearly and fully described, including a case definition?",
    "Were the cases consecutive?",
    "Were the subjects comparable?",
    "Was the intervention clearly described?",
    "Were the outcome measures clearly defined, valid, reliable, and implemented consistently "
    "across all study participants?",
    "Was the length of follow-up adequate?",
    "Were the statistical methods well-described?",
    "Were the results well-described?",
)


@dataclass(frozen=True)
class SingleArmJudgement:
    """One answer of the NIH case-series tool for one study, with its facts."""

    study: str
    question: int  # 1-9
    answer: str  # yes, no, CD, NR, NA
    facts: str


_TER_HAAR = "ter Haar 2019 (first-line anakinra)"
_EMA = "De Benedetti 2023 (emapalumab for MAS)"

SINGLE_ARM_APPRAISALS: tuple[SingleArmJudgement, ...] = (
    SingleArmJudgement(
        _TER_HAAR,
        1,
        "yes",
        "To evaluate a treat-to-target approach with "
        "anakinra as first-line monotherapy to achieve early inactive disease.",
    ),
    SingleArmJudgement(
        _TER_HAAR,
        2,
        "CD",
        "New-onset systemic JIA with an unsatisfactory "
        "response to NSAIDs; the classification criteria used are not in the "
        "abstract.",
    ),
    SingleArmJudgement(
        _TER_HAAR,
        3,
        "NR",
        "A single-centre prospective study; the abstract "
        "does not say whether every eligible child was included.",
    ),
    SingleArmJudgement(
        _TER_HAAR,
        4,
        "CD",
        "Mixed: 12 of the 42 had no arthritis at onset; "
        "some received 4 mg/kg, prednisolone or another drug after an incomplete "
        "response.",
    ),
    SingleArmJudgement(
        _TER_HAAR,
        5,
        "yes",
        "Anakinra 2 mg/kg, then 4 mg/kg or prednisolone or "
        "a switch after an incomplete response; tapered after 3 months of "
        "inactive disease, then stopped.",
    ),
    SingleArmJudgement(
        _TER_HAAR,
        6,
        "CD",
        "Inactive disease is the outcome; its definition "
        "and who judged it are not in the abstract.",
    ),
    SingleArmJudgement(_TER_HAAR, 7, "yes", "Median follow-up 5.8 years."),
    SingleArmJudgement(
        _TER_HAAR,
        8,
        "CD",
        "Percentages without intervals in the abstract; "
        "how children with shorter follow-up enter the 5-year figure is not "
        "stated there.",
    ),
    SingleArmJudgement(
        _TER_HAAR,
        9,
        "yes",
        "Inactive disease 76 % at 1 year (52 % off "
        "medication), 96 % at 5 years (75 % off medication); median time to "
        "inactive disease 33 days.",
    ),
    SingleArmJudgement(
        _EMA,
        1,
        "yes",
        "To confirm the adequacy of an emapalumab dosing "
        "regimen in relation to IFN-gamma activity by assessing efficacy and "
        "safety.",
    ),
    SingleArmJudgement(
        _EMA,
        2,
        "yes",
        "MAS secondary to sJIA or AOSD after failure of "
        "high-dose glucocorticoids, with or without anakinra and/or "
        "ciclosporin.",
    ),
    SingleArmJudgement(_EMA, 3, "NR", "Not stated in the abstract."),
    SingleArmJudgement(
        _EMA, 4, "CD", "Children and adults (sJIA and AOSD), with differing prior treatment."
    ),
    SingleArmJudgement(
        _EMA,
        5,
        "yes",
        "Loading dose then maintenance doses, with background "
        "glucocorticoids, for 4 weeks (shortened or prolonged by the "
        "investigator); doses not in the abstract.",
    ),
    SingleArmJudgement(
        _EMA,
        6,
        "CD",
        'MAS remission by week 8 "based on clinical and '
        'laboratory criteria", not spelled out in the abstract.',
    ),
    SingleArmJudgement(
        _EMA, 7, "yes", "Remission judged by week 8; 12 months of long-term follow-up."
    ),
    SingleArmJudgement(
        _EMA,
        8,
        "CD",
        "A single proportion (13 of 14) and a median time; no interval in the abstract.",
    ),
    SingleArmJudgement(
        _EMA,
        9,
        "yes",
        "Remission in 13 of 14 by week 8, median 25 days; all "
        "14 alive at the end of follow-up; viral infections observed.",
    ),
)


def single_arm_table(study: str | None = None) -> pd.DataFrame:
    """The appraisal as a table: study, question number and text, answer, facts.

    Examples
    --------
    >>> t = single_arm_table()
    >>> int((t[t["study"].str.startswith("ter Haar")]["answer"] == "yes").sum())
    4
    >>> sorted(set(t["answer"]))
    ['CD', 'NR', 'yes']
    """
    rows = [
        {
            "study": j.study,
            "question": j.question,
            "asks": NIH_CASE_SERIES_QUESTIONS[j.question - 1],
            "answer": j.answer,
            "facts": j.facts,
        }
        for j in SINGLE_ARM_APPRAISALS
        if study is None or j.study == study
    ]
    return pd.DataFrame(rows)
