"""Export the grand-rounds deck as an offline reveal.js slideshow and a PDF handout.

``make slides`` runs this script. It writes into ``build/slides/``:

* ``grand_rounds.slides.html`` - ``jupyter nbconvert --to slides`` with the template
  ``tools/nbconvert/jia_slides`` (nbconvert's reveal template without any CDN), the stored
  outputs (no re-execution) and saved widget state;
* ``vendor/`` - reveal.js, require.js, the widget HTML manager and MathJax copied from the npm
  packages pinned in ``package.json`` (installed by ``npm ci``), so the folder works offline and
  can be copied to a USB stick as it is;
* ``grand_rounds.pdf`` - the handout: headless Chromium (``/usr/bin/chromium``, driven by
  Playwright's Python package, never its browser download) opens the slides with reveal.js's
  ``?print-pdf`` view from a local HTTP server on 127.0.0.1 and prints them (Chromium's own
  print-to-PDF), one slide per page;
* ``grand_rounds-print.png`` - a screenshot of the print view, to check the handout by eye.

Usage: ``python tools/export_slides.py [NOTEBOOK] [--no-pdf]``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from offline_check import external_references
from web_assets import copy_web_assets

ROOT = Path(__file__).resolve().parents[1]
DECK = ROOT / "notebooks" / "grand_rounds.ipynb"
OUT = ROOT / "build" / "slides"
TEMPLATES = ROOT / "tools" / "nbconvert"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def export_html(notebook: Path = DECK, out: Path = OUT) -> Path:
    """Run nbconvert --to slides with the offline template; return the HTML path."""
    copy_web_assets(out / "vendor", reveal=True)
    cmd = [
        str(Path(sys.executable).parent / "jupyter"),
        "nbconvert",
        "--to",
        "slides",
        str(notebook),
        f"--output-dir={out}",
        f"--TemplateExporter.extra_template_basedirs={TEMPLATES}",
        "--template=jia_slides",
        "--SlidesExporter.reveal_url_prefix=vendor/reveal.js",
        "--SlidesExporter.reveal_theme=white",
        "--SlidesExporter.reveal_transition=none",
        "--SlidesExporter.reveal_number=c/t",
        "--SlidesExporter.reveal_width=1280",
        "--SlidesExporter.reveal_height=800",
        "--HTMLExporter.require_js_url=vendor/require.js",
        "--HTMLExporter.mathjax_url=vendor/mathjax/tex-chtml.js",
        "--HTMLExporter.widget_renderer_url=vendor/html-manager/embed-amd.js",
        "--HTMLExporter.jupyter_widgets_base_url=vendor/",
        "--no-input",
    ]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT)
    html = out / f"{notebook.stem}.slides.html"
    refs = external_references(out)
    if refs:
        for ref in refs:
            print(f"{ref.file}: <{ref.tag}> {ref.url}")
        raise SystemExit(f"export_slides: {len(refs)} external reference(s) in {out}")
    return html


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (free port) for the duration; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def export_pdf(html: Path, pdf: Path, png: Path | None = None, timeout_s: float = 60) -> None:
    """Print ``html`` (reveal.js ``?print-pdf`` view) to ``pdf`` with headless Chromium."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"export_slides: {CHROMIUM} missing; run `bash tools/ensure-chromium.sh`")
    outside: list[str] = []
    with serve(html.parent) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            local = (base, "data:", "blob:")
            page.on("request", lambda r: r.url.startswith(local) or outside.append(r.url))
            page.goto(f"{base}/{html.name}?print-pdf", timeout=timeout_s * 1000)
            page.wait_for_selector("html[data-jia-slides-ready]", timeout=timeout_s * 1000)
            page.wait_for_selector(".pdf-page", state="attached", timeout=timeout_s * 1000)
            if page.locator("script[type='application/vnd.jupyter.widget-view+json']").count():
                page.wait_for_function(
                    """() => [...document.querySelectorAll('.widget-subarea')]
                        .some((a) => a.children.length > 0)""",
                    timeout=timeout_s * 1000,
                )
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                timeout=timeout_s * 1000,
            )
            page.evaluate("() => MathJax.startup.promise.then(() => true)")
            page.wait_for_timeout(500)  # let reveal's print layout settle after late content
            if png is not None:
                page.screenshot(path=str(png), full_page=False)
            page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        finally:
            browser.close()
    if outside:
        raise SystemExit(f"export_slides: requests left 127.0.0.1 while printing: {outside}")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", type=Path, default=DECK)
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF handout")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    html = export_html(args.notebook, OUT)
    print(f"export_slides: {html.relative_to(ROOT)}")
    if not args.no_pdf:
        pdf = OUT / f"{args.notebook.stem}.pdf"
        export_pdf(html, pdf, OUT / f"{args.notebook.stem}-print.png")
        print(f"export_slides: {pdf.relative_to(ROOT)} ({pdf.stat().st_size // 1024} KiB)")
    print(f"export_slides: done in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
