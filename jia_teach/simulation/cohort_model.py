"""The generative model behind the simulated cohorts: baselines, latent responses, follow-up.

**Simulated patients, not trial data.** This module holds the model's parts, each a small
function of fixed random draws and an arm's parameters (see :mod:`jia_teach.simulation.cohort` for
the model in plain words and the public API, :mod:`jia_teach.simulation.calibration` for the fit):

* :data:`TRIAL_SPECS` - the trials that can be simulated (marker, arms, time point, which
  published baseline stands in);
* :class:`ArmParameters` - one arm's parameters;
* the baseline: scaled-beta and log-normal marginals from ``data/baseline.csv`` joined by a
  Gaussian copula, recorded in each variable's step (:func:`jia_teach.rules.coreset.variable`);
* :func:`draw` - every random number of one arm (common random numbers for the fit);
* :func:`latent_response`, :func:`followup_values`, :func:`fever_at_followup` - the follow-up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from jia_teach.rules.coreset import Marker, core_set, variable
from jia_teach.rules.errors import DataFileError, InvalidValueError

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "FIT_FILE",
    "PARAMETER_NAMES",
    "TRIALS",
    "TRIAL_SPECS",
    "ArmParameters",
    "Draws",
    "Role",
    "TrialSpec",
    "arm_role",
    "draw",
    "fever_at_followup",
    "followup_values",
    "latent_response",
    "load_parameters",
    "readonly",
    "trial_spec",
]

Role = Literal["treated", "control"]

#: File (in :func:`jia_teach.data.data_dir`) holding the fitted parameters.
FIT_FILE = "cohort_fit.csv"

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

PARAMETER_NAMES = (
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
class TrialSpec:
    name: str
    code: int
    marker: Marker
    treated: str
    control: str
    timepoint: str
    baseline_trial: str  # the trial whose published baseline rows are used


TRIAL_SPECS: dict[str, TrialSpec] = {
    "TENDER": TrialSpec("TENDER", 1, "esr", "tocilizumab", "placebo", "week 12", "TENDER"),
    "canakinumab-1": TrialSpec(
        "canakinumab-1", 2, "crp", "canakinumab", "placebo", "day 15", "canakinumab-2"
    ),
}
#: Trials that can be simulated, with their (treated, control) arm names.
TRIALS: dict[str, tuple[str, str]] = {k: (t.treated, t.control) for k, t in TRIAL_SPECS.items()}


def trial_spec(name: str) -> TrialSpec:
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
            allowed=", ".join(TRIAL_SPECS),
        )
    return TRIAL_SPECS[aliases[key]]


def arm_role(trial: TrialSpec, arm: str) -> tuple[Role, str]:
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
    """The generative model's parameters for one arm (see :mod:`jia_teach.simulation.cohort`).

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
    from jia_teach.data import load_baseline

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
    steps = [v.step for v in core_set("esr")]
    crp = variable("crp")
    tender_shapes = []
    for i, var in enumerate(("physician_global", "parent_global", "chaq")):
        mean, sd = need(tender, var, "mean", "TENDER")
        tender_shapes.append(("beta", *_beta_from_moments(mean, sd or 0.0, highs[i])))
    for var in ("active_joints", "lom_joints"):
        mean, sd = need(tender, var, "mean", "TENDER")
        tender_shapes.append(("lognormal", *_lognormal_from_moments(mean, sd or 0.0)))

    spec = TRIAL_SPECS[trial_name]
    margins: list[_Marginal] = []
    if trial_name == "TENDER":
        for i, (kind, a, b) in enumerate(tender_shapes):
            low = 1.0 if kind == "lognormal" else steps[i]
            margins.append(_Marginal(kind, a, b, highs[i], steps[i], low))
        margins.append(
            _Marginal("lognormal", math.log(TENDER_ESR_MEDIAN), TENDER_ESR_LOG_SD, 200.0, 1.0, 1.0)
        )
    else:
        published = _published_baseline(spec.baseline_trial)
        for i, var in enumerate(("physician_global", "parent_global", "chaq")):
            median, _ = need(published, var, "median", spec.baseline_trial)
            _, a, b = tender_shapes[i]
            a, b = _beta_from_median(median, a + b, highs[i])
            margins.append(_Marginal("beta", a, b, highs[i], steps[i], steps[i]))
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
                crp.step,
                CANAKINUMAB_MIN_CRP + crp.step,
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
class Draws:
    """Every random number of one arm (common random numbers for the calibration)."""

    baseline: NDArray[np.float64]
    membership: NDArray[np.float64]
    latent: NDArray[np.float64]
    noise: NDArray[np.float64]
    fever: NDArray[np.float64]
    highs: NDArray[np.float64]
    steps: NDArray[np.float64]


def draw(spec: TrialSpec, role: Role, n: int, seed: int) -> Draws:
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
    return Draws(
        baseline=_baseline(spec.name, normals),
        membership=membership,
        latent=latent,
        noise=noise,
        fever=fever,
        highs=np.array([v.high for v in variables]),
        steps=np.array([v.step for v in variables]),  # the recording step of each variable
    )


def latent_response(d: Draws, p: ArmParameters) -> NDArray[np.float64]:
    responder = d.membership < p.responder_share
    return np.where(
        responder,
        p.responder_mean + p.responder_sd * d.latent,
        p.nonresponder_mean + p.nonresponder_sd * d.latent,
    )


def followup_values(d: Draws, r: NDArray[np.float64], p: ArmParameters) -> NDArray[np.float64]:
    raw = d.baseline * np.exp(-(r[:, None] + p.noise_sd * d.noise))
    out = np.rint(raw / d.steps) * d.steps
    out = np.round(out, 6)
    return np.minimum(out, d.highs)


def fever_at_followup(d: Draws, r: NDArray[np.float64], p: ArmParameters) -> NDArray[np.bool_]:
    overall = r + p.noise_sd * d.noise.mean(axis=1)  # the patient's average log change
    x = np.clip(p.fever_intercept - p.fever_slope * overall, -700, 700)
    return d.fever < 1.0 / (1.0 + np.exp(-x))


# ---------------------------------------------------------------------------------------------
# public objects
# ---------------------------------------------------------------------------------------------
def readonly(a: NDArray) -> NDArray:
    a.setflags(write=False)
    return a


def _fit_table(directory: str | Path | None) -> dict[tuple[str, str], ArmParameters]:
    from jia_teach.data import data_dir, load_cohort_fit, use_data

    folder = Path(directory) if directory is not None else data_dir()
    if not (folder / FIT_FILE).is_file():
        raise DataFileError(
            f"{FIT_FILE} not found in {folder}; "
            "run `python -m jia_teach.simulation.calibration --refit`"
        )
    with use_data(folder):
        table = load_cohort_fit()
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
    :class:`~jia_teach.rules.errors.DataFileError` naming the file, row and column.

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
