"""Where the data files are read from: one setting for the whole package.

Every loader reads :func:`data_dir`. It is the package's own copy of ``data/`` unless a caller
chose another folder with :func:`use_data` (a context manager, so the choice cannot leak past
the ``with`` block, and each thread or task keeps its own). This replaces a ``directory=``
argument threaded through every layer: a query, a chart or a view never needs to know.

Examples
--------
>>> import shutil, tempfile
>>> from pathlib import Path
>>> copy = Path(tempfile.mkdtemp()) / "data"
>>> _ = shutil.copytree(data_dir(), copy)
>>> with use_data(copy):
...     data_dir() == copy
True
>>> data_dir() == copy
False
>>> shutil.rmtree(copy.parent)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from jia_teach.rules.errors import JiaInputError

__all__ = ["data_dir", "package_data_dir", "use_data"]

_CHOSEN: ContextVar[Path | None] = ContextVar("jia_teach_data_dir", default=None)


def package_data_dir() -> Path:
    """Return the folder of the files shipped with the package.

    An installed wheel carries them inside the package (``jia_teach/_data``); an editable
    install or a clone of the repository reads the repository's ``data/`` folder.

    Examples
    --------
    >>> (package_data_dir() / "trial_outcomes.csv").is_file()
    True
    """
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_data"
    if packaged.is_dir():
        return packaged
    return package.parent / "data"


def data_dir() -> Path:
    """Return the folder the loaders read now: :func:`use_data`'s choice, else the package's.

    Examples
    --------
    >>> data_dir() == package_data_dir()
    True
    """
    chosen = _CHOSEN.get()
    return chosen if chosen is not None else package_data_dir()


@contextmanager
def use_data(directory: str | Path) -> Iterator[Path]:
    """Read every table from ``directory`` inside the ``with`` block.

    Parameters
    ----------
    directory : str or Path
        A folder laid out like ``data/`` (see the data dictionary); a copy with a trial added
        is the usual case.

    Raises
    ------
    JiaInputError
        If the folder does not exist.

    Examples
    --------
    >>> with use_data(package_data_dir()) as folder:
    ...     folder.name in {"data", "_data"}
    True
    """
    folder = Path(directory).resolve()
    if not folder.is_dir():
        raise JiaInputError(f"data folder {str(directory)!r} does not exist")
    token = _CHOSEN.set(folder)
    try:
        yield folder
    finally:
        _CHOSEN.reset(token)
