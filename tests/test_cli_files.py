"""The CLI never loses or corrupts a file (issue 11): every case runs the real console script.

Each test names the case of the issue it pins. None touches a real device: "not a regular file"
is a FIFO made in the temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import stat
import subprocess
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from .clitools import EXE, HEADER, ROWS, big_csv, bytes_being_written, listing, one_line, run


@pytest.fixture
def visits(tmp_path: Path) -> Path:
    p = tmp_path / "visits.csv"
    p.write_text("\n".join([HEADER, *ROWS]) + "\n")
    return p


def expected_output(visits: Path, tmp_path: Path) -> bytes:
    ref = tmp_path / "reference" / "out.csv"
    ref.parent.mkdir()
    assert run("score", visits, "-o", ref).returncode == 0
    return ref.read_bytes()


def test_input_named_like_the_old_partial_file_survives(visits, tmp_path):
    """`cp visits.csv scored.csv.partial; jia-teach score scored.csv.partial -o scored.csv`."""
    partial = tmp_path / "scored.csv.partial"
    partial.write_bytes(visits.read_bytes())
    before = partial.read_bytes()
    r = run("score", partial, "-o", tmp_path / "scored.csv")
    assert r.returncode == 0, r.stderr
    assert partial.read_bytes() == before
    assert "acr30" in (tmp_path / "scored.csv").read_text()
    assert listing(tmp_path) == ["scored.csv", "scored.csv.partial", "visits.csv"]


def test_hard_link_at_the_old_partial_name_is_not_written(visits, tmp_path):
    """`ln visits.csv out.csv.partial; jia-teach score visits.csv -o out.csv`."""
    before = visits.read_bytes()
    os.link(visits, tmp_path / "out.csv.partial")
    assert run("score", visits, "-o", tmp_path / "out.csv").returncode == 0
    assert visits.read_bytes() == before
    assert (tmp_path / "out.csv.partial").read_bytes() == before


def test_symlink_at_the_old_partial_name_is_not_followed(visits, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / "out.csv.partial").symlink_to(victim)
    assert run("score", visits, "-o", tmp_path / "out.csv").returncode == 0
    assert victim.read_text() == "precious"
    assert (tmp_path / "out.csv.partial").is_symlink()


def test_output_hard_linked_to_the_input_is_refused(visits, tmp_path):
    """Same inode, different name: os.path.samefile."""
    before = visits.read_bytes()
    os.link(visits, tmp_path / "out.csv")
    r = run("score", visits, "-o", tmp_path / "out.csv", "--force")
    assert r.returncode == 2
    assert "refusing to overwrite the input file" in one_line(r)
    assert visits.read_bytes() == before


def test_output_is_the_input_by_another_spelling(visits, tmp_path):
    before = visits.read_bytes()
    r = run("score", visits, "-o", "./visits.csv", "--force", cwd=tmp_path)
    assert r.returncode == 2 and "refusing to overwrite the input" in one_line(r)
    assert visits.read_bytes() == before


def test_symlinked_output_is_refused(visits, tmp_path):
    target = tmp_path / "elsewhere.csv"
    target.write_text("keep")
    (tmp_path / "out.csv").symlink_to(target)
    r = run("score", visits, "-o", tmp_path / "out.csv", "--force")
    assert r.returncode == 2 and "symbolic link" in one_line(r)
    assert target.read_text() == "keep"


def test_fifo_output_is_refused_and_stays_a_fifo(visits, tmp_path):
    """The /dev/null case, without touching a real device."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    r = run("score", visits, "-o", fifo, "--force")
    assert r.returncode == 2 and "not a regular file" in one_line(r)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert listing(tmp_path) == ["pipe", "visits.csv"]


@pytest.mark.parametrize("name", [".", "", "  ", "sub/", "sub"])
def test_folder_or_empty_output_name_is_one_line(visits, tmp_path, name):
    (tmp_path / "sub").mkdir()
    r = run("score", visits, "-o", name, "--force", cwd=tmp_path)
    assert r.returncode == 2
    line = one_line(r)
    assert "folder" in line or "empty" in line


def test_missing_output_folder_is_named(visits, tmp_path):
    r = run("score", visits, "-o", tmp_path / "nope" / "out.csv")
    assert r.returncode == 2
    assert "the folder" in one_line(r) and "does not exist" in r.stderr


def test_mode_0600_is_kept(visits, tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("old")
    out.chmod(0o600)
    assert run("score", visits, "-o", out, "--force").returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "acr30" in out.read_text()


def test_new_output_follows_the_umask(visits, tmp_path):
    out = tmp_path / "out.csv"
    r = run("score", visits, "-o", out, preexec_fn=lambda: os.umask(0o027))
    assert r.returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_full_disk_leaves_the_old_output_and_no_temporary(tmp_path):
    """`ulimit -f`: the write fails with EFBIG; one line naming the output and the reason."""
    src = big_csv(tmp_path / "visits.csv", 20_000)
    out = tmp_path / "out.csv"
    out.write_text("old")

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    r = run("score", src, "-o", out, "--force", preexec_fn=small_files)
    assert r.returncode == 2
    line = one_line(r)
    assert str(out) in line and "File too large" in line
    assert out.read_text() == "old"
    assert listing(tmp_path) == ["out.csv", "visits.csv"]


def test_concurrent_runs_never_interleave(tmp_path):
    """Two runs on one output: the file is one complete result, never a mix."""
    small = big_csv(tmp_path / "small.csv", 30_000)
    large = big_csv(tmp_path / "large.csv", 90_000)
    expect = {}
    for src in (small, large):
        ref = tmp_path / f"ref-{src.stem}.csv"
        assert run("score", src, "-o", ref).returncode == 0
        expect[src.stem] = ref.read_bytes()
        ref.unlink()
    out = tmp_path / "out.csv"
    for _ in range(3):
        procs = [
            subprocess.Popen(
                [EXE, "score", src, "-o", out, "--force"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for src in (large, small)
        ]
        codes = [p.wait(timeout=120) for p in procs]
        assert codes == [0, 0], [p.stderr.read() for p in procs]
        assert out.read_bytes() in (expect["small"], expect["large"])
        assert listing(tmp_path) == ["large.csv", "out.csv", "small.csv"]


def _feed_until_temporary(kind: int, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    """Start a run reading a FIFO; feed two blocks so the temporary file has data; then wait.

    The run blocks on the FIFO, mid-write, until the test sends ``kind``: deterministic.
    """
    fifo = tmp_path / "visits.csv"
    os.mkfifo(fifo)
    out = tmp_path / "out.csv"
    out.write_text("old output")
    proc = subprocess.Popen(
        [EXE, "score", fifo, "-o", out, "--force"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    writer = open(fifo, "w")  # kept open (no end of file) until the signal is sent
    writer.write(HEADER + "\n")
    rows = "".join(f"P{i},6,2,5,3,1.5,1,12,3,10,9,60,20,no\n" for i in range(300_000))

    def feed() -> None:
        with contextlib.suppress(BrokenPipeError, ValueError):
            writer.write(rows)
            writer.flush()

    threading.Thread(target=feed, daemon=True).start()
    deadline = time.monotonic() + 180  # generous: CI shares two cores with other jobs
    while time.monotonic() < deadline:
        if (bytes_being_written(proc.pid, tmp_path) or 0) > 0:
            break
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.01)
    else:
        pytest.fail("the run never started writing")
    proc.send_signal(kind)
    proc.wait(timeout=60)
    with contextlib.suppress(BrokenPipeError, ValueError):
        writer.close()
    return proc, out


@pytest.mark.parametrize(
    ("kind", "status", "word"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "SIGTERM")],
)
def test_signal_mid_write_keeps_the_old_output(tmp_path, kind, status, word):
    proc, out = _feed_until_temporary(kind, tmp_path)
    assert proc.returncode == status
    err = proc.stderr.read()
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and word in lines[0] and "was not changed" in lines[0]
    assert out.read_text() == "old output"
    assert listing(tmp_path) == ["out.csv", "visits.csv"]


def test_fifo_input_is_read(visits, tmp_path):
    """Reading a pipe (`<(zcat visits.csv.gz)`) is fine; only outputs must be regular files."""
    fifo = tmp_path / "in.csv"
    os.mkfifo(fifo)
    data = visits.read_text()
    threading.Thread(target=lambda: fifo.write_text(data), daemon=True).start()
    r = run("score", fifo, "-o", "-")
    assert r.returncode == 0 and r.stdout.count("\n") == 3


def test_existing_output_is_kept_without_force(visits, tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("keep me")
    r = run("score", visits, "-o", out)
    assert r.returncode == 2 and "--force" in one_line(r)
    assert out.read_text() == "keep me"
    assert listing(tmp_path) == ["out.csv", "visits.csv"]


def test_no_temporary_file_after_an_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\n{ROWS[0]}\nB,5,5.5,4,4,1,1.2,6,9,4,6,30,high,yes\n")
    r = run("score", bad, "-o", tmp_path / "out.csv")
    assert r.returncode == 2
    assert listing(tmp_path) == ["bad.csv"]


def test_broken_pipe_is_one_line(tmp_path):
    src = big_csv(tmp_path / "visits.csv", 200_000)
    p = subprocess.Popen(
        [EXE, "score", src, "-o", "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    p.stdout.readline()
    p.stdout.close()  # the reader goes away, as `| head -1` does
    err = p.stderr.read()
    assert p.wait(timeout=60) == 2
    assert "Traceback" not in err and "Exception ignored" not in err
    assert err.strip().splitlines() == [
        "jia-teach: error: standard output was closed before the end"
    ]


def test_output_is_the_same_as_scoring_in_memory(tmp_path):
    """The streamed pass-through equals score() on the text table, value for value."""
    src = tmp_path / "visits.csv"
    lines = [HEADER]
    for i in range(3000):
        miss = "" if i % 7 == 0 else str(20 + i % 50)
        lines.append(
            f'"P {i:04d}",{i % 11},{(i * 3) % 11},5,3,1.5,{i % 4},12,{i % 20},10,9,60,{miss},'
        )
    src.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.csv"
    assert run("score", src, "-o", out).returncode == 0
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    import jia_teach

    ref = jia_teach.score(pd.read_csv(src, dtype=str, keep_default_na=False))
    expected = ref.astype(object).where(ref.notna(), "").astype(str)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert out.read_text().splitlines()[1].startswith("P 0000,0,0,")  # the text as parsed
