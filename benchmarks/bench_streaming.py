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
#: The six core-set variables (each ``<name>_baseline`` and ``<name>_followup`` in the file).
CORE = ("physician_global", "parent_global", "chaq", "active_joints", "lom_joints", "esr")


def acr30_sql(path: str, out: str) -> str:
    """A rough ACR30 in DuckDB SQL, the query a researcher would write: >= 3 of the 6 improved
    by >= 30 % and at most 1 worse by > 30 %. It ignores the missing-value rules (a missing
    value counts as neither improved nor worse), baseline 0 and exact-threshold arithmetic,
    which ``jia-teach score`` decides on purpose; it is a speed peer, not a reference."""
    better = " + ".join(
        f"coalesce({v}_baseline > 0 AND {v}_followup <= 0.7 * {v}_baseline, false)::INT"
        for v in CORE
    )
    worse = " + ".join(f"coalesce({v}_followup > 1.3 * {v}_baseline, false)::INT" for v in CORE)
    return (
        f"COPY (SELECT t.*, ({better}) >= 3 AND ({worse}) <= 1 AS acr30 "
        f"FROM read_csv_auto('{path}') t) TO '{out}' (HEADER)"
    )


DUCKDB_SQL = "import sys, duckdb\nduckdb.sql(sys.argv[1])\n"
#: Dask on a LocalCluster of two single-threaded worker processes (the README's recipe) scoring
#: the Parquet copy; prints the sum of the workers' and the client's peak RSS in MB.
DASK_LOCAL = """
import resource, sys
import dask.dataframe as dd
from dask.distributed import Client, LocalCluster
import jia_teach

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

if __name__ == "__main__":
    with LocalCluster(n_workers=2, threads_per_worker=1, memory_limit="2GB",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        ddf = dd.read_parquet(sys.argv[1], split_row_groups=True)
        jia_teach.score_dask(ddf).to_parquet(sys.argv[2])
        workers = client.run(peak)
        print(sum(workers.values()) + peak(), max(workers.values()), len(workers))
"""


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
    repeats = 1 if quick else 5
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
        sql = acr30_sql(str(csv_path), str(out / "f.csv"))
        cands["duckdb_acr30"] = [sys.executable, "-c", DUCKDB_SQL, sql]
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
    peers = (
        ("duckdb_copy", "DuckDB COPY"),
        ("duckdb_acr30", "DuckDB rough ACR30 in SQL"),
        ("polars_rw", "polars read+write"),
    )
    for peer, label in peers:
        if peer not in t:
            continue
        ratio = t["cli_csv"] / t[peer]
        rows.append(
            Row(
                f"streaming.cli_vs_{peer}",
                f"jia-teach score CSV -> CSV vs {label}",
                t["cli_csv"],
                "s",
                baseline=f"{label} {t[peer]:.2f} s, peak {m[peer]:.0f} MB",
                ratio=ratio,
                target="<= 1.0x" if peer == "duckdb_copy" else "(information)",
                met=ratio <= 1.0 if peer == "duckdb_copy" else None,
            )
        )
    sweep_rows, sweep = memory_sweep(csv_path, pq_path, n, quick)
    rows += sweep_rows
    dask_rows, dask = dask_memory(pq_path, m["cli_parquet"])
    rows += dask_rows
    detail = {
        "memory_sweep_mb": sweep,
        "dask": dask,
        "n_rows": n,
        "csv_bytes": csv_path.stat().st_size,
        "parquet_bytes": pq_path.stat().st_size,
        "repeats": repeats,
        "wall_s": {k: spread(v) for k, v in walls.items()},
        "peak_rss_mb": {k: v for k, v in rss.items()},
        "data": f"benchmarks/bench_streaming.py make_files({n}) from synthetic.visits",
    }
    return rows, detail


#: Rows per row group of every Parquet file of the memory sweep (one size for all, so the sweep
#: measures the file's length, not its row groups; the 0.45 M file then still has 4 groups).
SWEEP_ROW_GROUP = 131_072


def _bigger_csv(csv_path: Path, times: int) -> Path:
    """The CSV ``times`` over (the rows again, one header), in a temporary folder."""
    big_csv = Path(tempfile.mkdtemp(prefix="jia-teach-sweep-")) / "big.csv"
    with open(csv_path, "rb") as src, open(big_csv, "wb") as out:
        header = src.readline()
        out.write(header)
        for _ in range(times):
            src.seek(len(header))
            while block := src.read(16 << 20):
                out.write(block)
    return big_csv


def _smaller_csv(csv_path: Path, rows: int) -> Path:
    small_csv = Path(tempfile.mkdtemp(prefix="jia-teach-sweep-")) / "small.csv"
    with open(csv_path, "rb") as src, open(small_csv, "wb") as out:
        for _ in range(rows + 1):
            out.write(src.readline())
    return small_csv


def _parquet_copy(pq_path: Path, rows: int, row_group: int) -> Path:
    """The benchmark's Parquet rows cut or repeated to ``rows``, in row groups of
    ``row_group`` rows, in a temporary folder."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = pq.read_table(pq_path)
    times = -(-rows // source.num_rows)
    table = pa.concat_tables([source] * times).slice(0, rows)
    path = Path(tempfile.mkdtemp(prefix="jia-teach-sweep-")) / f"{rows}-{row_group}.parquet"
    pq.write_table(table, path, row_group_size=row_group)
    return path


def memory_sweep(
    csv_path: Path, pq_path: Path, n: int, quick: bool
) -> tuple[list[Row], dict[str, Any]]:
    """Peak RSS of the CLI (CSV -> CSV and Parquet -> Parquet) at n/4, n and 4n rows (0.45,
    1.8 and 7.2 M in the full run): constant memory is the target. Every Parquet file has row
    groups of :data:`SWEEP_ROW_GROUP` rows, and one more case holds the 4n rows in a single
    row group (``parquet_one_group``: the reader must bound it by reading in batches). The
    files are made from the benchmark files in the temporary folder and deleted after."""
    import shutil

    big = n if quick else 4 * n
    sizes = [n // 4, n] + ([] if quick else [4 * n])
    csv = {n // 4: _smaller_csv(csv_path, n // 4), n: csv_path}
    if not quick:
        csv[4 * n] = _bigger_csv(csv_path, 4)
    parquet = {rows: _parquet_copy(pq_path, rows, SWEEP_ROW_GROUP) for rows in sizes}
    one_group = {big: _parquet_copy(pq_path, big, big)}
    out = Path(tempfile.mkdtemp(prefix="jia-teach-sweep-out-"))
    peaks: dict[str, dict[int, float]] = {"csv": {}, "parquet": {}, "parquet_one_group": {}}
    try:
        for kind, files, dest in (
            ("csv", csv, "o.csv"),
            ("parquet", parquet, "o.parquet"),
            ("parquet_one_group", one_group, "o.parquet"),
        ):
            for rows, src in files.items():
                cmd = [str(EXE), "score", str(src), "-o", str(out / dest), "--force"]
                peaks[kind][rows] = measure(cmd)[1]
                (out / dest).unlink()
    finally:
        shutil.rmtree(out, ignore_errors=True)
        made = [p for r, p in csv.items() if r != n] + [*parquet.values(), *one_group.values()]
        for path in made:
            shutil.rmtree(path.parent, ignore_errors=True)
    result = []
    for kind in ("csv", "parquet"):
        by_size = peaks[kind]
        low, high = min(by_size.values()), max(by_size.values())
        text = ", ".join(f"{r / 1e6:g} M {mb:.0f} MB" for r, mb in sorted(by_size.items()))
        if kind == "parquet":
            text += f" (row groups of {SWEEP_ROW_GROUP:,} rows)"
        result.append(
            Row(
                f"streaming.memory_sweep_{kind}",
                f"jia-teach score peak memory by file size, {kind}",
                high,
                "MB",
                baseline=text,
                ratio=high / low,
                target="< 600 MB at every size, about constant",
                met=high < 600 and high / low < 1.25,
            )
        )
    single = peaks["parquet_one_group"][big]
    grouped = peaks["parquet"][big]
    result.append(
        Row(
            "streaming.memory_one_row_group",
            f"jia-teach score peak memory, Parquet with all {big / 1e6:g} M rows in one row group",
            single,
            "MB",
            baseline=f"the same rows in row groups of {SWEEP_ROW_GROUP:,}: {grouped:.0f} MB",
            ratio=single / grouped,
            target="< 600 MB, about the row-grouped file's",
            met=single < 600 and single / grouped < 1.25,
        )
    )
    return result, {k: {str(r): v for r, v in d.items()} for k, d in peaks.items()}


def dask_memory(pq_path: Path, cli_parquet_mb: float) -> tuple[list[Row], dict[str, Any]]:
    """Dask on a LocalCluster (2 worker processes, the README's recipe) scoring the Parquet
    copy to a Parquet folder: wall time and the summed peak RSS of the workers and the client."""
    if not _installed("distributed"):
        return [], {"skipped": "dask.distributed is not installed"}
    import shutil
    import time

    out = Path(tempfile.mkdtemp(prefix="jia-teach-dask-")) / "scored"
    start = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-c", DASK_LOCAL, str(pq_path), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    shutil.rmtree(out.parent, ignore_errors=True)
    if r.returncode != 0:
        return [], {"error": r.stderr.strip()[-500:]}
    total, worker, count = r.stdout.split()[-3:]
    return [
        Row(
            "streaming.dask_local_cluster",
            f"Dask LocalCluster ({count} workers) Parquet -> Parquet, peak memory (sum)",
            float(total),
            "MB",
            baseline=f"jia-teach score Parquet {cli_parquet_mb:.0f} MB; {wall:.1f} s wall",
            ratio=float(total) / cli_parquet_mb,
            target="(information)",
            detail={"wall_s": wall, "worker_peak_mb": float(worker)},
        )
    ], {"wall_s": wall, "sum_peak_mb": float(total), "worker_peak_mb": float(worker)}
