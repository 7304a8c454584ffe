"""Hostile text in every kind of record (issue 16): no traceback, a located error or
acceptance, and accepted text on its page as the same text, escaped.

For each kind of file of the layout, hypothesis writes a free-text field of one demonstration
record with text made of HTML, Markdown, YAML and template syntax, control and invisible
characters and Cyrillic; then `validate` reads the data as every command does. Refused text
must be refused with the file and line; accepted text goes through the pages stage of
`dap build` (every page as Markdown), and the record's page, turned into HTML by
Python-Markdown with the site's extensions (what MkDocs does with it), must show the same text
— as kept: docs/data-layout.md "Text as it is kept" — and no tag, handler or link from it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from site_fixtures import AS_OF, COMPUTED_ON, ROOT, copy_data

from builder.compute import history_snapshots
from builder.datafile import LAYOUT, clean_text, parse_bytes
from builder.demo.write import _Dumper as DemoDumper
from builder.site.context import prepare
from builder.site.pages import render_pages
from builder.validate import validate

# Each kind of file: the demonstration file, the field written, and the page that shows the
# whole text (None: the field is never published — NACP's staff).
KINDS: dict[str, tuple[str, tuple[str | int, ...], str | None]] = {
    "programme": ("programme.yaml", ("title",), "index.md"),
    "staff": ("staff.yaml", ("people", 0, "name"), None),
    "sections": ("sections/1.1.yaml", ("title",), "directions/1.1.md"),
    "results": ("results/1.1.1.1.yaml", ("title",), "results/1.1.1.1.md"),
    "measures": ("measures/1.1.1.1.2.yaml", ("title",), "measures/1.1.1.1.2.md"),
    "executors": ("executors/nazk.yaml", ("name",), "executors/nazk.md"),
    "reports": ("reports/2024-Q3/1.1.1.1.2.yaml", ("text",), "measures/1.1.1.1.2.md"),
    "assessments": ("assessments/2024-Q3/1.1.1.1.2.yaml", ("text",), "measures/1.1.1.1.2.md"),
    "evaluations": (
        "evaluations/2024/1.1.1.1.yaml",
        ("indicators", 0, "rationale"),
        "results/1.1.1.1.md",
    ),
    "feedback": ("feedback/2024-0001.yaml", ("text",), "feedback.md"),
    "notices": ("notices/2024-national-report.yaml", ("text",), "notices.md"),
}
EXAMPLES = 25  # per kind: ~0.1 s each
MARKDOWN_EXTENSIONS = ["tables", "admonition", "attr_list", "toc"]  # site/mkdocs.yml

FRAGMENTS = [
    "<script>window.x=1</script>",
    '<img src="x" onerror="window.x=2">',
    "<a href='javascript:window.x=3'>a</a>",
    "[натисніть](javascript:window.x=4)",
    "![d](x)",
    "<https://example.org/x>",
    '{: onclick="window.x=5"}',
    "**жирний** _курсив_ `код` ~~s~~",
    "# заголовок",
    "\n- пункт\n1. один\n> цитата\n",
    "|a|b|\n|-|-|",
    "---",
    "&amp; &lt; &#60; &",
    "<!-- x -->",
    "{{ x }} {% if %}",
    "!!! note",
    "*[HTML]: x",
    "[^1]",
    "\\",
    '"',
    "'",
    ": ",
    " #",
    "\n\n",
    "\t",
    "\x00",
    "\x1b[31m",
    "\x0b",
    "\u202e",
    "\u2028",
    "\u00a0",
    "\u200b",
    "Захід виконано",
    "зв’язок «лапки»",
]
TEXTS = st.lists(
    st.sampled_from(FRAGMENTS) | st.text(max_size=8),
    min_size=1,
    max_size=6,
).map("".join)


# ---------------------------------------------------------------- the pages stage


def pages_of(data_dir: Path) -> tuple[Any, list[Any], dict[str, str]]:
    """Validate `data_dir` as every command does and, when nothing is wrong, its pages (the
    pages stage of `dap build`)."""
    data, problems = validate(data_dir, "data")
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        return data, errors, {}
    snapshots = history_snapshots(data, None, AS_OF, COMPUTED_ON)
    return data, [], render_pages(prepare(data, snapshots, None, "", "", "test"))


class Page(HTMLParser):
    """The HTML of a page as a reader meets it: its visible text, and the tags, handlers and
    links it holds."""

    BLOCKS = frozenset(("br", "p", "div", "td", "th", "li", "h1", "h2", "h3", "h4", "tr"))

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: Counter[str] = Counter()
        self.handlers = 0
        self.links: set[str] = set()
        self._hidden = 0
        self.feed(html)
        self.close()
        self.text = " ".join("".join(self.parts).split())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.handlers += sum(name.startswith("on") for name, _ in attrs)
        self.links |= {
            value
            for name, value in attrs
            if name in ("href", "src", "action", "formaction") and value and value[0] != "#"
        }
        self._hidden += tag in ("script", "style")
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def page_html(text: str) -> Page:
    """A Markdown page of the site as HTML (its front matter left out, as MkDocs does)."""
    body = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    return Page(markdown.markdown(body, extensions=MARKDOWN_EXTENSIONS))


@pytest.fixture(scope="module")
def before() -> tuple[dict[str, str], dict[str, Page]]:
    """The pages of the demonstration data as they are: all, and those the test reads."""
    _data, errors, pages = pages_of(ROOT / "data")
    assert errors == []
    return pages, {page: page_html(pages[page]) for _f, _p, page in KINDS.values() if page}


def test_every_kind_of_record_is_written_hostile() -> None:
    assert sorted(KINDS) == sorted(LAYOUT)
    mkdocs = (ROOT / "site" / "mkdocs.yml").read_text("utf-8")
    extensions = mkdocs.split("markdown_extensions:")[1].split("\n\n")[0]
    assert re.findall(r"^  - (\w+)", extensions, re.M) == MARKDOWN_EXTENSIONS


# ---------------------------------------------------------------- the property


def written(raw: bytes, path: tuple[str | int, ...], text: str) -> str:
    """A demonstration file with one field set to `text`, as our dumper writes YAML."""
    record, _source, problems = parse_bytes(raw, "x.yaml")
    assert problems == []
    owner = record
    for step in path[:-1]:
        owner = owner[step]
    owner[path[-1]] = text
    return yaml.dump(record, Dumper=DemoDumper, allow_unicode=True, sort_keys=False, width=100)


def kept(data: Any, kind: str, key: str, path: tuple[str | int, ...]) -> str:
    """The value of the field as the loader kept it."""
    value: Any = {"programme": data.programme, "staff": {"people": data.staff}}.get(kind)
    value = value if value is not None else getattr(data, LAYOUT[kind].attr)[key]
    for step in path:
        value = (
            getattr(value, step)
            if isinstance(step, str) and not isinstance(value, dict)
            else value[step]
        )
    return str(value)


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_hostile_text_is_refused_where_it_is_or_shown_as_text(
    kind: str, tmp_path: Path, before: tuple[dict[str, str], dict[str, Page]]
) -> None:
    rel, path, page = KINDS[kind]
    pages_before, html_before = before
    data_dir = copy_data(tmp_path / "data")
    original = (data_dir / rel).read_bytes()
    key = rel[: -len(".yaml")].partition("/")[2]

    @settings(
        max_examples=EXAMPLES,
        deadline=dt.timedelta(seconds=5),
        suppress_health_check=[HealthCheck.too_slow],
        database=None,
    )
    @given(text=TEXTS)
    def check(text: str) -> None:
        (data_dir / rel).write_text(written(original, path, text), "utf-8")
        data, errors, pages = pages_of(data_dir)  # no traceback: any exception fails here
        if errors:  # refused: where, with the line
            assert {(p.file, p.line >= 1) for p in errors} == {(f"data/{rel}", True)}, [
                str(p) for p in errors
            ]
            return
        shown = kept(data, kind, key, path)
        assert shown == clean_text(text).strip()  # nothing lost beyond the documented cleaning
        if page is None:  # never published: no page changes
            assert pages == pages_before
            return
        html, was = page_html(pages[page]), html_before[page]
        assert " ".join(shown.split()) in html.text, (shown, html.text)
        assert (html.handlers, html.links) == (was.handlers, was.links)
        assert html.tags["script"] == was.tags["script"]
        assert set(html.tags) - set(was.tags) <= {"p", "br"}

    check()
