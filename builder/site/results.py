"""The pages of expected strategic results (ОСР): the index and one card per ОСР."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from .. import models as m
from ..compute import STATUSES, id_sort_key
from ..validate import measure_span
from ..versions import in_order, result_as_of
from ..wording import ua_date, ua_num, ua_pct, uk_sort_key
from .asof import RESULT_COLS, asof_line, latest_only, mark, mark_rows, marked_measures_table
from .context import (
    Site,
    executor_name,
    href,
    latest_score,
    page_path,
    section_title,
)
from .markup import (
    Cell,
    a,
    block,
    chart,
    esc,
    figures,
    front,
    md,
    short,
    status_chart,
    table,
    text_html,
)
from .measures import feedback_section

RESULT_LIMIT = 30  # ОСР with the lowest scores on the ОСР page (all are on direction pages)

RESULT_HEAD = ("№", "ОСР", "Заходів", "% виконання", "Оцінка, %", "Рівень", "Стан")


def results_table(site: Site, src: str, rids: Iterable[str]) -> str:
    """ОСР with their share done and latest score (sortable)."""
    rows = []
    for rid in rids:
        r = site.data.results[rid]
        agg = site.snap.aggregates.get(("result", rid))
        score = latest_score(site, rid)
        rows.append(
            [
                a(src, page_path("results", rid), r.number or rid),
                esc(short(r.title, 100)),
                str(agg.total if agg else 0),
                ua_pct(agg.pct_done) if agg else "—",
                ua_num(score.score) if score else "—",
                esc(score.level) if score else "—",
                esc(score.state or "—") if score else "—",
            ]
        )
    return table(RESULT_HEAD, rows, numeric=(2, 3, 4), search=False, titled=True)


def marked_results_table(site: Site, src: str, rids: list[str], rows: str = "") -> str:
    """`results_table` with its rows marked for the «Стан на» control (`rows`: the set of
    rows itself changes with the date, see asof.mark_rows)."""
    return mark_rows(
        results_table(site, src, rids),
        ("name", "title", *RESULT_COLS[2:]) if rows else RESULT_COLS,
        ["result:" + rid for rid in rids],
        rows,
    )


def results_of_direction(site: Site, did: str) -> list[str]:
    """The ОСР under a direction (through its problems), in id order."""
    return site.results_of.get(("direction", did), [])


def results_index(site: Site) -> str:
    """ОСР: a summary per direction and the ОСР with the lowest scores.

    Bounded, so that it does not grow with the programme: every ОСР is listed on its
    direction's page (and its problem's), in the filter and in the downloads.
    """
    src = "results/index.md"
    directions = sorted(
        (s.id for s in site.data.sections.values() if s.level == m.SectionLevel.DIRECTION),
        key=id_sort_key,
    )
    rows: list[list[Cell]] = []
    for did in directions:
        rids = results_of_direction(site, did)
        scores = [x.score for rid in rids if (x := latest_score(site, rid))]
        agg = site.snap.aggregates.get(("direction", did))
        mean = sum(scores) / len(scores) if scores else None
        rows.append(
            [
                f'<a href="{href(src, page_path("directions", did))}#оср-напряму">{esc(did)}</a>',
                esc(short(section_title(site, did), 100)),
                str(len(rids)),
                str(len(scores)),
                (f"{mean:.3f}", ua_num(round(mean, 1))) if mean is not None else "—",
                ua_pct(agg.pct_done) if agg else "—",
            ]
        )
    ranked = sorted(
        (x.score, id_sort_key(rid), rid)
        for rid in site.data.results
        if (x := latest_score(site, rid)) is not None
    )
    lowest = [rid for _, _, rid in ranked[:RESULT_LIMIT]]
    return (
        front("ОСР", hide_toc=True)
        + "# Очікувані стратегічні результати (ОСР)\n\n"
        + block(
            asof_line(site, src),
            f"<p>У програмі {len(site.data.results)} ОСР. Кожен — у таблиці ОСР на сторінці "
            "свого напряму (її можна впорядкувати за оцінкою), на сторінці своєї проблеми, "
            f"у {a(src, 'programme.md', 'фільтрі заходів')} і в "
            f"{a(src, 'downloads.md', 'завантаженнях')}.</p>",
        )
        + "## За напрямами\n\n"
        + block(
            mark_rows(
                table(
                    (
                        "Напрям",
                        "Назва",
                        "ОСР",
                        "ОСР з оцінкою",
                        "Середня оцінка, %",
                        "% виконання заходів",
                    ),
                    rows,
                    numeric=(2, 3, 4, 5),
                    search=False,
                    titled=True,
                ),
                ("", "", "", "scored", "mean", "pct_done"),
                ["direction:" + did for did in directions],
            )
        )
        + f"## {len(lowest)} ОСР з найнижчою оцінкою\n\n"
        + block(marked_results_table(site, src, lowest, f"lowest-results:{RESULT_LIMIT}"))
    )


def result_history(text: m.ExpectedResult, as_of: dt.date) -> list[str]:
    """An amended ОСР's history: a line per amendment and a table of its versions with their
    indicators and weights (escaped HTML)."""
    lines = []
    for am in in_order(text.amendments):
        what = ", ".join(
            w
            for w, v in (("назва", am.title), ("індикатори та ваги", am.indicators))
            if v is not None
        )
        verb = "набирає чинності" if am.date > as_of else "змінено"
        note = f" {esc(am.note)}." if am.note else ""
        lines.append(f"<li>з {ua_date(am.date)} {verb} ({esc(am.act)}): {esc(what)}.{note}</li>")
    days = sorted({am.date for am in text.amendments})
    rows: list[list[str]] = []
    previous: str | None = None
    for n, since in enumerate([None, *days]):
        version = result_as_of(text, since) if since else text
        until = days[n] - dt.timedelta(days=1) if n < len(days) else None
        span = (
            (f"до {ua_date(until)}" if until else "увесь час")
            if since is None
            else f"{ua_date(since)} – {ua_date(until) if until else 'досі'}"
        )
        weights = "; ".join(f"{i.id} — {ua_num(i.weight)}%" for i in version.indicators)
        title = "без змін" if previous == version.title else esc(version.title)
        rows.append([str(n), span, title, esc(weights or "—")])
        previous = version.title
    return [
        '<ul class="dap-amended">' + "".join(lines) + "</ul>",
        table(("№", "Чинна", "Назва", "Індикатори та ваги"), rows, sortable=False),
    ]


def result_page(site: Site, rid: str) -> str:
    """ОСР card: text, problem, span, statuses, indicators and scores by year, executors."""
    src = page_path("results", rid)
    text = site.data.results[rid]
    snap = site.snap
    r = result_as_of(text, snap.as_of)  # the title and indicators in force on the site's date
    agg = snap.aggregates.get(("result", rid))
    mids = site.measures_by.get(("result", rid), [])
    out = [front(f"ОСР {r.number or rid}"), f"# ОСР {md(r.number or rid)}\n\n"]
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
            r.problem + " " + short(section_title(site, r.problem)),
        )
        if r.problem in site.data.sections
        else esc(r.problem)
    )
    out.append(
        block(
            f'<p class="dap-lead">{esc(r.title)}</p>',
            f"<p>Проблема: {problem_link}</p>",
            f"<p>Строки заходів: {ua_date(min(starts)) if starts else '—'} — "
            f"{ua_date(max(ends)) if ends else '—'}</p>",
            asof_line(site, src),
            mark(figures(agg), f"result:{rid}"),
        )
    )
    out.append("## Заходи за статусами\n\n" + block(mark(status_chart(agg), f"result:{rid}")))
    years = site.score_years.get(rid, [])
    out.append("## Оцінка досягнення\n\n")
    if years:
        scores = [snap.scores[(rid, y)] for y in years]
        out.append(
            block(
                "<div data-latest>",
                chart(
                    "Оцінка ОСР за роками, %",
                    [str(y) for y in years],
                    [{"name": "Оцінка", "values": [s.score for s in scores], "color": "#3949ab"}],
                    suffix="%",
                    max_value=100,
                    value_title="Оцінка, %",
                    table_head=("Рік", "Оцінка"),
                ),
                table(
                    (
                        "Рік",
                        "Оцінка, %",
                        "Рівень",
                        "Стан",
                        "Індикаторів досягнуто повністю",
                        "частково",
                        "0%",
                        "Дата оцінки",
                    ),
                    [
                        [
                            str(s.year),
                            ua_num(s.score),
                            esc(s.level),
                            esc(s.state or "—"),
                            str(s.fully),
                            str(s.partly),
                            str(s.zero),
                            ua_date(s.date),
                        ]
                        for s in scores
                    ],
                    caption="Підсумки щорічних оцінок",
                    numeric=(1, 4, 5, 6),
                ),
                "</div>",
            )
        )
    else:
        out.append(block("<p>Щорічних оцінок ще немає.</p>"))
    out.append("## Індикатори\n\n")
    for ind in r.indicators:
        out.append(f"### Індикатор {md(ind.id)}\n\n")
        parts = [
            f"<p>{esc(ind.title)}</p>",
            f"<p>Вага (програмне значення частки індикатора): {ua_num(ind.weight)}%"
            + (f"; субіндикатори: {esc(ind.kind)}" if ind.kind else "")
            + (f"; джерело даних: {esc(ind.data_source)}" if ind.data_source else "")
            + "</p>",
        ]
        if ind.subindicators:
            parts.append(
                "<ul>"
                + "".join(
                    f"<li>{esc(s.id)}) {esc(s.title)} — {ua_num(s.share)}%</li>"
                    for s in ind.subindicators
                )
                + "</ul>"
            )
        rows = []
        for y in years:
            res = next((i for i in snap.scores[(rid, y)].indicators if i.indicator == ind.id), None)
            if res is None:
                continue
            rows.append(
                [
                    str(y),
                    ua_num(res.score),
                    esc(res.method),
                    esc(", ".join(f"{c} ({ua_num(v)}%)" for c, v in res.components) or "—"),
                    esc(res.value or "—"),
                    text_html(res.rationale) if res.rationale else "—",
                    esc(res.data_source or ind.data_source or "—"),
                ]
            )
        if rows:
            parts.append(
                table(
                    (
                        "Рік",
                        "Бал, %",
                        "Спосіб",
                        "Зараховано",
                        "Значення",
                        "Обґрунтування",
                        "Джерело даних",
                    ),
                    rows,
                    sortable=False,
                    numeric=(1,),
                )
            )
        out.append(block(*parts))
    if text.amendments:
        out.append("## Редакції ОСР\n\n" + block(*result_history(text, snap.as_of)))
    out.append("## Виконавці\n\n")
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
                a(src, page_path("executors", eid), executor_name(site, eid))
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
                    ("Головний виконавець", "Заходів", *[str(s) for s in STATUSES]),
                    rows,
                    numeric=range(1, 2 + len(STATUSES)),
                )
            )
        )
    )
    out.append("## Заходи\n\n" + block(marked_measures_table(site, src, mids)))
    out.append(feedback_section(site, ("result", rid)))
    return "".join(out)
