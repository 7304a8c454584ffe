"""The programme as a whole: home, programme table and filter data, directions, problems."""

from __future__ import annotations

import json
from urllib.parse import quote

from markupsafe import Markup

from .. import models as m
from ..compute import DONE_STATUSES, STATUSES, id_sort_key
from ..i18n import S_
from ..opendata.formats import FORMULA_START
from ..wording import STATUS_COLORS
from .asof import (
    asof_line,
    mark,
    mark_rows,
    marked_aggregate_table,
    marked_measures_table,
    shown_dates,
)
from .context import (
    Site,
    active_notices,
    executor_text,
    href,
    page_path,
    root_of,
)
from .filter_view import first_view
from .markup import (
    TITLE_LIMIT,
    a,
    block,
    chart,
    data_text,
    esc,
    figures,
    front,
    heading,
    md,
    section_html,
    status_chart,
    t_html,
    table,
    text_html,
)
from .results import DIRECTION_RESULTS, marked_results_table, results_of_direction


def home_page(site: Site) -> str:
    """Головна: headline figures with two dates, status chart, trend, links."""
    p = site.programme
    snap = site.snap
    agg = snap.aggregates.get(("programme", p.id))
    src = "index.md"
    ed = site.ed
    out = [front(ed.t("Home"), hide_toc=True), heading(ed, *programme_heading(site))]
    intro = [f'<p class="dap-lead">{data_text(ed, p, "title")}</p>', asof_line(site, src)]
    for n in active_notices(site.data, snap.computed_on, m.NoticeKind.MAINTENANCE):
        text, lang = ed.text(n, "text")
        body = text_html(text) if lang == ed.lang else f'<div lang="{lang}">{text_html(text)}</div>'
        intro.append(
            f'<div class="admonition warning" role="status"><p class="admonition-title">'
            f"{data_text(ed, n, 'title')}</p>{body}</div>"
        )
    if p.demo:
        intro.append(
            '<div class="admonition info"><p class="admonition-title">'
            + esc(ed.t("Demonstration data"))
            + "</p><p>"
            + esc(
                ed.t(
                    "This site shows a made-up programme: the figures do not describe the "
                    "real state of implementation."
                )
            )
            + "</p></div>"
        )
    key = f"programme:{p.id}"
    out.append(block(*intro, mark(figures(agg, ed), key)))
    out.append("## " + ed.t("Measures by status") + "\n\n")
    out.append(block(mark(status_chart(agg, ed=ed), key)))
    out.append("## " + ed.t("Implementation by quarter") + "\n\n")
    labels = [ed.snapshot(s.as_of) for s in site.snapshots]
    pg = [s.aggregates.get(("programme", p.id)) for s in site.snapshots]
    out.append(
        block(
            chart(
                ed.t("% implemented (in full and in part) at the end of the quarter"),
                labels,
                [
                    {
                        "name": ed.t("of all measures"),
                        "values": [x.pct_done if x else 0 for x in pg],
                        "color": "#3949ab",
                    },
                    {
                        "name": ed.t("of measures due"),
                        "values": [x.pct_done_due if x else 0 for x in pg],
                        "color": "#2e7d32",
                    },
                ],
                kind="line",
                suffix="%",
                value_title=ed.t("% implemented"),
                max_value=100,
                table_head=(
                    ed.t("As of the end of"),
                    ed.t("of all measures"),
                    ed.t("of those due"),
                ),
                ed=ed,
            )
        )
    )
    out.append("## " + ed.t("Directions") + "\n\n")
    directions = sorted(
        (s.id for s in site.data.sections.values() if s.level == m.SectionLevel.DIRECTION),
        key=id_sort_key,
    )
    out.append(
        block(
            marked_aggregate_table(
                site, src, "direction", directions, lambda k: section_html(site, k)
            )
        )
    )
    out.append("## " + ed.t("What is on the site") + "\n\n")
    out.append(
        block(
            "<ul>"
            + "".join(
                f"<li>{a(src, t, ed.t(label))} — {esc(ed.t(text))}</li>"
                for t, label, text in HOME_LINKS
            )
            + "</ul>"
        )
    )
    return "".join(out)


HOME_LINKS = (
    (
        "programme.md",
        S_("The programme as a table"),
        S_(
            "every measure with a filter by direction, problem, ESR, implementer, status and deadline"
        ),
    ),
    ("results/index.md", S_("ESR"), S_("expected strategic results with their indicators' scores")),
    (
        "executors/index.md",
        S_("Implementers"),
        S_("each implementer's measures and reporting on time"),
    ),
    (
        "timeliness.md",
        S_("Reporting on time"),
        S_("who reported on time, late, or did not report"),
    ),
    (
        "notices.md",
        S_("Reports and statistics"),
        S_("national reports, statistics, unscheduled measures"),
    ),
    ("downloads.md", S_("Download the data"), S_("all data in open formats: CSV, JSON, XLSX")),
    ("methodology.md", S_("Methodology"), S_("how every figure is computed")),
    ("feedback.md", S_("Feedback"), S_("how to send a feedback message")),
)


def programme_heading(site: Site) -> tuple[str, str]:
    """The programme's short title (else its title) in the page's language, and its language."""
    p = site.programme
    if site.ed.lang != "uk" and (p.short_title_en or p.title_en):
        return (p.short_title_en or p.title_en or "", site.ed.lang)
    return p.short_title or p.title, "uk"


def programme_page(site: Site) -> str:
    """Програма: the structure with shares per level and the filterable measure list."""
    src = "programme.md"
    snap = site.snap
    ed = site.ed
    title = ed.t("The programme as a table")
    out = [front(title, hide_toc=True), f"# {title}\n\n"]
    out.append(
        block(
            asof_line(site, src, history=True),
            "<p>"
            + t_html(
                ed.t(
                    "All measures of the programme with a filter by direction, problem, ESR, "
                    "implementer, status and deadline; a link to the list you select can be sent. "
                    "Below is the structure of the programme by direction with % implemented; "
                    "problems and ESR are on the directions' pages, each ESR in detail in the list "
                    "of {results}."
                ),
                results=Markup(a(src, "results/index.md", ed.t("ESR"))),
            )
            + "</p>",
        )
    )
    out.append("## " + ed.t("Measures") + "\n\n")

    def label(name: str, text: str) -> str:
        return f'<label>{esc(text)}<select name="{name}"></select></label>'

    def check(name: str, text: str) -> str:
        return (
            f'<label class="dap-check"><input type="checkbox" name="{name}" value="1"> '
            f"{esc(text)}</label>"
        )

    def th(key: str, text: str) -> str:
        attr = f' data-key="{key}"' if key else ""
        return f'<th scope="col"{attr}>{esc(text)}</th>'

    form = [
        f'<section id="dap-filter" class="dap-filter" data-search-exclude '
        f'data-src="{href(src, "assets/data/programme.js")}" data-root="{root_of(src)}">',
        '<form role="search" aria-label="' + esc(ed.t("Filter of measures")) + '">',
        label("direction", ed.t("Direction")),
        label("problem", ed.t("Problem")),
        label("result", ed.t("ESR")),
        label("executor", ed.t("Implementer")),
        label("status", ed.t("Status")),
        label("year", ed.t("Deadline of implementation")),
        "<label>" + esc(ed.t("Search in the title")) + '<input type="search" name="text" '
        'placeholder="' + esc(ed.t("a word or a number")) + '"></label>',
        check("overdue", ed.t("overdue only")),
        check("main", ed.t("implementer as the main one only")),
        '<div class="dap-filter-buttons"><button type="reset" class="dap-button">'
        + esc(ed.t("Reset the filter"))
        + "</button></div>",
        "</form>",
        # Everything the filter fills in sits in a box at least a screen tall, so that the
        # page below it does not move when the list arrives (layout shift, dap.css).
        '<div class="dap-filter-results">',
        '<p class="dap-filter-note" role="status" hidden></p>',
        '<p class="dap-filter-count" aria-live="polite">'
        + esc(ed.t("Loading the list of measures…"))
        + "</p>",
        '<div class="dap-filter-summary" hidden></div>',
        '<div class="dap-chart dap-filter-chart" role="img" '
        'aria-label="' + esc(ed.t("Selected measures by status")) + '" hidden></div>',
        (
            '<p class="dap-filter-trend-title">'
            + esc(ed.t("% implemented of the selected measures at the end of the quarter"))
            + "</p>"
            '<div class="dap-chart dap-filter-trend" role="img" aria-label="'
            + esc(ed.t("% implemented of the selected measures at the end of each quarter"))
            + '"></div>'
            if len(shown_dates(site)) > 1
            else ""
        ),
        '<p class="dap-filter-download" hidden><a href="#" download="'
        + esc(ed.t("measures.csv"))
        + '">'
        + esc(ed.t("Download these measures (CSV)"))
        + "</a></p>",
        "<noscript><p>"
        + t_html(
            ed.t(
                "The filter works with JavaScript. Without it, the measures can be seen on the pages "
                "of {directions} and problems, and all data can be {downloaded}."
            ),
            directions=Markup(a(src, "directions/index.md", ed.t("directions"))),
            downloaded=Markup(a(src, "downloads.md", ed.t("downloaded"))),
        )
        + "</p></noscript>",
        '<div class="dap-scroll"><table class="dap-table"><caption>'
        + esc(ed.t("Measures of the programme (selected by the filter)"))
        + "</caption>",
        "<thead><tr>"
        + th("number", ed.t("No."))
        + th("title", ed.t("Measure"))
        + th("", ed.t("ESR"))
        + th("executor", ed.t("Main implementer"))
        + th("end", ed.t("Deadline"))
        + th("status", ed.t("Status"))
        + th("label", ed.t("Monitoring result"))
        + "</tr></thead>",
        "<tbody></tbody></table></div>",
        '<button type="button" class="dap-filter-more" hidden>'
        + esc(ed.t("Show more"))
        + "</button>",
        "</div></section>",
    ]
    # the first view of the filter in the page: nothing to load or build on a plain view
    out.append(block(first_view(site, root_of(src), "\n".join(form), *filter_rows(site))))
    out.append("## " + ed.t("Structure of the programme") + "\n\n")
    # Directions only: the page must not grow with the programme (issue 22). Each direction's
    # problems and ОСР with their shares are on its own page.
    directions = sorted(
        (s.id for s in site.data.sections.values() if s.level == m.SectionLevel.DIRECTION),
        key=id_sort_key,
    )
    rows = []
    for d in directions:
        agg = snap.aggregates.get(("direction", d))
        rows.append(
            [
                a(src, page_path("directions", d), d),
                section_html(site, d, 120),
                str(len(site.sections_of.get(("direction", d), []))),
                str(agg.total if agg else 0),
                ed.pct(agg.pct_done) if agg else "—",
                ed.pct(agg.pct_done_due) if agg and agg.due else "—",
            ]
        )
    out.append(
        block(
            mark_rows(
                table(
                    (
                        ed.t("Direction"),
                        ed.t("Title"),
                        ed.t("Problems (number)"),
                        ed.t("Measures (number)"),
                        ed.t("% implemented"),
                        ed.t("% of those due"),
                    ),
                    rows,
                    sortable=False,
                    numeric=(2, 3, 4, 5),
                    search=False,
                    titled=True,
                    ed=ed,
                ),
                ("", "", "", "total", "pct_done", "pct_done_due?"),
                ["direction:" + d for d in directions],
            ),
            "<p>"
            + t_html(
                ed.t(
                    "The problems and ESR of each direction with % implemented and scores are on "
                    "the direction's page; all ESR are in the list of {results}."
                ),
                results=Markup(a(src, "results/index.md", ed.t("ESR"))),
            )
            + "</p>",
        )
    )
    return "".join(out)


def filter_row(site: Site, mid: str) -> list[object]:
    """One measure as a row of the filter's data (also for dap-asof.js's earlier dates), in
    the page's language: its title in English where it has one, status and monitoring result
    as the edition words them. On another edition than Ukrainian the row ends with the
    languages of its title and of its deadline's wording (a Ukrainian text: "uk"), so the
    script can mark them `lang="uk"`; the Ukrainian rows stay as they were."""
    ms = site.data.measures[mid]
    state = site.snap.measures[mid]
    ed = site.ed
    title, title_lang = ed.text(ms, "title")
    row: list[object] = [
        mid,
        ms.number or mid,
        " ".join(title.split()),
        site.problem_of.get(mid, ""),
        list(dict.fromkeys(ms.results)),
        ms.main_executor.executor,
        [link.executor for link in ms.co_executors],
        ed.status(state.status),
        ed.label(state.label) if state.label else "",
        ms.deadline.end.isoformat() if ms.deadline.end else "",
        ms.deadline.text,
        1 if state.overdue else 0,
        href("index.md", page_path("measures", mid)),
        1 if state.due else 0,
    ]
    if ed.lang != "uk":
        row.append([title_lang, ed.text(ms.deadline, "text")[1]])
    return row


def filter_rows(site: Site) -> tuple[list[list[object]], list[int]]:
    """The filter's rows (every measure in the programme, in its order) and the years of their
    deadlines: its data (programme_data) and its first view in the page (filter_view)."""
    measures = []
    years: set[int] = set()
    for mid in sorted(site.data.measures, key=id_sort_key):
        ms = site.data.measures[mid]
        state = site.snap.measures.get(mid)
        if state is None or state.removed:
            continue
        if ms.deadline.end:
            years.add(ms.deadline.end.year)
        measures.append(filter_row(site, mid))
    return measures, sorted(years)


def programme_data(site: Site) -> str:
    """assets/data/programme.js: the measure list behind the filter (a script, works offline),
    in the page's language: titles and names in English where they have one (each with its
    language where it is Ukrainian on another edition: `lang`), statuses as the edition
    words them."""
    data = site.data
    snap = site.snap
    measures, years = filter_rows(site)
    ed = site.ed
    ukrainian: dict[str, list[str]] = {}  # kind → keys whose text is Ukrainian on this edition

    def text(kind: str, key: str, record: object, field: str = "title") -> str:
        value, lang = ed.text(record, field)
        if lang != ed.lang:
            ukrainian.setdefault(kind, []).append(key)
        return value

    def executor(eid: str) -> str:
        value, lang = executor_text(site, eid)
        if lang != ed.lang:
            ukrainian.setdefault("executors", []).append(eid)
        return value

    payload = {
        "as_of": snap.as_of.isoformat(),
        "done_statuses": [ed.status(s) for s in STATUSES if s in DONE_STATUSES],
        "csv_protect": "".join(FORMULA_START),
        "status_colors": [STATUS_COLORS[s] for s in STATUSES],
        "directions": {
            s.id: text("directions", s.id, s)
            for s in data.sections.values()
            if s.level == m.SectionLevel.DIRECTION
        },
        "problems": {
            sid: [text("problems", sid, data.sections[sid]), site.direction_of.get(sid, "")]
            for sid in site.direction_of
        },
        "results": {rid: [text("results", rid, r), r.problem] for rid, r in data.results.items()},
        "executors": {eid: executor(eid) for eid in data.executors},
        "statuses": [ed.status(s) for s in STATUSES],
        "years": years,
        "measures": measures,
    }
    if ed.lang != "uk":
        payload["lang"] = ed.lang
        payload["uk"] = ukrainian  # {kind: [keys]}: texts shown in Ukrainian (lang="uk")
    return (
        "window.DAP_PROGRAMME = "
        + json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        + ";\n"
    )


def directions_index(site: Site) -> str:
    """Напрями: every direction with its aggregate."""
    src = "directions/index.md"
    ed = site.ed
    directions = sorted(
        (s.id for s in site.data.sections.values() if s.level == m.SectionLevel.DIRECTION),
        key=id_sort_key,
    )
    return (
        front(ed.t("Directions"), hide_toc=True)
        + "# "
        + ed.t("Directions of the programme")
        + "\n\n"
        + block(
            asof_line(site, src),
            marked_aggregate_table(
                site, src, "direction", directions, lambda k: section_html(site, k)
            ),
        )
    )


def section_page(site: Site, sid: str, level: str) -> str:
    """A direction or problem page: aggregates, chart, children, measures."""
    kind = "directions" if level == "direction" else "problems"
    src = page_path(kind, sid)
    ed = site.ed
    section = site.data.sections[sid]
    agg = site.snap.aggregates.get((level, sid))
    name = ed.t("Direction {id}") if level == "direction" else ed.t("Problem {id}")
    out = [
        front(name.format(id=sid), hide_toc=True),
        f"# {name.format(id=md(sid))}\n\n",
    ]
    intro = [f'<p class="dap-lead">{data_text(ed, section, "title")}</p>']
    if level == "problem" and sid in site.direction_of:
        d = site.direction_of[sid]
        link = a(src, page_path("directions", d), Markup(esc(d + " ")) + section_html(site, d))
        intro.append("<p>" + t_html(ed.t("Direction: {link}"), link=Markup(link)) + "</p>")
    intro.append(asof_line(site, src))
    key = f"{level}:{sid}"
    out.append(block(*intro, mark(figures(agg, ed), key)))
    out.append(
        "## " + ed.t("Measures by status") + "\n\n" + block(mark(status_chart(agg, ed=ed), key))
    )
    if level == "direction":
        problems = site.sections_of.get(("direction", sid), [])
        out.append("## " + ed.t("Problems") + "\n\n")
        out.append(
            block(
                marked_aggregate_table(
                    site, src, "problem", problems, lambda k: section_html(site, k)
                ),
                f'<p><a href="{href(src, "programme.md")}?direction={quote(sid, safe="")}">'
                + esc(ed.t("All measures of the direction in the filter"))
                + "</a></p>",
            )
        )
    else:
        results = site.results_of.get(("problem", sid), [])
        out.append("## " + ed.t("Expected strategic results (ESR)") + "\n\n")
        out.append(
            block(
                marked_aggregate_table(
                    site,
                    src,
                    "result",
                    results,
                    lambda k: data_text(ed, site.data.results[k], "title", TITLE_LIMIT),
                )
            )
        )
        out.append("## " + ed.t("Measures") + "\n\n")
        out.append(
            block(marked_measures_table(site, src, site.measures_by.get(("problem", sid), [])))
        )
    if level == "direction":
        anchor = "" if ed.lang == "uk" else f" {{ #{DIRECTION_RESULTS[ed.lang]} }}"
        out.append("## " + ed.t("ESR of the direction") + f"{anchor}\n\n")
        out.append(block(marked_results_table(site, src, results_of_direction(site, sid))))
    return "".join(out)
