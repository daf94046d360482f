"""Widget latency as the learner sees it: Chromium, JupyterLab, key press to the last DOM change.

``bench_widgets`` times a view inside the kernel. This section measures where the learner is
(issue 19): JupyterLab started as ``make lab`` starts it (``tools.lab_workspace.lab_command``,
on fresh copies, with its own settings and workspaces folders and a free port), Debian's
``/usr/bin/chromium`` at 1280 x 720 driven by Playwright, each tutorial with an explorer opened
and run (Run All Cells), then every control of every explorer operated from the keyboard or the
mouse, as a learner would:

* a slider: ArrowRight / ArrowLeft on its focused handle (alternating, so it stays in range);
* toggle buttons and radio buttons: a click on the next option;
* a drop-down: the next option chosen;
* a check box: a click;
* a number field: a new value typed (the first-visit value times 4, the value, the value over
  4, the value, in turn: a value that crosses a threshold changes the view), then Enter; the
  time runs from the Enter key (Chromium commits a number field on Enter, on leaving it, or at
  once on an arrow key, which is why an arrow key is not used: it commits before the timer).
  A value that changes nothing on the page gives no sample, so a number field is operated up
  to four times the number of samples until it has them (any other control up to twice: some
  choices of a risk-of-bias judgement change nothing on the page, and gave 8 samples of 10).

A drop-down is left, untimed, on the choice that shows the most controls (its first-visit
value when no other shows more): what a choice reveals (the Bayesian explorer's informed
prior: its source and weight; the trial explorer's two time points) is measured next. A
drop-down with one option cannot change; the package shows none (the trial explorer shows a
single time point as text), and one found is reported as not applicable.

A sample is the time from the input event (its ``event.timeStamp``: ``keydown`` or
``pointerdown``, on the page's own clock) to the **last** DOM mutation inside the control's
output area (the view: sliders, tables, verdicts, the chart image), once the area has been
quiet for ``QUIET_MS``. The first operation of each control after Run All (its first visit)
is part of the samples and is also reported on its own. The target is p95 < 100 ms for every
control.

Run with ``make bench`` (or ``benchmarks/run.py --only browser``); it takes several minutes.
Not a test: timings depend on the machine, so nothing in ``make test`` asserts them.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import Row, unavailable

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
TARGET_MS = 100.0
QUIET_MS = 350  # the view counts as settled after this long without a mutation
SETTLE_TIMEOUT_MS = 5_000
#: The tutorials with explorers, and the code that builds each explorer (its cell's first line).
#: A cell that builds a view without showing it has no controls and is passed over.
EXPLORERS = {
    "01_core_set_and_acr_pedi.ipynb": ("PatientCalculator(",),
    "02_thresholds_and_trial_results.ipynb": ("ThresholdExplorer(",),
    "03_tender_tocilizumab.ipynb": ("TrialExplorer(", "PatientCalculator("),
    "04_canakinumab_trials.ipynb": ("TrialExplorer(",),
    "05_benefit_and_harm.ipynb": ("BenefitRiskExplorer(",),
    "07_flare_inactive_disease_jadas.ipynb": ("FollowUpCalculator(",),
    "08_appraising_the_trials.ipynb": ("RiskOfBiasExercise(", "BayesExplorer("),
    "09_what_came_after_tender.ipynb": ("MASCalculator(",),
}
CONTROLS = (
    "[role='slider'], .widget-toggle-button, .widget-radio-box input[type='radio'], "
    "select, .widget-checkbox input[type='checkbox'], .widget-text input[type='number']"
)

# Installed once per page: records the input event's time and every mutation's time.
PROBE = """
() => {
  if (window.__jiaLat) return;
  const lat = {root: null, t0: null, last: null, obs: null};
  lat.arm = (root) => {
    if (lat.obs) lat.obs.disconnect();
    lat.root = root; lat.t0 = null; lat.last = null;
    lat.obs = new MutationObserver(() => { lat.last = performance.now(); });
    lat.obs.observe(root, {subtree: true, childList: true, attributes: true,
                           characterData: true});
  };
  const mark = (event) => {
    if (lat.root && lat.t0 === null && lat.root.contains(event.target)) lat.t0 = event.timeStamp;
  };
  for (const type of ["keydown", "pointerdown", "mousedown"]) {
    document.addEventListener(type, mark, true);
  }
  window.__jiaLat = lat;
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_lab(folder: Path) -> tuple[subprocess.Popen, str]:
    sys.path.insert(0, str(ROOT))
    from tools.lab_workspace import lab_command, sync, write_lab_overrides

    workspace = folder / "workspace"
    sync(ROOT / "notebooks", workspace)
    write_lab_overrides()
    port, token = _free_port(), "bench-" + os.urandom(8).hex()
    env = {**os.environ, "JUPYTER_TOKEN": token, "JUPYTER_RUNTIME_DIR": str(folder / "rt")}
    cmd = lab_command(
        workspace,
        port=port,
        open_browser=False,
        settings_dir=folder / "settings",
        workspaces_dir=folder / "workspaces",
    )
    log = (folder / "lab.log").open("w")
    proc = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                # One named workspace per notebook: a page opens that notebook alone (never the
                # tab of the one measured before, whose hidden cells would be searched too).
                return (
                    proc,
                    f"http://127.0.0.1:{port}/lab/workspaces/bench-{{ws}}/tree/{{nb}}?token={token}",
                )
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    _stop(proc)
    raise RuntimeError("JupyterLab did not start (see its log)")


def _shut_down_kernels(url: str) -> None:
    """Stop every kernel of the server (the notebook measured is done): an idle kernel keeps
    its memory, and nothing of one notebook should run while the next is measured."""
    import json
    import urllib.request
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    headers = {"Authorization": "token " + parts.query.split("token=", 1)[1]}
    listing = urllib.request.Request(f"{base}/api/kernels", headers=headers)
    with urllib.request.urlopen(listing, timeout=10) as answer:
        kernels = json.load(answer)
    for kernel in kernels:
        stop = urllib.request.Request(
            f"{base}/api/kernels/{kernel['id']}", headers=headers, method="DELETE"
        )
        urllib.request.urlopen(stop, timeout=30).close()


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def run_all(page: Any) -> None:
    """Run > Run All Cells, then wait until no cell is queued or running."""
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    page.wait_for_timeout(1500)
    page.locator(".jp-Notebook:visible").first.click()
    page.keyboard.press("Escape")
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel").filter(has_text="Run All Cells").first.click()
    page.wait_for_timeout(1000)
    page.wait_for_function(
        "() => document.querySelector('.jp-Notebook .jp-Cell') && "
        "![...document.querySelectorAll('.jp-InputPrompt')].some(e => e.textContent.includes('*'))",
        timeout=300_000,
    )
    page.wait_for_timeout(1500)


def _settle(page: Any) -> float | None:
    """Wait until the armed view is quiet; return input -> last mutation in ms (None: no input,
    or no change)."""
    start = time.monotonic()
    while True:
        state = page.evaluate("() => [window.__jiaLat.t0, window.__jiaLat.last, performance.now()]")
        t0, last, now = state
        if t0 is not None and now - max(last or t0, t0) >= QUIET_MS:
            # Nothing changed (the option chosen was the one shown): no sample.
            return None if last is None else max(0.0, last - t0)
        if (time.monotonic() - start) * 1000 > SETTLE_TIMEOUT_MS:
            return None if t0 is None or last is None else max(0.0, last - t0)
        page.wait_for_timeout(40)


def _control_name(handle: Any) -> str:
    return handle.evaluate(
        """(el) => {
          const w = el.closest('.jupyter-widgets.widget-inline-hbox, .widget-radio, '
                               + '.widget-toggle-buttons, .widget-dropdown, .widget-checkbox');
          const group = w && (w.querySelector(':scope > .widget-label')?.textContent.trim()
                              || w.querySelector(':scope > .widget-label')?.getAttribute('title'));
          const own = el.getAttribute('aria-label') || el.textContent.trim()
                      || el.parentElement?.textContent.trim() || el.value || '';
          if (el.getAttribute('role') === 'slider') return own || group || 'slider';
          if (el.tagName === 'SELECT') return group || el.getAttribute('aria-label') || 'drop-down';
          return [group, own].filter(Boolean).join(': ') || el.tagName.toLowerCase();
        }"""
    )


def _chosen(option: Any) -> bool:
    """Whether a toggle button or radio button is the group's current choice."""
    return option.evaluate("(el) => el.checked === true || el.classList.contains('mod-active')")


def _operate(page: Any, handle: Any, step: int) -> None:
    kind = handle.evaluate(
        "(el) => el.getAttribute('role') === 'slider' ? 'slider' : "
        "el.type === 'number' ? 'number' : el.tagName.toLowerCase()"
    )
    if kind == "number":
        # A number field answers when the learner confirms (Enter): type a new value (no
        # message yet), then time from the Enter key.
        first = float(handle.get_attribute("data-jia-first") or handle.input_value() or 0)
        handle.evaluate("(el, v) => el.setAttribute('data-jia-first', v)", str(first))
        value = first * (4.0, 1.0, 0.25, 1.0)[step % 4]
        handle.focus()
        page.keyboard.press("Control+A")
        page.keyboard.type(f"{value:g}")
        page.evaluate("() => { window.__jiaLat.t0 = null; window.__jiaLat.last = null; }")
        page.keyboard.press("Enter")
    elif kind == "slider":
        handle.focus()
        now = float(handle.get_attribute("aria-valuenow") or 0)
        top = float(handle.get_attribute("aria-valuemax") or 0)
        low = float(handle.get_attribute("aria-valuemin") or 0)
        right = step % 2 == 0
        if now >= top:
            right = False
        elif now <= low:
            right = True
        page.keyboard.press("ArrowRight" if right else "ArrowLeft")
    elif kind == "select":
        options = handle.evaluate("(el) => [...el.options].map(o => o.value)")
        current = handle.evaluate("(el) => el.value")
        if current in options and len(options) < 2:
            raise LookupError("a drop-down with one option: nothing to choose")
        # The option after the current one (the first when none is chosen yet).
        nxt = (
            options[(options.index(current) + 1) % len(options)]
            if current in options
            else options[0]
        )
        # select_option sends no pointer event: mark the input time the same way.
        handle.evaluate(
            "(el) => el.dispatchEvent(new PointerEvent('pointerdown', {bubbles: true}))"
        )
        handle.select_option(nxt)
    else:
        handle.click()


def _visible_controls(area: Any) -> int:
    return area.evaluate(
        "(el, sel) => [...el.querySelectorAll(sel)].filter(c => c.offsetParent !== null).length",
        CONTROLS,
    )


def _leave_showing_most(page: Any, handle: Any, area: Any, first: str | None) -> None:
    """Leave a drop-down (untimed) on the choice that shows the most controls: its last
    option (the Bayesian explorer's informed prior reveals its source and weight) or its
    first-visit value (the trial explorer's first end point has two time points), the
    first-visit value when they show as many. What it reveals comes next in the page and
    is measured too."""
    try:
        if handle.evaluate("(el) => el.tagName") != "SELECT":
            return
        last = handle.evaluate(
            "(el) => el.options.length ? el.options[el.options.length - 1].value : null"
        )
        counts = {}
        for value in dict.fromkeys(v for v in (last, first) if v is not None):
            if handle.evaluate("(el) => el.value") != value:
                handle.select_option(value)
                page.wait_for_timeout(QUIET_MS + 400)
            counts[value] = _visible_controls(area)
        best = max(counts, key=lambda v: (counts[v], v == first))
        shown = ", ".join(f"{v[:30]!r}: {n}" for v, n in counts.items())
        print(f"      left on {best[:30]!r} (controls shown: {shown})", flush=True)
        if handle.evaluate("(el) => el.value") != best:
            handle.select_option(best)
            page.wait_for_timeout(QUIET_MS + 400)
    except Exception:  # a control that went away: nothing to leave
        pass


def measure_notebook(
    page: Any, url: str, markers: tuple[str, ...], samples: int
) -> tuple[list[dict], list[dict]]:
    """Every control's samples, and the controls found that cannot change (one option)."""
    page.goto(url, wait_until="load", timeout=90_000)
    run_all(page)
    page.evaluate(PROBE)
    results: list[dict] = []
    not_applicable: list[dict] = []
    cells = page.locator(".jp-Notebook .jp-CodeCell")
    for index in range(cells.count()):
        cell = cells.nth(index)
        # A collapsed (source-hidden) cell has no editor: read it without waiting.
        source = cell.evaluate(
            "(el) => el.querySelector('.jp-InputArea-editor')?.textContent || ''"
        )
        marker = next((m for m in markers if m in source), None)
        if marker is None:
            continue
        cell.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        area = cell.locator(".jp-OutputArea").first
        view = marker.rstrip("(")
        controls = area.locator(CONTROLS)
        count = controls.count()
        seen_groups: set[str] = set()
        for i in range(count):
            handle = controls.nth(i)
            if not handle.is_visible() or handle.is_disabled():
                continue
            if handle.evaluate(
                "(el) => el.getAttribute('aria-disabled') === 'true' || "
                "!!el.closest('[disabled], .mod-disabled')"
            ):
                continue  # a slider shown but switched off (its value is not used)
            name = _control_name(handle)
            # A toggle/radio group is one control: time its options in turn.
            group_key = handle.evaluate(
                "(el) => { const s = '.widget-toggle-buttons, .widget-radio';"
                " const g = el.closest(s);"
                " return g ? [...document.querySelectorAll(s)].indexOf(g) : -1; }"
            )
            if group_key != -1:
                if group_key in seen_groups:
                    continue
                seen_groups.add(group_key)
                options = handle.evaluate_handle(
                    "(el) => el.closest('.widget-toggle-buttons, .widget-radio')"
                )
                group = [
                    o
                    for o in options.query_selector_all(
                        ".widget-toggle-button, input[type='radio']"
                    )
                ]
                name = name.split(": ")[0] if ": " in name else name
            else:
                group = None
            times: list[float] = []
            if group is not None:
                group = [o for o in group if o.is_visible()]
            first = handle.evaluate("(el) => el.tagName === 'SELECT' ? el.value : null")
            if first is not None and handle.evaluate("(el) => el.options.length") < 2:
                not_applicable.append({"view": view, "control": name, "why": "one option"})
                continue
            number = handle.evaluate("(el) => el.type === 'number'")
            for step in range(samples * (4 if number else 2)):
                if len(times) == samples:
                    break
                try:
                    handle.scroll_into_view_if_needed(timeout=5_000)
                    page.evaluate("(root) => window.__jiaLat.arm(root)", area.element_handle())
                    if group:
                        # The option after the one now chosen: every click is a change.
                        now = next((k for k, o in enumerate(group) if _chosen(o)), -1)
                        group[(now + 1) % len(group)].click(timeout=5_000)
                    else:
                        _operate(page, handle, step)
                except Exception as exc:  # a control that cannot be operated: say so, go on
                    print(
                        f"    skipped {view} {name[:40]}: {type(exc).__name__}: {str(exc)[:200]}",
                        flush=True,
                    )
                    break
                ms = _settle(page)
                if ms is not None:
                    times.append(ms)
            _leave_showing_most(page, handle, area, first)
            if not times:
                continue
            times_sorted = sorted(times)
            p95 = times_sorted[min(len(times_sorted) - 1, round(0.95 * (len(times_sorted) - 1)))]
            results.append(
                {
                    "view": view,
                    "control": name,
                    "first_ms": times[0],
                    "median_ms": statistics.median(times),
                    "p95_ms": p95,
                    "max_ms": max(times),
                    "n": len(times),
                }
            )
    return results, not_applicable


def _chosen_notebooks() -> dict[str, tuple[str, ...]]:
    """Every tutorial with an explorer, or those whose number is in ``JIA_BENCH_NOTEBOOKS``
    (e.g. ``05,08``: a profiling run of the views being fixed)."""
    wanted = {n.strip() for n in os.environ.get("JIA_BENCH_NOTEBOOKS", "").split(",") if n.strip()}
    return {nb: m for nb, m in EXPLORERS.items() if not wanted or nb[:2] in wanted}


def run(quick: bool = False) -> tuple[list[Row], dict[str, Any]]:
    """Measure every control of every explorer; one row per view (its worst control's p95)."""
    if not CHROMIUM.exists():
        return [unavailable("browser", "browser latency", f"{CHROMIUM} missing")], {}
    from playwright.sync_api import sync_playwright

    samples = 10 if quick else 20
    detail: dict[str, Any] = {"controls": [], "not_applicable": [], "samples_per_control": samples}
    with tempfile.TemporaryDirectory(prefix="jia-bench-browser-") as tmp:
        proc, url = _start_lab(Path(tmp))
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=str(CHROMIUM),
                    headless=True,
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                )
                try:
                    for notebook, markers in _chosen_notebooks().items():
                        page = browser.new_page(viewport={"width": 1280, "height": 720})
                        try:
                            found, idle = measure_notebook(
                                page, url.format(nb=notebook, ws=notebook[:2]), markers, samples
                            )
                        finally:
                            page.close()
                            _shut_down_kernels(url)
                        for item in idle + found:
                            item["notebook"] = notebook
                            said = (
                                f"not applicable ({item['why']})"
                                if "why" in item
                                else f"first {item['first_ms']:6.1f}  p95 {item['p95_ms']:6.1f} ms"
                            )
                            print(
                                f"    {notebook[:2]} {item['view']:<20} {item['control'][:48]:<48}"
                                f" {said}",
                                flush=True,
                            )
                        detail["not_applicable"].extend(idle)
                        detail["controls"].extend(found)
                finally:
                    browser.close()
        finally:
            _stop(proc)
    rows = []
    by_view: dict[str, list[dict]] = {}
    for item in detail["controls"]:
        by_view.setdefault(f"{item['notebook'][:2]} {item['view']}", []).append(item)
    for view, items in by_view.items():
        worst = max(items, key=lambda i: i["p95_ms"])
        first = max(i["first_ms"] for i in items)
        rows.append(
            Row(
                f"browser.{view.replace(' ', '.')}",
                f"browser: {view}, {len(items)} controls, worst p95 ({worst['control'][:40]})",
                worst["p95_ms"] / 1000,
                "s",
                target=f"p95 < {TARGET_MS:.0f} ms",
                met=worst["p95_ms"] < TARGET_MS,
                detail={"worst_first_visit_ms": first, "controls": len(items)},
            )
        )
    if not rows:
        rows.append(unavailable("browser", "browser latency", "no explorer control found"))
    return rows, detail
