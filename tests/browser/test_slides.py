"""``make slides``: the offline slideshow, its PDF and the 2-up handout (``make test`` builds them
just before the browser tests; a missing file fails, it never skips).

* the PDF has one page per slide and the handout two slides per A4 page; a page of each
  rendered to PNG is not blank (:func:`export_slides.check_pdf`);
* the static slideshow's calculator is live (it runs in the browser, issue 24), any other
  widget is drawn frozen (a visible note, controls disabled); it says nothing only the live
  deck can do, and loads nothing from another host;
* the title slide takes presenter, date and venue from the command line or ``slides.toml``.

Screenshots: ``build/screenshots/slide-calculator-1280x720.png`` and ``handout-page-1.png``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tools.export_slides import (
    DECK,
    LIVE_ONLY,
    OUT,
    ExportError,
    TitleInfo,
    check_pdf,
    load_title,
    prepare_deck,
    serve,
    slide_count,
)

from .conftest import RequestLog

HTML = OUT / f"{DECK.stem}.slides.html"
PDF = OUT / f"{DECK.stem}.pdf"
HANDOUT = OUT / f"{DECK.stem}-handout.pdf"


@pytest.fixture(scope="module")
def slides_built() -> int:
    """The number of slides of the exported deck (fails if `make slides` has not run)."""
    for path in (HTML, PDF, HANDOUT):
        if not path.exists():
            pytest.fail(f"{path} is missing: run `make slides` (make test does)")
    paper = json.loads((OUT / "src" / DECK.name).read_text(encoding="utf-8"))
    return slide_count(paper)


def test_pdf_has_one_page_per_slide_and_is_not_blank(slides_built: int, screenshots: Path) -> None:
    found = check_pdf(PDF, pages=slides_built, png=screenshots / "pdf-page-1.png")
    assert found.pages == slides_built >= 10
    width, height = found.size_pt
    assert abs(width / height - 1280 / 800) < 0.01, f"slide page is {width} x {height} pt"


def test_handout_has_two_slides_per_a4_page(slides_built: int, screenshots: Path) -> None:
    found = check_pdf(
        HANDOUT, pages=math.ceil(slides_built / 2), png=screenshots / "handout-page-1.png"
    )
    width, height = found.size_pt
    assert (round(width), round(height)) == (595, 842), "the handout is not A4 portrait"
    assert found.ink > 0.02, f"the handout page is nearly empty (ink {found.ink:.3f})"


def test_check_pdf_catches_a_wrong_count_and_a_blank_page(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    blank = pdfium.PdfDocument.new()
    blank.new_page(200, 100)
    path = tmp_path / "blank.pdf"
    blank.save(str(path))
    with pytest.raises(ExportError, match="1 pages, expected 2"):
        check_pdf(path, pages=2)
    with pytest.raises(ExportError, match="renders blank"):
        check_pdf(path, pages=1)
    with pytest.raises(ExportError, match="missing"):
        check_pdf(tmp_path / "none.pdf", pages=1)


def test_static_slides_show_frozen_widgets_and_stay_offline(
    page_and_log: tuple[object, RequestLog], slides_built: int, screenshots: Path
) -> None:
    page, log = page_and_log
    page.set_viewport_size({"width": 1280, "height": 720})
    with serve(OUT) as base:
        page.goto(f"{base}/{HTML.name}", wait_until="load")
        page.wait_for_selector("html[data-jia-slides-ready], html[data-jia-slides-error]")
        assert page.get_attribute("html", "data-jia-slides-error") is None
        # The calculator runs in the browser (issue 24, tools/live_calculators.py; its own
        # test is test_live_calculators.py); any widget still drawn from saved state is frozen.
        index = page.locator(".reveal .slides > section").evaluate_all(
            "(all) => all.findIndex((s) => s.querySelector('.jia-calc, .widget-subarea'))"
        )
        page.evaluate("(i) => Reveal.slide(i)", index)
        page.wait_for_timeout(300)
        page.screenshot(path=str(screenshots / "slide-calculator-1280x720.png"))
        assert page.locator(".jia-calc[data-jia-calc='patient']").count() == 1
        for section in page.locator(".reveal .slides > section:has(.widget-subarea)").all():
            note = section.locator(".jia-frozen-note")
            assert note.count() >= 1, "a drawn widget without a frozen note"
            assert "make present" in note.first.inner_text()
            sliders = section.locator(".widget-subarea [role='slider']")
            assert all(s.get_attribute("aria-disabled") == "true" for s in sliders.all()), (
                "a slider of the static deck still looks operable"
            )
        assert "Move a slider" not in page.locator(".reveal").inner_text()
    assert not log.outside(), f"requests left 127.0.0.1: {log.outside()}"


_SLIDE_HEIGHTS = """() => Reveal.getSlides().map((s) => {
  const ix = Reveal.getIndices(s);
  Reveal.slide(ix.h, ix.v);
  const heading = s.querySelector('h1, h2, h3');
  return [heading ? heading.textContent.replace('\u00b6', '') : '(no heading)', s.scrollHeight];
})"""


def test_every_slide_fits_its_page(
    page_and_log: tuple[object, RequestLog], slides_built: int
) -> None:
    """No slide's content runs past the reveal.js page (1280 x 800), where it would be cut
    off when projected and on paper (Harms and the risk-of-bias slide once did)."""
    from tools.export_slides import SLIDE_SIZE

    page, _log = page_and_log
    page.set_viewport_size({"width": 1280, "height": 720})
    with serve(OUT) as base:
        page.goto(f"{base}/{HTML.name}", wait_until="load")
        page.wait_for_selector("html[data-jia-slides-ready], html[data-jia-slides-error]")
        heights = page.evaluate(_SLIDE_HEIGHTS)
    assert len(heights) == slides_built
    too_tall = [(title, h) for title, h in heights if h > SLIDE_SIZE[1]]
    assert not too_tall, f"slides taller than {SLIDE_SIZE[1]} px: {too_tall}"


def test_live_only_sentences_are_tagged_in_the_deck() -> None:
    """The deck says what only the live deck can do in cells tagged live-only."""
    cells = json.loads(DECK.read_text(encoding="utf-8"))["cells"]
    live = [c for c in cells if LIVE_ONLY in c.get("metadata", {}).get("tags", [])]
    assert any("slider" in "".join(c["source"]) for c in live)
    others = "".join(
        "".join(c["source"]) for c in cells if c not in live and c["cell_type"] == "markdown"
    )
    assert "Move a slider" not in others


def test_title_slide_byline(tmp_path: Path) -> None:
    config = tmp_path / "slides.toml"
    config.write_text('presenter = "Dr A. Example"\nvenue = "Grand Rounds <Hall 2>"\n')
    title = load_title(config, presenter=None, date="10 December 2026", venue=None)
    assert title == TitleInfo("Dr A. Example", "10 December 2026", "Grand Rounds <Hall 2>")
    copy = prepare_deck(DECK, tmp_path / "src", title)
    first = next(
        c
        for c in json.loads(copy.read_text())["cells"]
        if c.get("metadata", {}).get("slideshow", {}).get("slide_type") == "slide"
    )
    text = "".join(first["source"])
    assert "Dr A. Example · Grand Rounds &lt;Hall 2&gt; · 10 December 2026" in text
    assert load_title(None, presenter=None).byline_html() == ""
    config.write_text('presenter = "x"\ninstitution = "y"\n')
    with pytest.raises(ExportError, match="unknown key"):
        load_title(config)


_GO_TO = """(i) => { const s = Reveal.getSlides()[i]; const ix = Reveal.getIndices(s);
  Reveal.configure({transition: 'none', backgroundTransition: 'none'});
  Reveal.slide(ix.h, ix.v); }"""


def test_static_slide_chart_text_is_readable_from_the_back_of_the_room(
    page_and_log: tuple[object, RequestLog], slides_built: int
) -> None:
    """The static slideshow of ``make slides`` (what a faculty member projects without a
    kernel): on every slide at 1280 x 720 the smallest chart text is at least 14 px, measured as
    the live deck's is (``test_deck_room``): charts are SVG whose text is text, drawn at the
    size the browser lays them out; a chart only an image (not measurable) fails."""
    from .test_deck_room import _MEASURE, MIN_CHART_PX

    page, _log = page_and_log
    page.set_viewport_size({"width": 1280, "height": 720})
    with serve(OUT) as base:
        page.goto(f"{base}/{HTML.name}", wait_until="load")
        page.wait_for_selector("html[data-jia-slides-ready], html[data-jia-slides-error]")
        total = page.evaluate("() => Reveal.getSlides().length")
        measured = []
        for index in range(total):
            page.evaluate(_GO_TO, index)
            page.wait_for_timeout(150)
            measured.append(page.evaluate(_MEASURE))
    assert len(measured) == slides_built
    charts = [s for s in measured if s["charts"]]
    assert len(charts) >= 2, "no slide chart measured in the static slides"
    small = {s["title"]: min(s["charts"]) for s in charts if min(s["charts"])[0] < MIN_CHART_PX}
    assert not small, f"static slides: chart text under {MIN_CHART_PX} px at 1280 x 720: {small}"
    images = {s["title"]: s["images"] for s in measured if s["images"]}
    assert not images, f"static slides: charts without alt text or not SVG: {images}"
