"""Figures of the published trial results: response bars, a forest plot and a benefit-risk chart.

Every function builds a :class:`matplotlib.figure.Figure` directly (no pyplot, so nothing is
shown twice in a notebook and nothing needs a display) and returns it. Each figure carries a
one-sentence plain-language caption for alt text in the attribute ``jia_caption``; the same
string is returned by :func:`caption`.

Colours follow the Okabe-Ito palette: treated arm blue (#0072B2), placebo orange (#E69F00).

Examples
--------
>>> fig = response_rate_bars()
>>> caption(fig).startswith("In TENDER at week 12")
True
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jia_teach.data import ARM_LABELS, ENDPOINT_LABELS, TRIAL_LABELS
from jia_teach.errors import InvalidValueError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from jia_teach.effects import ArmComparison

__all__ = [
    "COLORS",
    "benefit_risk_chart",
    "caption",
    "forest_plot",
    "response_rate_bars",
    "set_benefit_risk_pair",
]

#: Okabe-Ito colours by role.
COLORS: Mapping[str, str] = {
    "treated": "#0072B2",
    "placebo": "#E69F00",
    "benefit": "#009E73",
    "harm": "#D55E00",
    "TENDER": "#0072B2",
    "canakinumab-1": "#CC79A7",
    "canakinumab-2": "#009E73",
    "text": "#000000",
    "warning": "#D55E00",
}

_FOOT = {"fontsize": 7.5, "color": "#333333", "ha": "left", "va": "bottom", "wrap": True}
#: Footnotes that are wrapped here, once, instead of by matplotlib at every draw.
_FOOT_PREWRAPPED = {k: v for k, v in _FOOT.items() if k != "wrap"}


def caption(fig: Figure) -> str:
    """The plain-language caption (alt text) attached to a figure made here.

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    str

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> caption(Figure())
    ''
    """
    return str(getattr(fig, "jia_caption", ""))


def image(fig: Figure) -> Any:
    """The figure as a PNG image for a notebook, its caption as the image's alt text.

    ``display(image(fig))`` shows the same picture as ``display(fig)``, but screen
    readers (and the book and the slides, which copy it into ``<img alt=...>``)
    get the plain-language caption.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1))
    >>> fig.jia_caption = "An empty test figure."
    >>> image(fig)._repr_png_()[1]
    {'alt': 'An empty test figure.'}
    """
    from IPython.display import Image

    from .render import figure_png

    return Image(figure_png(fig), alt=caption(fig) or None)


def _finish(fig: Figure, text: str) -> Figure:
    fig.jia_caption = text  # type: ignore[attr-defined]
    return fig


def _pct(x: float) -> str:
    return f"{x:.0f}%"


@functools.lru_cache(maxsize=4096)
def _advance(char: str, fontsize: float) -> float:
    """Advance width of one character of the default font, in points."""
    from matplotlib.font_manager import FontProperties, findfont, get_font
    from matplotlib.ft2font import LoadFlags

    font = get_font(findfont(FontProperties(size=fontsize)))
    font.set_size(fontsize, 72)  # at 72 dpi one pixel is one point
    return font.load_char(ord(char), flags=LoadFlags.NO_HINTING).linearHoriAdvance / 65536


def _wrap(text: str, fontsize: float, width_in: float) -> str:
    """Break ``text`` into lines at most ``width_in`` inches wide (greedy, at spaces).

    The same rule as matplotlib's ``wrap=True``, but measured once from cached glyph advances:
    matplotlib re-shapes every candidate line at every draw, which cost 30-50 ms per footnote
    on the project's 2-core machine (the largest single cost of a first render).
    """
    limit = 72 * width_in
    space = _advance(" ", fontsize)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        width = 0.0
        for word in paragraph.split(" "):
            w = sum(_advance(c, fontsize) for c in word)
            if line and width + space + w > limit:
                lines.append(" ".join(line))
                line, width = [word], w
            else:
                width += (space if line else 0.0) + w
                line.append(word)
        lines.append(" ".join(line))
    return "\n".join(lines)


def _footnote(fig: Figure, text: str) -> Any:
    """The grey footnote at the bottom left, wrapped to the figure's width."""
    width = fig.get_figwidth() * 0.97
    return fig.text(0.01, 0.0, _wrap(text, _FOOT["fontsize"], width), **_FOOT_PREWRAPPED)


# --------------------------------------------------------------------------------------------
# response-rate bars
# --------------------------------------------------------------------------------------------
def response_rate_bars(
    trial: str = "TENDER",
    timepoint: str = "week 12",
    endpoints: Sequence[str] = ("acr30", "acr50", "acr70", "acr90"),
    *,
    confidence: float = 0.95,
    directory: str | Path | None = None,
) -> Figure:
    """Bars of the response rate by arm with Wilson intervals.

    Parameters
    ----------
    trial, timepoint : str
        As in ``data/trial_outcomes.csv``.
    endpoints : sequence of str
        Endpoint codes, drawn left to right (e.g. add ``"acr30_no_fever"`` to show the primary
        end point beside plain ACR30).
    confidence : float, default 0.95
        Level of the Wilson score intervals (statsmodels ``proportion_confint``).
    directory : str or Path, optional
        Data folder to read instead of the package data.

    Returns
    -------
    matplotlib.figure.Figure
        With the caption in ``fig.jia_caption``. Bars whose counts are derived from a reported
        percentage and N are hatched and listed in the footnote.

    Examples
    --------
    >>> fig = response_rate_bars()
    >>> fig.axes[0].get_ylabel()
    '% of patients'
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
    from statsmodels.stats.proportion import proportion_confint

    from jia_teach.data import load_designs, load_outcomes

    o = load_outcomes(directory)
    rows = o[(o["trial"] == trial) & (o["timepoint"] == timepoint)]
    arms = [a for a in rows["arm"].unique() if a not in ("placebo", "all")] + ["placebo"]
    if len(arms) != 2 or not len(endpoints):
        raise InvalidValueError(
            f"no active-vs-placebo results for {trial} at {timepoint}",
            column="trial/timepoint",
            allowed="a trial and time point with two arms in trial_outcomes.csv",
        )
    designs = load_designs(directory)
    n_by_arm = {
        a: designs[(designs["trial"] == trial) & (designs["arm"] == a)]["n"].max() for a in arms
    }

    fig = Figure(figsize=(8, 5.2), layout="constrained")
    ax = fig.add_subplot()
    width = 0.38
    derived_any = False
    sources: list[str] = []
    summary: list[str] = []
    for j, arm in enumerate(arms):
        colour = COLORS["placebo"] if arm == "placebo" else COLORS["treated"]
        for i, endpoint in enumerate(endpoints):
            sel = rows[(rows["arm"] == arm) & (rows["endpoint"] == endpoint)]
            if len(sel) != 1 or sel.isna().iloc[0][["events", "total"]].any():
                raise InvalidValueError(
                    f"{trial} {arm} has no counts for {endpoint!r} at {timepoint}",
                    column="endpoints",
                    allowed=", ".join(sorted(rows.dropna(subset=["events"])["endpoint"].unique())),
                )
            r = sel.iloc[0]
            e, n = int(r["events"]), int(r["total"])
            low, high = proportion_confint(e, n, alpha=1 - confidence, method="wilson")
            p = 100 * e / n
            derived = r["status"] == "derived"
            derived_any |= derived
            x = i + (j - 0.5) * width
            ax.bar(
                x,
                p,
                width * 0.95,
                color=colour,
                edgecolor="white" if not derived else "#333333",
                hatch="//" if derived else None,
                linewidth=0.6,
            )
            ax.errorbar(
                x,
                p,
                yerr=[[p - 100 * low], [100 * high - p]],
                fmt="none",
                ecolor="black",
                capsize=3,
                linewidth=1,
            )
            mark = "*" if derived else ""
            ax.text(
                x,
                100 * high + 1.5,
                f"{r['percent']:.0f}%\n{e}/{n}{mark}",
                ha="center",
                va="bottom",
                fontsize=8,
            )
            if r["source"] not in sources:
                sources.append(str(r["source"]))
            if j == 0:
                summary.append(f"{ENDPOINT_LABELS[endpoint]} {r['percent']:.0f}%")
            else:
                summary[i] += f" vs {r['percent']:.0f}%"
    slot = 0.8 * fig.get_figwidth() / len(endpoints)  # inches per end point, roughly
    ax.set_xticks(
        range(len(endpoints)),
        [_wrap(ENDPOINT_LABELS[e], 9, slot) for e in endpoints],  # long names overlapped
        fontsize=9,
    )
    ax.set_ylim(0, 132)  # the top band holds the legend, clear of the bar labels
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel("% of patients")
    ax.set_xlabel(f"Response definition, {timepoint}")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    handles = [
        Patch(
            color=COLORS["placebo"] if a == "placebo" else COLORS["treated"],
            label=f"{ARM_LABELS[a]} (n = {n_by_arm[a]})",
        )
        for a in arms
    ]
    if derived_any:
        handles.append(
            Patch(facecolor="white", edgecolor="#333333", hatch="//", label="derived counts*")
        )
    ax.legend(handles=handles, loc="upper center", ncols=len(handles), frameon=False, fontsize=9)
    pct = f"{100 * confidence:g}%"
    ax.set_title(
        f"{TRIAL_LABELS.get(trial, trial)}: response at {timepoint} by arm "
        f"(error bars: {pct} Wilson intervals)",
        fontsize=11,
    )
    foot = "Source: " + "; ".join(sources) + "."
    if derived_any:
        foot += (
            " *Derived: the count that fits the reported percentage and N (the source gives "
            "percentages only)."
        )
    _footnote(fig, foot)
    fig.get_layout_engine().set(rect=(0, 0.07, 1, 0.93))
    text = (
        f"In {trial} at {timepoint}, the share of patients meeting each response definition "
        f"on {ARM_LABELS[arms[0]].lower()} vs placebo was {'; '.join(summary)}."
    )
    return _finish(fig, text)


# --------------------------------------------------------------------------------------------
# forest plot
# --------------------------------------------------------------------------------------------
def _default_comparisons(directory: str | Path | None) -> list[tuple[str, ArmComparison]]:
    from jia_teach.data import load_designs, load_outcomes
    from jia_teach.effects import compare_trial_arms

    o = load_outcomes(directory)
    d = load_designs(directory)
    keys = []
    for (trial, endpoint, timepoint), grp in o.groupby(
        ["trial", "endpoint", "timepoint"], sort=False
    ):
        if "placebo" in set(grp["arm"]) and grp[["events", "total"]].notna().all().all():
            keys.append((str(trial), str(endpoint), str(timepoint)))
    out = []
    for trial, endpoint, timepoint in keys:
        r = compare_trial_arms(trial, endpoint, timepoint, directory=directory)
        randomized = d[(d["trial"] == trial) & (d["phase"] == "randomized")]
        arms = randomized[randomized["arm"] != "all"]
        n_design = dict(zip(arms["arm"], arms["n"].astype(int), strict=True))
        full = n_design.get("placebo") == r.control_total and r.treated_total in n_design.values()
        # "all randomized" only where the source also gives the number randomized, and the
        # arms add up to it (TENDER: 75 + 37 = 112). Otherwise the design's n is only the
        # denominator the source gives for the end point (canakinumab trial 1: 36/43, 4/41).
        n_all = randomized[randomized["arm"] == "all"]["n"]
        adds_up = len(n_all) == 1 and int(n_all.iloc[0]) == r.treated_total + r.control_total
        if full and adds_up:
            pop = "all randomized"
        elif full:
            pop = "denominators as given by the source"
        else:
            pop = "subset given by the source"
        derived = " (derived counts)" if "derived counts" in r.label else ""
        label = (
            f"{TRIAL_LABELS.get(trial, trial)} | {ENDPOINT_LABELS[endpoint]} | {timepoint}\n"
            f"{pop}: {r.treated_events}/{r.treated_total} vs "
            f"{r.control_events}/{r.control_total}{derived}"
        )
        out.append((label, r))
    return out


def forest_plot(
    comparisons: Mapping[str, ArmComparison] | None = None,
    *,
    directory: str | Path | None = None,
) -> Figure:
    """Forest plot of risk differences (treated minus placebo) with Newcombe intervals.

    Parameters
    ----------
    comparisons : mapping of str to ArmComparison, optional
        Row label -> comparison. By default every trial x endpoint x time point of
        ``data/trial_outcomes.csv`` that has counts in both arms, labelled by trial, endpoint,
        time point and population. Canakinumab trial 2 reports a hazard ratio, not counts; the
        footnote quotes it as reported.
    directory : str or Path, optional
        Data folder to read instead of the package data.

    Returns
    -------
    matplotlib.figure.Figure
        With a visible warning that the trials differ and are not head-to-head, and the
        caption in ``fig.jia_caption``.

    Examples
    --------
    >>> fig = forest_plot()
    >>> "percentage points" in fig.axes[0].get_xlabel()
    True
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from jia_teach.effects import reported_effects

    items = (
        list(comparisons.items()) if comparisons is not None else _default_comparisons(directory)
    )
    if not items:
        raise InvalidValueError(
            "nothing to plot", column="comparisons", allowed="at least one comparison"
        )
    n = len(items)
    fig = Figure(figsize=(10, 1.6 + 0.52 * n), layout="constrained")
    ax = fig.add_subplot()
    ys = list(range(n))[::-1]
    for y, (label, r) in zip(ys, items, strict=True):
        trial = label.split(" | ")[0] if " | " in label else ""
        code = next((k for k, v in TRIAL_LABELS.items() if v == trial), "")
        colour = COLORS.get(code, COLORS["treated"])
        low, high = (100 * v for v in r.risk_difference_ci)
        derived = "derived" in label
        ax.plot([low, high], [y, y], color=colour, linewidth=2, solid_capstyle="butt")
        ax.plot(
            100 * r.risk_difference,
            y,
            marker="s",
            markersize=7,
            color=colour,
            markerfacecolor="white" if derived else colour,
            markeredgewidth=1.5,
        )
        ax.text(
            1.02,
            y,
            f"{100 * r.risk_difference:.0f} ({low:.0f} to {high:.0f})\n{r.nnt_text}",
            transform=ax.get_yaxis_transform(),
            va="center",
            fontsize=7.5,
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(ys, [label for label, _ in items], fontsize=7.5)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(-45, 100)  # room on the left for the legend
    ax.set_xlabel(
        "Risk difference, treated minus placebo (percentage points; 95% Newcombe interval)"
    )
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#eeeeee", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_title(
        "Risk differences by trial, end point and time point  |  right: RD (95% CI), NNT",
        fontsize=10,
        loc="left",
    )
    legend = [
        Line2D([], [], marker="s", color=COLORS["TENDER"], label="TENDER (tocilizumab)"),
        Line2D([], [], marker="s", color=COLORS["canakinumab-1"], label="Canakinumab trial 1"),
        Line2D(
            [],
            [],
            marker="s",
            color="#555555",
            markerfacecolor="white",
            label="derived counts (percent x N)",
        ),
    ]
    ax.legend(handles=legend, loc="upper left", fontsize=7.5, frameon=True)
    warning = (
        "WARNING: not a head-to-head comparison. The trials differ in drug, design, population, "
        "time point and end point\n(TENDER week 12 vs canakinumab day 15 to month 1; adapted "
        "criteria need fever resolution and use CRP). Do not rank the drugs from this plot."
    )
    fig.suptitle(
        warning,
        fontsize=8.5,
        color=COLORS["warning"],
        fontweight="bold",
        x=0.01,
        ha="left",
    )
    hr = next((e for e in reported_effects(directory) if e.measure == "hazard_ratio"), None)
    foot = (
        "Intervals: Newcombe hybrid score for the risk difference; NNT rounded up (Altman). "
        "Sources: De Benedetti 2012 (NEJM); Actemra and Ilaris prescribing information; "
        "Ruperto 2012 (NEJM); EULAR/PReS evidence table; Li & Geskey (ACR90)."
    )
    if hr is not None and comparisons is None:
        foot += (
            f" Not shown: canakinumab trial 2 (randomized withdrawal) reports flare as "
            f"{hr.text}, a different kind of measure."
        )
    fig.text(0.01, 0.0, foot, **_FOOT)
    fig.get_layout_engine().set(rect=(0, 0.06, 1, 0.94))
    rds = [100 * r.risk_difference for _, r in items]
    text = (
        f"Each row shows how many more patients per 100 responded on the drug than on placebo "
        f"(from {min(rds):.0f} to {max(rds):.0f} more per 100), but the trials used different "
        f"patients, time points and definitions, so the rows must not be compared as if they "
        f"were one head-to-head trial."
    )
    return _finish(fig, text)


# --------------------------------------------------------------------------------------------
# benefit-risk
# --------------------------------------------------------------------------------------------
def _default_benefits(directory):
    from jia_teach.effects import compare_trial_arms

    out = {}
    for endpoint in ("acr30_no_fever", "acr30", "acr50", "acr70", "acr90"):
        r = compare_trial_arms("TENDER", endpoint, "week 12", directory=directory)
        derived = " (derived counts)" if "derived" in r.label else ""
        out[f"{ENDPOINT_LABELS[endpoint]}{derived}"] = r
    return out


def _default_harms(directory):
    from jia_teach.data import load_adverse_events
    from jia_teach.effects import number_needed

    names = {
        "infusion_reaction_24h": "Infusion reaction within 24 h",
        "neutrophils_below_1e9_per_l": "Neutrophils < 1 × 10⁹/L",
        "infusion_reaction_during": "Infusion reaction during infusion",
    }
    ae = load_adverse_events(directory)
    ae = ae[(ae["trial"] == "TENDER") & (ae["unit"] == "percent_of_patients")]
    out = {}
    for event, name in names.items():
        t = ae[(ae["event"] == event) & (ae["arm"] == "tocilizumab")]["value"].iloc[0]
        p = ae[(ae["event"] == event) & (ae["arm"] == "placebo")]["value"].iloc[0]
        out[f"{name} ({t:.0f}% vs {p:.0f}%)"] = number_needed(t / 100, p / 100)
    return out


def benefit_risk_chart(
    benefits: Mapping[str, ArmComparison] | None = None,
    harms: Mapping[str, ArmComparison | float] | None = None,
    *,
    pair: tuple[str, str | None] | None = None,
    context: str | None = None,
    directory: str | Path | None = None,
) -> Figure:
    """Numbers needed to treat (benefits) beside numbers needed to harm, on one log axis.

    Parameters
    ----------
    benefits : mapping of str to ArmComparison, optional
        Label -> comparison of a wanted outcome. Default: TENDER week 12 response end points.
    harms : mapping of str to ArmComparison or float, optional
        Label -> :func:`jia_teach.effects.nnh` result, or a bare NNH (no interval) when the
        source gives percentages only. Default: TENDER double-blind infusion reactions and
        neutropenia, from the prescribing information's percentages (no counts, so no
        intervals).
    pair : (str, str), optional
        ``(benefit label, harm label)``, keys of ``benefits`` and ``harms``: the pair whose
        likelihood of being helped or harmed (LHH) the footnote states and the caption
        describes; both points are ringed. Default: the first benefit and the first harm.
        :func:`set_benefit_risk_pair` changes it on a drawn chart.
    context : str, optional
        The trial (and time point) the rows come from, put at the start of the title, e.g.
        ``"TENDER (tocilizumab), week 12"``. Default: ``"TENDER, week 12"`` for the default
        rows, none for rows you pass.
    directory : str or Path, optional
        Data folder to read instead of the package data.

    Returns
    -------
    matplotlib.figure.Figure
        With the caption in ``fig.jia_caption``.

    Raises
    ------
    jia_teach.errors.InvalidValueError
        For a number needed that is not finite and positive, or a ``pair`` label that is not
        one of the benefits / harms.

    Examples
    --------
    >>> fig = benefit_risk_chart()
    >>> "log scale" in fig.axes[0].get_xlabel()
    True
    >>> fig = benefit_risk_chart(
    ...     pair=("JIA ACR70 (derived counts)", "Infusion reaction within 24 h (16% vs 5%)")
    ... )
    >>> print(caption(fig))
    About 2 patients need treatment for one more to reach JIA ACR70 (derived counts), while about 10 need treatment for one more to have infusion reaction within 24 h.
    """  # noqa: E501
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from jia_teach.effects import ArmComparison

    defaults = benefits is None and harms is None
    benefits = dict(benefits) if benefits is not None else _default_benefits(directory)
    harms = dict(harms) if harms is not None else _default_harms(directory)
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
    fig = Figure(figsize=(9, 1.8 + 0.45 * n), layout="constrained")
    ax = fig.add_subplot()
    ys = list(range(n))[::-1]
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
        ax.text(
            1.02,
            y,
            f"{math.ceil(value - 1e-9)}",
            transform=ax.get_yaxis_transform(),
            va="center",
            fontsize=9,
            color=colour,
            fontweight="bold",
        )
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
    ax.grid(axis="x", color="#eeeeee", linewidth=0.6)
    ax.set_axisbelow(True)
    n_benefit = len(benefits)
    if 0 < n_benefit < n:
        ax.axhline(ys[n_benefit - 1] - 0.5, color="#999999", linewidth=0.8, linestyle="--")
    if context is None and defaults:
        context = "TENDER, week 12"
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
        "markeredgecolor": "#000000",
        "markeredgewidth": 1.2,
        "linestyle": "none",
    }
    legend = [
        Line2D([], [], marker="o", color=COLORS["benefit"], label="NNT with 95% CI (counts)"),
        Line2D(
            [],
            [],
            marker="D",
            color=COLORS["harm"],
            linestyle="none",
            markerfacecolor="white",
            label="NNH, point only (percentages only: no interval)",
        ),
    ]
    if harms:
        legend.append(Line2D([], [], **ring, label="the pair weighed in the footnote (LHH)"))
    ax.legend(handles=legend, loc="upper right", fontsize=8, frameon=True)
    state = {
        "points": {
            (kind, label): (value, y) for y, (kind, label, value, _) in zip(ys, rows, strict=True)
        },
        "defaults": defaults,
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
    set_benefit_risk_pair(fig, *pair)
    return fig


def _pair_sentence(state: Mapping[str, Any], benefit: str, harm: str) -> str:
    from jia_teach.effects import likelihood_helped_harmed

    points = state["points"]
    lhh = likelihood_helped_harmed(
        nnt=points[("benefit", benefit)][0], nnh=points[("harm", harm)][0]
    )
    return f"Ringed pair, {benefit} vs {harm}: {lhh.text}"


def _wrap_pair(fig: Figure, text: str) -> str:
    return _wrap(text, _FOOT["fontsize"], fig.get_figwidth() * 0.97)


def set_benefit_risk_pair(fig: Figure, benefit: str, harm: str | None = None) -> list[Any]:
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

    Returns
    -------
    list of matplotlib.artist.Artist
        The artists that changed (the two rings and the LHH sentence).

    Raises
    ------
    jia_teach.errors.InvalidValueError
        When ``fig`` is not such a chart or a label is not one of its rows.

    Examples
    --------
    >>> fig = benefit_risk_chart()
    >>> changed = set_benefit_risk_pair(fig, "JIA ACR90 (derived counts)",
    ...                                 "Infusion reaction within 24 h (16% vs 5%)")
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
        "" if harm is None else _wrap_pair(fig, _pair_sentence(state, benefit, harm))
    )
    text = (
        f"About {math.ceil(points[('benefit', benefit)][0] - 1e-9)} patients need treatment for "
        f"one more to reach {benefit}"
    )
    if harm is not None:
        name = harm.split(" (")[0]
        name = name[:1].lower() + name[1:]  # "neutrophils < 1 x 10^9/L": keep the unit's "L"
        text += (
            f", while about {math.ceil(points[('harm', harm)][0] - 1e-9)} need treatment for one "
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
