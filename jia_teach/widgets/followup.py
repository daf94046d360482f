"""Follow-up between two visits: flare (two definitions), JADAS and inactive disease.

Every verdict comes from the library: flare from :func:`jia_teach.criteria.meets_flare` under
:data:`~jia_teach.definitions.FLARE_TRIAL` and :data:`~jia_teach.definitions.FLARE_BRUNNER_2002`,
JADAS from :func:`jia_teach.activity.jadas` / :func:`~jia_teach.activity.cjadas`, inactive disease
from :func:`jia_teach.activity.inactive_disease`. To show *which* variables count as worse, the
view asks ``meets_flare`` about each variable on its own (the other five held unchanged), so the
per-variable ticks follow exactly the same rule as the verdict, minimum-rise rules included.

The default child (illustrative, not trial data) was nearly quiet at visit 1 and has a small
uptick at visit 2: every variable is 50 % or more worse, but the globals rose only 1.5 cm and the
joint counts by one joint each. Brunner 2002 (as recorded on the evidence sheet, no minimum rise)
calls it a flare; the trial-style definition, which asks a global to rise >= 2 cm and a joint
count >= 2 joints, does not.

No JADAS cut-off set is shipped: the cited sets (Consolaro 2014, Backstrom, Trincianti 2021)
differ, and the evidence sheet does not record their values.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w
import numpy as np
import pandas as pd

from ..activity import cjadas, inactive_disease, jadas
from ..coreset import CORE_VARIABLES, core_set
from ..criteria import classify, meets_flare, percent_improvement
from ..definitions import FLARE_BRUNNER_2002, FLARE_TRIAL, FlareDefinition
from ..errors import JiaInputError
from ._base import View
from .calculator import _MARKER_RANGE, _SHORT, PLAIN, slider_grid

__all__ = ["DEFAULT_VISIT1", "DEFAULT_VISIT2", "NO_CUTOFF_NOTE", "FollowUpCalculator"]

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

NO_CUTOFF_NOTE = (
    "No JADAS cut-offs are shown: the published cut-off sets (Consolaro 2014, Backstrom, "
    "Trincianti 2021) differ, and the evidence sheet does not record their values."
)

_STEMS = (*CORE_VARIABLES, "marker")
_DEFS: dict[str, FlareDefinition] = {"trial": FLARE_TRIAL, "brunner2002": FLARE_BRUNNER_2002}
_DEF_LABEL = {"trial": "trial-style flare", "brunner2002": "Brunner 2002 flare"}
_ITEMS = (
    ("no_active_joints", "no joints with active arthritis"),
    (
        "no_systemic",
        "no fever, rash, serositis, splenomegaly or generalised lymphadenopathy due to JIA",
    ),
    ("no_uveitis", "no active uveitis"),
    ("marker_normal", "normal ESR or CRP"),
    ("physician_zero", "physician global at the best possible score (0 cm)"),
    ("stiffness", "morning stiffness <= 15 minutes (2011 revision only)"),
)


def _yes(v: object) -> str:
    return "?" if v is pd.NA or v is None else ("yes" if v else "no")


def _verdict(v: bool | None) -> str:
    return "unknown" if v is None else ("met" if v else "not met")


def _mark(v: bool | None) -> str:
    if v is None:
        return '<span style="color:#000000;font-weight:bold">? unknown</span>'
    if v:
        return '<span style="color:#0072B2;font-weight:bold">\u2714 met</span>'
    return '<span style="color:#D55E00;font-weight:bold">\u2718 not met</span>'


def _fmt_pct(p: float) -> str:
    if np.isnan(p):
        return "not known"
    if np.isinf(p):
        return "worse (from 0)"
    if p == 0:
        return "no change"
    return f"{abs(p):.1f}% {'better' if p > 0 else 'worse'}"


class FollowUpCalculator(View):
    """Two visits of one child: flare under two definitions, JADAS, Wallace inactive disease.

    Controls: ``<variable>_visit1`` and ``<variable>_visit2`` for ``physician_global``,
    ``parent_global``, ``chaq``, ``active_joints``, ``lom_joints`` and ``marker`` (ESR or CRP
    value); ``marker`` (``"esr"``/``"crp"``); for the inactive-disease checklist at visit 2:
    ``systemic_features``, ``active_uveitis``, ``marker_normal`` (booleans),
    ``stiffness_recorded`` (bool) and ``morning_stiffness_min`` (minutes).

    Examples
    --------
    >>> view = FollowUpCalculator()
    >>> view.flare["trial"], view.flare["brunner2002"]
    (False, True)
    >>> view.set(active_joints_visit2=3)  # two more active joints than at visit 1
    >>> view.flare["trial"]
    True
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
        self.controls, self._labels, rows = slider_grid(
            {"visit1": ("Visit 1", v1), "visit2": ("Visit 2", v2)}, marker, _SHORT
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
            description="ESR/CRP in the laboratory's normal range at visit 2",
            style=wide,
        )
        self.controls["stiffness_recorded"] = w.Checkbox(
            value=True, description="Morning stiffness recorded", style=wide
        )
        self.controls["morning_stiffness_min"] = w.IntSlider(
            value=10, min=0, max=120, step=1, description="Morning stiffness (min)", style=wide
        )
        self.controls["marker"].observe(self._on_marker, names="value")
        self._on_marker({"new": marker})
        self._flare_html = w.HTML()
        self._jadas_html = w.HTML()
        self._inactive_html = w.HTML()
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
            ]
        )
        self._connect()

    def _on_marker(self, change: dict[str, Any]) -> None:
        high, step = _MARKER_RANGE[change["new"]]
        for which in ("visit1", "visit2"):
            slider = self.controls[f"marker_{which}"]
            if high > slider.max:
                slider.max, slider.step = high, step
            else:
                slider.step, slider.max = step, high
        self._labels["marker"].value = _SHORT[change["new"]]

    # ------------------------------------------------------------------ computation (library)
    def _array(self, which: str) -> np.ndarray:
        return np.array([[float(self.controls[f"{s}_{which}"].value) for s in _STEMS]])

    def _isolated(self, b: np.ndarray, f: np.ndarray, d: FlareDefinition) -> list[bool | None]:
        """For each variable: does it count as worse under ``d``? (Asked of the library.)"""
        base = np.ones((6, 6))
        up = np.ones((6, 6))
        idx = np.arange(6)
        base[idx, idx] = b[0]
        up[idx, idx] = f[0]
        single = d.replace(min_worsened=1, max_improved=6)
        return [None if v is pd.NA else bool(v) for v in meets_flare(base, up, single)]

    def _inactive_items(self) -> dict[str, bool | None]:
        """Each checklist item judged by the library with every other item held as met."""
        ok: dict[str, Any] = {
            "active_joints": 0,
            "systemic_features": False,
            "active_uveitis": False,
            "marker_normal": True,
            "physician_global": 0.0,
        }
        aj = int(self.controls["active_joints_visit2"].value)
        md = float(self.controls["physician_global_visit2"].value)
        c = self.controls
        stiff = c["morning_stiffness_min"].value if c["stiffness_recorded"].value else None
        return {
            "no_active_joints": inactive_disease(**{**ok, "active_joints": aj}, criteria="2004"),
            "no_systemic": inactive_disease(
                **{**ok, "systemic_features": c["systemic_features"].value}, criteria="2004"
            ),
            "no_uveitis": inactive_disease(
                **{**ok, "active_uveitis": c["active_uveitis"].value}, criteria="2004"
            ),
            "marker_normal": inactive_disease(
                **{**ok, "marker_normal": c["marker_normal"].value}, criteria="2004"
            ),
            "physician_zero": inactive_disease(**{**ok, "physician_global": md}, criteria="2004"),
            "stiffness": inactive_disease(**ok, morning_stiffness_min=stiff, criteria="2011"),
        }

    def _jadas_at(self, which: str) -> dict[str, str]:
        v = dict(zip(_STEMS, self._array(which)[0], strict=True))
        args = (v["physician_global"], v["parent_global"], v["active_joints"])
        esr = v["marker"] if self.controls["marker"].value == "esr" else None
        out: dict[str, str] = {}
        for version in ("10", "71"):
            try:
                out[f"cJADAS-{version}"] = f"{cjadas(*args, joints=version)[0]:.1f}"
                out[f"JADAS-{version}"] = (
                    f"{jadas(*args, esr, joints=version)[0]:.1f}"
                    if esr is not None
                    else "needs ESR"
                )
            except JiaInputError as exc:
                out[f"cJADAS-{version}"] = out[f"JADAS-{version}"] = (
                    f"not computable ({exc.problem})"
                )
        return {k: out[k] for k in ("JADAS-10", "JADAS-71", "cJADAS-10", "cJADAS-71")}

    def update(self) -> None:
        """Recompute every verdict from the current controls and redraw."""
        marker = self.controls["marker"].value
        b, f = self._array("visit1"), self._array("visit2")
        self.pct = percent_improvement(b, f)[0]
        self.flare: dict[str, bool | None] = {}
        self.counts_as_worse: dict[str, list[bool | None]] = {}
        self.improved: dict[str, np.ndarray] = {}
        for key, d in _DEFS.items():
            d = d.replace(marker=marker)
            v = meets_flare(b, f, d)[0]
            self.flare[key] = None if v is pd.NA else bool(v)
            self.counts_as_worse[key] = self._isolated(b, f, d)
            self.improved[key] = classify(self.pct[np.newaxis], d.improvement_level, np.inf)[0] == 1
        self.jadas = {"visit1": self._jadas_at("visit1"), "visit2": self._jadas_at("visit2")}
        c = self.controls
        stiff = c["morning_stiffness_min"].value if c["stiffness_recorded"].value else None
        common = {
            "active_joints": int(c["active_joints_visit2"].value),
            "systemic_features": bool(c["systemic_features"].value),
            "active_uveitis": bool(c["active_uveitis"].value),
            "marker_normal": bool(c["marker_normal"].value),
            "physician_global": float(c["physician_global_visit2"].value),
            "morning_stiffness_min": stiff,
        }
        self.inactive = {
            "2004": inactive_disease(**common, criteria="2004"),
            "2011": inactive_disease(**common, criteria="2011"),
        }
        self.items = self._inactive_items()
        self._draw(b, f)

    # ------------------------------------------------------------------ output
    def _names(self) -> list[str]:
        return [v.name for v in core_set(self.controls["marker"].value)]

    def _draw(self, b: np.ndarray, f: np.ndarray) -> None:
        rows = []
        for j, name in enumerate(self._names()):
            cells = [
                escape(_SHORT[name]),
                f"{b[0, j]:g}",
                f"{f[0, j]:g}",
                f"{f[0, j] - b[0, j]:+g}",
                _fmt_pct(self.pct[j]),
            ]
            for key in _DEFS:
                worse = self.counts_as_worse[key][j]
                colour = "#D55E00" if worse is True else "#666666"
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
            f"<li>{escape(text)}: {_mark(self.items[key])}</li>" for key, text in _ITEMS
        )
        self._inactive_html.value = (
            f"<ul>{items}</ul><p><b>Inactive disease (Wallace 2004)</b>: "
            f"{_mark(self.inactive['2004'])}; <b>(2011 revision)</b>: "
            f"{_mark(self.inactive['2011'])}</p>"
        )

    def summary_text(self) -> str:
        """Flare, JADAS and the inactive-disease checklist in plain text (deterministic)."""
        b, f = self._array("visit1"), self._array("visit2")
        marker = self.controls["marker"].value
        lines = [f"Follow-up calculator: marker {marker.upper()}"]
        for j, name in enumerate(self._names()):
            lines.append(
                f"  {PLAIN[name]}: {b[0, j]:g} -> {f[0, j]:g} ({f[0, j] - b[0, j]:+g}; "
                f"{_fmt_pct(self.pct[j])}); counts as worse: trial "
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
        for key, text in _ITEMS:
            lines.append(f"  {text}: {_verdict(self.items[key])}")
        lines.append(f"inactive disease (Wallace 2004): {_verdict(self.inactive['2004'])}")
        lines.append(f"inactive disease (2011 revision): {_verdict(self.inactive['2011'])}")
        return "\n".join(lines)
