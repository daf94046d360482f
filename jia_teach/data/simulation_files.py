"""The simulated cohorts' data files, and the checks that span them and the other files.

Three files under ``data/`` describe the simulated cohorts of :mod:`jia_teach.simulation`
(simulated patients, not trial data), so that a trial is simulated by adding rows, not code:

* ``simulation_trials.csv`` (:func:`~jia_teach.data.load_simulation_trials`) - one row per
  trial that can be simulated: its random-stream code, marker, arms, time point, whose published
  baseline stands in and how it is built (``means``: published means and SDs; ``medians``:
  published medians with the spreads of ``shapes_from``), and how its arms are fitted
  (``full``, or ``shift``: one latent-response shift per arm, fitted to one rate, the rest
  borrowed from the arm of the same kind of ``borrow_from``);
* ``simulation_baseline.csv`` (:func:`~jia_teach.data.load_simulation_baseline`) - the numbers
  a simulated baseline needs beyond ``baseline.csv``: assumptions (status ``assumption``, the
  note says ``ASSUMPTION:`` and why) and inclusion limits (``reported``, with their source);
* ``simulation_targets.csv`` (:func:`~jia_teach.data.load_simulation_targets`) - the published
  rates the fit aims at (weight > 0) or is only compared with (weight 0), and why each has its
  weight. The rates themselves are those of ``trial_outcomes.csv``.

Each file is validated on load like every data file (:mod:`jia_teach.data.schema`,
:mod:`jia_teach.data.rows`); :func:`check_simulation_files` adds the checks across files, run by
:func:`jia_teach.data.load_all` and by the simulation whenever it reads the trials.

Examples
--------
>>> from jia_teach.data import load_simulation_trials
>>> load_simulation_trials()[["trial", "marker", "fit"]].values.tolist()[0]
['TENDER', 'esr', 'full']
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from jia_teach.data.validate import data_error

__all__ = ["SIMULATION_FILES", "check_simulation_files"]

#: The files :func:`check_simulation_files` needs.
SIMULATION_FILES: tuple[str, ...] = (
    "trial_designs.csv",
    "simulation_trials.csv",
    "simulation_baseline.csv",
    "simulation_targets.csv",
)


def _line(frame: pd.DataFrame, n: int) -> int | None:
    lines = frame.attrs.get("lines", ())
    return lines[n - 1] if len(lines) >= n else None


def check_simulation_files(tables: Mapping[str, pd.DataFrame]) -> None:
    """The simulated arms are arms of their trial in ``trial_designs.csv``; every baseline
    setting and target belongs to a trial of ``simulation_trials.csv``.

    Parameters
    ----------
    tables : mapping of file name to table
        At least the :data:`SIMULATION_FILES`, as :func:`jia_teach.data.load` returns them.

    Raises
    ------
    jia_teach.rules.errors.DataFileError
        Naming the file, row, line and column.

    Examples
    --------
    >>> from jia_teach.data import load
    >>> check_simulation_files({file: load(file) for file in SIMULATION_FILES})
    """
    designs = tables["trial_designs.csv"]
    known = set(zip(designs["trial"], designs["arm"], strict=True))
    trials = tables["simulation_trials.csv"]
    for n, row in enumerate(trials.itertuples(index=False), 1):
        for column in ("treated_arm", "control_arm"):
            arm = getattr(row, column)
            if (row.trial, arm) not in known:
                raise data_error(
                    "simulation_trials.csv",
                    f"trial {row.trial!r} has no arm {arm!r} in trial_designs.csv",
                    row=n,
                    line=_line(trials, n),
                    column=column,
                    allowed=", ".join(sorted(a for t, a in known if t == row.trial)) or "none",
                )
    simulable = list(trials["trial"])
    for file in ("simulation_baseline.csv", "simulation_targets.csv"):
        frame = tables[file]
        for n, trial in enumerate(frame["trial"], 1):
            if trial not in simulable:
                raise data_error(
                    file,
                    f"{trial!r} is not a trial of simulation_trials.csv",
                    row=n,
                    line=_line(frame, n),
                    column="trial",
                    allowed=", ".join(simulable),
                )
