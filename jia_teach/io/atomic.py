"""Write an output file atomically, privately and without touching any other path.

The contract (issue 11): a reader of the output path sees either the old file
or the complete new one, never a part; the input and every other file are
never opened for writing; nothing is left behind on any exit.

How
---
* The new content goes to a unique temporary file made by
  :func:`tempfile.mkstemp` in the output's own folder (``O_EXCL``, mode 0600:
  it cannot follow a link, truncate an existing file or be shared with a
  concurrent run).
* Before it is published it gets the mode of the file it replaces (an output
  kept 0600 stays 0600; a new file follows the umask), is flushed and
  ``fsync``-ed, then moved over the output with :func:`os.replace` (one
  atomic rename; the folder is ``fsync``-ed after it). Concurrent runs each
  publish a complete file: the last rename wins.
* Without ``force`` the file is published with :func:`os.link`, which fails
  if the output appeared in the meantime, so an existing file is never
  replaced by a race either.
* The temporary file is removed on every exit path: an error, Ctrl-C
  (``KeyboardInterrupt``) and any other ``BaseException`` (the CLI turns
  SIGTERM and SIGHUP into one).

Refused outputs (each a :class:`~jia_teach.rules.errors.OutputExistsError` with a
sentence): an empty name, ``.`` or a folder, a device, FIFO or socket (only a
regular file or a new path is written), a symbolic link, a path that is one
of the inputs by name or by inode (:func:`os.path.samefile`: hard links too),
a missing folder, and an existing file without ``force``.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from jia_teach.rules.errors import OutputExistsError

__all__ = ["atomic_output", "check_output"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_output(path: str | os.PathLike[str], *, force: bool, inputs: Iterable[Path] = ()) -> Path:
    """Check that ``path`` may be written; return it as a :class:`~pathlib.Path`.

    Raises :class:`~jia_teach.rules.errors.OutputExistsError` naming the path and
    the reason when it may not (see the module docstring).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> check_output(folder / "scored.csv", force=False).name
    'scored.csv'
    >>> check_output(folder, force=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jia_teach.rules.errors.OutputExistsError: ... is a folder; give a file name inside it ...
    """
    text = os.fspath(path)
    if not text.strip():
        raise OutputExistsError("the output name is empty; give a file name (-o scored.csv)")
    out = Path(text)
    if text.endswith(os.sep) or out.name in ("", ".", ".."):
        raise OutputExistsError(f"{text} is a folder; give a file name inside it")
    parent = out.parent
    if not parent.is_dir():
        what = "is not a folder" if parent.exists() else "does not exist"
        raise OutputExistsError(f"cannot write {out}: the folder {parent} {what}")
    try:
        info = out.lstat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputExistsError(f"cannot write {out}: {exc.strerror}") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise OutputExistsError(
                f"{out} is a symbolic link; give the path of a regular file "
                "(the file it points to is never written through a link)"
            )
        if stat.S_ISDIR(info.st_mode):
            raise OutputExistsError(
                f"{out} is a folder; give a file name inside it (-o {out}{os.sep}scored.csv)"
            )
        if not stat.S_ISREG(info.st_mode):
            raise OutputExistsError(
                f"{out} is not a regular file (a device, FIFO or socket); only a regular file "
                "or a new path is written"
            )
    for source in inputs:
        if _same(source, out):
            raise OutputExistsError(f"refusing to overwrite the input file {source}")
    if info is not None and not force:
        raise OutputExistsError(f"{out} exists; use --force to replace it")
    return out


def _same(a: Path, b: Path) -> bool:
    """The same file by inode (hard links too), or the same path once resolved."""
    try:
        if os.path.samefile(a, b):
            return True
    except OSError:
        pass
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename is still atomic
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    inputs: Iterable[Path] = (),
    text: bool = True,
) -> Iterator[IO]:
    """A file object whose content replaces ``path`` only if the block completes.

    Parameters
    ----------
    path : path-like
        The output. Checked first with :func:`check_output`.
    force : bool
        Replace an existing regular file.
    inputs : iterable of Path
        Files that must not be the output (by path or by inode).
    text : bool
        A UTF-8 text file with ``newline=""`` (for :mod:`csv`), else binary.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_output(folder / "out.txt") as f:
    ...     _ = f.write("done\\n")
    >>> (folder / "out.txt").read_text(), sorted(p.name for p in folder.iterdir())
    ('done\\n', ['out.txt'])
    >>> try:
    ...     with atomic_output(folder / "out.txt", force=True) as f:
    ...         _ = f.write("half")
    ...         raise KeyboardInterrupt
    ... except KeyboardInterrupt:
    ...     pass
    >>> (folder / "out.txt").read_text(), sorted(p.name for p in folder.iterdir())
    ('done\\n', ['out.txt'])
    """
    inputs = tuple(inputs)
    out = check_output(path, force=force, inputs=inputs)
    try:
        old_mode = stat.S_IMODE(out.stat().st_mode)
        old_owner = (out.stat().st_uid, out.stat().st_gid)
    except FileNotFoundError:
        old_mode, old_owner = 0o666 & ~_umask(), None
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, old_mode)
        if old_owner is not None and os.geteuid() == 0:
            with contextlib.suppress(OSError):
                os.fchown(fd, *old_owner)
        handle = os.fdopen(fd, "w", encoding="utf-8", newline="") if text else os.fdopen(fd, "wb")
        fd = -1  # owned by the file object now
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        for source in inputs:  # the output may have been made a link to an input meanwhile
            if _same(source, out):
                raise OutputExistsError(f"refusing to overwrite the input file {source}")
        _publish(tmp, out, force=force)
        _fsync_folder(out.parent)
    finally:
        if fd != -1:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _publish(tmp: Path, out: Path, *, force: bool) -> None:
    if force:
        os.replace(tmp, out)
        return
    try:
        os.link(tmp, out)  # fails if the output appeared since the check: never clobbered
    except FileExistsError:
        raise OutputExistsError(f"{out} exists; use --force to replace it") from None
    except OSError:
        # a file system without hard links: check again and rename (a tiny race remains)
        if out.exists() or out.is_symlink():
            raise OutputExistsError(f"{out} exists; use --force to replace it") from None
        os.replace(tmp, out)
