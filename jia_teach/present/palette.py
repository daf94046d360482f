"""The one palette: every colour a chart, table or view uses, by name.

Okabe-Ito (colour-blind safe) for marks; darker variants where a colour is *text* on white,
so that it reaches 4.5:1 (the contrast is given beside each); greys for grids and notes. A
trial's own colour is data (``data/labels.csv``, :func:`jia_teach.data.labels.trial_colour`).

Examples
--------
>>> PALETTE["blue"], PALETTE["text_vermillion"]
('#0072B2', '#B34700')
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["PALETTE"]

PALETTE: Mapping[str, str] = {
    # Okabe-Ito, for marks, fills and borders
    "blue": "#0072B2",  # also text on white: 5.2:1, and a button fill under white text
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "yellow": "#F0E442",
    "pink": "#CC79A7",
    "sky": "#56B4E9",
    "black": "#000000",
    "white": "#FFFFFF",
    # text on white (4.5:1 or more)
    "text_vermillion": "#B34700",  # 5.5:1 (#D55E00 is 3.9:1)
    "text_green": "#00785A",  # 5.5:1 (#009E73 is 3.4:1)
    "text_grey": "#595959",  # 7.0:1
    # greys for lines, notes and "not applicable"
    "dark": "#333333",
    "mid": "#555555",
    "grey": "#767676",  # 4.5:1
    "rule": "#999999",
    "not_applicable": "#BBBBBB",
    "grid": "#DDDDDD",
    "grid_light": "#EEEEEE",
    # light tints behind black text (slide tables): 12:1 or more
    "tint_green": "#D8F0E4",
    "tint_yellow": "#FBF0BF",
    "tint_vermillion": "#F8D3C0",
    "tint_grey": "#E4E4E4",
}
