"""Response-rate bars: the share of each arm meeting each response definition, with intervals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from jia_teach.data.labels import TRIAL_LABELS, arm_label, trial_label
from jia_teach.present.palette import PALETTE
from jia_teach.present.style import COLORS, _finish, _footnote, _wrap
from jia_teach.rules.errors import InvalidValueError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["response_rate_bars"]


def response_rate_bars(
    trial: str | None = None,
    timepoint: str | None = None,
    endpoints: Sequence[str] = ("acr30", "acr50", "acr70", "acr90"),
    *,
    confidence: float = 0.95,
) -> Figure:
    """Bars of the response rate by arm with Wilson intervals.

    Parameters
    ----------
    trial, timepoint : str, optional
        As in ``data/trial_outcomes.csv``; by default the first trial of ``data/labels.csv``
        and the time point its design marks primary.
    endpoints : sequence of str
        Endpoint codes, drawn left to right (e.g. add ``"acr30_no_fever"`` to show the primary
        end point beside plain ACR30).
    confidence : float, default 0.95
        Level of the Wilson score intervals (:func:`jia_teach.effects.proportion_ci`).

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

    from jia_teach import evidence
    from jia_teach.effects import proportion_ci

    if trial is None:
        trial = next(iter(TRIAL_LABELS))
    if timepoint is None:
        timepoint = evidence.primary_timepoint(trial) or ""
    if not len(endpoints):
        raise InvalidValueError(
            "no end point to draw", column="endpoints", allowed="at least one end point code"
        )
    pairs = [evidence.pair(trial, e, timepoint) for e in endpoints]
    for p in pairs:
        if not p.comparable:
            drawable = [q.measure for q in evidence.benefit_pairs(trial)]
            raise InvalidValueError(
                f"{trial} has no counts in both arms for {p.measure!r} at {timepoint}: {p.why_not}",
                column="endpoints",
                allowed=", ".join(
                    q.measure for q in evidence.benefit_pairs(trial) if q.timepoint == timepoint
                )
                or ", ".join(drawable)
                or "none",
            )
    first = pairs[0]
    arms = [first.treated.arm, first.control.arm]  # type: ignore[union-attr]
    n_by_arm = {a: evidence.arm_size(trial, a) for a in arms}

    fig = Figure(figsize=(8, 5.2), layout="constrained")
    ax = fig.add_subplot()
    width = 0.38
    derived_any = False
    sources: list[str] = []
    summary: list[str] = []
    for j in range(len(arms)):
        colour = COLORS["treated"] if j == 0 else COLORS["control"]
        for i, pr in enumerate(pairs):
            r = pr.treated if j == 0 else pr.control
            assert r is not None and r.events is not None and r.total is not None  # comparable
            e, n = r.events, r.total
            low, high = proportion_ci(e, n, confidence)
            share = 100 * e / n
            derived = r.status == "derived"
            derived_any |= derived
            x = i + (j - 0.5) * width
            ax.bar(
                x,
                share,
                width * 0.95,
                color=colour,
                edgecolor="white" if not derived else PALETTE["dark"],
                hatch="//" if derived else None,
                linewidth=0.6,
            )
            ax.errorbar(
                x,
                share,
                yerr=[[share - 100 * low], [100 * high - share]],
                fmt="none",
                ecolor="black",
                capsize=3,
                linewidth=1,
            )
            mark = "*" if derived else ""
            ax.text(
                x,
                100 * high + 1.5,
                f"{r.percent:.0f}%\n{e}/{n}{mark}",
                ha="center",
                va="bottom",
                fontsize=8,
            )
            if r.source not in sources:
                sources.append(r.source)
            if j == 0:
                summary.append(f"{pr.measure_label} {r.percent:.0f}%")
            else:
                summary[i] += f" vs {r.percent:.0f}%"
    slot = 0.8 * fig.get_figwidth() / len(endpoints)  # inches per end point, roughly
    ax.set_xticks(
        range(len(endpoints)),
        [_wrap(p.measure_label, 9, slot) for p in pairs],  # long names overlapped
        fontsize=9,
    )
    ax.set_ylim(0, 132)  # the top band holds the legend, clear of the bar labels
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel("% of patients")
    ax.set_xlabel(f"Response definition, {timepoint}")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color=PALETTE["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    handles = [
        Patch(color=colour, label=f"{arm_label(a)} (n = {n_by_arm[a]})")
        for a, colour in zip(arms, (COLORS["treated"], COLORS["control"]), strict=True)
    ]
    if derived_any:
        handles.append(
            Patch(facecolor="white", edgecolor=PALETTE["dark"], hatch="//", label="derived counts*")
        )
    ax.legend(handles=handles, loc="upper center", ncols=len(handles), frameon=False, fontsize=9)
    pct = f"{100 * confidence:g}%"
    ax.set_title(
        f"{trial_label(trial)}: response at {timepoint} by arm "
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
        f"on {arm_label(arms[0]).lower()} vs {arm_label(arms[1]).lower()} was "
        f"{'; '.join(summary)}."
    )
    return _finish(fig, text)
