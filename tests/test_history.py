"""The Git-history reader, on real temporary repositories."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from builder import i18n
from builder.errors import GitError
from builder.git import history as h
from builder.git.load import load_at

REPORT_1 = "data/reports/2024-Q1/1.yaml"
REPORT_2 = "data/reports/2024-Q1/2.yaml"
REPORT_2_MOVED = "data/reports/2024-Q2/2.yaml"
REPORT_3 = "data/reports/2024-Q2/3.yaml"
UKR = "data/reports/2024-Q2/звіт 4.yaml"


def git(repo: Path, *args: str, when: str | None = None, who: str = "Олена Коваленко") -> str:
    """Run git in `repo` with a fixed author and, if given, author and committer dates."""
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": who,
        "GIT_AUTHOR_EMAIL": f"{who.split()[0].lower()}@example.org",
        "GIT_COMMITTER_NAME": who,
        "GIT_COMMITTER_EMAIL": f"{who.split()[0].lower()}@example.org",
    }
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    done = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def write(repo: Path, rel: str, text: str = "x: 1\n") -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with adds by two authors, a --no-ff merge, a rename and a deletion."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, REPORT_1)
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "Q1 report 1", when="2024-04-05T10:00:00+03:00")
    write(root, REPORT_1, "x: 2\n")
    write(root, REPORT_2)
    git(root, "add", ".")
    git(
        root,
        "commit",
        "-q",
        "-m",
        "Q1 report 2",
        when="2024-04-15T22:30:00+00:00",
        who="Іван Петренко",
    )
    git(root, "checkout", "-q", "-b", "report-3")
    write(root, REPORT_3)
    write(root, UKR)
    git(root, "add", ".")
    git(
        root,
        "commit",
        "-q",
        "-m",
        "Q2 report 3",
        when="2024-07-02T09:00:00+03:00",
        who="Марія Шевчук",
    )
    git(root, "checkout", "-q", "main")
    write(root, "README.md", "readme\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "readme", when="2024-07-05T09:00:00+03:00")
    git(
        root,
        "merge",
        "-q",
        "--no-ff",
        "report-3",
        "-m",
        "Merge report 3",
        when="2024-07-20T12:00:00+03:00",
        who="Андрій Бондар",
    )
    git(root, "mv", REPORT_2, REPORT_2_MOVED)
    git(root, "commit", "-q", "-m", "move report 2", when="2024-08-01T12:00:00+03:00")
    git(root, "rm", "-q", REPORT_1)
    git(root, "commit", "-q", "-m", "withdraw report 1", when="2024-08-02T12:00:00+03:00")
    return root


def test_first_added_gives_the_date_and_author_on_main(repo: Path) -> None:
    hist = h.read_history(repo)
    assert hist.available and hist.reason == ""
    first = hist.first_added(REPORT_2_MOVED)
    assert first is not None
    assert (first.status, first.path, first.author) == ("A", REPORT_2, "Іван Петренко")
    assert first.date == dt.datetime(2024, 4, 15, 22, 30, tzinfo=dt.UTC)
    assert first.day == dt.date(2024, 4, 16)  # 01:30 in Kyiv: the calendar day there counts
    assert first.email == "іван@example.org"


def test_merge_commit_date_is_the_date_it_reached_main(repo: Path) -> None:
    hist = h.read_history(repo)
    merge = git(repo, "rev-parse", "HEAD~2")
    for path in (REPORT_3, UKR):
        first = hist.first_added(path)
        assert first is not None
        assert (first.commit, first.author, first.day) == (
            merge,
            "Андрій Бондар",
            dt.date(2024, 7, 20),
        )
    # the branch's own commit (2 July) is not on the first-parent line
    dates = {c.day for changes in hist.changes.values() for c in changes}
    assert dt.date(2024, 7, 2) not in dates


def test_rename_keeps_the_history_of_the_old_name(repo: Path) -> None:
    hist = h.read_history(repo)
    assert REPORT_2 not in hist.changes
    statuses = [(c.status, c.path, c.old_path) for c in hist.changes[REPORT_2_MOVED]]
    assert statuses == [("A", REPORT_2, None), ("R", REPORT_2_MOVED, REPORT_2)]
    last = hist.last_changed(REPORT_2_MOVED)
    assert last is not None and last.day == dt.date(2024, 8, 1)


def test_deleted_file_has_no_first_added_until_added_again(repo: Path) -> None:
    hist = h.read_history(repo)
    assert [c.status for c in hist.changes[REPORT_1]] == ["A", "M", "D"]
    assert hist.first_added(REPORT_1) is None
    last = hist.last_changed(REPORT_1)
    assert last is not None and last.status == "D"
    write(repo, REPORT_1, "x: 3\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "report 1 again", when="2024-09-01T12:00:00+03:00")
    again = h.read_history(repo).first_added(REPORT_1)
    assert again is not None and again.day == dt.date(2024, 9, 1)


def test_one_git_log_for_the_whole_repository(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    real = subprocess.run

    def spy(args, *a, **kw):
        calls.append(list(args))
        return real(args, *a, **kw)

    monkeypatch.setattr(subprocess, "run", spy)  # the runner's (git.repo.run_git)
    hist = h.read_history(repo)
    assert len(hist.changes) == 5
    assert sum("log" in call for call in calls) == 1


def test_changes_are_those_changes_own_constructor_makes(repo: Path) -> None:
    """parse_log makes each Change without its __init__ (`git.history._change`): every one equals,
    hashes and prints as `Change(...)` of the same fields, and is as frozen."""
    import dataclasses

    hist = h.read_history(repo)
    made = [change for found in hist.changes.values() for change in found]
    assert len(made) == 8 and any(c.old_path for c in made)
    for change in made:
        fields = {f.name: getattr(change, f.name) for f in dataclasses.fields(h.Change)}
        own = h.Change(**fields)
        assert change == own and hash(change) == hash(own) and repr(change) == repr(own)
        assert vars(change) == vars(own) and list(vars(change)) == list(vars(own))
        with pytest.raises(dataclasses.FrozenInstanceError):
            change.path = "other"  # type: ignore[misc]


def test_shallow_clone_is_unavailable(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    hist = h.read_history(clone)
    assert (hist.available, hist.changes) == (False, {})
    assert "shallow" in hist.reason


def test_not_a_repository_is_unavailable(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    hist = h.read_history(folder)
    assert (hist.available, hist.reason) == (False, "no-repository")
    assert hist.first_added("data/x.yaml") is None


def test_repository_without_commits_has_no_changes(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    hist = h.read_history(tmp_path)
    assert (hist.available, hist.changes) == (True, {})


def test_unknown_ref_is_a_git_error(repo: Path) -> None:
    with pytest.raises(GitError, match="'no-such-branch' is not a commit"):
        h.read_history(repo, "no-such-branch")


def test_git_errors_speak_the_runs_language(repo: Path) -> None:
    i18n.set_language("uk")
    try:
        with pytest.raises(GitError) as caught:
            h.read_history(repo, "no-such-branch")
    finally:
        i18n.set_language(None)
    assert caught.value.message == (
        f"у репозиторії {repo} немає коміту «no-such-branch» — вкажіть назву гілки (наприклад, "
        "main), тег або коміт"
    )


def test_a_broken_file_at_a_commit_is_a_located_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Data read from Git is read as from disk: a broken file is a problem where it is broken,
    files outside the layout are left to `dap validate`, and no `.gitattributes` of the commit
    hides a file (as `git archive` would let export-ignore do). Read again, the records come
    from the cache of parsed blobs, with the same problems."""
    repo = tmp_path / "repo"
    files = {
        "data/measures/1.1.1.1.1.yaml": b"id: 1.1.1.1.1\ntitle: [\n",
        "data/staff.yaml": b"- id: x\n  name: \xff\n",
        "data/notes.txt": b"x",
        "data/.gitattributes": b"feedback/* export-ignore\n",
        "data/feedback/2024-0001.yaml": b"id: 2024-0001\n",
    }
    for rel, raw in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_bytes(raw)
    git(repo.parent, "init", "-q", "repo")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "data", when="2024-04-01T10:00:00+03:00")
    monkeypatch.chdir(repo)
    for _ in range(2):
        data, problems = load_at(repo, "HEAD", "data")
        found = [(p.file, p.line, p.col, p.code) for p in problems]
        assert found[-2:] == [
            ("data/measures/1.1.1.1.1.yaml", 3, 1, "yaml"),
            ("data/staff.yaml", 2, 9, "encoding"),
        ]
        # the feedback file (incomplete) was read although export-ignore names it
        assert {f[0] for f in found[:-2]} == {"data/feedback/2024-0001.yaml"}
        assert data.measures == {} and data.staff == []
    assert list((repo / ".dap-cache").glob("blobs-*/*.pickle"))


def test_ref_limits_the_history(repo: Path) -> None:
    hist = h.read_history(repo, "HEAD~3")  # before the merge
    assert hist.first_added(REPORT_3) is None
    assert hist.first_added(REPORT_2) is not None


def test_paths_are_found_from_a_subfolder_and_absolute(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "data")
    hist = h.read_history(repo / "data")
    assert hist.cwd_prefix == "data"
    assert hist.locate("reports/2024-Q2/3.yaml") == REPORT_3
    assert hist.first_added("reports/2024-Q2/3.yaml") is not None
    assert hist.locate(str(repo / REPORT_3)) == REPORT_3
    monkeypatch.chdir(repo.parent)  # outside the repository: paths relative to there
    outside = h.read_history(repo)
    assert outside.locate("repo/" + REPORT_3) == REPORT_3
    assert outside.first_added("repo/" + REPORT_3) == outside.first_added(REPORT_3) is not None


def test_parse_log_reads_names_with_spaces_and_renames() -> None:
    out = (
        "\x01"
        + "a" * 40
        + "\x002024-01-02T10:00:00+02:00\x00Автор\x00a@example.org\x00p\x00\x00\x00\x00\n"
        "A\x00x/a b.yaml\x00"
        "\x01"
        + "b"
        * 40
        + "\x002024-01-03T10:00:00+02:00\x00Автор\x00a@example.org\x00p\x00\x00\x00\x00\n"
        "R100\x00x/a b.yaml\x00x/c.yaml\x00M\x00x/d.yaml\x00"
    )
    changes = h.parse_log(out)
    assert [(c.status, c.path) for c in changes["x/c.yaml"]] == [
        ("A", "x/a b.yaml"),
        ("R", "x/c.yaml"),
    ]
    assert [c.status for c in changes["x/d.yaml"]] == ["M"]


def test_an_author_that_is_the_first_change_on_main_is_that_change(repo: Path) -> None:
    """Issue 22: a file added on the main line by a plain commit has that change as its author,
    held once (as a kept history restores it, `compute_kept._restored`), not an equal copy of
    it (~25 MB at 4,000 measures); a file added on a branch has its branch's commit."""
    hist = h.read_authors(h.read_history(repo))
    assert hist.authors is not None
    assert hist.authors[REPORT_1] is hist.changes[REPORT_1][0]
    branch, merged = hist.authors[REPORT_3], hist.changes[REPORT_3][0]
    assert (branch.author, merged.author) == ("Марія Шевчук", "Андрій Бондар")
