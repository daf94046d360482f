"""The self-check tally: answered and right, counted once per question, in memory only."""

from __future__ import annotations

import os
from pathlib import Path

from jia_teach.widgets import SelfCheck, SelfCheckProgress


def _question(text: str, tally: SelfCheckProgress) -> SelfCheck:
    return SelfCheck(text, ["a", "b", "c"], 1, ["no", "yes", "no"], progress=tally)


def test_tally_counts_answered_and_right_and_shows_it() -> None:
    tally = SelfCheckProgress()
    q1, q2, q3 = (_question(t, tally) for t in ("one?", "two?", "three?"))
    assert (tally.answered, tally.right) == (0, 0)
    assert tally.text() == "Self-checks in this tutorial: 0 of 3 answered."
    q1.choose(1)
    q2.choose(0)
    assert (tally.answered, tally.right) == (2, 1)
    assert "2 of 3 answered, 1 right." in tally._out.value  # the widget follows each answer
    q2.choose(1)  # a second try that is right counts as right
    assert tally.right == 2
    q3._check()  # Check without a choice answers nothing
    assert tally.answered == 2
    assert "jia-live" in tally._out._dom_classes


def test_a_question_asked_again_is_counted_once() -> None:
    tally = SelfCheckProgress()
    _question("one?", tally).choose(1)
    again = _question("one?", tally)  # its cell run again: a fresh, unanswered question
    assert tally.text() == "Self-checks in this tutorial: 0 of 1 answered."
    again.choose(0)
    assert (tally.answered, tally.right) == (1, 0)


def test_questions_join_the_session_tally_by_default() -> None:
    session = SelfCheck.progress()
    before = len(session._questions)
    q = SelfCheck("a session question?", ["x", "y"], 0, ["right", "wrong"])
    assert len(session._questions) == before + 1
    q.choose(0)
    assert SelfCheck.progress() is session and session.right >= 1


def test_nothing_is_written(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    tally = SelfCheckProgress()
    _question("one?", tally).choose(1)
    assert tally.right == 1
    assert not any(os.scandir(tmp_path))
