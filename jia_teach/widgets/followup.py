"""Follow-up between two visits: flare (two definitions), JADAS and inactive disease.

Every verdict comes from the library: flare and the variables that count as worse from
:func:`jia_teach.scoring.patient.explain_flare` under
:data:`~jia_teach.rules.definitions.FLARE_TRIAL` and
:data:`~jia_teach.rules.definitions.FLARE_BRUNNER_2002` (each variable asked of ``meets_flare`` on
its own, so the per-variable ticks follow exactly the rule of the verdict, minimum-rise rules
included), JADAS from :func:`jia_teach.scoring.activity.jadas_text`, inactive disease and its
checklist from :func:`jia_teach.scoring.activity.inactive_disease` and
:func:`~jia_teach.scoring.activity.inactive_disease_items`.

The default child (illustrative, not trial data) was nearly quiet at visit 1 and has a small
uptick at visit 2: every variable is 50 % or more worse, but the globals rose only 1.5 cm and the
joint counts by one joint each. Brunner 2002 (as recorded on the evidence sheet, no minimum rise)
calls it a flare; the trial-style definition, which asks a global to rise >= 2 cm and a joint
count >= 2 joints, does not.

No JADAS cut-off set is applied; :data:`jia_teach.scoring.activity.NO_CUTOFF_NOTE` says why.

Treat-to-target: with visit 1 taken as the start of treatment (day 0), visit 2 is judged
against the EULAR/PReS 2024 checkpoint whose window holds its day, by
:func:`jia_teach.scoring.targets.target_at_visit` (the rules of ``treat_to_target``): fever and
the glucocorticoid dose at visit 2 are controls; CRP is the marker sliders' value when the
marker is CRP and unknown otherwise; clinically inactive disease is the Wallace 2004 verdict
of the checklist (fever at visit 2 counts as a systemic feature there). Every item is
three-valued: an unknown input leaves the checkpoint undecided unless another item fails.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w
import numpy as np

from jia_teach.present.palette import PALETTE
from jia_teach.rules.coreset import core_set, variable
from jia_teach.rules.definitions import FLARE_BRUNNER_2002, FLARE_TRIAL, FlareDefinition
from jia_teach.scoring.activity import (
    INACTIVE_ITEMS,
    NO_CUTOFF_NOTE,
    inactive_disease,
    inactive_disease_items,
    jadas_text,
)
from jia_teach.scoring.patient import UNDECIDED, FlareAssessment, explain_flare
from jia_teach.scoring.targets import VisitTarget, target_at_visit
from jia_teach.widgets._base import View
from jia_teach.widgets._controls import (
    STEMS,
    TEXT_BLUE,
    TEXT_VERMILLION,
    change_text,
    marker_variable,
    retarget_marker,
    slider_grid,
)

__all__ = [
    "DEFAULT_VISIT1",
    "DEFAULT_VISIT2",
    "NO_CUTOFF_NOTE",
    "TARGET_NOTE",
    "FollowUpCalculator",
]

#: What the treat-to-target readout rests on (shown under it).
TARGET_NOTE = (
    "Checkpoints as the J Rheumatol 2025 abstract words the EULAR/PReS 2024 targets "
    "(Fautrel 2024's own table was not read); visit windows are this package's choice; "
    "clinically inactive disease is the Wallace 2004 checklist above."
)
_FEVER = {"no": False, "yes": True, "unknown": None}

DEFAULT_VISIT1: dict[str, float] = {
    "physician_global": 1.0,
    "parent_global": 1.5,
    "chaq": 0.25,
    "active_joints": 1,
    "lom_joints": 2,
    "marker": 12.0,
}
DEFAULT_VISIT2: dict[str, float] = {
    "physician_global": 2.5,
    "parent_global": 3.0,
    "chaq": 0.375,
    "active_joints": 2,
    "lom_joints": 3,
    "marker": 18.0,
}


_DEFS: dict[str, FlareDefinition] = {"trial": FLARE_TRIAL, "brunner2002": FLARE_BRUNNER_2002}
_DEF_LABEL = {"trial": "trial-style flare", "brunner2002": "Brunner 2002 flare"}


def _yes(v: object) -> str:
    return "?" if v is None else ("yes" if v else "no")


def _verdict(v: bool | None) -> str:
    return UNDECIDED if v is None else ("met" if v else "not met")


def _mark(v: bool | None) -> str:
    if v is None:
        return f'<span style="color:{PALETTE["black"]};font-weight:bold">? {UNDECIDED}</span>'
    if v:
        return f'<span style="color:{TEXT_BLUE};font-weight:bold">\u2714 met</span>'
    return f'<span style="color:{TEXT_VERMILLION};font-weight:bold">\u2718 not met</span>'


class FollowUpCalculator(View):
    """Two visits of one child: flare under two definitions, JADAS, Wallace inactive disease.

    Controls: ``<variable>_visit1`` and ``<variable>_visit2`` for ``physician_global``,
    ``parent_global``, ``chaq``, ``active_joints``, ``lom_joints`` and ``marker`` (ESR or CRP
    value); ``marker`` (``"esr"``/``"crp"``); for the inactive-disease checklist at visit 2:
    ``systemic_features``, ``active_uveitis``, ``marker_normal`` (booleans),
    ``stiffness_recorded`` (bool) and ``morning_stiffness_min`` (minutes); for
    treat-to-target at visit 2: ``days_since_start`` (visit 1 is day 0), ``fever_visit2``
    (``"no"``/``"yes"``/``"unknown"``), ``gc_recorded`` (bool), ``gc_visit2`` (mg/kg/day) and
    ``crp_normal_max`` (mg/L, the laboratory's upper limit).

    Examples
    --------
    >>> view = FollowUpCalculator()
    >>> view.flare["trial"], view.flare["brunner2002"]
    (False, True)
    >>> view.set(active_joints_visit2=3)  # two more active joints than at visit 1
    >>> view.flare["trial"]
    True
    >>> view.target.checkpoint.name, view.target.status  # day 28: week 4; 1 -> 3 joints
    ('week 4', 'not met')
    """

    def __init__(
        self,
        visit1: dict[str, float] | None = None,
        visit2: dict[str, float] | None = None,
        *,
        marker: str = "esr",
    ) -> None:
        v1 = {**DEFAULT_VISIT1, **(visit1 or {})}
        v2 = {**DEFAULT_VISIT2, **(visit2 or {})}
        names = {stem: marker_variable(stem, marker).heading for stem in STEMS}
        self.controls, self._labels, rows = slider_grid(
            {"visit1": ("Visit 1", v1), "visit2": ("Visit 2", v2)}, marker, names
        )
        self.controls["marker"] = w.ToggleButtons(
            options=[("ESR", "esr"), ("CRP", "crp")],
            value=marker,
            description="Marker",
            style={"button_width": "60px"},
        )
        wide = {"description_width": "initial"}
        self.controls["systemic_features"] = w.Checkbox(
            value=False, description="Systemic features due to JIA at visit 2", style=wide
        )
        self.controls["active_uveitis"] = w.Checkbox(
            value=False, description="Active uveitis at visit 2", style=wide
        )
        self.controls["marker_normal"] = w.Checkbox(
            value=True,
            description="ESR or CRP normal at visit 2 (if both tested, both normal)",
            style=wide,
        )
        self.controls["stiffness_recorded"] = w.Checkbox(
            value=True, description="Morning stiffness recorded", style=wide
        )
        self.controls["morning_stiffness_min"] = w.IntSlider(
            value=10, min=0, max=120, step=1, description="Morning stiffness (min)", style=wide
        )
        self.controls["days_since_start"] = w.BoundedIntText(
            value=28, min=0, max=400, step=1, description="Visit 2: days since start", style=wide
        )
        self.controls["fever_visit2"] = w.Dropdown(
            options=[("no", "no"), ("yes", "yes"), ("not recorded", "unknown")],
            value="no",
            description="Fever at visit 2",
            style=wide,
        )
        self.controls["gc_recorded"] = w.Checkbox(
            value=True, description="Glucocorticoid dose recorded", style=wide
        )
        for name, value, low, high, step, text in (
            ("gc_visit2", 0.0, 0.0, 30.0, 0.01, "Glucocorticoid at visit 2 (mg/kg/day)"),
            ("crp_normal_max", 10.0, 0.1, 100.0, 0.1, "Upper limit of normal CRP (mg/L; lab's)"),
        ):
            self.controls[name] = w.BoundedFloatText(
                value=value, min=low, max=high, step=step, description=text, style=wide
            )
        self.controls["marker"].observe(self._on_marker, names="value")
        self._on_marker({"new": marker})
        self._flare_html = w.HTML()
        self._jadas_html = w.HTML()
        self._inactive_html = w.HTML()
        self._target_html = w.HTML()
        targets = w.VBox(
            [
                w.HTML(
                    "<b>Treat-to-target (EULAR/PReS 2024) at visit 2</b> "
                    "(visit 1 = start of treatment, day 0)"
                ),
                w.HBox([self.controls["days_since_start"], self.controls["fever_visit2"]]),
                w.HBox([self.controls["gc_recorded"], self.controls["gc_visit2"]]),
                self.controls["crp_normal_max"],
            ]
        )
        checklist = w.VBox(
            [
                w.HTML("<b>Inactive disease checklist at visit 2</b> (items not on the sliders)"),
                self.controls["systemic_features"],
                self.controls["active_uveitis"],
                self.controls["marker_normal"],
                w.HBox(
                    [self.controls["stiffness_recorded"], self.controls["morning_stiffness_min"]]
                ),
            ]
        )
        self.ui = w.VBox(
            [
                w.HTML("<b>Follow-up calculator</b> (an illustrative child, not trial data)"),
                *rows,
                self.controls["marker"],
                self._flare_html,
                self._jadas_html,
                checklist,
                self._inactive_html,
                targets,
                self._target_html,
            ]
        )
        self._connect()

    def _on_marker(self, change: dict[str, Any]) -> None:
        var = variable(change["new"])
        retarget_marker([self.controls[f"marker_{which}"] for which in ("visit1", "visit2")], var)
        self._labels["marker"].value = var.heading

    # ------------------------------------------------------------------ computation (library)
    def _array(self, which: str) -> np.ndarray:
        return np.array([[float(self.controls[f"{s}_{which}"].value) for s in STEMS]])

    def _jadas_at(self, which: str) -> dict[str, str]:
        v = dict(zip(STEMS, self._array(which)[0], strict=True))
        args = (v["physician_global"], v["parent_global"], v["active_joints"], v["marker"])
        out: dict[str, str] = {}
        for version in ("10", "71"):
            j, c = jadas_text(*args, marker=self.controls["marker"].value, joints=version)
            out[f"JADAS-{version}"], out[f"cJADAS-{version}"] = j, c
        return {k: out[k] for k in ("JADAS-10", "JADAS-71", "cJADAS-10", "cJADAS-71")}

    def update(self) -> None:
        """Recompute every verdict from the current controls and redraw."""
        marker = self.controls["marker"].value
        b, f = self._array("visit1"), self._array("visit2")
        self.assessments: dict[str, FlareAssessment] = {
            key: explain_flare(b, f, d.replace(marker=marker)) for key, d in _DEFS.items()
        }
        self.pct = np.array(self.assessments["trial"].percent_improvement)
        self.flare: dict[str, bool | None] = {k: a.flare for k, a in self.assessments.items()}
        self.counts_as_worse: dict[str, tuple[bool | None, ...]] = {
            k: a.counts_as_worse for k, a in self.assessments.items()
        }
        self.improved = {k: np.array(a.improved) for k, a in self.assessments.items()}
        self.jadas = {"visit1": self._jadas_at("visit1"), "visit2": self._jadas_at("visit2")}
        c = self.controls
        stiff = c["morning_stiffness_min"].value if c["stiffness_recorded"].value else None
        fever = _FEVER[c["fever_visit2"].value]
        common = {
            "active_joints": int(c["active_joints_visit2"].value),
            "systemic_features": bool(c["systemic_features"].value) or fever is True,
            "active_uveitis": bool(c["active_uveitis"].value),
            "marker_normal": bool(c["marker_normal"].value),
            "physician_global": float(c["physician_global_visit2"].value),
            "morning_stiffness_min": stiff,
        }
        self.inactive = {
            "2004": inactive_disease(**common, criteria="2004"),
            "2011": inactive_disease(**common, criteria="2011"),
        }
        self.items = inactive_disease_items(**common)
        self.target = self._target(fever)
        self._draw(b, f)

    def _target(self, fever: bool | None) -> VisitTarget:
        """The checkpoint at visit 2, from the library (visit 1 = day 0)."""
        c = self.controls
        crp = c["marker"].value == "crp"
        return target_at_visit(
            c["days_since_start"].value,
            baseline={
                "crp": c["marker_visit1"].value if crp else None,
                "active_joints": c["active_joints_visit1"].value,
            },
            visit={
                "fever": fever,
                "crp": c["marker_visit2"].value if crp else None,
                "active_joints": c["active_joints_visit2"].value,
                "gc_mg_kg_day": c["gc_visit2"].value if c["gc_recorded"].value else None,
                "inactive_disease": self.inactive["2004"],
            },
            crp_normal_max=c["crp_normal_max"].value,
        )

    def _target_lines(self) -> list[str]:
        """The checkpoint, its wording and the verdict with its reason, in words."""
        t = self.target
        if t.checkpoint is None or t.window is None:
            return [f"Visit 2: {t.reason}; no checkpoint applies."]
        lines = [
            f"Visit 2 on day {t.day:g}: checkpoint {t.checkpoint.name} (window days "
            f"{t.window[0]:g}-{t.window[1]:g}): {t.checkpoint.target}.",
            t.reason,
        ]
        uses_crp = any(item.startswith("crp") for item in t.checkpoint.items)
        if uses_crp and self.controls["marker"].value != "crp":
            lines.append("CRP is not recorded here (the marker is ESR): choose CRP to enter it.")
        return lines

    # ------------------------------------------------------------------ output
    def _names(self) -> list[str]:
        return [v.name for v in core_set(self.controls["marker"].value)]

    def _draw(self, b: np.ndarray, f: np.ndarray) -> None:
        rows = []
        for j, name in enumerate(self._names()):
            cells = [
                escape(variable(name).heading),
                f"{b[0, j]:g}",
                f"{f[0, j]:g}",
                f"{f[0, j] - b[0, j]:+g}",
                change_text(self.pct[j]),
            ]
            for key in _DEFS:
                worse = self.counts_as_worse[key][j]
                colour = TEXT_VERMILLION if worse is True else PALETTE["text_grey"]
                symbol = "\u25bc " if worse is True else ""
                cells.append(f'<span style="color:{colour}">{symbol}{_yes(worse)}</span>')
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        head = (
            "<tr><th>variable</th><th>visit 1</th><th>visit 2</th><th>change</th><th>%</th>"
            "<th>counts as worse: trial style</th><th>counts as worse: Brunner 2002</th></tr>"
        )
        verdicts = "".join(
            f"<p><b>{_DEF_LABEL[k]}</b>: {_mark(v)}. <i>{escape(_DEFS[k].describe())}</i></p>"
            for k, v in self.flare.items()
        )
        self._flare_html.value = f"<table>{head}{''.join(rows)}</table>{verdicts}"
        jrows = "".join(
            f"<tr><td>{k}</td><td>{self.jadas['visit1'][k]}</td><td>{self.jadas['visit2'][k]}</td></tr>"
            for k in self.jadas["visit1"]
        )
        self._jadas_html.value = (
            f"<table><tr><th>score</th><th>visit 1</th><th>visit 2</th></tr>{jrows}</table>"
            f"<p><i>{escape(NO_CUTOFF_NOTE)} JADAS-27 needs a 27-joint count and is not "
            "estimated from these counts.</i></p>"
        )
        items = "".join(
            f"<li>{escape(text)}: {_mark(self.items[key])}</li>" for key, text in INACTIVE_ITEMS
        )
        self._inactive_html.value = (
            f"<ul>{items}</ul><p><b>Inactive disease (Wallace 2004)</b>: "
            f"{_mark(self.inactive['2004'])}; <b>(2011 revision)</b>: "
            f"{_mark(self.inactive['2011'])}</p>"
        )
        lines = self._target_lines()
        status = {"met": True, "not met": False}.get(self.target.status)
        head = escape(lines[0])
        if self.target.checkpoint is not None:
            head += f"<br><b>Target at this checkpoint</b>: {_mark(status)}."
        rest = "".join(f"<br>{escape(x)}" for x in lines[1:])
        self._target_html.value = (
            f'<p role="status">{head}{rest}</p><p><i>{escape(TARGET_NOTE)}</i></p>'
        )

    def summary_text(self) -> str:
        """Flare, JADAS and the inactive-disease checklist in plain text (deterministic)."""
        b, f = self._array("visit1"), self._array("visit2")
        marker = self.controls["marker"].value
        lines = [f"Follow-up calculator: marker {marker.upper()}"]
        for j, name in enumerate(self._names()):
            lines.append(
                f"  {variable(name).plain}: {b[0, j]:g} -> {f[0, j]:g} ({f[0, j] - b[0, j]:+g}; "
                f"{change_text(self.pct[j])}); counts as worse: trial "
                f"{_yes(self.counts_as_worse['trial'][j])}, Brunner 2002 "
                f"{_yes(self.counts_as_worse['brunner2002'][j])}"
            )
        for key, v in self.flare.items():
            lines.append(f"{_DEF_LABEL[key]}: {_verdict(v)}")
        for key in self.jadas["visit1"]:
            lines.append(
                f"{key}: visit 1 {self.jadas['visit1'][key]}, visit 2 {self.jadas['visit2'][key]}"
            )
        lines.append(NO_CUTOFF_NOTE)
        lines.append("Inactive disease checklist at visit 2:")
        for key, text in INACTIVE_ITEMS:
            lines.append(f"  {text}: {_verdict(self.items[key])}")
        lines.append(f"inactive disease (Wallace 2004): {_verdict(self.inactive['2004'])}")
        lines.append(f"inactive disease (2011 revision): {_verdict(self.inactive['2011'])}")
        lines.append("Treat-to-target (EULAR/PReS 2024) at visit 2, visit 1 = day 0:")
        lines += [f"  {x}" for x in self._target_lines()]
        return "\n".join(lines)
