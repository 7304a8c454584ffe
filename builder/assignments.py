"""Who answers for a measure (pure): the assignments of III.7, III.11 and III.12 as kept in the
rosters — an executor's `assignments` (measure → уповноважений менеджер, впроваджувачі) and
the staff's (measure / ОСР → analyst) — and the views built on them: unassigned measures
(III.14 ¶7), each analyst's group (III.8), what a person owes.

Every function takes the Dataset and a day and returns values; nothing here reads files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import models as m
from .load import Dataset
from .versions import added_on

if TYPE_CHECKING:  # compute → workflow.approval → validate → here: types only
    from .compute import DueReport, Snapshot


def executors_of(measure: m.Measure) -> list[str]:
    """The executors of a measure: main first, then co-executors."""
    return [measure.main_executor.executor, *(c.executor for c in measure.co_executors)]


def assignment(data: Dataset, executor_id: str, measure_id: str) -> m.Assignment | None:
    """The executor's assignment of the measure, if it made one."""
    executor = data.executors.get(executor_id)
    return executor.assignments.get(measure_id) if executor else None


def _person(data: Dataset, executor_id: str, person_id: str | None) -> m.Person | None:
    executor = data.executors.get(executor_id)
    if executor is None or person_id is None:
        return None
    return next((p for p in executor.people if p.id == person_id), None)


def assigned_manager(
    data: Dataset, measure_id: str, day: dt.date, executor_id: str | None = None
) -> m.Person | None:
    """The уповноважений менеджер the measure is assigned to at its main executor (or at
    `executor_id`) who holds the role and has access on `day`; None when unassigned or gone.

    The approval rule narrows "a менеджер of the main executor" to this person."""
    measure = data.measures.get(measure_id)
    if measure is None:
        return None
    executor_id = executor_id or measure.main_executor.executor
    found = assignment(data, executor_id, measure_id)
    person = _person(data, executor_id, found.manager if found else None)
    if person and m.ExecutorRole.MANAGER in person.roles and person.active_on(day):
        return person
    return None


def assigned_implementers(
    data: Dataset, measure_id: str, day: dt.date, executor_id: str | None = None
) -> list[m.Person]:
    """The впроваджувачі the measure is assigned to at its main executor (or `executor_id`)
    who hold the role and have access on `day`."""
    measure = data.measures.get(measure_id)
    if measure is None:
        return []
    executor_id = executor_id or measure.main_executor.executor
    found = assignment(data, executor_id, measure_id)
    people = [_person(data, executor_id, pid) for pid in (found.implementers if found else [])]
    return [
        p
        for p in people
        if p is not None and m.ExecutorRole.IMPLEMENTER in p.roles and p.active_on(day)
    ]


def _analyst(data: Dataset, person_id: str | None, day: dt.date) -> m.Person | None:
    person = next((p for p in data.staff if p.id == person_id), None)
    if person and m.StaffRole.ANALYST in person.roles and person.active_on(day):
        return person
    return None


def assigned_analyst(data: Dataset, measure_id: str, day: dt.date) -> m.Person | None:
    """The analyst the редактор assigned the measure to (III.7), with access on `day`."""
    return _analyst(data, data.analyst_groups.measures.get(measure_id), day)


def result_analyst(data: Dataset, result_id: str, day: dt.date) -> m.Person | None:
    """The analyst the редактор assigned the ОСР to (III.7), with access on `day`."""
    return _analyst(data, data.analyst_groups.results.get(result_id), day)


def assessed_reports(data: Dataset) -> set[str]:
    """Report keys an assessment covers: those it lists, and a plain report (not a correction
    `@N`) of a measure and period that has an assessment."""
    covered: set[str] = set()
    by_period = {(a.measure, a.period) for a in data.assessments.values()}
    for a in data.assessments.values():
        covered.update(a.reports)
    for key, r in data.reports.items():
        if "@" not in key and (r.measure, r.period) in by_period:
            covered.add(key)
    return covered


def in_programme_since(data: Dataset, measure: m.Measure) -> dt.date | None:
    """Since when the measure needs people: the day an amendment added it, else the start of
    the programme's period."""
    added = added_on(measure)
    if added is not None:
        return added
    return data.programme.period.start if data.programme else None


@dataclass(frozen=True)
class Unassigned:
    """A measure an executor has not (fully) distributed: what is missing and since when."""

    executor: str
    measure: str
    missing: tuple[str, ...]  # "manager", "implementers"
    since: dt.date | None  # when the measure or its last assigned person needed replacing

    def days(self, day: dt.date) -> int | None:
        """How long it has waited, as of `day`."""
        return (day - self.since).days if self.since and self.since <= day else None


def _live(measure: m.Measure, day: dt.date) -> bool:
    return not (measure.removed and measure.removed <= day) and not (
        measure.completed and measure.completed <= day
    )


def unassigned(data: Dataset, day: dt.date) -> list[Unassigned]:
    """Every live measure of each executor with people that lacks an active manager or an
    active впроваджувач on `day` (III.14 ¶7), sorted by executor and measure. `since` is when
    the last assigned person left, else when the measure entered the programme."""
    found: list[Unassigned] = []
    for mid in sorted(data.measures):
        measure = data.measures[mid]
        if not _live(measure, day):
            continue
        for executor_id in executors_of(measure):
            executor = data.executors.get(executor_id)
            if executor is None or not executor.people:
                continue
            missing = []
            if assigned_manager(data, mid, day, executor_id) is None:
                missing.append("manager")
            if not assigned_implementers(data, mid, day, executor_id):
                missing.append("implementers")
            if not missing:
                continue
            a = executor.assignments.get(mid)
            named = [a.manager, *a.implementers] if a else []
            left = [
                p.until
                for pid in named
                if (p := _person(data, executor_id, pid)) and p.until and p.until < day
            ]
            since = max(left) + dt.timedelta(days=1) if left else in_programme_since(data, measure)
            found.append(Unassigned(executor_id, mid, tuple(missing), since))
    return found


def analyst_groups(data: Dataset) -> dict[str, tuple[list[str], list[str]]]:
    """Each analyst's group (III.8): (measure ids, ОСР ids) by analyst id, every analyst of the
    staff listed (an empty group too)."""
    groups: dict[str, tuple[list[str], list[str]]] = {
        p.id: ([], []) for p in data.staff if m.StaffRole.ANALYST in p.roles
    }
    for mid, analyst in sorted(data.analyst_groups.measures.items()):
        groups.setdefault(analyst, ([], []))[0].append(mid)
    for rid, analyst in sorted(data.analyst_groups.results.items()):
        groups.setdefault(analyst, ([], []))[1].append(rid)
    return groups


def assigned_to(data: Dataset, person_id: str) -> Iterator[tuple[str, str, str]]:
    """(executor id or 'НАЗК', measure or ОСР id, what the person is for it) for every
    assignment naming the person: 'manager', 'implementer', 'analyst', 'result-analyst'."""
    for executor_id, executor in sorted(data.executors.items()):
        for mid, a in sorted(executor.assignments.items()):
            if a.manager == person_id:
                yield executor_id, mid, "manager"
            if person_id in a.implementers:
                yield executor_id, mid, "implementer"
    for mid, analyst in sorted(data.analyst_groups.measures.items()):
        if analyst == person_id:
            yield "НАЗК", mid, "analyst"
    for rid, analyst in sorted(data.analyst_groups.results.items()):
        if analyst == person_id:
            yield "НАЗК", rid, "result-analyst"


# ---------------------------------------------------------------- internal views (tables)

MISSING_WORDS = {"manager": "менеджер", "implementers": "впроваджувачі"}


def unassigned_table(data: Dataset, day: dt.date) -> tuple[list[str], list[list[object]]]:
    """The internal build's «Нерозподілені заходи» (III.14 ¶7): per executor, each measure
    without an active manager or впроваджувач, what is missing, since when and how long."""
    header = ["Виконавець", "Захід", "Бракує", "Не розподілено з", "Днів"]
    rows: list[list[object]] = []
    for u in unassigned(data, day):
        executor = data.executors[u.executor]
        rows.append(
            [
                executor.short_name or executor.name,
                u.measure,
                ", ".join(MISSING_WORDS[w] for w in u.missing),
                u.since or "",
                u.days(day) if u.days(day) is not None else "",
            ]
        )
    return header, rows


def groups_table(
    data: Dataset, day: dt.date, awaiting: list[str]
) -> tuple[list[str], list[list[object]]]:
    """The internal build's «Групи аналітиків» (III.8): each analyst's measures and ОСР and how
    many reports of their measures await an assessment (`awaiting`: measure ids, one per
    report); then the measures and ОСР the редактор has assigned to nobody active."""
    names = {p.id: p.name for p in data.staff}
    header = ["Аналітик", "Заходів", "ОСР", "Звітів очікує висновку", "Заходи", "ОСР (перелік)"]
    rows: list[list[object]] = []
    for analyst, (measures, results) in analyst_groups(data).items():
        person = next((p for p in data.staff if p.id == analyst), None)
        name = names.get(analyst, analyst)
        if person is None or not person.active_on(day):
            name += " (без доступу)"
        group = set(measures)
        waiting = sum(1 for mid in awaiting if mid in group)
        rows.append(
            [name, len(measures), len(results), waiting, ", ".join(measures), ", ".join(results)]
        )
    live = [mid for mid, ms in sorted(data.measures.items()) if _live(ms, day)]
    nobody = [mid for mid in live if assigned_analyst(data, mid, day) is None]
    unowned = set(nobody)
    results = [rid for rid in sorted(data.results) if result_analyst(data, rid, day) is None]
    if nobody or results:
        rows.append(
            [
                "не розподілено",
                len(nobody),
                len(results),
                sum(1 for mid in awaiting if mid in unowned),
                ", ".join(nobody),
                ", ".join(results),
            ]
        )
    return header, rows


# ---------------------------------------------------------------- what a person owes


@dataclass(frozen=True)
class Owed:
    """What one person owes on a day (`dap status --person`): for each of their duties, the
    measures or reports it concerns."""

    person: m.Person
    organisation: str  # executor id, or "nazk" for NACP staff
    measures: tuple[str, ...]  # measures (and ОСР, for an analyst) assigned to them
    to_prepare: tuple[DueReport, ...]  # впроваджувач: reports of their measures not in
    to_approve: tuple[DueReport, ...]  # менеджер: the same for their measures
    to_assess: tuple[str, ...]  # analyst: report keys of their measures awaiting an assessment
    to_assign: tuple[Unassigned, ...]  # керівник, менеджер, координатор: measures to distribute
    to_group: tuple[str, ...]  # редактор: measures and ОСР no analyst is assigned


def _find(data: Dataset, person_id: str) -> tuple[str, m.Person] | None:
    for p in data.staff:
        if p.id == person_id:
            return "nazk", p
    for ex in data.executors.values():
        for p in ex.people:
            if p.id == person_id:
                return ex.id, p
    return None


def owed(data: Dataset, snap: Snapshot, person_id: str) -> Owed | None:
    """What `person_id` owes as of the snapshot's day (None: no such person). Reports owed are
    those still pending or missing; nothing is owed by a person without access that day."""
    found = _find(data, person_id)
    if found is None:
        return None
    organisation, person = found
    day = snap.as_of
    roles = set(person.roles) if person.active_on(day) else set()
    mine = list(assigned_to(data, person_id))
    measures = tuple(dict.fromkeys(mid for _e, mid, _w in mine))
    open_dues = [d for d in snap.due if d.state in ("pending", "missing")]
    R = m.ExecutorRole

    def dues_of(what: str) -> tuple[DueReport, ...]:
        ids = {mid for e, mid, w in mine if w == what and e == organisation}
        return tuple(d for d in open_dues if d.measure in ids and d.executor == organisation)

    to_prepare = dues_of("implementer") if R.IMPLEMENTER in roles else ()
    to_approve = dues_of("manager") if R.MANAGER in roles else ()
    to_assess: tuple[str, ...] = ()
    if m.StaffRole.ANALYST in roles:
        covered = assessed_reports(data)
        ids = {mid for e, mid, w in mine if w == "analyst"}
        submitted = {d.report: d.submitted for d in snap.due if d.report}
        to_assess = tuple(
            key
            for key, r in sorted(data.reports.items())
            if r.measure in ids
            and key not in covered
            and (submitted.get(key) or r.submitted or r.approved_on or day) <= day
        )
    to_assign: tuple[Unassigned, ...] = ()
    if roles & {R.HEAD, R.COORDINATOR}:
        to_assign = tuple(u for u in unassigned(data, day) if u.executor == organisation)
    elif R.MANAGER in roles:
        managed = {mid for e, mid, w in mine if w == "manager" and e == organisation}
        to_assign = tuple(
            u for u in unassigned(data, day) if u.executor == organisation and u.measure in managed
        )
    to_group: tuple[str, ...] = ()
    if m.StaffRole.EDITOR in roles:
        live = [mid for mid, ms in sorted(data.measures.items()) if _live(ms, day)]
        to_group = tuple(mid for mid in live if assigned_analyst(data, mid, day) is None)
        to_group += tuple(r for r in sorted(data.results) if result_analyst(data, r, day) is None)
    return Owed(
        person, organisation, measures, to_prepare, to_approve, to_assess, to_assign, to_group
    )
