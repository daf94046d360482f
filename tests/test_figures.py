"""The three evidence figures render headless from the shipped data and say what they show."""

from __future__ import annotations

import io
import math
import subprocess
import sys

import pytest
from matplotlib.figure import Figure

from jia_teach.effects import compare_arms, nnh
from jia_teach.present import (
    COLORS,
    benefit_risk_chart,
    caption,
    forest_plot,
    response_rate_bars,
    set_benefit_risk_pair,
)
from jia_teach.rules.errors import InvalidValueError


def _texts(fig: Figure) -> str:
    parts = [t.get_text() for t in fig.texts]
    if fig._suptitle is not None:
        parts.append(fig._suptitle.get_text())
    for ax in fig.axes:
        parts += [t.get_text() for t in ax.texts]
        parts += [ax.get_title(), ax.get_title("left"), ax.get_xlabel(), ax.get_ylabel()]
        parts += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
        legend = ax.get_legend()
        if legend is not None:
            parts += [t.get_text() for t in legend.get_texts()]
    return "\n".join(parts)


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    return buf.getvalue()


def _wilson(x: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_response_rate_bars_default() -> None:
    fig = response_rate_bars()
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "% of patients"
    heights = sorted(round(p.get_height(), 2) for p in ax.patches)
    # 68/75, 64/75, 53/75, 28/75 vs 9/37, 4/37, 3/37, 2/37 (from derived counts)
    expected = [100 * e / 75 for e in (68, 64, 53, 28)] + [100 * e / 37 for e in (9, 4, 3, 2)]
    assert heights == sorted(round(h, 2) for h in expected)
    text = _texts(fig)
    for needle in (
        "JIA ACR30",
        "JIA ACR90",
        "Tocilizumab (n = 75)",
        "Placebo (n = 37)",
        "68/75*",
        "Wilson",
        "Derived",
        "Source:",
    ):
        assert needle in text, needle
    assert caption(fig) == fig.jia_caption
    assert "JIA ACR30 91% vs 24%" in caption(fig)
    assert _png(fig).startswith(b"\x89PNG")


def test_response_rate_bars_wilson_error_bars() -> None:
    fig = response_rate_bars(endpoints=("acr30",))
    ax = fig.axes[0]
    segments = [c for c in ax.collections if hasattr(c, "get_segments")]
    spans = sorted(
        (round(min(s[:, 1]), 6), round(max(s[:, 1]), 6))
        for coll in segments
        for s in coll.get_segments()
    )
    expected = sorted(
        (round(100 * lo, 6), round(100 * hi, 6)) for lo, hi in (_wilson(68, 75), _wilson(9, 37))
    )
    assert spans == expected


def test_response_rate_bars_primary_beside_acr30() -> None:
    fig = response_rate_bars(endpoints=("acr30_no_fever", "acr30"))
    text = _texts(fig)
    assert "85%\n64/75" in text and "91%\n68/75*" in text


def test_response_rate_bars_colours() -> None:
    fig = response_rate_bars(endpoints=("acr50",))
    colours = {tuple(round(c, 3) for c in p.get_facecolor()[:3]) for p in fig.axes[0].patches}
    from matplotlib.colors import to_rgb

    assert {tuple(round(c, 3) for c in to_rgb(COLORS[k])) for k in ("treated", "control")} <= (
        colours
    )


def test_response_rate_bars_other_trial_and_errors() -> None:
    fig = response_rate_bars("canakinumab-1", "month 1", ("adapted_acr70", "adapted_acr90"))
    assert "Canakinumab (n = 43)" in _texts(fig)
    assert "Derived" not in _texts(fig)
    with pytest.raises(InvalidValueError, match="no counts in both arms for 'inactive_disease'"):
        response_rate_bars("canakinumab-1", "day 15", ("inactive_disease",))
    with pytest.raises(InvalidValueError, match="one group only"):
        response_rate_bars("TENDER", "week 52", ("acr90_no_fever",))
    with pytest.raises(InvalidValueError, match="no figures for TENDER, acr30, week 52"):
        response_rate_bars("TENDER", "week 52")
    with pytest.raises(InvalidValueError, match="Kaplan-Meier"):
        response_rate_bars("canakinumab-2", "randomized withdrawal", ("flare",))


def test_forest_plot_default() -> None:
    fig = forest_plot()
    text = _texts(fig)
    assert "not a head-to-head comparison" in text
    assert "percentage points" in fig.axes[0].get_xlabel()
    assert "TENDER (tocilizumab): JIA ACR30 + no fever (TENDER primary), week 12" in text
    assert "Canakinumab trial 1: Adapted JIA ACR30, day 15" in text
    assert "subset given by the source: 35/41 vs 5/24" in text
    assert "(from derived counts)" in text
    assert "NNT 2 (95% CI 2 to 3)" in text
    assert "Hazard ratio 0.36 (95% CI 0.17 to 0.75)" in text  # trial 2 as reported
    assert len(fig.axes[0].get_yticklabels()) == 13  # + TENDER's two glucocorticoid outcomes
    assert "head-to-head" in caption(fig)
    _png(fig)


def test_forest_plot_names_populations_as_the_source_gives_them() -> None:
    text = _texts(forest_plot())
    # TENDER's arms add up to the 112 randomized; canakinumab trial 1's n are only the
    # denominators the source gives for the end point
    assert "all randomized: 64/75 vs 9/37" in text
    assert "denominators as given by the source: 36/43 vs 4/41" in text
    assert "all randomized: 36/43" not in text
    # how the trials differ comes from the plotted pairs (each drug's span of time points)
    assert "tocilizumab week 12 vs canakinumab day 15 to month 1" in text
    assert "day 15-29" not in text
    assert "NNT 4 (95% CI 3 to 7) (from derived counts)" in text


def test_benefit_risk_chart_title_names_the_context() -> None:
    assert benefit_risk_chart()._suptitle.get_text().startswith("TENDER, week 12. Benefit")
    fig = benefit_risk_chart(
        {
            "x": compare_arms(
                treated_events=30, treated_total=40, control_events=10, control_total=40
            )
        },
        {"y": 20.0},
        context="Trial X, day 15",
    )
    assert fig._suptitle.get_text().startswith("Trial X, day 15. Benefit")
    fig = benefit_risk_chart(
        {
            "x": compare_arms(
                treated_events=30, treated_total=40, control_events=10, control_total=40
            )
        },
        {"y": 20.0},
    )
    assert fig._suptitle.get_text().startswith("Benefit")


def test_forest_plot_custom() -> None:
    r = compare_arms(treated_events=10, treated_total=50, control_events=6, control_total=50)
    fig = forest_plot({"my trial | ACR30 | week 4": r})
    assert "NNTB 13 (95% CI NNTB" in _texts(fig)
    with pytest.raises(InvalidValueError, match="nothing to plot"):
        forest_plot({})


def test_forest_plot_rows_are_the_default_rows_chosen() -> None:
    """``rows=`` keeps the chosen pairs, in that order, labelled as in the full plot, with the
    trial-2 footnote; the footnote and the warning stay clear of the axes with few rows."""
    keys = [("canakinumab-1", "adapted_acr30", "day 15"), ("TENDER", "acr70", "week 12")]
    fig = forest_plot(rows=keys)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    full = [t.get_text() for t in forest_plot().axes[0].get_yticklabels()]
    assert labels == [
        next(x for x in full if x.startswith("Canakinumab trial 1: Adapted JIA ACR30, day 15")),
        next(x for x in full if x.startswith("TENDER (tocilizumab): JIA ACR70, week 12")),
    ]  # in the order asked for (the first row at the top)
    text = _texts(fig)
    assert "Hazard ratio 0.36 (95% CI 0.17 to 0.75)" in text
    assert "from 63 to 74 more per 100" in caption(fig)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    axes_box = fig.axes[0].get_tightbbox(renderer)
    foot = next(t for t in fig.texts if t.get_text().startswith("Intervals:"))
    assert foot.get_window_extent(renderer).y1 < axes_box.y0  # the footnote is below the axes
    assert fig._suptitle.get_window_extent(renderer).y0 > axes_box.y1  # the warning above
    with pytest.raises(InvalidValueError, match="not both"):
        forest_plot({"x": compare_arms(1, 2, 1, 2)}, rows=keys)
    with pytest.raises(InvalidValueError):
        forest_plot(rows=[("TENDER", "acr70", "week 13")])


def test_benefit_risk_chart_default() -> None:
    fig = benefit_risk_chart()
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert "log scale" in ax.get_xlabel()
    text = _texts(fig)
    assert "Infusion reaction within 24 h (12/75 vs 2/37) (from derived counts)" in text
    assert "NNH with 95% CI (counts)" in text  # two harms have (derived) counts
    assert "no interval" in text  # the infusion reaction during the infusion: 4% vs 0% only
    assert "LHH" in text
    # NNH from 12/75 vs 2/37 is 1 / 0.106 = 9.4, shown rounded up to 10
    assert "\n".join(t.get_text() for t in ax.texts).split("\n").count("10") == 1
    assert caption(fig).startswith("About 2 patients need treatment")
    _png(fig)


def test_benefit_risk_chart_custom_and_errors() -> None:
    benefit = compare_arms(treated_events=64, treated_total=75, control_events=9, control_total=37)
    harm = nnh(treated_events=10, treated_total=50, control_events=2, control_total=50)
    fig = benefit_risk_chart({"Primary": benefit}, {"Harm": harm, "Bare": 25.0})
    assert "Primary" in _texts(fig) and "Harm" in _texts(fig)
    bad = compare_arms(treated_events=5, treated_total=50, control_events=20, control_total=50)
    with pytest.raises(InvalidValueError, match="not a finite positive number"):
        benefit_risk_chart({"Worse": bad}, {})


def test_no_pyplot_needed() -> None:
    code = (
        "import sys; from jia_teach.present import response_rate_bars, forest_plot, "
        "benefit_risk_chart; [f() for f in (response_rate_bars, forest_plot, "
        "benefit_risk_chart)]; print('matplotlib.pyplot' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "False"


def test_import_of_package_stays_light() -> None:
    code = (
        "import sys, jia_teach.data, jia_teach.effects; "
        "print(sorted(m for m in ('matplotlib', 'scipy', 'statsmodels') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"


def test_benefit_risk_chart_pair_sets_footnote_caption_and_rings() -> None:
    benefit = "JIA ACR90 (from derived counts)"
    harm = "Neutrophils < 1 × 10⁹/L (5/75 vs 0/37) (from derived counts)"
    fig = benefit_risk_chart(pair=(benefit, harm))
    text = _texts(fig)
    assert f"Ringed pair, {benefit} vs {harm}: LHH" in text.replace("\n", " ")
    # ACR90 28/75 vs 2/37 (derived) gives NNT 3.1 -> 4; 5/75 vs 0/37 gives NNH 15
    assert caption(fig) == (
        f"About 4 patients need treatment for one more to reach {benefit}, while about 15 need "
        "treatment for one more to have neutrophils < 1 × 10⁹/L."
    )
    rings = [line for line in fig.axes[0].lines if line.get_markerfacecolor() == "none"]
    assert sorted(round(line.get_xdata()[0], 1) for line in rings) == [3.1, 15.0]
    # the default pair is still the first benefit and the first harm
    assert caption(benefit_risk_chart()).startswith(
        "About 2 patients need treatment for one more to reach JIA ACR30 + no fever"
    )


def test_set_benefit_risk_pair_updates_in_place_and_checks_labels() -> None:
    fig = benefit_risk_chart()
    changed = set_benefit_risk_pair(
        fig, "JIA ACR50 (from derived counts)", "Infusion reaction during the infusion (4% vs 0%)"
    )
    assert len(changed) == 3 and all(a.figure is fig for a in changed)
    assert "reach JIA ACR50 (from derived counts)" in caption(fig)
    assert "infusion reaction during the infusion." in caption(fig)
    with pytest.raises(InvalidValueError, match=r"column 'pair'.*'JIA ACR70' is not a benefit"):
        set_benefit_risk_pair(fig, "JIA ACR70", "Infusion reaction during the infusion (4% vs 0%)")
    with pytest.raises(InvalidValueError, match="'Rash' is not a harm row"):
        benefit_risk_chart(pair=("JIA ACR30 (from derived counts)", "Rash"))
    with pytest.raises(InvalidValueError, match="not made by benefit_risk_chart"):
        set_benefit_risk_pair(Figure(), "a", "b")


def test_footnotes_fit_inside_the_figure() -> None:
    """The footnotes are wrapped by jia_teach (not by matplotlib at draw time): check the fit."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    long_benefit = "A very long benefit label " * 4
    benefits = {
        long_benefit: compare_arms(
            treated_events=20, treated_total=50, control_events=5, control_total=50
        ),
        "Short": compare_arms(
            treated_events=30, treated_total=50, control_events=5, control_total=50
        ),
    }
    for fig in (
        response_rate_bars(),
        benefit_risk_chart(),
        benefit_risk_chart(benefits, {"Harm": 12.0}, pair=(long_benefit, "Harm")),
    ):
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        for t in fig.texts + fig.axes[0].texts:
            if (t.get_text() and t in fig.texts) or "Ringed" in t.get_text():
                box = t.get_window_extent(renderer)
                assert box.x1 <= fig.bbox.x1 + 0.5, t.get_text()
        ticks = fig.axes[0].xaxis.get_ticklabels()
        assert all(t.get_window_extent(renderer).y0 >= 0 for t in ticks)
