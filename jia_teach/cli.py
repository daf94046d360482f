"""Command line: ``jia-teach score visits.csv -o scored.csv``.

The promises, each tested by running the real console script:

* The input is only ever opened for reading; no file but the output is
  written. The output is written atomically (:mod:`jia_teach.io.atomic`): a
  unique temporary file in its folder, the old file's mode, ``fsync``, one
  rename; an existing output is replaced only with ``--force``; a device,
  FIFO, folder, link, or the input itself (by path or by inode) is refused.
* Any user error (a bad column, value or file, an unwritable output, a full
  disk) ends with one line on stderr, naming the file's true physical line,
  the column and the allowed range, and exit status 2. Ctrl-C ends with one
  line and status 130, SIGTERM 143, SIGHUP 129, the old output intact and
  no temporary file left.
* Wide CSV files are streamed in blocks (bounded memory whatever the size);
  the input's bytes are copied to the output as they were, with the new
  fields appended. ``--long`` tables are paired in memory
  (:func:`jia_teach.pair_visits`).
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pandas as pd

from jia_teach.rules.definitions import (
    FLARE_PRESETS,
    WORSENING_LIMIT_ALLOWED,
    check_worsening_limit,
)
from jia_teach.rules.errors import InvalidValueError, JiaInputError, MalformedFileError

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
    s.add_argument("--force", action="store_true", help="replace an existing output file")
    s.add_argument(
        "--progress",
        action="store_true",
        help="show a progress bar on stderr even when it is not a terminal",
    )
    long = s.add_argument_group("visit tables (one row per visit)")
    long.add_argument("--long", action="store_true", help="the input has one row per visit")
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


def _stdout() -> IO[bytes]:
    return sys.stdout.buffer


@contextmanager
def _output(args: argparse.Namespace) -> Iterator[IO[bytes]]:
    from jia_teach.io.atomic import atomic_output

    if args.output == "-":
        yield _stdout()
        sys.stdout.flush()
        return
    with atomic_output(args.output, force=args.force, inputs=[args.input], text=False) as f:
        yield f


def _progress(args: argparse.Namespace, source: Any, rows: int) -> Any:
    """A tqdm bar on stderr, on a terminal or with --progress, when the file looks larger
    than :data:`PROGRESS_MIN_ROWS` (estimated from the first chunk); else None."""
    done, total = source.progress()
    if not (args.progress or sys.stderr.isatty()) or not total or not done:
        return None
    if rows * total / done < PROGRESS_MIN_ROWS:
        return None
    from tqdm import tqdm

    by_bytes = source.__class__.__name__ == "_CsvFile"
    bar = tqdm(
        total=total,
        unit="B" if by_bytes else " rows",
        unit_scale=True,
        file=sys.stderr,
        desc=f"scoring {Path(source.name).name}",
        leave=False,
        dynamic_ncols=True,
    )
    bar.update(done)
    return bar


def _relocated(exc: JiaInputError, where: str) -> JiaInputError:
    return JiaInputError(exc.describe(row_label=where))


def _score_wide(args: argparse.Namespace, source: Any) -> int:
    from jia_teach.io.tablefile import write_chunks
    from jia_teach.scoring.inputs import FEVER_COLUMN, check_columns, needed_columns
    from jia_teach.scoring.scorer import added_columns, decisions

    header = source.header
    try:
        marker = check_columns(header, marker=args.marker)
    except JiaInputError as exc:
        hint = getattr(source, "delimiter_hint", lambda: None)()
        if hint:
            raise JiaInputError(f"{source.header_where()}: {hint}") from None
        raise _relocated(exc, source.header_where()) from None
    fever = FEVER_COLUMN in header
    needed = needed_columns(marker, fever=fever)
    numeric = set(needed) - {FEVER_COLUMN}
    added = added_columns(fever=fever, explain=args.explain)
    clash = [c for c in added if c in header]
    if clash:
        raise JiaInputError(
            f"{source.header_where()}, column {clash[0]!r}: the file already has this column and "
            "scoring never overwrites input; rename or drop it first"
        )
    options = dict(
        marker=marker,
        vas_unit=args.vas_unit,
        worsening_limit=args.worsening_limit,
        flare=FLARE_PRESETS[args.flare].replace(marker=marker),
        explain=args.explain,
    )
    kind = _out_kind(args)
    rows = 0
    with _output(args) as handle:
        writer = write_chunks(kind, handle, header, added)
        bar = None
        try:
            for chunk in source.chunks():
                try:
                    try:
                        frame = chunk.frame(needed, numeric)
                    except ValueError:  # not a plain number somewhere: let the library say where
                        frame = chunk.frame(needed)
                    new = decisions(frame, **options)
                except MalformedFileError:
                    raise
                except JiaInputError as exc:
                    if exc.row is None:
                        raise
                    raise _relocated(exc, chunk.where(exc.row, exc.column)) from None
                writer.write(chunk, header, new)
                rows += len(chunk)
                if bar is None and rows == len(chunk):
                    bar = _progress(args, source, rows)
                elif bar is not None:
                    bar.update(source.progress()[0] - bar.n)
            if rows == 0 and kind == "parquet":
                empty = pd.DataFrame({c: pd.Series([], dtype=str) for c in header})
                writer.write_frame(
                    pd.concat([empty, decisions(_empty_core(needed), **options)], axis=1)
                )
            writer.close()
        finally:
            if bar is not None:
                bar.close()
    return rows


def _empty_core(needed: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=float) for c in needed})


def _score_long(args: argparse.Namespace, source: Any) -> int:
    from jia_teach.io.tablefile import write_chunks
    from jia_teach.scoring.inputs import check_columns, check_unique
    from jia_teach.scoring.scorer import score
    from jia_teach.scoring.visits import pair_visits

    if not args.patient or not args.time:
        raise JiaInputError("--long needs --patient COLUMN and --time COLUMN")
    try:  # before any frame is built: pandas refuses (or renames) a repeated name
        check_unique(source.header)
    except JiaInputError as exc:
        raise _relocated(exc, source.header_where()) from None
    chunks = list(source.chunks())
    parts = [c.frame(source.header) for c in chunks]
    table = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({c: pd.Series([], dtype=str) for c in source.header})
    )
    starts = [0]
    for c in chunks:
        starts.append(starts[-1] + len(c))

    def where(row: int, column: str | None) -> str:
        k = next(i for i in range(len(chunks)) if starts[i + 1] >= row)
        return chunks[k].where(row - starts[k], column)

    try:
        pairs = pair_visits(
            table,
            patient=args.patient,
            time=args.time,
            baseline=args.baseline,
            label=args.label,
            window=args.window,
        )
    except JiaInputError as exc:
        if exc.row is None:
            raise _relocated(exc, source.header_where()) from None
        raise _relocated(exc, where(exc.row, exc.column)) from None
    try:
        marker = check_columns(list(pairs.columns), marker=args.marker)
        scored = score(
            pairs,
            marker=marker,
            vas_unit=args.vas_unit,
            worsening_limit=args.worsening_limit,
            flare=FLARE_PRESETS[args.flare].replace(marker=marker),
            explain=args.explain,
        )
    except JiaInputError as exc:
        if exc.row is None or exc.column is None:
            raise _relocated(exc, source.header_where()) from None
        side = "baseline" if exc.column.endswith("_baseline") else "followup"
        stem = exc.column.rsplit("_", 1)[0]
        visit_row = int(pairs[f"{side}_row"].iloc[exc.row - 1])
        moved = JiaInputError(exc.problem, column=stem, row=visit_row, allowed=exc.allowed)
        raise _relocated(moved, where(visit_row, stem)) from None
    unpaired = pairs.attrs.get("unpaired", ())
    if unpaired:
        print(
            f"jia-teach: note: {len(unpaired)} patient(s) have no pair (a single visit, or "
            "none in the window), e.g. " + ", ".join(map(str, list(unpaired)[:3])),
            file=sys.stderr,
        )
    kind = _out_kind(args)
    with _output(args) as handle:
        writer = write_chunks(kind, handle, [], [])
        if kind == "parquet":
            writer.write_frame(scored)
        else:
            handle.write(scored.to_csv(index=False, lineterminator="\n").encode("utf-8"))
        writer.close()
    return len(scored)


def _out_kind(args: argparse.Namespace) -> str:
    from jia_teach.io.tablefile import output_format

    return "csv" if args.output == "-" else output_format(args.output)


def _score(args: argparse.Namespace) -> int:
    from jia_teach.io.atomic import check_output
    from jia_teach.io.tablefile import open_source

    if args.output != "-":
        _out_kind(args)
        check_output(args.output, force=args.force, inputs=[args.input])
    if not args.long and (args.patient or args.time or args.label or args.window):
        raise JiaInputError(
            "--patient, --time, --label and --window apply to --long visit tables only"
        )
    source = open_source(args.input, delimiter=args.delimiter)
    rows = _score_long(args, source) if args.long else _score_wide(args, source)
    if args.output != "-":
        print(f"scored {rows} rows -> {args.output}", file=sys.stderr)
    return 0


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
    args = _parser().parse_args(argv)
    previous = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            previous[sig] = signal.signal(sig, _on_signal)
        except (ValueError, OSError):  # not the main thread
            pass
    kept = "" if args.output == "-" else f"; {args.output} was not changed"
    try:
        if args.command == "targets":
            from jia_teach.cli_targets import run_targets

            helpers = {
                "output": _output,
                "out_kind": _out_kind,
                "relocated": _relocated,
                "delimiter": _delimiter,
            }
            return run_targets(args, helpers)
        return _score(args)
    except KeyboardInterrupt:
        print(f"jia-teach: interrupted{kept}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except _Stopped as stop:
        name = signal.Signals(stop.signum).name
        print(f"jia-teach: stopped by {name}{kept}", file=sys.stderr)
        return 128 + stop.signum
    except JiaInputError as exc:
        print(f"jia-teach: error: {exc}", file=sys.stderr)
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
            f"jia-teach: internal error ({type(exc).__name__}: {exc}); please report it",
            file=sys.stderr,
        )
        return EXIT_SOFTWARE
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


if __name__ == "__main__":
    sys.exit(main())
