"""Small display objects: a table and a caption that show themselves in a notebook, the book,
a slide and plain text alike.

They hold text only and import nothing, so every layer may return one: the appraisal's
summary-of-findings table and the views' evidence tables are the same :class:`Table`
(:mod:`jia_teach.present.display` shows them to the views under their usual name).

A :class:`Table` is text already decided by the library (labels, figures, reasons); it only
lays them out: an HTML table with a caption and column headers for screen readers, or
``|``-separated plain text (what nbval compares). A :class:`Caption` is a figure's
plain-language caption as wrapped prose (HTML), not as printed monospace text.

Examples
--------
>>> t = Table(("Arm", "Figure"), (("Tocilizumab", "64/75 (85%)"),), caption="Primary end point")
>>> print(t)
Primary end point
Arm | Figure
Tocilizumab | 64/75 (85%)
>>> "<caption>Primary end point</caption>" in t._repr_html_()
True
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Caption", "Table", "key_value_html", "key_value_text"]


@dataclass(frozen=True)
class Table:
    """A small text table that shows itself whole (no truncation) in HTML and plain text.

    Attributes
    ----------
    columns : tuple of str
        Column headers.
    rows : tuple of tuple of str
        The cells, as text.
    caption : str
        What the table shows (an HTML ``<caption>``; the first line of the text form).
    note : str
        A line under the table (sources, what is derived).
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    note: str = ""

    @classmethod
    def from_records(
        cls,
        records: Sequence[dict[str, Any]],
        columns: Sequence[str] | None = None,
        *,
        caption: str = "",
        note: str = "",
    ) -> Table:
        """A table of dicts (one per row); ``columns`` picks and orders them.

        Examples
        --------
        >>> print(Table.from_records([{"a": 1, "b": "x"}], ["b", "a"]))
        b | a
        x | 1
        """
        cols = tuple(columns) if columns is not None else tuple(records[0]) if records else ()
        rows = tuple(
            tuple("" if r.get(c) is None else str(r.get(c)) for c in cols) for r in records
        )
        return cls(cols, rows, caption, note)

    def __str__(self) -> str:
        lines = [self.caption] if self.caption else []
        lines += [" | ".join(r) for r in (self.columns, *self.rows)]
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        esc = html.escape
        cap = f"<caption>{esc(self.caption)}</caption>" if self.caption else ""
        head = "".join(
            f"<th scope='col' style='text-align:left'>{esc(c)}</th>" for c in self.columns
        )
        body = "".join(
            "<tr>" + "".join(f"<td style='text-align:left'>{esc(v)}</td>" for v in r) + "</tr>"
            for r in self.rows
        )
        note = f"<p class='jia-table-note'>{esc(self.note)}</p>" if self.note else ""
        return (
            f"<table class='jia-table'>{cap}<thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>{note}"
        )


@dataclass(frozen=True)
class Caption:
    """A figure's caption as prose: a paragraph in HTML, the sentence in plain text.

    Examples
    --------
    >>> c = Caption("Each row shows how many more patients responded.")
    >>> c._repr_html_()
    "<p class='jia-figure-caption'>Each row shows how many more patients responded.</p>"
    """

    text: str

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return f"<p class='jia-figure-caption'>{html.escape(self.text)}</p>"


def key_value_text(rows: Sequence[tuple[str, str]], label: str = "") -> str:
    """A result as plain text: its label (if any), then one ``name: value`` line per row.

    Examples
    --------
    >>> print(key_value_text([("Risk difference", "61 points")], label="TENDER"))
    TENDER
    Risk difference: 61 points
    """
    head = [label] if label else []
    return "\n".join(head + [f"{k}: {v}" for k, v in rows])


def key_value_html(rows: Sequence[tuple[str, str]], css_class: str, label: str = "") -> str:
    """The same result as an HTML table: the label as caption, a row header per name.

    Examples
    --------
    >>> key_value_html([("P", "5%")], "jia-bayes")
    "<table class='jia-bayes'><tr><th style='text-align:left'>P</th><td \
style='text-align:left'>5%</td></tr></table>"
    """
    cap = f"<caption>{html.escape(label)}</caption>" if label else ""
    cells = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
        f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    return f"<table class='{css_class}'>{cap}{cells}</table>"
