"""The book on paper and on a phone (issue 19), in Chromium.

* printed (print media, A4), no code or output block is cut at the right margin: every ``pre``
  wraps inside its box; a page of the printed tutorial is saved as a screenshot;
* at 390 px wide, the live calculator is one column: nothing of it lies beyond the screen's
  edge, and each slider says which visit it is;
* a frozen slider does not move with the arrow keys (its verdicts could not follow).
"""

from __future__ import annotations

from pathlib import Path

from .conftest import RequestLog

PAGE = "tutorials/01_core_set_and_acr_pedi.html"
#: A page whose widgets are still frozen (the calculators of tutorials 1 and 7 are live, issue 24).
FROZEN_PAGE = "tutorials/02_thresholds_and_trial_results.html"


def _load(page: object, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_selector(".widget-subarea[data-jia-frozen]", timeout=30_000)
    page.wait_for_timeout(800)


def test_printed_code_and_output_wrap_at_the_margin(
    page_and_log: tuple[object, RequestLog], book_url: str, screenshots: Path, tmp_path: Path
) -> None:
    page, _log = page_and_log
    page.set_viewport_size({"width": 1280, "height": 900})
    _load(page, f"{book_url}/{PAGE}")
    page.emulate_media(media="print")
    cut = page.evaluate(
        """() => [...document.querySelectorAll('pre')]
          .filter((p) => p.getBoundingClientRect().width > 0 && p.scrollWidth > p.clientWidth + 2)
          .map((p) => p.textContent.slice(0, 60))"""
    )
    assert not cut, f"{len(cut)} code/output block(s) cut when printed: {cut[:3]}"
    pdf = tmp_path / "page.pdf"
    page.pdf(path=str(pdf), format="A4")
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        assert len(document) >= 2
        document[3 if len(document) > 3 else 1].render(scale=1.3).to_pil().save(
            screenshots / "book-printed-page.png"
        )
    finally:
        document.close()


def test_calculator_is_one_column_on_a_phone(
    page_and_log: tuple[object, RequestLog], book_url: str, screenshots: Path
) -> None:
    page, _log = page_and_log
    page.set_viewport_size({"width": 390, "height": 844})
    _load(page, f"{book_url}/{PAGE}")
    calculator = page.locator(".jia-calc-patient").first  # the live calculator (issue 24)
    calculator.scroll_into_view_if_needed()
    outside = calculator.evaluate(
        """(root) => [...root.querySelectorAll('*')].filter((e) => {
             const r = e.getBoundingClientRect();
             const edge = document.documentElement.clientWidth + 1;
             return r.width > 0 && (r.right > edge || r.left < 0);
           }).map((e) => e.className || e.tagName).slice(0, 5)"""
    )
    page.screenshot(path=str(screenshots / "book-calculator-390.png"))
    assert not outside, f"parts of the calculator are off screen at 390 px: {outside}"
    visits = calculator.locator(".jia-calc-slider").evaluate_all(
        "(boxes) => boxes.map((b) => getComputedStyle(b, '::before').content)"
    )
    assert any("Follow-up" in v for v in visits), "a slider does not say which visit it is"
    assert any("Baseline" in v for v in visits), "a slider does not say which visit it is"


def test_a_frozen_slider_does_not_move(
    page_and_log: tuple[object, RequestLog], book_url: str
) -> None:
    page, _log = page_and_log
    _load(page, f"{book_url}/{FROZEN_PAGE}")
    handle = page.locator(".widget-subarea [role='slider']").first
    before = handle.get_attribute("aria-valuenow")
    handle.focus()
    for key in ("ArrowRight", "ArrowRight", "ArrowUp", "End"):
        page.keyboard.press(key)
    page.wait_for_timeout(300)
    assert handle.get_attribute("aria-valuenow") == before, "a frozen slider moved"
