"""The site's pages as Markdown with HTML blocks, and the data behind the filter.

Pure: a `Site` (the data, the snapshots, the history; see builder/render.py) in,
`{docs path: text}` out (`render_pages()`). `PAGES` maps each fixed page to its renderer;
direction, problem, ОСР, executor and measure pages are made per record.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from urllib.parse import quote

from . import models as m
from .compute import STATUSES, DueReport, id_sort_key, record_path
from .load import Dataset
from .render import (
    MISSING_LIMIT,
    TIMELINESS,
    Cell,
    Site,
    a,
    active_notices,
    aggregate_table,
    block,
    chart,
    dates_line,
    esc,
    executor_name,
    figures,
    front,
    href,
    latest_score,
    link_html,
    md,
    measure_number,
    measures_table,
    page_path,
    period_label,
    root_of,
    safe_url,
    section_title,
    short,
    site_extra,
    snapshot_label,
    status_chart,
    status_mark,
    table,
    text_cell,
    text_html,
    ua_date,
    ua_num,
    ua_pct,
)
from .validate import measure_span

RESULT_LIMIT = 30  # ОСР with the lowest scores on the ОСР page (all are on direction pages)
EXECUTOR_LIMIT = 30  # executors listed on the timeliness page (all are on the executors' page)

# ---------------------------------------------------------------- pages


def home_page(site: Site) -> str:
    """Головна: headline figures with two dates, status chart, trend, links."""
    p = site.programme
    snap = site.snap
    agg = snap.aggregates.get(("programme", p.id))
    src = "index.md"
    out = [front("Головна", hide_toc=True), f"# {md(p.short_title or p.title)}\n\n"]
    intro = [f'<p class="dap-lead">{esc(p.title)}</p>', dates_line(snap)]
    for n in active_notices(site.data, snap.computed_on, m.NoticeKind.MAINTENANCE):
        intro.append(
            f'<div class="admonition warning" role="status"><p class="admonition-title">'
            f"{esc(n.title)}</p>{text_html(n.text)}</div>"
        )
    if p.demo:
        intro.append(
            '<div class="admonition info"><p class="admonition-title">Демонстраційні дані</p>'
            "<p>Цей сайт показує вигадану програму: цифри не описують реальний стан виконання.</p></div>"
        )
    out.append(block(*intro, figures(agg)))
    out.append("## Заходи за статусами\n\n")
    out.append(block(status_chart(agg)))
    out.append("## Динаміка виконання за кварталами\n\n")
    labels = [snapshot_label(s.as_of) for s in site.snapshots]
    pg = [s.aggregates.get(("programme", p.id)) for s in site.snapshots]
    out.append(
        block(
            chart(
                "% виконання (повністю та частково) на кінець кварталу",
                labels,
                [
                    {
                        "name": "від усіх заходів",
                        "values": [x.pct_done if x else 0 for x in pg],
                        "color": "#3949ab",
                    },
                    {
                        "name": "від заходів, строк яких настав",
                        "values": [x.pct_done_due if x else 0 for x in pg],
                        "color": "#2e7d32",
                    },
                ],
                kind="line",
                suffix="%",
                value_title="% виконання",
                max_value=100,
                table_head=("Станом на кінець", "від усіх заходів", "від тих, строк яких настав"),
            )
        )
    )
    out.append("## Напрями\n\n")
    directions = sorted(
        (s.id for s in site.data.sections.values() if s.level == m.SectionLevel.DIRECTION),
        key=id_sort_key,
    )
    out.append(
        block(aggregate_table(site, src, "direction", directions, lambda k: section_title(site, k)))
    )
    out.append("## Що є на сайті\n\n")
    links = [
        (
            "programme.md",
            "Програма як таблиця",
            "усі заходи з фільтром за напрямом, проблемою, ОСР, виконавцем, статусом і строком",
        ),
        ("results/index.md", "ОСР", "очікувані стратегічні результати з оцінками індикаторів"),
        ("executors/index.md", "Виконавці", "заходи й своєчасність звітування кожного виконавця"),
        (
            "timeliness.md",
            "Своєчасність звітування",
            "хто звітував вчасно, із запізненням, не звітував",
        ),
        (
            "notices.md",
            "Доповіді та статистика",
            "національні доповіді, статистика, позапланові заходи",
        ),
        ("downloads.md", "Завантажити дані", "усі дані у відкритих форматах: CSV, JSON, XLSX"),
        ("methodology.md", "Методологія", "як обчислено кожну цифру"),
        ("feedback.md", "Зворотний зв'язок", "як надіслати повідомлення-відгук"),
    ]
    out.append(
        block(
            "<ul>"
            + "".join(f"<li>{a(src, t, label)} — {esc(text)}</li>" for t, label, text in links)
            + "</ul>"
        )
    )
    return "".join(out)


def programme_page(site: Site) -> str:
    """Програма: the structure with shares per level and the filterable measure list."""
    src = "programme.md"
    snap = site.snap
    out = [front("Програма як таблиця", hide_toc=True), "# Програма як таблиця\n\n"]
    out.append(
        block(
            dates_line(snap),
            "<p>Усі заходи програми з фільтром за напрямом, проблемою, ОСР, виконавцем, статусом "
            "і строком; посилання на відібраний перелік можна надіслати. Нижче — структура "
            "програми (напрям → проблема → ОСР) з % виконання на кожному рівні; кожен ОСР "
            f"докладно — у переліку {a(src, 'results/index.md', 'ОСР')}.</p>",
        )
    )
    out.append("## Заходи\n\n")
    form = [
        f'<section id="dap-filter" class="dap-filter" data-search-exclude '
        f'data-src="{href(src, "assets/data/programme.js")}" data-root="{root_of(src)}">',
        '<form role="search" aria-label="Фільтр заходів">',
        '<label>Напрям<select name="direction"></select></label>',
        '<label>Проблема<select name="problem"></select></label>',
        '<label>ОСР<select name="result"></select></label>',
        '<label>Виконавець<select name="executor"></select></label>',
        '<label>Статус<select name="status"></select></label>',
        '<label>Строк виконання<select name="year"></select></label>',
        '<label>Пошук у назві<input type="search" name="q" placeholder="слово або номер"></label>',
        '<label class="dap-check"><input type="checkbox" name="overdue" value="1"> лише прострочені</label>',
        '<div class="dap-filter-buttons"><button type="reset" class="dap-button">Скинути фільтр</button></div>',
        "</form>",
        '<p class="dap-filter-count" aria-live="polite">Завантаження переліку заходів…</p>',
        "<noscript><p>Фільтр працює з JavaScript. Без нього заходи можна переглянути на сторінках "
        f"{a(src, 'directions/index.md', 'напрямів')} і проблем, а всі дані — "
        f"{a(src, 'downloads.md', 'завантажити')}.</p></noscript>",
        '<div class="dap-scroll"><table class="dap-table"><caption>Заходи програми (відібрані фільтром)</caption>',
        '<thead><tr><th scope="col" data-key="number">№</th><th scope="col" data-key="title">Захід</th>'
        '<th scope="col">ОСР</th><th scope="col" data-key="executor">Головний виконавець</th>'
        '<th scope="col" data-key="end">Строк</th><th scope="col" data-key="status">Статус</th>'
        '<th scope="col" data-key="label">Результат моніторингу</th></tr></thead>',
        "<tbody></tbody></table></div>",
        '<button type="button" class="dap-filter-more" hidden>Показати ще</button>',
        "</section>",
    ]
    out.append(block(*form))
    out.append("## Структура програми\n\n")
    rows = []
    directions = sorted(
        (s.id for s in site.data.sections.values() if s.level == m.SectionLevel.DIRECTION),
        key=id_sort_key,
    )
    problems_of: dict[str, list[str]] = defaultdict(list)
    for sid in sorted(site.data.sections, key=id_sort_key):
        if sid in site.direction_of:
            problems_of[site.direction_of[sid]].append(sid)
    results_of: dict[str, list[str]] = defaultdict(list)
    for rid in sorted(site.data.results, key=id_sort_key):
        results_of[site.data.results[rid].problem].append(rid)

    def results_cell(problem: str) -> str:
        parts = []
        for rid in results_of.get(problem, []):
            score = latest_score(site, rid)
            text = f" — {ua_num(score.score)} ({esc(score.level)})" if score else ""
            parts.append(a(src, page_path("results", rid), rid) + text)
        return "<br>".join(parts) or "—"

    def row(level: str, key: str, depth: int) -> list[str]:
        agg = snap.aggregates.get((level, key))
        kind = "directions" if level == "direction" else "problems"
        name = "Напрям" if level == "direction" else "Проблема"
        return [
            f'<span class="dap-depth-{depth}">{esc(name)} {a(src, page_path(kind, key), key)}</span>',
            esc(short(section_title(site, key), 120)),
            str(agg.total if agg else 0),
            ua_pct(agg.pct_done) if agg else "—",
            ua_pct(agg.pct_done_due) if agg and agg.due else "—",
            results_cell(key) if level == "problem" else "",
        ]

    for d in directions:
        rows.append(row("direction", d, 0))
        for pr in problems_of.get(d, []):
            rows.append(row("problem", pr, 1))
    out.append(
        block(
            table(
                (
                    "Рівень",
                    "Назва",
                    "Заходів",
                    "% виконання",
                    "% від тих, строк яких настав",
                    "ОСР: оцінка, % (рівень)",
                ),
                rows,
                sortable=False,
                numeric=(2, 3, 4),
                search=False,
                titled=True,
            )
        )
    )
    return "".join(out)


def programme_data(site: Site) -> str:
    """assets/data/programme.js: the measure list behind the filter (a script, works offline)."""
    data = site.data
    snap = site.snap
    measures = []
    years: set[int] = set()
    for mid in sorted(data.measures, key=id_sort_key):
        ms = data.measures[mid]
        state = snap.measures.get(mid)
        if state is None or state.removed:
            continue
        if ms.deadline.end:
            years.add(ms.deadline.end.year)
        measures.append(
            [
                mid,
                ms.number or mid,
                " ".join(ms.title.split()),
                site.problem_of.get(mid, ""),
                list(dict.fromkeys(ms.results)),
                ms.main_executor.executor,
                [link.executor for link in ms.co_executors],
                str(state.status),
                str(state.label) if state.label else "",
                ms.deadline.end.isoformat() if ms.deadline.end else "",
                ms.deadline.text,
                1 if state.overdue else 0,
                href("index.md", page_path("measures", mid)),
            ]
        )
    payload = {
        "as_of": snap.as_of.isoformat(),
        "directions": {
            s.id: s.title for s in data.sections.values() if s.level == m.SectionLevel.DIRECTION
        },
        "problems": {
            sid: [data.sections[sid].title, site.direction_of.get(sid, "")]
            for sid in site.direction_of
        },
        "results": {rid: [r.title, r.problem] for rid, r in data.results.items()},
        "executors": {eid: executor_name(site, eid) for eid in data.executors},
        "statuses": [str(s) for s in STATUSES],
        "years": sorted(years),
        "measures": measures,
    }
    return (
        "window.DAP_PROGRAMME = "
        + json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        + ";\n"
    )


def directions_index(site: Site) -> str:
    """Напрями: every direction with its aggregate."""
    src = "directions/index.md"
    directions = sorted(
        (s.id for s in site.data.sections.values() if s.level == m.SectionLevel.DIRECTION),
        key=id_sort_key,
    )
    return (
        front("Напрями", hide_toc=True)
        + "# Напрями програми\n\n"
        + block(
            dates_line(site.snap),
            aggregate_table(site, src, "direction", directions, lambda k: section_title(site, k)),
        )
    )


def section_page(site: Site, sid: str, level: str) -> str:
    """A direction or problem page: aggregates, chart, children, measures."""
    kind = "directions" if level == "direction" else "problems"
    src = page_path(kind, sid)
    section = site.data.sections[sid]
    agg = site.snap.aggregates.get((level, sid))
    name = "Напрям" if level == "direction" else "Проблема"
    out = [front(f"{name} {sid}", hide_toc=True), f"# {name} {md(sid)}\n\n"]
    intro = [f'<p class="dap-lead">{esc(section.title)}</p>']
    if level == "problem" and sid in site.direction_of:
        d = site.direction_of[sid]
        intro.append(
            f"<p>Напрям: {a(src, page_path('directions', d), d + ' ' + short(section_title(site, d)))}</p>"
        )
    intro.append(dates_line(site.snap))
    out.append(block(*intro, figures(agg)))
    out.append("## Заходи за статусами\n\n" + block(status_chart(agg)))
    if level == "direction":
        problems = site.sections_of.get(("direction", sid), [])
        out.append("## Проблеми\n\n")
        out.append(
            block(
                aggregate_table(site, src, "problem", problems, lambda k: section_title(site, k)),
                f'<p><a href="{href(src, "programme.md")}?direction={quote(sid, safe="")}">'
                "Усі заходи напряму у фільтрі</a></p>",
            )
        )
    else:
        results = site.results_of.get(("problem", sid), [])
        out.append("## Очікувані стратегічні результати (ОСР)\n\n")
        out.append(
            block(
                aggregate_table(site, src, "result", results, lambda k: site.data.results[k].title)
            )
        )
        out.append("## Заходи\n\n")
        out.append(block(measures_table(site, src, site.measures_by.get(("problem", sid), []))))
    if level == "direction":
        out.append("## ОСР напряму\n\n")
        out.append(block(results_table(site, src, results_of_direction(site, sid))))
    return "".join(out)


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
            dates_line(site.snap),
            f"<p>У програмі {len(site.data.results)} ОСР. Кожен — у таблиці ОСР на сторінці "
            "свого напряму (її можна впорядкувати за оцінкою), на сторінці своєї проблеми, "
            f"у {a(src, 'programme.md', 'фільтрі заходів')} і в "
            f"{a(src, 'downloads.md', 'завантаженнях')}.</p>",
        )
        + "## За напрямами\n\n"
        + block(
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
            )
        )
        + f"## {len(lowest)} ОСР з найнижчою оцінкою\n\n"
        + block(results_table(site, src, lowest))
    )


def result_page(site: Site, rid: str) -> str:
    """ОСР card: text, problem, span, statuses, indicators and scores by year, executors."""
    src = page_path("results", rid)
    r = site.data.results[rid]
    snap = site.snap
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
            dates_line(snap),
            figures(agg),
        )
    )
    out.append("## Заходи за статусами\n\n" + block(status_chart(agg)))
    years = site.score_years.get(rid, [])
    out.append("## Оцінка досягнення\n\n")
    if years:
        scores = [snap.scores[(rid, y)] for y in years]
        out.append(
            block(
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
    out.append("## Виконавці\n\n")
    per: dict[str, Counter[m.Status]] = defaultdict(Counter)
    for mid in mids:
        state = snap.measures.get(mid)
        if state and not state.removed:
            per[site.data.measures[mid].main_executor.executor][state.status] += 1
    rows = []
    for eid in sorted(per, key=lambda e: executor_name(site, e)):
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
            table(
                ("Головний виконавець", "Заходів", *[str(s) for s in STATUSES]),
                rows,
                numeric=range(1, 2 + len(STATUSES)),
            )
        )
    )
    out.append("## Заходи\n\n" + block(measures_table(site, src, mids)))
    out.append(feedback_section(site, ("result", rid)))
    return "".join(out)


def feedback_section(site: Site, key: tuple[str, str]) -> str:
    """Published stakeholder feedback on a measure or an ОСР, with answers."""
    keys = site.feedback_of.get(key, [])
    if not keys:
        return ""
    parts = []
    for k in keys:
        fb = site.data.feedback[k]
        answer = (
            f"<p><strong>Відповідь НАЗК</strong> ({ua_date(fb.answered_on)}):</p>{text_html(fb.answer)}"
            if fb.answer
            else '<p class="dap-muted">Відповіді ще немає.</p>'
        )
        parts.append(
            f'<div class="dap-report"><p><strong>{esc(fb.author)}</strong>, {ua_date(fb.date)}</p>'
            f'<div class="dap-report-text">{text_html(fb.text)}</div>{answer}</div>'
        )
    return "## Відгуки громадськості\n\n" + block(*parts)


def measure_page(site: Site, mid: str) -> str:
    """Захід: every field, status and label, timeline, reports, sources, amendments, feedback."""
    src = page_path("measures", mid)
    data = site.data
    ms = data.measures[mid]
    snap = site.snap
    state = snap.measures.get(mid)
    number = ms.number or mid
    out = [front(f"Захід {number}"), f"# Захід {md(number)}\n\n"]
    status_line = f"<p><strong>Статус:</strong> {status_mark(state)}"
    if state and state.label:
        status_line += f"; <strong>результат моніторингу:</strong> {esc(state.label)} ({ua_date(state.label_date)})"
    status_line += "</p>"
    notes = []
    if state and state.derived:
        notes.append(
            '<p class="dap-muted">Висновку аналітика ще немає: статус визначено автоматично '
            f"за поданими звітами ({a(src, 'methodology.md', 'методологія')}).</p>"
        )
    if state and state.removed:
        notes.append("<p><strong>Захід вилучено з програми.</strong></p>")
    out.append(
        block(f'<p class="dap-lead">{esc(ms.title)}</p>', status_line, *notes, dates_line(snap))
    )

    out.append("## Відомості про захід\n\n")
    fields: list[tuple[str, str]] = [("Номер", esc(number))]
    problem = site.problem_of.get(mid)
    direction = site.direction_of.get(ms.section)
    if direction:
        fields.append(
            (
                "Напрям",
                a(
                    src,
                    page_path("directions", direction),
                    direction + " " + short(section_title(site, direction)),
                ),
            )
        )
    if problem:
        fields.append(
            (
                "Проблема",
                a(
                    src,
                    page_path("problems", problem),
                    problem + " " + short(section_title(site, problem)),
                ),
            )
        )
    if ms.results:
        fields.append(
            (
                "ОСР",
                "<br>".join(
                    a(src, page_path("results", rid), rid + " " + short(data.results[rid].title))
                    if rid in data.results
                    else esc(rid)
                    for rid in ms.results
                ),
            )
        )
    d = ms.deadline
    deadline = esc(d.text)
    extra = []
    if d.start or d.end:
        extra.append(f"{ua_date(d.start)} — {ua_date(d.end)}")
    if d.start_event:
        extra.append("початок: " + d.start_event)
    if d.recurrence:
        extra.append("періодичність: " + d.recurrence)
    if extra:
        deadline += " (" + esc("; ".join(extra)) + ")"
    fields.append(("Строк виконання", deadline))

    def executor_link(link: m.ExecutorLink) -> str:
        name = (
            a(src, page_path("executors", link.executor), executor_name(site, link.executor, True))
            if link.executor in data.executors
            else esc(link.executor)
        )
        return name + (" (за згодою)" if link.by_agreement else "")

    fields.append(("Головний виконавець", executor_link(ms.main_executor)))
    if ms.co_executors:
        fields.append(("Співвиконавці", "<br>".join(executor_link(x) for x in ms.co_executors)))
    if ms.executor_groups:
        fields.append(("Інші виконавці", "<br>".join(esc(g) for g in ms.executor_groups)))
    if ms.funding and (ms.funding.source or ms.funding.volume):
        fields.append(
            (
                "Джерела та обсяг фінансування",
                esc("; ".join(x for x in (ms.funding.source, ms.funding.volume) if x)),
            )
        )
    if ms.performance_indicators:
        fields.append(
            (
                "Показники виконання",
                "<ul>" + "".join(f"<li>{esc(x)}</li>" for x in ms.performance_indicators) + "</ul>",
            )
        )
    if ms.completed:
        fields.append(("Фактична дата виконання", ua_date(ms.completed)))
    if ms.removed:
        fields.append(("Вилучено з програми", ua_date(ms.removed)))
    if state and state.missing_reports:
        fields.append(
            ("Не подано звітів за", esc(", ".join(period_label(p) for p in state.missing_reports)))
        )
    out.append(
        block(
            '<dl class="dap-fields">'
            + "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in fields)
            + "</dl>"
        )
    )

    out.append("## Результати моніторингу\n\n")
    keys = sorted(site.assessments_of.get(mid, []), key=lambda k: (data.assessments[k].date, k))
    if keys:
        # A list rather than a table: three tags an entry instead of six (see below).
        items = []
        for k in keys:
            x = data.assessments[k]
            items.append(
                f"<li>{esc(period_label(x.period))}, висновок від {ua_date(x.date)}: "
                f'<span class="dap-status" data-status="{esc(x.status)}">{esc(x.status)}</span>'
                f" — {esc(x.label)}<br>{text_cell(x.text)}</li>"
            )
        out.append(
            block(
                '<p class="dap-list-title">Хронологія результатів моніторингу</p>',
                '<ol class="dap-timeline" data-search-exclude>' + "".join(items) + "</ol>",
            )
        )
    else:
        out.append(block("<p>Висновків аналітика ще немає.</p>"))

    out.append("## Звіти виконавця\n\n")
    due = sorted(site.due_of.get(("measure", mid), []), key=lambda x: id_sort_key(x.period))
    if due:
        # A list, not a table: one tag a quarter instead of six (the site generator parses
        # every tag three times, on 2,000 measure pages).
        out.append(
            block(
                '<p class="dap-list-title">Своєчасність звітування за кварталами</p>',
                '<ul class="dap-timely-list" data-search-exclude>'
                + "".join(
                    f'<li class="dap-timely-{esc(x.state)}">{esc(period_label(x.period))}: '
                    f"{esc(timeliness_text(x))}"
                    + (
                        f", подано {ua_date(x.submitted)}"
                        + ("" if x.verified else " (дата з файлу)")
                        if x.submitted
                        else ""
                    )
                    + "</li>"
                    for x in due
                )
                + "</ul>",
            )
        )
    report_keys = sorted(
        site.reports_of.get(mid, []), key=lambda k: (id_sort_key(data.reports[k].period), k)
    )
    if not report_keys:
        out.append(block("<p>Звітів ще не подано.</p>"))
    reports = []
    for k in report_keys:
        r = data.reports[k]
        title = period_label(r.period) + (" (виправлення)" if "@" in k else "")
        meta = [
            f"Вид: {esc(r.kind)}",
            "виконавець: " + esc(executor_name(site, r.executor)),
        ]
        if r.approved_on:
            meta.append(f"затверджено {ua_date(r.approved_on)}")
        if r.prepared_by in site.names:
            meta.append("підготував(-ла): " + esc(site.names[r.prepared_by]))
        if r.approved_by in site.names:
            meta.append("затвердив(-ла): " + esc(site.names[r.approved_by]))
        evidence = ""
        if r.evidence:
            evidence = (
                "<p>Підтвердження: "
                + "; ".join(link_html(e.title, e.url) for e in r.evidence)
                + "</p>"
            )
        anchor = (
            "звіт-" + k.split("/", 1)[0].lower() + ("-" + k.split("@", 1)[1] if "@" in k else "")
        )
        text = text_cell(r.text)  # one paragraph: no <p> of its own
        body = (
            f'<div class="dap-report-text">{text}</div>'
            if text.startswith("<p>")
            else f'<p class="dap-report-text">{text}</p>'
        )
        reports.append(
            f'<div class="dap-report" id="{esc(anchor)}"><h3>{esc(title)}</h3>'
            f"<p>{'; '.join(meta)}</p>{body}{evidence}</div>"
        )
    if reports:
        # Report texts stay out of the search index: at national scale they would make it
        # ~90 MB; they are in the downloads.
        out.append(
            block('<section class="dap-reports" data-search-exclude>', *reports, "</section>")
        )

    sources = [(data.assessments[k], s) for k in keys for s in data.assessments[k].sources]
    if sources:
        out.append("## Джерела, використані аналітиком\n\n")
        out.append(
            block(
                "<ul>"
                + "".join(
                    f"<li>{link_html(s.title, s.url)} ({esc(period_label(x.period))})</li>"
                    for x, s in sources
                )
                + "</ul>"
            )
        )
    if ms.amendments:
        out.append("## Зміни до заходу\n\n")
        field_names = {
            "title": "назва",
            "deadline": "строк",
            "executors": "виконавці",
            "indicators": "показники",
            "funding": "фінансування",
            "added": "додано",
            "removed": "вилучено",
            "other": "інше",
        }
        out.append(
            block(
                table(
                    ("Дата", "Акт", "Що змінено", "Було", "Стало", "Примітка"),
                    [
                        [
                            ua_date(x.date),
                            esc(x.act),
                            esc(field_names.get(x.field, x.field)),
                            esc(x.old or "—"),
                            esc(x.new or "—"),
                            esc(x.note or "—"),
                        ]
                        for x in ms.amendments
                    ],
                    sortable=False,
                )
            )
        )
    out.append(feedback_section(site, ("measure", mid)))
    out.append("## Історія змін\n\n")
    out.append(block(history_line(site, "measures", mid)))
    return "".join(out)


def history_line(site: Site, kind: str, key: str) -> str:
    """When the record's file last changed in Git (date and commit; no names or e-mails)."""
    history = site.history
    if history is None or not history.available:
        return '<p class="dap-muted">Історія змін недоступна (збірка не з репозиторію Git).</p>'
    path = record_path(site.data, kind, key)
    last = history.last_changed(path)
    first = history.first_added(path)
    if last is None:
        return '<p class="dap-muted">Файл ще не збережено в історії Git.</p>'
    commit = esc(last.commit[:10])
    repo = site.programme.repository_url
    if repo and safe_url(repo):
        commit = f'<a href="{esc(repo.rstrip("/"))}/commit/{esc(last.commit)}" rel="noopener noreferrer">{commit}</a>'
    text = f"<p>Востаннє змінено: {ua_date(last.day)} (коміт {commit})"
    if first is not None:
        text += f"; додано: {ua_date(first.day)}"
    return text + ".</p>"


def timeliness_text(d: DueReport) -> str:
    """A due report's state in words, with days late (plain text)."""
    label, _ = TIMELINESS[d.state]
    return label + (f" ({d.days_late} дн.)" if d.state == "late" and d.days_late else "")


def timeliness_mark(d: DueReport) -> str:
    """A due report's state in words, with days late, with its colour class."""
    return f'<span class="dap-timely-{esc(d.state)}">{esc(timeliness_text(d))}</span>'


def timeliness_counts(dues: Iterable[DueReport]) -> dict[str, dict[str, int]]:
    """Counts of due-report states per period."""
    per: dict[str, dict[str, int]] = {}
    for d in dues:
        row = per.setdefault(d.period, dict.fromkeys(TIMELINESS, 0))
        row[d.state] += 1
    return dict(sorted(per.items(), key=lambda kv: id_sort_key(kv[0])))


def timeliness_block(dues: list[DueReport], title: str) -> str:
    """Chart and table of report timeliness by quarter."""
    per = timeliness_counts(dues)
    if not per:
        return "<p>Звітів за цей час не належало.</p>"
    periods = list(per)
    labels = [period_label(p) for p in periods]
    series: list[dict[str, object]] = [
        {
            "name": TIMELINESS[s][0],
            "values": [per[p][s] for p in periods],
            "color": TIMELINESS[s][1],
        }
        for s in TIMELINESS
    ]
    return chart(
        title,
        labels,
        series,
        stacked=True,
        value_title="Звітів",
        table_head=("Квартал", *[TIMELINESS[s][0] for s in TIMELINESS]),
    )


def executors_index(site: Site) -> str:
    """Виконавці: each executor with its measures and reporting timeliness."""
    src = "executors/index.md"
    rows = []
    for eid in sorted(site.data.executors, key=lambda e: executor_name(site, e, True)):
        agg = site.snap.aggregates.get(("executor", eid))
        rows.append(
            [
                a(src, page_path("executors", eid), executor_name(site, eid, True)),
                str(agg.total if agg else 0),
                str(agg.co_total if agg else 0),
                ua_pct(agg.pct_done) if agg else "—",
                str(agg.overdue if agg else 0),
                ua_pct(agg.pct_on_time) if agg and agg.reports_due else "—",
                str(agg.missing if agg else 0),
            ]
        )
    return (
        front("Виконавці", hide_toc=True)
        + "# Виконавці\n\n"
        + block(
            dates_line(site.snap),
            table(
                (
                    "Виконавець",
                    "Заходів (головний)",
                    "Заходів (співвиконавець)",
                    "% виконання",
                    "Прострочено",
                    "Звітів вчасно",
                    "Звітів не подано",
                ),
                rows,
                numeric=range(1, 7),
                search=False,
            ),
        )
    )


def executor_page(site: Site, eid: str) -> str:
    """Виконавець: measures as main and co-executor, status counts, timeliness by quarter."""
    src = page_path("executors", eid)
    ex = site.data.executors[eid]
    agg = site.snap.aggregates.get(("executor", eid))
    out = [front(executor_name(site, eid, True), hide_toc=True), f"# {md(ex.name)}\n\n"]
    intro = []
    if ex.short_name:
        intro.append(f"<p>Скорочено: {esc(ex.short_name)}</p>")
    if ex.by_agreement:
        intro.append("<p>Виконує заходи за згодою (не підпорядкований Кабінету Міністрів).</p>")
    out.append(block(*intro, dates_line(site.snap), figures(agg)))
    out.append("## Заходи за статусами (як головний виконавець)\n\n" + block(status_chart(agg)))
    out.append("## Своєчасність звітування\n\n")
    dues = [
        d
        for d in site.due_of.get(("executor", eid), [])
        if not site.snap.measures[d.measure].removed
    ]
    out.append(block(timeliness_block(dues, "Звіти за кварталами")))
    missing = [d for d in dues if d.state in ("missing", "late")]
    if missing:
        out.append("### Звіти, не подані або подані із запізненням\n\n")
        # One row a quarter, one link a report: a row per report cost seven tags.
        per_quarter: dict[str, dict[str, list[str]]] = {}
        for d in sorted(missing, key=lambda d: (id_sort_key(d.period), id_sort_key(d.measure))):
            link = a(src, page_path("measures", d.measure), measure_number(site, d.measure))
            if d.state == "late":
                late = [f"{d.days_late} дн." if d.days_late else "", ua_date(d.submitted)]
                link += " (" + ", ".join(x for x in late if x and x != "—") + ")"
            per_quarter.setdefault(d.period, {"missing": [], "late": []})[d.state].append(link)
        out.append(
            block(
                table(
                    ("Квартал", "Не подано", "Подано із запізненням (днів, дата)"),
                    [
                        [
                            (period, esc(period_label(period))),
                            ", ".join(x["missing"]) or "—",
                            ", ".join(x["late"]) or "—",
                        ]
                        for period, x in per_quarter.items()
                    ],
                    search=False,
                )
            )
        )
    main = site.measures_by.get(("executor", eid), [])
    co = site.measures_by.get(("co", eid), [])
    out.append(
        "## Заходи, де виконавець головний\n\n"
        + block(measures_table(site, src, main, executor=False))
    )
    if co:
        out.append(
            "## Заходи, де виконавець — співвиконавець\n\n" + block(measures_table(site, src, co))
        )
    return "".join(out)


def timeliness_page(site: Site) -> str:
    """Своєчасність звітування: per quarter and per executor."""
    src = "timeliness.md"
    snap = site.snap
    dues = [d for d in snap.due if not snap.measures[d.measure].removed]
    out = [front("Своєчасність звітування", hide_toc=True), "# Своєчасність звітування\n\n"]
    w = site.programme.reporting
    out.append(
        block(
            dates_line(snap),
            f"<p>Головний виконавець звітує про кожен захід за кожен квартал з {w.window_start_day} "
            f"по {w.window_end_day} число (включно) місяця, що настає за кварталом. "
            f"Як визначено стан кожного звіту — у {a(src, 'methodology.md', 'методології')}.</p>",
        )
    )
    out.append("## За кварталами\n\n" + block(timeliness_block(dues, "Звіти за кварталами")))
    out.append("## Виконавці з найменшою часткою вчасних звітів\n\n")
    # Bounded: the page must not grow with the programme. Every executor, sortable, is on the
    # executors' page; each executor's quarters are on its own page; every report in the downloads.
    rows: list[list[Cell]] = []
    ranked = sorted(
        (
            (agg.pct_on_time, -agg.missing, executor_name(site, eid), eid, agg)
            for eid in site.data.executors
            if (agg := snap.aggregates.get(("executor", eid))) and agg.reports_due
        ),
    )
    for pct, _, name, eid, agg in ranked[:EXECUTOR_LIMIT]:
        rows.append(
            [
                a(src, page_path("executors", eid), name),
                str(agg.reports_due),
                str(agg.on_time),
                str(agg.late),
                str(agg.missing),
                (f"{pct:.3f}", ua_pct(pct)),
            ]
        )
    out.append(
        block(
            table(
                (
                    "Виконавець",
                    "Звітів належало",
                    "Вчасно",
                    "Із запізненням",
                    "Не подано",
                    "Вчасно, %",
                ),
                rows,
                numeric=range(1, 6),
                search=False,
            ),
            f"<p>Показано {len(rows)} з {len(ranked)} виконавців. Усі виконавці — у таблиці "
            f"{a(src, 'executors/index.md', 'Виконавці')} (її можна впорядкувати за будь-яким "
            "стовпцем); звітування кожного за кварталами — на його сторінці; кожен звіт — у "
            f"{a(src, 'downloads.md', 'завантаженнях')}.</p>",
        )
    )
    periods = list(timeliness_counts(dues))
    latest = [p for p in periods if any(d.period == p and d.state != "pending" for d in dues)]
    if latest:
        last = latest[-1]
        missing = [d for d in dues if d.period == last and d.state == "missing"]
        out.append(f"## Не подано за {md(period_label(last))}\n\n")
        out.append(
            block(
                (
                    f"<p>Вікно подання: {ua_date(missing[0].window_start)} — "
                    f"{ua_date(missing[0].window_end)}.</p>"
                    if missing
                    else ""
                ),
                table(
                    ("Виконавець", "Захід"),
                    [
                        [
                            esc(executor_name(site, d.executor)),
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
                ),
                f"<p>Показано {min(len(missing), MISSING_LIMIT)} з {len(missing)}; повний перелік — у "
                f"{a(src, 'downloads.md', 'завантаженнях')}.</p>"
                if len(missing) > MISSING_LIMIT
                else "",
            )
        )
    return "".join(out)


NOTICE_SECTIONS = (
    (m.NoticeKind.NATIONAL_REPORT, "Національні доповіді"),
    (m.NoticeKind.STATISTICS, "Статистика"),
    (m.NoticeKind.UNPLANNED_MEASURE, "Позапланові заходи"),
    (m.NoticeKind.NEWS, "Новини"),
    (m.NoticeKind.MAINTENANCE, "Технічні роботи"),
)


def notices_page(site: Site) -> str:
    """Національні доповіді, статистика, позапланові заходи, новини, технічні роботи."""
    out = [front("Доповіді та статистика"), "# Доповіді, статистика, позапланові заходи\n\n"]
    notices = sorted(site.data.notices.values(), key=lambda n: (n.date, n.id), reverse=True)
    for kind, title in NOTICE_SECTIONS:
        items = [n for n in notices if n.kind == kind]
        out.append(f"## {title}\n\n")
        if not items:
            out.append(block("<p>Поки що немає.</p>"))
            continue
        for n in items:
            when = ua_date(n.date)
            if n.start or n.end:
                when += f" (діє {ua_date(n.start or n.date)} — {ua_date(n.end)})"
            links = (
                "<ul>" + "".join(f"<li>{link_html(x.title, x.url)}</li>" for x in n.links) + "</ul>"
                if n.links
                else ""
            )
            out.append(f"### {md(n.title)}\n\n")
            out.append(
                block(f'<p class="dap-dates">{when}</p>', f"<div>{text_html(n.text)}</div>", links)
            )
    return "".join(out)


def feedback_page(site: Site) -> str:
    """Зворотний зв'язок: how to send a повідомлення-відгук, and what was published."""
    p = site.programme
    src = "feedback.md"
    out = [front("Зворотний зв'язок"), "# Зворотний зв'язок\n\n"]
    out.append(
        block(
            "<p>Будь-хто може надіслати <strong>повідомлення-відгук</strong> щодо виконання "
            "програми: про окремий захід, ОСР або програму загалом. НАЗК розглядає відгуки, "
            "публікує їх разом із відповіддю та враховує під час моніторингу.</p>"
        )
    )
    out.append("## Як надіслати відгук\n\n")
    routes = []
    if p.feedback_email:
        routes.append(
            f"<li><strong>Електронною поштою, без облікового запису GitHub:</strong> напишіть на "
            f'публічну адресу НАЗК <a href="mailto:{esc(quote(p.feedback_email, safe="@.+-_"))}">'
            f"{esc(p.feedback_email)}</a>.</li>"
        )
    if p.repository_url and safe_url(p.repository_url):
        repo = p.repository_url.rstrip("/")
        routes.append(
            f'<li><strong>Через GitHub:</strong> відкрийте <a href="{esc(repo)}/issues/new" '
            'rel="noopener noreferrer">нове звернення</a> у репозиторії програми.</li>'
        )
    routes.append(
        "<li><strong>Поштою або особисто:</strong> звернення до НАЗК у паперовій формі; "
        "аналітик внесе його до даних так само.</li>"
    )
    out.append(block("<ol>" + "".join(routes) + "</ol>"))
    out.append("## Що вказати\n\n")
    out.append(
        block(
            "<ul><li>номер заходу (наприклад, 1.1.1.1.2) або ОСР, якого стосується відгук;</li>"
            "<li>суть відгуку: що ви помітили, з посиланнями на документи, якщо є;</li>"
            "<li>як підписати відгук на сайті: ім'я або назва організації.</li></ul>"
            "<p>Контактні дані (адреса пошти, телефон) потрібні лише для відповіді й ніколи не "
            "публікуються.</p>"
        )
    )
    out.append("## Опубліковані відгуки\n\n")
    items = sorted(site.data.feedback.values(), key=lambda f: (f.date, f.id), reverse=True)
    if not items:
        out.append(block("<p>Відгуків ще немає.</p>"))
    rows: list[list[Cell]] = []
    for fb in items:
        about = "програма загалом"
        if fb.measure and fb.measure in site.data.measures:
            about = a(
                src, page_path("measures", fb.measure), "захід " + measure_number(site, fb.measure)
            )
        elif fb.result and fb.result in site.data.results:
            about = a(src, page_path("results", fb.result), "ОСР " + fb.result)
        rows.append(
            [
                (fb.date.isoformat(), ua_date(fb.date)),
                esc(fb.author),
                about if about.startswith("<a") else esc(about),
                text_html(fb.text),
                (text_html(fb.answer) + f'<p class="dap-dates">{ua_date(fb.answered_on)}</p>')
                if fb.answer
                else "—",
            ]
        )
    if rows:
        out.append(block(table(("Дата", "Автор", "Стосується", "Відгук", "Відповідь"), rows)))
    return "".join(out)


def methodology_page(site: Site) -> str:
    """Методологія: how each figure is computed, with the programme's own thresholds."""
    p = site.programme
    lv = p.levels
    rp = p.reporting
    dates = (
        "дата, коли файл звіту вперше потрапив до основної гілки репозиторію Git (для злитого "
        "запиту на злиття — дата злиття); її неможливо змінити заднім числом"
        if rp.submission_dates == "git"
        else "дата подання, записана у файлі звіту (дані імпортовано або демонстраційні; такі "
        "дати позначено як неперевірені)"
    )
    statuses = "".join(f"<li>{esc(s)}</li>" for s in STATUSES)
    sections = [
        (
            "Статус заходу",
            f"<p>Кожен захід має один із п'яти статусів:</p><ul>{statuses}</ul>"
            "<p>Статус встановлює висновок аналітика НАЗК за результатами аналізу звіту "
            "виконавця (останній висновок, датований не пізніше дати, станом на яку наведено "
            "цифри). Поки висновку немає, статус визначається автоматично: «Виконується», "
            "якщо виконавець уже подав звіт про захід, інакше «Не розпочато»; такий статус "
            "позначено на сторінці заходу.</p>"
            "<p>Захід <strong>прострочено</strong>, якщо строк його виконання минув, а статус "
            "не «Виконано» і не «Виконано частково».</p>",
        ),
        (
            "% виконання",
            "<p><strong>% виконання (від усіх заходів)</strong> = (кількість заходів зі статусом "
            "«Виконано» + «Виконано частково») ÷ кількість усіх заходів × 100.</p>"
            "<p><strong>% виконання (від заходів, строк яких настав)</strong> = (кількість "
            "виконаних повністю або частково серед заходів, строк яких закінчився не пізніше "
            "дати «станом на») ÷ кількість таких заходів × 100.</p>"
            "<p>Обидва показники обчислюються для програми, кожного напряму, проблеми, ОСР і "
            "головного виконавця. Вилучені заходи не враховуються. Відсотки округлюються до "
            "0,1 (половина — вгору).</p>",
        ),
        (
            "Дві дати",
            "<p>Кожна цифра має дві дати: «станом на» — день, який описують цифри (кінець "
            "кварталу або дата збірки), і «оновлено» — день, коли сайт зібрано.</p>",
        ),
        (
            "Своєчасність звітування",
            f"<p>Головний виконавець звітує про кожен захід за кожен квартал, у якому захід "
            f"виконується, з {rp.window_start_day} по {rp.window_end_day} число (включно) "
            "місяця, що настає за кварталом. Звіт можна подати раніше.</p>"
            f"<p>Дата подання — {esc(dates)}.</p>"
            "<ul><li><strong>вчасно</strong> — звіт подано не пізніше останнього дня вікна;</li>"
            "<li><strong>із запізненням</strong> — подано після вікна (зазначено, на скільки днів);</li>"
            "<li><strong>не подано</strong> — вікно минуло, звіту немає;</li>"
            "<li><strong>очікується</strong> — вікно ще відкрите.</li></ul>"
            "<p>% звітів, поданих вчасно = вчасно ÷ (вчасно + із запізненням + не подано) × 100.</p>",
        ),
        (
            "Оцінка ОСР",
            "<p>Кожен ОСР має індикатори з вагами («програмне значення частки індикатора»), що "
            "разом становлять 100%. Щороку аналітик оцінює кожен індикатор:</p>"
            "<ul><li><strong>сумарні</strong> субіндикатори — частки досягнутих частин "
            "додаються;</li>"
            "<li><strong>ступені</strong> — зараховується лише найвищий досягнутий ступінь;</li>"
            "<li><strong>вільна оцінка</strong> — бал, який аналітик поставив з обґрунтуванням "
            "(не більше ваги індикатора); так оцінюють і індикатор без "
            "субіндикаторів. Індикатор, про який оцінка нічого не каже, має 0.</li></ul>"
            "<p>Оцінка ОСР = сума балів індикаторів (0–100%), округлена до 0,01.</p>"
            f"<p>Рівень досягнення: <strong>низький</strong> — менше {ua_num(lv.medium_from)}%; "
            f"<strong>середній</strong> — від {ua_num(lv.medium_from)}% до {ua_num(lv.high_from)}%; "
            f"<strong>високий</strong> — від {ua_num(lv.high_from)}%.</p>"
            "<p>Стан порівняно з попереднім роком: <strong>досягнуто</strong> (100%), "
            "<strong>наявний прогрес</strong> (оцінка зросла), <strong>немає прогресу</strong> "
            "(не змінилася), <strong>наявний регрес</strong> (знизилася).</p>"
            "<p>Індикатор досягнуто повністю, якщо його бал дорівнює вазі; частково — якщо бал "
            "більший за нуль; 0% — якщо балів немає.</p>",
        ),
    ]
    out = [front("Методологія"), "# Методологія\n\n"]
    out.append(
        block(
            "<p>Усі цифри сайту обчислено з даних програми (файли YAML у репозиторії) "
            "однаковими правилами, наведеними нижче. Повні дані для перевірки — у розділі "
            f"{a('methodology.md', 'downloads.md', 'Завантажити дані')}.</p>"
        )
    )
    for title, body in sections:
        out.append(f"## {title}\n\n" + block(body))
    if site.snap.notes:
        out.append("## Примітки до цієї збірки\n\n")
        out.append(block("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in site.snap.notes) + "</ul>"))
    return "".join(out)


def about_page(site: Site) -> str:
    """Про ці дані: the programme, its acts, the demo label, how the site is built."""
    p = site.programme
    out = [front("Про ці дані"), "# Про ці дані\n\n"]
    parts = []
    if p.demo:
        parts.append(
            '<div class="admonition warning"><p class="admonition-title">Демонстраційні дані</p>'
            "<p>Програма, заходи, звіти, оцінки й особи на цьому сайті вигадані. Вони мають ту "
            "саму будову, що й справжня програма, і слугують лише для показу роботи системи.</p></div>"
        )
    act = p.act
    act_text = (
        esc(act.title)
        + (f" № {esc(act.number)}" if act.number else "")
        + (f" від {ua_date(act.date)}" if act.date else "")
    )
    if act.url and safe_url(act.url):
        act_text = f'<a href="{esc(act.url)}" rel="noopener noreferrer">{act_text}</a>'
    parts.append(f"<p><strong>Програма:</strong> {esc(p.title)}</p>")
    parts.append(f"<p><strong>Затверджено:</strong> {act_text}</p>")
    parts.append(
        f"<p><strong>Період дії:</strong> {ua_date(p.period.start)} — {ua_date(p.period.end)}</p>"
    )
    if p.amendments:
        parts.append(
            "<p><strong>Зміни:</strong></p><ul>"
            + "".join(
                "<li>"
                + esc(x.title)
                + (f" № {esc(x.number)}" if x.number else "")
                + (f" від {ua_date(x.date)}" if x.date else "")
                + "</li>"
                for x in p.amendments
            )
            + "</ul>"
        )
    data = site.data
    parts.append(
        "<p><strong>У даних:</strong> "
        f"{len(data.measures)} заходів, {len(data.results)} ОСР, {len(data.executors)} "
        f"виконавців, {len(data.reports)} звітів, {len(data.assessments)} висновків аналітиків, "
        f"{len(data.evaluations)} щорічних оцінок ОСР.</p>"
    )
    parts.append(dates_line(site.snap))
    parts.append(
        "<p>Дані зберігаються як файли YAML у репозиторії Git: кожна зміна має дату й автора, "
        "історія відкрита. Сайт зібрано з цих файлів програмою <code>dap</code>"
        + (f" (версія {esc(site.version)})" if site.version else "")
        + ". Сайт не завантажує нічого з інших серверів і не збирає відомостей про відвідувачів.</p>"
        "<p>Контактні дані виконавців (адреси пошти, телефони) не публікуються.</p>"
    )
    out.append(block(*parts))
    return "".join(out)


def downloads_page(site: Site) -> str:
    """Завантажити дані: the page written by opendata.pages.downloads_markdown."""
    return front("Завантажити дані", hide_toc=True) + (site.downloads_md or "# Завантажити дані\n")


def dictionary_page(site: Site) -> str:
    """Словник даних: the page written by opendata.pages.dictionary_markdown."""
    return front("Словник даних") + (site.dictionary_md or "# Словник даних\n")


# ---------------------------------------------------------------- every page

PAGES: dict[str, Callable[[Site], str]] = {
    "index.md": home_page,
    "programme.md": programme_page,
    "directions/index.md": directions_index,
    "results/index.md": results_index,
    "executors/index.md": executors_index,
    "timeliness.md": timeliness_page,
    "notices.md": notices_page,
    "methodology.md": methodology_page,
    "feedback.md": feedback_page,
    "about.md": about_page,
    "downloads.md": downloads_page,
    "dictionary.md": dictionary_page,
    "assets/data/programme.js": programme_data,
}


def banner_meta(site: Site) -> str:
    """Front matter read by overrides/main.html for the banners on every page."""
    return banner_front_matter(site.data, site.snap.computed_on)


def banner_front_matter(data: Dataset, computed_on: dt.date) -> str:
    """Front matter read by overrides/main.html for the banners on every page.

    In each page's front matter rather than in mkdocs.yml, so that any builder that reads
    the same mkdocs.yml (MkDocs, Zensical) shows them.
    """
    extra = site_extra(data, computed_on)
    lines = []
    if extra["dap_demo"]:
        lines.append("dap_demo: true")
    if extra["dap_maintenance"]:
        lines.append("dap_maintenance: " + json.dumps(extra["dap_maintenance"], ensure_ascii=False))
    return "".join(line + "\n" for line in lines)


def render_pages(site: Site) -> dict[str, str]:
    """Every generated page and data file: {docs path: text}."""
    out = {path: make(site) for path, make in PAGES.items()}
    data = site.data
    for sid, section in sorted(data.sections.items(), key=lambda kv: id_sort_key(kv[0])):
        level = "direction" if section.level == m.SectionLevel.DIRECTION else "problem"
        kind = "directions" if level == "direction" else "problems"
        out[page_path(kind, sid)] = section_page(site, sid, level)
    for rid in sorted(data.results, key=id_sort_key):
        out[page_path("results", rid)] = result_page(site, rid)
    for eid in sorted(data.executors, key=id_sort_key):
        out[page_path("executors", eid)] = executor_page(site, eid)
    for mid in sorted(data.measures, key=id_sort_key):
        out[page_path("measures", mid)] = measure_page(site, mid)
    meta = banner_meta(site)
    if meta:
        for path, text in out.items():
            if path.endswith(".md") and text.startswith("---\n"):
                out[path] = "---\n" + meta + text[4:]
    return out
