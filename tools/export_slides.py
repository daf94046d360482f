"""Export the grand-rounds deck as an offline reveal.js slideshow, a PDF and a 2-up handout.

``make slides`` runs this script. It writes into ``build/slides/``:

* ``grand_rounds.slides.html`` - ``jupyter nbconvert --to slides`` with the template
  ``tools/nbconvert/jia_slides`` (nbconvert's reveal template without any CDN), the stored
  outputs (no re-execution) and saved widget state, from a copy of the deck prepared for
  paper (:func:`prepare_deck`): the title slide carries the presenter, date and venue, and cells
  tagged ``live-only`` (sentences true only of the live deck) are left out;
* ``vendor/`` - reveal.js, require.js, the widget HTML manager and MathJax copied from the npm
  packages pinned in ``package.json`` (installed by ``npm ci``), so the folder works offline and
  can be copied to a USB stick as it is;
* ``grand_rounds.pdf`` - one slide per page: headless Chromium (``/usr/bin/chromium``, driven
  by Playwright's Python package, never its browser download) opens the slides in reveal.js's
  ``?print-pdf`` view from a local HTTP server on 127.0.0.1 and prints them;
* ``grand_rounds-handout.pdf`` - two slides per A4 page (PDFium's N-up import, vector text);
* ``grand_rounds-print.png`` - a screenshot of the print view, to check it by eye.

Deterministic, not a race: the template draws the widgets, waits for every view, MathJax and
reveal's print layout, then sets ``<html data-jia-slides-ready>`` (or
``data-jia-slides-error="why"``); this script waits for that flag. A failed print is retried
once in a fresh browser, with the reason printed; a second failure ends with one line, exit 1.
:func:`check_pdf` (also used by the tests) checks the page count and that a page rendered to
PNG is not blank.

Usage: ``python -m tools.export_slides [NOTEBOOK] [--no-pdf] [--presenter NAME] [--date DATE]
[--venue PLACE] [--config slides.toml]``. The title fields can also come from a small TOML file
(``presenter = "..."``, ``date = "..."``, ``venue = "..."``); the command line wins.
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import json
import math
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tools import live_calculators
from tools.offline_check import external_references
from tools.web_assets import copy_web_assets

ROOT = Path(__file__).resolve().parents[1]
DECK = ROOT / "notebooks" / "grand_rounds.ipynb"
OUT = ROOT / "build" / "slides"
TEMPLATES = ROOT / "tools" / "nbconvert"
WEB = ROOT / "tools" / "web"  # keyguard.js, frozen.js, widget_a11y.js
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SLIDE_SIZE = (1280, 800)  # reveal.js width x height (px)
A4_PT = (595.0, 842.0)  # the handout page, portrait
LIVE_ONLY = "live-only"  # cell tag: true of the live deck only (e.g. "move a slider")
TITLE_FIELDS = ("presenter", "date", "venue")


class ExportError(RuntimeError):
    """The export failed for a reason worth one line to the user."""


@dataclass(frozen=True)
class TitleInfo:
    """Who presents, when and where: shown on the title slide when given."""

    presenter: str = ""
    date: str = ""
    venue: str = ""

    def byline_html(self) -> str:
        """The title slide's byline, escaped; empty when nothing was given.

        >>> TitleInfo("Dr A. O'Brien", "10 Dec 2026", "St Mary's").byline_html()
        '<p class="jia-byline">Dr A. O&#x27;Brien · St Mary&#x27;s · 10 Dec 2026</p>'
        >>> TitleInfo().byline_html()
        ''
        """
        parts = [p.strip() for p in (self.presenter, self.venue, self.date) if p.strip()]
        if not parts:
            return ""
        return '<p class="jia-byline">' + " · ".join(html.escape(p) for p in parts) + "</p>"


def load_title(config: Path | None, **given: str | None) -> TitleInfo:
    """Title fields from ``config`` (TOML, optional) overridden by the non-empty ``given``."""
    values: dict[str, str] = {}
    if config is not None and config.exists():
        try:
            data = tomllib.loads(config.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ExportError(f"{config}: not valid TOML ({error})") from None
        unknown = sorted(set(data) - set(TITLE_FIELDS))
        if unknown:
            raise ExportError(
                f"{config}: unknown key(s) {', '.join(unknown)}; allowed: "
                + ", ".join(TITLE_FIELDS)
            )
        for key, value in data.items():
            if not isinstance(value, str):
                raise ExportError(f"{config}: {key} must be a string in quotes")
            values[key] = value
    for key, value in given.items():
        if value:
            values[key] = value
    return TitleInfo(**values)


def _slide_type(cell: dict) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def slide_count(nb: dict) -> int:
    """Slides (pages of the PDF): the cells that start a slide or a sub-slide."""
    return sum(_slide_type(c) in ("slide", "subslide") for c in nb["cells"])


def prepare_deck(notebook: Path, folder: Path, title: TitleInfo, *, live: bool = False) -> Path:
    """Write the paper copy of the deck into ``folder``; return its path (same file name).

    The first slide gets ``title``'s byline; cells tagged ``live-only`` are dropped, unless
    ``live`` (the copy ``make present`` serves when given a title). The notebook itself is not
    changed.
    """
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cells = [
        c for c in nb["cells"] if live or LIVE_ONLY not in c.get("metadata", {}).get("tags", [])
    ]
    byline = title.byline_html()
    if byline:
        first = next((c for c in cells if _slide_type(c) == "slide"), None)
        if first is None or first["cell_type"] != "markdown":
            raise ExportError(f"{notebook.name}: the first slide is not a markdown title slide")
        source = first["source"]
        text = "".join(source) if isinstance(source, list) else source
        first["source"] = text.rstrip("\n") + "\n\n" + byline + "\n"
    nb["cells"] = cells
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / notebook.name
    copy.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return copy


def export_html(notebook: Path = DECK, out: Path = OUT, title: TitleInfo = TitleInfo()) -> Path:
    """Run nbconvert --to slides with the offline template; return the HTML path."""
    vendor = copy_web_assets(out / "vendor", reveal=True)
    for script in ("keyguard.js", "frozen.js", "widget_a11y.js"):
        shutil.copy2(WEB / script, vendor / script)
    paper = prepare_deck(notebook, out / "src", title)
    live_calculators.prepare_slides(paper, vendor)  # the calculator runs in the browser (issue 24)
    cmd = [
        str(Path(sys.executable).parent / "jupyter"),
        "nbconvert",
        "--to",
        "slides",
        str(paper),
        f"--output-dir={out}",
        f"--TemplateExporter.extra_template_basedirs={TEMPLATES}",
        "--template=jia_slides",
        "--SlidesExporter.reveal_url_prefix=vendor/reveal.js",
        "--SlidesExporter.reveal_theme=white",
        "--SlidesExporter.reveal_transition=none",
        "--SlidesExporter.reveal_number=c/t",
        f"--SlidesExporter.reveal_width={SLIDE_SIZE[0]}",
        f"--SlidesExporter.reveal_height={SLIDE_SIZE[1]}",
        "--HTMLExporter.require_js_url=vendor/require.js",
        "--HTMLExporter.mathjax_url=vendor/mathjax/tex-chtml.js",
        "--HTMLExporter.widget_renderer_url=vendor/html-manager/embed-amd.js",
        "--HTMLExporter.jupyter_widgets_base_url=vendor/",
        "--no-input",
        "--log-level=WARN",
    ]
    print("+ jupyter nbconvert --to slides", paper.relative_to(ROOT), flush=True)
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise ExportError(f"nbconvert failed:\n{result.stderr.strip()}")
    html_path = out / f"{notebook.stem}.slides.html"
    refs = external_references(out)
    if refs:
        for ref in refs:
            print(f"{ref.file}: <{ref.tag}> {ref.url}")
        raise ExportError(f"{len(refs)} external reference(s) in {out}")
    return html_path


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


_READY = "html[data-jia-slides-ready], html[data-jia-slides-error]"


def export_pdf(html_path: Path, pdf: Path, png: Path | None = None, timeout_s: float = 120) -> None:
    """Print ``html_path`` (reveal.js ``?print-pdf`` view) to ``pdf`` with headless Chromium.

    Waits for the template's ready flag (widgets drawn, maths typeset, print layout done);
    raises :class:`ExportError` with the page's own reason when it reports one.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise ExportError(f"{CHROMIUM} missing; run `bash tools/ensure-chromium.sh`")
    outside: list[str] = []
    errors: list[str] = []
    with serve(html_path.parent) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": SLIDE_SIZE[0], "height": SLIDE_SIZE[1]})
            local = (base, "data:", "blob:")
            page.on("request", lambda r: r.url.startswith(local) or outside.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            try:
                page.goto(f"{base}/{html_path.name}?print-pdf", timeout=timeout_s * 1000)
                page.wait_for_selector(_READY, state="attached", timeout=timeout_s * 1000)
            except PlaywrightError as error:
                first = str(error).splitlines()[0]
                raise ExportError(
                    f"the print view was not ready within {timeout_s:.0f} s ({first})"
                    + (f"; page errors: {errors[:3]}" if errors else "")
                ) from None
            why = page.get_attribute("html", "data-jia-slides-error")
            if why is not None:
                raise ExportError(f"the print view reported an error: {why}")
            if png is not None:
                page.screenshot(path=str(png), full_page=False)
            page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        finally:
            browser.close()
    if outside:
        raise ExportError(f"requests left 127.0.0.1 while printing: {outside}")


def export_pdf_with_retry(html_path: Path, pdf: Path, png: Path | None = None) -> int:
    """:func:`export_pdf`, tried a second time in a fresh browser; returns the attempts used."""
    try:
        export_pdf(html_path, pdf, png)
        return 1
    except ExportError as error:
        print(f"export_slides: the PDF export failed ({error}); trying once more", flush=True)
    export_pdf(html_path, pdf, png)  # a second failure propagates
    return 2


def make_handout(pdf: Path, handout: Path) -> int:
    """Two slides per A4 portrait page (vector, via PDFium); returns the handout's pages."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    slides = pdfium.PdfDocument(str(pdf))
    try:
        raw_doc = raw.FPDF_ImportNPagesToOne(slides.raw, A4_PT[0], A4_PT[1], 1, 2)
        if not raw_doc:
            raise ExportError(f"PDFium could not lay out {pdf.name} two slides per page")
        two_up = pdfium.PdfDocument(raw_doc)
        try:
            tmp = handout.with_name(handout.name + ".tmp")
            two_up.save(str(tmp))
            tmp.replace(handout)
            return len(two_up)
        finally:
            two_up.close()
    finally:
        slides.close()


@dataclass(frozen=True)
class PdfCheck:
    """What :func:`check_pdf` found."""

    pages: int
    size_pt: tuple[float, float]
    ink: float  # share of non-white pixels on the rendered page


def check_pdf(pdf: Path, *, pages: int, png: Path | None = None, page: int = 0) -> PdfCheck:
    """Check ``pdf`` has ``pages`` pages and that page ``page`` rendered to PNG is not blank.

    Raises :class:`ExportError` naming what is wrong; writes the rendering to ``png`` if given.
    """
    import numpy as np
    import pypdfium2 as pdfium

    if not pdf.exists() or pdf.stat().st_size == 0:
        raise ExportError(f"{pdf} is missing or empty")
    doc = pdfium.PdfDocument(str(pdf))
    try:
        found = len(doc)
        if found != pages:
            raise ExportError(f"{pdf.name}: {found} pages, expected {pages}")
        sheet = doc[page]
        size = sheet.get_size()
        image = sheet.render(scale=1).to_pil().convert("L")
    finally:
        doc.close()
    if png is not None:
        image.save(png)
    pixels = np.asarray(image)
    ink = float((pixels < 240).mean())
    if ink < 0.005 or pixels.std() < 2:
        raise ExportError(f"{pdf.name}: page {page + 1} renders blank (ink {ink:.4f})")
    return PdfCheck(found, size, ink)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", type=Path, default=DECK)
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF and the handout")
    parser.add_argument("--presenter", help="name on the title slide")
    parser.add_argument("--date", help="date on the title slide, as it should read")
    parser.add_argument("--venue", help="institution or meeting on the title slide")
    parser.add_argument(
        "--config", type=Path, default=ROOT / "slides.toml", help="TOML with the title fields"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        if not args.notebook.exists():
            raise ExportError(f"{args.notebook} not found")
        title = load_title(args.config, presenter=args.presenter, date=args.date, venue=args.venue)
        html_path = export_html(args.notebook, OUT, title)
        print(f"export_slides: {html_path.relative_to(ROOT)}")
        if not args.no_pdf:
            stem = args.notebook.stem
            pdf, handout = OUT / f"{stem}.pdf", OUT / f"{stem}-handout.pdf"
            attempts = export_pdf_with_retry(html_path, pdf, OUT / f"{stem}-print.png")
            nb = json.loads((OUT / "src" / args.notebook.name).read_text(encoding="utf-8"))
            n = slide_count(nb)
            check_pdf(pdf, pages=n)
            sheets = make_handout(pdf, handout)
            check_pdf(handout, pages=math.ceil(n / 2))
            tries = "" if attempts == 1 else f", on attempt {attempts}"
            print(f"export_slides: {pdf.relative_to(ROOT)} ({n} slides{tries})")
            print(f"export_slides: {handout.relative_to(ROOT)} ({sheets} pages, 2 slides each)")
    except ExportError as error:
        print(f"export_slides: error: {error}", file=sys.stderr)
        return 1
    print(f"export_slides: done in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
