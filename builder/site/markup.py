"""The building blocks of the site's pages: escaping, wording, links, tables and charts.

Every text that comes from data goes through `esc()` (HTML) or `md()` (Markdown headings);
HTML blocks never contain a blank line, so Markdown never reaches inside them. Charts are JSON
in a `data-chart` attribute, drawn by site/pages/assets/dap.js, each with its numbers in a
table. The pages themselves are in the other modules of builder/site/. Every word a reader sees is
in the page's edition (`Site.ed`, a `wording.Edition`): helpers without a `Site` take it as
`ed` (Ukrainian by default; the templates of each language have them bound to theirs).
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator
from markupsafe import Markup

from ..compute import (
    STATUSES,
    Aggregate,
    MeasureState,
    Snapshot,
)
from ..i18n import S_, site_catalogue
from ..wording import (
    EDITIONS,
    STATUS_COLORS,
    UK,
    Edition,
    period_label,
    ua_date,
)
from .context import (
    Site,
    executor_name,
    executor_text,
    href,
    measure_number,
    page_path,
    section_title,
)

TITLE_LIMIT = 160  # characters of a title shown in index tables; the full text is on its page

# ---------------------------------------------------------------- escaping and formatting


def esc(value: object) -> str:
    """Text from data, safe inside HTML text and attribute values."""
    return html.escape(str(value), quote=True)


# Characters that start Markdown syntax anywhere in a line (code, emphasis, links and images,
# attribute lists, a heading's closing hashes, table cells), each escapable with a backslash.
# ( ) ! . start nothing once [ ] are escaped (but see the start of a line, below); a backslash
# before : = ~ ^ would stay visible (Python-Markdown cannot escape them), and they start nothing.
_MD_INLINE = re.compile(r"([\\`*_{}\[\]#|])")
# What starts a block at the beginning of a line: a list item (- + or 1.), an admonition (!!!);
# = (a setext underline) cannot be escaped with a backslash, so it becomes an entity.
_MD_LINE_START = re.compile(r"^(?:[-+!]|[0-9]+(?=\.(?: |$)))")


def md(value: object) -> str:
    """Text from data as inline Markdown that shows exactly that text: one line, Markdown
    syntax and HTML escaped, safe anywhere in a line or at its start (see the tests)."""
    one_line = _MD_INLINE.sub(r"\\\1", " ".join(str(value).split()))
    one_line = _MD_LINE_START.sub(_escape_start, one_line)
    text = html.escape(one_line, quote=False)
    return "&#61;" + text[1:] if text.startswith("=") else text


def _escape_start(match: re.Match[str]) -> str:
    start = match[0]
    return start + "\\" if start[0].isdigit() else "\\" + start  # 1\. or \- \+ \!


_BLANK_LINES = re.compile(r"\n\s*\n")  # a paragraph break; in `block`, lines to drop
_HTTP_URL = re.compile(r"^https?://[^\s<>\"']+$")


def text_html(value: str) -> str:
    """Multi-line text from data as escaped HTML paragraphs, with no blank line in the output."""
    paragraphs = [p for p in _BLANK_LINES.split(value.replace("\r", "").strip()) if p.strip()]
    return "".join("<p>" + _lines_html(p.strip()) + "</p>" for p in paragraphs)


def _lines_html(text: str) -> str:
    """The lines of `text` escaped, joined by `<br>`: `esc` leaves newlines as they are and
    makes none, so the whole text is escaped at once (not line by line)."""
    return esc(text).replace("\n", "<br>")


def text_cell(value: str) -> str:
    """Multi-line text from data for a table cell or a short block: one paragraph needs no `<p>`.

    Every HTML tag costs the site generator three parses per page (Python-Markdown, MkDocs'
    anchor scan, the search index), so a single paragraph is written as bare escaped text.
    """
    if "\n" not in value and "\r" not in value:  # one line (most texts): no paragraphs to find
        return esc(value.strip())
    paragraphs = [p for p in _BLANK_LINES.split(value.replace("\r", "").strip()) if p.strip()]
    if len(paragraphs) == 1:
        return _lines_html(paragraphs[0].strip())
    return text_html(value)


def short(value: str, limit: int = TITLE_LIMIT) -> str:
    """A title cut at a word boundary for index tables (the full text is on its own page)."""
    text = " ".join(value.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def safe_url(url: str) -> str | None:
    """The URL if it is http(s), else None (the models already refuse anything else)."""
    return url if _HTTP_URL.match(url) else None


def link_html(title: str, url: str) -> str:
    """An external link from data: http(s) only, escaped; anything else shows as text."""
    good = safe_url(url)
    if good is None:
        return esc(f"{title} ({url})")
    return f'<a href="{esc(good)}" rel="noopener noreferrer nofollow">{esc(title)}</a>'


def a(source: str, target: str, text: str) -> str:
    """An internal link with escaped text (HTML already made, e.g. `data_text`, as it is)."""
    return f'<a href="{href(source, target)}">{html_of(text)}</a>'


def t_html(message: str, /, **html: object) -> str:
    """A message in its language (`ed.t(msgid)`, placeholders left) as HTML: escaped, its
    `{name}` placeholders filled with HTML already made (links, marked data texts)."""
    return esc(message).format_map({k: html_of(v) for k, v in html.items()})


def heading(ed: Edition, text: str, lang: str, level: int = 1) -> str:
    """A Markdown heading of a data text (`Edition.text`): a Ukrainian text on an English page
    gets `lang="uk"` (attr_list; `md()` escapes any brace of the data)."""
    mark = ' { lang="uk" .dap-ua }' if lang != ed.lang else ""
    return "#" * level + f" {md(text)}{mark}\n\n"


def html_of(text: object) -> str:
    """Text escaped for HTML; HTML made by a helper (`Markup`, `data_text`) as it is."""
    return str(text) if hasattr(text, "__html__") else esc(text)


# ---------------------------------------------------------------- building blocks


def title_yaml(title: str) -> str:
    """The `title:` line of a page's front matter, HTML-escaped: themes insert it unescaped
    (in `<title>` too); without it MkDocs takes the title from the first heading, unescaped."""
    return "title: " + json.dumps(esc(" ".join(title.split())), ensure_ascii=False)


def front(title: str, hide_toc: bool = False, lang: str | None = None) -> str:
    """YAML front matter with the page title (`title_yaml`); `lang`: the title's language
    where it is not the page's (a Ukrainian name of the data on an English page), which
    overrides/main.html and partials/header.html put on the <title> and the header."""
    lines = ["---", title_yaml(title)]
    if lang:
        lines.append(f"title_lang: {lang}")
    if hide_toc:
        lines += ["hide:", "  - toc"]
    return "\n".join(lines) + "\n---\n\n"


def block(*parts: str) -> str:
    """An HTML block for Markdown: no blank line inside, blank lines around."""
    return _block(parts)


def _block(parts: Iterable[str]) -> str:
    """`block` of `parts` (the empty ones left out)."""
    return "\n" + _BLANK_LINES.sub("\n", "\n".join(filter(None, parts))) + "\n\n"


Cell = str | tuple[str, str]  # cell HTML, or (sort key, cell HTML) for `<td data-sort>`


def table(
    head: Iterable[str],
    rows: Iterable[Iterable[Cell]],
    caption: str = "",
    sortable: bool = True,
    numeric: Iterable[int] = (),
    search: bool = True,
    titled: bool = False,
    download: bool = True,
    ed: Edition = UK,
) -> str:
    """An HTML table; cells are HTML already escaped by the caller (head and caption are
    escaped here, or kept as they are when given as HTML: `Markup`).

    A cell given as `(key, html)` sorts by `key` (`<td data-sort>`), not by its text.

    `titled`: the second column holds long titles and keeps a readable width.
    `download`: a table with rows gets «Завантажити таблицю (CSV)» under it (dap.js makes the
    CSV from the rows as shown); the page has it from the start, so nothing moves.
    `ed`: the edition whose words the table adds (no data, the download button).
    """
    right = set(numeric)
    classes = (
        "dap-table" + (" dap-sortable" if sortable else "") + (" dap-titled" if titled else "")
    )
    attrs = "" if search else " data-search-exclude"
    out = [f'<div class="dap-scroll"{attrs}><table class="{classes}">']
    if caption:
        out.append(f"<caption>{html_of(caption)}</caption>")
    out.append(
        "<thead><tr>"
        + "".join(
            '<th scope="col"' + (' class="dap-num"' if i in right else "") + f">{html_of(h)}</th>"
            for i, h in enumerate(head)
        )
        + "</tr></thead><tbody>"
    )
    count = 0
    for row in rows:
        count += 1
        out.append("<tr>" + "".join(_td(c) for c in row) + "</tr>")
    if count == 0:
        out.append(f'<tr><td colspan="{len(list(head))}">' + esc(ed.t("No data.")) + "</td></tr>")
    out.append("</tbody></table></div>")
    if download and count:
        out.append(table_download(ed))
    return "\n".join(out)


def table_download(ed: Edition = UK) -> str:
    """The «Завантажити таблицю (CSV)» button under a table (dap.js makes the CSV)."""
    return (
        '<p class="dap-table-csv" data-search-exclude><button type="button" '
        'class="dap-table-download">' + esc(ed.t("Download the table (CSV)")) + "</button></p>"
    )


TABLE_DOWNLOAD = (  # the Ukrainian button, as `table_download(UK)` writes it
    '<p class="dap-table-csv" data-search-exclude><button type="button" '
    'class="dap-table-download">Завантажити таблицю (CSV)</button></p>'
)


def _td(cell: Cell) -> str:
    if isinstance(cell, tuple):
        return f'<td data-sort="{esc(cell[0])}">{cell[1]}</td>'
    return f"<td>{cell}</td>"


def chart(
    title: str,
    labels: list[str],
    series: list[dict[str, object]],
    kind: str = "bar",
    suffix: str = "",
    value_title: str = "",
    max_value: float | None = None,
    stacked: bool = False,
    table_head: tuple[str, ...] = (),
    ed: Edition = UK,
) -> str:
    """A chart drawn by dap.js from JSON, with the same numbers in a table beside it (its
    numbers, and the words the table adds, in edition `ed`; labels and names come in it).

    The box has the chart's final height from the start: dap.js draws a chart only when it
    scrolls into view, and nothing below it may move then (layout shift).
    """
    height = max(200, 40 * len(labels) + 60) if kind == "hbar" else 320
    spec: dict[str, object] = {"kind": kind, "labels": labels, "series": series, "height": height}
    if suffix:
        spec["suffix"] = suffix
    if value_title:
        spec["value_title"] = value_title
    if max_value is not None:
        spec["max"] = max_value
    if stacked:
        spec["stacked"] = True
    data = json.dumps(spec, ensure_ascii=False, separators=(",", ":"))
    head = table_head or ("", *[str(s["name"]) for s in series])
    rows = []
    for i, label in enumerate(labels):
        cells = [esc(label)]
        for s in series:
            values = s["values"]
            assert isinstance(values, list)
            value = values[i]
            cells.append(esc(ed.pct(value) if suffix == "%" else ed.num(value) + suffix))
        rows.append(cells)
    side = " dap-chart-side" if len(head) <= 3 else ""
    return (
        f'<div class="dap-chart-box{side}">'
        f'<div class="dap-chart" role="img" aria-label="{esc(title)}" style="height:{height}px" '
        f'data-chart="{esc(data)}"></div><div>'
        + table(
            head,
            rows,
            caption=title,
            sortable=False,
            numeric=range(1, len(head)),
            search=False,
            ed=ed,
        )
        + "</div></div>"
    )


def status_chart(agg: Aggregate | None, title: str = "", ed: Edition = UK) -> str:
    """The status distribution of an aggregate as a bar chart with its table (`title`: by
    default «Заходи за статусами» in edition `ed`)."""
    counts = agg.counts if agg else {}
    labels = [ed.status(s) for s in STATUSES]
    values = [counts.get(s, 0) for s in STATUSES]
    measures = ed.t("Measures (number)")
    return chart(
        title or ed.t("Measures by status"),
        labels,
        [{"name": measures, "values": values, "colors": [STATUS_COLORS[s] for s in STATUSES]}],
        kind="hbar",
        value_title=ed.t("Number of measures"),
        table_head=(ed.t("Status"), measures),
        ed=ed,
    )


def status_mark(state: MeasureState | None, ed: Edition = UK) -> str:
    """A measure's status with its colour mark and the overdue flag (`data-status`: the
    status as shown, which dap.css colours in either language)."""
    if state is None:
        return "—"
    status = esc(ed.status(state.status))
    text = f'<span class="dap-status" data-status="{status}">{status}</span>'
    if state.overdue:
        text += ' <span class="dap-overdue">' + esc(ed.t("overdue")) + "</span>"
    return text


def figures(agg: Aggregate | None, ed: Edition = UK) -> str:
    """Headline figures of an aggregate as boxes."""
    if agg is None:
        return ""
    boxes = [
        (str(agg.total), ed.tn("measure in total", "measures in total", agg.total)),
        (f"{agg.done} / {agg.partly}", ed.t("implemented in full / in part")),
        (ed.pct(agg.pct_done) if agg.total else "—", ed.t("% implemented (of all measures)")),
        (
            ed.pct(agg.pct_done_due) if agg.due else "—",
            ed.tn(
                "% implemented (of {n} measure due)",
                "% implemented (of {n} measures due)",
                agg.due,
            ),
        ),
        (str(agg.overdue), ed.tn("overdue measure", "overdue measures", agg.overdue)),
        (
            ed.pct(agg.pct_on_time) if agg.reports_due else "—",
            ed.tn(
                "reports submitted on time (of {n} due)",
                "reports submitted on time (of {n} due)",
                agg.reports_due,
            ),
        ),
    ]
    return (
        '<div class="dap-figures">'
        + "".join(
            f'<p class="dap-figure-box"><span class="dap-number">{esc(n)}</span>'
            f'<span class="dap-caption">{esc(c)}</span></p>'
            for n, c in boxes
        )
        + "</div>"
    )


def dates_line(snap: Snapshot, ed: Edition = UK) -> str:
    """The two dates every figure carries, as the portal writes them: the state's date and the
    publication's (aggregate pages add the «Стан на» control: site/asof.py)."""
    line = ed.t(
        "State as of {as_of}; published {published}.",
        as_of=ed.date(snap.as_of),
        published=ed.date(snap.computed_on),
    )
    return f'<p class="dap-dates">{esc(line)}</p>'


def executor_html(site: Site, key: str, full: bool = False) -> Markup:
    """An executor's name as HTML in the page's language (`context.executor_text`): a
    Ukrainian name on an English page is marked `<span lang="uk" class="dap-ua">`."""
    text, lang = executor_text(site, key, full)
    if lang == site.ed.lang:
        return Markup(esc(text))
    return Markup(f'<span lang="{lang}" class="dap-ua">{esc(text)}</span>')


def section_html(site: Site, sid: str, limit: int | None = TITLE_LIMIT) -> Markup:
    """A section's title as HTML in the page's language (`data_text`), or its id."""
    section = site.data.sections.get(sid)
    return data_text(site.ed, section, "title", limit) if section else Markup(esc(sid))


def measures_table(
    site: Site, source: str, mids: list[str], caption: str = "", executor: bool = True
) -> str:
    """A sortable table of measures with their status, deadline and (optionally) main executor
    (`caption`: «Заходи» in the page's language by default)."""
    snap = site.snap
    ed = site.ed
    rows = []
    for mid in mids:
        ms = site.data.measures[mid]
        state = snap.measures.get(mid)
        main = ms.main_executor.executor
        row: list[Cell] = [
            a(source, page_path("measures", mid), measure_number(site, mid)),
            data_text(ed, ms, "title", TITLE_LIMIT),
        ]
        if executor:
            row.append(
                a(source, page_path("executors", main), executor_html(site, main))
                if main in site.data.executors
                else esc(main)
            )
        end = ms.deadline.end.isoformat() if ms.deadline.end else ""
        row += [
            (end, data_text(ed, ms.deadline, "text")),
            status_mark(state, ed),
            esc(ed.label(state.label)) if state and state.label else "—",
        ]
        rows.append(row)
    head = [ed.t(h) for h in MEASURES_HEAD if executor or h != MAIN_EXECUTOR]
    return table(head, rows, caption=caption or ed.t("Measures"), search=False, titled=True, ed=ed)


MAIN_EXECUTOR = S_("Main implementer")
MEASURES_HEAD = (
    S_("No."),
    S_("Measure"),
    MAIN_EXECUTOR,
    S_("Deadline"),
    S_("Status"),
    S_("Monitoring result"),
)


def aggregate_table(
    site: Site, source: str, level: str, keys: list[str], title_of: Callable[[str], str]
) -> str:
    """The children table of an index or section page: one row of aggregates per key."""
    return table(
        [site.ed.t(h) for h in AGG_HEAD],
        aggregate_rows(site, source, level, keys, title_of),
        numeric=(2, 4, 5, 6),
        titled=True,
        ed=site.ed,
    )


def aggregate_rows(
    site: Site, source: str, level: str, keys: list[str], title_of: Callable[[str], str]
) -> list[list[str]]:
    """Rows of a children table: id, title, counts and shares of each aggregate (`title_of`
    gives a key's title as text, or as HTML already made: `section_html`, `data_text`)."""
    pct = site.ed.pct
    rows = []
    for key in keys:
        agg = site.snap.aggregates.get((level, key))
        kind = {"direction": "directions", "problem": "problems", "result": "results"}[level]
        title = title_of(key)
        rows.append(
            [
                a(source, page_path(kind, key), key),
                str(title) if hasattr(title, "__html__") else esc(short(title)),
                str(agg.total if agg else 0),
                f"{agg.done if agg else 0} / {agg.partly if agg else 0}",
                pct(agg.pct_done) if agg else "—",
                pct(agg.pct_done_due) if agg else "—",
                str(agg.overdue if agg else 0),
            ]
        )
    return rows


AGG_HEAD = (
    S_("No."),
    S_("Title"),
    S_("Measures (number)"),
    S_("Implemented in full / in part"),
    S_("% implemented"),
    S_("% of those due"),
    S_("Overdue"),
)


# ---------------------------------------------------------------- templates

TEMPLATES = Path(__file__).parent / "templates"


def escaped(value: object) -> object:
    """A value in a template, escaped by `esc()`; HTML made by the helpers passes unchanged."""
    return value if hasattr(value, "__html__") else Markup(esc(value))


def safe(text: str) -> Markup:
    """`Markup(text)` of HTML already made (a `str`): made by `str` itself, without
    `Markup`'s own constructor (a Python call that looks for `__html__` first), ~1 million
    times a build (issue 22)."""
    return str.__new__(Markup, text)


def escaped_text(value: object) -> Markup:
    """What `markupsafe.escape(escaped(value))` writes, without making a `Markup` twice: the
    finalize of `EscapedOutput`'s templates. Always a `Markup`, so that a template compiled
    by Jinja's own generator (one that ignored `EscapedOutput`) would write the same text."""
    if type(value) is Markup:  # most values: HTML from the filters
        return value
    if type(value) is str:
        return safe(html.escape(value, quote=True))
    if hasattr(value, "__html__"):
        return safe(value.__html__())
    return safe(html.escape(str(value), quote=True))


class EscapedOutput(CodeGenerator):
    """Templates whose every `{{ … }}` writes `environment.finalize(…)` alone, the finalize
    being `escaped_text`, where Jinja writes `escape(environment.finalize(…))` — the same text:
    Jinja's `escape` of what `escaped` returns (always HTML) copies it into a new `Markup`,
    ~2 million times on 4,000 measure pages (issue 22). The two hooks are those Jinja's own
    `nativetypes.NativeCodeGenerator` overrides; a template whose escaping can be switched
    (`{% autoescape %}`, volatile) keeps Jinja's code."""

    def _output_child_pre(self, node: Any, frame: Any, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape or finalize.src is None:
            super()._output_child_pre(node, frame, finalize)
        else:
            self.write(finalize.src)

    def _output_child_post(self, node: Any, frame: Any, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape or finalize.src is None:
            super()._output_child_post(node, frame, finalize)
        else:
            self.write(")")


def html_helper(helper: Callable[..., str]) -> Callable[..., Markup]:
    """A helper that returns HTML, for templates: what it returns is not escaped again."""

    @functools.wraps(helper)
    def call(*args: object, **kwargs: object) -> Markup:
        return Markup(helper(*args, **kwargs))

    return call


def block_filter(text: str) -> Markup:
    """`{% filter block %}`: `block()` with each line of the filtered text as one part."""
    return safe(_block(text.split("\n")))


def environment(
    folder: Path, finalize: Callable[[object], object], keep_trailing_newline: bool = False
) -> jinja2.Environment:
    """Templates of `folder` with autoescape, every value passed through `finalize` (the
    escaper of what the template writes), an unknown name an error, block tags trimmed."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        finalize=finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=keep_trailing_newline,
    )


def render(template: jinja2.Template, **variables: Any) -> str:
    """`template.render(**variables)`, with the render context's reference cycle broken once
    the text is made: a template's macros hold its context, which holds them (and the values
    passed, a whole `Site`), so each page's context would wait for the cyclic collector, off
    in a command (`parallel.collector_paused`): at 4,000 measures the pages stages left ~1.3
    million such objects, and the data with them, alive until MkDocs (issue 22)."""
    context = template.new_context(variables)
    try:
        return template.environment.concat(template.root_render_func(context))  # type: ignore[no-any-return]
    except Exception:
        template.environment.handle_exception()
    finally:
        context.vars.clear()  # its macros: the cycle
        context.exported_vars.clear()


def in_language(text: str, text_lang: str, page_lang: str) -> Markup:
    """A message of the site's catalogue as HTML for a page in `page_lang`: escaped, and
    inside `<span lang="uk">` where it is a Ukrainian fallback on an English page."""
    if text_lang == page_lang:
        return Markup(esc(text))
    return Markup(f'<span lang="{text_lang}">{esc(text)}</span>')


def data_text(ed: Edition, record: object, field: str, limit: int | None = None) -> Markup:
    """A text of the data as HTML on a page of edition `ed`: the record's `<field>_en` on the
    English edition when it has one; else the Ukrainian text, which on an English page is
    marked `<span lang="uk" class="dap-ua">` (a small «UA» marker, dap.css) — never empty.
    `limit` shortens it as `short()` does."""
    text, lang = ed.text(record, field)
    if limit is not None:
        text = short(text, limit)
    if lang == ed.lang:
        return safe(esc(text))
    return safe(f'<span lang="{lang}" class="dap-ua">{esc(text)}</span>')


def site_gettext(lang: str) -> tuple[Callable[[str], Markup], Callable[[str, str, int], Markup]]:
    """`gettext` and `ngettext` of the site's catalogue in `lang`, for jinja2.ext.i18n."""
    catalogue = site_catalogue(lang)

    def gettext(message: str) -> Markup:
        return in_language(*catalogue.translate(message), lang)

    def ngettext(singular: str, plural: str, n: int) -> Markup:
        return in_language(*catalogue.translate_plural(singular, plural, n), lang)

    return gettext, ngettext


EDITION_HELPERS: tuple[Callable[..., str], ...] = (dates_line, status_mark, table)


def templates(lang: str = "uk") -> jinja2.Environment:
    """The page templates of builder/site/templates/ for pages in `lang` ("uk" or "en")."""
    return _templates(lang)


@functools.cache
def _templates(lang: str) -> jinja2.Environment:
    """The page templates of builder/site/templates/, with autoescape, in one language.

    Autoescape escapes with `esc()` (through `finalize`), as the helpers do, so a page from a
    template has the same bytes as one the helpers would write; HTML from the helpers and
    from macros is not escaped again. (A constant such as `{{ "it's" }}` is escaped by Jinja
    itself, in another style: constant text belongs in the template's text.)

    `jinja2.ext.i18n` speaks the site's catalogue (builder/i18n.py, the `site` domain) in
    `lang`: `{{ _("Measures") }}`, `{% trans %}…{% endtrans %}`, with newstyle gettext
    (placeholders `%(name)s`, filled escaped; a literal % is written %%). Each language has
    its own environment, so pages in two languages never share a switch; `ed` is the page's
    `wording.Edition` (terms, dates and numbers in its language).
    """
    env = environment(TEMPLATES, escaped)
    env.add_extension("jinja2.ext.i18n")
    gettext, ngettext = site_gettext(lang)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    ed = env.globals["ed"] = EDITIONS[lang]
    env.filters["block"] = block_filter
    for helper in (a, front, link_html, md, text_cell):
        env.globals[helper.__name__] = html_helper(helper)
    for helper in EDITION_HELPERS:  # they add words of their own: in the environment's language
        env.globals[helper.__name__] = html_helper(functools.partial(helper, ed=ed))
    for plain in (executor_name, page_path, section_title, short):
        env.globals[plain.__name__] = plain
    for wording in (period_label, ua_date):  # filters: cheaper to call than globals
        env.filters[wording.__name__] = wording
    return env
