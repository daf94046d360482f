"""One patient, explained: which criteria are met and why.

This is the single-patient view behind the calculator widget. It runs the
same vectorised functions as :func:`jia_teach.score` on a one-row table, so a
patient is never judged by different code from a spreadsheet row.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd

from jia_teach.rules.coreset import Marker, core_set, variable
from jia_teach.rules.definitions import FLARE_TRIAL, LEVELS, FlareDefinition, ResponseDefinition
from jia_teach.rules.errors import UnknownColumnError
from jia_teach.scoring.criteria import (
    acr_n,
    classify,
    meets_response,
    percent_improvement,
)
from jia_teach.scoring.flare import meets_flare
from jia_teach.scoring.inputs import VasUnit, read_core_set

__all__ = [
    "UNDECIDED",
    "FlareAssessment",
    "PatientAssessment",
    "VariableChange",
    "assess",
    "explain_flare",
    "explain_response",
    "status_text",
]

_STATUS = {1: "improved", -1: "worsened", 0: "unchanged", -2: "missing"}


@dataclass(frozen=True)
class VariableChange:
    """One variable's change between the two visits.

    ``status`` is judged at the ACR30 level and the worsening limit:
    ``"improved"`` (>= 30 % better), ``"worsened"`` (> limit worse),
    ``"unchanged"`` (in between) or ``"missing"``.
    """

    name: str
    label: str
    unit: str
    baseline: float | None
    followup: float | None
    percent_improvement: float | None
    status: str


#: The one word for a verdict that missing values leave open (every view and printout uses it).
UNDECIDED = "undecided"


def status_text(status: str, pct: float | None, limit: float, level: float = 30) -> str:
    """A variable's status in words a reader cannot take for a clinical statement.

    The library's ``"unchanged"`` means "neither improved by the level nor worsened beyond
    the limit"; a 28.6 % improvement is *not improved (< 30%)*, not "unchanged".

    Examples
    --------
    >>> status_text("unchanged", 28.57, 30), status_text("unchanged", -10.0, 30)
    ('not improved (< 30%)', 'not worsened (\u2264 30% worse)')
    >>> status_text("unchanged", 0.0, 30), status_text("improved", 50.0, 30)
    ('no change', 'improved')
    """
    if status != "unchanged":
        return status
    if pct is None or pct == 0:
        return "no change"
    if pct > 0:
        return f"not improved (< {level:g}%)"
    return f"not worsened (\u2264 {limit:g}% worse)"


def _names(mask: np.ndarray, names: tuple[str, ...]) -> str:
    return ", ".join(variable(n).short for n, m in zip(names, mask, strict=True) if m)


def explain_response(
    pct: np.ndarray,
    definition: ResponseDefinition,
    names: tuple[str, ...],
    verdict: object = pd.NA,
) -> str:
    """Why one patient does or does not meet ``definition``, in one line.

    Parameters
    ----------
    pct : numpy.ndarray, shape (6,)
        The patient's percent improvements.
    definition : ResponseDefinition
    names : tuple of str
        The six variable names in order.
    verdict : bool or None, optional
        The decision already made (e.g. by :func:`assess`, which also knows
        the raw values); computed from ``pct`` alone when not given.

    Examples
    --------
    >>> from jia_teach.rules.definitions import ACR50
    >>> names = ("physician_global", "parent_global", "chaq", "active_joints", "lom_joints", "esr")
    >>> explain_response(np.array([60., 55, 50, 10, 0, -40]), ACR50, names)
    '3 variables improved >= 50% (physician global, parent global, CHAQ); 1 worsened > 30% (ESR): \
meets ACR50'
    """
    level, limit = definition.level, definition.worsening_limit
    improved = pct >= level
    worsened = pct < -limit
    missing = np.isnan(pct)
    i, w, u = int(improved.sum()), int(worsened.sum()), int(missing.sum())
    parts = [f"{i} variable{'s' if i != 1 else ''} improved >= {level:g}%"]
    if i:
        parts[0] += f" ({_names(improved, names)})"
    parts.append(f"{w} worsened > {limit:g}%" + (f" ({_names(worsened, names)})" if w else ""))
    if u:
        parts.append(f"{u} missing ({_names(missing, names)})")
    if verdict is pd.NA:
        verdict = meets_response(pct[np.newaxis, :], definition)[0]
    if verdict is None or verdict is pd.NA:
        tail = f"{definition.name} cannot be decided until the missing values are known"
    elif verdict:
        tail = f"meets {definition.name}"
    else:
        reasons = []
        if i + u < definition.min_improved:
            reasons.append(f"needs {definition.min_improved} improved")
        if w > definition.max_worsened:
            reasons.append(f"at most {definition.max_worsened} may worsen")
        if not reasons:  # decided from what the missing values could possibly be
            reasons.append(
                f"needs {definition.min_improved} improved, and no possible value of the missing "
                "variables gives that: a baseline of 0 cannot improve"
            )
        tail = f"does not meet {definition.name} ({'; '.join(reasons)})"
    return "; ".join(parts) + ": " + tail


@dataclass(frozen=True)
class PatientAssessment:
    """Everything the calculator shows for one patient.

    Attributes
    ----------
    changes : tuple of VariableChange
    responses : dict
        ``{"ACR30": True, ...}``; ``None`` when undecidable (missing values).
    adapted : dict or None
        The systemic-JIA adapted responses (no fever at follow-up), when fever
        at follow-up was given (``None`` inside: unknown).
    acr_n : float or None
    flare : bool or None
    explanation : str
        One line on the highest level met and the next one missed.
    definitions : tuple of ResponseDefinition
    """

    changes: tuple[VariableChange, ...]
    responses: dict[str, bool | None]
    adapted: dict[str, bool | None] | None
    acr_n: float | None
    flare: bool | None
    explanation: str
    definitions: tuple[ResponseDefinition, ...]

    @property
    def highest_level(self) -> str | None:
        """The highest ACR level met (``None`` if none)."""
        met = [name for name, ok in self.responses.items() if ok]
        return met[-1] if met else None

    def table(self) -> pd.DataFrame:
        """The per-variable changes as a DataFrame."""
        return pd.DataFrame(
            {
                "variable": [c.label for c in self.changes],
                "baseline": [c.baseline for c in self.changes],
                "follow-up": [c.followup for c in self.changes],
                "% improvement": [c.percent_improvement for c in self.changes],
                "status": [c.status for c in self.changes],
            }
        )

    def summary(self) -> str:
        """Plain-text summary (what ``print`` shows)."""

        def word(v: bool | None) -> str:
            return UNDECIDED if v is None else ("met" if v else "not met")

        lines = [f"{name}: {word(v)}" for name, v in self.responses.items()]
        if self.adapted is not None:
            lines += [f"{name}: {word(v)}" for name, v in self.adapted.items()]
        acr = UNDECIDED if self.acr_n is None else f"{self.acr_n:.1f}"
        lines.append(f"ACR-N: {acr}")
        lines.append(f"flare: {word(self.flare)}")
        lines.append(f"why: {self.explanation}")
        return "\n".join(lines)

    __str__ = summary

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{escape(c.label)}</td><td>{_fmt(c.baseline)}</td>"
            f"<td>{_fmt(c.followup)}</td><td>{_fmt_pct(c.percent_improvement)}</td>"
            f"<td>{c.status}</td></tr>"
            for c in self.changes
        )
        return (
            "<table><thead><tr><th>variable</th><th>baseline</th><th>follow-up</th>"
            f"<th>% improvement</th><th>status</th></tr></thead><tbody>{rows}</tbody></table>"
            f"<pre>{escape(self.summary())}</pre>"
        )


def _fmt(x: float | None) -> str:
    return "missing" if x is None else f"{x:g}"


def _fmt_pct(x: float | None) -> str:
    if x is None:
        return "missing"
    if math.isinf(x):
        return "worse from 0"
    return f"{x:+.1f}%"


def _opt_bool(v: object) -> bool | None:
    return None if v is pd.NA else bool(v)


def assess(
    baseline: Mapping[str, float | None],
    followup: Mapping[str, float | None],
    *,
    fever_followup: bool | None = None,
    marker: Marker = "esr",
    vas_unit: VasUnit = "cm",
    worsening_limit: float = 30.0,
    flare: FlareDefinition = FLARE_TRIAL,
) -> PatientAssessment:
    """Assess one patient between two visits.

    Parameters
    ----------
    baseline, followup : mapping
        Values keyed by the six variable names (``physician_global``,
        ``parent_global``, ``chaq``, ``active_joints``, ``lom_joints`` and
        ``esr`` or ``crp``); ``None`` marks a missing value. Every key must be
        present; an unknown key raises.
    fever_followup : bool, pandas.NA or None
        Fever at follow-up. True or False: the adapted (no fever) responses are
        reported too. ``pandas.NA``: fever at follow-up is *unknown*; the
        adapted responses are still reported, three-valued: not met wherever
        the standard response is not met, undecidable (None) otherwise. None
        (the default): no adapted responses.
    marker, vas_unit, worsening_limit, flare
        As for :func:`jia_teach.score`.

    Examples
    --------
    >>> base = dict(physician_global=6, parent_global=5, chaq=1.5, active_joints=12,
    ...             lom_joints=10, esr=60)
    >>> up = dict(physician_global=2, parent_global=3, chaq=1.0, active_joints=3,
    ...           lom_joints=9, esr=20)
    >>> a = assess(base, up)
    >>> a.highest_level, round(a.acr_n, 2)
    ('ACR50', 66.67)

    Fever unknown: an adapted response is decided only where the standard one is not met.

    >>> unknown = assess(base, up, fever_followup=pd.NA)
    >>> unknown.adapted["adapted ACR50"], unknown.adapted["adapted ACR70"]
    (None, False)

    The explanation names the variables:

    >>> a.explanation
    '3 variables improved >= 50% (physician global, active joints, ESR); 0 worsened > 30%: \
meets ACR50; ACR70 not met: 1 variable improved >= 70% (active joints); 0 worsened > 30%: \
does not meet ACR70 (needs 3 improved)'
    """
    variables = core_set(marker)
    names = tuple(v.name for v in variables)
    row: dict[str, list[float | None]] = {}
    for which, values in (("baseline", baseline), ("followup", followup)):
        unknown = sorted(set(values) - set(names))
        if unknown:
            raise UnknownColumnError(
                f"unknown variable {unknown[0]!r} in the {which} values",
                column=unknown[0],
                allowed=", ".join(names),
            )
        for name in names:
            row[f"{name}_{which}"] = [values.get(name, None)]
    data = read_core_set(pd.DataFrame(row), marker=marker, vas_unit=vas_unit)
    pct = percent_improvement(data.baseline, data.followup)
    defs = tuple(
        ResponseDefinition(
            name=f"ACR{level}", level=level, worsening_limit=worsening_limit, marker=marker
        )
        for level in LEVELS
    )
    known = {"baseline": data.baseline, "followup": data.followup}
    responses = {d.name: _opt_bool(meets_response(pct, d, **known)[0]) for d in defs}
    adapted = None
    if fever_followup is not None:  # True, False or pd.NA (unknown): three-valued below
        fever = pd.array([fever_followup], dtype="boolean")
        adapted = {
            f"adapted {d.name}": _opt_bool(
                meets_response(pct, d.replace(require_no_fever=True), fever=fever, **known)[0]
            )
            for d in defs
        }
    status = classify(pct, 30.0, worsening_limit)[0]
    changes = tuple(
        VariableChange(
            name=v.name,
            label=v.label,
            unit=v.unit,
            baseline=None if np.isnan(data.baseline[0, j]) else float(data.baseline[0, j]),
            followup=None if np.isnan(data.followup[0, j]) else float(data.followup[0, j]),
            percent_improvement=None if np.isnan(pct[0, j]) else float(pct[0, j]),
            status=_STATUS[int(status[j])],
        )
        for j, v in enumerate(variables)
    )
    met = [d for d in defs if responses[d.name]]
    missed = [d for d in defs if not responses[d.name]]
    parts = []
    if met:
        parts.append(explain_response(pct[0], met[-1], names, responses[met[-1].name]))
    if missed:
        nxt = explain_response(pct[0], missed[0], names, responses[missed[0].name])
        parts.append(f"{missed[0].name} not met: {nxt}" if met else nxt)
    n = acr_n(pct, worsening_limit=worsening_limit)[0]
    return PatientAssessment(
        changes=changes,
        responses=responses,
        adapted=adapted,
        acr_n=None if np.isnan(n) else float(n),
        flare=_opt_bool(
            meets_flare(data.baseline, data.followup, flare.replace(marker=marker), pct=pct)[0]
        ),
        explanation="; ".join(parts),
        definitions=defs,
    )


@dataclass(frozen=True)
class FlareAssessment:
    """One patient's flare between two visits, and which variables count as worse.

    Attributes
    ----------
    flare : bool or None
        The verdict (None: undecidable, a value is missing).
    counts_as_worse : tuple of bool or None
        Per variable, in core-set order: does it count as worse under the definition,
        minimum-rise rules included? (Asked of :func:`~jia_teach.scoring.flare.meets_flare` about
        that variable alone, so the marks follow exactly the rule of the verdict.)
    improved : tuple of bool
        Per variable: improved by at least the definition's improvement level.
    percent_improvement : tuple of float
        Per variable (NaN missing, -inf worse from 0).
    definition : FlareDefinition
    """

    flare: bool | None
    counts_as_worse: tuple[bool | None, ...]
    improved: tuple[bool, ...]
    percent_improvement: tuple[float, ...]
    definition: FlareDefinition


def explain_flare(
    baseline: np.ndarray, followup: np.ndarray, definition: FlareDefinition
) -> FlareAssessment:
    """Flare for one patient, with the variables that count as worse.

    Parameters
    ----------
    baseline, followup : array_like, shape (6,) or (1, 6)
        Core-set values in the fixed order (globals in cm).
    definition : FlareDefinition

    Examples
    --------
    >>> from jia_teach.rules.definitions import FLARE_TRIAL
    >>> f = explain_flare([2, 2, 1.0, 4, 4, 20], [3.5, 2, 1.3, 5, 5, 26], FLARE_TRIAL)
    >>> f.flare, f.counts_as_worse
    (False, (False, False, True, False, False, True))
    """
    b = np.asarray(baseline, dtype=np.float64).reshape(1, 6)
    f = np.asarray(followup, dtype=np.float64).reshape(1, 6)
    pct = percent_improvement(b, f)
    verdict = meets_flare(b, f, definition, pct=pct)[0]
    # Each variable alone: the others held at 1 -> 1 (no change), one worsened variable
    # and no bound on the improved ones: the verdict is then that variable's own mark.
    base = np.ones((6, 6))
    up = np.ones((6, 6))
    idx = np.arange(6)
    base[idx, idx] = b[0]
    up[idx, idx] = f[0]
    single = definition.replace(min_worsened=1, max_improved=6)
    worse = tuple(_opt_bool(v) for v in meets_flare(base, up, single))
    improved = classify(pct, definition.improvement_level, np.inf)[0] == 1
    return FlareAssessment(
        flare=_opt_bool(verdict),
        counts_as_worse=worse,
        improved=tuple(bool(x) for x in improved),
        percent_improvement=tuple(float(x) for x in pct[0]),
        definition=definition,
    )
