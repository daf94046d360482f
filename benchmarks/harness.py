"""Shared pieces of the benchmark run: timing, statistics, machine facts, result rows.

Every figure is a median (or a percentile) of repeated wall-clock timings
(``time.perf_counter``), and every ratio compares two timings taken in the
same run, interleaved, because the machine is shared and noisy.
"""

from __future__ import annotations

import datetime as _dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Row:
    """One line of the table and of ``results.json``."""

    id: str
    what: str
    value: float | None
    unit: str
    baseline: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    status: str = "ok"
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def unavailable(id_: str, what: str, reason: str, target: str = "") -> Row:
    """A row for a measurement that could not be taken (and why)."""
    return Row(id_, what, None, "", target=target, status=f"not available: {reason}")


def time_once(func: Callable[[], object]) -> float:
    """Wall seconds of one call."""
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def interleaved(
    funcs: Mapping[str, Callable[[], object]], repeats: int, warmup: int = 1
) -> dict[str, list[float]]:
    """Time every function ``repeats`` times, round-robin, rotating the order each round.

    Interleaving puts each candidate and its baseline under the same machine
    load; rotating the order removes any first-in-the-round advantage.
    """
    names = list(funcs)
    for _ in range(warmup):
        for name in names:
            funcs[name]()
    out: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeats):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            out[name].append(time_once(funcs[name]))
    return out


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def percentile(xs: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear interpolation between order statistics."""
    s = sorted(xs)
    if not s:
        raise ValueError("no samples")
    pos = (len(s) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def spread(xs: list[float]) -> dict[str, float]:
    """Median, min, max and interquartile range of a sample (for results.json)."""
    return {
        "n": len(xs),
        "median": median(xs),
        "min": min(xs),
        "max": max(xs),
        "p25": percentile(xs, 25),
        "p75": percentile(xs, 75),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _meminfo_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def machine() -> dict[str, Any]:
    """Facts about the machine and software the figures were taken on."""
    import numpy
    import pandas

    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": _meminfo_gb(),
        "load_average_at_start": [round(x, 2) for x in load] if load else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
        "executable": sys.executable,
    }


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        if value < 1e-3:
            return f"{value * 1e6:.0f} us"
        if value < 1:
            return f"{value * 1e3:.1f} ms"
        return f"{value:.2f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "rows/s":
        return f"{value / 1e6:.2f} M rows/s"
    return f"{value:g} {unit}".strip()


def print_table(rows: list[Row], out: Any = sys.stdout) -> None:
    """A plain fixed-width table: measure, value, baseline, ratio, target, met."""
    header = ("measure", "value", "baseline (same run)", "ratio", "target", "met")
    lines = []
    for r in rows:
        if r.status != "ok":
            lines.append((r.what, "n/a", "(see below)", "", r.target, "n/a"))
            continue
        ratio = "" if r.ratio is None else f"{r.ratio:.2f}x"
        met = "" if r.met is None else ("yes" if r.met else "NO")
        lines.append((r.what, fmt_value(r.value, r.unit), r.baseline, ratio, r.target, met))
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    widths = [min(w, 60) for w in widths]

    def emit(cells: tuple[str, ...]) -> None:
        text = "  ".join(c[:w].ljust(w) for c, w in zip(cells, widths, strict=True))
        print(text.rstrip(), file=out)

    emit(header)
    emit(tuple("-" * w for w in widths))
    for line in lines:
        emit(line)
