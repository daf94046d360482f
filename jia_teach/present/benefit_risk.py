"""Benefit-risk chart: numbers needed to treat beside numbers needed to harm, on one log axis."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jia_teach.data.labels import TRIAL_LABELS
from jia_teach.effects import DERIVED_TAG, round_up
from jia_teach.evidence.trial_effects import compare_pair, harm_effect
from jia_teach.present.palette import PALETTE
from jia_teach.present.style import (
    _FOOT,
    _FOOT_PREWRAPPED,
    COLORS,
    _finish,
    _footnote,
    _wrap,
    row_chart,
    row_text,
)
from jia_teach.rules.errors import InvalidValueError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from jia_teach.effects import ArmComparison, LikelihoodHelpedHarmed
    from jia_teach.evidence import ArmPair

__all__ = [
    "benefit_label",
    "benefit_risk_chart",
    "harm_label",
    "row_label",
    "set_benefit_risk_pair",
]


#: The default chart's rows (the first trial of ``data/labels.csv``, at its primary time point):
#: response end points, then harms.
_DEFAULT_BENEFITS = ("acr30_no_fever", "acr30", "acr50", "acr70", "acr90")
_DEFAULT_HARMS = (
    "infusion_reaction_24h",
    "neutrophils_below_1e9_per_l",
    "infusion_reaction_during",
)


def row_label(p: ArmPair) -> str:
    """A chart row's label: a benefit's end point, or a harm's event with the two arms'
    figures; tagged when the counts behind it are derived.

    Examples
    --------
    >>> from jia_teach import evidence
    >>> row_label(evidence.pair("TENDER", "acr70", "week 12"))
    'JIA ACR70 (from derived counts)'
    >>> row_label(evidence.harm_pair("TENDER", "infusion_reaction_24h", "12-week double-blind"))
    'Infusion reaction within 24 h (12/75 vs 2/37) (from derived counts)'
    """
    if p.kind == "benefit":
        return p.measure_label + (DERIVED_TAG if p.derived else "")
    t, c = p.treated, p.control
    assert t is not None and c is not None
    if p.comparable:
        figures = f"{t.events}/{t.total} vs {c.events}/{c.total}"
    else:
        figures = f"{t.percent:g}% vs {c.percent:g}%"
    return f"{p.measure_label} ({figures})" + (DERIVED_TAG if p.comparable and p.derived else "")


#: The label of a benefit row and of a harm row: both are :func:`row_label` (the pair knows
#: its kind); the two names stay for the callers that use them.
benefit_label = harm_label = row_label


def _default_rows():
    """The default chart's trial (the first of ``labels.csv``), its primary time point, the
    benefit rows there and the harm rows of its first phase with those harms."""
    from jia_teach import evidence

    trial = next(iter(TRIAL_LABELS))
    timepoint = evidence.primary_timepoint(trial) or ""
    benefits = [evidence.pair(trial, e, timepoint) for e in _DEFAULT_BENEFITS]
    harm_rows = [p for p in evidence.harm_pairs(trial) if p.measure in _DEFAULT_HARMS]
    phase = harm_rows[0].timepoint if harm_rows else ""
    harms = [evidence.harm_pair(trial, e, phase) for e in _DEFAULT_HARMS]
    return f"{trial}, {timepoint}", benefits, harms


def benefit_risk_chart(
    benefits: Mapping[str, ArmComparison] | None = None,
    harms: Mapping[str, ArmComparison | float] | None = None,
    *,
    pair: tuple[str, str | None] | None = None,
    lhh: LikelihoodHelpedHarmed | None = None,
    harm_names: Mapping[str, str] | None = None,
    context: str | None = None,
) -> Figure:
    """Numbers needed to treat (benefits) beside numbers needed to harm, on one log axis.

    Parameters
    ----------
    benefits : mapping of str to ArmComparison, optional
        Label -> comparison of a wanted outcome. Default: the response end points of the first
        trial of ``data/labels.csv`` (TENDER) at its primary time point.
    harms : mapping of str to ArmComparison or float, optional
        Label -> :func:`jia_teach.effects.nnh` result, or a bare NNH (no interval) when the
        source gives percentages only. Default: that trial's infusion reactions and
        neutropenia in the first phase that reports them (for TENDER the double-blind phase,
        from the prescribing information's percentages: no counts, so no intervals).
    pair : (str, str), optional
        ``(benefit label, harm label)``, keys of ``benefits`` and ``harms``: the pair whose
        likelihood of being helped or harmed (LHH) the footnote states and the caption
        describes; both points are ringed. Default: the first benefit and the first harm.
        :func:`set_benefit_risk_pair` changes it on a drawn chart.
    lhh : LikelihoodHelpedHarmed, optional
        The LHH the footnote states for ``pair``, as the caller computed it (with the
        patient's ``f`` values); default the trial-average LHH of the pair (f = 1). The chart
        never computes a second LHH for the same pair.
    harm_names : mapping of str to str, optional
        Harm label -> the harm's plain name for the caption ("... to have infusion reaction
        within 24 h"), so that no name is cut out of a label. Default: the label itself (for the
        default rows, the adverse event's label from :mod:`jia_teach.data.labels`).
    context : str, optional
        The trial (and time point) the rows come from, put at the start of the title, e.g.
        ``"TENDER (tocilizumab), week 12"``. Default: the trial code and time point for the
        default rows (``"TENDER, week 12"``), none for rows you pass.

    Returns
    -------
    matplotlib.figure.Figure
        With the caption in ``fig.jia_caption``.

    Raises
    ------
    jia_teach.rules.errors.InvalidValueError
        For a number needed that is not finite and positive, or a ``pair`` label that is not
        one of the benefits / harms.

    Examples
    --------
    >>> from jia_teach.present import caption
    >>> fig = benefit_risk_chart()
    >>> "log scale" in fig.axes[0].get_xlabel()
    True
    >>> fig = benefit_risk_chart(
    ...     pair=(
    ...         "JIA ACR70 (from derived counts)",
    ...         "Infusion reaction within 24 h (12/75 vs 2/37) (from derived counts)",
    ...     )
    ... )
    >>> print(caption(fig))
    About 2 patients need treatment for one more to reach JIA ACR70 (from derived counts), while about 10 need treatment for one more to have infusion reaction within 24 h.
    """  # noqa: E501
    from matplotlib.lines import Line2D

    from jia_teach.effects import ArmComparison

    defaults = benefits is None and harms is None
    default_context, default_benefits, default_harms = (
        _default_rows() if benefits is None or harms is None else ("", [], [])
    )
    if benefits is None:
        benefits = {row_label(p): compare_pair(p) for p in default_benefits}
    else:
        benefits = dict(benefits)
    if harms is None:
        harms = {row_label(p): harm_effect(p) for p in default_harms}
        names = {row_label(p): p.measure_label for p in default_harms}
    else:
        harms, names = dict(harms), {}
    names.update(harm_names or {})
    rows: list[tuple[str, str, float, tuple[float, float] | None]] = []
    for label, r in benefits.items():
        rows.append(("benefit", label, r.nnt, _nn_span(r)))
    for label, h in harms.items():
        if isinstance(h, ArmComparison):
            rows.append(("harm", label, h.nnt, _nn_span(h)))
        else:
            rows.append(("harm", label, float(h), None))
    for kind, label, value, _ in rows:
        if not value > 0 or math.isinf(value):
            raise InvalidValueError(
                f"{label!r}: number needed {value:g} is not a finite positive number",
                column="benefits" if kind == "benefit" else "harms",
                allowed="comparisons whose point estimate favours the stated direction",
            )
    if not benefits:
        raise InvalidValueError(
            "no benefit to plot", column="benefits", allowed="at least one comparison"
        )
    n = len(rows)
    fig, ax, ys = row_chart(n, 9, 1.8, 0.45)
    for y, (kind, _label, value, span) in zip(ys, rows, strict=True):
        colour = COLORS[kind]
        if span is not None:
            low, high = span
            ax.plot([low, min(high, 1000)], [y, y], color=colour, linewidth=2)
            if math.isinf(high):
                ax.annotate(
                    "",
                    xy=(1000, y),
                    xytext=(600, y),
                    arrowprops={"arrowstyle": "->", "color": colour},
                )
        ax.plot(
            value,
            y,
            marker="o" if kind == "benefit" else "D",
            color=colour,
            markersize=7,
            markerfacecolor=colour if span is not None else "white",
            markeredgewidth=1.5,
        )
        row_text(ax, y, f"{round_up(value):.0f}", fontsize=9, color=colour, fontweight="bold")
    ax.set_xscale("log")
    ax.set_xlim(1, 1000)
    ax.set_xticks([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000])
    ax.set_xticklabels(["1", "2", "5", "10", "20", "50", "100", "200", "500", "1000"])
    ax.set_yticks(ys, [r[1] for r in rows], fontsize=8.5)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel(  # two lines: one line overflowed the right edge when the row labels are long
        "Patients treated for one more patient with the outcome\n(NNT or NNH; log scale)"
    )
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color=PALETTE["grid_light"], linewidth=0.6)
    ax.set_axisbelow(True)
    n_benefit = len(benefits)
    if 0 < n_benefit < n:
        ax.axhline(ys[n_benefit - 1] - 0.5, color=PALETTE["rule"], linewidth=0.8, linestyle="--")
    if context is None and defaults:
        context = default_context
    fig.suptitle(  # over the whole width: above the axes alone it was cut off at the right
        (f"{context}. " if context else "")
        + "Benefit (NNT, green) and harm (NNH, vermillion): smaller = more frequent",
        fontsize=10.5,
        x=0.01,
        ha="left",
    )
    ring = {
        "marker": "o",
        "markersize": 14,
        "markerfacecolor": "none",
        "markeredgecolor": PALETTE["black"],
        "markeredgewidth": 1.2,
        "linestyle": "none",
    }
    legend = [Line2D([], [], marker="o", color=COLORS["benefit"], label="NNT with 95% CI (counts)")]
    if any(kind == "harm" and span is not None for kind, _, _, span in rows):
        legend.append(
            Line2D([], [], marker="D", color=COLORS["harm"], label="NNH with 95% CI (counts)")
        )
    if any(kind == "harm" and span is None for kind, _, _, span in rows):
        legend.append(
            Line2D(
                [],
                [],
                marker="D",
                color=COLORS["harm"],
                linestyle="none",
                markerfacecolor="white",
                label="NNH, point only (percentages only: no interval)",
            )
        )
    if harms:
        legend.append(Line2D([], [], **ring, label="the pair weighed in the footnote (LHH)"))
    ax.legend(handles=legend, loc="upper right", fontsize=8, frameon=True)
    state = {
        "points": {
            (kind, label): (value, y) for y, (kind, label, value, _) in zip(ys, rows, strict=True)
        },
        "defaults": defaults,
        "names": names,
        "rings": [ax.plot([], [], **ring, zorder=5)[0] for _ in range(2)],
        "foot": None,
        "pair_text": None,
    }
    fig._jia_benefit_risk = state  # type: ignore[attr-defined]
    static = "NNT/NNH rounded up to whole patients (Altman); right column."
    if defaults:
        static += (
            " Sources (defaults): De Benedetti 2012 (NEJM); Actemra US prescribing information; "
            "Li & Geskey (ACR90)."
        )
    state["foot"] = foot = _footnote(fig, static)
    # The pair's sentence sits just above the fixed footnote, in its own artist, so that a
    # view can redraw it alone when the pair changes.
    state["pair_text"] = ax.annotate(
        "",
        xy=(0, 1),
        xycoords=foot,
        xytext=(0, 2),
        textcoords="offset points",
        annotation_clip=False,
        in_layout=False,
        **_FOOT_PREWRAPPED,
    )
    # Room at the bottom for the longest pair sentence and the footnote, so that changing the
    # pair later never collides with the axis label.
    lines = foot.get_text().count("\n") + 1
    lines += max(
        (_wrap_pair(fig, _pair_sentence(state, b, h)).count("\n") + 1 if h is not None else 0)
        for b in benefits
        for h in (list(harms) or [None])
    )
    bottom = (lines * 1.25 * _FOOT["fontsize"] + 8) / 72 / fig.get_figheight()
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))
    if pair is None:
        pair = (next(iter(benefits)), next(iter(harms), None))
    set_benefit_risk_pair(fig, *pair, lhh=lhh)
    return fig


def _pair_sentence(
    state: Mapping[str, Any],
    benefit: str,
    harm: str,
    lhh: LikelihoodHelpedHarmed | None = None,
) -> str:
    from jia_teach.effects import likelihood_helped_harmed

    if lhh is None:
        points = state["points"]
        lhh = likelihood_helped_harmed(
            nnt=points[("benefit", benefit)][0], nnh=points[("harm", harm)][0]
        )
    return f"Ringed pair, {benefit} vs {harm}: {lhh.text}"


def _wrap_pair(fig: Figure, text: str) -> str:
    return _wrap(text, _FOOT["fontsize"], fig.get_figwidth() * 0.97)


def set_benefit_risk_pair(
    fig: Figure,
    benefit: str,
    harm: str | None = None,
    *,
    lhh: LikelihoodHelpedHarmed | None = None,
) -> list[Any]:
    """Make a :func:`benefit_risk_chart` describe another (benefit, harm) pair, in place.

    Moves the two rings, rewrites the LHH sentence above the footnote and the caption
    (``fig.jia_caption``). Nothing else changes, so a view can redraw just the returned
    artists over a saved background instead of drawing the whole figure again.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A chart returned by :func:`benefit_risk_chart`.
    benefit, harm : str
        Labels of a benefit and a harm row of that chart (``harm`` may be None only when the
        chart has no harms).
    lhh : LikelihoodHelpedHarmed, optional
        The LHH to state for the pair, as the caller computed it (for example with a
        patient's ``f`` values); default the trial-average LHH (f = 1).

    Returns
    -------
    list of matplotlib.artist.Artist
        The artists that changed (the two rings and the LHH sentence).

    Raises
    ------
    jia_teach.rules.errors.InvalidValueError
        When ``fig`` is not such a chart or a label is not one of its rows.

    Examples
    --------
    >>> from jia_teach.present import caption
    >>> fig = benefit_risk_chart()
    >>> changed = set_benefit_risk_pair(fig, "JIA ACR90 (from derived counts)",
    ...                     "Infusion reaction within 24 h (12/75 vs 2/37) (from derived counts)")
    >>> len(changed), caption(fig)[:55]
    (3, 'About 4 patients need treatment for one more to reach J')
    """
    state = getattr(fig, "_jia_benefit_risk", None)
    if state is None:
        raise InvalidValueError(
            "this figure was not made by benefit_risk_chart",
            column="fig",
            allowed="a Figure returned by benefit_risk_chart",
        )
    points = state["points"]
    for kind, label in (("benefit", benefit), ("harm", harm)):
        labels = [lab for k, lab in points if k == kind]
        if (kind, label) not in points and not (label is None and kind == "harm" and not labels):
            raise InvalidValueError(
                f"{label!r} is not a {kind} row of this chart",
                column="pair",
                allowed=", ".join(repr(lab) for lab in labels) or "none (the chart has no harms)",
            )
    rings, pair_text = state["rings"], state["pair_text"]
    for ring, key in zip(rings, (("benefit", benefit), ("harm", harm)), strict=True):
        value, y = points.get(key, (math.nan, math.nan))
        ring.set_data([value], [y])
        ring.set_visible(key in points)
    pair_text.set_text(
        "" if harm is None else _wrap_pair(fig, _pair_sentence(state, benefit, harm, lhh))
    )
    text = (
        f"About {round_up(points[('benefit', benefit)][0]):.0f} patients need treatment for "
        f"one more to reach {benefit}"
    )
    if harm is not None:
        name = state["names"].get(harm, harm)
        name = name[:1].lower() + name[1:]  # "neutrophils < 1 × 10⁹/L": keep the unit's "L"
        text += (
            f", while about {round_up(points[('harm', harm)][0]):.0f} need treatment for one "
            f"more to have {name}"
        )
    _finish(fig, text + ".")
    return [*rings, pair_text]


def _nn_span(r: ArmComparison) -> tuple[float, float] | None:
    """NNT interval on the favourable side, (near, far); far = inf when it crosses zero."""
    low, high = r.risk_difference_ci
    if r.risk_difference <= 0:
        return None
    near = 1 / high
    far = math.inf if low <= 0 else 1 / low
    return (near, far)
