"""The trials that can be simulated, read from the data folder: the simulation's trials are data.

**Simulated patients, not trial data.** A trial is simulated when ``data/simulation_trials.csv``
has a row for it (its random-stream code, marker, arms, time point, whose published baseline
stands in and how it is built, how its arms are fitted) and ``data/simulation_baseline.csv``
gives the settings its baseline needs beyond ``baseline.csv`` (assumed spreads, inclusion
limits). No module names a trial: :func:`trial_specs` reads them from the folder
:func:`jia_teach.data.use_data` chooses, so a trial added to a copy of ``data/`` is simulated
with no code change (``tests/test_simulated_trial_as_data.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd

from jia_teach.rules.coreset import Marker
from jia_teach.rules.errors import InvalidValueError

__all__ = [
    "ROLES",
    "Role",
    "TrialSpec",
    "arm_role",
    "simulable_trials",
    "trial_spec",
    "trial_specs",
]

Role = Literal["treated", "control"]
#: Both roles, in the order arms are simulated and fitted.
ROLES: tuple[Role, Role] = ("treated", "control")


@dataclass(frozen=True)
class TrialSpec:
    """A trial that can be simulated: one row of ``data/simulation_trials.csv`` with its
    baseline settings (``data/simulation_baseline.csv``).

    Attributes
    ----------
    name : str
        The trial code.
    code : int
        The trial's number in the random stream (``seed_code``).
    marker : {"esr", "crp"}
    treated, control : str
        The arms.
    timepoint : str
        The time point simulated.
    baseline_trial : str
        The trial whose ``baseline.csv`` rows are used.
    baseline_from : {"means", "medians"}
        Published means and SDs, or medians with the spreads of ``shapes_from``.
    shapes_from, borrow_from : str or None
        For medians, the trial whose means and SDs give the spreads; for ``fit = "shift"``,
        the trial whose arm of the same kind lends every parameter but the shift.
    fit : {"full", "shift"}
    settings : tuple of (variable, setting, value)
        Assumed marker median and log-SD, inclusion limits (``above``, ``at_least``).

    Examples
    --------
    >>> spec = trial_spec("tender")
    >>> spec.name, spec.marker, spec.fit, spec.setting("esr", "median")
    ('TENDER', 'esr', 'full', 40.0)
    """

    name: str
    code: int
    marker: Marker
    treated: str
    control: str
    timepoint: str
    baseline_trial: str
    baseline_from: str = "means"
    shapes_from: str | None = None
    fit: str = "full"
    borrow_from: str | None = None
    settings: tuple[tuple[str, str, float], ...] = ()

    def arm(self, role: str) -> str:
        """The arm that plays ``role`` (``"treated"`` or ``"control"``)."""
        return self.treated if role == "treated" else self.control

    def setting(self, variable: str, setting: str) -> float | None:
        """The value of one baseline setting, or None when the data give none."""
        for v, s, value in self.settings:
            if (v, s) == (variable, setting):
                return value
        return None


def _text(value: object) -> str | None:
    return None if pd.isna(value) else str(value)


def trial_specs() -> dict[str, TrialSpec]:
    """Every trial that can be simulated, read from the data folder in force.

    From ``simulation_trials.csv`` and ``simulation_baseline.csv`` in
    :func:`jia_teach.data.data_dir` (so :func:`jia_teach.data.use_data` chooses them), checked
    against the other files first (:func:`jia_teach.data.simulation_files.check_simulation_files`).

    Examples
    --------
    >>> {name: (s.treated, s.control) for name, s in trial_specs().items()}
    {'TENDER': ('tocilizumab', 'placebo'), 'canakinumab-1': ('canakinumab', 'placebo')}
    """
    from jia_teach.data import data_dir
    from jia_teach.data.loaders import file_stamp
    from jia_teach.data.simulation_files import SIMULATION_FILES

    folder = data_dir().resolve()
    return dict(_read_specs(folder, tuple(file_stamp(folder / file) for file in SIMULATION_FILES)))


@lru_cache(maxsize=8)
def _read_specs(folder: Path, stamps: tuple) -> tuple[tuple[str, TrialSpec], ...]:
    """The specs of ``folder``, read again whenever one of its files changes (``stamps``)."""
    from jia_teach.data import load, use_data
    from jia_teach.data.simulation_files import SIMULATION_FILES, check_simulation_files

    with use_data(folder):
        tables = {file: load(file) for file in SIMULATION_FILES}
    check_simulation_files(tables)
    settings: dict[str, list[tuple[str, str, float]]] = {}
    for row in tables["simulation_baseline.csv"].itertuples(index=False):
        settings.setdefault(str(row.trial), []).append(
            (str(row.variable), str(row.setting), float(row.value))
        )
    return tuple(
        (
            str(r.trial),
            TrialSpec(
                name=str(r.trial),
                code=int(r.seed_code),
                marker=r.marker,
                treated=str(r.treated_arm),
                control=str(r.control_arm),
                timepoint=str(r.timepoint),
                baseline_trial=str(r.baseline_trial),
                baseline_from=str(r.baseline_from),
                shapes_from=_text(r.shapes_from),
                fit=str(r.fit),
                borrow_from=_text(r.borrow_from),
                settings=tuple(settings.get(str(r.trial), ())),
            ),
        )
        for r in tables["simulation_trials.csv"].itertuples(index=False)
    )


def simulable_trials() -> tuple[str, ...]:
    """The codes of the trials that can be simulated, in the order of the data file.

    Examples
    --------
    >>> simulable_trials()
    ('TENDER', 'canakinumab-1')
    """
    return tuple(trial_specs())


def _key(name: object) -> str:
    return "".join(ch for ch in str(name).strip().lower() if ch not in "-_ ")


def trial_spec(name: str) -> TrialSpec:
    """The trial called ``name`` (case, ``-``, ``_`` and spaces ignored: ``"tender"`` works).

    Raises
    ------
    jia_teach.rules.errors.InvalidValueError
        If no trial of ``data/simulation_trials.csv`` has that name.
    """
    specs = trial_specs()
    for code, spec in specs.items():
        if _key(code) == _key(name):
            return spec
    raise InvalidValueError(
        f"{name!r} is not a trial that can be simulated",
        column="trial",
        allowed=", ".join(specs),
    )


def arm_role(trial: TrialSpec, arm: str) -> tuple[Role, str]:
    """The role of an arm of ``trial`` and its name (``"treated"``, ``"control"`` or the arm
    code)."""
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
