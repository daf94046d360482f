"""Pooling 100 trials: ``jia_teach.pool`` per method against statsmodels' ``combine_effects``.

The table: k = 100 two-arm trials (arms of 20 to 200, control risks 10 % to 60 %, log odds
ratios around 1 with a between-trial SD of 0.5; seeded). Each call is timed on its own (a
per-call figure, median of many), REML included. The baseline is statsmodels'
``combine_effects`` on the same log odds ratios and variances (DerSimonian-Laird and
Paule-Mandel only: it has no REML, no MH, no prediction interval): the ratio compares the
same run, interleaved. Target: every method under 10 ms per call.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from harness import Row, interleaved, median, spread

TARGET_S = 0.010


def trials(k: int = 100, seed: int = 100) -> tuple[list[int], list[int], list[int], list[int]]:
    rng = np.random.default_rng(seed)
    n1, n2 = rng.integers(20, 201, k), rng.integers(20, 201, k)
    p2 = rng.uniform(0.1, 0.6, k)
    odds = p2 / (1 - p2) * np.exp(1.0 + rng.normal(0, 0.5, k))
    a, c = rng.binomial(n1, odds / (1 + odds)), rng.binomial(n2, p2)
    return a.tolist(), n1.tolist(), c.tolist(), n2.tolist()


def run(quick: bool = False) -> tuple[list[Row], dict[str, Any]]:
    from statsmodels.stats.meta_analysis import combine_effects

    import jia_teach

    a, n1, c, n2 = trials()
    k = len(a)
    aa, bb = np.asarray(a, float), np.asarray(n1, float) - np.asarray(a, float)
    cc, dd = np.asarray(c, float), np.asarray(n2, float) - np.asarray(c, float)
    y, v = np.log(aa * dd / (bb * cc)), 1 / aa + 1 / bb + 1 / cc + 1 / dd
    repeats = 60 if quick else 300
    calls = {
        "REML": lambda: jia_teach.pool(a, n1, c, n2, measure="OR", method="REML", warn=False),
        "REML_hksj": lambda: jia_teach.pool(
            a, n1, c, n2, measure="OR", method="REML", hksj=True, warn=False
        ),
        "DL": lambda: jia_teach.pool(a, n1, c, n2, measure="OR", method="DL", warn=False),
        "PM": lambda: jia_teach.pool(a, n1, c, n2, measure="OR", method="PM", warn=False),
        "MH": lambda: jia_teach.pool(a, n1, c, n2, measure="OR", method="MH", warn=False),
        "Peto": lambda: jia_teach.pool(a, n1, c, n2, measure="OR", method="Peto", warn=False),
        "sm_dl": lambda: combine_effects(y, v, method_re="dl"),
        "sm_pm": lambda: combine_effects(y, v, method_re="pm"),
    }
    times = interleaved(calls, repeats=repeats, warmup=3)
    m = {name: median(ts) for name, ts in times.items()}
    rows = []
    for name in ("REML", "REML_hksj", "DL", "PM", "MH", "Peto"):
        base = {"DL": "sm_dl", "PM": "sm_pm"}.get(name)
        rows.append(
            Row(
                f"pool.{name.lower()}",
                f"pool(k={k}, OR, {name.replace('_hksj', ', HKSJ')}) per call",
                m[name],
                "s",
                baseline=f"statsmodels combine_effects {m[base] * 1e3:.2f} ms" if base else "",
                ratio=m[name] / m[base] if base else None,
                target=f"< {TARGET_S * 1e3:.0f} ms",
                met=m[name] < TARGET_S,
            )
        )
    detail = {"k": k, "repeats": repeats, "samples": {n: spread(ts) for n, ts in times.items()}}
    return rows, detail
