"""The measure page and the blocks it shares: feedback, Git history, report timeliness."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from .. import models as m
from ..compute import DueReport, id_sort_key
from ..load import record_path
from ..versions import in_order, texts, versions
from ..wording import TIMELINESS, amendment_summary, period_label, ua_date
from ..workflow.approval import pull_request_url
from .context import (
    Site,
    executor_name,
    page_path,
)
from .forms import measure_controls, report_form_href
from .markup import (
    a,
    block,
    chart,
    esc,
    safe_url,
    templates,
    text_html,
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
    """Захід: every field, status and label, timeline, reports, sources, amendments, feedback.

    The page is templates/measure.md.jinja; this gathers what it shows.
    """
    data = site.data
    ms = data.measures[mid]  # the version in force on the site's date
    text = texts(data)[mid]  # the original text with its amendments
    keys = sorted(site.assessments_of.get(mid, []), key=lambda k: (data.assessments[k].date, k))
    assessments = [data.assessments[k] for k in keys]
    report_keys = sorted(
        site.reports_of.get(mid, []), key=lambda k: (id_sort_key(data.reports[k].period), k)
    )
    return (
        templates()
        .get_template("measure.md.jinja")
        .render(
            site=site,
            data=data,
            ms=ms,
            src=page_path("measures", mid),
            snap=site.snap,
            state=site.snap.measures.get(mid),
            number=ms.number or mid,
            direction=site.direction_of.get(ms.section),
            problem=site.problem_of.get(mid),
            assessments=assessments,
            due=sorted(site.due_of.get(("measure", mid), []), key=lambda x: id_sort_key(x.period)),
            reports=[(k, data.reports[k]) for k in report_keys],
            sources=[(x, s) for x in assessments for s in x.sources],
            amended=amendment_notices(site, text),
            versions=version_rows(site, text) if text.amendments else [],
            feedback=Markup(feedback_section(site, ("measure", mid))),
            history=Markup(history_line(site, "measures", mid)),
            controls=Markup(measure_controls(site, mid)),
            report_form=Markup(report_form_href(site, mid)),
            timeliness_text=timeliness_text,
            report_steps=lambda key: Markup(report_steps(site, mid, key)),
            report_anchor=report_anchor,
        )
    )


def report_anchor(key: str) -> str:
    """The id of a report's block on its measure page (search links to it):
    2024-Q1/1.2.3 → звіт-2024-q1, a correction 2024-Q1/1.2.3@2 → звіт-2024-q1-2."""
    period = key.split("/", 1)[0].lower()
    return "звіт-" + period + ("-" + key.split("@", 1)[1] if "@" in key else "")


# What the public page calls each step of a report (II.5); analysts and the people who merge
# are never named (the body is NACP), an executor's people only where `publish.people` allows.
PUBLIC_STEPS = {
    "prepared": "підготовлено",
    "approved": "схвалено й подано до НАЗК",
    "submitted-recorded": "подано до НАЗК",
    "submitted": "внесено до репозиторію",
    "corrected": "виправлення внесено до репозиторію",
    "amended": "змінено",
    "assessed": "оцінено аналітиком НАЗК",
    "assessment-merged": "висновок внесено до репозиторію",
    "assessment-amended": "висновок змінено",
}


def report_steps(site: Site, mid: str, key: str) -> str:
    """The steps of one report and of the assessment of its period (who and when, II.5), and
    the link to its pull request (`repository_url`/pull/N, recorded by the merge)."""
    wanted = {f"reports/{key}", f"assessments/{key.split('@', 1)[0]}"}
    items, pull = [], None
    for s in site.steps_of.get(mid, []):
        if s.record not in wanted or s.step not in PUBLIC_STEPS:
            continue
        if s.step == "approved" and s.source != "git" and s.date is None:
            continue  # nothing recorded: the steps that follow say when
        pull = pull or s.pull_request
        who = ""
        if s.executor:
            who = site.names.get(s.person) or executor_name(site, s.executor)
        text = "схвалено" if s.step == "approved" and s.source != "git" else PUBLIC_STEPS[s.step]
        text += f" {ua_date(s.date)}" if s.date else ""
        if s.date and s.step in ("approved", "submitted-recorded") and s.source != "git":
            text += " (за даними звіту, не перевірено)"
        items.append(f"<li>{esc(text)}{' — ' + esc(who) if who else ''}</li>")
    if not items:
        return ""
    link = ""
    url = pull_request_url(site.programme, pull)
    if url and safe_url(url):
        link = (
            f'<p>Обговорення звіту: <a href="{esc(url)}" rel="noopener noreferrer">'
            f"запит на злиття #{pull}</a></p>"
        )
    return f'<ul class="dap-steps">{"".join(items)}</ul>{link}'


def amendment_notices(site: Site, text: m.Measure) -> list[str]:
    """One line per amendment (escaped HTML): «18.06.2024 — змінено постановою …: строк»; the
    measures that took a removed one's place are links; planned ones say when they apply."""
    src = page_path("measures", text.id)
    lines = []
    for am in in_order(text.amendments):
        words = esc(amendment_summary(am))
        for mid in am.successors():
            if mid in site.data.measures:
                link = a(src, page_path("measures", mid), mid)
                words = words.replace(esc(mid), link, 1)
        when = (
            f"з {ua_date(am.date)} набирає чинності"
            if am.date > site.snap.as_of
            else f"з {ua_date(am.date)} змінено"
        )
        note = f" {esc(am.note)}." if am.note else ""
        lines.append(f"{when} ({esc(am.act)}): {words}.{note}")
    return lines


def version_rows(site: Site, text: m.Measure) -> list[list[str]]:
    """The versions of a measure as table rows (escaped HTML): when each was in force, what it
    changed, and its title, deadline and executors («без змін» where the previous one holds)."""

    def executors(ms: m.Measure) -> str:
        links = [ms.main_executor, *ms.co_executors]
        return "; ".join(
            executor_name(site, x.executor) + (" (за згодою)" if x.by_agreement else "")
            for x in links
        )

    rows: list[list[str]] = []
    previous: m.Measure | None = None
    for v in versions(text):
        ms = v.measure
        if v.since is None:
            span = f"до {ua_date(v.until)}" if v.until else "увесь час"
        else:
            span = f"{ua_date(v.since)} – {ua_date(v.until) if v.until else 'досі'}"
        what = "; ".join(amendment_summary(am) for am in v.amendments) or "первинна редакція"
        if not v.in_force:
            what += " (ще не в програмі)"

        def cell(now: str, before: str | None) -> str:
            return esc(now) if before is None or now != before else "без змін"

        rows.append(
            [
                str(v.number),
                span,
                esc(what),
                cell(ms.title, previous.title if previous else None),
                cell(ms.deadline.text, previous.deadline.text if previous else None),
                cell(executors(ms), executors(previous) if previous else None),
            ]
        )
        previous = ms
    return rows


def history_line(site: Site, kind: str, key: str) -> str:
    """When this record was first published and last updated, from Git (dates and a link to
    the change; no commit ids, names or e-mails on the public page)."""
    history = site.history
    if history is None or not history.available:
        return '<p class="dap-muted">Історія змін недоступна (збірка не з репозиторію Git).</p>'
    path = record_path(site.data, kind, key)
    last = history.last_changed(path)
    first = history.first_added(path)
    if last is None:
        return '<p class="dap-muted">Файл ще не збережено в історії Git.</p>'
    text = "<p>Ці дані на сайті"
    if first is not None and first.day != last.day:
        text += f": уперше опубліковано {ua_date(first.day)}, востаннє оновлено {ua_date(last.day)}"
    else:
        text += f" опубліковано {ua_date(last.day)}"
    repo = site.programme.repository_url
    if repo and safe_url(repo):
        url = f"{repo.rstrip('/')}/commit/{last.commit}"
        text += f' (<a href="{esc(url)}" rel="noopener noreferrer">що змінилося</a>)'
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
