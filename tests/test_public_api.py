"""Every module and name the README's API table documents is reachable after ``import jia_teach``
(issue 18: ``jia_teach.evidence`` and ``jia_teach.appraisal`` used to raise AttributeError)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

import jia_teach

README = Path(__file__).resolve().parent.parent / "README.md"


def _documented() -> list[str]:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## The Python API") : text.index("## The evidence")]
    names = set(re.findall(r"`(jia_teach(?:\.[A-Za-z_][A-Za-z0-9_]*)+)", table))
    return sorted(names)


@pytest.mark.parametrize("dotted", _documented())
def test_documented_name_is_reachable(dotted: str) -> None:
    obj = jia_teach
    for part in dotted.split(".")[1:]:
        if not hasattr(obj, part):  # a submodule not imported yet: import it as a user would
            importlib.import_module(f"{obj.__name__}.{part}")
        obj = getattr(obj, part)
    assert obj is not None


@pytest.mark.parametrize("name", ["evidence", "appraisal", "present", "data", "use_data", "io"])
def test_attribute_access_after_plain_import(name: str) -> None:
    assert getattr(jia_teach, name) is not None
