"""What every interactive view shares.

A view is a plain object holding an ipywidgets tree (``.ui``), its controls
by name (``.controls``) and a way to describe its current state in text
(``.summary_text()``), which tests and nbval compare. Figures are drawn with
matplotlib's Agg canvas into an :class:`ipywidgets.Image`, whose value is
replaced in place on every change: no new figure, no flicker, and it works
in JupyterLab, Voila and the static book alike.
"""

from __future__ import annotations

import io
from typing import Any

import ipywidgets as w
from matplotlib.figure import Figure

__all__ = ["View", "figure_png"]


def figure_png(fig: Figure, dpi: int = 96) -> bytes:
    """Render a matplotlib Figure to PNG bytes (Agg, no pyplot state).

    Examples
    --------
    >>> fig = Figure(figsize=(2, 1))
    >>> figure_png(fig)[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


class View:
    """Base class of the interactive views.

    Subclasses build ``self.controls`` (name -> widget) and ``self.ui`` (the
    root widget), then call ``self._connect()`` so that every control change
    runs ``self.update()``.
    """

    ui: w.Widget
    controls: dict[str, w.Widget]

    def _connect(self) -> None:
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    def _on_change(self, _change: dict[str, Any]) -> None:
        self.update()

    def update(self) -> None:  # pragma: no cover - abstract
        """Recompute and redraw from the current control values."""
        raise NotImplementedError

    def summary_text(self) -> str:  # pragma: no cover - abstract
        """The current state in plain text (for nbval, tests and screen readers)."""
        raise NotImplementedError

    def set(self, **values: Any) -> None:
        """Set several controls at once, as a learner would, then update once."""
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise KeyError(f"no control named {unknown[0]!r}; controls: {sorted(self.controls)}")
        with self.hold_updates():
            for name, value in values.items():
                self.controls[name].value = value
        self.update()

    def hold_updates(self) -> _Hold:
        """Context manager: control changes inside do not trigger updates."""
        return _Hold(self)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.ui._repr_mimebundle_(**kwargs)


class _Hold:
    def __init__(self, view: View) -> None:
        self.view = view

    def __enter__(self) -> None:
        for control in self.view.controls.values():
            control.unobserve(self.view._on_change, names="value")

    def __exit__(self, *exc: object) -> None:
        for control in self.view.controls.values():
            control.observe(self.view._on_change, names="value")
