"""Risk of bias as data: the RoB 2 overall rule, the worked judgements and their validation."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from jia_teach import data
from jia_teach.appraisal import rob
from jia_teach.appraisal.rob import (
    DOMAINS,
    compare_with_worked,
    overall_judgement,
    worked_assessment,
    worked_assessments,
)
from jia_teach.rules.errors import DataFileError, JiaInputError
from tests.datacopy import read_in

from .datacopy import copy_data, edit_csv

JUDGED = ("low", "some_concerns", "high")


def reference_overall(values: tuple[str, ...]) -> str:
    """RoB 2, restated: any high -> high; all low -> low; otherwise some concerns."""
    if any(v == "high" for v in values):
        return "high"
    if all(v == "low" for v in values):
        return "low"
    return "some_concerns"


@pytest.mark.parametrize("values", list(itertools.product(JUDGED, repeat=5)))
def test_overall_rule_for_every_combination(values: tuple[str, ...]) -> None:
    assert overall_judgement(dict(zip(DOMAINS, values, strict=True))) == reference_overall(values)


def test_escalation_is_only_on_request() -> None:
    two = dict.fromkeys(DOMAINS, "low") | {
        "randomization": "some_concerns",
        "selection": "some_concerns",
    }
    assert overall_judgement(two) == "some_concerns"
    assert overall_judgement(two, escalate_at=2) == "high"
    assert overall_judgement(two, escalate_at=3) == "some_concerns"


def test_not_applicable_is_all_or_nothing() -> None:
    assert overall_judgement(dict.fromkeys(DOMAINS, "not_applicable")) == "not_applicable"
    mixed = dict.fromkeys(DOMAINS, "low") | {"selection": "not_applicable"}
    with pytest.raises(JiaInputError, match="not_applicable mixed"):
        overall_judgement(mixed)


def test_unjudged_unknown_and_missing_domains() -> None:
    assert overall_judgement(dict.fromkeys(DOMAINS, "low") | {"deviations": None}) is None
    with pytest.raises(JiaInputError, match="no entry for selection"):
        overall_judgement({d: "low" for d in list(DOMAINS)[:4]})
    with pytest.raises(JiaInputError, match="unknown domains"):
        overall_judgement(dict.fromkeys(DOMAINS, "low") | {"funding": "low"})
    with pytest.raises(JiaInputError, match="unknown judgement 'medium'"):
        overall_judgement(dict.fromkeys(DOMAINS, "medium"))


def test_the_worked_judgements() -> None:
    """Our appraisal, transcribed here from the argued judgements (not read from the file)."""
    sc, lo = "some_concerns", "low"
    expected = {
        ("TENDER", "efficacy_week12"): (sc, lo, lo, lo, sc),
        ("TENDER", "harms_week12"): (sc, lo, sc, lo, sc),
        ("canakinumab-1", "efficacy_day15"): (sc, lo, sc, lo, sc),
        ("canakinumab-2", "flare_randomized"): (sc, lo, lo, lo, sc),
        ("canakinumab-2", "gc_taper_open_label"): ("not_applicable",) * 5,
    }
    found = {a.key: tuple(a.judgements.values()) for a in worked_assessments()}
    assert found == expected
    # the trials held for appraisal (RAPPORT, Ilowite 2014; CONSIDER, Kedor 2020), argued from
    # their abstracts and registry records: only with held=True, as the trial views leave them out
    held = {
        ("RAPPORT", "response_week4"): (sc, lo, sc, lo, sc),
        ("CONSIDER", "primary_week12"): (sc, lo, sc, sc, sc),
    }
    found = {a.key: tuple(a.judgements.values()) for a in worked_assessments(held=True)}
    assert found == expected | held
    assert {worked_assessment(*k).overall for k in held} == {"some_concerns"}
    overall = {a.key: a.overall for a in worked_assessments()}
    assert overall[("canakinumab-2", "gc_taper_open_label")] == "not_applicable"
    assert {v for k, v in overall.items() if k[1] != "gc_taper_open_label"} == {"some_concerns"}


def test_every_judgement_carries_facts_sources_and_the_label() -> None:
    frame = data.load_risk_of_bias()
    assert set(frame["appraisal"]) == {data.OUR_APPRAISAL}
    assert frame["facts"].str.len().min() > 40 and frame["why"].str.len().min() > 40
    ids = set(data.load_sources()["source_id"])
    for cell in frame["source_id"]:
        assert {p.strip() for p in cell.split(";")} <= ids
    # the open-label taper differs from the randomized flare outcome of the same trial
    taper = worked_assessment("canakinumab-2", "gc_taper_open_label")
    flare = worked_assessment("canakinumab-2", "flare_randomized")
    assert taper.judgements != flare.judgements
    assert "no randomized comparison" in " ".join(d.why for d in taper.domains).lower()


def test_domain_questions_are_our_paraphrase() -> None:
    assert [d.short for d in DOMAINS.values()] == [
        "D1 Randomization process",
        "D2 Deviations from intended interventions",
        "D3 Missing outcome data",
        "D4 Measurement of the outcome",
        "D5 Selection of the reported result",
    ]
    assert all(len(d.asks) >= 2 for d in DOMAINS.values())


def test_comparison_with_the_worked_judgement() -> None:
    a = worked_assessment("TENDER", "efficacy_week12")
    rows = compare_with_worked({"randomization": "low", "deviations": "low"}, a)
    assert [r.agrees for r in rows] == [False, True, None, None, None]
    assert rows[0].text.startswith(
        "D1 Randomization process: you said Low, the worked judgement is Some concerns."
    )
    assert rows[1].text.startswith("D2 Deviations from intended interventions: you said Low, as")
    assert rows[2].text.startswith(
        "D3 Missing outcome data: not judged yet (worked judgement: Low)"
    )
    with pytest.raises(JiaInputError):
        compare_with_worked({"blinding": "low"}, a)


def test_text_and_html_carry_the_label() -> None:
    a = worked_assessment("canakinumab-1", "efficacy_day15")
    assert "our appraisal, argued from the published design" in str(a)
    assert "Overall (RoB 2 rule): Some concerns" in str(a)
    assert "our appraisal, argued from the published design" in a._repr_html_()
    with pytest.raises(JiaInputError, match="no risk-of-bias assessment"):
        worked_assessment("TENDER", "flare")


# ------------------------------------------------------------------------------------------
# validation on load: the file, the row, the true line and the column are named
# ------------------------------------------------------------------------------------------
def _load_error(folder: Path) -> DataFileError:
    data.clear_cache()
    with pytest.raises(DataFileError) as info:
        read_in(folder, data.load_risk_of_bias)
    return info.value


def test_unknown_judgement_is_named(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    edit_csv(
        folder / "risk_of_bias.csv",
        lambda r: r | {"judgement": "unclear"} if r["domain"] == "measurement" else r,
    )
    err = _load_error(folder)
    assert str(err).startswith(
        "risk_of_bias.csv, row 4 (line 5 of the file), column 'judgement': unknown value 'unclear'"
    )
    assert err.row == 4 and err.column == "judgement"


def test_missing_domain_is_named(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    rows = (folder / "risk_of_bias.csv").read_text(encoding="utf-8").splitlines()
    (folder / "risk_of_bias.csv").write_text(
        "\n".join(rows[:5] + rows[6:]) + "\n", encoding="utf-8"
    )
    err = _load_error(folder)
    assert "TENDER / efficacy_week12 has no judgement for selection" in str(err)
    assert err.column == "domain"


def test_mixed_not_applicable_is_refused(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    edit_csv(
        folder / "risk_of_bias.csv",
        lambda r: (
            r | {"judgement": "low"}
            if (r["outcome"], r["domain"]) == ("gc_taper_open_label", "selection")
            else r
        ),
    )
    err = _load_error(folder)
    assert "not_applicable must apply to every domain or none" in str(err)
    assert err.column == "judgement" and err.row == 21


def test_duplicate_domain_and_wrong_label_are_refused(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    first = dict(next(iter(_rows(folder / "risk_of_bias.csv"))))
    edit_csv(folder / "risk_of_bias.csv", extra=[first])
    err = _load_error(folder)
    assert "TENDER, efficacy_week12, randomization is listed twice (first in row 1)" in str(err)
    assert err.row == 36
    (tmp_path / "b").mkdir()
    folder2 = copy_data(tmp_path / "b")
    edit_csv(folder2 / "risk_of_bias.csv", lambda r: r | {"appraisal": "published"})
    assert _load_error(folder2).column == "appraisal"


def test_unknown_source_is_refused(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    edit_csv(folder / "risk_of_bias.csv", lambda r: r | {"source_id": "somebody2020"})
    err = _load_error(folder)
    assert err.column == "source_id" and err.row == 1
    assert "unknown source_id 'somebody2020'" in str(err)


def _rows(path: Path):
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def test_module_and_schema_agree() -> None:
    assert tuple(rob.DOMAINS) == data.ROB_DOMAINS
    assert set(rob.JUDGEMENT_LABELS) == set(data.ROB_JUDGEMENTS)
