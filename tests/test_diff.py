"""`dap diff BASE HEAD` on real temporary Git repositories holding the demonstration data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_workflow_repo import (  # noqa: F401  (_isolated_git is an autouse fixture)
    Repo,
    _isolated_git,
    make_repo,
    report_yaml,
)

from builder import models as m
from builder.cli import cli
from builder.diff import diff_markdown, diff_text, run_diff

AS_OF = dt.date(2025, 4, 20)
ASSESSMENT = """measure: 2.1.1.1.1
period: 2024-Q4
date: 2025-02-12
analyst: analyst.hrytsenko
status: Виконано
label: захід виконано не вчасно або не в повному обсязі
text: Модуль запроваджено із запізненням.
reports:
- 2024-Q4/2.1.1.1.1
"""


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """Main holds the demonstration data; branch 'pr' adds an assessment and a report."""
    r = make_repo(tmp_path / "repo")
    r.git("checkout", "-q", "-b", "pr")
    r.write("data/assessments/2024-Q4/2.1.1.1.1.yaml", ASSESSMENT)
    r.write(
        "data/reports/2025-Q1/2.1.1.1.2.yaml",
        report_yaml("2.1.1.1.2", "2025-Q1", "mineconomy", "r.kuzmenko", "k.moroz"),
    )
    r.commit("kmoroz-me", "Звіт і висновок", date="2025-04-08T10:00:00+03:00")
    return r


def test_assessment_and_report_move_status_reports_and_aggregates(repo: Repo) -> None:
    d = run_diff(repo.path, repo.data, "main", "pr", AS_OF)
    assert d.as_of == AS_OF
    assert [(s.measure, s.before, s.after, s.assessment) for s in d.statuses] == [
        ("2.1.1.1.1", m.Status.IN_PROGRESS, m.Status.DONE, "2024-Q4/2.1.1.1.1")
    ]
    assert [(r.key, r.change, r.state) for r in d.reports] == [
        ("2025-Q1/2.1.1.1.2", "arrived", "on_time")
    ]
    moves = {(x.measure, x.period): (x.before, x.after) for x in d.due}
    assert moves[("2.1.1.1.2", "2025-Q1")] == ("missing", "on_time")
    assert moves[("2.1.1.1.1", "2025-Q1")] == ("missing", "")  # done: no more reports due
    groups = {(a.level, a.key): a for a in d.aggregates}
    assert ("executor", "mineconomy") in groups and ("executor", "nazk") not in groups
    programme = next(a for a in d.aggregates if a.level == "programme")
    assert programme.before and programme.after
    assert programme.after.done == programme.before.done + 1
    assert programme.after.pct_done > programme.before.pct_done
    assert programme.after.pct_on_time > programme.before.pct_on_time
    assert d.scores == []


def test_a_second_diff_reuses_the_base_snapshot_and_says_the_same(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The base's snapshot is kept (cache.write_result) and taken again for the same base,
    date and code; the diff is the same, and another date computes its own."""
    from builder import compute

    monkeypatch.chdir(repo.path)
    first = diff_markdown(run_diff(repo.path, repo.data, "main", "pr", AS_OF))
    assert list((repo.path / ".dap-cache").glob("results-*/*.pickle"))
    computed: list[dt.date] = []
    real = compute.snapshot

    def counted(*args: object) -> compute.Snapshot:
        computed.append(args[2])  # type: ignore[arg-type]
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(compute, "snapshot", counted)
    # the head's snapshot made from the base's (builder/compute_change.py) is computed too
    from builder import diff

    made_from_base = diff.snapshot_after

    def counted_from_base(*args: object) -> compute.Snapshot | None:
        found = made_from_base(*args)  # type: ignore[arg-type]
        if found is not None:
            computed.append(args[6])  # type: ignore[arg-type]
        return found

    monkeypatch.setattr(diff, "snapshot_after", counted_from_base)
    assert diff_markdown(run_diff(repo.path, repo.data, "main", "pr", AS_OF)) == first
    assert computed == [AS_OF]  # the head's only
    later = AS_OF + dt.timedelta(days=1)
    run_diff(repo.path, repo.data, "main", "pr", later)
    assert computed == [AS_OF, later, later]


def test_nothing_moves_between_equal_commits(repo: Repo) -> None:
    d = run_diff(repo.path, repo.data, "pr", "pr", AS_OF)
    assert d.empty()
    assert "не впливає" in diff_text(d) and "не впливає" in diff_markdown(d)


def test_evaluation_moves_a_score(repo: Repo) -> None:
    rel = "data/evaluations/2024/1.1.1.1.yaml"
    text = repo.read(rel)
    assert "score: 20" in text
    repo.write(rel, text.replace("score: 20", "score: 5"))
    repo.commit("dhrytsenko-nazk", "Оцінка")
    d = run_diff(repo.path, repo.data, "main", "HEAD", AS_OF)
    [move] = d.scores
    assert (move.result, move.year) == ("1.1.1.1", 2024)
    assert move.before and move.after and move.after.score == move.before.score - 15
    assert any(a.level == "result" and a.key == "1.1.1.1" for a in d.aggregates) is False


def test_markdown_escapes_text_from_data(repo: Repo) -> None:
    rel = "data/measures/2.1.1.1.1.yaml"
    text = repo.read(rel)
    repo.write(rel, text.replace("title: ", "title: <script>x</script> | ", 1))
    repo.commit("mpanchenko-nazk", "Назва")
    md = diff_markdown(run_diff(repo.path, repo.data, "main", "HEAD", AS_OF))
    assert "<script>" not in md and "&lt;script&gt;" in md and "\\|" in md
    assert md.startswith("<!-- dap diff -->\n### Зміни статусів")


def test_cli_markdown_and_bad_ref(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo.path)
    result = CliRunner().invoke(
        cli, ["diff", "main", "pr", "--as-of", "2025-04-20", "--format", "markdown"]
    )
    assert result.exit_code == 0, result.output
    assert "| 2.1.1.1.1 |" in result.output and "| Виконується | Виконано |" in result.output
    assert "| 2025-Q1/2.1.1.1.2 | mineconomy | надійшов | вчасно |" in result.output
    bad = CliRunner().invoke(cli, ["diff", "nope", "pr"])
    assert bad.exit_code == 1 and "'nope' is not a commit" in bad.output


def test_long_lists_are_cut_to_fit_a_comment(repo: Repo) -> None:
    d = run_diff(repo.path, repo.data, "main", "pr", dt.date(2026, 1, 20))
    assert len(d.overdue) > 10
    full = diff_markdown(d)
    assert "… і ще" not in full
    short = diff_markdown(d, max_chars=len(full) - 1)
    assert len(short) < len(full) and "… і ще" in short
    text = diff_text(d)
    assert f"Прострочені звіти станом на дату (після змін) ({len(d.overdue)}):" in text


def _invoke(repo: Repo, *args: str) -> tuple[int, str]:
    """Run `dap ARGS` in a fresh process in the repository: exit code and output."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "builder", *args],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=False,
        env={**__import__("os").environ, "DAP_LANG": "uk"},
    )
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_validate_with_diff_says_what_the_two_commands_say(
    repo: Repo, tmp_path: Path, fmt: str
) -> None:
    """`dap validate --diff BASE --diff-out FILE` (the pull-request workflow's data job):
    validate's own output and exit code, and FILE holding exactly what `dap diff BASE HEAD
    --format markdown` prints — on a valid change, and on one that breaks a report (exit 1,
    the diff still written)."""
    out = tmp_path / "out" / "status-diff.md"
    for broken in (False, True):
        if broken:
            rel = "data/reports/2025-Q1/2.1.1.1.2.yaml"
            repo.write(rel, repo.read(rel).replace("period: 2025-Q1", "period: 2025-Q2"))
            repo.commit("kmoroz-me", "Зламаний звіт", date="2025-04-09T10:00:00+03:00")
        alone = _invoke(repo, "validate", "--strict", "--format", fmt)
        diff = _invoke(repo, "diff", "main", "HEAD", "--format", "markdown")
        both = _invoke(
            repo, "validate", "--strict", "--format", fmt, "--diff", "main", "--diff-out", str(out)
        )
        assert both == alone and alone[0] == (1 if broken else 0)
        assert diff[0] == 0 and out.read_text("utf-8") == diff[1]
        assert "| 2025-Q1/2.1.1.1.2 |" in diff[1] or broken


def test_validate_with_diff_reads_the_work_tree_once(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In one process, the diff's commits take every file the work tree shares with them (the
    same path and bytes: Git's blob id) from what validate read — nothing is parsed or
    restored again — while a file the work tree changed since HEAD is read from Git as it is
    at HEAD."""
    from builder import cache
    from builder.validate import validate

    monkeypatch.chdir(repo.path)
    expected = diff_markdown(run_diff(repo.path, Path("data"), "main", "HEAD", AS_OF))
    rel = "data/reports/2025-Q1/2.1.1.1.2.yaml"
    repo.write(rel, repo.read(rel).replace("text:", "text: Не закомічено.", 1))  # not in HEAD
    cache._READ_MEMO.clear()
    cache._BLOB_MEMO.clear()
    cache._CONTENT_READS.clear()
    validate(Path("data"), "data")
    parsed: list[str] = []
    real = cache.read_record

    def counted(path: Path, shown: str, *args: object) -> object:
        parsed.append(shown)
        return real(path, shown, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "read_record", counted)
    monkeypatch.setattr(cache, "_read_shard", lambda path: ({}, 0))  # no shard is restored
    assert diff_markdown(run_diff(repo.path, Path("data"), "main", "HEAD", AS_OF)) == expected
    assert parsed == [rel]  # HEAD's own version of the file the work tree changed


def test_validate_diff_and_diff_out_go_together(repo: Repo) -> None:
    code, output = _invoke(repo, "validate", "--diff", "main")
    assert code == 2 and "--diff-out" in output
    code, output = _invoke(repo, "validate", "--diff", "nope", "--diff-out", "x.md")
    assert code == 1 and "«nope»" in output and not (repo.path / "x.md").exists()


def _same_data(a: object, b: object) -> None:
    """Two Datasets hold the same records, sources and order (dicts compare without order)."""
    import dataclasses

    assert a == b
    for f in dataclasses.fields(a):  # type: ignore[arg-type]
        value = getattr(a, f.name)
        if isinstance(value, dict):
            assert list(value) == list(getattr(b, f.name)), f.name
            if f.name == "sources":
                assert [s.path for s in value.values()] == [
                    s.path for s in getattr(b, f.name).values()
                ]


def test_the_head_made_from_the_base_is_the_head_loaded_whole(repo: Repo) -> None:
    """`git.load.load_changed` (the diff's head: the base's records and the files the change
    touched) equals a load of the whole head commit, order of every dict included — for
    changed, added (sorting between others), removed, moved and now broken files, the
    rosters and the programme, and a file that is no longer a regular file."""
    from builder.git.load import load_at, load_changed
    from builder.git.repo import resolve

    base_sha = resolve(repo.path, "main")
    report = "data/reports/2024-Q4/1.1.1.1.2.yaml"
    steps = [
        lambda: repo.write(report, repo.read(report).replace("text:", "text: Змінено.", 1)),
        lambda: (repo.path / "data/reports/2024-Q3/1.1.1.2.1.yaml").unlink(),
        lambda: repo.write("data/reports/2024-Q4/1.1.1.1.2@2.yaml", repo.read(report)),
        lambda: repo.write("data/reports/2024-Q4/0.yaml", "measure: [\n"),  # broken, sorts first
        lambda: repo.write("data/measures/1.1.1.1.2.yaml", "id: 1.1.1.1.2\n"),  # now invalid
        lambda: (repo.path / "data/assessments").rename(repo.path / "data/assessments-old"),
        lambda: repo.write("data/staff.yaml", repo.read("data/staff.yaml") + "\n"),
        lambda: repo.write(
            "data/programme.yaml", repo.read("data/programme.yaml").replace("demo: true", "")
        ),
        lambda: repo.write("data/notes.txt", "not a record\n"),
        lambda: (repo.path / "data/staff.yaml").unlink(),
    ]
    for n, step in enumerate(steps):
        step()
        head_sha = repo.commit("kmoroz-me", f"Зміна {n}")
        base, _ = load_at(repo.path, base_sha, "data")
        whole, _ = load_at(repo.path, head_sha, "data")
        _same_data(load_changed(repo.path, base, base_sha, head_sha, "data"), whole)
    link = repo.path / "data/reports/2024-Q4/1.1.2.1.1.yaml"
    link.unlink()
    link.symlink_to("../2024-Q3/1.1.1.1.2.yaml")
    head_sha = repo.commit("kmoroz-me", "Посилання")
    base, _ = load_at(repo.path, base_sha, "data")
    whole, _ = load_at(repo.path, head_sha, "data")
    _same_data(load_changed(repo.path, base, base_sha, head_sha, "data"), whole)
