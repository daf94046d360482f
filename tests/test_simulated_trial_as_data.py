"""A simulated trial is data: a made-up trial added to a copy of data/ with simulation rows is
calibrated, simulated and offered by the threshold explorer with no code change (issue 18).

The trial ("ZETA-1", drug "zetakinra") and every figure of it are invented for this test and
never leave tmp_path. Its baseline is built from its own (invented) medians with the spreads of
TENDER, and its arms are fitted as a shift of TENDER's arms to one rate each (70 % vs 20 %
JIA ACR30 at week 4), the way canakinumab trial 1 is.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from jia_teach.data import (
    load_all,
    load_simulation_baseline,
    load_simulation_targets,
    load_simulation_trials,
    use_data,
)
from jia_teach.rules.definitions import ACR30
from jia_teach.rules.errors import DataFileError, InvalidValueError
from jia_teach.simulation.calibration import refit
from jia_teach.simulation.cohort import simulable_trials, simulate_trial
from jia_teach.simulation.trials import trial_spec
from tests.datacopy import (
    MADE_UP_DRUG,
    MADE_UP_SOURCE,
    MADE_UP_TRIAL,
    add_made_up_trial,
    copy_data,
    edit_csv,
)

TRIAL, DRUG, SOURCE = MADE_UP_TRIAL, MADE_UP_DRUG, MADE_UP_SOURCE
N, SEED = 2000, 5
#: Invented medians of ZETA-1's baseline (globals in mm, as baseline.csv gives them).
MEDIANS = {
    "physician_global": ("60", "mm (0-100 VAS)"),
    "parent_global": ("55", "mm (0-100 VAS)"),
    "chaq": ("1.5", "CHAQ-DI (0-3)"),
    "active_joints": ("8", "joints"),
    "lom_joints": ("6", "joints"),
    "crp": ("90", "mg/L"),
}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _add_trial(d: Path) -> None:
    """Everything a simulated trial needs beyond code: its labels, design, outcomes, baseline
    and the three simulation files' rows."""
    one = add_made_up_trial(d)
    edit_csv(
        d / "baseline.csv",
        extra=[
            {**one, "population": "all randomized", "n": "60", "variable": var,
             "statistic": "median", "value": value, "unit": unit, "status": "reported"}
            for var, (value, unit) in MEDIANS.items()
        ],
    )  # fmt: skip
    edit_csv(
        d / "simulation_trials.csv",
        extra=[
            {"trial": TRIAL, "seed_code": "3", "marker": "crp", "treated_arm": DRUG,
             "control_arm": "placebo", "timepoint": "week 4", "baseline_trial": TRIAL,
             "baseline_from": "medians", "shapes_from": "TENDER", "fit": "shift",
             "borrow_from": "TENDER", "note": "Invented for a test."},
        ],
    )  # fmt: skip
    edit_csv(
        d / "simulation_baseline.csv",
        extra=[
            {"trial": TRIAL, "variable": "crp", "setting": "log_sd", "value": "0.5",
             "unit": "log scale", "status": "assumption",
             "note": "ASSUMPTION: invented for a test."},
            {**one, "variable": "active_joints", "setting": "at_least", "value": "3",
             "unit": "joints", "status": "reported", "note": "Inclusion: at least 3 joints."},
            {**one, "variable": "crp", "setting": "above", "value": "20", "unit": "mg/L",
             "status": "reported", "note": "Inclusion: CRP > 20 mg/L."},
        ],
    )  # fmt: skip
    edit_csv(
        d / "simulation_targets.csv",
        extra=[
            {"trial": TRIAL, "endpoint": "acr30", "timepoint": "week 4", "weight": "1",
             "why": "the one published rate per arm"},
        ],
    )  # fmt: skip


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of data/ with ZETA-1 added and the cohorts refitted into it (small and quick)."""
    d = copy_data(tmp_path_factory.mktemp("simulated"))
    _add_trial(d)
    with use_data(d):
        refit(n_per_arm=N, seed=SEED, write=True, directory=d, fit_date="2099-01-01")
    return d


def test_the_made_up_trial_is_fitted_to_its_rates(folder: Path) -> None:
    fit = pd.read_csv(folder / "cohort_fit.csv")
    mine = fit[fit["trial"] == TRIAL]
    targets = mine[mine["kind"] == "target"].set_index("arm")
    assert targets.loc[DRUG, "target"] == 0.7 and targets.loc["placebo", "target"] == 0.2
    assert (targets["residual_pp"].abs() < 1).all(), targets
    status = mine[mine["kind"] == "parameter"].set_index(["arm", "name"])["status"]
    assert status[(DRUG, "responder_mean")] == "TENDER tocilizumab + fitted shift"
    assert status[("placebo", "responder_sd")] == "borrowed from TENDER placebo"


def test_the_made_up_trial_is_simulated(folder: Path) -> None:
    with use_data(folder):
        assert simulable_trials() == ("TENDER", "canakinumab-1", TRIAL)
        sim = simulate_trial("zeta_1", n_per_arm=N, seed=SEED)  # case, - and _ are ignored
    assert (sim.trial, sim.treated.arm, sim.control.arm, sim.marker) == (
        TRIAL,
        DRUG,
        "placebo",
        "crp",
    )
    treated, control = sim.rates(ACR30.replace(marker="crp"))
    assert treated == pytest.approx(0.70, abs=0.01) and control == pytest.approx(0.20, abs=0.01)
    for arm in (sim.treated, sim.control):
        assert arm.baseline[:, 3].min() >= 3  # at least 3 active joints (its inclusion limit)
        assert arm.baseline[:, 5].min() > 20  # CRP above 20 mg/L
    medians = [6.0, 5.5, 1.5, 8, 6, 90]  # the invented medians, globals in cm
    assert list(pd.DataFrame(sim.control.baseline).median()) == pytest.approx(medians, rel=0.1)


def test_the_threshold_explorer_offers_the_made_up_trial(folder: Path) -> None:
    from jia_teach.widgets import ThresholdExplorer

    with use_data(folder):
        view = ThresholdExplorer(n_per_arm=500)
        assert ("ZETA-1 (zetakinra)", TRIAL) in view.controls["trial"].options
    view.set(trial=TRIAL)  # outside the block: the view keeps the folder it was built from
    assert view.sim.trial == TRIAL and view.sim.marker == "crp"
    assert "zetakinra" in view.summary_text()
    assert view.published is not None and view.published.treated == 70


def test_the_made_up_trial_stays_in_its_folder(folder: Path) -> None:
    assert TRIAL not in simulable_trials()
    with pytest.raises(InvalidValueError) as info:
        trial_spec(TRIAL)
    assert info.value.column == "trial"


def test_the_shipped_assumptions_are_marked_and_the_limits_sourced() -> None:
    settings = load_simulation_baseline().set_index(["trial", "variable", "setting"])
    esr = settings.loc[("TENDER", "esr", "median")]
    assert (esr["value"], esr["status"]) == (40.0, "assumption")
    assert esr["note"].startswith("ASSUMPTION:")
    crp = settings.loc[("canakinumab-1", "crp", "above")]
    assert (crp["value"], crp["status"]) == (30.0, "reported")
    assert "ruperto2012" in crp["source_id"]
    assert list(load_simulation_trials()["trial"]) == ["TENDER", "canakinumab-1"]
    assert set(load_simulation_targets()["weight"]) == {0.0, 0.1, 1.0}


def _broken(tmp_path: Path, file: str, row: int, **changes: str) -> Path:
    """A copy of data/ with some cells of one row of ``file`` changed (row 1: first data row)."""
    d = copy_data(tmp_path)
    rows = _rows(d / file)
    rows[row - 1].update(changes)
    with (d / file).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return d


@pytest.mark.parametrize(
    ("file", "row", "changes", "message"),
    [
        (
            "simulation_baseline.csv",
            1,
            {"note": "a guess"},
            r"simulation_baseline.csv, row 1 \(line 2 of the file\), column 'note': an "
            r"assumption needs a note that says so",
        ),
        (
            "simulation_baseline.csv",
            4,
            {"source_id": ""},
            r"row 4 \(line 5 of the file\), column 'source_id': a reported figure needs its",
        ),
        (
            "simulation_baseline.csv",
            1,
            {"setting": "at_least"},
            r"row 1 .*column 'variable': at_least does not apply to esr",
        ),
        (
            "simulation_trials.csv",
            2,
            {"borrow_from": ""},
            r"simulation_trials.csv, row 2 \(line 3 of the file\), column 'borrow_from': "
            r"fit = shift needs borrow_from",
        ),
        (
            "simulation_trials.csv",
            2,
            {"borrow_from": "canakinumab-1"},
            r"column 'borrow_from': borrows from 'canakinumab-1', which is not a fully fitted",
        ),
        (
            "simulation_trials.csv",
            2,
            {"seed_code": "1"},
            r"row 2 .*column 'seed_code': 1 is listed twice",
        ),
        (
            "simulation_trials.csv",
            1,
            {"treated_arm": "canakinumab"},
            r"row 1 .*column 'treated_arm': trial 'TENDER' has no arm 'canakinumab' in "
            r"trial_designs.csv",
        ),
        (
            "simulation_targets.csv",
            1,
            {"endpoint": "inactive_disease"},
            r"row 1 .*column 'endpoint': the simulated cohorts cannot score 'inactive_disease'",
        ),
        (
            "simulation_targets.csv",
            1,
            {"trial": "canakinumab-2"},
            r"row 1 .*column 'trial': 'canakinumab-2' is not a trial of simulation_trials.csv",
        ),
    ],
)
def test_a_bad_simulation_row_is_a_clear_error(tmp_path, file, row, changes, message) -> None:
    d = _broken(tmp_path, file, row, **changes)
    with use_data(d), pytest.raises(DataFileError, match=message):
        load_all()
    with use_data(d), pytest.raises(DataFileError, match=message):
        simulate_trial("canakinumab-1", n_per_arm=10)  # the simulation reads the same checks
