"""The programme as a whole: home, programme table and filter data, directions, problems."""

from __future__ import annotations

import json
from urllib.parse import quote

from .. import models as m
from ..compute import DONE_STATUSES, STATUSES, id_sort_key
from ..opendata.formats import FORMULA_START
from ..wording import STATUS_COLORS, snapshot_label, ua_pct
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
    executor_name,
    href,
    page_path,
    root_of,
    section_title,
)
from .filter_view import first_view
from .markup import (
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
from .results import marked_results_table, results_of_direction


def home_page(site: Site) -> str:
    """Головна: headline figures with two dates, status chart, trend, links."""
    p = site.programme
    snap = site.snap
    agg = snap.aggregates.get(("programme", p.id))
    src = "index.md"
    out = [front("Головна", hide_toc=True), f"# {md(p.short_title or p.title)}\n\n"]
    intro = [f'<p class="dap-lead">{esc(p.title)}</p>', asof_line(site, src)]
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
    key = f"programme:{p.id}"
    out.append(block(*intro, mark(figures(agg), key)))
    out.append("## Заходи за статусами\n\n")
    out.append(block(mark(status_chart(agg), key)))
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
        block(
            marked_aggregate_table(
                site, src, "direction", directions, lambda k: section_title(site, k)
            )
        )
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
            asof_line(site, src, history=True),
            "<p>Усі заходи програми з фільтром за напрямом, проблемою, ОСР, виконавцем, статусом "
            "і строком; посилання на відібраний перелік можна надіслати. Нижче — структура "
            "програми за напрямами з % виконання; проблеми й ОСР — на сторінках напрямів, кожен ОСР "
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
        '<label>Пошук у назві<input type="search" name="text" placeholder="слово або номер"></label>',
        '<label class="dap-check"><input type="checkbox" name="overdue" value="1"> лише прострочені</label>',
        '<label class="dap-check"><input type="checkbox" name="main" value="1"> виконавець лише як головний</label>',
        '<div class="dap-filter-buttons"><button type="reset" class="dap-button">Скинути фільтр</button></div>',
        "</form>",
        # Everything the filter fills in sits in a box at least a screen tall, so that the
        # page below it does not move when the list arrives (layout shift, dap.css).
        '<div class="dap-filter-results">',
        '<p class="dap-filter-note" role="status" hidden></p>',
        '<p class="dap-filter-count" aria-live="polite">Завантаження переліку заходів…</p>',
        '<div class="dap-filter-summary" hidden></div>',
        '<div class="dap-chart dap-filter-chart" role="img" '
        'aria-label="Відібрані заходи за статусами" hidden></div>',
        (
            '<p class="dap-filter-trend-title">% виконання відібраних заходів на кінець кварталу</p>'
            '<div class="dap-chart dap-filter-trend" role="img" '
            'aria-label="% виконання відібраних заходів на кінець кожного кварталу"></div>'
            if len(shown_dates(site)) > 1
            else ""
        ),
        '<p class="dap-filter-download" hidden><a href="#" download="zakhody.csv">'
        "Завантажити ці заходи (CSV)</a></p>",
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
        "</div></section>",
    ]
    # the first view of the filter in the page: nothing to load or build on a plain view
    out.append(block(first_view(site, root_of(src), "\n".join(form), *filter_rows(site))))
    out.append("## Структура програми\n\n")
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
                esc(short(section_title(site, d), 120)),
                str(len(site.sections_of.get(("direction", d), []))),
                str(agg.total if agg else 0),
                ua_pct(agg.pct_done) if agg else "—",
                ua_pct(agg.pct_done_due) if agg and agg.due else "—",
            ]
        )
    out.append(
        block(
            mark_rows(
                table(
                    (
                        "Напрям",
                        "Назва",
                        "Проблем",
                        "Заходів",
                        "% виконання",
                        "% від тих, строк яких настав",
                    ),
                    rows,
                    sortable=False,
                    numeric=(2, 3, 4, 5),
                    search=False,
                    titled=True,
                ),
                ("", "", "", "total", "pct_done", "pct_done_due?"),
                ["direction:" + d for d in directions],
            ),
            "<p>Проблеми й ОСР кожного напряму з % виконання та оцінками — на сторінці напряму; "
            f"усі ОСР — у переліку {a(src, 'results/index.md', 'ОСР')}.</p>",
        )
    )
    return "".join(out)


def filter_row(site: Site, mid: str) -> list[object]:
    """One measure as a row of the filter's data (also for dap-asof.js's earlier dates)."""
    ms = site.data.measures[mid]
    state = site.snap.measures[mid]
    return [
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
        1 if state.due else 0,
    ]


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
    """assets/data/programme.js: the measure list behind the filter (a script, works offline)."""
    data = site.data
    snap = site.snap
    measures, years = filter_rows(site)
    payload = {
        "as_of": snap.as_of.isoformat(),
        "done_statuses": [str(s) for s in STATUSES if s in DONE_STATUSES],
        "csv_protect": "".join(FORMULA_START),
        "status_colors": [STATUS_COLORS[s] for s in STATUSES],
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
        "years": years,
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
            asof_line(site, src),
            marked_aggregate_table(
                site, src, "direction", directions, lambda k: section_title(site, k)
            ),
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
    intro.append(asof_line(site, src))
    key = f"{level}:{sid}"
    out.append(block(*intro, mark(figures(agg), key)))
    out.append("## Заходи за статусами\n\n" + block(mark(status_chart(agg), key)))
    if level == "direction":
        problems = site.sections_of.get(("direction", sid), [])
        out.append("## Проблеми\n\n")
        out.append(
            block(
                marked_aggregate_table(
                    site, src, "problem", problems, lambda k: section_title(site, k)
                ),
                f'<p><a href="{href(src, "programme.md")}?direction={quote(sid, safe="")}">'
                "Усі заходи напряму у фільтрі</a></p>",
            )
        )
    else:
        results = site.results_of.get(("problem", sid), [])
        out.append("## Очікувані стратегічні результати (ОСР)\n\n")
        out.append(
            block(
                marked_aggregate_table(
                    site, src, "result", results, lambda k: site.data.results[k].title
                )
            )
        )
        out.append("## Заходи\n\n")
        out.append(
            block(marked_measures_table(site, src, site.measures_by.get(("problem", sid), [])))
        )
    if level == "direction":
        out.append("## ОСР напряму\n\n")
        out.append(block(marked_results_table(site, src, results_of_direction(site, sid))))
    return "".join(out)
