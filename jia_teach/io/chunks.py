"""What every input format gives the pipeline: chunks of rows that know where they came from.

A :class:`Source` has a header and yields :class:`Chunk` objects of bounded size; a chunk gives
its rows as a DataFrame, as text for a CSV writer, as Arrow columns for a Parquet writer, and
turns a 1-based row back into a place in the file. :class:`FrameChunk` is the chunk of the
formats read into a DataFrame (Excel, Parquet); :func:`require` imports an optional package or
names the command that installs it; :func:`opening` says in one line why a file did not open.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Collection, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from jia_teach.rules.errors import JiaInputError, MalformedFileError

if TYPE_CHECKING:  # pandas is imported where a frame is built (the CSV reader starts first)
    import numpy as np
    import pandas as pd

__all__ = [
    "CHUNK_ROWS",
    "Chunk",
    "FrameChunk",
    "MissingDependencyError",
    "Source",
    "opening",
    "require",
]

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


@contextlib.contextmanager
def opening(path: Any, noun: str) -> Iterator[None]:
    """Any failure to open ``path`` as a ``noun`` (".xlsx workbook") as one line.

    No such file, a folder, the system's reason (permission ...), or the reading library's
    first line ("not a readable Parquet file (...)"); a :class:`MalformedFileError` passes.

    Examples
    --------
    >>> with opening("v.parquet", "Parquet file"):
    ...     raise IsADirectoryError
    Traceback (most recent call last):
    ...
    jia_teach.rules.errors.MalformedFileError: v.parquet is a folder, not a Parquet file
    """
    try:
        yield
    except MalformedFileError:
        raise
    except FileNotFoundError:
        raise MalformedFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        article = "an" if noun[0] in ".aeiouAEIOU" else "a"
        raise MalformedFileError(f"{path} is a folder, not {article} {noun}") from None
    except Exception as exc:  # OSError, pyarrow.ArrowInvalid, zipfile.BadZipFile ...
        if isinstance(exc, OSError) and exc.strerror:
            raise MalformedFileError(f"{path}: cannot read it ({exc.strerror})") from None
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MalformedFileError(f"{path}: not a readable {noun} ({reason})") from None


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


class FrameChunk:
    """Rows of an Excel sheet or a Parquet batch, as a DataFrame (and Arrow, if read so)."""

    has_text = False

    def __init__(
        self, frame: pd.DataFrame, labels: np.ndarray, name: str, kind: str, table: Any = None
    ) -> None:
        self._frame = frame
        self.labels = labels
        self.name = name
        self.kind = kind
        self._table = table

    def __len__(self) -> int:
        return len(self._frame)

    def frame(self, columns: Sequence[str], numeric: Collection[str] = ()) -> pd.DataFrame:
        return self._frame[list(columns)]

    def texts(self, columns: Sequence[str]) -> list[Any]:
        from jia_teach.io.csvwrite import text_column

        return [text_column(self._frame[c]) for c in columns]

    def arrow(self, columns: Sequence[str]) -> Any:
        """The columns with their own types (Parquet: as read; Excel: inferred by Arrow)."""
        if self._table is not None:
            return self._table.select(list(columns))
        pa = require("pyarrow", "parquet", "writing Parquet files")
        return pa.Table.from_pandas(self._frame[list(columns)], preserve_index=False)

    def where(self, row: int, column: str | None = None) -> str:
        return f"{self.name} {self.kind} {int(self.labels[row - 1])}"
