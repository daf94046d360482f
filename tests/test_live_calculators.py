"""The live calculators' Python side (issue 24): the agreement file and the build hooks.

``make jstest`` checks the browser rules against the agreement file on 128,640 cases; these
tests check that the file itself says what :func:`jia_teach.assess` and
:func:`~jia_teach.scoring.patient.explain_flare` say (case by case, on a sample: the file is
computed by the functions they call, on many rows at once), and that the book and slides hooks
make exactly the calculator cells live.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jia_teach import assess
from jia_teach.rules.coreset import core_set, variable
from jia_teach.rules.definitions import FLARE_PRESETS
from jia_teach.scoring.patient import explain_flare
from tools import live_agreement, live_calculators

ROOT = Path(__file__).resolve().parents[1]


def _verdict(x: bool | None) -> str:
    return "N" if x is None else ("T" if x else "F")


@pytest.fixture(scope="module")
def sample() -> dict[str, object]:
    inputs = live_agreement.patient_inputs(600, seed=7)
    return {"inputs": inputs, "expected": live_agreement.patient_expected(inputs)}


def test_the_file_says_what_assess_says(sample: dict[str, object]) -> None:
    inputs, expected = sample["inputs"], sample["expected"]
    for i in range(len(inputs["marker"])):
        marker = str(inputs["marker"][i])
        names = [v.name for v in core_set(marker)]
        fever = {"yes": True, "no": False, "unknown": pd.NA, "absent": None}[inputs["fever"][i]]

        b, f = (
            {n: None if np.isnan(x) else float(x) for n, x in zip(names, inputs[w][i], strict=True)}
            for w in ("baseline", "followup")
        )
        a = assess(
            b,
            f,
            fever_followup=fever,
            marker=marker,
            vas_unit=str(inputs["unit"][i]),
            worsening_limit=float(inputs["limit"][i]),
        )
        verdicts, status, acr, pct, _words, why = expected[i]
        assert verdicts[:5] == "".join(_verdict(v) for v in a.responses.values())
        adapted = "-----" if a.adapted is None else "".join(map(_verdict, a.adapted.values()))
        assert verdicts[5:10] == adapted
        assert verdicts[10] == _verdict(a.flare)
        assert status == "".join(c.status[0] for c in a.changes)
        assert acr == a.acr_n
        for p, c in zip(pct, a.changes, strict=True):
            want = c.percent_improvement
            assert (p is None and want is None) or p == want or (p == "-inf" and want == -math.inf)
        assert why == a.explanation


def test_the_sample_reaches_every_edge(sample: dict[str, object]) -> None:
    inputs, expected = sample["inputs"], sample["expected"]
    verdicts = "".join(e[0] for e in expected)
    assert {"T", "F", "N"} <= set(verdicts)
    assert set(inputs["fever"]) == set(live_agreement.FEVER_STATES)
    assert set(inputs["unit"]) == {"cm", "mm"} and set(inputs["marker"]) == {"esr", "crp"}
    assert (inputs["baseline"][:, 0] == 3.3).any() and (inputs["followup"][:, 0] == 2.31).any()
    assert (inputs["baseline"] == 0).any(axis=0).all(), "a column never has baseline 0"
    assert np.isnan(inputs["baseline"]).any(axis=0).all()
    assert np.isnan(inputs["followup"]).any(axis=0).all()


def test_follow_up_cases_say_what_explain_flare_says() -> None:
    for case in live_agreement.followup_cases(300, seed=7):
        marker, b, f, flares, worse, improved, _text = case
        for k, (key, d) in enumerate(FLARE_PRESETS.items()):
            a = explain_flare(b, f, d.replace(marker=marker))
            assert flares[k] == _verdict(a.flare), key
            assert worse[k] == "".join(_verdict(x) for x in a.counts_as_worse), key
            assert improved[k] == "".join("T" if x else "F" for x in a.improved), key


def test_threshold_pairs_are_exact() -> None:
    rng = np.random.default_rng(3)
    for name in ("physician_global", "chaq", "active_joints", "crp"):
        var = live_agreement._var(name)
        b, f = live_agreement.threshold_pairs(rng, var, 500, [30.0, 12.5])
        bq, fq = np.rint(b * 1e6), np.rint(f * 1e6)
        pct = np.abs(bq - fq) * 100 / bq
        assert set(np.unique(pct)) <= {30.0, 12.5}, name
        assert (f >= var["low"]).all() and (f <= var["high"]).all()


def test_constants_come_from_the_definitions_and_the_widgets() -> None:
    from jia_teach.widgets import FollowUpCalculator, PatientCalculator

    data = live_calculators.live_data()
    assert [c["name"] for c in data["widgets"]["patient"]["controls"]] == list(
        PatientCalculator().controls
    )
    assert [c["name"] for c in data["widgets"]["followup"]["controls"]] == list(
        FollowUpCalculator().controls
    )
    for name, v in data["variables"].items():
        assert (v["low"], v["high"], v["step"]) == (
            variable(name).low,
            variable(name).high,
            variable(name).step,
        )
    assert data["widgets"]["followup"]["definitions"][0][0] == "trial"


def test_bundle_is_one_offline_script(tmp_path: Path) -> None:
    script = live_calculators.write_bundle(tmp_path)
    text = script.read_text(encoding="utf-8")
    assert "window.JiaLive.start(window.JiaRules(" in text
    assert not re.search(r"https?://", text), "the script names a URL"
    assert (tmp_path / live_calculators.BUNDLE_CSS).exists()


@pytest.mark.parametrize(
    ("stem", "view"),
    [
        ("01_core_set_and_acr_pedi", "patient"),
        ("07_flare_inactive_disease_jadas", "followup"),
        ("grand_rounds", "patient"),
    ],
)
def test_each_calculator_cell_is_found_and_made_live(tmp_path: Path, stem: str, view: str) -> None:
    copy = tmp_path / f"{stem}.ipynb"
    shutil.copy2(ROOT / "notebooks" / copy.name, copy)
    before = json.loads(copy.read_text(encoding="utf-8"))
    assert live_calculators.mark_live_cells(copy) == [view]
    after = json.loads(copy.read_text(encoding="utf-8"))

    def views(nb: dict) -> int:
        return sum(
            live_calculators.WIDGET_VIEW in o.get("data", {})
            for c in nb["cells"]
            for o in c.get("outputs", [])
        )

    assert views(after) == views(before) - 1, "only the calculator's view is replaced"
    html = [
        "".join(o["data"]["text/html"])
        for c in after["cells"]
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {})
    ]
    assert sum(f'data-jia-calc="{view}"' in h for h in html) == 1
    assert live_calculators.mark_live_cells(copy) == [], "a second run finds nothing to do"
    # The saved widget state keeps every model a remaining view needs, and nothing else.
    key = "application/vnd.jupyter.widget-state+json"
    state = after["metadata"]["widgets"][key]["state"]
    assert len(state) < len(before["metadata"]["widgets"][key]["state"])
    refs = set(re.findall(r"IPY_MODEL_([0-9a-f]+)", json.dumps(state)))
    assert refs <= set(state), "a kept model refers to a dropped one"
