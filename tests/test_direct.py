"""Pages without the Markdown round trip (builder/site/direct.py): the same page a reader gets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from site_fixtures import hostile_site

from builder.project import bundled
from builder.site.direct import split_page
from builder.site.mkdocs import run_mkdocs

SITE = bundled("site")


def page_text(html: str) -> str:
    """A built page with the whitespace between two tags dropped: the one difference allowed
    (Markdown breaks the line between two top-level elements written on one line)."""
    return re.sub(r">\s+<", "><", html)


@pytest.mark.slow
def test_pages_without_markdown_are_the_pages_markdown_makes(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    site = hostile_site(tmp_path_factory)  # every status, a hostile report, forms, downloads
    docs = site.parent / f"{site.name}-docs"
    slow, fast = tmp_path / "markdown", tmp_path / "direct"
    slow.mkdir()
    fast.mkdir()
    assert run_mkdocs(SITE, docs, slow, direct=False) == []
    assert run_mkdocs(SITE, docs, fast) == []
    pages = sorted(p.relative_to(slow).as_posix() for p in slow.rglob("*.html"))
    assert pages == sorted(p.relative_to(fast).as_posix() for p in fast.rglob("*.html"))
    differ = [
        page
        for page in pages
        if page_text((slow / page).read_text(encoding="utf-8"))
        != page_text((fast / page).read_text(encoding="utf-8"))
    ]
    assert differ == []
    # the record pages went the quick way: the same bytes, their table of contents included
    same = [p for p in pages if (slow / p).read_bytes() == (fast / p).read_bytes()]
    assert "measures/1.1.1.1.2.html" in same and "executors/minjust.html" in same
    assert 'class="headerlink"' in (fast / "measures/1.1.1.1.2.html").read_text(encoding="utf-8")


def test_only_headings_and_html_blocks_skip_markdown() -> None:
    assert split_page("# Заголовок\n\n<p>текст</p>\n<p>ще</p>\n\n## Далі\n\n<div>\n</div>\n") == [
        "# Заголовок",
        "<p>текст</p>\n<p>ще</p>",
        "## Далі",
        "<div>\n</div>",
    ]
    assert split_page("# Заголовок\n\n- пункт списку\n") is None  # Markdown
    assert split_page("# Заголовок\nпродовження\n\n<p>x</p>\n") is None  # a heading over two lines
    assert split_page("# [посилання](a.md)\n\n<p>x</p>\n") is None  # MkDocs checks its links
    assert split_page("<!-- коментар -->\n") is None
