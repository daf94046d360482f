"""Which trials a pooled analysis takes: one comparison per placebo-controlled trial, by query.

Nothing here names a trial. :func:`response_set` reads every drug-vs-placebo pair the data
hold (``trial_outcomes.csv`` through :func:`jia_teach.evidence.benefit_pairs`, and the trials
held for appraisal in ``appraisal_outcomes.csv`` through
:func:`jia_teach.evidence.appraisal_pairs`) and keeps, for
each trial whose drug blocks the asked ``target``:

* by default its **primary response end point**: the pair at the time point the design marks
  ``(primary)`` whose note begins "Primary end point" (or "Primary objective") and whose end point
  is a response at ``level`` (the ``acr30`` family); where the trial's primary end point is not
  such a proportion (a time to response), its ``level`` response at the earliest time point,
  marked ``primary=False``;
* with ``timepoint=``: its ``level`` response at that time point (the one noted as primary
  if there are several, else the first in the file).

So a trial added to ``data/`` joins the set when its rows land. Each row carries the
publication year of its source (from ``sources.csv``) for cumulative pooling.

Examples
--------
>>> rows = response_set(target="IL-1")
>>> [(r.trial, r.endpoint, r.timepoint) for r in rows][:2]
[('canakinumab-1', 'adapted_acr30', 'day 15'), ('ANAJIS', 'modified_acr30', 'month 1')]
>>> pool_args(rows)["treated_events"][:2]
[36, 8]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jia_teach import data
from jia_teach.data.labels import CONTROL_ARM, arm_label, endpoint_label, trial_label
from jia_teach.effects import DERIVED_TAG
from jia_teach.evidence.pairs import (
    ArmPair,
    appraisal_pairs,
    benefit_pairs,
    citations,
    primary_timepoint,
)
from jia_teach.rules.errors import InvalidValueError

__all__ = ["PoolingRow", "drug_targets", "pool_args", "response_set"]


def drug_targets() -> dict[str, str]:
    """What each drug blocks, from ``data/drug_targets.csv`` (the folder in force).

    Examples
    --------
    >>> drug_targets()["anakinra"]
    'IL-1'
    """
    table = data.load_drug_targets()
    return dict(zip(table["drug"].astype(str), table["target"].astype(str), strict=True))


_LEVEL = re.compile(r"(?:^|_)acr(\d+)(?:_|$)")
_YEAR = re.compile(r"\b((?:19|20)\d\d)\s*;")
_PRIMARY = re.compile(r"^\s*primary (?:end point|objective)\b", re.IGNORECASE)


@dataclass(frozen=True)
class PoolingRow:
    """One trial's comparison in a pooled analysis.

    Attributes
    ----------
    pair : ArmPair
    drug, target : str
        The treated arm's drug and what it blocks (:func:`drug_targets`).
    year : int or None
        Publication year of the source of the counts.
    primary : bool
        The trial's primary end point (False: a secondary response, see the module notes).
    """

    pair: ArmPair
    drug: str
    target: str
    year: int | None
    primary: bool

    @property
    def trial(self) -> str:
        return self.pair.trial

    @property
    def endpoint(self) -> str:
        return self.pair.measure

    @property
    def timepoint(self) -> str:
        return self.pair.timepoint

    @property
    def label(self) -> str:
        """``'Canakinumab trial 1: Adapted JIA ACR30, day 15'`` (tagged when secondary)."""
        extra = ("" if self.primary else " (secondary)") + (
            DERIVED_TAG if self.pair.derived else ""
        )
        return (
            f"{trial_label(self.trial)}: {endpoint_label(self.endpoint)}, {self.timepoint}{extra}"
        )

    def counts(self) -> tuple[int, int, int, int]:
        """Treated events, treated total, control events, control total."""
        t, c = self.pair.treated, self.pair.control
        return t.events, t.total, c.events, c.total  # type: ignore[union-attr,return-value]


def _year(pair: ArmPair, cites: dict[str, str]) -> int | None:
    for sid in str(pair.treated.source_id).split(";"):  # type: ignore[union-attr]
        m = _YEAR.search(cites.get(sid.strip(), ""))
        if m:
            return int(m.group(1))
    return None


def _level(endpoint: str) -> int | None:
    m = _LEVEL.search(endpoint)
    return int(m.group(1)) if m else None


def response_set(
    *,
    target: str | None = None,
    level: int = 30,
    timepoint: str | None = None,
) -> list[PoolingRow]:
    """One response comparison per placebo-controlled trial (see the module notes).

    Parameters
    ----------
    target : {"IL-1", "IL-6"}, optional
        Only drugs that block this (default: every drug of :func:`drug_targets`).
    level : int, default 30
        The response level (30 for the ACR30 family, 70 for ACR70 ...).
    timepoint : str, optional
        This time point instead of each trial's primary end point.

    Returns
    -------
    list of PoolingRow
        In the order of the data files.

    Examples
    --------
    >>> [(r.trial, r.endpoint) for r in response_set(target="IL-1", level=70,
    ...                                               timepoint="month 1")]
    [('canakinumab-1', 'adapted_acr70'), ('ANAJIS', 'modified_acr70')]
    """
    targets = drug_targets()
    if target is not None and target not in set(targets.values()):
        raise InvalidValueError(
            f"unknown target {target!r}",
            column="target",
            allowed=", ".join(sorted(set(targets.values()))),
        )
    pairs = [*benefit_pairs(), *(p for p in appraisal_pairs() if p.comparable)]
    cites = citations()
    by_trial: dict[str, list[ArmPair]] = {}
    for p in pairs:
        drug = p.treated.arm if p.treated is not None else ""
        if p.control is None or p.control.arm != CONTROL_ARM or drug not in targets:
            continue
        if target is not None and targets[drug] != target:
            continue
        if _level(p.measure) != level or p.population == "subset given by the source":
            continue
        by_trial.setdefault(p.trial, []).append(p)
    rows = []
    for trial, candidates in by_trial.items():
        noted = [p for p in candidates if _PRIMARY.search(p.treated.note or "")]
        if timepoint is not None:
            at = [p for p in candidates if p.timepoint == timepoint]
            if not at:
                continue
            chosen = next((p for p in at if p in noted), at[0])
            primary = chosen in noted
        else:
            main = primary_timepoint(trial)
            first = [p for p in noted if p.timepoint == main]
            chosen, primary = (first[0], True) if first else (candidates[0], False)
        drug = chosen.treated.arm  # type: ignore[union-attr]
        rows.append(PoolingRow(chosen, drug, targets[drug], _year(chosen, cites), primary))
    return rows


def pool_args(rows: Sequence[PoolingRow]) -> dict[str, Any]:
    """Keyword arguments of :func:`jia_teach.pool` (counts and labels) for these rows.

    Examples
    --------
    >>> sorted(pool_args(response_set(target="IL-1")))
    ['control_events', 'control_total', 'labels', 'treated_events', 'treated_total']
    """
    counts = [r.counts() for r in rows]
    return {
        "treated_events": [c[0] for c in counts],
        "treated_total": [c[1] for c in counts],
        "control_events": [c[2] for c in counts],
        "control_total": [c[3] for c in counts],
        "labels": [_short(r) for r in rows],
    }


def _short(row: PoolingRow) -> str:
    """The trial's label, with its drug when the label lacks it; says when the end point is
    not the trial's primary one, and when the counts are derived."""
    trial, drug = trial_label(row.trial), arm_label(row.drug).lower()
    name = trial if drug in trial.lower() else f"{trial} ({drug})"
    name += "" if row.primary else ", secondary end point"
    return name + (DERIVED_TAG if row.pair.derived else "")
