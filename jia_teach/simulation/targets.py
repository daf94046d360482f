"""A simulated Still's disease registry for treat-to-target: visits around the checkpoints.

:func:`simulated_target_registry` draws, from a seeded generator, a visit table shaped like a
registry export of children starting IL-1 or IL-6 blockade for systemic JIA: one row per visit
with ``id``, ``visit``, ``day`` (days since the first dose), ``fever`` (yes/no), ``crp``
(mg/L), ``active_joints``, ``gc_mg_kg_day`` (glucocorticoid, prednisone-equivalent),
``systemic_features`` and ``active_uveitis`` (yes/no) and ``physician_global`` (0-10 cm): what
:func:`jia_teach.scoring.targets.treat_to_target` reads. Visits are planned at day 0, day 7,
week 4, month 3 and month 6, each a few days early or late (some fall outside the checkpoint
windows on purpose); about 8 % of planned visits are missed and about 3 % of values are blank.

Every number in it is invented: it teaches the workflow, and no figure drawn from it may be
read as evidence about any treatment. ``attrs["note"]`` says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["SIMULATED_TARGET_NOTE", "simulated_target_registry"]

SIMULATED_TARGET_NOTE = (
    "simulated treat-to-target registry (invented values for teaching; not patient data)"
)
# visit, planned day, spread of the actual day (days either side)
_PLAN = (
    ("day 0", 0, 0),
    ("day 7", 7, 4),
    ("week 4", 28, 8),
    ("month 3", 91, 16),
    ("month 6", 183, 30),
)


def simulated_target_registry(patients: int = 200, seed: int = 20261204) -> pd.DataFrame:
    """A seeded, simulated long table of visits (see the module docstring).

    Examples
    --------
    >>> reg = simulated_target_registry(patients=5, seed=1)
    >>> reg.columns.tolist()[:4], reg.attrs["note"].startswith("simulated")
    (['id', 'visit', 'day', 'fever'], True)
    >>> simulated_target_registry(patients=5, seed=1).equals(reg)
    True
    """
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(patients):
        pid = f"STILL-{k + 1:04d}"
        speed = rng.beta(2.5, 1.5)  # how fast and how far this child's disease settles
        crp0 = rng.uniform(40, 250)
        joints0 = int(rng.choice([0, 0, 1, 2, 4, 6, 10, 16]))
        gc0 = float(rng.choice([0.0, 0.5, 1.0, 2.0], p=[0.3, 0.2, 0.35, 0.15]))
        taper = rng.uniform(0.3, 1.0)  # how quickly glucocorticoids come down
        for visit, day, spread in _PLAN:
            if day > 0 and rng.random() < 0.08:
                continue  # a missed visit
            actual = day + (int(rng.integers(-spread, spread + 1)) if spread else 0)
            settled = min(1.0, speed * (actual / 14.0) ** 0.5) if actual > 0 else 0.0
            active = 1.0 - settled
            row: dict[str, object] = {"id": pid, "visit": visit, "day": actual}
            row["fever"] = "yes" if rng.random() < 0.9 * active**1.5 + 0.02 else "no"
            row["crp"] = round(max(crp0 * active**1.5 * rng.lognormal(0, 0.35), 0.5), 1)
            row["active_joints"] = int(max(round(joints0 * active * rng.lognormal(0, 0.4)), 0))
            dose = gc0 * max(0.0, 1.0 - taper * actual / 150.0) if actual > 0 else gc0
            row["gc_mg_kg_day"] = round(dose, 2) if dose >= 0.02 else 0.0
            row["systemic_features"] = "yes" if rng.random() < 0.8 * active**2 else "no"
            row["active_uveitis"] = "no"
            row["physician_global"] = round(min(10.0, 8.0 * active * rng.lognormal(0, 0.3)), 1)
            if active < 0.12 and rng.random() < 0.6:
                row["physician_global"] = 0.0
            for name in ("fever", "crp", "active_joints", "gc_mg_kg_day", "physician_global"):
                if rng.random() < 0.03:
                    row[name] = None
            rows.append(row)
    table = pd.DataFrame(rows)
    table["active_joints"] = table["active_joints"].astype("Int64")
    table.attrs["note"] = SIMULATED_TARGET_NOTE
    return table
