"""Risk-of-bias exercise: judge each RoB 2 domain, then compare with the worked judgement.

The learner picks a trial and outcome, records a judgement for each of the five domains
(low, some concerns, high, not applicable), then ticks "Show the worked judgements" to see,
domain by domain, the worked judgement with its supporting facts, sources and why. A traffic
light plot (:class:`jia_teach.present.traffic_chart.TrafficLightChart`, its cells repainted
in place) shows the learner's row and, once revealed, the worked row, with symbols and words as
well as colour.

The worked judgements are *our appraisal, argued from the published design*
(``data/risk_of_bias.csv``); every overall judgement comes from
:func:`jia_teach.appraisal.rob.overall_judgement`. The view computes nothing itself.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from jia_teach.appraisal import OUR_APPRAISAL, rob
from jia_teach.present.traffic_chart import TrafficLightChart
from jia_teach.rules.errors import InvalidValueError
from jia_teach.widgets._base import IdleWork, View

__all__ = ["RiskOfBiasExercise"]

_CHOICES: list[tuple[str, str | None]] = [
    ("not judged yet", None),
    ("Low", "low"),
    ("Some concerns", "some_concerns"),
    ("High", "high"),
    ("Not applicable", "not_applicable"),
]


class RiskOfBiasExercise(View):
    """Judge the risk of bias of one trial outcome, then see the worked judgement.

    Parameters
    ----------
    trial, outcome : str, optional
        The assessment to start with (codes of ``data/risk_of_bias.csv``); default the first.

    Examples
    --------
    >>> view = RiskOfBiasExercise("TENDER", "efficacy_week12")
    >>> view.set(randomization="low", deviations="low", missing_data="low",
    ...          measurement="low", selection="low")
    >>> view.learner_overall
    'low'
    >>> view.set(reveal=True)
    >>> view.agreement
    (3, 5)
    """

    def __init__(
        self,
        trial: str | None = None,
        outcome: str | None = None,
    ) -> None:
        self._assessments = {a.key: a for a in rob.worked_assessments()}
        keys = list(self._assessments)
        start = keys[0] if trial is None and outcome is None else (trial, outcome)
        if start not in self._assessments:
            raise InvalidValueError(
                f"no risk-of-bias assessment for {trial} / {outcome}",
                column="trial/outcome",
                allowed="; ".join(f"{t} / {o}" for t, o in keys),
            )
        #: the learner's answers per assessment, kept when switching between them
        self._answers: dict[tuple[str, str], dict[str, str | None]] = {
            k: dict.fromkeys(rob.DOMAINS) for k in keys
        }
        self._png: dict[tuple, tuple[bytes, str]] = {}
        # The charts (one row or two) the learner's view draws with, and those the idle-time
        # thread draws with (widgets._idle: never the same figure on two threads).
        self._charts: dict[bool, TrafficLightChart] = {}
        self._idle_charts: dict[bool, TrafficLightChart] = {}
        style = {"description_width": "270px"}
        self.controls: dict[str, w.Widget] = {
            "assessment": w.Dropdown(
                options=[(a.title, k) for k, a in self._assessments.items()],
                value=start,
                description="Trial and outcome",
                layout={"width": "760px"},
                style={"description_width": "140px"},
            )
        }
        for code, domain in rob.DOMAINS.items():
            self.controls[code] = w.Dropdown(
                options=_CHOICES,
                value=None,
                description=f"{domain.short}",
                layout={"width": "460px"},
                style=style,
            )
        self.controls["reveal"] = w.Checkbox(
            value=False, description="Show the worked judgements", indent=False
        )
        self._questions = w.HTML()
        self._image = w.Image(format="png", layout={"max_width": "760px"})
        self._caption = w.HTML()
        self._caption.add_class("jia-caption")  # the chart's alt text (tools/web/widget_a11y.js)
        # The readout in three parts, so that ticking "Show" only shows the worked part and
        # hides the hint, both already written (issue 19: the first reveal took 116 ms).
        self._readout, self._hint, self._worked = w.HTML(), w.HTML(), w.HTML()
        self._idle = IdleWork(delay=0.05)
        self.ui = w.VBox(
            [
                self.controls["assessment"],
                w.HBox(
                    [
                        w.VBox([self.controls[c] for c in rob.DOMAINS]),
                        self._questions,
                    ],
                    layout={"flex_flow": "row wrap"},
                ),
                self.controls["reveal"],
                self._image,
                self._caption,
                self._readout,
                self._hint,
                self._worked,
            ]
        )
        self._questions.value = self._questions_html()
        self._current = start
        self._connect()
        self._chart(True)  # drawn now, so that ticking "Show" repaints instead of drawing

    # ------------------------------------------------------------------ state
    @property
    def assessment(self) -> rob.RobAssessment:
        """The worked assessment of the chosen trial and outcome."""
        return self._assessments[self.controls["assessment"].value]

    @property
    def learner(self) -> dict[str, str | None]:
        """The learner's judgement per domain (None: not judged yet)."""
        return {code: self.controls[code].value for code in rob.DOMAINS}

    @property
    def revealed(self) -> bool:
        """Whether the worked judgements are shown."""
        return bool(self.controls["reveal"].value)

    @property
    def learner_overall(self) -> str | None:
        """The learner's overall judgement by the RoB 2 rule (None while incomplete or
        when not applicable is mixed with other judgements)."""
        try:
            return rob.overall_judgement(self.learner)
        except InvalidValueError:
            return None

    @property
    def comparisons(self) -> list[rob.DomainComparison]:
        """Each domain: the learner's judgement beside the worked one."""
        return rob.compare_with_worked(self.learner, self.assessment)

    @property
    def agreement(self) -> tuple[int, int]:
        """(domains where the learner agrees, domains judged)."""
        judged = [c for c in self.comparisons if c.agrees is not None]
        return (sum(1 for c in judged if c.agrees), len(judged))

    def _on_change(self, change: dict[str, Any]) -> None:
        if change.get("owner") is self.controls["assessment"]:
            with self.hold_updates():
                self._switch()
        else:
            self._answers[self._current] = self.learner
        self.update()

    def _switch(self) -> None:
        """Show the answers kept for the assessment chosen (those of the one left are kept
        as they were entered). Call with updates held (``set`` holds them already: holding
        twice failed, so ``set(assessment=...)`` raised)."""
        new = self.controls["assessment"].value
        for code, value in self._answers[new].items():
            self.controls[code].value = value
        self._current = new

    def _assign(self, values: dict[str, Any]) -> None:
        if "assessment" in values:
            self.controls["assessment"].value = values.pop("assessment")
            self._switch()
        for name, value in values.items():
            self.controls[name].value = value
        self._answers[self._current] = self.learner

    # ------------------------------------------------------------------ drawing
    def _questions_html(self) -> str:
        items = "".join(
            f"<li><b>{html.escape(d.short)}</b>: "
            + " ".join(html.escape(q) for q in d.asks)
            + "</li>"
            for d in rob.DOMAINS.values()
        )
        return (
            "<details style='max-width:520px'><summary>What each domain asks (our "
            f"paraphrase of RoB 2)</summary><ul>{items}</ul></details>"
        )

    def _figure(self, revealed: bool | None = None) -> tuple[bytes, str]:
        """The grid's PNG and caption, with the worked row or not (default: as shown; cached;
        a new judgement or assessment repaints only the cells and the title of one chart per
        rows shown)."""
        revealed = self.revealed if revealed is None else revealed
        return self._picture(self._key(revealed), self._charts)

    def _key(self, revealed: bool) -> tuple:
        """What a picture shows: the assessment, the learner's judgements, the worked row."""
        return (self.controls["assessment"].value, tuple(self.learner.values()), revealed)

    def _picture(self, key: tuple, charts: dict[bool, TrafficLightChart]) -> tuple[bytes, str]:
        """The PNG and caption of ``key`` (cached), drawn if need be on one of ``charts``."""
        if key not in self._png:
            assessment, judgements, revealed = key
            worked = self._assessments[assessment]
            rows: list[tuple[str, dict[str, str | None]]] = [
                ("Your judgements", dict(zip(rob.DOMAINS, judgements, strict=True)))
            ]
            if revealed:
                rows.append(("Worked judgements", dict(worked.judgements)))
            chart = self._chart(revealed, charts)
            caption = chart.show(rows, title=worked.title)
            self._png[key] = (chart.png(), caption)
        return self._png[key]

    def _chart(
        self, revealed: bool, charts: dict[bool, TrafficLightChart] | None = None
    ) -> TrafficLightChart:
        """The chart with one row (the learner's) or two (and the worked one), made once and
        shared by every assessment; the first show draws what it keeps."""
        charts = self._charts if charts is None else charts
        if revealed not in charts:
            labels = ["Your judgements"] + (["Worked judgements"] if revealed else [])
            chart = TrafficLightChart(
                labels, title=self.assessment.title, note=f"Worked judgements: {OUR_APPRAISAL}."
            )
            rows = [(label, {}) for label in labels]
            chart.show(rows, title=self.assessment.title)
            charts[revealed] = chart
        return charts[revealed]

    def update(self) -> None:
        """Redraw the traffic lights and the feedback."""
        png, caption = self._figure()
        if self._image.value != png:
            self._image.value = png
        self._caption.value = f"<p style='max-width:760px'><i>{html.escape(caption)}</i></p>"
        lines, worked = self._lines(False), self._lines(True)[2:]
        for widget, part, shown in (
            (self._readout, lines[:2], True),
            (self._hint, lines[2:], not self.revealed),
            (self._worked, worked, self.revealed),
        ):
            widget.layout.display = None if shown else "none"
            widget.value = (
                "<div style='max-width:760px'>"
                + "".join(f"<p>{html.escape(x)}</p>" for x in part)
                + "</div>"
            )
        # the chart the other state of "Show" needs, drawn while the kernel is idle (on the
        # idle-time thread's own charts, from the state now shown: the learner may move on)
        other = self._key(not self.revealed)
        self._idle.replace([lambda: self._picture(other, self._idle_charts)])

    def _lines(self, revealed: bool | None = None) -> list[str]:
        a = self.assessment
        labels = rob.JUDGEMENT_LABELS
        overall = self.learner_overall
        if overall is None and all(v is not None for v in self.learner.values()):
            mine = "none: 'Not applicable' must be chosen for every domain or for none"
        else:
            mine = labels[overall] if overall else "not yet (judge every domain)"
        lines = [f"{a.title}.", f"Your overall judgement by the RoB 2 rule: {mine}."]
        if not (self.revealed if revealed is None else revealed):
            lines.append(
                "Record a judgement for each domain, then tick 'Show the worked judgements' "
                f"to compare with ours ({OUR_APPRAISAL})."
            )
            return lines
        agree, judged = self.agreement
        lines.append(
            f"Worked judgements ({OUR_APPRAISAL}); overall by the RoB 2 rule: "
            f"{labels[a.overall]}. You agree on {agree} of the {judged} domains you judged."
        )
        for c in self.comparisons:
            lines.append(f"{c.text} Facts: {c.facts} [{c.source}]")
        return lines

    def summary_text(self) -> str:
        """The current state in plain text (deterministic)."""
        mine = ", ".join(
            f"{rob.DOMAINS[c].short}: {rob.JUDGEMENT_LABELS[v] if v else 'not judged yet'}"
            for c, v in self.learner.items()
        )
        return "\n".join(
            [
                *self._lines()[:2],
                f"Your judgements: {mine}.",
                *self._lines()[2:],
                "Figure: " + self._figure()[1],
            ]
        )
