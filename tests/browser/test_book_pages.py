"""Open the built book in headless Chromium from a local server and check what a reader sees.

For every tutorial page: the saved widget state is drawn by the local widget manager (each
widget-view script gets its rendered ``.widget-subarea``), every figure ``<img>`` has loaded,
maths (if any) is typeset by the local MathJax, and no request left 127.0.0.1. A screenshot of
each page goes to ``build/screenshots/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.build_book import toc_notebooks

from .conftest import RequestLog

TUTORIALS = toc_notebooks()
WIDGET_VIEWS = "script[type='application/vnd.jupyter.widget-view+json']"

_WIDGETS_DRAWN = """(n) => {
  const areas = document.querySelectorAll('.widget-subarea');
  return areas.length >= n && [...areas].every((a) => a.children.length > 0);
}"""
_IMAGES_LOADED = """() => [...document.querySelectorAll('article img')]
  .every((img) => img.complete && img.naturalWidth > 0)"""
_MATHS_DONE = """() => !document.querySelector('.math, .MathJax_Preview')
  || document.querySelectorAll('mjx-container').length > 0"""


def _open(page: object, url: str) -> dict[str, int]:
    """Load ``url``, wait until widgets, figures and maths are drawn; return what was found."""
    page.goto(url, wait_until="load")
    views = page.locator(WIDGET_VIEWS).count()
    if views:
        page.wait_for_function(_WIDGETS_DRAWN, arg=views, timeout=30_000)
    page.wait_for_function(_IMAGES_LOADED, timeout=30_000)
    page.wait_for_function(_MATHS_DONE, timeout=30_000)
    return {
        "views": views,
        "drawn": page.locator(".widget-subarea .jupyter-widgets").count(),
        "images": page.locator("article img").count(),
        "errors": page.locator(".widget-subarea .jupyter-widgets-error-widget").count(),
    }


@pytest.mark.parametrize("name", [*TUTORIALS, "../definitions"])
def test_page_renders_offline(
    page_and_log: tuple[object, RequestLog], book_url: str, screenshots: Path, name: str
) -> None:
    page, log = page_and_log
    found = _open(page, f"{book_url}/tutorials/{name}.html")
    page.screenshot(path=str(screenshots / f"book-{Path(name).name}.png"), full_page=True)
    assert found["errors"] == 0, f"{name}: the widget manager drew error widgets"
    if found["views"]:
        assert found["drawn"] >= 1, f"{name}: widget state is embedded but nothing was drawn"
    assert not log.outside(), f"{name}: requests left 127.0.0.1: {log.outside()}"
    assert not log.errors, f"{name}: JavaScript errors: {log.errors}"
    assert not log.bad_status, f"{name}: missing files (fonts, favicon?): {log.bad_status}"
    assert not log.console_errors, f"{name}: console errors: {log.console_errors}"
    if found["drawn"]:
        _assert_frozen(page, name)
    assert "SelfCheck(" not in page.locator("article").inner_text(), (
        f"{name}: a self-check's code (its answer key) is on the page"
    )


def _assert_frozen(page: object, name: str) -> None:
    """Every drawn widget is marked frozen, and none of its controls looks operable."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('.widget-subarea')]
            .filter((a) => a.children.length)
            .every((a) => a.hasAttribute('data-jia-frozen'))""",
        timeout=10_000,
    )
    notes = page.locator(".jia-frozen-note")
    assert notes.count() >= 1 and notes.first.is_visible(), f"{name}: no visible frozen note"
    assert "JupyterLab" in notes.first.inner_text()
    live = page.eval_on_selector_all(
        ".widget-subarea [role='slider'], .widget-subarea input, .widget-subarea select, "
        ".widget-subarea button",
        "(els) => els.filter((e) => e.getAttribute('aria-disabled') !== 'true').length",
    )
    assert live == 0, f"{name}: {live} control(s) of a frozen widget still look operable"


def test_self_check_feedback_is_not_shown_before_an_answer(
    page_and_log: tuple[object, RequestLog], book_url: str
) -> None:
    """The book shows the question and its choices, never the key or a verdict."""
    page, _log = page_and_log
    _open(page, f"{book_url}/tutorials/01_core_set_and_acr_pedi.html")
    text = page.locator("article").inner_text()
    assert "Self-check." in text, "no self-check question on the page"
    assert "Right." not in text and "Correct." not in text, "the feedback shows before an answer"
    assert "Run All Cells first" not in text, "the lab's hint is shown in the book"


def test_a_tutorial_shows_a_rendered_widget_and_figures(
    page_and_log: tuple[object, RequestLog], book_url: str, screenshots: Path
) -> None:
    """The acceptance check of the issue, on the first tutorial page with both."""
    page, log = page_and_log
    seen = {}
    for name in TUTORIALS:
        found = _open(page, f"{book_url}/tutorials/{name}.html")
        seen[name] = found
        if found["drawn"] and found["images"]:
            page.locator(".widget-subarea").first.scroll_into_view_if_needed()
            page.screenshot(path=str(screenshots / "book-widget-and-figure.png"))
            break
    else:
        pytest.fail(f"no tutorial page shows both a drawn widget and a figure: {seen}")
    assert page.locator(".widget-subarea .jupyter-widgets").first.is_visible()
    assert not log.outside(), f"requests left 127.0.0.1: {log.outside()}"


def test_figures_carry_their_caption_as_alt_text(
    page_and_log: tuple[object, RequestLog], book_url: str
) -> None:
    """Every figure output (not the widget snapshots) has the plain-language caption as alt."""
    page, _log = page_and_log
    from jia_teach import present

    expected = present.caption(present.forest_plot())
    _open(page, f"{book_url}/tutorials/06_comparing_trials.html")
    alts = page.eval_on_selector_all(
        "article .cell_output img", "(imgs) => imgs.map((i) => i.getAttribute('alt') || '')"
    )
    assert alts, "no figure on the comparing-trials page"
    assert expected in alts, f"the forest plot's caption is not an alt text: {alts}"
    assert all(len(a) > 20 for a in alts), f"a figure without a real alt text: {alts}"


def test_intro_page_and_search_are_local(
    page_and_log: tuple[object, RequestLog], book_url: str, screenshots: Path
) -> None:
    page, log = page_and_log
    page.goto(f"{book_url}/intro.html", wait_until="load")
    page.wait_for_selector("article h1")
    page.screenshot(path=str(screenshots / "book-intro.png"), full_page=True)
    page.goto(f"{book_url}/search.html?q=JADAS", wait_until="load")
    page.wait_for_selector("#search-results", state="attached")
    assert not log.outside(), f"requests left 127.0.0.1: {log.outside()}"
