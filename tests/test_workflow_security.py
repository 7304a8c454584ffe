"""Ways past the change check and into the workflow's output, each closed (issue 16, findings
1–4 and 8), on real temporary Git repositories: a merge commit carrying an unsigned report, a
backdated commit, a record whose own fields name another measure than its path, links and
submodules at data paths, and workflow commands in a file name."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_workflow import (
    EDITOR,
    MINECONOMY_IMPLEMENTER,
    check,
    new_report,
    refusals,
    register_key,
    ssh_key,
)
from test_workflow_repo import (  # noqa: F401  (_isolated_git is an autouse fixture)
    Repo,
    _isolated_git,
    make_repo,
    report_yaml,
)

from builder.cli import cli
from builder.validate import validate
from builder.workflow.check import run_check

REPORT = "data/reports/2025-Q1/2.1.1.1.1.yaml"  # mineconomy's measure


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """The demonstration data committed on main, and a branch 'pr' checked out."""
    r = make_repo(tmp_path / "repo")
    r.git("checkout", "-q", "-b", "pr")
    return r


def edit_measure_on_main(repo: Repo) -> None:
    """The editor changes a measure on main (so that merging main makes a merge commit)."""
    repo.git("checkout", "-q", "main")
    rel = "data/measures/1.1.1.1.1.yaml"
    repo.write(rel, repo.read(rel).replace("title:", "title: Змінено,", 1))
    repo.commit(EDITOR, "Редакція заходу", date="2025-04-02T10:00:00+03:00")


# ---------------------------------------------------------------- 1: merge commits


def start_merge(repo: Repo, login: str) -> None:
    """`git merge --no-ff --no-commit main` on the checked-out branch, as `login`."""
    who = {"GIT_AUTHOR_NAME": login, "GIT_AUTHOR_EMAIL": f"{login}@example.org"}
    who |= {"GIT_COMMITTER_NAME": login, "GIT_COMMITTER_EMAIL": f"{login}@example.org"}
    repo.git("merge", "-q", "--no-ff", "--no-commit", "main", env=who)


def signed_repo(tmp_path: Path) -> tuple[Repo, Path]:
    """Signatures enforced; r.kuzmenko's key registered on main; branch 'pr' checked out."""
    repo = make_repo(tmp_path / "repo", signatures="enforce")
    key, public = ssh_key(tmp_path, "kuzmenko")
    register_key(repo, "mineconomy", "r.kuzmenko", public)
    repo.commit("sdoroshenko-nazk", "Ключ підпису", date="2025-03-02T10:00:00+02:00")
    repo.git("checkout", "-q", "-b", "pr")
    return repo, key


def test_an_unsigned_report_inside_a_merge_commit_is_refused(tmp_path: Path) -> None:
    repo, _ = signed_repo(tmp_path)
    edit_measure_on_main(repo)
    repo.git("checkout", "-q", "pr")
    start_merge(repo, MINECONOMY_IMPLEMENTER)
    new_report(repo)
    merge = repo.commit(MINECONOMY_IMPLEMENTER, "Merge main (і звіт)")
    assert len(repo.git("rev-list", "--parents", "-1", merge).split()) == 3  # a merge commit
    result = check(repo, MINECONOMY_IMPLEMENTER)
    assert refusals(result) == [(REPORT, "signature")]
    assert f"commit {merge[:10]}" in result.problems[0].what()
    assert "is not signed" in result.problems[0].what()


def test_a_merge_that_only_brings_main_in_is_not_judged(tmp_path: Path) -> None:
    """Updating the branch from main (an unsigned merge) leaves the signed report alone."""
    repo, key = signed_repo(tmp_path)
    new_report(repo)
    repo.commit(MINECONOMY_IMPLEMENTER, "Звіт (підписано)", key=key)
    edit_measure_on_main(repo)
    repo.git("checkout", "-q", "pr")
    repo.merge("main", MINECONOMY_IMPLEMENTER)
    result = check(repo, MINECONOMY_IMPLEMENTER)
    assert result.problems == []
    assert result.commits == 1


def test_a_report_rewritten_inside_a_merge_is_judged_on_the_merge(tmp_path: Path) -> None:
    """The report was signed, then changed while resolving a merge: the merge brought the
    content, so its (missing) signature is what counts."""
    repo, key = signed_repo(tmp_path)
    new_report(repo)
    repo.commit(MINECONOMY_IMPLEMENTER, "Звіт (підписано)", key=key)
    edit_measure_on_main(repo)
    repo.git("checkout", "-q", "pr")
    start_merge(repo, MINECONOMY_IMPLEMENTER)
    repo.write(REPORT, repo.read(REPORT).replace("text:", "text: Дописано під час злиття.", 1))
    merge = repo.commit(MINECONOMY_IMPLEMENTER, "Merge main")
    result = check(repo, MINECONOMY_IMPLEMENTER)
    assert refusals(result) == [(REPORT, "signature")]
    assert f"commit {merge[:10]}" in result.problems[0].what()


# ---------------------------------------------------------------- 2: "today"

ENDED = "mrudenko-mj"  # m.rudenko, впроваджувач of minjust, until 2024-05-31
MINJUST_REPORT = "data/reports/2025-Q1/1.1.1.2.1.yaml"  # minjust's measure


def backdated_report(repo: Repo) -> None:
    """m.rudenko adds a report with commit dates inside the access they had."""
    repo.write(
        MINJUST_REPORT,
        report_yaml("1.1.1.2.1", "2025-Q1", "minjust", "m.rudenko", "v.oliinyk"),
    )
    repo.commit(ENDED, "Звіт", date="2024-05-01T10:00:00+03:00")


def test_access_that_ended_cannot_be_backdated(repo: Repo) -> None:
    backdated_report(repo)
    result = check(repo, ENDED)  # locally: the real clock
    assert refusals(result) == [(MINJUST_REPORT, "no-access")]
    # the day that decides is the one given, never a commit's
    late = run_check(repo.path, repo.data, "main", "HEAD", ENDED, today=dt.date(2025, 4, 5))
    assert refusals(late) == [(MINJUST_REPORT, "no-access")]
    assert "had no access on 05.04.2025" in late.problems[0].what()
    early = run_check(repo.path, repo.data, "main", "HEAD", ENDED, today=dt.date(2024, 5, 1))
    assert refusals(early) == []


def test_the_workflow_passes_the_event_time(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    backdated_report(repo)
    monkeypatch.chdir(repo.path)
    args = ["check-change", "--base", "main", "--author", ENDED, "--format", "json"]
    runner = CliRunner()
    # pr.yml: DAP_CHECK_TODAY is the pull request's event time, a moment in UTC
    monkeypatch.setenv("DAP_CHECK_TODAY", "2025-04-05T09:30:00Z")
    late = runner.invoke(cli, args)
    assert late.exit_code == 1, late.output
    assert '"today": "2025-04-05"' in late.output and '"code": "no-access"' in late.output
    # the moment's day in Kyiv: 21:30 UTC on 31 May is 1 June there
    monkeypatch.setenv("DAP_CHECK_TODAY", "2024-05-31T21:30:00Z")
    assert runner.invoke(cli, args).exit_code == 1
    monkeypatch.delenv("DAP_CHECK_TODAY")
    early = runner.invoke(cli, [*args, "--today", "2024-05-31"])
    assert early.exit_code == 0, early.output
    wrong = runner.invoke(cli, [*args, "--today", "31.05.2024"])
    assert wrong.exit_code == 2 and "2024-05-31" in wrong.output


def test_pr_workflow_gives_the_event_time() -> None:
    text = (Path(__file__).resolve().parent.parent / ".github/workflows/pr.yml").read_text()
    assert "DAP_CHECK_TODAY: ${{ github.event.pull_request.updated_at }}" in text


# ---------------------------------------------------------------- 3: the path decides

FOREIGN = "data/reports/2024-Q3/1.1.2.1.2.yaml"  # nazk's measure, not assessed


def own_measure_inside(text: str) -> str:
    """A report's text claiming mineconomy's measure 2.1.1.1.1."""
    text = re.sub(r"(?m)^measure: .*$", "measure: 2.1.1.1.1", text)
    return re.sub(r"(?m)^executor: .*$", "executor: mineconomy", text)


def test_editing_another_executors_report_is_refused_whatever_it_says(repo: Repo) -> None:
    repo.write(FOREIGN, own_measure_inside(repo.read(FOREIGN)))
    repo.commit(MINECONOMY_IMPLEMENTER, "Чужий звіт")
    result = check(repo, MINECONOMY_IMPLEMENTER)
    assert sorted(refusals(result)) == [
        (FOREIGN, "id-mismatch"),
        (FOREIGN, "not-allowed"),
        (FOREIGN, "role-rule"),
    ]
    found = {p.code: p for p in result.problems}
    assert "1.1.2.1.2" in found["not-allowed"].what() and "nazk" in found["not-allowed"].what()
    mismatch = found["id-mismatch"]
    assert (mismatch.line, mismatch.field) == (2, "measure")
    assert (found["role-rule"].line, found["role-rule"].field) == (5, "executor")


def test_a_new_file_at_another_executors_path_is_refused(repo: Repo) -> None:
    rel = "data/reports/2025-Q1/1.1.2.1.2.yaml"
    repo.write(rel, report_yaml("2.1.1.1.1", "2025-Q1", "mineconomy", "r.kuzmenko", "k.moroz"))
    repo.commit(MINECONOMY_IMPLEMENTER, "Звіт")
    result = check(repo, MINECONOMY_IMPLEMENTER)
    assert sorted(refusals(result)) == [
        (rel, "id-mismatch"),
        (rel, "not-allowed"),
        (rel, "role-rule"),
    ]
    # a period inside that is not the folder's is named too
    repo.write(REPORT, report_yaml("2.1.1.1.1", "2024-Q4", "mineconomy", "r.kuzmenko", "k.moroz"))
    repo.commit(MINECONOMY_IMPLEMENTER, "Звіт")
    assert (REPORT, "id-mismatch") in refusals(check(repo, MINECONOMY_IMPLEMENTER))


def test_validate_takes_the_executor_from_the_path(data_copy: Path) -> None:
    rel = "reports/2024-Q3/1.1.2.1.2.yaml"
    path = data_copy / rel
    path.write_text(own_measure_inside(path.read_text(encoding="utf-8")), encoding="utf-8")
    _, problems = validate(data_copy, "data")
    assert sorted((p.field, p.code) for p in problems if p.file == f"data/{rel}") == [
        ("executor", "role-rule"),
        ("measure", "id-mismatch"),
    ]


# ---------------------------------------------------------------- 4: links and submodules


def test_a_symbolic_link_at_a_report_path_is_refused(repo: Repo) -> None:
    (repo.path / REPORT).parent.mkdir(parents=True)
    os.symlink("/etc/passwd", repo.path / REPORT)
    repo.commit(MINECONOMY_IMPLEMENTER, "Звіт")
    result = check(repo, MINECONOMY_IMPLEMENTER)
    assert refusals(result) == [(REPORT, "not-a-file")]
    assert "symbolic link" in result.problems[0].what()


def test_a_link_replacing_ones_own_report_is_refused(repo: Repo) -> None:
    own = "data/reports/2024-Q4/2.1.1.1.1.yaml"  # not assessed
    (repo.path / own).unlink()
    os.symlink("../../assessments/2024-Q2/2.1.1.1.1.yaml", repo.path / own)
    repo.commit(MINECONOMY_IMPLEMENTER, "Звіт")
    result = check(repo, MINECONOMY_IMPLEMENTER)
    assert refusals(result) == [(own, "not-a-file")]


def add_gitlink(repo: Repo, rel: str) -> None:
    """A submodule entry (a gitlink, mode 160000) at `rel`, as `git submodule add` makes."""
    sha = repo.git("rev-parse", "HEAD").strip()
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{sha},{rel}")
    repo.git(
        "-c",
        "user.name=x",
        "-c",
        "user.email=x@example.org",
        "commit",
        "-q",
        "-m",
        "submodule",
        env={
            "GIT_AUTHOR_NAME": MINECONOMY_IMPLEMENTER,
            "GIT_COMMITTER_NAME": MINECONOMY_IMPLEMENTER,
        },
    )


def test_a_submodule_at_a_report_path_is_refused_by_check_and_validate(repo: Repo) -> None:
    add_gitlink(repo, REPORT)
    result = check(repo, MINECONOMY_IMPLEMENTER)
    assert refusals(result) == [(REPORT, "not-a-file")]
    assert "submodule" in result.problems[0].what()
    _, problems = validate(repo.data, "data")
    assert [(p.file, p.code) for p in problems if p.severity == "error"] == [(REPORT, "not-a-file")]


@pytest.mark.parametrize(
    "stage",
    [
        b"",
        b"100644 " + b"a" * 40 + b" 0\tdata/x.yaml\x00",
        b"100644 e 0\tdata/a.yaml\x00100755 e 0\tdata/b.yaml\x00",
        b"120000 e 0\tdata/link.yaml\x00100644 e 0\tdata/b.yaml\x00",
        b"100644 e 0\tdata/a.yaml\x00160000 e 0\tdata/sub\x00100644 e 0\tdata/c.yaml\x00",
        b"100644 e 0\tdata/a.yaml\x00120000 e 0\tdata/z\x00",
        b"100644 e 0\tdata/100644 .yaml\x00100644 e 0\tdata/b.yaml\x00",
        b"100644 e 0\tdata/a.yaml\x00120000 e 0\tdata/unended",
    ],
)
def test_all_regular_says_what_a_scan_of_every_entry_says(stage: bytes) -> None:
    """`git.repo.all_regular` counts the entries of `git ls-files --stage -z` that start with a
    regular file's mode; the answer is the one of looking at every entry."""
    from builder.git.repo import REGULAR_MODES, all_regular

    entries = [e for e in stage.split(b"\x00") if e]
    looked = all(e.split(b" ", 1)[0].decode() in REGULAR_MODES for e in entries)
    assert all_regular(stage) is looked


def test_validate_never_reads_through_a_link(data_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"  # a perfectly good report, outside the data
    outside.write_text(
        report_yaml("2.1.1.1.1", "2025-Q1", "mineconomy", "r.kuzmenko", "k.moroz"),
        encoding="utf-8",
    )
    link = data_copy / "reports/2025-Q1/2.1.1.1.1.yaml"
    link.parent.mkdir()
    os.symlink(outside, link)
    folder = data_copy / "reports/2025-Q2"
    os.symlink(data_copy / "reports/2024-Q4", folder)  # a linked folder is not read either
    data, problems = validate(data_copy, "data", today=dt.date(2025, 4, 5))
    assert "2025-Q1/2.1.1.1.1" not in data.reports
    assert not any(key.startswith("2025-Q2/") for key in data.reports)
    assert [(p.file, p.code) for p in problems if p.severity == "error"] == [
        ("data/reports/2025-Q1/2.1.1.1.1.yaml", "not-a-file"),
        ("data/reports/2025-Q2", "not-a-file"),
    ]


# ---------------------------------------------------------------- 8: workflow commands

HOSTILE = "data/reports/2025-Q1/x\n::stop-commands::pwned\r,line=9:.yaml"
ANNOTATION = re.compile(r"::(error|warning) file=([^,\r\n]*),line=[0-9]+(,col=[0-9]+)?::[^\r\n]*")


def unescape(value: str) -> str:
    """A workflow-command property value as GitHub's runner reads it."""
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(code, char)
    return value


def test_a_file_name_cannot_inject_workflow_commands(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write(HOSTILE, report_yaml("2.1.1.1.1", "2025-Q1", "mineconomy", "r.kuzmenko", "k.moroz"))
    repo.commit(MINECONOMY_IMPLEMENTER, "Звіт")
    monkeypatch.chdir(repo.path)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(repo.path.parent / "summary.md"))
    runner = CliRunner()
    for args in (
        ["check-change", "--base", "main", "--author", MINECONOMY_IMPLEMENTER],
        ["validate"],
    ):
        github = runner.invoke(cli, [*args, "--format", "github"])
        assert "Traceback" not in github.output
        lines = github.output.split("\n")[:-1]
        assert lines and all(ANNOTATION.fullmatch(line) for line in lines), lines
        files = {unescape(ANNOTATION.fullmatch(line)[2]) for line in lines}  # type: ignore[index]
        assert HOSTILE in files
        # text output is read for workflow commands too (every line a step prints)
        text = runner.invoke(cli, args)
        assert not any(line.startswith("::") for line in text.output.splitlines()), text.output
    summary = (repo.path.parent / "summary.md").read_text(encoding="utf-8")
    assert not any(line.startswith("::") for line in summary.splitlines())


def test_a_report_whose_path_names_no_measure_is_named_once(data_copy: Path) -> None:
    rel = "reports/2024-Q1/9.9.9.yaml"
    (data_copy / rel).write_text(
        report_yaml("9.9.9", "2024-Q1", "mineconomy", "r.kuzmenko", "k.moroz"), encoding="utf-8"
    )
    _, problems = validate(data_copy, "data")
    assert [(p.field, p.code) for p in problems if p.file == f"data/{rel}"] == [("measure", "ref")]
