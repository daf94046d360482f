"""``make present`` in a real browser: Voila serves the grand-rounds deck live, offline, to its
token holder only.

Voila is started exactly as ``tools/present.py`` starts it (offline reveal template, code hidden,
127.0.0.1, a free port, a fresh random token; see ``conftest.live_deck``) and stopped by its
process group id whatever happens.

* Chromium goes to the slide with the live calculator, drags a slider and waits until the
  calculator's readout (the slide's text outside the slider widgets) changes: that needs a
  running kernel, so it proves the widgets are live, not a saved picture.
* ArrowRight on a focused slider moves the slider, not the deck.
* Without the token (or with a wrong one) there is no deck and no kernel, only the login form;
  a page reached under another host name that resolves to 127.0.0.1 (DNS rebinding, simulated
  with Chromium's ``--host-resolver-rules``) gets HTTP 403, and so does a kernel websocket
  from a foreign origin.
* At most ``max_kernels`` kernels run at once (HTTP 503 beyond) and idle ones are stopped.

No request may leave 127.0.0.1.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import time
import urllib.request
from email.message import Message
from pathlib import Path

import pytest

from .conftest import LiveDeck, RequestLog, live_deck

SLIDER = ".widget-slider"
HANDLES = (".noUi-handle", ".slider-handle", ".ui-slider-handle")  # ipywidgets 8, older, jQuery UI
HANDLE = ", ".join(f".widget-slider {h}" for h in HANDLES)

# Text of the slide that holds the first slider, leaving out the slider widgets themselves
# (their own number readouts change trivially when the handle moves).
_READOUT = """() => {
  const slider = document.querySelector('.widget-slider');
  if (!slider) return null;
  const slide = slider.closest('section') || document.body;
  const copy = slide.cloneNode(true);
  copy.querySelectorAll('.widget-slider, .widget-readout').forEach((e) => e.remove());
  return copy.innerText.replace(/\\s+/g, ' ').trim();
}"""
_CURRENT_SLIDE = """() => {
  const present = [...document.querySelectorAll('.reveal .slides > section.present')];
  const all = [...document.querySelectorAll('.reveal .slides > section')];
  return present.length ? all.indexOf(present[0]) : -1;
}"""


def _open_deck(page: object, url: str) -> None:
    page.goto(url, wait_until="load", timeout=90_000)
    page.wait_for_selector(SLIDER, state="attached", timeout=90_000)
    page.wait_for_selector(".reveal .slides section", state="attached")


def _go_to_slider_slide(page: object) -> None:
    """Press the right arrow until the slide with the first slider is the current one."""
    on_current_slide = """() => {
      const section = document.querySelector('.widget-slider')?.closest('section');
      return !section || section.classList.contains('present');
    }"""
    for _ in range(25):
        if page.evaluate(on_current_slide):
            page.wait_for_timeout(300)  # let the slide transition finish
            return
        page.locator("body").press("ArrowRight")
        page.wait_for_timeout(150)
    raise AssertionError("no slide shows a slider")


def test_presenter_slider_changes_the_readout(
    page_and_log: tuple[object, RequestLog], deck: LiveDeck, screenshots: Path
) -> None:
    page, log = page_and_log
    _open_deck(page, deck.url)
    page.screenshot(path=str(screenshots / "present-title.png"))

    _go_to_slider_slide(page)
    before = page.evaluate(_READOUT)
    assert before, "the calculator slide has no readout text"
    page.screenshot(path=str(screenshots / "present-calculator-before.png"))

    handle = page.locator(HANDLE).first
    box = handle.bounding_box()
    assert box is not None, "the slider handle is not on screen"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y, steps=8)
    page.mouse.up()

    page.wait_for_function(f"(before) => ({_READOUT})() !== before", arg=before, timeout=30_000)
    after = page.evaluate(_READOUT)
    page.screenshot(path=str(screenshots / "present-calculator-after.png"))
    assert after != before
    assert page.locator(".reveal").count() == 1, "the deck is not shown as slides"
    assert page.locator(".jp-CodeCell .jp-InputArea-editor").count() == 0, (
        "code is visible in the presenter view"
    )
    assert "import " not in page.locator(".reveal").inner_text(), "code is visible"
    assert not log.outside(), f"requests left 127.0.0.1: {log.outside()}"


def test_arrow_keys_on_a_focused_slider_move_the_slider_not_the_deck(
    page_and_log: tuple[object, RequestLog], deck: LiveDeck
) -> None:
    page, _log = page_and_log
    _open_deck(page, deck.url)
    _go_to_slider_slide(page)
    slide = page.evaluate(_CURRENT_SLIDE)
    handle = page.locator(HANDLE).first
    handle.focus()
    value = handle.get_attribute("aria-valuenow")
    for key in ("ArrowRight", "ArrowRight", "ArrowLeft", "ArrowRight"):
        page.keyboard.press(key)
        page.wait_for_timeout(150)
    assert page.evaluate(_CURRENT_SLIDE) == slide, "an arrow key on a slider turned the slide"
    assert handle.get_attribute("aria-valuenow") != value, "the arrow keys did not reach the slider"
    # Once focus leaves the control, the arrows drive the deck again.
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"(s) => ({_CURRENT_SLIDE})() !== s", arg=slide, timeout=10_000)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Message, str]:
    """(status, headers, body) of a GET, redirects not followed."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=90) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


def _status(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    """(status, Location header, body) of a GET, redirects not followed."""
    status, response_headers, body = _get(url, headers)
    return status, response_headers.get("Location", ""), body


def test_no_token_no_deck(deck: LiveDeck, fresh_browser: object) -> None:
    """Without its token the live deck shows a login form: no slides, no kernel, no code."""
    for url in (deck.base, f"{deck.base}?token=wrong-{deck.token[:8]}", f"{deck.base}x.ipynb"):
        status, location, body = _status(url)
        assert status in (302, 403), f"{url}: {status}"
        assert status == 403 or location.startswith("/login"), f"{url}: redirected to {location}"
        assert "kernelId" not in body and "reveal" not in body, f"{url} rendered the deck"
    with fresh_browser() as browser:  # no cookie from the tests that used the token
        page = browser.new_page()
        log = RequestLog()
        log.attach(page)
        page.goto(deck.base, wait_until="load")
        assert "/login" in page.url, page.url
        assert page.locator(".reveal, .widget-slider").count() == 0, "the deck is shown"
        assert page.locator("input[type='password']").count() >= 1, "no token field"
        assert deck.token not in page.content()
        assert not log.outside(), f"requests left 127.0.0.1: {log.outside()}"


def _websocket_status(
    deck: LiveDeck, kernel_id: str, host: str, origin: str, cookie: str, token: str = ""
) -> int:
    """Status of a websocket upgrade to a kernel's channels (101 = accepted).

    Authenticated by the login cookie, as a browser tab is, or by the token in the URL: the
    Origin is checked either way (issue 20; Jupyter Server skips it for token requests).
    """
    conn = http.client.HTTPConnection("127.0.0.1", deck.port, timeout=30)
    query = f"session_id=t&token={token}" if token else "session_id=t"
    try:
        conn.putrequest("GET", f"/api/kernels/{kernel_id}/channels?{query}", skip_host=True)
        for name, value in (
            ("Host", host),
            ("Origin", origin),
            ("Cookie", cookie),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", base64.b64encode(os.urandom(16)).decode()),
            ("Sec-WebSocket-Version", "13"),
        ):
            conn.putheader(name, value)
        conn.endheaders()
        return conn.getresponse().status
    finally:
        conn.close()


def test_foreign_host_and_origin_are_refused(deck: LiveDeck, fresh_browser: object) -> None:
    """DNS rebinding: another name that resolves to 127.0.0.1 reaches neither page nor kernel."""
    rebound = "rebind.example"
    with fresh_browser(f"--host-resolver-rules=MAP {rebound} 127.0.0.1") as browser:
        page = browser.new_page()
        response = page.goto(f"http://{rebound}:{deck.port}/?token={deck.token}")
        assert response is not None and response.status == 403, response and response.status
        assert page.locator(".reveal, .widget-slider").count() == 0

    local = f"127.0.0.1:{deck.port}"
    status, _location, _body = _status(deck.url, {"Host": f"{rebound}:{deck.port}"})
    assert status == 403, f"GET with Host {rebound}: {status}"
    status, headers, page_html = _get(deck.url)
    assert status == 200, f"GET with the token: {status}"
    cookie = "; ".join(c.split(";")[0] for c in headers.get_all("Set-Cookie", []))
    assert cookie, "no login cookie was set"
    kernel_id = json.loads(
        re.search(r'<script id="jupyter-config-data"[^>]*>(.*?)</script>', page_html, re.S)[1]
    )["kernelId"]
    foreign = f"{rebound}:{deck.port}"
    assert _websocket_status(deck, kernel_id, foreign, f"http://{foreign}", cookie) == 403
    assert _websocket_status(deck, kernel_id, local, "http://evil.example", cookie) == 403
    assert _websocket_status(deck, kernel_id, local, f"http://{local}", "") == 403  # no cookie
    assert _websocket_status(deck, kernel_id, local, f"http://{local}", cookie) == 101  # control
    # the token in the URL is no pass for another page (a leaked link, a sandboxed frame)
    for origin in ("http://evil.example", "null"):
        assert _websocket_status(deck, kernel_id, local, origin, "", deck.token) == 403, origin
    assert _websocket_status(deck, kernel_id, local, f"http://{local}", "", deck.token) == 101


def test_kernels_are_capped_and_idle_ones_stopped(tmp_path: Path) -> None:
    """Every page request starts a kernel: at most max_kernels at once; idle ones are culled."""
    with live_deck(tmp_path, max_kernels=1, cull_idle_s=3, cull_interval_s=1) as small:
        first, _location, _body = _status(small.url)
        assert first == 200
        second, _location, body = _status(small.url)
        assert second == 503, f"a second kernel was started (status {second})"
        assert "live sessions of the deck are in use" in body and "Traceback" not in body
        # Nobody connects to the first kernel, so it is idle: culled after about 3 s.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(2)
            third, _location, _body = _status(small.url)
            if third == 200:
                break
            assert third == 503, third
        else:
            pytest.fail("the idle kernel was never stopped: " + small.log.read_text()[-2000:])
        assert "Culling 'idle' kernel" in small.log.read_text()
