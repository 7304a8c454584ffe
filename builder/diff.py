"""`dap diff BASE HEAD`: what a change does to the monitoring picture, for a reviewer.

The data at each commit is read from Git objects in memory (`git.load.load_at`, through the cache of
parsed blobs), its history with one `git log` pass, and both are computed with `compute.snapshot` as of the SAME date (the
head commit's day, unless given), so every move shown comes from the change, not the clock:
amendments of measures the change records, measures whose status or label moved, reports that
arrived (on time or late) or were updated,
due reports whose timeliness moved, aggregates and ОСР scores that moved. Labels are Ukrainian:
the output is read in pull requests by executors and analysts.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import compute as c
from . import models as m
from .cache import read_result, write_result
from .compute_change import snapshot_after
from .git.history import History, first_parent_since, read_history
from .git.load import load_at, load_changed
from .git.repo import commit_day, data_prefix, repo_root, resolve
from .i18n import language
from .load import Dataset, record_path
from .scores import round_score
from .versions import measure_as_of, texts
from .wording import LEVEL_LABELS, TIMELINESS_LABELS, UK, amendment_summary, ua_date
from .workflow.approval import submission

MAX_LISTED = 30
MAX_COMMENT = 60000  # GitHub refuses comments over 65,536 characters


@dataclass(frozen=True)
class StatusMove:
    """A measure whose status or monitoring-result label differs between the two commits."""

    measure: str
    title: str
    before: m.Status | None
    after: m.Status | None
    label_before: m.ResultLabel | None
    label_after: m.ResultLabel | None
    assessment: str | None  # the assessment behind the new status


@dataclass(frozen=True)
class ReportMove:
    """A report file that arrived or was updated, with its timeliness at head."""

    key: str
    measure: str
    executor: str
    period: str
    change: str  # "arrived" | "updated"
    state: str  # compute's timeliness state, or "" when no report was due for the period
    days_late: int
    # not yet approved (in `git` mode: the change brings it, no merge has recorded it): the
    # last day an approval is on time, from the same rule the build applies
    approve_by: dt.date | None = None


@dataclass(frozen=True)
class DueMove:
    """A due report (measure, period) whose timeliness state moved."""

    measure: str
    executor: str
    period: str
    before: str
    after: str


@dataclass(frozen=True)
class AggregateMove:
    """One aggregate (programme, direction, problem, ОСР, executor) that moved."""

    level: str
    key: str
    name: str
    before: c.Aggregate | None
    after: c.Aggregate | None


@dataclass(frozen=True)
class ScoreMove:
    """One ОСР score of a year that moved."""

    result: str
    year: int
    name: str
    before: c.ResultScore | None
    after: c.ResultScore | None


@dataclass(frozen=True)
class AmendmentMove:
    """An amendment of a measure that the change adds to the data (or takes out of it)."""

    measure: str
    date: dt.date
    act: str
    summary: str  # what it changes, in words: «строк, виконавці»
    change: str  # "added" | "dropped"


@dataclass
class StatusDiff:
    """Everything that moved between two commits, as of one date."""

    base: str
    head: str
    as_of: dt.date
    statuses: list[StatusMove] = field(default_factory=list)
    reports: list[ReportMove] = field(default_factory=list)
    due: list[DueMove] = field(default_factory=list)
    aggregates: list[AggregateMove] = field(default_factory=list)
    scores: list[ScoreMove] = field(default_factory=list)
    amendments: list[AmendmentMove] = field(default_factory=list)
    overdue: list[c.DueReport] = field(default_factory=list)  # missing or late at head
    notes: tuple[str, ...] = ()

    def empty(self) -> bool:
        """True when nothing moved."""
        return not (
            self.statuses
            or self.reports
            or self.due
            or self.aggregates
            or self.scores
            or self.amendments
        )


def _group_name(data: Dataset, level: str, key: str) -> str:
    if level == "programme" and data.programme:
        return data.programme.short_title or data.programme.title
    if level in ("direction", "problem") and key in data.sections:
        return f"{key} {data.sections[key].title}"
    if level == "result" and key in data.results:
        return f"{key} {data.results[key].title}"
    if level == "executor" and key in data.executors:
        ex = data.executors[key]
        return ex.short_name or ex.name
    return key


def _aggregate_moved(a: c.Aggregate | None, b: c.Aggregate | None) -> bool:
    if a is None or b is None:
        return a is not b
    fields = ("total", "due", "done", "partly", "on_time", "late", "missing", "overdue")
    return (
        a.counts != b.counts
        or a.pct_done != b.pct_done
        or a.pct_done_due != b.pct_done_due
        or a.pct_on_time != b.pct_on_time
        or any(getattr(a, f) != getattr(b, f) for f in fields)
    )


def diff_snapshots(
    base: Dataset,
    head: Dataset,
    before: c.Snapshot,
    after: c.Snapshot,
    base_ref: str,
    head_ref: str,
    pending: frozenset[str] = frozenset(),
) -> StatusDiff:
    """The moves between two snapshots of the same date (pure); `pending`: the keys of the
    head's reports that no approval has submitted yet (see `awaiting_approval`)."""
    notes = tuple(note.text(UK) for note in after.notes)  # the comment is in Ukrainian
    out = StatusDiff(base_ref, head_ref, after.as_of, notes=notes)
    out.amendments = amendment_moves(base, head)
    # Each list keeps only what moved, then sorts that (few), not every id (tens of thousands).
    moved = [
        mid
        for mid in before.measures.keys() | after.measures.keys()
        for a, b in [(before.measures.get(mid), after.measures.get(mid))]
        if (a and a.status, a and a.label) != (b and b.status, b and b.label)
    ]
    for mid in sorted(moved, key=c.id_sort_key):
        a, b = before.measures.get(mid), after.measures.get(mid)
        measure = head.measures.get(mid) or base.measures.get(mid)
        out.statuses.append(
            StatusMove(
                mid,
                measure_as_of(measure, after.as_of).title if measure else mid,
                a.status if a else None,
                b.status if b else None,
                a.label if a else None,
                b.label if b else None,
                b.assessment if b else None,
            )
        )
    due_after = {(d.measure, d.period): d for d in after.due}
    due_before = {(d.measure, d.period): d for d in before.due}
    changed = [
        key
        for key, rep in head.reports.items()
        for was in [base.reports.get(key)]
        if was is None or (was is not rep and was != rep)  # the same record object: unchanged
    ]
    for key in sorted(changed, key=lambda k: (k.split("/")[0], c.id_sort_key(k))):
        rep = head.reports[key]
        d = due_after.get((rep.measure, rep.period))
        state, late = (d.state, d.days_late) if d and d.report == key else ("", 0)
        approve_by = d.window_end if d and d.report == key and key in pending else None
        out.reports.append(
            ReportMove(
                key,
                rep.measure,
                rep.executor,
                rep.period,
                "updated" if key in base.reports else "arrived",
                state,
                late,
                approve_by,
            )
        )
    due_moved = [
        pair
        for pair in due_after.keys() | due_before.keys()
        for a_due, b_due in [(due_before.get(pair), due_after.get(pair))]
        if (a_due.state if a_due else "") != (b_due.state if b_due else "")
    ]
    for pair in sorted(due_moved, key=lambda p: (p[1], c.id_sort_key(p[0]))):
        a_due, b_due = due_before.get(pair), due_after.get(pair)
        sa, sb = (a_due.state if a_due else ""), (b_due.state if b_due else "")
        ex = (b_due or a_due).executor  # type: ignore[union-attr]
        out.due.append(DueMove(pair[0], ex, pair[1], sa, sb))
    for group in [*after.aggregates, *(g for g in before.aggregates if g not in after.aggregates)]:
        a_agg, b_agg = before.aggregates.get(group), after.aggregates.get(group)
        if _aggregate_moved(a_agg, b_agg):
            name = _group_name(head if b_agg else base, *group)
            out.aggregates.append(AggregateMove(group[0], group[1], name, a_agg, b_agg))
    scores_moved = [
        skey
        for skey in before.scores.keys() | after.scores.keys()
        for s_a, s_b in [(before.scores.get(skey), after.scores.get(skey))]
        if s_a is None
        or s_b is None
        or (s_a.score, s_a.level, s_a.state) != (s_b.score, s_b.level, s_b.state)
    ]
    for skey in sorted(scores_moved, key=lambda k: (c.id_sort_key(k[0]), k[1])):
        s_a, s_b = before.scores.get(skey), after.scores.get(skey)
        result = head.results.get(skey[0]) or base.results.get(skey[0])
        out.scores.append(
            ScoreMove(skey[0], skey[1], result.title if result else skey[0], s_a, s_b)
        )
    out.overdue = [
        d for d in after.due if d.state in ("missing", "late") and d.window_end < after.as_of
    ]
    return out


def amendment_moves(base: Dataset, head: Dataset) -> list[AmendmentMove]:
    """The amendments of measures at head that base did not have, and those base had that head
    no longer has, in measure order then date order."""
    moves: list[AmendmentMove] = []
    old_texts, new_texts = texts(base), texts(head)
    # a measure whose record the change left as it was (the same object: records are frozen)
    # has no move: only the others are looked at and sorted (a few, not every measure)
    touched = [
        mid
        for mid in old_texts.keys() | new_texts.keys()
        if old_texts.get(mid) is not new_texts.get(mid)
    ]
    for mid in sorted(touched, key=c.id_sort_key):
        was = old_texts.get(mid)
        now = new_texts.get(mid)
        before = list(was.amendments) if was else []
        after = list(now.amendments) if now else []
        for change, ams, other in (("added", after, before), ("dropped", before, after)):
            for am in ams:
                if am not in other:
                    summary = amendment_summary(am)
                    moves.append(AmendmentMove(mid, am.date, am.act, summary, change))
    moves.sort(key=lambda x: (c.id_sort_key(x.measure), x.date))
    return moves


def run_diff(
    repo: Path, data_dir: Path, base_ref: str, head_ref: str, as_of: dt.date | None = None
) -> StatusDiff:
    """Load the data at both commits, compute both as of one date, and compare."""
    root = repo_root(repo)
    prefix = data_prefix(root, data_dir if data_dir.is_absolute() else repo / data_dir)
    base_sha, head_sha = resolve(root, base_ref), resolve(root, head_ref)
    day = as_of or commit_day(root, head_sha)
    base, _ = load_at(root, base_sha, prefix)
    head = load_changed(root, base, base_sha, head_sha, prefix)  # only what the change touched
    # The base's snapshot depends only on its commit, the date, the language and the code: a
    # pull request compared again with the same base reuses it (cache.read_result).
    key = f"diff-base|{base_sha}|{prefix}|{os.getcwd()}|{day}|{language()}"
    before = read_result(root, key)
    if not isinstance(before, c.Snapshot):
        before = c.snapshot(base, read_history(root, base_sha), day, day)
        write_result(root, key, before)
    head_history = read_history(root, head_sha)
    # From the base's for the measures the change touches, where that is the same snapshot
    # (builder/compute_change.py); else in full.
    new_commits = first_parent_since(root, base_sha, head_sha)
    after = snapshot_after(base, head, before, head_history, new_commits, prefix, day)
    if after is None:
        after = c.snapshot(head, head_history, day, day)
    pending = awaiting_approval(base, head, head_history)
    return diff_snapshots(base, head, before, after, base_ref, head_ref, pending)


def awaiting_approval(base: Dataset, head: Dataset, history: History) -> frozenset[str]:
    """The reports the change brings or updates that no approval has submitted yet: in `git`
    mode, those whose file did not reach the head by a merge (a pull request's own commits).
    The build dates them by the approval its merge will record, so the comment predicts from
    the day of approval, not from the commit's."""
    programme = head.programme
    if programme is None or programme.reporting.submission_dates != "git":
        return frozenset()
    waiting = set()
    for key, rep in head.reports.items():
        was = base.reports.get(key)
        if was is rep or (was is not None and was == rep):  # the same object: unchanged
            continue
        found = submission(head, history, record_path(head, "reports", key), rep)
        recorded = history.recorded(found.merged) if found is not None else None
        if recorded is None or not recorded.merge:
            waiting.add(key)
    return frozenset(waiting)


# ---------------------------------------------------------------- output


def _pct(value: float) -> str:
    return f"{value:g}%"


def _move(a: float | None, b: float | None) -> str:
    if a is None and b is None:
        return "—"
    if a is None:
        return f"— → {_pct(b or 0)}"
    if b is None:
        return f"{_pct(a)} → —"
    if a == b:
        return _pct(b)
    delta = round_score(b - a)
    return f"{_pct(a)} → {_pct(b)} ({'+' if delta > 0 else ''}{delta:g})"


def _esc(text: str) -> str:
    """Text from data, safe inside a Markdown table cell (no HTML, no table breaks)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\n", " ")
    )


def _short(text: str, n: int = 80) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _report_state(r: ReportMove, as_of: dt.date) -> str:
    if not r.state:
        return "не очікувався на цю дату"
    if r.approve_by is not None:  # not yet approved: the approval's day will count
        if as_of <= r.approve_by:
            return f"буде вчасно, якщо схвалити до {ua_date(r.approve_by)} включно"
        late = (as_of - r.approve_by).days
        return (
            f"із запізненням: строк подання минув {ua_date(r.approve_by)} "
            f"({late} дн., якщо схвалити {ua_date(as_of)})"
        )
    text = TIMELINESS_LABELS.get(r.state, r.state)
    return f"{text} ({r.days_late} дн.)" if r.state == "late" and r.days_late else text


def _rows(d: StatusDiff) -> dict[str, list[list[str]]]:
    """Every table of the diff as rows of plain cells (shared by text and Markdown)."""
    tables: dict[str, list[list[str]]] = {}
    tables["statuses"] = [
        [
            s.measure,
            _short(s.title),
            str(s.before or "—"),
            str(s.after or "—"),
            str(s.label_after or "—"),
            s.assessment or "—",
        ]
        for s in d.statuses
    ]
    tables["reports"] = [
        [
            r.key,
            r.executor,
            "надійшов" if r.change == "arrived" else "оновлено",
            _report_state(r, d.as_of),
        ]
        for r in d.reports
    ]
    tables["due"] = [
        [
            x.measure,
            x.period,
            x.executor,
            TIMELINESS_LABELS.get(x.before, "не очікувався"),
            TIMELINESS_LABELS.get(x.after, "більше не очікується"),
        ]
        for x in d.due
    ]
    tables["aggregates"] = [
        [
            LEVEL_LABELS.get(a.level, a.level),
            _short(a.name, 60),
            _move(a.before.pct_done if a.before else None, a.after.pct_done if a.after else None),
            _move(
                a.before.pct_done_due if a.before else None,
                a.after.pct_done_due if a.after else None,
            ),
            _move(
                a.before.pct_on_time if a.before else None,
                a.after.pct_on_time if a.after else None,
            ),
            f"{(a.before.done + a.before.partly) if a.before else 0}/{a.before.total if a.before else 0}"
            f" → {(a.after.done + a.after.partly) if a.after else 0}/{a.after.total if a.after else 0}",
        ]
        for a in d.aggregates
    ]
    tables["scores"] = [
        [
            f"{s.result} ({s.year})",
            _short(s.name, 60),
            _move(s.before.score if s.before else None, s.after.score if s.after else None),
            f"{s.before.level if s.before else '—'} → {s.after.level if s.after else '—'}",
            s.after.state or "—" if s.after else "—",
        ]
        for s in d.scores
    ]
    tables["amendments"] = [
        [
            a.measure,
            ua_date(a.date),
            _short(a.act, 60),
            a.summary,
            "нова зміна" if a.change == "added" else "запис про зміну прибрано",
        ]
        for a in d.amendments
    ]
    tables["overdue"] = [
        [x.measure, x.period, x.executor, TIMELINESS_LABELS[x.state], str(x.days_late or "")]
        for x in d.overdue
    ]
    return tables


HEADERS = {
    "amendments": (
        "Зміни до заходів програми",
        ["Захід", "Набирає чинності", "Акт", "Що змінено", "Запис"],
    ),
    "statuses": (
        "Зміни статусів заходів",
        ["Захід", "Назва", "Було", "Стало", "Результат моніторингу", "Висновок"],
    ),
    "reports": ("Звіти, що надійшли або оновлені", ["Звіт", "Виконавець", "Зміна", "Своєчасність"]),
    "due": ("Зміни своєчасності звітування", ["Захід", "Квартал", "Виконавець", "Було", "Стало"]),
    "aggregates": (
        "Зведені показники",
        [
            "Рівень",
            "Назва",
            "% виконання",
            "% серед заходів зі строком",
            "% звітів вчасно",
            "виконано/усього",
        ],
    ),
    "scores": ("Оцінки ОСР", ["ОСР (рік)", "Назва", "Оцінка", "Рівень", "Стан"]),
    "overdue": (
        "Прострочені звіти станом на дату (після змін)",
        ["Захід", "Квартал", "Виконавець", "Стан", "Днів запізнення"],
    ),
}


# What the diff says when the change moves no figure (the text and the Markdown alike).
NO_EFFECT = "Зміна не впливає на статуси, звіти, зведені показники чи оцінки ОСР."


def _shown(d: StatusDiff) -> Iterator[tuple[str, str, list[str], list[list[str]]]]:
    """The diff's tables that have rows, in `HEADERS`' order: (name, title, header, rows)."""
    tables = _rows(d)
    for name, (title, header) in HEADERS.items():
        if tables[name]:
            yield name, title, header, tables[name]


def diff_markdown(d: StatusDiff, limit: int = 300, max_chars: int = MAX_COMMENT) -> str:
    """The diff as Markdown for a pull-request comment and the job summary.

    Long tables are folded; when the text would pass GitHub's comment limit, each table keeps
    fewer rows (halving down to 10) and says how many more there are.
    """
    while True:
        text = _markdown(d, limit)
        if len(text) <= max_chars or limit <= 10:
            return text
        limit //= 2


def _markdown(d: StatusDiff, limit: int) -> str:
    lines = [
        "<!-- dap diff -->",
        "### Зміни статусів (dap diff)",
        "",
        f"`{_esc(d.base)}` → `{_esc(d.head)}`, станом на {ua_date(d.as_of)}.",
        "",
    ]
    if d.empty():
        lines.append(NO_EFFECT)
    for name, title, header, rows in _shown(d):
        folded = name == "overdue" or len(rows) > MAX_LISTED
        lines.append(
            f"<details><summary>{title}: {len(rows)}</summary>\n" if folded else f"#### {title}\n"
        )
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for row in rows[:limit]:
            lines.append("| " + " | ".join(_esc(cell) for cell in row) + " |")
        if len(rows) > limit:
            lines.append(f"\n… і ще {len(rows) - limit}: повний перелік — `dap diff` локально.")
        lines.append("\n</details>\n" if folded else "")
    for note in d.notes:
        lines.append(f"> {_esc(note)}")
    return "\n".join(lines).rstrip() + "\n"


def diff_text(d: StatusDiff) -> str:
    """The diff as plain text for a terminal."""
    lines = [f"dap diff {d.base} → {d.head}, станом на {ua_date(d.as_of)}"]
    if d.empty():
        lines.append(NO_EFFECT)
    for name, title, header, rows in _shown(d):
        lines += ["", f"{title} ({len(rows)}):"]
        more = len(rows) - MAX_LISTED if name == "overdue" else 0
        rows = rows[:MAX_LISTED] if more > 0 else rows
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            lines.append(
                "  "
                + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
        if more > 0:
            lines.append(f"  … і ще {more} (усі: dap status --as-of {d.as_of}).")
    for note in d.notes:
        lines += ["", note]
    return "\n".join(lines) + "\n"
