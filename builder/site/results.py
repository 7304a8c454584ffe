"""The pages of expected strategic results (ОСР): the index and one card per ОСР."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from markupsafe import Markup

from .. import models as m
from ..compute import STATUSES, id_sort_key
from ..i18n import S_
from ..validate import measure_span
from ..versions import in_order, result_as_of
from ..wording import UK, Edition, uk_sort_key
from .asof import RESULT_COLS, asof_line, latest_only, mark, mark_rows, marked_measures_table
from .context import (
    Site,
    executor_name,
    href,
    latest_score,
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
    md,
    section_html,
    status_chart,
    t_html,
    table,
    text_html,
)
from .measures import feedback_section

DIRECTION_RESULTS = {"uk": "оср-напряму", "en": "direction-esr"}  # «ОСР напряму»'s anchor
RESULT_LIMIT = 30  # ОСР with the lowest scores on the ОСР page (all are on direction pages)

RESULT_HEAD = (
    S_("No."),
    S_("ESR"),
    S_("Measures (number)"),
    S_("% implemented"),
    S_("Score, %"),
    S_("Level"),
    S_("State"),
)


def results_table(site: Site, src: str, rids: Iterable[str]) -> str:
    """ОСР with their share done and latest score (sortable)."""
    ed = site.ed
    rows = []
    for rid in rids:
        r = site.data.results[rid]
        agg = site.snap.aggregates.get(("result", rid))
        score = latest_score(site, rid)
        rows.append(
            [
                a(src, page_path("results", rid), r.number or rid),
                data_text(ed, r, "title", 100),
                str(agg.total if agg else 0),
                ed.pct(agg.pct_done) if agg else "—",
                ed.num(score.score) if score else "—",
                esc(ed.achievement(score.level)) if score else "—",
                esc(ed.esr_state(score.state) if score.state else "—") if score else "—",
            ]
        )
    head = [ed.t(h) for h in RESULT_HEAD]
    return table(head, rows, numeric=(2, 3, 4), search=False, titled=True, ed=ed)


def marked_results_table(site: Site, src: str, rids: list[str], rows: str = "") -> str:
    """`results_table` with its rows marked for the «Стан на» control (`rows`: the set of
    rows itself changes with the date, see asof.mark_rows)."""
    return mark_rows(
        results_table(site, src, rids),
        ("name", "title", *RESULT_COLS[2:]) if rows else RESULT_COLS,
        ["result:" + rid for rid in rids],
        rows,
    )


def uk_text(ed: Edition, value: str, marker: bool = True) -> Markup:
    """A Ukrainian text of the data that has no English field (an indicator's method, value,
    data source…) as escaped HTML: marked `lang="uk"` on another edition (`marker`: with the
    small «UA» marker, not for a letter such as a subindicator's «а»)."""
    if ed.lang == "uk":
        return Markup(esc(value))
    mark = ' class="dap-ua"' if marker else ""
    return Markup(f'<span lang="uk"{mark}>{esc(value)}</span>')


def results_of_direction(site: Site, did: str) -> list[str]:
    """The ОСР under a direction (through its problems), in id order."""
    return site.results_of.get(("direction", did), [])


def results_index(site: Site) -> str:
    """ОСР: a summary per direction and the ОСР with the lowest scores.

    Bounded, so that it does not grow with the programme: every ОСР is listed on its
    direction's page (and its problem's), in the filter and in the downloads.
    """
    src = "results/index.md"
    ed = site.ed
    directions = sorted(
        (s.id for s in site.data.sections.values() if s.level == m.SectionLevel.DIRECTION),
        key=id_sort_key,
    )
    anchor = "#" + DIRECTION_RESULTS[ed.lang]
    rows: list[list[Cell]] = []
    for did in directions:
        rids = results_of_direction(site, did)
        scores = [x.score for rid in rids if (x := latest_score(site, rid))]
        agg = site.snap.aggregates.get(("direction", did))
        mean = sum(scores) / len(scores) if scores else None
        rows.append(
            [
                f'<a href="{href(src, page_path("directions", did))}{anchor}">{esc(did)}</a>',
                section_html(site, did, 100),
                str(len(rids)),
                str(len(scores)),
                (f"{mean:.3f}", ed.num(round(mean, 1))) if mean is not None else "—",
                ed.pct(agg.pct_done) if agg else "—",
            ]
        )
    ranked = sorted(
        (x.score, id_sort_key(rid), rid)
        for rid in site.data.results
        if (x := latest_score(site, rid)) is not None
    )
    lowest = [rid for _, _, rid in ranked[:RESULT_LIMIT]]
    lowest_title = ed.tn(
        "{n} ESR with the lowest score", "{n} ESR with the lowest scores", len(lowest)
    )
    return (
        front(ed.t("ESR"), hide_toc=True)
        + "# "
        + ed.t("Expected strategic results (ESR)")
        + "\n\n"
        + block(
            asof_line(site, src),
            "<p>"
            + t_html(
                ed.t(
                    "The programme has {count} ESR. Each is in the ESR table on the page of its "
                    "direction (it can be sorted by score), on the page of its problem, in the "
                    "{filter} and in the {downloads}."
                ),
                count=len(site.data.results),
                filter=Markup(a(src, "programme.md", ed.t("filter of measures"))),
                downloads=Markup(a(src, "downloads.md", ed.t("downloads"))),
            )
            + "</p>",
        )
        + "## "
        + ed.t("By direction")
        + "\n\n"
        + block(
            mark_rows(
                table(
                    (
                        ed.t("Direction"),
                        ed.t("Title"),
                        ed.t("ESR"),
                        ed.t("ESR with a score"),
                        ed.t("Mean score, %"),
                        ed.t("% of measures implemented"),
                    ),
                    rows,
                    numeric=(2, 3, 4, 5),
                    search=False,
                    titled=True,
                    ed=ed,
                ),
                ("", "", "", "scored", "mean", "pct_done"),
                ["direction:" + did for did in directions],
            )
        )
        + f"## {lowest_title}\n\n"
        + block(marked_results_table(site, src, lowest, f"lowest-results:{RESULT_LIMIT}"))
    )


def result_history(text: m.ExpectedResult, as_of: dt.date, ed: Edition = UK) -> list[str]:
    """An amended ОСР's history: a line per amendment and a table of its versions with their
    indicators and weights (escaped HTML, in edition `ed`)."""
    lines = []
    for am in in_order(text.amendments):
        what = ", ".join(
            w
            for w, v in ((ed.t("title"), am.title), (ed.t("indicators and weights"), am.indicators))
            if v is not None
        )
        line = (
            ed.t("from {date} comes into force ({act}): {what}.")
            if am.date > as_of
            else ed.t("from {date} amended ({act}): {what}.")
        )
        note = f" {uk_text(ed, am.note + '.')}" if am.note else ""
        act = Markup(uk_text(ed, am.act))
        lines.append(
            "<li>" + t_html(line, date=ed.date(am.date), act=act, what=what) + note + "</li>"
        )
    days = sorted({am.date for am in text.amendments})
    rows: list[list[str]] = []
    previous: str | None = None
    for n, since in enumerate([None, *days]):
        version = result_as_of(text, since) if since else text
        until = days[n] - dt.timedelta(days=1) if n < len(days) else None
        span = (
            (ed.t("until {date}", date=ed.date(until)) if until else ed.t("all the time"))
            if since is None
            else f"{ed.date(since)} – {ed.date(until) if until else ed.t('to date')}"
        )
        weights = "; ".join(f"{i.id} — {ed.num(i.weight)}%" for i in version.indicators)
        title = (
            esc(ed.t("unchanged")) if previous == version.title else data_text(ed, version, "title")
        )
        rows.append([str(n), esc(span), title, esc(weights or "—")])
        previous = version.title
    return [
        '<ul class="dap-amended">' + "".join(lines) + "</ul>",
        table(
            (ed.t("No."), ed.t("In force"), ed.t("Title"), ed.t("Indicators and weights")),
            rows,
            sortable=False,
            ed=ed,
        ),
    ]


def uk_block(ed: Edition, html_text: str) -> str:
    """Ukrainian HTML of the data (paragraphs) in a `<div lang="uk">` on another edition."""
    return html_text if ed.lang == "uk" else f'<div lang="uk" class="dap-ua">{html_text}</div>'


def result_page(site: Site, rid: str) -> str:
    """ОСР card: text, problem, span, statuses, indicators and scores by year, executors."""
    src = page_path("results", rid)
    ed = site.ed
    text = site.data.results[rid]
    snap = site.snap
    r = result_as_of(text, snap.as_of)  # the title and indicators in force on the site's date
    agg = snap.aggregates.get(("result", rid))
    mids = site.measures_by.get(("result", rid), [])
    name = ed.t("ESR {number}")
    out = [
        front(name.format(number=r.number or rid)),
        f"# {name.format(number=md(r.number or rid))}\n\n",
    ]
    starts, ends = [], []
    for mid in mids:
        s, e = measure_span(site.data.measures[mid], site.programme)
        if s:
            starts.append(s)
        if e:
            ends.append(e)
    problem_link = (
        a(
            src,
            page_path("problems", r.problem),
            Markup(esc(r.problem + " ")) + section_html(site, r.problem),
        )
        if r.problem in site.data.sections
        else esc(r.problem)
    )
    out.append(
        block(
            f'<p class="dap-lead">{data_text(ed, r, "title")}</p>',
            "<p>" + t_html(ed.t("Problem: {link}"), link=Markup(problem_link)) + "</p>",
            "<p>"
            + esc(
                ed.t(
                    "Deadlines of the measures: {start} — {end}",
                    start=ed.date(min(starts)) if starts else "—",
                    end=ed.date(max(ends)) if ends else "—",
                )
            )
            + "</p>",
            asof_line(site, src),
            mark(figures(agg, ed), f"result:{rid}"),
        )
    )
    out.append(
        "## "
        + ed.t("Measures by status")
        + "\n\n"
        + block(mark(status_chart(agg, ed=ed), f"result:{rid}"))
    )
    years = site.score_years.get(rid, [])
    out.append("## " + ed.t("Score of achievement") + "\n\n")
    if years:
        scores = [snap.scores[(rid, y)] for y in years]
        out.append(
            block(
                "<div data-latest>",
                chart(
                    ed.t("Score of the ESR by year, %"),
                    [str(y) for y in years],
                    [
                        {
                            "name": ed.t("Score"),
                            "values": [s.score for s in scores],
                            "color": "#3949ab",
                        }
                    ],
                    suffix="%",
                    max_value=100,
                    value_title=ed.t("Score, %"),
                    table_head=(ed.t("Year"), ed.t("Score")),
                    ed=ed,
                ),
                table(
                    (
                        ed.t("Year"),
                        ed.t("Score, %"),
                        ed.t("Level"),
                        ed.t("State"),
                        ed.t("Indicators achieved in full"),
                        ed.t("in part"),
                        "0%",
                        ed.t("Date of the evaluation"),
                    ),
                    [
                        [
                            str(s.year),
                            ed.num(s.score),
                            esc(ed.achievement(s.level)),
                            esc(ed.esr_state(s.state) if s.state else "—"),
                            str(s.fully),
                            str(s.partly),
                            str(s.zero),
                            ed.date(s.date),
                        ]
                        for s in scores
                    ],
                    caption=ed.t("Totals of the annual evaluations"),
                    numeric=(1, 4, 5, 6),
                    ed=ed,
                ),
                "</div>",
            )
        )
    else:
        out.append(block("<p>" + esc(ed.t("There are no annual evaluations yet.")) + "</p>"))
    out.append("## " + ed.t("Indicators") + "\n\n")
    for ind in r.indicators:
        out.append("### " + ed.t("Indicator {id}").format(id=md(ind.id)) + "\n\n")
        parts = [
            f"<p>{data_text(ed, ind, 'title')}</p>",
            "<p>"
            + esc(
                ed.t(
                    "Weight (the programme's share of the indicator): {weight}%",
                    weight=ed.num(ind.weight),
                )
            )
            + (
                "; " + t_html(ed.t("subindicators: {kind}"), kind=uk_text(ed, ind.kind))
                if ind.kind
                else ""
            )
            + (
                "; " + t_html(ed.t("data source: {source}"), source=uk_text(ed, ind.data_source))
                if ind.data_source
                else ""
            )
            + "</p>",
        ]
        if ind.subindicators:
            parts.append(
                "<ul>"
                + "".join(
                    f"<li>{uk_text(ed, s.id, False)}) {data_text(ed, s, 'title')} — "
                    f"{ed.num(s.share)}%</li>"
                    for s in ind.subindicators
                )
                + "</ul>"
            )
        rows = []
        for y in years:
            res = next((i for i in snap.scores[(rid, y)].indicators if i.indicator == ind.id), None)
            if res is None:
                continue
            counted = ", ".join(f"{c} ({ed.num(v)}%)" for c, v in res.components)
            rows.append(
                [
                    str(y),
                    ed.num(res.score),
                    uk_text(ed, res.method),
                    uk_text(ed, counted) if counted else "—",
                    uk_text(ed, res.value) if res.value else "—",
                    uk_block(ed, text_html(res.rationale)) if res.rationale else "—",
                    uk_text(ed, res.data_source or ind.data_source or "—"),
                ]
            )
        if rows:
            parts.append(
                table(
                    (
                        ed.t("Year"),
                        ed.t("Points, %"),
                        ed.t("Method"),
                        ed.t("Counted"),
                        ed.t("Value"),
                        ed.t("Rationale"),
                        ed.t("Data source"),
                    ),
                    rows,
                    sortable=False,
                    numeric=(1,),
                    ed=ed,
                )
            )
        out.append(block(*parts))
    if text.amendments:
        out.append(
            "## "
            + ed.t("Versions of the ESR")
            + "\n\n"
            + block(*result_history(text, snap.as_of, ed))
        )
    out.append("## " + ed.t("Implementers") + "\n\n")
    per: dict[str, Counter[m.Status]] = defaultdict(Counter)
    for mid in mids:
        state = snap.measures.get(mid)
        if state and not state.removed:
            per[site.data.measures[mid].main_executor.executor][state.status] += 1
    rows = []
    for eid in sorted(per, key=lambda e: uk_sort_key(executor_name(site, e))):
        c = per[eid]
        total = sum(c.values())
        rows.append(
            [
                a(src, page_path("executors", eid), executor_html(site, eid))
                if eid in site.data.executors
                else esc(eid),
                str(total),
            ]
            + [str(c.get(s, 0)) for s in STATUSES]
        )
    out.append(
        block(
            latest_only(
                table(
                    (
                        ed.t("Main implementer"),
                        ed.t("Measures (number)"),
                        *[ed.status(s) for s in STATUSES],
                    ),
                    rows,
                    numeric=range(1, 2 + len(STATUSES)),
                    ed=ed,
                )
            )
        )
    )
    out.append("## " + ed.t("Measures") + "\n\n" + block(marked_measures_table(site, src, mids)))
    out.append(feedback_section(site, ("result", rid)))
    return "".join(out)
