"""Fixtures for the browser tests: Debian's headless Chromium driven by Playwright's Python API.

Chromium is ``/usr/bin/chromium`` (``tools/ensure-chromium.sh`` installs it; ``make browser``
runs that first). Playwright's own browser download is never used. A missing Chromium or a
missing book build FAILS the tests: they are part of ``make test`` and must not pass vacuously.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = Path("/usr/bin/chromium")
# The flags; Playwright adds --headless itself (headless=True) and the fresh
# --user-data-dir is the temp profile of launch_persistent_context.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
BOOK_HTML = ROOT / "book" / "_build" / "html"
SCREENSHOTS = ROOT / "build" / "screenshots"
LOCAL_PREFIXES = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:", "about:")


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def book_html() -> Path:
    if not (BOOK_HTML / "index.html").exists():
        pytest.fail(f"{BOOK_HTML} has not been built: run `make book` first")
    return BOOK_HTML


@pytest.fixture(scope="session")
def book_url(book_html: Path) -> Iterator[str]:
    """The built book served by a local HTTP server on 127.0.0.1 (free port)."""
    from tools.export_slides import serve

    with serve(book_html) as url:
        yield url


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[object]:
    """One Playwright driver for the session (a second sync driver in one thread fails)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `bash tools/ensure-chromium.sh` (make browser does)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser_context(
    playwright_driver: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[object]:
    """A headless Chromium with a fresh user-data-dir (a persistent context in a temp dir)."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    context = playwright_driver.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(30_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="session")
def fresh_browser(playwright_driver: object) -> object:
    """``with fresh_browser(*extra_args) as browser``: a separate headless Chromium with no
    cookies (e.g. no token) and its own flags, closed afterwards."""

    @contextmanager
    def launch(*extra_args: str) -> Iterator[object]:
        browser = playwright_driver.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *extra_args]
        )
        try:
            yield browser
        finally:
            browser.close()

    return launch


class RequestLog:
    """Every URL a page asked for (to assert that nothing left 127.0.0.1) and its JS errors."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.bad_status: list[str] = []  # 4xx/5xx answers (a missing font, a favicon)
        self.console_errors: list[str] = []

    def attach(self, page: object) -> None:
        page.on("request", lambda r: self.urls.append(r.url))
        page.on("websocket", lambda ws: self.urls.append(ws.url))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on(
            "response",
            lambda r: r.status >= 400 and self.bad_status.append(f"{r.status} {r.url}"),
        )
        page.on(
            "console",
            lambda m: m.type == "error" and self.console_errors.append(m.text[:300]),
        )

    def outside(self) -> list[str]:
        return [u for u in self.urls if not u.startswith(LOCAL_PREFIXES)]


@pytest.fixture
def page_and_log(browser_context: object) -> Iterator[tuple[object, RequestLog]]:
    page = browser_context.new_page()
    log = RequestLog()
    log.attach(page)
    try:
        yield page, log
    finally:
        page.close()


# --- the live deck (make present) ------------------------------------------------------------


@dataclass(frozen=True)
class LiveDeck:
    """A running ``make present`` server: where it listens and the token it wants."""

    port: int
    token: str
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def url(self) -> str:
        return f"{self.base}?token={self.token}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"voila exited early with status {proc.returncode}")
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"voila did not listen on 127.0.0.1:{port} within {timeout_s} s")


@contextmanager
def live_deck(folder: Path, **options: int) -> Iterator[LiveDeck]:
    """Start Voila exactly as ``make present`` does (``present.voila_command``) and stop it.

    ``options`` go to ``voila_command`` (``max_kernels``, ``cull_idle_s``, ...). Voila runs in
    a new session, so that it and the kernels it starts are stopped by its process group id.
    """
    from tools.present import DECK, new_token, voila_command

    if not DECK.exists():
        pytest.fail(f"{DECK} is missing")
    port, token = free_port(), new_token()
    cmd, env = voila_command(DECK, port=port, token=token, **options)
    log_path = folder / f"voila-{port}.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            _wait_for_port(port, proc)
            yield LiveDeck(port, token, log_path)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveDeck]:
    """One live deck per test module: each module gets the full kernel budget (MAX_KERNELS), so
    pages opened by one module cannot make another meet the cap (a 503)."""
    with live_deck(tmp_path_factory.mktemp("voila")) as running:
        yield running
