"""The agreement file: generated cases and what jia_teach decides for each (issue 24).

``tests/js/agreement.test.js`` (node's built-in test runner, in ``make test``) runs the
browser rules (``tools/web/live/rules.js``) on every case and fails on the first difference,
so the Python rules and the JavaScript port cannot drift apart. Generated, never stored:
``python -m tools.live_agreement FILE`` (``make jstest`` writes ``build/live/agreement.json``).

What is in it (seeded, so the same file every time):

``patients`` (100,000 by default): the six core-set values at baseline and follow-up, the
    marker (ESR, CRP), the VAS unit (cm, or mm as typed), the worsening limit (30 and eleven
    others), fever at follow-up (no, yes, unknown, not given). About a third of the cells sit
    exactly on a threshold (a level or a worsening limit, better or worse, e.g. 3.3 -> 2.31
    and 2.3 -> 2.99, which appear 200 times each), a tenth one recording step beside it, a
    tenth at baseline 0, some at the top of the range; 30 % of the patients miss a value
    (each of the 12 cells alone, two cells, or many). Expected: ACR30-100, adapted ACR30-100,
    flare, every response preset (fever not given is unknown there) and both flare presets,
    ACR-N, each variable's status, percent change and the words the calculator shows for it,
    and the "Why" line.
``followup`` (20,000): two complete visits (the follow-up calculator's sliders), mostly
    worsening and on thresholds. Expected: each flare preset's verdict, which variables count
    as worse and which improved, and the table's words (values, change, percent).
``jadas`` (8,000): jadas_text for JADAS-10 and -71, ESR and CRP, missing values, counts a
    JADAS-71 cannot take.
``inactive``: every combination of the inactive-disease checklist's values that matter.

How the expected values are computed: :func:`jia_teach.assess` builds a one-row table per
patient (about 10 ms each, 17 minutes for 100,000); here the same functions it calls
(``read_core_set``, ``percent_improvement``, ``meets_response``, ``acr_n``, ``meets_flare``,
``classify``, ``explain_response``; ``explain_flare``'s ``meets_flare`` per variable) run on
all rows of one marker, unit and limit at once. ``tests/test_live_calculators.py`` checks,
case by case on a sample, that this equals ``assess`` and ``explain_flare`` themselves.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

FEVER_STATES = ("no", "yes", "unknown", "absent")
_STATUS = {1: "improved", -1: "worsened", 0: "unchanged", -2: "missing"}


def _lib() -> dict[str, Any]:
    """The library modules used here (one place to change if they move)."""
    from jia_teach.rules import coreset, definitions
    from jia_teach.scoring import activity, criteria, flare, inputs, patient
    from jia_teach.widgets import _controls

    return {
        "activity": activity,
        "coreset": coreset,
        "criteria": criteria,
        "flare": flare,
        "definitions": definitions,
        "inputs": inputs,
        "patient": patient,
        "controls": _controls,
    }


def _var(name: str) -> dict[str, Any]:
    return dataclasses.asdict(_lib()["coreset"].variable(name))


def threshold_pairs(
    rng: np.random.Generator, var: dict[str, Any], n: int, percents: list[float]
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` baseline/follow-up pairs exactly ``p`` % apart (better or worse).

    ``p`` is drawn from ``percents`` (multiples of 0.1 %); joint counts are whole, other
    baselines have at most 2 decimals. Exact in integers of 1e-6, then divided once: the
    nearest double to the decimal, as the value a user types.

    Examples
    --------
    >>> b, f = threshold_pairs(np.random.default_rng(1), _var("chaq"), 200, [50.0])
    >>> pct = 100 * np.abs(np.rint(b * 1e6) - np.rint(f * 1e6)) / np.rint(b * 1e6)
    >>> bool(np.all(pct == 50.0)), bool((b > f).any() and (b < f).any())
    (True, True)
    """
    p10 = np.rint(np.asarray(percents) * 10).astype(np.int64)
    high = var["high"]
    b_parts: list[np.ndarray] = []
    f_parts: list[np.ndarray] = []
    got = 0
    while got < n:
        m = 4 * (n - got) + 16
        p = p10[rng.integers(0, len(p10), m)]
        sign = rng.choice(np.array([-1, 1]), m)
        if var["integer"]:
            b = rng.integers(1, int(high) + 1, m)
            num = b * (1000 - sign * p)
            ok = num % 1000 == 0
            bq, fq = b * 1_000_000, (num // 1000) * 1_000_000
        else:
            k = rng.integers(1, round(high * 100) + 1, m)
            bq, fq = k * 10_000, k * 10 * (1000 - sign * p)
            ok = np.ones(m, dtype=bool)
        ok &= (fq >= 0) & (fq <= round(high * 1_000_000))
        b_parts.append(bq[ok])
        f_parts.append(fq[ok])
        got += int(ok.sum())
    return np.concatenate(b_parts)[:n] / 1_000_000, np.concatenate(f_parts)[:n] / 1_000_000


def grid(rng: np.random.Generator, var: dict[str, Any], n: int) -> np.ndarray:
    """``n`` values on the variable's recording step (as a slider gives them)."""
    steps = round((var["high"] - var["low"]) / var["step"])
    k = rng.integers(0, steps + 1, n)
    return (round(var["low"] * 1_000_000) + k * round(var["step"] * 1_000_000)) / 1_000_000


def _values(rng: np.random.Generator, marker: np.ndarray, levels: list[float]) -> tuple:
    n = len(marker)
    base, up = np.empty((n, 6)), np.empty((n, 6))
    for m in ("esr", "crp"):
        rows = np.flatnonzero(marker == m)
        for j, v in enumerate(_lib()["coreset"].core_set(m)):
            var = dataclasses.asdict(v)
            kind = rng.random(len(rows))
            base[rows, j] = grid(rng, var, len(rows))
            up[rows, j] = grid(rng, var, len(rows))
            exact = rows[kind < 0.35]
            base[exact, j], up[exact, j] = threshold_pairs(
                rng, var, len(exact), [*levels, 10.0, 12.5, 25.0, 40.0]
            )
            zero = rows[(kind >= 0.35) & (kind < 0.45)]
            base[zero, j] = 0.0
            up[zero[: len(zero) // 2], j] = 0.0
            base[rows[(kind >= 0.45) & (kind < 0.5)], j] = var["high"]
            near = rows[(kind >= 0.5) & (kind < 0.6)]
            nb, nf = threshold_pairs(rng, var, len(near), levels)
            nf = nf + var["step"] * rng.choice(np.array([-1.0, 1.0]), len(near))
            base[near, j], up[near, j] = nb, np.round(np.clip(nf, var["low"], var["high"]), 6)
    return base, up


def patient_inputs(n: int, seed: int) -> dict[str, np.ndarray]:
    """``n`` generated patients: values in the fixed order, marker, VAS unit, limit, fever."""
    rng = np.random.default_rng(seed)
    levels = [float(x) for x in _lib()["definitions"].LEVELS]
    marker = np.where(rng.random(n) < 0.5, "esr", "crp")
    unit = np.where(rng.random(n) < 0.25, "mm", "cm")
    limits = np.array([30.0] * 6 + [1.0, 10.0, 12.5, 25.0, 40.0, 50.0, 99.0, 100.0])
    limit = limits[rng.integers(0, len(limits), n)]
    fever = np.array(FEVER_STATES)[rng.integers(0, 4, n)]
    base, up = _values(rng, marker, levels)
    base[:200, 0], up[:200, 0] = 3.3, 2.31  # exactly 30 % better
    base[200:400, 1], up[200:400, 1] = 2.3, 2.99  # exactly 30 % worse
    missing = np.zeros((n, 12), dtype=bool)
    pattern = rng.random(n)
    one = np.flatnonzero(pattern < 0.2)
    missing[one, rng.integers(0, 12, len(one))] = True
    missing[np.arange(12), np.arange(12)] = True  # each cell alone, at least once
    two = np.flatnonzero((pattern >= 0.2) & (pattern < 0.27))
    missing[two, rng.integers(0, 12, len(two))] = True
    missing[two, rng.integers(0, 12, len(two))] = True
    many = np.flatnonzero((pattern >= 0.27) & (pattern < 0.3))
    missing[many] = rng.random((len(many), 12)) < 0.4
    base[missing[:, :6]] = np.nan
    up[missing[:, 6:]] = np.nan
    mm = unit == "mm"  # the globals as typed in millimetres
    base[mm, :2] = np.round(base[mm, :2] * 10, 5)
    up[mm, :2] = np.round(up[mm, :2] * 10, 5)
    return {
        "baseline": base,
        "followup": up,
        "marker": marker,
        "unit": unit,
        "limit": limit,
        "fever": fever,
    }


def _v(x: object) -> str:
    """A three-valued verdict as one character: T, F or N (undecidable)."""
    return "N" if x is pd.NA or x is None else ("T" if x else "F")


def _num(x: float) -> float | str | None:
    if np.isnan(x):
        return None
    if np.isinf(x):
        return "-inf" if x < 0 else "inf"
    return float(x)


def patient_expected(inputs: dict[str, np.ndarray]) -> list[list[Any]]:
    """Per patient: [verdicts, statuses, ACR-N, pct, words, why] (see :func:`agreement`)."""
    lib = _lib()
    crit, defs_mod, patient, controls = (
        lib["criteria"],
        lib["definitions"],
        lib["patient"],
        lib["controls"],
    )
    out: list[list[Any]] = [[] for _ in range(len(inputs["marker"]))]
    groups = sorted(set(zip(inputs["marker"], inputs["unit"], inputs["limit"], strict=True)))
    for marker, unit, limit in groups:
        rows = np.flatnonzero(
            (inputs["marker"] == marker) & (inputs["unit"] == unit) & (inputs["limit"] == limit)
        )
        names = tuple(v.name for v in lib["coreset"].core_set(marker))
        table = {}
        for j, name in enumerate(names):
            table[f"{name}_baseline"] = inputs["baseline"][rows, j]
            table[f"{name}_followup"] = inputs["followup"][rows, j]
        data = lib["inputs"].read_core_set(pd.DataFrame(table), marker=marker, vas_unit=unit)
        b, f = data.baseline, data.followup
        pct = crit.percent_improvement(b, f)
        known = {"baseline": b, "followup": f}
        defs = [
            defs_mod.ResponseDefinition(
                name=f"ACR{lv}", level=lv, worsening_limit=limit, marker=marker
            )
            for lv in defs_mod.LEVELS
        ]
        states = inputs["fever"][rows]
        fever = pd.array([{"yes": True, "no": False}.get(s, pd.NA) for s in states], "boolean")
        verdicts = [crit.meets_response(pct, d, **known) for d in defs]
        adapted = [
            crit.meets_response(pct, d.replace(require_no_fever=True), fever=fever, **known)
            for d in defs
        ]
        flare = lib["flare"].meets_flare(b, f, defs_mod.FLARE_TRIAL.replace(marker=marker), pct=pct)
        presets = [
            crit.meets_response(pct, d, fever=fever, marker=marker, **known)
            for d in defs_mod.RESPONSE_PRESETS.values()
        ]
        flares = [
            lib["flare"].meets_flare(b, f, d, pct=pct, marker=marker)
            for d in defs_mod.FLARE_PRESETS.values()
        ]
        columns = [*verdicts, *adapted, flare, *presets, *flares]
        text = ["".join(c) for c in zip(*([_v(x) for x in col] for col in columns), strict=True)]
        status = crit.classify(pct, 30.0, limit)
        acr = crit.acr_n(pct, worsening_limit=limit)
        for i, row in enumerate(rows):
            v = {d.name: _v(verdicts[k][i]) for k, d in enumerate(defs)}
            opt = {k: None if s == "N" else s == "T" for k, s in v.items()}
            met = [d for d in defs if opt[d.name]]
            missed = [d for d in defs if not opt[d.name]]
            parts = []
            if met:
                parts.append(patient.explain_response(pct[i], met[-1], names, opt[met[-1].name]))
            if missed:
                nxt = patient.explain_response(pct[i], missed[0], names, opt[missed[0].name])
                parts.append(f"{missed[0].name} not met: {nxt}" if met else nxt)
            verdict = text[i]
            if states[i] == "absent":
                verdict = verdict[:5] + "-----" + verdict[10:]
            st = [_STATUS[int(s)] for s in status[i]]
            pcts = [None if np.isnan(p) else float(p) for p in pct[i]]
            out[row] = [
                verdict,
                "".join(s[0] for s in st),
                None if np.isnan(acr[i]) else float(acr[i]),
                [_num(p) for p in pct[i]],
                [
                    [controls.change_text(p), controls.status_label(s, p, limit)]
                    for p, s in zip(pcts, st, strict=True)
                ],
                "; ".join(parts),
            ]
    return out


def followup_cases(n: int, seed: int) -> list[list[Any]]:
    """Per case: [marker, visit 1, visit 2, flare per preset, counts as worse per preset
    (6 characters each), improved per preset, the table's words per variable]."""
    lib = _lib()
    crit, defs_mod, controls = lib["criteria"], lib["definitions"], lib["controls"]
    rng = np.random.default_rng(seed + 1)
    marker = np.where(np.arange(n) % 2 == 0, "esr", "crp")
    base, up = _values(rng, marker, [30.0, 40.0, 50.0, 100.0])
    # Flare is about worsening: most pairs are turned round so that visit 2 is the higher.
    swap = rng.random((n, 6)) < 0.6
    base, up = np.where(swap, np.minimum(base, up), base), np.where(swap, np.maximum(base, up), up)
    cases: list[list[Any]] = [[] for _ in range(n)]
    for m in ("esr", "crp"):
        rows = np.flatnonzero(marker == m)
        b, f = base[rows], up[rows]
        pct = crit.percent_improvement(b, f)
        per: dict[str, tuple] = {}
        for key, d0 in defs_mod.FLARE_PRESETS.items():
            d = d0.replace(marker=m)
            verdict = lib["flare"].meets_flare(b, f, d, pct=pct)
            # explain_flare's per-variable question: that variable alone, the others 1 -> 1.
            k = len(rows)
            one_b, one_f = np.ones((k, 6, 6)), np.ones((k, 6, 6))
            idx = np.arange(6)
            one_b[:, idx, idx], one_f[:, idx, idx] = b, f
            single = d.replace(min_worsened=1, max_improved=6)
            worse = lib["flare"].meets_flare(one_b.reshape(-1, 6), one_f.reshape(-1, 6), single)
            improved = crit.classify(pct, d.improvement_level, np.inf) == 1
            per[key] = (verdict, np.asarray(worse, dtype=object).reshape(k, 6), improved)
        for i, row in enumerate(rows):
            cases[row] = [
                m,
                [float(x) for x in b[i]],
                [float(x) for x in f[i]],
                "".join(_v(per[key][0][i]) for key in per),
                ["".join(_v(x) for x in per[key][1][i]) for key in per],
                ["".join("T" if x else "F" for x in per[key][2][i]) for key in per],
                [
                    [f"{x:g}", f"{y:g}", f"{y - x:+g}", controls.change_text(float(p))]
                    for x, y, p in zip(b[i], f[i], pct[i], strict=True)
                ],
            ]
    return cases


def jadas_cases(n: int, seed: int) -> list[list[Any]]:
    """Per case: [physician, parent, active joints, ESR, marker, version, JADAS, cJADAS]."""
    activity = _lib()["activity"]
    rng = np.random.default_rng(seed + 2)
    md, pa = grid(rng, _var("physician_global"), n), grid(rng, _var("parent_global"), n)
    aj, esr = grid(rng, _var("active_joints"), n), grid(rng, _var("esr"), n)
    cases = []
    for i in range(n):
        args: list[float | None] = [float(md[i]), float(pa[i]), float(aj[i]), float(esr[i])]
        if rng.random() < 0.15:
            args[int(rng.integers(0, 4))] = None
        marker = "esr" if rng.random() < 0.7 else "crp"
        version = "10" if i % 2 else "71"
        j, c = activity.jadas_text(*args, marker=marker, joints=version)
        cases.append([*args, marker, version, j, c])
    return cases


def inactive_cases() -> list[list[Any]]:
    """Every combination that matters: [checklist, 2004, 2011, items in INACTIVE_ITEMS order]."""
    activity = _lib()["activity"]
    keys = [k for k, _ in activity.INACTIVE_ITEMS]
    cases = []
    for aj, sys_, uv, normal, md, stiff in itertools.product(
        (0, 1, 2, 75),
        (False, True),
        (False, True),
        (True, False),
        (0.0, 0.1, 5.0, 10.0),
        (None, 0, 15, 16, 120),
    ):
        o = {
            "active_joints": aj,
            "systemic_features": sys_,
            "active_uveitis": uv,
            "marker_normal": normal,
            "physician_global": md,
            "morning_stiffness_min": stiff,
        }
        items = activity.inactive_disease_items(**o)
        cases.append(
            [
                o,
                _v(activity.inactive_disease(**o, criteria="2004")),
                _v(activity.inactive_disease(**o, criteria="2011")),
                "".join(_v(items[k]) for k in keys),
            ]
        )
    return cases


def agreement(n: int = 100_000, seed: int = 24, followup: int = 20_000) -> dict[str, Any]:
    """The agreement file's content (JSON-ready)."""
    defs_mod = _lib()["definitions"]
    inputs = patient_inputs(n, seed)
    expected = patient_expected(inputs)
    patients = [
        [
            [_num(x) for x in inputs["baseline"][i]],
            [_num(x) for x in inputs["followup"][i]],
            str(inputs["marker"][i]),
            str(inputs["unit"][i]),
            float(inputs["limit"][i]),
            str(inputs["fever"][i]),
            *expected[i],
        ]
        for i in range(n)
    ]
    return {
        "generated_by": "tools/live_agreement.py",
        "seed": seed,
        "patient_fields": [
            "baseline",
            "followup",
            "marker",
            "vas_unit",
            "worsening_limit",
            "fever",
            "verdicts: ACR30-100, adapted ACR30-100 (- when fever is not given), flare, "
            "every response preset, every flare preset (T, F, N)",
            "status initials",
            "acr_n",
            "pct",
            "words [change, status]",
            "why",
        ],
        "levels": list(defs_mod.LEVELS),
        "response_presets": list(defs_mod.RESPONSE_PRESETS),
        "flare_presets": list(defs_mod.FLARE_PRESETS),
        "patients": patients,
        "followup": followup_cases(followup, seed),
        "jadas": jadas_cases(8_000, seed),
        "inactive": inactive_cases(),
    }


def iter_assess_args(data: dict[str, Any]) -> Iterator[tuple[list[Any], dict[str, Any]]]:
    """Each generated patient with the :func:`jia_teach.assess` arguments it stands for."""
    coreset = _lib()["coreset"]
    for p in data["patients"]:
        baseline, followup, marker, unit, limit, fever = p[:6]
        names = [v.name for v in coreset.core_set(marker)]
        yield (
            p,
            {
                "baseline": dict(zip(names, baseline, strict=True)),
                "followup": dict(zip(names, followup, strict=True)),
                "fever_followup": {"yes": True, "no": False, "unknown": pd.NA, "absent": None}[
                    fever
                ],
                "marker": marker,
                "vas_unit": unit,
                "worsening_limit": limit,
            },
        )


def write(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as compact JSON, atomically (no partial file on any exit)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--cases", type=int, default=100_000, help="patients (default 100000)")
    parser.add_argument("--followup", type=int, default=20_000, help="follow-up cases")
    parser.add_argument("--seed", type=int, default=24)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    data = agreement(args.cases, args.seed, args.followup)
    write(args.file, data)
    total = sum(len(data[k]) for k in ("patients", "followup", "jadas", "inactive"))
    print(
        f"live_agreement: {total} cases ({len(data['patients'])} patients) in {args.file}, "
        f"{args.file.stat().st_size / 1e6:.0f} MB, {time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
