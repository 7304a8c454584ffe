"""The internal build's data, gathered in memory: every table of NACP's own view (timeliness,
letters, workload, assignments, rosters, audit) before anything is written."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .. import compute as c
from .. import models as m
from ..assignments import assessed_reports, assigned_analyst, groups_table, unassigned_table
from ..errors import DataError, Problem
from ..git.history import History, read_authors, read_history
from ..load import Dataset
from ..quarters import monitoring_deadline
from ..validate import check_people, validate
from ..versions import dataset_as_of
from ..wording import TIMELINESS_LABELS, UK, ua_date, uk_sort_key
from ..workflow.audit import STEP_NAMES, Step, audit_trails
from ..workflow.signatures import ssh_keys

MARK = ".dap-internal"
PUBLIC_MARK = ".dap-build"  # site.reuse.OUTPUT_MARK: a folder `dap build` made for the public site

Table = tuple[list[str], list[list[object]]]  # header, rows


@dataclass
class Internal:
    """Everything the internal build shows, computed before anything is written."""

    data: Dataset
    as_of: dt.date
    computed_on: dt.date
    snapshot: c.Snapshot
    notes: tuple[str, ...]
    tables: dict[str, Table] = field(default_factory=dict)
    letters: list[dict[str, object]] = field(default_factory=list)
    rosters: list[dict[str, object]] = field(default_factory=list)
    audits: dict[str, list[Step]] = field(default_factory=dict)
    letter_period: str | None = None


# ---------------------------------------------------------------- gather


def executor_name(data: Dataset, key: str) -> str:
    """The short name of an executor (or its id when unknown)."""
    ex = data.executors.get(key)
    return (ex.short_name or ex.name) if ex else key


def timeliness_table(data: Dataset, snap: c.Snapshot) -> Table:
    """Due reports counted by executor and quarter: on time, late, missing, pending, % on time."""
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for d in snap.due:
        counts[(d.executor, d.period)][d.state] += 1
    header = [
        "Виконавець",
        "Квартал",
        "Вчасно",
        "Із запізненням",
        "Не подано",
        "Строк триває",
        "% вчасно",
    ]
    rows: list[list[object]] = []
    for (ex, period), n in sorted(
        counts.items(), key=lambda kv: (uk_sort_key(executor_name(data, kv[0][0])), kv[0][1])
    ):
        closed = n["on_time"] + n["late"] + n["missing"]
        rows.append(
            [
                executor_name(data, ex),
                period,
                n["on_time"],
                n["late"],
                n["missing"],
                n["pending"],
                c.pct(n["on_time"], closed),
            ]
        )
    return header, rows


def overdue_table(data: Dataset, snap: c.Snapshot) -> Table:
    """Every due report that is missing or was late, oldest first."""
    header = [
        "Виконавець",
        "Захід",
        "Назва заходу",
        "Квартал",
        "Стан",
        "Вікно звітування до",
        "Подано",
        "Днів запізнення",
    ]
    rows: list[list[object]] = []
    for d in sorted(snap.due, key=lambda d: (d.period, c.id_sort_key(d.measure))):
        if d.state not in ("missing", "late"):
            continue
        ms = data.measures.get(d.measure)
        rows.append(
            [
                executor_name(data, d.executor),
                d.measure,
                ms.title if ms else "",
                d.period,
                TIMELINESS_LABELS[d.state],
                d.window_end,
                d.submitted or "",
                d.days_late or "",
            ]
        )
    return header, rows


def _contacts(ex: m.Executor, role: m.ExecutorRole, on: dt.date) -> list[m.Person]:
    return [p for p in ex.people if role in p.roles and p.active_on(on)]


def letters(data: Dataset, snap: c.Snapshot) -> tuple[str | None, list[dict[str, object]]]:
    """For the latest quarter whose reporting window has closed: each executor that failed to
    report or was late, with its head and coordinator (the addressees) and the reports owed."""
    closed = sorted({d.period for d in snap.due if d.window_end < snap.as_of})
    if not closed:
        return None, []
    period = closed[-1]
    owed: dict[str, list[c.DueReport]] = defaultdict(list)
    for d in snap.due:
        if (d.period == period and d.state in ("missing", "late")) or (
            d.period < period and d.state == "missing"
        ):
            owed[d.executor].append(d)
    out: list[dict[str, object]] = []
    for ex_id in sorted(owed, key=lambda e: uk_sort_key(executor_name(data, e))):
        ex = data.executors.get(ex_id)
        heads = _contacts(ex, m.ExecutorRole.HEAD, snap.as_of) if ex else []
        coords = _contacts(ex, m.ExecutorRole.COORDINATOR, snap.as_of) if ex else []
        items = sorted(owed[ex_id], key=lambda d: (d.period, c.id_sort_key(d.measure)))
        out.append(
            {
                "executor": ex_id,
                "name": ex.name if ex else ex_id,
                "heads": heads,
                "coordinators": coords,
                "items": items,
                "text": letter_text(data, ex_id, heads, items, period, snap.as_of),
            }
        )
    return period, out


def letter_text(
    data: Dataset,
    ex_id: str,
    heads: list[m.Person],
    items: list[c.DueReport],
    period: str,
    as_of: dt.date,
) -> str:
    """A draft of NACP's letter to one executor (plain text, for the analyst to edit)."""
    to = heads[0].name if heads else "керівнику"
    lines = [
        f"Шановний(а) {to}!",
        "",
        f"За результатами моніторингу станом на {ua_date(as_of)} {executor_name(data, ex_id)} "
        f"не подано або подано із порушенням строку повідомлення про виконання заходів "
        f"Державної антикорупційної програми (звітний період {period} та попередні):",
    ]
    for d in items:
        state = (
            "не подано" if d.state == "missing" else f"подано із запізненням на {d.days_late} дн."
        )
        lines.append(f"  – захід {d.measure}, {d.period}: {state}")
    lines += [
        "",
        "Просимо забезпечити подання повідомлень у строк з 1 по 15 число місяця, що настає за "
        "звітним кварталом.",
    ]
    return "\n".join(lines)


def workload_tables(data: Dataset, snap: c.Snapshot) -> tuple[Table, Table]:
    """Each analyst's assessments and evaluations by quarter/year, and the reports awaiting
    assessment (with the analyst who last assessed the measure, when there is one)."""
    done: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    last_by_measure: dict[str, tuple[dt.date, str]] = {}
    for a in data.assessments.values():
        if a.date > snap.as_of:
            continue
        done[(a.analyst, a.period)]["assessments"] += 1
        if a.measure not in last_by_measure or last_by_measure[a.measure][0] < a.date:
            last_by_measure[a.measure] = (a.date, a.analyst)
    for ev in data.evaluations.values():
        if ev.date <= snap.as_of:
            done[(ev.analyst, str(ev.year))]["evaluations"] += 1
    names = {p.id: p.name for p in data.staff}
    header = ["Аналітик", "Період", "Висновків", "Оцінок ОСР"]
    rows: list[list[object]] = [
        [names.get(a, a), period, n["assessments"], n["evaluations"]]
        for (a, period), n in sorted(
            done.items(), key=lambda kv: (uk_sort_key(names.get(kv[0][0], kv[0][0])), kv[0][1])
        )
    ]
    covered = assessed_reports(data)
    submitted = {d.report: d.submitted for d in snap.due if d.report}
    pending_header = [
        "Звіт",
        "Виконавець",
        "Подано",
        "Аналіз до",
        "Прострочено",
        "Аналітик (за розподілом, інакше автор останнього висновку)",
    ]
    pending: list[list[object]] = []
    for key in sorted(
        data.reports, key=lambda k: (k.split("/")[0], c.id_sort_key(k.split("/")[1]))
    ):
        r = data.reports[key]
        day = submitted.get(key) or r.submitted or r.approved_on
        if key in covered or day is None or day > snap.as_of:
            continue
        deadline = monitoring_deadline(r.period)
        last = last_by_measure.get(r.measure)
        assigned = assigned_analyst(data, r.measure, snap.as_of)
        analyst = assigned.id if assigned else last[1] if last else None
        pending.append(
            [
                key,
                executor_name(data, r.executor),
                day,
                deadline,
                "так" if deadline < snap.as_of else "",
                names.get(analyst, analyst) if analyst else "не призначено",
            ]
        )
    return (header, rows), (pending_header, pending)


def roster_views(data: Dataset, as_of: dt.date) -> list[dict[str, object]]:
    """Each roster (NACP staff, each executor) with its people and the III.15 problems found."""
    problems = list(check_people(data))
    mode = data.programme.reporting.require_signatures if data.programme else "warn"
    views: list[dict[str, object]] = []
    rosters: list[tuple[str, str, list[m.Person]]] = [
        (data.source("staff", "staff").path, "НАЗК", data.staff)
    ]
    rosters += [
        (data.source("executors", k).path, ex.name, ex.people)
        for k, ex in sorted(data.executors.items(), key=lambda kv: uk_sort_key(kv[1].name))
    ]
    for path, title, people in rosters:
        found: list[Problem] = [p for p in problems if p.file == path]
        notes: list[str] = []
        for p in people:
            active = p.until is None or p.until >= as_of
            if active and not p.github:
                notes.append(f"{p.id}: немає логіна GitHub — не може подавати зміни")
            if active and mode == "enforce" and not p.signing_keys:
                notes.append(f"{p.id}: не зареєстровано ключ підпису (II.3)")
        views.append(
            {
                "title": title,
                "path": path,
                "people": [
                    [
                        p.id,
                        p.name,
                        ", ".join(p.roles),
                        p.github or "",
                        f"{len(p.signing_keys)} ({len(ssh_keys(p))} SSH)" if p.signing_keys else "",
                        p.since or "",
                        p.until or "",
                        p.until_reason or "",
                        "так" if p.until is None or p.until >= as_of else "ні",
                    ]
                    for p in people
                ],
                "problems": [str(p) for p in found],
                "notes": notes,
            }
        )
    return views


ROSTER_HEADER = [
    "Id",
    "Ім'я",
    "Ролі",
    "GitHub",
    "Ключі підпису",
    "З",
    "До",
    "Підстава деактивації",
    "Активний",
]
AUDIT_HEADER = [
    "Захід",
    "Запис",
    "Крок",
    "Хто",
    "Id / автор",
    "Дата",
    "Коміт",
    "E-mail",
    "Джерело",
    "Запит на злиття",
    "Примітка",
]


def gather(
    data_dir: Path, as_of: dt.date | None = None, computed_on: dt.date | None = None
) -> Internal:
    """Validate, read the history, compute and make every table (no writing)."""
    data, problems = validate(data_dir, str(data_dir))
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)
    computed_on = computed_on or dt.date.today()
    as_of = as_of or computed_on
    data = dataset_as_of(data, as_of)  # each measure as in force on `as_of`
    history: History = read_authors(read_history(data_dir))  # authors: who prepared each report
    snap = c.snapshot(data, history, as_of, computed_on)
    result = Internal(data, as_of, computed_on, snap, tuple(n.text(UK) for n in snap.notes))
    result.tables["timeliness"] = timeliness_table(data, snap)
    result.tables["overdue"] = overdue_table(data, snap)
    result.letter_period, result.letters = letters(data, snap)
    letter_rows: list[list[object]] = []
    for letter in result.letters:
        heads = "; ".join(p.name for p in letter["heads"])  # type: ignore[attr-defined]
        coords = "; ".join(p.name for p in letter["coordinators"])  # type: ignore[attr-defined]
        for d in letter["items"]:  # type: ignore[attr-defined]
            letter_rows.append(
                [
                    letter["name"],
                    heads,
                    coords,
                    d.measure,
                    d.period,
                    TIMELINESS_LABELS[d.state],
                    d.days_late or "",
                ]
            )
    result.tables["letters"] = (
        [
            "Виконавець",
            "Керівник",
            "Координатор впровадження",
            "Захід",
            "Квартал",
            "Стан",
            "Днів запізнення",
        ],
        letter_rows,
    )
    result.tables["workload"], result.tables["awaiting"] = workload_tables(data, snap)
    awaiting = [str(row[0]).split("/", 1)[1].split("@")[0] for row in result.tables["awaiting"][1]]
    result.tables["groups"] = groups_table(data, as_of, awaiting)
    result.tables["unassigned"] = unassigned_table(data, as_of)
    result.rosters = roster_views(data, as_of)
    result.tables["rosters"] = (
        ["Список", *ROSTER_HEADER],
        [[r["title"], *row] for r in result.rosters for row in r["people"]],  # type: ignore[attr-defined]
    )
    audit_rows: list[list[object]] = []
    trails = audit_trails(data, history)
    for mid in sorted(data.measures, key=c.id_sort_key):
        steps = trails[mid]
        result.audits[mid] = steps
        for s in steps:
            audit_rows.append(
                [
                    mid,
                    s.record,
                    STEP_NAMES[s.step],
                    s.name,
                    s.person,
                    s.date or "",
                    s.commit[:10],
                    s.email,
                    s.source,
                    s.pull_request or "",
                    s.note,
                ]
            )
    result.tables["audit"] = (AUDIT_HEADER, audit_rows)
    return result
