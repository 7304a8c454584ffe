"""The executors' pages and the reporting-timeliness page."""

from __future__ import annotations

from ..compute import id_sort_key
from ..wording import period_label, ua_date, ua_pct, uk_count, uk_sort_key
from .asof import asof_line, latest_only, mark, mark_rows, worst_timeliness
from .context import (
    Site,
    executor_name,
    measure_number,
    page_path,
)
from .markup import (
    Cell,
    a,
    block,
    esc,
    figures,
    front,
    md,
    short,
    status_chart,
    table,
)
from .measures import timeliness_block, timeliness_counts
from .rows import Row, link_cell, measure_cell, paged_list, rows_script, status_cell

EXECUTOR_LIMIT = 30  # executors listed on the timeliness page (all are on the executors' page)
MISSING_LIMIT = (
    200  # rows of the "not submitted" list on the timeliness page (all are in the downloads)
)


EXECUTORS_DATA = "assets/data/executors.js"  # the executors index's rows (a paged list)
EXECUTORS_HEAD = [
    "Виконавець",
    "Заходів (головний)",
    "Заходів (співвиконавець)",
    "% виконання",
    "Прострочено",
    "Звітів вчасно",
    "Звітів не подано",
]


def executors_index(site: Site) -> str:
    """Виконавці: each executor with its measures and reporting timeliness, as a sortable paged
    list (its rows grow with the executors: issue 22's page budget)."""
    src = "executors/index.md"
    return (
        front("Виконавці", hide_toc=True)
        + "# Виконавці\n\n"
        + block(
            asof_line(site, src),
            # a paged list from data: at a past date it is hidden with a note (its rows do not
            # yet follow the date; the figures of each executor's page do)
            latest_only(
                paged_list(
                    src,
                    EXECUTORS_DATA,
                    "executors",
                    "Виконавці",
                    EXECUTORS_HEAD,
                    len(site.data.executors),
                    sortable=True,
                    numeric=(1, 2, 3, 4, 5, 6),
                )
            ),
        )
    )


def executors_data(site: Site) -> str:
    """The data script of the executors index: one row per executor, by name."""
    rows: list[Row] = []
    for eid in sorted(site.data.executors, key=lambda e: uk_sort_key(executor_name(site, e, True))):
        agg = site.snap.aggregates.get(("executor", eid))
        rows.append(
            [
                link_cell("executors", eid, executor_name(site, eid, True)),
                str(agg.total if agg else 0),
                str(agg.co_total if agg else 0),
                ua_pct(agg.pct_done) if agg else "—",
                str(agg.overdue if agg else 0),
                ua_pct(agg.pct_on_time) if agg and agg.reports_due else "—",
                str(agg.missing if agg else 0),
            ]
        )
    return rows_script({"executors": rows})


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
    key = f"executor:{eid}"
    out.append(block(*intro, asof_line(site, src), mark(figures(agg), key)))
    out.append(
        "## Заходи за статусами (як головний виконавець)\n\n" + block(mark(status_chart(agg), key))
    )
    out.append("## Своєчасність звітування\n\n")
    dues = [
        d
        for d in site.due_of.get(("executor", eid), [])
        if not site.snap.measures[d.measure].removed
    ]
    out.append(block(mark(timeliness_block(dues, "Звіти за кварталами"), eid, "c")))
    # The lists that grow with the executor's measures are paged lists with their rows as
    # data (site/rows.py): the page stays within the budget however many measures it has.
    # They show the latest state (hidden with a note at a past date).
    lists = executor_lists(site, eid)
    data = executor_data_path(eid)
    if lists["missing"]:
        out.append("### Звіти, не подані або подані із запізненням\n\n")
        out.append(
            block(
                latest_only(
                    paged_list(
                        src,
                        data,
                        f"{eid}/missing",
                        "Звіти, не подані або подані із запізненням",
                        ["Квартал", "Захід", "Стан", "Запізнення, днів", "Подано"],
                        len(lists["missing"]),
                    )
                )
            )
        )
    out.append(
        "## Заходи, де виконавець головний\n\n"
        + block(
            latest_only(
                paged_list(
                    src,
                    data,
                    f"{eid}/main",
                    "Заходи, де виконавець головний",
                    ["№", "Захід", "Строк", "Статус", "Результат моніторингу"],
                    len(lists["main"]),
                )
            )
        )
    )
    if lists["co"]:
        out.append(
            "## Заходи, де виконавець — співвиконавець\n\n"
            + block(
                latest_only(
                    paged_list(
                        src,
                        data,
                        f"{eid}/co",
                        "Заходи, де виконавець — співвиконавець",
                        [
                            "№",
                            "Захід",
                            "Головний виконавець",
                            "Строк",
                            "Статус",
                            "Результат моніторингу",
                        ],
                        len(lists["co"]),
                    )
                )
            )
        )
    return "".join(out)


def executor_data_path(eid: str) -> str:
    """The docs path of the data script with an executor page's paged lists."""
    return f"assets/data/executors/{eid}.js"


def executor_data(site: Site, eid: str) -> str:
    """The data script of an executor page's paged lists."""
    return rows_script({f"{eid}/{k}": rows for k, rows in executor_lists(site, eid).items()})


def executor_lists(site: Site, eid: str) -> dict[str, list[Row]]:
    """The rows of an executor's lists: reports not submitted or late (one per report, by
    quarter), measures as main executor, measures as co-executor."""
    snap = site.snap
    dues = [
        d for d in site.due_of.get(("executor", eid), []) if not snap.measures[d.measure].removed
    ]
    missing: list[Row] = []
    for d in sorted(dues, key=lambda d: (id_sort_key(d.period), id_sort_key(d.measure))):
        if d.state not in ("missing", "late"):
            continue
        late = d.state == "late"
        missing.append(
            [
                period_label(d.period),
                measure_cell(d.measure, measure_number(site, d.measure)),
                "подано із запізненням" if late else "не подано",
                str(d.days_late) if late and d.days_late else "",
                ua_date(d.submitted) if late and d.submitted else "",
            ]
        )

    def measure_rows(mids: list[str], executor: bool) -> list[Row]:
        rows: list[Row] = []
        for mid in mids:
            ms = site.data.measures[mid]
            state = snap.measures.get(mid)
            row: Row = [measure_cell(mid, measure_number(site, mid)), short(ms.title)]
            if executor:
                row.append(executor_name(site, ms.main_executor.executor))
            row += [
                ms.deadline.text,
                status_cell(str(state.status), state.overdue) if state else "—",
                str(state.label) if state and state.label else "—",
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
    dues = [d for d in snap.due if not snap.measures[d.measure].removed]
    out = [front("Своєчасність звітування", hide_toc=True), "# Своєчасність звітування\n\n"]
    w = site.programme.reporting
    out.append(
        block(
            asof_line(site, src),
            f"<p>Головний виконавець звітує про кожен захід за кожен квартал з {w.window_start_day} "
            f"по {w.window_end_day} число (включно) місяця, що настає за кварталом. "
            f"Як визначено стан кожного звіту — у {a(src, 'methodology.md', 'методології')}.</p>",
        )
    )
    out.append(
        "## За кварталами\n\n"
        + block(mark(timeliness_block(dues, "Звіти за кварталами"), "programme", "c"))
    )
    out.append("## Виконавці з найменшою часткою вчасних звітів\n\n")
    # Bounded: the page must not grow with the programme. Every executor, sortable, is on the
    # executors' page; each executor's quarters are on its own page; every report in the downloads.
    rows: list[list[Cell]] = []
    ranked = worst_timeliness(site, snap, len(site.data.executors))
    shown = ranked[:EXECUTOR_LIMIT]
    for eid in shown:
        agg = snap.aggregates[("executor", eid)]
        pct = agg.pct_on_time
        name = executor_name(site, eid)
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
            mark_rows(
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
                ("name", "reports_due", "on_time", "late", "missing", "pct_on_time"),
                ["executor:" + eid for eid in shown],
                f"worst-timeliness:{EXECUTOR_LIMIT}",
            ),
            f"<p>Показано {len(rows)} з "
            + uk_count(len(ranked), "виконавця", "виконавців", "виконавців")
            + ". Усі виконавці — у таблиці "
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
                "<div data-latest>",
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
                "</div>",
            )
        )
    return "".join(out)
