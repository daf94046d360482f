"""Sphinx extension for the jia-teach book: the live calculators, on the pages that have one.

``tools/build_book.py`` turns the calculator cells of the book's notebook copies into
``<div class="jia-calc" data-jia-calc="...">`` mount points (:mod:`tools.live_calculators`) and
writes ``live/jia-live.js`` and ``live/jia-live.css`` into the static folder. This extension
adds those two files to exactly the pages whose body holds a mount point, so every other page
is byte for byte what it was (issue 24: no weight where nothing is live).
"""

from __future__ import annotations

from typing import Any

MOUNT = 'data-jia-calc="'


def _add_live(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if MOUNT in context.get("body", ""):
        # Called inside html-page-context, these add to this page only (Sphinx >= 3.5).
        app.add_css_file("live/jia-live.css")
        app.add_js_file("live/jia-live.js", defer="defer")


def setup(app: Any) -> dict[str, Any]:
    """Register the page-context hook."""
    app.connect("html-page-context", _add_live, priority=500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
