"""The tables on which jia_teach.pool is checked against R's metafor.

``CASES``: hand-written data sets, k = 2 to 6, with zero cells, double-zero and all-event
studies, no heterogeneity and extreme heterogeneity. The first four are the trials'
published counts (data/ and the evidence sheet); the rest are synthetic test tables, not
evidence. :func:`generated_cases` draws tables nobody wrote by hand (seeded).
``tools/metafor_reference.py`` runs metafor on both and stores the answers in
``tests/data/metafor_pool_reference.json``.
"""

from __future__ import annotations

import numpy as np

#: (id, treated events, treated totals, control events, control totals)
CASES: list[tuple[str, list[int], list[int], list[int], list[int]]] = [
    # published counts: canakinumab trial 1 day 15, ANAJIS month 1, TENDER week 12, RAPPORT week 4
    ("il1_primary_k2", [36, 8], [43, 12], [4, 1], [41, 12]),
    ("il1_il6_primary_k3", [36, 8, 64], [43, 12, 75], [4, 1, 9], [41, 12, 37]),
    ("il1_with_rapport_k3", [36, 8, 20], [43, 12, 35], [4, 1, 9], [41, 12, 33]),
    ("anajis_modified_acr50_zero", [7, 29], [12, 43], [0, 1], [12, 41]),
    # synthetic test tables
    ("homogeneous_k2", [10, 12], [50, 60], [5, 6], [50, 60]),
    ("control_zero_k3", [8, 7, 12], [20, 20, 30], [0, 2, 3], [20, 20, 30]),
    ("one_double_zero_k4", [0, 5, 9, 3], [15, 40, 50, 30], [0, 2, 4, 1], [15, 40, 50, 30]),
    ("extreme_het_k5", [45, 5, 30, 2, 40], [50] * 5, [5, 45, 10, 20, 30], [50] * 5),
    ("extreme_het_zero_k6", [30, 1, 25, 0, 40, 10], [40] * 6, [2, 30, 5, 20, 35, 0], [40] * 6),
    (
        "rare_events_k6",
        [1, 0, 2, 0, 1, 3],
        [100, 120, 90, 80, 150, 200],
        [0, 1, 0, 0, 2, 1],
        [100, 120, 90, 80, 150, 200],
    ),
    ("all_events_k3", [10, 5, 8], [10, 20, 15], [10, 3, 4], [10, 20, 15]),
    ("treated_zero_k2", [0, 1], [20, 25], [5, 6], [20, 25]),
    ("identical_k4", [10, 20, 30, 40], [50, 100, 150, 200], [5, 10, 15, 20], [50, 100, 150, 200]),
    (
        "unbalanced_k5",
        [3, 40, 7, 90, 12],
        [10, 100, 20, 300, 30],
        [1, 20, 6, 60, 4],
        [12, 95, 22, 310, 28],
    ),
    (
        "moderate_het_k6",
        [12, 30, 8, 22, 15, 40],
        [40, 80, 30, 60, 50, 90],
        [6, 10, 7, 9, 12, 15],
        [40, 80, 30, 60, 50, 90],
    ),
    ("harm_direction_k3", [2, 5, 3], [30, 40, 35], [8, 12, 9], [30, 40, 35]),
    ("full_and_zero_k2", [20, 15], [20, 16], [0, 1], [20, 15]),
    ("two_double_zero_k4", [0, 0, 5, 3], [10, 12, 30, 25], [0, 0, 1, 4], [10, 12, 28, 26]),
    ("tiny_trials_k5", [2, 3, 1, 4, 2], [5, 6, 4, 7, 5], [1, 0, 1, 2, 3], [5, 6, 4, 7, 5]),
    (
        "large_trials_k6",
        [120, 340, 210, 95, 400, 150],
        [500, 1000, 800, 400, 1200, 600],
        [100, 300, 220, 60, 310, 140],
        [500, 1000, 800, 400, 1200, 600],
    ),
    ("opposite_directions_k5", [40, 2, 38, 3, 20], [50] * 5, [2, 40, 3, 38, 20], [50] * 5),
    ("no_treated_events_k2", [0, 0], [10, 10], [1, 2], [10, 10]),
    ("single_zero_each_k4", [0, 6, 9, 14], [18, 22, 25, 30], [3, 0, 4, 5], [18, 21, 26, 29]),
    ("k2_opposite", [18, 2], [20, 20], [2, 18], [20, 20]),
]


def generated_cases(
    seed: int, n: int
) -> list[tuple[str, list[int], list[int], list[int], list[int]]]:
    """``n`` random tables: k 2 to 6, arms of 5 to 200, control risks 1 % to 90 %, log odds
    ratios around 1 with a between-study SD up to 1.5 (so zero cells and heterogeneity occur).

    Examples
    --------
    >>> generated_cases(1, 2)[0][0]
    'seed1_0'
    """
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        k = int(rng.integers(2, 7))
        n1 = rng.integers(5, 201, size=k)
        n2 = rng.integers(5, 201, size=k)
        p2 = rng.uniform(0.01, 0.9, size=k)
        tau = rng.uniform(0, 1.5)
        lor = rng.normal(1.0, 1.0) + rng.normal(0, tau, size=k)
        odds1 = p2 / (1 - p2) * np.exp(lor)
        p1 = odds1 / (1 + odds1)
        a = rng.binomial(n1, p1)
        c = rng.binomial(n2, p2)
        out.append((f"seed{seed}_{i}", a.tolist(), n1.tolist(), c.tolist(), n2.tolist()))
    return out


def as_json(cases) -> list[dict]:
    """The cases in the shape ``tools/metafor_pool.R`` reads."""
    return [{"id": i, "ai": a, "n1i": n1, "ci": c, "n2i": n2} for i, a, n1, c, n2 in cases]
