"""The live deck as a room sees it (issue 19): Chromium at 1280 x 720, every slide in turn.

* the right arrow visits every slide, sub-slides included, in order;
* the smallest chart text on every slide is at least 14 px on screen (charts are SVG with
  their text as text, so it can be measured; a chart drawn as an image fails);
* no slide shows program output, monospace text or a data code (``acr30_no_fever``,
  ``canakinumab-1``): prose, tables with human labels and charts only;
* the title slide takes PRESENTER / DATE / VENUE as ``make slides`` does;
* the References slide cites the Li & Geskey commentary in full and never says "the seed".

Screenshots of three slides go to ``build/screenshots/`` (title, a chart, a table).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.export_slides import TitleInfo

from .conftest import LiveDeck, RequestLog, live_deck

MIN_CHART_PX = 14.0
SIZE = {"width": 1280, "height": 720}
CODE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b|\bcanakinumab-[12]\b")
SHOTS = {
    0: "slide-title-1280x720.png",
    "TENDER at week 12": "slide-chart-1280x720.png",
    "trust the results": "slide-table-1280x720.png",
}

_CURRENT = """() => {
  const all = [...document.querySelectorAll('.reveal .slides section')]
    .filter((s) => !s.classList.contains('stack'));
  const now = document.querySelector('.reveal .slides section.present:not(.stack)')
    || document.querySelector('.reveal .slides section.present');
  return [all.indexOf(now), all.length, location.hash];
}"""

_MEASURE = r"""() => {
  const slide = document.querySelector('.reveal .slides section.present:not(.stack)')
    || document.querySelector('.reveal .slides section.present');
  const visible = (e) => { const r = e.getBoundingClientRect();
    const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
      && !e.closest('aside.notes'); };
  const charts = [];
  for (const svg of slide.querySelectorAll('svg')) {
    const box = svg.viewBox && svg.viewBox.baseVal;
    if (!box || !box.width || !visible(svg) || !svg.querySelector('text')) continue;
    const scale = svg.getBoundingClientRect().width / box.width;
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      charts.push([parseFloat(getComputedStyle(t).fontSize) * scale, t.textContent.trim()]);
    }
  }
  // A slide chart is an <img> of an SVG whose text is text: its font sizes times the scale
  // at which the image is drawn are the sizes on screen. Any other image cannot be measured.
  let images = 0;
  for (const img of [...slide.querySelectorAll('img')].filter(visible)) {
    const src = img.getAttribute('src') || '';
    const prefix = 'data:image/svg+xml;base64,';
    if (!src.startsWith(prefix)) { images += 1; continue; }
    const svg = atob(src.slice(prefix.length));
    const box = /viewBox="[\d.]+ [\d.]+ ([\d.]+) [\d.]+"/.exec(svg);
    if (!box) { images += 1; continue; }
    const scale = img.getBoundingClientRect().width / parseFloat(box[1]);
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    for (const t of doc.querySelectorAll('text')) {
      const m = /font-size:\s*([\d.]+)px/.exec(t.getAttribute('style') || '');
      if (m && t.textContent.trim()) charts.push([parseFloat(m[1]) * scale, t.textContent.trim()]);
    }
    if (!img.getAttribute('alt')) images += 1;
  }
  const mono = [];
  const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || !visible(el) || el.closest('svg')) continue;
    if (/mono|courier/i.test(getComputedStyle(el).fontFamily)) mono.push(n.textContent.trim());
  }
  const title = (slide.querySelector('h1, h2, h3') || {}).textContent || '';
  return {title, charts, images, mono, text: slide.innerText};
}"""


def _walk(page: object, screenshots: Path | None = None) -> list[dict]:
    """Every slide from the first, by the right arrow; what each one shows."""
    page.set_viewport_size(SIZE)
    seen: list[dict] = []
    index, total, where = page.evaluate(_CURRENT)
    assert index == 0 and total >= 10, (index, total)
    previous = None
    for _ in range(3 * total):  # a fragment is one more press on the same slide
        page.wait_for_timeout(300)
        index, _, where = page.evaluate(_CURRENT)
        if where == previous:
            break  # the last slide: the arrow changes nothing
        previous = where
        info = page.evaluate(_MEASURE)  # after its fragments: measured again, kept last
        info["index"] = index
        if seen and seen[-1]["index"] == index:
            seen[-1] = info
        else:
            seen.append(info)
        if screenshots is not None:
            for key, name in SHOTS.items():
                if key == len(seen) - 1 or (isinstance(key, str) and key in info["title"]):
                    page.screenshot(path=str(screenshots / name))
        page.locator("body").press("ArrowRight")
    return seen


@pytest.fixture(scope="module")
def slides(browser_context: object, deck: LiveDeck, screenshots: Path) -> Iterator[list[dict]]:
    """Walk the live deck once for the module; every slide's measurements."""
    page = browser_context.new_page()
    log = RequestLog()
    log.attach(page)
    try:
        page.set_viewport_size(SIZE)
        page.goto(deck.url, wait_until="load", timeout=90_000)
        page.wait_for_selector(".widget-slider", state="attached", timeout=90_000)
        page.wait_for_timeout(1000)
        total = page.evaluate(_CURRENT)[1]
        walked = _walk(page, screenshots)
        assert not log.outside(), f"requests left 127.0.0.1: {log.outside()}"
        yield [*walked, {"total": total}]
    finally:
        page.close()


def test_the_right_arrow_visits_every_slide_in_order(slides: list[dict]) -> None:
    total = slides[-1]["total"]
    visited = [s["index"] for s in slides[:-1]]
    assert visited == list(range(total)), f"visited {visited} of {total} slides"


def test_chart_text_is_readable_from_the_back_of_the_room(slides: list[dict]) -> None:
    charts = [s for s in slides[:-1] if s["charts"]]
    assert len(charts) >= 2, "no slide chart measured"
    small = {s["title"]: min(s["charts"]) for s in charts if min(s["charts"])[0] < MIN_CHART_PX}
    assert not small, f"chart text under {MIN_CHART_PX} px at 1280 x 720: {small}"
    images = {s["title"]: s["images"] for s in slides[:-1] if s["images"]}
    assert not images, f"charts without alt text or not measurable (not SVG): {images}"


def test_no_printout_monospace_or_data_code_on_any_slide(slides: list[dict]) -> None:
    mono = {s["title"]: s["mono"][:3] for s in slides[:-1] if s["mono"]}
    assert not mono, f"monospace text on slides: {mono}"
    codes = {
        s["title"]: sorted(set(CODE.findall(s["text"])))[:5]
        for s in slides[:-1]
        if CODE.search(s["text"])
    }
    assert not codes, f"data codes on slides: {codes}"
    words = {s["title"] for s in slides[:-1] if re.search(r"\bthe seed\b", s["text"], re.I)}
    assert not words, f"'the seed' on slides: {words}"


def test_references_cite_the_commentary_in_full(slides: list[dict]) -> None:
    refs = [s for s in slides[:-1] if "References" in s["title"]]
    assert refs, "no References slide"
    text = refs[0]["text"]
    assert "Li, Geskey. AAP Grand Rounds commentary on tocilizumab for systemic JIA" in text
    assert "not confirmed" not in text


def test_live_title_slide_takes_presenter_date_and_venue(
    browser_context: object, tmp_path: Path
) -> None:
    title = TitleInfo("Dr A. O'Brien", "10 December 2026", "St Mary's Children's Hospital")
    with live_deck(tmp_path, title=title) as running:
        page = browser_context.new_page()
        try:
            page.set_viewport_size(SIZE)
            page.goto(running.url, wait_until="load", timeout=90_000)
            page.wait_for_selector(".reveal .slides section", timeout=90_000)
            first = page.locator(".reveal .slides section").first.inner_text()
        finally:
            page.close()
    for part in (title.presenter, title.date, title.venue):
        assert part in first, f"{part!r} is not on the live title slide"
