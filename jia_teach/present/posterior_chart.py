"""The prior and posterior of a risk difference, redrawn in place when the threshold moves.

:class:`PriorPosteriorChart` holds one matplotlib figure. Showing a new re-analysis draws
the axes, the x axis and the labels once and keeps that picture; every move then repaints
only what can change over it (matplotlib blitting): a new re-analysis the y axis and the
title, and every move what lies in the plotting area (the curves, the shaded tail, the lines,
the spines, the probability box and the legend), in the order a full draw paints them, so
the picture is the full draw's (a test compares the pixels). The densities are computed
once per pair of Beta distributions (cached). :func:`prior_posterior` is the same chart as a
plain figure, for notebooks and the book.

Colours are Okabe-Ito; the prior is dashed and the posterior solid, so no meaning rests on
colour alone. Every figure carries its plain-language caption (``fig.jia_caption``), used as
alt text.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from jia_teach.present.palette import PALETTE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from jia_teach.appraisal.bayes import BayesianReanalysis
    from jia_teach.appraisal.betas import RiskDifference

__all__ = ["PriorPosteriorChart", "curves", "prior_posterior"]

_BLUE, _ORANGE, _GREY = PALETTE["blue"], PALETTE["orange"], PALETTE["grey"]
#: The risk-difference grid of the curves (proportions), 0.25 percentage points apart.
GRID = np.linspace(-1, 1, 801)
_GRID_POINTS = 100 * GRID


@lru_cache(maxsize=256)
def _density(treated: tuple[float, float], control: tuple[float, float]) -> np.ndarray:
    from jia_teach.appraisal.betas import BetaDistribution, RiskDifference

    out = RiskDifference(BetaDistribution(*treated), BetaDistribution(*control)).density(GRID)
    out.setflags(write=False)  # shared through the cache: nobody may change it
    return out


def _curve(rd: RiskDifference) -> np.ndarray:
    """The density of ``rd`` on :data:`GRID` (cached by the two Betas' parameters)."""
    return _density(rd.treated.params, rd.control.params)


def curves(result: BayesianReanalysis) -> tuple[np.ndarray, np.ndarray]:
    """The posterior and prior densities of ``result`` on :data:`GRID` (cached), computed
    ahead by a view that expects to show ``result``."""
    return _curve(result.posterior), _curve(result.prior.risk_difference)


def _caption(result: BayesianReanalysis, delta: float, drug: str) -> str:
    what = "benefit" if result.outcome == "benefit" else "excess harm"
    tag = " (from derived counts)" if result.derived_counts else ""
    return (
        f"Under the {result.prior.name} prior, the probability that the {what} of {drug} "
        f"exceeds {100 * delta:g} percentage points is {100 * result.prob_above(delta):.1f}% "
        f"after the trial (the prior alone gave {100 * result.prior_prob_above(delta):.1f}%){tag}."
    )


class PriorPosteriorChart:
    """Prior and posterior densities of the risk difference, shaded beyond a threshold.

    Parameters
    ----------
    animated : bool, default True
        True for a view that moves often (what changes is repainted over a kept picture of
        the axes); False for a figure drawn once (every artist is part of an ordinary draw).

    Examples
    --------
    >>> from jia_teach.appraisal.bayes import reanalyse
    >>> chart = PriorPosteriorChart()
    >>> r = reanalyse(20, 43, 1, 41, "sceptical")
    >>> chart.show(r, 0.2, drug="canakinumab")[:60]
    'Under the sceptical prior, the probability that the benefit '
    >>> chart.png()[:4] == b"\\x89PNG"
    True
    """

    def __init__(self, *, animated: bool = True, legend_below: bool | None = None) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        # The legend never changes. Below the x axis, where nothing that moves can cover it,
        # it is drawn once with the frame instead of on every move (9 of a move's 14 ms of
        # drawing, issue 19); a chart drawn once (a figure, a slide) keeps it on the plot.
        below = animated if legend_below is None else legend_below
        self._legend_below = below
        self.figure: Figure = Figure(figsize=(8, 4.9) if below else (8, 4.4))
        self.figure.subplots_adjust(  # no layout engine: nothing moves between draws
            left=0.09, right=0.98, bottom=0.2 if below else 0.12, top=0.93 if below else 0.92
        )
        self.canvas = FigureCanvasAgg(self.figure)
        ax = self.ax = self.figure.add_subplot()
        (self._prior,) = ax.plot([], [], color=_ORANGE, linestyle="--", linewidth=2, label="prior")
        (self._post,) = ax.plot(
            [], [], color=_BLUE, linewidth=2.2, label="posterior (prior + trial)"
        )
        ax.axvline(0, color=_GREY, linewidth=0.8)
        self._animated = animated
        self._line = ax.axvline(0, color=PALETTE["black"], linestyle=":", linewidth=1.2)
        self._box = ax.text(
            0.02,
            0.95,
            "",
            transform=ax.transAxes,
            va="top",
            fontsize=10,
            bbox={"facecolor": "white", "edgecolor": _GREY, "boxstyle": "round"},
        )
        self._fill: Any = None
        for artist in (self._line, self._box):
            artist.set_animated(animated)
        # legend from proxies: an animated artist's legend entry would be animated too
        ax.legend(
            handles=[
                Line2D([], [], color=_ORANGE, linestyle="--", linewidth=2, label="prior"),
                Line2D([], [], color=_BLUE, linewidth=2.2, label="posterior (prior + trial)"),
                Line2D(
                    [], [], color=PALETTE["black"], linestyle=":", linewidth=1.2, label="threshold"
                ),
                Patch(facecolor=_BLUE, alpha=0.25, label="posterior beyond the threshold"),
            ],
            fontsize=8.5,
            frameon=False,
            **(
                {"loc": "upper center", "bbox_to_anchor": (0.5, -0.12), "ncol": 4}
                if below
                else {"loc": "upper right"}
            ),
        )
        ax.set_xlim(-100, 100)
        ax.set_xlabel("Risk difference, drug minus placebo (percentage points)")
        ax.set_ylabel("Probability density (per percentage point)")
        ax.spines[["top", "right"]].set_visible(False)
        self._shown: BayesianReanalysis | None = None
        self._frame: Any = None  # the picture of everything that never changes
        self._background: Any = None  # the frame with the y axis and title of the result shown
        if animated:
            for artist in (*self._per_result(), *self._per_move()):
                artist.set_animated(True)

    def _per_result(self) -> list[Any]:
        """What only a new re-analysis changes: the y axis (its limits) and the title. They
        lie outside the plotting area, so nothing a move repaints overlaps them."""
        return [self.ax.yaxis, self.ax.title]

    def _per_move(self) -> list[Any]:
        """What lies in the plotting area, in the order a full draw paints it (by z-order,
        then as the axes lists its children), so the blitted picture is the full draw's:
        the shaded tail under the curves, the zero and threshold lines, the spines, the
        probability box and the legend over them."""
        changing = {id(a) for a in self._per_result()}
        if self._legend_below:  # out of the plotting area: part of the frame
            changing.add(id(self.ax.get_legend()))
        keep = [a for a in self.ax.get_children() if id(a) not in changing]
        keep = [a for a in keep if a is not self.ax.patch and a is not self.ax.xaxis]
        return sorted(keep, key=lambda a: a.get_zorder())

    def _set_curves(self, result: BayesianReanalysis) -> None:
        post, prior = _curve(result.posterior) / 100, _curve(result.prior.risk_difference) / 100
        self._post.set_data(_GRID_POINTS, post)
        self._prior.set_data(_GRID_POINTS, prior)
        top = float(max(post.max(), prior.max()))
        self.ax.set_ylim(0, 1.05 * top if top > 0 else 1.0)  # matplotlib's 5 % margin
        tag = " (from derived counts)" if result.derived_counts else ""
        self.ax.set_title(
            f"{result.label or 'Re-analysis'}: {result.prior.name} prior{tag}", fontsize=10
        )
        self._shown = result

    def show(self, result: BayesianReanalysis, delta: float, *, drug: str = "the drug") -> str:
        """Draw ``result`` with the threshold ``delta`` (a proportion); return the caption.

        An animated chart repaints only what can change over the frame it keeps.
        """
        what = "benefit" if result.outcome == "benefit" else "excess harm"
        new_result = self._shown != result
        if new_result:
            self._set_curves(result)
        post = _curve(result.posterior) / 100
        mask = GRID >= delta
        if self._fill is not None:
            self._fill.remove()
        self._fill = self.ax.fill_between(
            _GRID_POINTS[mask], 0, post[mask], color=_BLUE, alpha=0.25, linewidth=0
        )
        self._fill.set_animated(self._animated)
        self._line.set_xdata([100 * delta, 100 * delta])
        self._box.set_text(
            f"P({what} > {100 * delta:g} points) = {100 * result.prob_above(delta):.1f}%\n"
            f"(prior alone: {100 * result.prior_prob_above(delta):.1f}%)"
        )
        text = _caption(result, delta, drug)
        self.figure.jia_caption = text  # type: ignore[attr-defined]
        if self._animated:
            if self._frame is None:
                self.canvas.draw()  # the axes, the x axis and the labels: drawn once
                self._frame = self.canvas.copy_from_bbox(self.figure.bbox)
            if new_result or self._background is None:
                self.canvas.restore_region(self._frame)
                for artist in self._per_result():
                    self.ax.draw_artist(artist)
                self._background = self.canvas.copy_from_bbox(self.figure.bbox)
            else:
                self.canvas.restore_region(self._background)
            for artist in self._per_move():
                self.ax.draw_artist(artist)
        return text

    def png(self) -> bytes:
        """The picture now shown, as PNG bytes (an animated chart: no second draw)."""
        from jia_teach.present.render import canvas_png, figure_png

        if not self._animated:
            return figure_png(self.figure)
        return canvas_png(self.canvas)


def prior_posterior(result: BayesianReanalysis, delta: float, *, drug: str = "the drug") -> Figure:
    """Prior and posterior densities of the risk difference, shaded beyond ``delta``.

    Parameters
    ----------
    result : BayesianReanalysis
        From :func:`jia_teach.appraisal.bayes.reanalyse`.
    delta : float
        The threshold, a proportion (0.2 = 20 percentage points).
    drug : str
        For the caption.

    Returns
    -------
    matplotlib.figure.Figure
        Caption in ``fig.jia_caption``: the posterior and the prior probability of a
        difference beyond ``delta``, in one sentence.

    Examples
    --------
    >>> from jia_teach.appraisal.bayes import reanalyse
    >>> fig = prior_posterior(reanalyse(20, 43, 1, 41, "sceptical"), 0.2, drug="canakinumab")
    >>> fig.jia_caption
    'Under the sceptical prior, the probability that the benefit of canakinumab exceeds 20 percentage points is 88.5% after the trial (the prior alone gave 9.9%).'
    """  # noqa: E501
    chart = PriorPosteriorChart(animated=False)
    chart.show(result, delta, drug=drug)
    return chart.figure
