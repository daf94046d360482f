"""The result of :func:`jia_teach.effects.pooling.pool`: numbers, notes and the k < 5 warning."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["FEW_STUDIES", "MEASURES", "METHODS", "FewStudiesWarning", "PoolResult"]

#: Measures and their display names.
MEASURES: dict[str, str] = {"RR": "risk ratio", "OR": "odds ratio", "RD": "risk difference"}
#: Methods and what they are.
METHODS: dict[str, str] = {
    "REML": "random effects, REML tau\u00b2",
    "DL": "random effects, DerSimonian-Laird tau\u00b2",
    "PM": "random effects, Paule-Mandel tau\u00b2",
    "MH": "Mantel-Haenszel (fixed effect)",
    "Peto": "Peto one-step odds ratio (fixed effect)",
}
#: Below this many studies, heterogeneity cannot be estimated well.
FEW_STUDIES = 5


class FewStudiesWarning(UserWarning):
    """Fewer than :data:`FEW_STUDIES` studies: tau^2, I^2 and the prediction interval are poorly
    estimated (and with k < 3 barely at all). Views show it beside the result."""


@dataclass(frozen=True)
class PoolResult:
    """A pooled effect and everything a reader needs to judge it.

    Attributes
    ----------
    measure, method : str
        Keys of :data:`MEASURES` and :data:`METHODS`.
    hksj : bool
        Hartung-Knapp-Sidik-Jonkman interval (t with k - 1 degrees of freedom).
    confidence : float
    k : int
        Studies given (double-zero studies included).
    estimate, ci_low, ci_high : float
        On the natural scale: a ratio for RR and OR, a difference (proportion) for RD.
    theta, se : float
        The same on the analysis scale (log RR, log OR, RD) and its standard error.
    tau2 : float
        Between-study variance (analysis scale); 0 for MH and Peto.
    pi_low, pi_high : float or None
        Prediction interval for the effect in a new study (natural scale); None for MH and Peto.
    i2 : float
        I^2 in percent.
    q, q_df, q_p : float, int, float
        Cochran's Q, its degrees of freedom and p-value.
    quantile : str
        The quantile behind both intervals, in words (``"normal"`` or ``"t(2)"``).
    labels : tuple of str
    counts : tuple of (int, int, int, int)
        Each study's treated events, treated total, control events, control total.
    study_estimates, study_ci_low, study_ci_high : tuple of float
        Each study on the natural scale (NaN where a study gives none); normal-quantile
        intervals.
    weights : tuple of float
        Each study's weight in percent (0 for a study that contributes nothing).
    corrected : tuple of str
        Studies whose four cells got 0.5 added in the estimate (inverse-variance methods).
    double_zero : tuple of str
        Studies with no events (or only events) in both arms.
    notes : tuple of str
        Every choice that shaped the number, in words.
    warnings : tuple of FewStudiesWarning
    """

    measure: str
    method: str
    hksj: bool
    confidence: float
    k: int
    estimate: float
    ci_low: float
    ci_high: float
    theta: float
    se: float
    tau2: float
    pi_low: float | None
    pi_high: float | None
    i2: float
    q: float
    q_df: int
    q_p: float
    quantile: str
    labels: tuple[str, ...]
    counts: tuple[tuple[int, int, int, int], ...]
    study_estimates: tuple[float, ...]
    study_ci_low: tuple[float, ...]
    study_ci_high: tuple[float, ...]
    weights: tuple[float, ...]
    corrected: tuple[str, ...]
    double_zero: tuple[str, ...]
    notes: tuple[str, ...]
    warnings: tuple[FewStudiesWarning, ...] = ()

    @property
    def ratio(self) -> bool:
        """True for RR and OR (log scale, no effect at 1)."""
        return self.measure != "RD"

    @property
    def null(self) -> float:
        """The value of no effect on the natural scale."""
        return 1.0 if self.ratio else 0.0

    @property
    def tau(self) -> float:
        """Between-study standard deviation (analysis scale)."""
        return math.sqrt(self.tau2)

    def _fmt(self, x: float | None) -> str:
        if x is None or not math.isfinite(x):
            return "n/a"
        return f"{x:.2f}" if self.ratio else f"{100 * x:.1f}"

    @property
    def text(self) -> str:
        """The result in one sentence.

        Examples
        --------
        >>> from jia_teach.effects.pooling import pool
        >>> pool([36, 8], [43, 12], [4, 1], [41, 12], warn=False).text  # doctest: +ELLIPSIS
        'Pooled risk ratio 8.47 (95% CI 3.64 to 19.69; prediction interval ...'
        """
        pct = f"{100 * self.confidence:g}%"
        unit = "" if self.ratio else " percentage points"
        out = (
            f"Pooled {MEASURES[self.measure]} {self._fmt(self.estimate)}{unit} ({pct} CI "
            f"{self._fmt(self.ci_low)} to {self._fmt(self.ci_high)}"
        )
        if self.pi_low is not None:
            out += f"; prediction interval {self._fmt(self.pi_low)} to {self._fmt(self.pi_high)}"
        het = f"I\u00b2 {self.i2:.0f}%" if math.isfinite(self.i2) else "I\u00b2 n/a"
        out += f"); {METHODS[self.method]}"
        if self.hksj:
            out += ", HKSJ"
        return out + f"; tau\u00b2 {self.tau2:.3g}, {het}, k = {self.k}"

    def summary_frame(self) -> pd.DataFrame:
        """One row per study, then the pooled row and (random effects) the prediction row.

        Columns ``label``, ``kind`` (``study``, ``pooled``, ``prediction``), ``estimate``,
        ``ci_low``, ``ci_high`` (natural scale), ``weight`` (percent), ``counts`` and
        ``note``. ``frame.attrs`` carries ``measure``, ``measure_label``, ``method``,
        ``null``, ``log_scale``, ``confidence``, ``text`` and ``warnings`` (messages), which
        is what :func:`jia_teach.present.pool_forest.pool_forest` draws from.

        Examples
        --------
        >>> from jia_teach.effects.pooling import pool
        >>> f = pool([36, 8], [43, 12], [4, 1], [41, 12], warn=False).summary_frame()
        >>> list(f["kind"])
        ['study', 'study', 'pooled', 'prediction']
        """
        import pandas as pd

        rows: list[dict[str, Any]] = []
        for i, label in enumerate(self.labels):
            a, n1, c, n2 = self.counts[i]
            note = []
            if label in self.double_zero:
                note.append("no events in either arm" if a == 0 else "all events in both arms")
            if label in self.corrected:
                note.append("0.5 added to each cell")
            rows.append(
                {
                    "label": label,
                    "kind": "study",
                    "estimate": self.study_estimates[i],
                    "ci_low": self.study_ci_low[i],
                    "ci_high": self.study_ci_high[i],
                    "weight": self.weights[i],
                    "counts": f"{a}/{n1} vs {c}/{n2}",
                    "note": "; ".join(note),
                }
            )
        method = self.method + (", HKSJ" if self.hksj else "")
        rows.append(
            {
                "label": f"Pooled ({method})",
                "kind": "pooled",
                "estimate": self.estimate,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "weight": 100.0,
                "counts": f"{sum(t[0] for t in self.counts)}/{sum(t[1] for t in self.counts)} vs "
                f"{sum(t[2] for t in self.counts)}/{sum(t[3] for t in self.counts)}",
                "note": f"{self.quantile} quantile",
            }
        )
        if self.pi_low is not None:
            rows.append(
                {
                    "label": "Prediction interval",
                    "kind": "prediction",
                    "estimate": self.estimate,
                    "ci_low": self.pi_low,
                    "ci_high": self.pi_high,
                    "weight": math.nan,
                    "counts": "",
                    "note": f"a new study's effect; {self.quantile} quantile",
                }
            )
        frame = pd.DataFrame(rows)
        frame.attrs.update(
            measure=self.measure,
            measure_label=MEASURES[self.measure],
            method=method,
            null=self.null,
            log_scale=self.ratio,
            confidence=self.confidence,
            text=self.text,
            warnings=[str(w) for w in self.warnings],
            notes=list(self.notes),
        )
        return frame

    def __str__(self) -> str:
        return "\n".join([self.text, *(str(w) for w in self.warnings), *self.notes])

    def _repr_html_(self) -> str:
        esc = html.escape
        warn = "".join(f"<p role='note'><b>Warning:</b> {esc(str(w))}</p>" for w in self.warnings)
        notes = "".join(f"<li>{esc(n)}</li>" for n in self.notes)
        return f"<p><b>{esc(self.text)}</b></p>{warn}<ul>{notes}</ul>"
