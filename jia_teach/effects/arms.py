"""Two arms compared: risk difference, relative risk, odds ratio, NNT/NNH and Fisher's p."""

from __future__ import annotations

import html
import math
import warnings
from dataclasses import dataclass, field

from jia_teach.effects._checks import (
    _INF,
    DERIVED_TAG,
    MAX_COUNT,
    check_outcome,
    confidence_level,
    whole,
)
from jia_teach.effects.numbers_needed import _inv, number_needed_text
from jia_teach.effects.twobytwo import TwoByTwo
from jia_teach.rules.display import key_value_html, key_value_text

__all__ = ["ArmComparison", "compare_arms", "nnh", "proportion_ci"]


@dataclass(frozen=True)
class ArmComparison(TwoByTwo):
    """Two arms compared; build it with :func:`compare_arms` or :func:`nnh`.

    Attributes
    ----------
    treated_events, treated_total, control_events, control_total : int
        The input counts.
    confidence : float
        Confidence level of every interval.
    outcome : {"benefit", "harm"}
        Whether an event is good (a response) or bad (an adverse event). It only changes the
        names of the numbers needed (NNT / NNTH or NNH / NNTB).
    risk_treated, risk_control : float
        Event proportions.
    risk_difference : float
        ``risk_treated - risk_control``.
    risk_difference_ci : tuple of float
        Newcombe hybrid score interval.
    relative_risk, odds_ratio : float
        Point estimates (``0``, ``inf`` or ``nan`` with zero cells, as R does).
    relative_risk_ci, odds_ratio_ci : tuple of float
        Intervals; ``methods`` says which method gave them.
    nnt : float
        ``1 / risk_difference`` (signed; ``inf`` when the difference is 0). Positive means more
        events on treatment: patients to treat for one more responder (``outcome="benefit"``)
        or for one more harmed patient (``outcome="harm"``).
    nnt_ci : tuple of float
        ``(1 / upper, 1 / lower)`` of the risk-difference limits. When the signs differ the
        interval runs through infinity (Altman 1998); see ``nnt_text``.
    p_value : float
        Two-sided Fisher exact test.
    methods : tuple of str
        How each interval was computed, including any zero-cell branch.
    label : str
        Optional description (trial, endpoint, time point).
    derived_counts : bool
        True when the counts were derived from reported percentages and arm sizes rather than
        quoted by the source: every interval, number needed and p-value printed from the
        result then ends with :data:`DERIVED_TAG`, " (from derived counts)".
    """

    confidence: float
    outcome: str
    risk_treated: float
    risk_control: float
    risk_difference: float
    risk_difference_ci: tuple[float, float]
    relative_risk: float
    relative_risk_ci: tuple[float, float]
    odds_ratio: float
    odds_ratio_ci: tuple[float, float]
    nnt: float
    nnt_ci: tuple[float, float]
    p_value: float
    methods: tuple[str, ...] = field(default=())
    label: str = ""
    derived_counts: bool = False

    @property
    def _tag(self) -> str:
        return DERIVED_TAG if self.derived_counts else ""

    @property
    def nnt_crosses_infinity(self) -> bool:
        """True when the risk-difference interval includes 0 (the NNT interval is split)."""
        low, high = self.risk_difference_ci
        return low < 0 < high

    @property
    def nnt_text(self) -> str:
        """NNT (or NNH) with its interval, rounded up to whole patients (Altman).

        Examples
        --------
        >>> compare_arms(treated_events=0, treated_total=37, control_events=5,
        ...              control_total=75).nnt_text
        'NNTH 15 (95% CI NNTB 29 to infinity to NNTH 7)'
        >>> compare_arms(treated_events=28, treated_total=75, control_events=2,
        ...              control_total=37, derived_counts=True).nnt_text
        'NNT 4 (95% CI 3 to 7) (from derived counts)'
        """
        text = number_needed_text(
            self.risk_difference, self.risk_difference_ci, self.confidence, self.outcome, None
        )
        return text + self._tag

    def nnt_text_decimals(self, decimals: int = 1) -> str:
        """The same text without rounding up, to ``decimals`` places.

        Examples
        --------
        >>> compare_arms(treated_events=64, treated_total=75, control_events=9,
        ...              control_total=37).nnt_text_decimals()
        'NNT 1.6 (95% CI 1.4 to 2.4)'
        """
        text = number_needed_text(
            self.risk_difference, self.risk_difference_ci, self.confidence, self.outcome, decimals
        )
        return text + self._tag

    def rows(self) -> list[tuple[str, str]]:
        """The result as (measure, text) pairs: what ``print`` and the HTML table show.

        For notebooks and slides that lay the result out as a table of their own.

        Examples
        --------
        >>> r = compare_arms(treated_events=64, treated_total=75, control_events=9,
        ...                  control_total=37)
        >>> dict(r.rows())["Risk difference"]
        '61.0 percentage points (95% CI 42.5 to 73.6)'
        """
        pct = f"{100 * self.confidence:g}% CI"
        rd_low, rd_high = self.risk_difference_ci
        rr_low, rr_high = self.relative_risk_ci
        or_low, or_high = self.odds_ratio_ci
        p = "< 0.001" if self.p_value < 0.001 else f"{self.p_value:.3f}"
        tag = self._tag
        return [
            (
                "Risk",
                f"treated {self.treated_events}/{self.treated_total} "
                f"({100 * self.risk_treated:.1f}%) vs control "
                f"{self.control_events}/{self.control_total} ({100 * self.risk_control:.1f}%)",
            ),
            (
                "Risk difference",
                f"{100 * self.risk_difference:.1f} percentage points "
                f"({pct} {100 * rd_low:.1f} to {100 * rd_high:.1f}){tag}",
            ),
            ("Relative risk", f"{_g(self.relative_risk)} ({_ci(pct, rr_low, rr_high)}){tag}"),
            ("Odds ratio", f"{_g(self.odds_ratio)} ({_ci(pct, or_low, or_high)}){tag}"),
            ("NNT" if self.outcome == "benefit" else "NNH", self.nnt_text),
            ("Unrounded", self.nnt_text_decimals(1)),
            ("Fisher exact p (two-sided)", p + tag),
        ]

    def __str__(self) -> str:
        return key_value_text(self.rows(), self.label)

    def _repr_html_(self) -> str:
        methods = "; ".join(self.methods)
        return (
            key_value_html(self.rows(), "jia-arm-comparison", self.label)
            + f"<p style='font-size:smaller'>Methods: {html.escape(methods)}</p>"
        )


def _ci(pct: str, low: float, high: float) -> str:
    if math.isnan(low) or math.isnan(high):
        return f"{pct} not estimable"
    return f"{pct} {_g(low)} to {_g(high)}"


def _g(x: float) -> str:
    if math.isnan(x):
        return "undefined"
    if math.isinf(x):
        return "infinity"
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


# --------------------------------------------------------------------------------------------
# computation
# --------------------------------------------------------------------------------------------
def compare_arms(
    treated_events: int,
    treated_total: int,
    control_events: int,
    control_total: int,
    confidence: float = 0.95,
    *,
    outcome: str = "benefit",
    label: str = "",
    derived_counts: bool = False,
) -> ArmComparison:
    """Compare an event proportion between a treated and a control arm.

    Parameters
    ----------
    treated_events, treated_total : int
        Patients with the event and patients in the treated arm.
    control_events, control_total : int
        The same for the control (placebo) arm.
    confidence : float, default 0.95
        Confidence level of all intervals.
    outcome : {"benefit", "harm"}, default "benefit"
        Whether the event is wanted (response) or unwanted (adverse event); sets the names
        NNT/NNTH or NNH/NNTB. :func:`nnh` is ``compare_arms(..., outcome="harm")``.
    label : str, optional
        A description shown with the result.
    derived_counts : bool, default False
        Set it when the counts were derived from reported percentages (``status = derived``
        in the data): every interval, number needed and p-value the result prints is then
        tagged " (from derived counts)".

    Returns
    -------
    ArmComparison

    Raises
    ------
    jia_teach.rules.errors.InvalidValueError
        Counts that are not whole numbers, events outside 0..total, totals below 1 or above
        :data:`MAX_COUNT`, a confidence outside (0, 1) or an unknown ``outcome``.

    Notes
    -----
    * Risk difference: Newcombe's hybrid score interval (statsmodels
      ``confint_proportions_2indep(count1=treated, ..., method="newcomb", compare="diff")``,
      which is ``p1 - p2`` with sample 1 the treated arm). It is defined with zero cells.
    * Relative risk: Katz log interval (statsmodels ``method="log"``). If either arm has no
      events the log interval does not exist; the Koopman (1984) score interval (statsmodels
      ``method="score"`` with ``correction=False``; with its default correction statsmodels
      gives the Miettinen-Nurminen interval) is used instead, with lower limit 0 when the
      treated arm has no
      events and upper limit infinity when the control arm has none. No events in either arm:
      RR is undefined (nan) and the interval is (0, infinity). Every patient with the event in
      both arms: RR = 1 and the interval is not estimable (nan, nan).
    * Odds ratio: the sample odds ratio ``(a d) / (b c)`` with the Woolf logit interval; if any
      of the four cells is 0, the exact conditional interval (scipy
      ``odds_ratio(kind="conditional")``), which agrees with Fisher's test and is (0, infinity)
      when a whole margin is 0.
    * NNT = 1 / RD (Altman 1998). If the RD interval excludes 0, the NNT interval is
      1/upper to 1/lower; if it includes 0 the interval runs "NNTB x to infinity to NNTH y".
      Text rounds numbers needed *up* to whole patients (Altman's advice, so the benefit is
      never overstated); :meth:`ArmComparison.nnt_text_decimals` gives unrounded values.

    Examples
    --------
    TENDER primary end point, week 12 (64/75 vs 9/37):

    >>> r = compare_arms(treated_events=64, treated_total=75, control_events=9, control_total=37)
    >>> round(r.risk_difference, 3), tuple(round(x, 3) for x in r.risk_difference_ci)
    (0.61, (0.425, 0.736))
    >>> round(r.relative_risk, 2), round(r.odds_ratio, 1)
    (3.51, 18.1)
    >>> r.nnt_text
    'NNT 2 (95% CI 2 to 3)'
    >>> r.p_value < 1e-8
    True
    """
    counts = TwoByTwo.checked(
        treated_events, treated_total, control_events, control_total, most=MAX_COUNT
    )
    a, n1, c, n2 = counts.as_tuple()
    conf = confidence_level(confidence)
    check_outcome(outcome)
    alpha = 1 - conf

    import numpy as np
    from scipy.stats import fisher_exact
    from scipy.stats.contingency import odds_ratio as scipy_odds_ratio
    from statsmodels.stats.proportion import confint_proportions_2indep

    p1, p2 = a / n1, c / n2
    rd = p1 - p2
    methods: list[str] = []

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        rd_low, rd_high = confint_proportions_2indep(
            a, n1, c, n2, method="newcomb", compare="diff", alpha=alpha
        )
        methods.append("risk difference: Newcombe hybrid score (statsmodels 'newcomb')")

        # relative risk
        if c == 0:
            rr = _INF if a > 0 else math.nan
        else:
            rr = p1 / p2
        if a == 0 and c == 0:
            rr_ci = (0.0, _INF)
            methods.append("relative risk: undefined, no events in either arm; CI (0, infinity)")
        elif a == n1 and c == n2:
            rr_ci = (math.nan, math.nan)
            methods.append("relative risk: CI not estimable, every patient had the event")
        elif a == 0 or c == 0:
            low, high = confint_proportions_2indep(
                a, n1, c, n2, method="score", compare="ratio", alpha=alpha, correction=False
            )
            rr_ci = (0.0 if a == 0 else float(low), _INF if c == 0 else float(high))
            methods.append(
                "relative risk: Koopman score interval, uncorrected (statsmodels 'score', "
                "correction=False; zero event count)"
            )
        else:
            low, high = confint_proportions_2indep(
                a, n1, c, n2, method="log", compare="ratio", alpha=alpha
            )
            rr_ci = (float(low), float(high))
            methods.append("relative risk: Katz log interval")

        # odds ratio
        b, d = n1 - a, n2 - c
        table = [[a, b], [c, d]]
        if b * c == 0:
            or_ = _INF if a * d > 0 else math.nan
        else:
            or_ = (a * d) / (b * c)
        if min(a, b, c, d) == 0:
            ci = scipy_odds_ratio(table, kind="conditional").confidence_interval(conf)
            or_ci = (float(ci.low), float(ci.high))
            methods.append("odds ratio: exact conditional interval (zero cell)")
        else:
            low, high = confint_proportions_2indep(
                a, n1, c, n2, method="logit", compare="odds-ratio", alpha=alpha
            )
            or_ci = (float(low), float(high))
            methods.append("odds ratio: Woolf logit interval")

        p_value = float(fisher_exact(table, alternative="two-sided").pvalue)

    # clip floating-point spill (e.g. -1.0000000000000002) to the possible range
    rd_ci = (max(-1.0, float(rd_low)), min(1.0, float(rd_high)))
    methods.append("NNT: Altman 1998, rounded up to whole patients")
    methods.append("p: Fisher exact, two-sided")
    return ArmComparison(
        **counts.as_kwargs(),
        confidence=conf,
        outcome=outcome,
        risk_treated=p1,
        risk_control=p2,
        risk_difference=rd,
        risk_difference_ci=rd_ci,
        relative_risk=float(rr),
        relative_risk_ci=rr_ci,
        odds_ratio=float(or_),
        odds_ratio_ci=or_ci,
        nnt=_inv(rd),
        nnt_ci=(_inv(rd_ci[1]), _inv(rd_ci[0])),
        p_value=min(p_value, 1.0),
        methods=tuple(methods),
        label=label,
        derived_counts=bool(derived_counts),
    )


def nnh(
    treated_events: int,
    treated_total: int,
    control_events: int,
    control_total: int,
    confidence: float = 0.95,
    *,
    label: str = "",
    derived_counts: bool = False,
) -> ArmComparison:
    """Number needed to harm: :func:`compare_arms` for an unwanted event.

    Parameters
    ----------
    treated_events, treated_total, control_events, control_total : int
        Patients with the adverse event and patients per arm (patients, not event counts).
    confidence : float, default 0.95
    label : str, optional
    derived_counts : bool, default False
        As in :func:`compare_arms`.

    Returns
    -------
    ArmComparison
        With ``outcome="harm"``: ``nnt`` is the NNH and ``nnt_text`` reads "NNH ...".

    Examples
    --------
    >>> nnh(treated_events=10, treated_total=50, control_events=2, control_total=50).nnt_text
    'NNH 7 (95% CI 4 to 33)'
    """
    return compare_arms(
        treated_events,
        treated_total,
        control_events,
        control_total,
        confidence,
        outcome="harm",
        label=label,
        derived_counts=derived_counts,
    )


def proportion_ci(events: int, total: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of one arm's proportion (statsmodels ``proportion_confint``).

    Parameters
    ----------
    events, total : int
        Patients with the outcome and patients in the arm.
    confidence : float, default 0.95

    Returns
    -------
    (float, float)
        Lower and upper limit, as proportions.

    Examples
    --------
    >>> tuple(round(x, 3) for x in proportion_ci(64, 75))
    (0.756, 0.916)
    """
    n = whole("total", total, 1, MAX_COUNT)
    e = whole("events", events, 0, n, " (total)")
    conf = confidence_level(confidence)
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(e, n, alpha=1 - conf, method="wilson")
    return (max(0.0, float(low)), min(1.0, float(high)))
