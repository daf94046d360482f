"""Trial explorer: the published results of TENDER and the canakinumab trials, with sources.

The learner picks a trial, an end point and a time point; only combinations that exist in
``data/trial_outcomes.csv`` are offered. The view shows the response figure
(:func:`jia_teach.present.response_rate_bars`), the two-arm comparison
(:func:`jia_teach.effects.compare_arms`: risk difference with the Newcombe interval, relative
risk, odds ratio, NNT the Altman way, Fisher's p) and, for every figure it shows, the source
and its status:

* ``reported``: the count or percentage is as the source gives it;
* ``derived``: the count was reconstructed from a reported percentage and N (the note says
  how), so any interval computed from it is a reconstruction;
* ``unconfirmed``: the figure could not be checked; it is flagged, its value is withheld and it
  is never used in a computation.

Kaplan-Meier percentages and reported effect estimates (for example the hazard ratio of
canakinumab trial 2) are shown as reported and never recomputed. The view computes nothing
itself: the pairs, their figures and the reason when no comparison is possible come from
:mod:`jia_teach.evidence`, the numbers from :mod:`jia_teach.effects`, the chart from
:mod:`jia_teach.present`.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from jia_teach import effects, evidence
from jia_teach.data.labels import endpoint_label, trial_label
from jia_teach.data.location import data_dir
from jia_teach.evidence import ArmFigure, ArmPair
from jia_teach.evidence.trial_effects import compare_pair
from jia_teach.present.palette import PALETTE
from jia_teach.rules.errors import InvalidValueError
from jia_teach.widgets._base import View, figure_png, reads_data
from jia_teach.widgets._controls import TEXT_VERMILLION

__all__ = ["TrialExplorer"]

_STATUS_WORDS = {
    "reported": "reported",
    "derived": "DERIVED",
    "unconfirmed": "UNCONFIRMED",
}


class TrialExplorer(View):
    """Explore the published trial results by trial, end point and time point.

    Parameters
    ----------
    trial, endpoint, timepoint : str, optional
        Initial selection, as codes of ``data/trial_outcomes.csv`` (e.g. ``"TENDER"``,
        ``"acr30_no_fever"``, ``"week 12"``). Missing ones default to the first available.
    confidence : float, default 0.95
        Confidence level of the computed intervals.

    Examples
    --------
    >>> view = TrialExplorer()
    >>> view.selection()
    ('TENDER', 'acr30_no_fever', 'week 12')
    >>> view.comparison.nnt_text
    'NNT 2 (95% CI 2 to 3)'
    >>> view.set(endpoint="acr90")
    >>> view.comparison.nnt_text
    'NNT 4 (95% CI 3 to 7) (from derived counts)'
    """

    def __init__(
        self,
        trial: str | None = None,
        endpoint: str | None = None,
        timepoint: str | None = None,
        *,
        confidence: float = 0.95,
    ) -> None:
        self.confidence = confidence
        self._data = data_dir()  # the folder this view was built from (use_data)
        #: (trial, endpoint, timepoint) -> pair, in file order
        self._groups: dict[tuple[str, str, str], ArmPair] = {
            (p.trial, p.measure, p.timepoint): p for p in evidence.outcome_pairs()
        }
        self._effects = evidence.reported_effects()
        self._citations = evidence.citations()
        self._png: dict[tuple[str, str], bytes | None] = {}
        self._captions: dict[tuple[str, str], str] = {}

        trials = list(dict.fromkeys(k[0] for k in self._groups))
        self.controls = {
            "trial": w.Dropdown(
                options=[(trial_label(t), t) for t in trials],
                value=trials[0],
                description="Trial",
                layout={"width": "340px"},
            ),
            "endpoint": w.Dropdown(description="End point", layout={"width": "420px"}),
            "timepoint": w.Dropdown(description="Time point", layout={"width": "300px"}),
        }
        # A time point that is the only one offered is a fact, not a choice: it is shown as
        # text and the drop-down is hidden (no control that cannot change, for a screen-reader
        # user or a Tab press; issue 19). With two or more, the drop-down is shown.
        self._only_timepoint = w.HTML(layout={"width": "300px"})
        self._chart_area("560px")
        self._sources = w.HTML()
        self.ui = w.VBox(
            [
                w.HBox(
                    [*self.controls.values(), self._only_timepoint],
                    layout={"flex_flow": "row wrap"},
                ),
                w.HBox(
                    [w.VBox([self._image, self._caption]), self._readout],
                    layout={"flex_flow": "row wrap"},
                ),
                self._sources,
            ]
        )
        self._select(trial=trial, endpoint=endpoint, timepoint=timepoint)  # not observed yet
        # Every chart is drawn now: a first draw costs 80-120 ms on the project's 2-core
        # machine (text shaping, ticks, layout), too slow for a learner's first choice of a
        # trial; there are only a handful (one per trial and time point with two-arm counts).
        for t, _, p in self._groups:
            self._render(t, p)
        self._connect()

    # ------------------------------------------------------------------ options
    def endpoints(self, trial: str) -> list[str]:
        """End points with at least one row for ``trial``, in file order."""
        return list(dict.fromkeys(e for t, e, _ in self._groups if t == trial))

    def timepoints(self, trial: str, endpoint: str) -> list[str]:
        """Time points with rows for ``trial`` and ``endpoint``, in file order."""
        return [p for t, e, p in self._groups if t == trial and e == endpoint]

    def _choose(self, name: str, codes: list[str], wanted: str | None, labels: Any) -> None:
        control = self.controls[name]
        if wanted is not None and wanted not in codes:
            raise InvalidValueError(
                f"{wanted!r} is not available for this selection",
                column=name,
                allowed=", ".join(codes),
            )
        current = control.value
        value = wanted if wanted is not None else current if current in codes else codes[0]
        options = [(labels(c), c) for c in codes]
        with control.hold_sync():  # new options and choice in one message to the page
            if list(control.options) != options:
                control.options = options
            control.value = value

    def _endpoint_label(self, trial: str, endpoint: str) -> str:
        label = endpoint_label(endpoint)
        statuses = {
            f.status
            for (t, e, _), pair in self._groups.items()
            if t == trial and e == endpoint
            for f in pair.figures
        }
        return label + (" (unconfirmed)" if statuses == {"unconfirmed"} else "")

    def _select(
        self,
        trial: str | None = None,
        endpoint: str | None = None,
        timepoint: str | None = None,
    ) -> None:
        """Set the three controls consistently (call with updates held)."""
        trials = [v for _, v in self.controls["trial"].options]
        self._choose("trial", trials, trial, trial_label)
        t = self.controls["trial"].value
        self._choose("endpoint", self.endpoints(t), endpoint, lambda c: self._endpoint_label(t, c))
        e = self.controls["endpoint"].value
        self._choose("timepoint", self.timepoints(t, e), timepoint, str)
        menu = self.controls["timepoint"]
        one = len(menu.options) == 1
        menu.layout.display = "none" if one else None
        self._only_timepoint.layout.display = None if one else "none"
        if one:
            self._only_timepoint.value = (
                "<div style='line-height:28px'>Time point: "
                f"<b>{html.escape(str(menu.value))}</b></div>"
            )

    def _on_change(self, _change: dict[str, Any]) -> None:
        # A learner changed one dropdown: make the other two offer what exists, then redraw.
        with self.hold_updates():
            self._select()
        self.update()

    def _assign(self, values: dict[str, Any]) -> None:
        """Trial first, then end point, then time point (``set`` calls this).

        Raises
        ------
        jia_teach.rules.errors.InvalidValueError
            For a value the data do not offer for the current selection.
        """
        self._select(**values)

    def selection(self) -> tuple[str, str, str]:
        """The current (trial, end point, time point) codes."""
        return tuple(self.controls[k].value for k in ("trial", "endpoint", "timepoint"))  # type: ignore[return-value]

    # ------------------------------------------------------------------ state
    @property
    def pair(self) -> ArmPair:
        """The evidence pair of the current selection."""
        return self._groups[self.selection()]

    def rows(self) -> list[ArmFigure]:
        """The figures of the current selection (one per arm), as the data hold them."""
        return list(self.pair.figures)

    def reported(self) -> list[evidence.ReportedEffect]:
        """Reported effect estimates for the current selection, as the sources give them."""
        t, e, p = self.selection()
        return [x for x in self._effects if (x.trial, x.endpoint, x.timepoint) == (t, e, p)]

    def why_no_comparison(self) -> str | None:
        """Why no two-arm comparison is computed for the current selection (None if it is)."""
        why = self.pair.why_not
        return None if why is None else why[:1].upper() + why[1:] + "."

    @property
    def comparison(self) -> effects.ArmComparison | None:
        """The :func:`~jia_teach.effects.compare_arms` result, or None (see
        :meth:`why_no_comparison`)."""
        pair = self.pair
        return compare_pair(pair, self.confidence) if pair.comparable else None

    # ------------------------------------------------------------------ drawing
    def figure_endpoints(self) -> list[str]:
        """End points drawn in the response figure: those of the current trial and time point
        with counts (events and total) in the treated and the placebo arm, none unconfirmed."""
        trial, _, timepoint = self.selection()
        return self._figure_endpoints(trial, timepoint)

    @reads_data
    def _figure_endpoints(self, trial: str, timepoint: str) -> list[str]:
        return [p.measure for p in evidence.benefit_pairs(trial) if p.timepoint == timepoint]

    def _figure(self) -> tuple[bytes | None, str]:
        """PNG bytes and caption of the response figure (cached per trial and time point)."""
        trial, _, timepoint = self.selection()
        return self._render(trial, timepoint)

    @reads_data
    def _render(self, trial: str, timepoint: str) -> tuple[bytes | None, str]:
        key = (trial, timepoint)
        if key not in self._png:
            endpoints = self._figure_endpoints(trial, timepoint)
            if not endpoints:
                self._png[key] = None
                self._captions[key] = (
                    f"No response bar chart for {trial_label(trial)} at "
                    f"{timepoint}: no end point there has counts in a treated and a placebo arm."
                )
            else:
                from jia_teach import present

                fig = present.response_rate_bars(
                    trial,
                    timepoint,
                    tuple(endpoints),
                    confidence=self.confidence,
                )
                self._png[key] = figure_png(fig)
                self._captions[key] = present.caption(fig)
        return self._png[key], self._captions[key]

    def update(self) -> None:
        """Redraw the figure and the readouts for the current selection."""
        self._area.show(*self._figure())
        self._readout.value = self._readout_html()
        self._sources.value = self._sources_html()

    # ------------------------------------------------------------------ text
    def _arm_lines(self) -> list[tuple[str, str, str, ArmFigure]]:
        """(arm label, figure, status word, the figure itself) per arm."""
        return [
            (f.arm_label, f.text(), _STATUS_WORDS.get(f.status, f.status), f) for f in self.rows()
        ]

    def _notes(self) -> list[str]:
        notes = []
        if self.pair.derived:
            notes.append(
                "Counts marked DERIVED are not in the source: they are the whole numbers that fit "
                "the reported percentage and arm size. Intervals and p-values computed from them "
                "are reconstructions, not the trial's own analysis."
            )
        return notes

    def summary_text(self) -> str:
        """The current state in plain text (deterministic)."""
        t, e, p = self.selection()
        lines = [
            f"Trial: {trial_label(t)}",
            f"End point: {endpoint_label(e)}",
            f"Time point: {p}",
            "Figures:",
        ]
        for arm, figure, status, r in self._arm_lines():
            lines.append(f"  {arm}: {figure} [{status}; {r.source}]")
            if r.note:
                lines.append(f"    Note: {r.note}")
        comparison = self.comparison
        if comparison is None:
            lines.append(f"No comparison computed. {self.why_no_comparison()}")
        else:
            lines.append("Computed from these counts:")
            lines += [f"  {name}: {text}" for name, text in comparison.rows()]
        for x in self.reported():
            lines.append(f"Reported by the source: {x.text} [{x.status}; {x.source}]")
        lines += self._notes()
        lines.append(f"Figure: {self._figure()[1]}")
        return "\n".join(lines)

    def _readout_html(self) -> str:
        esc = html.escape
        parts = []
        comparison = self.comparison
        if comparison is None:
            reason = self.why_no_comparison() or ""
            colour = TEXT_VERMILLION if reason.startswith("UNCONFIRMED") else PALETTE["black"]
            parts.append(
                f"<p style='color:{colour}'><b>No comparison computed.</b> {esc(reason)}</p>"
            )
        else:
            parts.append(comparison._repr_html_())
        for x in self.reported():
            parts.append(
                f"<p><b>Reported by the source:</b> {esc(x.text)} "
                f"<small>({esc(x.status)}; {esc(x.source)})</small></p>"
            )
        for note in self._notes():
            parts.append(f"<p style='font-size:smaller'>{esc(note)}</p>")
        return "<div style='max-width:520px'>" + "".join(parts) + "</div>"

    def _sources_html(self) -> str:
        esc = html.escape
        items = []
        cited: list[str] = []
        for arm, figure, status, r in self._arm_lines():
            style = {
                "DERIVED": f"background:{PALETTE['yellow']};padding:0 3px",
                "UNCONFIRMED": (
                    f"background:{TEXT_VERMILLION};color:{PALETTE['white']};padding:0 3px"
                ),
            }.get(status, "")
            note = f" - {esc(r.note)}" if r.note else ""
            items.append(
                f"<li><b>{esc(arm)}</b>: {esc(figure)} "
                f"<span style='{style}'>{esc(status)}</span>; {esc(r.source)}{note}</li>"
            )
            for sid in (r.source_id or "").split(";"):
                if sid.strip() and sid.strip() not in cited:
                    cited.append(sid.strip())
        refs = "".join(f"<li>{esc(self._citations.get(s, s))}</li>" for s in cited)
        return (
            "<details open><summary><b>Where each figure comes from</b></summary>"
            f"<ul>{''.join(items)}</ul><p><b>Sources</b></p><ol>{refs}</ol></details>"
        )
