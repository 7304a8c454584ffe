"""The measure page and the blocks it shares: feedback, Git history, report timeliness."""

from __future__ import annotations

from collections.abc import Iterable

from .. import models as m
from ..compute import DueReport, id_sort_key, record_path
from .context import (
    Site,
    executor_name,
    page_path,
    section_title,
)
from .markup import (
    TIMELINESS,
    a,
    block,
    chart,
    dates_line,
    esc,
    front,
    link_html,
    md,
    period_label,
    safe_url,
    short,
    status_mark,
    table,
    text_cell,
    text_html,
    ua_date,
)


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
