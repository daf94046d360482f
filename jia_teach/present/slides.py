"""What the grand-rounds deck shows: charts sized for a slide, tables instead of printouts.

A slide is read from the back of a room. At 1280 x 720 (a projector; reveal.js scales the
1280 x 800 slide by 0.86) a tutorial figure shrunk onto a slide had 6-8 px text (issue 19).

* :func:`slide_chart` turns a figure of this package into an SVG laid out for one slide: 12 in
  wide, every text at least :data:`MIN_POINTS` (at least 14 px on screen at 1280 x 720), text
  kept as text (so that it is crisp, selectable and measurable by a browser test), the
  plain-language caption as its accessible name.
* :func:`comparisons_table`, :func:`harm_comparisons_table`, :func:`criteria_table` and
  :func:`rob_table` put on a slide what the tutorials print: human labels (from
  :mod:`jia_teach.data.labels`), never data codes, in proportional type.

The numbers come from :mod:`jia_teach.evidence` and :mod:`jia_teach.appraisal`; nothing here
computes or rounds a figure of its own.

Examples
--------
>>> from jia_teach.present import response_rate_bars
>>> chart = slide_chart(response_rate_bars())
>>> chart.min_points >= MIN_POINTS
True
>>> "acr30_no_fever" in comparisons_table([("TENDER", "acr30_no_fever", "week 12")]).__str__()
False
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jia_teach.present.display import Table
from jia_teach.present.palette import PALETTE
from jia_teach.present.style import _wrap, caption

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "MIN_POINTS",
    "SLIDE_INCHES",
    "SlideChart",
    "comparisons_table",
    "criteria_table",
    "harm_comparisons_table",
    "rob_table",
    "slide_chart",
]

#: A chart's size on a slide (inches; the SVG is drawn 1 pt = 1/72 in = 1.33 CSS px).
SLIDE_INCHES = (12.0, 5.9)
#: The smallest text on a slide chart: 12.5 pt = 16.7 CSS px, 14.4 px at 1280 x 720.
MIN_POINTS = 12.5


@dataclass(frozen=True)
class SlideChart:
    """A chart for a slide: SVG markup with its text as text and its caption as its name."""

    svg: str
    caption: str
    min_points: float

    def _repr_html_(self) -> str:
        """An ``<img>`` of the SVG (JupyterLab and Voila strip inline SVG from HTML), at its
        own size (1 pt = 4/3 CSS px), the caption as alt text."""
        import base64
        import re

        width_pt = float(re.search(r'width="([\d.]+)pt"', self.svg).group(1))  # type: ignore[union-attr]
        data = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        alt = html.escape(self.caption, quote=True)
        return (
            '<figure class="jia-slide-chart" style="margin:0">'
            f'<img src="data:image/svg+xml;base64,{data}" alt="{alt}" '
            f'style="width:{width_pt * 4 / 3:.0f}px;max-width:none;max-height:none;height:auto">'
            "</figure>"
        )


def _texts(fig: Figure) -> list[Any]:
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def slide_chart(
    fig: Figure, *, size: tuple[float, float] = SLIDE_INCHES, min_points: float = MIN_POINTS
) -> SlideChart:
    """Lay ``fig`` out for one slide and return it as an SVG :class:`SlideChart`.

    Every text grows by the same factor, so that the smallest is ``min_points`` (titles stay
    larger than tick labels); the figure takes the slide's size; notes written across the
    figure (footnotes) are wrapped again to the new width; the figure's layout engine places
    the rest. The figure itself is changed (build a fresh one for the slide).
    """
    import matplotlib

    fig.draw_without_rendering()  # tick labels exist only once the figure is drawn
    texts = _texts(fig)
    smallest = min((t.get_fontsize() for t in texts), default=min_points)
    factor = max(1.0, min_points / smallest)
    fig.set_size_inches(*size)
    for text in texts:
        text.set_fontsize(text.get_fontsize() * factor)
    for ax in fig.axes:  # ticks made at the next draw take the grown size too
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            labels = [t for t in axis.get_ticklabels() if t.get_text().strip()]
            if labels:
                ax.tick_params(axis=name, which="both", labelsize=labels[0].get_fontsize())
    for text in fig.texts:  # footnotes and notes drawn on the figure, wrapped for a width
        flat = " ".join(text.get_text().split())
        if flat:
            text.set_text(_wrap(flat, text.get_fontsize(), size[0] * 0.96))
    for ax in fig.axes:  # a legend where it hides the least data
        legend = ax.get_legend()
        if legend is not None:
            legend.set_loc("best")
    _fit(fig)
    name = caption(fig)
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "jia-teach"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # no XML prolog or DOCTYPE inside HTML
    label = html.escape(name, quote=True)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    fig.draw_without_rendering()
    smallest_after = min((t.get_fontsize() for t in _texts(fig)), default=min_points)
    return SlideChart(svg=svg, caption=name, min_points=round(smallest_after, 2))


def _fit(fig: Figure, passes: int = 4) -> None:
    """Keep grown text inside the figure and clear of the axes (constrained layout's rect).

    Notes drawn on the figure (footnotes, warnings) take a band of their own at the bottom or
    top; text placed beside an axes outside the layout (a right-hand column of figures)
    narrows the area the axes may use.
    """
    engine = fig.get_layout_engine()
    if engine is None or "rect" not in engine.get():
        return
    if not hasattr(fig.canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)  # text extents need a renderer; SVG output measures the same
    left, bottom, width, height = 0.0, 0.0, 1.0, 1.0
    for _ in range(passes):
        engine.set(rect=(left, bottom, width, height))
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
        w, h = fig.bbox.width, fig.bbox.height
        notes_low = [t for t in fig.texts if t.get_text().strip() and t.get_position()[1] < 0.5]
        notes_high = [t for t in fig.texts if t.get_text().strip() and t.get_position()[1] >= 0.5]
        new_bottom = max(
            [t.get_window_extent(renderer).y1 / h + 0.01 for t in notes_low], default=0.0
        )
        new_top = min(
            [t.get_window_extent(renderer).y0 / h - 0.01 for t in notes_high], default=1.0
        )
        overflow_right = max(
            [t.get_window_extent(renderer).x1 - w for t in _texts(fig) if t not in fig.texts],
            default=0.0,
        )
        new_width = max(0.5, width - max(0.0, overflow_right + 4) / w)
        changed = (
            abs(new_bottom - bottom) > 0.005
            or abs(new_top - (bottom + height)) > 0.005
            or overflow_right > 1
        )
        bottom, height, width = new_bottom, max(0.3, new_top - new_bottom), new_width
        if not changed:
            break
    engine.set(rect=(left, bottom, width, height))


def _pct(events: int, total: int) -> str:
    return f"{events}/{total} ({100 * events / total:.0f}%)"


def comparisons_table(
    rows: Iterable[tuple[str, str, str]], *, caption: str = "", note: str = ""
) -> Table:
    """Benefit comparisons as a slide table: trial, end point, time, arms, difference, NNT.

    ``rows`` are (trial, end point, time point) codes; the table shows their labels.

    >>> table = comparisons_table([("canakinumab-1", "adapted_acr30", "day 15")])
    >>> table.rows[0][:3], table.rows[0][-2:]
    (('Canakinumab trial 1', 'Adapted JIA ACR30', 'day 15'), ('74 (55 to 84)', '2 (2 to 2)'))
    """
    from jia_teach.data.labels import endpoint_label, trial_label
    from jia_teach.evidence.trial_effects import compare

    body = []
    derived = False
    for trial, endpoint, timepoint in rows:
        r = compare(trial, endpoint, timepoint)
        low, high = r.risk_difference_ci
        mark = "*" if r.derived_counts else ""
        derived |= bool(r.derived_counts)
        body.append(
            (
                trial_label(trial),
                endpoint_label(endpoint) + mark,
                timepoint,
                _pct(r.treated_events, r.treated_total),
                _pct(r.control_events, r.control_total),
                f"{100 * r.risk_difference:.0f} ({100 * low:.0f} to {100 * high:.0f})",
                _nnt(r.nnt_text),
            )
        )
    if derived:
        note = (note + " " if note else "") + (
            "*Derived counts: the counts that fit the reported percentages and arm sizes."
        )
    columns = (
        "Trial",
        "End point",
        "Time",
        "Drug",
        "Placebo",
        "Difference (95% CI), points",
        "NNT (95% CI)",
    )
    return Table(columns, tuple(body), caption=caption, note=note)


def _nnt(text: str) -> str:
    """'NNT 2 (95% CI 2 to 3) (from derived counts)' -> '2 (2 to 3)' (the column says the rest)."""
    text = text.replace(" (from derived counts)", "")
    for prefix in ("NNT ", "NNH "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text.replace("(95% CI ", "(")


def harm_comparisons_table(
    trial: str, events: Sequence[str], period: str, *, caption: str = "", note: str = ""
) -> Table:
    """Harm comparisons as a slide table: event, arms and the number needed to harm.

    >>> print(harm_comparisons_table("TENDER", ["infusion_reaction_24h"], "12-week double-blind"))
    Event | Drug | Placebo | NNH (95% CI)
    Infusion reaction within 24 h* | 12/75 (16%) | 2/37 (5%) | 10 (NNH 5 to infinity to NNTB 30)
    *Derived counts: the counts that fit the reported percentages and arm sizes.
    """
    from jia_teach.evidence import harm_pair
    from jia_teach.evidence.trial_effects import compare_pair

    body = []
    derived = False
    for event in events:
        pair = harm_pair(trial, event, period)
        effect = compare_pair(pair)
        mark = "*" if pair.derived else ""
        derived |= bool(pair.derived)
        body.append(
            (
                pair.measure_label + mark,
                _pct(effect.treated_events, effect.treated_total),
                _pct(effect.control_events, effect.control_total),
                _nnt(effect.nnt_text),
            )
        )
    if derived:
        note = (note + " " if note else "") + (
            "*Derived counts: the counts that fit the reported percentages and arm sizes."
        )
    columns = ("Event", "Drug", "Placebo", "NNH (95% CI)")
    return Table(columns, tuple(body), caption=caption, note=note)


def criteria_table(*criteria: Any, caption: str = "") -> Table:
    """Response definitions in words, one row each (``Criteria.describe()``).

    >>> from jia_teach import ACR30
    >>> criteria_table(ACR30).rows[0][1].startswith("≥ 30% improvement in at least 3 of 6")
    True
    """
    body = [(c.name, c.describe().replace(">=", "≥")) for c in criteria]
    return Table(("Definition", "Rule"), tuple(body), caption=caption)


_ROB_CELLS = {
    "low": ("+", "Low", PALETTE["tint_green"]),
    "some_concerns": ("−", "Some concerns", PALETTE["tint_yellow"]),
    "high": ("×", "High", PALETTE["tint_vermillion"]),
    "not_applicable": ("n/a", "Not applicable", PALETTE["tint_grey"]),
}


@dataclass(frozen=True)
class RobTable:
    """Risk-of-bias judgements as a coloured table: symbols, words and colours together."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    caption: str
    note: str

    def __str__(self) -> str:
        lines = [self.caption] if self.caption else []
        lines.append(" | ".join(self.columns))
        for title, cells in self.rows:
            lines.append(" | ".join([title, *(_ROB_CELLS.get(c, ("?", c, ""))[1] for c in cells)]))
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        head = "".join(f'<th scope="col">{esc(c)}</th>' for c in self.columns)
        body = []
        for title, cells in self.rows:
            tds = []
            for code in cells:
                symbol, word, colour = _ROB_CELLS.get(code, ("?", code, PALETTE["white"]))
                tds.append(
                    f'<td style="background:{colour};color:{PALETTE["black"]};text-align:center">'
                    f"<b>{esc(symbol)}</b> {esc(word)}</td>"
                )
            body.append(
                f'<tr><th scope="row" style="text-align:left">{esc(title)}</th>'
                + "".join(tds)
                + "</tr>"
            )
        cap = f"<caption>{esc(self.caption)}</caption>" if self.caption else ""
        note = f'<p class="jia-table-note">{esc(self.note)}</p>' if self.note else ""
        return (
            f'<table class="jia-table jia-rob-table">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>{note}"
        )


def rob_table(assessments: Iterable[Any], *, caption: str = "", note: str = "") -> RobTable:
    """The RoB 2 judgements of ``assessments`` (``rob.worked_assessments()``) for a slide.

    >>> from jia_teach.appraisal import rob
    >>> print(rob_table(rob.worked_assessments()[:1]).columns[:2])
    ('Result', 'Randomization process')
    """
    from jia_teach.appraisal import rob

    domains = list(rob.DOMAINS)
    columns = ("Result", *(rob.DOMAINS[d].short.split(" ", 1)[-1] for d in domains), "Overall")
    rows = []
    for a in assessments:
        judged = a.judgements
        cells = (*(str(judged.get(d, "")) for d in domains), str(a.overall))
        rows.append((a.title, cells))
    return RobTable(columns, tuple(rows), caption, note)
