"""Prepare ``make lab``: learners work on copies, so the tracked notebooks stay the source.

JupyterLab saves (and autosaves) every notebook it opens. Opened from ``notebooks/``, a run
rewrote execution metadata and outputs that nbval compares against (issue 15). ``make lab``
therefore opens ``workspace/`` (git-ignored), which this script fills from ``notebooks/``:

* a notebook missing from ``workspace/`` is copied;
* a copy the learner has not changed is refreshed when its source in ``notebooks/`` changed
  (``git pull``, a new tutorial);
* a copy the learner changed is kept, even if its source changed: the script says so and how to
  get the new version (delete the copy). Nothing the learner wrote is ever overwritten.

What was copied is remembered in ``workspace/.jia-workspace.json`` (SHA-256 of the source and of
the copy as made). A copy carries this environment's kernel name and Python version in its
metadata (:func:`local_copy`): JupyterLab rewrites both when the kernel starts, and a stored
"Python 3" where the kernel says "Python 3 (ipykernel)" marked every notebook changed on
opening ("Save your work?" on a notebook nobody touched; issue 19).

The script also writes JupyterLab's settings overrides for this ``.venv`` (no news question, no
update check on first start, no cell toolbar), then starts JupyterLab on the copies
(:func:`lab_command`; the browser tests start it the same way): 127.0.0.1 only, its own random
token (printed with the URL), no news feed, no update check, a read-only extension manager,
``notebook_shim`` off (it read the deprecated ``ServerApp.token`` and printed a
DeprecationWarning at every start; JupyterLab 4 does not need it), no cell toolbar (Tab from a
cell landed on its "Duplicate cell" button; Space there copied a self-check with its answer key)
and the prebuilt lab extension of ``tools/lab`` (:data:`LAB_EXTENSIONS`): the package's widgets
named, their values announced as shown, radio groups one Tab stop, a visible focus indicator.

The browser tests start JupyterLab with their own settings and workspaces folders
(``settings_dir=``, ``workspaces_dir=``): what a learner left open in ``make lab`` (tabs,
layout, settings) never reaches the suite, and the suite never writes into the learner's.

Usage: ``python -m tools.lab_workspace [--port 8888] [--no-browser] [--sync-only]
[--source notebooks] [--workspace workspace]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ".jia-workspace.json"
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/cell-toolbar-extension:plugin": {"showToolbar": False},
}
# tools/lab/labextensions/jia-teach-lab-a11y: built from tools/lab (make lab-extension), committed.
LAB_EXTENSIONS = ROOT / "tools" / "lab" / "labextensions"
# What the prebuilt bundle was built from; a test compares it with the files as they are now.
EXTENSION_SOURCES = tuple(
    ROOT / "tools" / p for p in ("lab/index.js", "lab/style.css", "web/widget_a11y.js")
)
EXTENSION_STAMP = LAB_EXTENSIONS / "jia-teach-lab-a11y" / "sources.sha256"
KERNEL_NAME = "python3"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy_atomic(src: Path, dst: Path) -> str:
    """Write :func:`local_copy` of ``src`` to ``dst`` atomically; return the copy's SHA-256."""
    data = local_copy(src.read_text(encoding="utf-8")).encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", dir=dst.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, dst)
        return hashlib.sha256(data).hexdigest()
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _kernel_display_name(name: str = KERNEL_NAME) -> str:
    """The display name of this environment's kernel, as JupyterLab will write it."""
    spec = Path(sys.prefix) / "share" / "jupyter" / "kernels" / name / "kernel.json"
    try:
        return str(json.loads(spec.read_text(encoding="utf-8"))["display_name"])
    except (OSError, ValueError, KeyError):
        return "Python 3 (ipykernel)"  # ipykernel's own default


def local_copy(text: str) -> str:
    """The notebook JSON ``text`` with the metadata JupyterLab would rewrite on opening.

    The kernel's display name and the Python version are set to this environment's, so that a
    notebook opened and closed untouched is not "changed". Nothing else is altered.

    >>> import json
    >>> nb = {"metadata": {"kernelspec": {"display_name": "Python 3", "name": "python3"},
    ...                    "language_info": {"name": "python", "version": "3.0.0"}},
    ...       "cells": [], "nbformat": 4, "nbformat_minor": 5}
    >>> meta = json.loads(local_copy(json.dumps(nb)))["metadata"]
    >>> meta["kernelspec"]["display_name"] == _kernel_display_name()
    True
    >>> meta["language_info"]["version"] == "{}.{}.{}".format(*sys.version_info[:3])
    True
    """
    nb = json.loads(text)
    meta = nb.setdefault("metadata", {})
    spec = meta.setdefault("kernelspec", {"name": KERNEL_NAME, "language": "python"})
    if spec.get("name", KERNEL_NAME) == KERNEL_NAME:
        spec["display_name"] = _kernel_display_name()
    info = meta.get("language_info")
    if isinstance(info, dict) and info.get("name") == "python":
        info["version"] = "{}.{}.{}".format(*sys.version_info[:3])
    # JupyterLab writes one space of indent and a final newline (nbformat's own layout).
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def sync(source: Path, workspace: Path) -> dict[str, list[str]]:
    """Bring ``workspace`` up to date with ``source``; return the names per outcome.

    Outcomes: ``copied`` (new), ``refreshed`` (unchanged copy, new source), ``kept`` (the
    learner changed the copy and the source changed too), ``current`` (nothing to do).
    """
    workspace.mkdir(parents=True, exist_ok=True)
    manifest_path = workspace / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        manifest = {}
    outcome: dict[str, list[str]] = {"copied": [], "refreshed": [], "kept": [], "current": []}
    for src in sorted([*source.glob("*.ipynb"), *source.glob("*/*.ipynb")]):
        name = src.relative_to(source).as_posix()  # research/registry_scoring.ipynb too
        dst = workspace / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        src_sha = _sha(src)
        seen = manifest.get(name, {})
        if not dst.exists():
            kind = "copied"
        elif seen.get("source") == src_sha:
            kind = "current"
        elif seen.get("copy") == _sha(dst):
            kind = "refreshed"
        else:
            outcome["kept"].append(name)
            continue
        if kind != "current":
            manifest[name] = {"source": src_sha, "copy": _copy_atomic(src, dst)}
        outcome[kind].append(name)
    tmp = manifest_path.with_name(manifest_path.name + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, manifest_path)
    return outcome


def extension_sources_digest() -> str:
    """SHA-256 over the lab extension's sources (``make lab-extension`` stores it when it builds).

    The bundle in ``tools/lab/labextensions`` is committed (learners need no npm); the stored
    digest tells a test whether a source changed since the bundle was built.
    """
    digest = hashlib.sha256()
    for path in EXTENSION_SOURCES:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
    return digest.hexdigest()


def write_lab_overrides(prefix: Path = Path(sys.prefix)) -> Path:
    """JupyterLab settings for this environment: no news question, no update check."""
    folder = prefix / "share" / "jupyter" / "lab" / "settings"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "overrides.json"
    text = json.dumps(LAB_OVERRIDES, indent=2) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def lab_command(
    workspace: Path,
    *,
    port: int = 8888,
    open_browser: bool = True,
    settings_dir: Path | None = None,
    workspaces_dir: Path | None = None,
) -> list[str]:
    """The JupyterLab command line of ``make lab``, serving ``workspace`` on 127.0.0.1:port.

    ``settings_dir`` and ``workspaces_dir`` replace the user's JupyterLab settings and saved
    layouts (``~/.jupyter/lab/...``): the tests give their own empty folders.
    """
    cmd = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        f"--notebook-dir={workspace}",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.jpserver_extensions=notebook_shim=False",
        "--LabApp.news_url=None",
        "--LabApp.extension_manager=readonly",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.extra_labextensions_path={LAB_EXTENSIONS}",
    ]
    if settings_dir is not None:
        cmd.append(f"--LabApp.user_settings_dir={settings_dir}")
    if workspaces_dir is not None:
        cmd.append(f"--LabApp.workspaces_dir={workspaces_dir}")
    if not open_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status (or becomes JupyterLab)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--workspace", type=Path, default=ROOT / "workspace")
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--no-browser", action="store_true", help="print the URL only")
    parser.add_argument("--sync-only", action="store_true", help="copy, do not start the lab")
    parser.add_argument(
        "--stamp-extension", action="store_true", help="record the lab extension's sources"
    )
    args = parser.parse_args(argv)
    if args.stamp_extension:
        EXTENSION_STAMP.write_text(extension_sources_digest() + "\n", encoding="utf-8")
        return 0
    if not args.source.is_dir():
        print(f"lab_workspace: {args.source} is not a folder")
        return 1
    outcome = sync(args.source, args.workspace)
    write_lab_overrides()
    where = args.workspace
    if where.is_relative_to(ROOT):
        where = where.relative_to(ROOT)
    for kind in ("copied", "refreshed"):
        if outcome[kind]:
            print(f"lab: {kind} into {where}/: {', '.join(outcome[kind])}")
    for name in outcome["kept"]:
        print(
            f"lab: kept your copy {where}/{name}: it differs from notebooks/{name}, which has "
            f"changed. Delete your copy (or rename it) to get the new version."
        )
    print(f"lab: you work on the copies in {where}/ (git ignores them); notebooks/ stays as is.")
    if args.sync_only:
        return 0
    print("lab: open 01_core_set_and_acr_pedi.ipynb first and choose Run > Run All Cells.")
    cmd = lab_command(args.workspace, port=args.port, open_browser=not args.no_browser)
    sys.stdout.flush()
    os.execv(cmd[0], cmd)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
