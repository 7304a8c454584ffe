"""Approval is the submission: `dap approval` on real temporary repositories, the approval a
merge records read back from Git as the submission time, and forged trailers refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_workflow_repo import (  # noqa: F401  (_isolated_git is an autouse fixture)
    Repo,
    _isolated_git,
    assessment_yaml,
    make_repo,
    report_yaml,
)

from builder import compute as c
from builder import i18n
from builder import models as m
from builder.cli import cli
from builder.git.history import read_authors, read_history
from builder.load import load
from builder.wording import UK
from builder.workflow.approval import Approval, approvers, run_approval, submission
from builder.workflow.audit import audit_trail
from builder.workflow.check import run_check

# mineconomy is the main executor of 2.1.1.1.1 (co-executors: minfin, nazk).
IMPLEMENTER = "rkuzmenko-me"  # r.kuzmenko, впроваджувач
MANAGER = "kmoroz-me"  # k.moroz, the only уповноважений менеджер
COORDINATOR = "dpolishchuk-me"  # d.polishchuk, координатор впровадження and впроваджувач
CO_MANAGER = "ibondarenko-nazk"  # i.bondarenko, manager of nazk, a co-executor
ANALYST = "dhrytsenko-nazk"
REPORT = "data/reports/2025-Q2/2.1.1.1.1.yaml"
AT = dt.datetime(2025, 7, 15, 20, 30, tzinfo=dt.UTC)  # 15.07 23:30 in Kyiv


def edit(repo: Repo, rel: str, old: str, new: str) -> None:
    """Replace `old` by `new` once in a file of the repository."""
    text = repo.read(rel)
    assert old in text, (rel, old)
    repo.write(rel, text.replace(old, new, 1))


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """Demonstration data in `git` mode on main (the керівник of mineconomy with a GitHub
    login), and a branch 'pr' checked out."""
    r = make_repo(tmp_path / "repo")
    edit(r, "data/programme.yaml", "submission_dates: recorded", "submission_dates: git")
    edit(
        r,
        "data/executors/mineconomy.yaml",
        "- id: l.marchenko\n",
        "- id: l.marchenko\n  github: lmarchenko-me\n",
    )
    r.commit("vhnatiuk-nazk", "Submission dates from Git", date="2025-03-02T10:00:00+02:00")
    r.git("checkout", "-q", "-b", "pr")
    return r


def add_report(
    repo: Repo, login: str = IMPLEMENTER, prepared: str = "r.kuzmenko", date: str = ""
) -> str:
    """Commit the Q2 2025 report of 2.1.1.1.1 on the branch as `login`; return the head sha."""
    repo.write(REPORT, report_yaml("2.1.1.1.1", "2025-Q2", "mineconomy", prepared, "k.moroz"))
    return repo.commit(login, "Звіт за II квартал 2025", date=date or "2025-07-10T10:00:00+03:00")


def judge(repo: Repo, reviewer: str, head: str, at: dt.datetime = AT, commit: str = "") -> Approval:
    return run_approval(repo.path, repo.data, "main", head, 7, reviewer, commit or head, at)


def codes(result: Approval) -> list[str]:
    return [p.code for p in result.problems]


def test_the_manager_approves_and_the_trailers_record_it(repo: Repo) -> None:
    head = add_report(repo)
    result = judge(repo, MANAGER, head)
    assert result.approved, [p.what() for p in result.problems]
    assert result.reports == [REPORT]
    assert result.trailers() == [
        "Approved-by: k.moroz",
        "Approved-at: 2025-07-15T23:30:00+03:00",
        "Pull-request: 7",
    ]


def test_an_implementer_a_co_executor_and_an_unknown_login_do_not_approve(repo: Repo) -> None:
    head = add_report(repo)
    implementer = judge(repo, IMPLEMENTER, head)
    assert codes(implementer) == ["may-not-approve"]
    assert "is not an уповноважений менеджер of mineconomy" in implementer.problems[0].what()
    assert "k.moroz" not in implementer.problems[0].how()  # names and logins: Мороз (@kmoroz-me)
    assert "@kmoroz-me" in implementer.problems[0].how()
    co = judge(repo, CO_MANAGER, head)
    assert codes(co) == ["may-not-approve"]
    assert "co-executor" in co.problems[0].what()
    assert codes(judge(repo, "nobody-here", head)) == ["unknown-reviewer"]


def test_the_preparer_may_not_approve_and_the_head_acts_for_a_single_manager(
    repo: Repo,
) -> None:
    head = add_report(repo, MANAGER, prepared="k.moroz")
    own = judge(repo, MANAGER, head)
    assert codes(own) == ["may-not-approve"]
    assert "prepared this report" in own.problems[0].what()
    assert "@lmarchenko-me" in own.problems[0].how()  # the керівник may, and is named
    assert judge(repo, "lmarchenko-me", head).approved
    assert not judge(
        repo, COORDINATOR, head
    ).approved  # the керівник has access: not the координатор


def test_the_git_author_of_the_first_commit_counts_as_a_preparer(repo: Repo) -> None:
    head = add_report(repo, MANAGER, prepared="r.kuzmenko")  # typed: someone else
    assert "prepared this report" in judge(repo, MANAGER, head).problems[0].what()


def test_a_manager_without_access_and_a_stale_review_are_refused(repo: Repo) -> None:
    repo.git("checkout", "-q", "main")
    edit(
        repo,
        "data/executors/mineconomy.yaml",
        "- id: k.moroz\n",
        "- id: k.moroz\n  until: 2025-06-30\n",
    )
    repo.commit("sdoroshenko-nazk", "k.moroz leaves", date="2025-07-01T09:00:00+03:00")
    repo.git("checkout", "-q", "pr")
    repo.git("merge", "-q", "main")
    first = add_report(repo)
    gone = judge(repo, MANAGER, first)
    assert codes(gone) == ["may-not-approve"]
    assert "had no access on 15.07.2025" in gone.problems[0].what()
    # without an active manager the керівник approves
    assert judge(repo, "lmarchenko-me", first).approved
    edit(repo, REPORT, "Роботу триває", "Роботу продовжено")
    later = repo.commit(IMPLEMENTER, "Виправлення")
    stale = judge(repo, "lmarchenko-me", later, commit=first)
    assert codes(stale) == ["stale"]
    assert "older version" in stale.problems[0].what()


def test_a_pull_request_without_a_report_is_not_for_approval(repo: Repo) -> None:
    repo.write(
        "data/assessments/2025-Q2/2.1.1.1.1.yaml",
        assessment_yaml("2.1.1.1.1", "2025-Q2", "analyst.hrytsenko", []),
    )
    head = repo.commit(ANALYST, "Висновок")
    result = judge(repo, MANAGER, head)
    assert codes(result) == ["no-report"]
    assert not result.approved


def test_the_command_formats_and_exit_codes(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    head = add_report(repo)
    monkeypatch.chdir(repo.path)
    args = ["approval", "--base", "main", "--head", head, "--pr", "7", "--review-commit", head]
    args += ["--at", "2025-07-15T20:30:00Z"]
    runner = CliRunner()
    ok = runner.invoke(cli, [*args, "--reviewer", MANAGER, "--format", "trailers"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.splitlines() == [
        "Approved-by: k.moroz",
        "Approved-at: 2025-07-15T23:30:00+03:00",
        "Pull-request: 7",
    ]
    uk = ["--lang", "uk", *args, "--reviewer", IMPLEMENTER, "--format", "trailers"]
    refused = runner.invoke(cli, uk)
    i18n.set_language(None)
    assert refused.exit_code == 1
    assert refused.stdout == ""  # nothing a workflow could put into a merge commit
    assert "не уповноважений менеджер" in refused.stderr
    gh = runner.invoke(cli, [*args, "--reviewer", IMPLEMENTER, "--format", "github"])
    assert gh.exit_code == 1 and gh.output.startswith(f"::error file={REPORT},line=1::")
    js = json.loads(runner.invoke(cli, [*args, "--reviewer", MANAGER, "--format", "json"]).output)
    assert js["approved"] and js["person"] == "k.moroz" and js["trailers"][2] == "Pull-request: 7"
    day_only = runner.invoke(cli, [*args[:-1], "2025-07-15", "--reviewer", MANAGER])
    assert day_only.exit_code == 2


# ---------------------------------------------------------------- read back from Git


def merged(repo: Repo, trailers: str, date: str = "2025-07-16T10:00:00+03:00") -> None:
    """Merge the branch into main with `trailers`, as the merging workflow does."""
    repo.git("checkout", "-q", "main")
    repo.merge("pr", "vhnatiuk-nazk", date=date, trailers=trailers)


def due_state(repo: Repo) -> c.DueReport:
    data, problems = load(repo.data)
    snap = c.snapshot(data, read_history(repo.data), dt.date(2025, 8, 1), dt.date(2025, 8, 1))
    return next(d for d in snap.due if d.measure == "2.1.1.1.1" and d.period == "2025-Q2")


TRAILERS = "Approved-by: k.moroz\nApproved-at: 2025-07-15T23:30:00+03:00\nPull-request: 7"


def test_an_approval_before_the_deadline_merged_after_it_is_on_time(repo: Repo) -> None:
    add_report(repo)
    merged(repo, TRAILERS)
    due = due_state(repo)
    assert (due.state, due.submitted, due.verified, due.date_source) == (
        "on_time",
        dt.date(2025, 7, 15),  # 20:30 UTC is the 15th's 23:30 in Kyiv
        True,
        "git",
    )
    data, _ = load(repo.data)
    history = read_history(repo.data)
    found = submission(data, history, REPORT, data.reports["2025-Q2/2.1.1.1.1"])
    assert found is not None
    assert (found.approved_by, found.pull_request, found.distrust) == ("k.moroz", 7, "")
    assert found.merged.day == dt.date(2025, 7, 16)


def test_without_an_approval_the_merge_time_counts(repo: Repo) -> None:
    add_report(repo)
    merged(repo, "Pull-request: 7")
    due = due_state(repo)
    assert (due.state, due.submitted, due.days_late) == ("late", dt.date(2025, 7, 16), 1)


def test_a_backdated_approved_on_changes_nothing_in_git_mode(repo: Repo) -> None:
    repo.write(REPORT, report_yaml("2.1.1.1.1", "2025-Q2", "mineconomy", "r.kuzmenko", "k.moroz"))
    edit(repo, REPORT, "approved_on: 2025-04-03", "approved_on: 2025-07-01\nsubmitted: 2025-07-01")
    repo.commit(IMPLEMENTER, "Звіт", date="2025-07-10T10:00:00+03:00")
    merged(repo, "Pull-request: 7", date="2025-07-20T10:00:00+03:00")
    due = due_state(repo)
    assert (due.state, due.submitted, due.days_late) == ("late", dt.date(2025, 7, 20), 5)


@pytest.mark.parametrize(
    ("trailers", "why"),
    [
        (  # an implementer is no approver
            "Approved-by: r.kuzmenko\nApproved-at: 2025-07-15T23:30:00+03:00",
            "r.kuzmenko is not an уповноважений менеджер of mineconomy",
        ),
        (  # the preparer
            "Approved-by: k.moroz\nApproved-at: 2025-07-15T23:30:00+03:00",
            "k.moroz prepared this report",
        ),
        (  # a person from no executor's roster
            "Approved-by: analyst.hrytsenko\nApproved-at: 2025-07-15T23:30:00+03:00",
            "is no person in the executors' rosters",
        ),
        (  # two approvals
            "Approved-by: k.moroz\nApproved-by: l.marchenko\nApproved-at: 2025-07-15T23:30:00+03:00",
            "exactly one Approved-by:",
        ),
        (  # an approval after the merge
            "Approved-by: k.moroz\nApproved-at: 2025-07-17T09:00:00+03:00",
            "later than the merge",
        ),
        ("Approved-by: k.moroz\nApproved-at: 15.07.2025", "is not a moment in ISO 8601"),
    ],
)
def test_an_untrustworthy_trailer_falls_back_to_the_merge_time(
    repo: Repo, trailers: str, why: str
) -> None:
    prepared = "k.moroz" if "preparer" in why or "prepared" in why else "r.kuzmenko"
    add_report(repo, prepared=prepared)
    merged(repo, trailers)
    due = due_state(repo)
    assert (due.state, due.submitted) == ("late", dt.date(2025, 7, 16))
    data, _ = load(repo.data)
    snap = c.snapshot(data, read_history(repo.data), dt.date(2025, 8, 1), dt.date(2025, 8, 1))
    notes = [note.text(UK) for note in snap.notes]
    assert "1 повідомлення: схвалення не визнано, враховано час злиття." in notes
    steps = audit_trail(data, read_history(repo.data), "2.1.1.1.1")
    approved = [s for s in steps if s.record.endswith("2025-Q2/2.1.1.1.1") and s.step == "approved"]
    assert len(approved) == 1 and why in approved[0].note


def test_trailers_on_a_commit_that_is_not_a_merge_are_ignored_and_refused(repo: Repo) -> None:
    repo.write(REPORT, report_yaml("2.1.1.1.1", "2025-Q2", "mineconomy", "r.kuzmenko", "k.moroz"))
    repo.commit(IMPLEMENTER, "Звіт\n\n" + TRAILERS, date="2025-07-20T10:00:00+03:00")
    refused = run_check(repo.path, repo.data, "main", "HEAD", IMPLEMENTER)
    assert [p.code for p in refused.problems if p.severity == "error"] == ["forged-approval"]
    assert "Approved-by:" in refused.problems[-1].what()
    from builder.workflow.check import check_github, check_markdown, check_text

    assert "\n::error::commit " in check_github(refused)  # no file: the commit says where
    assert "| ❌ | | — | commit " in check_markdown(refused)
    assert "\ncommit " in check_text(refused)
    # pushed to main all the same (no protection): the commit's own time counts
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pr")
    due = due_state(repo)
    assert (due.state, due.submitted) == ("late", dt.date(2025, 7, 20))
    data, _ = load(repo.data)
    history = read_history(repo.data)
    found = submission(data, history, REPORT, data.reports["2025-Q2/2.1.1.1.1"])
    assert found is not None and "not a merge commit" in found.why()


def test_a_trailer_on_a_branch_commit_under_a_merge_is_not_the_merges(repo: Repo) -> None:
    repo.write(REPORT, report_yaml("2.1.1.1.1", "2025-Q2", "mineconomy", "r.kuzmenko", "k.moroz"))
    repo.commit(IMPLEMENTER, "Звіт\n\n" + TRAILERS, date="2025-07-10T10:00:00+03:00")
    merged(repo, "Pull-request: 7")
    due = due_state(repo)
    assert (due.state, due.submitted) == ("late", dt.date(2025, 7, 16))


def test_audit_lists_every_step_with_who_and_when(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_report(repo)
    merged(repo, TRAILERS)
    repo.git("checkout", "-q", "-b", "assess")
    repo.write(
        "data/assessments/2025-Q2/2.1.1.1.1.yaml",
        assessment_yaml("2.1.1.1.1", "2025-Q2", "analyst.hrytsenko", ["2025-Q2/2.1.1.1.1"]),
    )
    repo.commit(ANALYST, "Висновок", date="2025-07-25T10:00:00+03:00")
    repo.git("checkout", "-q", "main")
    repo.merge("assess", "vhnatiuk-nazk", date="2025-07-26T10:00:00+03:00")
    data, _ = load(repo.data)
    history = read_authors(read_history(repo.data))
    steps = [
        (s.step, s.person, s.date)
        for s in audit_trail(data, history, "2.1.1.1.1")
        if "2025-Q2" in s.record
    ]
    assert steps == [
        ("prepared", "r.kuzmenko", dt.date(2025, 7, 10)),
        ("approved", "k.moroz", dt.date(2025, 7, 15)),
        ("submitted", "vhnatiuk-nazk", dt.date(2025, 7, 16)),
        ("assessed", "analyst.hrytsenko", dt.date(2025, 4, 20)),
        ("assessment-merged", "vhnatiuk-nazk", dt.date(2025, 7, 26)),
    ]
    monkeypatch.chdir(repo.path)
    out = CliRunner().invoke(cli, ["audit", "2.1.1.1.1", "--public"]).output
    assert "10.07.2025       prepared" in out and "Роман Кузьменко (r.kuzmenko)" in out
    approved = next(line for line in out.splitlines() if "15.07.2025" in line)
    assert "approved (submitted to NACP)" in approved and "pull request #7" in approved
    assert "@example.org" not in out


def test_the_single_manager_rule_in_one_function(repo: Repo) -> None:
    data, _ = load(repo.data)
    day = dt.date(2025, 7, 15)
    assert [p.id for p in approvers(data, "2.1.1.1.1", day)] == ["k.moroz"]
    assert [p.id for p in approvers(data, "2.1.1.1.1", day, ["k.moroz"])] == ["l.marchenko"]
    assert [p.id for p in approvers(data, "2.1.1.1.1", day, ["k.moroz", "l.marchenko"])] == [
        "d.polishchuk"
    ]


def test_the_pull_request_comment_predicts_from_the_day_of_approval(repo: Repo) -> None:
    from builder.diff import diff_markdown, run_diff

    add_report(repo)
    early = run_diff(repo.path, repo.data, "main", "HEAD", dt.date(2025, 7, 12))
    (move,) = [r for r in early.reports if r.key == "2025-Q2/2.1.1.1.1"]
    assert move.approve_by == dt.date(2025, 7, 15)
    assert "буде вчасно, якщо схвалити до 15.07.2025 включно" in diff_markdown(early)
    late = run_diff(repo.path, repo.data, "main", "HEAD", dt.date(2025, 7, 17))
    assert "із запізненням: строк подання минув 15.07.2025 (2 дн., якщо схвалити 17.07.2025)" in (
        diff_markdown(late)
    )
    merged(repo, TRAILERS)  # once merged, the recorded approval decides
    after = run_diff(repo.path, repo.data, "main~1", "main", dt.date(2025, 7, 17))
    (done,) = [r for r in after.reports if r.key == "2025-Q2/2.1.1.1.1"]
    assert (done.approve_by, done.state) == (None, "on_time")


def test_the_measure_page_shows_the_steps_and_links_the_pull_request(repo: Repo) -> None:
    from builder.site.context import prepare
    from builder.site.measures import report_steps

    add_report(repo)
    merged(repo, TRAILERS)
    data, _ = load(repo.data)
    assert data.programme is not None
    history = read_authors(read_history(repo.data))
    snap = c.snapshot(data, history, dt.date(2025, 8, 1), dt.date(2025, 8, 1))
    html = report_steps(prepare(data, [snap], history), "2.1.1.1.1", "2025-Q2/2.1.1.1.1")
    assert html.startswith('<ul class="dap-steps"><li>підготовлено 10.07.2025 — Мінекономіки</li>')
    assert "<li>схвалено й подано до НАЗК 15.07.2025 — Мінекономіки</li>" in html
    assert "<li>внесено до репозиторію 16.07.2025</li>" in html
    assert "Мороз" not in html and "Кузьменко" not in html and "nazk" not in html
    assert "запит на злиття" not in html  # no repository_url: no link
    data.programme = data.programme.model_copy(
        update={
            "repository_url": "https://github.com/nazk/dap-data",
            "publish": m.Publication(people=True),
        }
    )
    html = report_steps(prepare(data, [snap], history), "2.1.1.1.1", "2025-Q2/2.1.1.1.1")
    assert "<li>схвалено й подано до НАЗК 15.07.2025 — Катерина Мороз</li>" in html
    assert (
        '<a href="https://github.com/nazk/dap-data/pull/7" rel="noopener noreferrer">'
        "запит на злиття #7</a>" in html
    )


def test_a_trailer_naming_a_manager_without_access_is_not_trusted(repo: Repo) -> None:
    repo.git("checkout", "-q", "main")
    edit(
        repo,
        "data/executors/mineconomy.yaml",
        "- id: k.moroz\n",
        "- id: k.moroz\n  until: 2025-06-30\n",
    )
    repo.commit("sdoroshenko-nazk", "k.moroz leaves", date="2025-07-01T09:00:00+03:00")
    repo.git("checkout", "-q", "pr")
    repo.git("merge", "-q", "main")
    add_report(repo)
    merged(repo, TRAILERS)
    assert (due_state(repo).state, due_state(repo).submitted) == ("late", dt.date(2025, 7, 16))
    data, _ = load(repo.data)
    found = submission(data, read_history(repo.data), REPORT, data.reports["2025-Q2/2.1.1.1.1"])
    assert found is not None and found.why() == (
        "k.moroz had no access on 15.07.2025, so may not approve"
    )


def test_a_git_author_is_mapped_to_a_person_through_the_rosters() -> None:
    from builder.workflow.approval import author_person

    data, _ = load(Path(__file__).resolve().parent.parent / "data")
    found = [
        author_person(data, name, email)
        for name, email in [
            # rosters hold no e-mail (it is in the encrypted contacts): an address proves nothing
            ("Whoever", "K.Moroz@example.gov.ua"),
            ("Whoever", "12345+KMoroz-ME@users.noreply.github.com"),  # GitHub's no-reply
            ("kmoroz-me", "laptop@localhost"),  # a name equal to a login
            ("Катерина Мороз", "laptop@localhost"),  # a name alone proves nothing
        ]
    ]
    assert [p.id if p else None for p in found] == [None, "k.moroz", "k.moroz", None]


def test_only_the_assigned_manager_approves_and_another_stands_in_only_for_them() -> None:
    from builder.workflow.approval import refusal

    data, _ = load(Path(__file__).resolve().parent.parent / "data")
    day = dt.date(2025, 7, 10)
    # nazk, the main executor of 1.1.1.1.2, assigns it to i.bondarenko; a.shevchuk is nazk's
    # other уповноважений менеджер
    assert [p.id for p in approvers(data, "1.1.1.1.2", day)] == ["i.bondarenko"]
    other = next(p for p in data.executors["nazk"].people if p.id == "a.shevchuk")
    why = refusal(data, other, "1.1.1.1.2", day, [])
    assert "is not the уповноважений менеджер measure {measure} is assigned to" in why
    # the assigned manager prepared it: the other manager stands in
    assert [p.id for p in approvers(data, "1.1.1.1.2", day, ["i.bondarenko"])] == ["a.shevchuk"]
    assert refusal(data, other, "1.1.1.1.2", day, ["i.bondarenko"]) == ""
