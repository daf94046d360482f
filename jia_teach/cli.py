"""Command line: ``jia-teach score visits.csv -o scored.csv``.

This module only parses the arguments and prints: the work, and every guarantee, is
:func:`jia_teach.score_file` (``jia_teach/io/scorefile.py``). The promises, each tested by
running the real console script:

* The input is only ever opened for reading; no file but the output is written, atomically
  and privately (an anonymous file named only once complete: a SIGKILL leaves nothing); an
  existing output is replaced only with ``--force``; a device, FIFO, folder, link, or the input
  itself (by path or by inode) is refused.
* Any user error (a bad column, value or file, an unwritable output, a full disk) ends with one
  line on stderr, naming the file's true physical line, the column, the value as written and
  the allowed range, and exit status 2. Ctrl-C at any moment (even while Python is still
  importing) ends with one line and status 130, SIGTERM 143, SIGHUP 129, the old output intact
  and no temporary file left.
* CSV output is written from parsed values in one dialect (``,`` unless
  ``--output-delimiter``), text cells a spreadsheet would run as formulas escaped unless
  ``--no-escape-formulas``.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
from pathlib import Path
from typing import Any

# Only the rules (no pandas or numpy) are imported here: the file pipeline is imported inside
# main(), after Ctrl-C has been given its one-line handler.
from jia_teach.rules.definitions import (
    FLARE_PRESETS,
    WORSENING_LIMIT_ALLOWED,
    check_worsening_limit,
)
from jia_teach.rules.errors import InvalidValueError, JiaInputError

__all__ = ["main"]

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130
EXIT_SOFTWARE = 70  # sysexits.h EX_SOFTWARE: an internal error (tests require 0 or 2)
PROGRESS_MIN_ROWS = 100_000


class _Stopped(BaseException):
    """A termination signal, raised so that every ``finally`` runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _limit(text: str) -> float:
    """``--worsening-limit``: the library's one rule (definitions.check_worsening_limit)."""
    try:
        return check_worsening_limit(text)
    except InvalidValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a worsening limit (allowed: {WORSENING_LIMIT_ALLOWED})"
        ) from None


def _window(text: str) -> tuple[float, float]:
    try:
        target, tolerance = (float(x) for x in text.split(","))
    except ValueError:
        target = tolerance = math.nan
    if not (math.isfinite(target) and math.isfinite(tolerance) and tolerance >= 0):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a window (allowed: TARGET,TOLERANCE in days, e.g. 84,14)"
        )
    return target, tolerance


def _delimiter(text: str) -> str:
    words = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ","}
    value = words.get(text.lower(), text)
    if len(value) != 1 or value in '"\r\n' or not value.isascii():
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a delimiter (allowed: one ASCII character such as , or ; or "
            "the word tab)"
        )
    return value


def _output_delimiter(text: str) -> str:
    return "input" if text.lower() == "input" else _delimiter(text)


class _Parser(argparse.ArgumentParser):
    """Usage mistakes are user errors too: one line, status 2 (not argparse's usage block)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USER_ERROR, f"jia-teach: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="jia-teach",
        description="Score JIA core-set visits against the JIA ACR Pedi, adapted and flare "
        "criteria.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    s = sub.add_parser(
        "score",
        help="score a table of visits (CSV, Excel .xlsx or Parquet)",
        description="Wide tables: <variable>_baseline and <variable>_followup for "
        "physician_global, parent_global (VAS), chaq, active_joints, lom_joints and esr or crp; "
        "optional fever_followup (true/false/yes/no/1/0, blank = unknown). With --long: one row "
        "per visit, columns named by the variable alone (chaq, esr, fever ...), paired per "
        "patient. Other columns are copied.",
    )
    s.add_argument("input", type=Path, help="visits: .csv/.txt/.tsv, .xlsx/.xlsm or .parquet")
    s.add_argument(
        "-o",
        "--output",
        required=True,
        help="output .csv or .parquet path, or - for CSV on standard output",
    )
    s.add_argument("--marker", choices=("esr", "crp"), help="needed when both are present")
    s.add_argument(
        "--vas-unit",
        choices=("cm", "mm"),
        default="cm",
        help="unit of the global assessments (default cm; never guessed)",
    )
    s.add_argument(
        "--worsening-limit",
        type=_limit,
        default=30.0,
        help="percent worse that counts as worsening, more than 0 and at most 100 (default 30)",
    )
    s.add_argument("--flare", choices=sorted(FLARE_PRESETS), default="trial")
    s.add_argument(
        "--explain",
        action="store_true",
        help="add why-columns: the reason of each decision, and for an undecided one the "
        "missing values that could change it",
    )
    s.add_argument(
        "--delimiter",
        type=_delimiter,
        help="field separator of a CSV file (default , and tab for .tsv; e.g. ';' or tab)",
    )
    s.add_argument(
        "--output-delimiter",
        type=_output_delimiter,
        default=",",
        help="field separator of CSV output: , (default), the word input (the input's own), "
        "or one character such as ; or tab",
    )
    s.add_argument(
        "--no-escape-formulas",
        dest="escape_formulas",
        action="store_false",
        help="write text cells starting with = + - @ tab or CR as they are (by default they "
        "get a leading ' so a spreadsheet shows them as text, not a formula)",
    )
    s.add_argument("--force", action="store_true", help="replace an existing output file")
    s.add_argument(
        "--progress",
        action="store_true",
        help="show a progress bar on stderr even when it is not a terminal",
    )
    long = s.add_argument_group("visit tables (one row per visit)")
    long.add_argument(
        "--long",
        action="store_true",
        help="the input has one row per visit (a CSV over 16 MB, or a pipe, is paired by "
        "parts of whole patients spilled to TMPDIR, in bounded memory; the same output)",
    )
    long.add_argument("--patient", help="column of patient ids (with --long)")
    long.add_argument("--time", help="column of visit dates or study days (with --long)")
    long.add_argument(
        "--baseline",
        default="first",
        help="first (default), previous, or a visit label found in --label's column",
    )
    long.add_argument("--label", help="column of visit labels (with --baseline LABEL)")
    long.add_argument(
        "--window",
        type=_window,
        help="TARGET,TOLERANCE in days: one follow-up per patient, the visit nearest TARGET "
        "days after baseline (e.g. 84,14 for week 12 +/- 2 weeks; a tie goes to the earlier)",
    )
    from jia_teach.cli_targets import add_targets_parser  # issue 22: treat-to-target

    add_targets_parser(sub)
    return parser


class _Bar:
    """A tqdm bar on stderr, on a terminal or with --progress, once the file looks larger
    than :data:`PROGRESS_MIN_ROWS` rows (estimated from the first block)."""

    def __init__(self, args: argparse.Namespace, by_bytes: bool) -> None:
        self.wanted = args.progress or sys.stderr.isatty()
        self.by_bytes = by_bytes
        self.name = Path(args.input).name
        self.bar: Any = None
        self.blocks = 0

    def __call__(self, done: int, total: int) -> None:
        self.blocks += 1
        if not self.wanted or not total or not done:
            return
        if self.bar is None:
            if self.blocks > 1:
                return
            rows_per_unit = 1 / 60 if self.by_bytes else 1  # about 60 bytes a wide row
            if total * rows_per_unit < PROGRESS_MIN_ROWS:
                return
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                unit="B" if self.by_bytes else " rows",
                unit_scale=True,
                file=sys.stderr,
                desc=f"scoring {self.name}",
                leave=False,
                dynamic_ncols=True,
            )
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _score(args: argparse.Namespace) -> int:
    from jia_teach.io.scorefile import score_file
    from jia_teach.io.tablefile import input_format

    bar = _Bar(args, by_bytes=input_format(args.input) == "csv")
    output = sys.stdout.buffer if args.output == "-" else args.output
    try:
        done = score_file(
            args.input,
            output,
            long=args.long,
            patient=args.patient,
            time=args.time,
            baseline=args.baseline,
            label=args.label,
            window=args.window,
            marker=args.marker,
            vas_unit=args.vas_unit,
            worsening_limit=args.worsening_limit,
            flare=args.flare,
            explain=args.explain,
            delimiter=args.delimiter,
            output_delimiter=args.output_delimiter,
            escape_formulas=args.escape_formulas,
            force=args.force,
            progress=bar,
        )
    finally:
        bar.close()
    if done.unpaired:
        print(
            f"jia-teach: note: {len(done.unpaired)} patient(s) have no pair (a single visit, or "
            "none in the window), e.g. " + ", ".join(map(str, list(done.unpaired)[:3])),
            file=sys.stderr,
        )
    if args.output != "-":
        print(f"scored {done.rows} rows -> {args.output}", file=sys.stderr)
    return 0


def _one_line(text: str) -> str:
    """A message on one line whatever a library put in it (a reason with a line break)."""
    return " ".join(part.strip() for part in text.strip().splitlines() if part.strip())


def _describe_os_error(exc: OSError, args: argparse.Namespace) -> str:
    name = exc.filename if exc.filename is not None else None
    if name is None:
        name = "standard output" if args.output == "-" else args.output
    reason = exc.strerror or str(exc) or type(exc).__name__
    return f"{name}: {reason}"


def _on_signal(signum: int, _frame: object) -> None:
    raise _Stopped(signum)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``jia-teach`` console script."""
    previous = {}
    for sig, handler in (
        (signal.SIGINT, _on_interrupt),
        (signal.SIGTERM, _on_signal),
        (signal.SIGHUP, _on_signal),
    ):
        try:
            previous[sig] = signal.signal(sig, handler)
        except (ValueError, OSError):  # not the main thread
            pass
    try:
        return _main(argv)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def console() -> None:
    """The ``jia-teach`` console script: :func:`main`, then exit with its status.

    When Ctrl-C stops a run while the reader thread is inside the file library, finalising
    Python under that live daemon thread can abort the process (SIGABRT) instead of exiting
    130; so the script flushes its streams and leaves at once when another thread is alive.
    (:func:`main` itself never exits: tests and callers use it in-process.)
    """
    import threading

    # The reader thread parses the first blocks while numpy and pandas are imported: numpy's
    # OpenBLAS would start a thread per core that spins for 0.1 s on that other core (no
    # matrix algebra runs here).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _reuse_freed_memory()
    code = main()
    # The run is over (its output is in place or refused): a Ctrl-C now must not turn it into
    # a death by signal while Python shuts down (-2 instead of the status main() gave).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if threading.active_count() > 1:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    sys.exit(code)


def _reuse_freed_memory() -> None:
    """Let glibc's malloc hand the pipeline's next 8-16 MB blocks the memory of the last ones.

    By default a freed block that large goes back to the system (``munmap``, or a trim of the
    heap) and the next one is fresh pages, each zeroed on its first touch: a quarter of the
    run's system time, more in a virtual machine (benchmarks/README.md). Blocks of up to
    32 MB are served from the heap and up to 512 MB of free heap is kept; memory stays
    bounded by the pipeline's few blocks in flight. Only the console script does this (its
    own process); elsewhere, or without glibc, nothing changes.
    """
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError):
        return
    for option, value in ((-3, 32 << 20), (-1, 512 << 20), (-2, 64 << 20)):
        mallopt(option, value)  # M_MMAP_THRESHOLD, M_TRIM_THRESHOLD, M_TOP_PAD


def _on_interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _targets_helpers() -> dict[str, Any]:
    """What ``jia-teach targets`` shares with ``score``: the output, its format, true places."""
    from jia_teach.io.scorefile import _output, _output_kind

    def output(args: argparse.Namespace) -> Any:
        target = sys.stdout.buffer if args.output == "-" else args.output
        return _output(target, force=args.force, inputs=[Path(args.input)])

    def out_kind(args: argparse.Namespace) -> str:
        return _output_kind(sys.stdout.buffer if args.output == "-" else args.output)

    def relocated(exc: JiaInputError, where: str) -> JiaInputError:
        return JiaInputError(exc.describe(row_label=where))

    return {"output": output, "out_kind": out_kind, "relocated": relocated, "delimiter": _delimiter}


def _main(argv: list[str] | None) -> int:
    try:
        args = _parser().parse_args(argv)
    except KeyboardInterrupt:
        print("jia-teach: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except _Stopped as stop:
        print(f"jia-teach: stopped by {signal.Signals(stop.signum).name}", file=sys.stderr)
        return 128 + stop.signum
    kept = "" if args.output == "-" else f"; {args.output} was not changed"
    try:
        if args.command == "targets":
            from jia_teach.cli_targets import run_targets

            return run_targets(args, _targets_helpers())
        return _score(args)
    except KeyboardInterrupt:
        print(f"jia-teach: interrupted{kept}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except _Stopped as stop:
        name = signal.Signals(stop.signum).name
        print(f"jia-teach: stopped by {name}{kept}", file=sys.stderr)
        return 128 + stop.signum
    except JiaInputError as exc:
        print(f"jia-teach: error: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # the reader of standard output went away (e.g. | head): say so once, no traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        print("jia-teach: error: standard output was closed before the end", file=sys.stderr)
        return EXIT_USER_ERROR
    except OSError as exc:
        print(f"jia-teach: error: {_describe_os_error(exc, args)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except MemoryError:
        print("jia-teach: error: out of memory", file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception as exc:  # a bug: one line, a distinct status, never a silent success
        print(
            f"jia-teach: internal error ({type(exc).__name__}: {_one_line(str(exc))}); "
            "please report it",
            file=sys.stderr,
        )
        return EXIT_SOFTWARE


if __name__ == "__main__":
    console()
