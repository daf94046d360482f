"""Simulated cohorts calibrated to the published response profiles.

**These are simulated patients, not trial data.** Published trial reports give a
handful of percentages per arm; learners need patients to move sliders over. This
module draws core-set values for ``n`` imaginary patients per arm, from a small
generative model whose few parameters were fitted so that, scored with the
package's own core (:func:`jia_teach.scoring.criteria.percent_improvement` and
:func:`jia_teach.scoring.criteria.meets_response`), each simulated arm reproduces the
published rates:

* TENDER (tocilizumab vs placebo), week 12: JIA ACR30/50/70/90 (91/85/71/37 %
  vs 24/11/8/5 %) and the primary end point, ACR30 with no fever (85 % vs 24 %);
* canakinumab trial 1, day 15: adapted JIA ACR30 with CRP (84 % vs 10 %).

The targets are the published rates of :mod:`jia_teach.evidence` and the
published baselines come from ``data/baseline.csv``; the fitted parameters, the
fit date, every target with its source, the rate the model achieves and the
residual are in ``data/cohort_fit.csv`` (validated on load like every data
file). Refit with ``python -m jia_teach.simulation.calibration --refit`` (or
:func:`jia_teach.simulation.calibration.refit`).

One job per module: this one is the public API (simulate, score, summarise);
:mod:`jia_teach.simulation.trials` says which trials can be simulated and how (from
``data/simulation_trials.csv`` and ``data/simulation_baseline.csv``);
:mod:`jia_teach.simulation.cohort_model` holds the model's parts (marginals, copula, draws,
latent response, follow-up, fever, the fitted parameters);
:mod:`jia_teach.simulation.calibration` fits the parameters (:mod:`jia_teach.simulation.fitting`,
one arm at a time). The model in plain words is the docstring of :mod:`jia_teach.simulation`.

Reproducible: the random numbers come from NumPy's PCG64 seeded with
``(seed, trial, arm)``, so a seed gives the same cohort on every machine; the
calibration uses common random numbers (fixed draws, only the parameters move).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jia_teach.rules.coreset import Marker, core_set
from jia_teach.rules.definitions import ResponseDefinition
from jia_teach.rules.errors import InvalidValueError
from jia_teach.scoring.criteria import meets_response, percent_improvement
from jia_teach.simulation.cohort_model import (
    FIT_FILE,
    ArmParameters,
    draw,
    fever_at_followup,
    followup_values,
    latent_response,
    load_parameters,
    readonly,
)
from jia_teach.simulation.trials import Role, TrialSpec, arm_role, simulable_trials, trial_spec

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "FIT_FILE",
    "SIMULATED_NOTE",
    "ArmParameters",
    "SimulatedArm",
    "SimulatedComparison",
    "SimulatedTrial",
    "simulable_trials",
    "simulate_arm",
    "simulate_trial",
]

#: Said by every printed or HTML summary of a simulated cohort.
SIMULATED_NOTE = (
    "Simulated patients, not trial data: a model calibrated to the published per-arm rates."
)


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
        :func:`~jia_teach.scoring.criteria.percent_improvement`), computed once.
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

        Scored by :func:`jia_teach.scoring.criteria.meets_response` from the precomputed
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
        >>> from jia_teach.rules.definitions import ACR30, ACR90
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
        >>> from jia_teach.rules.definitions import ACR30
        >>> simulate_trial("TENDER", n_per_arm=2000).compare(ACR30).nnt_sentence()[:8]
        'NNT 1.5 '
        """
        from jia_teach.effects import round_up

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
    >>> from jia_teach.rules.definitions import ACR30, ACR90
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
        >>> from jia_teach.rules.definitions import ACR30
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
    trial : str
        A trial of :func:`simulable_trials` (``data/simulation_trials.csv``), e.g. ``"TENDER"``.
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
    >>> from jia_teach.rules.definitions import ADAPTED_ACR30
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
