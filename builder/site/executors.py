"""The executors' pages and the reporting-timeliness page."""

from __future__ import annotations

from markupsafe import Markup

from ..compute import DueReport, id_sort_key
from ..i18n import S_
from ..wording import TIMELINESS_COLORS, uk_sort_key
from .asof import asof_line, latest_only, mark, mark_rows, worst_timeliness
from .context import (
    Site,
    executor_name,
    executor_text,
    measure_number,
    page_path,
)
from .markup import (
    Cell,
    a,
    block,
    chart,
    data_text,
    esc,
    executor_html,
    figures,
    front,
    heading,
    md,
    short,
    status_chart,
    t_html,
    table,
)
from .measures import timeliness_counts
from .rows import Row, link_cell, measure_cell, paged_list, rows_script, status_cell, text_cell

EXECUTOR_LIMIT = 30  # executors listed on the timeliness page (all are on the executors' page)
MISSING_LIMIT = (
    200  # rows of the "not submitted" list on the timeliness page (all are in the downloads)
)


EXECUTORS_DATA = "assets/data/executors.js"  # the executors index's rows (a paged list)
EXECUTORS_HEAD = [
    S_("Implementer"),
    S_("Measures (main)"),
    S_("Measures (co-implementer)"),
    S_("% implemented"),
    S_("Overdue"),
    S_("Reports on time"),
    S_("Reports not submitted"),
]


def executors_index(site: Site) -> str:
    """Виконавці: each executor with its measures and reporting timeliness, as a sortable paged
    list (its rows grow with the executors: issue 22's page budget)."""
    src = "executors/index.md"
    ed = site.ed
    title = ed.t("Implementers")
    return (
        front(title, hide_toc=True)
        + f"# {title}\n\n"
        + block(
            asof_line(site, src),
            # a paged list from data: at a past date it is hidden with a note (its rows do not
            # yet follow the date; the figures of each executor's page do)
            latest_only(
                paged_list(
                    src,
                    EXECUTORS_DATA,
                    "executors",
                    title,
                    [ed.t(h) for h in EXECUTORS_HEAD],
                    len(site.data.executors),
                    sortable=True,
                    numeric=(1, 2, 3, 4, 5, 6),
                    ed=ed,
                )
            ),
        )
    )


def executors_data(site: Site) -> str:
    """The data script of the executors index: one row per executor, by name (in the page's
    language; a Ukrainian name on another edition: its link cell ends with "uk")."""
    pct = site.ed.pct
    rows: list[Row] = []
    for eid in sorted(site.data.executors, key=lambda e: uk_sort_key(executor_name(site, e, True))):
        agg = site.snap.aggregates.get(("executor", eid))
        rows.append(
            [
                name_cell(site, eid, True),
                str(agg.total if agg else 0),
                str(agg.co_total if agg else 0),
                pct(agg.pct_done) if agg else "—",
                str(agg.overdue if agg else 0),
                pct(agg.pct_on_time) if agg and agg.reports_due else "—",
                str(agg.missing if agg else 0),
            ]
        )
    return rows_script({"executors": rows})


def timeliness_block(site: Site, dues: list[DueReport], title: str) -> str:
    """Chart and table of report timeliness by quarter, in the page's language (an executor's
    reports, or everyone's on the timeliness page)."""
    ed = site.ed
    per = timeliness_counts(dues)
    if not per:
        return "<p>" + esc(ed.t("No reports were due in this period.")) + "</p>"
    periods = list(per)
    states = list(TIMELINESS_COLORS)
    series: list[dict[str, object]] = [
        {
            "name": ed.timeliness(s),
            "values": [per[p][s] for p in periods],
            "color": TIMELINESS_COLORS[s],
        }
        for s in states
    ]
    return chart(
        title,
        [ed.period(p) for p in periods],
        series,
        stacked=True,
        value_title=ed.t("Reports"),
        table_head=(ed.t("Quarter"), *[ed.timeliness(s) for s in states]),
        ed=ed,
    )


def name_cell(site: Site, eid: str, full: bool = False) -> list[str]:
    """A link to an executor's page with its name in the page's language."""
    text, lang = executor_text(site, eid, full)
    return link_cell("executors", eid, text, "" if lang == site.ed.lang else lang)


def executor_page(site: Site, eid: str, lists: dict[str, list[Row]] | None = None) -> str:
    """Виконавець: measures as main and co-executor, status counts, timeliness by quarter
    (`lists`: its `executor_lists`, when already made for its data script)."""
    src = page_path("executors", eid)
    ed = site.ed
    ex = site.data.executors[eid]
    agg = site.snap.aggregates.get(("executor", eid))
    name, name_lang = ed.text(ex, "name")
    title_lang = name_lang if name_lang != ed.lang else None  # a Ukrainian name on an English page
    out = [front(executor_name(site, eid, True), True, title_lang), heading(ed, name, name_lang)]
    intro = []
    if ex.short_name:
        short_name = data_text(ed, ex, "short_name")
        intro.append("<p>" + t_html(ed.t("Short name: {name}"), name=short_name) + "</p>")
    if ex.by_agreement:
        intro.append(
            "<p>"
            + esc(
                ed.t(
                    "Implements measures by agreement (not subordinate to the Cabinet of "
                    "Ministers)."
                )
            )
            + "</p>"
        )
    key = f"executor:{eid}"
    out.append(block(*intro, asof_line(site, src), mark(figures(agg, ed), key)))
    out.append(
        "## "
        + ed.t("Measures by status (as the main implementer)")
        + "\n\n"
        + block(mark(status_chart(agg, ed=ed), key))
    )
    out.append("## " + ed.t("Reporting on time") + "\n\n")
    dues = [
        d
        for d in site.due_of.get(("executor", eid), [])
        if not site.snap.measures[d.measure].removed
    ]
    out.append(block(mark(timeliness_block(site, dues, ed.t("Reports by quarter")), eid, "c")))
    # The lists that grow with the executor's measures are paged lists with their rows as
    # data (site/rows.py): the page stays within the budget however many measures it has.
    # They show the latest state (hidden with a note at a past date).
    lists = executor_lists(site, eid) if lists is None else lists
    data = executor_data_path(eid)
    if lists["missing"]:
        late = ed.t("Reports not submitted or submitted late")
        out.append(f"### {late}\n\n")
        out.append(
            block(
                latest_only(
                    paged_list(
                        src,
                        data,
                        f"{eid}/missing",
                        late,
                        [
                            ed.t("Quarter"),
                            ed.t("Measure"),
                            ed.t("State"),
                            ed.t("Delay, days"),
                            ed.t("Submitted"),
                        ],
                        len(lists["missing"]),
                        ed=ed,
                    )
                )
            )
        )
    main = ed.t("Measures where the implementer is the main one")
    out.append(
        f"## {main}\n\n"
        + block(
            latest_only(
                paged_list(
                    src,
                    data,
                    f"{eid}/main",
                    main,
                    [
                        ed.t("No."),
                        ed.t("Measure"),
                        ed.t("Deadline"),
                        ed.t("Status"),
                        ed.t("Monitoring result"),
                    ],
                    len(lists["main"]),
                    ed=ed,
                )
            )
        )
    )
    if lists["co"]:
        co = ed.t("Measures where the implementer is a co-implementer")
        out.append(
            f"## {co}\n\n"
            + block(
                latest_only(
                    paged_list(
                        src,
                        data,
                        f"{eid}/co",
                        co,
                        [
                            ed.t("No."),
                            ed.t("Measure"),
                            ed.t("Main implementer"),
                            ed.t("Deadline"),
                            ed.t("Status"),
                            ed.t("Monitoring result"),
                        ],
                        len(lists["co"]),
                        ed=ed,
                    )
                )
            )
        )
    return "".join(out)


def executor_data_path(eid: str) -> str:
    """The docs path of the data script with an executor page's paged lists."""
    return f"assets/data/executors/{eid}.js"


def executor_data(site: Site, eid: str, lists: dict[str, list[Row]] | None = None) -> str:
    """The data script of an executor page's paged lists (`lists`: its `executor_lists`, when
    already made for its page)."""
    lists = executor_lists(site, eid) if lists is None else lists
    return rows_script({f"{eid}/{k}": rows for k, rows in lists.items()})


def executor_lists(site: Site, eid: str) -> dict[str, list[Row]]:
    """The rows of an executor's lists: reports not submitted or late (one per report, by
    quarter), measures as main executor, measures as co-executor (in the page's language)."""
    snap = site.snap
    ed = site.ed
    dues = [  # those it lists, before sorting (the order of equal keys is the same)
        d
        for d in site.due_of.get(("executor", eid), [])
        if d.state in ("missing", "late") and not snap.measures[d.measure].removed
    ]
    missing: list[Row] = []
    for d in sorted(dues, key=lambda d: (id_sort_key(d.period), id_sort_key(d.measure))):
        late = d.state == "late"
        missing.append(
            [
                ed.period(d.period),
                measure_cell(d.measure, measure_number(site, d.measure)),
                ed.t("submitted late") if late else ed.timeliness("missing"),
                str(d.days_late) if late and d.days_late else "",
                ed.date(d.submitted) if late and d.submitted else "",
            ]
        )

    def measure_rows(mids: list[str], executor: bool) -> list[Row]:
        rows: list[Row] = []
        for mid in mids:
            ms = site.data.measures[mid]
            state = snap.measures.get(mid)
            title, lang = ed.text(ms, "title")
            row: Row = [
                measure_cell(mid, measure_number(site, mid)),
                text_cell(short(title), lang, ed.lang),
            ]
            if executor:
                row.append(text_cell(*executor_text(site, ms.main_executor.executor), ed.lang))
            row += [
                text_cell(*ed.text(ms.deadline, "text"), ed.lang),
                status_cell(ed.status(state.status), state.overdue) if state else "—",
                ed.label(state.label) if state and state.label else "—",
            ]
            rows.append(row)
        return rows

    return {
        "missing": missing,
        "main": measure_rows(site.measures_by.get(("executor", eid), []), executor=False),
        "co": measure_rows(site.measures_by.get(("co", eid), []), executor=True),
    }


def timeliness_page(site: Site) -> str:
    """Своєчасність звітування: per quarter and per executor."""
    src = "timeliness.md"
    snap = site.snap
    ed = site.ed
    dues = [d for d in snap.due if not snap.measures[d.measure].removed]
    title = ed.t("Reporting on time")
    out = [front(title, hide_toc=True), f"# {title}\n\n"]
    w = site.programme.reporting
    out.append(
        block(
            asof_line(site, src),
            "<p>"
            + t_html(
                ed.t(
                    "The main implementer reports on each measure for each quarter from the {start} "
                    "to the {end} day (inclusive) of the month after the quarter. How the state of "
                    "each report is determined is in the {methodology}."
                ),
                start=w.window_start_day,
                end=w.window_end_day,
                methodology=Markup(a(src, "methodology.md", ed.t("methodology (in the text)"))),
            )
            + "</p>",
        )
    )
    out.append(
        "## "
        + ed.t("By quarter")
        + "\n\n"
        + block(mark(timeliness_block(site, dues, ed.t("Reports by quarter")), "programme", "c"))
    )
    out.append("## " + ed.t("Implementers with the lowest share of reports on time") + "\n\n")
    # Bounded: the page must not grow with the programme. Every executor, sortable, is on the
    # executors' page; each executor's quarters are on its own page; every report in the downloads.
    rows: list[list[Cell]] = []
    ranked = worst_timeliness(site, snap, len(site.data.executors))
    shown = ranked[:EXECUTOR_LIMIT]
    for eid in shown:
        agg = snap.aggregates[("executor", eid)]
        pct = agg.pct_on_time
        rows.append(
            [
                a(src, page_path("executors", eid), executor_html(site, eid)),
                str(agg.reports_due),
                str(agg.on_time),
                str(agg.late),
                str(agg.missing),
                (f"{pct:.3f}", ed.pct(pct)),
            ]
        )
    out.append(
        block(
            mark_rows(
                table(
                    (
                        ed.t("Implementer"),
                        ed.t("Reports due"),
                        ed.t("On time"),
                        ed.t("Late"),
                        ed.t("Not submitted"),
                        ed.t("On time, %"),
                    ),
                    rows,
                    numeric=range(1, 6),
                    search=False,
                    ed=ed,
                ),
                ("name", "reports_due", "on_time", "late", "missing", "pct_on_time"),
                ["executor:" + eid for eid in shown],
                f"worst-timeliness:{EXECUTOR_LIMIT}",
            ),
            "<p>"
            + esc(
                ed.tn(
                    "Shown {shown} of {n} implementer.",
                    "Shown {shown} of {n} implementers.",
                    len(ranked),
                    shown=len(rows),
                )
            )
            + " "
            + t_html(
                ed.t(
                    "All implementers are in the table {executors} (it can be sorted by any "
                    "column); the reporting of each by quarter is on its page; each report is in "
                    "the {downloads}."
                ),
                executors=Markup(a(src, "executors/index.md", ed.t("Implementers"))),
                downloads=Markup(a(src, "downloads.md", ed.t("downloads"))),
            )
            + "</p>",
        )
    )
    periods = list(timeliness_counts(dues))
    latest = [p for p in periods if any(d.period == p and d.state != "pending" for d in dues)]
    if latest:
        last = latest[-1]
        missing = [d for d in dues if d.period == last and d.state == "missing"]
        heading_text = ed.t("Not submitted for {period}").format(period=md(ed.period(last)))
        out.append(f"## {heading_text}\n\n")
        out.append(
            block(
                "<div data-latest>",
                (
                    "<p>"
                    + esc(
                        ed.t(
                            "Submission window: {start} — {end}.",
                            start=ed.date(missing[0].window_start),
                            end=ed.date(missing[0].window_end),
                        )
                    )
                    + "</p>"
                    if missing
                    else ""
                ),
                table(
                    (ed.t("Implementer"), ed.t("Measure")),
                    [
                        [
                            str(executor_html(site, d.executor)),
                            a(
                                src,
                                page_path("measures", d.measure),
                                measure_number(site, d.measure),
                            ),
                        ]
                        for d in sorted(
                            missing,
                            key=lambda d: (executor_name(site, d.executor), id_sort_key(d.measure)),
                        )[:MISSING_LIMIT]
                    ],
                    search=False,
                    ed=ed,
                ),
                "<p>"
                + t_html(
                    ed.t("Shown {shown} of {total}; the full list is in the {downloads}."),
                    shown=min(len(missing), MISSING_LIMIT),
                    total=len(missing),
                    downloads=Markup(a(src, "downloads.md", ed.t("downloads"))),
                )
                + "</p>"
                if len(missing) > MISSING_LIMIT
                else "",
                "</div>",
            )
        )
    return "".join(out)
