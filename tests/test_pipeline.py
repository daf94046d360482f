"""The threads of ``jia-teach score`` (issue 21) change the time, never the output or the errors.

* the early reader's guess of the columns (parsed while pandas is imported) gives the same
  bytes as the scorer's own choice, when the guess holds the columns, when it also holds a
  column that is not a number (refused, the block prepared again) and when it is not used;
* an error found by the early reader names the same line as without it;
* the write-behind thread writes in order, raises a job's error in the caller, and a run
  that fails leaves no file.
"""

from __future__ import annotations

import errno
import io
import time

import numpy as np
import pytest

from jia_teach.io import scorefile
from jia_teach.io.csvfile import CsvSource
from jia_teach.io.pipeline import ReadAhead, WriteBehind
from jia_teach.rules.errors import JiaInputError

CORE = ("physician_global", "parent_global", "chaq", "active_joints", "lom_joints", "esr")


def _visits(n: int, extra: str = "") -> str:
    rng = np.random.default_rng(3)
    cols = ["patient", *(f"{v}_{s}" for v in CORE for s in ("baseline", "followup"))]
    cols += ["fever_followup"] + ([extra] if extra else [])
    lines = [",".join(cols)]
    for i in range(n):
        vals = [f"P{i}"]
        for v in CORE:
            for _ in range(2):
                x = rng.integers(0, 10) if v.endswith("joints") else round(rng.random() * 3, 1)
                vals.append("" if rng.random() < 0.03 else str(x))
        vals.append(str(bool(rng.integers(0, 2))))
        if extra:
            vals.append("n/a" if i % 7 == 0 else "1")
        lines.append(",".join(vals))
    return "\n".join(lines) + "\n"


@pytest.fixture
def small_blocks(monkeypatch):
    """CSV blocks of 2 kB, so that a few hundred rows are many blocks."""
    defaults = dict(CsvSource.__init__.__kwdefaults__)
    monkeypatch.setattr(CsvSource.__init__, "__kwdefaults__", {**defaults, "block_size": 2048})


def _score(path, out, *, early: bool, monkeypatch) -> bytes:
    """Score with the early reader (its queue filled with guessed blocks first) or without."""
    guessed = []
    with monkeypatch.context() as m:
        if early:
            prepare, frames = scorefile._Early._prepare, scorefile._Early.frames

            def spy(self, chunk):
                got = prepare(self, chunk)
                guessed.append(got[0])
                return got

            def late(self, *args):
                time.sleep(0.3)  # as if pandas were still being imported
                return frames(self, *args)

            m.setattr(scorefile._Early, "_prepare", spy)
            m.setattr(scorefile._Early, "frames", late)
        else:
            m.setattr(scorefile._Early, "start", classmethod(lambda cls, src: None))
        scorefile.score_file(path, out, force=True, marker="esr")
    if early:  # blocks were parsed on the guess, and later ones by the scorer's prepare
        assert guessed[: scorefile._Early.DEPTH] == [True] * scorefile._Early.DEPTH
        assert guessed[-1] is False
    return out.read_bytes()


@pytest.mark.parametrize("extra", ["", "weight_baseline", "crp_followup"])
def test_early_guess_gives_the_same_bytes(tmp_path, monkeypatch, small_blocks, extra):
    path = tmp_path / "v.csv"
    path.write_text(_visits(600, extra))
    with_early = _score(path, tmp_path / "a.csv", early=True, monkeypatch=monkeypatch)
    without = _score(path, tmp_path / "b.csv", early=False, monkeypatch=monkeypatch)
    assert with_early == without
    assert with_early.count(b"\n") == 601


def test_early_reader_error_names_the_same_line(tmp_path, monkeypatch, small_blocks):
    text = _visits(500).splitlines()
    text[321] = text[321].replace(",", ",x", 1)  # physician_global_baseline "x..." on line 322
    path = tmp_path / "v.csv"
    path.write_text("\n".join(text) + "\n")
    messages = []
    for early in (True, False):
        with pytest.raises(JiaInputError) as exc:
            _score(path, tmp_path / "o.csv", early=early, monkeypatch=monkeypatch)
        messages.append(str(exc.value))
    assert messages[0] == messages[1]
    assert "line 322" in messages[0]
    assert not (tmp_path / "o.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.csv"]


def test_read_ahead_stops_when_closed_before_use():
    seen = []

    def chunks():
        for i in range(1000):
            seen.append(i)
            yield i

    ahead = ReadAhead(chunks(), lambda x: x, depth=2)
    ahead.close()
    assert list(ahead) == []
    assert len(seen) <= 4  # the worker stopped at a hand-over


class _Full(io.BytesIO):
    def write(self, data):
        if self.tell() > 10:
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(data)


def test_write_behind_raises_a_jobs_error_in_the_caller():
    w = WriteBehind(_Full())
    w.submit(lambda: [b"0123456789ab"])
    with pytest.raises(OSError, match="No space"):
        for _ in range(5):
            w.submit(lambda: [b"more"])
        w.drain()
    w.stop()


def test_write_behind_keeps_the_order():
    out = io.BytesIO()
    w = WriteBehind(out, depth=3)
    for i in range(200):
        w.submit(lambda i=i: [f"{i}\n".encode()])
    w.drain()
    w.stop()
    assert out.getvalue().decode().split() == [str(i) for i in range(200)]
