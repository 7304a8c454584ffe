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

from markupsafe import Markup

from .. import models as m
from ..compute import STATUSES, DueReport, ResultScore, Snapshot, id_sort_key
from ..quarters import is_quarter_end
from ..wording import uk_sort_key
from .context import Site, executor_name, executor_text, href, page_path, root_of
from .markup import aggregate_table, esc, measures_table, short, t_html
from .measures import TIMELINESS, timeliness_counts

PARAM = "asof"  # the URL parameter: neither Material's `q` nor one of the filter's
FOLDER = "assets/data/asof"
HISTORY = FOLDER + "/programme-history.js"
LABELS: tuple[m.ResultLabel, ...] = tuple(m.ResultLabel)
# A measure's state at a date in one character: status × 4 + due × 2 + overdue; «-» when the
# measure is not in the programme on that date (removed, or not yet added).
STATE_CHARS = "abcdefghijklmnopqrstuvwx"
LABEL_CHARS = "0123456789"


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
    ed = site.ed
    line = (
        '<p class="dap-dates">'
        + t_html(
            ed.t("State as of {as_of}; published {published}."),
            as_of=Markup(f'<span class="dap-asof-date">{ed.date(snap.as_of)}</span>'),
            published=ed.date(snap.computed_on),
        )
        + "</p>"
    )
    indexes = shown_dates(site)
    if len(indexes) < 2:
        return line
    latest = ed.t("{date} — the latest state", date=ed.date(snap.as_of))
    options = [f'<option value="">{esc(latest)}</option>']
    for i in reversed(indexes[:-1]):
        day = site.snapshots[i].as_of
        options.append(
            f'<option value="{day.isoformat()}">{ed.date(day)} ({ed.snapshot(day)})</option>'
        )
    extra = f' data-history="{href(source, HISTORY)}"' if history else ""
    return (
        f'<div id="dap-asof" class="dap-asof" data-search-exclude data-param="{PARAM}" '
        f'data-src="{href(source, data_path(source))}" data-page="{esc(source[:-3])}" '
        f'data-root="{root_of(source)}"{extra}>'
        + line
        + '<p class="dap-asof-pick"><label>'
        + esc(ed.t("Show the state at the end of the quarter:"))
        + f' <select name="{PARAM}">{"".join(options)}</select></label></p>'
        '<p class="dap-asof-past" role="status" hidden></p>'
        '<p class="dap-filter-note dap-asof-note" role="status" hidden></p>'
        "</div>"
    )


# ---------------------------------------------------------------- values per snapshot


# The figures of an aggregate that a mark may show: a figures block shows FIGURES, a status
# chart `counts`, a table row the fields of its table's columns (`data-cols`).
FIGURES = (
    "total",
    "done",
    "partly",
    "pct_done",
    "due",
    "pct_done_due",
    "overdue",
    "reports_due",
    "pct_on_time",
)
AGG_FIELDS = frozenset((*FIGURES, "on_time", "late", "missing", "co_total", "counts", "donepartly"))
DENOMINATOR = {"pct_done": "total", "pct_done_due": "due", "pct_on_time": "reports_due"}

# The marks as `mark()` and `mark_rows()` write them, in the order of the page.
_STATUS_AT = {s: i for i, s in enumerate(STATUSES)}
_LABEL_AT = {label: i for i, label in enumerate(LABELS)}
_MARKS = re.compile(
    r'<table data-cols="(?P<cols>[^"]*)"(?: data-t="(?P<rows>[^"]*)")?'
    r'|<tr data-k="(?P<row>[^"]*)"'
    r'|<div class="dap-figures" data-k="(?P<figures>[^"]*)"'
    r'|<div class="dap-chart-box[^"]*" data-k="(?P<chart>[^"]*)"'
    r'|<div class="dap-chart-box[^"]*" data-c="(?P<timeliness>[^"]*)"'
    r'|<span data-k="score:(?P<score>[^"]*)"'
)


def agg_fields(fields: Iterable[str]) -> set[str]:
    """The aggregate's own fields behind the fields of columns (a share with its denominator)."""
    found: set[str] = set()
    for name in fields:
        name = name.rstrip("?")
        if name == "donepartly":
            found |= {"done", "partly"}
        elif name in AGG_FIELDS:
            found.add(name)
            if name in DENOMINATOR:
                found.add(DENOMINATOR[name])
    return found


def _num(value: float) -> float | int:
    """30.0 as 30: a shorter file, the same number in JavaScript."""
    return int(value) if float(value).is_integer() else value


class Dates:
    """The snapshots a reader may choose, with what several pages read from each, made once."""

    def __init__(self, site: Site):
        self.site = site
        self.snaps = [site.snapshots[i] for i in shown_dates(site)]
        self.words: dict[str, int] = {}  # the levels and states of scores, by their index
        self._scores: list[dict[str, ResultScore]] | None = None
        self._dues: list[dict[str, list[DueReport]]] | None = None
        self._measures: dict[str, list[int]] = {}
        self._aggs: dict[tuple[str, str], list[object]] = {}
        self._tallies: list[dict[str, dict[str, dict[str, int]]]] | None = None

    def word(self, text: str | None) -> int:
        """The index of a score's level or state in the file's `words` (-1 for none)."""
        return self.words.setdefault(text, len(self.words)) if text else -1

    def latest_scores(self, i: int) -> dict[str, ResultScore]:
        """Each ОСР's latest score evaluated by the i-th date."""
        if self._scores is None:
            self._scores = []
            for snap in self.snaps:
                latest: dict[str, ResultScore] = {}
                for (rid, year), score in snap.scores.items():
                    if rid not in latest or year > latest[rid].year:
                        latest[rid] = score
                self._scores.append(latest)
        return self._scores[i]

    def dues(self, i: int, who: str) -> list[DueReport]:
        """The reports owed by the i-th date for measures in the programme: an executor's
        (as its page shows them) or, for `programme`, everyone's."""
        if self._dues is None:
            self._dues = []
            for snap in self.snaps:
                per: dict[str, list[DueReport]] = {"programme": []}
                for d in snap.due:
                    if not snap.measures[d.measure].removed:
                        per["programme"].append(d)
                        per.setdefault(d.executor, []).append(d)
                self._dues.append(per)
        return self._dues[i].get(who, [])

    def agg(self, key: str, name: str) -> list[object]:
        """One field of an aggregate (`level:key`) at every date (zeros for an empty group)."""
        found = self._aggs.get((key, name))
        if found is not None:
            return found
        level, _, ident = key.partition(":")
        values: list[object] = self._aggs.setdefault((key, name), [])
        for snap in self.snaps:
            agg = snap.aggregates.get((level, ident))
            if name == "counts":
                values.append([agg.counts.get(s, 0) if agg else 0 for s in STATUSES])
            else:
                values.append(_num(getattr(agg, name)) if agg else 0)
        return values

    def measure(self, mid: str) -> list[int]:
        """A measure's state at every date, each in one number (see dap-asof.js): 0 when out
        of the programme, else 1 + status × 2 + overdue + (label + 1) × 2 · len(statuses)."""
        found = self._measures.get(mid)
        if found is None:
            found = self._measures[mid] = []
            step = 2 * len(STATUSES)
            for snap in self.snaps:
                state = snap.measures.get(mid)
                if state is None or state.removed:
                    found.append(0)
                    continue
                label = _LABEL_AT[state.label] if state.label else -1
                found.append(1 + _STATUS_AT[state.status] * 2 + state.overdue + (label + 1) * step)
        return found

    def score(self, i: int, rid: str) -> list[float | int] | int:
        """The ОСР's latest score by the i-th date: [score, level, state] (words' indexes)."""
        found = self.latest_scores(i).get(rid)
        if found is None:
            return 0
        ed = self.site.ed
        level = ed.achievement(found.level)
        state = ed.esr_state(found.state) if found.state else None
        return [_num(found.score), self.word(level), self.word(state)]

    def direction_scores(self, i: int, did: str) -> list[float | int]:
        """A direction's ОСР with a score, and their mean score ([0, -1] without any)."""
        latest = self.latest_scores(i)
        found = [
            latest[r].score for r in self.site.results_of.get(("direction", did), []) if r in latest
        ]
        if not found:
            return [0, -1]
        return [len(found), _num(round(sum(found) / len(found), 1))]

    def lowest_results(self, i: int, limit: int) -> list[str]:
        """The ОСР with the lowest latest score by the i-th date (as the ОСР page ranks them)."""
        latest = self.latest_scores(i)
        ranked = sorted((s.score, id_sort_key(rid), rid) for rid, s in latest.items())
        return [rid for _, _, rid in ranked[:limit]]

    def timeliness_chart(self, i: int, who: str) -> list[object]:
        """Reports by quarter and state (the chart of `executors.timeliness_block`):
        [labels, one list of values per state]."""
        if self._tallies is None:
            self._tallies = [{} for _ in self.snaps]
        found = self._tallies[i]
        if who not in found:  # only those a page shows (issue 22: each executor's is a part)
            found[who] = timeliness_counts(self.dues(i, who))
        per = found[who]
        period = self.site.ed.period
        return [[period(p) for p in per], [[per[p][s] for p in per] for s in TIMELINESS]]


def worst_timeliness(site: Site, snap: Snapshot, limit: int) -> list[str]:
    """The executors with the lowest share of reports on time at the snapshot (the ranking of
    the timeliness page)."""
    ranked = sorted(
        (agg.pct_on_time, -agg.missing, uk_sort_key(executor_name(site, eid)), eid)
        for eid in site.data.executors
        if (agg := snap.aggregates.get(("executor", eid))) and agg.reports_due
    )
    return [eid for *_, eid in ranked[:limit]]


# ---------------------------------------------------------------- the data files


def page_data(dates: Dates, source: str, text: str) -> dict[str, object]:
    """Everything page `source` marks, at each date a reader may choose."""
    site = dates.site
    every = range(len(dates.snaps))
    fields: dict[str, set[str]] = {}  # aggregate → the fields the page shows of it
    measures: dict[str, object] = {}
    scores: dict[str, object] = {}
    extra: dict[str, object] = {}
    charts: dict[str, object] = {}
    rows: dict[str, object] = {}
    names: dict[str, object] = {}

    def need(key: str, shown: Iterable[str]) -> None:
        level, _, ident = key.partition(":")
        if level == "measure":
            if ident not in measures:
                measures[ident] = dates.measure(ident)
            return
        fields.setdefault(key, set()).update(agg_fields(shown))
        if level == "result" and ident not in scores:
            scores[ident] = [dates.score(i, ident) for i in every]
        if level == "direction" and {"scored", "mean"} & set(shown) and key not in extra:
            extra[key] = [dates.direction_scores(i, ident) for i in every]

    def name(key: str) -> None:
        level, _, ident = key.partition(":")
        # a name in Ukrainian on another edition ends with "uk" (dap-asof.js marks it)
        if level == "executor":
            text, lang = executor_text(site, ident)
            found = [text, href(source, page_path("executors", ident))]
        elif level == "result":
            r = site.data.results[ident]
            text, lang = site.ed.text(r, "title")
            found = [r.number or ident, href(source, page_path("results", ident)), short(text, 100)]
        else:
            return
        names[key] = found + ([lang] if lang != site.ed.lang else [])

    cols: list[str] = []
    for found in _MARKS.finditer(text):
        group = found.lastgroup
        value = html.unescape(found[group or 0])
        if found["cols"] is not None:
            cols = html.unescape(found["cols"]).split(",")
            ranked = found["rows"] and html.unescape(found["rows"])
            if ranked and ranked not in rows:
                what, _, limit = ranked.partition(":")
                if what == "worst-timeliness":
                    per_date = [
                        ["executor:" + e for e in worst_timeliness(site, s, int(limit))]
                        for s in dates.snaps
                    ]
                else:  # lowest-results
                    per_date = [
                        ["result:" + r for r in dates.lowest_results(i, int(limit))] for i in every
                    ]
                rows[ranked] = per_date
                for key in dict.fromkeys(k for keys in per_date for k in keys):
                    need(key, cols)
                    name(key)
        elif group == "row":
            need(value, cols)
        elif group == "figures":
            need(value, FIGURES)
        elif group == "chart":
            need(value, ("counts",))
        elif group == "timeliness" and value not in charts:
            charts[value] = [dates.timeliness_chart(i, value) for i in every]
        elif group == "score" and value not in scores:
            scores[value] = [dates.score(i, value) for i in every]
    aggs = {key: {f: dates.agg(key, f) for f in sorted(shown)} for key, shown in fields.items()}
    payload: dict[str, object] = {
        "dates": [s.as_of.isoformat() for s in dates.snaps],
        "statuses": [site.ed.status(s) for s in STATUSES],
        "labels": [site.ed.label(label) for label in LABELS],
        "words": list(dates.words),
        "a": aggs,
    }
    parts: dict[str, dict[str, object]] = {
        "m": measures,
        "s": scores,
        "x": extra,
        "c": charts,
        "t": rows,
        "n": names,
    }
    payload.update((key, value) for key, value in parts.items() if value)
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
        "names": [site.ed.snapshot(s.as_of) for s in snaps],
        "labels": [site.ed.label(label) for label in LABELS],
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
    dates = Dates(site)
    for source, text in pages.items():
        if source.endswith(".md") and 'id="dap-asof"' in text:
            out[data_path(source)] = script(source[:-3], page_data(dates, source, text))
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
    site: Site, source: str, mids: list[str], caption: str = "", executor: bool = True
) -> str:
    """`markup.measures_table` with its rows marked: status and monitoring result follow the date."""
    cols = ("", "", "", "", "status", "label") if executor else ("", "", "", "status", "label")
    return mark_rows(
        measures_table(site, source, mids, caption, executor),
        cols,
        ["measure:" + mid for mid in mids],
    )
