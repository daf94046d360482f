"""Seeded synthetic visit pairs in the wide format of :func:`jia_teach.score`.

The values are plausible and always inside the valid ranges: global
assessments in cm to one decimal (a 100 mm VAS read to the millimetre), CHAQ
in steps of 1/8 (the mean of eight domain scores 0-3), joint counts as whole
numbers 0-75, ESR as whole mm/h 0-200. Follow-up values are the baseline times
a log-normal change factor shared by the patient's six variables plus
per-variable noise, so responders at every level, non-responders and flares
all occur. About 1 % of the parent globals and ESRs at follow-up are missing,
and about 1 % of the fever flags, so the three-valued (NA) paths are exercised.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20261125


def _change(rng: np.random.Generator, patient: np.ndarray) -> np.ndarray:
    """Follow-up / baseline factor: the patient's own course times per-variable noise."""
    return np.exp(patient + rng.normal(0.0, 0.45, size=patient.shape))


def _vas(rng: np.random.Generator, patient: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    base = np.round(rng.beta(2.5, 2.0, size=patient.shape) * 10.0, 1)
    up = np.round(np.clip(base * _change(rng, patient), 0.0, 10.0), 1)
    return base, up


def _joints(
    rng: np.random.Generator, patient: np.ndarray, mean: float
) -> tuple[np.ndarray, np.ndarray]:
    n = patient.shape[0]
    base = np.minimum(rng.negative_binomial(2, 2.0 / (2.0 + mean), size=n), 75)
    kept = rng.binomial(base, np.clip(_change(rng, patient), 0, 1))
    new = rng.poisson(0.4 * np.exp(patient + 0.7), size=n)
    up = np.minimum(kept + new, 75)
    return base.astype(np.int64), up.astype(np.int64)


def visits(n: int = 1_000_000, seed: int = SEED, fever: bool = True) -> pd.DataFrame:
    """A wide table of ``n`` baseline/follow-up pairs (ESR marker).

    Parameters
    ----------
    n : int
        Number of rows (visit pairs).
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same table.
    fever : bool
        Add a nullable-boolean ``fever_followup`` column (about 10 % True, 1 % NA).
    """
    rng = np.random.default_rng(seed)
    # each patient's overall course: median factor 0.5, some much better, some worse
    patient = rng.normal(-0.7, 0.8, size=n)
    cols: dict[str, object] = {"patient": np.arange(1, n + 1, dtype=np.int64)}
    for name in ("physician_global", "parent_global"):
        cols[f"{name}_baseline"], cols[f"{name}_followup"] = _vas(rng, patient)
    chaq_b = rng.binomial(24, rng.beta(2.0, 3.0, size=n)) / 8.0
    chaq_f = np.round(np.clip(chaq_b * _change(rng, patient), 0, 3) * 8.0) / 8.0
    cols["chaq_baseline"], cols["chaq_followup"] = chaq_b, chaq_f
    cols["active_joints_baseline"], cols["active_joints_followup"] = _joints(rng, patient, 8.0)
    cols["lom_joints_baseline"], cols["lom_joints_followup"] = _joints(rng, patient, 5.0)
    esr_b = np.clip(np.round(rng.lognormal(np.log(40.0), 0.6, size=n)), 1, 200)
    esr_f = np.clip(np.round(esr_b * _change(rng, patient)), 0, 200)
    cols["esr_baseline"], cols["esr_followup"] = esr_b, esr_f
    for name in ("parent_global_followup", "esr_followup"):
        arr = np.asarray(cols[name], dtype=np.float64)
        arr[rng.random(n) < 0.01] = np.nan
        cols[name] = arr
    if fever:
        values = rng.random(n) < 0.10
        cols["fever_followup"] = pd.arrays.BooleanArray(values, rng.random(n) < 0.01)
    return pd.DataFrame(cols)


#: The twelve core-set columns of :func:`visits`, in pairs (baseline, follow-up).
CORE_COLUMNS: tuple[str, ...] = tuple(
    f"{v}_{s}"
    for v in ("physician_global", "parent_global", "chaq", "active_joints", "lom_joints", "esr")
    for s in ("baseline", "followup")
)
