"""One reader of a data row into a record: each field from the column of its name.

The evidence and appraisal records (:class:`~jia_teach.evidence.arm_figures.ArmFigure`,
:class:`~jia_teach.evidence.reported.ReportedEffect`, the risk-of-bias judgements) are frozen
dataclasses whose fields are named after the columns of their file. :func:`from_row` fills
them by those names and converts each cell by the field's type, so a column is read the same
way everywhere and a record's reader is one line.

Examples
--------
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Count:
...     trial: str
...     events: int | None
...     note: str | None
>>> from_row(Count, {"trial": "TENDER", "events": 64.0, "note": float("nan")})
Count(trial='TENDER', events=64, note=None)
"""

from __future__ import annotations

import dataclasses
import sys
import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar

import pandas as pd

__all__ = ["blank_to_none", "from_row"]

T = TypeVar("T")


def blank_to_none(x: object) -> Any:
    """``None`` for an empty cell (``None`` or NaN), the cell itself otherwise.

    Examples
    --------
    >>> blank_to_none(float("nan")) is None, blank_to_none("")
    (True, '')
    """
    return None if x is None or (not isinstance(x, str) and pd.isna(x)) else x


@cache
def _converters(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    """(field, converter, optional) for each field of the dataclass ``cls``."""
    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    out = []
    for f in dataclasses.fields(cls):
        kind = hints[f.name]
        args = typing.get_args(kind)
        optional = isinstance(kind, types.UnionType) and type(None) in args
        base = next(a for a in args if a is not type(None)) if optional else kind
        out.append((f.name, base if base in (str, int, float) else None, optional))
    return tuple(out)


def from_row(cls: type[T], row: Mapping[str, Any], /, **given: Any) -> T:
    """The record ``cls`` (a dataclass) from a data row, by column name.

    Each field not in ``given`` is read from the column of its name and converted by its
    annotation: ``str``, ``int`` or ``float``, and ``X | None`` gives ``None`` for an empty cell
    (see :func:`blank_to_none`). A field whose column is absent keeps its default.

    Parameters
    ----------
    cls : dataclass type
    row : mapping
        One row, e.g. a record of ``DataFrame.to_dict("records")``.
    **given
        Fields whose values the caller decides (a renamed column, a derived value).

    Examples
    --------
    >>> from jia_teach.evidence.reported import ReportedEffect
    >>> from jia_teach import data
    >>> r = data.load_reported_effects().to_dict("records")[0]
    >>> from_row(ReportedEffect, r).effect_id
    'canakinumab2_flare_hr'
    """
    values = dict(given)
    for name, convert, optional in _converters(cls):
        if name in values or name not in row:
            continue
        cell = row[name]
        if optional and blank_to_none(cell) is None:
            values[name] = None
        else:
            values[name] = cell if convert is None else convert(cell)
    return cls(**values)
