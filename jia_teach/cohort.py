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

The targets are read from ``data/trial_outcomes.csv`` and the published baselines
from ``data/baseline.csv`` (both via :mod:`jia_teach.data`); the fitted
parameters, the fit date, every target with its source, the rate the model
achieves and the residual are in ``data/cohort_fit.csv``. Refit with
``python -m jia_teach.cohort --refit`` (or :func:`refit`).

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
  the primary end point and, with a weight of 0.1, to the published week-12
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
import datetime as _dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from .coreset import Marker, core_set
from .criteria import meets_response, percent_improvement
from .definitions import RESPONSE_PRESETS, ResponseDefinition
from .errors import DataFileError, InvalidValueError

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "FIT_FILE",
    "SIMULATED_NOTE",
    "TRIALS",
    "ArmParameters",
    "SimulatedArm",
    "SimulatedTrial",
    "load_parameters",
    "main",
    "refit",
    "simulate_arm",
    "simulate_trial",
]

#: Said by every printed or HTML summary of a simulated cohort.
SIMULATED_NOTE = (
    "Simulated patients, not trial data: a model calibrated to the published per-arm rates."
)

#: File (in :func:`jia_teach.data.data_dir`) holding the fitted parameters.
FIT_FILE = "cohort_fit.csv"

Role = Literal["treated", "control"]

# ---------------------------------------------------------------------------------------------
# fixed model constants (assumptions; see the module docstring and data/README.md)
# ---------------------------------------------------------------------------------------------
NOISE_SD = 0.3  # per-variable spread of the log change around the patient's latent response
NONRESPONDER_SD = 0.25  # spread of the latent response of non-responders
TENDER_ESR_MEDIAN = 40.0  # mm/h, ASSUMPTION: TENDER baseline ESR is not in the evidence sheet
TENDER_ESR_LOG_SD = 0.6  # ASSUMPTION
CRP_LOG_SD = 0.7  # ASSUMPTION: canakinumab baseline CRP spread not published
CANAKINUMAB_MIN_CRP = 30.0  # mg/L, trial-1 inclusion: CRP > 30 mg/L (Ruperto 2012)
CANAKINUMAB_MIN_ACTIVE = 2  # trial-1 inclusion: >= 2 active joints (Ruperto 2012)
_CORR_OTHER, _CORR_GLOBALS, _CORR_JOINTS = 0.3, 0.5, 0.7  # baseline copula (ASSUMPTION)
#: Recording step of each variable (VAS cm, CHAQ, joints, ESR mm/h or CRP mg/L).
_STEP = {"esr": 1.0, "crp": 0.1}
_STEPS5 = (0.1, 0.1, 0.125, 1.0, 1.0)

#: Seed and arm size used by :func:`refit` (large, so Monte Carlo error is small).
CALIBRATION_SEED = 20121220
CALIBRATION_N = 40_000

_PARAMETER_NAMES = (
    "responder_share",
    "responder_mean",
    "responder_sd",
    "nonresponder_mean",
    "nonresponder_sd",
    "noise_sd",
    "fever_intercept",
    "fever_slope",
)


@dataclass(frozen=True)
class _Trial:
    name: str
    code: int
    marker: Marker
    treated: str
    control: str
    timepoint: str
    baseline_trial: str  # the trial whose published baseline rows are used


_TRIALS: dict[str, _Trial] = {
    "TENDER": _Trial("TENDER", 1, "esr", "tocilizumab", "placebo", "week 12", "TENDER"),
    "canakinumab-1": _Trial(
        "canakinumab-1", 2, "crp", "canakinumab", "placebo", "day 15", "canakinumab-2"
    ),
}
#: Trials that can be simulated, with their (treated, control) arm names.
TRIALS: dict[str, tuple[str, str]] = {k: (t.treated, t.control) for k, t in _TRIALS.items()}


def _trial(name: str) -> _Trial:
    key = str(name).strip().lower().replace("_", "-").replace(" ", "-")
    aliases = {
        "tender": "TENDER",
        "canakinumab-1": "canakinumab-1",
        "canakinumab1": "canakinumab-1",
    }
    if key not in aliases:
        raise InvalidValueError(
            f"{name!r} is not a trial that can be simulated",
            column="trial",
            allowed=", ".join(_TRIALS),
        )
    return _TRIALS[aliases[key]]


def _role(trial: _Trial, arm: str) -> tuple[Role, str]:
    key = str(arm).strip().lower()
    if key in ("treated", trial.treated, "active", "drug"):
        return "treated", trial.treated
    if key in ("control", trial.control):
        return "control", trial.control
    raise InvalidValueError(
        f"{arm!r} is not an arm of {trial.name}",
        column="arm",
        allowed=f"'{trial.treated}' or 'treated', '{trial.control}' or 'control'",
    )


# ---------------------------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArmParameters:
    """The generative model's parameters for one arm (see the module docstring).

    Examples
    --------
    >>> p = load_parameters("TENDER", "placebo")
    >>> 0 < p.responder_share < 0.5 < load_parameters("TENDER", "tocilizumab").responder_share
    True
    """

    responder_share: float
    responder_mean: float
    responder_sd: float
    nonresponder_mean: float
    nonresponder_sd: float = NONRESPONDER_SD
    noise_sd: float = NOISE_SD
    fever_intercept: float = 0.0
    fever_slope: float = 0.0

    def replace(self, **changes: float) -> ArmParameters:
        """A copy with some parameters changed."""
        import dataclasses

        return dataclasses.replace(self, **changes)


def _fit_path(directory: str | Path | None = None) -> Path:
    if directory is not None:
        return Path(directory) / FIT_FILE
    from .data import data_dir

    return data_dir() / FIT_FILE


@lru_cache(maxsize=4)
def _read_parameters(path: str, stamp: int) -> dict[tuple[str, str], ArmParameters]:
    table = pd.read_csv(path, dtype={"trial": str, "arm": str, "name": str})
    out: dict[tuple[str, str], ArmParameters] = {}
    rows = table[table["kind"] == "parameter"]
    for (trial, arm), group in rows.groupby(["trial", "arm"], sort=False):
        values = dict(zip(group["name"], group["value"].astype(float), strict=True))
        missing = [n for n in _PARAMETER_NAMES if n not in values]
        if missing:
            raise DataFileError(
                f"{FIT_FILE} lacks parameter(s) {', '.join(missing)} for {trial} {arm}",
                column="name",
                allowed=", ".join(_PARAMETER_NAMES),
            )
        out[(str(trial), str(arm))] = ArmParameters(**{n: values[n] for n in _PARAMETER_NAMES})
    return out


def load_parameters(trial: str, arm: str, directory: str | Path | None = None) -> ArmParameters:
    """The fitted parameters of one arm, read from ``data/cohort_fit.csv``.

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
    spec = _trial(trial)
    _, arm_name = _role(spec, arm)
    path = _fit_path(directory)
    if not path.is_file():
        raise DataFileError(f"{path} not found; run `python -m jia_teach.cohort --refit`")
    table = _read_parameters(str(path), path.stat().st_mtime_ns)
    try:
        return table[(spec.name, arm_name)]
    except KeyError:
        raise DataFileError(
            f"{FIT_FILE} has no parameters for {spec.name} {arm_name}", column="trial"
        ) from None


# ---------------------------------------------------------------------------------------------
# baseline
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Marginal:
    kind: str  # "beta" (scaled to 0..high) or "lognormal"
    a: float  # beta a, or log-normal mu
    b: float  # beta b, or log-normal sigma
    high: float
    step: float
    low: float  # smallest baseline value (one recording step, or an inclusion limit)
    truncate_above: float | None = None  # log-normal drawn above this value


def _beta_from_moments(mean: float, sd: float, high: float) -> tuple[float, float]:
    m, v = mean / high, (sd / high) ** 2
    k = m * (1 - m) / v - 1
    if k <= 0:
        raise DataFileError(f"SD {sd} too large for a mean of {mean} on 0 to {high}")
    return m * k, (1 - m) * k


def _beta_from_median(median: float, concentration: float, high: float) -> tuple[float, float]:
    from scipy.special import betaincinv

    target, lo, hi = median / high, 1e-6, 1 - 1e-6
    for _ in range(80):  # bisection: the median rises with the mean
        mid = (lo + hi) / 2
        if betaincinv(mid * concentration, (1 - mid) * concentration, 0.5) < target:
            lo = mid
        else:
            hi = mid
    m = (lo + hi) / 2
    return m * concentration, (1 - m) * concentration


def _lognormal_from_moments(mean: float, sd: float) -> tuple[float, float]:
    s2 = math.log1p((sd / mean) ** 2)
    return math.log(mean) - s2 / 2, math.sqrt(s2)


def _published_baseline(trial: str) -> dict[str, tuple[str, float, float | None]]:
    from .data import load_baseline

    table = load_baseline()
    rows = table[table["trial"] == trial]
    out = {}
    for row in rows.itertuples(index=False):
        value = float(row.value)
        sd = None if pd.isna(row.sd) else float(row.sd)
        if row.unit.startswith("mm"):  # VAS in mm -> cm
            value, sd = value / 10, (None if sd is None else sd / 10)
        out[str(row.variable)] = (str(row.statistic), value, sd)
    return out


@lru_cache(maxsize=4)
def _marginals(trial_name: str) -> tuple[_Marginal, ...]:
    """The six baseline distributions of a trial, from ``data/baseline.csv``."""
    tender = _published_baseline("TENDER")

    def need(table: dict, var: str, stat: str, source: str) -> tuple[float, float | None]:
        if var not in table or table[var][0] != stat:
            raise DataFileError(
                f"baseline.csv has no {stat} of {var} for {source}", column="variable"
            )
        return table[var][1], table[var][2]

    highs = [v.high for v in core_set("esr")]
    tender_shapes = []
    for i, var in enumerate(("physician_global", "parent_global", "chaq")):
        mean, sd = need(tender, var, "mean", "TENDER")
        tender_shapes.append(("beta", *_beta_from_moments(mean, sd or 0.0, highs[i])))
    for var in ("active_joints", "lom_joints"):
        mean, sd = need(tender, var, "mean", "TENDER")
        tender_shapes.append(("lognormal", *_lognormal_from_moments(mean, sd or 0.0)))

    spec = _TRIALS[trial_name]
    margins: list[_Marginal] = []
    if trial_name == "TENDER":
        for i, (kind, a, b) in enumerate(tender_shapes):
            low = 1.0 if kind == "lognormal" else _STEPS5[i]
            margins.append(_Marginal(kind, a, b, highs[i], _STEPS5[i], low))
        margins.append(
            _Marginal("lognormal", math.log(TENDER_ESR_MEDIAN), TENDER_ESR_LOG_SD, 200.0, 1.0, 1.0)
        )
    else:
        published = _published_baseline(spec.baseline_trial)
        for i, var in enumerate(("physician_global", "parent_global", "chaq")):
            median, _ = need(published, var, "median", spec.baseline_trial)
            _, a, b = tender_shapes[i]
            a, b = _beta_from_median(median, a + b, highs[i])
            margins.append(_Marginal("beta", a, b, highs[i], _STEPS5[i], _STEPS5[i]))
        for i, var in ((3, "active_joints"), (4, "lom_joints")):
            median, _ = need(published, var, "median", spec.baseline_trial)
            low = float(CANAKINUMAB_MIN_ACTIVE) if var == "active_joints" else 1.0
            sigma = tender_shapes[i][2]
            margins.append(_Marginal("lognormal", math.log(median), sigma, 75.0, 1.0, low))
        median, _ = need(published, "crp", "median", spec.baseline_trial)
        margins.append(
            _Marginal(
                "lognormal",
                math.log(median),
                CRP_LOG_SD,
                500.0,
                _STEP["crp"],
                CANAKINUMAB_MIN_CRP + _STEP["crp"],
                truncate_above=CANAKINUMAB_MIN_CRP,
            )
        )
    return tuple(margins)


def _copula_cholesky() -> NDArray[np.float64]:
    corr = np.full((6, 6), _CORR_OTHER)
    corr[0, 1] = corr[1, 0] = _CORR_GLOBALS
    corr[3, 4] = corr[4, 3] = _CORR_JOINTS
    np.fill_diagonal(corr, 1.0)
    return np.linalg.cholesky(corr)


def _record(values: NDArray[np.float64], step: float) -> NDArray[np.float64]:
    """Round to the recording step (0.125 and whole numbers are exact in binary)."""
    out = np.rint(values / step) * step
    return np.round(out, 6)


def _baseline(trial_name: str, normals: NDArray[np.float64]) -> NDArray[np.float64]:
    from scipy.special import betaincinv, ndtr, ndtri

    z = normals @ _copula_cholesky().T
    out = np.empty_like(z)
    for j, m in enumerate(_marginals(trial_name)):
        if m.kind == "beta":
            x = m.high * betaincinv(m.a, m.b, ndtr(z[:, j]))
        else:
            zj = z[:, j]
            if m.truncate_above is not None:
                p_lo = ndtr((math.log(m.truncate_above) - m.a) / m.b)
                zj = ndtri(p_lo + (1 - p_lo) * ndtr(zj))
            x = np.exp(m.a + m.b * zj)
        out[:, j] = np.clip(_record(x, m.step), m.low, m.high)
    return out


# ---------------------------------------------------------------------------------------------
# draws and follow-up
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Draws:
    """Every random number of one arm (common random numbers for the calibration)."""

    baseline: NDArray[np.float64]
    membership: NDArray[np.float64]
    latent: NDArray[np.float64]
    noise: NDArray[np.float64]
    fever: NDArray[np.float64]
    highs: NDArray[np.float64]
    steps: NDArray[np.float64]


def _draws(spec: _Trial, role: Role, n: int, seed: int) -> _Draws:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise InvalidValueError(f"{n!r} patients", column="n", allowed="whole numbers 1 or more")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InvalidValueError(f"{seed!r}", column="seed", allowed="whole numbers 0 or more")
    rng = np.random.default_rng([int(seed), spec.code, 1 if role == "treated" else 2])
    normals = rng.standard_normal((n, 6))
    membership = rng.random(n)
    latent = rng.standard_normal(n)
    noise = rng.standard_normal((n, 6))
    fever = rng.random(n)
    variables = core_set(spec.marker)
    return _Draws(
        baseline=_baseline(spec.name, normals),
        membership=membership,
        latent=latent,
        noise=noise,
        fever=fever,
        highs=np.array([v.high for v in variables]),
        steps=np.array([*_STEPS5, _STEP[spec.marker]]),
    )


def _latent(d: _Draws, p: ArmParameters) -> NDArray[np.float64]:
    responder = d.membership < p.responder_share
    return np.where(
        responder,
        p.responder_mean + p.responder_sd * d.latent,
        p.nonresponder_mean + p.nonresponder_sd * d.latent,
    )


def _followup(d: _Draws, r: NDArray[np.float64], p: ArmParameters) -> NDArray[np.float64]:
    raw = d.baseline * np.exp(-(r[:, None] + p.noise_sd * d.noise))
    out = np.rint(raw / d.steps) * d.steps
    out = np.round(out, 6)
    return np.minimum(out, d.highs)


def _fever(d: _Draws, r: NDArray[np.float64], p: ArmParameters) -> NDArray[np.bool_]:
    overall = r + p.noise_sd * d.noise.mean(axis=1)  # the patient's average log change
    x = np.clip(p.fever_intercept - p.fever_slope * overall, -700, 700)
    return d.fever < 1.0 / (1.0 + np.exp(-x))


# ---------------------------------------------------------------------------------------------
# public objects
# ---------------------------------------------------------------------------------------------
def _readonly(a: NDArray) -> NDArray:
    a.setflags(write=False)
    return a


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
            t, c = self.rates(d)
            # Point values only, NNT = 1 / RD as in jia_teach.effects (Altman 1998). Not
            # compare_arms: its intervals describe a real trial's sampling error and would be
            # falsely narrow for an arbitrary simulated N (decision 2026-11-25).
            rd = t - c
            nnt = math.inf if rd == 0 else 1.0 / rd
            rows.append(
                {
                    "definition": d.name,
                    "treated_rate": t,
                    "control_rate": c,
                    "risk_difference": rd,
                    "nnt": nnt,
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

    def _headline(self) -> pd.DataFrame:
        defs = [
            RESPONSE_PRESETS[f"acr{lv}{'_crp' if self.marker == 'crp' else ''}"]
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


def _arm(spec: _Trial, role: Role, arm_name: str, n: int, seed: int, p: ArmParameters):
    d = _draws(spec, role, n, seed)
    r = _latent(d, p)
    followup = _followup(d, r, p)
    return SimulatedArm(
        trial=spec.name,
        arm=arm_name,
        role=role,
        marker=spec.marker,
        seed=int(seed),
        baseline=_readonly(d.baseline),
        followup=_readonly(followup),
        fever_followup=_readonly(_fever(d, r, p)),
        pct=_readonly(percent_improvement(d.baseline, followup)),
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
    spec = _trial(trial)
    role, arm_name = _role(spec, arm)
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
    spec = _trial(trial)
    return SimulatedTrial(
        trial=spec.name,
        treated=simulate_arm(spec.name, "treated", n_per_arm, seed),
        control=simulate_arm(spec.name, "control", n_per_arm, seed),
    )


# ---------------------------------------------------------------------------------------------
# calibration
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Target:
    trial: str
    arm: str
    endpoint: str
    timepoint: str
    rate: float  # 0-1
    weight: float  # 0 = comparison only, not fitted
    source_id: str
    source: str


#: (trial, endpoint, timepoint, weight) of every target and check; rates come from the CSV.
_TARGET_ROWS: tuple[tuple[str, str, str, float], ...] = (
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


def _targets() -> list[_Target]:
    from .data import load_outcomes

    table = load_outcomes()
    out = []
    for trial, endpoint, timepoint, weight in _TARGET_ROWS:
        rows = table[
            (table["trial"] == trial)
            & (table["endpoint"] == endpoint)
            & (table["timepoint"] == timepoint)
        ]
        if len(rows) != 2:
            raise DataFileError(
                f"trial_outcomes.csv should have 2 arms of {trial} {endpoint} {timepoint}, "
                f"found {len(rows)}",
                column="endpoint",
            )
        for row in rows.itertuples(index=False):
            out.append(
                _Target(
                    trial,
                    str(row.arm),
                    endpoint,
                    timepoint,
                    float(row.percent) / 100,
                    weight,
                    str(row.source_id),
                    str(row.source),
                )
            )
    return out


def _endpoint_rate(arm: SimulatedArm, endpoint: str) -> float:
    if endpoint == "fever_free":
        return 1.0 - float(arm.fever_followup.mean())
    adapted = endpoint.startswith("adapted_") or endpoint.endswith("_no_fever")
    level = endpoint.removeprefix("adapted_").removesuffix("_no_fever").removeprefix("acr")
    key = f"{'adapted_' if adapted else ''}acr{level}{'_crp' if arm.marker == 'crp' else ''}"
    return arm.rate(RESPONSE_PRESETS[key])


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


def refit(
    n_per_arm: int = CALIBRATION_N,
    seed: int = CALIBRATION_SEED,
    write: bool = True,
    directory: str | Path | None = None,
    fit_date: str | None = None,
) -> pd.DataFrame:
    """Refit every arm's parameters to the published rates and (optionally) save them.

    TENDER arms: responder share, responder mean and SD and non-responder mean
    are fitted to ACR30/50/70/90, then the fever intercept and slope to the
    primary end point (ACR30 + no fever) and, with half weight, the fever-free
    share. Canakinumab trial 1 arms: the responder share is fitted to day-15
    adapted ACR30; the rest is borrowed from the TENDER arm of the same kind.
    Deterministic: fixed draws (common random numbers) and deterministic
    optimisers.

    Parameters
    ----------
    n_per_arm, seed : int
        Size and seed of the calibration cohorts.
    write : bool
        Write ``data/cohort_fit.csv`` (in ``directory`` if given).
    fit_date : str, optional
        ISO date stored with the fit (default: today).

    Returns
    -------
    pandas.DataFrame
        The fit table (the content of ``cohort_fit.csv``).
    """
    fit_date = fit_date or _dt.date.today().isoformat()
    targets = _targets()
    fitted: dict[tuple[str, str], ArmParameters] = {}
    status: dict[tuple[str, str], dict[str, str]] = {}

    def arm_targets(trial: str, arm: str, endpoints: tuple[str, ...]) -> list[_Target]:
        return [
            t
            for t in targets
            if t.trial == trial and t.arm == arm and t.endpoint in endpoints and t.weight > 0
        ]

    tender = _TRIALS["TENDER"]
    for role, arm_name in (("treated", tender.treated), ("control", tender.control)):
        d = _draws(tender, role, n_per_arm, seed)
        acr = arm_targets("TENDER", arm_name, ("acr30", "acr50", "acr70", "acr90"))
        levels = [int(t.endpoint.removeprefix("acr")) for t in acr]
        goal = np.array([t.rate for t in acr])

        def params(x: NDArray[np.float64]) -> ArmParameters:
            return ArmParameters(
                responder_share=_expit(x[0]),
                responder_mean=x[1],
                responder_sd=math.exp(x[2]),
                nonresponder_mean=x[3],
            )

        def acr_residuals(x: NDArray[np.float64], d=d, goal=goal, levels=levels, params=params):
            p = params(x)
            pct = percent_improvement(d.baseline, _followup(d, _latent(d, p), p))
            sim = [
                meets_response(pct, RESPONSE_PRESETS[f"acr{lv}"]).to_numpy(bool).mean()
                for lv in levels
            ]
            return 100 * (np.array(sim) - goal)

        start = [2.0, 2.0, math.log(0.8), 0.0] if role == "treated" else [-2.0, 1.5, 0.0, 0.0]
        x = _lsq(acr_residuals, start).x
        p = params(x)
        r = _latent(d, p)
        pct = percent_improvement(d.baseline, _followup(d, r, p))
        acr30 = meets_response(pct, RESPONSE_PRESETS["acr30"]).to_numpy(bool)
        fev = arm_targets("TENDER", arm_name, ("acr30_no_fever", "fever_free"))

        def fever_residuals(y: NDArray[np.float64], d=d, r=r, acr30=acr30, fev=fev, p=p):
            q = p.replace(fever_intercept=y[0], fever_slope=y[1])
            fever = _fever(d, r, q)
            out = []
            for t in fev:
                sim = (acr30 & ~fever).mean() if t.endpoint != "fever_free" else 1 - fever.mean()
                out.append(100 * math.sqrt(t.weight) * (sim - t.rate))
            return np.array(out)

        y = _lsq(fever_residuals, [0.0, 2.0]).x
        fitted[("TENDER", arm_name)] = p.replace(fever_intercept=y[0], fever_slope=y[1])
        status[("TENDER", arm_name)] = {
            n: "fitted"
            for n in (
                "responder_share",
                "responder_mean",
                "responder_sd",
                "nonresponder_mean",
                "fever_intercept",
                "fever_slope",
            )
        }

    can = _TRIALS["canakinumab-1"]
    for role, arm_name in (("treated", can.treated), ("control", can.control)):
        tender_arm = tender.treated if role == "treated" else tender.control
        borrowed = fitted[("TENDER", tender_arm)]
        d = _draws(can, role, n_per_arm, seed)
        (target,) = arm_targets(can.name, arm_name, ("adapted_acr30",))

        def shifted(shift: float, borrowed=borrowed) -> ArmParameters:
            return borrowed.replace(
                responder_mean=borrowed.responder_mean + shift,
                nonresponder_mean=borrowed.nonresponder_mean + shift,
            )

        def shift_rate(shift: float, d=d, shifted=shifted) -> float:
            p = shifted(shift)
            r = _latent(d, p)
            pct = percent_improvement(d.baseline, _followup(d, r, p))
            res = meets_response(pct, RESPONSE_PRESETS["adapted_acr30_crp"], fever=_fever(d, r, p))
            return float(res.to_numpy(dtype=bool, na_value=False).mean())

        # Bisection: a larger shift raises every patient's latent response, so every
        # improvement and the chance of no fever, hence the rate (exactly monotone).
        lo, hi = -3.0, 3.0
        for _ in range(40):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if shift_rate(mid) < target.rate else (lo, mid)
        fitted[(can.name, arm_name)] = shifted((lo + hi) / 2)
        status[(can.name, arm_name)] = {
            "responder_mean": f"TENDER {tender_arm} + fitted shift",
            "nonresponder_mean": f"TENDER {tender_arm} + fitted shift",
        } | {
            n: f"borrowed from TENDER {tender_arm}"
            for n in ("responder_share", "responder_sd", "fever_intercept", "fever_slope")
        }

    rows: list[dict[str, object]] = []
    for (trial, arm_name), p in fitted.items():
        for name in _PARAMETER_NAMES:
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
    for t in targets:
        arm = simulate_arm(t.trial, t.arm, n_per_arm, seed, parameters=fitted[(t.trial, t.arm)])
        achieved = _endpoint_rate(arm, t.endpoint)
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
    table = table[
        [
            "kind",
            "trial",
            "arm",
            "name",
            "value",
            "timepoint",
            "target",
            "achieved",
            "residual_pp",
            "weight",
            "status",
            "source_id",
            "source",
            "fit_date",
            "n_per_arm",
            "seed",
        ]
    ]
    if write:
        path = _fit_path(directory)
        table.to_csv(path, index=False, lineterminator="\n")
        _read_parameters.cache_clear()
    return table


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m jia_teach.cohort --refit [--n N] [--seed S] [--dry-run]``."""
    parser = argparse.ArgumentParser(
        prog="python -m jia_teach.cohort",
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
    print(SIMULATED_NOTE)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
