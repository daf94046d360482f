"""Appraisal figures: what they draw, and their captions (alt text)."""

from __future__ import annotations

import numpy as np
import pytest

from jia_teach.appraisal.bayes import reanalyse
from jia_teach.appraisal.rob import worked_assessment
from jia_teach.effects import compare_arms
from jia_teach.present import appraisal_plots as plots
from jia_teach.present import caption
from jia_teach.present.render import figure_png
from jia_teach.rules.errors import JiaInputError


@pytest.mark.parametrize(
    ("risk", "icons"),
    [(0.124999, 12), (0.125, 13), (0.135, 14), (0.0, 0), (1.0, 100), (64 / 75, 85)],
)
def test_per_hundred_rounds_half_up(risk: float, icons: int) -> None:
    assert plots.per_hundred(risk) == icons


def test_icon_counts_add_up() -> None:
    n = plots.icon_counts(0.26, 0.75)  # fewer events on the drug (e.g. flare)
    assert n == {"control": 75, "treated": 26, "same": 26, "extra": 0, "spared": 49}
    with pytest.raises(JiaInputError):
        plots.per_hundred(1.2)


def test_icon_array_with_an_interval_through_infinity() -> None:
    r = compare_arms(11, 12, 7, 12)  # interval of the risk difference crosses 0
    fig = plots.icon_array(r.risk_treated, r.risk_control, drug="Anakinra", comparison=r,
                           event="responded")  # fmt: skip
    assert caption(fig) == (
        "Of 100 children on placebo about 58 responded; of 100 on anakinra about 92, 34 more. "
        + r.nnt_text
        + "."
    )
    assert "to infinity to" in r.nnt_text
    scale = fig.axes[2]
    labels = [t.get_text() for t in scale.get_xticklabels()]
    assert "\u221e" in labels and "NNTB\n2" in labels and "NNTH\n2" in labels
    assert scale.get_title() == r.nnt_text
    assert figure_png(fig)[:4] == b"\x89PNG"


def test_icon_array_from_percentages_says_there_is_no_interval() -> None:
    fig = plots.icon_array(0.07, 0.0, drug="Tocilizumab", outcome="harm",
                           event="had neutrophils < 1 x 10^9/L")  # fmt: skip
    assert caption(fig).endswith(
        "NNH 15 (point estimate from percentages: no interval can be computed)."
    )
    labels = [t.get_text() for t in fig.axes[2].get_xticklabels()]
    assert "NNH\n2" in labels and "NNTB\n2" in labels  # harm side on the right
    with pytest.raises(JiaInputError, match="outcome"):
        plots.icon_array(0.5, 0.2, drug="X", outcome="good")


def test_traffic_lights_say_every_judgement_in_words() -> None:
    a = worked_assessment("TENDER", "harms_week12")
    fig = plots.traffic_lights([("You", {"randomization": "high"}), ("Worked", a.judgements)])
    text = caption(fig)
    assert text.startswith("Risk of bias, You: D1 High, D2 not judged")
    assert "overall not yet determined" in text
    assert (
        "Worked: D1 Some concerns, D2 Low, D3 Some concerns, D4 Low, D5 Some concerns; "
        "overall Some concerns." in text
    )
    symbols = {t.get_text() for t in fig.axes[0].texts}
    assert {"x", "-", "+", "?"} <= symbols  # shapes of meaning, not colour alone
    legend = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert "?  Not judged yet" in legend and "+  Low" in legend
    with pytest.raises(JiaInputError):
        plots.traffic_lights([])


def test_prior_posterior_figure() -> None:
    r = reanalyse(20, 43, 1, 41, "sceptical", label="Canakinumab trial 1, ACR90")
    fig = plots.prior_posterior(r, 0.2, drug="canakinumab")
    assert caption(fig).startswith("Under the sceptical prior, the probability that the benefit")
    assert "88.5% after the trial" in caption(fig)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Risk difference, drug minus placebo (percentage points)"
    assert "density" in ax.get_ylabel().lower()
    assert [line.get_label() for line in ax.get_lines()][:2] == [
        "prior",
        "posterior (prior + trial)",
    ]


def test_redrawn_chart_is_the_figure_drawn_afresh() -> None:
    """Blitting (new curves over the kept frame, a new threshold over the kept curves) gives
    the same pixels as drawing the final state once."""
    import io

    from PIL import Image

    from jia_teach.present.posterior_chart import PriorPosteriorChart
    from jia_teach.present.render import figure_png

    chart = PriorPosteriorChart()
    first = reanalyse(20, 43, 1, 41, "sceptical", label="Canakinumab trial 1, ACR90")
    final = reanalyse(64, 75, 9, 37, "neutral", label="TENDER primary")
    chart.show(first, 0.3, drug="canakinumab")
    chart.show(final, 0.1, drug="tocilizumab")
    caption_now = chart.show(final, 0.25, drug="tocilizumab")  # threshold only: blitted
    once = PriorPosteriorChart(animated=False, legend_below=True)  # the same layout, one draw
    once.show(final, 0.25, drug="tocilizumab")
    fresh = once.figure
    assert caption_now == caption(fresh)
    assert caption_now == caption(plots.prior_posterior(final, 0.25, drug="tocilizumab"))

    def pixels(png: bytes) -> np.ndarray:
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), dtype=int)

    shown, drawn = pixels(chart.png()), pixels(figure_png(fresh))
    assert shown.shape == drawn.shape
    assert np.abs(shown - drawn).max() <= 1  # at most rounding in one channel


def test_repainted_traffic_lights_are_the_grid_drawn_afresh() -> None:
    """The exercise's chart, after several judgements, shows the pixels of traffic_lights()
    drawn once with the final judgements."""
    import io

    from PIL import Image

    from jia_teach.present.render import figure_png
    from jia_teach.present.traffic_chart import TrafficLightChart

    worked = dict(worked_assessment("TENDER", "efficacy_week12").judgements)
    labels = ["Your judgements", "Worked judgements"]
    chart = TrafficLightChart(labels, title="Canakinumab trial 2", note="Worked: ours.")
    chart.show([("Your judgements", {}), ("Worked judgements", worked)])
    chart.show(
        [("Your judgements", {"randomization": "high"}), ("Worked judgements", worked)],
        title="TENDER",  # one chart serves every assessment: the title is repainted too
    )
    final = [("Your judgements", {"randomization": "low", "deviations": "some_concerns"})]
    final.append(("Worked judgements", worked))
    text = chart.show(final)
    fresh = plots.traffic_lights(final, title="TENDER", note="Worked: ours.")
    assert text == caption(fresh)

    def pixels(png: bytes) -> np.ndarray:
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), dtype=int)

    shown, drawn = pixels(chart.png()), pixels(figure_png(fresh))
    assert shown.shape == drawn.shape
    assert np.abs(shown - drawn).max() <= 1
    with pytest.raises(JiaInputError):
        chart.show(final[:1])  # the rows are the chart's rows
