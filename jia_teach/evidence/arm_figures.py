"""One arm's figure for one end point or adverse event, exactly as the data hold it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jia_teach import data
from jia_teach.data.labels import arm_label
from jia_teach.evidence.records import blank_to_none, from_row

__all__ = ["ArmFigure", "harm_figure", "outcome_figure"]


@dataclass(frozen=True)
class ArmFigure:
    """One arm's figure for one end point (or adverse event), exactly as the data hold it.

    Attributes
    ----------
    trial, arm : str
        Codes (see :mod:`jia_teach.data.labels`).
    measure : str
        The end point code (outcomes) or adverse-event code (harms).
    timepoint : str
        The time point (outcomes) or phase (harms).
    events, total : int or None
        Patients with the outcome and patients in the denominator, when the source gives
        (or the data derive) them.
    percent : float or None
        The percentage as the source states it.
    unit : str
        ``"patients"`` for outcomes; for harms the unit of ``adverse_events.csv``
        (``patients``, ``percent_of_patients``, ``events``, ``events_per_patient_year``).
    value : float or None
        A harm's value in its unit (a count of events, a rate); None for outcomes.
    status, source, source_id : str
        ``reported``, ``derived`` or ``unconfirmed``; the source in words and its id.
    note : str or None
    """

    trial: str
    arm: str
    measure: str
    timepoint: str
    events: int | None
    total: int | None
    percent: float | None
    unit: str
    value: float | None
    status: str
    source: str
    source_id: str
    note: str | None

    @property
    def arm_label(self) -> str:
        """The arm's display label."""
        return arm_label(self.arm)

    @property
    def has_counts(self) -> bool:
        """Patients with the outcome and the denominator are both known (and usable)."""
        return self.events is not None and self.total is not None and self.status != "unconfirmed"

    @property
    def kaplan_meier(self) -> bool:
        """The percentage is a Kaplan-Meier estimate (the note says so)."""
        return "kaplan-meier" in (self.note or "").lower()

    def text(self, *, source: bool = False) -> str:
        """The figure as a reader should see it (see :func:`jia_teach.data.figure_text`).

        Examples
        --------
        >>> from jia_teach.evidence import harm_pair
        >>> harm_pair("TENDER", "adverse_events", "12-week double-blind").treated.text()
        '159 events'
        """
        if self.unit in ("patients",) or self.value is None:
            row = {
                "events": self.events,
                "total": self.total,
                "percent": self.percent,
                "status": self.status,
                "source": self.source,
                "note": self.note,
            }
            return data.figure_text(row, source=source)
        if self.status == "unconfirmed":
            text = "value withheld (UNCONFIRMED)"
        elif self.unit == "percent_of_patients":
            text = f"{self.value:g}% of patients"
        elif self.unit == "events_per_patient_year":
            text = f"{self.value:g} events per patient-year"
        elif self.unit == "events_per_100_patient_years":
            text = f"{self.value:g} events per 100 patient-years"
        else:
            text = f"{self.value:g} {self.unit}"
        return f"{text} [{self.status}; {self.source}]" if source else text


def outcome_figure(r: Mapping[str, Any]) -> ArmFigure:
    """An outcome row of ``trial_outcomes.csv`` as an arm's figure (in patients)."""
    return from_row(ArmFigure, r, measure=str(r["endpoint"]), unit="patients", value=None)


def harm_figure(r: Mapping[str, Any]) -> ArmFigure:
    """A row of ``adverse_events.csv`` as an arm's figure, in the unit of the row."""
    unit = str(r["unit"])
    value = float(r["value"])
    events = int(value) if unit == "patients" else None
    percent = value if unit == "percent_of_patients" else None
    if unit == "patients" and blank_to_none(r["total"]) is not None:
        percent = None
    # total and unit are read from their columns by from_row (a blank total is None)
    return from_row(
        ArmFigure,
        r,
        measure=str(r["event"]),
        timepoint=str(r["phase"]),
        events=events,
        percent=percent,
        value=value,
    )
