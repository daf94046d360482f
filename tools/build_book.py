"""Build the Jupyter Book (1.x) into book/_build/html, offline, warnings as errors.

Steps:

1. copy ``notebooks/`` into the build-only folder ``book/tutorials/`` (git-ignored; the
   notebooks stay the one source of truth and are shown with their stored outputs);
2. copy require.js, the widget HTML manager and MathJax from ``node_modules`` (``npm ci``) into
   ``book/_vendor/`` (git-ignored), which ``_config.yml`` serves as ``html_static_path``; the
   calculator cells of the copies become live calculators (``tools/live_calculators.py``,
   its script in ``book/_vendor/live/``);
3. run ``jupyter-book build --warningiserror --keep-going book/``;
4. fail if any built page loads a script, stylesheet or font from another host.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tools import live_calculators
from tools.offline_check import external_references
from tools.web_assets import copy_web_assets

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
NOTEBOOKS = ROOT / "notebooks"
TUTORIALS = BOOK / "tutorials"
VENDOR = BOOK / "_vendor"
HTML = BOOK / "_build" / "html"
_SKIP = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")


def toc_notebooks(toc_path: Path = BOOK / "_toc.yml") -> list[str]:
    """Names (without suffix) of the notebooks the table of contents takes from tutorials/."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    names: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            file = node.get("file")
            if isinstance(file, str) and file.startswith("tutorials/"):
                names.append(file.removeprefix("tutorials/").removesuffix(".ipynb"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return names


def lift_alt_text(path: Path) -> bool:
    """Give myst-nb the alt text of each figure output.

    The notebooks show figures with ``jia_teach.present.image(fig)``, which stores the
    caption as the output's ``image/png`` ``alt`` metadata; myst-nb reads alt text only
    from the cell's ``mystnb.image.alt`` metadata, so the copy gets it there. Returns
    whether the file changed (its mtime is kept otherwise, for incremental builds).
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    changed = False
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            alt = output.get("metadata", {}).get("image/png", {}).get("alt")
            if (
                alt
                and cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt") != alt
            ):
                cell.setdefault("metadata", {}).setdefault("mystnb", {})["image"] = {"alt": alt}
                changed = True
    if changed:
        stat = path.stat()
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return changed


def sync_notebooks() -> None:
    """Replace book/tutorials/ with a copy of notebooks/ (mtimes kept for incremental builds)."""
    if TUTORIALS.exists():
        shutil.rmtree(TUTORIALS)
    shutil.copytree(NOTEBOOKS, TUTORIALS, ignore=_SKIP, copy_function=shutil.copy2)
    for path in sorted(TUTORIALS.glob("*.ipynb")):
        lift_alt_text(path)


def refresh_static(vendor: Path = VENDOR, static: Path = HTML / "_static") -> list[Path]:
    """Overwrite built copies of ``vendor`` files that differ from their source; return them.

    An incremental Sphinx build with no page to rewrite copies no static file, and Sphinx 7.4
    does not overwrite one it copied before, so the site would keep serving an old
    ``require-config.js`` or ``frozen.js``.
    """
    dropped = []
    if not static.is_dir():
        return dropped
    for src in vendor.rglob("*"):
        built = static / src.relative_to(vendor)
        if src.is_file() and built.is_file() and not filecmp.cmp(src, built, shallow=False):
            shutil.copy2(src, built)
            dropped.append(built)
    return dropped


def build(*, clean: bool = False) -> int:
    """Run jupyter-book; return its exit status."""
    jb = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jb), "build", "--warningiserror", "--keep-going"]
    if clean:
        cmd.append("--all")
    cmd.append(str(BOOK))
    print("+", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="rebuild every page")
    args = parser.parse_args(argv)
    start = time.perf_counter()

    names = toc_notebooks()
    missing = [n for n in names if not (NOTEBOOKS / f"{n}.ipynb").exists()]
    if missing:
        print(
            "build_book: book/_toc.yml lists notebooks that do not exist: "
            + ", ".join(f"notebooks/{n}.ipynb" for n in missing)
        )
        return 1
    if not (ROOT / "data" / "README.md").exists():
        print("build_book: data/README.md (the data dictionary the book includes) is missing")
        return 1

    sync_notebooks()
    copy_web_assets(VENDOR)
    # frozen.js: drawn widgets are marked frozen (a note, controls disabled); book_a11y.js:
    # accessible names the theme gets wrong; widget_a11y.js: the widgets' names, values and
    # alt texts. book/_ext/jia_offline.py adds them to every page.
    # book.css: code and output wrap on paper; one-column widgets under 600 px.
    for script in ("frozen.js", "book_a11y.js", "widget_a11y.js", "book.css"):
        shutil.copy2(ROOT / "tools" / "web" / script, VENDOR / script)
    live_calculators.prepare_book(TUTORIALS, VENDOR / "live")
    for path in refresh_static():
        print(f"build_book: {path.relative_to(ROOT)} was out of date; copied again")
    status = build(clean=args.all)
    if status != 0:
        print(f"build_book: jupyter-book failed (exit {status}); warnings are errors")
        return status

    refs = external_references(HTML)
    for ref in refs:
        print(f"{ref.file.relative_to(ROOT)}: <{ref.tag}> {ref.url}")
    if refs:
        print(f"build_book: {len(refs)} external reference(s) in the built site")
        return 1
    print(f"build_book: built {HTML.relative_to(ROOT)} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
