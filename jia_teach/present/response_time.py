"""Response over time in a (simulated) registry: the share of decided pairs meeting each level."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jia_teach.present.palette import PALETTE
from jia_teach.present.style import COLORS, _finish
from jia_teach.rules.errors import InvalidValueError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["response_over_time_chart"]

#: One Okabe-Ito colour and one marker per level, so that colour is never the only cue.
_STYLE = {
    "acr30": (PALETTE["blue"], "o"),
    "acr50": (COLORS["benefit"], "s"),
    "acr70": (PALETTE["vermillion"], "^"),
    "acr90": (PALETTE["pink"], "D"),
    "acr100": (PALETTE["black"], "v"),
}


def response_over_time_chart(summary: pd.DataFrame, *, title: str = "") -> Figure:
    """Lines of ``share_met`` per window, one per criterion (from
    :func:`jia_teach.scoring.visits.response_over_time`).

    Parameters
    ----------
    summary : pandas.DataFrame
        Columns ``window``, ``criterion``, ``share_met`` (0-1; undecided pairs are out of the
        denominator).
    title : str, optional
        Put above the chart (say "simulated" when it is).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"window": ["1-21 days", "22-105 days"], "criterion": ["acr30"] * 2,
    ...                   "share_met": [0.5, 0.75]})
    >>> fig = response_over_time_chart(s)
    >>> fig.axes[0].get_ylabel()
    'Pairs meeting the level (% of decided)'
    """
    from matplotlib.figure import Figure

    missing = {"window", "criterion", "share_met"} - set(summary.columns)
    if missing:
        raise InvalidValueError(
            f"the summary lacks {', '.join(sorted(missing))}",
            column="summary",
            allowed="the frame jia_teach.scoring.visits.response_over_time returns",
        )
    windows = list(dict.fromkeys(summary["window"]))
    fig = Figure(figsize=(7, 3.6), layout="constrained")
    ax = fig.add_subplot()
    names = list(dict.fromkeys(summary["criterion"]))
    for name in names:
        colour, marker = _STYLE.get(name, (PALETTE["mid"], "x"))
        part = summary[summary["criterion"] == name]
        ax.plot(
            [windows.index(w) for w in part["window"]],
            100 * part["share_met"].astype(float),
            marker=marker,
            color=colour,
            label=name.upper().replace("ACR", "JIA ACR"),
        )
    ax.set_xticks(range(len(windows)), windows)
    ax.set_xlabel("Days from the baseline visit")
    ax.set_ylabel("Pairs meeting the level (% of decided)")
    ax.set_ylim(0, 100)
    ax.legend(frameon=False)
    if title:
        ax.set_title(title)
    levels = ", ".join(n.upper().replace("ACR", "") for n in names)
    return _finish(
        fig,
        f"Line chart of the share of decided visit pairs meeting JIA ACR Pedi {levels} in each "
        "window of days from the baseline visit; undecided pairs are left out of the "
        "denominator." + (f" {title}." if title else ""),
    )
