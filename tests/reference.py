"""An independent, per-row reference implementation of the rules, in exact rationals.

Written from the issue text without reusing jia_teach's code, so the vectorised core
is checked against a second implementation rather than against itself.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

HIGHS = (10, 10, 3, 75, 75)  # then the marker: ESR 200 or CRP 500


def grid(i, marker_high=200):
    """Candidate values of variable i over its whole valid range."""
    high = HIGHS[i] if i < 5 else marker_high
    if i in (3, 4):
        return [Fraction(v) for v in range(high + 1)]
    return [Fraction(high) * j / 1000 for j in range(1001)]


def reachable(i, b, f, judge, marker_high=200):
    """The states a cell with a missing value can take (brute force over its range)."""
    if b is None and f is None:
        return {"imp", "wor", "neither"}
    if b is None:
        return {judge(i, v, f) for v in grid(i, marker_high)}
    return {judge(i, b, v) for v in grid(i, marker_high)}


def frac(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else Fraction(str(x))


def status(b, f, level, limit):
    """'imp', 'wor', 'neither' for known values (exact)."""
    if b == 0:
        return "neither" if f == 0 else "wor"
    change = (b - f) / b * 100
    if change >= Fraction(str(level)):
        return "imp"
    if -change > Fraction(str(limit)):
        return "wor"
    return "neither"


def response_known(base, up, level=30, k=3, limit=30, m=1):
    st = [status(b, f, level, limit) for b, f in zip(base, up, strict=True)]
    return st.count("imp") >= k and st.count("wor") <= m


def response(base, up, level=30, k=3, limit=30, m=1, marker_high=200):
    """True/False/None by enumerating what the missing variables could be."""
    base = [frac(x) for x in base]
    up = [frac(x) for x in up]
    missing = [i for i in range(6) if base[i] is None or up[i] is None]
    known = [i for i in range(6) if i not in missing]
    st = [status(base[i], up[i], level, limit) for i in known]

    def judge(_i, b, f):
        return status(b, f, level, limit)

    options = [reachable(i, base[i], up[i], judge, marker_high) for i in missing]
    outcomes = set()
    for combo in itertools.product(*options):
        allst = st + list(combo)
        outcomes.add(allst.count("imp") >= k and allst.count("wor") <= m)
    return outcomes.pop() if len(outcomes) == 1 else None


def flare(
    base, up, level=30, k=3, imp_level=30, m=1, rise_global=2, rise_joints=2, marker_high=200
):
    base = [frac(x) for x in base]
    up = [frac(x) for x in up]

    def judge(i, b, f):
        if b == 0:
            worse_pct = None if f == 0 else math.inf
            imp_pct = 0 if f == 0 else -math.inf
        else:
            imp_pct = (b - f) / b * 100
            worse_pct = -imp_pct
        worse = worse_pct is not None and worse_pct >= Fraction(str(level))
        if i in (0, 1) and rise_global is not None:
            worse = worse and (f - b) >= Fraction(str(rise_global))
        if i in (3, 4) and rise_joints is not None:
            worse = worse and (f - b) >= rise_joints
        improved = imp_pct >= Fraction(str(imp_level))
        return "wor" if worse else ("imp" if improved else "neither")

    states, options = [], []
    for i in range(6):
        if base[i] is None or up[i] is None:
            options.append(reachable(i, base[i], up[i], judge, marker_high))
        else:
            states.append(judge(i, base[i], up[i]))
    outcomes = set()
    for combo in itertools.product(*options):
        allst = states + list(combo)
        outcomes.add(allst.count("wor") >= k and allst.count("imp") <= m)
    return outcomes.pop() if len(outcomes) == 1 else None
