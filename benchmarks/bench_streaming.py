"""The CLI end to end on a large CSV, against pandas reading and writing the same file.

Every candidate runs in its own fresh interpreter (so peak memory is its own): wall time
from start to exit, peak resident memory from ``os.wait4`` (the child's ``ru_maxrss``),
both taken by a small launcher process (see ``LAUNCHER``).
Candidates are interleaved, the order rotated each round.

* ``jia-teach score big.csv -o out.csv`` (streamed, all 13 output columns);
* ``pandas.read_csv(big.csv).to_csv(out.csv)``: the baseline of issue 11 (time target);
* ``pandas.read_csv(big.csv)`` alone: the memory baseline (peak under 2x of it, and under
  600 MB whatever the size);
* Parquet (issue 14): the same rows as ``big.parquet`` scored to ``.parquet``, against the
  CSV run;
* the peers a researcher would use instead (issue 21; the ``bench`` extra installs them):
  DuckDB ``COPY (SELECT * FROM read_csv_auto(...)) TO ... (HEADER)`` (read + write, no
  scoring: the I/O floor) and polars ``read_csv`` + ``write_csv``. Skipped, and said so, when
  they are not installed.

The file is generated once per size (cached in the temporary folder): registry-like rows of
about 120 bytes (a string id, a visit date, a site, the twelve core-set values from
``synthetic.visits``, fever), so 1.8 M rows is about the 217 MB file of the issue.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from harness import Row, median, spread

N_ROWS = 1_800_000
N_QUICK = 300_000
EXE = Path(sys.executable).with_name("jia-teach")
PANDAS_RW = (
    "import sys, pandas as pd\ndf = pd.read_csv(sys.argv[1])\ndf.to_csv(sys.argv[2], index=False)\n"
)
PANDAS_R = "import sys, pandas as pd\ndf = pd.read_csv(sys.argv[1])\n"
DUCKDB_COPY = (
    "import sys, duckdb\n"
    "duckdb.sql(f\"COPY (SELECT * FROM read_csv_auto('{sys.argv[1]}')) TO '{sys.argv[2]}' "
    '(HEADER)")\n'
)
POLARS_RW = "import sys, polars as pl\npl.read_csv(sys.argv[1]).write_csv(sys.argv[2])\n"


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def make_files(n: int) -> tuple[Path, Path]:
    """The CSV (and a Parquet copy) of ``n`` registry-like rows, made once per size."""
    import numpy as np
    from synthetic import visits

    folder = Path(tempfile.gettempdir()) / "jia-teach-bench"
    folder.mkdir(exist_ok=True)
    csv_path, pq_path = folder / f"registry-{n}.csv", folder / f"registry-{n}.parquet"
    if not csv_path.exists():
        t = visits(n)
        rng = np.random.default_rng(11)
        t.insert(0, "patient", [f"REG-{i:08d}" for i in t.pop("patient")])
        days = rng.integers(0, 3650, n).astype("timedelta64[D]")
        t.insert(1, "visit_date", (np.datetime64("2014-01-01") + days).astype(str))
        t.insert(2, "site", rng.choice(["Genova", "Cincinnati", "Toronto", "Utrecht"], n))
        tmp = csv_path.with_suffix(".part")
        t.to_csv(tmp, index=False)
        tmp.replace(csv_path)
    if not pq_path.exists():
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        table = pacsv.read_csv(
            csv_path, convert_options=pacsv.ConvertOptions(strings_can_be_null=True)
        )
        pq.write_table(table, pq_path.with_suffix(".part"))
        pq_path.with_suffix(".part").replace(pq_path)
    return csv_path, pq_path


#: Runs the candidate and reports its wall time and peak RSS. A small launcher process in
#: between matters: Linux carries a process's memory high-water mark across fork + exec
#: (``signal->maxrss``), so a child forked straight from this (large) benchmark process
#: would report at least this process's RSS.
LAUNCHER = (
    "import os, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))\n"
)


def measure(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one run of ``cmd`` in a new process."""
    r = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *cmd], capture_output=True, text=True, check=False
    )
    wall, maxrss_kb, code = r.stdout.split()
    if int(code) != 0:
        raise RuntimeError(f"{cmd[:3]} failed ({code}): {r.stderr.strip()[-300:]}")
    return float(wall), int(maxrss_kb) / 1024.0  # KB on Linux


def run(quick: bool = False) -> tuple[list[Row], dict[str, Any]]:
    n = N_QUICK if quick else N_ROWS
    repeats = 1 if quick else 3
    csv_path, pq_path = make_files(n)
    out = Path(tempfile.mkdtemp(prefix="jia-teach-bench-out-"))
    cands = {
        "cli_csv": [str(EXE), "score", str(csv_path), "-o", str(out / "a.csv"), "--force"],
        "pandas_rw": [sys.executable, "-c", PANDAS_RW, str(csv_path), str(out / "b.csv")],
        "pandas_read": [sys.executable, "-c", PANDAS_R, str(csv_path)],
        "cli_parquet": [str(EXE), "score", str(pq_path), "-o", str(out / "c.parquet"), "--force"],
    }
    if _installed("duckdb"):
        cands["duckdb_copy"] = [
            sys.executable,
            "-c",
            DUCKDB_COPY,
            str(csv_path),
            str(out / "d.csv"),
        ]
    if _installed("polars"):
        cands["polars_rw"] = [sys.executable, "-c", POLARS_RW, str(csv_path), str(out / "e.csv")]
    walls: dict[str, list[float]] = {k: [] for k in cands}
    rss: dict[str, list[float]] = {k: [] for k in cands}
    names = list(cands)
    for r in range(repeats):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            w, m = measure(cands[name])
            walls[name].append(w)
            rss[name].append(m)
    for f in out.iterdir():
        f.unlink()
    out.rmdir()
    t = {k: median(v) for k, v in walls.items()}
    m = {k: max(v) for k, v in rss.items()}
    size_mb = csv_path.stat().st_size / 1e6
    time_ratio = t["cli_csv"] / t["pandas_rw"]
    mem_ratio = m["cli_csv"] / m["pandas_read"]
    rows = [
        Row(
            "streaming.cli_vs_read_write",
            f"jia-teach score, {n:,} rows CSV ({size_mb:.0f} MB) -> CSV",
            t["cli_csv"],
            "s",
            baseline=f"read_csv+to_csv {t['pandas_rw']:.1f} s",
            ratio=time_ratio,
            target="<= 1.5x read+write",
            met=time_ratio <= 1.5,
        ),
        Row(
            "streaming.peak_rss",
            "jia-teach score peak memory",
            m["cli_csv"],
            "MB",
            baseline=f"read_csv alone {m['pandas_read']:.0f} MB",
            ratio=mem_ratio,
            target="< 2x read_csv and < 600 MB",
            met=mem_ratio < 2.0 and m["cli_csv"] < 600,
            detail={"pandas_read_write_peak_mb": m["pandas_rw"]},
        ),
        Row(
            "streaming.parquet_vs_csv",
            "jia-teach score, same rows Parquet -> Parquet",
            t["cli_parquet"],
            "s",
            baseline=f"CSV -> CSV {t['cli_csv']:.1f} s",
            ratio=t["cli_parquet"] / t["cli_csv"],
            target="(information)",
            detail={"peak_rss_mb": m["cli_parquet"]},
        ),
    ]
    for peer, label in (("duckdb_copy", "DuckDB COPY"), ("polars_rw", "polars read+write")):
        if peer not in t:
            continue
        ratio = t["cli_csv"] / t[peer]
        rows.append(
            Row(
                f"streaming.cli_vs_{peer}",
                f"jia-teach score CSV -> CSV vs {label} (no scoring)",
                t["cli_csv"],
                "s",
                baseline=f"{label} {t[peer]:.2f} s, peak {m[peer]:.0f} MB",
                ratio=ratio,
                target="<= 1.0x" if peer == "duckdb_copy" else "(information)",
                met=ratio <= 1.0 if peer == "duckdb_copy" else None,
            )
        )
    detail = {
        "n_rows": n,
        "csv_bytes": csv_path.stat().st_size,
        "parquet_bytes": pq_path.stat().st_size,
        "repeats": repeats,
        "wall_s": {k: spread(v) for k, v in walls.items()},
        "peak_rss_mb": {k: v for k, v in rss.items()},
        "data": f"benchmarks/bench_streaming.py make_files({n}) from synthetic.visits",
    }
    return rows, detail
