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

:func:`single_arm_appraisals` (``data/single_arm_appraisals.csv``) answers them for
first-line anakinra (ter Haar 2019) and emapalumab for MAS (De Benedetti 2023) from their
abstracts, the only parts we read: **our
appraisal, argued from the published design**, with the facts behind each answer. Where the
abstract is silent the answer is NR or CD, and the full paper may settle it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = [
    "NIH_CASE_SERIES_QUESTIONS",
    "SingleArmJudgement",
    "single_arm_appraisals",
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


def single_arm_appraisals() -> tuple[SingleArmJudgement, ...]:
    """Every answer of ``data/single_arm_appraisals.csv``, in file order.

    Examples
    --------
    >>> single_arm_appraisals()[0].question, single_arm_appraisals()[0].answer
    (1, 'yes')
    """
    from jia_teach.evidence.appraisal_rows import single_arm_records
    from jia_teach.evidence.records import from_row

    return tuple(from_row(SingleArmJudgement, r) for r in single_arm_records())


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
        for j in single_arm_appraisals()
        if study is None or j.study == study
    ]
    return pd.DataFrame(rows)
