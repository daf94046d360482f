"""Errors and warnings raised by jia-teach.

Every user-facing problem is a :class:`JiaInputError`, a :class:`ValueError`
subclass whose message names the field, the row (1-based, as a spreadsheet
user counts) and the allowed range, so that a clinician can fix the input
without reading a traceback.
"""

from __future__ import annotations

__all__ = [
    "DataFileError",
    "InvalidValueError",
    "JiaInputError",
    "MalformedFileError",
    "MissingColumnError",
    "OutputExistsError",
    "UnknownColumnError",
]


class JiaInputError(ValueError):
    """Base class: the input given to jia-teach cannot be used as it is.

    Attributes
    ----------
    column : str or None
        The column or field at fault.
    row : int or None
        The 1-based data row (row 1 is the first row below the header).
    allowed : str or None
        What would have been accepted, in words (e.g. ``"0 to 10 cm"``).
    """

    def __init__(
        self,
        problem: str,
        *,
        column: str | None = None,
        row: int | None = None,
        allowed: str | None = None,
    ) -> None:
        self.problem = problem
        self.column = column
        self.row = row
        self.allowed = allowed
        super().__init__(self.describe())

    def describe(self, row_label: str | None = None) -> str:
        """Compose the message; ``row_label`` replaces the default ``'row N'``.

        Examples
        --------
        >>> e = InvalidValueError("12 is out of range", column="chaq_followup", row=3,
        ...                       allowed="0 to 3")
        >>> str(e)
        "row 3, column 'chaq_followup': 12 is out of range (allowed: 0 to 3)"
        >>> e.describe(row_label="visits.csv line 4")
        "visits.csv line 4, column 'chaq_followup': 12 is out of range (allowed: 0 to 3)"
        """
        where = []
        if self.row is not None:
            where.append(row_label or f"row {self.row}")
        elif row_label:
            where.append(row_label)
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = ", ".join(where)
        text = f"{text}: {self.problem}" if text else self.problem
        if self.allowed:
            text += f" (allowed: {self.allowed})"
        return text


class MissingColumnError(JiaInputError):
    """A column the computation needs is absent."""


class UnknownColumnError(JiaInputError):
    """A column looks like a core-set column but names no known variable."""


class InvalidValueError(JiaInputError):
    """A value is not a number, out of range, or not a whole number where one is needed."""


class MalformedFileError(JiaInputError):
    """A file cannot be read as CSV."""


class OutputExistsError(JiaInputError):
    """Writing would overwrite the input or an existing file, or an input column."""


class DataFileError(JiaInputError):
    """A file in ``data/`` does not match its documented schema."""
