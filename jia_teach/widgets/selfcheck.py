"""Self-check questions with immediate feedback (plain ipywidgets, offline).

The question's code (which holds the answer key) is hidden in the lab and removed from the
book by ``tools/notebook_meta.py``; the feedback appears only after the learner presses Check.
The choices are a named radio group, the feedback a polite live region (announced when it
appears, through ``tools/web/widget_a11y.js`` in Voila and the book), and every colour of the
feedback passes 4.5:1 on white.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as w

from ._controls import BUTTON_BLUE, TEXT_GREEN, TEXT_VERMILLION

__all__ = ["SelfCheck"]


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
        self, question: str, options: Sequence[str], answer: int, feedback: Sequence[str]
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
            style={"button_color": BUTTON_BLUE, "text_color": "#FFFFFF"},
        )
        self._out = w.HTML(value="")
        self._out.add_class("jia-live")
        self._button.on_click(lambda _b: self._check())
        self.ui = w.VBox(
            [w.HTML(f"<b>Self-check.</b> {question}"), self._choice, self._button, self._out],
            layout={"border": "1px solid #0072B2", "padding": "6px", "margin": "6px 0"},
        )

    def _check(self) -> str:
        if self._choice.value is None:
            self._out.value = "<i>Choose an answer first.</i>"
            return ""
        index = self.options.index(self._choice.value)
        self.correct = index == self.answer
        text = self.feedback[index]
        mark = "&#10004; Correct." if self.correct else "&#10008; Not quite."
        colour = TEXT_GREEN if self.correct else TEXT_VERMILLION
        self._out.value = f'<span style="color:{colour}"><b>{mark}</b></span> {text}'
        return text

    def choose(self, index: int) -> str:
        """Pick option ``index`` and press Check, as a learner would; returns the feedback."""
        self._choice.value = self.options[index]
        return self._check()

    def _repr_mimebundle_(self, **kwargs: object) -> object:
        return self.ui._repr_mimebundle_(**kwargs)
