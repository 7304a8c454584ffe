"""`dap audit`: every step of a measure's reports and assessments from one Git history."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from test_workflow_repo import (  # noqa: F401  (_isolated_git is an autouse fixture)
    _isolated_git,
    assessment_yaml,
    make_repo,
    report_yaml,
)

from builder import i18n
from builder.cli import cli
from builder.git.history import read_authors, read_history
from builder.load import load
from builder.workflow.audit import STEP_MESSAGES, STEP_NAMES, audit_text, audit_trail

REPORT = "data/reports/2025-Q1/2.1.1.1.2.yaml"


def test_steps_of_a_report_from_branch_to_assessment(tmp_path: Path, monkeypatch) -> None:
    repo = make_repo(tmp_path / "repo")
    # the executor's implementer prepares the report in a branch; the analyst merges it
    repo.git("checkout", "-q", "-b", "report")
    repo.write(REPORT, report_yaml("2.1.1.1.2", "2025-Q1", "mineconomy", "r.kuzmenko", "k.moroz"))
    repo.commit("rkuzmenko-me", "Звіт", date="2025-04-07T09:00:00+03:00")
    repo.git("checkout", "-q", "main")
    repo.merge("report", "dhrytsenko-nazk", date="2025-04-08T12:00:00+03:00")
    # an update before the assessment, straight on main
    repo.write(REPORT, repo.read(REPORT).replace("text:", "text: Доповнено.", 1))
    repo.commit("kmoroz-me", "Доповнення", date="2025-04-10T12:00:00+03:00")
    # the analyst's assessment, in its own branch
    repo.git("checkout", "-q", "-b", "assessment")
    repo.write(
        "data/assessments/2025-Q1/2.1.1.1.2.yaml",
        assessment_yaml("2.1.1.1.2", "2025-Q1", "analyst.hrytsenko", ["2025-Q1/2.1.1.1.2"]),
    )
    repo.commit("dhrytsenko-nazk", "Висновок", date="2025-04-20T09:00:00+03:00")
    repo.git("checkout", "-q", "main")
    repo.merge("assessment", "dhrytsenko-nazk", date="2025-04-21T09:00:00+03:00")

    monkeypatch.chdir(repo.path)
    data, _ = load(Path("data"), "data")
    steps = [
        s
        for s in audit_trail(data, read_authors(read_history(repo.path)), "2.1.1.1.2")
        if s.record.endswith("2025-Q1/2.1.1.1.2")
    ]
    assert [(s.record.split("/")[0], s.step, s.person, str(s.date)) for s in steps] == [
        ("reports", "prepared", "r.kuzmenko", "2025-04-07"),  # the branch's first commit
        ("reports", "approved", "k.moroz", "2025-04-03"),  # no approval recorded: the file's
        (
            "reports",
            "submitted",
            "dhrytsenko-nazk",
            "2025-04-08",
        ),  # no approval recorded: the merge counts
        ("reports", "amended", "kmoroz-me", "2025-04-10"),
        ("assessments", "assessed", "analyst.hrytsenko", "2025-04-20"),
        ("assessments", "assessment-merged", "dhrytsenko-nazk", "2025-04-21"),
    ]
    assert steps[0].name == "Роман Кузьменко"
    assert steps[2].email == "dhrytsenko-nazk@example.org" and steps[2].source == "git"
    assert "dhrytsenko-nazk@example.org" in audit_text(steps, "2.1.1.1.2")
    assert "@example.org" not in audit_text(steps, "2.1.1.1.2", private=False)

    result = CliRunner().invoke(cli, ["audit", "2.1.1.1.2", "--public"])
    assert result.exit_code == 0, result.output
    assert "08.04.2025" in result.output and "merged into the main branch" in result.output
    assert "@example.org" not in result.output
    ukrainian = CliRunner().invoke(cli, ["--lang", "uk", "audit", "2.1.1.1.2", "--public"])
    i18n.set_language(None)
    assert ukrainian.exit_code == 0, ukrainian.output
    lines = ukrainian.output.splitlines()
    assert lines[0] == "Захід 2.1.1.1.2: кроки звітування та моніторингу"
    assert any(
        line.startswith("  08.04.2025       внесено до основної гілки ")
        and "dhrytsenko-nazk  коміт " in line
        for line in lines
    )
    assert any(
        line.startswith("  07.04.2025       підготовлено ")
        and "Роман Кузьменко (r.kuzmenko)  коміт " in line
        for line in lines
    )
    missing = CliRunner().invoke(cli, ["audit", "9.9.9"])
    assert missing.exit_code == 2 and "no measure '9.9.9'" in missing.output


def test_the_steps_read_in_ukrainian_as_on_the_internal_pages() -> None:
    """`dap audit` says each step in the run's language; its Ukrainian is the internal pages'."""
    i18n.set_language("uk")
    try:
        assert {step: i18n.render(text) for step, text in STEP_MESSAGES.items()} == STEP_NAMES
        assert audit_text([], "9.9.9") == "9.9.9: звітів і висновків щодо цього заходу ще немає\n"
    finally:
        i18n.set_language(None)
