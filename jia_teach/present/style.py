"""What every figure shares: the Okabe-Ito palette, captions as alt text, wrapped footnotes."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jia_teach.present.palette import PALETTE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["COLORS", "caption", "image", "row_chart", "row_text"]

#: Okabe-Ito colours by role (a trial's colour is data: :func:`jia_teach.data.labels.trial_colour`).
COLORS: Mapping[str, str] = {
    "treated": PALETTE["blue"],
    "control": PALETTE["orange"],
    "benefit": PALETTE["green"],
    "harm": PALETTE["vermillion"],
    "text": PALETTE["black"],
    "warning": PALETTE["vermillion"],
}

_FOOT = {"fontsize": 7.5, "color": PALETTE["dark"], "ha": "left", "va": "bottom", "wrap": True}
#: Footnotes that are wrapped here, once, instead of by matplotlib at every draw.
_FOOT_PREWRAPPED = {k: v for k, v in _FOOT.items() if k != "wrap"}


def row_chart(n: int, width: float, base: float, per_row: float) -> tuple[Any, Any, list[int]]:
    """A figure for ``n`` chart rows, top row first: ``(figure, axes, y of each row)``.

    Its height is ``base`` inches plus ``per_row`` for each row (a forest plot, a
    benefit-risk chart).

    Examples
    --------
    >>> fig, ax, ys = row_chart(3, 9, 1.8, 0.45)
    >>> ys, round(float(fig.get_figheight()), 2)
    ([2, 1, 0], 3.15)
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, base + per_row * n), layout="constrained")
    return fig, fig.add_subplot(), list(range(n))[::-1]


def row_text(ax: Any, y: float, text: str, side: str = "right", **style: Any) -> Any:
    """Text beside row ``y`` of a row chart, just outside the axes (``side`` right or left).

    The x position is in axes fractions and y in data units, so the text follows its row
    (a forest plot's figures on the right, a row's label on the left).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> row_text(ax, 0, "17 (8 to 26)", fontsize=9).get_position()
    (1.02, 0)
    >>> plt.close(fig)
    """
    x, ha = (1.02, "left") if side == "right" else (-0.02, "right")
    return ax.text(x, y, text, transform=ax.get_yaxis_transform(), ha=ha, va="center", **style)


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

    from jia_teach.present.render import figure_png

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
