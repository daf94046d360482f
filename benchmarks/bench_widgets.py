"""Widget latency: set a control 200 times and time each change to the end of its update.

Without a front end, ipywidgets runs ``observe`` callbacks synchronously
inside the ``value`` setter, so the time of ``control.value = v`` is the time
from the change to the finished update (recompute and redraw, including the
PNG render into the ``Image`` widget). Each view is built once (its build time
and the first, cold, change are reported separately), then two or three
representative controls are cycled through values spread over their range.
Every change is checked to have run ``update()`` exactly once.

The views are measured in a separate interpreter (this file run as a script)
so that matplotlib and the views share nothing with the rest of the run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

#: Not views a learner moves: the self-check, the base class (helpers are not classes at all).
SKIP = {"SelfCheck", "View"}

#: Representative controls per view (the slider a learner moves most), if present.
PREFERRED: dict[str, tuple[str, ...]] = {
    "PatientCalculator": ("active_joints_followup", "worsening_limit"),
    "FollowUpCalculator": ("physician_global_visit2", "active_joints_visit2"),
    "ThresholdExplorer": ("level", "worsening_limit"),
    "TrialExplorer": ("trial", "endpoint"),
    "BenefitRiskExplorer": ("benefit", "harm", "f_benefit"),  # benefit: the slowest redraw
    "BayesExplorer": ("threshold", "weight"),
}
#: Settings applied before measuring, so that the controls timed do real work (the weight
#: of an informed prior is inert, and cached, under a named prior).
PRESET: dict[str, dict[str, Any]] = {"BayesExplorer": {"prior": "informed"}}
SETS_PER_CONTROL = 200
WARMUP = 5


def _candidates(view: Any, name: str) -> list[str]:
    """The preferred controls (up to three), else the first sliders/choices, at least two."""
    controls = view.controls
    chosen = [c for c in PREFERRED.get(name, ()) if c in controls]
    if len(chosen) < 2:
        ranked = sorted(
            (c for c in controls if c not in chosen),
            key=lambda c: 0 if hasattr(controls[c], "max") else 1 if _options(controls[c]) else 2,
        )
        for c in ranked:
            w = controls[c]
            if getattr(w, "disabled", False):
                continue
            if hasattr(w, "max") or _options(w) or isinstance(w.value, bool):
                chosen.append(c)
            if len(chosen) == 2:
                break
    return chosen[:3]


def _options(widget: Any) -> list[Any]:
    opts = getattr(widget, "options", None)
    if not opts:
        return []
    values = []
    for o in opts:
        values.append(o[1] if isinstance(o, tuple) and len(o) == 2 else o)
    return values


def _cycle(widget: Any, count: int) -> list[Any]:
    """``count`` values, each different from the one before, covering the range."""
    if isinstance(widget.value, bool):
        base = [not widget.value, widget.value]
    elif hasattr(widget, "max") and hasattr(widget, "min") and not isinstance(widget.value, tuple):
        lo, hi = widget.min, widget.max
        step = getattr(widget, "step", None) or (hi - lo) / 20
        n_steps = max(1, round((hi - lo) / step))
        stride = max(1, n_steps // 20)
        grid = [lo + i * stride * step for i in range(n_steps // stride + 1)]
        grid = [min(hi, round(g, 10)) for g in grid]
        if isinstance(widget.value, int):
            grid = sorted({round(g) for g in grid})
        base = grid + grid[-2:0:-1]  # up then down
    else:
        base = _options(widget)
    if len(base) < 2:
        return []
    out: list[Any] = []
    prev = widget.value
    i = 0
    while len(out) < count and i < count * 4:
        v = base[i % len(base)]
        i += 1
        if v != prev:
            out.append(v)
            prev = v
    return out


def _measure(name: str) -> dict[str, Any]:
    import jia_teach.widgets as widgets

    t0 = time.perf_counter()
    cls = getattr(widgets, name)
    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    view = cls()
    build_s = time.perf_counter() - t0
    if name in PRESET:
        view.set(**PRESET[name])
    original = view.update
    calls = [0]

    def counted() -> None:
        calls[0] += 1
        original()

    view.update = counted  # instance attribute: View._on_change calls self.update()
    result: dict[str, Any] = {
        "view": name,
        "import_s": import_s,
        "build_s": build_s,
        "controls": {},
    }
    for cname in _candidates(view, name):
        widget = view.controls[cname]
        values = _cycle(widget, SETS_PER_CONTROL + WARMUP + 1)
        if len(values) < SETS_PER_CONTROL + WARMUP + 1:
            result["controls"][cname] = {"error": "could not find enough distinct values"}
            continue
        times: list[float] = []
        first_visit: dict[str, float] = {}  # a cache miss costs what a learner meets first
        bad_updates = 0
        cold = None
        try:
            for i, v in enumerate(values):
                calls[0] = 0
                start = time.perf_counter()
                widget.value = v
                elapsed = time.perf_counter() - start
                if calls[0] != 1:
                    bad_updates += 1
                first_visit.setdefault(repr(v), elapsed)
                if i == 0:
                    cold = elapsed
                elif i > WARMUP:
                    times.append(elapsed)
        except Exception as exc:  # a control under construction must not stop the others
            result["controls"][cname] = {"error": f"setting {v!r}: {type(exc).__name__}: {exc}"}
            continue
        result["controls"][cname] = {
            "widget": type(widget).__name__,
            "values": [values[0], values[-1]] if len(set(map(str, values))) > 2 else values[:2],
            "distinct_values": len(set(map(str, values))),
            "first_change_s": cold,
            "first_visit_max_s": max(first_visit.values()),
            "times_s": times,
            "changes_without_exactly_one_update": bad_updates,
        }
    return result


def main() -> None:
    """Measure every view named by ``jia_teach.widgets`` and print JSON on stdout."""
    import jia_teach.widgets as widgets
    from jia_teach.widgets._base import View

    names = [
        n
        for n in widgets.__all__
        if n not in SKIP
        and isinstance(getattr(widgets, n), type)
        and issubclass(getattr(widgets, n), View)
    ]
    out: dict[str, Any] = {}
    for name in names:
        try:
            out[name] = _measure(name)
        except ModuleNotFoundError as exc:
            out[name] = {"view": name, "unavailable": f"module not written yet ({exc.name})"}
        except Exception as exc:  # a view under construction must not stop the run
            out[name] = {"view": name, "unavailable": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(out, default=str))


def run(quick: bool = False) -> tuple[list[Any], dict[str, Any]]:
    from harness import ROOT, Row, percentile, spread, unavailable

    target = "p95 < 50 ms"
    proc = subprocess.run(
        [sys.executable, __file__],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**_env(), "MPLBACKEND": "Agg"},
    )
    if proc.returncode != 0:
        reason = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return [unavailable("widgets", "widget latency", reason, target)], {}
    measured = json.loads(proc.stdout.strip().splitlines()[-1])
    rows: list[Row] = []
    detail: dict[str, Any] = {}
    for name, res in measured.items():
        if "unavailable" in res:
            reason = res["unavailable"]
            rows.append(unavailable(f"widgets.{name}", f"widget {name}", reason, target))
            detail[name] = res
            continue
        detail[name] = {k: v for k, v in res.items() if k != "controls"}
        detail[name]["controls"] = {}
        if not res["controls"]:
            rows.append(unavailable(f"widgets.{name}", f"widget {name}", "no control", target))
        for cname, c in res["controls"].items():
            what = f"widget {name}.{cname}"
            if "error" in c:
                rows.append(unavailable(f"widgets.{name}.{cname}", what, c["error"], target))
                detail[name]["controls"][cname] = c
                continue
            ts = c.pop("times_s")
            p50, p95 = percentile(ts, 50), percentile(ts, 95)
            c.update(spread(ts), p50_s=p50, p95_s=p95, p99_s=percentile(ts, 99))
            worst = c["first_visit_max_s"]
            detail[name]["controls"][cname] = c
            rows.append(
                Row(
                    f"widgets.{name}.{cname}",
                    f"{what} p95",
                    p95,
                    "s",
                    baseline=f"p50 {p50 * 1e3:.1f}; worst 1st {worst * 1e3:.0f} ms",
                    target=target,
                    met=p95 < 0.050 and c["changes_without_exactly_one_update"] == 0,
                    detail={"p50_s": p50, "n": len(ts)},
                )
            )
    return rows, detail


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


if __name__ == "__main__":
    main()
