"""Published trial figures shipped with the package, loaded and validated.

The CSV files under ``data/`` (installed as ``jia_teach/_data``) hold every trial figure the
tutorials use, each with its ``status`` (``reported``, ``derived`` or ``unconfirmed``) and its
source. The single source of the figures is the project's evidence sheet; ``data/README.md`` is
the data dictionary.

Every loader returns a *new* :class:`pandas.DataFrame` (a copy of a cached, validated table),
with ``Int64`` counts, ``Float64`` numbers and percentages and ``string`` text and codes. A file
that does not match its schema raises :class:`jia_teach.rules.errors.DataFileError` naming the file,
the 1-based data row, the true line of the file (``row 2 (line 4 of the file)`` when a blank
line or a quoted line break comes first) and the column. One reader, :func:`load`, serves
every file; the named loaders below are that reader bound to one file each.

Loaders
-------
load_sources, load_designs, load_outcomes, load_appraisal_outcomes, load_baseline,
load_adverse_events, load_reported_effects, load_source_claims, load_cohort_fit, for the
simulated cohorts load_simulation_trials, load_simulation_baseline, load_simulation_targets
(:mod:`jia_teach.data.simulation_files`), and for the appraisal load_risk_of_bias,
load_published_appraisals, load_grade_outcomes, load_grade_judgements; load_all loads and
cross-checks every file. What a valid file looks like is :mod:`jia_teach.data.schema`; the
labels of the codes are :mod:`jia_teach.data.labels` (re-exported here).

Examples
--------
>>> from jia_teach.data import load_outcomes
>>> out = load_outcomes()
>>> row = out.query("trial == 'TENDER' and arm == 'tocilizumab' and endpoint == 'acr30_no_fever'")
>>> row[["events", "total", "percent", "status"]].to_dict("records")
[{'events': 64, 'total': 75, 'percent': 85.0, 'status': 'reported'}]
>>> str(out["events"].dtype), str(out["percent"].dtype)
('Int64', 'Float64')
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pandas as pd

from jia_teach.data.labels import (
    ARM_LABELS,
    ENDPOINT_LABELS,
    EVENT_LABELS,
    TRIAL_LABELS,
    label_frame,
)
from jia_teach.data.labels import FILE as LABELS_FILE
from jia_teach.data.location import data_dir, package_data_dir, use_data
from jia_teach.data.schema import (
    FILES,
    GRADE_DOMAINS,
    GRADE_UPGRADES,
    OUR_APPRAISAL,
    ROB_DOMAINS,
    ROB_JUDGEMENTS,
    STATUSES,
)
from jia_teach.data.simulation_files import check_simulation_files
from jia_teach.data.validate import data_error, parse_file

__all__ = [
    "ARM_LABELS",
    "ENDPOINT_LABELS",
    "EVENT_LABELS",
    "GRADE_DOMAINS",
    "GRADE_UPGRADES",
    "LOADERS",
    "OUR_APPRAISAL",
    "ROB_DOMAINS",
    "ROB_JUDGEMENTS",
    "STATUSES",
    "TRIAL_LABELS",
    "clear_cache",
    "data_dir",
    "load",
    "load_adverse_events",
    "load_all",
    "load_appraisal_outcomes",
    "load_baseline",
    "load_cohort_fit",
    "load_designs",
    "load_drug_targets",
    "load_grade_judgements",
    "load_grade_outcomes",
    "load_outcomes",
    "load_published_appraisals",
    "load_reported_effects",
    "load_risk_of_bias",
    "load_simulation_baseline",
    "load_simulation_targets",
    "load_simulation_trials",
    "load_single_arm_appraisals",
    "load_source_claims",
    "load_sources",
    "use_data",
]


# --------------------------------------------------------------------------------------------
# cached loading: one reader for every file
# --------------------------------------------------------------------------------------------
def file_stamp(path: Path) -> tuple[int, int]:
    """A file's modification time and size, ``(0, 0)`` when it is absent.

    A cache key that changes whenever the file does (the loaders, the pairs of
    :mod:`jia_teach.evidence`, the simulation specs).
    """
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _cached(file: str, folder: Path, stamp: tuple[int, int], src_stamp: tuple[int, int]):
    source_ids: frozenset[str] | None = None
    if file != "sources.csv":
        # A fit written elsewhere (calibration into a scratch folder) cites the package's
        # sources; every other file cites the sources.csv beside it.
        own = (folder / "sources.csv").is_file() or file != "cohort_fit.csv"
        with use_data(folder if own else package_data_dir()):
            sources = load("sources.csv")
        source_ids = frozenset(sources["source_id"].astype(str))
    frame, raw = parse_file(folder / file, source_ids)
    frame.attrs["lines"] = tuple(r["_line"] for r in raw)  # the file line of each row
    return frame


def load(file: str) -> pd.DataFrame:
    """Any data file of :data:`~jia_teach.data.schema.FILES`, validated, as a new data frame.

    Read from :func:`~jia_teach.data.location.data_dir` (the package's files, or the folder
    :func:`~jia_teach.data.location.use_data` chose); cached until the file changes on disk.

    Examples
    --------
    >>> load("trial_designs.csv").query("trial == 'TENDER'")[["arm", "n"]].to_dict("records")
    [{'arm': 'all', 'n': 112}, {'arm': 'tocilizumab', 'n': 75}, {'arm': 'placebo', 'n': 37}]
    >>> load("notes.csv")
    Traceback (most recent call last):
    ...
    jia_teach.rules.errors.DataFileError: notes.csv: is not a data file this package knows...
    """
    if file not in FILES:
        raise data_error(file, "is not a data file this package knows", allowed=", ".join(FILES))
    folder = data_dir().resolve()
    frame = _cached(file, folder, file_stamp(folder / file), file_stamp(folder / "sources.csv"))
    return frame.copy()


def clear_cache() -> None:
    """Forget every loaded table (files are also re-read whenever they change on disk).

    Examples
    --------
    >>> clear_cache()
    """
    _cached.cache_clear()


#: Each named loader: its file and what the file holds (data/README.md has every column).
LOADERS: dict[str, tuple[str, str]] = {
    "load_sources": (
        "sources.csv",
        "Every cited document: source_id, citation, DOI, PMID, registry.",
    ),
    "load_designs": (
        "trial_designs.csv",
        "Trial designs: one row per trial x arm x phase (n, dose, route, population).",
    ),
    "load_outcomes": (
        "trial_outcomes.csv",
        "Trial outcomes: one row per trial x arm x end point x time point.",
    ),
    "load_appraisal_outcomes": (
        "appraisal_outcomes.csv",
        "Outcomes of trials held for appraisal and comparison.",
    ),
    "load_baseline": (
        "baseline.csv",
        "Baseline characteristics: variable, statistic, value, SD, unit, population.",
    ),
    "load_adverse_events": (
        "adverse_events.csv",
        "Adverse events per arm with an explicit unit (patients, events, rates).",
    ),
    "load_reported_effects": (
        "reported_effects.csv",
        "Effect estimates as the sources report them (HR, differences, P).",
    ),
    "load_drug_targets": (
        "drug_targets.csv",
        "What each drug blocks (IL-1 or IL-6), with its source.",
    ),
    "load_source_claims": (
        "source_claims.csv",
        "Claims of the Li & Geskey commentary beside the trial's figures.",
    ),
    "load_risk_of_bias": (
        "risk_of_bias.csv",
        "Risk of bias (RoB 2) per trial, outcome and domain: our appraisal.",
    ),
    "load_published_appraisals": (
        "published_appraisals.csv",
        "Appraisals of these trials published by others.",
    ),
    "load_single_arm_appraisals": (
        "single_arm_appraisals.csv",
        "Single-arm studies appraised with the NIH case-series tool: our appraisal.",
    ),
    "load_grade_outcomes": (
        "grade_outcomes.csv",
        "Outcomes of the GRADE summary of findings and their MIDs.",
    ),
    "load_grade_judgements": (
        "grade_judgements.csv",
        "GRADE down- and up-grades that are judgements.",
    ),
    "load_cohort_fit": (
        "cohort_fit.csv",
        "The fitted simulated-cohort model: parameters, targets, checks.",
    ),
    "load_simulation_trials": (
        "simulation_trials.csv",
        "The trials that can be simulated: marker, arms, baseline, how the arms are fitted.",
    ),
    "load_simulation_baseline": (
        "simulation_baseline.csv",
        "Simulated baselines' settings: assumptions and inclusion limits, with status.",
    ),
    "load_simulation_targets": (
        "simulation_targets.csv",
        "The published rates the simulated cohorts are fitted to or compared with.",
    ),
}


def _named(name: str) -> Callable[[], pd.DataFrame]:
    """The loader ``name`` of :data:`LOADERS` (explicit module names, for readers and tools)."""
    file, summary = LOADERS[name]

    def loader() -> pd.DataFrame:
        return load(file)

    loader.__name__ = loader.__qualname__ = name
    loader.__doc__ = f"{summary}\n\nThe validated ``data/{file}`` (see :func:`load`)."
    return loader


load_sources = _named("load_sources")
load_designs = _named("load_designs")
load_outcomes = _named("load_outcomes")
load_appraisal_outcomes = _named("load_appraisal_outcomes")
load_baseline = _named("load_baseline")
load_adverse_events = _named("load_adverse_events")
load_reported_effects = _named("load_reported_effects")
load_drug_targets = _named("load_drug_targets")
load_source_claims = _named("load_source_claims")
load_risk_of_bias = _named("load_risk_of_bias")
load_published_appraisals = _named("load_published_appraisals")
load_single_arm_appraisals = _named("load_single_arm_appraisals")
load_grade_outcomes = _named("load_grade_outcomes")
load_grade_judgements = _named("load_grade_judgements")
load_cohort_fit = _named("load_cohort_fit")
load_simulation_trials = _named("load_simulation_trials")
load_simulation_baseline = _named("load_simulation_baseline")
load_simulation_targets = _named("load_simulation_targets")


def load_all() -> dict[str, pd.DataFrame]:
    """Load and validate every file; also checks that outcomes name trials and arms in designs.

    Parameters
    ----------

    Returns
    -------
    dict of str to pandas.DataFrame
        Keyed by file name.

    Examples
    --------
    >>> sorted(load_all())[:3]
    ['adverse_events.csv', 'appraisal_outcomes.csv', 'baseline.csv']
    """
    tables = {file: load(file) for file in FILES}
    designs = tables["trial_designs.csv"]
    known = set(zip(designs["trial"], designs["arm"], strict=True))
    for file in ("trial_outcomes.csv", "appraisal_outcomes.csv"):
        _arms_in_designs(file, tables[file], known)
    check_simulation_files(tables)
    tables[LABELS_FILE] = label_frame()
    return tables


def _arms_in_designs(file: str, outcomes: pd.DataFrame, known: set) -> None:
    for n, (trial, arm) in enumerate(zip(outcomes["trial"], outcomes["arm"], strict=True), 1):
        if (trial, arm) not in known:
            raise data_error(
                file,
                f"trial {trial!r} has no arm {arm!r} in trial_designs.csv",
                row=n,
                column="arm",
                allowed=", ".join(sorted(a for t, a in known if t == trial)) or "none",
            )
