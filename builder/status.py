"""`dap status`: the analysts' view of the figures as of a date, as text, JSON or CSV.

`status_view()` turns a Snapshot into plain data (the JSON shape); the renderers print it.
Labels a person reads are Ukrainian; JSON/CSV keys are English and stable.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from .compute import (
    STATUSES,
    Aggregate,
    Snapshot,
    missing_reports,
    overdue_measures,
    snapshot,
)
from .errors import ConfigError, DataError
from .git.history import History, read_history
from .i18n import _
from .load import Dataset
from .wording import LEVEL_LABELS, TIMELINESS_LABELS, UK, period_label, ua_date, ua_pct

LEVEL_NAMES = LEVEL_LABELS
STATE_NAMES = TIMELINESS_LABELS
FORMATS = ("text", "json", "csv")


def _name(data: Dataset, level: str, key: str) -> str:
    if level == "executor":
        ex = data.executors.get(key)
        return (ex.short_name or ex.name) if ex else key
    if level == "programme" and data.programme:
        return data.programme.short_title or data.programme.title
    if level in ("direction", "problem"):
        section = data.sections.get(key)
        return section.title if section else key
    if level == "result":
        result = data.results.get(key)
        return result.title if result else key
    return key


def _aggregate(data: Dataset, a: Aggregate) -> dict[str, Any]:
    return {
        "level": a.level,
        "key": a.key,
        "name": _name(data, a.level, a.key),
        "as_of": a.as_of.isoformat(),
        "computed_on": a.computed_on.isoformat(),
        "counts": {str(s): a.counts[s] for s in STATUSES},
        "total": a.total,
        "done": a.done,
        "partly": a.partly,
        "pct_done": a.pct_done,
        "due": a.due,
        "done_due": a.done_due,
        "pct_done_due": a.pct_done_due,
        "overdue": a.overdue,
        "reports_due": a.reports_due,
        "on_time": a.on_time,
        "late": a.late,
        "missing": a.missing,
        "pending": a.pending,
        "pct_on_time": a.pct_on_time,
        "co_total": a.co_total,
        "co_done": a.co_done,
    }


def status_view(data: Dataset, snap: Snapshot, executor: str | None = None) -> dict[str, Any]:
    """The figures of a snapshot as plain data; with `executor`, only that main executor's."""
    programme = data.programme
    mine = (
        {mid for mid, ms in data.measures.items() if ms.main_executor.executor == executor}
        if executor
        else None
    )
    aggregates = [
        _aggregate(data, a)
        for a in snap.aggregates.values()
        if executor is None or (a.level, a.key) == ("executor", executor)
    ]
    overdue = []
    for state in overdue_measures(snap):
        if mine is not None and state.measure not in mine:
            continue
        ms = data.measures[state.measure]
        overdue.append(
            {
                "measure": ms.id,
                "number": ms.number or ms.id,
                "title": ms.title,
                "executor": ms.main_executor.executor,
                "deadline_end": ms.deadline.end.isoformat() if ms.deadline.end else None,
                "deadline_text": ms.deadline.text,
                "status": str(state.status),
                "derived": state.derived,
                "assessment": state.assessment,
            }
        )
    due_rows = [
        {
            "measure": d.measure,
            "executor": d.executor,
            "period": d.period,
            "window_start": d.window_start.isoformat(),
            "window_end": d.window_end.isoformat(),
            "report": d.report,
            "submitted": d.submitted.isoformat() if d.submitted else None,
            "verified": d.verified,
            "date_source": d.date_source,
            "state": d.state,
            "days_late": d.days_late,
        }
        for d in snap.due
        if not snap.measures[d.measure].removed and (mine is None or d.measure in mine)
    ]
    missing = {(d.measure, d.period) for d in missing_reports(snap, mine)}
    measures = [
        {
            "measure": s.measure,
            "status": str(s.status),
            "derived": s.derived,
            "assessment": s.assessment,
            "label": str(s.label) if s.label else None,
            "label_date": s.label_date.isoformat() if s.label_date else None,
            "overdue": s.overdue,
            "started_late": s.started_late,
            "missing_reports": list(s.missing_reports),
            "last_report": s.last_report,
            "removed": s.removed,
            "active": s.active,
        }
        for s in snap.measures.values()
        if mine is None or s.measure in mine
    ]
    scores = []
    if executor is None:
        for (rid, year), rs in snap.scores.items():
            scores.append(
                {
                    "result": rid,
                    "year": year,
                    "evaluation": rs.evaluation,
                    "score": rs.score,
                    "level": rs.level,
                    "state": rs.state,
                    "previous_year": rs.previous_year,
                    "previous_score": rs.previous_score,
                    "fully": rs.fully,
                    "partly": rs.partly,
                    "zero": rs.zero,
                    "indicators": [
                        {
                            "indicator": i.indicator,
                            "weight": i.weight,
                            "score": i.score,
                            "method": i.method,
                            "components": [list(c) for c in i.components],
                        }
                        for i in rs.indicators
                    ],
                }
            )
    return {
        "programme": programme.id if programme else None,
        "title": (programme.short_title or programme.title) if programme else None,
        "as_of": snap.as_of.isoformat(),
        "computed_on": snap.computed_on.isoformat(),
        "executor": executor,
        "notes": [note.text(UK) for note in snap.notes],
        "aggregates": aggregates,
        "overdue": overdue,
        "missing_reports": [r for r in due_rows if (r["measure"], r["period"]) in missing],
        "late_reports": [r for r in due_rows if r["state"] == "late"],
        "due_reports": due_rows,
        "measures": measures,
        "scores": scores,
    }


# ---------------------------------------------------------------- renderers


def _clean(text: str) -> str:
    """Data text made safe for a terminal: no control characters (escape sequences)."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    rows = [[_clean(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        ).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *[line(r) for r in rows]]


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(view: dict[str, Any], with_measures: bool = False) -> str:
    """The view as text tables for people (Ukrainian labels)."""
    out: list[str] = []
    head = f"Стан виконання: {_clean(str(view['title']))}"
    if view["executor"]:
        head += f" — виконавець {view['executor']}"
    out.append(head)
    out.append(
        f"Станом на {ua_date(dt.date.fromisoformat(view['as_of']))} "
        f"(обчислено {ua_date(dt.date.fromisoformat(view['computed_on']))})"
    )
    out += [f"Примітка: {n}" for n in view["notes"]]

    out += ["", "Виконання заходів"]
    headers = ["рівень", "код", "усього", *[str(s) for s in STATUSES]]
    headers += ["% вик. (усі)", "строк настав", "вик. серед них", "% вик. (строк)", "прострочено"]
    rows = []
    for a in view["aggregates"]:
        code = a["key"] if a["level"] != "executor" else f"{a['key']} ({a['name']})"
        rows.append(
            [
                LEVEL_NAMES[a["level"]],
                code,
                str(a["total"]),
                *[str(a["counts"][str(s)]) for s in STATUSES],
                ua_pct(a["pct_done"], a["total"], sign=False),
                str(a["due"]),
                str(a["done_due"]),
                ua_pct(a["pct_done_due"], a["due"], sign=False),
                str(a["overdue"]),
            ]
        )
    out += _table(headers, rows, set(range(2, len(headers))))

    out += ["", "Своєчасність звітування (повідомлення головних виконавців)"]
    headers = ["рівень", "код", "належало", "вчасно", "із запізненням", "відсутні", "% вчасно"]
    headers += ["очікуються"]
    rows = [
        [
            LEVEL_NAMES[a["level"]],
            a["key"] if a["level"] != "executor" else f"{a['key']} ({a['name']})",
            str(a["reports_due"]),
            str(a["on_time"]),
            str(a["late"]),
            str(a["missing"]),
            ua_pct(a["pct_on_time"], a["reports_due"], sign=False),
            str(a["pending"]),
        ]
        for a in view["aggregates"]
    ]
    out += _table(headers, rows, set(range(2, len(headers))))

    if any(a["co_total"] for a in view["aggregates"]):
        out += ["", "Участь як співвиконавець"]
        rows = [
            [f"{a['key']} ({a['name']})", str(a["co_total"]), str(a["co_done"])]
            for a in view["aggregates"]
            if a["level"] == "executor" and a["co_total"]
        ]
        out += _table(["виконавець", "заходів", "виконано (повністю або частково)"], rows, {1, 2})

    out += ["", f"Прострочені заходи: {len(view['overdue'])}"]
    if view["overdue"]:
        rows = [
            [
                o["measure"],
                ua_date(dt.date.fromisoformat(o["deadline_end"])) if o["deadline_end"] else "—",
                o["executor"],
                o["status"] + (" (без висновку)" if o["derived"] else ""),
                _short(o["title"]),
            ]
            for o in view["overdue"]
        ]
        out += _table(["захід", "строк до", "виконавець", "статус", "назва"], rows, set())

    out += ["", f"Відсутні повідомлення: {len(view['missing_reports'])}"]
    if view["missing_reports"]:
        rows = [
            [
                r["measure"],
                r["period"],
                f"{ua_date(dt.date.fromisoformat(r['window_start']))}–"
                f"{ua_date(dt.date.fromisoformat(r['window_end']))}",
                r["executor"],
            ]
            for r in view["missing_reports"]
        ]
        out += _table(["захід", "період", "вікно звітування", "виконавець"], rows, set())

    out += ["", f"Повідомлення із запізненням: {len(view['late_reports'])}"]
    if view["late_reports"]:
        rows = [
            [
                r["measure"],
                r["period"],
                ua_date(dt.date.fromisoformat(r["window_end"])),
                ua_date(dt.date.fromisoformat(r["submitted"])),
                str(r["days_late"]),
                r["executor"],
            ]
            for r in view["late_reports"]
        ]
        out += _table(
            ["захід", "період", "вікно до", "подано", "днів запізнення", "виконавець"],
            rows,
            {4},
        )

    if view["scores"]:
        out += ["", "Оцінка ОСР (щорічна)"]
        rows = [
            [
                s["result"],
                str(s["year"]),
                f"{s['score']:.2f}".replace(".", ","),
                s["level"],
                s["state"] or "—",
                f"{s['fully']}/{s['partly']}/{s['zero']}",
                " + ".join(
                    f"{i['indicator']}: {i['score']:g}".replace(".", ",") for i in s["indicators"]
                ),
            ]
            for s in view["scores"]
        ]
        out += _table(
            ["ОСР", "рік", "бал, %", "рівень", "стан", "повністю/частково/0", "індикатори"],
            rows,
            {2},
        )

    if with_measures:
        out += ["", "Заходи"]
        rows = [
            [
                s["measure"],
                s["status"],
                s["assessment"] or "без висновку",
                "так" if s["overdue"] else "",
                ", ".join(s["missing_reports"]),
                "так" if s["started_late"] else "",
                "вилучено" if s["removed"] else ("" if s["active"] else "не розпочався"),
            ]
            for s in view["measures"]
        ]
        out += _table(
            [
                "захід",
                "статус",
                "висновок",
                "прострочено",
                "відсутні",
                "розпочато пізно",
                "примітка",
            ],
            rows,
            set(),
        )
    out.append("")
    out.append(
        "% вик. — частка заходів, виконаних повністю або частково; округлення до 0,1 "
        "(половина — вгору). Методика: docs/methodology.md"
    )
    return "\n".join(out) + "\n"


def render_json(view: dict[str, Any]) -> str:
    """The view as JSON (UTF-8, stable key order)."""
    return json.dumps(view, ensure_ascii=False, indent=2) + "\n"


CSV_FIELDS = [
    "level",
    "key",
    "name",
    "as_of",
    "computed_on",
    "total",
    *[str(s) for s in STATUSES],
    "done",
    "partly",
    "pct_done",
    "due",
    "done_due",
    "pct_done_due",
    "overdue",
    "reports_due",
    "on_time",
    "late",
    "missing",
    "pending",
    "pct_on_time",
    "co_total",
    "co_done",
]


def render_csv(view: dict[str, Any]) -> str:
    """The aggregates as CSV, one row per group (status counts under their Ukrainian names)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for a in view["aggregates"]:
        row = {k: v for k, v in a.items() if k != "counts"}
        row.update(a["counts"])
        writer.writerow(row)
    return buf.getvalue()


# ---------------------------------------------------------------- the command's one call


def load_history(data: Dataset, data_dir: Path) -> History | None:
    """The Git history, read only when the programme takes submission dates from Git."""
    if data.programme is None or data.programme.reporting.submission_dates != "git":
        return None
    return read_history(data_dir)


def run_status(
    data_dir: Path,
    as_of: dt.date,
    computed_on: dt.date,
    executor: str | None = None,
    fmt: str = "text",
    with_measures: bool = False,
) -> str:
    """Validate the data, compute the snapshot as of `as_of`, and render it."""
    from .validate import validate
    from .versions import dataset_as_of

    if fmt not in FORMATS:
        raise ConfigError(
            _(
                "unknown format '{format}' — use one of: {known}",
                format=fmt,
                known=", ".join(FORMATS),
            )
        )
    data, problems = validate(data_dir, str(data_dir))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataError(problems)
    data = dataset_as_of(data, as_of)  # each measure as the programme said it on `as_of`
    if executor is not None and executor not in data.executors:
        known = ", ".join(sorted(data.executors))
        raise ConfigError(
            _(
                "--executor: no executor '{executor}' in {folder}/executors/ — use one of: {known}",
                executor=executor,
                folder=data_dir,
                known=known,
            )
        )
    snap = snapshot(data, load_history(data, data_dir), as_of, computed_on)
    view = status_view(data, snap, executor)
    if fmt == "json":
        return render_json(view)
    if fmt == "csv":
        return render_csv(view)
    return render_text(view, with_measures)


# ---------------------------------------------------------------- what one person owes


def _due_line(d: Any, data: Dataset) -> str:
    title = data.measures[d.measure].title if d.measure in data.measures else ""
    state = (
        f"не подано (строк минув {ua_date(d.window_end)})"
        if d.state == "missing"
        else f"очікується до {ua_date(d.window_end)}"
    )
    return f"  {d.measure} {_short(title, 50)} — звіт за {period_label(d.period)}: {state}"


def person_view(owed: Any) -> dict[str, Any]:
    """What a person owes as plain data (the JSON shape of `dap status --person`)."""

    def due(d: Any) -> dict[str, Any]:
        return {
            "measure": d.measure,
            "period": d.period,
            "state": d.state,
            "window_end": d.window_end.isoformat(),
        }

    return {
        "person": owed.person.id,
        "name": owed.person.name,
        "roles": [str(r) for r in owed.person.roles],
        "organisation": owed.organisation,
        "measures": list(owed.measures),
        "to_prepare": [due(d) for d in owed.to_prepare],
        "to_approve": [due(d) for d in owed.to_approve],
        "to_assess": list(owed.to_assess),
        "to_assign": [
            {
                "executor": u.executor,
                "measure": u.measure,
                "missing": list(u.missing),
                "since": u.since.isoformat() if u.since else None,
            }
            for u in owed.to_assign
        ],
        "to_group": list(owed.to_group),
    }


def render_person(owed: Any, data: Dataset, as_of: dt.date) -> str:
    """What a person owes, as text for them (Ukrainian)."""
    p = owed.person
    org = data.executors[owed.organisation].name if owed.organisation in data.executors else "НАЗК"
    lines = [f"{p.name} ({p.id}) — {', '.join(p.roles)}, {org}; станом на {ua_date(as_of)}"]
    if not p.active_on(as_of):
        lines.append("Доступу на цю дату немає: нічого не належить.")
    lines.append("Закріплено за особою: " + (", ".join(owed.measures) or "нічого"))
    sections = [
        (
            "Звіти, які треба підготувати (впроваджувач):",
            [_due_line(d, data) for d in owed.to_prepare],
        ),
        (
            "Звіти, які треба погодити й подати (менеджер):",
            [_due_line(d, data) for d in owed.to_approve],
        ),
        ("Звіти, що чекають вашого висновку (аналітик):", [f"  {k}" for k in owed.to_assess]),
        (
            "Заходи, які треба розподілити:",
            [
                f"  {u.measure}: бракує — "
                + ", ".join(
                    {"manager": "менеджера", "implementers": "впроваджувачів"}[w] for w in u.missing
                )
                + (f" (з {ua_date(u.since)})" if u.since else "")
                for u in owed.to_assign
            ],
        ),
        ("Заходи та ОСР без аналітика (розподіліть, III.7):", [f"  {i}" for i in owed.to_group]),
    ]
    shown = [(title, items) for title, items in sections if items]
    for title, items in shown:
        lines += ["", title, *items]
    if not shown:
        lines += ["", "Нічого не належить."]
    return "\n".join(lines) + "\n"


def run_person(data_dir: Path, as_of: dt.date, computed_on: dt.date, person: str, fmt: str) -> str:
    """Validate, compute as of `as_of`, and say what `person` owes (text or JSON)."""
    from .assignments import owed
    from .validate import validate

    if fmt not in ("text", "json"):
        raise ConfigError(_("--person: the format is text or json, not {format}", format=fmt))
    data, problems = validate(data_dir, str(data_dir))
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)
    snap = snapshot(data, load_history(data, data_dir), as_of, computed_on)
    found = owed(data, snap, person)
    if found is None:
        raise ConfigError(
            _(
                "--person: no person '{person}' in the rosters (data/staff.yaml, "
                "data/executors/*.yaml) — use their id",
                person=person,
            )
        )
    if fmt == "json":
        return json.dumps(person_view(found), ensure_ascii=False, indent=2) + "\n"
    return render_person(found, data, as_of)
