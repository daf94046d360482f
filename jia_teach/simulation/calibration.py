"""Fitting the simulated-cohort model to the published rates (``data/cohort_fit.csv``).

**Simulated patients, not trial data.** The model is :mod:`jia_teach.simulation.cohort_model`; the
public API is :mod:`jia_teach.simulation.cohort`. :func:`refit` runs these named steps:

1. :func:`targets` - the published per-arm rates the fit aims at (weight > 0) or is only
   compared with (weight 0): the rows of ``data/simulation_targets.csv``, their rates read
   from :mod:`jia_teach.evidence`;
2. :func:`fit_full_arm` - per arm of a trial whose ``fit`` is ``full`` in
   ``data/simulation_trials.csv`` (TENDER), the responder share, responder mean and SD and the
   non-responder mean to the JIA ACR rates (least squares), then the fever intercept and slope
   to the targets with a fever rule (TENDER: the primary end point, ACR30 and no fever, weight
   1, and the week-12 fever-free share, weight 0.1: a subset of each arm, over a 14-day window,
   so only a weak anchor);
3. :func:`fit_shifted_arm` - per arm of a trial whose ``fit`` is ``shift`` (canakinumab trial
   1), one shift of the latent response (added to the responder and the non-responder mean)
   fitted by bisection to the arm's one target (day-15 adapted ACR30); every other parameter
   is borrowed from the arm of the same kind (drug or placebo) of ``borrow_from`` (TENDER);
4. :func:`fit_table` - the parameters, every target and check with the rate the model
   achieves and the residual, the fit date, the arm size and the seed;
5. the table is written to ``data/cohort_fit.csv`` atomically (a private temporary file in
   the same folder, then ``os.replace``; the old file's mode is kept).

Deterministic: fixed draws (common random numbers) and deterministic optimisers.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from jia_teach.rules.errors import DataFileError
from jia_teach.simulation.cohort_model import FIT_FILE, PARAMETER_NAMES, ArmParameters
from jia_teach.simulation.fitting import Target, endpoint_rate, fit_full_arm, fit_shifted_arm
from jia_teach.simulation.trials import ROLES, TrialSpec, trial_specs

__all__ = [
    "CALIBRATION_N",
    "CALIBRATION_SEED",
    "Target",
    "fit_full_arm",
    "fit_shifted_arm",
    "fit_table",
    "main",
    "refit",
    "targets",
]

#: Seed and arm size used by :func:`refit` (large, so Monte Carlo error is small).
CALIBRATION_SEED = 20121220
CALIBRATION_N = 40_000

#: The parameters a full fit sets (the others are fixed assumptions).
_FULL_FIT = (
    "responder_share",
    "responder_mean",
    "responder_sd",
    "nonresponder_mean",
    "fever_intercept",
    "fever_slope",
)


def targets() -> list[Target]:
    """Every published rate the fit aims at (or is checked against), from the evidence.

    The rows of ``data/simulation_targets.csv`` (trial, end point, time point, weight, why), in
    file order, each with both arms' published percentages from :func:`jia_teach.evidence.pair`.

    Raises
    ------
    jia_teach.rules.errors.DataFileError
        When a target's pair does not give both arms' percentages.

    Examples
    --------
    >>> [(t.arm, t.rate) for t in targets()][:2]
    [('tocilizumab', 0.91), ('placebo', 0.24)]
    """
    from jia_teach.data import load_simulation_targets
    from jia_teach.evidence import pair

    trial_specs()  # the targets' trials are trials that can be simulated (checked on read)
    out = []
    for row in load_simulation_targets().itertuples(index=False):
        trial, endpoint, timepoint = str(row.trial), str(row.endpoint), str(row.timepoint)
        weight, why = float(row.weight), str(row.why)
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
                    why,
                )
            )
    return out


def _statuses(specs: dict[str, TrialSpec]) -> dict[tuple[str, str], dict[str, str]]:
    """How each parameter of each arm was set (the fixed ones are not listed)."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    for spec in specs.values():
        for role in ROLES:
            if spec.fit == "full":
                out[(spec.name, spec.arm(role))] = dict.fromkeys(_FULL_FIT, "fitted")
                continue
            lender = specs[str(spec.borrow_from)]
            source = f"{lender.name} {lender.arm(role)}"
            shift, borrowed = f"{source} + fitted shift", f"borrowed from {source}"
            out[(spec.name, spec.arm(role))] = {
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
    specs = trial_specs()
    status = _statuses(specs)
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
        achieved = endpoint_rate(
            specs[t.trial], t.arm, t.endpoint, fitted[(t.trial, t.arm)], n_per_arm, seed
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
                "status": t.status,
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

    The steps are those of the module docstring: :func:`targets`, :func:`fit_full_arm` for
    every trial whose ``fit`` is ``full`` (TENDER: ACR30-90, then fever with weights 1 for the
    primary end point and 0.1 for the fever-free share), :func:`fit_shifted_arm` for every
    trial whose ``fit`` is ``shift`` (a mean shift, the rest borrowed), :func:`fit_table`, and
    an atomic write. The trials and targets are those of the data folder in force.

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
    specs = trial_specs()
    fitted: dict[tuple[str, str], ArmParameters] = {}
    for spec in specs.values():  # full fits first: a shift borrows from one
        if spec.fit == "full":
            for role in ROLES:
                arm = (spec.name, spec.arm(role))
                fitted[arm] = fit_full_arm(spec, role, goals, n_per_arm, seed)
    for spec in specs.values():
        if spec.fit == "shift":
            lender = specs[str(spec.borrow_from)]
            for role in ROLES:
                borrowed = fitted[(lender.name, lender.arm(role))]
                arm = (spec.name, spec.arm(role))
                fitted[arm] = fit_shifted_arm(spec, role, borrowed, goals, n_per_arm, seed)
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
