"""Helpers for tests that run the real ``jia-teach`` console script in a temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXE = Path(sys.executable).with_name("jia-teach")

HEADER = (
    "patient,physician_global_baseline,physician_global_followup,parent_global_baseline,"
    "parent_global_followup,chaq_baseline,chaq_followup,active_joints_baseline,"
    "active_joints_followup,lom_joints_baseline,lom_joints_followup,esr_baseline,esr_followup,"
    "fever_followup"
)
ROWS = ["A,6,2,5,3,1.5,1,12,3,10,9,60,20,no", "B,5,5.5,4,4,1,1.2,6,9,4,6,30,45,yes"]


def run(*args: object, cwd: Path | None = None, **kw) -> subprocess.CompletedProcess[str]:
    """Run ``jia-teach`` with ``args``; never raises on a non-zero status."""
    return subprocess.run(
        [str(EXE), *map(str, args)], capture_output=True, text=True, check=False, cwd=cwd, **kw
    )


def one_line(r: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a failed run (asserting there is exactly one)."""
    assert "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


def listing(folder: Path) -> list[str]:
    """Every name in ``folder`` (temporary files start with a dot)."""
    return sorted(p.name for p in folder.iterdir())


def bytes_being_written(pid: int, folder: Path) -> int | None:
    """Bytes in the file process ``pid`` is writing in ``folder`` (an anonymous ``O_TMPFILE``
    file shows as ``folder/#123 (deleted)`` in ``/proc``; a named one by its name), or None."""
    fds = Path(f"/proc/{pid}/fd")
    try:
        entries = list(fds.iterdir())
    except OSError:
        return None
    for fd in entries:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(f"{folder}{os.sep}") and (
            target.endswith("(deleted)") or target.endswith(".tmp")
        ):
            try:
                return os.stat(fd).st_size
            except OSError:
                continue
    return None


def big_csv(path: Path, n: int) -> Path:
    """A valid wide CSV of ``n`` rows (about 60 bytes a row), written quickly."""
    row = "P{},6,2,5,3,1.5,1,12,3,10,9,60,20,no\n"
    with path.open("w") as f:
        f.write(HEADER + "\n")
        f.writelines(row.format(i) for i in range(n))
    return path
