"""The built book is self-contained: no script, stylesheet or font from another host.

Runs after ``make book`` (``make test`` builds the book before the browser tests). A static scan
of every HTML and CSS file under ``book/_build/html``; the browser tests then check the same
thing at run time by recording every request Chromium makes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.build_book import toc_notebooks
from tools.offline_check import external_references, is_external


def test_no_external_scripts_styles_or_fonts(book_html: Path) -> None:
    refs = external_references(book_html)
    assert not refs, "external references in the built book:\n" + "\n".join(
        f"{r.file.relative_to(book_html)}: <{r.tag}> {r.url}" for r in refs
    )


@pytest.mark.parametrize("name", toc_notebooks())
def test_every_notebook_in_the_toc_is_a_page(book_html: Path, name: str) -> None:
    page = book_html / "tutorials" / f"{name}.html"
    assert page.exists(), f"{name}.ipynb has no page in the built book"
    assert "<h1" in page.read_text(encoding="utf-8"), f"{page.name} has no title"


def test_widget_and_maths_scripts_are_local(book_html: Path) -> None:
    text = (book_html / "definitions.html").read_text(encoding="utf-8")
    assert "_static/mathjax/tex-chtml.js" in text
    assert (book_html / "_static" / "mathjax" / "tex-chtml.js").exists()
    assert (book_html / "_static" / "require.js").exists()
    assert (book_html / "_static" / "html-manager" / "embed-amd.js").exists()


@pytest.mark.parametrize(
    ("url", "external"),
    [
        ("https://cdn.jsdelivr.net/npm/x.js", True),
        ("http://example.org/a.css", True),
        ("//fonts.googleapis.com/css", True),
        ("_static/require.js", False),
        ("../_static/x.css?v=1", False),
        ("data:font/woff;base64,AAAA", False),
        ("#top", False),
    ],
)
def test_is_external(url: str, external: bool) -> None:
    assert is_external(url) is external


def test_scanner_finds_cdn_references(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(
        '<html><head><script src="https://cdn.example/x.js"></script>'
        '<link rel="stylesheet" href="//fonts.example/f.css">'
        '<style>@import "https://fonts.example/g.css";</style></head>'
        '<body><a href="https://example.org">a link is fine</a>'
        '<img src="img/local.png"></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "b.css").write_text("p { background: url(https://x.example/i.png) }")
    found = sorted((r.tag, r.url) for r in external_references(tmp_path))
    assert found == [
        ("css", "https://x.example/i.png"),
        ("link", "//fonts.example/f.css"),
        ("script", "https://cdn.example/x.js"),
        ("style", "https://fonts.example/g.css"),
    ]
