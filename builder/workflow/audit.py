"""The audit trail (`dap audit`): every step of a measure's reports and assessments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ..git.history import Change, History
from ..i18n import N_, _, render
from ..load import Dataset, record_path
from ..wording import ua_date
from .approval import author_index, author_person, pull_request_of, submission

# The steps' Ukrainian names on the internal pages (always Ukrainian, like the site); `dap audit`
# prints STEP_MESSAGES in the run's language, whose Ukrainian texts are these
# (tests/test_workflow_audit.py keeps them equal).
STEP_NAMES = {
    "prepared": "підготовлено",
    "approved": "схвалено (подано до НАЗК)",
    "submitted-recorded": "подано (дата, записана у файлі)",
    "submitted": "внесено до основної гілки",
    "corrected": "виправлення внесено до основної гілки",
    "amended": "змінено",
    "assessed": "оцінено аналітиком",
    "assessment-merged": "висновок внесено до основної гілки",
    "assessment-amended": "висновок змінено",
    "measure-amended": "захід змінено",
}

STEP_MESSAGES = {
    "prepared": N_("prepared"),
    "approved": N_("approved (submitted to NACP)"),
    "submitted-recorded": N_("submitted (date recorded in the file)"),
    "submitted": N_("merged into the main branch"),
    "corrected": N_("correction merged into the main branch"),
    "amended": N_("amended"),
    "assessed": N_("assessed by an analyst"),
    "assessment-merged": N_("assessment merged into the main branch"),
    "assessment-amended": N_("assessment amended"),
    "measure-amended": N_("measure amended"),
}


@dataclass(frozen=True)
class Step:
    """One step in the life of a report or assessment: what, who, when, from where."""

    record: str  # e.g. "reports/2024-Q1/1.1.1.4.2"
    step: str  # a key of STEP_NAMES
    person: str  # person id (from the rosters, the file or the merge) or the Git author's name
    name: str  # the person's name as the rosters give it
    date: dt.date | None
    commit: str = ""  # the commit, when the step is read from Git
    email: str = ""  # PRIVATE: the Git author's e-mail; internal build only
    source: str = "file"  # "file" (the record says so) | "git" (the history says so)
    pull_request: int | None = None  # the pull request the merge records
    note: str = ""  # why a recorded approval is not trusted (Ukrainian), or ''
    executor: str = ""  # the executor whose step it is ('' for NACP's)


def audit_trail(data: Dataset, history, measure_id: str) -> list[Step]:
    """Every step of each report and assessment of a measure, from the files and one Git history."""
    return audit_trails(data, history, [measure_id])[measure_id]


def audit_trails(
    data: Dataset, history: History | None, measures: Iterable[str] | None = None
) -> dict[str, list[Step]]:
    """The steps of each measure (all by default), the one account of II.5 that `dap audit`,
    the internal journal and the public measure page show: a report prepared (its first
    commit, with the author mapped to a person through the rosters; the file's `prepared_by`
    without Git), approved (the approval its merge recorded, when trusted; else the file's
    words, with why), merged (its pull request), amended, corrected; an assessment made,
    merged, amended; the measure amended."""
    from ..validate import people_index

    wanted = list(data.measures) if measures is None else list(measures)
    people = people_index(data)
    authors = author_index(data)
    git_mode = data.programme is None or data.programme.reporting.submission_dates == "git"
    has_git = history is not None and history.available
    reports: dict[str, list[str]] = {mid: [] for mid in wanted}
    for key, rep in data.reports.items():
        if rep.measure in reports:
            reports[rep.measure].append(key)
    assessments: dict[str, list[str]] = {mid: [] for mid in wanted}
    for key, a in data.assessments.items():
        if a.measure in assessments:
            assessments[a.measure].append(key)

    def name(pid: str) -> str:
        return people[pid][1].name if pid in people else pid

    def later_steps(record: str, path: str, first: Change | None, later: str) -> list[Step]:
        if not has_git or first is None:
            return []
        assert history is not None
        return [
            Step(record, later, ch.author, ch.author, ch.day, ch.commit, ch.email, "git")
            for ch in history.of(path)
            if ch.date > first.date and ch.status in ("M", "R", "T")
        ]

    def report_steps(key: str) -> list[Step]:
        rep = data.reports[key]
        record, path = f"reports/{key}", record_path(data, "reports", key)
        ex = rep.executor
        steps: list[Step] = []
        made = history.authored(path) if has_git and history is not None else None
        author = author_person(data, made.author, made.email, authors) if made else None
        own = data.executors.get(ex)
        if made is not None and author is not None and own is not None and author in own.people:
            steps.append(  # the first commit's author is one of the executor's people
                Step(
                    record,
                    "prepared",
                    author.id,
                    author.name,
                    made.day,
                    made.commit,
                    made.email,
                    "git",
                    executor=ex,
                )
            )
        else:  # no history, or committed by someone else (an import): the file's word, undated
            steps.append(
                Step(record, "prepared", rep.prepared_by, name(rep.prepared_by), None, executor=ex)
            )
        found = submission(data, history, path, rep) if has_git else None
        if found is not None and found.approved_by:
            steps.append(
                Step(
                    record,
                    "approved",
                    found.approved_by,
                    name(found.approved_by),
                    found.day,
                    found.merged.commit,
                    "",
                    "git",
                    found.pull_request,
                    executor=ex,
                )
            )
        else:
            note = found.why() if found is not None else ""
            steps.append(
                Step(
                    record,
                    "approved",
                    rep.approved_by,
                    name(rep.approved_by),
                    rep.approved_on,
                    note=note,
                    executor=ex,
                )
            )
        if rep.submitted and not (git_mode and found is not None):
            steps.append(Step(record, "submitted-recorded", ex, ex, rep.submitted, executor=ex))
        if found is not None:
            ch = found.merged
            step = "corrected" if "@" in key.rsplit("/", 1)[-1] else "submitted"
            steps.append(
                Step(
                    record,
                    step,
                    ch.author,
                    ch.author,
                    ch.day,
                    ch.commit,
                    ch.email,
                    "git",
                    found.pull_request,
                )
            )
            steps += later_steps(record, path, ch, "amended")
        return steps

    def assessment_steps(key: str) -> list[Step]:
        a = data.assessments[key]
        record, path = f"assessments/{key}", record_path(data, "assessments", key)
        steps = [Step(record, "assessed", a.analyst, name(a.analyst), a.date)]
        first = history.first_added(path) if has_git and history is not None else None
        if first is not None:
            pr = pull_request_of(history.recorded(first)) if history is not None else None
            steps.append(
                Step(
                    record,
                    "assessment-merged",
                    first.author,
                    first.author,
                    first.day,
                    first.commit,
                    first.email,
                    "git",
                    pr,
                )
            )
            steps += later_steps(record, path, first, "assessment-amended")
        return steps

    trails: dict[str, list[Step]] = {}
    for measure_id in wanted:
        steps: list[Step] = []
        measure = data.measures.get(measure_id)
        if measure is not None:
            for am in measure.amendments:
                steps.append(
                    Step(f"measures/{measure_id}", "measure-amended", am.act, am.act, am.date)
                )
        for key in sorted(reports[measure_id], key=lambda k: (data.reports[k].period, k)):
            steps += report_steps(key)
        for key in sorted(assessments[measure_id], key=lambda k: (data.assessments[k].date, k)):
            steps += assessment_steps(key)
        trails[measure_id] = steps
    return trails


def audit_text(steps: list[Step], measure_id: str, private: bool = True) -> str:
    """The audit trail as text in the run's language; `private` adds the Git authors' e-mails
    (internal use)."""
    if not steps:
        return _("{measure}: no reports or assessments yet", measure=measure_id) + "\n"
    lines = [_("Measure {measure}: steps of reporting and monitoring", measure=measure_id)]
    record = ""
    for s in steps:
        if s.record != record:
            record = s.record
            lines.append(f"\n{record}")
        when = f"{ua_date(s.date)}" if s.date else _("no date")
        who_ = s.name if s.name == s.person else f"{s.name} ({s.person})"
        extra = "  " + _("commit {commit}", commit=s.commit[:10]) if s.commit else ""
        if private and s.email:
            extra += f"  <{s.email}>"
        if s.pull_request is not None:
            extra += "  " + _("pull request #{pr}", pr=s.pull_request)
        lines.append(f"  {when:<16} {render(STEP_MESSAGES[s.step]):<36} {who_}{extra}")
        if s.note:
            lines.append("  " + " " * 16 + " " + _("not trusted: {why}", why=s.note))
    return "\n".join(lines) + "\n"
