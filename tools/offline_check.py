"""Find references to other hosts in built HTML (scripts, stylesheets, fonts, frames, images).

A built page must work with no network: every ``<script src>``, ``<link href>``, ``<img src>``,
``<iframe src>``, ``<source src>`` and every CSS ``url(...)``/``@import`` must be local (a
relative path, ``data:`` or ``blob:``). Hyperlinks (``<a href>``) are allowed to point anywhere:
they load nothing until clicked.

Usage: ``python -m tools.offline_check book/_build/html [build/slides ...]`` exits 1 and lists
the offending references when there are any.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

_LOADING_ATTRS: dict[str, tuple[str, ...]] = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "audio": ("src",),
    "video": ("src", "poster"),
    "embed": ("src",),
    "object": ("data",),
}
_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.IGNORECASE)


class ExternalReference(NamedTuple):
    """One reference from a built file to another host."""

    file: Path
    tag: str
    url: str


def is_external(url: str) -> bool:
    """True when ``url`` names a host (``http://``, ``https://``, ``//host``, ``ftp://`` ...).

    Examples
    --------
    >>> is_external("https://cdn.jsdelivr.net/x.js"), is_external("//fonts.example/x.css")
    (True, True)
    >>> is_external("_static/require.js"), is_external("data:image/png;base64,AAAA")
    (False, False)
    """
    return bool(_EXTERNAL.match(url))


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = _LOADING_ATTRS.get(tag, ())
        for name, value in attrs:
            if value is None:
                continue
            if name in names:
                urls = [value]
                if "srcset" in name:
                    urls = [p.strip().split(" ")[0] for p in value.split(",")]
                self.found.extend((tag, u) for u in urls if is_external(u))
            elif name == "style":
                self.found.extend(("style", u) for u in _CSS_URL.findall(value) if is_external(u))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found.extend(("style", u) for u in _CSS_URL.findall(data) if is_external(u))


def external_references(*roots: Path) -> list[ExternalReference]:
    """List every external script/style/font/frame/image reference under ``roots``."""
    out: list[ExternalReference] = []
    for root in roots:
        for path in sorted(Path(root).rglob("*")):
            if path.suffix == ".html":
                parser = _Collector()
                parser.feed(path.read_text(encoding="utf-8", errors="replace"))
                out.extend(ExternalReference(path, tag, url) for tag, url in parser.found)
            elif path.suffix == ".css":
                text = path.read_text(encoding="utf-8", errors="replace")
                urls = [u for u in _CSS_URL.findall(text) if is_external(u)]
                out.extend(ExternalReference(path, "css", u) for u in urls)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(__doc__)
        return 2
    missing = [a for a in args if not Path(a).is_dir()]
    if missing:
        print(f"offline_check: not a folder (build it first): {', '.join(missing)}")
        return 2
    refs = external_references(*map(Path, args))
    for ref in refs:
        print(f"{ref.file}: <{ref.tag}> {ref.url}")
    if refs:
        print(f"offline_check: {len(refs)} external reference(s); the build must be offline.")
        return 1
    print(f"offline_check: no external scripts, styles or fonts under {', '.join(args)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
