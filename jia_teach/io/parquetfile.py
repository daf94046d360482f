"""Parquet in and out in batches of rows (memory: one batch, whatever the file or its row groups).

Reading keeps every column's own type (dates, timestamps, dictionaries, decimals) for a
Parquet output; binary columns are read as UTF-8 text (an id or a label stored as bytes) and
nested columns (maps, lists, structs) are refused with one line. Writing takes the output's
schema from the first scored chunk and closes the writer on every path.
A location in a message is the global data row (``visits.parquet row 15``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from jia_teach.io.chunks import CHUNK_ROWS, Chunk, FrameChunk, opening, require
from jia_teach.rules.errors import MalformedFileError

__all__ = ["ParquetFile", "ParquetTableWriter"]

#: Bytes read at a time from a column chunk (pyarrow otherwise reads a whole column chunk,
#: which for a one-row-group file is the whole column).
_READ_BUFFER = 1 << 20


def _parquet_column_problem(field: Any) -> str | None:
    """Why a Parquet column cannot be scored or written as a table cell, or None."""
    import pyarrow as pa

    t = field.type
    if pa.types.is_dictionary(t):
        t = t.value_type
    if pa.types.is_nested(t):
        return f"holds nested values ({t}); flatten it into plain columns or drop it"
    return None


class ParquetFile:
    """A Parquet file read in batches of ``chunk_rows`` rows (memory: one batch, whatever the
    file or its row groups)."""

    def __init__(self, path: Path, *, chunk_rows: int = CHUNK_ROWS) -> None:
        self.chunk_rows = chunk_rows
        pq = require("pyarrow.parquet", "parquet", "reading Parquet files")
        self.name = str(path)
        with opening(path, "Parquet file"):
            self._file = pq.ParquetFile(
                path, memory_map=False, pre_buffer=False, buffer_size=_READ_BUFFER
            )
            schema = self._file.schema_arrow
        self.header = list(schema.names)
        for f in schema:
            problem = _parquet_column_problem(f)
            if problem:
                raise MalformedFileError(f"{path}, column {f.name!r}: {problem}")
        self.schema = schema
        self._done = 0
        self._total = self._file.metadata.num_rows

    def chunks(self) -> Iterator[Chunk]:
        """The rows in batches of at most ``chunk_rows``, never a whole row group at once.

        A row group can hold millions of rows (pyarrow writes 1,048,576 by default, other
        writers a whole file), so each one is decoded ``chunk_rows`` rows at a time with
        :meth:`pyarrow.parquet.ParquetFile.iter_batches`, and its column chunks are read
        through a ``_READ_BUFFER`` stream instead of whole: memory is one batch, whatever the
        row groups.
        """
        pa = require("pyarrow", "parquet", "reading Parquet files")
        offset = 0
        for group in range(self._file.num_row_groups):
            batches = self._file.iter_batches(
                batch_size=self.chunk_rows, row_groups=[group], use_threads=False
            )  # threads measured 2.0 s either way on 1.8 M rows, and 10-30 MB more
            while True:
                try:
                    batch = next(batches, None)
                except Exception as exc:  # a corrupt page
                    reason = str(exc).splitlines()[0]
                    raise MalformedFileError(
                        f"{self.name}: row group {group + 1} is not readable ({reason})"
                    ) from None
                if batch is None:
                    break
                part = _text_binary(pa.Table.from_batches([batch]), self.name, offset)
                frame = part.to_pandas()
                labels = np.arange(offset + 1, offset + len(frame) + 1)
                offset += len(frame)
                self._done = offset
                yield FrameChunk(frame, labels, self.name, "row", part)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._file.close()

    def header_where(self) -> str:
        return f"{self.name} (its columns)"

    def progress(self) -> tuple[int, int]:
        return self._done, self._total


def _text_binary(table: Any, name: str, offset: int) -> Any:
    """Binary columns as UTF-8 text (a byte string is an id or a label here), or one error."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, f in enumerate(table.schema):
        t = f.type.value_type if pa.types.is_dictionary(f.type) else f.type
        if not (
            pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t)
        ):
            continue
        col = table.column(i)
        try:
            text = pc.cast(
                pc.cast(col, pa.binary()) if pa.types.is_dictionary(f.type) else col, pa.string()
            )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            values = col.to_pylist()
            row = next(
                (k for k, v in enumerate(values) if isinstance(v, bytes) and not _utf8(v)), 0
            )
            raise MalformedFileError(
                f"{name} row {offset + row + 1}, column {f.name!r}: bytes that are not UTF-8 "
                "text; store the column as text (string) or drop it"
            ) from None
        table = table.set_column(i, pa.field(f.name, pa.string()), text)
    return table


def _utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class ParquetTableWriter:
    """Parquet out: one row group per chunk, every chunk cast to the first one's schema.

    The schema comes from the first *scored* chunk (the input's own column types, then the
    decisions'), so dates, timestamps, dictionaries and decimals are kept as they were. The
    writer is closed on every path (:meth:`abort` in a ``finally``), so pyarrow never prints
    "Exception ignored in ParquetWriter.__del__".
    """

    def __init__(self, handle: IO[bytes]) -> None:
        self.pa = require("pyarrow", "parquet", "writing Parquet files")
        self.pq = require("pyarrow.parquet", "parquet", "writing Parquet files")
        self.handle = handle
        self.writer: Any = None
        self.schema: Any = None

    def write_chunk(self, chunk: Chunk, header: Sequence[str], decisions: pd.DataFrame) -> None:
        table = chunk.arrow(header)
        decided = self.pa.Table.from_pandas(decisions.reset_index(drop=True), preserve_index=False)
        for name in decided.column_names:
            table = table.append_column(decided.field(name), decided.column(name))
        if self.writer is None:  # pandas' dtypes (nullable booleans ...) travel in the metadata
            sample = pd.concat(
                [chunk.frame(header).iloc[:0].reset_index(drop=True), decisions.iloc[:0]], axis=1
            )
            meta = self.pa.Table.from_pandas(sample, preserve_index=False).schema.metadata
            table = table.replace_schema_metadata(meta)
        self.write_table(table)

    def write_frame(self, frame: pd.DataFrame) -> None:
        self.write_table(self.pa.Table.from_pandas(frame, preserve_index=False))

    def write_table(self, table: Any) -> None:
        if self.writer is None:
            self.schema = self._settled(table.schema)
            self.writer = self.pq.ParquetWriter(self.handle, self.schema)
        table = table.replace_schema_metadata(self.schema.metadata)
        if table.schema != self.schema:
            try:
                table = table.cast(self.schema)
            except (self.pa.ArrowInvalid, self.pa.ArrowNotImplementedError) as exc:
                raise MalformedFileError(
                    f"the values do not fit the output's column types taken from the first "
                    f"rows ({str(exc).splitlines()[0]})"
                ) from None
        self.writer.write_table(table)

    def _settled(self, schema: Any) -> Any:
        """A column that is all missing in the first chunk is typed as text, not null."""
        pa = self.pa
        fields = [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in schema]
        return pa.schema(fields, metadata=schema.metadata)

    def close(self) -> None:
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer.close()

    def abort(self) -> None:
        """Close without raising (the caller is already failing and discards the output)."""
        if self.writer is not None:
            writer, self.writer = self.writer, None
            with contextlib.suppress(Exception):
                writer.close()
