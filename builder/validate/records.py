"""The monitoring records: ids and file names, the programme's settings, measures, reports,
assessments, feedback and notices; the dates of things done, never after the day of the run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from .. import models as m
from ..datafile import Path_, SourceFile
from ..errors import Problem
from ..i18n import N_
from ..load import Dataset
from ..quarters import quarter_bounds
from ..versions import added_on, in_period, in_programme, main_executor_on, measure_as_of
from .people import people_index, person_problem
from .structure import missing_result, missing_section

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


def check_ids(data: Dataset) -> Iterator[Problem]:
    """Ids match file names; reports, assessments and evaluations agree with their paths."""
    yield from name_problems(data)
    for kind in ("reports", "assessments", "evaluations"):
        for key, record in getattr(data, kind).items():
            yield from path_problems(kind, key, record, data.source(kind, key), data.measures)


def name_problems(data: Dataset) -> Iterator[Problem]:
    """The ids of the records named by their files (sections, ОСР, measures, executors,
    feedback, notices) match the file names."""
    for kind in ("sections", "results", "measures", "executors", "feedback", "notices"):
        for key, record in getattr(data, kind).items():
            if record.id != key:
                yield data.source(kind, key).problem(
                    ("id",),
                    N_("id '{record_id}' does not match the file name '{name}.yaml'"),
                    N_("rename the file to '{record_id}.yaml' or set id: {name}"),
                    "id-mismatch",
                    record_id=record.id,
                    name=key,
                )


def measure_of(key: str) -> str:
    """The measure a report or assessment is about, from its path: 'PERIOD/MEASURE[@N]'."""
    return key.split("/", 1)[-1].split("@", 1)[0]


def path_problems(
    kind: str,
    key: str,
    record: m.Report | m.Assessment | m.Evaluation,
    src: SourceFile,
    measures: Mapping[str, m.Measure],
) -> Iterator[Problem]:
    """Where a monitoring record's own fields disagree with its path, which decides: the folder
    is the period (an evaluation's year), the file name the measure (an evaluation's ОСР), and
    the main executor of the measure's version in force in the period the executor of a
    report. `dap check-change` asks the same of every record a change brings, with the
    measures of its base (as written in their files)."""
    folder, stem = key.split("/", 1)
    if isinstance(record, m.Evaluation):
        if str(record.year) != folder:
            yield src.problem(
                ("year",),
                N_("year {year} does not match the folder '{folder}'"),
                N_("move the file to evaluations/{year}/"),
                "id-mismatch",
                year=record.year,
                folder=folder,
            )
        if record.result != stem:
            yield src.problem(
                ("result",),
                N_("ОСР '{result}' does not match the file name '{name}.yaml'"),
                N_("name the file '{result}.yaml'"),
                "id-mismatch",
                result=record.result,
                name=stem,
            )
        return
    if record.period != folder:
        yield src.problem(
            ("period",),
            N_("period {period} does not match the folder '{folder}'"),
            N_("move the file to {kind}/{period}/ or correct the period"),
            "id-mismatch",
            period=record.period,
            folder=folder,
            kind=kind,
        )
    base, _, seq = stem.partition("@")
    if base != record.measure or (seq and not (seq.isdigit() and int(seq) >= 2)):
        yield src.problem(
            ("measure",),
            N_("measure '{measure}' does not match the file name '{name}.yaml'"),
            N_("name the file '{measure}.yaml' (a correction: '{measure}@2.yaml')"),
            "id-mismatch",
            measure=record.measure,
            name=stem,
        )
    measure = measures.get(base)
    if isinstance(record, m.Report) and measure is not None:
        # The main executor of the version in force in the report's period: a reassignment
        # leaves the reports of earlier quarters valid.
        main = in_period(measure, record.period).main_executor.executor
        if record.executor != main:
            yield src.problem(
                ("executor",),
                N_("'{executor}' is not the main executor of {measure} ({main})"),
                N_("only the головний виконавець reports on a measure: write executor: {main}"),
                "role-rule",
                executor=record.executor,
                measure=measure.id,
                main=main,
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
            N_("the period ends ({end}) before it starts ({start})"),
            N_("swap the dates"),
            "dates",
            start=p.period.start,
            end=p.period.end,
        )
    if p.levels.medium_from >= p.levels.high_from:
        yield src.problem(
            ("levels",),
            N_("medium_from must be below high_from"),
            N_("e.g. medium_from: 40, high_from: 75"),
            "levels",
        )
    if p.reporting.window_start_day > p.reporting.window_end_day:
        yield src.problem(
            ("reporting", "window_end_day"),
            N_("the reporting window ends before it opens"),
            N_("e.g. window_start_day: 1, window_end_day: 15"),
            "dates",
        )


def check_date(
    src: SourceFile | Located, loc: Path_, value: dt.date | None, programme: m.Programme | None
) -> Iterator[Problem | None]:
    """A date outside the programme period, at `loc`."""
    if value is None or programme is None:
        return
    if not (programme.period.start <= value <= programme.period.end):
        yield src.problem(
            loc,
            N_("{date} is outside the programme period {start}–{end}"),
            N_("correct the date, or the programme's period in programme.yaml"),
            "dates",
            date=value,
            start=programme.period.start,
            end=programme.period.end,
        )


def missing_measure(src: SourceFile, measure: str) -> Problem:
    return src.problem(
        ("measure",),
        N_("measure '{measure}' does not exist"),
        N_("correct the measure id (see data/measures/)"),
        "ref",
        measure=measure,
    )


class Located:
    """A measure's file whose problems are located under `prefix` (an amendment's new values),
    keeping only those about the fields in `only` (None: every field)."""

    def __init__(self, src: SourceFile, prefix: Path_ = (), only: set[str] | None = None) -> None:
        self.src, self.prefix, self.only = src, prefix, only

    def allows(self, loc: Path_) -> bool:
        """The field at `loc` is one this version sets."""
        return self.only is None or str(loc[0]) in self.only

    def at(self, loc: Path_) -> Path_:
        """Where `loc` of the version is in the file."""
        return self.prefix + loc

    def problem(
        self,
        loc: Path_,
        message: str,
        hint: str = "",
        code: str = "invalid",
        severity: str = "error",
        key: bool = False,
        **params: object,
    ) -> Problem | None:
        """As SourceFile.problem, or None for a field this version does not set."""
        if not self.allows(loc):
            return None
        return self.src.problem(self.at(loc), message, hint, code, severity, key, **params)


def check_measures(data: Dataset) -> Iterator[Problem]:
    """Measures point at existing sections, ОСР and executors; their dates make sense — in the
    original text and in the new values of each amendment."""
    for key, ms in data.measures.items():
        src = data.source("measures", key)
        for found in measure_problems(data, Located(src), ms):
            if found is not None:
                yield found


def measure_problems(data: Dataset, src: Located, ms: m.Measure) -> Iterator[Problem | None]:
    """The problems of one measure (or one version of it: `src` says where they are shown)."""
    p = data.programme
    section = data.sections.get(ms.section)
    if section is None:
        if not data.lost("sections", ms.section) and src.allows(("section",)):
            yield missing_section(src.src, src.at(("section",)), ms.section)
    elif section.level == m.SectionLevel.DIRECTION:
        yield src.problem(
            ("section",),
            N_("'{section}' is a напрям; a measure belongs to a проблема or завдання"),
            N_("name the problem or task"),
            "structure",
            section=ms.section,
        )
    for i, rid in enumerate(ms.results):
        result = data.results.get(rid)
        if result is None:
            if not data.lost("results", rid) and src.allows(("results",)):
                yield missing_result(src.src, src.at(("results", i)), rid)
        elif result.problem != ms.section:
            yield src.problem(
                ("results", i),
                N_("ОСР '{result}' belongs to problem {problem}, the measure to {section}"),
                N_("correct the section or the ОСР"),
                "structure",
                result=rid,
                problem=result.problem,
                section=ms.section,
            )
    links = [("main_executor",), *[("co_executors", i) for i in range(len(ms.co_executors))]]
    executors = [ms.main_executor, *ms.co_executors]
    seen: set[str] = set()
    for loc, link in zip(links, executors, strict=True):
        if link.executor not in data.executors and not data.lost("executors", link.executor):
            yield src.problem(
                loc + ("executor",),
                N_("executor '{executor}' does not exist"),
                N_("create data/executors/{executor}.yaml or correct the id"),
                "ref",
                executor=link.executor,
            )
        if link.executor in seen:
            yield src.problem(
                loc + ("executor",),
                N_("executor '{executor}' is listed twice"),
                N_("list each executor once"),
                "duplicate-id",
                executor=link.executor,
            )
        seen.add(link.executor)
    d = ms.deadline
    if d.start and d.end and d.start > d.end:
        yield src.problem(
            ("deadline", "end"),
            N_("the deadline ends ({end}) before it starts ({start})"),
            N_("swap the dates"),
            "dates",
            start=d.start,
            end=d.end,
        )
    yield from check_date(src, ("deadline", "start"), d.start, p)
    yield from check_date(src, ("deadline", "end"), d.end, p)
    if ms.completed and d.start and ms.completed < d.start:
        yield src.problem(
            ("completed",),
            N_("completed {completed} before it started {start}"),
            N_("check completed and deadline.start"),
            "dates",
            completed=ms.completed,
            start=d.start,
        )


# Why a report of a kind for a period is refused: (field, message, hint, code, values).
Refusal = tuple[Path_, str, str, str, dict[str, Any]]


def report_period_problem(
    text: m.Measure, programme: m.Programme | None, period: str, kind: m.ReportKind
) -> Refusal | None:
    """Why a report of `kind` for `period` on the measure written as `text` (its original and
    amendments) is refused, or None: the measure not in the programme in that quarter, a
    quarter outside the programme period, before the measure starts, or — for «про хід
    виконання» — after its deadline; judged on the version in force in the quarter.
    `check_reports` and the site's report form (builder/forms/) both ask here."""
    q_start, q_end = quarter_bounds(period)
    ms = measure_as_of(text, q_end)  # the version in force in the report's period
    if not in_programme(text, q_end):
        left = ms.removed is not None and ms.removed <= q_end
        return (
            ("period",),
            N_("{measure} left the programme on {date}; {period} is after it")
            if left
            else N_("{measure} entered the programme on {date}; {period} is before it"),
            N_("report on the quarters the measure was part of the programme"),
            "inactive",
            {"measure": ms.id, "date": ms.removed if left else added_on(text), "period": period},
        )
    p = programme
    if p and not (p.period.start <= q_end and q_start <= p.period.end):
        return (
            ("period",),
            N_("{period} is outside the programme period"),
            N_("report on a quarter of the programme period"),
            "dates",
            {"period": period},
        )
    start, end = measure_span(ms, p)
    if start and q_end < start:
        return (
            ("period",),
            N_("{measure} starts on {start}; {period} is before it"),
            N_("report from the quarter the measure starts in"),
            "inactive",
            {"measure": ms.id, "start": start, "period": period},
        )
    if end and q_start > end and kind == m.ReportKind.PROGRESS:
        return (
            ("kind",),
            N_("{measure} was due by {end}; after that only a '{result_kind}' report is accepted"),
            N_("set kind: {result_kind} when the measure is done"),
            "inactive",
            {"measure": ms.id, "end": end, "result_kind": m.ReportKind.RESULT},
        )
    return None


def check_reports(data: Dataset) -> Iterator[Problem]:
    """Reports: of an existing measure, for an active quarter, prepared and approved by the
    people of the main executor of the measure their path names."""
    people = people_index(data)
    for key, rep in data.reports.items():
        yield from report_problems(data, key, rep, people)


def report_problems(
    data: Dataset, key: str, rep: m.Report, people: dict[str, tuple[str | None, m.Person]]
) -> Iterator[Problem]:
    """The problems `check_reports` finds in one report. What they read (validate/remembered.py
    keys on it): the report's file, the file of the measure its path names (or whether that
    file failed to load), the programme, and the rosters (`people`, and whether a roster's
    file failed to load)."""
    src = data.source("reports", key)
    measure_id = measure_of(key)  # the path decides (its agreement: `path_problems`)
    text = data.measures.get(measure_id)
    if text is None:
        if not data.lost("measures", measure_id):
            yield missing_measure(src, measure_id)
        return
    main = main_executor_on(text, quarter_bounds(rep.period)[1])  # in force then
    refused = report_period_problem(text, data.programme, rep.period, rep.kind)
    if refused is not None:
        loc, message, hint, code, params = refused
        yield src.problem(loc, message, hint, code, **params)
    for field, person_id, role in (
        ("prepared_by", rep.prepared_by, m.ExecutorRole.IMPLEMENTER),
        ("approved_by", rep.approved_by, m.ExecutorRole.MANAGER),
    ):
        found = person_problem(data, src, (field,), people, person_id, main, role, rep.approved_on)
        if found is not None:
            yield found


def check_assessments(data: Dataset) -> Iterator[Problem]:
    """Assessments: by analysts, of existing measures and reports, with a consistent label."""
    people = people_index(data)
    for key, a in data.assessments.items():
        yield from assessment_problems(data, key, a, people)


def assessment_problems(
    data: Dataset, key: str, a: m.Assessment, people: dict[str, tuple[str | None, m.Person]]
) -> Iterator[Problem]:
    """The problems `check_assessments` finds in one assessment. What they read
    (validate/remembered.py keys on it): the assessment's file, whether its measure and each
    report it lists are in the data (or failed to load), the measure each of those reports
    names, and the staff roster (`people`, and whether the roster failed to load)."""
    src = data.source("assessments", key)
    if a.measure not in data.measures and not data.lost("measures", a.measure):
        yield missing_measure(src, a.measure)
    found = person_problem(
        data, src, ("analyst",), people, a.analyst, None, m.StaffRole.ANALYST, a.date
    )
    if found is not None:
        yield found
    q_start, _ = quarter_bounds(a.period)
    if a.date < q_start:
        yield src.problem(
            ("date",),
            N_("assessed on {date}, before {period} began"),
            N_("an assessment is dated on or after its quarter's start"),
            "dates",
            date=a.date,
            period=a.period,
        )
    for i, ref in enumerate(a.reports):
        if ref not in data.reports:
            if not data.lost("reports", ref):
                yield src.problem(
                    ("reports", i),
                    N_("report '{report}' does not exist"),
                    N_("write it as PERIOD/FILE, e.g. 2024-Q1/1.1.1.4.2"),
                    "ref",
                    report=ref,
                )
        elif data.reports[ref].measure != a.measure:
            yield src.problem(
                ("reports", i),
                N_("report '{report}' is about another measure"),
                N_("list only reports on measure {measure}"),
                "ref",
                report=ref,
                measure=a.measure,
            )
    if a.label not in LABELS_FOR_STATUS[a.status]:
        yield src.problem(
            ("label",),
            N_("label «{label}» does not fit status «{status}»"),
            N_("for this status use: {choices}"),
            "label",
            "warning",
            label=a.label,
            status=a.status,
            choices="; ".join(sorted(LABELS_FOR_STATUS[a.status])),
        )


def check_feedback_and_notices(data: Dataset) -> Iterator[Problem]:
    """Feedback points at existing records; notices have sane dates."""
    for key, fb in data.feedback.items():
        src = data.source("feedback", key)
        if fb.measure and fb.measure not in data.measures and not data.lost("measures", fb.measure):
            yield missing_measure(src, fb.measure)
        if fb.result and fb.result not in data.results and not data.lost("results", fb.result):
            yield missing_result(src, ("result",), fb.result)
        if fb.answered_on and fb.answered_on < fb.date:
            yield src.problem(
                ("answered_on",),
                N_("answered before it was received"),
                N_("check answered_on and date"),
                "dates",
            )
    for key, nt in data.notices.items():
        if nt.start and nt.end and nt.start > nt.end:
            yield data.source("notices", key).problem(
                ("end",), N_("the notice ends before it starts"), N_("swap the dates"), "dates"
            )


def happened_dates(data: Dataset) -> Iterator[tuple[str, str, Path_, dt.date | None]]:
    """Every date that records something done (an act adopted, a measure completed, a report
    approved or submitted, an assessment, an evaluation, feedback received or answered) as
    (kind, key, field, date). Dates that may be planned ahead — deadlines, an amendment or a
    removal taking effect, access granted or ending, notices — are not among them."""
    if data.programme is not None:
        yield "programme", "programme", ("act", "date"), data.programme.act.date
        for i, act in enumerate(data.programme.amendments):
            yield "programme", "programme", ("amendments", i, "date"), act.date
    for key, ms in data.measures.items():
        yield "measures", key, ("completed",), ms.completed
    for key, rep in data.reports.items():
        yield "reports", key, ("approved_on",), rep.approved_on
        yield "reports", key, ("submitted",), rep.submitted
    for kind in ("assessments", "evaluations"):
        for key, record in getattr(data, kind).items():
            yield kind, key, ("date",), record.date
    for key, fb in data.feedback.items():
        yield "feedback", key, ("date",), fb.date
        yield "feedback", key, ("answered_on",), fb.answered_on


def check_dates_happened(data: Dataset, today: dt.date) -> Iterator[Problem]:
    """No date of something done lies after `today` (the day of the run)."""
    for kind, key, loc, day in happened_dates(data):
        if day is not None and day > today:
            yield data.source(kind, key).problem(
                loc,
                N_("the date {date} has not come yet (today is {today})"),
                N_("write the day it happened, as YYYY-MM-DD"),
                "future-date",
                date=day,
                today=today,
            )
