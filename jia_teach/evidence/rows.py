"""The rows of a data table a tutorial shows: one question, one call.

Tutorials and slides ask :func:`rows` (or :func:`row`, for exactly one) instead of filtering
the loaders' data frames themselves, so every data-row question goes through
:mod:`jia_teach.evidence`. The frames keep the file's row index, so a table shown in a tutorial
is the file's own rows.

Examples
--------
>>> rows("designs", trial="TENDER")[["arm", "n"]].to_dict("records")
[{'arm': 'all', 'n': 112}, {'arm': 'tocilizumab', 'n': 75}, {'arm': 'placebo', 'n': 37}]
>>> r = row("outcomes", trial="TENDER", arm="tocilizumab", endpoint="acr30_no_fever",
...         timepoint="week 12")
>>> int(r["events"]), int(r["total"])
(64, 75)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from jia_teach import data
from jia_teach.rules.errors import InvalidValueError

__all__ = ["TABLES", "row", "rows"]

#: The tables a tutorial may ask for, by name.
TABLES: dict[str, Callable[[], pd.DataFrame]] = {
    "designs": data.load_designs,
    "outcomes": data.load_outcomes,
    "appraisal_outcomes": data.load_appraisal_outcomes,
    "baseline": data.load_baseline,
    "adverse_events": data.load_adverse_events,
    "reported_effects": data.load_reported_effects,
    "source_claims": data.load_source_claims,
    "sources": data.load_sources,
}


def rows(table: str, **where: Any) -> pd.DataFrame:
    """The rows of ``table`` whose columns match ``where``, in file order, with the file's index.

    Parameters
    ----------
    table : str
        One of :data:`TABLES`.
    **where
        Column -> a value (equal), a list or tuple of values (any of them), or a function of
        the column returning a boolean mask (e.g. ``lambda s: s.str.startswith("gc_")``).

    Raises
    ------
    InvalidValueError
        An unknown table or column, naming what exists.

    Examples
    --------
    >>> taper = rows("outcomes", trial="canakinumab-2", endpoint=lambda s: s.str.startswith("gc_"))
    >>> sorted(set(taper["endpoint"]))[:2]
    ['gc_discontinued', 'gc_taper_attempted']
    """
    if table not in TABLES:
        raise InvalidValueError(
            f"{table!r} is not a table", column="table", allowed=", ".join(TABLES)
        )
    frame = TABLES[table]()
    mask = pd.Series(True, index=frame.index)
    for column, wanted in where.items():
        if column not in frame.columns:
            raise InvalidValueError(
                f"{table} has no column {column!r}", column=column, allowed=", ".join(frame.columns)
            )
        values = frame[column]
        if callable(wanted):
            mask &= pd.Series(wanted(values), index=frame.index).fillna(False).astype(bool)
        elif isinstance(wanted, Iterable) and not isinstance(wanted, str):
            mask &= values.isin(list(wanted)).fillna(False).astype(bool)
        else:
            mask &= (values == wanted).fillna(False).astype(bool)
    return frame[mask]


def row(table: str, **where: Any) -> pd.Series:
    """The one row of ``table`` matching ``where``; an error if none or several match.

    Examples
    --------
    >>> row("designs", trial="TENDER", arm="all")["n"]
    np.int64(112)
    """
    found = rows(table, **where)
    if len(found) != 1:
        raise LookupError(f"{len(found)} rows of {table} match {where}")
    return found.iloc[0]
