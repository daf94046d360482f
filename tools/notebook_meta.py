"""Apply the presentation metadata every notebook needs (idempotent; re-run after any merge).

``python -m tools.notebook_meta [--check] [notebooks/*.ipynb]`` (default: every notebook in
``notebooks/``). For each notebook:

1. **Self-checks do not show their answer key.** A code cell that builds a ``SelfCheck``
   (whose source holds the correct index and the "Right: ..." feedback) gets the cell metadata
   ``jupyter.source_hidden`` (JupyterLab shows a collapsed "..." instead of the code) and the tag
   ``remove-input`` (the book drops the code and keeps the question). The deck never shows code.
2. **Widget cells start with their code, not with a test marker.** A first line
   ``# NBVAL_IGNORE_OUTPUT`` becomes the equivalent nbval cell tag ``nbval-ignore-output``
   (nbval reads both; the tag is not shown in the lab or the book).
3. **A one-line "Run All Cells first" hint** right after the title (a markdown cell with the id
   ``jia-run-all-hint``), tagged ``remove-cell`` (not in the book, whose pages are already run)
   and skipped by the slides.
4. **"Things to try" says where to try them:** in JupyterLab or the live deck, not the book.

Only the cells named above change, and only when they differ from what this script writes, so
a second run changes nothing (``--check`` exits 1 and lists what would change). Outputs are
never touched: nbval compares them, and none of these edits changes an output.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HINT_ID = "jia-run-all-hint"
HINT = (
    "**Run All Cells first** (menu *Run* → *Run All Cells*): the calculators and explorers "
    "below need a running kernel; until then they show as plain text such as "
    "`VBox(children=...)`."
)
MARKER = "# NBVAL_IGNORE_OUTPUT"
TRY_WHERE = (
    " (in JupyterLab, `make lab`, or the live deck, `make present`; the book's copies are frozen)"
)
_TRY = re.compile(r"Things to try(?= ?:)")


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _set_source(cell: dict, text: str) -> None:
    cell["source"] = text.splitlines(keepends=True)


def _add_tag(cell: dict, tag: str) -> bool:
    tags = cell.setdefault("metadata", {}).setdefault("tags", [])
    if tag in tags:
        return False
    tags.append(tag)
    return True


def is_selfcheck(cell: dict) -> bool:
    return cell["cell_type"] == "code" and "SelfCheck(" in _source(cell)


def hint_cell() -> dict:
    return {
        "cell_type": "markdown",
        "id": HINT_ID,
        "metadata": {"slideshow": {"slide_type": "skip"}, "tags": ["remove-cell"]},
        "source": [HINT],
    }


def apply(nb: dict) -> list[str]:
    """Edit ``nb`` in place; return one line per change (empty: nothing to do)."""
    changes: list[str] = []
    cells = nb["cells"]
    for i, cell in enumerate(cells):
        text = _source(cell)
        if cell["cell_type"] == "code" and text.splitlines()[:1] == [MARKER]:
            _set_source(cell, text.split("\n", 1)[1] if "\n" in text else "")
            _add_tag(cell, "nbval-ignore-output")
            changes.append(f"cell {i}: {MARKER} -> tag nbval-ignore-output")
        if is_selfcheck(cell):
            jupyter = cell.setdefault("metadata", {}).setdefault("jupyter", {})
            if jupyter.get("source_hidden") is not True:
                jupyter["source_hidden"] = True
                changes.append(f"cell {i}: self-check source hidden in the lab")
            if _add_tag(cell, "remove-input"):
                changes.append(f"cell {i}: self-check code removed from the book")
        if cell["cell_type"] == "markdown" and _TRY.search(text) and TRY_WHERE not in text:
            _set_source(cell, _TRY.sub("Things to try" + TRY_WHERE, text, count=1))
            changes.append(f"cell {i}: 'Things to try' says where")
    hints = [i for i, c in enumerate(cells) if c.get("id") == HINT_ID]
    wanted = hint_cell()
    title = next(
        (
            i
            for i, c in enumerate(cells)
            if c["cell_type"] == "markdown" and _source(c).lstrip().startswith("# ")
        ),
        None,
    )
    position = 0 if title is None else title + 1
    if hints != [position] or cells[position] != wanted:
        for i in reversed(hints):
            del cells[i]
            if i < position:
                position -= 1
        cells.insert(position, wanted)
        changes.append(f"cell {position}: 'Run All Cells first' hint")
    return changes


def _write_atomic(path: Path, text: str) -> None:
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def process(path: Path, *, check: bool = False) -> list[str]:
    """Apply :func:`apply` to the notebook at ``path`` (written only if it changed)."""
    import nbformat

    nb = json.loads(path.read_text(encoding="utf-8"))
    changes = apply(nb)
    if changes and not check:
        node = nbformat.from_dict(nb)
        nbformat.validate(node)
        # nbformat's own layout (sorted keys, indent 1), as Jupyter writes it: small diffs.
        _write_atomic(path, nbformat.writes(node) + "\n")
    return changes


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if needed")
    args = parser.parse_args(argv)
    folder = ROOT / "notebooks"
    paths = args.notebooks or sorted([*folder.glob("*.ipynb"), *folder.glob("research/*.ipynb")])
    pending = 0
    for path in paths:
        changes = process(path, check=args.check)
        pending += len(changes)
        for line in changes:
            print(f"{path.name}: {line}")
    verb = "to change" if args.check else "changed"
    print(f"notebook_meta: {pending} edit(s) {verb} in {len(paths)} notebook(s)")
    return 1 if args.check and pending else 0


if __name__ == "__main__":
    sys.exit(main())
