"""``make present`` in a real browser: Voila serves the grand-rounds deck live, offline.

Voila is started exactly as ``tools/present.py`` starts it (offline reveal template, code hidden,
127.0.0.1, a free port) and stopped by its process id whatever happens. Chromium goes to the
slide with the live calculator, drags a slider and waits until the calculator's readout (the
slide's text outside the slider widgets) changes: that needs a running kernel, so it proves the
widgets are live, not a saved picture. No request may leave 127.0.0.1.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from present import DECK, voila_command

from .conftest import RequestLog

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"voila exited early with status {proc.returncode}")
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"voila did not listen on 127.0.0.1:{port} within {timeout_s} s")


@pytest.fixture
def voila_url(tmp_path: Path) -> Iterator[str]:
    if not DECK.exists():
        pytest.fail(f"{DECK} is missing")
    port = _free_port()
    cmd, env = voila_command(DECK, port=port)
    log = (tmp_path / "voila.log").open("w")
    # A new session, so that the kernels Voila starts can be stopped with it (by its id).
    proc = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        _wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}/"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        log.close()


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
    page_and_log: tuple[object, RequestLog], voila_url: str, screenshots: Path
) -> None:
    page, log = page_and_log
    page.goto(voila_url, wait_until="load", timeout=90_000)
    page.wait_for_selector(SLIDER, state="attached", timeout=90_000)
    page.wait_for_selector(".reveal .slides section", state="attached")
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
