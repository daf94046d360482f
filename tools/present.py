"""Serve the grand-rounds deck live with Voila on 127.0.0.1 (``make present``), offline.

Voila's own ``reveal`` template loads reveal.js's stylesheets, jQuery and Font Awesome from
CDNs. ``tools/voila/jia_reveal`` is a small template on top of it that drops those and takes
reveal.js from the npm copy (``node_modules/reveal.js``, pinned in ``package.json``). This script
assembles that template under ``build/voila/voila/templates/jia_reveal/`` (with
``static/revealjs/``), points ``JUPYTER_PATH`` at ``build/voila`` and runs Voila with the code
hidden (Voila strips sources by default) and no browser.

Usage: ``python tools/present.py [--port 8866] [--template jia_reveal|lab] [NOTEBOOK]``.
The browser tests import :func:`voila_command` so they start Voila exactly as ``make present``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from web_assets import copy_reveal

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_SRC = ROOT / "tools" / "voila" / "jia_reveal"
VOILA_ROOT = ROOT / "build" / "voila"
DECK = ROOT / "notebooks" / "grand_rounds.ipynb"


def prepare_template(voila_root: Path = VOILA_ROOT) -> Path:
    """Assemble the offline reveal template; return the folder to put on ``JUPYTER_PATH``."""
    dest = voila_root / "voila" / "templates" / "jia_reveal"
    dest.mkdir(parents=True, exist_ok=True)
    for src in TEMPLATE_SRC.iterdir():
        shutil.copy2(src, dest / src.name)
    # Not "static/reveal.js": Voila's own bundle is served as /voila/static/reveal.js.
    copy_reveal(dest / "static" / "revealjs")
    return voila_root


def voila_command(
    notebook: Path = DECK, *, port: int = 8866, template: str = "jia_reveal"
) -> tuple[list[str], dict[str, str]]:
    """The Voila command line and environment for serving ``notebook`` on 127.0.0.1:port."""
    env = dict(os.environ)
    if template == "jia_reveal":
        root = prepare_template()
        env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(root), env.get("JUPYTER_PATH")) if p)
    voila = Path(sys.executable).parent / "voila"
    cmd = [
        str(voila),
        str(notebook),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        f"--template={template}",
        "--strip_sources=True",
        "--show_tracebacks=True",
    ]
    return cmd, env


def main(argv: list[str] | None = None) -> int:
    """Command line entry point (replaces this process with Voila)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", type=Path, default=DECK)
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--template", default="jia_reveal", help="jia_reveal (slides) or lab")
    args = parser.parse_args(argv)
    if not args.notebook.exists():
        print(f"present: {args.notebook} not found")
        return 1
    cmd, env = voila_command(args.notebook, port=args.port, template=args.template)
    print(f"present: serving {args.notebook.name} at http://127.0.0.1:{args.port}/ (Ctrl-C stops)")
    print("present: arrow keys or space move between slides; the widgets run live.", flush=True)
    os.execve(cmd[0], cmd, env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
