"""Move the response threshold over simulated trial cohorts and watch the trial result change.

Simulated patients, not trial data: the cohorts come from
:func:`jia_teach.simulation.cohort.simulate_trial` (a model calibrated to the published per-arm
rates; 10,000 per arm by default). Each move builds one
:class:`~jia_teach.rules.definitions.ResponseDefinition` from the controls and asks the cohort for
both arms' rates, their difference and the NNT
(:meth:`jia_teach.simulation.cohort.SimulatedTrial.compare`): point values only. No confidence
interval, p-value or NNT interval is shown or offered: the simulated N is arbitrary, so an interval
would describe the simulation's size, not a trial's uncertainty. Where the definition is exactly one
a trial published, the published rate (:func:`jia_teach.evidence.published_rate`) is marked on the
chart.
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from jia_teach.data.labels import trial_label
from jia_teach.data.location import data_dir, use_data
from jia_teach.evidence import PublishedRate, published_rate
from jia_teach.present.palette import PALETTE
from jia_teach.rules.definitions import PERCENT_CONTROL, ResponseDefinition
from jia_teach.widgets._base import View, canvas_png

if TYPE_CHECKING:
    from jia_teach.simulation.cohort import SimulatedComparison, SimulatedTrial

__all__ = ["NOT_TRIAL_DATA", "ThresholdExplorer", "published_rates"]

#: Said by every readout of this view.
NOT_TRIAL_DATA = "simulated patients, not trial data"

_FEVER = {"not required": False, "no fever at follow-up": True}
_TREATED = PALETTE["blue"]
_CONTROL = PALETTE["orange"]


@lru_cache(maxsize=8)
def _simulated(folder: Path, trial: str, n_per_arm: int, seed: int) -> SimulatedTrial:
    """A trial's simulated cohorts, from the fit in ``folder`` (the data folder of the view)."""
    from jia_teach.simulation.cohort import simulate_trial

    with use_data(folder):
        return simulate_trial(trial, n_per_arm=n_per_arm, seed=seed)


def published_rates(trial: str) -> dict[tuple[int, bool], PublishedRate]:
    """Published rates of ``trial`` keyed by (level, no-fever rule), from the evidence layer.

    Examples
    --------
    >>> p = published_rates("TENDER")[(30, False)]
    >>> p.endpoint, p.treated, p.control, p.status
    ('acr30', 91.0, 24.0, 'derived')
    """
    found = {}
    for level in (30, 50, 70, 90, 100):
        for no_fever in (False, True):
            rate = published_rate(trial, level, no_fever)
            if rate is not None:
                found[(level, no_fever)] = rate
    return found


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


class ThresholdExplorer(View):
    """Rates of both simulated arms, risk difference and NNT under a definition you build.

    Controls: ``trial`` (the trials of ``data/simulation_trials.csv``, e.g. ``"TENDER"`` /
    ``"canakinumab-1"``, labelled from ``data/labels.csv``; the view opens on the first unless
    ``trial`` says otherwise), ``level`` (improvement %, 5-100),
    ``min_improved`` (1-6), ``worsening_limit`` (5-100 %), ``scale_limit`` (worsening limit =
    level), ``max_worsened`` (0-6) and ``fever`` (``"not required"`` / ``"no fever at
    follow-up"``).

    Examples
    --------
    >>> view = ThresholdExplorer(n_per_arm=2000)
    >>> low = view.rates
    >>> view.set(level=90)
    >>> view.rates[0] < low[0]
    True
    >>> "simulated patients, not trial data" in view.summary_text()
    True
    """

    def __init__(
        self, trial: str | None = None, *, n_per_arm: int = 10_000, seed: int = 2012
    ) -> None:
        from matplotlib.figure import Figure

        from jia_teach.simulation.trials import simulable_trials

        self.n_per_arm, self.seed = n_per_arm, seed
        self._data = data_dir()  # the folder this view was built from (use_data)
        #: The trials offered: those of data/simulation_trials.csv, in file order.
        self.trials = simulable_trials()
        trial = self.trials[0] if trial is None else trial
        # 460 px: the track itself about 250 px, wide enough to pick one step of 5 (was ~50).
        slider = {
            "continuous_update": True,
            "style": {"description_width": "150px"},
            "layout": {"width": "460px"},
        }
        low, high, step = PERCENT_CONTROL
        self.controls: dict[str, w.Widget] = {
            "trial": w.ToggleButtons(
                options=[(trial_label(t), t) for t in self.trials],
                value=trial,
                description="Trial",
                style={"button_width": "170px"},
            ),
            "level": w.IntSlider(
                value=30,
                min=low,
                max=high,
                step=step,
                description="Improvement level (%)",
                **slider,
            ),
            "min_improved": w.IntSlider(
                value=3, min=1, max=6, description="Variables improved", **slider
            ),
            "worsening_limit": w.IntSlider(
                value=30, min=low, max=high, step=step, description="Worsening limit (%)", **slider
            ),
            "scale_limit": w.Checkbox(value=False, description="Worsening limit = level"),
            "max_worsened": w.IntSlider(
                value=1, min=0, max=6, description="Max. worsened", **slider
            ),
            "fever": w.ToggleButtons(
                options=list(_FEVER),
                value="not required",
                description="Fever rule",
                style={"button_width": "170px"},
            ),
        }
        self.controls["scale_limit"].observe(self._on_scale, names="value")
        self._published_cache = {t: published_rates(t) for t in self.trials}
        # Warm the cohorts and the effect measures so the first move is as fast as the rest.
        for t in self.trials:
            _simulated(self._data, t, n_per_arm, seed)

        from matplotlib.backends.backend_agg import FigureCanvasAgg

        # One Figure for the life of the view. The axes, ticks and labels are drawn once per
        # trial into a cached background; a move redraws only the artists that change (bars,
        # their labels, the published marks) over that background and encodes the
        # canvas as PNG. A full Agg draw of even this small chart costs ~25 ms on the project's
        # 2-core machines; the blit costs a few.
        self.fig = Figure(figsize=(4.4, 2.8))
        self.fig.subplots_adjust(left=0.16, right=0.97, top=0.9, bottom=0.17)
        self._canvas = FigureCanvasAgg(self.fig)
        ax = self.fig.add_subplot()
        self._ax = ax
        self._bars = list(ax.bar([0, 1], [0, 0], width=0.6, color=[_TREATED, _CONTROL]))
        self._bar_text = [ax.text(x, 0, "", ha="center", va="bottom", fontsize=8) for x in (0, 1)]
        self._published = [
            ax.plot([x - 0.38, x + 0.38], [0, 0], color=PALETTE["black"], lw=2, ls="--")[0]
            for x in (0, 1)
        ]
        ax.set_ylim(0, 109)
        ax.set_xlim(-0.6, 1.6)
        ax.set_xticks([0, 1], ["", ""])  # the arms' names are set per trial
        ax.set_ylabel("simulated patients meeting\nthe definition (%)", fontsize=8)
        ax.set_xlabel("arm (simulated patients, not trial data)", fontsize=8)
        ax.tick_params(labelsize=8)
        self._title = ax.set_title("", fontsize=8)
        ax.text(
            1.6, 104, "- - published rate, where one exists", ha="right", va="center", fontsize=7
        )
        self._dynamic = [*self._bars, *self._bar_text, *self._published]
        for artist in self._dynamic:
            artist.set_animated(True)
        self._backgrounds: dict[str, Any] = {}
        for t in self.trials:  # drawn now, so switching trial is as quick as any other move
            self._background(_simulated(self._data, t, n_per_arm, seed))
        self._chart_area("440px", fixed=True)
        self.ui = w.VBox(
            [
                w.HTML(f"<b>Threshold explorer</b> ({NOT_TRIAL_DATA})"),
                self.controls["trial"],
                self.controls["level"],
                self.controls["min_improved"],
                w.HBox([self.controls["worsening_limit"], self.controls["scale_limit"]]),
                self.controls["max_worsened"],
                self.controls["fever"],
                w.HBox([w.VBox([self._image, self._caption]), self._readout]),
            ]
        )
        self._connect()

    def _on_scale(self, change: dict[str, Any]) -> None:
        self.controls["worsening_limit"].disabled = bool(change["new"])

    # ------------------------------------------------------------------ computation (library)
    @property
    def definition(self) -> ResponseDefinition:
        """The definition the controls describe (on the trial's marker)."""
        c = self.controls
        level = int(c["level"].value)
        limit = level if c["scale_limit"].value else int(c["worsening_limit"].value)
        sim = _simulated(self._data, c["trial"].value, self.n_per_arm, self.seed)
        no_fever = _FEVER[c["fever"].value]
        standard = (
            int(c["min_improved"].value) == 3 and limit == 30 and c["max_worsened"].value == 1
        )
        name = f"{'adapted ' if no_fever else ''}ACR{level}" if standard else "custom definition"
        return ResponseDefinition(
            name=name,
            level=level,
            min_improved=int(c["min_improved"].value),
            worsening_limit=limit,
            max_worsened=int(c["max_worsened"].value),
            require_no_fever=no_fever,
            marker=sim.marker,
        )

    @property
    def published(self) -> PublishedRate | None:
        """The published rate for exactly this definition, if a trial reported one."""
        d = self.definition
        standard = d.min_improved == 3 and d.worsening_limit == 30 and d.max_worsened == 1
        if not standard:
            return None
        return self._published_cache[self.controls["trial"].value].get(
            (int(d.level), d.require_no_fever)
        )

    def update(self) -> None:
        """Re-score both simulated arms and redraw the chart in place."""
        sim = _simulated(self._data, self.controls["trial"].value, self.n_per_arm, self.seed)
        self.sim = sim
        #: Point rates, difference and NNT of the simulated arms (no interval, no p-value).
        self.comparison: SimulatedComparison = sim.compare(self.definition)
        self.rates = (self.comparison.treated_rate, self.comparison.control_rate)
        self._draw()

    # ------------------------------------------------------------------ output
    def caption(self) -> str:
        """One plain-language sentence describing the chart (alt text)."""
        sim, d, p = self.sim, self.definition, self.published
        text = (
            f"Bar chart of simulated patients, not trial data: {_pct(self.rates[0])} of the "
            f"simulated {sim.treated.arm} arm and {_pct(self.rates[1])} of the simulated placebo "
            f"arm meet {d.name}"
        )
        if p is not None:
            text += (
                f"; dashed lines mark the published rates, {p.treated:g}% and {p.control:g}% "
                f"({p.timepoint})"
            )
        return text + "."

    def _draw(self) -> None:
        sim, p = self.sim, self.published
        marks = (p.treated, p.control) if p is not None else (0.0, 0.0)
        for bar, text, rate, mark in zip(
            self._bars, self._bar_text, self.rates, marks, strict=True
        ):
            bar.set_height(100 * rate)
            text.set_y(max(100 * rate, mark) + 1.5)  # above the bar and any published mark
            text.set_text(f"{100 * rate:.0f}%")
        if p is not None:
            for line, value in zip(self._published, (p.treated, p.control), strict=True):
                line.set_ydata([value, value])
                line.set_visible(True)
        else:
            for line in self._published:
                line.set_visible(False)
        self._area.show(self._render(sim), self.caption())
        # pre-wrap: long lines wrap inside the box instead of running off its edge
        self._readout.value = (
            '<pre style="white-space: pre-wrap; max-width: 520px">'
            + html.escape(self.summary_text(), quote=False)
            + "</pre>"
        )

    def _background(self, sim: SimulatedTrial) -> Any:
        """The static part of the chart for one trial (axes, ticks, labels), drawn once."""
        if sim.trial not in self._backgrounds:
            self._ax.set_xticks([0, 1], [sim.treated.arm, sim.control.arm])
            self._title.set_text(f"{sim.trial} (simulated)")
            self._canvas.draw()  # animated artists are left out of the background
            self._backgrounds[sim.trial] = self._canvas.copy_from_bbox(self.fig.bbox)
        return self._backgrounds[sim.trial]

    def _render(self, sim: SimulatedTrial) -> bytes:
        """The chart as PNG bytes: static background (per trial) plus the changing artists."""
        self._canvas.restore_region(self._background(sim))
        for artist in self._dynamic:
            self._ax.draw_artist(artist)
        return canvas_png(self._canvas)

    @property
    def png(self) -> bytes:
        """The chart currently shown, as PNG bytes (the caption is :meth:`caption`)."""
        return bytes(self._image.value)

    def summary_text(self) -> str:
        """Rates, risk difference, NNT and the published comparison in plain text."""
        sim, d, p = self.sim, self.definition, self.published
        lines = [
            f"{sim.trial}, {sim.treated.n:,} per arm: {NOT_TRIAL_DATA}",
            f"definition: {d.name}: {d.describe()}",
            f"{sim.treated.arm}: {_pct(self.rates[0])}; {sim.control.arm}: {_pct(self.rates[1])}",
            f"risk difference: {100 * self.comparison.risk_difference:.1f} percentage points",
            self.comparison.nnt_sentence(),
        ]
        if p is not None:
            # In 'derived' rows only the counts are derived: the percentages are reported.
            status = (
                "; percentages reported, counts derived"
                if "derived" in p.status.split("/")
                else f", {p.status}"
            )
            lines.append(
                f"published ({p.timepoint}{status}): {sim.treated.arm} {p.treated:g}%, "
                f"placebo {p.control:g}% ({p.source})"
            )
        else:
            lines.append("published: none for exactly this definition")
        return "\n".join(lines)
