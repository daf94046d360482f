"""The grand-rounds deck's structure (no browser needed; runs with the browser tests).

At most 20 slides; the live calculator comes from the library; every widget cell is excluded
from nbval's comparison (tag ``nbval-ignore-output``) and followed by a checked text output;
outputs are stored (the deck is
shown from them by ``make slides`` and the book).
"""

from __future__ import annotations

import json

from tools.present import DECK


def _cells() -> list[dict]:
    return json.loads(DECK.read_text(encoding="utf-8"))["cells"]


def _slide_type(cell: dict) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def _source(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def test_at_most_26_slides() -> None:
    """A 45-60 minute grand rounds: about 2 minutes a slide. The 2026 evidence (MAS criteria,
    treat-to-target, what came after TENDER), pooling and a second references slide took the
    deck from 20 to 25 slides (issues 22, 23)."""
    slides = [c for c in _cells() if _slide_type(c) == "slide"]
    assert 10 <= len(slides) <= 26, f"{len(slides)} slides"


def test_the_story_is_told_in_order() -> None:
    headings = [
        _source(c).splitlines()[0]
        for c in _cells()
        if c["cell_type"] == "markdown" and _slide_type(c) == "slide"
    ]
    wanted = ["question", "JIA ACR Pedi", "Try it", "TENDER", "Canakinumab", "Harms", "Benefit"]
    wanted += ["compared", "Take-home", "References"]
    positions = [next(i for i, h in enumerate(headings) if w in h) for w in wanted]
    assert positions == sorted(positions), headings


def test_calculator_comes_from_the_library_and_is_checked() -> None:
    cells = _cells()
    code = [c for c in cells if c["cell_type"] == "code"]
    assert any("from jia_teach.widgets import PatientCalculator" in _source(c) for c in code)
    for i, cell in enumerate(cells):
        outputs = cell.get("outputs", [])
        has_widget = any(
            "application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs
        )
        if has_widget:
            tags = cell.get("metadata", {}).get("tags", [])
            assert "nbval-ignore-output" in tags, f"cell {i}: run python -m tools.notebook_meta"
            following = cells[i + 1]
            assert "summary_text()" in _source(following), f"cell {i + 1} should print the state"
            assert following["outputs"], f"cell {i + 1} has no stored output"


def test_every_code_cell_has_been_run() -> None:
    code = [c for c in _cells() if c["cell_type"] == "code"]
    assert all(c.get("execution_count") for c in code)
