"""Fixtures for the browser tests: Debian's headless Chromium driven by Playwright's Python API.

Chromium is ``/usr/bin/chromium`` (``tools/ensure-chromium.sh`` installs it; ``make browser``
runs that first). Playwright's own browser download is never used. A missing Chromium or a
missing book build FAILS the tests: they are part of ``make test`` and must not pass vacuously.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

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
    from export_slides import serve  # tools/ is on sys.path (above)

    with serve(book_html) as url:
        yield url


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A headless Chromium with a fresh user-data-dir (a persistent context in a temp dir)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `bash tools/ensure-chromium.sh` (make browser does)"
        )
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
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


class RequestLog:
    """Every URL a page asked for (to assert that nothing left 127.0.0.1) and its JS errors."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []

    def attach(self, page: object) -> None:
        page.on("request", lambda r: self.urls.append(r.url))
        page.on("websocket", lambda ws: self.urls.append(ws.url))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

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
