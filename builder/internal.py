"""The internal analytics build (`dap build --internal`): NACP's own view, never published.

Gather, then write: the data is validated and computed in memory, the tables are made, and only
then is the folder written (beside the output, then swapped in). One self-contained page
(`index.html` with plotly.js copied from the installed `plotly` package as a local asset, no
CDN) holds: reporting timeliness by executor and quarter as tables and charts with filters;
the lists for NACP's quarterly letters to executors who failed to report or were late; each
analyst's workload; the rosters with the III.15 rules checked; the audit trail of every
measure. Each table is also an XLSX download. Contact data IS shown here: the folder is
git-ignored and must never be copied into the public site.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import compute as c
from . import models as m
from .assignments import assessed_reports, assigned_analyst, groups_table, unassigned_table
from .errors import BuildError, DataError, Problem
from .git import History, read_authors, read_history
from .i18n import _, ngettext
from .load import Dataset
from .opendata import xlsx as workbooks
from .output import Writer, swap
from .quarters import monitoring_deadline
from .validate import check_people, validate
from .versions import dataset_as_of
from .wording import TIMELINESS_COLORS, TIMELINESS_LABELS, ua_date, uk_sort_key
from .workflow.audit import STEP_NAMES, Step, audit_trails
from .workflow.signatures import ssh_keys

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
    result = Internal(data, as_of, computed_on, snap, snap.notes)
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


# ---------------------------------------------------------------- render

TITLES = {
    "timeliness": "Своєчасність звітування за виконавцями та кварталами",
    "overdue": "Неподані та несвоєчасні звіти",
    "letters": "Листи виконавцям",
    "workload": "Навантаження аналітиків",
    "awaiting": "Звіти, що очікують висновку аналітика",
    "groups": "Групи аналітиків (розподіл редактора, III.7–III.8)",
    "unassigned": "Нерозподілені заходи виконавців (III.14)",
    "rosters": "Користувачі та правила III.15",
    "audit": "Журнал дій за заходами",
}
FILTERED = {"timeliness": (0, 1), "overdue": (0, 3), "letters": (0, 4), "awaiting": (1, None)}


def _fmt(value: object) -> str:
    if isinstance(value, dt.date):
        return f"{ua_date(value)}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _cell(value: object) -> workbooks.CellValue:
    """A value as a workbook cell: numbers, dates and booleans as they are, the rest as text."""
    if value is None or isinstance(value, str | int | float):  # bool is an int
        return value  # type: ignore[return-value]
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    return str(value)


def xlsx(table: Table, title: str, stamp: dt.date) -> bytes:
    """One table as an XLSX workbook, through the open data's safe writer (opendata/xlsx.py):
    every text a text cell, never a formula; a bold, frozen, filtered header; dates as dates."""
    header, rows = table
    widths: list[float] = [
        min(60, max([len(name), *(len(_fmt(r[col])) for r in rows[:500])]) + 2)
        for col, name in enumerate(header)
    ]
    cells = ([_cell(v) for v in row] for row in rows)
    sheet = workbooks.Sheet(workbooks.sheet_name(title), header, cells, widths)
    return workbooks.workbook([sheet], title, stamp)


def _table_html(name: str, table: Table) -> str:
    header, rows = table
    cols = FILTERED.get(name)
    out = []
    if cols and rows:
        out.append(f'<div class="filters" data-table="t-{name}">')
        for col in cols:
            if col is None:
                continue
            values = sorted({_fmt(r[col]) for r in rows}, key=uk_sort_key)
            options = "".join(
                f'<option value="{html.escape(v)}">{html.escape(v)}</option>' for v in values
            )
            out.append(
                f'<label>{html.escape(header[col])}: <select data-col="{col}">'
                f'<option value="">усі</option>{options}</select></label>'
            )
        out.append("</div>")
    out.append(f'<table id="t-{name}"><thead><tr>')
    out += [f"<th>{html.escape(h)}</th>" for h in header]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in row) + "</tr>")
    out.append("</tbody></table>")
    if not rows:
        out.append("<p>Немає записів.</p>")
    return "".join(out)


def charts(result: Internal) -> dict[str, Any]:
    """Plotly figures (plain dicts): timeliness by quarter with an executor filter, % on time
    by executor and quarter, and analysts' assessments by quarter."""
    data, snap = result.data, result.snapshot
    periods = sorted({d.period for d in snap.due})
    executors = sorted(
        {d.executor for d in snap.due}, key=lambda e: uk_sort_key(executor_name(data, e))
    )
    counts: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for d in snap.due:
        counts[""][d.period][d.state] += 1
        counts[d.executor][d.period][d.state] += 1
    states = list(TIMELINESS_LABELS)

    def ys(ex: str) -> list[list[int]]:
        return [[counts[ex][p][s] for p in periods] for s in states]

    traces = [
        {
            "type": "bar",
            "name": TIMELINESS_LABELS[s],
            "x": periods,
            "y": y,
            "marker": {"color": TIMELINESS_COLORS[s]},
        }
        for s, y in zip(states, ys(""), strict=True)
    ]
    buttons = [{"label": "Усі виконавці", "method": "restyle", "args": [{"y": ys("")}]}]
    buttons += [
        {"label": executor_name(data, ex), "method": "restyle", "args": [{"y": ys(ex)}]}
        for ex in executors
    ]
    timeliness = {
        "data": traces,
        "layout": {
            "barmode": "stack",
            "title": {"text": "Звіти за кварталами: вчасно, із запізненням, не подано"},
            "xaxis": {"title": {"text": "Звітний квартал"}, "type": "category"},
            "yaxis": {"title": {"text": "Кількість звітів"}},
            "updatemenus": [
                {"buttons": buttons, "x": 0, "xanchor": "left", "y": 1.18, "yanchor": "top"}
            ],
            "margin": {"t": 90},
        },
    }
    z = []
    for ex in executors:
        row: list[float | None] = []
        for p in periods:
            n = counts[ex][p]
            closed = n["on_time"] + n["late"] + n["missing"]
            row.append(c.pct(n["on_time"], closed) if closed else None)
        z.append(row)
    heat = {
        "data": [
            {
                "type": "heatmap",
                "x": periods,
                "y": [executor_name(data, e) for e in executors],
                "z": z,
                "zmin": 0,
                "zmax": 100,
                "colorscale": [[0, "#c62828"], [0.5, "#f9a825"], [1, "#2e7d32"]],
                "colorbar": {"title": {"text": "% вчасно"}},
                "hovertemplate": "%{y}, %{x}: %{z}%<extra></extra>",
            }
        ],
        "layout": {
            "title": {"text": "Частка звітів, поданих вчасно, %"},
            "xaxis": {"type": "category"},
            "margin": {"l": 160},
        },
    }
    names = {p.id: p.name for p in data.staff}
    by_analyst: dict[str, Counter[str]] = defaultdict(Counter)
    for a in data.assessments.values():
        if a.date <= snap.as_of:
            by_analyst[a.analyst][a.period] += 1
    a_periods = sorted({p for n in by_analyst.values() for p in n})
    work = {
        "data": [
            {"type": "bar", "name": names.get(a, a), "x": a_periods, "y": [n[p] for p in a_periods]}
            for a, n in sorted(
                by_analyst.items(), key=lambda kv: uk_sort_key(names.get(kv[0], kv[0]))
            )
        ],
        "layout": {
            "barmode": "group",
            "title": {"text": "Висновки аналітиків за звітними кварталами"},
            "xaxis": {"type": "category"},
        },
    }
    return {"chart-timeliness": timeliness, "chart-heat": heat, "chart-workload": work}


SCRIPT = """
document.querySelectorAll('.filters').forEach(function (box) {
  var table = document.getElementById(box.dataset.table);
  function apply() {
    var wanted = [];
    box.querySelectorAll('select').forEach(function (s) { wanted.push([+s.dataset.col, s.value]); });
    table.querySelectorAll('tbody tr').forEach(function (tr) {
      var show = wanted.every(function (w) { return !w[1] || tr.cells[w[0]].textContent === w[1]; });
      tr.style.display = show ? '' : 'none';
    });
  }
  box.querySelectorAll('select').forEach(function (s) { s.addEventListener('change', apply); });
});
var figures = JSON.parse(document.getElementById('figures').textContent);
Object.keys(figures).forEach(function (id) {
  Plotly.newPlot(id, figures[id].data, figures[id].layout, {responsive: true, displaylogo: false});
});
"""

STYLE = """
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:0 1em 3em;color:#222}
.banner{background:#b71c1c;color:#fff;padding:.6em 1em;font-weight:600}
table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0;position:sticky;top:0}
.filters{margin:.5em 0}.filters label{margin-right:1em}
nav a{margin-right:1em}.chart{height:460px}.problem{color:#b71c1c}.ok{color:#2e7d32}
pre{white-space:pre-wrap;background:#fafafa;border:1px solid #ddd;padding:.5em}
"""


def render_html(result: Internal, downloads: dict[str, str]) -> str:
    """The internal page: every table with filters, the charts, letters, rosters and audits."""
    e = html.escape
    data = result.data
    programme = (data.programme.short_title or data.programme.title) if data.programme else ""
    # No "<" at all inside the script element: neither "</script>" nor "<!--<script>" from data
    # can end it early or keep it open.
    figures = json.dumps(charts(result), ensure_ascii=False).replace("<", "\\u003c")
    parts = [
        "<!doctype html><html lang='uk'><head><meta charset='utf-8'>",
        "<meta name='robots' content='noindex,nofollow'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>Внутрішня аналітика — {e(programme)}</title><style>{STYLE}</style>",
        "<script src='assets/plotly.min.js'></script></head><body>",
        "<div class='banner'>Внутрішня аналітика НАЗК: містить контактні дані. "
        "Не публікувати й не передавати стороннім особам.</div>",
        f"<h1>{e(programme)}: внутрішня аналітика</h1>",
        f"<p>Станом на {ua_date(result.as_of)}; обчислено {ua_date(result.computed_on)}.</p>",
    ]
    parts += [f"<p><em>{e(n)}</em></p>" for n in result.notes]
    parts.append(
        "<nav>" + "".join(f"<a href='#{k}'>{e(v)}</a>" for k, v in TITLES.items()) + "</nav>"
    )

    def section(name: str, body: str) -> None:
        link = downloads.get(name)
        dl = f" <a href='{e(link)}'>завантажити XLSX</a>" if link else ""
        parts.append(f"<h2 id='{name}'>{e(TITLES[name])}</h2><p>{dl}</p>{body}")

    section(
        "timeliness",
        "<div id='chart-timeliness' class='chart'></div><div id='chart-heat' class='chart'></div>"
        + _table_html("timeliness", result.tables["timeliness"]),
    )
    section("overdue", _table_html("overdue", result.tables["overdue"]))
    letters_html = [
        f"<p>Звітний період: {e(result.letter_period or '—')}. Виконавців, яким слід написати: "
        f"{len(result.letters)}.</p>",
        _table_html("letters", result.tables["letters"]),
    ]
    for letter in result.letters:
        letters_html.append(
            f"<details><summary>Проєкт листа: {e(str(letter['name']))}</summary>"
            f"<pre>{e(str(letter['text']))}</pre></details>"
        )
    section("letters", "".join(letters_html))
    section(
        "workload",
        "<div id='chart-workload' class='chart'></div>"
        + _table_html("workload", result.tables["workload"]),
    )
    section("awaiting", _table_html("awaiting", result.tables["awaiting"]))
    section("groups", _table_html("groups", result.tables["groups"]))
    section("unassigned", _table_html("unassigned", result.tables["unassigned"]))
    roster_html = []
    for r in result.rosters:
        problems = r["problems"] or []
        notes = r["notes"] or []
        state = (
            "".join(f"<li class='problem'>{e(str(p))}</li>" for p in problems)  # type: ignore[attr-defined]
            if problems
            else "<li class='ok'>Правила III.15 дотримано.</li>"
        ) + "".join(f"<li>{e(str(n))}</li>" for n in notes)  # type: ignore[attr-defined]
        roster_html.append(
            f"<h3>{e(str(r['title']))}</h3><ul>{state}</ul>"
            + _table_html("roster", (ROSTER_HEADER, r["people"]))  # type: ignore[arg-type]
        )
    section("rosters", "".join(roster_html))
    audit_html = []
    for mid, steps in result.audits.items():
        ms = data.measures[mid]
        rows: list[list[object]] = [
            [
                s.record,
                STEP_NAMES[s.step],
                s.name,
                s.person,
                s.date or "",
                s.commit[:10],
                s.email,
                f"#{s.pull_request}" if s.pull_request else "",
                s.note,
            ]
            for s in steps
        ]
        audit_html.append(
            f"<details><summary>{e(mid)} {e(ms.title[:120])} ({len(steps)})</summary>"
            + _table_html(
                "audit-" + mid,
                (
                    ["Запис", "Крок", "Хто", "Id / автор", "Дата", "Коміт", "E-mail", "PR"]
                    + ["Примітка"],
                    rows,
                ),
            )
            + "</details>"
        )
    section("audit", "".join(audit_html))
    parts.append(f"<script type='application/json' id='figures'>{figures}</script>")
    parts.append(f"<script>{SCRIPT}</script></body></html>")
    return "\n".join(parts)


# ---------------------------------------------------------------- write


def plotly_js() -> Path:
    """plotly.min.js as shipped inside the installed `plotly` package."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise BuildError(
            _(
                "plotly.min.js not found in {folder} — reinstall the plotly package",
                folder=path.parent,
            )
        )
    return path


def check_out(out: Path) -> None:
    """Refuse to replace a folder the internal build did not make."""
    if out.exists() and not out.is_dir():
        raise BuildError(_("{path} is a file — choose another --out", path=out))
    for parent in out.resolve().parents:
        if (parent / PUBLIC_MARK).exists():
            raise BuildError(
                _(
                    "{path} is inside the public site {site}/ — the internal build holds "
                    "contact data and is never published: choose a folder outside it "
                    "(default: internal/)",
                    path=out,
                    site=parent,
                )
            )
    if out.is_dir() and any(out.iterdir()) and not (out / MARK).exists():
        raise BuildError(
            _(
                "{folder}/ exists and was not made by 'dap build --internal' — choose another "
                "--out, or remove the folder yourself",
                folder=out,
            )
        )


def build_internal(
    data_dir: Path, out: Path, as_of: dt.date | None = None, computed_on: dt.date | None = None
) -> tuple[Internal, dict[str, int]]:
    """Gather everything, then write the internal build into `out` (swapped in at the end)."""
    check_out(out)
    result = gather(data_dir, as_of, computed_on)
    downloads = {name: f"{name}.xlsx" for name in TITLES}
    page = render_html(result, downloads)
    files = {
        f"{name}.xlsx": xlsx(result.tables[name], TITLES[name], result.computed_on)
        for name in TITLES
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        writer = Writer(staging)
        writer.write("index.html", page)
        for rel, content in files.items():
            writer.write(rel, content)
        writer.write("assets/plotly.min.js", plotly_js().read_bytes())
        writer.write(MARK, "made by dap build --internal; never publish this folder\n")
        swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result, dict(writer.written)


def summary_lines(result: Internal, written: dict[str, int], out: Path) -> list[str]:
    """What the internal build made, for the command line."""
    size = sum(written.values())
    late = sum(1 for d in result.snapshot.due if d.state == "late")
    missing = sum(1 for d in result.snapshot.due if d.state == "missing")
    return [
        ngettext(
            "Internal analytics written to {folder}/ ({n} file, {size} MB): open "
            "{folder}/index.html in a browser.",
            "Internal analytics written to {folder}/ ({n} files, {size} MB): open "
            "{folder}/index.html in a browser.",
            len(written),
            folder=out,
            size=format(size / 1e6, ".1f"),
        ),
        ngettext(
            "As of {day}: {n} due report, {late} late, {missing} missing; executors to write "
            "to for {period}: {letters}.",
            "As of {day}: {n} due reports, {late} late, {missing} missing; executors to write "
            "to for {period}: {letters}.",
            len(result.snapshot.due),
            day=result.as_of,
            late=late,
            missing=missing,
            period=result.letter_period or "—",
            letters=len(result.letters),
        ),
        _("It holds contact data: never publish this folder."),
    ]
