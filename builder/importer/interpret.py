"""Understanding a plan's table: the heading, tasks, measures, deadlines and executors."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .. import models as m
from ..errors import problem_params
from ..i18n import N_, _, ngettext
from ..wording import ua_date
from .deadlines import MONTHS, clean, is_ditto, parse_deadline
from .executors import Bodies, Known, slug
from .tables import Cell, Note, PlanError, Table, is_header


@dataclass
class Plan:
    """Everything understood from a plan, before it becomes files."""

    programme: m.Programme
    act_label: str
    sections: list[m.Section]
    measures: list[m.Measure]
    executors: dict[str, m.Executor]
    notes: list[Note]
    lines: dict[str, int]  # measure id -> source line
    section_lines: dict[str, int] = field(default_factory=dict)  # task id -> source line


# ---------------------------------------------------------------- heading


RE_ACT = re.compile(
    r"від\s+(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\s*(?:р\.?|року)?\s*№\s*([\w\-/]+)",
    re.IGNORECASE,
)
RE_ACT_NUMERIC = re.compile(
    r"від\s+(\d{1,2})\.(\d{1,2})\.(\d{4})\s*(?:р\.?|року)?\s*№\s*([\w\-/]+)"
)
ISSUERS = {
    "кабінет міністрів україни": "Кабінету Міністрів України",
    "національне агентство з питань запобігання корупції": "Національного агентства з питань "
    "запобігання корупції",
}
ACT_KINDS = ("розпорядження", "постанова", "наказ", "рішення", "указ")


@dataclass
class Heading:
    """The act and plan named above the table."""

    title: str | None = None
    subject: str | None = None
    kind: str | None = None
    issuer: str | None = None
    number: str | None = None
    date: dt.date | None = None
    years: tuple[int, int] | None = None


def read_heading(lines: list[tuple[int, str]]) -> Heading:
    """Act kind, issuer, number, date, subject and the plan's title and years."""
    h = Heading()
    texts = [(n, clean(t)) for n, t in lines]
    for _n, text in texts:
        low = text.lower()
        if h.issuer is None and low in ISSUERS:
            h.issuer = ISSUERS[low]
        if h.kind is None and low in ACT_KINDS:
            h.kind = text.capitalize()
        if h.date is None and (mt := RE_ACT.search(text)):
            h.date = dt.date(int(mt.group(3)), MONTHS[mt.group(2).lower()], int(mt.group(1)))
            h.number = mt.group(4)
        elif h.date is None and (mt := RE_ACT_NUMERIC.search(text)):
            try:
                h.date = dt.date(int(mt.group(3)), int(mt.group(2)), int(mt.group(1)))
                h.number = mt.group(4)
            except ValueError:
                pass
        if h.subject is None and low.startswith("про "):
            h.subject = text
    for i, (_n, text) in enumerate(texts):
        if re.match(r"^план\s+заходів\b", text, re.IGNORECASE):
            parts = [text]  # «ПЛАН ЗАХОДІВ» often stands alone, its subject on the next line
            if i + 1 < len(texts) and texts[i + 1][1][:1].islower():
                parts.append(texts[i + 1][1])
            title = re.sub(r"\s+", " ", " ".join(parts))
            h.title = "План заходів" + title[len("план заходів") :]
            break
    if h.title is None and h.subject:
        mt = re.match(r"^про затвердження\s+(.+)$", h.subject, re.IGNORECASE)
        if mt:
            named = re.sub(r"^плану\b", "план", mt.group(1), flags=re.IGNORECASE)
            h.title = named[0].upper() + named[1:]
    for text in (h.title or "", h.subject or ""):
        if mt := re.search(r"на\s+(\d{4})\s*(?:[-–—]\s*(\d{4}))?\s+(?:рік|роки|року)", text):
            h.years = (int(mt.group(1)), int(mt.group(2) or mt.group(1)))
            break
    return h


def act_label(h: Heading) -> str:
    """«Розпорядження Кабінету Міністрів України від 31.01.2018 № 86-р»."""
    words = " ".join(w for w in (h.kind or "Акт", h.issuer) if w)
    if h.date:
        words += f" від {ua_date(h.date)}"
    if h.number:
        words += f" № {h.number}"
    return words


# ---------------------------------------------------------------- interpreting the rows


@dataclass
class _Row:
    line: int
    number: str
    task: str
    measure: Cell
    deadline: Cell
    executors: Cell


def _rows(table: Table, notes: list[Note]) -> list[_Row]:
    """Rows as (task number, task title, measure, deadline, executors); others are reported."""
    out: list[_Row] = []
    for cells in table.rows:
        texts = [clean(c.text) for c in cells]
        if not any(texts) or is_header(texts):
            continue
        while len(cells) > 5 and not texts[-1]:
            cells, texts = cells[:-1], texts[:-1]
        line = cells[0].line
        if len(cells) == 5:
            number, task = texts[0], texts[1]
        elif len(cells) == 4:
            mt = re.match(r"^(\d+)\.?\s+(.+)$", texts[0], re.DOTALL)
            number, task = (mt.group(1), mt.group(2)) if mt else (texts[0], "")
        else:
            notes.append(
                Note.of(
                    line,
                    "warning",
                    "table",
                    N_(
                        "a row of {cells} cells was skipped: expected 5 (number, task, measure, "
                        "deadline, executors) or 4 (task with its number, measure, deadline, "
                        "executors)"
                    ),
                    cells=len(cells),
                )
            )
            continue
        out.append(_Row(line, number, task, cells[-3], cells[-2], cells[-1]))
    return out


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", clean(text)).strip()


def _programme(h: Heading, notes: list[Note], line: int) -> m.Programme:
    """The programme record from the heading: title, act, period (the plan's years)."""
    assert h.date is not None
    years = h.years or (h.date.year, h.date.year)
    if h.years is None:
        notes.append(
            Note.of(
                line,
                "note",
                "heading",
                N_(
                    "the plan's title names no year («на 2018 рік»): its period is taken as "
                    "{year}, the act's year"
                ),
                N_("correct period in programme.yaml if the plan covers other years"),
                year=h.date.year,
            )
        )
    if h.title is None:
        notes.append(
            Note.of(
                line,
                "warning",
                "heading",
                N_("no plan title found («ПЛАН ЗАХОДІВ …»)"),
                N_("write the plan's title in programme.yaml"),
            )
        )
    act_title = " ".join(w for w in (h.kind or "Акт", h.issuer) if w)
    if h.subject:
        act_title += f" «{h.subject}»"
    pid = f"plan-{years[0]}" + (f"-{years[1]}" if years[1] != years[0] else "")
    return m.Programme(
        id=pid + (f"-{slug(h.number, 20)}" if h.number else ""),
        title=h.title or f"План заходів ({act_label(h)})",
        act=m.LegalAct(title=act_title, number=h.number, date=h.date),
        period=m.ProgrammePeriod(start=dt.date(years[0], 1, 1), end=dt.date(years[1], 12, 31)),
    )


def _cover_deadlines(
    programme: m.Programme, measures: list[m.Measure], lines: dict[str, int], notes: list[Note]
) -> m.Programme:
    """Widen the period to whole years holding every deadline (a plan may look ahead)."""
    start, end = programme.period.start, programme.period.end
    for ms in measures:
        for day in (ms.deadline.start, ms.deadline.end):
            if day is None or start <= day <= end:
                continue
            notes.append(
                Note.of(
                    lines[ms.id],
                    "warning",
                    ms.id,
                    N_(
                        "the deadline {date} is outside the plan's years: the programme "
                        "period is widened to hold it — check the year"
                    ),
                    date=ua_date(day),
                )
            )
            start, end = min(start, dt.date(day.year, 1, 1)), max(end, dt.date(day.year, 12, 31))
    if (start, end) == (programme.period.start, programme.period.end):
        return programme
    return programme.model_copy(update={"period": m.ProgrammePeriod(start=start, end=end)})


NOTHING_ABOVE = {
    "deadline": N_("«-“-» in the deadline has nothing above"),
    "executors": N_("«-“-» in the executors has nothing above"),
}
# How to act on a deadline the importer could not read in full: a person enters the dates
DATES_BY_HAND = N_("enter the dates by hand in measures/{measure}.yaml if the plan gives them")
CHECK_DATES = N_("check the dates read in measures/{measure}.yaml")


def _cell_problem(error: Any) -> str:
    """What pydantic found wrong with a value of a cell, in the run's language."""
    limit = (error.get("ctx") or {}).get("max_length")
    if error["type"] == "string_too_long" and limit:
        return _("longer than the {limit} characters allowed", limit=limit)
    if error["type"] == "string_too_short":
        return _("the cell is empty")
    return _("the value is not allowed ({reason})", reason=error["msg"])


def interpret(table: Table, known: Known, source: str = "") -> Plan:
    """Understand a plan's table: tasks, measures, deadlines, executors, and what was not."""
    notes: list[Note] = []
    h = read_heading(table.heading)
    first_line = table.heading[0][0] if table.heading else 1
    if h.date is None:
        raise PlanError(
            _(
                "{source}:{line}: the heading names no act date — the plan needs a line like "
                "«від 31 січня 2018 р. № 86-р» above the table (the year of undated deadlines "
                "comes from it)",
                source=source,
                line=first_line,
            )
        )
    programme = _programme(h, notes, first_line)
    year = h.years[0] if h.years and h.years[0] == h.years[1] else h.date.year
    bodies = Bodies(known, notes)
    sections: list[m.Section] = []
    measures: list[m.Measure] = []
    lines: dict[str, int] = {}
    section_lines: dict[str, int] = {}
    task: m.Section | None = None
    count = 0
    above: dict[str, Cell] = {}  # the last non-empty cell of each column, for «-“-»

    def note(line: int, level: str, topic: str, message_id: str, **params: object) -> None:
        notes.append(Note(line, level, topic, message_id, problem_params(params)))

    for row in _rows(table, notes):
        number = row.number.rstrip(".").strip()
        task_title = _one_line(row.task)
        new_task = bool(number or task_title) and (
            task is None or number != task.id or task_title != task.title
        )
        if new_task:
            if not re.fullmatch(r"\d+", number):
                guess = str(int(task.id) + 1) if task and task.id.isdigit() else "1"
                note(
                    row.line,
                    "warning",
                    f"task {guess}",
                    N_("the task cell «{cell}» has no number: numbered {task}"),
                    cell=_one_line(row.number),
                    task=guess,
                )
                number = guess
            if any(s.id == number for s in sections):
                note(row.line, "warning", f"task {number}", N_("the task number is used twice"))
            title = task_title or f"Завдання {number}"
            if not task_title:
                notes.append(
                    Note.of(
                        row.line,
                        "warning",
                        f"task {number}",
                        N_("the task has no title"),
                        N_("write it in sections/{task}.yaml"),
                        task=number,
                    )
                )
            task = m.Section(
                id=number, level=m.SectionLevel.TASK, title=title, order=len(sections) + 1
            )
            sections.append(task)
            section_lines.setdefault(task.id, row.line)
            count = 0
        if task is None:
            note(row.line, "warning", "table", N_("a measure before the first task was skipped"))
            continue
        count += 1
        measure_text = _one_line(row.measure.text)
        published = None
        if mt := re.match(r"^(\d+)\s*\)\s*(.*)$", measure_text, re.DOTALL):
            published, measure_title = f"{task.id}.{mt.group(1)}", mt.group(2).strip()
            if int(mt.group(1)) != count:
                note(
                    row.line,
                    "note",
                    published,
                    N_("measure {number}) is number {count} in task {task}"),
                    number=mt.group(1),
                    count=count,
                    task=task.id,
                )
        elif measure_text:
            measure_title = measure_text
            if count > 1 or not new_task:
                note(row.line, "note", f"{task.id}.{count}", N_("the measure has no number"))
        else:
            measure_title = task.title
            note(
                row.line,
                "note",
                f"{task.id}.{count}",
                N_("the measure cell is empty: the task's wording is the measure's title"),
            )
        mid = published or f"{task.id}.{count}"
        while mid in lines:
            note(row.line, "warning", mid, N_("this measure number is used twice"))
            mid += "-2"
        cells: dict[str, Cell] = {}
        for column, cell in (("deadline", row.deadline), ("executors", row.executors)):
            cells[column] = cell
            if is_ditto(cell.text):
                cells[column] = above.get(column, Cell("", cell.line))
                if column not in above:
                    note(row.line, "warning", mid, NOTHING_ABOVE[column])
            if clean(cells[column].text):
                above[column] = cells[column]
        try:
            parsed = parse_deadline(cells["deadline"].text, year)
            d = parsed.deadline
            hint = CHECK_DATES if d.start or d.end or d.recurrence else DATES_BY_HAND
            for i, issue in enumerate(parsed.issues, 1):  # what to do: said once, at the end
                notes.append(
                    Note.of(
                        row.deadline.line,
                        "warning",
                        mid,
                        issue.message_id,
                        hint if i == len(parsed.issues) else "",
                        N_("deadline: "),
                        measure=mid,
                        **dict(issue.params),
                    )
                )
            links, groups = bodies.resolve(cells["executors"].text, row.executors.line, mid)
            measure = m.Measure(
                id=mid,
                number=published,
                title=measure_title,
                section=task.id,
                deadline=parsed.deadline,
                main_executor=links[0],
                co_executors=links[1:],
                executor_groups=groups,
            )
        except ValidationError as exc:  # e.g. a cell over the length limits of the models
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"])
            if exc.title != "Measure":  # raised while building a part: say which
                where = f"{exc.title.lower()}.{where}"
            raise PlanError(
                _(
                    "{source}:{line}: measure {measure}: {field}: {problem} — shorten or correct "
                    "the cell in the plan",
                    source=source,
                    line=row.line,
                    measure=mid,
                    field=where,
                    problem=_cell_problem(first),
                )
            ) from exc
        measures.append(measure)
        lines[mid] = row.line
    if not measures:
        raise PlanError(
            _(
                "{source}: no tasks or measures found — the table needs rows of: task number, "
                "task, measure, deadline, executors",
                source=source,
            )
        )
    skipped = sum(n.topic == "table" for n in notes)
    if skipped > len(measures):
        raise PlanError(
            ngettext(
                "{source}: {n} row does not have the shape of a plan table and only {measures} "
                "do — check --format (the text export, CSV, XLSX or .docx) and that the columns "
                "are: task number, task, measure, deadline, executors",
                "{source}: {n} rows do not have the shape of a plan table and only {measures} "
                "do — check --format (the text export, CSV, XLSX or .docx) and that the columns "
                "are: task number, task, measure, deadline, executors",
                skipped,
                source=source,
                measures=len(measures),
            )
        )
    programme = _cover_deadlines(programme, measures, lines, notes)
    records = bodies.records()
    return Plan(programme, act_label(h), sections, measures, records, notes, lines, section_lines)
