"""Pages without the Markdown round trip (builder/site/direct.py): the same page a reader gets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from site_fixtures import hostile_site

from builder.project import bundled
from builder.site.direct import ANCHOR_ID, anchor_ids, split_page
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


def markdown_config() -> dict[str, object]:
    """The site's Markdown configuration, as MkDocs gives it to a plugin."""
    from pymdownx.slugs import slugify

    toc = {"permalink": True, "permalink_title": "Посилання", "slugify": slugify(case="lower")}
    return {
        "markdown_extensions": ["tables", "admonition", "attr_list", "toc"],
        "mdx_configs": {"toc": toc},
    }


# Pages as dap writes them, and some that it does not: the same heading twice, an id given
# to one heading that another would get, a heading Markdown changes, nested levels
PAGES = [
    ["# Захід 1.1.1.1.2", "<p>x</p>", "## Відомості про захід", "<ul><li>y</li></ul>"],
    ["# Захід 1.1.1.1.12", "## Звіти виконавця", "<p>a</p>", "## Звіти виконавця"],
    ["# Розділ {#b}", "<p>a</p>", "## B"],
    ["# Здоров'я & *зміст* `код`", "### Глибше", "## Вище", "<p>z</p>"],
    ["## Захід 1.1", "## Захід 11"],  # one id for both
    ["<p>лише HTML</p>"],
]


@pytest.mark.parametrize("parts", PAGES, ids=range(len(PAGES)))
def test_headings_converted_alone_are_the_pages_markdown(parts: list[str]) -> None:
    from builder.site.direct import DirectHTML

    alone, whole = DirectHTML(markdown_config()), DirectHTML(markdown_config())
    whole.heading = lambda line: None  # type: ignore[method-assign]  # every page as one
    for _ in range(2):  # converted, then from what the first conversion kept
        assert alone.convert(parts) == whole.convert(parts)


def test_a_kind_of_heading_is_converted_once() -> None:
    from builder.site.direct import DirectHTML

    direct = DirectHTML(markdown_config())
    for number in range(5):
        direct.convert([f"# Захід {number}", "<p>x</p>", "## Звіти виконавця", "## Історія змін"])
    assert len(direct._lines) == 7


@given(
    st.lists(
        st.sampled_from(
            [' id="', 'id="', '\nid="', 'xid="', '"', "a", " ", "\u00a0", "&amp;", ">"]
        ),
        max_size=14,
    )
)
def test_anchor_ids_are_the_expressions_matches(parts: list[str]) -> None:
    # issue 22: found from each `id="`, not by trying `\s` at every character of the page
    content = "".join(parts)
    assert anchor_ids(content) == ANCHOR_ID.findall(content)


def test_anchor_ids_take_up_where_a_match_ends() -> None:
    content = '<a xid="b id="c" id="d"><h2 id="e">'
    assert anchor_ids(content) == ANCHOR_ID.findall(content) == ["c", "d", "e"]
