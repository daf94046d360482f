"""Bayesian explorer: how probable is a meaningful benefit, under which prior?

The learner picks a published comparison with counts in both arms, a prior (neutral,
sceptical, enthusiastic, or informed by another comparison with a stated down-weighting) and
a threshold: the smallest benefit worth having, in percentage points. The view draws the
prior and the posterior of the risk difference (one
:class:`jia_teach.present.posterior_chart.PriorPosteriorChart`, repainted in place) and
reads out the probability that the benefit exceeds the threshold, computed exactly by
:mod:`jia_teach.appraisal.bayes`, with the same probability under every named prior for
comparison. The view computes nothing itself.
"""

from __future__ import annotations

import html
import threading
from typing import Any

import ipywidgets as w

from jia_teach.appraisal import bayes
from jia_teach.appraisal.borrowing import informed_default, informed_default_reason
from jia_teach.appraisal.counts import ArmCounts, count_pairs, default_comparison
from jia_teach.present.posterior_chart import PriorPosteriorChart, curves
from jia_teach.rules.errors import InvalidValueError
from jia_teach.widgets._base import IdleWork, View
from jia_teach.widgets._controls import labelled_slider

__all__ = ["BayesExplorer"]

_PRIORS = [
    ("Neutral: Beta(1, 1) in both arms", "neutral"),
    ("Sceptical: Beta(10, 10) in both arms", "sceptical"),
    ("Enthusiastic: Beta(13, 7) vs Beta(7, 13)", "enthusiastic"),
    ("Informed by another comparison (down-weighted)", "informed"),
]


class BayesExplorer(View):
    """Re-analyse a published 2x2 table under a prior; move the threshold.

    Parameters
    ----------
    comparison : tuple of str, optional
        ``(trial, endpoint, timepoint)``; default canakinumab trial 1, adapted ACR90, month 1.
    prior : str, default "sceptical"
        ``neutral``, ``sceptical``, ``enthusiastic`` or ``informed``.
    threshold : float, default 20
        The benefit that matters, in percentage points (0 to 50).
    informed_by : tuple of str, optional
        The comparison an informed prior borrows from. Default: chosen for the comparison by
        :func:`jia_teach.appraisal.borrowing.informed_default` (the nearest response level,
        then the same mechanism, then the nearest time point), and re-chosen when the comparison
        changes, until the learner picks one.
    weight : float, default 0.25
        Down-weighting of the informed prior (each borrowed child counts as this much).

    Examples
    --------
    >>> view = BayesExplorer()
    >>> round(view.probability, 3)
    0.885
    >>> view.set(prior="neutral", threshold=30)
    >>> round(view.probability, 3)
    0.932
    """

    def __init__(
        self,
        comparison: tuple[str, str, str] | None = None,
        *,
        prior: str = "sceptical",
        threshold: float = 20.0,
        informed_by: tuple[str, str, str] | None = None,
        weight: float = 0.25,
    ) -> None:
        self._pairs: dict[tuple[str, str, str], ArmCounts] = {c.key: c for c in count_pairs()}
        keys = list(self._pairs)
        self._borrowable = [
            (c.trial, c.endpoint, c.timepoint, c.treated_arm, c.treated_total + c.control_total)
            for c in self._pairs.values()
        ]
        comparison = comparison or default_comparison()
        self._informed_auto = informed_by is None
        if informed_by is None and comparison in self._pairs:
            informed_by = informed_default(comparison, self._borrowable)
        self._chosen_for = comparison
        for name, key in (("comparison", comparison), ("informed_by", informed_by)):
            if key not in self._pairs:
                raise InvalidValueError(
                    f"no comparison with counts for {key}",
                    column=name,
                    allowed="; ".join(", ".join(k) for k in keys),
                )
        options = [(self._pairs[k].label, k) for k in keys]

        def choice(label: str, choices: list, value: Any) -> w.Dropdown:
            return w.Dropdown(
                options=choices,
                value=value,
                description=label,
                layout={"width": "640px"},
                style={"description_width": "150px"},
            )

        self.controls: dict[str, w.Widget] = {
            "comparison": choice("Comparison", options, comparison),
            "prior": choice("Prior", _PRIORS, prior),
            "threshold": labelled_slider(
                "Benefit that matters (percentage points)", threshold, (0.0, 50.0, 1.0), ".0f"
            ),
            "informed_by": choice("Informed by", options, informed_by),
            # A new weight is a new prior: two densities and exact integrals (about 60-80
            # ms), so the answer comes when the slider is let go, not per pixel.
            "weight": labelled_slider(
                "Down-weighting (share of a child)",
                weight,
                (0.05, 1.0, 0.05),
                ".2f",
                continuous_update=False,
            ),
        }
        self._results: dict[tuple, bayes.BayesianReanalysis] = {}
        self._reasons: dict[tuple[str, str, str], str] = {}  # why the informed default
        self._png: dict[tuple, tuple[bytes, str]] = {}
        self._html: dict[tuple, str] = {}  # the readout, by state
        self._chart = PriorPosteriorChart()  # one figure, its curves kept between moves
        # What one step from here would show, drawn in idle time (on the idle-time thread,
        # widgets._idle) on a figure of its own (the learner's keeps its picture): a first
        # choice then costs what a repeat costs. The state it draws is that thread's own.
        self._idle_chart: PriorPosteriorChart | None = None
        self._local = threading.local()
        self._idle = IdleWork(delay=0.05)
        self._last = "comparison"  # the control the learner used last
        self._chart_area("640px")
        self.ui = w.VBox([*self.controls.values(), self._readout, self._image, self._caption])
        self._connect()
        self._prepare_later()

    @property
    def _state(self) -> dict[str, Any] | None:
        """The state being prepared in idle time (on the idle-time thread; None elsewhere)."""
        return getattr(self._local, "state", None)

    def _value(self, name: str) -> Any:
        """A control's value, or the one of the state being prepared in idle time."""
        state = self._state
        if state is not None and name in state:
            return state[name]
        return self.controls[name].value

    def _auto(self) -> bool:
        state = self._state
        return self._informed_auto if state is None else state["auto"]

    # ------------------------------------------------------------------ results
    @property
    def counts(self) -> ArmCounts:
        """The comparison re-analysed."""
        return self._pairs[self._value("comparison")]

    @property
    def delta(self) -> float:
        """The threshold as a proportion."""
        return float(self._value("threshold")) / 100

    def _prior(self) -> bayes.ArmPriors:
        name = self._value("prior")
        if name != "informed":
            return bayes.named_prior(name)
        other = self._pairs[self._value("informed_by")]
        return bayes.informed_prior(
            **other.as_kwargs(), weight=float(self._value("weight")), source=other.label
        )

    def _key(self) -> tuple:
        informed = self._value("prior") == "informed"
        return (
            self._value("comparison"),
            self._value("prior"),
            self._value("informed_by") if informed else None,
            round(float(self._value("weight")), 4) if informed else None,
        )

    @property
    def result(self) -> bayes.BayesianReanalysis:
        """The re-analysis under the chosen prior (cached)."""
        key = self._key()
        if key not in self._results:
            c = self.counts
            self._results[key] = bayes.reanalyse(
                **c.as_kwargs(), prior=self._prior(), label=c.label, derived_counts=c.derived
            )
        return self._results[key]

    @property
    def probability(self) -> float:
        """Posterior probability that the benefit exceeds the threshold."""
        return self.result.prob_above(self.delta)

    def _drug(self) -> str:
        return self.counts.treated_arm

    def _figure(self) -> tuple[bytes, str]:
        """The chart's PNG and caption (cached; a miss redraws only what changed)."""
        key = (*self._key(), self.delta)
        if key not in self._png:
            chart = self._chart
            if self._state is not None:
                chart = self._idle_chart = self._idle_chart or PriorPosteriorChart()
            caption = chart.show(self.result, self.delta, drug=self._drug())
            _remember(self._png, key, (chart.png(), caption))
        return self._png[key]

    def _table(self) -> list[dict[str, object]]:
        c = self.counts
        priors = list(bayes.NAMED_PRIORS.values())
        if self._value("prior") == "informed":
            priors.append(self._prior())
        return bayes.probability_table(**c.as_kwargs(), delta=self.delta, priors=priors)

    # ------------------------------------------------------------------ drawing
    def _follow_comparison(self) -> None:
        """Re-choose the informed prior's source for a new comparison, unless one was picked."""
        comparison = self.controls["comparison"].value
        if self._informed_auto and comparison != self._chosen_for:
            with self.hold_updates():
                self.controls["informed_by"].value = informed_default(comparison, self._borrowable)
        self._chosen_for = comparison

    def _assign(self, values: dict[str, Any]) -> None:
        if "informed_by" in values:
            self._informed_auto = False
        super()._assign(values)

    def update(self) -> None:
        """Recompute and redraw."""
        self._follow_comparison()
        informed = self.controls["prior"].value == "informed"
        for name in ("informed_by", "weight"):
            self.controls[name].layout.display = None if informed else "none"
        self._area.show(*self._figure())
        self._readout.value = self._readout_html()

    def _readout_html(self) -> str:
        """The lines and the table under every prior (cached by state)."""
        key = (*self._key(), self.delta, self._auto())
        if key in self._html:
            return self._html[key]
        lines = self._lines()
        rows = "".join(
            f"<tr><td>{html.escape(str(r['prior']))}</td>"
            f"<td>{100 * float(r['prior P']):.1f}%</td>"
            f"<td><b>{100 * float(r['posterior P']):.1f}%</b></td>"
            f"<td>{html.escape(str(r['posterior mean RD']))}</td>"
            f"<td>{html.escape(str(r['95% credible interval']))}</td></tr>"
            for r in self._table()
        )
        text = (
            "<div style='max-width:640px'>"
            + "".join(f"<p>{html.escape(x)}</p>" for x in lines[:3])
            + "<table><tr><th>Prior</th><th>Prior P</th><th>Posterior P</th>"
            "<th>Posterior mean RD (points)</th><th>95% credible interval</th></tr>"
            f"{rows}</table></div>"
        )
        _remember(self._html, key, text)
        return text

    def _lines(self) -> list[str]:
        c, r = self.counts, self.result
        low, high = r.interval()
        prior = f"Prior: {r.prior.description}"
        if self._value("prior") == "informed" and self._auto():
            if c.key not in self._reasons:  # the same answer every time: ask once
                self._reasons[c.key] = informed_default_reason(c.key, self._borrowable)
            why = self._reasons[c.key]
            prior += f" (the default for this comparison {why})"
        return [
            f"{c.label}: {c.counts_text} [{c.source}].",
            prior,
            r.sentence(self.delta)
            + f" Posterior mean risk difference {100 * r.posterior.mean:.1f} points (95% "
            f"credible interval {100 * low:.1f} to {100 * high:.1f}).",
        ]

    def summary_text(self) -> str:
        """The current state in plain text (deterministic)."""
        lines = self._lines()
        lines.append(f"P(benefit > {100 * self.delta:g} points) under each prior:")
        for r in self._table():
            lines.append(
                f"  {r['prior']}: prior {100 * float(r['prior P']):.1f}%, posterior "
                f"{100 * float(r['posterior P']):.1f}% (mean {r['posterior mean RD']}, 95% "
                f"credible interval {r['95% credible interval']})"
            )
        lines.append("Figure: " + self._figure()[1])
        return "\n".join(lines)

    def _on_change(self, change: dict[str, Any]) -> None:
        if change.get("owner") is self.controls["informed_by"]:
            self._informed_auto = False  # the learner picked a source
        self._last = next((n for n, c in self.controls.items() if c is change.get("owner")), "")
        self.update()
        self._prepare_later()

    # ------------------------------------------------------------------ idle time
    def _prepare_later(self) -> None:
        """In the kernel's idle time, draw what each choice one step from here shows: every
        comparison, every prior and (under an informed prior) every source and the next
        weights, nearest options first (issue 19: a first choice took 107-163 ms in Chromium,
        most of it integrals and redrawing the y axis and title)."""
        auto, source = self._informed_auto, self.controls["informed_by"].value

        def comparison(key: tuple[str, str, str]) -> dict[str, Any]:
            chosen = informed_default(key, self._borrowable) if auto else source
            return {"comparison": key, "informed_by": chosen, "auto": auto}

        here = {name: self.controls[name].value for name in self.controls}
        # every task reads this snapshot, not the controls: the learner may move on meanwhile
        start = {**here, "auto": auto}
        menus = {
            "comparison": _nearest_first(list(self._pairs), here["comparison"], comparison),
            "prior": _nearest_first([p for _, p in _PRIORS], here["prior"], lambda p: {"prior": p}),
            "threshold": [{"threshold": here["threshold"] + d} for d in (1.0, -1.0)],
        }
        if here["prior"] == "informed":
            menus["informed_by"] = _nearest_first(
                list(self._pairs), source, lambda k: {"informed_by": k, "auto": False}
            )
            weight = round(float(here["weight"]), 4)
            menus["weight"] = [{"weight": round(weight + d, 4)} for d in (0.05, -0.05)]
        # the control used last is the likeliest next: its two neighbours first, then the
        # nearest of every menu in turn
        states = menus.get(self._last, [])[:2]
        for i in range(max(map(len, menus.values()))):
            states += [m[i] for m in menus.values() if i < len(m) and m[i] not in states]
        tasks = [  # three tasks a state (compute, readout, chart), nearest states first
            lambda s={**start, **state}, p=part: self._prepare(s, p)
            for state in states
            for part in range(3)
        ]
        self._idle.replace(tasks)

    def _prepare(self, change: dict[str, Any], part: int) -> None:
        """Compute (0), write the readout (1) or draw (2) the state ``change`` (every
        control's value and ``auto``; cached), leaving the learner's view as it is."""
        self._local.state = change
        try:
            sliders = ("threshold", "weight")
            if all(self.controls[n].min <= self._value(n) <= self.controls[n].max for n in sliders):
                if part == 0:
                    self.result.interval()
                    curves(self.result)
                else:
                    (self._readout_html if part == 1 else self._figure)()
        finally:
            self._local.state = None


def _nearest_first(options: list[Any], current: Any, make: Any) -> list[dict[str, Any]]:
    """``make(option)`` for every option but ``current``, the nearest in the menu first."""
    here = options.index(current)
    order = sorted(range(len(options)), key=lambda i: (abs(i - here), i < here))
    return [make(options[i]) for i in order if i != here]


def _remember(cache: dict[tuple, Any], key: tuple, value: Any, size: int = 600) -> None:
    """Store ``value``, forgetting the oldest entry beyond ``size`` (memory stays bounded)."""
    cache[key] = value
    if len(cache) > size:  # the idle-time thread may have taken it already
        cache.pop(next(iter(cache)), None)
