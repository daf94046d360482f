"""Profiles (pyinstrument) of the measurements that miss their target.

``run.py --profile`` calls :func:`profile_missed` after the table: the scoring
rows profile ``score`` on the benchmark table, a widget row profiles that
control being cycled. The text is printed and stored in results.json.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from harness import ROOT, Row

_WIDGET_SCRIPT = """
import sys
sys.path.insert(0, {bench!r})
from pyinstrument import Profiler
import bench_widgets as bw
import jia_teach.widgets as widgets
view = getattr(widgets, {name!r})()
widget = view.controls[{control!r}]
values = bw._cycle(widget, 60)
profiler = Profiler(interval=0.0005)
profiler.start()
for v in values:
    widget.value = v
profiler.stop()
print(profiler.output_text(unicode=False, color=False))
"""


def _installed() -> bool:
    try:
        import pyinstrument  # noqa: F401
    except ImportError:
        return False
    return True


def profile_score(repeats: int = 3) -> str:
    """Text profile of ``score`` on the 1,000,000-row benchmark table."""
    from pyinstrument import Profiler
    from synthetic import visits

    import jia_teach

    df = visits()
    jia_teach.score(df)  # warm
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(repeats):
        jia_teach.score(df)
    profiler.stop()
    return profiler.output_text(unicode=False, color=False)


def profile_widget(name: str, control: str) -> str:
    """Text profile of 60 changes of one control, in a fresh interpreter."""
    code = _WIDGET_SCRIPT.format(bench=str(ROOT / "benchmarks"), name=name, control=control)
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=None,
    )
    return proc.stdout if proc.returncode == 0 else proc.stderr[-2000:]


def profile_missed(rows: list[Row]) -> dict[str, Any]:
    """Profile every missed target that is package code; returns id -> profile text."""
    if not _installed():
        return {"error": "pyinstrument is not installed: .venv/bin/pip install -e '.[bench]'"}
    out: dict[str, Any] = {}
    missed = [r for r in rows if r.met is False]
    if any(r.id.startswith("scoring.") for r in missed):
        out["scoring.score"] = profile_score()
    for r in missed:
        if r.id.startswith("widgets.") and r.id.count(".") == 2:
            _, name, control = r.id.split(".")
            out[r.id] = profile_widget(name, control)
    return out
