"""Figures of the published trial results: response bars, a forest plot and a benefit-risk chart.

Every function builds a :class:`matplotlib.figure.Figure` directly (no pyplot, so nothing is
shown twice in a notebook and nothing needs a display) and returns it. Each figure carries a
one-sentence plain-language caption for alt text in the attribute ``jia_caption``; the same
string is returned by :func:`caption`.

The figures take their rows from :mod:`jia_teach.evidence` (which pairs, which counts, derived
or reported) and their numbers from :mod:`jia_teach.effects`; they read no data file and decide
nothing themselves. One module per figure:

* :mod:`~jia_teach.present.response_bars` - :func:`response_rate_bars`
* :mod:`~jia_teach.present.forest` - :func:`forest_plot`
* :mod:`~jia_teach.present.pool_forest` - :func:`pool_forest` (a pooled result, from its
  ``summary_frame()``)
* :mod:`~jia_teach.present.benefit_risk` - :func:`benefit_risk_chart`,
  :func:`set_benefit_risk_pair`
* :mod:`~jia_teach.present.response_time` - :func:`response_over_time_chart` (registries)
* :mod:`~jia_teach.present.style` - the palette, :func:`caption`, :func:`image`

Colours come from one palette, :data:`jia_teach.present.palette.PALETTE` (Okabe-Ito).

Examples
--------
>>> fig = response_rate_bars()
>>> caption(fig).startswith("In TENDER at week 12")
True
"""

from jia_teach.present.benefit_risk import (
    benefit_label,
    benefit_risk_chart,
    harm_label,
    row_label,
    set_benefit_risk_pair,
)
from jia_teach.present.forest import forest_plot
from jia_teach.present.pool_forest import pool_forest
from jia_teach.present.response_bars import response_rate_bars
from jia_teach.present.response_time import response_over_time_chart
from jia_teach.present.style import COLORS, caption, image

__all__ = [
    "COLORS",
    "benefit_label",
    "benefit_risk_chart",
    "caption",
    "forest_plot",
    "harm_label",
    "image",
    "pool_forest",
    "response_over_time_chart",
    "response_rate_bars",
    "row_label",
    "set_benefit_risk_pair",
]
