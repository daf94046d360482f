"""The generative model behind the simulated cohorts: baselines, latent responses, follow-up.

**Simulated patients, not trial data.** This module holds the model's parts, each a small
function of fixed random draws and an arm's parameters (see :mod:`jia_teach.simulation.cohort` for
the model in plain words and the public API, :mod:`jia_teach.simulation.calibration` for the fit):

* :mod:`jia_teach.simulation.trials` - the trials that can be simulated (marker, arms, time
  point, which published baseline stands in, how the arms are fitted), read from
  ``data/simulation_trials.csv`` and ``data/simulation_baseline.csv``;
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
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jia_teach.data.loaders import file_stamp
from jia_teach.rules.coreset import core_set
from jia_teach.rules.errors import DataFileError, InvalidValueError
from jia_teach.simulation.trials import Role, TrialSpec, arm_role, trial_spec

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "FIT_FILE",
    "PARAMETER_NAMES",
    "ArmParameters",
    "Draws",
    "draw",
    "fever_at_followup",
    "followup_values",
    "latent_response",
    "load_parameters",
    "readonly",
]

#: File (in :func:`jia_teach.data.data_dir`) holding the fitted parameters.
FIT_FILE = "cohort_fit.csv"

# ---------------------------------------------------------------------------------------------
# fixed model constants (assumptions; see the module docstring and data/README.md). What is
# particular to a trial (its baseline's assumed spreads, its inclusion limits) is data:
# data/simulation_trials.csv and data/simulation_baseline.csv.
# ---------------------------------------------------------------------------------------------
NOISE_SD = 0.3  # per-variable spread of the log change around the patient's latent response
NONRESPONDER_SD = 0.25  # spread of the latent response of non-responders
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


def _marginals(spec: TrialSpec) -> tuple[_Marginal, ...]:
    """The six baseline distributions of a trial, from ``baseline.csv`` and its settings."""
    from jia_teach.data import data_dir

    folder = data_dir().resolve()
    return _marginals_in(spec, folder, file_stamp(folder / "baseline.csv"))


@lru_cache(maxsize=16)
def _marginals_in(spec: TrialSpec, folder: Path, stamp: tuple[int, int]) -> tuple[_Marginal, ...]:
    """:func:`_marginals` for the ``baseline.csv`` of ``folder`` (read again when ``stamp``,
    its modification time and size, changes)."""
    from jia_teach.data import use_data

    with use_data(folder):
        own = _published_baseline(spec.baseline_trial)
        medians = spec.baseline_from == "medians"
        shapes = _published_baseline(str(spec.shapes_from)) if medians else own
    return _build_marginals(spec, own, shapes)


def _need(
    table: dict, var: str, stat: str, trial: str, sd: bool = False
) -> tuple[float, float | None]:
    if var not in table or table[var][0] != stat or (sd and table[var][2] is None):
        what = f"{stat} and SD" if sd else stat
        raise DataFileError(f"baseline.csv has no {what} of {var} for {trial}", column="variable")
    return table[var][1], table[var][2]


def _build_marginals(spec: TrialSpec, published: dict, shape_table: dict) -> tuple[_Marginal, ...]:
    """Globals and CHAQ: scaled beta; joint counts: log-normal; marker: log-normal from its
    median (published, or assumed in ``simulation_baseline.csv``) and its assumed log-SD.

    ``means``: each distribution has the published mean and SD. ``medians``: the published
    median, with the spread (beta concentration, log-SD) of ``shapes_from``'s means and SDs.
    """
    shape_trial = spec.baseline_trial if spec.baseline_from == "means" else spec.shapes_from
    variables = core_set(spec.marker)
    margins: list[_Marginal] = []
    for v in variables[:5]:
        mean, sd = _need(shape_table, v.name, "mean", str(shape_trial), sd=True)
        at_least = spec.setting(v.name, "at_least")
        low = at_least if at_least is not None else v.step
        if v.integer:  # joint counts
            mu, sigma = _lognormal_from_moments(mean, sd or 0.0)
            if spec.baseline_from == "medians":
                median, _ = _need(published, v.name, "median", spec.baseline_trial)
                mu = math.log(median)
            margins.append(_Marginal("lognormal", mu, sigma, v.high, v.step, low))
            continue
        a, b = _beta_from_moments(mean, sd or 0.0, v.high)
        if spec.baseline_from == "medians":
            median, _ = _need(published, v.name, "median", spec.baseline_trial)
            a, b = _beta_from_median(median, a + b, v.high)
        margins.append(_Marginal("beta", a, b, v.high, v.step, low))
    marker = variables[5]
    assumed = spec.setting(marker.name, "median")
    if assumed is not None and published.get(marker.name, ("",))[0] == "median":
        raise DataFileError(
            f"the median {marker.name} of {spec.name} is both in baseline.csv and assumed in "
            "simulation_baseline.csv; keep one",
            column="setting",
        )
    median = assumed
    if median is None:
        median, _ = _need(published, marker.name, "median", spec.baseline_trial)
    log_sd = spec.setting(marker.name, "log_sd")
    if log_sd is None:
        raise DataFileError(
            f"simulation_baseline.csv has no log_sd of {marker.name} for {spec.name}",
            column="setting",
        )
    above = spec.setting(marker.name, "above")
    low = marker.step if above is None else above + marker.step
    margins.append(
        _Marginal("lognormal", math.log(median), log_sd, marker.high, marker.step, low, above)
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


def _baseline(spec: TrialSpec, normals: NDArray[np.float64]) -> NDArray[np.float64]:
    from scipy.special import betaincinv, ndtr, ndtri

    z = normals @ _copula_cholesky().T
    out = np.empty_like(z)
    for j, m in enumerate(_marginals(spec)):
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
        baseline=_baseline(spec, normals),
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
        A trial of :func:`simulable_trials` (e.g. ``"TENDER"``).
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
