"""Serve the grand-rounds deck live with Voila on 127.0.0.1 (``make present``), offline.

Voila's own ``reveal`` template loads reveal.js's stylesheets, jQuery and Font Awesome from
CDNs. ``tools/voila/jia_reveal`` is a small template on top of it that drops those and takes
reveal.js from the npm copy (``node_modules/reveal.js``, pinned in ``package.json``). This script
assembles that template under ``build/voila/voila/templates/jia_reveal/`` (with
``static/revealjs/``), points ``JUPYTER_PATH`` at ``build/voila`` and runs Voila with the code
hidden (Voila strips sources by default) and no browser.

The live deck runs code, so it lets no one else in (issue 11):

* a random token (``secrets.token_urlsafe``), printed with the URL as ``make lab`` does and
  handed to Voila in ``JUPYTER_TOKEN`` (not on the command line, where ``ps`` shows it); a
  request without it gets the login form, never the deck or a kernel;
* the ``Host`` header must be ``localhost`` or a loopback address (Voila turns Jupyter Server's
  check off; this turns it back on), and websockets must come from the same origin, so a page
  on another name that resolves to 127.0.0.1 (DNS rebinding) reaches nothing; the Origin is
  checked on every websocket, token or cookie (``jia_voila.OriginCheckingIdentityProvider``:
  Jupyter Server skips it when the token is in the URL, so ``Origin: null`` or another site
  holding a leaked URL would otherwise get a kernel);
* idle kernels with no browser attached are stopped after ``--cull-idle`` seconds, and at most
  ``--max-kernels`` run at once (``tools/voila/jia_voila.py``; a further request gets HTTP 503);
* tracebacks are never sent to the browser.

The title slide carries the same presenter, date and venue as ``make slides`` (``--presenter``,
``--date``, ``--venue`` or ``slides.toml``; ``export_slides.load_title``): Voila then serves a
copy of the deck with that byline, written to ``build/voila/deck/`` (``live`` copy: every cell
kept), and the notebook itself is not changed.

Usage: ``python -m tools.present [--port 8866] [--template jia_reveal|lab] [--presenter NAME]
[--date DATE] [--venue PLACE] [--config slides.toml] [NOTEBOOK]``.
The browser tests import :func:`voila_command` so they start Voila exactly as ``make present``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sys
from pathlib import Path

from tools.export_slides import ExportError, TitleInfo, load_title, prepare_deck
from tools.web_assets import copy_reveal

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_SRC = ROOT / "tools" / "voila" / "jia_reveal"
VOILA_ROOT = ROOT / "build" / "voila"
DECK = ROOT / "notebooks" / "grand_rounds.ipynb"
# keyguard.js: keys on a focused control stay there; widget_a11y.js: names, values, live regions
WEB_SCRIPTS = tuple(ROOT / "tools" / "web" / n for n in ("keyguard.js", "widget_a11y.js"))
GUARD = ROOT / "tools" / "voila"  # jia_voila.CappedKernelManager
MAX_KERNELS = 4  # about 210 MB each
CULL_IDLE_S = 300  # an idle kernel with no browser attached; a connected one is kept
CULL_INTERVAL_S = 60


def prepare_template(voila_root: Path = VOILA_ROOT) -> Path:
    """Assemble the offline reveal template; return the folder to put on ``JUPYTER_PATH``."""
    dest = voila_root / "voila" / "templates" / "jia_reveal"
    dest.mkdir(parents=True, exist_ok=True)
    for src in TEMPLATE_SRC.iterdir():
        shutil.copy2(src, dest / src.name)
    (dest / "static").mkdir(exist_ok=True)
    for script in WEB_SCRIPTS:
        shutil.copy2(script, dest / "static" / script.name)
    # Not "static/reveal.js": Voila's own bundle is served as /voila/static/reveal.js.
    copy_reveal(dest / "static" / "revealjs")
    return voila_root


def write_config(voila_root: Path = VOILA_ROOT) -> Path:
    """Write ``voila.json`` (settings the command line cannot give well); return its folder.

    ``allow_remote_access: false`` turns Jupyter Server's ``check_host`` back on (Voila sets it
    true; ``tornado_settings`` are applied after): the ``Host`` header must be ``localhost`` or
    a loopback address, else HTTP 403. On the command line, ``key=value`` would make it the
    string "False", which is true.
    """
    folder = voila_root / "config"
    folder.mkdir(parents=True, exist_ok=True)
    config = {"Voila": {"tornado_settings": {"allow_remote_access": False}}}
    text = json.dumps(config, indent=2) + "\n"
    path = folder / "voila.json"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return folder


def new_token() -> str:
    """A random token for one run of the live deck (URL-safe, 256 bits)."""
    return secrets.token_urlsafe(32)


def voila_command(
    notebook: Path = DECK,
    *,
    port: int = 8866,
    template: str = "jia_reveal",
    token: str,
    max_kernels: int = MAX_KERNELS,
    cull_idle_s: int = CULL_IDLE_S,
    cull_interval_s: int = CULL_INTERVAL_S,
    title: TitleInfo | None = None,
) -> tuple[list[str], dict[str, str]]:
    """The Voila command line and environment for serving ``notebook`` on 127.0.0.1:port.

    ``token`` is required (an empty one would turn authentication off) and travels in the
    environment (``JUPYTER_TOKEN``), so that it does not show in the process list.
    """
    if not token:
        raise ValueError("the live deck needs a token (present.new_token())")
    if title is not None and title.byline_html():
        notebook = prepare_deck(notebook, VOILA_ROOT / "deck", title, live=True)
    env = dict(os.environ)
    env["JUPYTER_TOKEN"] = token
    env.pop("JUPYTER_TOKEN_FILE", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(GUARD), env.get("PYTHONPATH")) if p)
    if template == "jia_reveal":
        root = prepare_template()
        env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(root), env.get("JUPYTER_PATH")) if p)
    voila = Path(sys.executable).parent / "voila"
    cmd = [
        str(voila),
        str(notebook),
        "--no-browser",
        f"--port={port}",
        "--Voila.port_retries=0",  # the printed URL must be the one served
        "--Voila.ip=127.0.0.1",
        f"--template={template}",
        "--strip_sources=True",
        "--show_tracebacks=False",
        # Authentication: the token from JUPYTER_TOKEN (auto_token keeps Voila from blanking it).
        "--Voila.auto_token=True",
        # Origin checked on every request and websocket, even one that carries the token
        # (Jupyter Server skips the check for token requests; issue 20).
        "--Voila.identity_provider_class=jia_voila.OriginCheckingIdentityProvider",
        # Only our voila.json (DNS rebinding: allow_remote_access false), not one that happens
        # to lie in the current folder or the user's Jupyter config.
        f"--Voila.config_file_paths={write_config()}",
        # Kernels: stop idle ones nobody is connected to, and cap how many run at once.
        "--VoilaConfiguration.multi_kernel_manager_class=jia_voila.CappedKernelManager",
        f"--CappedKernelManager.max_kernels={max_kernels}",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_s}",
        f"--MappingKernelManager.cull_interval={cull_interval_s}",
        "--MappingKernelManager.cull_connected=False",
    ]
    return cmd, env


def main(argv: list[str] | None = None) -> int:
    """Command line entry point (replaces this process with Voila)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", type=Path, default=DECK)
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--template", default="jia_reveal", help="jia_reveal (slides) or lab")
    parser.add_argument("--max-kernels", type=int, default=MAX_KERNELS, help="live sessions")
    parser.add_argument("--cull-idle", type=int, default=CULL_IDLE_S, help="seconds")
    parser.add_argument("--presenter", default="", help="title slide, as make slides")
    parser.add_argument("--date", default="", help="title slide, as make slides")
    parser.add_argument("--venue", default="", help="title slide, as make slides")
    parser.add_argument("--config", type=Path, default=None, help="slides.toml (title fields)")
    args = parser.parse_args(argv)
    if not args.notebook.exists():
        print(f"present: {args.notebook} not found")
        return 1
    try:
        title = load_title(args.config, presenter=args.presenter, date=args.date, venue=args.venue)
    except ExportError as error:
        print(f"present: {error}")
        return 1
    token = new_token()
    cmd, env = voila_command(
        args.notebook,
        port=args.port,
        template=args.template,
        token=token,
        max_kernels=args.max_kernels,
        cull_idle_s=args.cull_idle,
        title=title,
    )
    print(f"present: serving {args.notebook.name} on 127.0.0.1 only (Ctrl-C stops). Open:")
    print(f"    http://127.0.0.1:{args.port}/?token={token}")
    print("present: arrow keys or space move between slides; the widgets run live.", flush=True)
    os.execve(cmd[0], cmd, env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
