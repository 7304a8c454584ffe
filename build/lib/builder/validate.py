"""Rules across files: ids, references, weights, dates, reporting and the role rules of III.15–III.16.

Each rule is a function from a Dataset to problems; `RULES` lists them in the order they run.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator

from . import models as m
from .errors import Problem
from .load import Dataset
from .quarters import quarter_bounds

Rule = Callable[[Dataset], Iterator[Problem]]

EXECUTOR_ROLES = set(m.ExecutorRole)
STAFF_ROLES = set(m.StaffRole)

# Which monitoring-result labels go with which status; other pairs are flagged as warnings.
LABELS_FOR_STATUS: dict[m.Status, set[m.ResultLabel]] = {
    m.Status.DONE: {m.ResultLabel.DONE_ON_TIME, m.ResultLabel.DONE_LATE_OR_PARTLY},
    m.Status.PARTLY_DONE: {m.ResultLabel.DONE_LATE_OR_PARTLY},
    m.Status.IN_PROGRESS: {
        m.ResultLabel.PROGRESS,
        m.ResultLabel.STARTED_ON_TIME,
        m.ResultLabel.STARTED_LATE,
    },
    m.Status.NOT_DONE: {m.ResultLabel.NOT_DONE},
    m.Status.NOT_STARTED: {m.ResultLabel.NOT_DONE},
}


def measure_span(
    measure: m.Measure, programme: m.Programme | None
) -> tuple[dt.date | None, dt.date | None]:
    """The measure's active span, open ends filled from the programme period."""
    start = measure.deadline.start or (programme.period.start if programme else None)
    end = measure.deadline.end or (programme.period.end if programme else None)
    return start, end


def people_index(data: Dataset) -> dict[str, tuple[str | None, m.Person]]:
    """Every person by id, with their executor id (None for NACP staff)."""
    index: dict[str, tuple[str | None, m.Person]] = {}
    for person in data.staff:
        index.setdefault(person.id, (None, person))
    for executor in data.executors.values():
        for person in executor.people:
            index.setdefault(person.id, (executor.id, person))
    return index


# ---------------------------------------------------------------- rules


def check_ids(data: Dataset) -> Iterator[Problem]:
    """Ids match file names; reports, assessments and evaluations sit in their period's folder."""
    for kind in ("sections", "results", "measures", "executors", "feedback", "notices"):
        for key, record in getattr(data, kind).items():
            if record.id != key:
                yield data.source(kind, key).problem(
                    ("id",),
                    f"id '{record.id}' does not match the file name '{key}.yaml'",
                    f"rename the file to '{record.id}.yaml' or set id: {key}",
                    "id-mismatch",
                )
    for kind in ("reports", "assessments"):
        for key, rec in getattr(data, kind).items():
            folder, stem = key.split("/", 1)
            src = data.source(kind, key)
            if rec.period != folder:
                yield src.problem(
                    ("period",),
                    f"period {rec.period} does not match the folder '{folder}'",
                    f"move the file to {kind}/{rec.period}/ or correct the period",
                    "id-mismatch",
                )
            base, _, seq = stem.partition("@")
            if base != rec.measure or (seq and not (seq.isdigit() and int(seq) >= 2)):
                yield src.problem(
                    ("measure",),
                    f"measure '{rec.measure}' does not match the file name '{stem}.yaml'",
                    f"name the file '{rec.measure}.yaml' (a correction: '{rec.measure}@2.yaml')",
                    "id-mismatch",
                )
    for key, ev in data.evaluations.items():
        folder, stem = key.split("/", 1)
        src = data.source("evaluations", key)
        if str(ev.year) != folder:
            yield src.problem(
                ("year",),
                f"year {ev.year} does not match the folder '{folder}'",
                f"move the file to evaluations/{ev.year}/",
                "id-mismatch",
            )
        if ev.result != stem:
            yield src.problem(
                ("result",),
                f"ОСР '{ev.result}' does not match the file name '{stem}.yaml'",
                f"name the file '{ev.result}.yaml'",
                "id-mismatch",
            )


def check_programme(data: Dataset) -> Iterator[Problem]:
    """The programme's own settings are consistent."""
    p = data.programme
    if p is None:
        return
    src = data.source("programme", "programme")
    if p.period.start > p.period.end:
        yield src.problem(
            ("period", "end"),
            f"the period ends ({p.period.end}) before it starts ({p.period.start})",
            "swap the dates",
            "dates",
        )
    if p.levels.medium_from >= p.levels.high_from:
        yield src.problem(
            ("levels",),
            "medium_from must be below high_from",
            "e.g. medium_from: 40, high_from: 75",
            "levels",
        )
    if p.reporting.window_start_day > p.reporting.window_end_day:
        yield src.problem(
            ("reporting", "window_end_day"),
            "the reporting window ends before it opens",
            "e.g. window_start_day: 1, window_end_day: 15",
            "dates",
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
            loc: tuple[str | int, ...] = ("people", i)
            if person.id in seen:
                yield src.problem(
                    loc + ("id",),
                    f"person '{person.id}' is already listed in {seen[person.id]}",
                    "give each person one id and list them once",
                    "duplicate-id",
                )
            seen.setdefault(person.id, src.path)
            if person.github:
                login = person.github.lower()
                if login in logins:
                    yield src.problem(
                        loc + ("github",),
                        f"GitHub login '{person.github}' is also used in {logins[login]}",
                        "one login belongs to one person",
                        "duplicate-id",
                    )
                logins.setdefault(login, src.path)
            counts = Counter(person.roles)
            for role, n in counts.items():
                if n > 1:
                    yield src.problem(
                        loc + ("roles",),
                        f"role '{role}' is listed {n} times for {person.id}",
                        "list each role once",
                        "role-twice",
                    )
            roles = set(person.roles)
            if executor_id is None and roles & EXECUTOR_ROLES:
                yield src.problem(
                    loc + ("roles",),
                    f"{person.id}: NACP staff cannot hold executors' roles "
                    f"({', '.join(sorted(roles & EXECUTOR_ROLES))})",
                    "list the person in their executor's file instead",
                    "role-rule",
                )
            if executor_id is not None and roles & STAFF_ROLES:
                yield src.problem(
                    loc + ("roles",),
                    f"{person.id}: executors' people cannot hold NACP roles "
                    f"({', '.join(sorted(roles & STAFF_ROLES))})",
                    "list the person in data/staff.yaml instead",
                    "role-rule",
                )
            if m.StaffRole.ANALYST in roles and len(roles) > 1:
                yield src.problem(
                    loc + ("roles",),
                    f"{person.id}: an analyst may hold no other role (III.16)",
                    "give the other roles to another person",
                    "role-rule",
                )
            if m.ExecutorRole.HEAD in roles and m.ExecutorRole.IMPLEMENTER in roles:
                yield src.problem(
                    loc + ("roles",),
                    f"{person.id}: the same person may not be керівник and впроваджувач (III.15)",
                    "give one of the roles to another person",
                    "role-rule",
                )
            if m.ExecutorRole.MANAGER in roles and m.ExecutorRole.IMPLEMENTER in roles:
                yield src.problem(
                    loc + ("roles",),
                    f"{person.id}: the same person may not be уповноважений "
                    "менеджер and впроваджувач (III.15)",
                    "give one of the roles to another person",
                    "role-rule",
                )
            if person.since and person.until and person.until < person.since:
                yield src.problem(
                    loc + ("until",),
                    "access ends before it was granted",
                    "check the dates",
                    "dates",
                )
    main_of = {ms.main_executor.executor for ms in data.measures.values()}
    for key, ex in data.executors.items():
        src = data.source("executors", key)
        active = [p for p in ex.people if p.until is None]
        if not ex.people:
            if key in main_of:
                yield src.problem(
                    ("people",),
                    f"{ex.id} is a main executor but lists nobody who can report",
                    "add its керівник, координатор впровадження, уповноважені менеджери and "
                    "впроваджувачі",
                    "roster",
                    "warning",
                )
            continue
        counts = Counter(role for p in active for role in set(p.roles))
        for role, wanted in (
            (m.ExecutorRole.HEAD, "exactly one"),
            (m.ExecutorRole.COORDINATOR, "exactly one"),
        ):
            if counts[role] != 1:
                yield src.problem(
                    ("people",),
                    f"{ex.id} has {counts[role]} active '{role}', needs {wanted} (III.15)",
                    "mark a former one with 'until: DATE' or name one",
                    "role-rule",
                )
        for role in (m.ExecutorRole.MANAGER, m.ExecutorRole.IMPLEMENTER):
            if counts[role] == 0:
                yield src.problem(
                    ("people",),
                    f"{ex.id} names no active '{role}' (III.15: all four roles)",
                    "add a person with this role",
                    "role-rule",
                )


def check_structure(data: Dataset) -> Iterator[Problem]:
    """Sections, ОСР and their indicators hang together; weights add up."""
    for key, s in data.sections.items():
        src = data.source("sections", key)
        if s.parent is None:
            if s.level == m.SectionLevel.PROBLEM:
                yield src.problem(
                    ("parent",),
                    f"проблема {s.id} needs its напрям as parent",
                    "add parent: ID",
                    "ref",
                )
            continue
        parent = data.sections.get(s.parent)
        if parent is None:
            yield src.problem(
                ("parent",),
                f"section '{s.parent}' does not exist",
                f"create data/sections/{s.parent}.yaml or correct the id",
                "ref",
            )
        elif s.level == m.SectionLevel.DIRECTION or parent.level != m.SectionLevel.DIRECTION:
            yield src.problem(
                ("parent",),
                f"a {s.level} cannot sit under a {parent.level} ({parent.id})",
                "проблема and завдання sit under a напрям; a напрям has no parent",
                "structure",
            )
    for key, r in data.results.items():
        src = data.source("results", key)
        problem = data.sections.get(r.problem)
        if problem is None:
            yield src.problem(
                ("problem",),
                f"problem '{r.problem}' does not exist",
                f"create data/sections/{r.problem}.yaml or correct the id",
                "ref",
            )
        elif problem.level == m.SectionLevel.DIRECTION:
            yield src.problem(
                ("problem",),
                f"'{r.problem}' is a напрям; an ОСР belongs to a проблема",
                "name the problem",
                "structure",
            )
        if r.indicators:
            total = sum(i.weight for i in r.indicators)
            if abs(total - 100) > 1e-6:
                yield src.problem(
                    ("indicators",),
                    f"indicator weights sum to {total:g}, not 100",
                    "correct the weights so that they add up to 100",
                    "weights",
                )
        ids = Counter(i.id for i in r.indicators)
        for n, ind in enumerate(r.indicators):
            loc: tuple[str | int, ...] = ("indicators", n)
            if ids[ind.id] > 1:
                yield src.problem(
                    loc + ("id",),
                    f"indicator id '{ind.id}' is used twice",
                    "make ids unique",
                    "duplicate-id",
                )
            if not ind.subindicators:
                if ind.kind is not None:
                    yield src.problem(
                        loc + ("kind",),
                        "kind is set but there are no subindicators",
                        "remove kind or add subindicators",
                        "weights",
                        "warning",
                    )
                continue
            if ind.kind is None:
                yield src.problem(
                    loc + ("kind",),
                    "an indicator with subindicators needs a kind",
                    f"kind: {m.SubindicatorKind.CUMULATIVE} (parts add up) or kind: "
                    f"{m.SubindicatorKind.TIERED} (highest tier counts)",
                    "missing",
                )
                continue
            sub_ids = Counter(s.id for s in ind.subindicators)
            for j, sub in enumerate(ind.subindicators):
                if sub_ids[sub.id] > 1:
                    yield src.problem(
                        loc + ("subindicators", j, "id"),
                        f"subindicator id '{sub.id}' is used twice",
                        "make ids unique",
                        "duplicate-id",
                    )
            shares = [s.share for s in ind.subindicators]
            if ind.kind == m.SubindicatorKind.CUMULATIVE and abs(sum(shares) - ind.weight) > 1e-6:
                yield src.problem(
                    loc + ("subindicators",),
                    f"cumulative shares sum to {sum(shares):g}, "
                    f"not the indicator's weight {ind.weight:g}",
                    "correct the shares",
                    "weights",
                )
            if ind.kind == m.SubindicatorKind.TIERED and abs(max(shares) - ind.weight) > 1e-6:
                yield src.problem(
                    loc + ("subindicators",),
                    f"the top tier is {max(shares):g}, not the indicator's weight {ind.weight:g}",
                    "the highest tier must equal the weight",
                    "weights",
                )


def _check_date(
    src, loc, value: dt.date | None, programme: m.Programme | None, what: str
) -> Iterator[Problem]:
    if value is None or programme is None:
        return
    if not (programme.period.start <= value <= programme.period.end):
        yield src.problem(
            loc,
            f"{what} {value} is outside the programme period "
            f"{programme.period.start}–{programme.period.end}",
            "check the date",
            "dates",
        )


def check_measures(data: Dataset) -> Iterator[Problem]:
    """Measures point at existing sections, ОСР and executors; their dates make sense."""
    p = data.programme
    for key, ms in data.measures.items():
        src = data.source("measures", key)
        section = data.sections.get(ms.section)
        if section is None:
            yield src.problem(
                ("section",),
                f"section '{ms.section}' does not exist",
                f"create data/sections/{ms.section}.yaml or correct the id",
                "ref",
            )
        elif section.level == m.SectionLevel.DIRECTION:
            yield src.problem(
                ("section",),
                f"'{ms.section}' is a напрям; a measure belongs to a проблема or завдання",
                "name the problem or task",
                "structure",
            )
        for i, rid in enumerate(ms.results):
            result = data.results.get(rid)
            if result is None:
                yield src.problem(
                    ("results", i),
                    f"ОСР '{rid}' does not exist",
                    f"create data/results/{rid}.yaml or correct the id",
                    "ref",
                )
            elif result.problem != ms.section:
                yield src.problem(
                    ("results", i),
                    f"ОСР '{rid}' belongs to problem {result.problem}, the measure to {ms.section}",
                    "correct the section or the ОСР",
                    "structure",
                )
        links = [("main_executor",), *[("co_executors", i) for i in range(len(ms.co_executors))]]
        executors = [ms.main_executor, *ms.co_executors]
        seen: set[str] = set()
        for loc, link in zip(links, executors, strict=True):
            if link.executor not in data.executors:
                yield src.problem(
                    loc + ("executor",),
                    f"executor '{link.executor}' does not exist",
                    f"create data/executors/{link.executor}.yaml or correct the id",
                    "ref",
                )
            if link.executor in seen:
                yield src.problem(
                    loc + ("executor",),
                    f"executor '{link.executor}' is listed twice",
                    "list each executor once",
                    "duplicate-id",
                )
            seen.add(link.executor)
        d = ms.deadline
        if d.start and d.end and d.start > d.end:
            yield src.problem(
                ("deadline", "end"),
                f"the deadline ends ({d.end}) before it starts ({d.start})",
                "swap the dates",
                "dates",
            )
        yield from _check_date(src, ("deadline", "start"), d.start, p, "start")
        yield from _check_date(src, ("deadline", "end"), d.end, p, "end")
        if ms.completed and d.start and ms.completed < d.start:
            yield src.problem(
                ("completed",),
                f"completed {ms.completed} before it started {d.start}",
                "check the dates",
                "dates",
            )
        for i, am in enumerate(ms.amendments):
            yield from _check_date(src, ("amendments", i, "date"), am.date, p, "amendment")


def _person_problem(
    src, loc, people, person_id: str, executor_id: str | None, role, what: str, on: dt.date | None
) -> Iterator[Problem]:
    entry = people.get(person_id)
    if entry is None:
        yield src.problem(
            loc,
            f"'{person_id}' is not in any roster",
            "use a person id from data/executors/*.yaml or data/staff.yaml",
            "ref",
        )
        return
    owner, person = entry
    if executor_id is not None and owner != executor_id:
        yield src.problem(
            loc,
            f"'{person_id}' is not a person of {executor_id}",
            f"the {what} must be listed in data/executors/{executor_id}.yaml",
            "role-rule",
        )
    elif role not in person.roles:
        where = f"data/executors/{owner}.yaml" if owner else "data/staff.yaml"
        yield src.problem(
            loc,
            f"'{person_id}' is not a(n) {role}" + (f" of {owner}" if owner else " of НАЗК"),
            f"add the role in {where} or ask the {what} to do it",
            "role-rule",
        )
    elif on and person.until and on > person.until:
        yield src.problem(
            loc,
            f"'{person_id}' had no access on {on} (until {person.until})",
            "the record must be made by a person with access on that date",
            "role-rule",
        )


def check_reports(data: Dataset) -> Iterator[Problem]:
    """Reports: for an active quarter, from the main executor, prepared and approved by its people."""
    people = people_index(data)
    p = data.programme
    for key, rep in data.reports.items():
        src = data.source("reports", key)
        ms = data.measures.get(rep.measure)
        if ms is None:
            yield src.problem(
                ("measure",),
                f"measure '{rep.measure}' does not exist",
                "correct the measure id (see data/measures/)",
                "ref",
            )
            continue
        main = ms.main_executor.executor
        if rep.executor != main:
            yield src.problem(
                ("executor",),
                f"'{rep.executor}' is not the main executor of {ms.id} ({main})",
                "only the головний виконавець reports on a measure",
                "role-rule",
            )
        q_start, q_end = quarter_bounds(rep.period)
        if p and not (p.period.start <= q_end and q_start <= p.period.end):
            yield src.problem(
                ("period",),
                f"{rep.period} is outside the programme period",
                "check the period",
                "dates",
            )
        start, end = measure_span(ms, p)
        if start and q_end < start:
            yield src.problem(
                ("period",),
                f"{ms.id} starts on {start}; {rep.period} is before it",
                "report from the quarter the measure starts in",
                "inactive",
            )
        elif end and q_start > end and rep.kind == m.ReportKind.PROGRESS:
            yield src.problem(
                ("kind",),
                f"{ms.id} was due by {end}; after that only a "
                f"'{m.ReportKind.RESULT}' report is accepted",
                f"set kind: {m.ReportKind.RESULT} when the measure is done",
                "inactive",
            )
        yield from _person_problem(
            src,
            ("prepared_by",),
            people,
            rep.prepared_by,
            main,
            m.ExecutorRole.IMPLEMENTER,
            "впроваджувач",
            rep.approved_on,
        )
        yield from _person_problem(
            src,
            ("approved_by",),
            people,
            rep.approved_by,
            main,
            m.ExecutorRole.MANAGER,
            "уповноважений менеджер",
            rep.approved_on,
        )


def check_assessments(data: Dataset) -> Iterator[Problem]:
    """Assessments: by analysts, of existing measures and reports, with a consistent label."""
    people = people_index(data)
    for key, a in data.assessments.items():
        src = data.source("assessments", key)
        if a.measure not in data.measures:
            yield src.problem(
                ("measure",),
                f"measure '{a.measure}' does not exist",
                "correct the measure id",
                "ref",
            )
        yield from _person_problem(
            src, ("analyst",), people, a.analyst, None, m.StaffRole.ANALYST, "аналітик", a.date
        )
        q_start, _ = quarter_bounds(a.period)
        if a.date < q_start:
            yield src.problem(
                ("date",),
                f"assessed on {a.date}, before {a.period} began",
                "check the date",
                "dates",
            )
        for i, ref in enumerate(a.reports):
            if ref not in data.reports:
                yield src.problem(
                    ("reports", i),
                    f"report '{ref}' does not exist",
                    "write it as PERIOD/FILE, e.g. 2024-Q1/1.1.1.4.2",
                    "ref",
                )
            elif data.reports[ref].measure != a.measure:
                yield src.problem(
                    ("reports", i),
                    f"report '{ref}' is about another measure",
                    "check the reference",
                    "ref",
                )
        if a.label not in LABELS_FOR_STATUS[a.status]:
            yield src.problem(
                ("label",),
                f"label «{a.label}» does not fit status «{a.status}»",
                "use one of: " + "; ".join(sorted(LABELS_FOR_STATUS[a.status])),
                "label",
                "warning",
            )


def check_evaluations(data: Dataset) -> Iterator[Problem]:
    """Annual evaluations: by analysts, of existing indicators, never above a weight."""
    people = people_index(data)
    p = data.programme
    for key, ev in data.evaluations.items():
        src = data.source("evaluations", key)
        yield from _person_problem(
            src, ("analyst",), people, ev.analyst, None, m.StaffRole.ANALYST, "аналітик", ev.date
        )
        if p and not (p.period.start.year <= ev.year <= p.period.end.year):
            yield src.problem(
                ("year",), f"{ev.year} is outside the programme period", "check the year", "dates"
            )
        result = data.results.get(ev.result)
        if result is None:
            yield src.problem(
                ("result",), f"ОСР '{ev.result}' does not exist", "correct the id", "ref"
            )
            continue
        indicators = {i.id: i for i in result.indicators}
        seen: set[str] = set()
        for n, score in enumerate(ev.indicators):
            loc: tuple[str | int, ...] = ("indicators", n)
            ind = indicators.get(score.indicator)
            if ind is None:
                yield src.problem(
                    loc + ("indicator",),
                    f"ОСР {ev.result} has no indicator '{score.indicator}'",
                    "use one of: " + ", ".join(indicators)
                    if indicators
                    else "add indicators to the ОСР",
                    "ref",
                )
                continue
            if score.indicator in seen:
                yield src.problem(
                    loc + ("indicator",),
                    f"indicator '{score.indicator}' is evaluated twice",
                    "keep one entry per indicator",
                    "duplicate-id",
                )
            seen.add(score.indicator)
            subs = {s.id for s in ind.subindicators}
            for j, sid in enumerate(score.achieved):
                if sid not in subs:
                    yield src.problem(
                        loc + ("achieved", j),
                        f"indicator {ind.id} has no subindicator '{sid}'",
                        "use one of: " + ", ".join(sorted(subs))
                        if subs
                        else "this indicator has no subindicators: give a score",
                        "ref",
                    )
            if score.score is not None and score.achieved:
                yield src.problem(
                    loc + ("score",),
                    "give either achieved subindicators or a free score, not both",
                    "remove one",
                    "score",
                )
            if score.score is not None and score.score > ind.weight + 1e-9:
                yield src.problem(
                    loc + ("score",),
                    f"score {score.score:g} exceeds the indicator's weight {ind.weight:g}",
                    f"a score is at most {ind.weight:g}",
                    "score",
                )
            if score.score is None and not ind.subindicators:
                yield src.problem(
                    loc,
                    f"indicator {ind.id} has no subindicators, so it needs a score",
                    f"add score: (0–{ind.weight:g})",
                    "missing",
                )


def check_feedback_and_notices(data: Dataset) -> Iterator[Problem]:
    """Feedback points at existing records; notices have sane dates."""
    for key, fb in data.feedback.items():
        src = data.source("feedback", key)
        if fb.measure and fb.measure not in data.measures:
            yield src.problem(
                ("measure",), f"measure '{fb.measure}' does not exist", "correct the id", "ref"
            )
        if fb.result and fb.result not in data.results:
            yield src.problem(
                ("result",), f"ОСР '{fb.result}' does not exist", "correct the id", "ref"
            )
        if fb.answered_on and fb.answered_on < fb.date:
            yield src.problem(
                ("answered_on",), "answered before it was received", "check the dates", "dates"
            )
    for key, nt in data.notices.items():
        if nt.start and nt.end and nt.start > nt.end:
            yield data.source("notices", key).problem(
                ("end",), "the notice ends before it starts", "swap the dates", "dates"
            )


RULES: list[Rule] = [
    check_ids,
    check_programme,
    check_people,
    check_structure,
    check_measures,
    check_reports,
    check_assessments,
    check_evaluations,
    check_feedback_and_notices,
]


def check(data: Dataset) -> list[Problem]:
    """Every cross-file problem, in rule order then file order."""
    found: list[Problem] = []
    for rule in RULES:
        found.extend(rule(data))
    return found


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Stable order for output: by file, line, column."""
    return sorted(problems, key=lambda p: (p.file, p.line, p.col, p.field, p.message))


def by_file(problems: list[Problem]) -> dict[str, list[Problem]]:
    """Problems grouped by file."""
    grouped: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        grouped[p.file].append(p)
    return grouped


def validate(root, shown_root: str | None = None) -> tuple[Dataset, list[Problem]]:
    """Load `root` and apply every rule: the data and all problems, sorted."""
    from .load import load

    data, problems = load(root, shown_root)
    problems.extend(check(data))
    return data, sort_problems(problems)
