"""The fit steps of the simulated-cohort calibration: one arm at a time, on fixed draws.

**Simulated patients, not trial data.** :mod:`jia_teach.simulation.calibration` runs these
steps over the trials of ``data/simulation_trials.csv`` and writes ``data/cohort_fit.csv``:

* :func:`fit_full_arm` - the response mixture (responder share, responder mean and SD,
  non-responder mean) to the JIA ACR rates by least squares, then the two fever parameters to
  the targets with a fever rule, each weighted by the root of its weight;
* :func:`fit_shifted_arm` - one shift of the latent response, fitted by bisection to the arm's
  one target, every other parameter borrowed from a fully fitted arm of the same kind;
* :func:`endpoint_rate` - the share of a simulated arm meeting a published end point.

Deterministic: common random numbers (the draws are fixed, only the parameters move), a
least-squares solver with a fixed finite-difference step, and a fixed number of bisections.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from jia_teach.rules.definitions import ResponseDefinition
from jia_teach.rules.errors import DataFileError
from jia_teach.scoring.criteria import meets_response, percent_improvement
from jia_teach.simulation.cohort_model import (
    ArmParameters,
    Draws,
    draw,
    fever_at_followup,
    followup_values,
    latent_response,
)
from jia_teach.simulation.trials import Role, TrialSpec, arm_role

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["Target", "endpoint_rate", "fit_full_arm", "fit_shifted_arm"]


@dataclass(frozen=True)
class Target:
    """One published per-arm rate (0-1) with its weight in the fit, why, and its source."""

    trial: str
    arm: str
    endpoint: str
    timepoint: str
    rate: float
    weight: float
    source_id: str
    source: str
    why: str = ""

    @property
    def status(self) -> str:
        """How the fit used it, as ``cohort_fit.csv`` says (the reason for a weight below 1)."""
        if self.weight == 0:
            return f"not fitted ({self.why})"
        return "fitted" if self.weight == 1 else f"fitted with weight {self.weight:g} ({self.why})"


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


def _share(d: Draws, p: ArmParameters, definition: ResponseDefinition | None) -> float:
    """The share of a simulated arm meeting ``definition`` (None: the fever-free share)."""
    r = latent_response(d, p)
    fever = fever_at_followup(d, r, p)
    if definition is None:
        return 1.0 - float(fever.mean())
    pct = percent_improvement(d.baseline, followup_values(d, r, p))
    result = meets_response(pct, definition, fever=fever)
    return float(result.to_numpy(dtype=bool, na_value=False).mean())


def _scored(endpoint: str, marker: str) -> ResponseDefinition | None:
    return None if endpoint == "fever_free" else _definition(endpoint, marker)


def endpoint_rate(
    spec: TrialSpec, arm: str, endpoint: str, p: ArmParameters, n_per_arm: int, seed: int
) -> float:
    """The share of a simulated arm meeting a published end point (the same draws as
    :func:`jia_teach.simulation.cohort.simulate_arm` with the same seed).

    Examples
    --------
    >>> from jia_teach.simulation.cohort_model import load_parameters
    >>> from jia_teach.simulation.trials import trial_spec
    >>> p = load_parameters("TENDER", "placebo")
    >>> 0 < endpoint_rate(trial_spec("TENDER"), "placebo", "acr30", p, 2000, 1) < 0.5
    True
    """
    role, _ = arm_role(spec, arm)
    return _share(draw(spec, role, n_per_arm, seed), p, _scored(endpoint, spec.marker))


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


def _for_arm(goals: list[Target], spec: TrialSpec, role: Role) -> list[Target]:
    """The targets with weight > 0 of one arm, in file order."""
    arm = spec.arm(role)
    return [t for t in goals if t.trial == spec.name and t.arm == arm and t.weight > 0]


def _too_few(spec: TrialSpec, role: Role, what: str, found: int, needed: int) -> None:
    if found < needed:
        raise DataFileError(
            f"simulation_targets.csv: a full fit of {spec.name} {spec.arm(role)} needs at "
            f"least {needed} {what} with weight > 0; it has {found}",
            column="endpoint",
        )


def fit_full_arm(
    spec: TrialSpec, role: Role, goals: list[Target], n_per_arm: int, seed: int
) -> ArmParameters:
    """Fit one arm in full: the response mixture to the JIA ACR rates, then fever.

    The targets of the arm with weight > 0 (:func:`targets`): those without a fever rule
    (``acr30`` ... ``acr90``) set the responder share, the responder mean and SD and the
    non-responder mean; those with one (``acr30_no_fever``, ``adapted_acr30``, ``fever_free``)
    then set the fever intercept and slope, each residual scaled by the root of its weight.

    Parameters
    ----------
    spec : TrialSpec
        A trial whose ``fit`` is ``full`` (:func:`jia_teach.simulation.trials.trial_spec`).
    role : {"treated", "control"}
    goals : list of Target
        From :func:`targets`.
    n_per_arm, seed : int
        Size and seed of the calibration cohort (common random numbers).

    Raises
    ------
    jia_teach.rules.errors.DataFileError
        With fewer than four response targets or two fever targets (one per parameter).
    """
    d = draw(spec, role, n_per_arm, seed)
    mine = _for_arm(goals, spec, role)
    acr = [t for t in mine if _scored(t.endpoint, spec.marker) is not None]
    acr = [t for t in acr if not _definition(t.endpoint, spec.marker).require_no_fever]
    fever_goals = [t for t in mine if t not in acr]
    _too_few(spec, role, "response targets (acrNN)", len(acr), 4)
    _too_few(spec, role, "fever targets (a fever rule or fever_free)", len(fever_goals), 2)
    levels = [int(t.endpoint.removeprefix("acr")) for t in acr]
    goal = np.array([t.rate for t in acr])
    standard = {
        lv: ResponseDefinition(name=f"ACR{lv}", level=lv, marker=spec.marker) for lv in levels
    }

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
    met = {  # who meets each fever target's response rule (fever is added per fit step)
        t.endpoint: meets_response(pct, rule.replace(require_no_fever=False)).to_numpy(bool)
        for t in fever_goals
        if (rule := _scored(t.endpoint, spec.marker)) is not None
    }

    def fever_residuals(y: NDArray[np.float64]) -> NDArray[np.float64]:
        fever = fever_at_followup(d, r, p.replace(fever_intercept=y[0], fever_slope=y[1]))
        out = []
        for t in fever_goals:
            sim = (met[t.endpoint] & ~fever).mean() if t.endpoint in met else 1 - fever.mean()
            out.append(100 * math.sqrt(t.weight) * (sim - t.rate))
        return np.array(out)

    y = _lsq(fever_residuals, [0.0, 2.0]).x
    return p.replace(fever_intercept=y[0], fever_slope=y[1])


def fit_shifted_arm(
    spec: TrialSpec,
    role: Role,
    borrowed: ArmParameters,
    goals: list[Target],
    n_per_arm: int,
    seed: int,
) -> ArmParameters:
    """Fit one arm by a latent-response shift to its one target; borrow everything else.

    Parameters
    ----------
    spec : TrialSpec
        A trial whose ``fit`` is ``shift`` (canakinumab trial 1: day-15 adapted ACR30).
    role : {"treated", "control"}
    borrowed : ArmParameters
        The fitted arm of the same kind of the trial ``spec.borrow_from``; everything but the
        shift is taken from it.
    goals : list of Target
    n_per_arm, seed : int

    Raises
    ------
    jia_teach.rules.errors.DataFileError
        Unless the arm has exactly one target with weight > 0 (one rate pins one parameter).
    """
    d = draw(spec, role, n_per_arm, seed)
    mine = _for_arm(goals, spec, role)
    if len(mine) != 1:
        raise DataFileError(
            f"simulation_targets.csv: the shift of {spec.name} {spec.arm(role)} is "
            f"fitted to exactly one target with weight > 0; it has {len(mine)}",
            column="weight",
        )
    (target,) = mine
    rule = _scored(target.endpoint, spec.marker)

    def shifted(shift: float) -> ArmParameters:
        return borrowed.replace(
            responder_mean=borrowed.responder_mean + shift,
            nonresponder_mean=borrowed.nonresponder_mean + shift,
        )

    # Bisection: a larger shift raises every patient's latent response, so every improvement
    # and the chance of no fever, hence the rate (exactly monotone).
    lo, hi = -3.0, 3.0
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _share(d, shifted(mid), rule) < target.rate else (lo, mid)
    return shifted((lo + hi) / 2)
