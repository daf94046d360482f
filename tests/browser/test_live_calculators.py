"""The live calculators of the built book and the offline slides, in headless Chromium (issue 24).

Opened over HTTP (a local server on 127.0.0.1) and from disk (file://), the patient calculator
(tutorial 01, the deck) and the follow-up calculator (tutorial 07) are moved control by control
with the keyboard, and after every move the page's verdicts, "Why" line, change table and
JADAS are read and compared with what the library and the kernel widgets decide for the inputs
the page shows (:func:`jia_teach.assess`, ``FollowUpCalculator``). Also: every control has an
accessible name, a polite live region says when a verdict changes, input to verdict takes
< 50 ms, the calculator carries no "frozen" note while the page's other widgets keep theirs,
only the three pages with a calculator load its script, and no request leaves the machine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tools.export_slides import DECK, OUT

from .conftest import BOOK_HTML, RequestLog

PATIENT_PAGES = ("01_core_set_and_acr_pedi", "grand_rounds")
FOLLOWUP_PAGE = "07_flare_inactive_disease_jadas"
SLIDES = OUT / f"{DECK.stem}.slides.html"
LOCAL = ("http://127.0.0.1:", "file://", "data:", "blob:", "about:")
LATENCY_MS = 50.0  # input to painted verdict, at the 90th percentile of a page's moves (below)
# Between two key presses: a held key repeats about every 33 ms. (Playwright can send a burst
# of presses in under a millisecond, which no hand can; the page then paints once for several.)
KEY_GAP_MS = 35
FEVER = {"unknown": pd.NA, "no": False, "yes": True}
_WORD = re.compile(r"^\W*(met|not met|undecidable|unknown)$")

# Every control of the patient calculator, moved in turn: (control, keys pressed on it).
PATIENT_MOVES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("active_joints_followup", ("ArrowRight",)),  # 10 -> 11: ACR50 is lost
    ("active_joints_followup", ("ArrowLeft",)),
    ("physician_global_baseline", ("ArrowLeft",) * 3),
    ("physician_global_followup", ("ArrowRight",) * 8),
    ("parent_global_baseline", ("Home",)),  # baseline 0
    ("parent_global_followup", ("ArrowRight",)),  # worse from 0
    ("chaq_step", ("ArrowRight",)),  # 0.01
    ("chaq_baseline", ("ArrowRight",)),
    ("chaq_followup", ("ArrowLeft",) * 4),
    ("lom_joints_baseline", ("ArrowRight",) * 2),
    ("lom_joints_followup", ("End",)),  # 75: worsened
    ("marker_baseline", ("PageUp",)),
    ("marker_followup", ("ArrowRight",) * 5),
    ("fever", ("ArrowLeft",)),  # unknown
    ("worsening_limit", ("ArrowRight",) * 5),
    ("missing", ("active_joints",)),  # a follow-up value not recorded
    ("marker", ("ArrowRight",)),  # CRP
    ("marker_baseline", ("ArrowLeft",) * 3),
    ("missing", ("marker",)),
    ("fever", ("ArrowRight", "ArrowRight")),  # yes
    ("worsening_limit", ("Home",)),
    ("missing", ("none",)),
    ("active_joints_baseline", ("Home",)),
    ("active_joints_followup", ("Home",)),  # 0 -> 0
)

FOLLOWUP_MOVES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("active_joints_visit2", ("ArrowRight",)),  # +2 joints: trial-style flare
    ("physician_global_visit1", ("ArrowRight",) * 2),
    ("physician_global_visit2", ("ArrowRight",) * 5),
    ("parent_global_visit1", ("ArrowLeft",) * 5),
    ("parent_global_visit2", ("ArrowRight",) * 20),
    ("chaq_visit1", ("ArrowRight",)),
    ("chaq_visit2", ("ArrowRight",) * 3),
    ("active_joints_visit1", ("ArrowRight",)),
    ("lom_joints_visit1", ("ArrowLeft",)),
    ("lom_joints_visit2", ("ArrowRight",) * 4),
    ("marker_visit1", ("ArrowRight",) * 10),
    ("marker_visit2", ("PageUp",)),
    ("systemic_features", ("Space",)),
    ("active_uveitis", ("Space",)),
    ("marker_normal", ("Space",)),
    ("stiffness_recorded", ("Space",)),
    ("morning_stiffness_min", ("ArrowRight",) * 6),
    ("marker", ("ArrowRight",)),  # CRP
    ("marker_visit2", ("ArrowLeft",) * 3),
    ("active_joints_visit2", ("Home",)),
    ("physician_global_visit2", ("Home",)),
    ("systemic_features", ("Space",)),
    ("active_uveitis", ("Space",)),
    ("marker_normal", ("Space",)),
    ("stiffness_recorded", ("Space",)),
    ("morning_stiffness_min", ("Home",)),
    ("active_joints_visit1", ("Home",)),
)


@pytest.fixture(params=["http", "file"])
def book_base(request: pytest.FixtureRequest, book_url: str) -> str:
    """The built book's root, over HTTP and from disk."""
    return book_url if request.param == "http" else BOOK_HTML.resolve().as_uri()


def _wait_live(page: object, kind: str) -> object:
    """The calculator, once the page has settled: its other widgets drawn (and frozen), so that
    a latency measures the calculator, not the widget manager still drawing the page."""
    root = page.locator(f".jia-calc-{kind}").first
    root.locator(".jia-calc-announce").wait_for(state="attached", timeout=30_000)
    views = page.locator("script[type='application/vnd.jupyter.widget-view+json']").count()
    if views:
        page.wait_for_function(
            "(n) => document.querySelectorAll('.widget-subarea[data-jia-frozen]').length >= n",
            arg=views,
            timeout=30_000,
        )
    page.wait_for_timeout(300)
    return root


def _control(root: object, name: str) -> object:
    return root.locator(f"[data-control='{name}']").first


def _press(root: object, name: str, keys: tuple[str, ...]) -> None:
    control = _control(root, name)
    tag = control.evaluate("(e) => e.tagName")
    if tag == "SELECT":
        control.focus()
        control.select_option(keys[0])
        return
    if tag == "FIELDSET":
        control = control.locator("input:checked")
    control.focus()
    for key in keys:
        control.page.keyboard.press(key)
        control.page.wait_for_timeout(KEY_GAP_MS)


def _read_patient(root: object) -> dict[str, object]:
    return root.evaluate(
        """(root) => {
        const v = (n) => root.querySelector(`[data-control='${n}']`);
        const radio = (n) => JSON.parse(v(n).querySelector('input:checked').value);
        const out = {values: {}, verdicts: {}};
        for (const s of ['physician_global', 'parent_global', 'chaq', 'active_joints',
                         'lom_joints', 'marker'])
          for (const w of ['baseline', 'followup'])
            out.values[`${s}_${w}`] = v(`${s}_${w}`).value;
        out.marker = radio('marker');
        out.fever = radio('fever');
        out.limit = v('worsening_limit').value;
        out.missing = v('missing').value;
        root.querySelectorAll('[data-verdict]').forEach((c) => {
          out.verdicts[c.getAttribute('data-verdict')] = c.textContent.trim(); });
        out.why = root.querySelector('[data-why]').textContent;
        out.table = [...root.querySelectorAll('.jia-calc-table tbody tr')].map(
          (tr) => [...tr.cells].map((c) => c.textContent.trim()));
        out.announce = root.querySelector('.jia-calc-announce').textContent;
        return out;
    }"""
    )


def _word(text: str) -> bool | None:
    match = _WORD.match(text)
    assert match, f"not a verdict: {text!r}"
    return {"met": True, "not met": False}.get(match.group(1))


def _check_patient(seen: dict[str, object]) -> None:
    """The page's readouts equal the library's for the inputs the page shows."""
    from jia_teach import assess
    from jia_teach.scoring.activity import jadas_text
    from jia_teach.widgets._controls import STATUS_STYLE, STEMS, change_text, status_label

    marker = seen["marker"]
    values = {"baseline": {}, "followup": {}}
    for stem in STEMS:
        name = marker if stem == "marker" else stem
        for which in values:
            value = float(seen["values"][f"{stem}_{which}"])
            values[which][name] = None if which == "followup" and seen["missing"] == stem else value
    limit = float(seen["limit"])
    a = assess(
        values["baseline"],
        values["followup"],
        fever_followup=FEVER[seen["fever"]],
        marker=marker,
        worsening_limit=limit,
    )
    got = seen["verdicts"]
    for name, verdict in a.responses.items():
        assert _word(got[name]) == verdict, (name, got[name], verdict, seen)
    for name, verdict in a.adapted.items():
        assert _word(got[name]) == verdict, (name, got[name], verdict, seen)
    assert _word(got["flare"]) == a.flare, (got["flare"], a.flare, seen)
    acr = "undecidable" if a.acr_n is None else f"{a.acr_n:.1f}"
    assert got["ACR-N"] == acr
    assert seen["why"] == a.explanation, seen
    for row, change in zip(seen["table"], a.changes, strict=True):
        symbol = STATUS_STYLE[change.status][0]
        words = status_label(change.status, change.percent_improvement, limit)
        assert row[1:] == [change_text(change.percent_improvement), f"{symbol} {words}"], row
    for which in ("baseline", "followup"):
        v = values[which]
        j, c = jadas_text(
            v["physician_global"],
            v["parent_global"],
            v["active_joints"],
            v.get("esr"),
            marker=marker,
        )
        assert got[f"JADAS {which}"] == f"{j} / {c}"
    said = "; ".join(
        f"{n} {'undecidable' if x is None else ('met' if x else 'not met')}"
        for n, x in [*a.responses.items(), *a.adapted.items()]
    )
    assert seen["announce"] == said


def _read_followup(root: object) -> dict[str, object]:
    return root.evaluate(
        """(root) => {
        const v = (n) => root.querySelector(`[data-control='${n}']`);
        const out = {values: {}, checks: {}, verdicts: {}, worse: {}, jadas: {}};
        for (const s of ['physician_global', 'parent_global', 'chaq', 'active_joints',
                         'lom_joints', 'marker'])
          for (const w of ['visit1', 'visit2']) out.values[`${s}_${w}`] = v(`${s}_${w}`).value;
        for (const k of ['systemic_features', 'active_uveitis', 'marker_normal',
                         'stiffness_recorded']) out.checks[k] = v(k).checked;
        out.stiffness = v('morning_stiffness_min').value;
        out.marker = JSON.parse(v('marker').querySelector('input:checked').value);
        root.querySelectorAll('[data-verdict]').forEach((c) => {
          out.verdicts[c.getAttribute('data-verdict')] = c.textContent.trim(); });
        for (const k of ['trial', 'brunner2002'])
          out.worse[k] = [...root.querySelectorAll(`[data-worse='${k}']`)].map(
            (c) => c.textContent.trim());
        root.querySelectorAll('[data-jadas]').forEach((c) => {
          out.jadas[c.getAttribute('data-jadas')] = c.textContent.trim(); });
        out.table = [...root.querySelectorAll('.jia-calc-flare tr')].slice(1).map(
          (tr) => [...tr.cells].slice(1, 5).map((c) => c.textContent.trim()));
        return out;
    }"""
    )


def _check_followup(seen: dict[str, object]) -> None:
    """The page's readouts equal the kernel widget's, set to the inputs the page shows."""
    from jia_teach.widgets import FollowUpCalculator
    from jia_teach.widgets._controls import change_text

    view = FollowUpCalculator(marker=seen["marker"])
    values = {k: float(v) for k, v in seen["values"].items()}
    for k in (
        "active_joints_visit1",
        "active_joints_visit2",
        "lom_joints_visit1",
        "lom_joints_visit2",
    ):
        values[k] = int(values[k])
    view.set(
        **values,
        **seen["checks"],
        morning_stiffness_min=int(seen["stiffness"]),
    )
    for key, verdict in view.flare.items():
        assert _word(seen["verdicts"][key]) == verdict, (key, seen)
        marks = ["?" if x is None else ("yes" if x else "no") for x in view.counts_as_worse[key]]
        assert [w.lstrip("\u25bc ").strip() for w in seen["worse"][key]] == marks, (key, seen)
    for which, visit in (("visit1", "visit 1"), ("visit2", "visit 2")):
        for score, text in view.jadas[which].items():
            assert seen["jadas"][f"{which} {score}"] == text, (visit, score, seen)
    for key, verdict in view.items.items():
        assert _word(seen["verdicts"][f"item {key}"]) == verdict, (key, seen)
    for version in ("2004", "2011"):
        assert _word(seen["verdicts"][f"inactive {version}"]) == view.inactive[version]
    b, f = view._array("visit1")[0], view._array("visit2")[0]
    for j, row in enumerate(seen["table"]):
        assert row == [f"{b[j]:g}", f"{f[j]:g}", f"{f[j] - b[j]:+g}", change_text(view.pct[j])]


def _names_ok(root: object) -> None:
    """Every control has an accessible name (aria-label, a label or its group's legend)."""
    unnamed = root.evaluate(
        """(root) => [...root.querySelectorAll('input, select')].filter((e) => {
          if (e.getAttribute('aria-label')) return false;
          if (e.closest('label') && e.closest('label').textContent.trim()) return false;
          if (e.id && root.querySelector(`label[for='${e.id}']`)) return false;
          return true; }).map((e) => e.outerHTML.slice(0, 80))"""
    )
    assert not unnamed, f"controls without a name: {unnamed}"
    groups = root.evaluate(
        "(root) => [...root.querySelectorAll('fieldset')].map((f) => f.querySelector('legend')"
        " && f.querySelector('legend').textContent.trim())"
    )
    assert all(groups), f"a radio group without a legend: {groups}"


def _no_frozen_note(page: object, root: object) -> None:
    assert root.evaluate("(r) => !r.closest('[data-jia-frozen]')")
    assert root.locator(".jia-frozen-note").count() == 0
    assert root.locator(".jia-calc-badge").first.is_visible()


def _latencies(page: object) -> list[float]:
    page.wait_for_timeout(100)  # the last frame after the last move
    return page.evaluate("() => window.JiaLive.latencies.slice()")


def _assert_fast(times: list[float]) -> None:
    """9 moves in 10 paint their verdict within LATENCY_MS. Not every one: on a 2-core machine
    shared with other jobs the browser's main thread is now and then descheduled for 100-200
    ms, whatever the page does (measured alone, every move is under 25 ms: decisions.md)."""
    ranked = sorted(times)
    p90 = ranked[int(0.9 * (len(ranked) - 1))]
    assert p90 < LATENCY_MS, f"input to verdict, 90th percentile {p90:.1f} ms: {ranked[-5:]}"


@pytest.mark.parametrize("name", PATIENT_PAGES)
def test_patient_calculator_is_live_and_agrees_with_assess(
    page_and_log: tuple[object, RequestLog], book_base: str, name: str
) -> None:
    page, log = page_and_log
    page.goto(f"{book_base}/tutorials/{name}.html", wait_until="load")
    root = _wait_live(page, "patient")
    _names_ok(root)
    _no_frozen_note(page, root)
    _check_patient(_read_patient(root))
    first = _read_patient(root)
    for control, keys in PATIENT_MOVES:
        _press(root, control, keys)
        seen = _read_patient(root)
        _check_patient(seen)
        if control == "active_joints_followup" and keys == ("ArrowRight",):
            assert _word(first["verdicts"]["ACR50"]) is True
            assert _word(seen["verdicts"]["ACR50"]) is False, "one more joint keeps ACR50"
            assert "ACR50 not met" in seen["announce"]
    times = _latencies(page)
    assert len(times) >= len(PATIENT_MOVES)
    _assert_fast(times)
    assert not [u for u in log.urls if not u.startswith(LOCAL)], log.urls
    assert not log.errors, log.errors


def test_followup_calculator_is_live_and_agrees_with_the_widget(
    page_and_log: tuple[object, RequestLog], book_base: str
) -> None:
    page, log = page_and_log
    page.goto(f"{book_base}/tutorials/{FOLLOWUP_PAGE}.html", wait_until="load")
    root = _wait_live(page, "followup")
    _names_ok(root)
    _no_frozen_note(page, root)
    first = _read_followup(root)
    _check_followup(first)
    assert _word(first["verdicts"]["trial"]) is False
    for control, keys in FOLLOWUP_MOVES:
        _press(root, control, keys)
        seen = _read_followup(root)
        _check_followup(seen)
        if control == "active_joints_visit2" and keys == ("ArrowRight",):
            assert _word(seen["verdicts"]["trial"]) is True, "two more joints: trial-style flare"
    times = _latencies(page)
    _assert_fast(times)
    assert not [u for u in log.urls if not u.startswith(LOCAL)], log.urls
    assert not log.errors, log.errors


def test_only_pages_with_a_calculator_load_it(book_html: Path) -> None:
    """The script and stylesheet are on the three calculator pages and nowhere else."""
    with_script = sorted(
        p.relative_to(book_html).as_posix()
        for p in book_html.rglob("*.html")
        if "live/jia-live.js" in p.read_text(encoding="utf-8")
    )
    assert with_script == sorted(f"tutorials/{n}.html" for n in (*PATIENT_PAGES, FOLLOWUP_PAGE)), (
        with_script
    )


def test_other_widgets_on_the_page_stay_frozen(
    page_and_log: tuple[object, RequestLog], book_url: str
) -> None:
    """Tutorial 01's other widgets keep their "frozen" note; the calculator has none."""
    page, _log = page_and_log
    page.goto(f"{book_url}/tutorials/01_core_set_and_acr_pedi.html", wait_until="load")
    _wait_live(page, "patient")
    views = page.locator("script[type='application/vnd.jupyter.widget-view+json']").count()
    assert views >= 1, "tutorial 01 has no other widget left to stay frozen"
    page.wait_for_function(
        "(n) => document.querySelectorAll('.widget-subarea[data-jia-frozen]').length >= n",
        arg=views,
        timeout=30_000,
    )
    assert page.locator(".jia-frozen-note").count() >= 1


@pytest.fixture
def slides_page(page_and_log: tuple[object, RequestLog]) -> Iterator[tuple[object, RequestLog]]:
    if not SLIDES.exists():
        pytest.fail(f"{SLIDES} is missing: run `make slides` (make test does)")
    yield page_and_log


def test_offline_slides_calculator_is_live(slides_page: tuple[object, RequestLog]) -> None:
    """The slides a speaker copies to a USB stick, opened from disk: the calculator moves."""
    page, log = slides_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(SLIDES.resolve().as_uri(), wait_until="load")
    page.wait_for_selector("html[data-jia-slides-ready], html[data-jia-slides-error]")
    assert page.get_attribute("html", "data-jia-slides-error") is None
    root = _wait_live(page, "patient")
    page.evaluate(
        "(r) => { const i = Reveal.getIndices(r.closest('section')); Reveal.slide(i.h, i.v); }",
        root.element_handle(),
    )
    page.wait_for_timeout(300)
    _names_ok(root)
    before = page.evaluate("() => Reveal.getIndices()")
    for control, keys in PATIENT_MOVES[:8]:
        _press(root, control, keys)
        _check_patient(_read_patient(root))
    assert page.evaluate("() => Reveal.getIndices()") == before, "a key turned the slide"
    times = _latencies(page)
    _assert_fast(times)
    assert not [u for u in log.urls if not u.startswith(LOCAL)], log.urls
    assert not log.errors, log.errors
