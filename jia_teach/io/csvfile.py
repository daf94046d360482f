"""Read a CSV file in blocks, knowing the true physical line of every record.

The file is read as bytes, a block at a time (about 8 MB), so memory stays
bounded whatever the file size. Inside a block numpy finds, in a few
vectorised passes, what a CSV parser needs to know about record boundaries:

* quotes: a delimiter or line break between an odd number of ``"`` is data
  (RFC 4180; a doubled ``""`` inside quotes toggles twice and stays data);
* records end at a line feed or a lone carriage return outside quotes
  (``\\r\\n`` is one ending);
* the physical line of each record is one plus the number of line breaks
  before it, *including* those inside quoted fields and the blank lines, so
  an error points at the line a text editor shows;
* the number of fields of each record (delimiters outside quotes, plus one),
  so a short or long row is named with its line before any value is read;
* blank records (only spaces, tabs or ``\\r``) are skipped.

The values are parsed from the same bytes by Arrow's C reader
(:meth:`CsvBlock.arrow`) or pandas'; the number of records either returns
must equal the number found here (an unclosed quote shows up as a record of
the wrong width, named with its line).

Text must be UTF-8 (a leading byte-order mark is dropped; the first invalid
byte is named with its line); one record may not exceed :data:`MAX_RECORD`.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from jia_teach.rules.errors import MalformedFileError

__all__ = ["MAX_RECORD", "CsvBlock", "CsvSource"]

BLOCK = 8 << 20
#: The longest record accepted, in bytes (a visit is a few hundred; past this a quote is,
#: in practice, not closed, and memory stays bounded: issue 20).
MAX_RECORD = 1 << 20
_QUOTE, _LF, _CR = 34, 10, 13
_BOM = b"\xef\xbb\xbf"


@dataclass
class CsvBlock:
    """Complete records of one block, with where each came from.

    Attributes
    ----------
    data : bytes
        The bytes of the block (complete records).
    starts, ends : numpy.ndarray
        Byte offsets in ``data`` of each non-blank record's first byte and of
        its end (its line ending excluded).
    lines : numpy.ndarray
        Physical 1-based line of each record's first byte in the file.
    first_row : int
        1-based data row of the first record (blank lines are not rows).
    """

    source: CsvSource
    data: bytes
    starts: np.ndarray
    ends: np.ndarray
    lines: np.ndarray
    first_row: int
    contiguous: bool = False
    simple: bool = False  # one record per line, LF endings only: records() can split on LF

    def __len__(self) -> int:
        return len(self.starts)

    def record(self, i: int) -> bytes:
        """The bytes of record ``i`` (0-based), without its line ending."""
        return self.data[self.starts[i] : self.ends[i]]

    def records(self) -> Iterator[bytes] | list[bytes]:
        """Each record's bytes, in order (a simple block is split on line feeds in C)."""
        if self.simple and self.contiguous:
            return self.data[self.starts[0] : self.ends[-1]].split(b"\n")
        view = memoryview(self.data)
        return map(view.__getitem__, map(slice, self.starts.tolist(), self.ends.tolist()))

    def frame(self, columns: Sequence[str], numeric: Collection[str] = ()) -> pd.DataFrame:
        """The records' ``columns`` parsed by pandas: ``numeric`` as float64, others as text.

        A blank numeric cell is NaN; a numeric cell that is not a plain number
        raises :class:`ValueError` (the caller then reads the block as text
        and lets :func:`~jia_teach.scoring.inputs.read_core_set` say what is wrong).
        Text cells are kept as written (a blank is ``""``).
        """
        header = self.source.header
        if not len(self):
            return pd.DataFrame(
                {c: pd.Series([], dtype=float if c in numeric else str) for c in columns}
            )
        body = self._body()
        dtype = {c: (np.float64 if c in numeric else str) for c in columns}
        try:
            frame = pd.read_csv(
                io.BytesIO(body),
                header=None,
                names=header,
                usecols=list(columns),
                dtype=dtype,
                keep_default_na=False,
                na_values={c: [""] for c in numeric},
                skipinitialspace=True,
                skip_blank_lines=False,
                sep=self.source.delimiter,
                quotechar='"',
                doublequote=True,
                index_col=False,
                engine="c",
                encoding="utf-8",
                low_memory=False,
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise MalformedFileError(
                f"{self.source.name} lines {self.lines[0]}-{self.lines[-1]}: not readable as "
                f"CSV ({exc})"
            ) from None
        if len(frame) != len(self):
            raise MalformedFileError(
                f"{self.source.name} near line {self.lines[0]}: the records cannot be read "
                "consistently (a quote in the middle of a field?)"
            )
        return frame[list(columns)]

    def arrow(self) -> Any:
        """Every column of the records as Arrow strings, parsed by Arrow's C reader.

        Multi-threaded; the same quoting rules as the scan (RFC 4180, ``""`` inside quotes);
        a blank cell is ``""``; nothing is converted. The number of records must equal the
        number the scan found (else the block is refused, named with its lines).
        """
        import pyarrow as pa
        import pyarrow.csv as pcsv

        header = self.source.header
        names = [f"c{i}" for i in range(len(header))]  # a repeated name is refused elsewhere
        try:
            table = pcsv.read_csv(
                io.BytesIO(self._body()),
                read_options=pcsv.ReadOptions(
                    column_names=names, use_threads=True, block_size=1 << 20
                ),
                parse_options=pcsv.ParseOptions(
                    delimiter=self.source.delimiter,
                    quote_char='"',
                    double_quote=True,
                    escape_char=False,
                    newlines_in_values=True,
                    ignore_empty_lines=True,
                ),
                convert_options=pcsv.ConvertOptions(
                    column_types={n: pa.string() for n in names},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            reason = str(exc).splitlines()[0]
            raise MalformedFileError(
                f"{self.source.name} lines {self.lines[0]}-{self.lines[-1]}: not readable as "
                f"CSV ({reason})"
            ) from None
        if table.num_rows != len(self):
            raise MalformedFileError(
                f"{self.source.name} near line {self.lines[0]}: the records cannot be read "
                "consistently (a quote in the middle of a field?)"
            )
        return table

    def _body(self) -> bytes:
        """The non-blank records (what pandas parses): a slice unless blank ones were dropped."""
        if self.contiguous:
            return self.data[self.starts[0] :]
        return b"\n".join(self.records())

    def line_of(self, row: int, column: str | None = None) -> int:
        """Physical line of data row ``row`` (1-based in this block), at ``column`` if given.

        A record that spans lines (a quoted line break) is followed field by
        field, so the line is that of the cell itself.
        """
        i = row - 1
        line = int(self.lines[i])
        if column is None or column not in self.source.header:
            return line
        target = self.source.header.index(column)
        rec = self.record(i)
        prefix = _field_prefix(rec, target, self.source.delimiter_byte)
        return line + _line_breaks(prefix)


def _field_prefix(rec: bytes, target: int, delim: int) -> bytes:
    """The bytes of ``rec`` before field ``target`` starts."""
    field, inside = 0, False
    for pos, byte in enumerate(rec):
        if field == target:
            return rec[:pos]
        if byte == _QUOTE:
            inside = not inside
        elif byte == delim and not inside:
            field += 1
    return rec


def _per_record(marks: np.ndarray, starts: np.ndarray, end: int) -> np.ndarray:
    """How many ``marks`` (a boolean array) fall in each record ``[starts[i], starts[i+1])``."""
    where = np.searchsorted(np.flatnonzero(marks), np.append(starts, end))
    return np.diff(where).astype(np.int64)


def _line_breaks(data: bytes) -> int:
    """Line feeds plus lone carriage returns in ``data``."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


class CsvSource:
    """A CSV file opened for block reading; the header is read at once.

    Parameters
    ----------
    path : Path
        A regular file or a FIFO (a pipe such as ``<(zcat visits.csv.gz)``).
    delimiter : str
        One character; ``","`` unless said otherwise.
    block_size : int
        Bytes read at a time.

    Raises
    ------
    jia_teach.rules.errors.MalformedFileError
        The file cannot be opened (named with the reason), is a folder, is
        empty, is not UTF-8 (named with the line), or has no header.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_bytes(b'id,note\\n\\n1,"two\\nlines"\\n2,x\\n')
    >>> src = CsvSource(p)
    >>> src.header
    ['id', 'note']
    >>> block = next(src.blocks())
    >>> block.lines.tolist(), block.frame(["id", "note"])["note"].tolist()
    ([3, 5], ['two\\nlines', 'x'])
    >>> block.line_of(1, "note"), block.line_of(2, "id")
    (3, 5)
    """

    def __init__(self, path: Path, *, delimiter: str = ",", block_size: int = BLOCK) -> None:
        if len(delimiter) != 1 or delimiter in '"\r\n':
            raise MalformedFileError(
                f"{delimiter!r} cannot be a delimiter (allowed: one character such as , ; or a "
                "tab, not a quote or a line break)"
            )
        self.path = Path(path)
        self.name = str(path)
        self.delimiter = delimiter
        self.delimiter_byte = ord(delimiter) if ord(delimiter) < 128 else -1
        if self.delimiter_byte < 0:
            raise MalformedFileError(f"{delimiter!r} cannot be a delimiter (ASCII only)")
        self.block_size = block_size
        self.bytes_read = 0
        self.size = 0
        self._file = self._open()
        self._line = 1  # physical line at the start of the pending bytes
        self._rows = 0
        self._pending = b""
        self._eof = False
        self.header, self.header_text, self.header_line = self._read_header()

    # --- opening ----------------------------------------------------------------
    def _open(self) -> BinaryIO:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            raise MalformedFileError(f"{self.name}: no such file") from None
        except OSError as exc:
            raise MalformedFileError(f"{self.name}: cannot read it ({exc.strerror})") from None
        if stat.S_ISDIR(info.st_mode):
            raise MalformedFileError(f"{self.name} is a folder, not a CSV file")
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
            raise MalformedFileError(f"{self.name} is not a regular file or a pipe")
        self.size = info.st_size if stat.S_ISREG(info.st_mode) else 0
        try:
            return open(self.path, "rb", buffering=0)  # closed by close() or at the end of blocks()
        except OSError as exc:
            raise MalformedFileError(f"{self.name}: cannot read it ({exc.strerror})") from None

    def close(self) -> None:
        """Close the file (also done when the blocks are exhausted)."""
        self._file.close()

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self) -> bytes:
        try:
            chunk = self._file.read(self.block_size)
        except OSError as exc:
            raise MalformedFileError(f"{self.name}: cannot read it ({exc.strerror})") from None
        if self.bytes_read == 0 and chunk.startswith(_BOM):
            chunk = chunk[len(_BOM) :]
            self.bytes_read += len(_BOM)
        self.bytes_read += len(chunk)
        if not chunk:
            self._eof = True
        return chunk

    # --- scanning ---------------------------------------------------------------
    def _scan(self) -> tuple[bytes, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """Read about a block and return its complete records (see ``_split``); None at the end."""
        while True:
            data = self._pending
            if not self._eof and len(data) < self.block_size:
                more = self._read()
                if more:
                    self._pending = data + more
                    continue
            if not data:
                return None
            got = self._split(data)
            if got is not None:
                return got
            if len(data) > MAX_RECORD:
                raise MalformedFileError(
                    f"{self.name} line {self._line}: one record is longer than "
                    f'{MAX_RECORD >> 20} MB (the limit); a quote (") is probably not closed'
                )
            more = self._read()  # no record ends in the pending bytes yet: read on
            self._pending = data + more

    def _split(
        self, data: bytes
    ) -> tuple[bytes, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """Complete records of ``data``: (bytes, starts, ends, lines, fields); the rest waits.

        None when no record ends in ``data`` and more may come. Speed: a block
        without quotes (the common case) skips the quote analysis; counts per
        record come from the positions of the marks (``flatnonzero`` + ``searchsorted``).
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
            if not self._eof:
                lone_cr[-1] = False  # a CR at the end may be the first half of CRLF
            breaks = lf | lone_cr
        else:
            breaks = lf
        ends_at = breaks & ~inside if quoted else breaks
        term = np.flatnonzero(ends_at)
        if self._eof:
            if quoted and len(a) and inside[-1]:
                last = int(term[-1]) + 1 if len(term) else 0
                line = self._line + int(np.count_nonzero(breaks[:last]))
                raise MalformedFileError(
                    f'{self.name} line {line}: a quote (") opened in this record is never closed'
                )
            if not len(term) or term[-1] != len(a) - 1:
                term = np.append(term, len(a))  # the last record has no line ending
            cut = len(a)
        else:
            if not len(term):
                return None
            cut = int(term[-1]) + 1
        self._pending = data[cut:]
        body = data[:cut]
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
            lines = self._line + np.concatenate(([0], np.cumsum(per[:-1])))
            self._line += int(per.sum())
            delim = (a[:cut] == self.delimiter_byte) & ~inside[:cut]
        else:
            lines = self._line + np.arange(len(starts), dtype=np.int64)
            self._line += int(np.count_nonzero(breaks[:cut]))
            delim = a[:cut] == self.delimiter_byte
        fields = _per_record(delim, starts, cut) + 1
        empty = ends == starts
        fields[empty] = 0
        for i in np.flatnonzero(fields == 1):  # few: a one-field record may be blank (spaces)
            if not data[starts[i] : ends[i]].strip(b" \t\r"):
                fields[i] = 0
        return body, starts, ends, lines, fields

    def _check_utf8(self, data: bytes, line0: int) -> None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = line0 + _line_breaks(data[: exc.start])
            raise MalformedFileError(
                f"{self.name} line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                "re-save the file as CSV UTF-8"
            ) from None

    # --- header and blocks ------------------------------------------------------
    def _read_header(self) -> tuple[list[str], str, int]:
        while True:
            line0 = self._line
            got = self._scan()
            if got is None:
                what = (
                    "the file is empty" if self.bytes_read == 0 else "no header, only blank lines"
                )
                raise MalformedFileError(f"{self.name}: {what}")
            body, starts, ends, lines, fields = got
            self._check_utf8(body, line0)
            kept = np.flatnonzero(fields)
            if not len(kept):
                continue  # only blank lines so far
            h = int(kept[0])
            text = body[starts[h] : ends[h]].decode("utf-8")
            header = next(csv.reader([text], delimiter=self.delimiter, skipinitialspace=True))
            self._carry = (body, starts[h + 1 :], ends[h + 1 :], lines[h + 1 :], fields[h + 1 :])
            return header, text, int(lines[h])

    def blocks(self) -> Iterator[CsvBlock]:
        """The data records, a block at a time; each record checked for width and UTF-8."""
        width = len(self.header)
        pending = [self._carry]
        self._carry = None
        while True:
            if pending:
                body, starts, ends, lines, fields = pending.pop()
            else:
                line0 = self._line
                got = self._scan()
                if got is None:
                    break
                body, starts, ends, lines, fields = got
                self._check_utf8(body, line0)
            keep = fields != 0
            wrong = keep & (fields != width)
            if wrong.any():
                i = int(np.flatnonzero(wrong)[0])
                n = int(fields[i])
                hint = ""
                if _line_breaks(body[starts[i] : ends[i]]):
                    hint = " (this record spans lines: is a quote not closed?)"
                raise MalformedFileError(
                    f"{self.name} line {lines[i]}: {n} field{'s' if n != 1 else ''} where the "
                    f"header has {width}{hint}"
                )
            sizes = ends - starts
            if len(sizes) and int(sizes.max()) > MAX_RECORD:
                i = int(np.argmax(sizes))
                raise MalformedFileError(
                    f"{self.name} line {lines[i]}: one record is longer than "
                    f'{MAX_RECORD >> 20} MB (the limit); a quote (") is probably not closed'
                )
            kept = np.flatnonzero(keep)
            contiguous = bool(len(kept) and keep[kept[0] :].all())
            simple = (
                len(lines) > 0 and b"\r" not in body and int(lines[-1] - lines[0]) == len(lines) - 1
            )
            block = CsvBlock(
                self,
                body,
                starts[keep],
                ends[keep],
                lines[keep],
                self._rows + 1,
                contiguous,
                simple,
            )
            self._rows += len(block)
            if len(block):
                yield block
        self.close()
