"""Read a CSV file in blocks, knowing the true physical line of every record.

The file is read as bytes, about 8 MB at a time, so memory stays bounded whatever its size.
Each block is cut after its last complete record and checked before any value is read. A
block without a quote, a carriage return or a blank line (the common export) is one record
per line: numpy counts its records and delimiters, a record's line is the block's first
line plus its index, and where records start is found only when needed (an error naming a
line). Any other block goes through the quote-aware scan of :mod:`jia_teach.io.csvscan`
(RFC 4180 quoting, ``\\r\\n`` and lone ``\\r`` endings, quoted line breaks and blank lines
counted in the line, blank records skipped). A record of the wrong width is named with its
line. The values are parsed from the same bytes by Arrow's multi-threaded C reader
(:meth:`CsvBlock.arrow`) or pandas'; the number of records must equal the number counted
here. When Arrow refuses a block, it is scanned record by record to name the line.

Text must be UTF-8 (a leading byte-order mark is dropped; the first invalid
byte is named with its line); one record may not exceed :data:`MAX_RECORD`.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn

import numpy as np

from jia_teach.io.csvscan import (
    Scan,
    check_records,
    check_utf8,
    field_prefix,
    line_bounds,
    line_breaks,
    plain_counts,
    scan_records,
)
from jia_teach.rules.errors import MalformedFileError

if TYPE_CHECKING:  # imported by frame(): the reader runs while pandas is being imported
    import pandas as pd

__all__ = ["MAX_RECORD", "CsvBlock", "CsvSource"]

BLOCK = 8 << 20
#: The longest record accepted, in bytes (a visit is a few hundred; past this a quote is,
#: in practice, not closed, and memory stays bounded: issue 20).
MAX_RECORD = 1 << 20
_BOM = b"\xef\xbb\xbf"


class CsvBlock:
    """Complete records of one block, with where each came from.

    Attributes
    ----------
    data : bytes
        The bytes of the block (complete records).
    starts, ends : numpy.ndarray
        Byte offsets in ``data`` of each non-blank record's first byte and of
        its end (its line ending excluded); found on first use in a plain block.
    lines : numpy.ndarray
        Physical 1-based line of each record's first byte in the file.
    first_row : int
        1-based data row of the first record (blank lines are not rows).
    plain : bool
        One record per line: no quote, no carriage return, no blank line.
    """

    def __init__(
        self,
        source: CsvSource,
        data: bytes,
        first_row: int,
        *,
        count: int,
        line0: int,
        scan: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        contiguous: bool = True,
        simple: bool = True,
    ) -> None:
        self.source = source
        self.data = data
        self.first_row = first_row
        self.line0 = line0
        self.plain = scan is None
        self._count = count
        self._bounds = scan[:2] if scan is not None else None
        self._lines = scan[2] if scan is not None else None
        self.contiguous = contiguous
        self.simple = simple  # one record per line, LF endings only: records() can split on LF

    def __len__(self) -> int:
        return self._count

    @property
    def starts(self) -> np.ndarray:
        return self._record_bounds()[0]

    @property
    def ends(self) -> np.ndarray:
        return self._record_bounds()[1]

    @property
    def lines(self) -> np.ndarray:
        if self._lines is None:
            self._lines = self.line0 + np.arange(self._count, dtype=np.int64)
        return self._lines

    def _record_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        if self._bounds is None:
            self._bounds = line_bounds(self.data)
        return self._bounds

    def record(self, i: int) -> bytes:
        """The bytes of record ``i`` (0-based), without its line ending."""
        return self.data[self.starts[i] : self.ends[i]]

    def records(self) -> Iterator[bytes] | list[bytes]:
        """Each record's bytes, in order (a simple block is split on line feeds in C)."""
        if self.plain:
            return self.data.removesuffix(b"\n").split(b"\n")
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
        import pandas as pd

        header = self.source.header
        if not len(self):
            return pd.DataFrame(
                {c: pd.Series([], dtype=float if c in numeric else str) for c in columns}
            )
        dtype = {c: (np.float64 if c in numeric else str) for c in columns}
        try:
            frame = pd.read_csv(
                io.BytesIO(self._body()),
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
            self._refuse(exc)
        if len(frame) != len(self):
            self._refuse(None)
        return frame[list(columns)]

    def arrow(self, columns: Sequence[str] | None = None, numeric: Collection[str] = ()) -> Any:
        """The records' ``columns`` (default all) parsed by Arrow's C reader, named ``c{i}``.

        Multi-threaded; the same quoting rules as the scan (RFC 4180, ``""`` inside quotes);
        text as written (a blank cell is ``""``); ``numeric`` columns as float64 (a blank is
        null; a cell that is not a number refuses the block). The number of records must
        equal the number the scan found (else the block is refused, named with its lines).
        """
        import pyarrow as pa
        import pyarrow.csv as pcsv

        header = self.source.header
        names = [f"c{i}" for i in range(len(header))]  # a repeated name is refused elsewhere
        wanted = names if columns is None else [names[header.index(c)] for c in columns]
        floats = {names[header.index(c)] for c in numeric}
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
                    newlines_in_values=b'"' in self.data,
                    ignore_empty_lines=True,
                ),
                convert_options=pcsv.ConvertOptions(
                    column_types={n: pa.float64() if n in floats else pa.string() for n in wanted},
                    include_columns=wanted,
                    null_values=[""],
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            self._refuse(exc)
        if table.num_rows != len(self):
            self._refuse(None)
        return table

    def _refuse(self, exc: BaseException | None) -> NoReturn:
        """Name the first bad record's line (a plain block is scanned record by record now);
        failing that, the block's lines and the parser's reason."""
        src = self.source
        if self.plain:
            scan = scan_records(self.data, self.line0, True, src.delimiter_byte, src.name)
            src.check(self.data, scan, self.line0)
        first, last = int(self.lines[0]), int(self.lines[-1])
        if exc is None:
            raise MalformedFileError(
                f"{self.source.name} near line {first}: the records cannot be read "
                "consistently (a quote in the middle of a field?)"
            )
        reason = str(exc).splitlines()[0]
        raise MalformedFileError(
            f"{self.source.name} lines {first}-{last}: not readable as CSV ({reason})"
        ) from None

    def _body(self) -> bytes:
        """The non-blank records (what a parser reads): a slice unless blank ones were dropped."""
        if self.plain:
            return self.data
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
        if column is None or column not in self.source.header or self.plain:
            return line
        target = self.source.header.index(column)
        prefix = field_prefix(self.record(i), target, self.source.delimiter_byte)
        return line + line_breaks(prefix)


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
        self._compare: np.ndarray | None = None
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

    # --- cutting blocks -----------------------------------------------------------
    def _next(self) -> tuple[bytes, Scan | tuple[int, int], int] | None:
        """About a block of complete records: (bytes, how they were found, first line).

        A plain block (no quote, no carriage return) is cut after its last line feed and
        comes with its (records, delimiters) counts; any other with its :class:`Scan`.
        None at the end of the file.
        """
        while True:
            data = self._pending
            if not self._eof and len(data) < self.block_size:
                more = self._read()
                if more:
                    self._pending = data + more
                    continue
            if not data:
                return None
            line0 = self._line
            if b'"' not in data and b"\r" not in data:
                cut = len(data) if self._eof else data.rfind(b"\n") + 1
                if cut:
                    body, self._pending = data[:cut], data[cut:]
                    counts = plain_counts(body, self.delimiter_byte, self._scratch(len(body)))
                    self._line += counts[0] - (0 if body.endswith(b"\n") else 1)
                    return body, counts, line0
            else:
                scan = scan_records(data, line0, self._eof, self.delimiter_byte, self.name)
                if scan is not None:
                    self._pending = data[scan.cut :]
                    self._line += scan.breaks
                    return data[: scan.cut], scan, line0
            if len(data) > MAX_RECORD:
                raise MalformedFileError(
                    f"{self.name} line {self._line}: one record is longer than "
                    f'{MAX_RECORD >> 20} MB (the limit); a quote (") is probably not closed'
                )
            self._pending = data + self._read()  # no record ends in the pending bytes yet

    def _scratch(self, size: int) -> np.ndarray:
        """A boolean array of at least ``size``, the same one block after block."""
        if self._compare is None or len(self._compare) < size:
            self._compare = np.empty(max(size, self.block_size + (self.block_size >> 3)), bool)
        return self._compare

    def _check_utf8(self, data: bytes, line0: int) -> None:
        check_utf8(self.name, data, line0)

    def check(self, body: bytes, scan: Scan, line0: int) -> None:
        """Refuse the first record of the wrong width or too long, or a byte not UTF-8."""
        check_utf8(self.name, body, line0)
        check_records(self.name, len(self.header), body, scan, MAX_RECORD)

    # --- header and blocks ------------------------------------------------------
    def _read_header(self) -> tuple[list[str], str, int]:
        while True:
            got = self._next()
            if got is None:
                what = (
                    "the file is empty" if self.bytes_read == 0 else "no header, only blank lines"
                )
                raise MalformedFileError(f"{self.name}: {what}")
            body, scan, line0 = got
            first = body.find(b"\n") + 1
            if not isinstance(scan, Scan) and first > 1 and body[: first - 1].strip(b" \t"):
                rest = body[first:]  # a plain block: the header is its first line
                self._check_utf8(body[:first], line0)
                text = body[: first - 1].decode("utf-8")
                header = next(csv.reader([text], delimiter=self.delimiter, skipinitialspace=True))
                self._carry = (rest, plain_counts(rest, self.delimiter_byte), line0 + 1)
                return header, text, line0
            if not isinstance(scan, Scan):
                scan = scan_records(body, line0, True, self.delimiter_byte, self.name)
            self._check_utf8(body, line0)
            kept = np.flatnonzero(scan.fields)
            if not len(kept):
                continue  # only blank lines so far
            h = int(kept[0])
            text = body[scan.starts[h] : scan.ends[h]].decode("utf-8")
            header = next(csv.reader([text], delimiter=self.delimiter, skipinitialspace=True))
            rest = Scan(
                scan.cut,
                scan.starts[h + 1 :],
                scan.ends[h + 1 :],
                scan.lines[h + 1 :],
                scan.fields[h + 1 :],
                scan.breaks,
            )
            self._carry = (body, rest, line0)
            return header, text, int(scan.lines[h])

    def _plain_block(self, body: bytes, counts: tuple[int, int], line0: int) -> CsvBlock | None:
        """The block if it is one record of the header's width per line, else None.

        Equal totals (delimiters = records x (width - 1)) leave one case open: a short record
        (or a blank line) beside a long one; Arrow refuses the long one and
        :meth:`CsvBlock._refuse` names the first bad line then.
        """
        records, delimiters = counts
        width = len(self.header)
        if width < 2 or delimiters != records * (width - 1) or body.startswith(b"\n"):
            return None  # one column: a line of spaces would be a blank record
        half = MAX_RECORD // 2  # a record over MAX_RECORD holds a whole window with no LF
        for at in range(0, len(body) - half + 1, half):
            if body.find(b"\n", at, at + half) < 0:
                return None
        self._check_utf8(body, line0)
        return CsvBlock(self, body, self._rows + 1, count=records, line0=line0)

    def blocks(self) -> Iterator[CsvBlock]:
        """The data records, a block at a time; each record checked for width and UTF-8."""
        pending = [self._carry]
        self._carry = None
        while True:
            got = pending.pop() if pending else self._next()
            if got is None:
                break
            body, scan, line0 = got
            block = None
            if not body:
                continue
            if not isinstance(scan, Scan):
                block = self._plain_block(body, scan, line0)
                if block is None:
                    scan = scan_records(body, line0, True, self.delimiter_byte, self.name)
            if block is None:
                self.check(body, scan, line0)
                keep = scan.fields != 0
                kept = np.flatnonzero(keep)
                lines = scan.lines
                block = CsvBlock(
                    self,
                    body,
                    self._rows + 1,
                    count=len(kept),
                    line0=line0,
                    scan=(scan.starts[keep], scan.ends[keep], lines[keep]),
                    contiguous=bool(len(kept) and keep[kept[0] :].all()),
                    simple=len(lines) > 0
                    and b"\r" not in body
                    and int(lines[-1] - lines[0]) == len(lines) - 1,
                )
            self._rows += len(block)
            if len(block):
                yield block
        self.close()
