"""Assignments (III.7, III.11, III.12) against the rosters and the measures, and what a person's
leaving leaves behind (III.14): every problem located at the assignment or the person."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from .. import models as m
from ..assignments import executors_of
from ..datafile import Path_, SourceFile
from ..errors import Problem
from ..i18n import N_
from ..load import Dataset

# The role each kind of assignment needs, with the Положення's paragraph that gives it.
ROLE_OF = {
    "manager": (m.ExecutorRole.MANAGER, "III.11"),
    "implementers": (m.ExecutorRole.IMPLEMENTER, "III.12"),
    "analyst": (m.StaffRole.ANALYST, "III.7"),
}


def _named(
    src: SourceFile,
    loc: Path_,
    people: dict[str, m.Person],
    person_id: str,
    what: str,
    owner: str,
    file: str,
    left: dict[str, list[str]],
    item: str,
    today: dt.date,
) -> Iterator[Problem]:
    """The person named at `loc` is in the roster, holds the role; one who has left is noted."""
    role, paragraph = ROLE_OF[what]
    person = people.get(person_id)
    if person is None:
        yield src.problem(
            loc,
            N_("'{person}' is not a person of {owner}"),
            N_("assign a person listed in {file} (an assignment stays within the executor)"),
            "assignment",
            person=person_id,
            owner=owner,
            file=file,
        )
    elif role not in person.roles:
        yield src.problem(
            loc,
            N_("'{person}' is not a {role} of {owner} and cannot be assigned here ({paragraph})"),
            N_("assign a {role} of {owner}, or give the person the role in {file}"),
            "assignment",
            person=person_id,
            role=role,
            owner=owner,
            paragraph=paragraph,
            file=file,
        )
    elif person.until and person.until < today:
        left[person_id].append(item)


def _left_behind(
    src: SourceFile, people: list[m.Person], left: dict[str, list[str]]
) -> Iterator[Problem]:
    """One warning per person whose access ended while still assigned, naming the measures."""
    for i, person in enumerate(people):
        items = left.get(person.id)
        if not items:
            continue
        shown = ", ".join(items[:20]) + (" …" if len(items) > 20 else "")
        yield src.problem(
            ("people", i, "until"),
            N_(
                "{person}'s access ended on {until}, yet they are still assigned to {count} "
                "measure(s) or ОСР: {items}"
            ),
            N_("assign them to another person — nothing is reassigned by itself (III.14)"),
            "left-assigned",
            "warning",
            person=person.id,
            until=person.until,
            count=len(items),
            items=shown,
        )


def check_executor_assignments(data: Dataset, today: dt.date) -> Iterator[Problem]:
    """Each executor's assignments: existing measures it executes, its own people in the role;
    the people who left still assigned; active впроваджувачі with nothing assigned."""
    for key, ex in sorted(data.executors.items()):
        src = data.source("executors", key)
        file = f"data/executors/{key}.yaml"
        people = {p.id: p for p in ex.people}
        left: dict[str, list[str]] = defaultdict(list)
        for mid, a in ex.assignments.items():
            loc: Path_ = ("assignments", mid)
            measure = data.measures.get(mid)
            if measure is None:
                if not data.lost("measures", mid):
                    yield src.problem(
                        loc,
                        N_("measure '{measure}' is not in the programme"),
                        N_("assign a measure of data/measures/ (check the id)"),
                        "assignment",
                        key=True,
                        measure=mid,
                    )
                continue
            if key not in executors_of(measure):
                yield src.problem(
                    loc,
                    N_("{executor} is neither the main executor nor a co-executor of {measure}"),
                    N_("an executor assigns only its own measures (III.11) — remove the entry"),
                    "assignment",
                    key=True,
                    executor=key,
                    measure=mid,
                )
                continue
            if a.manager is not None:
                yield from _named(
                    src,
                    (*loc, "manager"),
                    people,
                    a.manager,
                    "manager",
                    key,
                    file,
                    left,
                    mid,
                    today,
                )
            for n, pid in enumerate(a.implementers):
                if pid in a.implementers[:n]:
                    yield src.problem(
                        (*loc, "implementers", n),
                        N_("'{person}' is listed twice"),
                        N_("list each впроваджувач once"),
                        "assignment",
                        person=pid,
                    )
                    continue
                yield from _named(
                    src,
                    (*loc, "implementers", n),
                    people,
                    pid,
                    "implementers",
                    key,
                    file,
                    left,
                    mid,
                    today,
                )
        yield from _left_behind(src, ex.people, left)
        yield from _idle_implementers(data, src, ex, today)


def _idle_implementers(
    data: Dataset, src: SourceFile, ex: m.Executor, today: dt.date
) -> Iterator[Problem]:
    """An active впроваджувач with no measure assigned (III.14: deactivate, or assign one); an
    executor that has assigned nothing at all is told once."""
    active = [
        (i, p)
        for i, p in enumerate(ex.people)
        if m.ExecutorRole.IMPLEMENTER in p.roles and p.active_on(today)
    ]
    if not active:
        return
    if not ex.assignments:
        if any(ex.id in executors_of(ms) for ms in data.measures.values()):
            yield src.problem(
                ("people",),
                N_("{executor} has assigned none of its measures to its people (III.11, III.12)"),
                N_("add 'assignments:' (measure → manager, implementers); see docs/data-layout.md"),
                "unassigned",
                "warning",
                executor=ex.id,
            )
        return
    busy = {pid for a in ex.assignments.values() for pid in a.implementers}
    for i, person in active:
        if person.id not in busy:
            yield src.problem(
                ("people", i, "id"),
                N_("{person} is an active впроваджувач with no measure assigned"),
                N_(
                    "assign a measure to them (III.12), or end their access with 'until' and "
                    "'until_reason: відсутність заходів' (III.14)"
                ),
                "idle",
                "warning",
                person=person.id,
            )


def check_analyst_groups(data: Dataset, today: dt.date) -> Iterator[Problem]:
    """The редактор's distribution among analysts (III.7): existing measures and ОСР, analysts."""
    if data.lost("staff", "staff"):
        return
    src = data.source("staff", "staff")
    staff = {p.id: p for p in data.staff}
    left: dict[str, list[str]] = defaultdict(list)
    groups = data.analyst_groups
    for field, ids, known, folder in (
        ("measures", groups.measures, data.measures, "measures"),
        ("results", groups.results, data.results, "results"),
    ):
        for item, analyst in ids.items():
            loc: Path_ = ("assignments", field, item)
            if item not in known:
                if not data.lost(folder, item):
                    yield src.problem(
                        loc,
                        N_("'{item}' is not in data/{folder}/"),
                        N_("assign an existing measure or ОСР (check the id)"),
                        "assignment",
                        key=True,
                        item=item,
                        folder=folder,
                    )
                continue
            yield from _named(
                src, loc, staff, analyst, "analyst", "НАЗК", "data/staff.yaml", left, item, today
            )
    yield from _left_behind(src, data.staff, left)


def check_assignments(data: Dataset, today: dt.date) -> Iterator[Problem]:
    """Every assignment of the executors and of the staff, as of `today`."""
    yield from check_executor_assignments(data, today)
    yield from check_analyst_groups(data, today)
