"""Tables in files as researchers hold them: CSV, Excel or Parquet in; CSV or Parquet out.

The format is chosen by the file name's extension, never guessed from the
content:

=====================  ===========================  ==================================
extension              read with                    a location in a message
=====================  ===========================  ==================================
``.csv .txt .tsv``,    :mod:`jia_teach.io.csvfile`     ``visits.csv line 17 (data row 15)``
any other              (``.tsv``: tab-delimited)    (the physical line)
``.xlsx .xlsm``        openpyxl, read-only          ``visits.xlsx row 17`` (sheet row)
``.parquet .pq``       pyarrow, a row group         ``visits.parquet row 15`` (data row)
                       at a time
=====================  ===========================  ==================================

Output is CSV unless the name ends in ``.parquet`` or ``.pq``; Excel output
is refused (a spreadsheet program rewrites what it opens, and 1,048,576 rows
is its limit). openpyxl and pyarrow are optional extras
(``pip install 'jia-teach[excel]'`` / ``'jia-teach[parquet]'``); a missing one
is named with that command.

Every source yields chunks of bounded size. A chunk gives its rows as a
DataFrame (only the columns asked for) and turns a 1-based row of that
DataFrame back into a place in the file. CSV in and CSV out copies each
input record's bytes as they were and appends the new fields, so nothing a
user wrote is reformatted (``007`` stays ``007``, ``6`` does not become
``6.0``).
"""

from __future__ import annotations

import csv
import importlib
import io
from collections.abc import Collection, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import IO, Any, Protocol

import numpy as np
import pandas as pd

from jia_teach.io.csvfile import CsvBlock, CsvSource
from jia_teach.rules.errors import JiaInputError, MalformedFileError

__all__ = [
    "Chunk",
    "MissingDependencyError",
    "Source",
    "format_suffixes",
    "input_format",
    "open_source",
    "output_format",
    "write_chunks",
]

_CSV = {".csv", ".txt", ".tsv", ""}
_EXCEL = {".xlsx", ".xlsm"}
_PARQUET = {".parquet", ".pq"}
CHUNK_ROWS = 65_536


class MissingDependencyError(JiaInputError):
    """An optional package a file format needs is not installed."""


def require(module: str, extra: str, what: str) -> Any:
    """Import an optional module or say how to install it.

    Examples
    --------
    >>> require("numpy", "x", "arrays").__name__
    'numpy'
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(
            f"{what} needs the optional package {module.split('.')[0]}; install it with "
            f"pip install 'jia-teach[{extra}]'"
        ) from None


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


class Chunk(Protocol):
    """Rows of one part of a file."""

    def __len__(self) -> int: ...

    def frame(self, columns: Sequence[str], numeric: Collection[str] = ()) -> pd.DataFrame: ...

    def where(self, row: int, column: str | None = None) -> str: ...


class Source(Protocol):
    """A file's header and its chunks."""

    name: str
    header: list[str]

    def chunks(self) -> Iterator[Chunk]: ...

    def header_where(self) -> str: ...

    def progress(self) -> tuple[int, int]: ...


# --- CSV ------------------------------------------------------------------------------


class _CsvChunk:
    def __init__(self, block: CsvBlock) -> None:
        self.block = block

    def __len__(self) -> int:
        return len(self.block)

    def frame(self, columns: Sequence[str], numeric: Collection[str] = ()) -> pd.DataFrame:
        return self.block.frame(columns, numeric)

    def where(self, row: int, column: str | None = None) -> str:
        data_row = self.block.first_row + row - 1
        return (
            f"{self.block.source.name} line {self.block.line_of(row, column)} (data row {data_row})"
        )


class _CsvFile:
    def __init__(self, path: Path, delimiter: str | None) -> None:
        if delimiter is None:
            delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        self.csv = CsvSource(path, delimiter=delimiter)
        self.name = self.csv.name
        self.header = self.csv.header

    def chunks(self) -> Iterator[Chunk]:
        return map(_CsvChunk, self.csv.blocks())

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


# --- Excel and Parquet ----------------------------------------------------------------


class _FrameChunk:
    def __init__(self, frame: pd.DataFrame, labels: np.ndarray, name: str, kind: str) -> None:
        self._frame = frame
        self.labels = labels
        self.name = name
        self.kind = kind

    def __len__(self) -> int:
        return len(self._frame)

    def frame(self, columns: Sequence[str], numeric: Collection[str] = ()) -> pd.DataFrame:
        return self._frame[list(columns)]

    def where(self, row: int, column: str | None = None) -> str:
        return f"{self.name} {self.kind} {int(self.labels[row - 1])}"


class _ExcelFile:
    def __init__(self, path: Path) -> None:
        openpyxl = require("openpyxl", "excel", "reading Excel files")
        self.name = str(path)
        try:
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except FileNotFoundError:
            raise MalformedFileError(f"{path}: no such file") from None
        except OSError as exc:
            raise MalformedFileError(f"{path}: cannot read it ({exc.strerror})") from None
        except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
            raise MalformedFileError(f"{path}: not a readable .xlsx workbook ({exc})") from None
        sheet = self._book.worksheets[0]
        self.sheet = sheet.title
        self._rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        for number, values in self._rows:
            if any(v is not None and str(v).strip() for v in values):
                self.header = [("" if v is None else str(v)) for v in values]
                while self.header and self.header[-1] == "":
                    self.header.pop()
                self.header_row = number
                break
        else:
            raise MalformedFileError(f"{path}: the first sheet is empty")

    def chunks(self) -> Iterator[Chunk]:
        width = len(self.header)
        rows: list[tuple] = []
        numbers: list[int] = []
        for number, values in self._rows:
            if not any(v is not None and str(v).strip() != "" for v in values):
                continue
            extra = [v for v in values[width:] if v is not None and str(v).strip() != ""]
            if extra:
                raise MalformedFileError(
                    f"{self.name} row {number}: a value right of the last named column "
                    f"({len(self.header)}); give it a header or delete it"
                )
            row = tuple(values[:width]) + (None,) * (width - len(values))
            rows.append(row)
            numbers.append(number)
            if len(rows) == CHUNK_ROWS:
                yield self._chunk(rows, numbers)
                rows, numbers = [], []
        if rows:
            yield self._chunk(rows, numbers)
        self._book.close()

    def _chunk(self, rows: list[tuple], numbers: list[int]) -> _FrameChunk:
        frame = pd.DataFrame.from_records(rows, columns=self.header, coerce_float=False)
        frame = frame.astype(object).where(frame.notna(), None)
        return _FrameChunk(frame, np.asarray(numbers), self.name, "row")

    def header_where(self) -> str:
        return f"{self.name} row {self.header_row} (the header)"

    def progress(self) -> tuple[int, int]:
        return 0, 0


class _ParquetFile:
    def __init__(self, path: Path) -> None:
        pq = require("pyarrow.parquet", "parquet", "reading Parquet files")
        self.name = str(path)
        try:
            self._file = pq.ParquetFile(path)
        except FileNotFoundError:
            raise MalformedFileError(f"{path}: no such file") from None
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise MalformedFileError(f"{path}: not a readable Parquet file ({reason})") from None
        except Exception as exc:  # pyarrow.ArrowInvalid ...
            raise MalformedFileError(f"{path}: not a readable Parquet file ({exc})") from None
        self.header = list(self._file.schema_arrow.names)
        self._done = 0
        self._total = self._file.metadata.num_rows

    def chunks(self) -> Iterator[Chunk]:
        offset = 0
        for batch in self._file.iter_batches(batch_size=CHUNK_ROWS):
            frame = batch.to_pandas()
            labels = np.arange(offset + 1, offset + len(frame) + 1)
            offset += len(frame)
            self._done = offset
            yield _FrameChunk(frame, labels, self.name, "row")

    def header_where(self) -> str:
        return f"{self.name} (its columns)"

    def progress(self) -> tuple[int, int]:
        return self._done, self._total


def open_source(path: Path, *, delimiter: str | None = None) -> Source:
    """The source for ``path`` by its extension (see the module docstring)."""
    kind = input_format(path)
    if kind != "csv" and delimiter is not None:
        raise MalformedFileError(f"{path}: --delimiter applies to CSV files only")
    if kind == "excel":
        return _ExcelFile(path)
    if kind == "parquet":
        return _ParquetFile(path)
    return _CsvFile(path, delimiter)


# --- writing --------------------------------------------------------------------------


def _quote(text: str) -> str:
    if any(c in text for c in ',"\r\n') or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


def _labels(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(codes, texts): a code per row and the CSV text of each code (as pandas writes it)."""
    if isinstance(series.dtype, pd.BooleanDtype):
        values = series.array
        codes = np.where(values.isna(), 2, values.to_numpy(dtype=bool, na_value=False))
        return codes.astype(np.int64), ["False", "True", ""]
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if pd.api.types.is_float_dtype(series.dtype):
        texts = [repr(float(u)) for u in uniques]
    else:
        texts = [_quote(str(u)) for u in uniques]
    codes = np.where(codes < 0, len(texts), codes)
    return codes.astype(np.int64), [*texts, ""]


def format_suffixes(decisions: pd.DataFrame) -> np.ndarray:
    """Per row, ``b",<field>,...\\n"``: the decision columns as CSV text to append.

    Each distinct combination of values is formatted once (vectorised; no
    Python per row). Booleans are ``True``/``False``, NA is empty, floats are
    written as pandas' ``to_csv`` writes them.

    Examples
    --------
    >>> d = pd.DataFrame({"a": pd.array([True, None, True], dtype="boolean"),
    ...                   "n": [66.67, float("nan"), 66.67]})
    >>> format_suffixes(d).tolist()
    [b',True,66.67\\n', b',,\\n', b',True,66.67\\n']
    """
    n = len(decisions)
    combined = np.zeros(n, dtype=np.int64)
    size = 1  # the number of values ``combined`` can take
    parts = []
    for name in decisions.columns:
        codes, texts = _labels(decisions[name])
        parts.append((codes, texts))
        if size * len(texts) >= 1 << 62:  # compress to the codes that occur
            combined = pd.factorize(combined)[0].astype(np.int64)
            size = int(combined.max()) + 1 if n else 1
        combined = combined * len(texts) + codes
        size *= len(texts)
    codes_u, first = np.unique(combined, return_index=True)
    out = np.empty(len(codes_u), dtype=object)
    for j, row in enumerate(first.tolist()):
        fields = [texts[codes[row]] for codes, texts in parts]
        out[j] = ("," + ",".join(fields) + "\n").encode("utf-8")
    return out[np.searchsorted(codes_u, combined)]


class CsvWriter:
    """CSV out: pass-through of CSV records, or a DataFrame's rows for other sources.

    The header goes out with the first chunk (or at :meth:`close`), so a file
    whose first block is refused writes nothing at all, even to standard
    output. (A later block that fails leaves the rows before it on standard
    output; the exit status says so. A file output is replaced only whole.)
    """

    def __init__(self, handle: IO[bytes], header: Sequence[str], added: Sequence[str]) -> None:
        self.handle = handle
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerow([*header, *added])
        self._header: bytes | None = text.getvalue().encode("utf-8")

    def write(self, chunk: Chunk, header: Sequence[str], decisions: pd.DataFrame) -> None:
        suffixes = format_suffixes(decisions)
        if isinstance(chunk, _CsvChunk):
            records = chunk.block.records()
        else:
            frame = chunk.frame(header).reset_index(drop=True)
            text = frame.to_csv(index=False, header=False, lineterminator="\n")
            records = (line.encode("utf-8") for line in _split_csv_lines(text))
        # one copy: the records and their suffixes joined in turn
        pieces = chain.from_iterable(zip(records, suffixes.tolist(), strict=True))
        self._flush_header()
        self.handle.write(b"".join(pieces))

    def _flush_header(self) -> None:
        if self._header is not None:
            self.handle.write(self._header)
            self._header = None

    def close(self) -> None:
        self._flush_header()
        self.handle.flush()


def _split_csv_lines(text: str) -> list[str]:
    """Records of CSV text written by pandas (a quoted field may hold a line break)."""
    out, buf, inside = [], [], False
    for line in text.split("\n")[:-1]:
        buf.append(line)
        inside ^= line.count('"') % 2 == 1
        if not inside:
            out.append("\n".join(buf))
            buf = []
    return out


class ParquetWriter:
    """Parquet out, one row group per chunk, every chunk cast to the first one's schema."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.pa = require("pyarrow", "parquet", "writing Parquet files")
        self.pq = require("pyarrow.parquet", "parquet", "writing Parquet files")
        self.handle = handle
        self.writer = None
        self.schema = None

    def write(self, chunk: Chunk, header: Sequence[str], decisions: pd.DataFrame) -> None:
        frame = chunk.frame(header).reset_index(drop=True)
        full = pd.concat([frame, decisions.reset_index(drop=True)], axis=1)
        self.write_frame(full)

    def write_frame(self, frame: pd.DataFrame) -> None:
        table = self.pa.Table.from_pandas(frame, preserve_index=False, schema=self.schema)
        if self.writer is None:
            self.schema = table.schema
            self.writer = self.pq.ParquetWriter(self.handle, self.schema)
        self.writer.write_table(table)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def write_chunks(kind: str, handle: IO[bytes], header: Sequence[str], added: Sequence[str]):
    """A writer for ``kind`` (``"csv"`` or ``"parquet"``) on an open binary handle."""
    if kind == "parquet":
        return ParquetWriter(handle)
    return CsvWriter(handle, header, added)
