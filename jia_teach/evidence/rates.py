"""The published per-arm rates of a response definition, for the simulated cohorts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from jia_teach.evidence.pairs import outcome_pairs, primary_timepoint

__all__ = ["PublishedRate", "published_rate"]


@dataclass(frozen=True)
class PublishedRate:
    """A published per-arm rate of one response definition (percent as the source states it).

    ``status`` joins the two arms' statuses (e.g. ``"derived"``: the percentages are
    reported, the counts derived).
    """

    trial: str
    endpoint: str
    timepoint: str
    treated: float
    control: float
    status: str
    source: str


_ENDPOINT_RE = re.compile(r"^(adapted_)?acr(\d+)(_no_fever)?$")


def published_rate(trial: str, level: int, no_fever: bool) -> PublishedRate | None:
    """The published rates of the standard JIA ACR definition at ``level`` for ``trial``.

    The standard rule is >= ``level`` % better in >= 3 of 6 with no more than 1 worse by more
    than 30 %; ``no_fever`` adds the fever rule (``acrL_no_fever`` or ``adapted_acrL``). Of
    the time points with figures, the trial's primary one is preferred, else the first in the
    data. None when no source gives both arms' percentages (or a figure is UNCONFIRMED).

    Examples
    --------
    >>> r = published_rate("TENDER", 30, False)
    >>> r.endpoint, r.treated, r.control, r.status
    ('acr30', 91.0, 24.0, 'derived')
    >>> published_rate("canakinumab-1", 70, True).timepoint
    'month 1'
    >>> published_rate("canakinumab-1", 50, True) is None
    True
    """
    primary = primary_timepoint(trial)
    found = []
    for p in outcome_pairs(trial):
        m = _ENDPOINT_RE.match(p.measure)
        if m is None or int(m.group(2)) != level:
            continue
        if bool(m.group(1) or m.group(3)) != no_fever:
            continue
        if p.treated is None or p.control is None or p.treated.percent is None:
            continue
        if p.control.percent is None or any(f.status == "unconfirmed" for f in p.figures):
            continue
        found.append(p)
    if not found:
        return None
    chosen = next((p for p in found if p.timepoint == primary), found[0])
    t, c = chosen.treated, chosen.control
    assert t is not None and c is not None  # checked above (for type checkers)
    return PublishedRate(
        trial=trial,
        endpoint=chosen.measure,
        timepoint=chosen.timepoint,
        treated=float(t.percent),  # type: ignore[arg-type]
        control=float(c.percent),  # type: ignore[arg-type]
        status="/".join(sorted({t.status, c.status})),
        source=t.source,
    )
