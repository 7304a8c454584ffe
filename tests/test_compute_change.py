"""The head's snapshot made from the kept base snapshot (builder/compute_change.py) is the one
`compute.snapshot` makes in full — every state, due report, aggregate, score and note, in the
same order — and where it cannot be shown to be, it is not made (None: the caller computes in
full). On real repositories of the demonstration data, with submission dates `recorded` and
`git`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from test_workflow_repo import (  # noqa: F401  (_isolated_git is an autouse fixture)
    Repo,
    _isolated_git,
    assessment_yaml,
    make_repo,
    report_yaml,
)

from builder import compute as c
from builder.compute_change import snapshot_after
from builder.git.history import first_parent_since, read_history
from builder.git.load import load_at, load_changed
from builder.git.repo import data_prefix, repo_root, resolve

AS_OF = dt.date(2025, 4, 20)
NEW_REPORT = "data/reports/2025-Q1/2.1.1.1.2.yaml"
OLD_REPORT = "data/reports/2024-Q4/2.1.1.1.1.yaml"


def add_report(r: Repo) -> None:
    r.write(NEW_REPORT, report_yaml("2.1.1.1.2", "2025-Q1", "mineconomy", "r.kuzmenko", "k.moroz"))


def edit_report(r: Repo) -> None:
    r.write(OLD_REPORT, r.read(OLD_REPORT).replace("text: ", "text: Уточнено. ", 1))


def remove_report(r: Repo) -> None:
    (r.path / OLD_REPORT).unlink()


def add_assessment(r: Repo) -> None:
    r.write(
        "data/assessments/2025-Q1/2.1.1.1.1.yaml",
        assessment_yaml("2.1.1.1.1", "2025-Q1", "o.savchenko", ["2024-Q4/2.1.1.1.1"]),
    )


def two_commits(r: Repo) -> None:
    add_report(r)
    r.commit("rkuzmenko-me", "first", date="2025-04-07T10:00:00+03:00")
    edit_report(r)


CHANGES: dict[str, Callable[[Repo], None]] = {
    "a report added": add_report,
    "a report edited": edit_report,
    "a report removed": remove_report,
    "an assessment added": add_assessment,
    "two commits": two_commits,
}


def repository(tmp_path: Path, mode: str) -> Repo:
    r = make_repo(tmp_path / "repo")
    if mode == "git":
        text = r.read("data/programme.yaml")
        r.write(
            "data/programme.yaml",
            text.replace("submission_dates: recorded", "submission_dates: git"),
        )
        r.commit("vhnatiuk-nazk", "Дати подання з Git", date="2025-03-02T10:00:00+02:00")
    r.git("checkout", "-q", "-b", "pr")
    return r


def both(r: Repo, before: c.Snapshot | None = None) -> tuple[c.Snapshot | None, c.Snapshot]:
    """The head's snapshot from the base's (None: not made) and in full."""
    root = repo_root(r.path)
    prefix = data_prefix(root, r.data)
    base_sha, head_sha = resolve(root, "main"), resolve(root, "HEAD")
    base, _ = load_at(root, base_sha, prefix)
    head = load_changed(root, base, base_sha, head_sha, prefix)
    if before is None:
        before = c.snapshot(base, read_history(root, base_sha), AS_OF, AS_OF)
    history = read_history(root, head_sha)
    new = first_parent_since(root, base_sha, head_sha)
    made = snapshot_after(base, head, before, history, new, prefix, AS_OF)
    return made, c.snapshot(head, history, AS_OF, AS_OF)


def same(made: c.Snapshot, full: c.Snapshot) -> None:
    assert made == full
    assert list(made.measures) == list(full.measures)
    assert list(made.aggregates) == list(full.aggregates)
    assert list(made.scores) == list(full.scores)
    assert made.due == full.due and made.notes == full.notes


@pytest.mark.parametrize("mode", ["recorded", "git"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_the_head_made_from_the_base_is_the_full_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str, mode: str
) -> None:
    r = repository(tmp_path, mode)
    CHANGES[change](r)
    r.commit("rkuzmenko-me", change, date="2025-04-08T10:00:00+03:00")
    monkeypatch.chdir(r.path)
    made, full = both(r)
    assert made is not None
    same(made, full)


def test_an_assessment_that_moves_a_status_moves_the_aggregates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = repository(tmp_path, "recorded")
    text = assessment_yaml("2.1.1.1.1", "2025-Q1", "o.savchenko", ["2024-Q4/2.1.1.1.1"])
    r.write("data/assessments/2025-Q1/2.1.1.1.1.yaml", text.replace("Виконується", "Виконано"))
    r.commit("osavchenko-nazk", "Оцінка", date="2025-04-08T10:00:00+03:00")
    monkeypatch.chdir(r.path)
    made, full = both(r)
    assert made is not None
    same(made, full)
    root = repo_root(r.path)
    base, _ = load_at(root, resolve(root, "main"), "data")
    before = c.snapshot(base, read_history(root, resolve(root, "main")), AS_OF, AS_OF)
    assert made.aggregates != before.aggregates  # the comparison is not of two equal pictures


def test_a_change_outside_reports_and_assessments_is_computed_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = repository(tmp_path, "recorded")
    add_report(r)
    path = "data/executors/mineconomy.yaml"
    r.write(path, r.read(path).replace("short_name: Мінекономіки\n", "short_name: Мінеконом\n"))
    r.commit("rkuzmenko-me", "report and roster", date="2025-04-08T10:00:00+03:00")
    monkeypatch.chdir(r.path)
    assert both(r)[0] is None


def test_a_report_touched_and_restored_by_the_change_is_computed_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit of the change edited a report and the next put it back: the report is the
    same at both commits, but its Git history is not (its date in `git` mode may differ)."""
    r = repository(tmp_path, "git")
    original = r.read(OLD_REPORT)
    edit_report(r)
    r.commit("rkuzmenko-me", "edit", date="2025-04-07T10:00:00+03:00")
    r.write(OLD_REPORT, original)
    add_report(r)
    r.commit("rkuzmenko-me", "restore", date="2025-04-08T10:00:00+03:00")
    monkeypatch.chdir(r.path)
    made, full = both(r)
    assert made is None


def test_a_base_off_the_first_parent_line_is_computed_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The branch began before the base and merged main in: the head's first-parent line does
    not pass through the base, so its history is not the base's plus the change's commits."""
    r = repository(tmp_path, "recorded")
    add_report(r)
    r.commit("rkuzmenko-me", "report", date="2025-04-07T10:00:00+03:00")
    r.git("checkout", "-q", "main")
    edit_report(r)
    r.commit("vhnatiuk-nazk", "on main", date="2025-04-07T12:00:00+03:00")
    r.git("checkout", "-q", "pr")
    r.merge("main", "rkuzmenko-me", date="2025-04-08T10:00:00+03:00")
    monkeypatch.chdir(r.path)
    root = repo_root(r.path)
    assert first_parent_since(root, resolve(root, "main"), resolve(root, "HEAD")) is None
    assert both(r)[0] is None


def test_a_kept_snapshot_that_disagrees_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kept base snapshot of another day, or whose touched measure says otherwise than the
    base's records, is never built on."""
    r = repository(tmp_path, "recorded")
    edit_report(r)
    r.commit("rkuzmenko-me", "edit", date="2025-04-08T10:00:00+03:00")
    monkeypatch.chdir(r.path)
    root = repo_root(r.path)
    base_sha = resolve(root, "main")
    base, _ = load_at(root, base_sha, "data")
    right = c.snapshot(base, read_history(root, base_sha), AS_OF, AS_OF)
    other_day = c.snapshot(base, read_history(root, base_sha), AS_OF - dt.timedelta(days=1), AS_OF)
    assert both(r, other_day)[0] is None
    state = right.measures["2.1.1.1.1"]
    wrong = dataclasses.replace(
        right,
        measures={
            **right.measures,
            "2.1.1.1.1": dataclasses.replace(state, overdue=not state.overdue),
        },
    )
    assert both(r, wrong)[0] is None
    made, full = both(r, right)
    assert made is not None
    same(made, full)


def test_first_parent_since(tmp_path: Path) -> None:
    r = repository(tmp_path, "recorded")
    root = repo_root(r.path)
    base = resolve(root, "main")
    assert first_parent_since(root, base, base) == frozenset()
    add_report(r)
    one = r.commit("rkuzmenko-me", "one")
    edit_report(r)
    two = r.commit("rkuzmenko-me", "two")
    assert first_parent_since(root, base, two) == {one, two}
    assert first_parent_since(root, two, base) is None  # the base is not behind the head
