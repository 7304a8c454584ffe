"""Any quarter end on the aggregate pages: the «Стан на» control and its small data files.

An aggregate page (home, programme, directions, problems, ОСР, executors, timeliness) carries
the latest figures in its HTML. Each figure that describes a state is marked in the HTML with
what it shows (`mark()`, `mark_rows()`): `data-k="direction:1.1"` on a figures block, a status
chart or a table row, `data-cols` on a table naming the field of each column, `data-c` on a
chart of timeliness by quarter, `data-t` on a table whose rows change with the date,
`data-latest` on a part that shows the latest state only. `asof_files()` reads those marks
back from each page and writes `assets/data/asof/PAGE.js`: the same figures at every quarter
end of the programme (from the build's `compute.Snapshot`s, nothing recomputed), which
site/pages/assets/dap-asof.js loads only when a reader picks another date. The programme
filter gets one more file, every measure's state at every snapshot
(`assets/data/asof/programme-history.js`), for its trend and for the filter at a past date.

Pure: a `Site` and the rendered pages in, `{docs path: text}` out.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable

from .. import models as m
from ..compute import STATUSES, Aggregate, Snapshot, id_sort_key
from ..quarters import is_quarter_end
from ..wording import period_label, snapshot_label, ua_date, uk_sort_key
from .context import Site, executor_name, href, measure_number, page_path, root_of
from .markup import aggregate_table, esc, measures_table, short
from .measures import TIMELINESS, timeliness_counts

PARAM = "asof"  # the URL parameter: neither Material's `q` nor one of the filter's
FOLDER = "assets/data/asof"
HISTORY = FOLDER + "/programme-history.js"
LABELS: tuple[m.ResultLabel, ...] = tuple(m.ResultLabel)
# A measure's state at a date in one character: status × 4 + due × 2 + overdue; «-» when the
# measure is not in the programme on that date (removed, or not yet added).
STATE_CHARS = "abcdefghijklmnopqrstuvwx"
LABEL_CHARS = "0123456789"

_MARK = re.compile(r'data-(k|c|t)="([^"]*)"')


# ---------------------------------------------------------------- which snapshots


def shown_dates(site: Site) -> list[int]:
    """The snapshots a reader may choose: every quarter end before the latest, then the latest."""
    last = len(site.snapshots) - 1
    return [i for i, snap in enumerate(site.snapshots) if i == last or is_quarter_end(snap.as_of)]


def data_path(source: str) -> str:
    """The data file of the page at docs path `source`: index.md → assets/data/asof/index.js."""
    return f"{FOLDER}/{source[:-3]}.js"


# ---------------------------------------------------------------- marks in the pages' HTML


def mark(html_text: str, key: str, kind: str = "k") -> str:
    """The first tag of `html_text` marked with what it shows: `data-k` (an aggregate), or
    `data-c` (a chart of timeliness by quarter: an executor's id, or `programme`)."""
    return re.sub(r"^(<[^>]*)>", lambda g: f'{g[1]} data-{kind}="{esc(key)}">', html_text, count=1)


def mark_rows(table_html: str, cols: Iterable[str], keys: Iterable[str], rows: str = "") -> str:
    """A table made by `markup.table()` with the field of each column (`data-cols`, '' for a
    column that does not change) and each body row's key (`data-k`); `rows` names a table
    whose set of rows changes with the date (`data-t`)."""
    extra = f' data-cols="{esc(",".join(cols))}"' + (f' data-t="{esc(rows)}"' if rows else "")
    head, sep, body = table_html.partition("<tbody>")
    head = head.replace("<table ", "<table" + extra + " ", 1)
    parts = body.split("<tr>")
    out = [parts[0]]
    for key, part in zip(keys, parts[1:], strict=False):
        out.append(f'<tr data-k="{esc(key)}">' + part)
    out += ["<tr>" + p for p in parts[len(out) :]]
    return head + sep + "".join(out)


def latest_only(html_text: str) -> str:
    """A part of a page that shows the latest state only: hidden, with a note, at a past date."""
    return f"<div data-latest>{html_text}</div>"


def asof_line(site: Site, source: str, history: bool = False) -> str:
    """The headline's two dates (the state's and the publication's) and the «Стан на» control."""
    snap = site.snap
    line = (
        f'<p class="dap-dates">Стан на <span class="dap-asof-date">{ua_date(snap.as_of)}</span>; '
        f"опубліковано {ua_date(snap.computed_on)}.</p>"
    )
    indexes = shown_dates(site)
    if len(indexes) < 2:
        return line
    options = [f'<option value="">{ua_date(snap.as_of)} — найновіший стан</option>']
    for i in reversed(indexes[:-1]):
        day = site.snapshots[i].as_of
        options.append(
            f'<option value="{day.isoformat()}">{ua_date(day)} ({snapshot_label(day)})</option>'
        )
    extra = f' data-history="{href(source, HISTORY)}"' if history else ""
    return (
        f'<div id="dap-asof" class="dap-asof" data-search-exclude data-param="{PARAM}" '
        f'data-src="{href(source, data_path(source))}" data-page="{esc(source[:-3])}" '
        f'data-root="{root_of(source)}"{extra}>'
        + line
        + '<p class="dap-asof-pick"><label>Показати стан на кінець кварталу: '
        f'<select name="{PARAM}">{"".join(options)}</select></label></p>'
        '<p class="dap-asof-past" role="status" hidden></p>'
        '<p class="dap-filter-note dap-asof-note" role="status" hidden></p>'
        "</div>"
    )


# ---------------------------------------------------------------- values per snapshot


def agg_values(agg: Aggregate | None) -> list[float] | int:
    """An aggregate as the array dap-asof.js reads (0 for a group with nothing in it)."""
    if agg is None:
        return 0
    return [
        agg.total,
        agg.done,
        agg.partly,
        agg.pct_done,
        agg.due,
        agg.pct_done_due,
        agg.overdue,
        agg.reports_due,
        agg.pct_on_time,
        agg.on_time,
        agg.late,
        agg.missing,
        agg.co_total,
        *(agg.counts.get(s, 0) for s in STATUSES),
    ]


def measure_values(snap: Snapshot, mid: str) -> list[int] | int:
    """A measure's state: [status, overdue, label] by their indexes; 0 when out of the programme."""
    state = snap.measures.get(mid)
    if state is None or state.removed:
        return 0
    label = LABELS.index(state.label) if state.label else -1
    return [STATUSES.index(state.status), int(state.overdue), label]


def latest_score_at(site: Site, snap: Snapshot, rid: str) -> list[object] | int:
    """The ОСР's latest score evaluated by the snapshot's date: [score, level, state]."""
    years = sorted(year for (r, year) in snap.scores if r == rid)
    if not years:
        return 0
    score = snap.scores[(rid, years[-1])]
    return [score.score, score.level, score.state or ""]


def worst_timeliness(site: Site, snap: Snapshot, limit: int) -> list[str]:
    """The executors with the lowest share of reports on time at the snapshot (as the
    timeliness page ranks them)."""
    ranked = sorted(
        (agg.pct_on_time, -agg.missing, uk_sort_key(executor_name(site, eid)), eid)
        for eid in site.data.executors
        if (agg := snap.aggregates.get(("executor", eid))) and agg.reports_due
    )
    return [eid for *_, eid in ranked[:limit]]


def lowest_results(site: Site, snap: Snapshot, limit: int) -> list[str]:
    """The ОСР with the lowest latest score evaluated by the snapshot's date."""
    scores: dict[str, tuple[int, float]] = {}
    for (rid, year), score in snap.scores.items():
        if rid not in scores or year > scores[rid][0]:
            scores[rid] = (year, score.score)
    ranked = sorted((s, id_sort_key(rid), rid) for rid, (_, s) in scores.items())
    return [rid for _, _, rid in ranked[:limit]]


def direction_scores(site: Site, snap: Snapshot, did: str) -> list[float] | int:
    """A direction's ОСР with a score, and their mean score, at the snapshot."""
    found = [
        latest_score_at(site, snap, rid) for rid in site.results_of.get(("direction", did), [])
    ]
    scores = [float(s[0]) for s in found if isinstance(s, list) and isinstance(s[0], int | float)]
    if not scores:
        return [0, -1]
    return [len(scores), round(sum(scores) / len(scores), 1)]


def timeliness_chart(site: Site, snap: Snapshot, who: str) -> list[object]:
    """Reports by quarter and state at the snapshot (the chart of `measures.timeliness_block`):
    [labels, one list of values per state]."""
    dues = [
        d
        for d in snap.due
        if not snap.measures[d.measure].removed and (who == "programme" or d.executor == who)
    ]
    per = timeliness_counts(dues)
    return [[period_label(p) for p in per], [[per[p][s] for p in per] for s in TIMELINESS]]


# ---------------------------------------------------------------- the data files


def page_data(site: Site, source: str, text: str) -> dict[str, object]:
    """Everything page `source` marks, at each date a reader may choose."""
    snaps = [site.snapshots[i] for i in shown_dates(site)]
    aggs: dict[str, object] = {}
    measures: dict[str, object] = {}
    scores: dict[str, object] = {}
    extra: dict[str, object] = {}
    charts: dict[str, object] = {}
    rows: dict[str, object] = {}
    names: dict[str, list[str]] = {}

    def need(key: str) -> None:
        level, _, ident = key.partition(":")
        if level == "measure" and ident not in measures:
            measures[ident] = [measure_values(s, ident) for s in snaps]
        elif level in ("programme", "direction", "problem", "result", "executor"):
            if key not in aggs:
                aggs[key] = [agg_values(s.aggregates.get((level, ident))) for s in snaps]
            if level == "result" and ident not in scores:
                scores[ident] = [latest_score_at(site, s, ident) for s in snaps]
            if level == "direction" and "results/" in source and key not in extra:
                extra[key] = [direction_scores(site, s, ident) for s in snaps]
        elif level == "score" and ident not in scores:
            scores[ident] = [latest_score_at(site, s, ident) for s in snaps]

    def name(key: str) -> None:
        level, _, ident = key.partition(":")
        if level == "executor":
            names[key] = [executor_name(site, ident), href(source, page_path("executors", ident))]
        elif level == "result":
            r = site.data.results[ident]
            names[key] = [
                r.number or ident,
                href(source, page_path("results", ident)),
                short(r.title, 100),
            ]
        elif level == "measure":
            names[key] = [measure_number(site, ident), href(source, page_path("measures", ident))]

    for kind, value in _MARK.findall(text):
        value = html.unescape(value)
        if kind == "k":
            need(value)
        elif kind == "c" and value not in charts:
            charts[value] = [timeliness_chart(site, s, value) for s in snaps]
        elif kind == "t" and value not in rows:
            what, _, limit = value.partition(":")
            if what == "worst-timeliness":
                per_date = [
                    ["executor:" + e for e in worst_timeliness(site, s, int(limit))] for s in snaps
                ]
            else:  # lowest-results
                per_date = [
                    ["result:" + r for r in lowest_results(site, s, int(limit))] for s in snaps
                ]
            rows[value] = per_date
            for keys in per_date:
                for key in keys:
                    need(key)
                    if key not in names:
                        name(key)
    payload: dict[str, object] = {
        "dates": [s.as_of.isoformat() for s in snaps],
        "statuses": [str(s) for s in STATUSES],
        "labels": [str(label) for label in LABELS],
        "a": aggs,
        "m": measures,
        "s": scores,
    }
    for key, value in (("x", extra), ("c", charts), ("t", rows), ("n", names)):
        if value:
            payload[key] = value
    return payload


def script(name: str, payload: object) -> str:
    """A data file as a script (it works opened from disk, where a fetch of JSON does not)."""
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return f"window.DAP_ASOF_DATA=window.DAP_ASOF_DATA||{{}};window.DAP_ASOF_DATA[{json.dumps(name)}]={data};\n"


def history_data(site: Site, filter_row: Callable[[Site, str], list[object]]) -> dict[str, object]:
    """Every measure's state at every snapshot, for the filter's trend and a past date;
    `filter_row` makes the filter's row of a measure out of the programme now."""
    snaps = site.snapshots
    states: dict[str, list[str]] = {}
    extra = []
    listed = {
        mid for mid, s in site.snap.measures.items() if not s.removed and mid in site.data.measures
    }
    for mid in sorted(site.data.measures, key=id_sort_key):
        codes, labels = [], []
        for snap in snaps:
            state = snap.measures.get(mid)
            if state is None or state.removed:
                codes.append("-")
                labels.append("-")
                continue
            value = STATUSES.index(state.status) * 4 + state.due * 2 + state.overdue
            codes.append(STATE_CHARS[value])
            labels.append(LABEL_CHARS[LABELS.index(state.label)] if state.label else "-")
        if all(c == "-" for c in codes):
            continue
        states[mid] = ["".join(codes), "".join(labels)]
        if mid not in listed:  # out of the programme now, in it at an earlier date
            extra.append(filter_row(site, mid))
    return {
        "dates": [s.as_of.isoformat() for s in snaps],
        "names": [snapshot_label(s.as_of) for s in snaps],
        "labels": [str(label) for label in LABELS],
        "states": states,
        "extra": extra,
    }


def asof_files(
    site: Site, pages: dict[str, str], filter_row: Callable[[Site, str], list[object]]
) -> dict[str, str]:
    """The data file of every page that has the «Стан на» control, and the filter's history
    (`filter_row`: the filter's row of a measure, `overview.filter_row`)."""
    if len(shown_dates(site)) < 2:
        return {}
    out: dict[str, str] = {}
    for source, text in pages.items():
        if source.endswith(".md") and 'id="dap-asof"' in text:
            out[data_path(source)] = script(source[:-3], page_data(site, source, text))
    if "programme.md" in pages:
        out[HISTORY] = script("programme-history", history_data(site, filter_row))
    return out


# ---------------------------------------------------------------- marked tables of the pages

AGG_COLS = ("", "", "total", "donepartly", "pct_done", "pct_done_due", "overdue")
RESULT_COLS = ("", "", "total", "pct_done", "score", "level", "state")


def marked_aggregate_table(
    site: Site, source: str, level: str, keys: list[str], title_of: Callable[[str], str]
) -> str:
    """`markup.aggregate_table` with its rows marked for the «Стан на» control."""
    return mark_rows(
        aggregate_table(site, source, level, keys, title_of),
        AGG_COLS,
        [f"{level}:{k}" for k in keys],
    )


def marked_measures_table(
    site: Site, source: str, mids: list[str], caption: str = "Заходи", executor: bool = True
) -> str:
    """`markup.measures_table` with its rows marked: status and monitoring result follow the date."""
    cols = ("", "", "", "", "status", "label") if executor else ("", "", "", "status", "label")
    return mark_rows(
        measures_table(site, source, mids, caption, executor),
        cols,
        ["measure:" + mid for mid in mids],
    )
