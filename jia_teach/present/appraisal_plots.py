"""Appraisal figures: icon arrays with the NNT scale, traffic lights, prior and posterior.

Plain matplotlib (a short function each, no pyplot; chosen over pywaffle to avoid a dependency
for a 10 x 10 grid). Every figure carries a plain-language caption used as alt text
(``fig.jia_caption``; :func:`jia_teach.present.caption`, :func:`jia_teach.present.image`).
Colours are Okabe-Ito; every mark also differs by shape or carries a text label, so no
meaning rests on colour alone.

* :func:`icon_array` - 100 children per arm: those with the outcome on placebo, the extra (or
  spared) children on the drug, and below, the risk difference on Altman's NNT scale, which
  runs "NNTB ... to infinity to ... NNTH" when the interval crosses zero.
* :func:`traffic_lights` - robvis-style risk-of-bias grid (symbols and words, not colour
  alone), e.g. a learner's judgements beside the worked ones (from
  :mod:`jia_teach.present.traffic_chart`, which also repaints it in place for the exercise).
* :func:`prior_posterior` - prior and posterior densities of the risk difference with the
  probability of exceeding a threshold (from :mod:`jia_teach.present.posterior_chart`,
  which also redraws it in place for the Bayesian explorer).

References
----------
Altman DG. Confidence intervals for the number needed to treat. BMJ 1998;317:1309-12.
McGuinness LA, Higgins JPT. Risk-of-bias VISualization (robvis). Res Synth Methods
2021;12:55-61.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import numpy as np

from jia_teach.present.palette import PALETTE
from jia_teach.present.posterior_chart import prior_posterior
from jia_teach.present.traffic_chart import JUDGEMENT_STYLE, traffic_lights
from jia_teach.rules.errors import InvalidValueError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from jia_teach.effects import ArmComparison

__all__ = [
    "JUDGEMENT_STYLE",
    "icon_array",
    "icon_counts",
    "per_hundred",
    "prior_posterior",
    "traffic_lights",
]

_BLUE, _ORANGE, _GREEN, _VERMILLION = (
    PALETTE["blue"],
    PALETTE["orange"],
    PALETTE["green"],
    PALETTE["vermillion"],
)
_GREY, _DARK = PALETTE["grey"], PALETTE["dark"]


def _finish(fig: Figure, text: str) -> Figure:
    fig.jia_caption = text  # type: ignore[attr-defined]
    return fig


def per_hundred(risk: float) -> int:
    """Children of 100 with the outcome: ``100 * risk`` rounded half up.

    Examples
    --------
    >>> per_hundred(64 / 75), per_hundred(9 / 37), per_hundred(0.125)
    (85, 24, 13)
    """
    if not 0 <= risk <= 1:
        raise InvalidValueError(f"{risk!r} is not a risk", column="risk", allowed="0 to 1")
    return int(Decimal(repr(100 * risk)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def icon_counts(treated_risk: float, control_risk: float) -> dict[str, int]:
    """How many of 100 icons per arm get each mark.

    Returns
    -------
    dict
        ``control`` (children with the outcome on placebo), ``treated`` (on the drug),
        ``same`` (treated icons drawn like placebo ones), ``extra`` (more on the drug) and
        ``spared`` (fewer on the drug).

    Examples
    --------
    >>> icon_counts(64 / 75, 9 / 37)
    {'control': 24, 'treated': 85, 'same': 24, 'extra': 61, 'spared': 0}
    """
    t, c = per_hundred(treated_risk), per_hundred(control_risk)
    return {
        "control": c,
        "treated": t,
        "same": min(t, c),
        "extra": max(0, t - c),
        "spared": max(0, c - t),
    }


def _grid(ax: Axes, marks: Sequence[tuple[int, str, str, bool]]) -> None:
    """Fill a 10 x 10 grid row by row from the top: (count, marker, colour, filled)."""
    xs, ys = np.meshgrid(np.arange(10), np.arange(9, -1, -1))
    xs, ys = xs.ravel(), ys.ravel()
    start = 0
    for count, marker, colour, filled in marks:
        sl = slice(start, start + count)
        ax.scatter(
            xs[sl],
            ys[sl],
            s=70,
            marker=marker,
            c=colour if filled else "none",
            edgecolors=colour,
            linewidths=1.2,
        )
        start += count
    ax.set_xlim(-0.7, 9.7)
    ax.set_ylim(-0.7, 9.7)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)


def _nn_scale(ax: Axes, rd: float, ci: tuple[float, float] | None, outcome: str) -> None:
    """Risk difference (percentage points) with NNT labels: NNTB ... infinity ... NNTH."""
    pos, neg = ("NNTB", "NNTH") if outcome == "benefit" else ("NNH", "NNTB")
    ks = (1, 2, 3, 5, 10)
    ticks = [-100 / k for k in ks] + [0.0] + [100 / k for k in ks[::-1]]
    labels = [f"{neg}\n{k}" for k in ks] + ["\u221e"] + [f"{pos}\n{k}" for k in ks[::-1]]
    ax.set_xlim(-105, 105)
    ax.set_ylim(-1, 1)
    ax.axvline(0, color=_GREY, linewidth=0.8, linestyle=":")
    if ci is not None:
        ax.plot([100 * ci[0], 100 * ci[1]], [0, 0], color=_DARK, linewidth=3, solid_capstyle="butt")
    ax.plot([100 * rd], [0], marker="D", color=_DARK, markersize=8)
    ax.set_yticks([])
    ax.set_xticks(ticks, labels, fontsize=7.5, rotation=0)
    ax.get_xticklabels()[len(ks)].set_fontsize(12)  # the infinity sign
    ax.tick_params(axis="x", pad=2)
    sec = ax.secondary_xaxis("bottom")
    sec.set_xticks(range(-100, 101, 25))
    sec.tick_params(axis="x", pad=26, labelsize=8)
    sec.set_xlabel(
        "Risk difference, drug minus placebo (percentage points); upper labels: number needed "
        "(Altman's scale, through infinity at 0)",
        fontsize=8.5,
    )
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def icon_array(
    treated_risk: float,
    control_risk: float,
    *,
    drug: str,
    outcome: str = "benefit",
    event: str = "had the outcome",
    comparison: ArmComparison | None = None,
    title: str = "",
    source: str = "",
) -> Figure:
    """100 children per arm, and the risk difference on the NNT scale.

    Parameters
    ----------
    treated_risk, control_risk : float
        Risks (0 to 1). With counts, pass ``comparison`` too.
    drug : str
        Name of the treated arm (e.g. ``"Tocilizumab"``).
    outcome : {"benefit", "harm"}
        Whether the event is wanted; sets the colour of the extra children and the names on
        the NNT scale (NNTB/NNTH or NNH/NNTB).
    event : str
        What the children with the event did, e.g. ``"reached JIA ACR30 and no fever"``.
    comparison : ArmComparison, optional
        From :func:`jia_teach.effects.compare_arms`: its risk-difference interval is drawn on
        the NNT scale and its ``nnt_text`` printed. Without it (percentages only) the scale
        shows the point alone and says that no interval exists.
    title, source : str
        Title and footnote source.

    Returns
    -------
    matplotlib.figure.Figure
        Caption in ``fig.jia_caption``: each arm's children with the event out of 100, the
        difference, and the number needed with its interval.

    Examples
    --------
    >>> from jia_teach.effects import compare_arms
    >>> r = compare_arms(64, 75, 9, 37)
    >>> fig = icon_array(r.risk_treated, r.risk_control, drug="Tocilizumab", comparison=r,
    ...                  event="reached the primary end point")
    >>> fig.jia_caption
    'Of 100 children on placebo about 24 reached the primary end point; of 100 on tocilizumab about 85, 61 more. NNT 2 (95% CI 2 to 3).'
    """  # noqa: E501
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from jia_teach.effects import number_needed
    from jia_teach.effects._checks import check_outcome

    check_outcome(outcome)
    n = icon_counts(treated_risk, control_risk)
    extra_colour = _BLUE if outcome == "benefit" else _VERMILLION
    fig = Figure(figsize=(9, 6.4), layout="constrained")
    grid = fig.add_gridspec(2, 2, height_ratios=[4.2, 1.2])
    ax_c, ax_t = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
    ax_s = fig.add_subplot(grid[1, :])
    _grid(ax_c, [(n["control"], "o", _ORANGE, True), (100 - n["control"], "o", _GREY, False)])
    _grid(
        ax_t,
        [
            (n["same"], "o", _ORANGE, True),
            (n["extra"], "s", extra_colour, True),
            (n["spared"], "s", _GREEN, False),
            (100 - n["same"] - n["extra"] - n["spared"], "o", _GREY, False),
        ],
    )
    diff = n["treated"] - n["control"]
    more = f"{abs(diff)} {'more' if diff >= 0 else 'fewer'}"
    ax_c.set_title(f"Placebo: {n['control']} of 100 {event}", fontsize=10)
    ax_t.set_title(f"{drug}: {n['treated']} of 100 ({more})", fontsize=10)
    rd = treated_risk - control_risk
    ci = comparison.risk_difference_ci if comparison is not None else None
    _nn_scale(ax_s, rd, ci, outcome)
    if comparison is not None:
        nn = comparison.nnt_text
    else:
        value = number_needed(treated_risk, control_risk)
        label = ("NNT" if rd > 0 else "NNTH") if outcome == "benefit" else "NNH"
        nn = (
            f"{label} {_ceil(value)} (point estimate from percentages: no interval can be computed)"
        )
    ax_s.set_title(nn, fontsize=9.5)
    handles = [
        Line2D([], [], marker="o", color=_ORANGE, linestyle="none", label=f"{event} on placebo"),
        Line2D(
            [],
            [],
            marker="s",
            color=extra_colour,
            linestyle="none",
            label=f"{'more' if outcome == 'benefit' else 'more harmed'} on {drug.lower()}",
        ),
        Line2D(
            [],
            [],
            marker="o",
            color=_GREY,
            markerfacecolor="none",
            linestyle="none",
            label="no event",
        ),
    ]
    if n["spared"]:
        handles.insert(
            2,
            Line2D(
                [],
                [],
                marker="s",
                color=_GREEN,
                markerfacecolor="none",
                linestyle="none",
                label=f"fewer on {drug.lower()}",
            ),
        )
    # the legend sits in the scale's empty half, away from the interval
    ax_s.legend(
        handles=handles, loc="upper left" if rd >= 0 else "upper right", fontsize=8,
        frameon=False, ncols=2,
    )  # fmt: skip
    if title:
        fig.suptitle(title, fontsize=11)
    if source:  # below the legend, in a band the layout keeps free
        fig.get_layout_engine().set(rect=(0, 0.035, 1, 0.965))
        fig.text(0.01, 0.004, f"Source: {source}", fontsize=7.5, color=_DARK, ha="left")
    text = (
        f"Of 100 children on placebo about {n['control']} {event}; of 100 on {drug.lower()} "
        f"about {n['treated']}, {more}. {nn}."
    )
    return _finish(fig, text)


def _ceil(x: float) -> str:
    import math

    return "infinity" if math.isinf(x) else str(math.ceil(abs(x) - 1e-9))
