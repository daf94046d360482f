"""Trial explorer: the published results of TENDER and the canakinumab trials, with sources.

The learner picks a trial, an end point and a time point; only combinations that exist in
``data/trial_outcomes.csv`` are offered. The view shows the response figure
(:func:`jia_teach.figures.response_rate_bars`), the two-arm comparison
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
itself: it looks rows up in :mod:`jia_teach.data` and calls :mod:`jia_teach.effects` and
:mod:`jia_teach.figures`.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as w

from jia_teach import data, effects
from jia_teach.errors import InvalidValueError
from jia_teach.widgets._base import View, figure_png, records

__all__ = ["TrialExplorer"]

#: Arms that are not a treated arm of a two-arm comparison.
_NOT_ACTIVE = ("placebo", "all", "escape")

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
    directory : str or Path, optional
        Data folder to read instead of the package data (tests use a modified copy).

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
        directory: str | Path | None = None,
    ) -> None:
        self.confidence = confidence
        self.directory = directory
        outcomes = data.load_outcomes(directory)
        #: (trial, endpoint, timepoint) -> rows, in file order
        self._groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for r in records(outcomes):
            self._groups.setdefault((r["trial"], r["endpoint"], r["timepoint"]), []).append(r)
        self._effects = effects.reported_effects(directory)
        self._citations = dict(
            zip(*(data.load_sources(directory)[c] for c in ("source_id", "citation")), strict=True)
        )
        self._comparisons: dict[tuple[str, str, str], Any] = {}
        self._png: dict[tuple[str, str], bytes | None] = {}
        self._captions: dict[tuple[str, str], str] = {}

        trials = list(dict.fromkeys(k[0] for k in self._groups))
        self.controls = {
            "trial": w.Dropdown(
                options=[(data.TRIAL_LABELS.get(t, t), t) for t in trials],
                value=trials[0],
                description="Trial",
                layout={"width": "340px"},
            ),
            "endpoint": w.Dropdown(description="End point", layout={"width": "420px"}),
            "timepoint": w.Dropdown(description="Time point", layout={"width": "300px"}),
        }
        self._image = w.Image(format="png", layout={"max_width": "560px"})
        self._caption = w.HTML()
        self._readout = w.HTML()
        self._sources = w.HTML()
        self.ui = w.VBox(
            [
                w.HBox(list(self.controls.values()), layout={"flex_flow": "row wrap"}),
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
        if list(control.options) != options:
            control.options = options
        control.value = value

    def _endpoint_label(self, trial: str, endpoint: str) -> str:
        label = data.ENDPOINT_LABELS.get(endpoint, endpoint)
        statuses = {
            r["status"]
            for (t, e, _), rows in self._groups.items()
            if t == trial and e == endpoint
            for r in rows
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
        self._choose("trial", trials, trial, lambda c: data.TRIAL_LABELS.get(c, c))
        t = self.controls["trial"].value
        self._choose("endpoint", self.endpoints(t), endpoint, lambda c: self._endpoint_label(t, c))
        e = self.controls["endpoint"].value
        self._choose("timepoint", self.timepoints(t, e), timepoint, str)

    def _on_change(self, _change: dict[str, Any]) -> None:
        # A learner changed one dropdown: make the other two offer what exists, then redraw.
        with self.hold_updates():
            self._select()
        self.update()

    def _assign(self, values: dict[str, Any]) -> None:
        """Trial first, then end point, then time point (``set`` calls this).

        Raises
        ------
        jia_teach.errors.InvalidValueError
            For a value the data do not offer for the current selection.
        """
        self._select(**values)

    def selection(self) -> tuple[str, str, str]:
        """The current (trial, end point, time point) codes."""
        return tuple(self.controls[k].value for k in ("trial", "endpoint", "timepoint"))  # type: ignore[return-value]

    # ------------------------------------------------------------------ state
    def rows(self) -> list[dict[str, Any]]:
        """The data rows of the current selection (one per arm)."""
        return self._groups[self.selection()]

    def reported(self) -> list[effects.ReportedEffect]:
        """Reported effect estimates for the current selection, as the sources give them."""
        t, e, p = self.selection()
        return [x for x in self._effects if (x.trial, x.endpoint, x.timepoint) == (t, e, p)]

    def _pair(self) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        rows = self.rows()
        active = [r for r in rows if r["arm"] not in _NOT_ACTIVE]
        placebo = [r for r in rows if r["arm"] == "placebo"]
        return (
            active[0] if len(active) == 1 else None,
            placebo[0] if len(placebo) == 1 else None,
        )

    def why_no_comparison(self) -> str | None:
        """Why no two-arm comparison is computed for the current selection (None if it is)."""
        rows = self.rows()
        if any(r["status"] == "unconfirmed" for r in rows):
            return (
                "UNCONFIRMED figure: it could not be checked against a primary source, so it is "
                "not shown as a result and no comparison is computed."
            )
        active, placebo = self._pair()
        if active is None or placebo is None:
            return (
                "One group only (no control group): every patient had the same treatment, so "
                "there is nothing to compare against and no risk difference or NNT exists."
            )
        if any("kaplan-meier" in (r["note"] or "").lower() for r in (active, placebo)):
            return (
                "Kaplan-Meier estimates, shown as reported: they account for patients followed "
                "for different lengths of time, so they are not events/total and no risk "
                "difference, NNT or p-value is computed from them. Use the reported hazard "
                "ratio."
            )
        missing = [r for r in (active, placebo) if r["events"] is None or r["total"] is None]
        if missing:
            return (
                "The source gives no complete count (events and denominator) for "
                + " and ".join(data.ARM_LABELS.get(r["arm"], r["arm"]) for r in missing)
                + ", so no comparison with an interval can be computed."
            )
        return None

    @property
    def comparison(self) -> effects.ArmComparison | None:
        """The :func:`~jia_teach.effects.compare_arms` result, or None (see
        :meth:`why_no_comparison`)."""
        key = self.selection()
        if key not in self._comparisons:
            if self.why_no_comparison() is not None:
                self._comparisons[key] = None
            else:
                active, placebo = self._pair()
                if active is None or placebo is None:  # pragma: no cover - excluded above
                    raise RuntimeError("why_no_comparison() let an incomplete pair through")
                t, e, p = key
                self._comparisons[key] = effects.compare_arms(
                    treated_events=int(active["events"]),
                    treated_total=int(active["total"]),
                    control_events=int(placebo["events"]),
                    control_total=int(placebo["total"]),
                    confidence=self.confidence,
                    label=(f"{data.TRIAL_LABELS.get(t, t)}, {data.ENDPOINT_LABELS.get(e, e)}, {p}"),
                    derived_counts="derived" in (active["status"], placebo["status"]),
                )
        return self._comparisons[key]

    # ------------------------------------------------------------------ drawing
    def figure_endpoints(self) -> list[str]:
        """End points drawn in the response figure: those of the current trial and time point
        with counts (events and total) in the treated and the placebo arm, none unconfirmed."""
        trial, _, timepoint = self.selection()
        return self._figure_endpoints(trial, timepoint)

    def _figure_endpoints(self, trial: str, timepoint: str) -> list[str]:
        out = []
        for (t, e, p), rows in self._groups.items():
            if (t, p) != (trial, timepoint):
                continue
            arms = {r["arm"] for r in rows}
            complete = all(
                r["events"] is not None and r["total"] is not None and r["status"] != "unconfirmed"
                for r in rows
            )
            if complete and "placebo" in arms and len(arms - set(_NOT_ACTIVE)) == 1:
                out.append(e)
        return out

    def _figure(self) -> tuple[bytes | None, str]:
        """PNG bytes and caption of the response figure (cached per trial and time point)."""
        trial, _, timepoint = self.selection()
        return self._render(trial, timepoint)

    def _render(self, trial: str, timepoint: str) -> tuple[bytes | None, str]:
        key = (trial, timepoint)
        if key not in self._png:
            endpoints = self._figure_endpoints(trial, timepoint)
            if not endpoints:
                self._png[key] = None
                self._captions[key] = (
                    f"No response bar chart for {data.TRIAL_LABELS.get(trial, trial)} at "
                    f"{timepoint}: no end point there has counts in a treated and a placebo arm."
                )
            else:
                from jia_teach import figures

                fig = figures.response_rate_bars(
                    trial,
                    timepoint,
                    tuple(endpoints),
                    confidence=self.confidence,
                    directory=self.directory,
                )
                self._png[key] = figure_png(fig)
                self._captions[key] = figures.caption(fig)
        return self._png[key], self._captions[key]

    def update(self) -> None:
        """Redraw the figure and the readouts for the current selection."""
        png, caption = self._figure()
        if png is None:
            self._image.layout.display = "none"
        else:
            self._image.layout.display = None
            if self._image.value != png:
                self._image.value = png
        self._caption.value = f"<p style='max-width:560px'><i>{html.escape(caption)}</i></p>"
        self._readout.value = self._readout_html()
        self._sources.value = self._sources_html()

    # ------------------------------------------------------------------ text
    def _arm_lines(self) -> list[tuple[str, str, str, str]]:
        """(arm label, figure, status word, source text) per row."""
        out = []
        for r in self.rows():
            status = _STATUS_WORDS.get(r["status"], r["status"])
            out.append(
                (
                    data.ARM_LABELS.get(r["arm"], r["arm"]),
                    data.figure_text(r, source=False),
                    status,
                    r,
                )
            )
        return out

    def _notes(self) -> list[str]:
        notes = []
        rows = self.rows()
        if any(r["status"] == "derived" for r in rows):
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
            f"Trial: {data.TRIAL_LABELS.get(t, t)}",
            f"End point: {data.ENDPOINT_LABELS.get(e, e)}",
            f"Time point: {p}",
            "Figures:",
        ]
        for arm, figure, status, r in self._arm_lines():
            lines.append(f"  {arm}: {figure} [{status}; {r['source']}]")
            if r["note"]:
                lines.append(f"    Note: {r['note']}")
        comparison = self.comparison
        if comparison is None:
            lines.append(f"No comparison computed. {self.why_no_comparison()}")
        else:
            lines.append("Computed from these counts:")
            lines += [f"  {line}" for line in str(comparison).splitlines()[1:]]
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
            colour = "#D55E00" if reason.startswith("UNCONFIRMED") else "#000000"
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
                "DERIVED": "background:#F0E442;padding:0 3px",
                "UNCONFIRMED": "background:#D55E00;color:#FFFFFF;padding:0 3px",
            }.get(status, "")
            note = f" - {esc(r['note'])}" if r["note"] else ""
            items.append(
                f"<li><b>{esc(arm)}</b>: {esc(figure)} "
                f"<span style='{style}'>{esc(status)}</span>; {esc(r['source'])}{note}</li>"
            )
            for sid in (r["source_id"] or "").split(";"):
                if sid.strip() and sid.strip() not in cited:
                    cited.append(sid.strip())
        refs = "".join(f"<li>{esc(self._citations.get(s, s))}</li>" for s in cited)
        return (
            "<details open><summary><b>Where each figure comes from</b></summary>"
            f"<ul>{''.join(items)}</ul><p><b>Sources</b></p><ol>{refs}</ol></details>"
        )
