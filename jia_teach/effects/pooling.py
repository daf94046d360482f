"""Pooling two-arm trials: random-effects (REML, DL, PM), Mantel-Haenszel and Peto.

:func:`pool` takes the four counts of each trial by name and returns a frozen
:class:`PoolResult`. Every choice below follows R's metafor 3.8 defaults, so that a reviewer
can reproduce a result there (``tests/test_pooling_metafor.py`` checks it to 1e-6):

* **Inverse-variance methods** (``REML``, ``DL``, ``PM``; ``rma(ai=, bi=, ci=, di=,
  measure=, method=)``): the study estimates are the log risk ratio, the log odds ratio or the
  risk difference with their large-sample variances. A study with a zero cell gets **0.5 added
  to all four cells** of its table (metafor's ``add=1/2, to="only0"``); a study with no events
  in either arm (or only events) is **kept**, with the same correction (``drop00=FALSE``).
  tau^2 by restricted maximum likelihood (the root of the REML score equation, found by
  :func:`scipy.optimize.brentq` on a bracket, with a convergence check), DerSimonian-Laird
  (closed form) or Paule-Mandel (the root of the generalised Q equation, also by ``brentq``);
  truncated at 0. I^2 = tau^2 / (tau^2 + s^2), s^2 the typical within-study variance
  (Higgins and Thompson 2002), as metafor reports it; Q is Cochran's, with the fixed-effect
  weights.
* **Intervals**: ``estimate +- z * SE`` (normal quantile); with ``hksj=True`` the
  Hartung-Knapp-Sidik-Jonkman SE (``test="knha"``: the weighted residual sum of squares over
  k - 1 scales the variance, not truncated at 1) and the t quantile with k - 1 degrees of
  freedom. The prediction interval is what metafor's ``predict()`` gives by default:
  ``estimate +- q * sqrt(SE^2 + tau^2)`` with the same quantile as the confidence interval
  (normal; t(k - 1) with HKSJ). Higgins, Thompson and Spiegelhalter (2009) used t(k - 2): not
  the metafor default, so not used here.
* **Mantel-Haenszel** (``rma.mh``): no continuity correction in the pooled estimate; double-zero
  studies stay in (they add nothing to the MH odds or risk ratio; they do weigh in the MH risk
  difference). Variances: Robins-Breslow-Greenland (OR), Greenland-Robins (RR), Sato (RD).
  Q and I^2 = (Q - df) / Q come from the study estimates with the 0.5 correction and without
  the double-zero studies, as in metafor.
* **Peto** (odds ratio only, ``rma.peto``): the one-step ``sum(O - E) / sum(V)``; no
  correction; double-zero studies have V = 0 and drop out; Q and I^2 as for MH.

A pool of fewer than :data:`FEW_STUDIES` studies carries a :class:`FewStudiesWarning`
(issued with :func:`warnings.warn` and kept in :attr:`PoolResult.warnings` for the views):
between-study heterogeneity cannot be estimated well from so few.

References
----------
Viechtbauer W. Conducting meta-analyses in R with the metafor package. J Stat Softw
2010;36(3):1-48. DerSimonian R, Laird N. Control Clin Trials 1986;7:177-88. Paule RC, Mandel J.
J Res Natl Bur Stand 1982;87:377-85. Hartung J, Knapp G. Stat Med 2001;20:3875-89. Sidik K,
Jonkman JN. Stat Med 2002;21:3153-9. Greenland S, Robins JM. Biometrics 1985;41:55-68. Sato T,
Greenland S, Robins JM. Biometrics 1989;45:1323-4. Yusuf S, Peto R, et al. Prog Cardiovasc Dis
1985;27:335-71.

Examples
--------
Two IL-1 trials' primary end points (canakinumab trial 1, 36/43 vs 4/41; ANAJIS, 8/12 vs 1/12):

>>> r = pool([36, 8], [43, 12], [4, 1], [41, 12], measure="RR", warn=False)
>>> round(r.estimate, 2), round(r.ci_low, 2), round(r.ci_high, 2), r.k
(8.47, 3.64, 19.69, 2)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from numbers import Integral, Real

import numpy as np

from jia_teach.effects.pool_result import (
    FEW_STUDIES,
    MEASURES,
    METHODS,
    FewStudiesWarning,
    PoolResult,
)
from jia_teach.effects.tau2 import TAU2, PoolConvergenceError
from jia_teach.rules.errors import InvalidValueError

__all__ = [
    "FEW_STUDIES",
    "MEASURES",
    "METHODS",
    "FewStudiesWarning",
    "PoolConvergenceError",
    "PoolResult",
    "pool",
]

_IV = ("REML", "DL", "PM")
_INSTEAD = "an inverse-variance method (REML, DL, PM) with its 0.5 correction"


# --------------------------------------------------------------------------------------------
# input
# --------------------------------------------------------------------------------------------
def _counts(name: str, values: object) -> np.ndarray:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence | np.ndarray):
        raise InvalidValueError(
            f"{values!r} is not a sequence of counts",
            column=name,
            allowed="a list of whole numbers",
        )
    out = []
    for i, v in enumerate(values, start=1):
        if isinstance(v, bool) or not isinstance(v, Integral | Real) or not float(v).is_integer():
            raise InvalidValueError(
                f"study {i}: {v!r} is not a whole number", column=name, allowed="a whole number"
            )
        if v < 0:
            raise InvalidValueError(f"study {i}: {v} is negative", column=name, allowed=">= 0")
        out.append(int(v))
    return np.asarray(out, dtype=float)


def _tables(te, tn, ce, cn) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    a, n1 = _counts("treated_events", te), _counts("treated_total", tn)
    c, n2 = _counts("control_events", ce), _counts("control_total", cn)
    k = len(a)
    if not k:
        raise InvalidValueError("no studies given", column="treated_events", allowed=">= 1 study")
    for name, arr in (("treated_total", n1), ("control_events", c), ("control_total", n2)):
        if len(arr) != k:
            raise InvalidValueError(
                f"{len(arr)} values for {k} studies", column=name, allowed=f"{k} values"
            )
    for name, ev, tot in (("treated", a, n1), ("control", c, n2)):
        for i in range(k):
            if tot[i] < 1:
                raise InvalidValueError(
                    f"study {i + 1}: a total of {tot[i]:.0f}",
                    column=f"{name}_total",
                    allowed=">= 1",
                )
            if ev[i] > tot[i]:
                raise InvalidValueError(
                    f"study {i + 1}: {ev[i]:.0f} events of {tot[i]:.0f}",
                    column=f"{name}_events",
                    allowed=f"0 to {tot[i]:.0f}",
                )
    return a, n1 - a, c, n2 - c


def _escalc(measure: str, a, b, c, d) -> tuple[np.ndarray, np.ndarray]:
    """Study estimates and variances with the 0.5 correction of zero-cell tables (metafor)."""
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    add = np.where(zero, 0.5, 0.0)
    a, b, c, d = a + add, b + add, c + add, d + add
    n1, n2 = a + b, c + d
    p1, p2 = a / n1, c / n2
    if measure == "RR":
        return np.log(p1 / p2), 1 / a - 1 / n1 + 1 / c - 1 / n2
    if measure == "OR":
        return np.log(a * d / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d
    return p1 - p2, p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2


def _crit(confidence: float, df: int | None) -> float:
    """Two-sided quantile: normal, or t with ``df`` degrees of freedom (scipy.special: the
    scipy.stats objects cost about 0.1 ms a call)."""
    from scipy.special import ndtri, stdtrit

    p = 0.5 + confidence / 2
    return float(ndtri(p)) if df is None else float(stdtrit(df, p))


def _chi2_sf(q: float, df: int) -> float:
    from scipy.special import chdtrc

    return float(chdtrc(df, q)) if df > 0 else math.nan


def _names(labels: Sequence[str], mask: np.ndarray) -> str:
    return ", ".join(lab for lab, m in zip(labels, mask, strict=True) if m)


# --------------------------------------------------------------------------------------------
# fixed-effect methods (no correction in the estimate)
# --------------------------------------------------------------------------------------------
def _mh(measure: str, a, b, c, d) -> tuple[float, float, np.ndarray]:
    """Mantel-Haenszel estimate and SE (analysis scale) and the study weights (metafor)."""
    n1, n2 = a + b, c + d
    n = n1 + n2
    if measure == "OR":
        r, s = a * d / n, b * c / n
        big_r, big_s = float(r.sum()), float(s.sum())
        if big_r == 0 or big_s == 0:
            which = (
                "treated event beside a control non-event"
                if big_r == 0
                else ("control event beside a treated non-event")
            )
            raise InvalidValueError(
                f"the Mantel-Haenszel odds ratio is undefined: no study has a {which}",
                column="method",
                allowed=_INSTEAD,
            )
        p, q = (a + d) / n, (b + c) / n
        var = 0.5 * (
            np.dot(p, r) / big_r**2
            + (np.dot(p, s) + np.dot(q, r)) / (big_r * big_s)
            + np.dot(q, s) / big_s**2
        )
        return math.log(big_r / big_s), math.sqrt(var), b * c / n
    if measure == "RR":
        if a.sum() == 0 or c.sum() == 0:
            arm = "treated" if a.sum() == 0 else "control"
            raise InvalidValueError(
                f"the Mantel-Haenszel risk ratio is undefined: no {arm} events in any study",
                column="method",
                allowed=_INSTEAD,
            )
        big_r, big_s = float(np.dot(a, n2 / n)), float(np.dot(c, n1 / n))
        var = float(np.sum(n1 / n * n2 / n * (a + c) - a / n * c)) / (big_r * big_s)
        return math.log(big_r / big_s), math.sqrt(var), c * n1 / n
    den = float(np.sum(n1 * (n2 / n)))
    beta = float(np.sum(a * (n2 / n) - c * (n1 / n))) / den
    num = (
        beta
        * float(np.sum(c * (n1 / n) ** 2 - a * (n2 / n) ** 2 + n1 / n * (n2 / n) * (n2 - n1) / 2))
        + float(np.sum(a * (n2 - c) / n + c * (n1 - a) / n)) / 2
    )
    return beta, math.sqrt(num / den**2), n1 * n2 / n  # Sato's variance


def _peto(a, b, c, d) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Peto's one-step log odds ratio, its SE, each study's O - E and V."""
    n1, n2 = a + b, c + d
    n = n1 + n2
    xt, yt = a + c, b + d
    o_e = a - xt * n1 / n
    v = xt * yt * (n1 / n) * (n2 / n) / (n - 1)
    if v.sum() == 0:
        raise InvalidValueError(
            "the Peto odds ratio is undefined: every study has no events (or only events)",
            column="method",
            allowed="studies with events in some arm",
        )
    return float(o_e.sum() / v.sum()), 1 / math.sqrt(v.sum()), o_e, v


def _heterogeneity(y: np.ndarray, v: np.ndarray, beta: float) -> tuple[float, int, float]:
    """Q against ``beta``, its df and I^2 = (Q - df) / Q (fixed-effect methods, metafor)."""
    if len(y) < 2:
        return 0.0, 0, 0.0
    q = max(0.0, float(np.sum((y - beta) ** 2 / v)))
    df = len(y) - 1
    return q, df, (max(0.0, 100 * (q - df) / q) if q > 0 else 0.0)


# --------------------------------------------------------------------------------------------
# pool
# --------------------------------------------------------------------------------------------
def _check_options(measure: object, method: object, hksj: object, confidence: object) -> float:
    if measure not in MEASURES:
        raise InvalidValueError(
            f"unknown measure {measure!r}", column="measure", allowed=", ".join(MEASURES)
        )
    if method not in METHODS:
        raise InvalidValueError(
            f"unknown method {method!r}", column="method", allowed=", ".join(METHODS)
        )
    if method == "Peto" and measure != "OR":
        raise InvalidValueError(
            f"Peto's method gives an odds ratio, not a {MEASURES[measure]}",
            column="measure",
            allowed="OR with method='Peto'",
        )
    if not isinstance(hksj, bool):
        raise InvalidValueError(f"{hksj!r} is not True or False", column="hksj", allowed="a bool")
    if hksj and method not in _IV:
        raise InvalidValueError(
            f"HKSJ adjusts a random-effects interval; {method} is a fixed-effect method",
            column="hksj",
            allowed="hksj=True with REML, DL or PM",
        )
    if isinstance(confidence, bool) or not isinstance(confidence, Real) or not 0 < confidence < 1:
        raise InvalidValueError(
            f"{confidence!r} is not a confidence level", column="confidence", allowed="0 to 1"
        )
    return float(confidence)


def _random_effects(method, y, v, hksj, confidence) -> dict:
    k = len(y)
    tau2 = TAU2[method](y, v) if k > 1 else 0.0
    w = 1 / (v + tau2)
    sw = float(w.sum())
    theta = float(np.dot(w, y)) / sw
    se, crit, quantile = math.sqrt(1 / sw), _crit(confidence, None), "normal"
    if hksj:
        rss = float(np.dot(w, (y - theta) ** 2))
        s2w = 0.0 if rss <= np.finfo(float).eps else rss / (k - 1)
        se, crit, quantile = math.sqrt(s2w / sw), _crit(confidence, k - 1), f"t({k - 1})"
    half_pi = crit * math.sqrt(se**2 + tau2)
    wf = 1 / v
    q, q_df = 0.0, 0
    i2 = math.nan
    if k > 1:
        theta_fe = float(np.dot(wf, y) / wf.sum())
        q, q_df = max(0.0, float(np.dot(wf, (y - theta_fe) ** 2))), k - 1
        s2 = (k - 1) * wf.sum() / (wf.sum() ** 2 - np.dot(wf, wf))  # typical within variance
        i2 = 100 * tau2 / (s2 + tau2)
    return {
        "theta": theta,
        "se": se,
        "crit": crit,
        "quantile": quantile,
        "tau2": float(tau2),
        "pi": (theta - half_pi, theta + half_pi),
        "q": q,
        "q_df": q_df,
        "i2": float(i2),
        "weights": 100 * w / sw,
    }


def pool(
    treated_events: Sequence[int],
    treated_total: Sequence[int],
    control_events: Sequence[int],
    control_total: Sequence[int],
    *,
    measure: str = "RR",
    method: str = "REML",
    hksj: bool = False,
    confidence: float = 0.95,
    labels: Sequence[str] | None = None,
    warn: bool = True,
) -> PoolResult:
    """Pool two-arm trials (one value per study in each of the four sequences).

    Parameters
    ----------
    treated_events, treated_total, control_events, control_total : sequence of int
        Each study's counts, in the same order.
    measure : {"RR", "OR", "RD"}, default "RR"
    method : {"REML", "DL", "PM", "MH", "Peto"}, default "REML"
        Peto is for the odds ratio only.
    hksj : bool, default False
        Hartung-Knapp-Sidik-Jonkman interval (random-effects methods, k >= 2).
    confidence : float, default 0.95
    labels : sequence of str, optional
        Study names (default ``"Study 1"`` ...).
    warn : bool, default True
        Issue the :class:`FewStudiesWarning` with :func:`warnings.warn` when k < 5 (it is
        kept in :attr:`PoolResult.warnings` either way, for the views).

    Returns
    -------
    PoolResult

    Raises
    ------
    jia_teach.rules.errors.InvalidValueError
        Counts that are not whole, negative, events above totals, unequal lengths, an unknown
        measure or method, Peto with RR/RD, HKSJ with MH/Peto or with one study, or a
        Mantel-Haenszel/Peto estimate that does not exist for these tables.
    PoolConvergenceError
        When the REML or Paule-Mandel root finder does not converge.

    Examples
    --------
    >>> r = pool([36, 8], [43, 12], [4, 1], [41, 12], measure="OR", method="MH", warn=False)
    >>> round(r.estimate, 1), r.pi_low is None, r.tau2
    (39.0, True, 0.0)
    """
    confidence = _check_options(measure, method, hksj, confidence)
    a, b, c, d = _tables(treated_events, treated_total, control_events, control_total)
    k = len(a)
    if labels is None:
        labels = tuple(f"Study {i + 1}" for i in range(k))
    else:
        labels = tuple(str(x) for x in labels)
        if len(labels) != k:
            raise InvalidValueError(
                f"{len(labels)} labels for {k} studies", column="labels", allowed=f"{k} labels"
            )
    if hksj and k < 2:
        raise InvalidValueError(
            "HKSJ needs k - 1 >= 1 degrees of freedom", column="hksj", allowed="k >= 2 studies"
        )
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    dz = ((a == 0) & (c == 0)) | ((b == 0) & (d == 0))
    y, v = _escalc(measure, a, b, c, d)
    notes: list[str] = []
    if method in _IV:
        fit = _random_effects(method, y, v, hksj, confidence)
        study_y, study_v = y, v
        if zero.any():
            notes.append(
                f"0.5 added to all four cells of {_names(labels, zero)} (a zero cell; "
                "metafor's add=1/2, to='only0')"
            )
        if dz.any():
            notes.append(
                f"No events (or only events) in either arm: {_names(labels, dz)}; kept with "
                "the 0.5 correction, as metafor's rma() does by default (drop00=FALSE)"
            )
        notes.append(
            f"tau\u00b2 by {method}; {'HKSJ standard error; ' if hksj else ''}"
            f"{fit['quantile']} quantile for the confidence and the prediction interval "
            "(as metafor's predict() gives it by default)"
        )
    else:
        keep = ~dz
        if method == "MH":
            theta, se, raw_w = _mh(measure, a, b, c, d)
            study_y, study_v = np.where(dz, np.nan, y), np.where(dz, np.nan, v)
            q, q_df, i2 = _heterogeneity(y[keep], v[keep], theta)
            notes.append(
                "Mantel-Haenszel: no continuity correction in the pooled estimate"
                + ("; Q and I\u00b2 use the 0.5-corrected study estimates" if zero.any() else "")
            )
        else:
            theta, se, o_e, raw_w = _peto(a, b, c, d)
            with np.errstate(divide="ignore", invalid="ignore"):
                study_y, study_v = o_e / raw_w, 1 / raw_w
            study_y, study_v = np.where(dz, np.nan, study_y), np.where(dz, np.nan, study_v)
            q, q_df, i2 = _heterogeneity(study_y[keep], study_v[keep], theta)
            notes.append("Peto one-step odds ratio: no continuity correction")
        if dz.any():
            what = (
                "they count in the MH risk difference (weight n1 n2 / N)"
                if method == "MH" and measure == "RD"
                else "they add nothing to the pooled estimate"
            )
            notes.append(
                f"No events (or only events) in either arm: {_names(labels, dz)}; {what} and "
                f"are left out of Q, as metafor's rma.{method.lower()}() does (drop00=TRUE)"
            )
        fit = {
            "theta": theta,
            "se": se,
            "crit": _crit(confidence, None),
            "quantile": "normal",
            "tau2": 0.0,
            "pi": None,
            "q": q,
            "q_df": q_df,
            "i2": i2,
            "weights": 100 * raw_w / raw_w.sum(),
        }
    back = float if measure == "RD" else math.exp
    theta, half = fit["theta"], fit["crit"] * fit["se"]
    z = _crit(confidence, None)
    with np.errstate(invalid="ignore"):
        s_se = np.sqrt(study_v)
    s_lo, s_hi = study_y - z * s_se, study_y + z * s_se
    if measure != "RD":
        study_y, s_lo, s_hi = np.exp(study_y), np.exp(s_lo), np.exp(s_hi)
    warns: tuple[FewStudiesWarning, ...] = ()
    if k < FEW_STUDIES:
        warns = (
            FewStudiesWarning(
                f"Only {k} {'study' if k == 1 else 'studies'}: with fewer than {FEW_STUDIES}, "
                "between-study heterogeneity (tau\u00b2, I\u00b2) and the prediction interval "
                "are poorly estimated."
            ),
        )
        if warn:
            warnings.warn(warns[0], stacklevel=2)
    pi = fit["pi"]
    return PoolResult(
        measure=measure,
        method=method,
        hksj=hksj,
        confidence=confidence,
        k=k,
        estimate=back(theta),
        ci_low=back(theta - half),
        ci_high=back(theta + half),
        theta=theta,
        se=fit["se"],
        tau2=fit["tau2"],
        pi_low=None if pi is None else back(pi[0]),
        pi_high=None if pi is None else back(pi[1]),
        i2=fit["i2"],
        q=fit["q"],
        q_df=fit["q_df"],
        q_p=_chi2_sf(fit["q"], fit["q_df"]),
        quantile=fit["quantile"],
        labels=labels,
        counts=tuple((int(a[i]), int(a[i] + b[i]), int(c[i]), int(c[i] + d[i])) for i in range(k)),
        study_estimates=tuple(float(x) for x in study_y),
        study_ci_low=tuple(float(x) for x in s_lo),
        study_ci_high=tuple(float(x) for x in s_hi),
        weights=tuple(float(x) for x in fit["weights"]),
        corrected=tuple(lab for lab, zz in zip(labels, zero, strict=True) if zz)
        if method in _IV
        else (),
        double_zero=tuple(lab for lab, zz in zip(labels, dz, strict=True) if zz),
        notes=tuple(notes),
        warnings=warns,
    )
