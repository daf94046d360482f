"""Import time: ``import jia_teach`` against ``import pandas``, each in a fresh process.

Each sample is a new interpreter that times the import statement itself with
``time.perf_counter`` (interpreter start-up excluded) and reports which heavy
modules ended up loaded. The two imports alternate, many times, and the
medians are compared. ``jia_teach`` imports pandas, so the ratio is at least 1.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from harness import ROOT, Row, median, spread

HEAVY = ("matplotlib", "ipywidgets", "scipy", "statsmodels", "IPython", "pyarrow")

_PROBE = """
import sys, time, json
t0 = time.perf_counter()
import {module}
t1 = time.perf_counter()
heavy = [m for m in {heavy!r} if m in sys.modules]
print(json.dumps({{"s": t1 - t0, "heavy": heavy, "n_modules": len(sys.modules)}}))
"""


def probe(module: str) -> dict[str, Any]:
    """Import ``module`` in a fresh interpreter; seconds, heavy modules, module count."""
    code = _PROBE.format(module=module, heavy=HEAVY)
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(quick: bool = False) -> tuple[list[Row], dict[str, Any]]:
    repeats = 9 if quick else 31
    for module in ("pandas", "jia_teach"):  # warm the disk cache and __pycache__
        probe(module)
    samples: dict[str, list[float]] = {"pandas": [], "jia_teach": []}
    last: dict[str, dict[str, Any]] = {}
    for r in range(repeats):
        order = ("pandas", "jia_teach") if r % 2 == 0 else ("jia_teach", "pandas")
        for module in order:
            res = probe(module)
            samples[module].append(res["s"])
            last[module] = res
    pd_m = median(samples["pandas"])
    jt_m = median(samples["jia_teach"])
    heavy = last["jia_teach"]["heavy"]
    ratio = jt_m / pd_m
    rows = [
        Row(
            "import.jia_teach_vs_pandas",
            "import jia_teach (fresh process)",
            jt_m,
            "s",
            baseline=f"import pandas {pd_m * 1e3:.0f} ms",
            ratio=ratio,
            target="<= 1.3x pandas",
            met=ratio <= 1.3,
            detail={"heavy_modules_loaded": heavy},
        ),
    ]
    detail = {
        "repeats": repeats,
        "timings_s": {k: spread(v) for k, v in samples.items()},
        "heavy_modules_after_import_jia_teach": heavy,
        "modules_loaded": {k: v["n_modules"] for k, v in last.items()},
    }
    return rows, detail
