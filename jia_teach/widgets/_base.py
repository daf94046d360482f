"""What every interactive view shares.

A view is a plain object holding an ipywidgets tree (``.ui``), its controls
by name (``.controls``) and a way to describe its current state in text
(``.summary_text()``), which tests and nbval compare. Figures are drawn with
matplotlib's Agg canvas into an :class:`ipywidgets.Image`, whose value is
replaced in place on every change: no new figure, no flicker, and it works
in JupyterLab, Voila and the static book alike.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import ipywidgets as w

from jia_teach.present.render import canvas_png, figure_png
from jia_teach.widgets._idle import IdleWork

if TYPE_CHECKING:
    import pandas as pd

from jia_teach.data.location import use_data

T = TypeVar("T")

__all__ = ["ChartArea", "IdleWork", "View", "canvas_png", "figure_png", "records"]


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts, pandas' missing values (NA, NaN) as ``None``.

    Examples
    --------
    >>> import pandas as pd
    >>> records(pd.DataFrame({"events": pd.array([64, None], dtype="Int64")}))
    [{'events': 64}, {'events': None}]
    """
    import pandas as pd

    def clean(value: Any) -> Any:
        try:
            return None if pd.isna(value) else value
        except (TypeError, ValueError):  # list-like values
            return value

    return [{k: clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


class ChartArea:
    """A view's chart: the image and, under it, its caption (the image's alt text as well,
    by the class ``jia-caption``: tools/web/widget_a11y.js).

    Parameters
    ----------
    width : str
        CSS width: the image's maximum width (or its width, ``fixed=True``) and the caption's.
    fixed : bool
        Draw the image at ``width`` exactly instead of at most ``width``.

    Examples
    --------
    >>> area = ChartArea("560px")
    >>> area.show(None, "No chart: no counts.")
    >>> area.image.layout.display, area.caption.value
    ('none', "<p style='max-width:560px'><i>No chart: no counts.</i></p>")
    """

    def __init__(self, width: str, *, fixed: bool = False) -> None:
        self.width = width
        self.image = w.Image(format="png", layout={"width" if fixed else "max_width": width})
        self.caption = w.HTML()
        self.caption.add_class("jia-caption")

    def show(self, png: bytes | None, caption: str) -> None:
        """Show ``png`` (hide the image when there is none) and ``caption``. Only what
        changed is sent to the page: the same bytes or words again change nothing there."""
        self.image.layout.display = None if png else "none"
        if png and self.image.value != png:
            self.image.value = png
        self.caption.value = f"<p style='max-width:{self.width}'><i>{html.escape(caption)}</i></p>"


class View:
    """Base class of the interactive views.

    Subclasses build ``self.controls`` (name -> widget) and ``self.ui`` (the
    root widget), then call ``self._connect()`` so that every control change
    runs ``self.update()``.
    """

    ui: w.Widget
    controls: dict[str, w.Widget]

    def _chart_area(self, width: str, *, fixed: bool = False) -> None:
        """Give a chart view its chart, the chart's caption and a readout under the
        controls: ``self._area`` (a :class:`ChartArea`), ``self._image`` and
        ``self._caption`` (its widgets) and ``self._readout`` (an empty HTML widget)."""
        self._area = ChartArea(width, fixed=fixed)
        self._image, self._caption = self._area.image, self._area.caption
        self._readout = w.HTML()

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
            self._assign(values)
        self.update()

    def _assign(self, values: dict[str, Any]) -> None:
        """Put the values into the controls (a view whose options depend on each other,
        such as trial -> end point, overrides this to set them in order)."""
        for name, value in values.items():
            self.controls[name].value = value

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


def reads_data(method: Callable[..., T]) -> Callable[..., T]:
    """Run a view's method with the data folder the view was built from (``self._data``).

    A view built inside ``with jia_teach.use_data(folder):`` keeps showing that folder's
    figures when the learner moves a control later, outside the block.
    """

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> T:
        with use_data(self._data):
            return method(self, *args, **kwargs)

    return wrapper
