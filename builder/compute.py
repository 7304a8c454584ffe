"""The monitoring engine: statuses, reporting timeliness, aggregates and ОСР scores as of a date.

Pure computation: models, a History and dates in, frozen values out. No I/O, no clock, no
logging, no mutation of the input. Every rule is explained in docs/methodology.md; the rounding
rule lives in `pct()` and `scores.round_score()` and nowhere else; how one ОСР indicator scores
is in `scores.py`. Each date is computed with every measure as in force on it: an amended
measure has one index per version (`builder/versions.py`).

Speed: the records are indexed by measure once (`Index`, in compute_index.py), then each date is
a pass over the measures with binary searches on their sorted dates, so a history of 13 snapshots
of a national programme (2,000 measures, ~50,000 records) stays well under a second.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from . import models as m
from .compute_index import (
    Index,
    _assessments_by_measure,
    _Dated,
    _dated_reports,
    _measure_index,
    _MeasureIndex,
)
from .git.history import History
from .load import Dataset
from .notes import Note, date_notes
from .quarters import Quarter, programme_quarters, quarter_ends
from .scores import IndicatorResult, indicator_result, level_of, round_score, state_of
from .versions import evaluated_version, texts, versions

STATUSES: tuple[m.Status, ...] = tuple(m.Status)
DONE_STATUSES = frozenset({m.Status.DONE, m.Status.PARTLY_DONE})
LEVELS = ("programme", "direction", "problem", "result", "executor")
TIMELINESS_STATES = ("on_time", "late", "missing", "pending")

_TENTH = Decimal("0.1")


# ---------------------------------------------------------------- rounding (stated once)


@lru_cache(maxsize=65536)
def pct(part: int | float, whole: int | float) -> float:
    """part/whole in %, 1 decimal place, halves rounded up (ROUND_HALF_UP); 0.0 when whole is 0."""
    if not whole:
        return 0.0
    value = Decimal(str(part)) * 100 / Decimal(str(whole))
    return float(value.quantize(_TENTH, rounding=ROUND_HALF_UP))


# ---------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class MeasureState:
    """Where one measure stands as of a date."""

    measure: str
    status: m.Status
    label: m.ResultLabel | None  # latest monitoring-result label
    label_date: dt.date | None
    assessment: str | None  # key in data.assessments ("2024-Q3/1.1.1.2.1") or None
    derived: bool  # True: no assessment yet, status follows deadlines and reports
    overdue: bool  # прострочено: deadline passed and not done (fully or partly)
    missing_reports: tuple[str, ...]  # periods whose due report is missing
    started_late: bool
    removed: bool = False  # removed by an amendment on or before the date: not in aggregates
    active: bool = True  # False: the start is tied to an event that has no date yet
    last_report: str | None = None  # key of the latest report submitted by the date
    due: bool = False  # строк настав: active, deadline end <= the date (the due share's base)


@dataclass(frozen=True, slots=True)
class DueReport:
    """One report owed by a main executor for a measure and quarter."""

    measure: str
    executor: str
    period: str
    window_start: dt.date
    window_end: dt.date
    report: str | None  # key in data.reports, or None
    submitted: dt.date | None
    verified: bool  # True: date from Git history; False: date typed in the file
    state: str  # "on_time" | "late" | "missing" | "pending" (window still open)
    days_late: int
    date_source: str = ""  # "git" | "recorded" (submitted) | "approved_on" | "" (no report)


@dataclass(frozen=True, slots=True)
class Aggregate:
    """Counts and shares for a group of measures (programme, direction, problem, ОСР, executor)."""

    level: str  # "programme" | "direction" | "problem" | "result" | "executor"
    key: str  # programme id, section id, ОСР id or executor id
    as_of: dt.date
    computed_on: dt.date
    counts: dict[m.Status, int]  # every status present, zeros included
    total: int  # all measures in the group (removed ones left out)
    due: int  # measures whose deadline end <= as_of
    done: int
    partly: int
    pct_done: float  # (done+partly)/total*100
    pct_done_due: float  # (done+partly among due)/due*100
    reports_due: int  # due reports whose window has closed or that are in: on_time+late+missing
    on_time: int
    late: int
    missing: int
    pct_on_time: float  # on_time/reports_due*100
    done_due: int = 0  # done+partly among due measures (numerator of pct_done_due)
    pending: int = 0  # due reports whose window is still open and that are not in yet
    overdue: int = 0  # measures прострочено
    co_total: int = 0  # executor level: measures where it is a co-executor (співвиконавець)
    co_done: int = 0  # of those, done fully or partly


@dataclass(frozen=True, slots=True)
class ResultScore:
    """The annual score of one ОСР, its level and its state against the previous evaluation."""

    result: str
    year: int
    evaluation: str  # key in data.evaluations ("2024/1.1.1.4")
    score: float
    level: str  # "низький" | "середній" | "високий"
    state: str | None  # досягнуто | наявний прогрес | немає прогресу | наявний регрес | None
    indicators: tuple[IndicatorResult, ...]
    fully: int
    partly: int
    zero: int
    date: dt.date | None = None  # date of the evaluation
    previous_year: int | None = None
    previous_score: float | None = None


@dataclass(frozen=True)
class Snapshot:
    """Everything computed as of one date."""

    as_of: dt.date
    computed_on: dt.date
    measures: dict[str, MeasureState]
    due: tuple[DueReport, ...]
    aggregates: dict[tuple[str, str], Aggregate]  # (level, key)
    scores: dict[tuple[str, int], ResultScore]  # (ОСР id, year), evaluations dated <= as_of
    notes: tuple[Note, ...] = ()  # how dates were obtained, for people reading the figures


_NUM = re.compile(r"(\d+)")


def id_sort_key(value: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order of ids: 1.2 before 1.10, digits as numbers."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in _NUM.split(value) if part
    )


# ---------------------------------------------------------------- index (built once)


@dataclass(slots=True)
class _Memo:
    """A measure's result for one date and what it depended on: equal keys, equal results."""

    key: int  # how many of the measure's change days fall on or before as_of
    as_of: dt.date
    state: MeasureState
    due: tuple[DueReport, ...]
    settled: int  # the first `settled` due reports can no longer change at a later date
    tally_keys: list[tuple[tuple[str, str], int]]  # (group, signature id) for each group


def build_index(data: Dataset, history: History | None) -> Index:
    """Arrange the data once for any number of snapshots."""
    programme = data.programme
    if programme is None:
        raise ValueError("the data has no programme; validate it first")
    quarters = programme_quarters(programme)
    pid = programme.id

    assessments = _assessments_by_measure(data.assessments.items())
    reports, sources, undated, distrusted = _dated_reports(data, history, data.reports.items())
    written = texts(data)
    measures, later = _index_measures(data, programme, quarters, written, assessments, reports)

    def section_ids(direction: bool) -> list[str]:
        return sorted(
            (
                s.id
                for s in data.sections.values()
                if (s.level == m.SectionLevel.DIRECTION) == direction
            ),
            key=id_sort_key,
        )

    order: list[tuple[str, str]] = [("programme", pid)]
    order += [("direction", s) for s in section_ids(True)]
    order += [("problem", s) for s in section_ids(False)]
    order += [("result", r) for r in sorted(data.results, key=id_sort_key)]
    executors = set(data.executors)
    every = [*measures.values(), *(mi for _, found in later.values() for mi in found)]
    for mi in every:
        executors.add(mi.measure.main_executor.executor)
        executors.update(link.executor for link in mi.measure.co_executors)
    order += [("executor", e) for e in sorted(executors, key=id_sort_key)]
    known = set(order)
    extra = {g for mi in every for g in mi.groups if g not in known}
    order += sorted(extra, key=lambda g: (LEVELS.index(g[0]), id_sort_key(g[1])))

    evaluations: dict[str, list[tuple[int, dt.date, str]]] = {}
    for key, ev in data.evaluations.items():
        if ev.result in data.results:
            evaluations.setdefault(ev.result, []).append((ev.year, ev.date, key))
    for items in evaluations.values():
        items.sort()
    evaluations = {rid: evaluations[rid] for rid in sorted(evaluations, key=id_sort_key)}

    notes = date_notes(programme, history, sources, undated, len(distrusted))
    return Index(
        data,
        programme,
        quarters,
        measures,
        order,
        evaluations,
        notes,
        later=later,
        dated=reports,
        distrusted=tuple(distrusted),
    )


def _index_measures(
    data: Dataset,
    programme: m.Programme,
    quarters: list[Quarter],
    written: dict[str, m.Measure],
    assessments: dict[str, list[tuple[dt.date, str, m.Assessment]]],
    reports: dict[str, list[_Dated]],
) -> tuple[dict[str, _MeasureIndex], dict[str, tuple[list[dt.date], list[_MeasureIndex]]]]:
    """The index of each measure of `written` (in id order) and of its later versions."""
    q_pos = {q.period: i for i, q in enumerate(quarters)}
    measures: dict[str, _MeasureIndex] = {}
    later: dict[str, tuple[list[dt.date], list[_MeasureIndex]]] = {}
    for mid in sorted(written, key=id_sort_key):
        text = written[mid]
        own = sorted(
            assessments.get(mid, []),
            key=lambda t: (t[0], q_pos.get(t[2].period, -1), t[2].period, t[1]),
        )
        dated = sorted(reports.get(mid, []), key=lambda d: (d.day, d.period, d.key))
        # One index per version of the measure: each date is computed with the version in
        # force on it (builder/versions.py); an unamended measure has one.
        found = [
            _measure_index(data, programme, quarters, text, v, own, dated) for v in versions(text)
        ]
        measures[mid] = found[0]
        if len(found) > 1:
            later[mid] = ([mi.since for mi in found[1:] if mi.since is not None], found[1:])
    return measures, later


# ---------------------------------------------------------------- one measure


def _due_reports(
    mi: _MeasureIndex, as_of: dt.date, keep: tuple[DueReport, ...] = ()
) -> tuple[tuple[DueReport, ...], int]:
    """The reports owed by `as_of` (quarters whose window has opened) and how many lead settled.

    `keep`: due reports already settled at an earlier date (on time, late, or missing with no
    report at all); they are reused as they are.
    """
    found = list(keep)
    settled = -1
    for owed in mi.owed[len(keep) :]:
        q = owed.quarter
        if q.window_start > as_of:
            break
        rep = owed.report
        if rep is not None and rep.day <= as_of:
            state = "late" if rep.day > q.window_end else "on_time"
        else:
            state = "pending" if as_of <= q.window_end else "missing"
        due = owed.versions.get(state)
        if due is None:
            shown = rep if state in ("on_time", "late") else None
            due = DueReport(
                mi.measure.id,
                owed.executor or mi.measure.main_executor.executor,
                q.period,
                q.window_start,
                q.window_end,
                shown.key if shown else None,
                shown.day if shown else None,
                shown.verified if shown else False,
                state,
                max(0, (shown.day - q.window_end).days) if shown else 0,
                shown.source if shown else "",
            )
            owed.versions[state] = due
        unsettled = state == "pending" or (state == "missing" and rep is not None)
        if unsettled and settled < 0:
            settled = len(found)
        found.append(due)
    return tuple(found), (len(found) if settled < 0 else settled)


def _measure_state(
    index: Index,
    mi: _MeasureIndex,
    as_of: dt.date,
    due: tuple[DueReport, ...],
    i: int,
    n_reports: int,
) -> MeasureState:
    """The state from the first `i` assessments and `n_reports` reports (those dated <= as_of)."""
    ms = mi.measure
    last_report = mi.reports[n_reports - 1].key if n_reports else None
    if i:
        day, key, a = mi.assessments[i - 1]
        status, label, label_date, assessment, derived = a.status, a.label, day, key, False
    else:
        status = m.Status.IN_PROGRESS if n_reports else m.Status.NOT_STARTED
        label, label_date, assessment, derived = None, None, None, True
    active = mi.start is not None
    # Out of the programme on the date (removed, or not yet added): counted nowhere, never late.
    removed = (ms.removed is not None and ms.removed <= as_of) or not mi.in_programme
    overdue = active and mi.end is not None and mi.end < as_of and status not in DONE_STATUSES
    overdue = overdue and not removed
    started_late = mi.late_label_day is not None and mi.late_label_day <= as_of
    if not started_late and n_reports and mi.quarters:
        first_window_end = index.quarters[mi.quarters[0]].window_end
        started_late = mi.report_days[0] > first_window_end
    missing = tuple(d.period for d in due if d.state == "missing")
    is_due = active and mi.end is not None and mi.end <= as_of
    return MeasureState(
        ms.id,
        status,
        label,
        label_date,
        assessment,
        derived,
        overdue,
        missing,
        started_late,
        removed,
        active,
        last_report,
        is_due,
    )


# ---------------------------------------------------------------- ОСР scores


def _indicators(index: Index, key: str) -> tuple[IndicatorResult, ...]:
    found = index.indicator_cache.get(key)
    if found is None:
        ev = index.data.evaluations[key]
        result = evaluated_version(index.data.results[ev.result], ev.year)  # its indicators then
        given: dict[str, m.IndicatorScore] = {}
        for s in ev.indicators:
            given.setdefault(s.indicator, s)
        found = tuple(indicator_result(ind, given.get(ind.id)) for ind in result.indicators)
        index.indicator_cache[key] = found
    return found


def _result_score(index: Index, key: str, previous: str | None) -> ResultScore:
    cached = index.score_cache.get((key, previous))
    if cached is not None:
        return cached
    ev = index.data.evaluations[key]
    parts = _indicators(index, key)
    score = round_score(sum(p.score for p in parts))
    prev_score: float | None = None
    prev_year: int | None = None
    if previous is not None:
        prev_score = _result_score(index, previous, None).score
        prev_year = index.data.evaluations[previous].year
    fully = sum(p.fully for p in parts)
    zero = sum(p.zero and not p.fully for p in parts)
    rs = ResultScore(
        ev.result,
        ev.year,
        key,
        score,
        level_of(score, index.programme.levels),
        state_of(score, prev_score),
        parts,
        fully,
        len(parts) - fully - zero,
        zero,
        ev.date,
        prev_year,
        prev_score,
    )
    index.score_cache[(key, previous)] = rs
    return rs


def _scores(index: Index, as_of: dt.date) -> dict[tuple[str, int], ResultScore]:
    scores: dict[tuple[str, int], ResultScore] = {}
    for rid in index.evaluations:  # in id order (build_index sorts them)
        previous: tuple[int, str] | None = None
        for year, day, key in index.evaluations[rid]:
            if day > as_of:
                continue
            if previous is not None and previous[0] == year:
                continue  # two evaluations of one year: validation reports it; keep the first
            prev_key = previous[1] if previous is not None else None
            scores[(rid, year)] = _result_score(index, key, prev_key)
            previous = (year, key)
    return scores


# ---------------------------------------------------------------- snapshot


_COUNT_AT = {s: i for i, s in enumerate(STATUSES)}
_T = len(STATUSES)  # offsets in an accumulator row after the status counts
(
    _TOTAL,
    _DUE,
    _DONE_DUE,
    _ON_TIME,
    _LATE,
    _MISSING,
    _PENDING,
    _OVERDUE,
    _CO_TOTAL,
    _CO_DONE,
) = range(_T, _T + 10)
_STATE_AT = {"on_time": _ON_TIME, "late": _LATE, "missing": _MISSING, "pending": _PENDING}


def snapshot_from_index(index: Index, as_of: dt.date, computed_on: dt.date) -> Snapshot:
    """Everything as of `as_of` from a prepared index."""
    states: dict[str, MeasureState] = {}
    all_due: list[DueReport] = []
    # (group, signature) once per measure and group; a signature is (status, due, overdue,
    # report tally), so the counts of a group are its signatures' counts expanded at the end.
    tally_keys: list[tuple[tuple[str, str], int]] = []
    co: dict[str, list[int]] = {}
    for mid in index.measures:
        mi = index.in_force(mid, as_of)  # the version of the measure in force on the date
        ms = mi.measure
        # Dates with the same number of change days before them give the same result.
        key = bisect_right(mi.changes_on, as_of)
        memo = mi.memo
        if memo is None or memo.key != key:
            i = bisect_right(mi.a_dates, as_of)
            n_reports = bisect_right(mi.report_days, as_of)
            keep = memo.due[: memo.settled] if memo is not None and memo.as_of <= as_of else ()
            due, settled = _due_reports(mi, as_of, keep)
            state = _measure_state(index, mi, as_of, due, i, n_reports)
            counted = [0, 0, 0, 0]
            for d in due:
                counted[_STATE_AT[d.state] - _ON_TIME] += 1
            is_due = state.due
            signature = (
                _COUNT_AT[state.status],
                int(is_due),
                int(is_due and state.status in DONE_STATUSES),
                int(state.overdue),
                *counted,
            )
            sig = index.signatures.setdefault(signature, len(index.signatures))
            keys = [] if state.removed else [(g, sig) for g in mi.groups]
            memo = mi.memo = _Memo(key, as_of, state, due, settled, keys)
        states[mid] = memo.state
        all_due.extend(memo.due)
        if memo.state.removed:
            continue
        tally_keys.extend(memo.tally_keys)
        if ms.co_executors:
            done = memo.state.status in DONE_STATUSES
            for link in ms.co_executors:
                pair = co.setdefault(link.executor, [0, 0])
                pair[0] += 1
                pair[1] += done
    rows: dict[tuple[str, str], list[int]] = {g: [0] * (_T + 10) for g in index.group_order}
    by_id = list(index.signatures)
    for (g, sig), n in Counter(tally_keys).items():
        slot, n_due, done_due, overdue, on_time, late, missing, pending = by_id[sig]
        row = rows[g]
        row[slot] += n
        row[_TOTAL] += n
        row[_DUE] += n * n_due
        row[_DONE_DUE] += n * done_due
        row[_OVERDUE] += n * overdue
        row[_ON_TIME] += n * on_time
        row[_LATE] += n * late
        row[_MISSING] += n * missing
        row[_PENDING] += n * pending
    for executor, (n_co, n_done) in co.items():
        row = rows[("executor", executor)]
        row[_CO_TOTAL] += n_co
        row[_CO_DONE] += n_done
    aggregates = {g: _aggregate(g, rows[g], as_of, computed_on) for g in index.group_order}
    return Snapshot(
        as_of,
        computed_on,
        states,
        tuple(all_due),
        aggregates,
        _scores(index, as_of),
        index.notes,
    )


def _aggregate(
    g: tuple[str, str], row: list[int], as_of: dt.date, computed_on: dt.date
) -> Aggregate:
    """A group's Aggregate from its accumulator row (the status counts, then _TOTAL…_CO_DONE)."""
    counts = {s: row[i] for i, s in enumerate(STATUSES)}
    n_done, partly = counts[m.Status.DONE], counts[m.Status.PARTLY_DONE]
    reports_due = row[_ON_TIME] + row[_LATE] + row[_MISSING]
    return Aggregate(
        g[0],
        g[1],
        as_of,
        computed_on,
        counts,
        row[_TOTAL],
        row[_DUE],
        n_done,
        partly,
        pct(n_done + partly, row[_TOTAL]),
        pct(row[_DONE_DUE], row[_DUE]),
        reports_due,
        row[_ON_TIME],
        row[_LATE],
        row[_MISSING],
        pct(row[_ON_TIME], reports_due),
        row[_DONE_DUE],
        row[_PENDING],
        row[_OVERDUE],
        row[_CO_TOTAL],
        row[_CO_DONE],
    )


def _row(agg: Aggregate) -> list[int]:
    """The accumulator row an Aggregate was made from (`_aggregate`'s inverse)."""
    return [
        *(agg.counts.get(s, 0) for s in STATUSES),
        agg.total,
        agg.due,
        agg.done_due,
        agg.on_time,
        agg.late,
        agg.missing,
        agg.pending,
        agg.overdue,
        agg.co_total,
        agg.co_done,
    ]


def snapshot(
    data: Dataset, history: History | None, as_of: dt.date, computed_on: dt.date
) -> Snapshot:
    """Statuses, due reports, aggregates and ОСР scores as of `as_of` (computed on `computed_on`)."""
    return snapshot_from_index(build_index(data, history), as_of, computed_on)


def snapshot_dates(programme: m.Programme, as_of: dt.date) -> list[dt.date]:
    """Every programme quarter end on or before `as_of`, then `as_of` itself (once)."""
    dates = quarter_ends(programme, as_of)
    if not dates or dates[-1] != as_of:
        dates.append(as_of)
    return dates


def history_snapshots(
    data: Dataset, history: History | None, as_of: dt.date, computed_on: dt.date
) -> list[Snapshot]:
    """A snapshot at every programme quarter end on or before `as_of`, then at `as_of` itself."""
    return snapshots_from_index(build_index(data, history), as_of, computed_on)


def snapshots_from_index(index: Index, as_of: dt.date, computed_on: dt.date) -> list[Snapshot]:
    """`history_snapshots` from a prepared index."""
    return [
        snapshot_from_index(index, day, computed_on)
        for day in snapshot_dates(index.programme, as_of)
    ]


def overdue_measures(snap: Snapshot) -> list[MeasureState]:
    """Measures прострочено as of the snapshot (removed ones left out), in id order."""
    return [s for s in snap.measures.values() if s.overdue and not s.removed]


def missing_reports(snap: Snapshot, measures: Iterable[str] | None = None) -> list[DueReport]:
    """Due reports missing as of the snapshot, for measures not removed."""
    wanted = set(measures) if measures is not None else None
    return [
        d
        for d in snap.due
        if d.state == "missing"
        and not snap.measures[d.measure].removed
        and (wanted is None or d.measure in wanted)
    ]
