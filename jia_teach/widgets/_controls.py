"""Controls built from the core-set definitions, and the words and marks of a verdict.

Every slider for a core-set variable takes its range, step and readout from
:class:`jia_teach.rules.coreset.Variable`; no view restates a range or a label. The verdict marks
pair a symbol and a word with every colour, so colour is never the only cue.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from jia_teach.present.palette import PALETTE
from jia_teach.rules.coreset import CORE_VARIABLES, Variable, variable
from jia_teach.scoring.patient import status_text as status_label

__all__ = [
    "BUTTON_BLUE",
    "STATUS_STYLE",
    "STEMS",
    "TEXT_BLUE",
    "TEXT_GREEN",
    "TEXT_VERMILLION",
    "change_text",
    "labelled_slider",
    "marker_variable",
    "retarget_marker",
    "slider_grid",
    "status_label",
    "variable_slider",
    "verdict_mark",
    "verdict_word",
]

#: The six slider stems of a view: the five fixed variables and the marker (ESR or CRP).
STEMS: tuple[str, ...] = (*CORE_VARIABLES, "marker")

#: Text colours: the Okabe-Ito hues, darkened where needed to reach 4.5:1 on white (WCAG AA
#: for text). Marks (bars, borders, points) keep the palette itself; these are for words.
TEXT_BLUE = PALETTE["blue"]  # Okabe-Ito blue as it is: 5.2:1
TEXT_VERMILLION = PALETTE["text_vermillion"]  # darker vermillion: 5.5:1
TEXT_GREEN = PALETTE["text_green"]  # darker bluish green: 5.5:1
BUTTON_BLUE = PALETTE["blue"]  # a button's fill under white text: 5.2:1 (ipywidgets' is 3.1:1)

#: status -> (symbol, colour of its words); blue / dark vermillion, grey for neither.
STATUS_STYLE: dict[str, tuple[str, str]] = {
    "improved": ("\u25b2", TEXT_BLUE),
    "worsened": ("\u25bc", TEXT_VERMILLION),
    "unchanged": ("=", PALETTE["text_grey"]),
    "missing": ("?", PALETTE["black"]),
}


def marker_variable(stem: str, marker: str) -> Variable:
    """The :class:`~jia_teach.rules.coreset.Variable` behind a slider stem (``"marker"`` ->
    ESR/CRP).

    Examples
    --------
    >>> marker_variable("marker", "crp").unit, marker_variable("chaq", "crp").name
    ('mg/L', 'chaq')
    """
    return variable(marker if stem == "marker" else stem)


def _readout(var: Variable, step: float) -> str:
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0
    return f".{max(decimals, var.decimals if not var.integer else 0)}f"


def variable_slider(
    var: Variable, value: float, *, width: str = "260px", description: str = ""
) -> w.Widget:
    """A slider over the variable's valid range, in its recording step.

    Parameters
    ----------
    var : Variable
    value : float
        Starting value (clipped to the range by ipywidgets).
    width : str
        CSS width.
    description : str
        The slider's label (its accessible name when shown).

    Examples
    --------
    >>> s = variable_slider(variable("chaq"), 1.25)
    >>> (s.min, s.max, s.step, s.readout_format)
    (0.0, 3.0, 0.125, '.3f')
    >>> variable_slider(variable("active_joints"), 4).max
    75
    """
    common: dict[str, Any] = {
        "continuous_update": True,
        "layout": {"width": width},
        "readout": True,
        "description": description,
    }
    if var.integer:
        return w.IntSlider(
            value=int(value), min=int(var.low), max=int(var.high), step=int(var.step), **common
        )
    return w.FloatSlider(
        value=value,
        min=var.low,
        max=var.high,
        step=var.step,
        readout_format=_readout(var, var.step),
        **common,
    )


def labelled_slider(
    description: str,
    value: float,
    bounds: tuple[float, float, float],
    readout_format: str,
    *,
    width: str = "640px",
    continuous_update: bool = True,
) -> w.FloatSlider:
    """A float slider whose whole label shows (never cut to "Benefit that matters (perc…",
    issue 19), at a fixed width.

    Parameters
    ----------
    description : str
        The label: the slider's accessible name in full human words.
    value : float
    bounds : (min, max, step)
    readout_format : str
    width : str
        CSS width of label and slider together.
    continuous_update : bool
        False when one value costs too much to answer per pixel (answered on release).

    Examples
    --------
    >>> s = labelled_slider("Threshold (points)", 20, (0, 50, 1), ".0f")
    >>> (s.min, s.max, s.step, s.style.description_width, s.layout.width)
    (0.0, 50.0, 1.0, 'initial', '640px')
    """
    low, high, step = bounds
    return w.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        readout_format=readout_format,
        continuous_update=continuous_update,
        style={"description_width": "initial"},
        layout={"width": width},
    )


def retarget_marker(sliders: list[w.Widget], var: Variable) -> None:
    """Give marker sliders another marker's range and step (ESR <-> CRP), in a safe order.

    Widening the range first (or narrowing it last) keeps every intermediate state valid.
    """
    for slider in sliders:
        if var.high > slider.max:
            slider.max = var.high
            slider.step = var.step
        else:
            slider.step = var.step
            slider.max = var.high
        slider.readout_format = _readout(var, var.step)
        if slider.tooltip:
            slider.tooltip = f"{var.heading}, {slider.tooltip.rpartition(', ')[2]}"


def set_step(sliders: list[w.Widget], var: Variable, step: float) -> None:
    """Change the step of a variable's sliders (e.g. CHAQ 0.125 <-> 0.01) and their readout."""
    for slider in sliders:
        slider.step = step
        slider.readout_format = _readout(var, step)


def slider_grid(
    visits: Mapping[str, tuple[str, Mapping[str, float]]],
    marker: str,
    names: Mapping[str, str],
    slider_width: str = "260px",
    label_width: str = "170px",
) -> tuple[dict[str, w.Widget], dict[str, w.HTML], list[w.Widget]]:
    """Sliders for the six core-set variables at two visits, one row per variable.

    Parameters
    ----------
    visits : mapping
        Control-name suffix -> (column heading, values by stem), in column order, e.g.
        ``{"baseline": ("Baseline", {...}), "followup": (...)}``.
    marker : {"esr", "crp"}
    names : mapping
        Row label per stem (``"marker"`` for the sixth).
    slider_width : str
        CSS width of each slider.
    label_width : str
        CSS width of the row labels.

    Returns
    -------
    controls, labels, rows
        ``controls["<stem>_<suffix>"]``, the row labels by stem, and the rows (a heading row
        first) ready for a VBox.
    """
    heading = [w.HTML("<b>Variable</b>", layout={"width": label_width})]
    heading += [
        w.HTML(f"<b>{title}</b>", layout={"width": slider_width}) for title, _ in visits.values()
    ]
    rows: list[w.Widget] = [w.HBox(heading)]
    controls: dict[str, w.Widget] = {}
    labels: dict[str, w.HTML] = {}
    for stem in STEMS:
        labels[stem] = w.HTML(names.get(stem, ""), layout={"width": label_width})
        var = marker_variable(stem, marker)
        pair = []
        for suffix, (title, values) in visits.items():
            slider = variable_slider(var, values[stem], width=slider_width)
            # Its accessible name (and hover text): which variable, which visit.
            slider.tooltip = f"{var.heading}, {title.lower()}"
            controls[f"{stem}_{suffix}"] = slider
            pair.append(slider)
        rows.append(w.HBox([labels[stem], *pair]))
    return controls, labels, rows


def verdict_word(v: bool | None) -> str:
    """``'met'``, ``'not met'`` or ``'undecidable'``."""
    return "undecidable" if v is None else ("met" if v else "not met")


def verdict_mark(v: bool | None) -> tuple[str, str]:
    """(symbol, colour) of a verdict: tick, cross or question mark."""
    if v is None:
        return "?", PALETTE["black"]
    return ("\u2714", TEXT_BLUE) if v else ("\u2718", TEXT_VERMILLION)


def change_text(pct: float | None) -> str:
    """A percent improvement in words: ``'28.6% better'``, ``'worse (from 0)'``, ...

    Examples
    --------
    >>> change_text(28.57), change_text(-50.0), change_text(float("-inf")), change_text(None)
    ('28.6% better', '50.0% worse', 'worse (from 0)', 'not known')
    """
    if pct is None or math.isnan(pct):
        return "not known"
    if math.isinf(pct):
        return "worse (from 0)"
    if pct == 0:
        return "no change"
    return f"{abs(pct):.1f}% {'better' if pct > 0 else 'worse'}"
