"""Pages whose HTML dap wrote itself reach MkDocs without the Markdown round trip.

dap writes every page as Markdown headings (`# Захід 1.2`, `## Звіти виконавця`) between HTML
blocks (`markup.block`: no blank line inside, blank lines around). Python-Markdown would
parse each block again with `html.parser` only to put it back as it was, and MkDocs would scan
it again for anchors: most of MkDocs' time at national scale. `DirectHTML`, a MkDocs plugin
that `run_mkdocs` adds, takes such a page at MkDocs' own extension point `on_page_markdown`
(the page, its front matter read) and gives it its HTML at once: the headings alone go through
a Markdown converter configured like MkDocs' own (the same `toc` ids, permalinks and table of
contents), the blocks go through as they are. A page of any other shape (Markdown lists or
tables, a heading over two lines, a link in a heading) is left to Markdown.

The page a reader gets is the one Markdown makes: the same elements, attributes and text, with
the only difference the whitespace between two block elements (Markdown puts a line break
between two top-level elements written on one line). `tests/test_direct.py` builds the
fixture and the demonstration sites both ways and compares every page.

Nothing changes in the docs folder: `mkdocs build -f site/mkdocs.yml` or Zensical run by hand
read the same Markdown and build the same site the slow way.
"""

from __future__ import annotations

import functools
import html
import logging
import re
from typing import Any

HEADING = re.compile(r"#{1,6} [^\n]+")
BLANK_LINE = re.compile(r"\n[ \t]*\n")
ANCHOR_ID = re.compile(r"""\sid="([^"]*)\"""")  # what `anchor_ids` finds
_ID = re.compile(r'id="([^"]*)"')


def split_page(body: str) -> list[str] | None:
    """The page's parts (one heading line or one HTML block each), or None when a part is
    neither: the page then goes to Markdown."""
    parts = [p.strip("\n") for p in BLANK_LINE.split(body.strip("\n"))]
    for part in parts:
        if part.startswith("#"):
            if not HEADING.fullmatch(part) or "](" in part:  # a link wants MkDocs' checks
                return None
        elif not part.startswith("<") or part.startswith("<!--") or part[:2] == "<<":
            return None
    return [p for p in parts if p]


class DirectHTML:
    """The HTML of dap's own pages without Markdown: `plugin()` makes the MkDocs plugin."""

    def __init__(self, config: Any) -> None:
        import markdown

        self._headings = markdown.Markdown(
            extensions=config["markdown_extensions"],
            extension_configs=config["mdx_configs"] or {},
        )
        self.direct = 0  # pages given their HTML at once
        self.markdown = 0  # pages left to Markdown
        # a heading line's HTML and table of contents' token, converted alone (None: not one
        # element with one link and one token, see `heading`)
        self._lines: dict[str, tuple[str, dict[str, Any]] | None] = {}

    def heading(self, line: str) -> tuple[str, dict[str, Any]] | None:
        """A heading line's HTML and its token (without children), converted once per run:
        most of a page's headings are its kind's («## Звіти виконавця» on 2,000 pages)."""
        if line in self._lines:
            return self._lines[line]
        md = self._headings
        md.reset()
        html = md.convert(line)
        tokens = list(getattr(md, "toc_tokens", []))
        found = None
        one = len(tokens) == 1 and not tokens[0].get("children")
        if one and "\n" not in html and html.count("<a ") == 1:
            found = html, {k: v for k, v in tokens[0].items() if k != "children"}
        self._lines[line] = found
        return found

    def convert(self, parts: list[str]) -> tuple[str, list[Any]] | None:
        """The page's HTML and its table of contents' tokens, as Markdown would make them.

        Each heading line is converted alone (`heading`) when it can be: the page's Markdown
        would give each heading the same element, and the same id as alone unless two of its
        headings have the same (`toc`'s `unique` then numbers the second), so the page takes
        its headings from there when their ids differ, and from Markdown otherwise."""
        from markdown.extensions.toc import nest_toc_tokens

        heads = [p for p in parts if p.startswith("#")]
        alone = [self.heading(h) for h in heads]
        known = [a for a in alone if a is not None]
        ids = {token["id"] for _html, token in known}
        if len(known) == len(heads) and len(ids) == len(known):
            rendered = [html for html, _token in known]
            return _joined(parts, rendered), nest_toc_tokens([dict(tok) for _h, tok in known])
        md = self._headings
        md.reset()
        rendered = md.convert("\n\n".join(heads)).split("\n") if heads else []
        # one element per heading, with the permalink as its only link
        if len(rendered) != len(heads) or any(h.count("<a ") != 1 for h in rendered):
            return None
        return _joined(parts, rendered), list(getattr(md, "toc_tokens", []))

    def page_markdown(self, markdown: str, page: Any) -> str:
        """`on_page_markdown`: a page of dap's shape gets its HTML now (its `render` becomes
        setting it), any other goes on to Markdown. A page given its HTML keeps no Markdown
        (MkDocs would hold every page's source until the build ends)."""
        parts = split_page(markdown) if "title" in page.meta else None
        done = self.convert(parts) if parts is not None else None
        if done is None:
            self.markdown += 1
            return markdown
        self.direct += 1
        page.render = functools.partial(_render, page, *done)
        return ""

    @staticmethod
    def post_page(output: str, page: Any) -> str:
        """`on_post_page`: the page is written next and its HTML is not read again (the
        sidebar of other pages needs its title, which comes from its front matter), so MkDocs
        need not hold it until the build ends: memory at scale (issue 22)."""
        if isinstance(page.render, functools.partial) and "title" in page.meta:
            page.content = ""
        return output


def _joined(parts: list[str], rendered: list[str]) -> str:
    """The page's HTML: its parts, each heading as `rendered`, as Markdown joins them."""
    given = iter(rendered)
    out = [next(given) if part.startswith("#") else part + "\n" for part in parts]
    if out and not parts[-1].startswith("#"):
        out[-1] = out[-1][:-1]  # Markdown ends the page without a line break
    return "\n".join(out)


def anchor_ids(content: str) -> list[str]:
    """`ANCHOR_ID.findall(content)`, found from each `id="` (issue 22: a regular expression that
    begins with `\\s` tries every character of the page; ~0.19 ms of a 42 KB page against
    ~0.03, every page of both editions): a match is taken when a space is before it, and the
    search goes on from its end; else from the next character, as `findall` would."""
    found: list[str] = []
    search, at = _ID.search, 0
    while (match := search(content, at)) is not None:
        start = match.start()
        if start and content[start - 1].isspace():
            found.append(match[1])
            at = match.end()
        else:
            at = start + 1
    return found


def _render(page: Any, content: str, tokens: list[Any], config: Any, files: Any) -> None:
    """What `Page.render` sets, from the HTML made without Markdown: the content, the table of
    contents, the anchors other pages' Markdown links may point to (ids, read by a regular
    expression, never by an HTML parser), and no Markdown links of its own to check."""
    from mkdocs.structure.toc import get_toc

    page.content = content
    page.toc = get_toc(tokens)
    page.present_anchor_ids = {html.unescape(a) for a in anchor_ids(content)}
    if logging.getLogger("mkdocs").getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = {}


def plugin() -> Any:
    """The MkDocs plugin: a `DirectHTML` made from the site's Markdown configuration."""
    from mkdocs.plugins import BasePlugin

    class Plugin(BasePlugin):  # type: ignore[type-arg]
        direct: DirectHTML | None = None

        def on_config(self, config: Any) -> Any:
            self.direct = DirectHTML(config)
            return config

        def on_page_markdown(self, markdown: str, page: Any, **kwargs: object) -> str:
            assert self.direct is not None
            return self.direct.page_markdown(markdown, page)

        def on_post_page(self, output: str, page: Any, **kwargs: object) -> str:
            return DirectHTML.post_page(output, page)

    return Plugin()
