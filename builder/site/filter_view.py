"""The programme filter's first view, written into the page (issue 19: fast on a phone).

What `dap.js` shows before a reader uses the filter — the options of its lists, the first
`FIRST_ROWS` measures in the programme's order, the count line and the figures of every
measure — is part of the page's HTML. A page view whose address has no query loads none of
the filter's data (`assets/data/programme.js`, 1 MB at 2,000 measures) and builds nothing in
the browser: `dap.js` loads the data when the reader first uses the filter (or scrolls to its
charts), and from then on draws the same parts itself from the data. The words are the site
catalogue's, the same messages as `dap.js`'s; tests/test_browser_filter_first.py checks that
the page and the script show the same thing.

`first_view` fills the filter's markup (written by `overview.programme_page`) at fixed hooks
that this module owns — the empty lists, the empty table body, the count line, the summary
and the chart box — and refuses markup that lacks one, so the two cannot drift apart silently.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from .. import models as m
from ..compute import DONE_STATUSES, STATUSES, id_sort_key, pct
from ..wording import uk_sort_key
from .context import Site, executor_text
from .markup import esc

LISTS_DATA = "assets/data/programme-lists.js"  # the problems' and ESR's options
FIRST_ROWS = 50  # rows shown at first, and at each «Показати ще» (dap.js PAGE)
CHART_HEIGHT = 230  # the filter's status chart (dap.js drawStatusChart)

# A row of the filter's data (overview.filter_row): the fields read here.
ID, NUMBER, TITLE, PROBLEM, RESULTS, EXECUTOR, _CO, STATUS, LABEL = range(9)
DEADLINE, OVERDUE, URL, DUE = 10, 11, 12, 13


def _lang(lang: str, page: str) -> str:
    """The attributes of a text in `lang` on a page in `page`: a Ukrainian text of the data on
    the English edition is marked (issue 21), as dap.js marks it."""
    return "" if lang == page else f' lang="{esc(lang)}" class="dap-ua"'


def _text(text: object, lang: str, page: str) -> str:
    """A text of the data in a cell: escaped, marked where it is not in the page's language."""
    return esc(text) if lang == page else f"<span{_lang(lang, page)}>{esc(text)}</span>"


def _options(entries: Sequence[tuple[str, ...]], everything: str, page: str = "uk") -> str:
    """A list's options: «all» first (the empty value), then (value, label[, lang]) tuples."""
    return f'<option value="">{esc(everything)}</option>' + "".join(
        f'<option value="{esc(entry[0])}"{_lang(entry[2] if len(entry) > 2 else page, page)}>'
        f"{esc(entry[1])}</option>"
        for entry in entries
    )


def filter_options(site: Site, years: Sequence[int]) -> dict[str, str]:
    """The options of each list of the filter, as dap.js fills them with no choice made; the
    lists of problems and ESR hold «all» only (their options: `lists_data`)."""
    data, ed = site.data, site.ed
    directions = sorted(
        (s.id for s in data.sections.values() if s.level == m.SectionLevel.DIRECTION),
        key=id_sort_key,
    )
    executors = sorted(
        ((eid, *executor_text(site, eid)) for eid in data.executors),
        key=lambda entry: uk_sort_key(entry[1]),
    )
    titles = {d: ed.text(data.sections[d], "title") for d in directions}
    return {
        "direction": _options(
            [(d, f"{d} {titles[d][0]}", titles[d][1]) for d in directions],
            ed.t("all directions"),
            ed.lang,
        ),
        # the problems' and ESR's long titles come from the lists script (lists_data)
        "problem": _options([], ed.t("all problems")),
        "result": _options([], ed.t("all ESR")),
        "executor": _options(executors, ed.t("all implementers"), ed.lang),
        "status": _options([(ed.status(s), ed.status(s)) for s in STATUSES], ed.t("all statuses")),
        "year": _options(
            [(str(y), ed.t("by the end of {year}", year=y)) for y in years], ed.t("any")
        ),
    }


def lists_data(site: Site) -> str:
    """assets/data/programme-lists.js: the titles of the problems and ESR for the filter's lists,
    loaded by the plain view at once (small: the page itself would grow by 100 KB at 2,000
    measures, past the site's page budget); the same titles as programme.js's."""
    data, ed = site.data, site.ed
    lists = {
        "problems": {sid: ed.text(data.sections[sid], "title")[0] for sid in site.direction_of},
        "results": {rid: ed.text(r, "title")[0] for rid, r in data.results.items()},
    }
    return (
        "window.DAP_PROGRAMME_LISTS = "
        + json.dumps(lists, ensure_ascii=False, separators=(",", ":"))
        + ";\n"
    )


def first_rows(site: Site, root: str, rows: Sequence[list[object]]) -> str:
    """The table body of the first rows, cell for cell as dap.js's render() writes them."""
    out = []
    late = esc(site.ed.t("overdue"))
    page = site.ed.lang
    for row in rows[:FIRST_ROWS]:
        executor = str(row[EXECUTOR])
        name, name_lang = executor_text(site, executor)
        # on another edition the row ends with the languages of its title and deadline wording
        langs = row[-1] if page != "uk" and isinstance(row[-1], list) else [page, page]
        status = esc(row[STATUS])
        mark = f'<span class="dap-status" data-status="{status}">{status}</span>'
        if row[OVERDUE]:
            mark += f'<span class="dap-overdue"> {late}</span>'
        results = row[RESULTS]
        assert isinstance(results, list)
        out.append(
            f'<tr><td><a href="{esc(root + str(row[URL]))}">{esc(row[NUMBER])}</a></td>'
            f"<td>{_text(row[TITLE], langs[0], page)}</td><td>{esc(', '.join(results))}</td>"
            f"<td>{_text(name, name_lang, page)}</td>"
            f'<td>{_text(row[DEADLINE], langs[1], page)}</td><td class="dap-nowrap">{mark}</td>'
            f"<td>{esc(row[LABEL] or '—')}</td></tr>"
        )
    return "".join(out)


def count_line(site: Site, rows: Sequence[list[object]]) -> str:
    """«Показано 50 із 1941 відібраних заходів (усього 1941)»."""
    n = len(rows)
    return site.ed.tn(
        "Showing {shown} of {n} selected measure (of {total} in all)",
        "Showing {shown} of {n} selected measures (of {total} in all)",
        n,
        shown=min(FIRST_ROWS, n),
        total=n,
    )


def summary(site: Site, rows: Sequence[list[object]]) -> str:
    """The figures, the counts by status and the date line of every measure (renderSummary)."""
    ed = site.ed
    statuses = [ed.status(s) for s in STATUSES]  # as the rows word them (overview.filter_row)
    done_statuses = {ed.status(s) for s in DONE_STATUSES}
    counts = dict.fromkeys(statuses, 0)
    done = due = done_due = overdue = 0
    for row in rows:
        status = str(row[STATUS])
        counts[status] = counts.get(status, 0) + 1
        done += status in done_statuses
        if row[DUE]:
            due += 1
            done_due += status in done_statuses
        overdue += bool(row[OVERDUE])
    n = len(rows)
    boxes = [
        (str(n), ed.tn("measure selected", "measures selected", n), "total"),
        (ed.pct(pct(done, n), n), ed.t("% implemented (of all selected)"), "pct_done"),
        (
            ed.pct(pct(done_due, due), due),
            ed.tn("% implemented (of {n} measure due)", "% implemented (of {n} measures due)", due),
            "pct_done_due",
        ),
        (str(overdue), ed.tn("overdue measure", "overdue measures", overdue), "overdue"),
    ]
    figures = "".join(
        f'<p class="dap-figure-box" data-figure="{key}"><span class="dap-number">{esc(number)}'
        f'</span><span class="dap-caption">{esc(caption)}</span></p>'
        for number, caption, key in boxes
    )
    by_status = "".join(
        f'<li data-status-count="{esc(s)}"><span class="dap-status" data-status="{esc(s)}">'
        f"{esc(s)}</span>: {counts[s]}</li>"
        for s in statuses
    )
    date = ed.t(
        "As of {date}; «due» and «overdue» as in the programme's overall figures "
        "(see «Methodology»).",
        date=ed.date(site.snap.as_of),
    )
    return (
        f'<div class="dap-figures">{figures}</div><ul class="dap-filter-statuses">{by_status}</ul>'
        f'<p class="dap-filter-asof">{esc(date)}</p>'
    )


def _fill(markup: str, hook: str, filled: str) -> str:
    """`markup` with its one `hook` replaced; a missing or repeated hook is a bug here."""
    if markup.count(hook) != 1:
        raise AssertionError(f"the filter's markup has {markup.count(hook)} of {hook!r}")
    return markup.replace(hook, filled)


def first_view(
    site: Site, root: str, markup: str, rows: Sequence[list[object]], years: Sequence[int]
) -> str:
    """The filter's markup (overview.programme_page) with its first view filled in; `root`
    is the site's root from the page, `rows` the filter's data rows in the programme's order."""
    out = _fill(
        markup,
        '<section id="dap-filter" ',
        f'<section id="dap-filter" data-first data-lists="{esc(root + LISTS_DATA)}" ',
    )
    for name, options in filter_options(site, years).items():
        out = _fill(
            out, f'<select name="{name}"></select>', f'<select name="{name}">{options}</select>'
        )
    start = out.index('<p class="dap-filter-count"')
    start = out.index(">", start) + 1
    out = out[:start] + esc(count_line(site, rows)) + out[out.index("</p>", start) :]
    out = _fill(
        out,
        '<div class="dap-filter-summary" hidden></div>',
        f'<div class="dap-filter-summary">{summary(site, rows)}</div>',
    )
    start = out.index('<div class="dap-chart dap-filter-chart"')
    end = out.index("></div>", start)
    if not out[start:end].endswith(" hidden"):
        raise AssertionError("the filter's chart box is not hidden in its markup")
    out = out[:start] + out[start : end - 7] + f' style="height:{CHART_HEIGHT}px"' + out[end:]
    out = _fill(out, '<p class="dap-filter-download" hidden>', '<p class="dap-filter-download">')
    out = _fill(out, "<tbody></tbody>", f"<tbody>{first_rows(site, root, rows)}</tbody>")
    if len(rows) > FIRST_ROWS:
        out = _fill(
            out,
            '<button type="button" class="dap-filter-more" hidden>',
            '<button type="button" class="dap-filter-more">',
        )
    return _sort_buttons(out)


def _sort_buttons(markup: str) -> str:
    """Each sortable head's text in its button, as dap.js makes it (it reuses these)."""
    out, at = [], 0
    while (start := markup.find(" data-key=", at)) >= 0:
        open_end = markup.index(">", start) + 1
        close = markup.index("</th>", open_end)
        out.append(markup[at:open_end])
        out.append(f'<button type="button" class="dap-sort">{markup[open_end:close]}</button>')
        at = close
    out.append(markup[at:])
    return "".join(out)
