"""``make lab`` in a real browser, as a learner uses it (issues 15 and 19).

JupyterLab is started as ``make lab`` starts it (``lab_workspace.lab_command``) on copies made by
``lab_workspace.sync`` in a temporary folder, with a token of the test's own, its own settings
and workspaces folders and a free port, and stopped by its process group id.

The suite is hermetic: the lab process also gets a learner's Jupyter configuration folder
(``JUPYTER_CONFIG_DIR``) in which five tutorials were left open (a saved workspace, as ``make
lab`` leaves it). A suite that read the learner's state would open five notebooks and count five
"Run All Cells first" hints; it opens one.

Measured in Chromium at 1280 x 720 (the calculator also at 1400 x 1000), after Run All where a
learner would have run the cells: every control of the package named and its value announced as
shown, alt text on every chart, radio groups one Tab stop, a focus indicator of at least 3:1,
axe-core with no serious or critical result from the package's own output, the risk-of-bias
exercise not filled in by Run All, and no notebook marked changed by opening it.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.lab_workspace import lab_command, sync, write_lab_overrides

from .conftest import ROOT, _wait_for_port, free_port
from .test_accessibility import SEVERE, run_axe

NOTEBOOK = "01_core_set_and_acr_pedi.ipynb"
TUTORIALS = sorted(p.name for p in (ROOT / "notebooks").glob("0*.ipynb"))
SIZE = {"width": 1280, "height": 720}


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.ipynb")}


def _learner_config(folder: Path, open_notebooks: list[str]) -> Path:
    """A learner's ~/.jupyter after ``make lab``: a saved workspace with notebooks open."""
    workspaces = folder / "lab" / "workspaces"
    workspaces.mkdir(parents=True)
    data: dict[str, object] = {
        "layout-restorer:data": {
            "main": {
                "dock": {
                    "type": "tab-area",
                    "currentIndex": 0,
                    "widgets": [f"notebook:{n}" for n in open_notebooks],
                },
                "current": f"notebook:{open_notebooks[0]}",
            },
            "down": {"size": 0, "widgets": []},
            "left": {"collapsed": True, "visible": True, "widgets": []},
            "right": {"collapsed": True, "visible": True, "widgets": []},
            "relativeSizes": [0, 1, 0],
            "top": {"simpleVisibility": True},
        }
    }
    for name in open_notebooks:
        data[f"notebook:{name}"] = {"data": {"path": name, "factory": "Notebook"}}
    text = json.dumps({"data": data, "metadata": {"id": "default"}})
    (workspaces / "default-37a8.jupyterlab-workspace").write_text(text, encoding="utf-8")
    return folder


class Lab:
    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token

    def url(self, notebook: str = NOTEBOOK, *, reset: bool = True) -> str:
        """The notebook's URL; ``reset`` starts from an empty layout (the suite's own)."""
        tail = "&reset" if reset else ""
        return f"http://127.0.0.1:{self.port}/lab/tree/{notebook}?token={self.token}{tail}"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """A running JupyterLab on copies of the notebooks, next to a learner's saved state."""
    folder = tmp_path_factory.mktemp("lab")
    workspace = folder / "workspace"
    assert sync(ROOT / "notebooks", workspace)["copied"], "nothing was copied"
    write_lab_overrides()  # as make lab does: no news question, no cell toolbar
    learner = _learner_config(folder / "learner-jupyter", TUTORIALS[:5])
    port, token = free_port(), "test-token-" + os.urandom(8).hex()
    env = {
        **os.environ,
        "JUPYTER_TOKEN": token,
        "JUPYTER_RUNTIME_DIR": str(folder / "rt"),
        "JUPYTER_CONFIG_DIR": str(learner),
    }
    cmd = lab_command(
        workspace,
        port=port,
        open_browser=False,
        settings_dir=folder / "settings",
        workspaces_dir=folder / "workspaces",
    )
    with (folder / "lab.log").open("w") as log:
        proc = subprocess.Popen(
            cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            _wait_for_port(port, proc, timeout_s=90)
            yield Lab(port, token)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
    text = (folder / "lab.log").read_text()
    assert "DeprecationWarning" not in text, text[-2000:]


def _open(browser: object, url: str, size: dict = SIZE) -> object:
    page = browser.new_page(viewport=size)
    page.goto(url, wait_until="load", timeout=90_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    page.wait_for_function(
        "() => document.documentElement.getAttribute('data-jia-lab-a11y') === '1'",
        timeout=30_000,
    )
    page.wait_for_timeout(1500)
    return page


def _run_all(page: object) -> None:
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Escape")
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel").filter(has_text="Run All Cells").first.click()
    page.wait_for_timeout(1000)
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.jp-InputPrompt')]"
        ".some(e => e.textContent.includes('*'))",
        timeout=300_000,
    )
    page.wait_for_timeout(2000)


def _scroll_through(page: object) -> None:
    """Draw every cell (JupyterLab renders cells near the viewport only)."""
    page.evaluate(
        """async () => {
          const box = document.querySelector('.jp-WindowedPanel-outer');
          if (!box) return;
          for (let y = 0; y <= box.scrollHeight; y += 500) {
            box.scrollTop = y;
            await new Promise((r) => setTimeout(r, 60));
          }
          box.scrollTop = 0;
        }"""
    )
    page.wait_for_timeout(500)


def test_a_learners_open_tabs_do_not_reach_the_suite_and_answer_keys_stay_hidden(
    lab: Lab, screenshots: Path, fresh_browser: object
) -> None:
    """One tutorial opens, whatever the learner left open: one hint, no answer key."""
    before = _digest(ROOT / "notebooks")
    with fresh_browser() as browser:
        # No reset: the first page of the session restores whatever layout the lab reads.
        page = _open(browser, lab.url(reset=False), {"width": 1400, "height": 1000})
        page.screenshot(path=str(screenshots / "lab-01-opened.png"))
        tabs = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab")
        assert tabs.count() == 1, f"{tabs.count()} tabs: the suite read the learner's workspace"
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
        # Tab from a cell must not land on a cell toolbar ("Duplicate cell" copied answer keys).
        page.locator(".jp-Notebook .jp-CodeCell").nth(1).click()
        page.keyboard.press("Escape")
        page.keyboard.press("Tab")
        landed = page.evaluate(
            "() => (document.activeElement.getAttribute('title') || '') + ' '"
            " + (document.activeElement.getAttribute('aria-label') || '')"
        )
        assert "Duplicate" not in landed, f"Tab from a cell lands on {landed!r}"
        duplicate = page.locator(".jp-Notebook [title*='Duplicate']:visible")
        assert duplicate.count() == 0, "a Duplicate cell button is in the learner's way"
    assert _digest(ROOT / "notebooks") == before, "the lab changed a tracked notebook"


@pytest.mark.parametrize("notebook", TUTORIALS)
def test_opening_a_notebook_does_not_mark_it_changed(
    lab: Lab, fresh_browser: object, notebook: str
) -> None:
    with fresh_browser() as browser:
        page = _open(browser, lab.url(notebook))
        page.wait_for_timeout(5000)  # the kernel starts and reports its name and language
        dirty = page.locator(".lm-TabBar-tab.jp-mod-dirty")
        assert dirty.count() == 0, f"{notebook} is marked changed on opening, untouched"


def test_calculator_sliders_and_verdicts_fit_one_screen(
    lab: Lab, screenshots: Path, fresh_browser: object
) -> None:
    """After Run All, at 1400 x 1000 the calculator's sliders and verdicts are seen together."""
    with fresh_browser() as browser:
        page = _open(browser, lab.url(), {"width": 1400, "height": 1000})
        _run_all(page)
        calculator = page.locator(
            ".jp-OutputArea-output .widget-vbox, .jp-OutputArea-output .widget-hbox",
            has_text="Single-patient calculator",
        ).first
        calculator.wait_for(state="attached", timeout=120_000)
        calculator.evaluate("(e) => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(500)
        page.screenshot(path=str(screenshots / "calculator-lab-1400x1000.png"))
        box = calculator.bounding_box()
        assert box is not None and box["height"] <= 820, f"the calculator is {box} px"
        _sliders_and_verdicts_on_screen(calculator, 1000)
        # 1280 x 720 with the file browser open (issue 19): the ACR verdicts sit beside the
        # options, under the sliders, so both are seen without scrolling.
        page.set_viewport_size(SIZE)
        page.wait_for_timeout(500)
        calculator.evaluate("(e) => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(500)
        page.screenshot(path=str(screenshots / "lab-calculator-1280x720.png"))
        _sliders_and_verdicts_on_screen(calculator, SIZE["height"])


def _sliders_and_verdicts_on_screen(calculator: object, height: int) -> None:
    """The first slider and the rows ACR30 to ACR100 of the verdicts lie inside the window."""
    slider = calculator.locator(".widget-slider").first.bounding_box()
    last = calculator.locator(".jia-verdicts tr", has_text="ACR100")
    assert last.count() == 1, "no ACR100 verdict row"
    panel = calculator.page.locator(".jp-NotebookPanel:visible").first.bounding_box()
    for name, part in (("first slider", slider), ("ACR100 verdict", last.bounding_box())):
        assert part is not None and part["y"] >= 0 and part["y"] + part["height"] <= height, (
            f"at height {height} the {name} is off screen: {part}"
        )
        # both verdict columns (ACR Pedi and adapted) inside the notebook, none cut off
        assert part["x"] + part["width"] <= panel["x"] + panel["width"], (
            f"the {name} runs past the notebook's right edge: {part} vs {panel}"
        )


def _contrast(a: list[float], b: list[float]) -> float:
    def lum(rgb: list[float]) -> float:
        def ch(c: float) -> float:
            c = c / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b_ = (ch(x) for x in rgb[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


_FOCUS_RING = """(el) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const style = getComputedStyle(el);
  let bg = null;
  for (let e = el.parentElement; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) { bg = c; break; }
  }
  return {width: parseFloat(style.outlineWidth), outline: style.outlineStyle,
          color: rgb(style.outlineColor), background: bg || [255, 255, 255],
          fill: rgb(style.backgroundColor)};
}"""


#: Every tutorial with a package control or chart, and whether it draws a slider.
_AXE_TUTORIALS = [
    (NOTEBOOK, True),
    ("02_thresholds_and_trial_results.ipynb", True),
    ("03_tender_tocilizumab.ipynb", False),
    ("05_benefit_and_harm.ipynb", True),
    ("07_flare_inactive_disease_jadas.ipynb", True),
    ("08_appraising_the_trials.ipynb", True),
    ("09_what_came_after_tender.ipynb", False),
    ("10_pooling_trials.ipynb", False),
]


@pytest.mark.parametrize(("notebook", "has_sliders"), _AXE_TUTORIALS)
def test_lab_controls_are_named_announced_and_charts_described(
    lab: Lab, fresh_browser: object, notebook: str, has_sliders: bool
) -> None:
    """After Run All: names, values as shown, alt text, and axe-core on the package's output."""
    with fresh_browser() as browser:
        page = _open(browser, lab.url(notebook))
        _run_all(page)
        _scroll_through(page)
        sliders = page.evaluate(
            """() => [...document.querySelectorAll('.jp-OutputArea-output [role="slider"]')]
              .map((h) => {
                const w = h.closest('.widget-slider');
                const r = w && w.querySelector('.widget-readout');
                const shown = r ? (r.tagName === 'INPUT' ? r.value : r.textContent).trim() : '';
                return {name: h.getAttribute('aria-label') || '',
                        text: h.getAttribute('aria-valuetext') || '', shown};
              })"""
        )
        assert sliders or not has_sliders, f"{notebook}: no slider drawn"
        unnamed = [s for s in sliders if not s["name"].strip()]
        assert not unnamed, f"{notebook}: {len(unnamed)} of {len(sliders)} sliders have no name"
        wrong = [s for s in sliders if s["shown"] and s["text"] != s["shown"]]
        assert not wrong, f"{notebook}: values not announced as shown: {wrong[:3]}"
        cut = [s["name"] for s in sliders if s["name"].endswith(("…", "..."))]
        assert not cut, f"{notebook}: slider names cut short: {cut}"
        images = page.evaluate(
            """() => [...document.querySelectorAll('.jp-OutputArea-output img')]
              .map((i) => (i.getAttribute('alt') || '').trim())"""
        )
        assert all(images), f"{notebook}: {images.count('')} of {len(images)} charts without alt"
        outputs = "document.querySelectorAll('.jp-OutputArea-output')"
        severe = [v for v in run_axe(page, outputs) if v["impact"] in SEVERE]
        assert not severe, f"{notebook}: axe in the package's output: " + json.dumps(
            [(v["id"], v["nodes"][0]["html"][:160]) for v in severe], indent=1
        )


def test_radio_group_is_one_tab_stop_and_the_focus_ring_is_seen(
    lab: Lab, screenshots: Path, fresh_browser: object
) -> None:
    """A self-check: Tab enters its options once, arrows choose, Tab reaches Check with a ring
    of at least 3:1 against the page beside it."""
    with fresh_browser() as browser:
        page = _open(browser, lab.url())
        _run_all(page)
        group = page.locator(".jp-OutputArea-output .widget-radio-box").first
        group.scroll_into_view_if_needed()
        radios = group.locator("input[type='radio']")
        assert radios.count() >= 3
        names = {radios.nth(i).get_attribute("name") for i in range(radios.count())}
        assert len(names) == 1 and None not in names and "" not in names, names
        radios.first.click()  # the learner's first answer; then the keyboard
        page.keyboard.press("ArrowDown")
        page.wait_for_timeout(300)
        assert radios.nth(1).is_checked(), "the arrow key did not choose the next option"
        assert page.evaluate("() => document.activeElement.type") == "radio"
        page.keyboard.press("Tab")
        page.wait_for_timeout(200)
        focused = page.evaluate(
            "() => [document.activeElement.tagName, document.activeElement.type || '',"
            " document.activeElement.textContent.trim()]"
        )
        assert focused[1] != "radio", f"Tab stayed in the radio group: {focused}"
        assert focused[0] == "BUTTON", f"Tab went to {focused}, not the Check button"
        ring = page.evaluate(f"() => ({_FOCUS_RING})(document.activeElement)")
        page.screenshot(path=str(screenshots / "lab-focus-check-button.png"))
        assert ring["outline"] != "none" and ring["width"] >= 2, ring
        assert _contrast(ring["color"], ring["background"]) >= 3, ring


def test_risk_of_bias_exercise_is_not_answered_by_run_all(lab: Lab, fresh_browser: object) -> None:
    """Tutorial 08: after Run All the learner's exercise is blank and our judgements hidden."""
    with fresh_browser() as browser:
        page = _open(browser, lab.url("08_appraising_the_trials.ipynb"))
        _run_all(page)
        _scroll_through(page)
        exercise = page.locator(
            ".jp-OutputArea-output .widget-vbox", has_text="Show the worked judgements"
        ).first
        exercise.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        selects = exercise.locator("select")
        values = [selects.nth(i).evaluate("(s) => s.selectedIndex") for i in range(1, 6)]
        assert values == [-1] * 5, f"the exercise was filled in by Run All: {values}"
        reveal = exercise.locator("input[type='checkbox']").first
        assert not reveal.is_checked(), "Run All revealed the worked judgements"
        assert "Worked judgements" not in (exercise.locator("img").first.get_attribute("alt") or "")
        # A screen reader reaches nothing of our judgements before they are revealed: their
        # text is display:none until "Show" is ticked, which takes it out of Chromium's
        # accessibility tree (read here as a screen reader gets it, over the DevTools
        # protocol; the exercise's own nodes only: the demonstration further down shows its
        # judgements on purpose); ticking puts it in.
        assert not _spoken(page, exercise, "Facts:"), "a screen reader reaches the judgements"
        reveal.click()
        page.wait_for_timeout(1500)
        assert _spoken(page, exercise, "Facts:"), "ticking 'Show' did not reveal the judgements"


def _spoken(page: object, within: object, text: str) -> list[str]:
    """Names in Chromium's accessibility tree (nodes not ignored) of the DOM nodes inside
    ``within`` (a locator) that contain ``text``."""
    within.evaluate("(el) => el.setAttribute('data-jia-probe', '1')")  # type: ignore[attr-defined]
    session = page.context.new_cdp_session(page)  # type: ignore[attr-defined]
    try:
        root = session.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = session.send("DOM.querySelector", {"nodeId": root, "selector": "[data-jia-probe]"})
        tree = session.send("DOM.describeNode", {"nodeId": node["nodeId"], "depth": -1})["node"]
        inside: set[int] = set()
        stack = [tree]
        while stack:
            item = stack.pop()
            inside.add(item["backendNodeId"])
            stack.extend(item.get("children", []))
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
        within.evaluate("(el) => el.removeAttribute('data-jia-probe')")  # type: ignore[attr-defined]
    names = [
        str((n.get("name") or {}).get("value", ""))
        for n in nodes
        if not n.get("ignored") and n.get("backendDOMNodeId") in inside
    ]
    return [name for name in names if text in name]
