"""The robvis-style risk-of-bias grid, and a chart of it that repaints only its cells.

:func:`traffic_lights` draws one row per assessment (D1-D5 and the overall judgement by the
RoB 2 rule) with a symbol and a word for every judgement, not colour alone.
:class:`TrafficLightChart` is the same picture for the learner's exercise
(:class:`jia_teach.widgets.RiskOfBiasExercise`): the grid's labels, key and footnote are drawn
once and kept; a new judgement (or a new assessment's title) repaints only the circles, the
symbols and the title (matplotlib blitting), about 10 ms instead of a new figure and a full
draw (about 120 ms).

References
----------
McGuinness LA, Higgins JPT. Risk-of-bias VISualization (robvis). Res Synth Methods
2021;12:55-61.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from jia_teach.present.palette import PALETTE
from jia_teach.rules.errors import InvalidValueError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["JUDGEMENT_STYLE", "TrafficLightChart", "traffic_lights"]

_GREEN, _YELLOW, _VERMILLION = PALETTE["green"], PALETTE["yellow"], PALETTE["vermillion"]
_GREY, _DARK = PALETTE["grey"], PALETTE["dark"]

#: Judgement -> (fill colour, symbol, label). Symbols are black on every fill (contrast >= 4.5).
JUDGEMENT_STYLE: dict[str | None, tuple[str, str, str]] = {
    "low": (_GREEN, "+", "Low"),
    "some_concerns": (_YELLOW, "-", "Some concerns"),
    "high": (_VERMILLION, "x", "High"),
    "not_applicable": (PALETTE["not_applicable"], "n/a", "Not applicable"),
    None: (PALETTE["white"], "?", "Not judged yet"),
}

Rows = Sequence[tuple[str, Mapping[str, str | None]]]


def _values(judgements: Mapping[str, str | None]) -> tuple[list[str | None], str | None]:
    """The five domain judgements in order and the overall one (None when undetermined)."""
    from jia_teach.appraisal.rob import DOMAINS, overall_judgement

    values = [judgements.get(code) for code in DOMAINS]
    try:
        overall = overall_judgement(dict(zip(DOMAINS, values, strict=True)))
    except InvalidValueError:
        overall = None  # e.g. not_applicable mixed with other judgements: no overall
    return values, overall


def _caption(rows: Rows) -> str:
    from jia_teach.appraisal.rob import DOMAINS, JUDGEMENT_LABELS

    parts = []
    for label, judgements in rows:
        values, overall = _values(judgements)
        words = ", ".join(
            f"D{DOMAINS[c].number} {JUDGEMENT_LABELS[v] if v else 'not judged'}"
            for c, v in zip(DOMAINS, values, strict=True)
        )
        over = JUDGEMENT_LABELS[overall] if overall else "not yet determined"
        parts.append(f"{label}: {words}; overall {over}")
    return "Risk of bias, " + ". ".join(parts) + "."


class TrafficLightChart:
    """A traffic-light grid for fixed row labels, its judgements changed in place.

    Parameters
    ----------
    labels : sequence of str
        The rows, top to bottom (e.g. ``["Your judgements", "Worked judgements"]``).
    title, note : str
        Title and a footnote (e.g. "our appraisal, argued from the published design").
    unjudged_key : bool, default True
        Whether the key lists "Not judged yet" (a learner's grid starts unjudged).
    animated : bool, default True
        True: :meth:`show` repaints only the cells over a kept picture (for a view); False:
        every artist is part of an ordinary draw (a figure drawn once).

    Examples
    --------
    >>> chart = TrafficLightChart(["You"], title="TENDER")
    >>> chart.show([("You", {"randomization": "high"})]).startswith("Risk of bias, You: D1 High")
    True
    >>> chart.png()[:4] == b"\\x89PNG"
    True
    """

    def __init__(
        self,
        labels: Sequence[str],
        *,
        title: str = "",
        note: str = "",
        unjudged_key: bool = True,
        animated: bool = True,
    ) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
        from matplotlib.patches import Circle

        from jia_teach.appraisal.rob import DOMAINS

        if not labels:
            raise InvalidValueError("no rows to draw", column="rows", allowed="at least one row")
        self.labels = list(labels)
        columns = [*(f"D{d.number}" for d in DOMAINS.values()), "Overall"]
        n = len(self.labels)
        self.figure: Figure = Figure(figsize=(9.5, 2.2 + 0.62 * n), layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        grid = self.figure.add_gridspec(2, 1, height_ratios=[0.62 * n + 0.45, 1.0])
        ax, key = self.figure.add_subplot(grid[0]), self.figure.add_subplot(grid[1])
        self.ax = ax
        key.axis("off")
        #: cells[row][column] = (circle, symbol text); row 0 is the top row
        self._cells: list[list[tuple[Any, Any]]] = []
        for row in range(n):
            y = n - 1 - row
            cells = []
            for x in range(len(columns)):
                circle = Circle(
                    (x, y), 0.36, facecolor=PALETTE["white"], edgecolor=_DARK, linewidth=1
                )
                ax.add_patch(circle)
                symbol = ax.text(
                    x, y, "", ha="center", va="center", fontweight="bold", color=PALETTE["black"]
                )
                for artist in (circle, symbol):
                    artist.set_animated(animated)
                cells.append((circle, symbol))
            self._cells.append(cells)
        ax.set_xticks(range(len(columns)), columns, fontsize=9)
        ax.xaxis.tick_top()
        ax.set_yticks(
            range(n), [textwrap.fill(label, 46) for label in reversed(self.labels)], fontsize=8.5
        )
        ax.set_xlim(-0.55, len(columns) - 0.45)
        ax.set_ylim(-0.55, n - 0.45)
        ax.set_aspect("equal")
        ax.axvline(len(columns) - 1.5, color=_GREY, linewidth=0.8)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.tick_params(length=0)
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                markersize=11,
                linestyle="none",
                markerfacecolor=c,
                markeredgecolor=_DARK,
                label=f"{s}  {lab}",
            )
            for k, (c, s, lab) in JUDGEMENT_STYLE.items()
            if k is not None or unjudged_key
        ]
        key.legend(
            handles=handles, loc="upper center", ncols=len(handles), fontsize=8, frameon=False
        )
        foot = "; ".join(f"D{d.number} {d.title}" for d in DOMAINS.values())
        foot += "; Overall by the RoB 2 rule."
        foot += f" {note}" if note else ""
        key.text(
            0.0,
            0.0,
            textwrap.fill(foot, 140),
            transform=key.transAxes,
            fontsize=7.5,
            color=_DARK,
            ha="left",
            va="bottom",
        )
        # the title is repainted with the cells, so one chart serves every assessment
        self._title = self.figure.suptitle(title or " ", fontsize=10.5)
        self._title.set_animated(animated)
        self._animated = animated
        self._background: Any = None

    def show(self, rows: Rows, *, title: str | None = None) -> str:
        """Set every row's judgements (labels as given to the chart) and, if given, the
        title; return the caption."""
        if title is not None:
            self._title.set_text(title or " ")
        if [label for label, _ in rows] != self.labels:
            raise InvalidValueError(
                "the rows must be the chart's rows, in order",
                column="rows",
                allowed=", ".join(self.labels),
            )
        for cells, (_label, judgements) in zip(self._cells, rows, strict=True):
            values, overall = _values(judgements)
            for (circle, symbol), value in zip(cells, [*values, overall], strict=True):
                colour, mark, _ = JUDGEMENT_STYLE[value]
                circle.set_facecolor(colour)
                symbol.set_text(mark)
                symbol.set_fontsize(8 if len(mark) > 1 else 12)
        text = _caption(rows)
        self.figure.jia_caption = text  # type: ignore[attr-defined]
        if self._animated:
            if self._background is None:
                self.canvas.draw()  # labels, key and footnote: drawn once
                self._background = self.canvas.copy_from_bbox(self.figure.bbox)
            self.canvas.restore_region(self._background)
            for cells in self._cells:
                for circle, symbol in cells:
                    self.ax.draw_artist(circle)
                    self.ax.draw_artist(symbol)
            self.figure.draw_artist(self._title)
        return text

    def png(self) -> bytes:
        """The picture now shown, as PNG bytes."""
        from jia_teach.present.render import canvas_png, figure_png

        return canvas_png(self.canvas) if self._animated else figure_png(self.figure)


def traffic_lights(rows: Rows, *, title: str = "", note: str = "") -> Figure:
    """A robvis-style grid: one row per assessment, D1-D5 and the overall judgement.

    Parameters
    ----------
    rows : sequence of (label, {domain: judgement or None})
        E.g. ``[("You", learner), ("Worked (our appraisal)", worked.judgements)]``. The
        overall column is computed by :func:`jia_teach.appraisal.rob.overall_judgement`.
    title, note : str
        Title and a footnote (e.g. "our appraisal, argued from the published design").

    Returns
    -------
    matplotlib.figure.Figure
        Caption in ``fig.jia_caption`` listing every judgement in words.

    Examples
    --------
    >>> from jia_teach.appraisal.rob import worked_assessment
    >>> a = worked_assessment("canakinumab-2", "flare_randomized")
    >>> fig = traffic_lights([("Worked", a.judgements)])
    >>> fig.jia_caption.split(": ")[0]
    'Risk of bias, Worked'
    """
    if not rows:
        raise InvalidValueError("no rows to draw", column="rows", allowed="at least one row")
    unjudged = any(
        v is None or overall is None
        for values, overall in (_values(j) for _, j in rows)
        for v in values
    )
    chart = TrafficLightChart(
        [label for label, _ in rows], title=title, note=note, unjudged_key=unjudged, animated=False
    )
    chart.show(rows)
    return chart.figure
