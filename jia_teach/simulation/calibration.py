"""Fitting the simulated-cohort model to the published rates (``data/cohort_fit.csv``).

**Simulated patients, not trial data.** The model is :mod:`jia_teach.simulation.cohort_model`; the
public API is :mod:`jia_teach.simulation.cohort`. :func:`refit` runs these named steps:

1. :func:`targets` - the published per-arm rates the fit aims at (weight > 0) or is only
   compared with (weight 0), from :mod:`jia_teach.evidence`;
2. :func:`fit_tender_arm` - per TENDER arm, the responder share, responder mean and SD and
   the non-responder mean to JIA ACR30/50/70/90 (least squares), then the fever intercept and
   slope to the primary end point (ACR30 and no fever, weight 1) and the week-12 fever-free
   share (weight 0.1: a subset of each arm, over a 14-day window, so only a weak anchor);
3. :func:`fit_canakinumab_arm` - per canakinumab trial-1 arm, one shift of the latent
   response (added to the responder and the non-responder mean) fitted by bisection to the
   day-15 adapted ACR30; every other parameter is borrowed from the TENDER arm of the same
   kind (drug or placebo);
4. :func:`fit_table` - the parameters, every target and check with the rate the model
   achieves and the residual, the fit date, the arm size and the seed;
5. the table is written to ``data/cohort_fit.csv`` atomically (a private temporary file in
   the same folder, then ``os.replace``; the old file's mode is kept).

Deterministic: fixed draws (common random numbers) and deterministic optimisers.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jia_teach.rules.definitions import ResponseDefinition
from jia_teach.rules.errors import DataFileError
from jia_teach.scoring.criteria import meets_response, percent_improvement
from jia_teach.simulation.cohort_model import (
    FIT_FILE,
    PARAMETER_NAMES,
    TRIAL_SPECS,
    ArmParameters,
    arm_role,
    draw,
    fever_at_followup,
    followup_values,
    latent_response,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "CALIBRATION_N",
    "CALIBRATION_SEED",
    "TARGET_ROWS",
    "Target",
    "fit_canakinumab_arm",
    "fit_table",
    "fit_tender_arm",
    "main",
    "refit",
    "targets",
]

#: Seed and arm size used by :func:`refit` (large, so Monte Carlo error is small).
CALIBRATION_SEED = 20121220
CALIBRATION_N = 40_000

#: (trial, end point, time point, weight) of every target and check; 0 = compared only.
TARGET_ROWS: tuple[tuple[str, str, str, float], ...] = (
    ("TENDER", "acr30", "week 12", 1.0),
    ("TENDER", "acr50", "week 12", 1.0),
    ("TENDER", "acr70", "week 12", 1.0),
    ("TENDER", "acr90", "week 12", 1.0),
    ("TENDER", "acr30_no_fever", "week 12", 1.0),
    ("TENDER", "fever_free", "week 12", 0.1),  # weak anchor: subset of each arm, 14-day window
    ("canakinumab-1", "adapted_acr30", "day 15", 1.0),
    ("canakinumab-1", "adapted_acr30", "day 29", 0.0),
    ("canakinumab-1", "adapted_acr70", "month 1", 0.0),
    ("canakinumab-1", "adapted_acr90", "month 1", 0.0),
)

_FITTED_TENDER = (
    "responder_share",
    "responder_mean",
    "responder_sd",
    "nonresponder_mean",
    "fever_intercept",
    "fever_slope",
)


@dataclass(frozen=True)
class Target:
    """One published per-arm rate (0-1) with its weight in the fit and its source."""

    trial: str
    arm: str
    endpoint: str
    timepoint: str
    rate: float
    weight: float
    source_id: str
    source: str


def targets() -> list[Target]:
    """Every published rate the fit aims at (or is checked against), from the evidence.

    Raises
    ------
    jia_teach.rules.errors.DataFileError
        When a target's pair does not give both arms' percentages.

    Examples
    --------
    >>> [(t.arm, t.rate) for t in targets()][:2]
    [('tocilizumab', 0.91), ('placebo', 0.24)]
    """
    from jia_teach.evidence import pair

    out = []
    for trial, endpoint, timepoint, weight in TARGET_ROWS:
        p = pair(trial, endpoint, timepoint)
        if p.treated is None or p.control is None:
            raise DataFileError(
                f"trial_outcomes.csv should have 2 arms of {trial} {endpoint} {timepoint}",
                column="endpoint",
            )
        for f in (p.treated, p.control):
            if f.percent is None:
                raise DataFileError(
                    f"trial_outcomes.csv gives no percentage for {trial} {f.arm} {endpoint} "
                    f"{timepoint}",
                    column="percent",
                )
            out.append(
                Target(
                    trial,
                    f.arm,
                    endpoint,
                    timepoint,
                    f.percent / 100,
                    weight,
                    f.source_id,
                    f.source,
                )
            )
    return out


def _definition(endpoint: str, marker: str) -> ResponseDefinition:
    """The standard definition behind a published end point code, on the trial's marker."""
    adapted = endpoint.startswith("adapted_") or endpoint.endswith("_no_fever")
    level = int(endpoint.removeprefix("adapted_").removesuffix("_no_fever").removeprefix("acr"))
    return ResponseDefinition(
        name=endpoint,
        level=level,
        require_no_fever=adapted,
        marker=marker,  # type: ignore[arg-type]
    )


def _endpoint_rate(
    trial: str, arm: str, endpoint: str, p: ArmParameters, n_per_arm: int, seed: int
) -> float:
    """The share of a simulated arm meeting a published end point (the same draws as
    :func:`jia_teach.simulation.cohort.simulate_arm` with the same seed)."""
    spec = TRIAL_SPECS[trial]
    role, _ = arm_role(spec, arm)
    d = draw(spec, role, n_per_arm, seed)
    r = latent_response(d, p)
    fever = fever_at_followup(d, r, p)
    if endpoint == "fever_free":
        return 1.0 - float(fever.mean())
    pct = percent_improvement(d.baseline, followup_values(d, r, p))
    result = meets_response(pct, _definition(endpoint, spec.marker), fever=fever)
    return float(result.to_numpy(dtype=bool, na_value=False).mean())


def _lsq(fun, x0: Sequence[float], step: float = 0.05):
    """Deterministic least squares with central differences of a fixed, coarse step.

    The rates are shares of a finite cohort (step functions of the parameters), so the
    default tiny finite-difference step would see a zero gradient.
    """
    from scipy.optimize import least_squares

    def jac(x: NDArray[np.float64]) -> NDArray[np.float64]:
        cols = []
        for i in range(len(x)):
            h = np.zeros_like(x)
            h[i] = step
            cols.append((fun(x + h) - fun(x - h)) / (2 * step))
        return np.column_stack(cols)

    return least_squares(fun, np.asarray(x0, dtype=float), jac=jac, method="lm", xtol=1e-6)


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _for_arm(goals: list[Target], trial: str, arm: str, endpoints: tuple[str, ...]):
    return [
        t
        for t in goals
        if t.trial == trial and t.arm == arm and t.endpoint in endpoints and t.weight > 0
    ]


def fit_tender_arm(role: str, goals: list[Target], n_per_arm: int, seed: int) -> ArmParameters:
    """Fit one TENDER arm: the response mixture to ACR30-90, then fever to its two targets.

    Parameters
    ----------
    role : {"treated", "control"}
    goals : list of Target
        From :func:`targets`.
    n_per_arm, seed : int
        Size and seed of the calibration cohort (common random numbers).
    """
    tender = TRIAL_SPECS["TENDER"]
    arm_name = tender.treated if role == "treated" else tender.control
    d = draw(tender, role, n_per_arm, seed)  # type: ignore[arg-type]
    acr = _for_arm(goals, "TENDER", arm_name, ("acr30", "acr50", "acr70", "acr90"))
    levels = [int(t.endpoint.removeprefix("acr")) for t in acr]
    goal = np.array([t.rate for t in acr])
    standard = {lv: ResponseDefinition(name=f"ACR{lv}", level=lv) for lv in levels}

    def params(x: NDArray[np.float64]) -> ArmParameters:
        return ArmParameters(
            responder_share=_expit(x[0]),
            responder_mean=x[1],
            responder_sd=math.exp(x[2]),
            nonresponder_mean=x[3],
        )

    def acr_residuals(x: NDArray[np.float64]) -> NDArray[np.float64]:
        p = params(x)
        pct = percent_improvement(d.baseline, followup_values(d, latent_response(d, p), p))
        sim = [meets_response(pct, standard[lv]).to_numpy(bool).mean() for lv in levels]
        return 100 * (np.array(sim) - goal)

    start = [2.0, 2.0, math.log(0.8), 0.0] if role == "treated" else [-2.0, 1.5, 0.0, 0.0]
    p = params(_lsq(acr_residuals, start).x)
    r = latent_response(d, p)
    pct = percent_improvement(d.baseline, followup_values(d, r, p))
    acr30 = meets_response(pct, ResponseDefinition(name="ACR30")).to_numpy(bool)
    fever_goals = _for_arm(goals, "TENDER", arm_name, ("acr30_no_fever", "fever_free"))

    def fever_residuals(y: NDArray[np.float64]) -> NDArray[np.float64]:
        fever = fever_at_followup(d, r, p.replace(fever_intercept=y[0], fever_slope=y[1]))
        out = []
        for t in fever_goals:
            sim = (acr30 & ~fever).mean() if t.endpoint != "fever_free" else 1 - fever.mean()
            out.append(100 * math.sqrt(t.weight) * (sim - t.rate))
        return np.array(out)

    y = _lsq(fever_residuals, [0.0, 2.0]).x
    return p.replace(fever_intercept=y[0], fever_slope=y[1])


def fit_canakinumab_arm(
    role: str, borrowed: ArmParameters, goals: list[Target], n_per_arm: int, seed: int
) -> ArmParameters:
    """Fit one canakinumab trial-1 arm: a latent-response shift to day-15 adapted ACR30.

    Parameters
    ----------
    role : {"treated", "control"}
    borrowed : ArmParameters
        The fitted TENDER arm of the same kind; everything but the shift is taken from it.
    goals : list of Target
    n_per_arm, seed : int
    """
    can = TRIAL_SPECS["canakinumab-1"]
    arm_name = can.treated if role == "treated" else can.control
    d = draw(can, role, n_per_arm, seed)  # type: ignore[arg-type]
    (target,) = _for_arm(goals, can.name, arm_name, ("adapted_acr30",))
    adapted = _definition("adapted_acr30", can.marker)

    def shifted(shift: float) -> ArmParameters:
        return borrowed.replace(
            responder_mean=borrowed.responder_mean + shift,
            nonresponder_mean=borrowed.nonresponder_mean + shift,
        )

    def shift_rate(shift: float) -> float:
        p = shifted(shift)
        r = latent_response(d, p)
        pct = percent_improvement(d.baseline, followup_values(d, r, p))
        res = meets_response(pct, adapted, fever=fever_at_followup(d, r, p))
        return float(res.to_numpy(dtype=bool, na_value=False).mean())

    # Bisection: a larger shift raises every patient's latent response, so every improvement
    # and the chance of no fever, hence the rate (exactly monotone).
    lo, hi = -3.0, 3.0
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if shift_rate(mid) < target.rate else (lo, mid)
    return shifted((lo + hi) / 2)


def _statuses() -> dict[tuple[str, str], dict[str, str]]:
    tender, can = TRIAL_SPECS["TENDER"], TRIAL_SPECS["canakinumab-1"]
    out = {
        ("TENDER", arm): dict.fromkeys(_FITTED_TENDER, "fitted")
        for arm in (tender.treated, tender.control)
    }
    for role_arm, tender_arm in ((can.treated, tender.treated), (can.control, tender.control)):
        shift = f"TENDER {tender_arm} + fitted shift"
        borrowed = f"borrowed from TENDER {tender_arm}"
        out[(can.name, role_arm)] = {
            "responder_mean": shift,
            "nonresponder_mean": shift,
            **dict.fromkeys(
                ("responder_share", "responder_sd", "fever_intercept", "fever_slope"), borrowed
            ),
        }
    return out


def fit_table(
    fitted: dict[tuple[str, str], ArmParameters],
    goals: list[Target],
    n_per_arm: int,
    seed: int,
    fit_date: str,
) -> pd.DataFrame:
    """The content of ``cohort_fit.csv``: parameters, then every target and check."""
    status = _statuses()
    rows: list[dict[str, object]] = []
    for (trial, arm_name), p in fitted.items():
        for name in PARAMETER_NAMES:
            rows.append(
                {
                    "kind": "parameter",
                    "trial": trial,
                    "arm": arm_name,
                    "name": name,
                    "value": round(float(getattr(p, name)), 6),
                    "status": status[(trial, arm_name)].get(name, "fixed (assumption)"),
                }
            )
    for t in goals:
        achieved = _endpoint_rate(
            t.trial, t.arm, t.endpoint, fitted[(t.trial, t.arm)], n_per_arm, seed
        )
        rows.append(
            {
                "kind": "target" if t.weight > 0 else "check",
                "trial": t.trial,
                "arm": t.arm,
                "name": t.endpoint,
                "timepoint": t.timepoint,
                "target": t.rate,
                "achieved": round(achieved, 4),
                "residual_pp": round(100 * (achieved - t.rate), 2) + 0.0,
                "weight": t.weight,
                "status": (
                    "not fitted (other time point)"
                    if t.weight == 0
                    else "fitted"
                    if t.weight == 1
                    else f"fitted with weight {t.weight:g} (a subset of each arm, 14-day window)"
                ),
                "source_id": t.source_id,
                "source": t.source,
            }
        )
    table = pd.DataFrame(rows)
    for col in ("timepoint", "target", "achieved", "residual_pp", "weight", "source_id", "source"):
        if col not in table:
            table[col] = pd.NA
    table["fit_date"] = fit_date
    table["n_per_arm"] = n_per_arm
    table["seed"] = seed
    columns = ["kind", "trial", "arm", "name", "value", "timepoint", "target", "achieved"]
    columns += ["residual_pp", "weight", "status", "source_id", "source", "fit_date"]
    return table[[*columns, "n_per_arm", "seed"]]


def _write_atomically(table: pd.DataFrame, path: Path) -> None:
    """Write ``table`` to ``path`` through a private temporary file and ``os.replace``."""
    mode = path.stat().st_mode & 0o777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            table.to_csv(handle, index=False, lineterminator="\n")
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def refit(
    n_per_arm: int = CALIBRATION_N,
    seed: int = CALIBRATION_SEED,
    write: bool = True,
    directory: str | Path | None = None,
    fit_date: str | None = None,
) -> pd.DataFrame:
    """Refit every arm's parameters to the published rates and (optionally) save them.

    The steps are those of the module docstring: :func:`targets`, :func:`fit_tender_arm`
    (ACR30-90, then fever with weights 1 for the primary end point and 0.1 for the fever-free
    share), :func:`fit_canakinumab_arm` (a mean shift, the rest borrowed), :func:`fit_table`,
    and an atomic write.

    Parameters
    ----------
    n_per_arm, seed : int
        Size and seed of the calibration cohorts.
    write : bool
        Write ``data/cohort_fit.csv`` (in ``directory`` if given).
    directory : str or Path, optional
        Folder to write into instead of :func:`jia_teach.data.data_dir`.
    fit_date : str, optional
        ISO date stored with the fit (default: today).

    Returns
    -------
    pandas.DataFrame
        The fit table (the content of ``cohort_fit.csv``).
    """
    fit_date = fit_date or _dt.date.today().isoformat()
    goals = targets()
    tender, can = TRIAL_SPECS["TENDER"], TRIAL_SPECS["canakinumab-1"]
    fitted: dict[tuple[str, str], ArmParameters] = {}
    for role, arm_name in (("treated", tender.treated), ("control", tender.control)):
        fitted[("TENDER", arm_name)] = fit_tender_arm(role, goals, n_per_arm, seed)
    for role, arm_name, tender_arm in (
        ("treated", can.treated, tender.treated),
        ("control", can.control, tender.control),
    ):
        borrowed = fitted[("TENDER", tender_arm)]
        fitted[(can.name, arm_name)] = fit_canakinumab_arm(role, borrowed, goals, n_per_arm, seed)
    table = fit_table(fitted, goals, n_per_arm, seed, fit_date)
    if write:
        from jia_teach.data import clear_cache, data_dir

        folder = Path(directory) if directory is not None else data_dir()
        _write_atomically(table, folder / FIT_FILE)
        clear_cache()
    return table


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m jia_teach.simulation.calibration --refit [--n N] [--seed S]``."""
    parser = argparse.ArgumentParser(
        prog="python -m jia_teach.simulation.calibration",
        description="Simulated cohorts (simulated patients, not trial data).",
    )
    parser.add_argument("--refit", action="store_true", help="refit data/cohort_fit.csv")
    parser.add_argument("--n", type=int, default=CALIBRATION_N, help="patients per arm")
    parser.add_argument("--seed", type=int, default=CALIBRATION_SEED)
    parser.add_argument("--dry-run", action="store_true", help="print, do not write")
    args = parser.parse_args(argv)
    if not args.refit:
        parser.print_help()
        return 0
    table = refit(args.n, args.seed, write=not args.dry_run)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        shown = table[table["kind"] != "parameter"]
        print(
            shown[
                ["trial", "arm", "name", "timepoint", "target", "achieved", "residual_pp"]
            ].to_string(index=False)
        )
    from jia_teach.simulation.cohort import SIMULATED_NOTE

    print(SIMULATED_NOTE)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
