"""Every notebook carries the presentation metadata of ``tools/notebook_meta.py`` (no browser).

If this fails after a merge or a new notebook, run ``.venv/bin/python -m tools.notebook_meta``
and commit the result: it hides self-check answer keys, turns ``# NBVAL_IGNORE_OUTPUT`` into
the nbval tag, adds the "Run All Cells first" hint and says where to try things.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tools import notebook_meta

_FOLDER = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted([*_FOLDER.glob("*.ipynb"), *_FOLDER.glob("research/*.ipynb")])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_metadata_is_applied(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    pending = notebook_meta.apply(copy.deepcopy(nb))
    assert not pending, f"{path.name}: run python -m tools.notebook_meta: {pending}"
    cells = nb["cells"]
    checks = [c for c in cells if notebook_meta.is_selfcheck(c)]
    for cell in checks:
        assert cell["metadata"]["jupyter"]["source_hidden"] is True
        assert "remove-input" in cell["metadata"]["tags"]
    hint = [c for c in cells if c.get("id") == notebook_meta.HINT_ID]
    assert len(hint) == 1 and "remove-cell" in hint[0]["metadata"]["tags"]
    assert not any("".join(c["source"]).startswith("# NBVAL_IGNORE_OUTPUT") for c in cells), (
        "a test marker is still the first line a learner reads"
    )


def test_apply_is_idempotent_and_keeps_outputs() -> None:
    nb = {
        "cells": [
            {"cell_type": "markdown", "id": "t", "metadata": {}, "source": ["# Title"]},
            {
                "cell_type": "code",
                "id": "q",
                "metadata": {},
                "execution_count": 1,
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["x\n"]}],
                "source": ["# NBVAL_IGNORE_OUTPUT\n", "SelfCheck('q', ['a'], 0, ['f'])"],
            },
            {"cell_type": "markdown", "id": "m", "metadata": {}, "source": ["Things to try:"]},
        ]
    }
    first = notebook_meta.apply(nb)
    assert len(first) == 5, first
    snapshot = json.dumps(nb, sort_keys=True)
    assert notebook_meta.apply(nb) == []
    assert json.dumps(nb, sort_keys=True) == snapshot
    assert [c["id"] for c in nb["cells"]] == ["t", notebook_meta.HINT_ID, "q", "m"]
    code = nb["cells"][2]
    assert "".join(code["source"]).startswith("SelfCheck(")
    assert code["outputs"][0]["text"] == ["x\n"]
    assert code["metadata"]["tags"] == ["nbval-ignore-output", "remove-input"]
