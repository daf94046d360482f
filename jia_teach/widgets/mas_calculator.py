"""MAS calculator: one febrile (or not) child's laboratory values against the 2016 MAS criteria.

Every verdict comes from :func:`jia_teach.scoring.mas.classify_mas` (three-valued: a value not
measured is unknown, and the answer is given only where it cannot change); the view lays out
the controls and words the answer, with a symbol and a word beside every colour.

The default child is illustrative (not trial data): febrile, ferritin 2,500 ng/mL, platelets
160 x 10^9/L, AST 60 U/L, triglycerides 180 mg/dL, fibrinogen 250 mg/dL: classified as MAS.
Switching fever to "no" (as IL-6 blockade can make it) leaves every laboratory value as it was
and the criteria no longer classify the child: the teaching point of Shimizu 2020.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w
import pandas as pd

from ..present.palette import PALETTE
from ..scoring.mas import MAS_CRITERIA_TEXT, MAS_ITEMS, classify_mas
from ._base import View
from ._controls import TEXT_BLUE, TEXT_VERMILLION

__all__ = ["DEFAULT_LABS", "MASCalculator"]

#: Illustrative child (not trial data), in the criteria's own units.
DEFAULT_LABS: dict[str, float] = {
    "ferritin": 2500.0,
    "platelets": 160.0,
    "ast": 60.0,
    "triglycerides": 180.0,
    "fibrinogen": 250.0,
}
_LABELS = {
    "ferritin": "Ferritin (ng/mL)",
    "platelets": "Platelets (x10^9/L)",
    "ast": "AST (U/L)",
    "triglycerides": "Triglycerides",
    "fibrinogen": "Fibrinogen",
}
_SHORT = {
    "ferritin": "ferritin",
    "platelets": "platelets",
    "ast": "AST",
    "triglycerides": "triglycerides",
    "fibrinogen": "fibrinogen",
}
#: Items offered in two units whose values differ (the first is the published one).
_UNIT_CHOICES = {"triglycerides": ("mg/dL", "mmol/L"), "fibrinogen": ("mg/dL", "g/L")}
_FEBRILE = {"yes": True, "no": False, "unknown": pd.NA}


def _word(value: Any) -> str:
    return "unknown" if pd.isna(value) else ("met" if value else "not met")


def _mark(value: Any) -> str:
    if pd.isna(value):
        return f'<span style="color:{PALETTE["text_grey"]};font-weight:bold">? unknown</span>'
    colour, symbol, word = (
        (TEXT_BLUE, "\u2714", "met") if value else (TEXT_VERMILLION, "\u2718", "not met")
    )
    return f'<span style="color:{colour};font-weight:bold">{symbol} {word}</span>'


class MASCalculator(View):
    """The 2016 EULAR/ACR/PRINTO MAS classification criteria (Ravelli 2016) for one child.

    Controls (names for :meth:`set`): ``febrile`` (``"yes"``, ``"no"``, ``"unknown"``);
    ``ferritin``, ``platelets``, ``ast``, ``triglycerides``, ``fibrinogen`` (numbers in the
    unit shown); ``<lab>_measured`` (False: not measured, so unknown); ``triglycerides_unit``
    (``"mg/dL"`` or ``"mmol/L"``) and ``fibrinogen_unit`` (``"mg/dL"`` or ``"g/L"``): the
    laboratory's unit; the value is read in it and the threshold converted exactly.

    Examples
    --------
    >>> calc = MASCalculator()
    >>> calc.verdict
    True
    >>> calc.set(febrile="no")
    >>> calc.verdict
    False
    >>> calc.set(febrile="yes", platelets=200, ast=40, triglycerides_measured=False)
    >>> calc.verdict is None  # one item met, one unknown: it could go either way
    True
    """

    def __init__(self, labs: dict[str, float] | None = None, *, febrile: str = "yes") -> None:
        values = {**DEFAULT_LABS, **(labs or {})}
        style = {"description_width": "170px"}
        self.controls: dict[str, w.Widget] = {
            "febrile": w.ToggleButtons(
                options=[("yes", "yes"), ("no", "no"), ("unknown", "unknown")],
                value=febrile,
                description="Febrile",
                style={"button_width": "80px"},
            )
        }
        rows = [self.controls["febrile"]]
        for name, label in _LABELS.items():
            self.controls[name] = w.BoundedFloatText(
                value=values[name],
                min=0.0,
                max=1e6,
                step=1.0,
                description=label,
                tooltip=label,
                style=style,
                layout={"width": "300px"},
            )
            self.controls[f"{name}_measured"] = w.Checkbox(
                value=True,
                description=f"{_SHORT[name]} measured",
                indent=False,
                layout={"width": "190px"},
            )
            row = [self.controls[name], self.controls[f"{name}_measured"]]
            if name in _UNIT_CHOICES:
                self.controls[f"{name}_unit"] = w.Dropdown(
                    options=list(_UNIT_CHOICES[name]),
                    value=_UNIT_CHOICES[name][0],
                    description="unit",
                    layout={"width": "170px"},
                    style={"description_width": "40px"},
                )
                row.append(self.controls[f"{name}_unit"])
            rows.append(w.HBox(row))
        self._html = w.HTML()
        self._announce = w.HTML()  # the verdict, announced once per change (aria-live)
        self._announce.add_class("jia-live")
        self.ui = w.VBox(
            [
                w.HTML("<b>MAS calculator</b> (an illustrative child, not trial data)"),
                *rows,
                self._announce,
                self._html,
            ]
        )
        self._connect()

    def _table(self) -> pd.DataFrame:
        c = self.controls
        row: dict[str, Any] = {"febrile": _FEBRILE[c["febrile"].value]}
        for name in _LABELS:
            row[name] = float(c[name].value) if c[f"{name}_measured"].value else None
        return pd.DataFrame([row])

    def update(self) -> None:
        """Classify the current values (library) and redraw."""
        c = self.controls
        frame = classify_mas(
            self._table(),
            triglycerides_unit=c["triglycerides_unit"].value,
            fibrinogen_unit=c["fibrinogen_unit"].value,
        )
        self._thresholds: dict[str, str] = frame.attrs["thresholds"]
        self.result = frame.iloc[0]
        mas = self.result["mas"]
        self.verdict: bool | None = None if pd.isna(mas) else bool(mas)
        self._draw()
        self._say()

    def _lines(self) -> list[tuple[str, Any]]:
        lines: list[tuple[str, Any]] = []
        for item, column, _op, _t, _text in MAS_ITEMS:
            lines.append((f"{column} {self._thresholds[column]}", self.result[item]))
        return lines

    def _febrile_word(self) -> str:
        febrile = self.result["febrile"]
        return "unknown" if pd.isna(febrile) else ("yes" if febrile else "no")

    def _verdict_text(self) -> str:
        if self.verdict is None:
            return "undecided: a value not measured could change the answer"
        if self.verdict:
            return "classified as MAS"
        febrile = self.result["febrile"]
        if not pd.isna(febrile) and not febrile:
            return (
                "not classified as MAS: the criteria apply to a febrile patient (on IL-6 "
                "blockade fever may be absent in MAS: Shimizu 2020)"
            )
        return "not classified as MAS"

    def _draw(self) -> None:
        rows = f"<tr><td>febrile</td><td><b>{self._febrile_word()}</b></td></tr>" + "".join(
            f"<tr><td>{escape(text)}</td><td>{_mark(value)}</td></tr>"
            for text, value in self._lines()
        )
        n = int(self.result["lab_items_met"])
        u = int(self.result["lab_items_unknown"])
        self._html.value = (
            f"<table><tr><th>criterion</th><th>this child</th></tr>{rows}</table>"
            f"<p>Laboratory items met (of the 4 after ferritin): {n}; unknown: {u}.</p>"
            f"<p><i>{escape(MAS_CRITERIA_TEXT)} Classification criteria, not a diagnosis.</i></p>"
        )

    def _say(self) -> None:
        text = f"<p><b>Verdict</b>: {escape(self._verdict_text())}</p>"
        if self._announce.value != text:
            self._announce.value = text

    def summary_text(self) -> str:
        """The items and the verdict in plain text (deterministic)."""
        lines = ["MAS calculator (Ravelli 2016 criteria)", f"  febrile: {self._febrile_word()}"]
        lines += [f"  {text}: {_word(value)}" for text, value in self._lines()]
        lines.append(
            f"  laboratory items met: {int(self.result['lab_items_met'])}; unknown: "
            f"{int(self.result['lab_items_unknown'])}"
        )
        lines.append(f"verdict: {self._verdict_text()}")
        return "\n".join(lines)
