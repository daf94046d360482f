"""The folders of jia_teach are its layers, and the import graph says the same thing.

Each folder has a rank; a module may import its own folder and folders of a lower rank, never a
folder of the same rank or above (decision 2026-12-04, issue 18: "the tree shows the
architecture"). Every import is read from the source, function-level imports included.

    rank 0  rules/                            what the definitions are (no numpy, no pandas)
    rank 1  effects/ scoring/                 arithmetic on counts; scoring patients and tables
    rank 2  io/ data/                         files in and out; the shipped data files
    rank 3  evidence/                         the only query layer over data/
    rank 4  appraisal/ simulation/            appraisal arithmetic; simulated cohorts
    rank 5  present/                          charts, tables, palette, labels shown
    rank 6  widgets/                          the interactive views
    rank 7  the package itself and cli.py     entry points
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "jia_teach"

#: Rank of every folder of jia_teach (and of the top-level modules, "").
RANKS: dict[str, int] = {
    "rules": 0,
    "effects": 1,
    "scoring": 1,
    "io": 2,
    "data": 2,
    "evidence": 3,
    "appraisal": 4,
    "simulation": 4,
    "present": 5,
    "widgets": 6,
    "": 7,
}

#: At most this many modules at the top of jia_teach besides __init__.py.
MAX_TOP_LEVEL = 5
#: No module longer than this many lines.
MAX_LINES = 500

#: effects is arithmetic only: it may import the rules layer and itself, nothing else.
PURE_PREFIX = "jia_teach.effects"
PURE_ALLOWED = ("jia_teach.rules", "jia_teach.effects")


def _folder(module: str) -> str:
    """The layer folder of a dotted module name ("" for the package and its top modules)."""
    parts = module.split(".")
    if len(parts) == 1:
        return ""
    if (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return ""


def _layer(module: str) -> int:
    folder = _folder(module)
    if folder not in RANKS:
        raise AssertionError(f"{module}: folder {folder!r} has no rank in tests/test_layers.py")
    return RANKS[folder]


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


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
def test_no_module_imports_a_folder_at_or_above_its_rank(module: str) -> None:
    mine, folder = _layer(module), _folder(module)
    for target in sorted(GRAPH[module]):
        if target == "jia_teach":
            continue  # the package itself (its lazy attributes)
        if _folder(target) == folder:
            continue  # a folder may import itself
        assert _layer(target) < mine, (
            f"{module} ({folder or 'top'}, rank {mine}) imports {target} "
            f"({_folder(target) or 'top'}, rank {_layer(target)})"
        )


def test_every_folder_has_a_rank_and_the_top_is_small() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert folders == set(RANKS) - {""}, "a folder of jia_teach is missing from RANKS"
    top = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert len(top) <= MAX_TOP_LEVEL, f"{len(top)} modules at the top of jia_teach: {top}"


@pytest.mark.parametrize(
    "path", sorted(p for p in PACKAGE.rglob("*.py") if "_data" not in p.parts), ids=str
)
def test_no_module_is_over_the_line_limit(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE.parent)} has {lines} lines"


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
    "placebo" arm code (the control arm is named once, in jia_teach.data.labels)."""
    for path in [
        *PACKAGE.joinpath("widgets").glob("*.py"),
        *PACKAGE.joinpath("present").glob("*.py"),
    ]:
        module = _module_name(path)
        assert "jia_teach.data" not in GRAPH[module], f"{module} imports jia_teach.data"
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and node.value == "placebo":
                line = source.splitlines()[node.lineno - 1].strip()
                raise AssertionError(f"{path.name}:{node.lineno}: the literal 'placebo' ({line})")


#: Folders whose modules may read the data tables (the package ``jia_teach.data`` re-exports the
#: loaders). Everything else asks :mod:`jia_teach.evidence` (issue 18: one route per question).
DATA_READERS = ("data", "evidence", "simulation")


def test_only_the_evidence_layer_reads_the_data_tables() -> None:
    for module, targets in sorted(GRAPH.items()):
        if _folder(module) in DATA_READERS:
            continue
        bad = sorted(t for t in targets if t in ("jia_teach.data", "jia_teach.data.loaders"))
        assert not bad, f"{module} reads the data tables ({bad}); ask jia_teach.evidence"


def test_one_palette() -> None:
    """Every colour is named in jia_teach/present/palette.py (a trial's colour is data)."""
    import re

    hex_colour = re.compile(r"#[0-9A-Fa-f]{6}\b")
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "palette.py" or "_data" in path.parts or path.match("data/labels.py"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if hex_colour.search(line) and ">>>" not in line:
                raise AssertionError(f"{path.name}:{n}: a colour outside the palette: {line}")
