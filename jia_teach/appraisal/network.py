"""A star network (every drug against placebo) read as a league table of indirect comparisons.

Each drug's effect against placebo comes from :func:`jia_teach.effects.pooling.pool` (one
trial or several). Drug A against drug B is Bucher's adjusted indirect comparison, generalised
from one trial per drug to a pooled effect per drug:

    theta(A vs B) = theta(A vs P) - theta(B vs P)
    SE = sqrt(SE(A vs P)^2 + SE(B vs P)^2)

with a normal-quantile interval, on the log scale for RR and OR. With one trial per drug and
an inverse-variance pool this is exactly :func:`jia_teach.appraisal.indirect.bucher` (the same
0.5 correction of a zero-cell table; the tests check it), with one exception: for a risk
difference from a table with a zero cell, ``bucher`` uses the raw proportions while ``pool``
adds 0.5 to each cell, as metafor does for every measure. No consistency can be checked in a
star (there is no loop), and each cell is only as valid as the similarity of the trials: the
table carries the differences that make it *not a ranking* (``caveats``).

Examples
--------
>>> from jia_teach.effects.pooling import pool
>>> can = pool([36], [43], [4], [41], measure="OR", method="DL", warn=False)
>>> toc = pool([64], [75], [9], [37], measure="OR", method="DL", warn=False)
>>> t = league_table({"tocilizumab": toc, "canakinumab": can})
>>> print(t.text("tocilizumab", "canakinumab"))
tocilizumab vs canakinumab: odds ratio 0.38 (95% CI 0.07 to 1.96)
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jia_teach.effects.pooling import MEASURES, PoolResult
from jia_teach.rules.errors import InvalidValueError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["LeagueTable", "league_table"]


@dataclass(frozen=True)
class LeagueTable:
    """Every pair of drugs compared through placebo.

    Attributes
    ----------
    drugs : tuple of str
    measure : str
        ``"RR"``, ``"OR"`` or ``"RD"``.
    theta, se : tuple of float
        Each drug's effect against placebo (analysis scale) and its SE.
    k : tuple of int
        Trials behind each drug's effect.
    confidence : float
    caveats : tuple of str
        Why the cells do not rank the drugs.
    """

    drugs: tuple[str, ...]
    measure: str
    theta: tuple[float, ...]
    se: tuple[float, ...]
    k: tuple[int, ...]
    confidence: float
    caveats: tuple[str, ...] = ()

    def _index(self, drug: str) -> int:
        try:
            return self.drugs.index(drug)
        except ValueError:
            raise InvalidValueError(
                f"unknown drug {drug!r}", column="drug", allowed=", ".join(self.drugs)
            ) from None

    def cell(self, a: str, b: str) -> tuple[float, float, float]:
        """``a`` vs ``b``: estimate and interval on the natural scale."""
        from scipy.special import ndtri

        i, j = self._index(a), self._index(b)
        value = self.theta[i] - self.theta[j]
        se = math.hypot(self.se[i], self.se[j])
        z = float(ndtri(0.5 + self.confidence / 2))
        out = (value, value - z * se, value + z * se)
        return tuple(math.exp(x) for x in out) if self.measure != "RD" else out  # type: ignore

    def _fmt(self, x: float) -> str:
        return f"{x:.2f}" if self.measure != "RD" else f"{100 * x:.1f}"

    def text(self, a: str, b: str) -> str:
        """One cell in words."""
        est, lo, hi = self.cell(a, b)
        unit = "" if self.measure != "RD" else " percentage points"
        pct = f"{100 * self.confidence:g}% CI"
        return (
            f"{a} vs {b}: {MEASURES[self.measure]} {self._fmt(est)}{unit} "
            f"({pct} {self._fmt(lo)} to {self._fmt(hi)})"
        )

    def frame(self) -> pd.DataFrame:
        """The league table: the drug on the diagonal; the cell in row A, column B is A vs B.

        Examples
        --------
        >>> from jia_teach.effects.pooling import pool
        >>> a = pool([36], [43], [4], [41], warn=False)
        >>> b = pool([8], [12], [1], [12], warn=False)
        >>> league_table({"canakinumab": a, "anakinra": b}).frame().shape
        (2, 2)
        """
        import pandas as pd

        cells = [[d if a == d else self._cell_text(a, d) for d in self.drugs] for a in self.drugs]
        frame = pd.DataFrame(cells, index=list(self.drugs), columns=list(self.drugs))
        frame.attrs.update(measure=self.measure, caveats=list(self.caveats))
        return frame

    def _cell_text(self, a: str, b: str) -> str:
        est, lo, hi = self.cell(a, b)
        return f"{self._fmt(est)} ({self._fmt(lo)} to {self._fmt(hi)})"

    def _repr_html_(self) -> str:
        esc = html.escape
        head = "".join(f"<th scope='col'>{esc(d)}</th>" for d in self.drugs)
        body = ""
        for a in self.drugs:
            cells = "".join(
                f"<td><b>{esc(a)}</b></td>" if a == b else f"<td>{esc(self._cell_text(a, b))}</td>"
                for b in self.drugs
            )
            body += f"<tr><th scope='row'>{esc(a)}</th>{cells}</tr>"
        caveats = "".join(f"<li>{esc(c)}</li>" for c in self.caveats)
        pct = f"{100 * self.confidence:g}%"
        return (
            f"<table class='jia-league'><caption>Indirect {esc(MEASURES[self.measure])}s "
            f"({pct} CI), row drug vs column drug, through placebo</caption>"
            f"<tr><th></th>{head}</tr>{body}</table>"
            + (f"<p><b>Not a ranking, because:</b></p><ul>{caveats}</ul>" if caveats else "")
        )


def league_table(
    effects: Mapping[str, PoolResult],
    *,
    confidence: float = 0.95,
    caveats: Sequence[str] = (),
) -> LeagueTable:
    """League table of a star network from each drug's pooled effect against placebo.

    Parameters
    ----------
    effects : mapping of str to PoolResult
        Drug -> its pool against placebo (all on the same measure).
    confidence : float, default 0.95
    caveats : sequence of str
        Why the comparisons are not valid (different end points, time points, populations).
    """
    if len(effects) < 2:
        raise InvalidValueError(
            f"{len(effects)} drug(s)", column="effects", allowed="at least 2 drugs"
        )
    measures = {r.measure for r in effects.values()}
    if len(measures) != 1:
        raise InvalidValueError(
            f"measures {sorted(measures)} differ", column="effects", allowed="one measure"
        )
    if isinstance(confidence, bool) or not 0 < confidence < 1:
        raise InvalidValueError(
            f"{confidence!r} is not a confidence level", column="confidence", allowed="0 to 1"
        )
    drugs = tuple(effects)
    return LeagueTable(
        drugs=drugs,
        measure=measures.pop(),
        theta=tuple(effects[d].theta for d in drugs),
        se=tuple(effects[d].se for d in drugs),
        k=tuple(effects[d].k for d in drugs),
        confidence=float(confidence),
        caveats=tuple(caveats),
    )
