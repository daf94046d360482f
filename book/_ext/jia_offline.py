"""Sphinx extension for the jia-teach book: drop the unused Thebe scripts from every page.

Jupyter Book 1 always loads sphinx-thebe. Its page setup runs on each ``env-before-read-docs``,
so an incremental build can emit its inline configuration twice, which throws
``Identifier 'THEBE_JS_URL' has already been declared`` in the browser; the configuration also
names a CDN (unpkg) for Thebe's bundle. Thebe (live code on a remote Binder kernel) cannot work
offline and is switched off in ``_config.yml`` (``launch_buttons.thebe: false``), so its script,
inline configuration and stylesheet are removed from every page. Any other script that
appears twice is kept once.

Every page also loads ``frozen.js`` (``tools/web/frozen.js``, copied into the static folder by
``tools/build_book.py``): each widget drawn from saved state gets a visible "frozen at the
default values" note and its controls are disabled, since a static page cannot run Python;
and ``book_a11y.js``, which gives the theme's buttons, the code toggles and the bibliography the
accessible names and roles axe-core asks for; and ``widget_a11y.js``, which turns the widgets'
tooltips into slider names and image alt texts; and ``book.css`` (``tools/web/book.css``): code
and output wrap on paper, and widgets become one column under 600 px.
"""

from __future__ import annotations

from typing import Any


def _is_thebe(asset: Any) -> bool:
    name = str(getattr(asset, "filename", None) or asset)
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in name or "THEBE_JS_URL" in body


def _prune(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    scripts = context.get("script_files")
    if scripts:
        seen: set[tuple[str, str]] = set()
        kept = []
        for js in scripts:
            key = (
                str(getattr(js, "filename", None) or js),
                str(getattr(js, "attributes", {}).get("body", "")),
            )
            if _is_thebe(js) or key in seen:
                continue
            seen.add(key)
            kept.append(js)
        scripts[:] = kept
    css = context.get("css_files")
    if css:
        css[:] = [c for c in css if not _is_thebe(c)]


def setup(app: Any) -> dict[str, Any]:
    """Register the page-context hook."""
    app.connect("html-page-context", _prune, priority=900)
    app.add_js_file("frozen.js", **{"data-observe": "true"})
    app.add_js_file("book_a11y.js")
    app.add_js_file("widget_a11y.js")
    app.add_css_file("book.css")  # print: code wraps; under 600 px: one-column widgets
    return {"parallel_read_safe": True, "parallel_write_safe": True}
