"""Reading the cells of one column: yes/no answers, and the one error for a bad cell.

Every column reader of :mod:`jia_teach.scoring` words a bad cell the same way: the value as
the user typed it (:func:`show`), what it is not, and the first row that holds it
(:func:`raise_first`, 1-based, like :class:`~jia_teach.rules.errors.InvalidValueError`).

Examples
--------
>>> import pandas as pd
>>> yes, blank = yes_no_cells(pd.Series(["yes", "", "0"]), "fever")
>>> yes.tolist(), blank.tolist()
([True, False, False], [False, True, False])
>>> yes_no_cells(pd.Series(["yes", "maybe"]), "fever")
Traceback (most recent call last):
...
jia_teach.rules.errors.InvalidValueError: row 2, column 'fever': 'maybe' is not a yes/no answer \
(allowed: yes/no, true/false, 1/0, or blank for unknown)
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from typing import Any

import numpy as np
import pandas as pd

from jia_teach.rules.errors import InvalidValueError, MissingColumnError

__all__ = ["NO", "YES", "raise_first", "show", "yes_no_cells"]

#: The answers read as yes and as no (lower case; ``1.0`` is read as ``1``).
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})


def show(value: Any) -> str:
    """A cell as the user typed it (no numpy reprs; text quoted).

    Examples
    --------
    >>> show(np.float64(5.0)), show(np.int64(2)), show("maybe"), show(2.5)
    ('5', '2', "'maybe'", '2.5')
    """
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return f"{float(value):g}"
    if isinstance(value, (np.generic,)):
        return str(value.item())
    return repr(value) if isinstance(value, str) else str(value)


def need_columns(table: pd.DataFrame, names: Collection[str], allowed: str | None = None) -> None:
    """Raise for the first of ``names`` not a column of ``table``, with the closest name.

    Examples
    --------
    >>> need_columns(pd.DataFrame(columns=["fevr"]), ["fever"])
    Traceback (most recent call last):
    ...
    jia_teach.rules.errors.MissingColumnError: column 'fever': missing column 'fever'; did you \
mean 'fevr'? (allowed: fevr)
    """
    columns = [str(c) for c in table.columns]
    for name in names:
        if name not in columns:
            close = difflib.get_close_matches(name, columns, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise MissingColumnError(
                f"missing column {name!r}{hint}",
                column=name,
                allowed=", ".join(columns) if allowed is None else allowed,
            )


def raise_first(
    bad: np.ndarray, values: pd.Series | np.ndarray, problem: str, *, column: str, allowed: str
) -> None:
    """Raise for the first True of ``bad``: ``"<cell> <problem>"``, with its row and column.

    Examples
    --------
    >>> raise_first(np.array([False, True]), np.array([1.0, 2.5]), "is not a whole number",
    ...             column="active_joints", allowed="whole numbers")
    Traceback (most recent call last):
    ...
    jia_teach.rules.errors.InvalidValueError: row 2, column 'active_joints': 2.5 is not a whole \
number (allowed: whole numbers)
    """
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        cell = values.iloc[pos] if isinstance(values, pd.Series) else values[pos]
        raise InvalidValueError(
            f"{show(cell)} {problem}", column=column, row=pos + 1, allowed=allowed
        )


def yes_no_cells(
    values: pd.Series,
    column: str,
    what: str = "yes/no answer",
    yes: Collection[str] = YES,
    no: Collection[str] = NO,
) -> tuple[np.ndarray, np.ndarray]:
    """(yes, blank) masks of a column of text yes/no answers; anything else an error.

    Parameters
    ----------
    values : pandas.Series
        The column (text, numbers 1/0, or booleans as text).
    column : str
        Its name, for the error.
    what : str
        What a cell should be, for the error (``"fever answer"``).
    yes, no : collection of str
        The lower-case answers read as yes and as no.
    """
    text = values.astype("string").str.strip().str.lower().str.replace(r"\.0$", "", regex=True)
    blank = (text.isna() | (text == "")).to_numpy(dtype=bool)
    is_yes = text.isin(list(yes)).to_numpy(dtype=bool, na_value=False)
    is_no = text.isin(list(no)).to_numpy(dtype=bool, na_value=False)
    raise_first(
        ~(blank | is_yes | is_no),
        values,
        f"is not a {what}",
        column=column,
        allowed="yes/no, true/false, 1/0, or blank for unknown",
    )
    return is_yes, blank
