"""Self-check questions with immediate feedback (plain ipywidgets, offline).

The question's code (which holds the answer key) is hidden in the lab and removed from the
book by ``tools/notebook_meta.py``; the feedback appears only after the learner presses Check.
The choices are a named radio group, the feedback a polite live region (announced when it
appears, through ``tools/web/widget_a11y.js`` in Voila and the book), and every colour of the
feedback passes 4.5:1 on white.

:class:`SelfCheckProgress` (``SelfCheck.progress()``) is the tally at the end of a tutorial:
"2 of 4 answered, 1 right". It lives in the kernel's memory only: nothing is written to a
file or sent anywhere, and it starts again with the kernel. A question asked again (its cell
run again) replaces its earlier self in the tally, so it is counted once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import ipywidgets as w

from jia_teach.present.palette import PALETTE
from jia_teach.widgets._controls import BUTTON_BLUE, TEXT_GREEN, TEXT_VERMILLION

__all__ = ["SelfCheck", "SelfCheckProgress"]


class SelfCheckProgress:
    """How many self-checks of this kernel session were answered, and how many right.

    Examples
    --------
    >>> tally = SelfCheckProgress()
    >>> a = SelfCheck("1 + 1?", ["2", "3"], 0, ["Right.", "No."], progress=tally)
    >>> b = SelfCheck("2 + 2?", ["4", "5"], 0, ["Right.", "No."], progress=tally)
    >>> tally.text()
    'Self-checks in this tutorial: 0 of 2 answered.'
    >>> _ = a.choose(0); _ = b.choose(1)
    >>> tally.text()
    'Self-checks in this tutorial: 2 of 2 answered, 1 right.'
    """

    def __init__(self) -> None:
        self._questions: dict[str, SelfCheck] = {}
        self._out = w.HTML(value="")
        self._out.add_class("jia-live")
        self.ui = w.VBox([self._out], layout={"margin": "6px 0"})
        self._refresh()

    def add(self, check: SelfCheck) -> None:
        """Count ``check`` (a question asked again replaces its earlier self)."""
        self._questions[check.question] = check
        self._refresh()

    @property
    def answered(self) -> int:
        """Questions checked at least once."""
        return sum(q.correct is not None for q in self._questions.values())

    @property
    def right(self) -> int:
        """Questions whose latest checked answer is right."""
        return sum(q.correct is True for q in self._questions.values())

    def text(self) -> str:
        """The tally as one sentence."""
        total = len(self._questions)
        head = f"Self-checks in this tutorial: {self.answered} of {total} answered"
        return head + (f", {self.right} right." if self.answered else ".")

    def _refresh(self) -> None:
        self._out.value = (
            f"<p><b>{self.text()}</b> Kept in this session only: nothing is saved or sent.</p>"
        )

    def _repr_mimebundle_(self, **kwargs: object) -> object:
        return self.ui._repr_mimebundle_(**kwargs)


#: The tally every SelfCheck joins unless given another (one per kernel, i.e. per notebook),
#: made on first use so that no widget exists before a question does.
_SESSION: list[SelfCheckProgress] = []


def _session() -> SelfCheckProgress:
    if not _SESSION:
        _SESSION.append(SelfCheckProgress())
    return _SESSION[0]


_OPENERS = re.compile(r"^\s*(right|correct|yes|not quite|no|wrong)\s*[:.!,]\s*", re.IGNORECASE)


def verdict_line(correct: bool, feedback: str) -> tuple[str, str]:
    """The verdict mark and the feedback, saying "Correct" or "Not quite" once (issue 19).

    Feedback written as "Right: ..." or "Not quite: ..." loses its own opener, so a learner
    reads one phrase ("Correct: ..."), not two ("Correct. Right: ...").

    >>> verdict_line(False, "Not quite: >= 30 % counts.")
    ('&#10008; Not quite:', '>= 30 % counts.')
    >>> verdict_line(True, "Right. exactly 30 % is improved.")
    ('&#10004; Correct:', 'Exactly 30 % is improved.')
    >>> verdict_line(True, "Exactly 30 % is improved.")
    ('&#10004; Correct:', 'Exactly 30 % is improved.')
    """
    mark = "&#10004; Correct:" if correct else "&#10008; Not quite:"
    rest = _OPENERS.sub("", feedback, count=1)
    if rest == feedback or not rest:
        return mark, feedback
    return mark, rest[:1].upper() + rest[1:]


class SelfCheck:
    """A multiple-choice question that answers back.

    Parameters
    ----------
    question : str
        The question (HTML allowed).
    options : sequence of str
        The choices, in display order.
    answer : int
        Index of the correct option.
    feedback : sequence of str
        One explanation per option, shown when that option is checked: say
        why it is right or wrong, not just "wrong".

    Examples
    --------
    >>> q = SelfCheck("Is exactly 30 % improvement enough for ACR30?", ["Yes", "No"], 0,
    ...               ["Right: improved means >= 30 %.", "Not quite: >= 30 % counts."])
    >>> q.choose(1)
    'Not quite: >= 30 % counts.'
    >>> q.correct
    False
    >>> q.choose(0); q.correct
    'Right: improved means >= 30 %.'
    True
    """

    def __init__(
        self,
        question: str,
        options: Sequence[str],
        answer: int,
        feedback: Sequence[str],
        *,
        progress: SelfCheckProgress | None = None,
    ) -> None:
        if len(feedback) != len(options):
            raise ValueError("give one feedback text per option")
        if not 0 <= answer < len(options):
            raise ValueError(f"answer must be an option index 0 to {len(options) - 1}")
        self.question = question
        self.options = list(options)
        self.answer = answer
        self.feedback = list(feedback)
        self.correct: bool | None = None
        self._choice = w.RadioButtons(
            options=self.options, value=None, layout={"width": "auto"}, tooltip="Your answer"
        )
        self._button = w.Button(
            description="Check",
            icon="check",
            style={"button_color": BUTTON_BLUE, "text_color": PALETTE["white"]},
        )
        self._out = w.HTML(value="")
        self._out.add_class("jia-live")
        self._button.on_click(lambda _b: self._check())
        self._progress = progress if progress is not None else _session()
        self._progress.add(self)
        self.ui = w.VBox(
            [w.HTML(f"<b>Self-check.</b> {question}"), self._choice, self._button, self._out],
            layout={"border": f"1px solid {PALETTE['blue']}", "padding": "6px", "margin": "6px 0"},
        )

    def _check(self) -> str:
        if self._choice.value is None:
            self._out.value = "<i>Choose an answer first.</i>"
            return ""
        index = self.options.index(self._choice.value)
        self.correct = index == self.answer
        text = self.feedback[index]
        mark, rest = verdict_line(self.correct, text)
        colour = TEXT_GREEN if self.correct else TEXT_VERMILLION
        self._out.value = f'<span style="color:{colour}"><b>{mark}</b></span> {rest}'
        self._progress._refresh()
        return text

    @staticmethod
    def progress() -> SelfCheckProgress:
        """The tally of this session's self-checks, to show at the end of a tutorial."""
        return _session()

    def choose(self, index: int) -> str:
        """Pick option ``index`` and press Check, as a learner would; returns the feedback."""
        self._choice.value = self.options[index]
        return self._check()

    def _repr_mimebundle_(self, **kwargs: object) -> object:
        return self.ui._repr_mimebundle_(**kwargs)
