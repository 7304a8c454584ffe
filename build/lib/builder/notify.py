"""E-mail notices (сповіщення): what is due on a date, rendered from templates, delivered once.

Three steps, as everywhere in dap:

* `work_out()` is pure: the data, its computed snapshot, a date (and the data at an earlier
  commit, for status changes) in, a `Plan` of `Notice`s with stable ids out.
* `render()` turns one notice into an e-mail (plain text + HTML) from the Ukrainian templates
  in builder/templates/notify/.
* `write_outbox()` writes .eml files for review; `send()` delivers over SMTP and records each
  notice in the `Ledger` right after the server accepted it, so a rerun sends exactly the rest.

Rules and the ledger's home are explained in docs/notifications.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import fcntl
import hashlib
import io
import json
import os
import re
import smtplib
import ssl
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from functools import cache
from pathlib import Path
from typing import IO
from urllib.parse import quote

import jinja2

from . import models as m
from .compute import DueReport, Snapshot
from .errors import ConfigError, DataError, GitError
from .load import Dataset
from .site.context import page_path, page_url

TEMPLATES = Path(__file__).parent / "templates" / "notify"
DEFAULT_LEDGER = Path(".dap-cache/notify-ledger.jsonl")

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

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
REPORT_STATES = {
    "pending": "очікується",
    "missing": "не подано",
    "on_time": "подано вчасно",
    "late": "подано із запізненням",
}
REVIEWED = "розглянуто аналітиком"


# ---------------------------------------------------------------- notices


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


@dataclass(frozen=True)
class Cycle:
    """Where a date falls in the quarterly reporting cycle."""

    period: str  # the quarter being reported on
    phase: str  # "open" | "closing" | "overdue"
    window_start: dt.date
    window_end: dt.date
    closing_from: dt.date


def notice_id(kind: str, person: str, keys: tuple[str, ...], bucket: str) -> str:
    """Stable id of a notice: a hash of (kind, recipient id, subject keys, date bucket)."""
    raw = json.dumps([kind, person, list(keys), bucket], ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


def period_label(period: str) -> str:
    """«IV квартал 2024 р.» from '2024-Q4'."""
    year, q = m.parse_period(period)
    return f"{ROMAN[q]} квартал {year} р."


def ua_date(day: dt.date) -> str:
    """A date as Ukrainians write it: 15.01.2025."""
    return day.strftime("%d.%m.%Y")


def active_on(person: m.Person, day: dt.date) -> bool:
    """The person has access on `day` (since unset or reached; until unset or not passed)."""
    return (person.since is None or person.since <= day) and (
        person.until is None or person.until >= day
    )


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


def quarter_window(programme: m.Programme, period: str) -> tuple[dt.date, dt.date]:
    """First and last day of the reporting window of a quarter (days of the month after it)."""
    year, q = m.parse_period(period)
    nxt = dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)
    r = programme.reporting
    return nxt.replace(day=r.window_start_day), nxt.replace(day=r.window_end_day)


def previous_period(period: str) -> str:
    """The quarter before."""
    year, q = m.parse_period(period)
    return f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"


def reporting_cycle(programme: m.Programme, as_of: dt.date) -> Cycle:
    """The quarter being reported on at `as_of` and the phase: window open, closing, or past."""
    period = previous_period(f"{as_of.year}-Q{(as_of.month - 1) // 3 + 1}")
    start, end = quarter_window(programme, period)
    if as_of < start:  # a window opening later than the 1st: still after the previous one
        period = previous_period(period)
        start, end = quarter_window(programme, period)
    closing_from = end - dt.timedelta(days=programme.reminders.window_closing_days)
    if as_of > end:
        phase = "overdue"
    elif as_of >= closing_from:
        phase = "closing"
    else:
        phase = "open"
    return Cycle(period, phase, start, end, closing_from)


def executor_people(data: Dataset, executor_id: str, day: dt.date) -> list[m.Person]:
    """The executor's впроваджувачі, менеджери and координатор with access on `day`."""
    executor = data.executors.get(executor_id)
    if executor is None:
        return []
    return [
        p
        for p in executor.people
        if active_on(p, day) and any(r in REPORTING_ROLES for r in p.roles)
    ]


def analysts(data: Dataset, day: dt.date) -> list[m.Person]:
    """NACP analysts with access on `day`."""
    return [p for p in data.staff if m.StaffRole.ANALYST in p.roles and active_on(p, day)]


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
    """The analyst of a measure: the author of its latest assessment, else every analyst."""
    found = (latest if latest is not None else latest_assessments(data, day)).get(measure_id)
    everyone = analysts(data, day)
    if found is not None:
        chosen = [p for p in everyone if p.id == found.analyst]
        if chosen:
            return chosen
    return everyone


class _Builder:
    """Collects notices for one plan; knows the data, the date and the site address."""

    def __init__(self, data: Dataset, as_of: dt.date, site_url: str | None):
        self.data = data
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
            person.email,
            tuple(str(r) for r in person.roles),
            self.organisation(person),
            keys,
            bucket,
            tuple(items),
            tuple(backlog or ()),
            tuple(sorted((facts or {}).items())),
        )


def _due_item(b: _Builder, d: DueReport) -> Item:
    label = period_label(d.period)
    if d.state == "missing":
        note = f"звіт за {label} не подано (строк минув {ua_date(d.window_end)})"
    else:
        note = f"звіт за {label} ще не подано (строк — до {ua_date(d.window_end)})"
    return b.item(d.measure, note)


def _sort_due(dues: list[DueReport]) -> list[DueReport]:
    return sorted(dues, key=lambda d: (d.period, d.measure))


def reporting_notices(b: _Builder, snap: Snapshot) -> None:
    """Window opens / closes soon / reports overdue, to each executor's reporting people."""
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
        "period_label": period_label(cycle.period),
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
                f"executor {executor_id}: {len(items)} report(s) to remind of, but no active "
                "впроваджувач, менеджер or координатор in its roster"
            )
        executor = b.data.executors.get(executor_id)
        these = dict(facts, executor=executor.name if executor else executor_id)
        for person in people:
            b.add(
                kind,
                person,
                (executor_id,),
                cycle.period,
                [_due_item(b, d) for d in items],
                [_due_item(b, d) for d in backlog],
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
            for person in executor_people(b.data, ms.main_executor.executor, b.as_of):
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
        if not active_on(person, b.as_of):
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
            note = f"звіт за {period_label(period)}: «{old}» → «{new}»"
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
                *executor_people(b.data, ms.main_executor.executor, b.as_of),
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
) -> Plan:
    """Every notice due on `as_of` (pure): reporting windows, overdue reports, near deadlines,
    new access, and — with `since` — status changes made by each commit after REF."""
    b = _Builder(data, as_of, site_url)
    reporting_notices(b, now)
    deadline_notices(b, now)
    access_notices(b, since)
    if since is not None:
        change_notices(b, since)
    if not site_url:
        b.notes.append(
            "no site address: messages carry no links to measure pages — set site_url in "
            "the programme file or pass --site-url"
        )
    order = {k: i for i, k in enumerate(KINDS)}
    notices = sorted(b.notices.values(), key=lambda n: (order[n.kind], n.person, n.id))
    return Plan(as_of, tuple(notices), tuple(b.notes))


# ---------------------------------------------------------------- rendering


@dataclass(frozen=True)
class Rendered:
    """A notice as words: subject, plain text and HTML."""

    notice: Notice
    subject: str
    text: str
    html: str


@cache
def _environments() -> tuple[jinja2.Environment, jinja2.Environment]:
    loader = jinja2.FileSystemLoader(str(TEMPLATES))
    common = {
        "loader": loader,
        "undefined": jinja2.StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    text = jinja2.Environment(autoescape=False, **common)  # type: ignore[arg-type]  # noqa: S701 - plain text
    html = jinja2.Environment(autoescape=True, **common)  # type: ignore[arg-type]
    return text, html


def render(
    notice: Notice, programme: m.Programme, as_of: dt.date, site_url: str | None
) -> Rendered:
    """Subject, plain text and HTML of a notice from builder/templates/notify/<kind>.txt/.html.

    The first line of the plain-text template's output is the subject; HTML is escaped.
    """
    text_env, html_env = _environments()
    context = {
        "n": notice,
        "facts": dict(notice.facts),
        "items": notice.items,
        "backlog": notice.backlog,
        "programme": programme.short_title or programme.title,
        "as_of": ua_date(as_of),
        "site_url": site_url.rstrip("/") + "/" if site_url else None,
        "roles": ", ".join(notice.roles),
    }
    raw = text_env.get_template(f"{notice.kind}.txt").render(context)
    raw = re.sub(r"\n{3,}", "\n\n", raw)  # templates stay readable; letters get one blank line
    first, _, body = raw.partition("\n")
    subject = " ".join(first.split())
    html = html_env.get_template(f"{notice.kind}.html").render(context, subject=subject)
    return Rendered(notice, subject, body.strip("\n") + "\n", html)


def message(r: Rendered, sender: str, date: dt.datetime) -> Message:
    """The e-mail of a rendered notice (multipart/alternative), byte-for-byte reproducible.

    Built with the compat32 MIME classes: the newer EmailMessage folding of Python 3.11 drops
    the spaces between encoded words of a long Cyrillic subject.
    """
    if not r.notice.email:
        raise ValueError(f"{r.notice.person} has no e-mail address")
    msg = MIMEMultipart("alternative", boundary=f"=_dap_{r.notice.id}")
    msg["From"] = sender if sender.isascii() else _address(sender)
    msg["To"] = email.utils.formataddr((r.notice.name, r.notice.email), charset="utf-8")
    msg["Subject"] = Header(r.subject, "utf-8")  # type: ignore[assignment]
    msg["Date"] = email.utils.format_datetime(date)
    msg["Message-ID"] = f"<{r.notice.id}@dap-notify>"
    msg["Auto-Submitted"] = "auto-generated"
    msg["Content-Language"] = "uk"
    msg["X-DAP-Notice"] = r.notice.id
    msg["X-DAP-Kind"] = r.notice.kind
    msg.attach(MIMEText(r.text, "plain", "utf-8"))
    msg.attach(MIMEText(r.html, "html", "utf-8"))
    return msg


def _address(value: str) -> str:
    """'Name <addr>' with a non-ASCII name encoded for a header."""
    name, addr = email.utils.parseaddr(value)
    return email.utils.formataddr((name, addr), charset="utf-8")


# ---------------------------------------------------------------- the ledger


class Ledger:
    """Ids of notices already sent: JSON lines, one appended and fsynced after each send.

    Lines hold the notice id, kind, person id and time — never an address. A line torn by a
    crash is skipped on reading (its notice counts as not sent).
    """

    def __init__(self, path: Path | None):
        self.path = path
        self.sent: set[str] = set()
        self.torn = 0
        self._fh: IO[bytes] | None = None
        if path is not None and path.exists():
            self._parse(path.read_bytes())

    def _parse(self, raw: bytes) -> None:
        self.sent, self.torn = set(), 0
        for line in raw.decode("utf-8", errors="replace").splitlines():
            if not line.strip():
                continue
            try:
                self.sent.add(str(json.loads(line)["id"]))
            except (ValueError, KeyError, TypeError):
                self.torn += 1

    def __contains__(self, notice_id: str) -> bool:
        return notice_id in self.sent

    def open(self) -> None:
        """Take an exclusive lock (one sending run per ledger), then read it afresh."""
        if self.path is None or self._fh is not None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fh = open(self.path, "a+b")  # noqa: SIM115 - held for the whole run
        except OSError as exc:
            raise ConfigError(
                f"{self.path}: the ledger cannot be written ({exc.strerror}) — pass a writable "
                "--ledger path"
            ) from exc
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fh.close()
            raise ConfigError(
                f"{self.path}: another 'dap notify --send' is using this ledger — wait for it"
            ) from exc
        fh.seek(0)
        raw = fh.read()
        self._parse(raw)  # a run that finished after this one started has appended
        if raw and not raw.endswith(b"\n"):  # a line torn by a crash: end it
            fh.write(b"\n")
        self._fh = fh

    def record(self, notice: Notice, when: dt.datetime) -> None:
        """Append one sent notice and make it durable before anything else is sent."""
        self.sent.add(notice.id)
        if self._fh is None:
            return
        line = {
            "id": notice.id,
            "kind": notice.kind,
            "person": notice.person,
            "bucket": notice.bucket,
            "sent": when.isoformat(timespec="seconds"),
        }
        self._fh.write(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        """Release the lock."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None


# ---------------------------------------------------------------- delivery


@dataclass
class Outcome:
    """What happened to one notice in this run."""

    notice: Notice
    state: str  # sent | written | unchanged | already_sent | no_address | failed | not_attempted
    detail: str = ""


@dataclass
class Delivery:
    """The result of a run: one outcome per notice, and notes."""

    plan: Plan
    mode: str  # "outbox" | "smtp"
    where: str
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, state: str) -> int:
        """How many notices ended in `state`."""
        return sum(o.state == state for o in self.outcomes)

    @property
    def failed(self) -> bool:
        """True when some notice that should have gone did not."""
        return any(o.state in ("failed", "not_attempted", "conflict") for o in self.outcomes)

    def summary(self) -> list[str]:
        """Lines for the log: counts, person ids and notice ids — never addresses."""
        plan = self.plan
        by_kind: dict[str, int] = defaultdict(int)
        for n in plan.notices:
            by_kind[n.kind] += 1
        kinds = ", ".join(f"{k} {by_kind[k]}" for k in KINDS if by_kind[k])
        lines = [
            f"{len(plan.notices)} notice(s) due on {plan.as_of}" + (f": {kinds}" if kinds else "")
        ]
        labels = {
            "sent": "sent",
            "written": "written",
            "unchanged": "already in the outbox, identical",
            "already_sent": "already sent (in the ledger), skipped",
        }
        for state, label in labels.items():
            if self.count(state):
                lines.append(f"  {label}: {self.count(state)}")
                if state in ("sent", "written") and self.failed:  # say which went
                    lines.append(
                        "    "
                        + ", ".join(
                            f"{o.notice.id} → {o.notice.person}"
                            for o in self.outcomes
                            if o.state == state
                        )
                    )
        no_address = [o.notice.person for o in self.outcomes if o.state == "no_address"]
        if no_address:
            lines.append(
                f"  no e-mail address: {len(no_address)} — add one to the roster for: "
                + ", ".join(sorted(set(no_address)))
            )
        for o in self.outcomes:
            if o.state in ("failed", "conflict"):
                lines.append(
                    f"  FAILED {o.notice.id} {o.notice.kind} → {o.notice.person}: {o.detail}"
                )
        waiting = [o for o in self.outcomes if o.state == "not_attempted"]
        if waiting:
            lines.append(
                f"  not attempted: {len(waiting)} ({waiting[0].detail}) — "
                + ", ".join(f"{o.notice.id} → {o.notice.person}" for o in waiting)
            )
        for note in plan.notes:
            lines.append(f"  note: {note}")
        if self.mode == "smtp" and self.failed:
            lines.append("  run the same command again to send exactly the rest")
        return lines


EMAIL_RE = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")


def redact(text: str) -> str:
    """Text from a server or an exception with every e-mail address hidden."""
    return EMAIL_RE.sub("<address hidden>", " ".join(str(text).split()))[:300]


def _skip(n: Notice, ledger: Ledger) -> Outcome | None:
    """The outcome of a notice that is not delivered at all: already sent, or no address."""
    if n.id in ledger:
        return Outcome(n, "already_sent")
    if not n.email:
        return Outcome(n, "no_address")
    return None


def outbox_name(n: Notice) -> str:
    """File name of a notice in the outbox: kind, person id and notice id."""
    return f"{n.kind}--{n.person}--{n.id}.eml"


def write_outbox(
    plan: Plan,
    rendered: list[Rendered],
    folder: Path,
    sender: str,
    ledger: Ledger,
) -> Delivery:
    """Write each notice as an .eml file under folder/<as_of>/ for review (nothing is sent).

    An existing file is left alone: identical means done, different is reported as a conflict.
    Notices already in the ledger are skipped, as `--send` would skip them.
    """
    target = folder / plan.as_of.isoformat()
    result = Delivery(plan, "outbox", str(target))
    date = dt.datetime.combine(plan.as_of, dt.time(9, 0), dt.UTC)
    for r in rendered:
        n = r.notice
        if skipped := _skip(n, ledger):
            result.outcomes.append(skipped)
            continue
        raw = message(r, sender, date).as_bytes()
        path = target / outbox_name(n)
        if path.exists():
            same = path.read_bytes() == raw
            result.outcomes.append(
                Outcome(n, "unchanged")
                if same
                else Outcome(
                    n,
                    "conflict",
                    f"{path} exists with other content — review and move it away, "
                    "or pass another --outbox",
                )
            )
            continue
        try:
            target.mkdir(parents=True, exist_ok=True)
            with open(path, "xb") as fh:
                fh.write(raw)
        except OSError as exc:
            result.outcomes.append(Outcome(n, "failed", f"cannot write {path}: {exc.strerror}"))
            continue
        result.outcomes.append(Outcome(n, "written"))
    return result


SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
LOOPBACK = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send, from DAP_SMTP_* environment variables."""

    host: str
    port: int
    security: str
    user: str | None
    password: str | None = field(repr=False)
    sender: str
    cafile: str | None = None  # a CA bundle to trust instead of the system's (a private CA)
    timeout: float = 30.0


def smtp_settings(env: Mapping[str, str]) -> SmtpSettings:
    """Read DAP_SMTP_HOST, _PORT, _SECURITY, _USER, _PASSWORD, _FROM, _CAFILE; name what is wrong."""
    host = env.get("DAP_SMTP_HOST", "").strip()
    if not host:
        raise ConfigError("DAP_SMTP_HOST is not set — set it to the SMTP server's name to --send")
    security = env.get("DAP_SMTP_SECURITY", "starttls").strip().lower() or "starttls"
    if security not in SECURITY:
        raise ConfigError(
            f"DAP_SMTP_SECURITY={security!r} is not known — use one of: {', '.join(SECURITY)}"
        )
    port_text = env.get("DAP_SMTP_PORT", "").strip()
    try:
        port = int(port_text) if port_text else DEFAULT_PORTS[security]
    except ValueError:
        raise ConfigError(f"DAP_SMTP_PORT={port_text!r} is not a number — e.g. 587") from None
    if not 0 < port < 65536:
        raise ConfigError(f"DAP_SMTP_PORT={port} is out of range — e.g. 587")
    user = env.get("DAP_SMTP_USER", "").strip() or None
    password = env.get("DAP_SMTP_PASSWORD") or None
    if user and password is None:
        raise ConfigError("DAP_SMTP_USER is set but DAP_SMTP_PASSWORD is not — set both or neither")
    if security == "none" and user and host not in LOOPBACK:
        raise ConfigError(
            "DAP_SMTP_SECURITY=none would send the password unencrypted — use starttls or ssl"
        )
    sender = env.get("DAP_SMTP_FROM", "").strip() or (user if user and "@" in user else "")
    if not sender or "@" not in email.utils.parseaddr(sender)[1]:
        raise ConfigError(
            "DAP_SMTP_FROM is not set — set it to the sender address, e.g. "
            "'Моніторинг ДАП <noreply@example.gov.ua>'"
        )
    cafile = env.get("DAP_SMTP_CAFILE", "").strip() or None
    if cafile and not Path(cafile).is_file():
        raise ConfigError(f"DAP_SMTP_CAFILE={cafile!r} is not a file — give the CA bundle's path")
    return SmtpSettings(host, port, security, user, password, sender, cafile)


def connect(s: SmtpSettings) -> smtplib.SMTP:
    """An open, authenticated SMTP connection as the settings say."""
    context = ssl.create_default_context(cafile=s.cafile)
    if s.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
    else:
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.security == "starttls":
            smtp.starttls(context=context)
    if s.user and s.password is not None:
        smtp.login(s.user, s.password)
    return smtp


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return redact(f"{code} {text}")


def send(
    plan: Plan,
    rendered: list[Rendered],
    settings: SmtpSettings,
    ledger: Ledger,
    clock: Callable[[], dt.datetime] | None = None,
) -> Delivery:
    """Send every notice not in the ledger; record each right after the server accepted it.

    A refused recipient or message fails that notice only; a lost connection stops the run and
    leaves the rest for the next one (which sends exactly them).
    """
    now = clock or _utc_now
    result = Delivery(plan, "smtp", f"{settings.host}:{settings.port}")
    smtp: smtplib.SMTP | None = None
    stopped = ""
    ledger.open()
    try:
        for r in rendered:
            n = r.notice
            if skipped := _skip(n, ledger):
                result.outcomes.append(skipped)
                continue
            if stopped:
                result.outcomes.append(Outcome(n, "not_attempted", stopped))
                continue
            assert n.email  # _skip passed it on, so it has an address
            try:
                if smtp is None:
                    smtp = connect(settings)
                envelope_from = email.utils.parseaddr(settings.sender)[1]
                smtp.send_message(message(r, settings.sender, now()), envelope_from, [n.email])
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = next(iter(exc.recipients.values()), (0, b""))
                result.outcomes.append(
                    Outcome(n, "failed", "recipient refused: " + _reply(code, text))
                )
            except smtplib.SMTPDataError as exc:
                result.outcomes.append(
                    Outcome(
                        n, "failed", "message refused: " + _reply(exc.smtp_code, exc.smtp_error)
                    )
                )
            except (smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError) as exc:
                stopped = "the server refused the sender or the login: " + _reply(
                    exc.smtp_code, exc.smtp_error
                )
                result.outcomes.append(Outcome(n, "failed", stopped))
            except (OSError, smtplib.SMTPException) as exc:  # down, dropped, timed out, TLS
                stopped = f"connection lost: {type(exc).__name__}: {redact(str(exc)) or '-'}"
                result.outcomes.append(Outcome(n, "failed", stopped))
                _close(smtp)
                smtp = None
            else:
                ledger.record(n, now())
                result.outcomes.append(Outcome(n, "sent"))
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                _close(smtp)
        ledger.close()
    return result


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        with contextlib.suppress(OSError):
            smtp.close()


# ---------------------------------------------------------------- the data at an earlier commit


def git_top(folder: Path) -> Path | None:
    """The top folder of the Git repository holding `folder`, or None."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=folder,
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    return Path(out.stdout.decode().strip()) if out.returncode == 0 else None


def _git(top: Path, *args: str) -> bytes:
    out = subprocess.run(["git", *args], cwd=top, capture_output=True, check=False)
    if out.returncode != 0:
        raise GitError(
            f"git {' '.join(args[:2])} failed: {out.stderr.decode('utf-8', 'replace').strip()}"
        )
    return out.stdout


def resolve(top: Path, ref: str) -> str:
    """The full sha of a commit-ish; GitError naming the ref if it is not one."""
    out = subprocess.run(
        ["git", "rev-parse", "--verify", "-q", f"{ref}^{{commit}}"],
        cwd=top,
        capture_output=True,
        check=False,
    )
    if out.returncode != 0:
        raise GitError(f"--since {ref}: not a commit in {top} — name a branch, tag or commit")
    return out.stdout.decode().strip()


MAX_STEPS = 500  # commits walked by --since; more means REF is far too old


def extract_data(top: Path, rel: str, commit: str, into: Path) -> Path:
    """Unpack the data folder as it was at `commit` (via `git archive`) under `into`."""
    archive = _git(top, "archive", "--format=tar", commit, "--", rel or ".")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / rel if rel else into


def read_since(data_dir: Path, ref: str, as_of: dt.date, current: State) -> Since:
    """The state at REF and after each first-parent commit since REF that touched the data.

    The working folder stands for the last such commit (the workflow runs on a clean checkout).
    """
    from .compute import snapshot
    from .history import read_history
    from .load import load

    top = git_top(data_dir)
    if top is None:
        raise GitError(f"--since needs Git: {data_dir} is not in a Git repository")
    commit = resolve(top, ref)
    rel = data_dir.resolve().relative_to(top.resolve()).as_posix()
    rel = "" if rel == "." else rel
    if rel and not _git(top, "ls-tree", "-d", "--name-only", commit, "--", rel).strip():
        raise GitError(f"--since {ref}: {rel}/ does not exist at that commit — name a later one")
    log = _git(
        top,
        "log",
        "--first-parent",
        "--reverse",
        "--format=%H %cI",
        f"{commit}..HEAD",
        "--",
        rel or ".",
    )
    commits = [line.split(" ", 1) for line in log.decode().splitlines() if line.strip()]
    if len(commits) > MAX_STEPS:
        raise GitError(
            f"--since {ref}: {len(commits)} commits changed the data since — name a later commit "
            f"(at most {MAX_STEPS})"
        )

    def state_at(sha: str, tmp: Path) -> tuple[State, Dataset]:
        data, problems = load(extract_data(top, rel, sha, tmp / sha), str(data_dir))
        errors = [p for p in problems if p.severity == "error"]
        if errors or data.programme is None:
            first = str(errors[0]) if errors else "no programme file"
            raise GitError(
                f"--since {ref}: the data at {sha[:12]} cannot be read ({len(errors)} error(s); "
                f"first: {first}) — name a later commit whose data is valid"
            )
        use_git = data.programme.reporting.submission_dates == "git"
        history = read_history(top, sha) if use_git else None
        return state_of(data, snapshot(data, history, as_of, as_of)), data

    with tempfile.TemporaryDirectory(prefix="dap-notify-") as tmp:
        before, old_data = state_at(commit, Path(tmp))
        people = {p.id for p in old_data.staff}
        people |= {p.id for ex in old_data.executors.values() for p in ex.people}
        steps: list[Step] = []
        for i, (sha, when) in enumerate(commits):
            after = current if i == len(commits) - 1 else state_at(sha, Path(tmp))[0]
            day = dt.datetime.fromisoformat(when).date()
            steps.append(Step(sha, day, before, after))
            before = after
    return Since(ref, commit, frozenset(people), tuple(steps))


# ---------------------------------------------------------------- one run


def run(
    data_dir: Path,
    as_of: dt.date,
    since: str | None = None,
    outbox: Path = Path("outbox"),
    do_send: bool = False,
    ledger_path: Path | None = None,
    site_url: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Delivery:
    """Load and check the data, work out the notices due on `as_of`, then write or send them."""
    from .compute import snapshot
    from .history import read_history
    from .validate import validate

    env = os.environ if env is None else env
    settings = smtp_settings(env) if do_send else None  # fail early on a bad setting
    data, problems = validate(data_dir, str(data_dir))
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)
    programme = data.programme
    assert programme is not None
    site = site_url or programme.site_url
    top = git_top(data_dir) if data_dir.exists() else None
    history = read_history(top or data_dir)  # outside Git: unavailable, file dates are used
    now = snapshot(data, history, as_of, as_of)
    changes = read_since(data_dir, since, as_of, state_of(data, now)) if since else None
    plan = work_out(data, now, as_of, site, changes)
    rendered = [render(n, programme, as_of, site) for n in plan.notices]
    if settings is not None and ledger_path is None:
        ledger_path = DEFAULT_LEDGER
    ledger = Ledger(ledger_path)
    if ledger.torn:
        plan = Plan(
            plan.as_of,
            plan.notices,
            (*plan.notes, f"ledger {ledger_path}: {ledger.torn} unreadable line(s) skipped"),
        )
    if settings is not None:
        return send(plan, rendered, settings, ledger)
    sender = env.get("DAP_SMTP_FROM", "").strip() or "noreply@dap-notify.invalid"
    return write_outbox(plan, rendered, outbox, sender, ledger)
