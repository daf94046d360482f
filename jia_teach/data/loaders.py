"""Published trial figures shipped with the package, loaded and validated.

The CSV files under ``data/`` (installed as ``jia_teach/_data``) hold every trial figure the
tutorials use, each with its ``status`` (``reported``, ``derived`` or ``unconfirmed``) and its
source. The single source of the figures is the project's evidence sheet; ``data/README.md`` is
the data dictionary.

Every loader returns a *new* :class:`pandas.DataFrame` (a copy of a cached, validated table),
with ``Int64`` counts, ``Float64`` numbers and percentages and ``string`` text and codes. A file
that does not match its schema raises :class:`jia_teach.rules.errors.DataFileError` naming the file,
the 1-based data row, the true line of the file (``row 2 (line 4 of the file)`` when a blank
line or a quoted line break comes first) and the column. The module is longer than most
because each of its dozen loaders carries its own runnable example.

Loaders
-------
load_sources, load_designs, load_outcomes, load_appraisal_outcomes, load_baseline,
load_adverse_events, load_reported_effects, load_source_claims, load_cohort_fit, and for the
appraisal load_risk_of_bias, load_published_appraisals, load_grade_outcomes,
load_grade_judgements; load_all loads and cross-checks every file. What a valid file looks
like is :mod:`jia_teach.data.schema`; the labels of the codes are :mod:`jia_teach.data.labels`
(re-exported here).

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
from jia_teach.data.location import data_dir, use_data
from jia_teach.data.schema import (
    FILES,
    GRADE_DOMAINS,
    GRADE_UPGRADES,
    OUR_APPRAISAL,
    ROB_DOMAINS,
    ROB_JUDGEMENTS,
    STATUSES,
)
from jia_teach.data.validate import data_error, parse_file

__all__ = [
    "ARM_LABELS",
    "ENDPOINT_LABELS",
    "EVENT_LABELS",
    "GRADE_DOMAINS",
    "GRADE_UPGRADES",
    "OUR_APPRAISAL",
    "ROB_DOMAINS",
    "ROB_JUDGEMENTS",
    "STATUSES",
    "TRIAL_LABELS",
    "clear_cache",
    "data_dir",
    "load_adverse_events",
    "load_all",
    "load_appraisal_outcomes",
    "load_baseline",
    "load_cohort_fit",
    "load_designs",
    "load_grade_judgements",
    "load_grade_outcomes",
    "load_outcomes",
    "load_published_appraisals",
    "load_reported_effects",
    "load_risk_of_bias",
    "load_source_claims",
    "load_sources",
    "use_data",
]


# --------------------------------------------------------------------------------------------
# where the files live
# --------------------------------------------------------------------------------------------
# --------------------------------------------------------------------------------------------
# cached loading
# --------------------------------------------------------------------------------------------
def _resolve(directory: str | Path | None) -> Path:
    return Path(directory) if directory is not None else data_dir()


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _cached(file: str, directory: str, stamp: tuple[int, int], src_stamp: tuple[int, int]):
    folder = Path(directory)
    source_ids: frozenset[str] | None = None
    if file != "sources.csv":
        # A fit written elsewhere (calibration into a scratch folder) cites the package's
        # sources; every other file cites the sources.csv beside it.
        own = (folder / "sources.csv").is_file() or file != "cohort_fit.csv"
        sources = _load("sources.csv", folder if own else data_dir())
        source_ids = frozenset(sources["source_id"].astype(str))
    frame, raw = parse_file(folder / file, source_ids)
    frame.attrs["lines"] = tuple(r["_line"] for r in raw)  # the file line of each row
    return frame


def _load(file: str, directory: str | Path | None) -> pd.DataFrame:
    folder = _resolve(directory).resolve()
    frame = _cached(file, str(folder), _stamp(folder / file), _stamp(folder / "sources.csv"))
    return frame.copy()


def clear_cache() -> None:
    """Forget every loaded table (files are also re-read whenever they change on disk).

    Examples
    --------
    >>> clear_cache()
    """
    _cached.cache_clear()


# --------------------------------------------------------------------------------------------
# public loaders
# --------------------------------------------------------------------------------------------
def load_sources(directory: str | Path | None = None) -> pd.DataFrame:
    """One row per cited document: ``source_id``, ``citation``, ``doi``, ``pmid``, ``registry``.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir` (tests point this at a corrupted copy).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> src = load_sources().set_index("source_id")
    >>> src.loc["debenedetti2012", "doi"]
    '10.1056/NEJMoa1112802'
    """
    return _load("sources.csv", directory)


def load_designs(directory: str | Path | None = None) -> pd.DataFrame:
    """Trial designs: one row per trial x arm x phase with ``n``, dose, route, population.

    Arm ``all`` is the whole trial (or the whole phase, e.g. canakinumab trial 2's open-label
    part).

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> d = load_designs()
    >>> d.query("trial == 'TENDER'")[["arm", "n"]].to_dict("records")
    [{'arm': 'all', 'n': 112}, {'arm': 'tocilizumab', 'n': 75}, {'arm': 'placebo', 'n': 37}]
    """
    return _load("trial_designs.csv", directory)


def load_outcomes(directory: str | Path | None = None) -> pd.DataFrame:
    """Trial outcomes: one row per trial x arm x endpoint x time point.

    Columns: ``trial``, ``arm``, ``endpoint``, ``timepoint``, ``events`` and ``total``
    (``Int64``, missing where the source gives none), ``percent`` (``Float64``, as the source
    states it), ``status``, ``source``, ``note``, ``source_id``. Kaplan-Meier percentages have no
    ``events``/``total``.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> o = load_outcomes()
    >>> o.query("endpoint == 'acr30' and arm == 'tocilizumab'")[["events", "percent", "status"]]
       events  percent   status
    2      68     91.0  derived
    """
    return _load("trial_outcomes.csv", directory)


def load_appraisal_outcomes(directory: str | Path | None = None) -> pd.DataFrame:
    """Outcomes of trials held for appraisal and comparison (ANAJIS, anakinra).

    Same columns, dtypes and checks as :func:`load_outcomes`; kept in
    ``appraisal_outcomes.csv`` so that the TENDER and canakinumab views do not draw them.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> from jia_teach.data import pick
    >>> a = load_appraisal_outcomes()
    >>> row = pick(a, arm="anakinra", endpoint="modified_acr30", timepoint="month 1")
    >>> int(row["events"]), int(row["total"])
    (8, 12)
    """
    return _load("appraisal_outcomes.csv", directory)


def load_baseline(directory: str | Path | None = None) -> pd.DataFrame:
    """Baseline characteristics: ``variable``, ``statistic`` (mean, median, percent), ``value``,
    ``sd``, ``unit`` and the population they describe.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> b = load_baseline()
    >>> b.query("trial == 'TENDER' and variable == 'active_joints'")[["value", "sd", "n"]]
       value    sd   n
    0   19.8  15.7  88
    """
    return _load("baseline.csv", directory)


def load_adverse_events(directory: str | Path | None = None) -> pd.DataFrame:
    """Adverse events with explicit ``unit``: ``patients``, ``events`` (a patient may count more
    than once), ``percent_of_patients`` or ``events_per_patient_year``.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> ae = load_adverse_events()
    >>> ae.query("event == 'adverse_events'")[["arm", "value", "unit"]]
               arm  value    unit
    0  tocilizumab  159.0  events
    1      placebo   38.0  events
    """
    return _load("adverse_events.csv", directory)


def load_reported_effects(directory: str | Path | None = None) -> pd.DataFrame:
    """Effect estimates as the sources report them (hazard ratio, weighted differences, P).

    ``qualifier`` holds ``<`` for figures such as ``P < 0.001``.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> e = load_reported_effects().set_index("effect_id")
    >>> e.loc["canakinumab2_flare_hr", ["estimate", "ci_low", "ci_high"]].tolist()
    [0.36, 0.17, 0.75]
    """
    return _load("reported_effects.csv", directory)


def load_source_claims(directory: str | Path | None = None) -> pd.DataFrame:
    """Claims made by secondary sources (the seed commentary) next to the trial's figures.

    ``verdict`` is one of ``consistent``, ``mislabelled``, ``not_directly_comparable`` or
    ``unverified``; ``value_belongs_to`` names the endpoint(s) the claimed figure really is.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> c = load_source_claims().set_index("claim_id")
    >>> claim = c.loc["seed_acr30_85"]
    >>> float(claim["claimed_value"]), float(claim["trial_value"]), claim["verdict"]
    (85.0, 91.0, 'mislabelled')
    """
    return _load("source_claims.csv", directory)


def load_risk_of_bias(directory: str | Path | None = None) -> pd.DataFrame:
    """Risk of bias (RoB 2) per trial, outcome and domain: *our appraisal*, with its facts.

    Columns ``trial``, ``outcome``, ``outcome_label``, ``domain`` (one of
    :data:`ROB_DOMAINS`), ``judgement`` (``low``, ``some_concerns``, ``high``,
    ``not_applicable``), ``facts``, ``why``, ``source_id``, ``source`` and ``appraisal``
    (always :data:`OUR_APPRAISAL`). The overall judgement is not stored: it is computed by
    :func:`jia_teach.appraisal.rob.overall_judgement`.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Examples
    --------
    >>> rob = load_risk_of_bias()
    >>> sorted(set(rob["trial"]))
    ['TENDER', 'canakinumab-1', 'canakinumab-2']
    """
    return _load("risk_of_bias.csv", directory)


def load_published_appraisals(directory: str | Path | None = None) -> pd.DataFrame:
    """Appraisals of these trials published by others, as far as we could read them.

    Examples
    --------
    >>> "rating" in load_published_appraisals().columns
    True
    """
    return _load("published_appraisals.csv", directory)


def load_grade_outcomes(directory: str | Path | None = None) -> pd.DataFrame:
    """The outcomes of the GRADE summary of findings, where their figures live, and the MID.

    Examples
    --------
    >>> load_grade_outcomes()["outcome_id"].iloc[0]
    'tender_primary'
    """
    return _load("grade_outcomes.csv", directory)


def load_grade_judgements(directory: str | Path | None = None) -> pd.DataFrame:
    """GRADE down- and up-grades that are judgements (imprecision is computed, not stored).

    Examples
    --------
    >>> set(load_grade_judgements()["appraisal"]) == {OUR_APPRAISAL}
    True
    """
    return _load("grade_judgements.csv", directory)


def load_cohort_fit(directory: str | Path | None = None) -> pd.DataFrame:
    """The fitted simulated-cohort model: parameters, the published targets and checks.

    Written by ``python -m jia_teach.simulation.calibration --refit``
    (:mod:`jia_teach.simulation.calibration`) and read by :mod:`jia_teach.simulation.cohort`.
    Validated like every other file: a blank value, an unknown parameter or a value outside its
    range names the file, row, line and column.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> fit = load_cohort_fit()
    >>> sorted(set(fit["kind"]))
    ['check', 'parameter', 'target']
    """
    return _load("cohort_fit.csv", directory)


def load_all(directory: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Load and validate every file; also checks that outcomes name trials and arms in designs.

    Parameters
    ----------
    directory : str or Path, optional
        Folder to read instead of :func:`data_dir`.

    Returns
    -------
    dict of str to pandas.DataFrame
        Keyed by file name.

    Examples
    --------
    >>> sorted(load_all())[:3]
    ['adverse_events.csv', 'appraisal_outcomes.csv', 'baseline.csv']
    """
    tables = {file: _load(file, directory) for file in FILES}
    designs = tables["trial_designs.csv"]
    known = set(zip(designs["trial"], designs["arm"], strict=True))
    for file in ("trial_outcomes.csv", "appraisal_outcomes.csv"):
        _arms_in_designs(file, tables[file], known)
    with use_data(_resolve(directory)):
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
