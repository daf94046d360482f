"""Tables in files as researchers hold them: CSV, Excel or Parquet in; CSV or Parquet out.

The format is chosen by the file name's extension, never guessed from the
content:

=====================  ===========================  ==================================
extension              read with                    a location in a message
=====================  ===========================  ==================================
``.csv .txt .tsv``,    :mod:`jia_teach.io.csvfile`     ``visits.csv line 17 (data row 15)``
any other              (``.tsv``: tab-delimited)    (the physical line)
``.xlsx .xlsm``        openpyxl, read-only          ``visits.xlsx row 17`` (sheet row)
``.parquet .pq``       pyarrow, 65,536 rows         ``visits.parquet row 15`` (data row)
                       at a time (within a row
                       group too)
=====================  ===========================  ==================================

Output is CSV unless the name ends in ``.parquet`` or ``.pq``; Excel output
is refused (a spreadsheet program rewrites what it opens, and 1,048,576 rows
is its limit). openpyxl and pyarrow are optional extras
(``pip install 'jia-teach[excel]'`` / ``'jia-teach[parquet]'``); a missing one
is named with that command.

Every source yields chunks of bounded size. A chunk gives its rows as a
DataFrame (only the columns asked for), as text for a CSV writer
(:mod:`jia_teach.io.csvwrite`: a CSV cell keeps the text it was written with,
``007`` stays ``007``), as Arrow columns of their own types for a Parquet
writer, and turns a 1-based row back into a place in the file. A CSV block is
parsed once, by Arrow's multi-threaded C reader; the record scan of
:mod:`jia_teach.io.csvfile` has already found each record's physical line.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from jia_teach.io.chunks import (
    CHUNK_ROWS,
    Chunk,
    MissingDependencyError,
    Source,
    require,
)
from jia_teach.io.csvfile import CsvBlock, CsvSource
from jia_teach.rules.errors import MalformedFileError

if TYPE_CHECKING:  # imported where a frame is built: the reader runs while pandas is imported
    import pandas as pd

__all__ = [
    "Chunk",
    "MissingDependencyError",
    "Source",
    "input_format",
    "open_source",
    "output_format",
    "require",
]

_CSV = {".csv", ".txt", ".tsv", ""}
_EXCEL = {".xlsx", ".xlsm"}
_PARQUET = {".parquet", ".pq"}


def input_format(path: Path) -> str:
    """``"csv"``, ``"excel"`` or ``"parquet"`` from the extension.

    Examples
    --------
    >>> input_format(Path("visits.XLSX")), input_format(Path("export")), input_format(Path("a.pq"))
    ('excel', 'csv', 'parquet')
    """
    ext = path.suffix.lower()
    if ext in _CSV:
        return "csv"
    if ext in _EXCEL:
        return "excel"
    if ext in _PARQUET:
        return "parquet"
    if ext in (".xls", ".ods", ".numbers"):
        raise MalformedFileError(
            f"{path}: {ext} files are not read; save the sheet as .xlsx or as CSV UTF-8"
        )
    return "csv"  # any other name is read as CSV, as before (and named so in errors)


def output_format(name: str) -> str:
    """``"csv"`` or ``"parquet"`` from the output name (``-`` is CSV on standard output)."""
    ext = Path(name).suffix.lower()
    if ext in _PARQUET:
        return "parquet"
    if ext in _EXCEL or ext in (".xls", ".ods"):
        raise MalformedFileError(
            f"{name}: Excel output is not written; use .csv or .parquet (open the CSV in Excel)"
        )
    return "csv"


# --- CSV ------------------------------------------------------------------------------


class _CsvChunk:
    """A CSV block: its records parsed once by Arrow's multi-threaded C reader, as text."""

    has_text = True  # numbers are parsed from text: an error can show the value as written

    def __init__(self, block: CsvBlock) -> None:
        self.block = block
        self._table: Any = None
        self._facts: dict[str, set[str]] = {}

    def __len__(self) -> int:
        return len(self.block)

    def table(self) -> Any:
        """Every column of the block as Arrow strings (as written; a blank is ``""``)."""
        if self._table is None:
            self._table = self.block.arrow()
        return self._table

    def frame(self, columns: Sequence[str], numeric: Collection[str] = ()) -> pd.DataFrame:
        """``columns`` as a DataFrame: ``numeric`` ones as float64 (blank = NaN), others text.

        A numeric cell that is not a plain number raises :class:`ValueError` (the caller
        then reads the block as text and lets the library say which cell and why). When the
        text table is not needed (yet), Arrow parses the numbers itself: only ``columns``,
        in C, multi-threaded; any refusal falls back to the text table.
        """
        import pandas as pd

        header = self.block.source.header
        if self._table is None and numeric:
            try:
                table = self.block.arrow(columns, numeric)
            except MalformedFileError:
                pass  # not plain numbers, or a malformed block: the text table says which
            else:
                return arrow_frame(table, columns, numeric)
        table = self.table()
        data = {}
        for name in columns:
            col = table.column(header.index(name))
            data[name] = _floats(col) if name in numeric else col.to_pandas()
        return pd.DataFrame(data, copy=False)

    def text_facts(self, delimiter: str) -> set[str]:
        """What the block's bytes prove of every value, for a CSV writer (``CsvTableWriter.write``).

        Without a quote character nothing was quoted, so a value is the bytes between two
        delimiters: ``"unquoted"`` when ``delimiter`` is the input's (or absent). In a plain
        block (one record per line of exactly the header's width): ``"lines"`` when
        ``delimiter`` is the input's, ``"no_formulas"`` when no value starts with a formula
        character and ``"no_edges"`` when none starts or ends with a space or tab.
        """
        if delimiter not in self._facts:
            self._facts[delimiter] = self._text_facts(delimiter)
        return self._facts[delimiter]

    def _text_facts(self, delimiter: str) -> set[str]:
        from jia_teach.io.csvwrite import FORMULA_START

        data = self.block.data
        if b'"' in data:
            return set()
        facts = set()
        if delimiter == self.block.source.delimiter or delimiter.encode() not in data:
            facts.add("unquoted")
        if self.block.plain:
            if delimiter == self.block.source.delimiter:
                facts.add("lines")
            a = np.frombuffer(data, dtype=np.uint8)
            delim = self.block.source.delimiter_byte
            if not any(_at_value_edge(data, a, c, delim, ends=False) for c in FORMULA_START):
                facts.add("no_formulas")
            if not any(_at_value_edge(data, a, c, delim, ends=True) for c in " \t"):
                facts.add("no_edges")
        return facts

    def texts(self, columns: Sequence[str]) -> list[Any]:
        table = self.table()
        header = self.block.source.header
        return [table.column(header.index(c)) for c in columns]

    def arrow(self, columns: Sequence[str]) -> Any:
        pa = require("pyarrow", "parquet", "writing Parquet files")
        return pa.table(self.texts(columns), names=list(columns))

    def where(self, row: int, column: str | None = None) -> str:
        data_row = self.block.first_row + row - 1
        return csv_place(self.block.source.name, self.block.line_of(row, column), data_row)


def csv_place(name: str, line: int, data_row: int) -> str:
    """How an error names a place in a CSV file: its physical line and its data row."""
    return f"{name} line {line} (data row {data_row})"


def _at_value_edge(data: bytes, a: np.ndarray, char: str, delim: int, *, ends: bool) -> bool:
    """Whether ``char`` starts a value of a plain block (or ends one, with ``ends``).

    A value starts at the block's start or after a delimiter or line feed, and ends before
    one or at the block's end. One ``memchr`` when ``char`` is absent (the common case).

    Examples
    --------
    >>> d = b"a,-1\\n2015-01-02,b \\n"
    >>> a = np.frombuffer(d, np.uint8)
    >>> [_at_value_edge(d, a, c, ord(","), ends=e) for c, e in (("-", False), (" ", True))]
    [True, True]
    """
    byte = ord(char)
    if byte == delim or char.encode() not in data:
        return False
    at = np.flatnonzero(a == byte)
    before = a[at - 1]
    starts = (at == 0) | (before == delim) | (before == 10)
    if starts.any():
        return True
    if not ends:
        return False
    after = a[np.minimum(at + 1, len(a) - 1)]
    return bool(((at == len(a) - 1) | (after == delim) | (after == 10)).any())


def arrow_frame(table: Any, columns: Sequence[str], numeric: Collection[str]) -> pd.DataFrame:
    """The Arrow ``table``'s columns (in ``columns``' order) as a DataFrame named by ``columns``:
    ``numeric`` ones as float64 (null = NaN), others as text."""
    import pandas as pd

    return pd.DataFrame(
        {
            name: (
                pd.Series(col.to_numpy(zero_copy_only=False), dtype=np.float64)
                if name in numeric
                else col.to_pandas()
            )
            for name, col in zip(columns, table.columns, strict=True)
        },
        copy=False,  # the columns as they are, not copied into one 2-D block
    )


def _floats(col: Any) -> pd.Series:
    """A text column as float64 (blank = NaN); ValueError if a cell is not a plain number."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    blank = pc.equal(col, "")
    if pc.any(blank).as_py():
        col = pc.if_else(blank, pa.scalar(None, pa.string()), col)
    try:
        values = pc.cast(col, pa.float64())
    except pa.ArrowInvalid:
        try:
            values = pc.cast(pc.utf8_trim_whitespace(col), pa.float64())
        except pa.ArrowInvalid:
            raise ValueError("not a plain number") from None
    return pd.Series(values.to_numpy(zero_copy_only=False), dtype=np.float64)


class _CsvFile:
    def __init__(self, path: Path, delimiter: str | None) -> None:
        if delimiter is None:
            delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        self.csv = CsvSource(path, delimiter=delimiter)
        self.name = self.csv.name
        self.header = self.csv.header

    @property
    def delimiter(self) -> str:
        return self.csv.delimiter

    def chunks(self) -> Iterator[Chunk]:
        return map(_CsvChunk, self.csv.blocks())

    def close(self) -> None:
        self.csv.close()

    def header_where(self) -> str:
        return f"{self.name} line {self.csv.header_line} (the header)"

    def progress(self) -> tuple[int, int]:
        return self.csv.bytes_read, self.csv.size

    def delimiter_hint(self) -> str | None:
        """A sentence when the header would split on ``;`` or a tab instead."""
        from jia_teach.scoring.inputs import KNOWN_COLUMNS

        if any(c in KNOWN_COLUMNS for c in self.header):
            return None
        for sep, word, flag in ((";", "semicolons", "';'"), ("\t", "tabs", "tab")):
            parts = [p.strip().strip('"') for p in self.csv.header_text.split(sep)]
            if sum(p in KNOWN_COLUMNS for p in parts) >= 2:
                return (
                    f"the header is separated by {word}, not commas (European Excel saves "
                    f"CSV so): run again with --delimiter {flag} or re-save the file as "
                    "CSV (comma delimited)"
                )
        return None


def open_source(
    path: Path, *, delimiter: str | None = None, chunk_rows: int | None = None
) -> Source:
    """The source for ``path`` by its extension (see the module docstring).

    ``chunk_rows``: rows per chunk for Excel and Parquet (default :data:`CHUNK_ROWS`).
    """
    kind = input_format(path)
    if kind != "csv" and delimiter is not None:
        raise MalformedFileError(f"{path}: --delimiter applies to CSV files only")
    if kind == "excel":
        from jia_teach.io.excelfile import ExcelFile

        return ExcelFile(path, chunk_rows=chunk_rows or CHUNK_ROWS)
    if kind == "parquet":
        from jia_teach.io.parquetfile import ParquetFile

        return ParquetFile(path, chunk_rows=chunk_rows or CHUNK_ROWS)
    return _CsvFile(path, delimiter)
