"""Pairing and scoring 1,000,000 visits against plain pandas pairing of the same table.

The table: 200,000 patients with 5 visits each (string ids, dates a few weeks apart, rows
shuffled as an export would be), core-set values drawn like ``synthetic.visits``.

* ``pair_visits(baseline="previous")`` vs the textbook pandas
  ``sort_values`` + ``groupby(id).shift(1)`` of every column;
* ``pair_visits(baseline="first")`` vs ``sort_values`` + ``groupby(id).transform("first")``;
* ``score_visits`` (pair + score, all criteria) vs the pandas pairing + ``score``.

The pandas baselines do less: no checks (ids, dates, same-time duplicates), no provenance
columns. All timings interleaved, medians of repeats.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from harness import Row, interleaved, median, spread

CORE = ("physician_global", "parent_global", "chaq", "active_joints", "lom_joints", "esr")


def long_table(patients: int = 200_000, per: int = 5, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = patients * per
    pid = np.repeat(np.arange(patients), per)
    step = rng.integers(14, 60, n).astype("timedelta64[D]")
    start = np.datetime64("2015-01-01") + rng.integers(0, 3000, patients).astype("timedelta64[D]")
    offset = np.zeros(n, dtype="timedelta64[D]")
    csum = np.cumsum(step.astype(np.int64))
    first = np.repeat(csum[::per] - step.astype(np.int64)[::per], per)
    offset = (csum - first).astype("timedelta64[D]")
    t = pd.DataFrame(
        {
            "id": pd.array([f"P{i:07d}" for i in pid], dtype="str"),
            "date": np.repeat(start, per) + offset,
            "physician_global": np.round(rng.uniform(0, 10, n), 1),
            "parent_global": np.round(rng.uniform(0, 10, n), 1),
            "chaq": rng.integers(0, 25, n) / 8,
            "active_joints": rng.integers(0, 30, n),
            "lom_joints": rng.integers(0, 20, n),
            "esr": rng.integers(1, 120, n).astype(float),
        }
    )
    return t.iloc[rng.permutation(n)].reset_index(drop=True)


def pandas_pairs(t: pd.DataFrame, how: str) -> pd.DataFrame:
    s = t.sort_values(["id", "date"], kind="stable")
    g = s.groupby("id", sort=False)
    base = (
        g[["date", *CORE]].shift(1) if how == "previous" else g[["date", *CORE]].transform("first")
    )
    keep = s["date"] != base["date"] if how == "first" else base["date"].notna()
    out = {"id": s["id"][keep].to_numpy()}
    for c in CORE:
        out[f"{c}_baseline"] = base[c][keep].to_numpy()
        out[f"{c}_followup"] = s[c][keep].to_numpy()
    return pd.DataFrame(out)


def run(quick: bool = False) -> tuple[list[Row], dict[str, Any]]:
    import jia_teach

    t = long_table(40_000 if quick else 200_000)
    repeats = 2 if quick else 5
    funcs = {
        "pair_previous": lambda: jia_teach.pair_visits(
            t, patient="id", time="date", baseline="previous"
        ),
        "pandas_previous": lambda: pandas_pairs(t, "previous"),
        "pair_first": lambda: jia_teach.pair_visits(t, patient="id", time="date"),
        "pandas_first": lambda: pandas_pairs(t, "first"),
        "score_visits": lambda: jia_teach.score_visits(t, patient="id", time="date"),
        "pandas_first_score": lambda: jia_teach.score(pandas_pairs(t, "first")),
    }
    times = interleaved(funcs, repeats=repeats, warmup=1)
    m = {k: median(v) for k, v in times.items()}
    # sanity, not a test: both pairings give the same decisions
    ours = jia_teach.score_visits(t, patient="id", time="date")
    theirs = jia_teach.score(pandas_pairs(t, "first"))
    same = bool((ours["acr30"].fillna(False) == theirs["acr30"].fillna(False)).all())
    n = len(t)
    rows = [
        Row(
            "visits.pair_previous",
            f"pair_visits(previous), {n:,} visits",
            m["pair_previous"],
            "s",
            baseline=f"groupby.shift {m['pandas_previous']:.2f} s",
            ratio=m["pair_previous"] / m["pandas_previous"],
            target="(information)",
        ),
        Row(
            "visits.pair_first",
            f"pair_visits(first), {n:,} visits",
            m["pair_first"],
            "s",
            baseline=f"groupby.transform {m['pandas_first']:.2f} s",
            ratio=m["pair_first"] / m["pandas_first"],
            target="(information)",
        ),
        Row(
            "visits.score_visits",
            f"score_visits (pair + every criterion), {n:,} visits",
            m["score_visits"],
            "s",
            baseline=f"pandas pairing + score {m['pandas_first_score']:.2f} s",
            ratio=m["score_visits"] / m["pandas_first_score"],
            target="(information)",
        ),
    ]
    detail = {
        "n_visits": n,
        "repeats": repeats,
        "timings_s": {k: spread(v) for k, v in times.items()},
        "same_acr30_as_pandas_pairing": same,
    }
    return rows, detail
