"""axe-core over every page of the built book and every slide of the live deck.

axe-core is the npm package pinned in ``package.json`` (``node_modules/axe-core/axe.min.js``),
injected into each page from disk: nothing is fetched. A page fails on any violation of impact
``serious`` or ``critical``. Each page's findings are written to ``build/axe/<page>.json``.

``KNOWN`` may list a rule still broken for a reason written beside it; a page whose only
serious findings are known rules is then an expected failure (xfail) naming them, any other
rule fails. It is empty: the widget rules it held (aria-input-field-name, color-contrast,
image-alt) were fixed in jia_teach/widgets and tools/web/widget_a11y.js.
"""

from __future__ import annotations

import json

import pytest

from .conftest import BOOK_HTML, ROOT, LiveDeck, RequestLog

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REPORTS = ROOT / "build" / "axe"
SEVERE = ("serious", "critical")
KNOWN: dict[str, str] = {}  # rule -> why it is still broken (none: every page holds every rule)


def _pages() -> list[str]:
    pages = list(BOOK_HTML.glob("*.html")) + list((BOOK_HTML / "tutorials").glob("*.html"))
    return sorted(p.relative_to(BOOK_HTML).as_posix() for p in pages)


def run_axe(page: object, context: str = "document") -> list[dict]:
    """axe-core's violations on the page (every rule axe enables by default)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci`")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(f"() => axe.run({context}, {{resultTypes: ['violations']}})")
    return result["violations"]


def _summary(violations: list[dict]) -> list[dict]:
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "nodes": len(v["nodes"]),
            "example": v["nodes"][0]["html"][:200] if v["nodes"] else "",
        }
        for v in violations
    ]


def judge(name: str, violations: list[dict]) -> None:
    """Write the report; fail on unknown severe rules; xfail on known ones only."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / (name.replace("/", "_") + ".json")
    report.write_text(json.dumps(_summary(violations), indent=1) + "\n", encoding="utf-8")
    severe = [v for v in violations if v["impact"] in SEVERE]
    unknown = sorted({v["id"] for v in severe if v["id"] not in KNOWN})
    assert not unknown, f"{name}: serious/critical axe violations: " + json.dumps(
        [s for s in _summary(severe) if s["rule"] in unknown], indent=1
    )
    known = sorted({v["id"] for v in severe})
    if known:
        pytest.xfail(f"{name}: known rules: {[(k, KNOWN[k]) for k in known]}")


@pytest.mark.parametrize("name", _pages())
def test_book_page_has_no_serious_axe_violation(
    page_and_log: tuple[object, RequestLog], book_url: str, name: str
) -> None:
    page, _log = page_and_log
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{book_url}/{name}", wait_until="load")
    views = page.locator("script[type='application/vnd.jupyter.widget-view+json']").count()
    if views:
        page.wait_for_function(
            "(n) => document.querySelectorAll('.widget-subarea[data-jia-frozen]').length >= n",
            arg=views,
            timeout=30_000,
        )
    page.wait_for_timeout(500)  # the theme's and togglebutton's scripts after load
    judge(name, run_axe(page))


def test_live_deck_has_no_serious_axe_violation(
    page_and_log: tuple[object, RequestLog], deck: LiveDeck
) -> None:
    """Every slide of the live deck, as the presenter steps through it."""
    page, log = page_and_log
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(deck.url, wait_until="load", timeout=90_000)
    page.wait_for_selector(".widget-slider", state="attached", timeout=90_000)
    slides = page.locator(".reveal .slides > section").count()
    assert slides >= 10
    found: dict[str, dict] = {}
    for index in range(slides):
        page.wait_for_timeout(250)
        for violation in run_axe(page):
            kept = found.setdefault(violation["id"], violation)
            if kept is not violation:
                kept["nodes"] = kept["nodes"] + violation["nodes"]
        page.locator("body").press("ArrowRight")
        assert index < slides
    assert not log.outside(), f"requests left 127.0.0.1: {log.outside()}"
    judge("live-deck", list(found.values()))
