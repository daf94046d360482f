"""Where the records of CSV bytes begin and end, and on which physical line: vectorised scans.

Two scans of a buffer of complete (or, at the end of a file, final) records:

* :func:`plain_records`, for the common block: no quote character, no carriage return, no
  blank line. Every line is one record, so the record count and the line of each record need
  no per-byte analysis; the few facts the reader checks (field and line counts) are counts of
  one byte value each, in numpy. The record boundaries themselves are found only when asked
  (an error that names a line, a caller that wants the records): :func:`line_bounds`.
* :func:`scan_records`, for anything else, follows RFC 4180 quoting in a few numpy passes:

  - a delimiter or line break between an odd number of ``"`` is data (a doubled ``""``
    inside quotes toggles twice and stays data);
  - records end at a line feed or a lone carriage return outside quotes (``\\r\\n`` is one
    ending);
  - the physical line of each record is one plus the line breaks before it, *including*
    those inside quoted fields and the blank lines, so an error points at the line a text
    editor shows;
  - the number of fields of each record (delimiters outside quotes, plus one; 0 for a blank
    record: only spaces, tabs or ``\\r``).

Both are pure functions of the bytes and the line of their first byte; :mod:`jia_teach.io.csvfile`
keeps the state (what is pending, the running line).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jia_teach.rules.errors import MalformedFileError

__all__ = [
    "Scan",
    "check_records",
    "check_utf8",
    "field_prefix",
    "line_bounds",
    "line_breaks",
    "plain_counts",
    "scan_records",
]

_QUOTE, _LF, _CR = 34, 10, 13


@dataclass
class Scan:
    """Complete records found in a buffer (see :func:`scan_records`)."""

    cut: int  # bytes consumed: the records are ``data[:cut]``
    starts: np.ndarray  # first byte of each record
    ends: np.ndarray  # end of each record's content (its line ending excluded)
    lines: np.ndarray  # physical line of each record's first byte
    fields: np.ndarray  # fields per record; 0 for a blank record
    breaks: int  # line breaks in ``data[:cut]``, quoted ones included


def line_breaks(data: bytes) -> int:
    """Line feeds plus lone carriage returns in ``data``.

    Examples
    --------
    >>> line_breaks(b"a\\r\\nb\\rc\\n")
    3
    """
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def field_prefix(rec: bytes, target: int, delim: int) -> bytes:
    """The bytes of ``rec`` before field ``target`` starts (quote-aware).

    Examples
    --------
    >>> field_prefix(b'1,"a,b",3', 2, ord(","))
    b'1,"a,b",'
    """
    field, inside = 0, False
    for pos, byte in enumerate(rec):
        if field == target:
            return rec[:pos]
        if byte == _QUOTE:
            inside = not inside
        elif byte == delim and not inside:
            field += 1
    return rec


def plain_counts(body: bytes, delim: int, scratch: np.ndarray | None = None) -> tuple[int, int]:
    """(records, delimiters) of a plain buffer: one record per line, the last may lack ``\\n``.

    ``scratch``: a boolean array of at least ``len(body)`` to compare into (a reader passes
    the same one block after block: fresh memory for every comparison costs more than it).

    Examples
    --------
    >>> plain_counts(b"1,2\\n3,4", ord(","))
    (2, 2)
    """
    a = np.frombuffer(body, dtype=np.uint8)
    out = scratch[: len(a)] if scratch is not None and len(scratch) >= len(a) else None
    records = int(np.count_nonzero(np.equal(a, _LF, out=out)))
    records += 0 if body.endswith(b"\n") else 1
    return records, int(np.count_nonzero(np.equal(a, delim, out=out)))


def line_bounds(body: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of each line of a plain buffer (the line feed excluded).

    Examples
    --------
    >>> [x.tolist() for x in line_bounds(b"ab\\ncd\\ne")]
    [[0, 3, 6], [2, 5, 7]]
    """
    ends = np.flatnonzero(np.frombuffer(body, dtype=np.uint8) == _LF)
    if not body.endswith(b"\n"):
        ends = np.append(ends, len(body))
    starts = np.empty(len(ends), dtype=np.int64)
    if len(ends):
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
    return starts, ends.astype(np.int64)


def _per_record(marks: np.ndarray, starts: np.ndarray, end: int) -> np.ndarray:
    """How many ``marks`` (a boolean array) fall in each record ``[starts[i], starts[i+1])``."""
    where = np.searchsorted(np.flatnonzero(marks), np.append(starts, end))
    return np.diff(where).astype(np.int64)


def scan_records(data: bytes, line0: int, eof: bool, delim: int, name: str) -> Scan | None:
    """The complete records of ``data``, whose first byte is on physical line ``line0``.

    ``eof``: nothing follows ``data`` (the last record may lack a line ending; a quote still
    open is an error). Otherwise the bytes after the last record ending wait for more, and
    None means no record ends in ``data`` yet. A block without quotes skips the quote
    analysis; counts per record come from the positions of the marks.

    Examples
    --------
    >>> s = scan_records(b'a,b\\n"x\\ny",2\\n\\n3,4', 1, True, ord(","), "t.csv")
    >>> s.lines.tolist(), s.fields.tolist()
    ([1, 2, 4, 5], [2, 2, 0, 2])
    """
    a = np.frombuffer(data, dtype=np.uint8)
    quoted = b'"' in data
    if quoted:
        inside = np.bitwise_xor.accumulate((a == _QUOTE).view(np.uint8)).view(bool)
    lf = a == _LF
    lone_cr = None
    if b"\r" in data:
        cr = a == _CR
        lone_cr = cr.copy()
        lone_cr[:-1] &= ~lf[1:]
        if not eof:
            lone_cr[-1] = False  # a CR at the end may be the first half of CRLF
        breaks = lf | lone_cr
    else:
        breaks = lf
    ends_at = breaks & ~inside if quoted else breaks
    term = np.flatnonzero(ends_at)
    if eof:
        if quoted and len(a) and inside[-1]:
            last = int(term[-1]) + 1 if len(term) else 0
            line = line0 + int(np.count_nonzero(breaks[:last]))
            raise MalformedFileError(
                f'{name} line {line}: a quote (") opened in this record is never closed'
            )
        if not len(term) or term[-1] != len(a) - 1:
            term = np.append(term, len(a))  # the last record has no line ending
        cut = len(a)
    else:
        if not len(term):
            return None
        cut = int(term[-1]) + 1
    starts = np.empty(len(term), dtype=np.int64)
    starts[0] = 0
    starts[1:] = term[:-1] + 1
    ends = term.astype(np.int64)
    if lone_cr is not None:  # CRLF: the record's content ends before the CR
        inner = np.flatnonzero((ends < len(a)) & (ends > starts))
        crlf = inner[(a[ends[inner] - 1] == _CR) & (a[ends[inner]] == _LF)]
        ends[crlf] -= 1
    if quoted:
        per = _per_record(breaks[:cut], starts, cut)  # incl. its own ending
        lines = line0 + np.concatenate(([0], np.cumsum(per[:-1])))
        total = int(per.sum())
        delims = (a[:cut] == delim) & ~inside[:cut]
    else:
        lines = line0 + np.arange(len(starts), dtype=np.int64)
        total = int(np.count_nonzero(breaks[:cut]))
        delims = a[:cut] == delim
    fields = _per_record(delims, starts, cut) + 1
    fields[ends == starts] = 0
    for i in np.flatnonzero(fields == 1):  # few: a one-field record may be blank (spaces)
        if not data[starts[i] : ends[i]].strip(b" \t\r"):
            fields[i] = 0
    return Scan(cut, starts, ends, lines, fields, total)


def check_utf8(name: str, data: bytes, line0: int) -> None:
    """Refuse bytes that are not UTF-8, naming the line of the first bad byte."""
    if data.isascii():
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = line0 + line_breaks(data[: exc.start])
        raise MalformedFileError(
            f"{name} line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
            "re-save the file as CSV UTF-8"
        ) from None


def check_records(name: str, width: int, body: bytes, scan: Scan, longest: int) -> None:
    """Refuse the first non-blank record not ``width`` fields wide, or one over ``longest``."""
    starts, ends, lines, fields = scan.starts, scan.ends, scan.lines, scan.fields
    wrong = (fields != 0) & (fields != width)
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        n = int(fields[i])
        hint = ""
        if line_breaks(body[starts[i] : ends[i]]):
            hint = " (this record spans lines: is a quote not closed?)"
        raise MalformedFileError(
            f"{name} line {lines[i]}: {n} field{'s' if n != 1 else ''} where the "
            f"header has {width}{hint}"
        )
    sizes = ends - starts
    if len(sizes) and int(sizes.max()) > longest:
        i = int(np.argmax(sizes))
        raise MalformedFileError(
            f"{name} line {lines[i]}: one record is longer than "
            f'{longest >> 20} MB (the limit); a quote (") is probably not closed'
        )
