"""Run the jia-teach benchmarks, print a table and write benchmarks/results.json.

Usage::

    .venv/bin/python benchmarks/run.py            # everything (several minutes)
    .venv/bin/python benchmarks/run.py --quick    # fewer repeats, no nbval/book
    .venv/bin/python benchmarks/run.py --only scoring,import
    .venv/bin/python benchmarks/run.py --quick --profile   # profiles of missed targets

Every ratio compares timings taken in the same run, interleaved; see
benchmarks/README.md for the method.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent  # a script: its folder is already on sys.path

import bench_browser  # noqa: E402
import bench_cohort  # noqa: E402
import bench_import  # noqa: E402
import bench_long  # noqa: E402
import bench_pool  # noqa: E402
import bench_scoring  # noqa: E402
import bench_streaming  # noqa: E402
import bench_suite  # noqa: E402
import bench_visits  # noqa: E402
import bench_widgets  # noqa: E402
from harness import Row, machine, print_table, unavailable  # noqa: E402

SECTIONS = {
    "import": bench_import.run,
    "scoring": bench_scoring.run,
    "streaming": bench_streaming.run,
    "visits": bench_visits.run,
    "long": bench_long.run,  # --long in bounded memory: 10^6 and 10^7 visits (issue 20)
    "cohort": bench_cohort.run,
    "pool": bench_pool.run,
    "widgets": bench_widgets.run,
    "suite": bench_suite.run,
    "browser": bench_browser.run,  # Chromium + JupyterLab: input event to last DOM change
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer repeats; skip the nbval and book timings"
    )
    parser.add_argument(
        "--only", default="", help=f"comma-separated subset of: {', '.join(SECTIONS)}"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile (pyinstrument) every missed target in package code and print it",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=HERE / "results.json",
        help="where to write the results (default: benchmarks/results.json)",
    )
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()] or list(SECTIONS)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section {unknown[0]!r}; choose from {', '.join(SECTIONS)}")

    info = machine()
    print(
        f"jia-teach benchmarks  {info['date']}  {info['cpu_model']}  nproc={info['nproc']}  "
        f"python {info['python']}  numpy {info['numpy']}  pandas {info['pandas']}"
        f"{'  (quick)' if args.quick else ''}",
        flush=True,
    )
    rows: list[Row] = []
    details: dict[str, object] = {}
    durations: dict[str, float] = {}
    for name in chosen:
        print(f"... {name}", flush=True)
        start = time.perf_counter()
        try:
            section_rows, detail = SECTIONS[name](quick=args.quick)
        except Exception as exc:  # one broken section must not hide the others
            traceback.print_exc()
            section_rows = [unavailable(name, name, f"{type(exc).__name__}: {exc}")]
            detail = {"error": traceback.format_exc()}
        durations[name] = time.perf_counter() - start
        rows.extend(section_rows)
        details[name] = detail
        gc.collect()

    print()
    print_table(rows)
    for r in rows:
        if r.status != "ok":
            print(f"  n/a  {r.what}: {r.status}")
        elif r.detail.get("note"):
            print(f"  note {r.what}: {r.detail['note']}")
    missed = [r for r in rows if r.met is False]
    print(f"\n{sum(r.met is True for r in rows)} targets met, {len(missed)} missed.")

    profiles: dict[str, object] = {}
    if args.profile:
        import profiling

        profiles = profiling.profile_missed(rows)
        for key, text in profiles.items():
            print(f"\n=== profile: {key}\n{text}")

    result = {
        "machine": info,
        "quick": args.quick,
        "sections": chosen,
        "section_wall_s": durations,
        "rows": [r.as_dict() for r in rows],
        "details": details,
        "profiles": profiles,
    }
    args.output.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
