"""Effect estimates exactly as the sources report them (hazard ratios, weighted differences)."""

from __future__ import annotations

import html
from dataclasses import dataclass

from jia_teach import data
from jia_teach.evidence.records import from_row
from jia_teach.rules.errors import InvalidValueError

__all__ = ["ReportedEffect", "reported_effect", "reported_effects"]


_MEASURE_NAMES = {
    "hazard_ratio": "Hazard ratio",
    "weighted_difference": "Weighted difference",
    "rate_difference": "Rate difference",
    "p_value": "P",
}
#: Units that are not printed after the estimate (a ratio and a probability have none).
_SILENT_UNITS = ("ratio", "probability")


@dataclass(frozen=True)
class ReportedEffect:
    """An effect estimate exactly as a source reports it (never recomputed).

    Attributes mirror ``data/reported_effects.csv``; missing values are ``None``.

    Examples
    --------
    >>> print(reported_effect("canakinumab2_flare_hr"))
    Hazard ratio 0.36 (95% CI 0.17 to 0.75): flare, canakinumab vs placebo, canakinumab-2, \
randomized withdrawal [reported; Ruperto 2012, NEJM (trial 2)]
    """

    effect_id: str
    trial: str
    endpoint: str
    timepoint: str
    measure: str
    comparison: str
    estimate: float
    ci_low: float | None
    ci_high: float | None
    confidence: float | None
    qualifier: str | None
    unit: str
    status: str
    source: str
    source_id: str
    note: str | None

    @property
    def text(self) -> str:
        """The estimate as a short phrase, e.g. ``'Hazard ratio 0.36 (95% CI 0.17 to 0.75)'``.

        Examples
        --------
        >>> reported_effect("grom2016_mas_rate_difference").text
        'Rate difference -4.9 events per 100 patient-years (95% CI -15.6 to 5.9)'
        >>> reported_effect("anajis_acr30_p").text, reported_effect("tender_primary_p").text
        ('P = 0.059', 'P < 0.001')
        """
        name = _MEASURE_NAMES.get(self.measure, self.measure)
        unit = "" if self.unit in _SILENT_UNITS else f" {self.unit}"
        q = f"{self.qualifier} " if self.qualifier else ("= " if self.measure == "p_value" else "")
        est = f"{name} {q}{self.estimate:g}{unit}"
        if self.ci_low is not None and self.ci_high is not None:
            pct = f"{100 * (self.confidence or 0.95):g}% CI"
            est += f" ({pct} {self.ci_low:g} to {self.ci_high:g})"
        return est

    def __str__(self) -> str:
        return (
            f"{self.text}: {self.endpoint}, {self.comparison}, {self.trial}, {self.timepoint} "
            f"[{self.status}; {self.source}]"
        )

    def _repr_html_(self) -> str:
        note = f"<br><small>{html.escape(self.note)}</small>" if self.note else ""
        return (
            f"<p><b>{html.escape(self.text)}</b> - {html.escape(self.endpoint)}, "
            f"{html.escape(self.comparison)}, {html.escape(self.trial)}, "
            f"{html.escape(self.timepoint)} ({html.escape(self.status)}: "
            f"{html.escape(self.source)}){note}</p>"
        )


def reported_effects(trial: str | None = None) -> list[ReportedEffect]:
    """The effect estimates shipped in ``data/reported_effects.csv`` (optionally of one trial).

    Examples
    --------
    >>> [e.effect_id for e in reported_effects()][:2]
    ['canakinumab2_flare_hr', 'tender_acr30_wdiff']
    """
    out = []
    for r in data.load_reported_effects().to_dict("records"):
        if trial is not None and r["trial"] != trial:
            continue
        out.append(from_row(ReportedEffect, r))
    return out


def reported_effect(effect_id: str) -> ReportedEffect:
    """One reported effect by its ``effect_id``.

    Examples
    --------
    >>> reported_effect("tender_acr30_wdiff").text
    'Weighted difference 67 percentage points (95% CI 51 to 83)'
    """
    effects = {e.effect_id: e for e in reported_effects()}
    if effect_id not in effects:
        raise InvalidValueError(
            f"unknown effect_id {effect_id!r}", column="effect_id", allowed=", ".join(effects)
        )
    return effects[effect_id]
