"""A trial is data: a made-up trial added to a copy of data/ goes through the whole review
(issue 18) with no code change: its comparison, a forest-plot row, a summary-of-findings row,
a fragility index and a Bayesian re-analysis.

The trial ("ZETA-1", drug "zetakinra") is invented for this test and never leaves tmp_path.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from jia_teach import evidence
from jia_teach.appraisal import bayes, fragility, grade
from jia_teach.appraisal.counts import count_pairs
from jia_teach.data import use_data
from jia_teach.data.labels import trial_colour, trial_label
from jia_teach.evidence.trial_effects import compare_pair
from jia_teach.present import forest_plot
from tests.datacopy import (
    MADE_UP_DRUG,
    MADE_UP_SOURCE,
    MADE_UP_TRIAL,
    add_made_up_trial,
    copy_data,
    edit_csv,
)

TRIAL, DRUG, SOURCE = MADE_UP_TRIAL, MADE_UP_DRUG, MADE_UP_SOURCE


def _like(path: Path, where: dict[str, str], **changes: str) -> list[dict[str, str]]:
    """Rows of ``path`` matching ``where``, with ``changes`` applied (templates for the trial)."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if all(r[k] == v for k, v in where.items())]
    assert rows, f"no template row in {path.name} for {where}"
    return [{**r, **changes} for r in rows]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = copy_data(tmp_path_factory.mktemp("trial"))
    one = add_made_up_trial(d)
    edit_csv(
        d / "adverse_events.csv",
        extra=[
            {**one, "arm": arm, "phase": "4-week double-blind", "event": "serious_infections",
             "value": value, "unit": "patients", "total": "30", "status": "reported"}
            for arm, value in ((DRUG, "3"), ("placebo", "1"))
        ],
    )  # fmt: skip
    rob = _like(d / "risk_of_bias.csv", {"trial": "TENDER", "outcome": "efficacy_week12"}, **one)
    for r in rob:
        r["outcome"] = "efficacy_week4"
    edit_csv(d / "risk_of_bias.csv", extra=rob)
    outcome = _like(d / "grade_outcomes.csv", {"outcome_id": "tender_primary"}, **one)
    for r in outcome:
        r.update(outcome_id="zeta_primary", endpoint="acr30", timepoint="week 4",
                 rob_outcome="efficacy_week4", label="JIA ACR30, week 4 (ZETA-1)")  # fmt: skip
    edit_csv(d / "grade_outcomes.csv", extra=outcome)
    judgements = _like(d / "grade_judgements.csv", {"outcome_id": "tender_primary"})
    for r in judgements:
        r["outcome_id"] = "zeta_primary"
    edit_csv(d / "grade_judgements.csv", extra=judgements)
    return d


def test_the_made_up_trial_is_compared(folder: Path) -> None:
    with use_data(folder):
        pair = evidence.pair(TRIAL, "acr30", "week 4")
        result = compare_pair(pair)
        assert trial_label(TRIAL) == "ZETA-1 (zetakinra)" and trial_colour(TRIAL) == "#56B4E9"
    assert (pair.treated.events, pair.control.events) == (21, 6)
    assert result.risk_difference == pytest.approx(0.5)
    assert result.nnt == pytest.approx(2.0)


def test_the_made_up_trial_has_a_forest_row_and_a_harm(folder: Path) -> None:
    with use_data(folder):
        fig = forest_plot(rows=[(TRIAL, "acr30", "week 4"), ("TENDER", "acr30", "week 12")])
        harm = evidence.harm_pair(TRIAL, "serious_infections", "4-week double-blind")
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert any("ZETA-1" in text for text in labels), labels
    assert harm.comparable and (harm.treated.events, harm.control.events) == (3, 1)


def test_the_made_up_trial_has_a_summary_of_findings_row(folder: Path) -> None:
    with use_data(folder):
        sof = grade.summary_of_findings()
    text = str(sof)
    assert "ZETA-1" in text, text[:500]


def test_the_made_up_trial_has_a_fragility_index_and_a_bayesian_reanalysis(folder: Path) -> None:
    with use_data(folder):
        counts = {c.key: c for c in count_pairs()}
    c = counts[(TRIAL, "acr30", "week 4")]
    f = fragility.fragility_index(
        c.treated_events, c.treated_total, c.control_events, c.control_total
    )
    assert f.index >= 1
    b = bayes.reanalyse(c.treated_events, c.treated_total, c.control_events, c.control_total)
    assert b.prob_above(0.0) > 0.99


def test_the_made_up_trial_stays_in_its_folder(folder: Path) -> None:
    """use_data is scoped: outside the block the package's own data has no such trial."""
    with pytest.raises(KeyError):
        trial_label(TRIAL)
