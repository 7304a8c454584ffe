"""Rosters and roles: person ids and logins unique, the role rules of III.15–III.16, and a
person named in a record (who prepared, approved or assessed it) with the right role and access."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from .. import models as m
from ..datafile import Path_, SourceFile
from ..errors import Problem
from ..i18n import N_
from ..load import Dataset

EXECUTOR_ROLES = set(m.ExecutorRole)

STAFF_ROLES = set(m.StaffRole)

# A person named in a record without the role the record needs: what is wrong and how to fix
# it, one pair per role (Ukrainian puts the role in the instrumental case: «не є аналітиком»).
NOT_IN_ROLE: dict[m.ExecutorRole | m.StaffRole, tuple[str, str]] = {
    m.ExecutorRole.IMPLEMENTER: (
        N_("'{person}' is not a впроваджувач of {executor}"),
        N_("add the role in {file}, or have a впроваджувач of {executor} prepare the report"),
    ),
    m.ExecutorRole.MANAGER: (
        N_("'{person}' is not an уповноважений менеджер of {executor}"),
        N_("add the role in {file}, or have an уповноважений менеджер of {executor} approve it"),
    ),
    m.StaffRole.ANALYST: (
        N_("'{person}' is not an аналітик of НАЗК"),
        N_("name an аналітик from {file} (an analyst may hold no other role, III.16)"),
    ),
}


def people_index(data: Dataset) -> dict[str, tuple[str | None, m.Person]]:
    """Every person by id, with their executor id (None for NACP staff)."""
    index: dict[str, tuple[str | None, m.Person]] = {}
    for person in data.staff:
        index.setdefault(person.id, (None, person))
    for executor in data.executors.values():
        for person in executor.people:
            index.setdefault(person.id, (executor.id, person))
    return index


def _person_roles(
    src: SourceFile, loc: Path_, person: m.Person, executor_id: str | None
) -> Iterator[Problem]:
    """The role rules of III.15–III.16 for one person of a roster."""
    for role, times in Counter(person.roles).items():
        if times > 1:
            yield src.problem(
                loc + ("roles",),
                N_("role '{role}' is listed {times} times for {person}"),
                N_("list each role once"),
                "role-twice",
                role=role,
                times=times,
                person=person.id,
            )
    roles = set(person.roles)
    if executor_id is None and roles & EXECUTOR_ROLES:
        yield src.problem(
            loc + ("roles",),
            N_("{person}: NACP staff cannot hold executors' roles ({roles})"),
            N_("list the person in their executor's file instead"),
            "role-rule",
            person=person.id,
            roles=", ".join(sorted(roles & EXECUTOR_ROLES)),
        )
    if executor_id is not None and roles & STAFF_ROLES:
        yield src.problem(
            loc + ("roles",),
            N_("{person}: executors' people cannot hold NACP roles ({roles})"),
            N_("list the person in data/staff.yaml instead"),
            "role-rule",
            person=person.id,
            roles=", ".join(sorted(roles & STAFF_ROLES)),
        )
    if m.StaffRole.ANALYST in roles and len(roles) > 1:
        yield src.problem(
            loc + ("roles",),
            N_("{person}: an analyst may hold no other role (III.16)"),
            N_("give the other roles to another person"),
            "role-rule",
            person=person.id,
        )
    if m.ExecutorRole.HEAD in roles and m.ExecutorRole.IMPLEMENTER in roles:
        yield src.problem(
            loc + ("roles",),
            N_("{person}: the same person may not be керівник and впроваджувач (III.15)"),
            N_("give one of the roles to another person"),
            "role-rule",
            person=person.id,
        )
    if m.ExecutorRole.MANAGER in roles and m.ExecutorRole.IMPLEMENTER in roles:
        yield src.problem(
            loc + ("roles",),
            N_(
                "{person}: the same person may not be уповноважений менеджер and "
                "впроваджувач (III.15)"
            ),
            N_("give one of the roles to another person"),
            "role-rule",
            person=person.id,
        )


def _deactivation(src: SourceFile, loc: Path_, person: m.Person) -> Iterator[Problem]:
    """`until_reason` goes with `until` (III.14: access ends for a reason of the official list)."""
    if person.until_reason and person.until is None:
        yield src.problem(
            loc + ("until_reason",),
            N_("a reason for the end of access, but no 'until' date"),
            N_("add 'until: YYYY-MM-DD' (the last day of access), or remove the reason"),
            "deactivation",
        )
    elif person.until and person.until_reason is None:
        yield src.problem(
            loc + ("until",),
            N_("access ends on {until} without a reason"),
            N_("add 'until_reason:' from the official list: {reasons} (III.14)"),
            "deactivation",
            "warning",
            until=person.until,
            reasons=", ".join(f"«{r}»" for r in m.LeaveReason),
        )


def check_people(data: Dataset) -> Iterator[Problem]:
    """Person ids and GitHub logins are unique; roles follow III.15–III.16."""
    seen: dict[str, str] = {}
    logins: dict[str, str] = {}
    rosters: list[tuple[str, str, str | None, list[m.Person]]] = [
        ("staff", "staff", None, data.staff)
    ]
    rosters += [("executors", key, key, ex.people) for key, ex in data.executors.items()]
    for kind, key, executor_id, people in rosters:
        src = data.source(kind, key)
        for i, person in enumerate(people):
            loc: Path_ = ("people", i)
            if person.id in seen:
                yield src.problem(
                    loc + ("id",),
                    N_("person '{person}' is already listed in {file}"),
                    N_("give each person one id and list them once"),
                    "duplicate-id",
                    person=person.id,
                    file=seen[person.id],
                )
            seen.setdefault(person.id, src.path)
            if person.github:
                login = person.github.lower()
                if login in logins:
                    yield src.problem(
                        loc + ("github",),
                        N_("GitHub login '{login}' is also used in {file}"),
                        N_("one login belongs to one person"),
                        "duplicate-id",
                        login=person.github,
                        file=logins[login],
                    )
                logins.setdefault(login, src.path)
            yield from _person_roles(src, loc, person, executor_id)
            yield from _deactivation(src, loc, person)
            if person.since and person.until and person.until < person.since:
                yield src.problem(
                    loc + ("until",),
                    N_("access ends ({until}) before it was granted ({since})"),
                    N_("until must not be before since"),
                    "dates",
                    until=person.until,
                    since=person.since,
                )
    main_of = {  # main executors in any version of a measure (an amendment may reassign it)
        link.executor
        for ms in data.measures.values()
        for link in (ms.main_executor, *(am.main_executor for am in ms.amendments))
        if link is not None
    }
    for key, ex in data.executors.items():
        src = data.source("executors", key)
        active = [p for p in ex.people if p.until is None]
        if not ex.people:
            if key in main_of:
                yield src.problem(
                    ("people",),
                    N_("{executor} is a main executor but lists nobody who can report"),
                    N_(
                        "add its керівник, координатор впровадження, уповноважені менеджери "
                        "and впроваджувачі"
                    ),
                    "roster",
                    "warning",
                    executor=ex.id,
                )
            continue
        counts = Counter(role for p in active for role in set(p.roles))
        for role in (m.ExecutorRole.HEAD, m.ExecutorRole.COORDINATOR):
            if counts[role] != 1:
                yield src.problem(
                    ("people",),
                    N_("{executor} has {count} active '{role}', needs exactly one (III.15)"),
                    N_("mark a former one with 'until: DATE' or name one"),
                    "role-rule",
                    executor=ex.id,
                    count=counts[role],
                    role=role,
                )
        for role in (m.ExecutorRole.MANAGER, m.ExecutorRole.IMPLEMENTER):
            if counts[role] == 0:
                yield src.problem(
                    ("people",),
                    N_("{executor} names no active '{role}' (III.15: all four roles)"),
                    N_("add a person with this role"),
                    "role-rule",
                    executor=ex.id,
                    role=role,
                )


def person_problem(
    data: Dataset,
    src: SourceFile,
    loc: Path_,
    people: dict[str, tuple[str | None, m.Person]],
    person_id: str,
    executor_id: str | None,
    role: m.ExecutorRole | m.StaffRole,
    on: dt.date | None,
) -> Problem | None:
    """The person named at `loc` is in the roster of `executor_id` (None: NACP staff), holds
    `role` and had access `on` that day: the problem, or None. Asked of every person every
    record names (~50,000 at national scale): the usual answer, none, is found first."""
    entry = people.get(person_id)
    if entry is not None and entry[0] == executor_id:
        person = entry[1]
        if role in person.roles and not (on and person.until and on > person.until):
            return None
    roster = ("executors", executor_id) if executor_id else ("staff", "staff")
    if data.lost(*roster):
        return None  # the roster failed to load: its file is reported, not every record naming it
    file = f"data/executors/{executor_id}.yaml" if executor_id else "data/staff.yaml"
    if entry is None:
        return src.problem(
            loc,
            N_("'{person}' is not in any roster"),
            N_("use a person id from data/executors/*.yaml or data/staff.yaml"),
            "ref",
            person=person_id,
        )
    owner, person = entry
    if owner != executor_id:
        return src.problem(
            loc,
            N_("'{person}' is not a person of {executor}")
            if executor_id
            else N_("'{person}' is a person of {owner}, not of НАЗК"),
            N_("the person must be listed in {file}"),
            "role-rule",
            person=person_id,
            executor=executor_id or "",
            owner=owner or "",
            file=file,
        )
    if role not in person.roles:
        message, hint = NOT_IN_ROLE[role]
        return src.problem(
            loc, message, hint, "role-rule", person=person_id, executor=executor_id or "", file=file
        )
    if on and person.until and on > person.until:
        return src.problem(
            loc,
            N_("'{person}' had no access on {day} (until {until})"),
            N_("the record must be made by a person with access on that date"),
            "role-rule",
            person=person_id,
            day=on,
            until=person.until,
        )
    return None
