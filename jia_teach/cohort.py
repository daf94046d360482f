"""Simulated cohorts calibrated to the published response profiles.

**These are simulated patients, not trial data.** Published trial reports give a
handful of percentages per arm; learners need patients to move sliders over. This
module draws core-set values for ``n`` imaginary patients per arm, from a small
generative model whose few parameters were fitted so that, scored with the
package's own core (:func:`jia_teach.criteria.percent_improvement` and
:func:`jia_teach.criteria.meets_response`), each simulated arm reproduces the
published rates:

* TENDER (tocilizumab vs placebo), week 12: JIA ACR30/50/70/90 (91/85/71/37 %
  vs 24/11/8/5 %) and the primary end point, ACR30 with no fever (85 % vs 24 %);
* canakinumab trial 1, day 15: adapted JIA ACR30 with CRP (84 % vs 10 %).

The targets are the published rates of :mod:`jia_teach.evidence` and the
published baselines come from ``data/baseline.csv``; the fitted parameters, the
fit date, every target with its source, the rate the model achieves and the
residual are in ``data/cohort_fit.csv`` (validated on load like every data
file). Refit with ``python -m jia_teach.cohort --refit`` (or
:func:`jia_teach.calibration.refit`).

This module is longer than most because its docstring carries the whole model
in plain words (about 90 lines); the code is the public API only. Three modules,
one job each: this one is the public API (simulate, score, summarise);
:mod:`jia_teach.cohort_model` holds the model's parts (marginals, copula, draws,
latent response, follow-up, fever); :mod:`jia_teach.calibration` fits the
parameters.

The model, in plain words (every choice below is an assumption, not a published
figure, unless it names a source)
------------------------------------------------------------------------------
Baseline (the same for both arms of a trial):

* TENDER: the published means and SDs of the efficacy population of an interim
  52-week report (n = 88): physician global 64.9 +/- 22.3 mm, parent global
  58.7 +/- 24.4 mm, CHAQ 1.7 +/- 0.9, active joints 19.8 +/- 15.7, joints with
  limited motion 19.8 +/- 15.6. Globals and CHAQ are scaled beta distributions
  on their range with that mean and SD; joint counts are log-normal with that
  mean and SD, rounded to whole joints.
* TENDER ESR is **not in the evidence sheet**. Assumption: log-normal with median
  40 mm/h and log-SD 0.6 (an elevated ESR, plausible for active systemic JIA).
  In this model the percent change of a variable does not depend on its baseline
  level (apart from rounding and the range limits), so this choice barely moves
  any response rate.
* Canakinumab trial 1: its own baseline is not in the evidence sheet; the
  medians of the 177 patients of trial 2 (long-term extension report, Table 1)
  stand in for it: physician 70 mm, parent 63.5 mm, active joints 10, limited
  joints 9, CHAQ 1.8, CRP 160 mg/L. Spreads are not published; assumption: the
  same shapes as TENDER (same beta concentration, same log-SD of joint counts)
  moved to those medians, and CRP log-normal with log-SD 0.7. Trial 1 required
  >= 2 active joints and CRP > 30 mg/L (Ruperto 2012): active joints are at
  least 2 and CRP is drawn above 30 mg/L.
* The six baseline values are correlated through a Gaussian copula (assumption:
  correlation 0.7 between the two joint counts, 0.5 between the two globals,
  0.3 for every other pair).
* Values are recorded as a clinic would: VAS to 0.1 cm (1 mm), CHAQ in steps of
  0.125, whole joints, ESR in whole mm/h, CRP to 0.1 mg/L; baseline values are
  at least one recording step above 0 (at least 1 joint), as every patient in
  these trials had active disease.

Follow-up:

* Each patient has a latent response ``r`` on the log scale: with probability
  ``responder_share`` the patient is a *responder* with
  ``r ~ Normal(responder_mean, responder_sd)``, otherwise a *non-responder* with
  ``r ~ Normal(nonresponder_mean, 0.25)``.
* Each variable changes by ``follow-up = baseline * exp(-(r + 0.3 * e))`` with
  independent standard-normal noise ``e`` per variable, then is rounded to its
  recording step and kept inside its valid range (values above the range are
  set to its upper limit). So ``r = 0.36`` is about a 30 % improvement,
  ``r = 2.3`` about 90 %.
* Fever at follow-up occurs with probability ``expit(fever_intercept -
  fever_slope * m)``, ``m`` being the patient's average log change over the six
  variables: the better the patient did, the less likely the fever.
* Fitted per TENDER arm: responder share, responder mean and SD and
  non-responder mean (to the four ACR rates), then the two fever parameters to
  the primary end point (weight 1) and, with a weight of 0.1, to the published week-12
  fever-free share (85 % vs 21 %). That figure is for a subset of each arm
  (35/41 and 5/24) over a 14-day window; applying it to the whole arm is an
  assumption, used only as a weak anchor for the fever rate of non-responders,
  which the primary end point does not pin down. In the placebo arm the two
  figures cannot both hold for one whole arm (24 % responders without fever
  but only 21 % without fever), so the fit settles between them.
* Canakinumab trial 1 publishes one day-15 rate per arm, which can pin one
  parameter per arm: a shift of the latent response (added to both the
  responder and the non-responder mean), fitted to adapted ACR30; every other
  parameter is borrowed from the TENDER arm of the same kind (drug or
  placebo). The month-1 adapted ACR70/90 and the day-29 adapted ACR30 belong to
  other time points: they are not fitted, only compared (``kind = check`` rows
  of the fit file).

Reproducible: the random numbers come from NumPy's PCG64 seeded with
``(seed, trial, arm)``, so a seed gives the same cohort on every machine; the
calibration uses common random numbers (fixed draws, only the parameters move).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .cohort_model import (
    FIT_FILE,
    PARAMETER_NAMES,
    TRIALS,
    ArmParameters,
    Role,
    TrialSpec,
    arm_role,
    draw,
    fever_at_followup,
    followup_values,
    latent_response,
    readonly,
    trial_spec,
)
from .coreset import Marker, core_set
from .criteria import meets_response, percent_improvement
from .definitions import ResponseDefinition
from .errors import DataFileError, InvalidValueError

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "FIT_FILE",
    "SIMULATED_NOTE",
    "TRIALS",
    "ArmParameters",
    "SimulatedArm",
    "SimulatedComparison",
    "SimulatedTrial",
    "load_parameters",
    "main",
    "simulate_arm",
    "simulate_trial",
]

#: Said by every printed or HTML summary of a simulated cohort.
SIMULATED_NOTE = (
    "Simulated patients, not trial data: a model calibrated to the published per-arm rates."
)


def _fit_table(directory: str | Path | None) -> dict[tuple[str, str], ArmParameters]:
    from .data import data_dir, load_cohort_fit

    folder = Path(directory) if directory is not None else data_dir()
    if not (folder / FIT_FILE).is_file():
        raise DataFileError(
            f"{FIT_FILE} not found in {folder}; run `python -m jia_teach.cohort --refit`"
        )
    table = load_cohort_fit(directory)
    rows = table[table["kind"] == "parameter"]
    out: dict[tuple[str, str], ArmParameters] = {}
    for (trial, arm), group in rows.groupby(["trial", "arm"], sort=False):
        names = list(group["name"])
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise DataFileError(
                f"{FIT_FILE}: parameter {twice[0]!r} of {trial} {arm} is given twice",
                column="name",
            )
        values = dict(zip(names, group["value"].astype(float), strict=True))
        missing = [n for n in PARAMETER_NAMES if n not in values]
        if missing:
            raise DataFileError(
                f"{FIT_FILE} lacks parameter(s) {', '.join(missing)} for {trial} {arm}",
                column="name",
                allowed=", ".join(PARAMETER_NAMES),
            )
        out[(str(trial), str(arm))] = ArmParameters(**{n: values[n] for n in PARAMETER_NAMES})
    return out


def load_parameters(trial: str, arm: str, directory: str | Path | None = None) -> ArmParameters:
    """The fitted parameters of one arm, read from ``data/cohort_fit.csv``.

    The file is validated on load (:func:`jia_teach.data.load_cohort_fit`): a blank value, an
    unknown or duplicated parameter, a value out of its range or a missing parameter raises
    :class:`~jia_teach.errors.DataFileError` naming the file, row and column.

    Parameters
    ----------
    trial : str
        ``"TENDER"`` or ``"canakinumab-1"``.
    arm : str
        The drug or ``"placebo"``; ``"treated"`` and ``"control"`` also work.
    directory : path, optional
        Folder holding the fit file (default: :func:`jia_teach.data.data_dir`).

    Examples
    --------
    >>> load_parameters("canakinumab-1", "control").noise_sd
    0.3
    """
    spec = trial_spec(trial)
    _, arm_name = arm_role(spec, arm)
    table = _fit_table(directory)
    try:
        return table[(spec.name, arm_name)]
    except KeyError:
        raise DataFileError(
            f"{FIT_FILE} has no parameters for {spec.name} {arm_name}", column="trial"
        ) from None


@dataclass(frozen=True, eq=False)
class SimulatedArm:
    """One simulated arm: baseline and follow-up core sets of ``n`` imaginary patients.

    Simulated patients, not trial data. Arrays are read-only; columns follow the
    fixed core-set order ``physician_global, parent_global, chaq, active_joints,
    lom_joints, <marker>`` (globals in cm).

    Attributes
    ----------
    trial, arm : str
        E.g. ``"TENDER"``, ``"tocilizumab"``.
    role : {"treated", "control"}
    marker : {"esr", "crp"}
    seed : int
    baseline, followup : numpy.ndarray, shape (n, 6)
    fever_followup : numpy.ndarray of bool, shape (n,)
    pct : numpy.ndarray, shape (n, 6)
        Percent improvement per variable (the core's
        :func:`~jia_teach.criteria.percent_improvement`), computed once.
    parameters : ArmParameters
    """

    trial: str
    arm: str
    role: Role
    marker: Marker
    seed: int
    baseline: NDArray[np.float64] = field(repr=False)
    followup: NDArray[np.float64] = field(repr=False)
    fever_followup: NDArray[np.bool_] = field(repr=False)
    pct: NDArray[np.float64] = field(repr=False)
    parameters: ArmParameters = field(repr=False)

    @property
    def n(self) -> int:
        """Number of simulated patients."""
        return int(self.baseline.shape[0])

    @property
    def variables(self) -> tuple[str, ...]:
        """Names of the six columns."""
        return tuple(v.name for v in core_set(self.marker))

    def responders(self, definition: ResponseDefinition) -> NDArray[np.bool_]:
        """Which simulated patients meet ``definition`` (bool array, shape (n,)).

        Scored by :func:`jia_teach.criteria.meets_response` from the precomputed
        percent improvements; fever at follow-up is used when the definition
        requires no fever. The sixth variable is this cohort's marker whatever
        ``definition.marker`` says.
        """
        result = meets_response(self.pct, definition, fever=self.fever_followup)
        return result.to_numpy(dtype=bool, na_value=False)

    def rate(self, definition: ResponseDefinition) -> float:
        """Share of simulated patients who meet ``definition`` (0 to 1).

        Examples
        --------
        >>> from jia_teach.definitions import ACR30, ACR90
        >>> arm = simulate_arm("TENDER", "tocilizumab", n=2000)
        >>> arm.rate(ACR30) > arm.rate(ACR90)
        True
        """
        return float(np.count_nonzero(self.responders(definition))) / self.n

    def to_frame(self) -> pd.DataFrame:
        """The arm as a wide table for :func:`jia_teach.score`.

        Columns ``<variable>_baseline``, ``<variable>_followup`` (globals in cm)
        and ``fever_followup``; one row per simulated patient. ``attrs["note"]``
        says these are simulated patients.

        Examples
        --------
        >>> frame = simulate_arm("canakinumab-1", "placebo", n=3).to_frame()
        >>> list(frame.columns[:2]), list(frame.columns[-3:])
        (['physician_global_baseline', 'physician_global_followup'], \
['crp_baseline', 'crp_followup', 'fever_followup'])
        """
        data: dict[str, NDArray] = {}
        for j, name in enumerate(self.variables):
            data[f"{name}_baseline"] = self.baseline[:, j].copy()
            data[f"{name}_followup"] = self.followup[:, j].copy()
        data["fever_followup"] = self.fever_followup.copy()
        frame = pd.DataFrame(data)
        frame.index.name = "simulated_patient"
        frame.attrs["note"] = SIMULATED_NOTE
        frame.attrs["trial"], frame.attrs["arm"] = self.trial, self.arm
        return frame

    def __repr__(self) -> str:
        return (
            f"SimulatedArm({self.trial}, {self.arm}, n={self.n}, seed={self.seed}, "
            f"marker={self.marker}) - {SIMULATED_NOTE}"
        )


def _resolve_definitions(
    definitions: Sequence[ResponseDefinition] | ResponseDefinition,
) -> list[ResponseDefinition]:
    if isinstance(definitions, ResponseDefinition):
        return [definitions]
    out = list(definitions)
    for i, d in enumerate(out):
        if not isinstance(d, ResponseDefinition):
            raise InvalidValueError(
                f"{d!r} is not a ResponseDefinition", column="definitions", row=i + 1
            )
    return out


@dataclass(frozen=True)
class SimulatedComparison:
    """Two simulated arms under one definition: point rates only (no interval, no p-value).

    Attributes
    ----------
    trial, treated_arm, control_arm : str
    definition : ResponseDefinition
    treated_rate, control_rate : float
        Shares of simulated patients meeting the definition (0-1).
    risk_difference : float
        ``treated_rate - control_rate``.
    nnt : float
        ``1 / risk_difference`` (signed; ``inf`` when the rates are equal; negative: placebo
        did better, a number needed to harm).
    n_per_arm : (int, int)
    """

    trial: str
    treated_arm: str
    control_arm: str
    definition: ResponseDefinition
    treated_rate: float
    control_rate: float
    risk_difference: float
    nnt: float
    n_per_arm: tuple[int, int]

    def nnt_sentence(self) -> str:
        """The number needed in words (a point value, rounded up as Altman advises).

        Examples
        --------
        >>> from jia_teach.definitions import ACR30
        >>> simulate_trial("TENDER", n_per_arm=2000).compare(ACR30).nnt_sentence()[:8]
        'NNT 1.5 '
        """
        from .effects import round_up

        if self.risk_difference == 0 or math.isinf(self.nnt):
            return "NNT: infinite (no difference between the arms)"
        if self.risk_difference < 0:
            return f"NNH {abs(self.nnt):.1f}: placebo did better under this definition"
        return (
            f"NNT {self.nnt:.1f} (about {round_up(self.nnt):.0f} children treated for one more "
            "responder)"
        )


@dataclass(frozen=True, eq=False)
class SimulatedTrial:
    """Both simulated arms of a trial. Simulated patients, not trial data.

    Examples
    --------
    >>> from jia_teach.definitions import ACR30, ACR90
    >>> sim = simulate_trial("TENDER", n_per_arm=2000)
    >>> table = sim.summarise([ACR30, ACR90])
    >>> list(table.index), table.columns.name
    (['ACR30', 'ACR90'], 'Simulated patients, not trial data')
    >>> bool((table["treated_rate"] > table["control_rate"]).all())
    True
    """

    trial: str
    treated: SimulatedArm
    control: SimulatedArm

    @property
    def marker(self) -> Marker:
        """The inflammation marker of this trial's core set."""
        return self.treated.marker

    def rates(self, definition: ResponseDefinition) -> tuple[float, float]:
        """(treated rate, control rate) under ``definition``."""
        return self.treated.rate(definition), self.control.rate(definition)

    def summarise(
        self, definitions: Sequence[ResponseDefinition] | ResponseDefinition
    ) -> pd.DataFrame:
        """One row per definition: both rates, risk difference and NNT.

        Parameters
        ----------
        definitions : ResponseDefinition or sequence of them

        Returns
        -------
        pandas.DataFrame
            Index ``definition`` (the definition's name); columns
            ``treated_rate`` and ``control_rate`` (shares 0-1),
            ``risk_difference`` (treated minus control), ``nnt`` (number needed
            to treat, ``1 / risk_difference``; ``inf`` when the difference is 0,
            negative values are a number needed to harm), ``description``.
            ``columns.name`` and ``attrs["note"]`` say these are simulated
            patients.
        """
        rows = []
        for d in _resolve_definitions(definitions):
            # Point values only (see compare): no interval on simulated patients.
            c = self.compare(d)
            rows.append(
                {
                    "definition": d.name,
                    "treated_rate": c.treated_rate,
                    "control_rate": c.control_rate,
                    "risk_difference": c.risk_difference,
                    "nnt": c.nnt,
                    "description": d.describe(),
                }
            )
        table = pd.DataFrame(rows).set_index("definition")
        table.columns.name = "Simulated patients, not trial data"
        table.attrs.update(
            note=SIMULATED_NOTE,
            trial=self.trial,
            treated=self.treated.arm,
            control=self.control.arm,
            n_per_arm=(self.treated.n, self.control.n),
        )
        return table

    def compare(self, definition: ResponseDefinition) -> SimulatedComparison:
        """Both arms' rates under ``definition``, their difference and the NNT: points only.

        No confidence interval, p-value or NNT interval is offered: the simulated N is
        arbitrary, so an interval would describe the simulation's size, not a trial's
        uncertainty (intervals belong to the published counts only).

        Examples
        --------
        >>> from jia_teach.definitions import ACR30
        >>> c = simulate_trial("TENDER", n_per_arm=2000).compare(ACR30)
        >>> c.treated_rate > c.control_rate, c.nnt == 1 / c.risk_difference
        (True, True)
        """
        t, c = self.rates(definition)
        rd = t - c
        return SimulatedComparison(
            trial=self.trial,
            treated_arm=self.treated.arm,
            control_arm=self.control.arm,
            definition=definition,
            treated_rate=t,
            control_rate=c,
            risk_difference=rd,
            nnt=math.inf if rd == 0 else 1.0 / rd,
            n_per_arm=(self.treated.n, self.control.n),
        )

    def _headline(self) -> pd.DataFrame:
        defs = [
            ResponseDefinition(name=f"ACR{lv}", level=lv, marker=self.marker)
            for lv in (30, 50, 70, 90)
        ]
        table = self.summarise(defs).drop(columns="description")
        shown = pd.DataFrame(
            {
                f"{self.treated.arm} %": (100 * table["treated_rate"]).round(1),
                f"{self.control.arm} %": (100 * table["control_rate"]).round(1),
                "difference (points)": (100 * table["risk_difference"]).round(1),
                "NNT": table["nnt"].round(1),
            },
            index=table.index,
        )
        shown.columns.name = "simulated"
        return shown

    def __repr__(self) -> str:
        return (
            f"SimulatedTrial({self.trial}: {self.treated.arm} n={self.treated.n}, "
            f"{self.control.arm} n={self.control.n}, seed={self.treated.seed})\n"
            f"{SIMULATED_NOTE}\n{self._headline().to_string()}"
        )

    def _repr_html_(self) -> str:
        return (
            f"<p><strong>{SIMULATED_NOTE}</strong><br>{self.trial}: {self.treated.arm} "
            f"n={self.treated.n}, {self.control.arm} n={self.control.n}, "
            f"seed={self.treated.seed}</p>" + self._headline().to_html()
        )


def _arm(spec: TrialSpec, role: Role, arm_name: str, n: int, seed: int, p: ArmParameters):
    d = draw(spec, role, n, seed)
    r = latent_response(d, p)
    followup = followup_values(d, r, p)
    return SimulatedArm(
        trial=spec.name,
        arm=arm_name,
        role=role,
        marker=spec.marker,
        seed=int(seed),
        baseline=readonly(d.baseline),
        followup=readonly(followup),
        fever_followup=readonly(fever_at_followup(d, r, p)),
        pct=readonly(percent_improvement(d.baseline, followup)),
        parameters=p,
    )


def simulate_arm(
    trial: str,
    arm: str,
    n: int = 10_000,
    seed: int = 2012,
    parameters: ArmParameters | None = None,
) -> SimulatedArm:
    """Simulate one arm of a trial (simulated patients, not trial data).

    Parameters
    ----------
    trial : {"TENDER", "canakinumab-1"}
    arm : str
        ``"tocilizumab"`` / ``"canakinumab"`` or ``"treated"``; ``"placebo"``
        or ``"control"``.
    n : int
        Number of simulated patients.
    seed : int
        Same seed, same cohort, on every machine.
    parameters : ArmParameters, optional
        Default: the fitted ones from ``data/cohort_fit.csv``.

    Examples
    --------
    >>> arm = simulate_arm("TENDER", "placebo", n=5, seed=1)
    >>> arm.baseline.shape, arm.marker, arm.arm
    ((5, 6), 'esr', 'placebo')
    >>> bool((arm.followup[:, 3:5] == arm.followup[:, 3:5].round()).all())
    True
    """
    spec = trial_spec(trial)
    role, arm_name = arm_role(spec, arm)
    p = parameters if parameters is not None else load_parameters(spec.name, arm_name)
    return _arm(spec, role, arm_name, n, seed, p)


def simulate_trial(trial: str, n_per_arm: int = 10_000, seed: int = 2012) -> SimulatedTrial:
    """Simulate both arms of a trial (simulated patients, not trial data).

    Examples
    --------
    >>> from jia_teach.definitions import ADAPTED_ACR30
    >>> sim = simulate_trial("canakinumab-1", n_per_arm=1000)
    >>> sim.treated.arm, sim.control.arm, sim.marker
    ('canakinumab', 'placebo', 'crp')
    """
    spec = trial_spec(trial)
    return SimulatedTrial(
        trial=spec.name,
        treated=simulate_arm(spec.name, "treated", n_per_arm, seed),
        control=simulate_arm(spec.name, "control", n_per_arm, seed),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m jia_teach.cohort --refit [--n N] [--seed S] [--dry-run]``."""
    parser = argparse.ArgumentParser(
        prog="python -m jia_teach.cohort",
        description="Simulated cohorts (simulated patients, not trial data).",
    )
    parser.add_argument("--refit", action="store_true", help="refit data/cohort_fit.csv")
    from .calibration import CALIBRATION_N, CALIBRATION_SEED

    parser.add_argument("--n", type=int, default=CALIBRATION_N, help="patients per arm")
    parser.add_argument("--seed", type=int, default=CALIBRATION_SEED)
    parser.add_argument("--dry-run", action="store_true", help="print, do not write")
    args = parser.parse_args(argv)
    if not args.refit:
        parser.print_help()
        return 0
    from .calibration import refit

    table = refit(args.n, args.seed, write=not args.dry_run)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        shown = table[table["kind"] != "parameter"]
        print(
            shown[
                ["trial", "arm", "name", "timepoint", "target", "achieved", "residual_pp"]
            ].to_string(index=False)
        )
    print(SIMULATED_NOTE)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
