"""Write an output file atomically, privately and without touching any other path.

The contract (issue 11): a reader of the output path sees either the old file
or the complete new one, never a part; the input and every other file are
never opened for writing; nothing is left behind on any exit.

How
---
* The new content goes to an *anonymous* file in the output's own folder
  (Linux ``O_TMPFILE``, mode 0600): it has no name while it is written, so
  no exit, not even SIGKILL or a power cut, can leave a partial file behind.
  It gets a name only once it is complete: ``linkat`` through
  ``/proc/self/fd`` (which fails if the output appeared meanwhile); with
  ``force`` it is linked to a fresh hidden name and moved over the output
  with :func:`os.replace` (one atomic rename; the folder is ``fsync``-ed
  after it).
* Where ``O_TMPFILE`` is not available (another system, a file system
  without it) a named temporary file ``.<output>.<pid>-<random>.tmp`` is used
  (:func:`tempfile.mkstemp`: ``O_EXCL``, 0600); it is removed on every exit
  Python sees, and one left by a process that was killed is removed at the
  next run that writes to the same folder (its process id is no longer
  alive).
* Before it is published it gets the mode of the file it replaces (an output
  kept 0600 stays 0600; a new file follows the umask), is flushed and
  ``fsync``-ed. Concurrent runs each publish a complete file: the last
  rename wins. Without ``force`` an existing file is never replaced, by a
  race either.
* An error while opening names the output, never the temporary file.

:func:`atomic_folder` does the same for a folder of outputs
(:func:`jia_teach.score_parquet`): every file is written into a private
hidden folder beside the destination, which is renamed into place (or whose
files are moved in) only when all are complete.

Refused outputs (each a :class:`~jia_teach.rules.errors.OutputExistsError` with a
sentence): an empty name, ``.`` or a folder, a device, FIFO or socket (only a
regular file or a new path is written), a symbolic link, a path that is one
of the inputs by name or by inode (:func:`os.path.samefile`: hard links too),
a missing folder, and an existing file without ``force``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from jia_teach.rules.errors import OutputExistsError

__all__ = ["atomic_folder", "atomic_output", "check_output", "clean_stale"]


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
        info = out.stat()
        old_mode, old_owner = stat.S_IMODE(info.st_mode), (info.st_uid, info.st_gid)
    except FileNotFoundError:
        old_mode, old_owner = 0o666 & ~_umask(), None
    clean_stale(out.parent, out.name)
    tmp = _Temporary(out)
    try:
        os.fchmod(tmp.fd, old_mode)
        if old_owner is not None and os.geteuid() == 0:
            with contextlib.suppress(OSError):
                os.fchown(tmp.fd, *old_owner)
        fd = os.dup(tmp.fd)
        handle = os.fdopen(fd, "w", encoding="utf-8", newline="") if text else os.fdopen(fd, "wb")
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        for source in inputs:  # the output may have been made a link to an input meanwhile
            if _same(source, out):
                raise OutputExistsError(f"refusing to overwrite the input file {source}")
        tmp.publish(out, force=force)
        _fsync_folder(out.parent)
    finally:
        tmp.discard()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


_STALE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>[0-9]+)-[A-Za-z0-9_]+\.tmp$")


def clean_stale(folder: Path, name: str | None = None) -> list[Path]:
    """Remove temporary files or folders of ours left in ``folder`` by a process that died.

    Only names of the form ``.<name>.<pid>-<random>.tmp`` whose process is no longer alive
    (and, if ``name`` is given, for that output) are removed; return them.

    Examples
    --------
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / ".out.csv.999999999-abc.tmp").write_text("half")
    >>> [p.name for p in clean_stale(folder)], sorted(folder.iterdir())
    (['.out.csv.999999999-abc.tmp'], [])
    """
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _STALE.match(entry.name)
        if not m or (name is not None and m["name"] != name) or _pid_alive(int(m["pid"])):
            continue
        path = Path(entry.path)
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed


def _hidden_name(out: Path) -> str:
    return f".{out.name}.{os.getpid()}-{os.urandom(6).hex()}.tmp"


class _Temporary:
    """The file being written: anonymous (``O_TMPFILE``) where possible, else named."""

    def __init__(self, out: Path) -> None:
        self.folder = out.parent
        self.name: Path | None = None
        self.fd = -1
        flag = getattr(os, "O_TMPFILE", 0)
        if flag and os.path.isdir("/proc/self/fd"):
            try:
                self.fd = os.open(self.folder, flag | os.O_WRONLY | os.O_CLOEXEC, 0o600)
            except OSError as exc:
                if exc.errno in (errno.EACCES, errno.EROFS, errno.ENOSPC, errno.EDQUOT):
                    raise OutputExistsError(f"cannot write {out}: {exc.strerror}") from None
                self.fd = -1  # O_TMPFILE not supported here: a named file below
        if self.fd == -1:
            try:
                self.fd, tmp = tempfile.mkstemp(
                    dir=self.folder, prefix=f".{out.name}.{os.getpid()}-", suffix=".tmp"
                )
            except OSError as exc:
                raise OutputExistsError(f"cannot write {out}: {exc.strerror}") from None
            self.name = Path(tmp)

    def publish(self, out: Path, *, force: bool) -> None:
        if self.name is not None:
            _publish(self.name, out, force=force)
            self.name = None
            return
        anonymous = f"/proc/self/fd/{self.fd}"
        dirfd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            if not force:
                try:  # fails if the output appeared since the check: never clobbered
                    os.link(anonymous, out.name, dst_dir_fd=dirfd, follow_symlinks=True)
                except FileExistsError:
                    raise OutputExistsError(f"{out} exists; use --force to replace it") from None
                return
            hidden = _hidden_name(out)
            os.link(anonymous, hidden, dst_dir_fd=dirfd, follow_symlinks=True)
            try:
                os.replace(hidden, out.name, src_dir_fd=dirfd, dst_dir_fd=dirfd)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(hidden, dir_fd=dirfd)
                raise
        finally:
            os.close(dirfd)

    def discard(self) -> None:
        if self.fd != -1:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = -1
        if self.name is not None:
            with contextlib.suppress(FileNotFoundError):
                self.name.unlink()
            self.name = None


@contextlib.contextmanager
def atomic_folder(
    destination: str | os.PathLike[str], names: Iterable[str], *, force: bool = False
) -> Iterator[Path]:
    """A private folder whose files appear in ``destination`` only if the block completes.

    ``names`` are the files the block will write (checked first: without ``force`` none may
    exist). A missing ``destination`` is made by renaming the private folder into place; into
    an existing one each file is moved with :func:`os.replace` once all are complete. On any
    error the private folder and everything in it are removed.

    Examples
    --------
    >>> base = Path(tempfile.mkdtemp())
    >>> with atomic_folder(base / "scored", ["a.parquet"]) as tmp:
    ...     _ = (tmp / "a.parquet").write_text("x")
    >>> sorted(p.name for p in (base / "scored").iterdir()), sorted(p.name for p in base.iterdir())
    (['a.parquet'], ['scored'])
    >>> try:
    ...     with atomic_folder(base / "scored", ["b.parquet"]) as tmp:
    ...         _ = (tmp / "b.parquet").write_text("half")
    ...         raise KeyboardInterrupt
    ... except KeyboardInterrupt:
    ...     pass
    >>> sorted(p.name for p in (base / "scored").iterdir()), sorted(p.name for p in base.iterdir())
    (['a.parquet'], ['scored'])
    """
    dest = Path(destination)
    names = list(names)
    if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
        raise OutputExistsError(f"{dest} is not a folder; give a folder for the outputs")
    parent = dest.parent
    if not parent.is_dir():
        raise OutputExistsError(f"cannot write {dest}: the folder {parent} does not exist")
    if dest.is_dir():
        for name in names:
            check_output(dest / name, force=force)
    clean_stale(parent, dest.name)
    try:
        tmp = Path(
            tempfile.mkdtemp(dir=parent, prefix=f".{dest.name}.{os.getpid()}-", suffix=".tmp")
        )
    except OSError as exc:
        raise OutputExistsError(f"cannot write {dest}: {exc.strerror}") from None
    try:
        yield tmp
        if not dest.exists():
            os.chmod(tmp, 0o777 & ~_umask())
            os.rename(tmp, dest)
        else:
            for name in names:
                if not force and (dest / name).exists():
                    raise OutputExistsError(f"{dest / name} exists; use force=True to replace it")
                os.replace(tmp / name, dest / name)
        _fsync_folder(parent)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


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
