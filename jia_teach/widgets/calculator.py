"""The single-patient calculator: six core-set values at two visits, every criterion explained.

The view computes nothing itself: every verdict comes from :func:`jia_teach.assess` (the
adapted verdicts too, three-valued when fever at follow-up is unknown) and, for JADAS,
:func:`jia_teach.scoring.activity.jadas_text`. Its sliders are built from
:mod:`jia_teach.rules.coreset`. It only lays out controls and formats the answer, with a symbol and
a word beside every colour so that colour is never the only cue.

The default patient is an illustrative child with systemic JIA (not trial data) whose baseline
is close to the TENDER efficacy-population means on the evidence sheet (physician VAS 64.9 mm,
parent VAS 58.7 mm, CHAQ 1.7, about 20 active and 20 limited joints; the ESR is illustrative).
At follow-up the active joint count has fallen from 20 to 10, exactly 50 %: the patient meets
ACR50 with no room to spare, and one more active joint takes ACR50 away.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w
import pandas as pd

from jia_teach.rules.coreset import variable
from jia_teach.rules.definitions import PERCENT_CONTROL
from jia_teach.scoring.activity import SYSTEMIC_JADAS_SHORT, jadas_text
from jia_teach.scoring.patient import UNDECIDED, PatientAssessment, assess
from jia_teach.widgets._base import View
from jia_teach.widgets._controls import (
    STATUS_STYLE,
    STEMS,
    change_text,
    marker_variable,
    retarget_marker,
    set_step,
    slider_grid,
    status_label,
    verdict_mark,
    verdict_word,
)

__all__ = ["DEFAULT_BASELINE", "DEFAULT_FOLLOWUP", "PatientCalculator"]

#: Illustrative sJIA patient (not trial data); the marker is ESR (mm/h).
DEFAULT_BASELINE: dict[str, float] = {
    "physician_global": 6.5,
    "parent_global": 5.9,
    "chaq": 1.75,
    "active_joints": 20,
    "lom_joints": 20,
    "marker": 60.0,
}
DEFAULT_FOLLOWUP: dict[str, float] = {
    "physician_global": 2.5,
    "parent_global": 3.5,
    "chaq": 1.25,
    "active_joints": 10,
    "lom_joints": 16,
    "marker": 25.0,
}

#: Fever at follow-up: the control's options and what :func:`jia_teach.assess` is told.
_FEVER: dict[str, Any] = {"unknown": pd.NA, "no": False, "yes": True}


def _names(marker: str, compact: bool) -> dict[str, str]:
    """Row labels by slider stem, from the core-set definitions."""
    variables = {stem: marker_variable(stem, marker) for stem in STEMS}
    return {stem: v.compact if compact else v.heading for stem, v in variables.items()}


class PatientCalculator(View):
    """One patient, two visits: ACR Pedi 30-100, adapted criteria, ACR-N, flare, JADAS.

    Controls (names for :meth:`set`): ``<variable>_baseline`` and ``<variable>_followup`` for
    ``physician_global``, ``parent_global``, ``chaq``, ``active_joints``, ``lom_joints`` and
    ``marker`` (the ESR or CRP value); ``marker`` (``"esr"``/``"crp"``), ``chaq_step``
    (0.125, CHAQ's natural step, or 0.01), ``fever`` (fever at follow-up: ``"unknown"``,
    ``"no"``, ``"yes"``), ``worsening_limit`` (%) and ``missing`` (``"none"`` or a variable
    whose follow-up value was not recorded).

    Parameters
    ----------
    baseline, followup : dict, optional
        Starting values by variable name (``"marker"`` for the ESR or CRP value); missing keys
        take the illustrative patient's values.
    marker : {"esr", "crp"}, default "esr"
    fever : {"unknown", "no", "yes"}, default "no"
        Fever at follow-up.
    worsening_limit : float, default 30
    compact : bool, default False
        A layout for slides (1280 x 800): baseline and follow-up sliders side by side in a
        tight grid with short labels, the options in two rows beneath, and the change table
        and the verdicts (ACR Pedi and adapted side by side) in a column beside the sliders.
        The controls, their names and every verdict are the same as in the default layout.

    Examples
    --------
    >>> calc = PatientCalculator()
    >>> calc.assessment.responses["ACR50"], calc.assessment.responses["ACR70"]
    (True, False)
    >>> calc.set(active_joints_followup=11)  # one more active joint: 45 % instead of 50 %
    >>> calc.assessment.responses["ACR50"]
    False
    """

    def __init__(
        self,
        baseline: dict[str, float] | None = None,
        followup: dict[str, float] | None = None,
        *,
        marker: str = "esr",
        fever: str = "no",
        worsening_limit: float = 30.0,
        compact: bool = False,
    ) -> None:
        self.compact = compact
        self._names = _names(marker, compact)
        slider_width = "190px"
        base = {**DEFAULT_BASELINE, **(baseline or {})}
        up = {**DEFAULT_FOLLOWUP, **(followup or {})}
        self.controls, self._labels, rows = slider_grid(
            {"baseline": ("Baseline", base), "followup": ("Follow-up", up)},
            marker,
            self._names,
            slider_width,
            label_width="118px" if compact else "150px",
        )
        self.controls["marker"] = w.ToggleButtons(
            options=[("ESR", "esr"), ("CRP", "crp")],
            value=marker,
            description="Marker",
            style={"button_width": "60px"},
        )
        chaq = variable("chaq")
        self.controls["chaq_step"] = w.ToggleButtons(
            options=[(f"{chaq.step:g}", chaq.step), (f"{chaq.fine_step:g}", chaq.fine_step)],
            value=chaq.step,
            description="CHAQ step",
            style={"button_width": "60px"},
        )
        self.controls["fever"] = w.ToggleButtons(
            options=list(_FEVER),
            value=fever,
            description="Fever at follow-up",
            style={"description_width": "130px", "button_width": "80px"},
        )
        self.controls["worsening_limit"] = w.FloatSlider(
            value=worsening_limit,
            min=PERCENT_CONTROL[0],
            max=PERCENT_CONTROL[1],
            step=PERCENT_CONTROL[2],
            description="Worsening limit (%)",
            style={"description_width": "130px"},
            continuous_update=False,
        )
        self.controls["missing"] = w.Dropdown(
            options=[("none", "none")]
            + [(variable(s).heading if s != "marker" else "marker", s) for s in STEMS],
            value="none",
            description="Follow-up not recorded",
            style={"description_width": "160px"},
        )
        self._table = w.HTML()
        self._verdicts = w.HTML()
        self._verdicts.add_class("jia-verdicts")
        self._why = w.HTML()
        # A polite live region: one sentence when a verdict changes (not on every move).
        self._announce = w.HTML(
            layout={"height": "1px", "width": "1px", "overflow": "hidden", "margin": "0"}
        )
        self._announce.add_class("jia-live")
        self.assessment: PatientAssessment
        # Range/step/label changes are presentation, not a recomputation: own observers.
        self.controls["marker"].observe(self._on_marker, names="value")
        self.controls["chaq_step"].observe(self._on_chaq_step, names="value")
        self.controls["missing"].observe(self._on_missing, names="value")
        self._on_marker({"new": marker})
        if compact:
            self.ui = self._compact_ui()
        else:
            c = self.controls
            options = w.VBox(
                [
                    w.HBox([c["marker"], c["chaq_step"]]),
                    c["fever"],
                    c["worsening_limit"],
                    c["missing"],
                ],
                layout={"flex": "0 0 auto"},
            )
            # The verdicts sit beside the options, right under the sliders, so that at
            # 1280 x 720 with JupyterLab's file browser open (about 860 px for the output) the
            # sliders and the ACR verdicts are on screen together (issue 19: they were below
            # the fold); the change table and the reasons follow, beside the sliders where the
            # page is wide enough, else beneath.
            verdicts = w.VBox(
                [self._verdicts, self._announce],
                # At most 480 px: the table's long JADAS note then wraps instead of widening the
                # column past the notebook's edge (the column sizes to its content).
                layout={
                    "flex": "1 1 300px",
                    "margin": "0 0 0 12px",
                    "min_width": "0",
                    "max_width": "480px",
                },
            )
            controls = w.VBox(
                [
                    w.HTML(
                        "<b>Single-patient calculator</b> (an illustrative patient, not trial data)"
                    ),
                    *rows,
                    w.HBox([options, verdicts], layout={"flex_flow": "row wrap"}),
                ],
                layout={"flex": "0 0 auto"},
            )
            readouts = w.VBox(
                [self._table, self._why],
                layout={"flex": "1 1 340px", "margin": "0 0 0 12px", "min_width": "0"},
            )
            self.ui = w.HBox(
                [controls, readouts],
                layout={"flex_flow": "row wrap", "align_items": "flex-start"},
            )
        self._connect()

    def _compact_ui(self) -> w.Widget:
        """Sliders in a grid on the left, readouts on the right, about 1150 x 430 px."""
        cells: list[w.Widget] = [
            w.HTML("<b>Calculator</b> (illustrative, not trial data)"),
            w.HTML("<b>Baseline</b>"),
            w.HTML("<b>Follow-up</b>"),
        ]
        for stem in STEMS:
            self._labels[stem].layout = {"width": "auto"}
            cells += [
                self._labels[stem],
                self.controls[f"{stem}_baseline"],
                self.controls[f"{stem}_followup"],
            ]
        grid = w.GridBox(
            cells,
            layout={
                "grid_template_columns": "118px 190px 190px",
                "grid_gap": "0px 6px",
                "align_items": "center",
            },
        )
        c = self.controls
        c["marker"].style = {"description_width": "54px", "button_width": "56px"}
        c["chaq_step"].style = {"description_width": "70px", "button_width": "70px"}
        c["fever"].style = {"description_width": "54px", "button_width": "96px"}
        c["fever"].description = "Fever at follow-up"
        c["worsening_limit"].description = "Worse limit %"
        c["worsening_limit"].style = {"description_width": "112px"}
        c["worsening_limit"].layout = {"width": "270px"}
        c["missing"].description = "Not recorded"
        c["missing"].style = {"description_width": "104px"}
        c["missing"].layout = {"width": "250px"}
        options = w.VBox(
            [
                w.HBox([c["marker"], c["chaq_step"]]),
                w.HBox([c["fever"]]),
                w.HBox([c["worsening_limit"], c["missing"]]),
            ],
            layout={"margin": "6px 0 0 0"},
        )
        readouts = w.VBox(
            [self._table, w.HBox([self._verdicts]), self._why, self._announce],
            layout={"width": "560px", "margin": "0 0 0 16px"},
        )
        return w.HBox([w.VBox([grid, options]), readouts], layout={"flex_flow": "row nowrap"})

    # ------------------------------------------------------------------ controls
    def _on_marker(self, change: dict[str, Any]) -> None:
        marker = change["new"]
        sliders = [self.controls[f"marker_{which}"] for which in ("baseline", "followup")]
        retarget_marker(sliders, variable(marker))
        self._names = _names(marker, self.compact)
        self._labels["marker"].value = self._names["marker"]

    def _on_chaq_step(self, change: dict[str, Any]) -> None:
        sliders = [self.controls[f"chaq_{which}"] for which in ("baseline", "followup")]
        set_step(sliders, variable("chaq"), change["new"])

    def _on_missing(self, change: dict[str, Any]) -> None:
        for stem in STEMS:
            self.controls[f"{stem}_followup"].disabled = stem == change["new"]

    # ------------------------------------------------------------------ state
    def _values(self, which: str) -> dict[str, float | None]:
        """The slider values of one visit keyed by variable name (None: not recorded)."""
        marker = self.controls["marker"].value
        out: dict[str, float | None] = {}
        for stem in STEMS:
            name = marker if stem == "marker" else stem
            value: float | None = float(self.controls[f"{stem}_{which}"].value)
            if which == "followup" and self.controls["missing"].value == stem:
                value = None
            out[name] = value
        return out

    def _jadas(self, which: str) -> tuple[str, str]:
        """JADAS-10 and cJADAS-10 at one visit, as the library words them."""
        v = self._values(which)
        return jadas_text(
            v["physician_global"],
            v["parent_global"],
            v["active_joints"],
            v.get("esr"),
            marker=self.controls["marker"].value,
        )

    def update(self) -> None:
        """Re-assess the patient and redraw the readouts."""
        fever = _FEVER[self.controls["fever"].value]
        a = assess(
            self._values("baseline"),
            self._values("followup"),
            fever_followup=fever,
            marker=self.controls["marker"].value,
            worsening_limit=float(self.controls["worsening_limit"].value),
        )
        self.assessment = a
        self.adapted = a.adapted or {}
        self.jadas_text = {which: self._jadas(which) for which in ("baseline", "followup")}
        self._draw()
        said = "; ".join(
            f"{name} {verdict_word(v)}" for name, v in [*a.responses.items(), *self.adapted.items()]
        )
        if self._announce.value != said:
            self._announce.value = said

    # ------------------------------------------------------------------ output
    def _draw(self) -> None:
        """Both layouts draw the same tight readouts (the default with full labels): the
        change and status of each variable (the values are on the sliders), then ACR Pedi and
        adapted verdicts side by side by level, so that the readouts fit beside the sliders."""
        self._draw_compact()

    def _draw_compact(self) -> None:
        """Change and status only (the sliders show the values), ACR Pedi and adapted
        verdicts side by side by level."""
        a = self.assessment
        limit = float(self.controls["worsening_limit"].value)
        td = "padding:0 6px;line-height:1.25"
        size = "1em" if self.compact else "14px"  # compact: the slide's CSS sets the size
        rows = []
        for c in a.changes:
            symbol, colour = STATUS_STYLE[c.status]
            var = variable(c.name)
            rows.append(
                f'<tr><td style="{td}">{escape(var.compact if self.compact else var.heading)}</td>'
                f'<td style="{td};white-space:nowrap">{change_text(c.percent_improvement)}</td>'
                f'<td style="{td};color:{colour};font-weight:bold">{symbol} '
                f"{status_label(c.status, c.percent_improvement, limit)}</td></tr>"
            )
        self._table.value = (
            f'<table style="border-collapse:collapse;font-size:{size}">'
            f'<thead><tr><th style="{td}">variable</th><th style="{td}">change</th>'
            f'<th style="{td}">improved &ge; 30%, worse &gt; {limit:g}%</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )

        def verdict(v: bool | None) -> str:
            symbol, colour = verdict_mark(v)
            style = f"{td};color:{colour};font-weight:bold;white-space:nowrap"
            return f'<td style="{style}">{symbol} {verdict_word(v)}</td>'

        cells = [
            f'<tr><th style="{td}"></th><th style="{td}">ACR Pedi</th>'
            f'<th style="{td}">adapted (+ no fever)</th></tr>'
        ]
        for name, v in a.responses.items():
            cells.append(
                f'<tr><td style="{td}">{escape(name)}</td>{verdict(v)}'
                f"{verdict(self.adapted.get(f'adapted {name}'))}</tr>"
            )
        acr = UNDECIDED if a.acr_n is None else f"{a.acr_n:.1f}"
        cells.append(
            f'<tr><td style="{td}">ACR-N</td><td style="{td}">{acr}</td>'
            f"<td></td></tr>"
            f'<tr><td style="{td}">flare</td>{verdict(a.flare)}<td></td></tr>'
        )
        for which, label in (("baseline", "baseline"), ("followup", "follow-up")):
            j, c = self.jadas_text[which]
            cells.append(
                f'<tr><td style="{td}">JADAS-10 / cJADAS-10, {label}</td>'
                f'<td style="{td}" colspan="2">{escape(j)} / {escape(c)}</td></tr>'
            )
        cells.append(
            # The note wraps (ipywidgets' HTML does not by default): unwrapped it widened the
            # table past the lab's output width at 1280 x 720 and hid the adapted column.
            f'<tr><td style="{td};white-space:normal" colspan="3">'
            f"<i>{escape(SYSTEMIC_JADAS_SHORT)}</i></td></tr>"
        )
        self._verdicts.value = (
            f'<table style="border-collapse:collapse;font-size:{size};margin-top:4px">'
            f"{''.join(cells)}</table>"
        )
        self._why.value = (
            f'<p style="font-size:{size};margin:4px 0;line-height:1.3"><b>Why:</b> '
            f"{escape(a.explanation)}</p>"
        )

    def summary_text(self) -> str:
        """The inputs and every verdict in plain text (deterministic)."""
        a = self.assessment
        marker = self.controls["marker"].value
        fever = self.controls["fever"].value
        limit = float(self.controls["worsening_limit"].value)
        lines = [
            f"Patient calculator: marker {marker.upper()}, worsening limit {limit:g}%, "
            f"fever at follow-up: {fever}"
        ]
        for c in a.changes:
            var = variable(c.name)
            unit = f" {var.unit}" if var.unit else ""
            lines.append(
                f"  {var.plain}: {_num(c.baseline)} -> {_num(c.followup)}{unit}: "
                f"{change_text(c.percent_improvement)} "
                f"[{status_label(c.status, c.percent_improvement, limit)}]"
            )
        lines += [f"{name}: {verdict_word(v)}" for name, v in a.responses.items()]
        lines += [f"{name}: {verdict_word(v)}" for name, v in self.adapted.items()]
        lines.append(f"ACR-N: {'undecidable' if a.acr_n is None else f'{a.acr_n:.1f}'}")
        lines.append(f"flare (trial style): {verdict_word(a.flare)}")
        for which, label in (("baseline", "baseline"), ("followup", "follow-up")):
            j, c = self.jadas_text[which]
            lines.append(f"JADAS-10 at {label}: {j}; cJADAS-10: {c}")
        lines.append(f"why: {a.explanation}")
        return "\n".join(lines)


def _num(x: float | None) -> str:
    return "missing" if x is None else f"{x:g}"
