"""Benefit-risk explorer: NNT for a chosen benefit, NNH for a chosen harm, and their LHH.

The learner picks a benefit end point (a response with counts in both arms) and a harm (an
adverse event reported per patient in both arms of the same trial). The view shows

* the NNT with its Altman interval (:func:`jia_teach.effects.compare_arms`);
* the NNH: with counts, :func:`jia_teach.effects.nnh` and its interval; when the source gives
  only percentages (the TENDER prescribing-information harms), a point estimate from
  :func:`jia_teach.effects.number_needed` and an explicit statement that no interval exists;
  no counts are invented from the percentages;
* the likelihood of being helped or harmed, LHH = NNH / NNT (Straus and Sackett,
  :func:`jia_teach.effects.likelihood_helped_harmed`), optionally adjusted for a patient whose
  baseline risks differ from the trial's (``f_benefit``, ``f_harm``), read in plain language;
* :func:`jia_teach.present.benefit_risk_chart` for every usable benefit of the trial beside the
  chosen harm.

Harms that cannot give a per-patient proportion are not offered, and the view says why: counts
of *events* (e.g. TENDER's adverse events, several per patient possible), event rates per
patient-year, harms seen in one group only, pooled counts across trials, and unconfirmed
figures. The view computes nothing itself: the pairs, their counts and the reasons come from
:mod:`jia_teach.evidence`, every number from :mod:`jia_teach.effects` (the LHH once, with the
``f`` values, and the chart states that same LHH).
"""

from __future__ import annotations

import html
import math
from typing import Any

import ipywidgets as w

from jia_teach import effects, evidence, present
from jia_teach.data.labels import event_label, trial_label
from jia_teach.data.location import data_dir
from jia_teach.evidence import ArmPair
from jia_teach.evidence.trial_effects import compare_pair, harm_effect
from jia_teach.present.benefit_risk_text import harm_method_text, lhh_lines, nnh_text
from jia_teach.present.palette import PALETTE
from jia_teach.rules.errors import InvalidValueError
from jia_teach.widgets._base import View, canvas_png, reads_data
from jia_teach.widgets._controls import TEXT_GREEN, TEXT_VERMILLION, labelled_slider

__all__ = ["BenefitRiskExplorer"]

Key = tuple[str, str, str]
#: The range of a patient's f: a tenth to five times the trial's, in tenths.
_F = (0.1, 5.0, 0.1)


def _figures(p: ArmPair) -> str:
    return "; ".join(f"{f.arm_label} {f.text()}" for f in p.figures)


class BenefitRiskExplorer(View):
    """Weigh a chosen benefit against a chosen harm: NNT, NNH and LHH.

    Parameters
    ----------
    benefit : str or tuple, optional
        An end point code (e.g. ``"acr30_no_fever"``) or a ``(trial, endpoint, timepoint)``
        key. Default: the first usable benefit.
    harm : str or tuple, optional
        An adverse-event code (e.g. ``"neutrophils_below_1e9_per_l"``) or a
        ``(trial, event, phase)`` key. Default: the first usable harm of the benefit's trial.
    f_benefit, f_harm : float, default 1
        The patient's risk relative to the trial's control group, for the benefit and the
        harm (Straus and Sackett's adjustment of the LHH).
    confidence : float, default 0.95

    Examples
    --------
    >>> view = BenefitRiskExplorer()
    >>> view.benefit_comparison.nnt_text
    'NNT 2 (95% CI 2 to 3)'
    >>> round(view.nnh_value, 1)
    15.0
    >>> view.set(harm="infusion_reaction_24h")
    >>> view.lhh.text
    'LHH 5.8: a patient like those in the trial is about 5.8 times as likely to be helped as \
harmed (NNH / NNT, both unrounded) (from derived counts).'
    """

    def __init__(
        self,
        benefit: str | tuple[str, str, str] | None = None,
        harm: str | tuple[str, str, str] | None = None,
        *,
        f_benefit: float = 1.0,
        f_harm: float = 1.0,
        confidence: float = 0.95,
    ) -> None:
        self.confidence = confidence
        self._data = data_dir()  # the folder this view was built from (use_data)
        self._harms, self._unusable = self._read_harms()
        self._benefits = self._read_benefits({k[0] for k in self._harms})
        if not self._benefits or not self._harms:
            raise InvalidValueError(
                "the data hold no trial with both a usable benefit and a usable harm",
                column="benefit/harm",
                allowed="a trial with counts for a response and per-patient harm figures",
            )
        #: (benefit key, harm key, (f benefit, f harm)) -> (PNG bytes, caption)
        self._png: dict[tuple[Key, Key, tuple[float, float]], tuple[bytes, str]] = {}
        #: trial -> the drawn chart of that trial (see _trial_chart)
        self._charts: dict[str, dict[str, Any]] = {}

        self.controls = {
            "benefit": w.Dropdown(
                options=[(self._benefit_label(k), k) for k in self._benefits],
                description="Benefit",
                # Wide enough for the longest label ("... (from derived counts)"), never cut.
                layout={"width": "100%", "max_width": "860px"},
                style={"description_width": "80px"},
            ),
            "harm": w.Dropdown(
                description="Harm",
                layout={"width": "100%", "max_width": "860px"},
                style={"description_width": "80px"},
            ),
            # Straus and Sackett's f, in words (issue 19: not "f benefit").
            "f_benefit": labelled_slider(
                "This patient's chance of the benefit, times the trial's", f_benefit, _F, ".1f"
            ),
            "f_harm": labelled_slider(
                "This patient's risk of the harm, times the trial's", f_harm, _F, ".1f"
            ),
        }
        self._chart_area("640px")
        self._notes = w.HTML()
        self.ui = w.VBox(
            [
                w.HBox(
                    [
                        w.VBox([self.controls["benefit"], self.controls["harm"]]),
                        w.VBox([self.controls["f_benefit"], self.controls["f_harm"]]),
                    ],
                    layout={"flex_flow": "row wrap"},
                ),
                self._readout,
                self._image,
                self._caption,
                self._notes,
            ]
        )
        self._select(benefit=benefit, harm=harm)  # controls are not observed yet
        self._connect()

    # ------------------------------------------------------------------ data
    def _read_harms(self) -> tuple[dict[Key, ArmPair], list[tuple[str, str]]]:
        """Usable harms (key -> pair) and (label, reason) of the rest, from the evidence."""
        usable: dict[Key, ArmPair] = {}
        unusable: list[tuple[str, str]] = []
        for p in evidence.harm_pairs():
            if p.why_no_point is None:
                usable[(p.trial, p.measure, p.timepoint)] = p
            else:
                label = f"{p.measure_label} ({p.trial_label}, {p.timepoint}: {_figures(p)})"
                unusable.append((label, p.why_no_point))
        return usable, unusable

    def _read_benefits(self, trials: set[str]) -> dict[Key, ArmPair]:
        """Benefits with counts in both arms, of the trials that have a usable harm."""
        return {
            (p.trial, p.measure, p.timepoint): p
            for p in evidence.benefit_pairs()
            if p.trial in trials
        }

    def _benefit_label(self, key: Key) -> str:
        return self._benefits[key].label

    def _harm_option(self, key: Key) -> str:
        return present.harm_label(self._harms[key])

    # ------------------------------------------------------------------ controls
    @staticmethod
    def _resolve(name: str, wanted: Any, keys: list[tuple[str, str, str]]) -> Any:
        if wanted is None or wanted in keys:
            return wanted
        matches = [k for k in keys if k[1] == wanted]
        if len(matches) == 1:
            return matches[0]
        raise InvalidValueError(
            f"{wanted!r} is not an available {name}",
            column=name,
            allowed=", ".join(sorted({k[1] for k in keys})),
        )

    def _select(self, benefit: Any = None, harm: Any = None, **sliders: float) -> None:
        """Set the controls consistently (call with updates held or before connecting)."""
        b = self.controls["benefit"]
        key = self._resolve("benefit", benefit, list(self._benefits))
        if key is not None:
            b.value = key
        trial = b.value[0]
        harm_keys = [k for k in self._harms if k[0] == trial]
        wanted = self._resolve("harm", harm, harm_keys)
        h = self.controls["harm"]
        options = [(self._harm_option(k), k) for k in harm_keys]
        current = h.value
        if list(h.options) != options:
            h.options = options
        h.value = (
            wanted if wanted is not None else current if current in harm_keys else harm_keys[0]
        )
        for name, value in sliders.items():
            self.controls[name].value = value

    def _on_change(self, _change: dict[str, Any]) -> None:
        # A learner changed a control: keep the harm list to the benefit's trial, then redraw.
        with self.hold_updates():
            self._select()
        self.update()

    def _assign(self, values: dict[str, Any]) -> None:
        """``benefit``/``harm`` accept a code or a key; the harm list follows the benefit."""
        self._select(**values)

    # ------------------------------------------------------------------ results
    @property
    def benefit_key(self) -> tuple[str, str, str]:
        """(trial, endpoint, timepoint) of the chosen benefit."""
        return self.controls["benefit"].value

    @property
    def harm_key(self) -> tuple[str, str, str]:
        """(trial, event, phase) of the chosen harm."""
        return self.controls["harm"].value

    def _compare(self, key: Key) -> effects.ArmComparison:
        return compare_pair(self._benefits[key], self.confidence)

    @property
    def benefit_comparison(self) -> effects.ArmComparison:
        """compare_arms for the chosen benefit (treated vs placebo)."""
        return self._compare(self.benefit_key)

    def _harm_measure(self, key: Key) -> effects.ArmComparison | float:
        """The harm's comparison (counts in both arms) or its bare NNH (percentages only)."""
        return harm_effect(self._harms[key], self.confidence)

    @property
    def harm_comparison(self) -> effects.ArmComparison | None:
        """effects.nnh for the chosen harm when both arms give patients/total, else None."""
        measure = self._harm_measure(self.harm_key)
        return measure if isinstance(measure, effects.ArmComparison) else None

    @property
    def nnh_value(self) -> float:
        """The NNH used (unrounded; signed: negative means fewer harms on treatment)."""
        measure = self._harm_measure(self.harm_key)
        return measure.nnt if isinstance(measure, effects.ArmComparison) else float(measure)

    def harm_method(self) -> str:
        """How the NNH was obtained, and the status of its figures, in one sentence."""
        pair = self._harms[self.harm_key]
        crosses = pair.comparable and compare_pair(pair, self.confidence).nnt_crosses_infinity
        return harm_method_text(pair, crosses_infinity=crosses)

    @property
    def lhh(self) -> effects.LikelihoodHelpedHarmed | None:
        """The LHH for the chosen pair, or None when it is not defined (see summary_text)."""
        try:
            return effects.likelihood_helped_harmed(
                nnt=self.benefit_comparison,
                nnh=self.harm_comparison or self.nnh_value,
                f_benefit=self.controls["f_benefit"].value,
                f_harm=self.controls["f_harm"].value,
            )
        except InvalidValueError:
            return None

    def _nnh_text(self) -> str:
        return nnh_text(self.harm_comparison or self.nnh_value)

    def _lhh_lines(self) -> list[str]:
        fb, fh = self.controls["f_benefit"].value, self.controls["f_harm"].value
        return lhh_lines(self.lhh, fb, fh)

    def _benefit_lines(self) -> list[str]:
        pair = self._benefits[self.benefit_key]
        t, p = pair.treated, pair.control
        assert t is not None and p is not None  # a benefit pair has both arms
        r = self.benefit_comparison
        out = [
            f"Benefit: {self._benefit_label(self.benefit_key)}",
            f"  {t.arm_label} {t.events}/{t.total} vs {p.arm_label} {p.events}/{p.total} "
            f"[{t.status}; {t.source}]",
            f"  Risk difference {100 * r.risk_difference:.1f} percentage points: about "
            f"{100 * r.risk_difference:.0f} more children with this benefit per 100 treated.",
            f"  {r.nnt_text}",
        ]
        if pair.derived:
            out.append(
                "  Counts are DERIVED from the reported percentages and arm sizes (the source "
                "gives percentages only); the interval is a reconstruction."
            )
        return out

    def _harm_lines(self) -> list[str]:
        pair = self._harms[self.harm_key]
        t, p = pair.treated, pair.control
        assert t is not None and p is not None  # a usable harm has both arms
        return [
            f"Harm: {event_label(pair.measure)} ({trial_label(pair.trial)}, {pair.timepoint})",
            f"  {t.arm_label} {t.text()} vs {p.arm_label} {p.text()}",
            f"  {self._nnh_text()}",
            f"  {self.harm_method()}",
        ]

    def unusable_harms(self) -> list[tuple[str, str]]:
        """(label, reason) of every adverse-event figure in the data that gives no NNH."""
        return list(self._unusable)

    # ------------------------------------------------------------------ drawing
    @reads_data
    def _trial_chart(self, trial: str) -> dict[str, Any]:
        """The chart of one trial: every usable benefit and every harm with an excess on
        treatment, drawn once (a full Agg draw costs 100-200 ms here). Choosing a pair then
        only moves the rings and rewrites the footnote: those artists are drawn over the saved
        background, a few milliseconds."""
        if trial not in self._charts:
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            benefits: dict[tuple[str, str, str], str] = {}
            harms: dict[tuple[str, str, str], str] = {}
            for bkey in self._benefits:
                if bkey[0] == trial and self._compare(bkey).risk_difference > 0:
                    benefits[bkey] = self._benefit_label(bkey).split(": ", 1)[1]
            for hkey in self._harms:
                measure = self._harm_measure(hkey)
                nn = measure.nnt if isinstance(measure, effects.ArmComparison) else measure
                if hkey[0] == trial and 0 < nn < math.inf:
                    harms[hkey] = present.harm_label(self._harms[hkey])
            # The title names the trial (and the time point, when every benefit shares one).
            context = trial_label(trial)
            timepoints = {k[2] for k in benefits}
            if len(timepoints) == 1:
                context += f", {next(iter(timepoints))}"
            fig = present.benefit_risk_chart(
                {label: self._compare(k) for k, label in benefits.items()},
                {label: self._harm_measure(k) for k, label in harms.items()},
                harm_names={label: self._harms[k].measure_label for k, label in harms.items()},
                context=context,
            )
            canvas = FigureCanvasAgg(fig)
            dynamic = present.set_benefit_risk_pair(
                fig, next(iter(benefits.values())), next(iter(harms.values()), None)
            )
            for artist in dynamic:
                artist.set_animated(True)  # left out of the background
            canvas.draw()
            self._charts[trial] = {
                "fig": fig,
                "canvas": canvas,
                "background": canvas.copy_from_bbox(fig.bbox),
                "dynamic": dynamic,
                "benefits": benefits,
                "harms": harms,
            }
        return self._charts[trial]

    @property
    def figure(self) -> Any:
        """The chart now shown (a matplotlib Figure), its pair ringed and its LHH stated."""
        self._figure()
        return self._charts[self.benefit_key[0]]["fig"]

    def _figure(self) -> tuple[bytes, str]:
        """Chart of the trial's benefits and harms, the chosen pair ringed and described in
        the footnote and caption (cached per pair and f values: the footnote states the same
        LHH as the readout, one LHH for one pair)."""
        bkey, hkey = self.benefit_key, self.harm_key
        f = (self.controls["f_benefit"].value, self.controls["f_harm"].value)
        if (bkey, hkey, f) not in self._png:
            chart = self._trial_chart(bkey[0])
            if bkey not in chart["benefits"]:
                raise InvalidValueError(
                    f"{self._benefit_label(bkey)!r} is not more frequent on treatment than on "
                    "placebo, so it has no NNT to draw",
                    column="benefit",
                    allowed=", ".join(chart["benefits"].values()),
                )
            if hkey not in chart["harms"]:
                raise InvalidValueError(
                    f"{self._harm_option(hkey)!r}: no more patients harmed on treatment than on "
                    "placebo, so it has no NNH to draw",
                    column="harm",
                    allowed=", ".join(chart["harms"].values()) or "none",
                )
            fig, canvas = chart["fig"], chart["canvas"]
            present.set_benefit_risk_pair(
                fig, chart["benefits"][bkey], chart["harms"][hkey], lhh=self.lhh
            )
            canvas.restore_region(chart["background"])
            for artist in chart["dynamic"]:
                fig.draw_artist(artist)
            self._png[(bkey, hkey, f)] = (canvas_png(canvas), present.caption(fig))
        else:  # the chart object may show another pair: put this one back on it
            chart = self._charts[bkey[0]]
            present.set_benefit_risk_pair(
                chart["fig"], chart["benefits"][bkey], chart["harms"][hkey], lhh=self.lhh
            )
        return self._png[(bkey, hkey, f)]

    def _chart(self) -> tuple[bytes, str]:
        """The chart, or empty bytes and the reason when the chart cannot be drawn."""
        try:
            return self._figure()
        except InvalidValueError as exc:  # e.g. a harm with no excess on treatment
            return b"", f"No chart: {exc}"

    def update(self) -> None:
        """Recompute the readouts and swap the chart image in place."""
        self._area.show(*self._chart())
        self._readout.value = self._readout_html()
        self._notes.value = self._notes_html()

    def _readout_html(self) -> str:
        esc = html.escape
        benefit = "<br>".join(esc(x) for x in self._benefit_lines())
        harm = "<br>".join(esc(x) for x in self._harm_lines())
        lhh = self._lhh_lines()
        colour = TEXT_GREEN if self.lhh is not None and self.lhh.lhh >= 1 else TEXT_VERMILLION
        return (
            "<div style='max-width:760px'>"
            f"<p style='border-left:4px solid {PALETTE['green']};padding-left:6px'>{benefit}</p>"
            f"<p style='border-left:4px solid {PALETTE['vermillion']};padding-left:6px'>{harm}</p>"
            f"<p><b style='color:{colour}'>{esc(lhh[0])}</b><br>"
            + "<br>".join(esc(x) for x in lhh[1:])
            + "</p></div>"
        )

    def _notes_html(self) -> str:
        items = "".join(
            f"<li>{html.escape(label)}: {html.escape(reason)}.</li>"
            for label, reason in self._unusable
        )
        return (
            "<details><summary><b>Harms in the data that give no NNH, and why</b></summary>"
            f"<ul>{items}</ul></details>"
        )

    def summary_text(self) -> str:
        """The current state in plain text (deterministic)."""
        lines = self._benefit_lines() + self._harm_lines() + self._lhh_lines()
        lines.append(
            "Chart (every usable benefit and harm of the trial, the chosen pair ringed): "
            + self._chart()[1]
        )
        lines.append("Not offered as harms (no per-patient proportion in both arms):")
        lines += [f"  {label}: {reason}." for label, reason in self._unusable]
        return "\n".join(lines)
