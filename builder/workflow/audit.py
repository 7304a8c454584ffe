"""The audit trail (`dap audit`): every step of a measure's reports and assessments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ..i18n import N_, _, render
from ..load import Dataset
from ..wording import ua_date

# The steps' Ukrainian names on the internal pages (always Ukrainian, like the site); `dap audit`
# prints STEP_MESSAGES in the run's language, whose Ukrainian texts are these
# (tests/test_workflow_audit.py keeps them equal).
STEP_NAMES = {
    "prepared": "підготовлено",
    "approved": "погоджено",
    "submitted-recorded": "подано (дата, записана у файлі)",
    "submitted": "подано (злиття в основну гілку)",
    "amended": "змінено",
    "assessed": "оцінено аналітиком",
    "assessment-merged": "висновок внесено до основної гілки",
    "assessment-amended": "висновок змінено",
    "measure-amended": "захід змінено",
}

STEP_MESSAGES = {
    "prepared": N_("prepared"),
    "approved": N_("approved"),
    "submitted-recorded": N_("submitted (date recorded in the file)"),
    "submitted": N_("submitted (merged into the main branch)"),
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
    person: str  # person id (from the file) or the Git author's name
    name: str  # the person's name as the rosters give it
    date: dt.date | None
    commit: str = ""  # the commit on the main branch, when the step is read from Git
    email: str = ""  # PRIVATE: the Git author's e-mail; internal build only
    source: str = "file"  # "file" (the record says so) | "git" (the main branch's history)


def audit_trail(data: Dataset, history, measure_id: str) -> list[Step]:
    """Every step of each report and assessment of a measure, from the files and one Git history."""
    return audit_trails(data, history, [measure_id])[measure_id]


def audit_trails(
    data: Dataset, history, measures: Iterable[str] | None = None
) -> dict[str, list[Step]]:
    """The audit trail of each measure (all by default): the records are grouped once."""
    from ..validate import people_index

    wanted = list(data.measures) if measures is None else list(measures)
    people = people_index(data)
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

    def path(kind: str, key: str) -> str:
        source = data.sources.get((kind, key))
        return source.path if source else f"{data.root}/{kind}/{key}.yaml"

    def git_steps(kind: str, key: str, first: str, later: str) -> list[Step]:
        if history is None or not history.available:
            return []
        changes = history.of(path(kind, key))
        added = history.first_added(path(kind, key))
        steps = []
        for ch in changes:
            if added is not None and ch.commit == added.commit:
                step = first
            elif added is not None and ch.date > added.date and ch.status in ("M", "R", "T"):
                step = later
            else:
                continue
            steps.append(
                Step(
                    f"{kind}/{key}", step, ch.author, ch.author, ch.day, ch.commit, ch.email, "git"
                )
            )
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
            rep = data.reports[key]
            record = f"reports/{key}"
            steps.append(Step(record, "prepared", rep.prepared_by, name(rep.prepared_by), None))
            steps.append(
                Step(record, "approved", rep.approved_by, name(rep.approved_by), rep.approved_on)
            )
            if rep.submitted:
                steps.append(
                    Step(record, "submitted-recorded", rep.executor, rep.executor, rep.submitted)
                )
            steps.extend(git_steps("reports", key, "submitted", "amended"))
        for key in sorted(assessments[measure_id], key=lambda k: (data.assessments[k].date, k)):
            a = data.assessments[key]
            record = f"assessments/{key}"
            steps.append(Step(record, "assessed", a.analyst, name(a.analyst), a.date))
            steps.extend(git_steps("assessments", key, "assessment-merged", "assessment-amended"))
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
        lines.append(f"  {when:<16} {render(STEP_MESSAGES[s.step]):<36} {who_}{extra}")
    return "\n".join(lines) + "\n"
