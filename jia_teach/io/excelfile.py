"""Excel (.xlsx/.xlsm) input: the first sheet, read in bounded memory and time.

openpyxl reads the sheet in read-only mode, 65,536 rows at a time. Before any row is read the
workbook is checked against limits (issue 20): a sheet's XML, the shared strings and their
compression ratio (a zip of blanks), and the used range's width (a stray cell at XFD1048576
would make every row 16,384 cells). A formula cell saved without its result (written by a
program that does not calculate) is refused, naming the cell, instead of being read as blank.
A location in a message is the sheet row (``visits.xlsx row 17``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jia_teach.io.chunks import CHUNK_ROWS, Chunk, FrameChunk, opening, require
from jia_teach.rules.errors import MalformedFileError

__all__ = ["XLSX_MAX_COLUMNS", "XLSX_MAX_PART", "XLSX_MAX_RATIO", "XLSX_MAX_STRINGS", "ExcelFile"]

#: Limits checked before a sheet is read (issue 20): a registry table has tens of columns;
#: a stray cell at XFD1048576 or a zip bomb of blanks would otherwise run for minutes or
#: take gigabytes.
XLSX_MAX_COLUMNS = 1_000
XLSX_MAX_PART = 1 << 30  # uncompressed bytes of the sheet's XML
XLSX_MAX_STRINGS = 256 << 20  # uncompressed bytes of the shared strings (held in memory)
XLSX_MAX_RATIO = 200  # uncompressed / compressed, past 16 MB


def _column_letters(n: int) -> str:
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _check_xlsx_parts(path: Path, archive: Any) -> None:
    """Refuse a workbook whose parts are too large to read in bounded memory and time."""
    for info in archive.infolist():
        name = info.filename
        if not (name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"):
            continue
        limit = XLSX_MAX_STRINGS if name.endswith("sharedStrings.xml") else XLSX_MAX_PART
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limit or (info.file_size > 16 << 20 and ratio > XLSX_MAX_RATIO):
            raise MalformedFileError(
                f"{path}: the part {name} unpacks to {info.file_size >> 20} MB "
                f"({ratio:.0f} times its packed size; limits {limit >> 20} MB and "
                f"{XLSX_MAX_RATIO} times); save the table as CSV UTF-8 instead"
            )


def _has_formulas(archive: Any, part: str) -> bool:
    """Whether the sheet's XML holds a formula element (a streamed byte search)."""
    tail = b""
    with archive.open(part) as xml:
        while chunk := xml.read(1 << 20):
            data = tail + chunk
            if b"<f>" in data or b"<f " in data or b":f>" in data or b":f " in data:
                return True
            tail = data[-4:]
    return False


class ExcelFile:
    def __init__(self, path: Path, *, chunk_rows: int = CHUNK_ROWS) -> None:
        self.chunk_rows = chunk_rows
        import zipfile

        openpyxl = require("openpyxl", "excel", "reading Excel files")
        self.name = str(path)
        with opening(path, ".xlsx workbook"):  # zipfile.BadZipFile, InvalidFileException ...
            with zipfile.ZipFile(path) as archive:
                _check_xlsx_parts(path, archive)
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        self._formulas = None
        try:
            sheets = self._book.worksheets
            if not sheets:
                raise MalformedFileError(f"{path}: the workbook has no worksheet")
            sheet = sheets[0]
            self.sheet = sheet.title
            width = sheet.max_column or 0
            if width > XLSX_MAX_COLUMNS:
                raise MalformedFileError(
                    f"{path}: the sheet {sheet.title!r} uses columns up to "
                    f"{_column_letters(width)} ({width}; the limit is {XLSX_MAX_COLUMNS}); "
                    "delete the stray cells right of the table or save it as CSV"
                )
            part = getattr(sheet, "_worksheet_path", None)
            if part:
                with zipfile.ZipFile(path) as archive:
                    if _has_formulas(archive, part):
                        raw = openpyxl.load_workbook(path, read_only=True, data_only=False)
                        self._formulas = raw.worksheets[0].iter_rows(
                            values_only=True, max_col=XLSX_MAX_COLUMNS
                        )
                        self._raw_book = raw
            self._rows = enumerate(
                sheet.iter_rows(values_only=True, max_col=XLSX_MAX_COLUMNS), start=1
            )
            for number, values in self._rows:
                values = self._checked(number, values)
                if any(v is not None and str(v).strip() for v in values):
                    self.header = [("" if v is None else str(v)) for v in values]
                    while self.header and self.header[-1] == "":
                        self.header.pop()
                    self.header_row = number
                    break
            else:
                raise MalformedFileError(f"{path}: the first sheet is empty")
        except MalformedFileError:
            self.close()
            raise
        except Exception as exc:  # a malformed sheet inside a valid zip
            self.close()
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise MalformedFileError(f"{path}: not a readable .xlsx workbook ({reason})") from None

    def _checked(self, number: int, values: tuple) -> tuple:
        """The row's values; a formula cell with no stored result is refused, naming it."""
        if self._formulas is None:
            return values
        raw = next(self._formulas, ())
        for k, (value, formula) in enumerate(zip(values, raw, strict=False)):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                raise MalformedFileError(
                    f"{self.name} cell {_column_letters(k + 1)}{number}: the formula "
                    f"{formula[:40]!r} has no stored result (the file was written by a program "
                    "that does not calculate); open and save it in Excel or LibreOffice, or "
                    "save it as CSV"
                )
        return values

    def chunks(self) -> Iterator[Chunk]:
        width = len(self.header)
        rows: list[tuple] = []
        numbers: list[int] = []
        try:
            for number, values in self._rows:
                values = self._checked(number, values)
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
                if len(rows) == self.chunk_rows:
                    yield self._chunk(rows, numbers)
                    rows, numbers = [], []
            if rows:
                yield self._chunk(rows, numbers)
        except MalformedFileError:
            raise
        except Exception as exc:  # a malformed sheet inside a valid zip
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise MalformedFileError(
                f"{self.name}: not a readable .xlsx workbook ({reason})"
            ) from None
        finally:
            self.close()

    def close(self) -> None:
        for book in (getattr(self, "_book", None), getattr(self, "_raw_book", None)):
            if book is not None:
                with contextlib.suppress(Exception):
                    book.close()

    def _chunk(self, rows: list[tuple], numbers: list[int]) -> FrameChunk:
        frame = pd.DataFrame.from_records(rows, columns=self.header, coerce_float=False)
        frame = frame.astype(object).where(frame.notna(), None)
        return FrameChunk(frame, np.asarray(numbers), self.name, "row")

    def header_where(self) -> str:
        return f"{self.name} row {self.header_row} (the header)"

    def progress(self) -> tuple[int, int]:
        return 0, 0
