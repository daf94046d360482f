"""Score a file of visits into a new file: the one pipeline behind ``jia-teach score``.

:func:`score_file` is what the command line runs (``cli.py`` only parses the arguments and
prints), so a script gets every guarantee the CLI gives:

* **Streaming.** A wide table is read, scored and written a block at a time (CSV about 8 MB,
  Excel and Parquet 65,536 rows), so memory does not grow with the file. A visit
  table (``long=True``) in a CSV file larger than 16 MB (or a pipe) is partitioned by
  patient on disk and paired a part at a time (:mod:`jia_teach.io.longfile`), so memory is
  bounded there too; smaller files, Excel and Parquet inputs and a callable baseline are
  paired in memory (the same output).
* **True places in errors.** Every refusal is one :class:`~jia_teach.rules.errors.JiaInputError`
  naming the input file, the physical line of a CSV file (a quoted line break counts), the
  sheet row of an xlsx file or the global row of a Parquet file, the column, the value as it
  was written and the allowed range.
* **Private, atomic output** (:mod:`jia_teach.io.atomic`): an anonymous file in the output's
  folder is named only once complete; an existing output is replaced only with
  ``force=True``; the input itself, a link, a folder, a device or a FIFO are refused; nothing
  is left behind on any exit, SIGKILL included.
* **Well-formed output** (:mod:`jia_teach.io.csvwrite`): CSV is written from parsed values in
  one dialect (``,`` unless ``output_delimiter`` says otherwise, ``"input"`` for the input's
  own), text cells that a spreadsheet would run as formulas are escaped unless
  ``escape_formulas=False``; Parquet keeps the input's column types.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from jia_teach.io.pipeline import ReadAhead
from jia_teach.rules.definitions import FLARE_PRESETS, FlareDefinition
from jia_teach.rules.errors import JiaInputError, MalformedFileError

if TYPE_CHECKING:  # imported by the scorer, once the CSV reader has started (_Early)
    import pandas as pd

__all__ = ["ScoredFile", "score_file"]


@dataclass(frozen=True)
class ScoredFile:
    """What :func:`score_file` wrote.

    Attributes
    ----------
    output : str
        The output path (``"-"`` or the file object's name for a stream).
    rows : int
        Rows written (scored rows or pairs).
    unpaired : tuple
        Visit tables: the patient ids with no pair (a single visit, or none in the window).
    """

    output: str
    rows: int
    unpaired: tuple = field(default=())


def _flare(flare: str | FlareDefinition | None, marker: str) -> FlareDefinition | None:
    if flare is None:
        return None
    if isinstance(flare, FlareDefinition):
        return flare
    if isinstance(flare, str) and flare in FLARE_PRESETS:
        return FLARE_PRESETS[flare].replace(marker=marker)
    raise JiaInputError(
        f"{flare!r} is not a flare definition",
        column="flare",
        allowed=", ".join(repr(k) for k in sorted(FLARE_PRESETS)) + " or a FlareDefinition",
    )


@contextlib.contextmanager
def _output(output: Any, *, force: bool, inputs: list[Path]) -> Iterator[IO[bytes]]:
    from jia_teach.io.atomic import atomic_output

    if hasattr(output, "write"):
        yield output
        output.flush()
        return
    with atomic_output(output, force=force, inputs=inputs, text=False) as handle:
        yield handle


def _output_kind(output: Any) -> str:
    from jia_teach.io.tablefile import output_format

    if hasattr(output, "write"):
        return "csv"
    return output_format(os.fspath(output))


def score_file(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str] | IO[bytes],
    *,
    long: bool = False,
    patient: str | None = None,
    time: str | None = None,
    baseline: Any = "first",
    label: str | None = None,
    window: tuple[float, float] | None = None,
    marker: str | None = None,
    vas_unit: str = "cm",
    worsening_limit: float = 30.0,
    flare: str | FlareDefinition = "trial",
    explain: bool = False,
    delimiter: str | None = None,
    output_delimiter: str = ",",
    escape_formulas: bool = True,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    chunk_rows: int | None = None,
) -> ScoredFile:
    """Score the visits in ``source`` (CSV, Excel or Parquet) into ``output`` (CSV or Parquet).

    Parameters
    ----------
    source : path
        ``.csv``/``.txt``/``.tsv`` (or any other name: CSV), ``.xlsx``/``.xlsm`` or
        ``.parquet``/``.pq``. Only ever opened for reading.
    output : path or binary file
        ``.parquet``/``.pq`` for Parquet, any other name for CSV; or an open binary file
        (``sys.stdout.buffer``) for CSV on a stream.
    long, patient, time, baseline, label, window
        A visit table (one row per visit): paired by :func:`jia_teach.pair_visits` with these
        options, then scored. A CSV file over 16 MB (or a pipe) is paired by parts of whole
        patients in bounded memory (:mod:`jia_teach.io.longfile`; the same output); a
        callable ``baseline`` is always paired in memory.
    marker, vas_unit, worsening_limit, explain
        As for :func:`jia_teach.score`.
    flare : str or FlareDefinition
        A preset name (``"trial"``, ``"brunner2002"``) or a definition.
    delimiter : str, optional
        The input's field separator (default ``,``, a tab for ``.tsv``).
    output_delimiter : str
        The output's separator: ``","`` (default) or ``"input"`` for the input's own, or any
        one character.
    escape_formulas : bool
        Write text cells starting with ``= + - @``, a tab or CR with a leading apostrophe
        (OWASP CSV injection); numbers are never changed.
    force : bool
        Replace an existing output file.
    progress : callable, optional
        Called as ``progress(done, total)`` after each block (bytes for CSV, rows otherwise).
    chunk_rows : int, optional
        Rows per chunk for Excel and Parquet inputs (default 65,536).

    Returns
    -------
    ScoredFile

    Raises
    ------
    jia_teach.rules.errors.JiaInputError
        Any problem with the input, the options or the output path, in one sentence naming
        the place (see the module docstring).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "v.csv").write_text(
    ...     "id;physician_global_baseline;physician_global_followup;parent_global_baseline;"
    ...     "parent_global_followup;chaq_baseline;chaq_followup;active_joints_baseline;"
    ...     "active_joints_followup;lom_joints_baseline;lom_joints_followup;esr_baseline;"
    ...     "esr_followup\\n=A1;6;2;5;3;1,5;1;12;3;10;9;60;20\\n".replace("1,5", "1.5"))
    >>> done = score_file(folder / "v.csv", folder / "out.csv", delimiter=";")
    >>> done.rows
    1
    >>> (folder / "out.csv").read_text().splitlines()[1]
    "'=A1,6,2,5,3,1.5,1,12,3,10,9,60,20,True,True,False,False,False,66.67,False"
    """
    from jia_teach.io.tablefile import open_source

    src_path = Path(source)
    kind = _output_kind(output)
    if not hasattr(output, "write"):
        from jia_teach.io.atomic import check_output

        check_output(output, force=force, inputs=[src_path])
    if not long and (patient or time or label or window):
        raise JiaInputError(
            "--patient, --time, --label and --window apply to --long visit tables only"
        )
    src = open_source(src_path, delimiter=delimiter, chunk_rows=chunk_rows)
    early = _Early.start(src) if not long else None
    try:
        out_delim = (
            getattr(src, "delimiter", ",") if output_delimiter == "input" else output_delimiter
        )
        options = dict(
            marker=marker,
            vas_unit=vas_unit,
            worsening_limit=worsening_limit,
            flare=flare,
            explain=explain,
        )
        job = _Job(src, output, kind, out_delim, escape_formulas, force, src_path, progress)
        if long:
            return job.long(options, patient, time, baseline, label, window)
        return job.wide(options, early)
    finally:
        if early is not None:
            early.ahead.close()
        src.close()


class _Early:
    """The CSV reader, started before pandas and the scorer are imported (0.3 s).

    Until the scorer has checked the header, the reader parses the columns *named* like
    core-set values (``*_baseline``, ``*_followup``; ``fever*`` ones as text) with Arrow, so
    the first blocks are parsed while the imports run on the other core. The guess only
    saves time: the scorer's own columns (:func:`~jia_teach.scoring.inputs.check_columns`)
    are taken from it only when it holds them all with the same types; otherwise, or when
    the guessed parse is refused, the block is prepared again in full. Once the scorer's
    ``prepare`` is set, the reader uses it for every further block.
    """

    DEPTH = 3  # blocks parsed ahead at most (memory: about 20 MB each)

    def __init__(self, src: Any) -> None:
        import pyarrow.compute  # before the reader starts: one thread imports at a time
        import pyarrow.csv  # noqa: F401

        self.header = src.header
        self.columns = [c for c in src.header if c.endswith(("_baseline", "_followup"))]
        self.numeric = {c for c in self.columns if not c.startswith("fever")}
        self.prepare: Callable[[Any], Any] | None = None
        self.ahead = ReadAhead(src.chunks(), self._prepare, depth=self.DEPTH)

    @classmethod
    def start(cls, src: Any) -> _Early | None:
        """The early reader of a CSV source (None for Excel and Parquet)."""
        return cls(src) if hasattr(src, "csv") else None

    def _prepare(self, chunk: Any) -> tuple[bool, Any]:
        """(True, the guessed columns' table or None), or (False, the scorer's prepare)."""
        prepare = self.prepare
        if prepare is not None:
            return False, prepare(chunk)
        try:
            return True, chunk.block.arrow(self.columns, self.numeric)
        except MalformedFileError:
            return True, None  # prepared again in full (and refused, named, there)

    def frames(
        self, needed: list[str], numeric: Collection[str], prepare: Callable[[Any], Any]
    ) -> Iterator[tuple[Any, Any]]:
        """(chunk, frame) for every block: from the guessed table when it holds ``needed``
        with the same types, else from ``prepare`` (in this thread for the blocks parsed
        before it was known)."""
        from jia_teach.io.tablefile import arrow_frame

        self.prepare = prepare
        self.ahead.limit(1)  # the imports are over: one block ahead, as in the steady state
        usable = set(needed) <= set(self.columns) and all(
            (c in numeric) == (c in self.numeric) for c in needed
        )
        header = self.header
        for chunk, (guessed, got) in self.ahead:
            if not guessed:
                yield chunk, got
            elif got is not None and usable:
                names = [f"c{header.index(c)}" for c in needed]
                yield chunk, arrow_frame(got.select(names), needed, numeric)
            else:
                yield chunk, prepare(chunk)


@dataclass
class _Job:
    src: Any
    output: Any
    kind: str
    delimiter: str
    escape: bool
    force: bool
    src_path: Path
    progress: Callable[[int, int], None] | None

    @property
    def name(self) -> Any:
        out = self.output
        return out if isinstance(out, str) else getattr(out, "name", "output")

    def _writer(self, handle: IO[bytes], columns: list[str]) -> Any:
        from jia_teach.io.parquetfile import ParquetTableWriter

        if self.kind == "parquet":
            return ParquetTableWriter(handle)
        from jia_teach.io.csvwrite import CsvTableWriter

        if len(self.delimiter) != 1 or self.delimiter in '"\r\n':
            raise JiaInputError(
                f"{self.delimiter!r} cannot separate output fields",
                column="output_delimiter",
                allowed="one character such as , or ; or a tab, or 'input'",
            )
        return CsvTableWriter(
            handle,
            columns,
            delimiter=self.delimiter,
            escape=self.escape,
            background=not hasattr(self.output, "write"),  # a file: never blocks for good
        )

    # --- wide tables: streamed -------------------------------------------------------------
    def wide(self, options: dict[str, Any], early: _Early | None = None) -> ScoredFile:
        from jia_teach.scoring.inputs import FEVER_COLUMN, check_columns, needed_columns
        from jia_teach.scoring.scorer import added_columns, decisions

        src = self.src
        header = src.header
        try:
            marker = check_columns(header, marker=options["marker"])
        except JiaInputError as exc:
            hint = getattr(src, "delimiter_hint", lambda: None)()
            if hint:
                raise JiaInputError(f"{src.header_where()}: {hint}") from None
            raise JiaInputError(exc.describe(row_label=src.header_where())) from None
        options = {**options, "marker": marker, "flare": _flare(options["flare"], marker)}
        fever = FEVER_COLUMN in header
        needed = needed_columns(marker, fever=fever)
        numeric = set(needed) - {FEVER_COLUMN}
        added = added_columns(fever=fever, explain=options["explain"])
        clash = [c for c in added if c in header]
        if clash:
            raise JiaInputError(
                f"{src.header_where()}, column {clash[0]!r}: the file already has this column "
                "and scoring never overwrites input; rename or drop it first"
            )
        rows = 0
        with _output(self.output, force=self.force, inputs=[self.src_path]) as handle:
            writer = self._writer(handle, [*header, *added])

            def prepare(chunk: Any) -> pd.DataFrame | None:
                """In the reader thread: parse what the writer and the scorer will use."""
                if hasattr(chunk, "table"):
                    if self.kind == "csv" and writer.verbatim(chunk.text_facts(writer.delimiter)):
                        _ = chunk.block.ends  # where the records end: rows are joined after them
                    else:
                        chunk.table()  # the text of every column is written: one parse for both
                try:
                    return chunk.frame(needed, numeric)
                except ValueError:  # not a plain number somewhere: scored as text (_decide)
                    return None

            chunks: Any = (
                ReadAhead(src.chunks(), prepare)
                if early is None
                else early.frames(needed, list(numeric), prepare)
            )
            try:
                for chunk, frame in chunks:
                    new = _decide(chunk, frame, needed, options, decisions)
                    writer.write_chunk(chunk, header, new)
                    rows += len(chunk)
                    if self.progress is not None:
                        self.progress(*src.progress())
                if rows == 0 and self.kind == "parquet":  # the columns, typed, and no rows
                    import pandas as pd

                    empty = pd.DataFrame({c: pd.Series([], dtype=str) for c in header})
                    decided = decisions(_empty(needed), **options)
                    writer.write_frame(pd.concat([empty, decided], axis=1))
                writer.close()
            finally:
                chunks.close()  # the reader thread stops at its next hand-over
                writer.abort()
        return ScoredFile(str(self.name), rows)

    # --- visit tables: in memory, or a part of whole patients at a time --------------------
    def long(
        self,
        options: dict[str, Any],
        patient: str | None,
        time: str | None,
        baseline: str,
        label: str | None,
        window: tuple[float, float] | None,
    ) -> ScoredFile:
        from jia_teach.scoring.inputs import check_unique
        from jia_teach.scoring.visits import score_visits

        src = self.src
        if not patient or not time:
            raise JiaInputError("--long needs --patient COLUMN and --time COLUMN")
        try:  # before any frame is built: pandas refuses (or renames) a repeated name
            check_unique(src.header)
        except JiaInputError as exc:
            raise JiaInputError(exc.describe(row_label=src.header_where())) from None
        from jia_teach.io.longfile import bounded, score_long

        if bounded(src, baseline):
            ahead = ReadAhead(src.chunks(), _read_only)
            chunks = (chunk for chunk, _ in ahead)
            try:
                rows, unpaired = score_long(
                    src,
                    chunks,
                    self._writing,
                    patient=patient,
                    time=time,
                    baseline=baseline,
                    label=label,
                    window=window,
                    options=options,
                    progress=self.progress,
                )
            finally:
                ahead.close()
            return ScoredFile(str(self.name), rows, unpaired)
        import pandas as pd

        chunks = []
        parts = []
        for chunk in src.chunks():
            chunks.append(chunk)
            parts.append(chunk.frame(src.header))
        table = (
            pd.concat(parts, ignore_index=True)
            if parts
            else pd.DataFrame({c: pd.Series([], dtype=str) for c in src.header})
        )
        starts = [0]
        for c in chunks:
            starts.append(starts[-1] + len(c))

        def where(row: int, column: str | None) -> str:
            k = next(i for i in range(len(chunks)) if starts[i + 1] >= row)
            return chunks[k].where(row - starts[k], column)

        flare = options["flare"]
        try:
            scored = score_visits(
                table,
                patient=patient,
                time=time,
                baseline=baseline,
                label=label,
                window=window,
                **{**options, "flare": flare},
            )
        except JiaInputError as exc:
            if exc.row is None or not chunks:
                raise JiaInputError(exc.describe(row_label=src.header_where())) from None
            raise JiaInputError(exc.describe(row_label=where(exc.row, exc.column))) from None
        unpaired = scored.attrs.get("unpaired", ())
        with self._writing([str(c) for c in scored.columns]) as writer:
            writer.write_frame(scored)
        return ScoredFile(str(self.name), len(scored), tuple(unpaired))

    @contextlib.contextmanager
    def _writing(self, columns: list[str]) -> Iterator[Any]:
        """The output's writer, atomic and private; closed on success, aborted on any exit."""
        with _output(self.output, force=self.force, inputs=[self.src_path]) as handle:
            writer = self._writer(handle, columns)
            try:
                yield writer
                writer.close()
            finally:
                writer.abort()


def _read_only(chunk: Any) -> None:
    """Nothing to prepare ahead: the chunk is only read (the bounded ``--long`` path)."""


def _empty(needed: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({c: pd.Series([], dtype=float) for c in needed})


def _decide(chunk: Any, frame: pd.DataFrame | None, needed: list[str], options: dict, decide: Any):
    """The decisions for one chunk (``frame``: its parsed numbers, None to score the text);
    an error names the chunk's place and the value as written."""
    try:
        return decide(chunk.frame(needed) if frame is None else frame, **options)
    except MalformedFileError:
        raise
    except JiaInputError as exc:
        if exc.row is None:
            raise
        if getattr(chunk, "has_text", False):
            # the numbers were parsed in C; score the text as written so the message shows it
            try:
                decide(chunk.frame(needed), **options)
            except JiaInputError as again:
                if again.row is not None:
                    exc = again
        raise JiaInputError(exc.describe(row_label=chunk.where(exc.row, exc.column))) from None
