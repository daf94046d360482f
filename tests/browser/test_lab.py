"""``make lab`` in a real browser: the learner's copies, no answer key in sight, no news question.

JupyterLab is started as ``make lab`` starts it (``lab_workspace.lab_command``), on copies made
by ``lab_workspace.sync`` in a temporary folder, with a token of the test's own, and stopped by
its process group id. Tutorial 01 is opened before Run All, as a learner first sees it.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.lab_workspace import lab_command, sync, write_lab_overrides

from .conftest import ROOT, _wait_for_port, free_port

NOTEBOOK = "01_core_set_and_acr_pedi.ipynb"


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.ipynb")}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running JupyterLab on copies of the notebooks; yields its URL for tutorial 01."""
    folder = tmp_path_factory.mktemp("lab")
    workspace = folder / "workspace"
    assert sync(ROOT / "notebooks", workspace)["copied"], "nothing was copied"
    write_lab_overrides()  # as make lab does: no news question
    port, token = free_port(), "test-token-" + os.urandom(8).hex()
    env = {**os.environ, "JUPYTER_TOKEN": token, "JUPYTER_RUNTIME_DIR": str(folder / "rt")}
    with (folder / "lab.log").open("w") as log:
        proc = subprocess.Popen(
            lab_command(workspace, port=port, open_browser=False),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_for_port(port, proc, timeout_s=90)
            yield f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK}?token={token}"
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
    text = (folder / "lab.log").read_text()
    assert "DeprecationWarning" not in text, text[-2000:]


def test_self_check_code_is_hidden_and_the_hint_shown(
    lab: str, screenshots: Path, fresh_browser: object
) -> None:
    before = _digest(ROOT / "notebooks")
    with fresh_browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(lab, wait_until="load", timeout=90_000)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        page.wait_for_function(
            "() => document.querySelectorAll('.jp-Notebook .jp-Cell').length > 40",
            timeout=60_000,
        )
        page.wait_for_timeout(1500)
        page.screenshot(path=str(screenshots / "lab-01-opened.png"))
        hint = page.locator(".jp-Notebook .jp-MarkdownOutput", has_text="Run All Cells first")
        assert hint.count() == 1 and hint.first.is_visible(), "no Run All hint at the top"
        editors = page.locator(".jp-Notebook .jp-Cell .jp-InputArea-editor")
        shown = [
            i
            for i in range(editors.count())
            if "SelfCheck(" in (editors.nth(i).text_content() or "") and editors.nth(i).is_visible()
        ]
        assert not shown, f"{len(shown)} self-check answer key(s) visible in the lab"
        hidden = page.locator(".jp-Notebook .jp-Cell .jp-InputPlaceholder")
        assert hidden.count() >= 4, "the self-check cells are not collapsed"
        body = page.locator("body").inner_text()
        assert "NBVAL_IGNORE_OUTPUT" not in body, "a test marker is the first line learners read"
        assert "official Jupyter news" not in body, "JupyterLab asks about news"
    assert _digest(ROOT / "notebooks") == before, "the lab changed a tracked notebook"


def test_calculator_sliders_and_verdicts_fit_one_screen(
    lab: str, screenshots: Path, fresh_browser: object
) -> None:
    """After Run All, at 1400 x 1000 the calculator's sliders and verdicts are seen together."""
    with fresh_browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(lab, wait_until="load", timeout=90_000)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        page.wait_for_timeout(1500)
        page.locator(".jp-Notebook").first.click()
        page.keyboard.press("Escape")
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel").filter(has_text="Run All Cells").first.click()
        calculator = page.locator(
            ".jp-OutputArea-output .widget-vbox, .jp-OutputArea-output .widget-hbox",
            has_text="Single-patient calculator",
        ).first
        calculator.wait_for(state="attached", timeout=120_000)
        page.wait_for_timeout(2000)
        calculator.evaluate("(e) => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(500)
        page.screenshot(path=str(screenshots / "calculator-lab-1400x1000.png"))
        box = calculator.bounding_box()
        assert box is not None and box["height"] <= 820, f"the calculator is {box} px"
        slider = calculator.locator(".widget-slider").first.bounding_box()
        verdicts = calculator.locator("table").last.bounding_box()
        for name, part in (("first slider", slider), ("last verdict table", verdicts)):
            assert part is not None and part["y"] >= 0 and part["y"] + part["height"] <= 1000, (
                f"the {name} is off screen: {part}"
            )
