"""``jia-teach score --long``: a visit table paired in bounded memory (issue 20).

Each candidate runs in its own interpreter (wall time and peak RSS by
``bench_streaming.measure``):

* ``jia-teach score visits.csv --long --patient id --time date`` on 1,000,000 and
  10,000,000 visits (files over 16 MB take the bounded path: partitioned by patient on
  disk, a part paired at a time, merged; jia_teach/io/longfile.py), target under 600 MB;
* the in-memory path on the same 1,000,000 visits (``score_file`` with the threshold
  raised), the time and memory the bounded path is compared with;
* DuckDB pairing each visit with the patient's first (a window function and a join, written
  to CSV; no checks, no scoring): the peer a researcher might use instead.

The tables: ``bench_visits.long_table`` (string ids, 5 visits a patient, rows shuffled),
written once per size to the temporary folder (10^7 visits: 435 MB; about a minute to make).
``--quick``: 1,000,000 visits only.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from bench_streaming import EXE, _installed, measure
from harness import Row, interleaved, median, spread

IN_MEMORY = (
    "import sys\n"
    "import jia_teach.io.longfile as lf\n"
    "from jia_teach.io.scorefile import score_file\n"
    "lf.IN_MEMORY_BYTES = 1 << 50\n"
    "score_file(sys.argv[1], sys.argv[2], long=True, patient='id', time='date', force=True)\n"
)
DUCKDB_FIRST = (
    "import sys, duckdb\n"
    'duckdb.sql(f"""COPY (WITH v AS (SELECT *, row_number() OVER (PARTITION BY id ORDER BY '
    "date) AS k FROM read_csv_auto('{sys.argv[1]}')) SELECT f.*, b.* FROM v f JOIN v b ON "
    "f.id = b.id AND b.k = 1 WHERE f.k > 1 ORDER BY f.id, f.date) TO '{sys.argv[2]}' "
    '(HEADER)""")\n'
)


def make_file(n: int) -> Path:
    """A long CSV of ``n`` visits (5 a patient), made once per size."""
    from bench_visits import long_table

    folder = Path(tempfile.gettempdir()) / "jia-teach-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"long-{n}.csv"
    if not path.exists():
        t = long_table(n // 5)
        t["date"] = t["date"].dt.strftime("%Y-%m-%d")
        tmp = path.with_suffix(".part")
        t.to_csv(tmp, index=False)
        tmp.replace(path)
    return path


def _cli(src: Path, out: Path) -> list[str]:
    long = ["--long", "--patient", "id", "--time", "date"]
    return [str(EXE), "score", str(src), *long, "-o", str(out), "--force"]


def run(quick: bool = False) -> tuple[list[Row], dict[str, Any]]:
    repeats = 1 if quick else 3
    out = Path(tempfile.mkdtemp(prefix="jia-teach-bench-long-"))
    small = make_file(1_000_000)
    cands = {
        "bounded_1e6": _cli(small, out / "a.csv"),
        "in_memory_1e6": [sys.executable, "-c", IN_MEMORY, str(small), str(out / "b.csv")],
    }
    if _installed("duckdb"):
        cands["duckdb_first_1e6"] = [sys.executable, "-c", DUCKDB_FIRST, str(small)]
        cands["duckdb_first_1e6"].append(str(out / "d.csv"))
    rss: dict[str, list[float]] = {k: [] for k in cands}

    def probe(name: str) -> None:  # wall time by interleaved(); the peak RSS kept here
        rss[name].append(measure(cands[name])[1])

    walls = interleaved({k: (lambda k=k: probe(k)) for k in cands}, repeats, warmup=0)
    same = (out / "a.csv").read_bytes() == (out / "b.csv").read_bytes()
    big_wall = big_rss = None
    if not quick:
        big = make_file(10_000_000)
        big_wall, big_rss = measure(_cli(big, out / "c.csv"))
    for f in out.iterdir():
        f.unlink()
    out.rmdir()
    t = {k: median(v) for k, v in walls.items()}
    m = {k: max(v) for k, v in rss.items()}
    ratio = {k: (t["bounded_1e6"] / t[k], m["bounded_1e6"] / m[k]) for k in t}
    rows = [
        Row(
            f"long.{what}_1e6",
            label,
            value,
            unit,
            baseline=f"in-memory path {base}",
            ratio=ratio["in_memory_1e6"][i],
            target=target,
            met=met,
            detail={"byte_identical_output": same},
        )
        for i, (what, label, value, unit, base, target, met) in enumerate(
            [
                (
                    "bounded",
                    "jia-teach score --long, 1,000,000 visits (43 MB CSV), bounded path",
                    t["bounded_1e6"],
                    "s",
                    f"{t['in_memory_1e6']:.1f} s",
                    "<= 1.5x in memory",
                    ratio["in_memory_1e6"][0] <= 1.5,
                ),
                (
                    "peak_rss",
                    "its peak memory",
                    m["bounded_1e6"],
                    "MB",
                    f"{m['in_memory_1e6']:.0f} MB",
                    "< 600 MB",
                    m["bounded_1e6"] < 600,
                ),
            ]
        )
    ]
    if big_rss is not None:
        rows.append(
            Row(
                "long.peak_rss_1e7",
                "jia-teach score --long, 10,000,000 visits (435 MB CSV): peak memory",
                big_rss,
                "MB",
                baseline=f"wall {big_wall:.0f} s",
                target="< 600 MB",
                met=big_rss < 600,
                detail={"wall_s": big_wall},
            )
        )
    if "duckdb_first_1e6" in t:
        rows.append(
            Row(
                "long.vs_duckdb",
                "--long 1,000,000 visits vs DuckDB first-visit pairing (no checks, no scoring)",
                t["bounded_1e6"],
                "s",
                baseline=f"DuckDB {t['duckdb_first_1e6']:.2f} s, "
                f"peak {m['duckdb_first_1e6']:.0f} MB",
                ratio=ratio["duckdb_first_1e6"][0],
                target="(information)",
            )
        )
    detail = {
        "repeats": repeats,
        "wall_s": {k: spread(v) for k, v in walls.items()},
        "peak_rss_mb": rss,
        "big": {"wall_s": big_wall, "peak_rss_mb": big_rss},
        "data": "benchmarks/bench_long.py make_file(n) from bench_visits.long_table",
    }
    return rows, detail
