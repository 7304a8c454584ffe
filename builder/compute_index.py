"""The data arranged once for repeated computation (`compute.build_index` makes it): each
measure's versions indexed — its span, the groups it counts in, the quarters it owes a report
for, its dated reports and assessments, and the days on which its state may change — held in an
`Index`. Pure: no I/O, no clock."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import models as m
from .git.history import History
from .load import Dataset
from .notes import Note
from .quarters import Quarter
from .scores import IndicatorResult
from .versions import Version, added_on, main_executor_on
from .workflow.approval import report_date

if TYPE_CHECKING:  # the results this index is computed into (compute.py imports this module)
    from .compute import DueReport, ResultScore, _Memo


@dataclass(frozen=True, slots=True)
class _Dated:
    """A dated report: when it counts as submitted and how the date is known."""

    day: dt.date
    key: str
    period: str
    verified: bool
    source: str


@dataclass
class _Owed:
    """A quarter for which the measure owes a report once its window opens (fixed by the data)."""

    index: int  # position in Index.quarters
    quarter: Quarter
    report: _Dated | None  # the earliest dated report for the period
    versions: dict[str, DueReport] = field(default_factory=dict)  # by state, made once
    executor: str | None = None  # who owes it when an amendment changed the main executor


@dataclass
class _MeasureIndex:
    measure: m.Measure
    start: dt.date | None
    end: dt.date | None
    quarters: list[int]  # indexes into Index.quarters where the measure is active
    groups: list[tuple[str, str]]  # aggregate groups the measure counts in
    a_dates: list[dt.date]
    assessments: list[tuple[dt.date, str, m.Assessment]]  # sorted by (date, period, key)
    report_by_period: dict[str, _Dated]  # earliest dated report of each period
    report_days: list[dt.date]  # sorted
    reports: list[_Dated]  # sorted by (day, period, key)
    late_label_day: dt.date | None  # first assessment labelled «розпочато несвоєчасно»
    owed: list[_Owed] = field(default_factory=list)
    owed_opens: list[dt.date] = field(default_factory=list)  # window starts of `owed`
    owed_closes: list[dt.date] = field(default_factory=list)  # window ends of `owed`
    # Every day on which something about the measure changes (a record, a window opening or
    # closing, the deadline, the removal): between two of them, its state stays the same.
    changes_on: list[dt.date] = field(default_factory=list)
    memo: _Memo | None = None  # the result for the last date computed
    since: dt.date | None = None  # the version of the measure this is: in force from `since`
    in_programme: bool = True  # False: before the amendment that added the measure


@dataclass
class Index:
    """The data arranged for fast repeated computation (one per data set and history)."""

    data: Dataset
    programme: m.Programme
    quarters: list[Quarter]
    measures: dict[str, _MeasureIndex]
    group_order: list[tuple[str, str]]
    evaluations: dict[str, list[tuple[int, dt.date, str]]]  # ОСР -> (year, date, key) sorted
    notes: tuple[Note, ...]
    signatures: dict[tuple[int, ...], int] = field(default_factory=dict)
    score_cache: dict[tuple[str, str | None], ResultScore] = field(default_factory=dict)
    indicator_cache: dict[str, tuple[IndicatorResult, ...]] = field(default_factory=dict)
    # The later versions of amended measures: (the days they take effect, their indexes).
    later: dict[str, tuple[list[dt.date], list[_MeasureIndex]]] = field(default_factory=dict)
    # every dated report by measure, and those whose recorded approval was not trusted
    dated: dict[str, list[_Dated]] = field(default_factory=dict)
    distrusted: tuple[str, ...] = ()

    def in_force(self, mid: str, as_of: dt.date) -> _MeasureIndex:
        """The index of the measure's version in force on `as_of`."""
        found = self.later.get(mid)
        if found is not None:
            j = bisect_right(found[0], as_of)
            if j:
                return found[1][j - 1]
        return self.measures[mid]


def _direction_of(data: Dataset, section_id: str) -> str | None:
    seen: set[str] = set()
    current = data.sections.get(section_id)
    while current is not None and current.id not in seen:
        if current.level == m.SectionLevel.DIRECTION:
            return current.id
        seen.add(current.id)
        current = data.sections.get(current.parent) if current.parent else None
    return None


def _assessments_by_measure(
    items: Iterable[tuple[str, m.Assessment]],
) -> dict[str, list[tuple[dt.date, str, m.Assessment]]]:
    """Assessments as (date, key, record) by measure, in the order given."""
    found: dict[str, list[tuple[dt.date, str, m.Assessment]]] = {}
    for key, a in items:
        found.setdefault(a.measure, []).append((a.date, key, a))
    return found


def _dated_reports(
    data: Dataset,
    history: History | None,
    items: Iterable[tuple[str, m.Report]],
    of: Container[str] | None = None,
) -> tuple[dict[str, list[_Dated]], dict[str, int], int, list[str]]:
    """The reports of `items` dated (`report_date`), by measure (only those of the measures
    `of`, when given); how many of all had each date source, how many had no date, and the
    keys whose recorded approval was not trusted."""
    reports: dict[str, list[_Dated]] = {}
    undated = 0
    sources: dict[str, int] = {}
    distrusted: list[str] = []
    for key, r in items:
        day, verified, source = report_date(data, history, key, r, distrusted)
        if day is None:
            undated += 1
            continue
        sources[source] = sources.get(source, 0) + 1
        if of is None or r.measure in of:
            reports.setdefault(r.measure, []).append(_Dated(day, key, r.period, verified, source))
    return reports, sources, undated, distrusted


def _measure_index(
    data: Dataset,
    programme: m.Programme,
    quarters: list[Quarter],
    text: m.Measure,
    version: Version,
    own: list[tuple[dt.date, str, m.Assessment]],
    dated: list[_Dated],
) -> _MeasureIndex:
    """One version of a measure arranged for computation: its span, groups and owed quarters
    (each owed by the main executor of the version in force in that quarter)."""
    ms = version.measure
    start = ms.deadline.start
    if start is None and ms.deadline.start_event is None:
        start = programme.period.start
    end = ms.deadline.end or programme.period.end
    active: list[int] = []
    if start is not None:
        active = [i for i, q in enumerate(quarters) if q.start <= end and q.end >= start]
    groups: list[tuple[str, str]] = [("programme", programme.id)]
    section = data.sections.get(ms.section)
    direction = _direction_of(data, ms.section)
    if direction is not None:
        groups.append(("direction", direction))
    if section is not None and section.level != m.SectionLevel.DIRECTION:
        groups.append(("problem", section.id))
    groups.extend(("result", rid) for rid in dict.fromkeys(ms.results))
    groups.append(("executor", ms.main_executor.executor))
    by_period: dict[str, _Dated] = {}
    for d in dated:
        by_period.setdefault(d.period, d)
    late_days = [d for d, _, a in own if a.label == m.ResultLabel.STARTED_LATE]
    a_dates = [t[0] for t in own]
    added = added_on(text)
    owed: list[_Owed] = []
    for qi in active:
        q = quarters[qi]
        if ms.removed is not None and ms.removed <= q.end:
            break  # removed by an amendment: nothing owed from the quarter it was removed in
        if added is not None and q.end < added:
            continue  # not yet in the programme that quarter
        # Not owed once the latest assessment made before the window opened says Виконано.
        j = bisect_left(a_dates, q.window_start)
        if j and own[j - 1][2].status == m.Status.DONE:
            continue
        owner = main_executor_on(text, q.end) if text.amendments else None
        owed.append(_Owed(qi, q, by_period.get(q.period), executor=owner))
    mi = _MeasureIndex(
        measure=ms,
        start=start,
        end=end,
        quarters=active,
        groups=groups,
        a_dates=a_dates,
        assessments=own,
        report_by_period=by_period,
        report_days=[d.day for d in dated],
        reports=dated,
        late_label_day=late_days[0] if late_days else None,
        owed=owed,
        owed_opens=[o.quarter.window_start for o in owed],
        owed_closes=[o.quarter.window_end for o in owed],
        since=version.since,
        in_programme=version.in_force,
    )
    mi.changes_on = _change_days(mi)
    return mi


def _change_days(mi: _MeasureIndex) -> list[dt.date]:
    """The sorted days from which the measure's state may differ from the day before."""
    one = dt.timedelta(days=1)
    days = [*mi.a_dates, *mi.report_days, *mi.owed_opens]
    days += [d + one for d in mi.owed_closes]  # missing from the day after a window closes
    if mi.end is not None:
        days += [mi.end, mi.end + one]  # due on the last day, overdue from the day after
    if mi.measure.removed is not None:
        days.append(mi.measure.removed)
    if mi.late_label_day is not None:
        days.append(mi.late_label_day)
    return sorted(days)
