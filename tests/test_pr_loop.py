"""The pull-request loop's answers with every cache and shortcut equal the long way's.

What the workflow runs on a pull request — `dap validate --diff` (validation, then the status
diff from the same process's reads: `load_changed`, the kept base snapshot, the shared reads
of the work tree) and `dap check-change` (the permission check, reading only what its rules
use) — is run here twice on real temporary repositories of the demonstration data (the first
run fills the caches, the second is the warm one the benchmark times), and compared with the
long way: no cache, nothing shared between loads, both commits loaded whole and both
snapshots computed. The same problems, the same status diff (its text and every move), the
same permission verdict, for each kind of change a pull request brings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from test_workflow_repo import (  # noqa: F401  (_isolated_git is an autouse fixture)
    Repo,
    _isolated_git,
    make_repo,
    report_yaml,
)

from builder import cache
from builder import compute as c
from builder.diff import awaiting_approval, diff_markdown, diff_snapshots, diff_text, run_diff
from builder.git.history import read_history
from builder.git.load import load_at
from builder.git.repo import data_prefix, repo_root, resolve
from builder.load import load
from builder.validate import check, sort_problems, validate
from builder.workflow.check import run_check

AS_OF = dt.date(2025, 4, 20)
REPORT = "data/reports/2025-Q1/2.1.1.1.2.yaml"
AMENDMENT = """- date: 2025-03-20
  act: Постанова Кабінету Міністрів України від 20 березня 2025 р. № 300
  deadline:
    text: січень 2024 р. — грудень 2025 р.
    start: 2024-01-01
    end: 2025-12-31
  note: Строк продовжено ще на рік
"""


def add_report(r: Repo) -> None:
    r.write(REPORT, report_yaml("2.1.1.1.2", "2025-Q1", "mineconomy", "r.kuzmenko", "k.moroz"))


def edit_report(r: Repo) -> None:
    path = "data/reports/2024-Q4/2.1.1.1.1.yaml"
    r.write(path, r.read(path).replace("text: ", "text: Уточнено. ", 1))


def amend_measure(r: Repo) -> None:
    path = "data/measures/1.1.2.1.2.yaml"
    r.write(path, r.read(path) + AMENDMENT)


def change_roster(r: Repo) -> None:
    path = "data/executors/mineconomy.yaml"
    text = r.read(path).replace("short_name: Мінекономіки\n", "short_name: Мінекономіки Укр\n")
    r.write(path, text.replace("github: rkuzmenko-me", "github: rkuzmenko-me\n  until: 2025-01-31"))


def bad_file(r: Repo) -> None:
    add_report(r)
    r.write("data/reports/2024-Q4/2.1.1.1.1.yaml", "measure: [unclosed\n")


# what each change shows, and in which answer
SEEN = {
    "a report added": ("2025-Q1/2.1.1.1.2  mineconomy  надійшов", "diff"),
    "a report edited": ("2024-Q4/2.1.1.1.1  mineconomy  оновлено", "diff"),
    "a measure amended": ("Зміни до заходів програми (1)", "diff"),
    "a roster changed": ("access ends on 31.01.2025", "problems"),
    "a bad file": ("2.1.1.1.1.yaml:2:1: YAML cannot read this line", "problems"),
}

CHANGES: dict[str, Callable[[Repo], None]] = {
    "a report added": add_report,
    "a report edited": edit_report,
    "a measure amended": amend_measure,
    "a roster changed": change_roster,
    "a bad file": bad_file,
}


def forget_reads() -> None:
    """Nothing read in this process is reused by the next load."""
    cache._READ_MEMO.clear()
    cache._BLOB_MEMO.clear()
    cache._CONTENT_READS.clear()


def the_loop(r: Repo) -> tuple[list[str], str, str, list[str]]:
    """The workflow's way, in one process as `dap validate --diff` then `dap check-change`."""
    forget_reads()
    _, problems = validate(r.data, "data", AS_OF)
    found = run_diff(r.path, r.data, "main", "HEAD", AS_OF)
    verdict = run_check(r.path, r.data, "main", "HEAD", "rkuzmenko-me", AS_OF)
    return (
        [str(p) for p in problems],
        diff_markdown(found),
        diff_text(found),
        [str(p) for p in verdict.problems],
    )


def the_long_way(r: Repo, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], str, str, list[str]]:
    """No cache, nothing shared: every file parsed, both commits whole, both snapshots."""
    with monkeypatch.context() as patch:
        patch.setenv("DAP_NO_CACHE", "1")
        forget_reads()
        data, problems = load(r.data, "data", cache=None)
        from builder.validate import tracked_not_files

        problems.extend(tracked_not_files(r.data, "data", problems))
        problems = sort_problems(problems + check(data, AS_OF))
        root = repo_root(r.path)
        prefix = data_prefix(root, r.data)
        base_sha, head_sha = resolve(root, "main"), resolve(root, "HEAD")
        base, _ = load_at(root, base_sha, prefix)
        forget_reads()
        head, _ = load_at(root, head_sha, prefix)
        forget_reads()
        before = c.snapshot(base, read_history(root, base_sha), AS_OF, AS_OF)
        history = read_history(root, head_sha)
        after = c.snapshot(head, history, AS_OF, AS_OF)
        pending = awaiting_approval(base, head, history)
        found = diff_snapshots(base, head, before, after, "main", "HEAD", pending)
        verdict = run_check(r.path, r.data, "main", "HEAD", "rkuzmenko-me", AS_OF)
        forget_reads()
    return (
        [str(p) for p in problems],
        diff_markdown(found),
        diff_text(found),
        [str(p) for p in verdict.problems],
    )


@pytest.mark.parametrize("mode", ["recorded", "git"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_the_loop_with_its_caches_says_what_the_long_way_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str, mode: str
) -> None:
    r = make_repo(tmp_path / "repo")
    if mode == "git":
        text = r.read("data/programme.yaml")
        r.write(
            "data/programme.yaml",
            text.replace("submission_dates: recorded", f"submission_dates: {mode}"),
        )
        r.commit("vhnatiuk-nazk", "Дати подання з Git", date="2025-03-02T10:00:00+02:00")
    r.git("checkout", "-q", "-b", "pr")
    CHANGES[change](r)
    r.commit("rkuzmenko-me", change, date="2025-04-08T10:00:00+03:00")
    monkeypatch.chdir(r.path)
    cold = the_loop(r)
    warm = the_loop(r)
    assert list((r.path / ".dap-cache").glob("results-*/*.pickle"))  # the base snapshot kept
    expected = the_long_way(r, monkeypatch)
    assert cold == expected
    assert warm == expected
    problems, _, text, verdict = expected
    # each change is seen where it should be (the comparison above is not of two empty answers)
    seen, where = SEEN[change]
    assert any(
        seen in line
        for line in {"problems": problems, "diff": text.splitlines(), "verdict": verdict}[where]
    ), (change, expected)
