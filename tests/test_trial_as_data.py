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


# --------------------------------------------------------------------------------------------
# no module names a trial (issue 18): trials come from data/, never from a string in the code
# --------------------------------------------------------------------------------------------
PACKAGE = Path(__file__).resolve().parent.parent / "jia_teach"
DATA = PACKAGE.parent / "data"


def _trial_names() -> set[str]:
    """Every trial code and trial label of data/labels.csv and data/trial_designs.csv."""
    with (DATA / "labels.csv").open(newline="", encoding="utf-8") as fh:
        labels = [r for r in csv.DictReader(fh) if r["kind"] == "trial"]
    with (DATA / "trial_designs.csv").open(newline="", encoding="utf-8") as fh:
        designs = {r["trial"] for r in csv.DictReader(fh)}
    return {r["code"] for r in labels} | {r["label"] for r in labels} | designs


def _strings_outside_docstrings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant of a module that is not a docstring."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
        and isinstance(node.body[0].value.value, str)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


def test_no_module_names_a_trial_outside_docstrings() -> None:
    import re

    names = sorted(_trial_names(), key=len, reverse=True)
    assert "TENDER" in names  # the reference is read, not empty
    # a name as a whole word: "canakinumab-1" names a trial, "canakinumab" (a drug) does not
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])")
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {match.group(0)!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, text in _strings_outside_docstrings(path)
        if (match := pattern.search(text))
    ]
    assert not found, "trials named in code (put them in data/):\n" + "\n".join(found)


def test_the_trial_name_check_can_fail(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('"""Docstring: TENDER is fine here."""\n\nDEFAULT = ("TENDER", "week 12")\n')
    texts = [text for _, text in _strings_outside_docstrings(module)]
    assert texts == ["TENDER", "week 12"]
