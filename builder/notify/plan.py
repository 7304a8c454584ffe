"""Which notices are due on a date (pure): the notice model, the reporting cycle and `work_out()`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

from .. import models as m
from ..assignments import assigned_analyst, assigned_implementers, assigned_manager
from ..compute import DueReport, Snapshot
from ..i18n import _, ngettext
from ..load import Dataset
from ..quarters import reporting_cycle
from ..site.context import page_path, page_url
from ..wording import period_label, ua_date

# Kinds of notice; the names are used in ids, file names and the ledger, so never rename one.
WINDOW_OPEN = "window_open"
WINDOW_CLOSING = "window_closing"
REPORT_OVERDUE = "report_overdue"
OVERDUE_DIGEST = "overdue_digest"
DEADLINE_NEAR = "deadline_near"
STATUS_CHANGED = "status_changed"
ACCESS_GRANTED = "access_granted"
KINDS = (
    WINDOW_OPEN,
    WINDOW_CLOSING,
    REPORT_OVERDUE,
    OVERDUE_DIGEST,
    DEADLINE_NEAR,
    STATUS_CHANGED,
    ACCESS_GRANTED,
)

# The executor's people who hear about its reporting (the issue; керівник plans, does not report).
REPORTING_ROLES = (m.ExecutorRole.IMPLEMENTER, m.ExecutorRole.MANAGER, m.ExecutorRole.COORDINATOR)
# A person whose access began up to this many days before the run still gets the welcome
# (a missed scheduled run must not lose it; the ledger stops repeats).
ACCESS_CATCH_UP_DAYS = 7
TITLE_MAX = 300

REPORT_STATES = {
    "pending": "очікується",
    "missing": "не подано",
    "on_time": "подано вчасно",
    "late": "подано із запізненням",
}
REVIEWED = "розглянуто аналітиком"


@dataclass(frozen=True)
class Item:
    """One line of a notice: a measure, what is said about it, and a link to its page."""

    measure: str  # id
    title: str
    note: str
    url: str | None = None
    number: str = ""  # the number as published («1.1.1.5.4 (6)»), shown to people

    @property
    def label(self) -> str:
        """What people call the measure: its published number, else its id."""
        return self.number or self.measure


@dataclass(frozen=True)
class Notice:
    """One e-mail to one person. `email` is private: never print it."""

    id: str
    kind: str
    person: str
    name: str
    email: str | None = field(repr=False)
    roles: tuple[str, ...]
    organisation: str  # the executor's name, or НАЗК for staff
    subject_keys: tuple[str, ...]
    bucket: str
    items: tuple[Item, ...] = ()
    backlog: tuple[Item, ...] = ()  # older missing reports, listed under the main items
    facts: tuple[tuple[str, str], ...] = ()  # kind-specific values for the templates


@dataclass(frozen=True)
class Plan:
    """Every notice due on a date, and notes for the person running the command."""

    as_of: dt.date
    notices: tuple[Notice, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class State:
    """What `--since` compares at one commit: each measure's and each due report's status."""

    measures: dict[str, str]  # measure id -> status
    reports: dict[tuple[str, str], str]  # (measure, period) -> report status


@dataclass(frozen=True)
class Step:
    """One commit on the main line that changed the data: the state before and after it."""

    commit: str  # full sha
    day: dt.date  # committer date
    before: State
    after: State


@dataclass(frozen=True)
class Since:
    """The data's history since an earlier commit (`--since REF`), computed as of the run's date."""

    ref: str
    commit: str  # full sha of REF
    people: frozenset[str]  # person ids in the rosters at REF
    steps: tuple[Step, ...]  # one per commit that touched the data, oldest first


def notice_id(kind: str, person: str, keys: tuple[str, ...], bucket: str) -> str:
    """Stable id of a notice: a hash of (kind, recipient id, subject keys, date bucket)."""
    raw = json.dumps([kind, person, list(keys), bucket], ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


def measure_url(site_url: str | None, measure_id: str) -> str | None:
    """The public page of a measure, as the site names it: <site_url>/measures/<id>/."""
    if not site_url:
        return None
    path = page_url(page_path("measures", measure_id))
    return f"{site_url.rstrip('/')}/{quote(path, safe='/._-~()')}"


def short(text: str, limit: int = TITLE_MAX) -> str:
    """One line of at most `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def executor_people(data: Dataset, executor_id: str, day: dt.date) -> list[m.Person]:
    """The executor's впроваджувачі, менеджери and координатор with access on `day`."""
    executor = data.executors.get(executor_id)
    if executor is None:
        return []
    return [
        p
        for p in executor.people
        if p.active_on(day) and any(r in REPORTING_ROLES for r in p.roles)
    ]


def measure_people(
    data: Dataset, measure_id: str, executor_id: str, day: dt.date
) -> list[m.Person]:
    """Who hears about a measure at an executor: the впроваджувачі and the менеджер it is
    assigned to (III.11, III.12) with access on `day`, and the координатор впровадження in
    copy; while nobody assigned has access, every reporting person of the executor."""
    assigned = assigned_implementers(data, measure_id, day, executor_id)
    manager = assigned_manager(data, measure_id, day, executor_id)
    if manager is not None:
        assigned.append(manager)
    if not assigned:
        return executor_people(data, executor_id, day)
    executor = data.executors[executor_id]
    coordinators = [
        p for p in executor.people if m.ExecutorRole.COORDINATOR in p.roles and p.active_on(day)
    ]
    unique = {p.id: p for p in [*assigned, *coordinators]}
    return list(unique.values())


def analysts(data: Dataset, day: dt.date) -> list[m.Person]:
    """NACP analysts with access on `day`."""
    return [p for p in data.staff if m.StaffRole.ANALYST in p.roles and p.active_on(day)]


def latest_assessments(data: Dataset, day: dt.date) -> dict[str, m.Assessment]:
    """The latest assessment of each measure made on or before `day`."""
    latest: dict[str, m.Assessment] = {}
    for a in data.assessments.values():
        if a.date > day:
            continue
        seen = latest.get(a.measure)
        if seen is None or (a.date, a.period) > (seen.date, seen.period):
            latest[a.measure] = a
    return latest


def measure_analysts(
    data: Dataset, measure_id: str, day: dt.date, latest: dict[str, m.Assessment] | None = None
) -> list[m.Person]:
    """The analyst of a measure: the one the редактор assigned it to (III.7); unassigned (or
    gone), the author of its latest assessment; else every analyst."""
    assigned = assigned_analyst(data, measure_id, day)
    if assigned is not None:
        return [assigned]
    found = (latest if latest is not None else latest_assessments(data, day)).get(measure_id)
    everyone = analysts(data, day)
    if found is not None:
        chosen = [p for p in everyone if p.id == found.analyst]
        if chosen:
            return chosen
    return everyone


class _Builder:
    """Collects notices for one plan; knows the data, the date and the site address."""

    def __init__(
        self,
        data: Dataset,
        as_of: dt.date,
        site_url: str | None,
        contacts: Mapping[str, m.Contact],
    ):
        self.data = data
        self.contacts = contacts
        self.as_of = as_of
        self.site_url = site_url
        self.notices: dict[str, Notice] = {}
        self.notes: list[str] = []
        self.latest = latest_assessments(data, as_of)
        self.executor_of: dict[str, str | None] = {p.id: None for p in data.staff}
        for ex in data.executors.values():
            for p in ex.people:
                self.executor_of.setdefault(p.id, ex.id)

    def analysts_of(self, measure_id: str) -> list[m.Person]:
        return measure_analysts(self.data, measure_id, self.as_of, self.latest)

    def item(self, measure_id: str, note: str) -> Item:
        ms = self.data.measures.get(measure_id)
        title = short(ms.title) if ms else measure_id
        number = (ms.number or ms.id) if ms else measure_id
        return Item(measure_id, title, note, measure_url(self.site_url, measure_id), number)

    def organisation(self, person: m.Person) -> str:
        executor = self.data.executors.get(self.executor_of.get(person.id) or "")
        return executor.name if executor else "НАЗК"

    def add(
        self,
        kind: str,
        person: m.Person,
        keys: tuple[str, ...],
        bucket: str,
        items: list[Item],
        backlog: list[Item] | None = None,
        facts: dict[str, str] | None = None,
    ) -> None:
        nid = notice_id(kind, person.id, keys, bucket)
        self.notices[nid] = Notice(
            nid,
            kind,
            person.id,
            person.name,
            contact.email if (contact := self.contacts.get(person.id)) else None,
            tuple(str(r) for r in person.roles),
            self.organisation(person),
            keys,
            bucket,
            tuple(items),
            tuple(backlog or ()),
            tuple(sorted((facts or {}).items())),
        )


def _due_item(b: _Builder, d: DueReport) -> Item:
    label = period_label(d.period, formal=True)
    if d.state == "missing":
        note = f"звіт за {label} не подано (строк минув {ua_date(d.window_end)})"
    else:
        note = f"звіт за {label} ще не подано (строк — до {ua_date(d.window_end)})"
    return b.item(d.measure, note)


def _sort_due(dues: list[DueReport]) -> list[DueReport]:
    return sorted(dues, key=lambda d: (d.period, d.measure))


def _per_person(
    b: _Builder, executor_id: str, items: list[DueReport], backlog: list[DueReport]
) -> list[tuple[m.Person, list[DueReport], list[DueReport]]]:
    """Each person's share of an executor's reminder: the reports of the measures they are
    assigned (all of them for the координатор; everyone's while a measure is unassigned). A
    person with nothing among `items` gets no notice."""
    people: dict[str, m.Person] = {}
    mine: dict[str, list[DueReport]] = defaultdict(list)
    older: dict[str, list[DueReport]] = defaultdict(list)
    for dues, into in ((items, mine), (backlog, older)):
        for d in dues:
            for person in measure_people(b.data, d.measure, executor_id, b.as_of):
                people.setdefault(person.id, person)
                into[person.id].append(d)
    return [(people[pid], mine[pid], older[pid]) for pid in people if mine[pid]]


def reporting_notices(b: _Builder, snap: Snapshot) -> None:
    """Window opens / closes soon / reports overdue: to the people each measure is assigned
    to, the координатор in copy (measure_people), each with their own measures listed."""
    programme = b.data.programme
    assert programme is not None
    cycle = reporting_cycle(programme, b.as_of)
    by_executor: dict[str, list[DueReport]] = defaultdict(list)
    removed = {mid for mid, s in snap.measures.items() if s.removed}
    for d in snap.due:
        if d.measure not in removed:
            by_executor[d.executor].append(d)
    facts = {
        "period": cycle.period,
        "period_label": period_label(cycle.period, formal=True),
        "window_start": ua_date(cycle.window_start),
        "window_end": ua_date(cycle.window_end),
        "days_left": str((cycle.window_end - b.as_of).days),
    }
    missing_all: list[DueReport] = []
    for executor_id in sorted(by_executor):
        dues = by_executor[executor_id]
        missing = _sort_due([d for d in dues if d.state == "missing"])
        missing_all.extend(missing)
        if cycle.phase == "overdue":
            if not missing:
                continue
            kind, items, backlog = REPORT_OVERDUE, missing, []
        else:
            owed = _sort_due([d for d in dues if d.period == cycle.period and d.state == "pending"])
            if not owed:
                continue
            kind = WINDOW_OPEN if cycle.phase == "open" else WINDOW_CLOSING
            items, backlog = owed, missing
        people = executor_people(b.data, executor_id, b.as_of)
        if not people:
            b.notes.append(
                ngettext(
                    "executor {executor}: {n} report to remind of, but no active "
                    "впроваджувач, менеджер or координатор in its roster — add them to "
                    "data/executors/{executor}.yaml",
                    "executor {executor}: {n} reports to remind of, but no active "
                    "впроваджувач, менеджер or координатор in its roster — add them to "
                    "data/executors/{executor}.yaml",
                    len(items),
                    executor=executor_id,
                )
            )
            continue
        executor = b.data.executors.get(executor_id)
        these = dict(facts, executor=executor.name if executor else executor_id)
        for person, mine, older in _per_person(b, executor_id, items, backlog):
            b.add(
                kind,
                person,
                (executor_id,),
                cycle.period,
                [_due_item(b, d) for d in mine],
                [_due_item(b, d) for d in older],
                these,
            )
    if cycle.phase == "overdue":
        digest_notices(b, missing_all, cycle.period, facts)


def digest_notices(
    b: _Builder, missing: list[DueReport], period: str, facts: dict[str, str]
) -> None:
    """The quarterly digest of missing reports to the analyst of each measure."""
    per_analyst: dict[str, tuple[m.Person, list[DueReport]]] = {}
    for d in missing:
        for person in b.analysts_of(d.measure):
            per_analyst.setdefault(person.id, (person, []))[1].append(d)
    for person, dues in per_analyst.values():
        items: list[Item] = []
        for d in _sort_due(dues):
            executor = b.data.executors.get(d.executor)
            it = _due_item(b, d)
            name = (executor.short_name or executor.name) if executor else d.executor
            items.append(Item(it.measure, it.title, f"{name}: {it.note}", it.url, it.number))
        b.add(OVERDUE_DIGEST, person, ("digest",), period, items, facts=facts)


def deadline_notices(b: _Builder, snap: Snapshot) -> None:
    """A measure's start or end date is within `deadline_near_days` of the run."""
    programme = b.data.programme
    assert programme is not None
    horizon = b.as_of + dt.timedelta(days=programme.reminders.deadline_near_days)
    for mid in sorted(b.data.measures):
        ms = b.data.measures[mid]
        state = snap.measures.get(mid)
        if (ms.removed and ms.removed <= b.as_of) or (state and state.removed):
            continue
        done = ms.completed is not None or (state is not None and state.status == m.Status.DONE)
        for which, day in (("start", ms.deadline.start), ("end", ms.deadline.end)):
            if day is None or not (b.as_of <= day <= horizon):
                continue
            if done or (which == "start" and state and state.status != m.Status.NOT_STARTED):
                continue
            days = (day - b.as_of).days
            when = "сьогодні" if days == 0 else f"через {days} дн. ({ua_date(day)})"
            verb = "починається" if which == "start" else "спливає"
            note = f"строк виконання {verb} {when}; строк за планом: {ms.deadline.text}"
            facts = {"which": which, "date": ua_date(day), "days": str(days)}
            for person in measure_people(b.data, mid, ms.main_executor.executor, b.as_of):
                b.add(
                    DEADLINE_NEAR,
                    person,
                    (mid, which, day.isoformat()),
                    day.isoformat(),
                    [b.item(mid, note)],
                    facts=facts,
                )


def access_notices(b: _Builder, since: Since | None) -> None:
    """A person's access began (their `since` is recent) or they appeared since REF."""
    known_before = since.people if since is not None else None
    people = [*b.data.staff, *(p for ex in b.data.executors.values() for p in ex.people)]
    earliest = b.as_of - dt.timedelta(days=ACCESS_CATCH_UP_DAYS)
    for person in people:
        if not person.active_on(b.as_of):
            continue
        recent = person.since is not None and earliest < person.since <= b.as_of
        added = known_before is not None and person.id not in known_before
        if not (recent or added):
            continue
        owner = b.executor_of.get(person.id) or "nazk"
        bucket = person.since.isoformat() if person.since else "added"
        facts = {"since": ua_date(person.since) if person.since else ""}
        b.add(ACCESS_GRANTED, person, (owner,), bucket, [], facts=facts)


def report_statuses(data: Dataset, snap: Snapshot) -> dict[tuple[str, str], str]:
    """Status of each due report by (measure, period): not in, in on time or late, reviewed."""
    reviewed = {key for a in data.assessments.values() for key in a.reports}
    return {
        (d.measure, d.period): REVIEWED
        if d.report is not None and d.report in reviewed
        else REPORT_STATES[d.state]
        for d in snap.due
    }


def state_of(data: Dataset, snap: Snapshot) -> State:
    """The statuses `--since` compares, from one commit's data and its snapshot."""
    measures = {mid: str(s.status) for mid, s in snap.measures.items() if not s.removed}
    return State(measures, report_statuses(data, snap))


def step_changes(b: _Builder, step: Step) -> list[tuple[str, str, Item]]:
    """(measure, change key, item) for each status that one commit changed."""
    found: list[tuple[str, str, Item]] = []
    for mid, new in sorted(step.after.measures.items()):
        old = step.before.measures.get(mid)
        if old is not None and old != new and mid in b.data.measures:
            note = f"статус заходу змінено: «{old}» → «{new}»"
            found.append((mid, f"{mid}|measure|{old}|{new}", b.item(mid, note)))
    for (mid, period), new in sorted(step.after.reports.items()):
        old = step.before.reports.get((mid, period))
        if old is not None and old != new and mid in b.data.measures:
            note = f"звіт за {period_label(period, formal=True)}: «{old}» → «{new}»"
            found.append((mid, f"{mid}|{period}|{old}|{new}", b.item(mid, note)))
    return found


def change_notices(b: _Builder, since: Since) -> None:
    """Per commit since REF: the measures and reports whose status it changed, to the main
    executor's reporting people and the measure's analyst (one e-mail per person and commit)."""
    programme = b.data.programme
    repository = programme.repository_url if programme else None
    for step in since.steps:
        changes = step_changes(b, step)
        facts = {
            "commit": step.commit[:12],
            "date": ua_date(step.day),
            "commit_url": f"{repository.rstrip('/')}/commit/{step.commit}" if repository else "",
        }
        to_people: dict[str, tuple[m.Person, list[tuple[str, Item]]]] = {}
        for mid, key, item in changes:
            ms = b.data.measures[mid]
            people = [
                *measure_people(b.data, mid, ms.main_executor.executor, b.as_of),
                *b.analysts_of(mid),
            ]
            for person in people:
                entry = to_people.setdefault(person.id, (person, []))
                if (key, item) not in entry[1]:
                    entry[1].append((key, item))
        for person, found in to_people.values():
            keys = tuple(sorted(k for k, _ in found))
            b.add(STATUS_CHANGED, person, keys, step.commit, [it for _, it in found], facts=facts)


def work_out(
    data: Dataset,
    now: Snapshot,
    as_of: dt.date,
    site_url: str | None = None,
    since: Since | None = None,
    contacts: Mapping[str, m.Contact] | None = None,
) -> Plan:
    """Every notice due on `as_of` (pure): reporting windows, overdue reports, near deadlines,
    new access, and — with `since` — status changes made by each commit after REF. Each
    notice's address comes from `contacts` (the decrypted data/contacts.age), by person id."""
    b = _Builder(data, as_of, site_url, contacts or {})
    reporting_notices(b, now)
    deadline_notices(b, now)
    access_notices(b, since)
    if since is not None:
        change_notices(b, since)
    if not site_url:
        b.notes.append(
            _(
                "no site address: messages carry no links to measure pages — set site_url in "
                "the programme file or pass --site-url"
            )
        )
    order = {k: i for i, k in enumerate(KINDS)}
    notices = sorted(b.notices.values(), key=lambda n: (order[n.kind], n.person, n.id))
    return Plan(as_of, tuple(notices), tuple(b.notes))
