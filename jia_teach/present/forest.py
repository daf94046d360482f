"""Forest plot of risk differences across trials, end points and time points (not head to head)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from jia_teach.data.labels import arm_label, comparison_label, trial_colour, trial_label
from jia_teach.effects import DERIVED_TAG
from jia_teach.evidence.trial_effects import compare_pair
from jia_teach.present.palette import PALETTE
from jia_teach.present.style import _FOOT, COLORS, _finish, _footnote, row_chart, row_text
from jia_teach.rules.errors import InvalidValueError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from jia_teach.effects import ArmComparison
    from jia_teach.evidence import ArmPair

__all__ = ["forest_plot"]


def _row_label(p: ArmPair) -> str:
    r = compare_pair(p)
    derived = DERIVED_TAG if p.derived else ""
    return (
        f"{comparison_label(p.trial, p.measure, p.timepoint)}\n"
        f"{p.population}: {r.treated_events}/{r.treated_total} vs "
        f"{r.control_events}/{r.control_total}{derived}"
    )


def _differences(pairs: Sequence[ArmPair]) -> str:
    """How the plotted trials differ, from their pairs: each drug's span of time points
    (``tocilizumab week 12 vs canakinumab day 15 to month 1``), and what adapted criteria add."""
    from jia_teach.appraisal.borrowing import timepoint_days

    spans: dict[str, dict[str, float]] = {}
    for p in pairs:
        days = timepoint_days(p.timepoint)
        if p.treated is not None and days is not None:
            spans.setdefault(arm_label(p.treated.arm).lower(), {})[p.timepoint] = days
    parts = []
    for drug, times in spans.items():
        ordered = sorted(times, key=times.__getitem__)
        parts.append(f"{drug} {ordered[0]}" + (f" to {ordered[-1]}" if len(ordered) > 1 else ""))
    text = " vs ".join(parts)
    if any(p.measure.startswith("adapted_") for p in pairs):
        text += ("; " if text else "") + "adapted criteria need fever resolution and use CRP"
    return text or "see the row labels"


def forest_plot(
    comparisons: Mapping[str, ArmComparison | ArmPair] | None = None,
    *,
    rows: Sequence[tuple[str, str, str]] | None = None,
) -> Figure:
    """Forest plot of risk differences (treated minus placebo) with Newcombe intervals.

    Parameters
    ----------
    comparisons : mapping of str to ArmComparison or ArmPair, optional
        Row label -> comparison (or an :class:`~jia_teach.evidence.ArmPair`, whose trial then
        sets the row's colour). By default every comparable pair of
        :func:`jia_teach.evidence.benefit_pairs`, labelled by trial, end point, time point and
        population. Canakinumab trial 2 reports a hazard ratio, not counts; the footnote quotes
        it as reported.
    rows : sequence of (trial, end point, time point), optional
        Instead of ``comparisons``: these pairs of :func:`jia_teach.evidence.pair` only, in
        this order, labelled as the default rows are (a slide shows a few rows, large enough
        to read when projected).

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
    from matplotlib.lines import Line2D

    from jia_teach import evidence

    if comparisons is not None and rows is not None:
        raise InvalidValueError(
            "give comparisons or rows, not both", column="rows", allowed="one of the two"
        )
    if rows is not None:
        pairs = [evidence.pair(*key) for key in rows]
    elif comparisons is None:
        pairs = evidence.benefit_pairs()
    else:
        pairs = [r for r in comparisons.values() if isinstance(r, evidence.ArmPair)]
    if comparisons is None:
        items = [(_row_label(p), compare_pair(p), p.trial) for p in pairs]
    else:
        items = [
            (label, compare_pair(r), r.trial) if isinstance(r, evidence.ArmPair) else (label, r, "")
            for label, r in comparisons.items()
        ]
    if not items:
        raise InvalidValueError(
            "nothing to plot", column="comparisons", allowed="at least one comparison"
        )
    n = len(items)
    fig, ax, ys = row_chart(n, 10, 1.6, 0.52)
    for y, (_label, r, trial) in zip(ys, items, strict=True):
        colour = COLORS.get(trial, COLORS["treated"])
        low, high = (100 * v for v in r.risk_difference_ci)
        derived = r.derived_counts
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
        row_text(
            ax,
            y,
            f"{100 * r.risk_difference:.0f} ({low:.0f} to {high:.0f})\n{r.nnt_text}",
            fontsize=7.5,
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(ys, [label for label, _, _ in items], fontsize=7.5)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(-45, 100)  # room on the left for the legend
    ax.set_xlabel(
        "Risk difference, treated minus placebo (percentage points; 95% Newcombe interval)"
    )
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color=PALETTE["grid_light"], linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_title(
        "Risk differences by trial, end point and time point  |  right: RD (95% CI), NNT",
        fontsize=10,
        loc="left",
    )
    legend = [
        *(
            Line2D([], [], marker="s", color=trial_colour(t), label=trial_label(t))
            for t in dict.fromkeys(t for _, _, t in items if t in COLORS)
        ),
        Line2D(
            [],
            [],
            marker="s",
            color=PALETTE["mid"],
            markerfacecolor="white",
            label="derived counts (percent x N)",
        ),
    ]
    ax.legend(handles=legend, loc="upper left", fontsize=7.5, frameon=True)
    warning = (
        "WARNING: not a head-to-head comparison. The trials differ in drug, design, population, "
        f"time point and end point\n({_differences(pairs)}). Do not rank the drugs from this plot."
    )
    fig.suptitle(
        warning,
        fontsize=8.5,
        color=COLORS["warning"],
        fontweight="bold",
        x=0.01,
        ha="left",
    )
    hr = next(
        (e for e in evidence.reported_effects() if e.measure == "hazard_ratio"),
        None,
    )
    foot = (
        "Intervals: Newcombe hybrid score for the risk difference; NNT rounded up (Altman). "
        "Sources: De Benedetti 2012 (NEJM); Actemra and Ilaris prescribing information; "
        "Ruperto 2012 (NEJM); EULAR/PReS evidence table; Li & Geskey (ACR90)."
    )
    if hr is not None and comparisons is None:
        foot += (
            f" Not shown: {trial_label(hr.trial)} reports {hr.endpoint} as "
            f"{hr.text}, a different kind of measure."
        )
    foot = _footnote(fig, foot)
    # room at the bottom for the footnote as wrapped, in inches, so that a plot of a few rows
    # (a slide) keeps it clear of the axis label as a long one does (rect: left, bottom,
    # width, height; constrained layout makes room for the warning above)
    bottom = ((foot.get_text().count("\n") + 1) * 1.25 * _FOOT["fontsize"] + 8) / 72
    share = bottom / fig.get_figheight()
    fig.get_layout_engine().set(rect=(0, share, 1, 1 - share))
    rds = [100 * r.risk_difference for _, r, _ in items]
    text = (
        f"Each row shows how many more patients per 100 responded on the drug than on placebo "
        f"(from {min(rds):.0f} to {max(rds):.0f} more per 100), but the trials used different "
        f"patients, time points and definitions, so the rows must not be compared as if they "
        f"were one head-to-head trial."
    )
    return _finish(fig, text)
