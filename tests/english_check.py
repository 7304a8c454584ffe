"""What of an English page is still Ukrainian outside elements marked `lang="uk"` (issue 21).

Shared by the English-edition tests: the pure ones over `render_pages()` output and the
browser ones over a built page. A Ukrainian text of the data without its English version is
shown inside `lang="uk"` (markup.data_text, the catalogue's fallbacks); anything Cyrillic
elsewhere is an interface word that did not go through the catalogue.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "content")  # words people read
SKIPPED = ("script", "style", "template")
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, inside Ukrainian or skipped)
        self.found: list[str] = []

    def _quiet(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = (values.get("lang") or "").lower()
        quiet = self._quiet() or tag in SKIPPED or lang.startswith("uk")
        if lang and not lang.startswith("uk"):
            quiet = tag in SKIPPED  # an element in another language inside a Ukrainian one
        if not quiet:
            for name in READ_ATTRIBUTES:
                value = values.get(name) or ""
                if CYRILLIC.search(value) and not (
                    tag == "meta" and name == "content" and "name" not in values
                ):
                    self.found.append(f"<{tag} {name}={value!r}>")
        if tag not in VOID:
            self.stack.append((tag, quiet))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):  # forgiving, as browsers are
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self._quiet() and CYRILLIC.search(data):
            self.found.append(data.strip()[:80])


def cyrillic_outside_uk(html: str) -> list[str]:
    """Each text or read attribute with Cyrillic letters outside a `lang="uk"` element."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.found
