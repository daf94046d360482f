"""A simulated registry of visits, for the researcher notebook and for tests. Not patient data.

:func:`simulated_registry` draws, from a seeded generator, a visit table shaped like a
registry or REDCap export of children with systemic JIA starting a biologic: one row per
visit (``id``, ``visit``, ``visit_date``), the six core-set values named by the variable
(``physician_global``, ``parent_global``, ``chaq``, ``active_joints``, ``lom_joints``,
``crp``; CRP as in the systemic-JIA trials) and ``fever``. Each patient has a screening
visit, a week-0 visit and planned visits at weeks 2, 4, 12, 24 and 52, each a few days
early or late; some visits are missed and about 3 % of values are blank. Values improve
over time with a patient-level response that varies widely, and some patients flare.

Every number in it is invented: it teaches the workflow, and no figure drawn from it may
be read as evidence about any treatment. The ``attrs["note"]`` of the table says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["SIMULATED_NOTE", "simulated_registry"]

SIMULATED_NOTE = "simulated registry (invented values for teaching; not patient data)"
_PLAN = (("screening", -7), ("week 0", 0), ("week 2", 14), ("week 4", 28), ("week 12", 84),
         ("week 24", 168), ("week 52", 364))  # fmt: skip


def simulated_registry(patients: int = 300, seed: int = 20261201) -> pd.DataFrame:
    """A seeded, simulated long table of visits (see the module docstring).

    Examples
    --------
    >>> reg = simulated_registry(patients=5, seed=1)
    >>> reg.columns.tolist()[:4], reg.attrs["note"].startswith("simulated")
    (['id', 'visit', 'visit_date', 'physician_global'], True)
    >>> simulated_registry(patients=5, seed=1).equals(reg)
    True
    """
    rng = np.random.default_rng(seed)
    rows = []
    start = np.datetime64("2021-01-04")
    for k in range(patients):
        pid = f"SIM-{k + 1:04d}"
        enrol = start + np.timedelta64(int(rng.integers(0, 900)), "D")
        respond = rng.beta(2.2, 1.6)  # share of the disease that goes by week 12
        flare_at = rng.choice([None, 168, 364], p=[0.8, 0.1, 0.1])
        base = {
            "physician_global": rng.uniform(4, 9.5),
            "parent_global": rng.uniform(3, 9.5),
            "chaq": rng.integers(6, 22) / 8,
            "active_joints": int(rng.integers(3, 25)),
            "lom_joints": int(rng.integers(2, 18)),
            "crp": rng.uniform(40, 220),
        }
        for visit, day in _PLAN:
            if day > 0 and rng.random() < 0.08:
                continue  # a missed visit
            when = enrol + np.timedelta64(day + int(rng.integers(-5, 6)) * (day > 0), "D")
            effect = respond * min(max(day, 0) / 84, 1.0)
            if flare_at is not None and day >= flare_at:
                effect *= 0.2
            row = {"id": pid, "visit": visit, "visit_date": pd.Timestamp(when)}
            for name, b in base.items():
                noise = rng.normal(1.0, 0.12)
                value = max(b * (1 - effect) * noise, 0.0)
                if name in ("active_joints", "lom_joints"):
                    value = int(min(round(value), 75))
                elif name == "chaq":
                    value = min(round(value * 8) / 8, 3.0)
                elif name == "crp":
                    value = round(min(value, 500.0), 1)
                else:
                    value = round(min(value, 10.0), 1)
                row[name] = value if rng.random() > 0.03 else None
            fever_p = 0.85 * (1 - effect) if day <= 0 else 0.6 * (1 - effect)
            row["fever"] = "yes" if rng.random() < fever_p else "no"
            rows.append(row)
    table = pd.DataFrame(rows)
    for name in ("active_joints", "lom_joints"):
        table[name] = table[name].astype("Int64")
    table.attrs["note"] = SIMULATED_NOTE
    return table
