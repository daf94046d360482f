"""Between-study variance (tau^2) of a random-effects meta-analysis: DL, Paule-Mandel, REML.

Every estimator is truncated at 0. The iterative ones find a root with
:func:`scipy.optimize.brentq` on a bracket (absolute tolerance 1e-14 on tau^2, at most 200
iterations) and raise :class:`PoolConvergenceError` when it does not converge, never returning
an unconverged value:

* DerSimonian-Laird: ``max(0, (Q - (k - 1)) / (sum w - sum w^2 / sum w))``, fixed-effect w;
* Paule-Mandel: the root of ``Q_gen(tau^2) = k - 1`` (``Q_gen`` falls as tau^2 grows, so the
  root is unique); 0 when ``Q_gen(0) <= k - 1``;
* REML: the tau^2 >= 0 of greatest restricted likelihood (see :func:`tau2_reml`).

Examples
--------
>>> import numpy as np
>>> y, v = np.array([0.1, 0.9, 0.4]), np.array([0.04, 0.05, 0.03])
>>> round(tau2_dl(y, v), 4), round(tau2_pm(y, v), 4), round(tau2_reml(y, v), 4)
(0.1012, 0.1177, 0.1117)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["TAU2", "PoolConvergenceError", "tau2_dl", "tau2_pm", "tau2_reml"]

_TOL = 1e-14  # absolute tolerance on tau^2 for the root finders
_MAXITER = 200


class PoolConvergenceError(RuntimeError):
    """The tau^2 root finder did not converge (never silently returned)."""


def _bracket(f, lo: float, start: float) -> float:
    """An upper end ``hi`` with ``f(hi) < 0`` (f decreasing in the limit), or an error."""
    hi = max(start, 1e-4)
    for _ in range(80):
        if f(hi) < 0:
            return hi
        hi *= 4.0
    raise PoolConvergenceError(f"no upper bracket for tau\u00b2 below {hi:.3g}")


def _root(f, lo: float, hi: float, what: str) -> float:
    from scipy.optimize import brentq

    root, info = brentq(
        f, lo, hi, xtol=_TOL, rtol=8.9e-16, maxiter=_MAXITER, full_output=True, disp=False
    )
    if not info.converged:
        raise PoolConvergenceError(
            f"{what}: the root finder did not converge in {_MAXITER} iterations "
            f"({info.flag}); tau\u00b2 is not reported"
        )
    return float(root)


def tau2_dl(y: np.ndarray, v: np.ndarray) -> float:
    w = 1 / v
    mu = np.dot(w, y) / w.sum()
    q = float(np.dot(w, (y - mu) ** 2))
    c = w.sum() - np.dot(w, w) / w.sum()
    return max(0.0, float((q - (len(y) - 1)) / c))


def tau2_pm(y: np.ndarray, v: np.ndarray) -> float:
    k = len(y)

    def f(t2: float) -> float:
        w = 1 / (v + t2)
        mu = np.dot(w, y) / w.sum()
        return float(np.dot(w, (y - mu) ** 2)) - (k - 1)

    if f(0.0) <= 0:
        return 0.0
    return _root(f, 0.0, _bracket(f, 0.0, float(np.var(y, ddof=1))), "Paule-Mandel tau\u00b2")


def _restricted_ll(y: np.ndarray, v: np.ndarray, t2: np.ndarray) -> np.ndarray:
    """The restricted log likelihood (up to a constant) at each tau^2 of ``t2``."""
    w = 1 / (v[None, :] + t2[:, None])
    sw = w.sum(axis=1)
    mu = (w @ y) / sw
    rss = np.einsum("ij,ij->i", w, (y[None, :] - mu[:, None]) ** 2)
    return -0.5 * (np.log(v[None, :] + t2[:, None]).sum(axis=1) + np.log(sw) + rss)


def _reml_score(y: np.ndarray, v: np.ndarray, t2: np.ndarray) -> np.ndarray:
    """Twice the derivative of :func:`_restricted_ll` with respect to tau^2."""
    w = 1 / (v[None, :] + t2[:, None])
    sw = w.sum(axis=1)
    mu = (w @ y) / sw
    w2 = w * w
    return np.einsum("ij,ij->i", w2, (y[None, :] - mu[:, None]) ** 2) - sw + w2.sum(axis=1) / sw


def tau2_reml(y: np.ndarray, v: np.ndarray) -> float:
    """The tau^2 >= 0 of greatest restricted likelihood.

    The likelihood can have two local maxima (one at 0): the score is evaluated on a grid up to
    a point beyond which it stays negative, every + to - sign change is solved by ``brentq``
    (with its convergence check), and the candidate (those roots, and 0 when the score is not
    positive there) with the greatest restricted likelihood is returned. metafor's Fisher
    scoring, started at the Hedges estimate and checked against tau^2 = 0, finds the same
    point in every case of the tests.
    """

    def score(t2: float) -> float:
        return float(_reml_score(y, v, np.array([t2]))[0])

    hi = _bracket(score, 0.0, 2 * float(np.var(y, ddof=1)) + float(v.mean()))
    grid = np.concatenate(([0.0], np.geomspace(hi * 1e-9, hi, 96)))
    s = _reml_score(y, v, grid)
    cands = [0.0] if s[0] <= 0 else []
    for j in np.flatnonzero((s[:-1] > 0) & (s[1:] <= 0)):
        cands.append(_root(score, float(grid[j]), float(grid[j + 1]), "REML tau\u00b2"))
    if not cands:  # pragma: no cover - the score is negative at hi, so a crossing exists
        raise PoolConvergenceError("REML tau\u00b2: no maximum of the restricted likelihood found")
    if len(cands) == 1:
        return cands[0]
    ll = _restricted_ll(y, v, np.asarray(cands))
    return float(cands[int(np.argmax(ll))])


#: Estimator by method name.
TAU2: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "REML": tau2_reml,
    "DL": tau2_dl,
    "PM": tau2_pm,
}
