"""The import graph of jia_teach runs one way: rules <- tables <- data <- evidence <- effects /
figures <- widgets, with no cycles and no upward import (decision 2026-12-01, "a view formats,
never decides"). Every import is read from the source, function-level imports included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "jia_teach"

#: Layer of every module (a package prefix ending in "." covers its modules). Lower layers
#: never import higher ones.
LAYERS: dict[str, int] = {
    # 0 rules: what the definitions are
    "jia_teach.errors": 0,
    "jia_teach.coreset": 0,
    "jia_teach.definitions": 0,
    "jia_teach.labels": 0,
    "jia_teach.render": 0,
    "jia_teach.display": 0,
    # 1 tables: scoring a table or a patient
    "jia_teach.inputs": 1,
    "jia_teach.criteria": 1,
    "jia_teach.scoring": 1,
    "jia_teach.patient": 1,
    "jia_teach.activity": 1,
    "jia_teach.tables.": 1,
    "jia_teach.visits": 1,
    "jia_teach.explain": 1,
    "jia_teach.distributed": 1,
    "jia_teach.io": 1,
    "jia_teach.readers": 1,
    "jia_teach.writers": 1,
    "jia_teach.atomic": 1,  # atomic output files (the CLI's writer)
    "jia_teach.csvfile": 1,  # CSV blocks with true line numbers
    "jia_teach.tablefile": 1,  # CSV / Excel / Parquet by extension
    "jia_teach.simregistry": 1,  # the simulated visit table of notebooks/research
    # 2 data: the shipped files and their schema
    "jia_teach.schema": 2,
    "jia_teach.validate": 2,
    "jia_teach.data": 2,
    # 3 evidence: which pairs, which counts, why not
    "jia_teach.evidence": 3,
    "jia_teach.evidence.": 3,
    # 4 arithmetic, figures, simulation
    "jia_teach.effects": 4,
    "jia_teach.effects.": 4,
    "jia_teach.trial_effects": 4,
    "jia_teach.evidence_tables": 4,
    "jia_teach.figures": 4,
    "jia_teach.figures.": 4,
    "jia_teach.cohort_model": 4,
    "jia_teach.cohort": 4,
    "jia_teach.calibration": 4,
    "jia_teach.appraisal": 4,
    "jia_teach.appraisal.": 4,
    # 5 views
    "jia_teach.widgets": 5,
    "jia_teach.widgets.": 5,
    # 6 entry points
    "jia_teach.cli": 6,
    "jia_teach": 6,
    "jia_teach.__main__": 6,
}

#: effects is arithmetic only: it may import the rules layer (errors) and itself, nothing else.
PURE_PREFIX = "jia_teach.effects"
PURE_ALLOWED = ("jia_teach.errors", "jia_teach.effects")


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _layer(module: str) -> int:
    if module in LAYERS:
        return LAYERS[module]
    prefixes = [p for p in LAYERS if p.endswith(".") and module.startswith(p)]
    if not prefixes:
        raise AssertionError(
            f"{module} has no layer: add it to LAYERS in tests/test_layers.py (and say why)"
        )
    return LAYERS[max(prefixes, key=len)]


def _imports(path: Path) -> set[str]:
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "jia_teach"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] != "jia_teach":
                continue
            out.add(target)
            for alias in node.names:  # "from jia_teach import data" imports a module
                candidate = f"{target}.{alias.name}"
                if _is_module(candidate):
                    out.add(candidate)
    out.discard(name)
    return out


def _is_module(dotted: str) -> bool:
    rel = Path(*dotted.split(".")[1:])
    return (PACKAGE / rel).with_suffix(".py").is_file() or (PACKAGE / rel / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    files = [p for p in PACKAGE.rglob("*.py") if "_data" not in p.parts]
    return {_module_name(p): _imports(p) for p in files}


GRAPH = _graph()


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_module_imports_from_a_layer_above_it(module: str) -> None:
    mine = _layer(module)
    for target in sorted(GRAPH[module]):
        if target == "jia_teach":
            continue  # the package itself (its lazy attributes)
        assert _layer(target) <= mine, (
            f"{module} (layer {mine}) imports {target} ({_layer(target)})"
        )


def test_effects_reads_no_data() -> None:
    modules = [m for m in GRAPH if m == PURE_PREFIX or m.startswith(PURE_PREFIX + ".")]
    assert len(modules) > 1
    for module in modules:
        bad = [t for t in GRAPH[module] if not t.startswith(PURE_ALLOWED)]
        assert not bad, f"{module} imports {sorted(bad)}"


def test_the_import_graph_has_no_cycle() -> None:
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(GRAPH.get(node, ())):
            if nxt == "jia_teach" or nxt not in GRAPH:
                continue
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*path, node, nxt]))
            if nxt not in state:
                visit(nxt, [*path, node])
        state[node] = 2

    for node in sorted(GRAPH):
        if node not in state:
            visit(node, [])


def test_views_do_not_read_data_files_or_name_the_control_arm() -> None:
    """Widgets and figures take pairs and labels from the library: no loader, no literal
    "placebo" arm code (the control arm is named once, in jia_teach.labels)."""
    for path in [
        *PACKAGE.joinpath("widgets").glob("*.py"),
        *PACKAGE.joinpath("figures").glob("*.py"),
    ]:
        module = _module_name(path)
        assert "jia_teach.data" not in GRAPH[module], f"{module} imports jia_teach.data"
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and node.value == "placebo":
                line = source.splitlines()[node.lineno - 1].strip()
                raise AssertionError(f"{path.name}:{node.lineno}: the literal 'placebo' ({line})")
