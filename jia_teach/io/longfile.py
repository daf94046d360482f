"""A CSV visit table (``--long``) of any size paired and scored in bounded memory.

The whole table is never held: pairing needs all of a patient's visits together, and nothing
more, so the visits are **partitioned by patient** on disk, each part of whole patients is
paired and scored by the one set of rules (:func:`jia_teach.pair_visits`' ``_pair`` and
``score_pairs``, the same code as the in-memory path), and the scored parts are **merged** by
patient id into the output. Three passes, each a block or a part at a time:

1. **Partition.** The CSV blocks are read as for a wide table (true lines, UTF-8, widths
   checked); per block the time column is read (:func:`~jia_teach.scoring.visittimes._times`,
   so a bad date is named with its true line, as in memory), the baseline label looked for,
   and every visit appended, with its data row, physical line and time, to one of ``P`` Arrow
   IPC spill files chosen by a hash of the patient id as the rules compare it (spaces at either
   end removed). ``P`` grows with the file (about :data:`PART_BYTES` of CSV a part).
2. **Pair.** Each part is read back, paired and scored; its output (sorted by patient, then
   follow-up time, as the rules sort it) goes to a second spill file.
3. **Merge.** The parts' outputs are merged a few thousand rows at a time by patient id (a
   patient is in one part only, so the merged order is the in-memory order) and written
   through the atomic writer.

The output is byte for byte the in-memory path's (tests/test_longfile.py checks it on random
tables): the same columns, rows and order, the same ``unpaired`` ids, and times written in
the format pandas would choose for the whole column (one witness value, the finest time of
the column, is formatted with each block).

Spill files are anonymous (``tempfile.TemporaryFile``: ``O_TMPFILE`` on Linux, in ``TMPDIR``),
so they vanish with the process on any exit, SIGKILL included. They hold about the input's
size again, twice at the peak.

What stays in memory: one CSV block, one part (whole patients; a part is about
:data:`PART_BYTES` of CSV), the merge buffers (:data:`MERGE_ROWS` rows in all) and the ids
of the unpaired patients (reported in :class:`~jia_teach.io.scorefile.ScoredFile`).

Differences from the in-memory path, on purpose: an input with several errors may be refused
for another of them (each named with its true line); a time column holding study days in
some blocks and dates in others is refused (in memory it is refused unless every number is
also an ISO date such as ``20240301``). A callable baseline (API only) and Excel or Parquet
inputs are paired in memory.
"""

from __future__ import annotations

import contextlib
import heapq
import math
import tempfile
from collections.abc import Callable, Iterable
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jia_teach.io.tablefile import csv_place
from jia_teach.rules.errors import InvalidValueError, JiaInputError
from jia_teach.scoring.visits import _pair, label_text, no_label_error, score_pairs
from jia_teach.scoring.visittimes import _blank, _times

__all__ = ["IN_MEMORY_BYTES", "MERGE_ROWS", "PART_BYTES", "score_long"]

#: CSV files up to this size are paired in memory (the two paths give the same output; in
#: memory is faster on small files, and 16 MB of visits peak at about 600 MB there).
IN_MEMORY_BYTES = 16 << 20
#: About this many bytes of CSV per part (a part is paired in memory: about 150,000 visits).
PART_BYTES = 4 << 20
#: Parts when the size is unknown (a pipe).
PIPE_PARTS = 128
#: Rows the merge holds at a time over all parts (each part's output is read in record
#: batches of ``MERGE_ROWS // parts`` rows, at least 256).
MERGE_ROWS = 1 << 16
#: What Python's ``str.strip()`` removes (``str.isspace``), so Arrow trims ids the same way.
_SPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
_NOT_SEEN = 11  # labels kept for the "no visit has the label" message (it shows ten)


def bounded(src: Any, baseline: Any) -> bool:
    """Whether ``src`` (an open source) is paired by :func:`score_long` rather than in memory."""
    csv = getattr(src, "csv", None)
    if csv is None or callable(baseline):
        return False
    return csv.size == 0 or csv.size > IN_MEMORY_BYTES  # size 0: a pipe (the header was read)


class _Spill:
    """One anonymous file of Arrow IPC record batches, written then read back once."""

    def __init__(self, schema: pa.Schema, batch_rows: int | None = None) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile()
        self.writer: Any = pa.ipc.new_stream(self.file, schema)
        self.batch_rows = batch_rows

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            self.writer.write_table(table, max_chunksize=self.batch_rows)

    def batches(self) -> Iterable[pa.RecordBatch]:
        self.writer.close()
        self.file.seek(0)
        return pa.ipc.open_stream(self.file)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()
        self.file.close()


class _Where:
    """The true place of a visit (by data row) in a part: its line, at a column's own line."""

    def __init__(self, name: str, header: list[str], part: pa.Table) -> None:
        self.name, self.header, self.part = name, header, part
        self.rows = part.column("__row").to_numpy()

    def __call__(self, row: int, column: str | None) -> str:
        i = int(np.searchsorted(self.rows, row))
        line = int(self.part.column("__line")[i].as_py())
        if column in self.header:  # a quoted line break before the cell moves it down
            for k in range(self.header.index(column)):
                text = self.part.column(f"c{k}")[i].as_py()
                line += text.count("\n") + text.count("\r") - text.count("\r\n")
        return csv_place(self.name, line, row)


def _relocated(exc: JiaInputError, where: Callable[[int, str | None], str]) -> JiaInputError:
    if exc.row is None:
        return exc
    return JiaInputError(exc.describe(row_label=where(exc.row, exc.column)))


class _TimeKind:
    """Study days or dates: every block must agree (module docstring); any UTC offset seen."""

    def __init__(self, column: str) -> None:
        self.column = column
        self.dates: bool | None = None
        self.place = ""
        self.aware = False

    def add(self, dates: bool, aware: bool, chunk: Any, times: pd.Series) -> None:
        self.aware |= aware
        if self.dates is None:
            self.dates, self.place = dates, chunk.where(1, self.column)
        elif dates != self.dates:
            kind = ("a date", "a number of study days")
            raise InvalidValueError(
                f"{times.iloc[0]!r} is {kind[not dates]} but {self.place} holds "
                f"{kind[not self.dates]}",
                column=self.column,
                row=1,
                allowed="ISO 8601 dates in every row, or a number of study days in every row",
            )


class _Labels:
    """Whether any visit has the baseline label, and the labels seen (for the error)."""

    def __init__(self, baseline: str) -> None:
        self.baseline = baseline.strip()
        self.found = False
        self.seen: dict[str, None] = {}

    def add(self, values: pd.Series) -> None:
        text = label_text(values)
        if self.found or bool((text == self.baseline).to_numpy(dtype=bool, na_value=False).any()):
            self.found = True
            return
        for v in pd.unique(text.dropna()):
            v = str(v)
            if v and v not in self.seen:
                if len(self.seen) < _NOT_SEEN or v.lower() == self.baseline.lower():
                    self.seen[v] = None


def _bucket(ids: pa.ChunkedArray, parts: int) -> np.ndarray:
    """The part of each visit: a hash of its id with the spaces at either end removed."""
    stripped = pc.utf8_trim(ids, characters=_SPACE)
    encoded = pc.dictionary_encode(stripped).combine_chunks()
    names = encoded.dictionary.to_numpy(zero_copy_only=False)
    hashes = pd.util.hash_array(names.astype(object), categorize=False) % np.uint64(parts)
    return hashes.astype(np.int64)[encoded.indices.to_numpy(zero_copy_only=False)]


def _witness_level(series: pd.Series) -> np.ndarray:
    """How much of each time pandas must show: 0 date, 1 seconds, 2 milliseconds, 3 micro."""
    if series.dt.tz is not None:
        series = series.dt.tz_localize(None)
    us = series.to_numpy(dtype="datetime64[us]").astype(np.int64)
    return np.select([us % 1000 != 0, us % 1_000_000 != 0, us % 86_400_000_000 != 0], [3, 2, 1], 0)


class _Witness:
    """Per output time column, the finest time written: formatted with every block, so each
    block is written in the format pandas chooses for the whole column."""

    def __init__(self) -> None:
        self.values: dict[str, tuple[int, pd.Series]] = {}

    def add(self, scored: pd.DataFrame) -> None:
        for c in scored.columns:
            col = scored[c]
            if not len(col) or not pd.api.types.is_datetime64_any_dtype(col.dtype):
                continue
            level = _witness_level(col)
            i = int(np.argmax(level))
            if c not in self.values or level[i] > self.values[c][0]:
                self.values[c] = (int(level[i]), col.iloc[i : i + 1])

    def texts(self, frame: pd.DataFrame) -> list[pa.Array]:
        from jia_teach.io.csvwrite import text_column

        out = []
        for c in frame.columns:
            w = self.values.get(c)
            if w is None:
                out.append(text_column(frame[c]))
            else:
                both = pd.concat([w[1], frame[c]], ignore_index=True)
                out.append(text_column(both).slice(1))
        return out


def score_long(
    src: Any,
    chunks: Iterable[Any],
    writing: Callable[[list[str]], contextlib.AbstractContextManager[Any]],
    *,
    patient: str,
    time: str,
    baseline: str,
    label: str | None,
    window: tuple[float, float] | None,
    options: dict[str, Any],
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, tuple]:
    """Pair and score the visits of a CSV source (module docstring); return (rows, unpaired).

    ``writing(columns)``: a context giving the output's writer (a ``CsvTableWriter`` or a
    ``ParquetTableWriter``), entered once every part is scored; it closes the writer.
    """
    header = list(src.header)
    empty = pd.DataFrame({c: pd.Series([], dtype=str) for c in header})
    pairing = dict(patient=patient, time=time, baseline=baseline, label=label, window=window)
    try:  # names, options and the output's columns, before any row is read
        template = score_pairs(_pair(empty, **pairing), **options)
    except JiaInputError as exc:
        raise JiaInputError(exc.describe(row_label=src.header_where())) from None
    size = src.csv.size
    parts = max(2, math.ceil(size / PART_BYTES)) if size else PIPE_PARTS
    with contextlib.ExitStack() as stack:
        spills = _partition(src, chunks, parts, pairing, progress, stack)
        outputs, unpaired, witness = _pair_parts(src, spills, pairing, options, stack)
        with writing([str(c) for c in template.columns]) as writer:
            rows = _merge(outputs, _batch_rows(len(outputs)), writer, template, witness, patient)
    return rows, tuple(heapq.merge(*unpaired))


def _partition(
    src: Any,
    chunks: Iterable[Any],
    parts: int,
    pairing: dict[str, Any],
    progress: Callable[[int, int], None] | None,
    stack: contextlib.ExitStack,
) -> tuple[list[_Spill], _TimeKind]:
    header = list(src.header)
    patient, time, label = pairing["patient"], pairing["time"], pairing["label"]
    p, t = header.index(patient), header.index(time)
    labels = _Labels(pairing["baseline"]) if label is not None else None
    kind = _TimeKind(time)
    spills: list[_Spill | None] = [None] * parts
    for chunk in chunks:
        table = chunk.table()
        try:
            ids = table.column(p).to_pandas()
            missing = _blank(ids)
            if missing.any():
                raise InvalidValueError(
                    "no patient id", column=patient, row=int(np.flatnonzero(missing)[0]) + 1
                )
            times = table.column(t).to_pandas()
            key, shown, dates = _times(times, time)
            kind.add(dates, dates and shown.dt.tz is not None, chunk, times)
        except JiaInputError as exc:
            raise _relocated(exc, chunk.where) from None
        if labels is not None:
            labels.add(table.column(header.index(label)).to_pandas())
        block = chunk.block
        extra = {
            "__row": pa.array(np.arange(block.first_row, block.first_row + len(block))),
            "__line": pa.array(np.asarray(block.lines, dtype=np.int64)),
            "__key": pa.array(key),
        }
        if dates:
            if shown.dt.tz is not None:
                shown = shown.dt.tz_localize(None)
            extra["__shown"] = pa.array(shown.to_numpy(dtype="datetime64[us]").astype(np.int64))
        for name, values in extra.items():
            table = table.append_column(name, values)
        bucket = _bucket(table.column(p), parts)
        order = np.argsort(bucket, kind="stable")
        ends = np.cumsum(np.bincount(bucket, minlength=parts))
        table = table.take(pa.array(order))
        start = 0
        for b, end in enumerate(ends.tolist()):
            if end > start:
                if spills[b] is None:
                    spills[b] = stack.enter_context(contextlib.closing(_Spill(table.schema)))
                spills[b].write(table.slice(start, end - start))
            start = end
        if progress is not None:
            progress(*src.progress())
    if labels is not None and not labels.found and any(spills):
        exc = no_label_error(pairing["baseline"], label, list(labels.seen))
        raise JiaInputError(exc.describe(row_label=src.header_where())) from None
    return [s for s in spills if s is not None], kind


def _pair_parts(
    src: Any,
    spills: tuple[list[_Spill], _TimeKind],
    pairing: dict[str, Any],
    options: dict[str, Any],
    stack: contextlib.ExitStack,
) -> tuple[list[_Spill], list[tuple], _Witness]:
    header = list(src.header)
    parts, kind = spills
    outputs: list[_Spill] = []
    unpaired: list[tuple] = []
    witness = _Witness()
    for spill in parts:
        part = pa.Table.from_batches(list(spill.batches()))
        spill.close()
        frame = pd.DataFrame({c: part.column(f"c{i}").to_pandas() for i, c in enumerate(header)})
        key = part.column("__key").to_numpy()
        if kind.dates:
            shown = pd.Series(part.column("__shown").to_numpy().astype("datetime64[us]"))
            if kind.aware:
                shown = shown.dt.tz_localize("UTC")
        else:
            shown = pd.Series(key)
        try:
            pairs = _pair(
                frame,
                **pairing,
                rows=part.column("__row").to_numpy(),
                times=(key, shown, bool(kind.dates)),
                whole=False,
            )
            scored = score_pairs(pairs, **options)
        except JiaInputError as exc:
            raise _relocated(exc, _Where(src.name, header, part)) from None
        del frame, part, pairs
        unpaired.append(scored.attrs.get("unpaired", ()))
        witness.add(scored)
        table = pa.Table.from_pandas(scored, preserve_index=False)
        batch = _batch_rows(len(parts))
        out = stack.enter_context(contextlib.closing(_Spill(table.schema, batch)))
        out.write(table)
        outputs.append(out)
    return outputs, unpaired, witness


def _batch_rows(parts: int) -> int:
    return max(256, MERGE_ROWS // max(parts, 1))


def _merge(
    outputs: list[_Spill],
    batch_rows: int,
    writer: Any,
    template: pd.DataFrame,
    witness: _Witness,
    patient: str,
) -> int:
    """Write the parts' outputs in patient order (each is sorted; a patient is in one)."""
    from jia_teach.io.csvwrite import CsvTableWriter

    streams = [iter(o.batches()) for o in outputs]
    tables: list[pa.Table | None] = [None] * len(streams)
    ids: list[np.ndarray] = [np.empty(0, dtype=object)] * len(streams)
    ended = [False] * len(streams)

    def topped_up(i: int) -> bool:
        """Part ``i``'s buffer holds a batch or more (or all that is left); False if empty."""
        while not ended[i] and (tables[i] is None or len(ids[i]) < batch_rows):
            batch = next(streams[i], None)
            if batch is None:
                ended[i] = True
                break
            more = pa.Table.from_batches([batch])
            tables[i] = more if tables[i] is None else pa.concat_tables([tables[i], more])
            ids[i] = np.concatenate([ids[i], batch.column(patient).to_numpy(zero_copy_only=False)])
        return tables[i] is not None and len(ids[i]) > 0

    rows = 0
    while True:
        # every buffer at least a batch long, so each step writes about a batch per part
        live = [i for i in range(len(streams)) if topped_up(i)]
        if not live:
            break
        cutoff = min(ids[i][-1] for i in live)  # every id up to it is in the buffers
        taken, taken_ids = [], []
        for i in live:
            k = int(np.searchsorted(ids[i], cutoff, side="right"))
            if k:
                taken.append(tables[i].slice(0, k))
                taken_ids.append(ids[i][:k])
            tables[i], ids[i] = tables[i].slice(k), ids[i][k:]
        block = pa.concat_tables(taken, promote_options="permissive")
        order = np.argsort(np.concatenate(taken_ids), kind="stable")
        frame = block.take(pa.array(order)).to_pandas()
        if isinstance(writer, CsvTableWriter):
            writer.write(witness.texts(frame))
        else:
            writer.write_frame(frame)
        rows += len(frame)
    if rows == 0:
        writer.write_frame(template)
    return rows
