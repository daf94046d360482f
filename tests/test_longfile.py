"""The bounded ``--long`` path (jia_teach/io/longfile.py) gives the in-memory path's output.

Both paths run on the same CSV files: random visit tables (hypothesis: ids that differ by
spaces at the ends, ties broken by rules, same-day visits, patients with one visit, windows
with no visit, UTC offsets, quoted line breaks), small CSV blocks and many small parts so
every seam (block ends, part ends, merge steps) is crossed.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import signal
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import jia_teach.io.longfile as longfile
from jia_teach.io.csvfile import CsvSource
from jia_teach.io.scorefile import score_file
from jia_teach.io.tablefile import open_source
from jia_teach.rules.errors import JiaInputError

from .clitools import EXE, listing, one_line

CORE = ("physician_global", "parent_global", "chaq", "active_joints", "lom_joints", "esr")
HEADER = ["id", "when", "visit", *CORE, "note"]


@contextlib.contextmanager
def path(bounded: bool, block: int = 1 << 20, part: int = 300, merge: int = 512):
    """Force one path; small CSV blocks, parts and merge buffers so every seam is crossed."""
    defaults = CsvSource.__init__.__kwdefaults__
    saved = (longfile.IN_MEMORY_BYTES, longfile.PART_BYTES, longfile.MERGE_ROWS, dict(defaults))
    longfile.IN_MEMORY_BYTES = 0 if bounded else 1 << 50
    longfile.PART_BYTES, longfile.MERGE_ROWS = part, merge
    defaults["block_size"] = block
    try:
        yield
    finally:
        longfile.IN_MEMORY_BYTES, longfile.PART_BYTES, longfile.MERGE_ROWS = saved[:3]
        defaults.update(saved[3])


def both(src: Path, folder: Path, block: int = 1 << 20, suffix: str = ".csv", **options):
    """(bytes or error, unpaired) of each path."""
    got = []
    for bounded in (False, True):
        out = folder / f"out-{bounded}{suffix}"
        with path(bounded, block):
            try:
                done = score_file(src, out, long=True, force=True, **options)
            except JiaInputError as exc:
                got.append(("error", str(exc)))
                continue
        got.append((out.read_bytes(), done.unpaired, done.rows))
    return got


def write_csv(file: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with open(file, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return file


SPELLINGS = {"A": ["A", " A", "A "], "b": ["b"], "B": ["B"], "é1": ["é1"], "=x": ["=x"]}
START = datetime(2024, 1, 1)


@st.composite
def visit_tables(draw):
    kind = draw(st.sampled_from(["days", "dates", "datetimes", "offsets"]))
    patients = draw(
        st.lists(st.sampled_from(sorted(SPELLINGS)), min_size=1, max_size=5, unique=True)
    )
    rows = []
    for pid in patients:
        steps = draw(st.lists(st.integers(-30, 400), min_size=1, max_size=6, unique=True))
        base_at = draw(st.integers(-1, len(steps) - 1))  # -1: no "week 0" visit
        for k, step in enumerate(steps):
            if kind == "days":
                when = str(step)
            elif kind == "dates":
                when = (START + timedelta(days=step)).date().isoformat()
            else:  # hours apart: same-day visits; offsets: the same instants, other wall times
                at = START + timedelta(hours=6 * step)
                if kind == "offsets":
                    hours = draw(st.sampled_from([0, 1, 2]))
                    when = (at + timedelta(hours=hours)).isoformat() + f"+0{hours}:00"
                else:
                    when = at.isoformat(sep=" ")
            label = "week 0" if k == base_at else draw(st.sampled_from(["", "week 12", "Week 0"]))
            values = [
                draw(st.sampled_from(["0", "2.5", "6", "10", ""])),
                draw(st.sampled_from(["0", "3", "7.5", ""])),
                draw(st.sampled_from(["0", "0.125", "1.5", "3"])),
                str(draw(st.integers(0, 30))),
                str(draw(st.integers(0, 20))),
                draw(st.sampled_from(["1", "20", "60", "120", ""])),
            ]
            note = draw(st.sampled_from(["", "ok", "two\nlines", "a, b", '"q"', "=cmd", "-2"]))
            rows.append([draw(st.sampled_from(SPELLINGS[pid])), when, label, *values, note])
    order = draw(st.permutations(range(len(rows))))
    return [rows[i] for i in order]


RULES = [
    {},
    {"baseline": "previous"},
    {"baseline": "week 0", "label": "visit"},
    {"window": (84, 14)},
    {"window": (0, 0)},
    {"baseline": "week 0", "label": "visit", "window": (28, 7)},
]


@given(rows=visit_tables(), rule=st.sampled_from(RULES), block=st.sampled_from([48, 1 << 20]))
def test_both_paths_write_the_same_bytes(tmp_path_factory, rows, rule, block):
    folder = tmp_path_factory.mktemp("long")
    src = write_csv(folder / "v.csv", rows)
    memory, parts = both(src, folder, block, patient="id", time="when", explain=True, **rule)
    assert memory == parts


def test_the_output_reads_back_the_same_as_parquet(tmp_path):
    rows = [[p, str(d), "", "6", "5", "1.5", "12", "10", "60", "x"] for p in "ABC" for d in (0, 84)]
    src = write_csv(tmp_path / "v.csv", rows)
    (_, *memory), (_, *parts) = both(src, tmp_path, suffix=".parquet", patient="id", time="when")
    assert memory == parts
    a, b = (pd.read_parquet(tmp_path / f"out-{x}.parquet") for x in (False, True))
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 3


def test_a_file_of_no_visits_writes_the_header(tmp_path):
    src = write_csv(tmp_path / "v.csv", [])
    memory, parts = both(src, tmp_path, patient="id", time="when")
    assert memory == parts and memory[0].startswith(b"id,baseline_time,followup_time")


def rows_with_a_long_note(n: int = 40):
    """Visits of patients P0..P9; the first record spans three lines (a quoted note)."""
    rows = [[f"P{i % 10}", str(7 * i), "", "6", "5", "1.5", "12", "10", "60", ""] for i in range(n)]
    rows[0][-1] = "one\ntwo\nthree"
    return rows


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # two visits of P3 on day 21: the second is data row 34, line 37 (after 2 extra lines)
        (lambda r: r[33].__setitem__(1, "21"), "line 37 (data row 34), column 'when'"),
        (lambda r: r[35].__setitem__(0, " "), "line 39 (data row 36), column 'id': no patient"),
        (lambda r: r[29].__setitem__(1, "84d"), "line 33 (data row 30), column 'when': '84d'"),
        (lambda r: r[38].__setitem__(5, "4.2"), "line 42 (data row 39), column 'chaq'"),
    ],
)
def test_errors_name_the_true_line_on_both_paths(tmp_path, change, expected):
    rows = rows_with_a_long_note()
    change(rows)
    src = write_csv(tmp_path / "v.csv", rows)
    memory, parts = both(src, tmp_path, 200, patient="id", time="when")
    assert memory[0] == parts[0] == "error"
    assert memory == parts
    assert expected in parts[1]


def test_a_label_no_visit_has_lists_the_labels_on_both_paths(tmp_path):
    rows = rows_with_a_long_note()
    for i, r in enumerate(rows):
        r[2] = f"w{i % 13}"
    src = write_csv(tmp_path / "v.csv", rows)
    memory, parts = both(
        src, tmp_path, 200, patient="id", time="when", baseline="W0", label="visit"
    )
    assert memory == parts
    assert "did you mean 'w0'? (case counts)" in parts[1] and ", ...)" in parts[1]


def test_days_in_one_block_and_dates_in_another_are_refused(tmp_path):
    rows = rows_with_a_long_note()
    for i, r in enumerate(rows[20:], start=20):
        r[1] = (START + timedelta(days=i)).date().isoformat()
    src = write_csv(tmp_path / "v.csv", rows)
    with path(True, 200), pytest.raises(JiaInputError) as err:
        score_file(src, tmp_path / "o.csv", long=True, patient="id", time="when")
    text = str(err.value)
    assert "column 'when'" in text and "\n" not in text
    # a block of both kinds is refused as in memory; blocks of one kind each name both places
    assert "is not a date or a number of study days" in text or (
        "is a date but" in text and "line 2 (data row 1), column 'when' holds a number" in text
    )


def test_spill_files_are_anonymous_and_nothing_is_left(tmp_path, monkeypatch):
    spill = tmp_path / "tmp"
    spill.mkdir()
    monkeypatch.setenv("TMPDIR", str(spill))
    monkeypatch.setattr("tempfile.tempdir", None)
    rows = rows_with_a_long_note()
    seen = []
    real = longfile._Spill.__init__

    def spy(self, *a, **k):
        real(self, *a, **k)
        seen.append(sorted(os.listdir(spill)))

    monkeypatch.setattr(longfile._Spill, "__init__", spy)
    src = write_csv(tmp_path / "v.csv", rows)
    rows[38][5] = "4.2"
    bad = write_csv(tmp_path / "bad.csv", rows)
    with path(True, 200):
        score_file(src, tmp_path / "o.csv", long=True, patient="id", time="when")
        with pytest.raises(JiaInputError):
            score_file(bad, tmp_path / "p.csv", long=True, patient="id", time="when")
    assert seen and all(names == [] for names in seen)  # never a name, even while running
    assert listing(spill) == [] and listing(tmp_path) == ["bad.csv", "o.csv", "tmp", "v.csv"]


def test_which_path(tmp_path):
    small = write_csv(tmp_path / "v.csv", rows_with_a_long_note())
    s = open_source(small)
    try:
        assert not longfile.bounded(s, "first")  # a small file: in memory
        with path(True):
            assert longfile.bounded(s, "first")
            assert not longfile.bounded(s, lambda t: t["visit"] == "0")  # callable: in memory
    finally:
        s.close()
    pd.DataFrame({"id": ["A"], "when": [0]}).to_parquet(tmp_path / "v.parquet")
    with path(True):
        s = open_source(tmp_path / "v.parquet")
        assert not longfile.bounded(s, "first")  # Parquet and Excel: in memory
        s.close()


def fifo_run(tmp_path, rows, *args, feed=True):
    fifo = tmp_path / "visits.csv"
    os.mkfifo(fifo)
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([HEADER, *rows])
    proc = subprocess.Popen(
        [str(EXE), "score", str(fifo), "-o", str(tmp_path / "out.csv"), *args],
        stderr=subprocess.PIPE,
        text=True,
    )
    with open(fifo, "w", encoding="utf-8") as f:
        if not feed:
            f.write(text.getvalue()[:300])
            f.flush()
            time.sleep(3)  # the console script is now blocked reading the pipe
            proc.send_signal(signal.SIGINT)
            return proc, proc.communicate(timeout=60)[1]
        f.write(text.getvalue())
    return proc, proc.communicate(timeout=60)[1]


def test_a_pipe_is_paired_by_parts_with_the_same_output(tmp_path):
    rows = rows_with_a_long_note()
    proc, err = fifo_run(tmp_path, rows, "--long", "--patient", "id", "--time", "when")
    assert proc.returncode == 0, err
    src = write_csv(tmp_path / "v.csv", rows)
    with path(False):
        score_file(src, tmp_path / "mem.csv", long=True, patient="id", time="when")
    assert (tmp_path / "out.csv").read_bytes() == (tmp_path / "mem.csv").read_bytes()


def test_ctrl_c_while_a_pipe_is_partitioned_is_one_line_and_130(tmp_path):
    proc, err = fifo_run(
        tmp_path, rows_with_a_long_note(), "--long", "--patient", "id", "--time", "when", feed=False
    )
    assert proc.returncode == 130
    assert one_line(subprocess.CompletedProcess([], 130, "", err)).startswith(
        "jia-teach: interrupted"
    )
    assert listing(tmp_path) == ["visits.csv"]
