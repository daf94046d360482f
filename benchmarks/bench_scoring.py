"""Scoring throughput: ``score`` on 1,000,000 visit pairs against two same-run baselines.

* the floor: one numpy pass reading every input column once (summing it);
* a straightforward per-row Python ACR30 on a 10,000-row sample, extrapolated
  linearly to the full table, written two ways: ``DataFrame.apply(row_fn,
  axis=1)`` (the textbook per-row pandas code; the target is judged against it)
  and a tight ``itertuples`` loop over plain floats (the fastest per-row Python,
  reported alongside so the ratio cannot flatter).

Besides the full ``score`` (five levels, ACR-N, flare, adapted criteria,
validation, output table), the like-for-like vectorised ACR30 is timed too:
``read_core_set`` + ``percent_improvement`` + ``meets_response(ACR30)``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from harness import Row, interleaved, median, spread
from synthetic import CORE_COLUMNS, visits

N_ROWS = 1_000_000
N_LOOP = 10_000
_VARS = ("physician_global", "parent_global", "chaq", "active_joints", "lom_joints", "esr")


def floor_pass(df: pd.DataFrame) -> float:
    """Read every input column once, in one numpy reduction per column."""
    total = 0.0
    for col in CORE_COLUMNS:
        total += float(np.nansum(df[col].to_numpy(dtype=np.float64, na_value=np.nan)))
    fever = df["fever_followup"].to_numpy(dtype=np.float64, na_value=np.nan)
    total += float(np.nansum(fever))
    return total


def _acr30_row(row: pd.Series) -> bool | None:
    """ACR30 of one row, as a researcher would write it for ``DataFrame.apply``."""
    improved = worsened = missing = 0
    for v in _VARS:
        b = row[f"{v}_baseline"]
        f = row[f"{v}_followup"]
        if math.isnan(b) or math.isnan(f):
            missing += 1
        elif b == 0:
            if f > 0:
                worsened += 1
        else:
            pct = 100.0 * (b - f) / b
            if pct >= 30.0:
                improved += 1
            elif pct < -30.0:
                worsened += 1
    if improved >= 3 and worsened + missing <= 1:
        return True
    if improved + missing < 3 or worsened > 1:
        return False
    return None


def acr30_apply(df: pd.DataFrame) -> pd.Series:
    """ACR30 the textbook pandas way: ``df.apply(row_function, axis=1)``."""
    return df.apply(_acr30_row, axis=1)


def acr30_per_row(df: pd.DataFrame) -> list[bool | None]:
    """ACR30 as a tight loop: ``itertuples`` over plain floats, one variable at a time.

    Same rules as the package: >= 30 % better counts, > 30 % worse counts,
    baseline 0 with a rise is worse, and a missing value gives None (NA) when
    it could change the answer. (Unlike the package, a missing value is never
    resolved by what the other values make possible.)
    """
    out: list[bool | None] = []
    for row in df[list(CORE_COLUMNS)].itertuples(index=False, name=None):
        improved = worsened = missing = 0
        for j in range(6):
            b = row[2 * j]
            f = row[2 * j + 1]
            if math.isnan(b) or math.isnan(f):
                missing += 1
            elif b == 0:
                if f > 0:
                    worsened += 1
            else:
                pct = 100.0 * (b - f) / b
                if pct >= 30.0:
                    improved += 1
                elif pct < -30.0:
                    worsened += 1
        if improved >= 3 and worsened + missing <= 1:
            out.append(True)
        elif improved + missing < 3 or worsened > 1:
            out.append(False)
        else:
            out.append(None)
    return out


def acr30_vectorised(df: pd.DataFrame) -> pd.arrays.BooleanArray:
    """The package's ACR30 alone: checked read, percent improvement, one decision."""
    from jia_teach.rules.definitions import ACR30
    from jia_teach.scoring.criteria import meets_response, percent_improvement
    from jia_teach.scoring.inputs import read_core_set

    data = read_core_set(df)
    pct = percent_improvement(data.baseline, data.followup)
    return meets_response(pct, ACR30, baseline=data.baseline, followup=data.followup)


def run(quick: bool = False) -> tuple[list[Row], dict[str, Any]]:
    import jia_teach

    df = visits(N_ROWS)
    sample = df.iloc[:N_LOOP].copy()
    repeats = 3 if quick else 7
    scale = N_ROWS / N_LOOP

    funcs = {
        "floor": lambda: floor_pass(df),
        "score": lambda: jia_teach.score(df),
        "acr30_vectorised": lambda: acr30_vectorised(df),
        "loop_apply_10k": lambda: acr30_apply(sample),
        "loop_tuples_10k": lambda: acr30_per_row(sample),
    }
    t = interleaved(funcs, repeats=repeats, warmup=1)
    m = {k: median(v) for k, v in t.items()}
    apply_full = m["loop_apply_10k"] * scale
    tuples_full = m["loop_tuples_10k"] * scale
    floor_m, score_m, vec_m = m["floor"], m["score"], m["acr30_vectorised"]

    # Sanity, not a test: the loops and the package agree on the sample, except where the
    # package settles a missing value from what the known values make possible.
    ref = [None if x is pd.NA else bool(x) for x in jia_teach.score(sample)["acr30"]]
    loop = acr30_per_row(sample)
    applied = [None if x is None else bool(x) for x in acr30_apply(sample)]
    mismatch = sum(a != b for a, b in zip(loop, ref, strict=True))
    mismatch_apply = sum(a != b for a, b in zip(applied, loop, strict=True))

    rows = [
        Row("scoring.floor", "numpy floor: read the 13 input columns once", floor_m, "s"),
        Row(
            "scoring.score_vs_floor",
            "score(): 1M visit pairs, all criteria",
            score_m,
            "s",
            baseline=f"floor {floor_m * 1e3:.1f} ms",
            ratio=score_m / floor_m,
            target="<= 5x floor",
            met=score_m / floor_m <= 5.0,
            detail={"rows_per_s": N_ROWS / score_m},
        ),
        Row(
            "scoring.score_vs_apply",
            "score() vs per-row df.apply ACR30 (speed-up)",
            score_m,
            "s",
            baseline=f"apply {apply_full:.1f} s (10k x100)",
            ratio=apply_full / score_m,
            target=">= 100x faster",
            met=apply_full / score_m >= 100.0,
        ),
        Row(
            "scoring.score_vs_tuples",
            "score() vs tight itertuples ACR30 (speed-up)",
            score_m,
            "s",
            baseline=f"tuples {tuples_full:.2f} s (10k x100)",
            ratio=tuples_full / score_m,
            target="(harder baseline)",
        ),
        Row(
            "scoring.acr30_vs_apply",
            "vectorised ACR30 alone vs df.apply (speed-up)",
            vec_m,
            "s",
            baseline=f"apply {apply_full:.1f} s",
            ratio=apply_full / vec_m,
            target=">= 100x (like for like)",
            met=apply_full / vec_m >= 100.0,
        ),
        Row(
            "scoring.acr30_vs_tuples",
            "vectorised ACR30 alone vs itertuples (speed-up)",
            vec_m,
            "s",
            baseline=f"tuples {tuples_full:.2f} s",
            ratio=tuples_full / vec_m,
            target="(harder baseline)",
        ),
    ]
    detail = {
        "n_rows": N_ROWS,
        "n_loop_sample": N_LOOP,
        "repeats": repeats,
        "timings_s": {k: spread(v) for k, v in t.items()},
        "apply_extrapolated_s": apply_full,
        "tuples_extrapolated_s": tuples_full,
        "loop_vs_package_acr30_differences_on_sample": mismatch,
        "apply_vs_tuples_differences_on_sample": mismatch_apply,
        "score_output_columns": list(jia_teach.score(sample).columns[len(sample.columns) :]),
        "data": "benchmarks/synthetic.py visits(1_000_000, seed=SEED): ESR, fever_followup",
    }
    return rows, detail
