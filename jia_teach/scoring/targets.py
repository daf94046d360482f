"""Treat-to-target in Still's disease: the EULAR/PReS 2024 intermediate targets, per patient.

Fautrel 2024 [1]_ set intermediate targets after the start of treatment, worded (as the J
Rheumatol 2025 study of them [2]_ gives them, and as the evidence sheet records):

* **day 7**: resolution of fever and reduction of CRP by > 50 %;
* **week 4**: no fever, reduction of the active joint count by > 50 %, and normal CRP;
* **month 3**: clinically inactive disease (CID) with < 0.1 mg/kg/day of glucocorticoids;
* **month 6**: CID without glucocorticoids.

:func:`treat_to_target` judges each patient at each checkpoint from a registry's visit table
and says **met**, **not met** or **undecided**, with the visit used and why.

Rules (decided here, on purpose; the recommendation does not fix them; each is tested)
----------------------------------------------------------------------------------------
* **Time** is days since the start of treatment (day 0 = first dose): a numeric column, or
  dates with ``start=`` naming the column of treatment-start dates.
* **Baseline** is the patient's visit nearest day 0 within ``baseline_window`` (default
  day -14 to day 0, both included): the last measurement before treatment.
* **Visit windows** (both ends included; a checkpoint uses the visit nearest its day, a tie
  going to the *earlier* visit, as :func:`jia_teach.pair_visits` does): day 7 = days 4-10;
  week 4 = days 21-35 (target day 28); month 3 = days 77-105 (target 91, 3 x 30.44 days);
  month 6 = days 155-211 (target 183). The windows do not overlap, so one visit never serves
  two checkpoints. Every row of the output records the window and the visit day used;
  ``windows=`` replaces them.
* **"Reduction by > 50 %"** is strict: the follow-up value must be below half the baseline
  (tested as ``2 * follow-up < baseline``, in exact arithmetic). Exactly 50 % down is not met.
  A baseline of 0 cannot fall by more than half: the item is then met only if the value is
  still 0 (a child with no arthritis at baseline, as 12 of the 42 in ter Haar 2019 had at
  onset, cannot otherwise ever meet the week-4 target; this reading is ours).
* **Normal CRP** is ``crp <= crp_normal_max`` (mg/L), the laboratory's upper limit, which the
  caller must give (no default: normal ranges differ).
* **Fever**: the visit's ``fever`` answer (yes/no; blank is unknown). "Resolution of fever" at
  day 7 and "no fever" at week 4 both read it as no fever at that visit.
* **Clinically inactive disease** is the Wallace 2004 checklist as this package implements it
  (:func:`jia_teach.activity.markers_normal` for the markers): no active joints, no fever, no
  other systemic feature (``systemic_features``), no active uveitis (``active_uveitis``), a
  normal CRP (and ESR, if an ``esr`` column and ``esr_normal_max`` are given: if both are
  tested, both must be normal) and a physician global of 0. A column ``inactive_disease``
  (yes/no), if present, is used instead. Fautrel 2024's own wording of CID was not read
  here, so this is an assumption, recorded in ``attrs["rules"]``.
* **Glucocorticoids**: ``gc_mg_kg_day`` (prednisone-equivalent mg/kg/day); month 3 needs
  ``< 0.1`` (0.1 exactly is not met), month 6 needs ``0``.
* **Three-valued**: an item is unknown when a value it needs is blank. A checkpoint is
  *met* when every item is met, *not met* when any item is not met (whatever the unknown
  ones), otherwise *undecided*; with no visit in the window, or no baseline for an item that
  needs one, it is undecided and the reason says which.

References
----------
.. [1] Fautrel B, et al. EULAR/PReS recommendations for the
   diagnosis and management of Still's disease, comprising systemic juvenile idiopathic
   arthritis and adult-onset Still's disease. *Ann Rheum Dis* 2024;83(12):1614-27.
.. [2] A retrospective study of the EULAR/PReS intermediate targets in 62 adults with
   adult-onset Still disease (Keio University Hospital). *J Rheumatol* 2025, article
   jrheum.2024-1126 (abstract read).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..rules.errors import InvalidValueError, JiaInputError
from .target_values import (
    at_most,
    days_since_start,
    judge,
    kleene_and,
    need_columns,
    numbers,
    yes_no,
)

__all__ = [
    "CHECKPOINTS",
    "DEFAULT_BASELINE_WINDOW",
    "DEFAULT_WINDOWS",
    "STATUSES",
    "Checkpoint",
    "VisitTarget",
    "target_at_visit",
    "target_summary",
    "treat_to_target",
]


@dataclass(frozen=True)
class Checkpoint:
    """One intermediate target: its name, day, wording and the items it needs."""

    name: str
    day: int
    target: str
    items: tuple[str, ...]


#: The four EULAR/PReS 2024 intermediate targets (wording as the J Rheumatol 2025 abstract).
CHECKPOINTS: tuple[Checkpoint, ...] = (
    Checkpoint(
        "day 7",
        7,
        "resolution of fever and reduction of CRP by > 50 %",
        ("no_fever", "crp_down_by_more_than_half"),
    ),
    Checkpoint(
        "week 4",
        28,
        "no fever, reduction of active joint count by > 50 %, and normal CRP",
        ("no_fever", "joints_down_by_more_than_half", "crp_normal"),
    ),
    Checkpoint(
        "month 3",
        91,
        "clinically inactive disease with < 0.1 mg/kg/day of glucocorticoids",
        ("inactive_disease", "gc_below_0_1"),
    ),
    Checkpoint(
        "month 6",
        183,
        "clinically inactive disease without glucocorticoids",
        ("inactive_disease", "gc_off"),
    ),
)

#: Visit windows in days since the start of treatment (both ends included).
DEFAULT_WINDOWS: dict[str, tuple[float, float]] = {
    "day 7": (4, 10),
    "week 4": (21, 35),
    "month 3": (77, 105),
    "month 6": (155, 211),
}
DEFAULT_BASELINE_WINDOW: tuple[float, float] = (-14, 0)
STATUSES = ("met", "not met", "undecided")

_ITEM_WORDS = {
    "no_fever": "no fever",
    "crp_down_by_more_than_half": "CRP down by > 50 %",
    "joints_down_by_more_than_half": "active joints down by > 50 %",
    "crp_normal": "CRP normal",
    "inactive_disease": "clinically inactive disease",
    "gc_below_0_1": "glucocorticoid < 0.1 mg/kg/day",
    "gc_off": "no glucocorticoid",
}
ITEMS = tuple(_ITEM_WORDS)


def treat_to_target(
    visits: pd.DataFrame,
    *,
    crp_normal_max: float,
    patient: str = "id",
    time: str = "day",
    start: str | None = None,
    esr_normal_max: float | None = None,
    windows: Mapping[str, tuple[float, float]] | None = None,
    baseline_window: tuple[float, float] = DEFAULT_BASELINE_WINDOW,
) -> pd.DataFrame:
    """Each patient at each EULAR/PReS 2024 checkpoint: met, not met or undecided.

    Parameters
    ----------
    visits : pandas.DataFrame
        One row per visit. Columns: the patient (``patient=``), the time (``time=``: days
        since the start of treatment, or dates with ``start=``), ``fever`` (yes/no),
        ``crp`` (mg/L), ``active_joints``, ``gc_mg_kg_day`` (glucocorticoid,
        prednisone-equivalent mg/kg/day), and for clinically inactive disease either
        ``inactive_disease`` (yes/no) or ``systemic_features`` and ``active_uveitis``
        (yes/no) and ``physician_global`` (0-10 cm), optionally ``esr`` (mm/h). Blank cells
        are unknown. A column the checkpoints need that is absent is an error; the CID items
        may be absent (their checkpoints are then undecided unless another item fails).
    crp_normal_max : float
        Upper limit of normal CRP, mg/L (the laboratory's; no default).
    esr_normal_max : float, optional
        Upper limit of normal ESR, mm/h; needed only when an ``esr`` column is given.
    windows : mapping, optional
        Checkpoint name -> (first day, last day), replacing :data:`DEFAULT_WINDOWS`.
    baseline_window : (float, float)
        Days in which the baseline visit is sought (the one nearest day 0).

    Returns
    -------
    pandas.DataFrame
        One row per patient and checkpoint (patients sorted, checkpoints in time order):
        the patient, ``checkpoint``, ``target`` (the wording), ``window_from``,
        ``window_to``, ``baseline_day``, ``visit_day`` (NaN when none), one nullable boolean
        column per item (:data:`ITEMS`; ``<NA>`` where unknown or not part of the
        checkpoint), ``status`` (``"met"``, ``"not met"``, ``"undecided"``) and ``reason``.
        ``attrs`` records the windows and the rules.

    Examples
    --------
    >>> import pandas as pd
    >>> v = pd.DataFrame({"id": ["A", "A", "A"], "day": [0, 7, 28],
    ...     "fever": ["yes", "no", "no"], "crp": [120, 60, 4], "active_joints": [8, 6, 4],
    ...     "gc_mg_kg_day": [1, 1, 0.5]})
    >>> r = treat_to_target(v, crp_normal_max=10)
    >>> r[["checkpoint", "status"]].values.tolist()[:2]
    [['day 7', 'not met'], ['week 4', 'not met']]
    >>> r.loc[0, "reason"]
    'not met: CRP down by > 50 % not met (120 -> 60, exactly half is not more than half)'
    """
    if not isinstance(visits, pd.DataFrame):
        raise JiaInputError(f"expected a table (pandas DataFrame), got {type(visits).__name__}")
    if crp_normal_max is None or not np.isfinite(crp_normal_max) or crp_normal_max <= 0:
        raise InvalidValueError(
            f"{crp_normal_max!r} is not an upper limit of normal",
            column="crp_normal_max",
            allowed="a CRP in mg/L above 0 (the laboratory's upper limit of normal)",
        )
    wins = dict(DEFAULT_WINDOWS)
    if windows is not None:
        unknown = sorted(set(windows) - set(wins))
        if unknown:
            raise InvalidValueError(
                f"{unknown[0]!r} is not a checkpoint",
                column="windows",
                allowed=", ".join(wins),
            )
        wins.update({k: (float(a), float(b)) for k, (a, b) in windows.items()})
    spans = sorted([(*wins[c.name], c.name) for c in CHECKPOINTS])
    for (a, b, name), (c, d, other) in itertools.pairwise(spans):
        if not (a <= b) or not (c <= d) or c <= b:
            raise InvalidValueError(
                f"the window of {name} ({a:g} to {b:g}) overlaps or is reversed next to "
                f"{other} ({c:g} to {d:g})",
                column="windows",
                allowed="non-overlapping (first day, last day) pairs",
            )
    need_columns(
        visits,
        [patient, time, "fever", "crp", "active_joints", "gc_mg_kg_day"]
        + ([start] if start else []),
    )
    frame = visits.reset_index(drop=True)
    ids = frame[patient]
    blank_id = ids.isna() | (ids.astype("string").str.strip() == "")
    if blank_id.any():
        pos = int(np.flatnonzero(blank_id.to_numpy(dtype=bool))[0])
        raise InvalidValueError("no patient id", column=patient, row=pos + 1)
    day = days_since_start(frame, time, start)
    fever = yes_no(frame["fever"], "fever")
    crp = numbers(frame["crp"], "crp", "CRP >= 0 mg/L, or blank")
    joints = numbers(frame["active_joints"], "active_joints", "0 to 75 joints, or blank", 75)
    gc = numbers(frame["gc_mg_kg_day"], "gc_mg_kg_day", "0 to 30 mg/kg/day, or blank", 30)
    n = len(frame)
    if "inactive_disease" in frame.columns:
        cid = yes_no(frame["inactive_disease"], "inactive_disease")
        cid_rule = "the inactive_disease column as given"
    else:
        unknown = np.full(n, np.nan)
        systemic = (
            yes_no(frame["systemic_features"], "systemic_features")
            if "systemic_features" in frame.columns
            else unknown
        )
        uveitis = (
            yes_no(frame["active_uveitis"], "active_uveitis")
            if "active_uveitis" in frame.columns
            else unknown
        )
        pga = (
            numbers(frame["physician_global"], "physician_global", "0 to 10 cm, or blank", 10)
            if "physician_global" in frame.columns
            else unknown
        )
        markers = at_most(crp, crp_normal_max)
        if "esr" in frame.columns:
            if esr_normal_max is None:
                raise InvalidValueError(
                    "an esr column needs the ESR's upper limit of normal",
                    column="esr_normal_max",
                    allowed="an ESR in mm/h above 0",
                )
            esr = at_most(
                numbers(frame["esr"], "esr", "ESR 0 to 200 mm/h, or blank", 200), esr_normal_max
            )
            # Wallace 2004: a normal ESR or CRP; if both are tested, both must be normal.
            both = ~np.isnan(markers) & ~np.isnan(esr)
            markers = np.where(
                both, kleene_and(markers, esr), np.where(np.isnan(markers), esr, markers)
            )
        cid = kleene_and(
            at_most(joints, 0), 1.0 - fever, 1.0 - systemic, 1.0 - uveitis, markers, at_most(pga, 0)
        )
        cid_rule = (
            "Wallace 2004 checklist: no active joints, no fever, no other systemic feature, "
            "no active uveitis, normal CRP (and ESR if given; both normal if both tested), "
            "physician global 0"
        )
    key = ids.astype("string").str.strip().to_numpy(dtype=object)
    order = np.lexsort((np.arange(n), day, key))
    sorted_keys = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]) if n else []
    bounds = list(zip(starts, [*starts[1:], n], strict=True)) if n else []
    rows: list[dict[str, Any]] = []
    for first, last in bounds:
        pid = sorted_keys[first]
        idx = order[first:last]
        d = day[idx].tolist()
        for k in range(len(d) - 1):
            if d[k] == d[k + 1]:
                a, b = sorted((int(idx[k]), int(idx[k + 1])))
                raise JiaInputError(
                    f"rows {a + 1} and {b + 1}: two visits of patient {pid!r} on day {d[k]:g}",
                    column=time,
                )
        base = _nearest(idx, d, 0.0, baseline_window)
        for cp in CHECKPOINTS:
            lo, hi = wins[cp.name]
            visit = _nearest(idx, d, float(cp.day), (lo, hi))
            row: dict[str, Any] = {
                patient: pid,
                "checkpoint": cp.name,
                "target": cp.target,
                "window_from": lo,
                "window_to": hi,
                "baseline_day": day[base] if base is not None else np.nan,
                "visit_day": day[visit] if visit is not None else np.nan,
            }
            items = {name: np.nan for name in ITEMS}
            notes: dict[str, str] = {}
            if visit is not None:
                for item in cp.items:
                    items[item], notes[item] = judge(
                        item, visit, base, fever, crp, joints, gc, cid, crp_normal_max
                    )
            row.update({k: (pd.NA if v != v else v == 1.0) for k, v in items.items()})
            row["status"], row["reason"] = _status(cp, items, visit, notes)
            rows.append(row)
    out = pd.DataFrame(
        rows,
        columns=[
            patient,
            "checkpoint",
            "target",
            "window_from",
            "window_to",
            "baseline_day",
            "visit_day",
            *ITEMS,
            "status",
            "reason",
        ],
    )
    for name in ITEMS:
        out[name] = out[name].astype("boolean")
    out["status"] = out["status"].astype("string")
    out.attrs["windows"] = {c.name: wins[c.name] for c in CHECKPOINTS}
    out.attrs["baseline_window"] = tuple(baseline_window)
    out.attrs["rules"] = {
        "crp_normal_max_mg_l": crp_normal_max,
        "esr_normal_max_mm_h": esr_normal_max,
        "inactive_disease": cid_rule,
        "reduction": "strictly more than 50 %: 2 x follow-up < baseline; baseline 0 met only by 0",
        "tie": "nearest visit to the checkpoint day; a tie goes to the earlier visit",
    }
    return out


def _nearest(
    idx: np.ndarray, d: list[float], target: float, window: tuple[float, float]
) -> int | None:
    """Row of the visit nearest ``target`` inside ``window`` (ends included); ``d`` is sorted,
    so the first of equally near visits is the earlier one."""
    lo, hi = window
    best, best_gap = None, np.inf
    for pos, value in enumerate(d):
        if lo <= value <= hi and abs(value - target) < best_gap:
            best, best_gap = pos, abs(value - target)
    return None if best is None else int(idx[best])


def _status(
    cp: Checkpoint, items: dict[str, float], visit: int | None, notes: dict[str, str]
) -> tuple[str, str]:
    """(status, reason): every item met, any item not met, or otherwise undecided."""
    if visit is None:
        return "undecided", "undecided: no visit in the window"

    def said(item: str, verdict: str) -> str:
        note = notes.get(item, "")
        return f"{_ITEM_WORDS[item]} {verdict}" + (f" ({note})" if note else "")

    failed = [said(i, "not met") for i in cp.items if items[i] == 0]
    if failed:
        return "not met", "not met: " + "; ".join(failed)
    unknown = [said(i, "unknown") for i in cp.items if np.isnan(items[i])]
    if unknown:
        return "undecided", "undecided: " + "; ".join(unknown)
    return "met", "met: " + "; ".join(said(i, "met") for i in cp.items)


@dataclass(frozen=True)
class VisitTarget:
    """One visit judged against the checkpoint whose window holds it (:func:`target_at_visit`)."""

    day: float
    checkpoint: Checkpoint | None
    window: tuple[float, float] | None
    items: dict[str, bool | None]
    status: str
    reason: str


def target_at_visit(
    day: float,
    *,
    baseline: Mapping[str, float | None],
    visit: Mapping[str, float | bool | None],
    crp_normal_max: float,
) -> VisitTarget:
    """One patient's visit on ``day`` (days since the first dose), by :func:`treat_to_target`'s
    rules: the checkpoint whose window (:data:`DEFAULT_WINDOWS`) holds the day, each of its
    items and the status.

    For a calculator (one child, two visits) without building a visit table; the baseline is
    taken as given (no baseline window). ``baseline``: ``crp``, ``active_joints``; ``visit``:
    ``fever`` (True/False), ``crp``, ``active_joints``, ``gc_mg_kg_day``, ``inactive_disease``
    (True/False). None (or a missing key) is unknown.

    Examples
    --------
    >>> t = target_at_visit(7, baseline={"crp": 120}, visit={"fever": False, "crp": 59.9},
    ...                     crp_normal_max=10)
    >>> t.checkpoint.name, t.status
    ('day 7', 'met')
    >>> target_at_visit(7, baseline={"crp": 120}, visit={"fever": False},
    ...                 crp_normal_max=10).reason
    'undecided: CRP down by > 50 % unknown (CRP blank at the visit)'
    >>> target_at_visit(50, baseline={}, visit={}, crp_normal_max=10).status
    'no checkpoint'
    """
    wins = DEFAULT_WINDOWS
    cp = next((c for c in CHECKPOINTS if wins[c.name][0] <= day <= wins[c.name][1]), None)
    if cp is None:
        spans = "; ".join(
            f"{c.name}: days {wins[c.name][0]:g}-{wins[c.name][1]:g}" for c in CHECKPOINTS
        )
        return VisitTarget(
            day, None, None, {}, "no checkpoint", f"day {day:g} is in no window ({spans})"
        )

    def pair(key: str) -> np.ndarray:
        b, v = baseline.get(key), visit.get(key)
        return np.array([np.nan if x is None else float(x) for x in (b, v)], dtype=np.float64)

    fever, cid = pair("fever"), pair("inactive_disease")
    judged = {
        item: judge(item, 1, 0, fever, pair("crp"), pair("active_joints"), pair("gc_mg_kg_day"),
                    cid, crp_normal_max)
        for item in cp.items
    }  # fmt: skip
    items = {k: np.nan for k in ITEMS} | {k: v for k, (v, _) in judged.items()}
    status, reason = _status(cp, items, 1, {k: note for k, (_, note) in judged.items() if note})
    return VisitTarget(
        day,
        cp,
        wins[cp.name],
        {k: None if v != v else bool(v) for k, (v, _) in judged.items()},
        status,
        reason,
    )


def target_summary(result: pd.DataFrame) -> pd.DataFrame:
    """Per checkpoint: patients met, not met, undecided, and met among the decided.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"checkpoint": ["day 7"] * 3, "status": ["met", "not met", "undecided"]})
    >>> s = target_summary(r)
    >>> s.loc["day 7", ["met", "not met", "undecided", "patients"]].astype(int).tolist()
    [1, 1, 1, 3]
    >>> float(s.loc["day 7", "met_share_of_decided"])
    0.5
    """
    names = [c.name for c in CHECKPOINTS if c.name in set(result["checkpoint"])]
    counts = (
        result.groupby("checkpoint")["status"]
        .value_counts()
        .unstack(fill_value=0)
        .reindex(index=names, columns=list(STATUSES), fill_value=0)
    )
    counts["patients"] = counts.sum(axis=1)
    decided = counts["met"] + counts["not met"]
    counts["met_share_of_decided"] = (counts["met"] / decided.where(decided > 0)).astype(float)
    counts.columns.name = None
    return counts
