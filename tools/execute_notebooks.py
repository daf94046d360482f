"""Re-execute notebooks in place so their stored outputs are refreshed on purpose.

Usage: python -m tools.execute_notebooks notebooks/*.ipynb

Runs each notebook top to bottom on a fresh kernel from the notebooks/ folder
(as JupyterLab and nbval do), with a fixed hash seed so that set and dict
orders cannot make outputs differ between runs.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def _coalesce_streams(nb: nbformat.NotebookNode) -> None:
    """Join consecutive stream outputs of a cell: the kernel may flush one print in two
    chunks, and the stored outputs must not depend on when it did."""
    for cell in nb.cells:
        merged: list = []
        for out in cell.get("outputs", []):
            prev = merged[-1] if merged else None
            if (
                prev is not None
                and out.get("output_type") == "stream"
                and prev.get("output_type") == "stream"
                and prev.get("name") == out.get("name")
            ):
                prev["text"] = prev["text"] + out["text"]
            else:
                merged.append(out)
        if "outputs" in cell:
            cell["outputs"] = merged


def _drop_timings(nb: nbformat.NotebookNode) -> None:
    """No execution timestamps in the stored notebook (older runs recorded them)."""
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    _coalesce_streams(nb)
    _drop_timings(nb)
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    if not argv:
        print(__doc__)
        return 2
    for arg in argv:
        seconds = execute(Path(arg))
        print(f"executed {arg} in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
