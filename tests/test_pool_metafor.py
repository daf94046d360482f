"""jia_teach.pool against R's metafor (rma, rma.mh, rma.peto, predict), to 1e-6.

Two checks:

* **stored**: the answers ``tools/metafor_reference.py`` stored in
  ``tests/data/metafor_pool_reference.json`` (24 hand-written data sets and 40 generated ones,
  every measure x method, with and without HKSJ): runs everywhere, R or not;
* **live**: one ``Rscript`` process pools freshly generated tables (a seed the stored file does
  not use; ``JIA_POOL_SEED`` picks another) plus the hand-written ones. Skipped when Rscript or
  metafor is missing, unless ``JIA_REQUIRE_R=1`` (``make test`` sets it after
  ``tools/ensure-r.sh`` installed R): then a missing R fails.

Estimates, interval limits and prediction limits are compared on the analysis scale (log RR,
log OR, RD) to an absolute 1e-6; tau^2 to 1e-6; I^2 and Q (larger numbers) to 1e-6 relative;
the weights (percent) to 1e-6. An error on one side must be an error on the other.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from jia_teach import pool
from tests.pool_cases import CASES, as_json, generated_cases

ROOT = Path(__file__).resolve().parent.parent
STORED = ROOT / "tests" / "data" / "metafor_pool_reference.json"
LIVE_SEED = int(os.environ.get("JIA_POOL_SEED", "7310"))
TOL = 1e-6


def _compare(cases: list[dict], results: list[dict]) -> list[str]:
    by_id = {c["id"]: c for c in cases}
    problems: list[str] = []
    for r in results:
        case = by_id[r["id"]]
        what = f"{r['id']} {r['measure']} {r['method']}{' HKSJ' if r['hksj'] else ''}"
        try:
            p = pool(
                case["ai"],
                case["n1i"],
                case["ci"],
                case["n2i"],
                measure=r["measure"],
                method=r["method"],
                hksj=r["hksj"],
                warn=False,
            )
        except ValueError as exc:
            if "error" not in r:
                problems.append(f"{what}: pool raised {exc}, metafor gave {r['beta']}")
            continue
        if "error" in r:
            problems.append(f"{what}: metafor failed ({r['error']}), pool gave {p.theta}")
            continue
        log = math.log if p.ratio else float
        got = {
            "beta": p.theta,
            "ci_lb": log(p.ci_low),
            "ci_ub": log(p.ci_high),
            "se": p.se,
            "tau2": p.tau2,
            "q": p.q,
            "i2": p.i2,
        }
        if r["method"] in ("REML", "DL", "PM"):
            got["pi_lb"], got["pi_ub"] = log(p.pi_low), log(p.pi_high)
        else:
            assert p.pi_low is None and p.pi_high is None
        for key, value in got.items():
            ref = r[key]
            if key == "i2" and ref is None and p.k == 1:
                continue
            tol = TOL * max(1.0, abs(ref)) if key in ("q", "i2") else TOL
            if not abs(value - ref) <= tol:
                problems.append(f"{what}: {key} {value!r} vs metafor {ref!r}")
        ref_w = r["weights"] if isinstance(r["weights"], list) else [r["weights"]]
        for mine, theirs in zip(p.weights, ref_w, strict=True):
            if not abs(mine - theirs) <= TOL:
                problems.append(f"{what}: weights {p.weights} vs metafor {ref_w}")
                break
    return problems


def test_stored_reference_covers_the_issue() -> None:
    ref = json.loads(STORED.read_text(encoding="utf-8"))
    ks = {len(c["ai"]) for c in ref["cases"]}
    assert ks >= {2, 3, 4, 5, 6}
    hand = [c for c in ref["cases"] if not c["id"].startswith("seed")]
    assert len(hand) >= 20
    combos = {(r["measure"], r["method"], r["hksj"]) for r in ref["results"]}
    assert len(combos) == 3 * 7 + 1  # 3 measures x (3 methods x 2 tests + MH) + Peto (OR)
    assert ref["meta"]["metafor"].startswith("3.")


def test_pool_agrees_with_stored_metafor() -> None:
    ref = json.loads(STORED.read_text(encoding="utf-8"))
    problems = _compare(ref["cases"], ref["results"])
    assert not problems, "\n".join(problems[:20])


def _r_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(
        ["Rscript", "--vanilla", "-e", "library(metafor); library(jsonlite)"],
        capture_output=True,
        timeout=120,
        check=False,
    )
    return probe.returncode == 0


def test_pool_agrees_with_live_metafor() -> None:
    if not _r_available():
        if os.environ.get("JIA_REQUIRE_R") == "1":
            pytest.fail("JIA_REQUIRE_R=1 but Rscript with metafor is missing (tools/ensure-r.sh)")
        pytest.skip("Rscript with metafor and jsonlite is not installed (bash tools/ensure-r.sh)")
    from tools.metafor_reference import run_metafor

    cases = as_json(CASES + generated_cases(LIVE_SEED, 40))
    out = run_metafor(cases)
    assert len(out["results"]) > 40 * 20
    problems = _compare(cases, out["results"])
    assert not problems, "\n".join(problems[:20])
