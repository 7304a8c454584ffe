"""Approval is the submission: who may approve a report, `dap approval` (does this forge review
submit the report pull request?) and the approval a merge records, read back and checked.

A report is submitted when an уповноважений менеджер of its measure's main executor approves
its pull request in the forge's review (IV.1). The merging workflow asks `dap approval`, which
judges the review against the rosters at the BASE, and writes the answer into the merge commit
as trailers (`Approved-by:`, `Approved-at:`, `Pull-request:`); `submission()` reads them back
from Git alone and trusts them only when the rosters agree.

Who may approve (`approvers`, one function): the уповноважений менеджер the measure is
assigned to at its main executor in force on the day (III.11, `assignments.assigned_manager`),
with access, and not a person who prepared the report (III.12/III.13: the one who prepares does
not approve). Stand-ins, in order, when there is no such assigned manager (the measure is not
assigned, the assigned manager has no access, or prepared the report): the executor's other
уповноважені менеджери with access; failing them its керівник (who assigns measures to
managers and answers for them); failing that its координатор впровадження. Co-executors'
people never approve: they comment in the pull request.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .. import models as m
from ..assignments import assigned_manager
from ..datafile import kind_of
from ..errors import GitError, Problem, problem_params
from ..git.history import KYIV, Change, History, Recorded, submission_day
from ..git.load import load_at
from ..git.repo import changed_files, data_prefix, git, merge_base, repo_root, resolve
from ..i18n import N_, _, render
from ..load import Dataset, record_path
from ..options import annotation, printable
from ..validate.records import measure_of
from ..versions import main_executor_on
from ..wording import ua_date
from .permits import find_login, inside

# ---------------------------------------------------------------- who may approve


def approvers(
    data: Dataset, measure_id: str, day: dt.date, preparers: Iterable[str] = ()
) -> tuple[m.Person, ...]:
    """The people who may approve a report on `measure_id` on `day` (rosters of `data`): the
    main executor's managers with access, not among `preparers`; failing them its керівник,
    failing that its координатор впровадження (see the module's text)."""
    text = data.measures.get(measure_id)
    if text is None:
        return ()
    main = main_executor_on(text, day)  # the version of the measure in force on the day
    executor = data.executors.get(main)
    if executor is None:
        return ()
    made = set(preparers)
    assigned = assigned_manager(data, measure_id, day, main)
    if assigned is not None and assigned.id not in made:
        return (assigned,)  # the assigned manager approves; the others stand in only without
    for role in (m.ExecutorRole.MANAGER, m.ExecutorRole.HEAD, m.ExecutorRole.COORDINATOR):
        found = tuple(
            p for p in executor.people if role in p.roles and p.active_on(day) and p.id not in made
        )
        if found:
            return found
    return ()


def may_approve(
    data: Dataset, person: m.Person, measure_id: str, day: dt.date, preparers: Iterable[str] = ()
) -> bool:
    """True when `person` may approve a report on `measure_id` on `day` (`approvers`)."""
    return person.id in {p.id for p in approvers(data, measure_id, day, preparers)}


def refusal(
    data: Dataset, person: m.Person, measure_id: str, day: dt.date, preparers: Iterable[str]
) -> str:
    """Why `person` may not approve (a message id with {person}, {measure}, {executor}, {day}
    placeholders), or '' when they may."""
    if may_approve(data, person, measure_id, day, preparers):
        return ""
    measure = data.measures.get(measure_id)
    main = main_executor_on(measure, day) if measure else ""
    roster = data.executors.get(main)
    own = roster is not None and any(p.id == person.id for p in roster.people)
    if not own:
        co = measure is not None and any(
            any(p.id == person.id for p in getattr(data.executors.get(c.executor), "people", []))
            for c in measure.co_executors
        )
        if co:
            return N_(
                "{person} is a person of a co-executor of measure {measure}: co-executors "
                "comment on a report but do not approve it — its main executor {executor} does"
            )
        return N_(
            "{person} is not a person of {executor}, the main executor of measure {measure}: "
            "a report is approved by its уповноважений менеджер"
        )
    not_manager = N_(
        "{person} is not an уповноважений менеджер of {executor}: a report on measure {measure} "
        "is approved by its managers (by its керівник when the only manager prepared it)"
    )
    if not {m.ExecutorRole.MANAGER, m.ExecutorRole.HEAD, m.ExecutorRole.COORDINATOR} & set(
        person.roles
    ):
        return not_manager
    if not person.active_on(day):
        return N_("{person} had no access on {day}, so may not approve")
    if person.id in set(preparers):
        return N_(
            "{person} prepared this report, so may not approve it (III.12/III.13): another "
            "уповноважений менеджер of {executor} approves it, or, when there is none, its "
            "керівник"
        )
    if m.ExecutorRole.MANAGER in person.roles and assigned_manager(data, measure_id, day, main):
        return N_(
            "{person} is not the уповноважений менеджер measure {measure} is assigned to at "
            "{executor}: the assigned manager approves it (another one stands in only when the "
            "assigned manager prepared the report or has no access)"
        )
    return not_manager


def who_may(data: Dataset, measure_id: str, day: dt.date, preparers: Iterable[str]) -> str:
    """'Name (@login), …' of the people who may approve, or '—'."""
    people = approvers(data, measure_id, day, preparers)
    return ", ".join(f"{p.name} (@{p.github or p.id})" for p in people) or "—"


def author_index(data: Dataset) -> dict[str, m.Person]:
    """Every person by GitHub login, lower case (the rosters hold no e-mail addresses: those
    are in the encrypted contacts, which a check never reads)."""
    index: dict[str, m.Person] = {}
    for person in [*data.staff, *(p for e in data.executors.values() for p in e.people)]:
        if person.github:
            index.setdefault("login:" + person.github.lower(), person)
    return index


def author_person(
    data: Dataset, name: str, email: str, index: dict[str, m.Person] | None = None
) -> m.Person | None:
    """The person a Git author is, by the rosters: the e-mail address, a GitHub no-reply
    address (ID+login@users.noreply.github.com) or a name equal to a GitHub login. `index`:
    `author_index(data)`, made once when many authors are looked up."""
    found = index if index is not None else author_index(data)
    wanted = email.strip().lower()
    if wanted in found:
        return found[wanted]
    if wanted.endswith("@users.noreply.github.com"):
        login = wanted.split("@", 1)[0].split("+", 1)[-1]
        if "login:" + login in found:
            return found["login:" + login]
    return found.get("login:" + name.strip().lower())


# ---------------------------------------------------------------- the approval a merge recorded


@dataclass(frozen=True)
class Submission:
    """How a report on the main branch was submitted, as Git records it: the merge that brought
    it, the approval the merge recorded when it is trusted, and the pull request."""

    merged: Change  # the change that brought the file to the main branch (a merge's)
    at: dt.datetime  # the moment it counts as submitted: the trusted approval, else the merge
    approved_by: str = ""  # person id of a trusted approval
    approved_at: dt.datetime | None = None
    pull_request: int | None = None
    distrust: str = ""  # message id: why the recorded approval is not trusted ('' if it is)
    values: tuple[tuple[str, str], ...] = ()  # the message's placeholders

    @property
    def day(self) -> dt.date:
        """The Kyiv calendar day of the submission."""
        return submission_day(self.at)

    def why(self) -> str:
        """Why the recorded approval is not trusted, in the run's language ('' if it is)."""
        return render(self.distrust, dict(self.values)) if self.distrust else ""


def _moment(text: str) -> dt.datetime | None:
    """An ISO 8601 moment with its offset, or None."""
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def pull_request_of(recorded: Recorded | None) -> int | None:
    """The pull request's number a merge records (`Pull-request: N`), or None."""
    if recorded is None or not recorded.merge or len(recorded.pull_request) != 1:
        return None
    number = recorded.pull_request[0].lstrip("#")
    return int(number) if number.isdigit() and len(number) < 10 else None


def submission(
    data: Dataset, history: History | None, path: str, report: m.Report
) -> Submission | None:
    """How the report file `path` reached the main branch, or None when it has not (or there is
    no history). The approval its merge records counts only when the merge commit is a merge on
    the first-parent line, carries one `Approved-by:` and one `Approved-at:` (a moment with its
    offset, not after the merge), and the person may approve by the rosters of `data` on that
    day (not the report's `prepared_by`); else the merge's moment counts and `distrust` says why.
    """
    if history is None or not history.available:
        return None
    change = history.first_added(path)
    if change is None:
        return None
    recorded = history.recorded(change)
    if recorded is None:
        return Submission(change, change.date)
    pr = pull_request_of(recorded)
    if not (recorded.approved_by or recorded.approved_at):
        return Submission(change, change.date, pull_request=pr)

    def distrusted(message: str, **values: object) -> Submission:
        params = problem_params({"commit": change.commit[:10], **values})
        return Submission(change, change.date, pull_request=pr, distrust=message, values=params)

    if not recorded.merge:
        return distrusted(
            N_(
                "commit {commit} carries approval trailers but is not a merge commit: only a "
                "merge records an approval, the commit's own time counts"
            )
        )
    if len(recorded.approved_by) != 1 or len(recorded.approved_at) != 1:
        return distrusted(
            N_(
                "merge {commit} must carry exactly one Approved-by: and one Approved-at: "
                "trailer; the merge time counts"
            )
        )
    at = _moment(recorded.approved_at[0])
    if at is None:
        return distrusted(
            N_(
                "merge {commit}: Approved-at: '{value}' is not a moment in ISO 8601 with its "
                "offset; the merge time counts"
            ),
            value=recorded.approved_at[0],
        )
    if at > recorded.date:
        return distrusted(
            N_(
                "merge {commit}: the approval ({value}) is later than the merge itself; the "
                "merge time counts"
            ),
            value=recorded.approved_at[0],
        )
    pid = recorded.approved_by[0]
    measure = data.measures.get(report.measure)
    main = data.executors.get(measure.main_executor.executor) if measure else None
    person = next((p for p in main.people if p.id == pid), None) if main else None
    if person is None:  # rare: someone else's person (the main executor's roster is small)
        person = next((p for e in data.executors.values() for p in e.people if p.id == pid), None)
    measure_id = report.measure
    day = submission_day(at)
    if person is None:
        return distrusted(
            N_("merge {commit}: Approved-by: '{value}' is no person in the executors' rosters"),
            value=pid,
        )
    why = refusal(data, person, measure_id, day, [report.prepared_by])
    if why:
        return distrusted(
            why,
            person=pid,
            measure=measure_id,
            executor=measure.main_executor.executor if measure else "",
            day=ua_date(day),
        )
    return Submission(change, at, pid, at, pr)


def report_date(
    data: Dataset,
    history: History | None,
    key: str,
    report: m.Report,
    distrusted: list[str] | None = None,
) -> tuple[dt.date | None, bool, str]:
    """When a report counts as submitted: (date, verified, "git" | "recorded" | "approved_on" | "").
    `git` mode: the Kyiv day of the approval its merge recorded, if trusted (else of the merge;
    the key goes into `distrusted`); the typed dates count only until the file is in the history."""
    programme = data.programme
    git = programme is not None and programme.reporting.submission_dates == "git"
    if git and history is not None and history.available:
        found = submission(data, history, record_path(data, "reports", key), report)
        if found is not None:
            if found.distrust and distrusted is not None:
                distrusted.append(key)  # `dap audit` says why
            return found.day, True, "git"
    if report.submitted is not None:
        return report.submitted, False, "recorded"
    if report.approved_on is not None:
        return report.approved_on, False, "approved_on"
    return None, False, ""


def pull_request_url(programme: m.Programme | None, number: int | None) -> str:
    """The pull request's address in the forge (`repository_url` + /pull/N), or ''."""
    if programme is None or number is None or not programme.repository_url:
        return ""
    return f"{str(programme.repository_url).rstrip('/')}/pull/{number}"


# ---------------------------------------------------------------- `dap approval`


@dataclass
class Approval:
    """The judgement on one review: the reports it would submit, problems, the trailers."""

    base: str
    head: str
    pr: int
    reviewer: str
    at: dt.datetime
    person: str = ""  # the reviewer's person id ('' when the login is in no roster)
    reports: list[str] = field(default_factory=list)  # repository paths
    problems: list[Problem] = field(default_factory=list)

    @property
    def approved(self) -> bool:
        """True when the review submits the pull request's reports."""
        return bool(self.reports) and not self.problems

    def trailers(self) -> list[str]:
        """The lines of the merge commit message that record the approval."""
        moment = self.at.astimezone(KYIV) if KYIV is not None else self.at
        return [
            f"Approved-by: {self.person}",
            f"Approved-at: {moment.isoformat(timespec='seconds')}",
            f"Pull-request: {self.pr}",
        ]


def _problem(file: str, message: str, hint: str = "", code: str = "", **values: object) -> Problem:
    return Problem(
        file, message=message, hint=hint, code=code or "not-approved", params=problem_params(values)
    )


def first_author(root: Path, fork: str, head: str, path: str) -> tuple[str, str] | None:
    """The Git author (name, e-mail) of the first commit on the branch that touched `path`."""
    out = git(root, "log", "--reverse", "--format=%an%x00%ae", f"{fork}..{head}", "--", path)
    first = out.split("\n", 1)[0]
    if "\0" not in first:
        return None
    name, email = first.split("\0", 1)
    return name, email


def run_approval(
    repo: Path,
    data_dir: Path,
    base_ref: str,
    head_ref: str,
    pr: int,
    reviewer: str,
    review_commit: str,
    at: dt.datetime,
) -> Approval:
    """Judge whether `reviewer`'s approval of pull request `pr` at `at` on `review_commit`
    submits its reports: rosters, measures and settings at the merge base of BASE and HEAD
    (read in memory), each report's preparers from the file at HEAD and its first commit."""
    root = repo_root(repo)
    prefix = data_prefix(root, data_dir if data_dir.is_absolute() else repo / data_dir)
    base_sha, head_sha = resolve(root, base_ref), resolve(root, head_ref)
    fork = merge_base(root, base_sha, head_sha)
    base, _problems = load_at(root, fork, prefix)
    head, _broken = load_at(root, head_sha, prefix)
    result = Approval(base_ref, head_ref, pr, reviewer, at)
    day = submission_day(at)
    changes = changed_files(root, fork, head_sha)
    reports: list[tuple[str, str]] = []
    others: list[str] = []
    for change in changes:
        rel = change.path[len(prefix) + 1 :] if prefix else change.path
        kind, key = kind_of(rel) if inside(change.path, prefix) else (None, "")
        if kind is not None and kind.name == "reports" and change.status != "D":
            reports.append((change.path, key))
        else:
            others.append(change.path)
    result.reports = [path for path, _key in reports]
    if not reports:
        result.problems.append(
            _problem(
                "",
                N_(
                    "pull request #{pr} brings no report, so it is not for approval: only a "
                    "report pull request is submitted by its executor's approval"
                ),
                N_("an analyst or the редактор reviews and merges it as usual"),
                "no-report",
                pr=pr,
            )
        )
        return result
    for path in others:
        result.problems.append(
            _problem(
                path,
                N_(
                    "a report pull request brings only report files; {path} is not one, so the "
                    "approval cannot submit it"
                ),
                N_("move this change to a pull request of its own"),
                "not-a-report",
                path=path,
            )
        )
    try:
        reviewed = resolve(root, review_commit.strip()) if review_commit.strip() else ""
    except GitError:
        reviewed = ""  # a commit this clone does not have: not the head either
    if reviewed != head_sha:
        result.problems.append(
            _problem(
                "",
                N_(
                    "the approval concerns an older version of the pull request (commit "
                    "{commit}); the latest commit is {head}"
                ),
                N_("approve the pull request again after looking at its latest changes"),
                "stale",
                commit=review_commit[:10],
                head=head_sha[:10],
            )
        )
    found = find_login(base, reviewer)
    if found is None:
        result.problems.append(
            _problem(
                "",
                N_("GitHub login '{login}' is in no roster, so its approval submits nothing"),
                N_("the executor's уповноважений менеджер approves the pull request"),
                "unknown-reviewer",
                login=reviewer,
            )
        )
        return result
    person = found[1]
    result.person = person.id
    for path, key in reports:
        measure_id = measure_of(key)
        measure = base.measures.get(measure_id)
        if measure is None:
            result.problems.append(
                _problem(
                    path,
                    N_("a report needs an existing measure; '{measure}' is not in the programme"),
                    N_("correct the measure id (see data/measures/)"),
                    "no-measure",
                    measure=measure_id,
                )
            )
            continue
        preparers = set()
        report = head.reports.get(key)
        if report is not None:
            preparers.add(report.prepared_by)
        author = first_author(root, fork, head_sha, path)
        if author is not None:
            made = author_person(base, *author)
            if made is not None:
                preparers.add(made.id)
        why = refusal(base, person, measure_id, day, preparers)
        if why:
            result.problems.append(
                _problem(
                    path,
                    why,
                    N_("may approve: {people}"),
                    "may-not-approve",
                    person=f"{person.name} (@{reviewer.lstrip('@')})",
                    measure=measure_id,
                    executor=measure.main_executor.executor,
                    day=ua_date(day),
                    people=who_may(base, measure_id, day, preparers),
                )
            )
    return result


def approval_text(result: Approval) -> str:
    """The judgement as text: the problems, or that the reports are submitted."""
    if result.approved:
        lines = [
            _(
                "approved by {person} on {day}: pull request #{pr} submits {reports}",
                person=result.person,
                day=ua_date(submission_day(result.at)),
                pr=result.pr,
                reports=", ".join(result.reports),
            )
        ]
    else:
        lines = [(f"{p.file}: " if p.file else "") + _line(p) for p in result.problems]
        lines.append(_("the approval does not submit pull request #{pr}", pr=result.pr))
    return "\n".join(printable(line) for line in lines) + "\n"


def _line(p: Problem) -> str:
    return p.what() + (f" — {p.how()}" if p.hint else "")


def approval_github(result: Approval) -> str:
    """Workflow annotations: one error per problem, or a notice of the submission."""
    if result.approved:
        return annotation("notice", approval_text(result).strip()) + "\n"
    out = []
    for p in result.problems:
        props = {"file": p.file, "line": 1} if p.file else {}
        out.append(annotation("error", _line(p), **props))
    return "".join(line + "\n" for line in out)


def approval_json(result: Approval) -> str:
    """The judgement as JSON (messages in the run's language, `code` in English)."""
    return json.dumps(
        {
            "approved": result.approved,
            "base": result.base,
            "head": result.head,
            "pull_request": result.pr,
            "reviewer": result.reviewer,
            "person": result.person,
            "at": result.at.isoformat(),
            "reports": result.reports,
            "trailers": result.trailers() if result.approved else [],
            "problems": [p.as_dict() for p in result.problems],
        },
        ensure_ascii=False,
        indent=2,
    )
