"""Write CSV from parsed values: one dialect, formula cells escaped, no Python per row.

Every CSV the package writes goes through :class:`CsvTableWriter` (issue 20): the values are
parsed first, then written in one dialect (an input record's bytes are reused only where they
are proven to be exactly what this writer would write, see below):

* the delimiter is ``,`` unless the caller asks for another (the CLI's ``--output-delimiter``,
  or ``--output-delimiter input`` for the input's own);
* a field is quoted (``"``, doubled inside) only when it holds the delimiter, a quote, a line
  break, or starts or ends with a space or tab; lines end with ``\\n``; UTF-8, no byte-order mark;
* a missing value is an empty field; booleans are ``True``/``False``; numbers read from a text
  file keep the text they were written with (``007`` stays ``007``, ``6`` stays ``6``).

CSV injection (OWASP): a spreadsheet program runs a cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula. With ``escape_formulas=True`` (the default)
such a *text* cell is written with a leading apostrophe (``'=HYPERLINK(...)``), which Excel and
LibreOffice show as text; a cell that is a number (``-3``, ``+1.5e2``) is left as it is. The
header is escaped the same way. ``escape_formulas=False`` (``--no-escape-formulas``) writes the
text unchanged, for pipelines that need it raw.

Speed: each column is an Arrow string array; the checks above are byte scans in numpy or
Arrow's C kernels (skipped for a column when the chunk's bytes prove them needless), the rows
are joined by ``pyarrow.compute.binary_join_element_wise`` and the result's buffer is written
in one call. When a CSV block's bytes prove that writing its values gives back its own records
(one record per line, the same delimiter, nothing to quote or escape; see
:meth:`CsvTableWriter.verbatim`),
those bytes are written with the decisions after each record: the same output, not formatted
again (issue 21; a test compares the two).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["FORMULA_START", "CsvTableWriter", "decision_fields", "escape_formulas", "text_column"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = "=+-@\t\r"
_FORMULA_LUT = np.zeros(256, dtype=bool)
_FORMULA_LUT[[ord(c) for c in FORMULA_START]] = True
_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"


def _first_bytes(arr: pa.StringArray) -> np.ndarray:
    """The first byte of each value (0 for an empty or missing one)."""
    n = len(arr)
    if n == 0:
        return np.zeros(0, dtype=np.uint8)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset : arr.offset + n + 1]
    data_buf = arr.buffers()[2]
    if data_buf is None or data_buf.size == 0:
        return np.zeros(n, dtype=np.uint8)
    data = np.frombuffer(data_buf, dtype=np.uint8)
    starts = offsets[:-1]
    present = offsets[1:] > starts
    first = data[np.minimum(starts, len(data) - 1)]
    return np.where(present, first, 0).astype(np.uint8)


def _last_bytes(arr: pa.StringArray) -> np.ndarray:
    n = len(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset : arr.offset + n + 1]
    data_buf = arr.buffers()[2]
    if n == 0 or data_buf is None or data_buf.size == 0:
        return np.zeros(n, dtype=np.uint8)
    data = np.frombuffer(data_buf, dtype=np.uint8)
    ends = offsets[1:]
    present = ends > offsets[:-1]
    return np.where(present, data[np.maximum(ends - 1, 0)], 0).astype(np.uint8)


def _plain(arr: pa.Array) -> pa.StringArray:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if arr.type == pa.large_string():
        arr = arr.cast(pa.string())
    return arr


def escape_formulas(arr: pa.Array) -> pa.StringArray:
    """Prefix ``'`` to text values that a spreadsheet would run as a formula.

    Examples
    --------
    >>> cells = pa.array(["=1+1", "-3", "+1.5e2", "@SUM(A1)", "-x", "a", None, ""])
    >>> escape_formulas(cells).to_pylist()
    ["'=1+1", '-3', '+1.5e2', "'@SUM(A1)", "'-x", 'a', None, '']
    """
    arr = _plain(arr)
    risky = _FORMULA_LUT[_first_bytes(arr)]
    if not risky.any():
        return arr
    risky_arr = pa.array(risky)
    number = pc.match_substring_regex(arr, _NUMBER)
    escape = pc.and_(risky_arr, pc.invert(pc.fill_null(number, False)))
    if not pc.any(escape).as_py():
        return arr
    return pc.if_else(escape, pc.binary_join_element_wise("'", arr, ""), arr)


_EDGE = np.zeros(256, dtype=bool)
_EDGE[[32, 9]] = True


def _quote(arr: pa.StringArray, delimiter: str, *, plain: bool = False) -> pa.StringArray:
    """Quote the values that need it (see the module docstring).

    ``plain``: the caller knows no value holds the delimiter, a quote or a line break (a CSV
    block without a quote character, written with its own delimiter), so only the spaces at
    the ends are looked at.
    """
    edge = _EDGE[_first_bytes(arr)] | _EDGE[_last_bytes(arr)]
    need = pa.array(edge)
    if not plain:
        for ch in {delimiter, '"', "\n", "\r"}:
            need = pc.or_(need, pc.fill_null(pc.match_substring(arr, ch), False))
    if not pc.any(need).as_py():
        return arr
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(arr, '"', '""'), '"', "")
    return pc.if_else(need, quoted, arr)


def text_column(values: Any) -> pa.StringArray:
    """A column as the text a CSV field holds (missing values as null).

    Booleans are ``True``/``False``; floats as the shortest text that reads back the same
    (``6``, ``1.5``); dates and times in ISO 8601; anything else as ``str(value)``.

    Examples
    --------
    >>> text_column(pd.Series([6.0, 1.5, None])).to_pylist()
    ['6', '1.5', None]
    >>> text_column(pd.array([True, None], dtype="boolean")).to_pylist()
    ['True', None]
    >>> text_column(pd.Series(pd.to_datetime(["2024-01-02", None]))).to_pylist()
    ['2024-01-02', None]
    """
    if isinstance(values, pa.Array | pa.ChunkedArray):
        if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            return _plain(values)
        values = values.to_pandas()
    series = pd.Series(values) if not isinstance(values, pd.Series) else values
    missing = series.isna().to_numpy(dtype=bool)
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        texts = np.where(series.to_numpy(dtype=bool, na_value=False), "True", "False")
        return pa.array(texts.astype(object), type=pa.string(), mask=missing)
    if pd.api.types.is_numeric_dtype(dtype):
        arr = pa.array(series.to_numpy(dtype=np.float64 if missing.any() else None), mask=missing)
        return pc.cast(arr, pa.string())
    if pd.api.types.is_datetime64_any_dtype(dtype):
        texts = series.astype(str).to_numpy(dtype=object)
        return pa.array(texts, type=pa.string(), mask=missing)
    objects = series.to_numpy(dtype=object)
    texts = np.array([v if isinstance(v, str) else str(v) for v in objects], dtype=object)
    return pa.array(texts, type=pa.string(), mask=missing)


#: Rows joined at a time by :meth:`CsvTableWriter.write_records` (about 2 MB of text).
_JOIN_ROWS = 16_384


def _pieces(rows: Any) -> list[memoryview]:
    """The bytes of a string array (or chunked array), one piece per chunk (no copy)."""
    pieces = []
    for chunk in rows.chunks if isinstance(rows, pa.ChunkedArray) else [rows]:
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)
        start, end = int(offsets[chunk.offset]), int(offsets[chunk.offset + len(chunk)])
        pieces.append(memoryview(chunk.buffers()[2])[start:end])
    return pieces


def _float_text(value: float) -> str:
    return repr(float(value))


#: Adjacent yes/no/unknown columns formatted together, by distinct combination (3**38 < 2**63).
_RUN = 38


def decision_fields(decisions: pd.DataFrame, delimiter: str) -> list[pa.StringArray]:
    """The decision columns as CSV text, in order, for the row join (no Python per row).

    Adjacent boolean columns are one field joined by ``delimiter``, formatted once per
    distinct combination of values (a handful); any other column is formatted once per
    distinct value. Booleans are ``True``/``False``, NA is empty, floats as ``repr``
    (``66.67``, ``50.0``); text (the ``--explain`` reasons) is escaped and quoted as needed.

    Examples
    --------
    >>> d = pd.DataFrame({"a": pd.array([True, None, True], dtype="boolean"),
    ...                   "b": pd.array([False, True, False], dtype="boolean"),
    ...                   "n": [66.67, float("nan"), 50.0]})
    >>> [f.to_pylist() for f in decision_fields(d, ",")]
    [['True,False', ',True', 'True,False'], ['66.67', '', '50.0']]
    """
    fields: list[pa.StringArray] = []
    run: list[np.ndarray] = []
    for name in decisions.columns:
        series = decisions[name]
        if pd.api.types.is_bool_dtype(series.dtype):
            run.append(series.to_numpy(dtype=np.int64, na_value=2))
            if len(run) == _RUN:
                fields.append(_boolean_run(run, delimiter))
                run = []
            continue
        if run:
            fields.append(_boolean_run(run, delimiter))
            run = []
        codes, texts = _codes(series, delimiter)
        fields.append(pa.array(texts, type=pa.string()).take(pa.array(codes)))
    if run:
        fields.append(_boolean_run(run, delimiter))
    return fields


_BOOL_TEXT = np.array(["False", "True", ""], dtype=object)


def _boolean_run(columns: list[np.ndarray], delimiter: str) -> pa.StringArray:
    """Boolean columns (codes 0 False, 1 True, 2 NA) as one text field per row."""
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for codes in columns:
        combined *= 3
        combined += codes
    index, uniques = pd.factorize(combined)
    digits = []
    rest = np.asarray(uniques, dtype=np.int64)
    for _ in columns:
        rest, digit = np.divmod(rest, 3)
        digits.append(_BOOL_TEXT[digit])
    texts = [delimiter.join(row) for row in zip(*reversed(digits), strict=True)]
    return pa.array(texts, type=pa.string()).take(pa.array(index))


def _codes(series: pd.Series, delimiter: str) -> tuple[np.ndarray, list[str]]:
    """Codes into the texts of the distinct values of a non-boolean column (NA: the last, empty)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if pd.api.types.is_float_dtype(series.dtype):
        texts = [_float_text(u) for u in uniques]
    else:
        arr = _quote(
            escape_formulas(pa.array([str(u) for u in uniques], type=pa.string())), delimiter
        )
        texts = arr.to_pylist()
    codes = np.where(codes < 0, len(texts), codes)
    return codes.astype(np.int64), [*texts, ""]


class CsvTableWriter:
    """Rows out as CSV in one dialect (module docstring); the header goes with the first rows.

    Parameters
    ----------
    handle : binary file
        Where the bytes go.
    columns : sequence of str
        The header (input columns, then the added ones).
    delimiter : str
        One character, ``","`` by default.
    escape : bool
        Escape formula-like text cells (OWASP); numbers are never changed.
    background : bool
        Join the rows and write them in a worker thread (:class:`~jia_teach.io.pipeline.
        WriteBehind`), so the next block is scored meanwhile; :meth:`close` waits for them,
        :meth:`abort` stops the worker. Only the worker touches ``handle`` until then.

    Examples
    --------
    >>> import io
    >>> out = io.BytesIO()
    >>> w = CsvTableWriter(out, ["id", "note", "acr30"], delimiter=";")
    >>> w.write([pa.array(["A", "=cmd"]), pa.array(["x;y", None])],
    ...         pd.DataFrame({"acr30": pd.array([True, None], dtype="boolean")}))
    >>> w.close()
    >>> out.getvalue().decode()
    'id;note;acr30\\nA;"x;y";True\\n\\'=cmd;;\\n'
    """

    def __init__(
        self,
        handle: IO[bytes],
        columns: Sequence[str],
        *,
        delimiter: str = ",",
        escape: bool = True,
        background: bool = False,
    ) -> None:
        if len(delimiter) != 1 or delimiter in '"\r\n':
            raise ValueError(f"{delimiter!r} cannot be a CSV delimiter")
        self.handle = handle
        self._behind = None
        if background:
            from jia_teach.io.pipeline import WriteBehind

            self._behind = WriteBehind(handle)
        self.delimiter = delimiter
        self.escape = escape
        head = self._field(pa.array([str(c) for c in columns], type=pa.string()), ())
        self._header: bytes | None = (self.delimiter.join(head.to_pylist()) + "\n").encode("utf-8")

    def _field(self, arr: Any, facts: Collection[str]) -> Any:
        if self.escape and "no_formulas" not in facts:
            arr = escape_formulas(arr)
        if "unquoted" not in facts or "no_edges" not in facts:
            arr = _quote(_plain(arr), self.delimiter, plain="unquoted" in facts)
        return arr

    def write(
        self,
        texts: Sequence[Any],
        decisions: pd.DataFrame | None = None,
        *,
        facts: Collection[str] = (),
    ) -> None:
        """Write rows: ``texts`` (one string array per column), then ``decisions`` (if any).

        ``facts`` the caller knows of every value of ``texts`` (so that check is skipped):
        ``"unquoted"``, none holds the delimiter, a quote or a line break; ``"no_edges"``,
        none starts or ends with a space or tab; ``"no_formulas"``, none starts with a
        character of :data:`FORMULA_START`.
        """
        fields = [self._field(t, facts) for t in texts]
        decided = decisions is not None and len(decisions.columns) > 0
        self._flush_header()
        if not (fields or decided) or len(fields[0] if fields else decisions) == 0:
            return

        def rows() -> list[memoryview]:
            if decided:
                fields.extend(decision_fields(decisions, self.delimiter))
            joined = pc.binary_join_element_wise(
                *fields, self.delimiter, null_handling="replace", null_replacement=""
            )
            return _pieces(pc.binary_join_element_wise(joined, "", "\n"))

        self._emit(rows)

    def write_chunk(self, chunk: Any, header: Sequence[str], decisions: pd.DataFrame) -> None:
        """Write a source chunk's ``header`` columns (as parsed text) and its decisions.

        When the chunk's facts prove that its values written in this dialect are its own
        record bytes (:meth:`verbatim`), those bytes are written: the same output, without
        formatting each value again.
        """
        facts = getattr(chunk, "text_facts", lambda _d: ())(self.delimiter)
        if self.verbatim(facts):
            self.write_records(chunk.block.data, chunk.block.ends, decisions)
        else:
            self.write(chunk.texts(header), decisions, facts=facts)

    def verbatim(self, facts: Collection[str]) -> bool:
        """Whether values with these ``facts`` are written exactly as their record's bytes.

        ``"lines"``: the records are one per line, ended by ``\\n``, their values joined by
        this writer's delimiter; with ``"unquoted"`` and ``"no_edges"`` no value needs quotes
        and with ``"no_formulas"`` (or ``escape=False``) none is escaped, so the writer would
        write each value as it is: the record.
        """
        needed = {"lines", "unquoted", "no_edges"} | ({"no_formulas"} if self.escape else set())
        return needed <= set(facts)

    def write_records(self, body: bytes, ends: np.ndarray, decisions: pd.DataFrame) -> None:
        """Write records already in this dialect (see :meth:`verbatim`), each followed by its
        decisions. ``ends``: where each record of ``body`` ends (its line feed, or the end).

        The records are one Arrow string column over ``body`` itself (no copy): the i-th
        value runs from the end of record i-1, so it *starts* with that record's line feed,
        and the join writes each record's decisions before the next record's line feed.
        """
        self._flush_header()
        n = len(decisions)
        if n == 0:
            return
        offsets = np.empty(n + 1, dtype=np.int32)
        offsets[0] = 0
        offsets[1:] = ends
        records = pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(body))

        def rows() -> Iterator[memoryview | bytes]:
            fields = [records, *decision_fields(decisions, self.delimiter)]
            for start in range(0, n, _JOIN_ROWS):  # a slice at a time: the text is not held whole
                part = [f.slice(start, _JOIN_ROWS) for f in fields]
                yield from _pieces(pc.binary_join_element_wise(*part, self.delimiter))
            yield b"\n"

        self._emit(rows)

    def _emit(self, job: Any) -> None:
        """Write the pieces ``job()`` returns: here, or in the worker thread (``background``)."""
        if self._behind is not None:
            self._behind.submit(job)
            return
        for piece in job():
            self.handle.write(piece)

    def write_frame(self, frame: pd.DataFrame) -> None:
        """Write every column of ``frame`` (see :func:`text_column`)."""
        self.write([text_column(frame[c]) for c in frame.columns])

    def abort(self) -> None:
        """Stop the worker thread, if any (the caller discards the output)."""
        if self._behind is not None:
            self._behind.stop()

    def _flush_header(self) -> None:
        if self._header is not None:
            header, self._header = self._header, None
            self._emit(lambda: (header,))

    def close(self) -> None:
        """Write the header if no rows came, wait for every row to be written, and flush."""
        self._flush_header()
        if self._behind is not None:
            self._behind.drain()
        self.handle.flush()
