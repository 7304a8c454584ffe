"""The internal build as one self-contained page: tables with filters, charts, XLSX downloads."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections import Counter, defaultdict
from typing import Any

from .. import compute as c
from ..opendata import xlsx as workbooks
from ..wording import TIMELINESS_COLORS, TIMELINESS_LABELS, ua_date, uk_sort_key
from ..workflow.audit import STEP_NAMES
from .gather import ROSTER_HEADER, Internal, Table, executor_name

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
