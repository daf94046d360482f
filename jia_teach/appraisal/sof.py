"""The summary-of-findings table: one :class:`Finding` per outcome, shown as text or HTML.

Built by :func:`jia_teach.appraisal.grade.summary_of_findings`; this module only holds and
shows the result (absolute effects per 1,000, the certainty with its symbols, each rating with
its reason), labelled *our appraisal, argued from the published design*.

Examples
--------
>>> from jia_teach.appraisal.grade import summary_of_findings
>>> summary_of_findings(["can1_primary"])["can1_primary"].certainty_text
'⊕⊕◯◯ Low'
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jia_teach.appraisal.imprecision import InformationSize, Rating
from jia_teach.data.schema import OUR_APPRAISAL
from jia_teach.rules.display import Table
from jia_teach.rules.errors import InvalidValueError

__all__ = ["CERTAINTY", "Finding", "SummaryOfFindings", "Table"]

#: Certainty level -> word.
CERTAINTY: dict[int, str] = {4: "high", 3: "moderate", 2: "low", 1: "very low"}
_SYMBOLS: dict[int, str] = {4: "⊕⊕⊕⊕", 3: "⊕⊕⊕◯", 2: "⊕⊕◯◯", 1: "⊕◯◯◯"}


def _round(x: float) -> int:
    """Round half away from zero (610.5 -> 611, -0.5 -> -1)."""
    return int(Decimal(repr(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------------------------------
# one row of the table
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One outcome of the summary of findings.

    Absolute figures are per 1,000 children (or per 1,000 patient-years, see ``per``); None
    where the published figures do not allow them.
    """

    outcome_id: str
    label: str
    question: str
    importance: str
    studies: str
    per: str
    control: float | None
    treated: float | None
    difference: float | None
    difference_ci: tuple[float, float] | None
    relative: str
    design: str
    ratings: tuple[Rating, ...]
    figures: str
    notes: tuple[str, ...] = ()
    ois: InformationSize | None = None
    #: How the absolute figures were obtained when not from reported counts, e.g.
    #: "(from derived counts)"; shown with the difference, in the full and the compact table.
    derivation: str = ""

    @property
    def start(self) -> int:
        """4 (high) for a randomized comparison, 2 (low) otherwise."""
        return 4 if self.design == "randomized" else 2

    @property
    def level(self) -> int:
        """The certainty level, 1 (very low) to 4 (high)."""
        return max(1, min(4, self.start + sum(r.change for r in self.ratings)))

    @property
    def certainty(self) -> str:
        """``high``, ``moderate``, ``low`` or ``very low``."""
        return CERTAINTY[self.level]

    @property
    def certainty_text(self) -> str:
        """E.g. ``'⊕⊕⊕◯ Moderate'``."""
        return f"{_SYMBOLS[self.level]} {self.certainty.capitalize()}"

    @property
    def absolute_text(self) -> str:
        """The difference per 1,000 with its interval, or why there is none."""
        if self.difference is None:
            return "not estimable"
        text = _more_fewer(self.difference, self.per)
        tail = f" {self.derivation}" if self.derivation else ""
        if self.difference_ci is None:
            return text + " (no interval: percentages only)" + tail
        low, high = self.difference_ci
        return f"{text} (95% CI {_more_fewer(low, '')} to {_more_fewer(high, '')}){tail}"

    def row(self) -> dict[str, str]:
        """The table row as text."""
        return {
            "Outcome": f"{self.label} ({self.importance})",
            "Studies": self.studies,
            "With placebo": _risk(self.control, self.per),
            "With drug": _risk(self.treated, self.per),
            "Difference": self.absolute_text,
            "Relative effect": self.relative,
            "Certainty": self.certainty_text,
            "Reasons": " ".join(r.text for r in self.ratings if r.change) or "None",
        }

    def __str__(self) -> str:
        lines = [f"{self.label} [{self.question}]", f"  Figures: {self.figures}"]
        lines += [f"  {k}: {v}" for k, v in self.row().items() if k not in ("Outcome", "Reasons")]
        lines += [f"  {r.text}" for r in self.ratings]
        lines += [f"  Note: {n}" for n in self.notes]
        return "\n".join(lines)


def _more_fewer(x: float, per: str) -> str:
    n = _round(x)
    tail = f" {per}" if per else ""
    if n == 0:
        return f"0 more{tail}"
    return f"{abs(n)} {'more' if n > 0 else 'fewer'}{tail}"


def _risk(x: float | None, per: str) -> str:
    return "not estimable" if x is None else f"{_round(x)} {per}"


# --------------------------------------------------------------------------------------------
# the table
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class SummaryOfFindings:
    """The summary-of-findings table: a sequence of :class:`Finding`."""

    findings: tuple[Finding, ...]
    appraisal: str = OUR_APPRAISAL

    def __repr__(self) -> str:
        return f"SummaryOfFindings({len(self.findings)} outcomes; {self.appraisal})"

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __getitem__(self, outcome_id: str) -> Finding:
        for f in self.findings:
            if f.outcome_id == outcome_id:
                return f
        raise KeyError(outcome_id)

    def compact(self, columns: Sequence[str] = ("Outcome", "Difference", "Certainty")) -> Table:
        """A few columns of the table, untruncated, for a slide.

        Examples
        --------
        >>> from jia_teach.appraisal.grade import summary_of_findings
        >>> t = summary_of_findings(["tender_primary"]).compact()
        >>> print(t)
        Outcome | Difference | Certainty
        JIA ACR30 and absence of fever (primary end point), week 12 (critical) | 610 more per 1,000 (95% CI 425 more to 736 more) | ⊕⊕◯◯ Low
        """  # noqa: E501
        rows = [f.row() for f in self.findings]
        unknown = [c for c in columns if rows and c not in rows[0]]
        if unknown:
            raise InvalidValueError(
                f"unknown columns {unknown}", column="columns", allowed=", ".join(rows[0])
            )
        return Table(tuple(columns), tuple(tuple(r[c] for c in columns) for r in rows))

    def to_frame(self) -> Any:
        """The table as a pandas DataFrame of text (one row per outcome)."""
        import pandas as pd

        return pd.DataFrame([f.row() for f in self.findings]).astype("string")

    def __str__(self) -> str:
        head = f"Summary of findings ({self.appraisal}). Absolute effects per 1,000."
        return "\n\n".join([head, *(str(f) for f in self.findings)])

    def _repr_html_(self) -> str:
        """The GRADE layout: one row per outcome, each down-grade a lettered footnote."""
        esc = html.escape
        cols = [c for c in (self.findings[0].row() if self.findings else {}) if c != "Reasons"]
        head = "".join(f"<th style='text-align:left'>{esc(c)}</th>" for c in cols)
        body, notes = "", []
        for f in self.findings:
            marks = []
            for r in f.ratings:
                if r.change:
                    notes.append(r.text)
                    marks.append(_letter(len(notes)))
            row = f.row()
            if marks:
                row["Certainty"] += f" ({', '.join(marks)})"
            cells = "".join(
                f"<td style='text-align:left;vertical-align:top'>{esc(row[c])}</td>" for c in cols
            )
            body += f"<tr>{cells}</tr>"
        items = "".join(
            f"<li><b>{_letter(i)}</b> {esc(n)}</li>" for i, n in enumerate(notes, start=1)
        )
        return (
            "<table class='jia-sof' style='font-size:smaller'><caption>Summary of findings "
            f"<i>({esc(self.appraisal)})</i>: absolute effects per 1,000; certainty by GRADE"
            f"</caption><tr>{head}</tr>{body}</table>"
            f"<ol style='list-style:none;font-size:smaller;padding-left:0'>{items}</ol>"
        )


def _letter(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out
