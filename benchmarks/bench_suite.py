"""Whole-suite times: the strict nbval run over the notebooks and ``make book``.

One run each (they take tens of seconds), wall seconds, so that regressions
show from run to run. The book's prerequisites (the test environment and
``npm ci``) are brought up to date first, untimed, so only the build is timed.
A missing or unfinished piece is recorded as "not available" with the reason.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from typing import Any

from harness import ROOT, Row, unavailable

NBVAL_TIMEOUT_S = 1200
BOOK_TIMEOUT_S = 1800


def _tail(text: str, lines: int = 3) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # colour codes
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:])


def nbval() -> tuple[Row, dict[str, Any]]:
    what = "nbval: every notebook, strict (wall)"
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not notebooks:
        return unavailable("suite.nbval", what, "no tutorial notebooks"), {}
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--nbval",
        *(str(p.relative_to(ROOT)) for p in notebooks),
        "--nbval-sanitize-with",
        "tests/nbval_sanitize.cfg",
        "-o",
        "addopts=",
    ]
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=NBVAL_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        return unavailable("suite.nbval", what, f"timed out after {NBVAL_TIMEOUT_S} s"), {}
    elapsed = time.perf_counter() - start
    detail = {
        "notebooks": [p.name for p in notebooks],
        "returncode": proc.returncode,
        "summary": _tail(proc.stdout, 1),
    }
    status = "ok" if proc.returncode == 0 else f"ran, but failed: {_tail(proc.stdout, 1)}"
    row = Row(
        "suite.nbval",
        f"{what}, {len(notebooks)} notebooks",
        elapsed,
        "s",
        target="(regression watch)",
        detail=detail,
    )
    if status != "ok":
        row.target = f"FAILED rc={proc.returncode}"
        row.met = False
        detail["note"] = status
    return row, detail


def book() -> tuple[Row, dict[str, Any]]:
    what = "make -s book (wall)"
    prereq = [
        "make",
        "-s",
        ".venv/.stamps/test+book+present",
        "node_modules/.package-lock.json",
    ]
    try:
        pre = subprocess.run(
            prereq, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
        )
    except subprocess.TimeoutExpired:
        return unavailable("suite.book", what, "prerequisites timed out"), {}
    if pre.returncode != 0:
        return unavailable("suite.book", what, f"prerequisites failed: {_tail(pre.stderr)}"), {}
    incremental = (ROOT / "book" / "_build" / "html").is_dir()
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            ["make", "-s", "book"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=BOOK_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return unavailable("suite.book", what, f"timed out after {BOOK_TIMEOUT_S} s"), {}
    elapsed = time.perf_counter() - start
    out = proc.stdout + proc.stderr
    if "not built yet" in out:
        return unavailable("suite.book", what, "the book target is still a stub"), {}
    detail = {
        "returncode": proc.returncode,
        "tail": _tail(out),
        "incremental": incremental,  # Sphinx reuses book/_build when it exists
    }
    kind = "incremental" if incremental else "from clean"
    row = Row(
        "suite.book", f"{what}, {kind}", elapsed, "s", target="(regression watch)", detail=detail
    )
    if proc.returncode != 0:
        row.target = f"FAILED rc={proc.returncode}"
        row.met = False
        detail["note"] = f"the build failed, so the time is not a build time: {detail['tail']}"
    return row, detail


def run(quick: bool = False) -> tuple[list[Row], dict[str, Any]]:
    if quick:
        reason = "skipped (--quick)"
        return [
            unavailable("suite.nbval", "nbval: every notebook, strict (wall)", reason),
            unavailable("suite.book", "make -s book (wall)", reason),
        ], {}
    nb_row, nb_detail = nbval()
    book_row, book_detail = book()
    return [nb_row, book_row], {"nbval": nb_detail, "book": book_detail}
