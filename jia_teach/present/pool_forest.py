"""Forest plot of a pooled result, drawn from its own ``summary_frame()``.

One row per study (a square whose area follows the study's weight, with its interval), the
pooled estimate as a diamond, the prediction interval as a bar below it (random effects only),
the line of no effect, and the k < 5 warning in words at the top. The frame is the only input
(statsmodels' ``plot_forest`` pattern), so the chart cannot disagree with the numbers.

Drawn at 12.8 x N inches and 100 dpi: at slide width (1280 px) every text is >= 15 px
(11 pt and up). Okabe-Ito colours; the caption (alt text) is in ``fig.jia_caption``.

Examples
--------
>>> from jia_teach.effects.pooling import pool
>>> r = pool([36, 8], [43, 12], [4, 1], [41, 12], warn=False)
>>> fig = pool_forest(r.summary_frame())
>>> fig.axes[0].get_xscale(), "log scale" in fig.axes[0].get_xlabel()
('log', True)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from jia_teach.present.palette import PALETTE
from jia_teach.present.style import _finish, _wrap, row_text
from jia_teach.rules.errors import InvalidValueError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["SLIDE_WIDTH_IN", "pool_forest"]

#: Figure width in inches; at 100 dpi the PNG is 1280 px wide, the width of a slide.
SLIDE_WIDTH_IN = 12.8
_DPI = 100
_TEXT = 12  # points: 16.7 px at slide width
_SMALL = 11  # points: 15.3 px at slide width
_STUDY = PALETTE["blue"]  # Okabe-Ito blue
_POOLED = PALETTE["black"]
_PI = PALETTE["vermillion"]  # Okabe-Ito vermillion (a mark)
_WARN = PALETTE["text_vermillion"]  # warning text: 5.5:1 on white


def _fmt(x: float, log: bool) -> str:
    if x is None or not math.isfinite(x):
        return "n/a"
    return f"{x:.2f}" if log else f"{100 * x:.1f}"


def pool_forest(frame: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Forest plot of one pooled result.

    Parameters
    ----------
    frame : pandas.DataFrame
        :meth:`jia_teach.effects.pooling.PoolResult.summary_frame` (its rows and ``attrs``).
    title : str, optional
        Shown above the warning (default: the pooled result in words).

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.jia_caption`` holds the alt text.
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Polygon

    need = {"label", "kind", "estimate", "ci_low", "ci_high", "weight", "counts"}
    if not need <= set(frame.columns) or "measure_label" not in frame.attrs:
        raise InvalidValueError(
            "not a pool summary frame", column="frame", allowed="PoolResult.summary_frame()"
        )
    attrs = frame.attrs
    log = bool(attrs["log_scale"])
    null = float(attrs["null"])
    studies = frame[frame["kind"] == "study"]
    pooled = frame[frame["kind"] == "pooled"].iloc[0]
    pred = frame[frame["kind"] == "prediction"]
    n = len(studies)
    rows = n + 1 + len(pred)
    # the layout in inches: heading lines, then the rows, then the axis and its label
    width = SLIDE_WIDTH_IN * 0.86  # bold text is wider than the advances _wrap measures
    head = _wrap(title or attrs["text"], _TEXT, width)
    warns = [_wrap("\u26a0 " + w, _TEXT, width) for w in attrs.get("warnings", [])]
    line = 1.3 * _TEXT / 72
    top = 0.15 + line * (head.count("\n") + 1) + sum(line * (w.count("\n") + 1) for w in warns)
    top += 0.55  # room for the column heading
    body, bottom = 0.62 * rows, 0.95
    height = top + body + bottom
    fig = Figure(figsize=(SLIDE_WIDTH_IN, height), dpi=_DPI)
    ax = fig.add_axes((0.30, bottom / height, 0.44, body / height))
    ys = list(range(rows))[::-1]
    values = []
    for y, (_, s) in zip(ys, studies.iterrows(), strict=False):
        est, lo, hi = s["estimate"], s["ci_low"], s["ci_high"]
        label = f"{s['label']}\n{s['counts']}"
        row_text(ax, y, label, "left", fontsize=_SMALL)
        if math.isfinite(est):
            values += [lo, hi]
            ax.plot([lo, hi], [y, y], color=_STUDY, linewidth=2)
            size = 6 + 14 * math.sqrt(max(float(s["weight"]), 0.0) / 100)
            ax.plot(est, y, marker="s", markersize=size, color=_STUDY, linestyle="none")
            right = f"{_fmt(est, log)} ({_fmt(lo, log)} to {_fmt(hi, log)})   {s['weight']:.0f}%"
        else:
            right = f"no estimate   {s['weight']:.0f}%"
        row_text(ax, y, right, fontsize=_SMALL)
    y = ys[n]
    lo, est, hi = pooled["ci_low"], pooled["estimate"], pooled["ci_high"]
    values += [lo, hi]
    ax.add_patch(
        Polygon(
            [(lo, y), (est, y + 0.3), (hi, y), (est, y - 0.3)],
            closed=True,
            facecolor=_POOLED,
            edgecolor=_POOLED,
        )
    )
    row_text(ax, y, pooled["label"], "left", fontsize=_TEXT, fontweight="bold")
    row_text(
        ax,
        y,
        f"{_fmt(est, log)} ({_fmt(lo, log)} to {_fmt(hi, log)})",
        fontsize=_TEXT,
        fontweight="bold",
    )
    if len(pred):
        p = pred.iloc[0]
        y = ys[n + 1]
        values += [p["ci_low"], p["ci_high"]]
        ax.plot([p["ci_low"], p["ci_high"]], [y, y], color=_PI, linewidth=5, solid_capstyle="butt")
        row_text(
            ax,
            y,
            "Prediction interval\n(a new trial's effect)",
            "left",
            fontsize=_SMALL,
            color=PALETTE["black"],
        )
        row_text(ax, y, f"{_fmt(p['ci_low'], log)} to {_fmt(p['ci_high'], log)}", fontsize=_SMALL)
    finite = [v for v in values if v is not None and math.isfinite(v)] + [null]
    if log:
        ax.set_xscale("log")
        lo_x, hi_x = min(finite) / 1.3, max(finite) * 1.3
    else:
        pad = 0.05 * (max(finite) - min(finite) or 1)
        lo_x, hi_x = min(finite) - pad, max(finite) + pad
    ax.set_xlim(lo_x, hi_x)
    ax.axvline(null, color=PALETTE["mid"], linewidth=1, linestyle="--")
    ax.set_ylim(-0.7, rows - 0.3)
    ax.set_yticks([])
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.tick_params(axis="x", labelsize=_SMALL)
    if log:
        from matplotlib.ticker import FuncFormatter, LogLocator

        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    pct = f"{100 * attrs['confidence']:g}%"
    unit = " (log scale)" if log else " (percentage points)"
    if not log:
        ax.xaxis.set_major_formatter(
            __import__("matplotlib.ticker", fromlist=["FuncFormatter"]).FuncFormatter(
                lambda v, _: f"{100 * v:g}"
            )
        )
    ax.set_xlabel(
        f"{attrs['measure_label'].capitalize()}, drug vs placebo{unit}; right of "
        f"{null:g}: more responders on the drug",
        fontsize=_TEXT,
    )
    ax.text(
        1.02,
        rows - 0.3,
        f"Estimate ({pct} CI)   weight",
        transform=ax.get_yaxis_transform(),
        va="bottom",
        fontsize=_SMALL,
        fontweight="bold",
    )
    y_in = height - 0.1
    fig.text(0.01, y_in / height, head, fontsize=_TEXT, va="top", ha="left", fontweight="bold")
    y_in -= line * (head.count("\n") + 1)
    for w in warns:
        fig.text(
            0.01,
            y_in / height,
            w,
            fontsize=_TEXT,
            va="top",
            ha="left",
            color=_WARN,
            fontweight="bold",
        )
        y_in -= line * (w.count("\n") + 1)
    caption = (
        f"Forest plot of {n} {'study' if n == 1 else 'studies'} ({attrs['measure_label']}, "
        f"{attrs['method']}). Each square is one trial with its {pct} confidence interval; the "
        f"diamond is the pooled estimate, {_fmt(est, log)} ({_fmt(lo, log)} to {_fmt(hi, log)})"
    )
    if len(pred):
        p = pred.iloc[0]
        caption += (
            f"; the vermillion bar is the prediction interval for a new trial, "
            f"{_fmt(p['ci_low'], log)} to {_fmt(p['ci_high'], log)}"
        )
    caption += "."
    if attrs.get("warnings"):
        caption += " Warning: " + " ".join(attrs["warnings"])
    return _finish(fig, caption)
