"""`dap check-change` and `dap codeowners` on real temporary Git repositories."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_workflow_repo import (  # noqa: F401  (_isolated_git is an autouse fixture)
    ROOT,
    Repo,
    _isolated_git,
    assessment_yaml,
    make_repo,
    report_yaml,
)

from builder import i18n
from builder import models as m
from builder.cli import cli
from builder.errors import GitError
from builder.workflow.check import ChangeCheck, run_check
from builder.workflow.permits import may_be_done_by
from builder.workflow.signatures import allowed_signers

# Demonstration people: mineconomy is the main executor of 2.1.1.1.1, minjust of 1.1.1.1.3.
MINECONOMY_IMPLEMENTER = "rkuzmenko-me"  # r.kuzmenko, впроваджувач
MINECONOMY_MANAGER = "kmoroz-me"  # k.moroz, уповноважений менеджер
MINECONOMY_COORDINATOR = "dpolishchuk-me"  # d.polishchuk, координатор впровадження
MINJUST_IMPLEMENTER = "ysavchenko-mj"
ANALYST = "dhrytsenko-nazk"  # analyst.hrytsenko
EDITOR = "mpanchenko-nazk"
USERS_ADMIN = "sdoroshenko-nazk"


def check(repo: Repo, login: str, base: str = "main", head: str = "HEAD") -> ChangeCheck:
    """Run the change check of `head` against `base` in `repo`."""
    return run_check(repo.path, repo.data, base, head, login)


def refusals(result: ChangeCheck) -> list[tuple[str, str]]:
    """(file, code) of every error."""
    return [(p.file, p.code) for p in result.problems if p.severity == "error"]


def new_report(repo: Repo, measure: str = "2.1.1.1.1", period: str = "2025-Q1") -> str:
    """Add a mineconomy report on a branch; return its path."""
    rel = f"data/reports/{period}/{measure}.yaml"
    repo.write(rel, report_yaml(measure, period, "mineconomy", "r.kuzmenko", "k.moroz"))
    return rel


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """The demonstration data committed on main, and a branch 'pr' checked out."""
    r = make_repo(tmp_path / "repo")
    r.git("checkout", "-q", "-b", "pr")
    return r


def test_executor_adds_report_of_its_own_measure(repo: Repo) -> None:
    new_report(repo)
    repo.commit(MINECONOMY_IMPLEMENTER, "Звіт за I квартал 2025")
    result = check(repo, MINECONOMY_IMPLEMENTER)
    assert refusals(result) == []
    assert [(c.status, c.path) for c in result.changes] == [
        ("A", "data/reports/2025-Q1/2.1.1.1.1.yaml")
    ]
    # unsigned, and the demonstration programme phases signatures in with 'warn'
    assert {(p.code, p.severity) for p in result.problems} == {("signature", "warning")}


def test_manager_may_submit_too_and_login_case_does_not_matter(repo: Repo) -> None:
    new_report(repo)
    repo.commit(MINECONOMY_MANAGER, "Звіт")
    assert refusals(check(repo, MINECONOMY_MANAGER.upper())) == []


def test_report_by_another_executors_person_is_refused(repo: Repo) -> None:
    rel = new_report(repo)
    repo.commit(MINJUST_IMPLEMENTER, "Звіт за чужий захід")
    result = check(repo, MINJUST_IMPLEMENTER)
    assert refusals(result) == [(rel, "not-allowed")]
    problem = result.problems[0]
    assert "y.savchenko" in problem.what() and "mineconomy" in problem.what()
    assert "@rkuzmenko-me" in problem.how() and "@kmoroz-me" in problem.how()
    # the head of an executor prepares no reports
    assert "l.marchenko" not in problem.how()


def test_report_rewritten_after_assessment_is_refused_and_correction_allowed(repo: Repo) -> None:
    rel = "data/reports/2024-Q2/2.1.1.1.1.yaml"  # assessed in assessments/2024-Q2/2.1.1.1.1
    repo.write(rel, repo.read(rel).replace("text:", "text: Виправлено.", 1))
    repo.commit(MINECONOMY_IMPLEMENTER, "Переписати звіт")
    result = check(repo, MINECONOMY_IMPLEMENTER)
    assert refusals(result) == [(rel, "refused")]
    assert "assessed by analyst.hrytsenko" in result.problems[0].what()
    assert "data/reports/2024-Q2/2.1.1.1.1@2.yaml" in result.problems[0].how()

    repo.git("checkout", "-q", "main")
    repo.git("checkout", "-q", "-b", "correction")
    fixed = "data/reports/2024-Q2/2.1.1.1.1@2.yaml"
    repo.write(fixed, repo.read(rel).replace("text:", "text: Виправлення.", 1))
    repo.commit(MINECONOMY_IMPLEMENTER, "Виправлення звіту")
    assert refusals(check(repo, MINECONOMY_IMPLEMENTER)) == []


def test_unassessed_report_may_be_updated(repo: Repo) -> None:
    rel = "data/reports/2024-Q4/2.1.1.1.1.yaml"
    repo.write(rel, repo.read(rel).replace("text:", "text: Доповнено.", 1))
    repo.commit(MINECONOMY_MANAGER, "Доповнити звіт")
    assert refusals(check(repo, MINECONOMY_MANAGER)) == []


def test_deleted_assessment_is_refused_even_for_an_analyst(repo: Repo) -> None:
    rel = "data/assessments/2024-Q3/1.1.1.1.2.yaml"
    (repo.path / rel).unlink()
    repo.commit(ANALYST, "Видалити висновок")
    result = check(repo, ANALYST)
    assert refusals(result) == [(rel, "refused")]
    assert "never deleted" in result.problems[0].what()


def test_renamed_report_is_a_deletion(repo: Repo) -> None:
    old = "data/reports/2024-Q4/2.1.1.1.1.yaml"
    new = "data/reports/2024-Q4/2.1.1.1.1@2.yaml"
    repo.git("mv", old, new)
    repo.commit(MINECONOMY_IMPLEMENTER, "Перейменувати звіт")
    result = check(repo, MINECONOMY_IMPLEMENTER)
    assert [(c.status, c.path, c.renamed) for c in result.changes] == [
        ("D", old, new),
        ("A", new, old),
    ]
    assert refusals(result) == [(old, "refused")]
    assert f"renamed to {new}" in result.problems[0].what()


def test_analyst_writes_assessments_executor_may_not(repo: Repo) -> None:
    rel = "data/assessments/2024-Q4/2.1.1.1.1.yaml"
    repo.write(rel, assessment_yaml("2.1.1.1.1", "2024-Q4", "analyst.hrytsenko", []))
    repo.commit(ANALYST, "Висновок")
    assert refusals(check(repo, ANALYST)) == []
    result = check(repo, MINECONOMY_MANAGER)
    assert refusals(result) == [(rel, "not-allowed")]
    assert "аналітик" in result.problems[0].what()
    assert "@dhrytsenko-nazk" in result.problems[0].how()


def test_structure_belongs_to_the_editor(repo: Repo) -> None:
    rel = "data/measures/2.1.1.1.1.yaml"
    repo.write(rel, repo.read(rel).replace("title:", "title: Оновлено,", 1))
    repo.commit(EDITOR, "Зміна заходу")
    assert refusals(check(repo, EDITOR)) == []
    assert refusals(check(repo, MINECONOMY_MANAGER)) == [(rel, "not-allowed")]


def test_system_files_and_unknown_logins(repo: Repo) -> None:
    repo.write(".github/workflows/x.yml", "name: x\n")
    repo.commit("stranger", "workflow")
    result = check(repo, "stranger")
    assert refusals(result) == [(".github/workflows/x.yml", "unknown-author")]
    assert "@vhnatiuk-nazk" in result.problems[0].how()
    assert refusals(check(repo, "vhnatiuk-nazk")) == []


def test_coordinator_manages_only_implementers(repo: Repo) -> None:
    rel = "data/executors/mineconomy.yaml"
    original = repo.read(rel)
    person = (
        "- id: o.nova\n  name: Олена Нова\n  roles:\n  - {role}\n"
        "  github: onova-me\n  since: 2025-03-01\n"
    )
    repo.write(rel, original + person.format(role="впроваджувач"))
    repo.commit(MINECONOMY_COORDINATOR, "Новий впроваджувач")
    assert refusals(check(repo, MINECONOMY_COORDINATOR)) == []
    assert refusals(check(repo, USERS_ADMIN)) == []
    repo.write(rel, original + person.format(role="уповноважений менеджер"))
    repo.commit(MINECONOMY_COORDINATOR, "Новий менеджер")
    result = check(repo, MINECONOMY_COORDINATOR)
    assert refusals(result) == [(rel, "not-allowed")]
    assert "@sdoroshenko-nazk" in result.problems[0].how()


def test_rosters_come_from_the_base_not_the_change(repo: Repo) -> None:
    """Adding yourself to a roster does not let you use the new role in the same change."""
    rel = "data/executors/mineconomy.yaml"
    repo.write(
        rel,
        repo.read(rel)
        + "- id: x.self\n  name: Хтось\n  roles:\n  - впроваджувач\n  github: xself\n",
    )
    new_report(repo)
    repo.commit("xself", "Себе і звіт")
    assert sorted(refusals(check(repo, "xself"))) == [
        ("data/executors/mineconomy.yaml", "unknown-author"),
        ("data/reports/2025-Q1/2.1.1.1.1.yaml", "unknown-author"),
    ]


def test_merge_commit_from_main_is_not_the_authors_change(repo: Repo) -> None:
    new_report(repo)
    repo.commit(MINECONOMY_IMPLEMENTER, "Звіт")
    repo.git("checkout", "-q", "main")
    rel = "data/measures/1.1.1.1.1.yaml"
    repo.write(rel, repo.read(rel).replace("title:", "title: Змінено,", 1))
    repo.commit(EDITOR, "Редакція заходу")
    repo.git("checkout", "-q", "pr")
    repo.merge("main", MINECONOMY_IMPLEMENTER)
    result = check(repo, MINECONOMY_IMPLEMENTER)
    assert [c.path for c in result.changes] == ["data/reports/2025-Q1/2.1.1.1.1.yaml"]
    assert refusals(result) == []
    assert result.commits == 1  # the merge commit is not a submission


def ssh_key(folder: Path, name: str) -> tuple[Path, str]:
    """A new passphrase-less ed25519 key: its private file and public line."""
    if shutil.which("ssh-keygen") is None:  # pragma: no cover - Debian: openssh-client
        pytest.skip("ssh-keygen is not installed")
    key = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
    )
    return key, (folder / f"{name}.pub").read_text().strip()


def register_key(repo: Repo, executor: str, person: str, public: str) -> None:
    """Add a signing key to a person in an executor's roster (on main, by the admin)."""
    rel = f"data/executors/{executor}.yaml"
    text = repo.read(rel)
    marker = f"- id: {person}\n"
    assert marker in text
    text = text.replace(marker, f"{marker}  signing_keys:\n  - {public}\n", 1)
    repo.write(rel, text)


def test_signed_submissions_when_enforced(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", signatures="enforce")
    own, own_pub = ssh_key(tmp_path, "kuzmenko")
    other, other_pub = ssh_key(tmp_path, "moroz")
    stranger, _ = ssh_key(tmp_path, "stranger")
    register_key(repo, "mineconomy", "r.kuzmenko", own_pub)
    register_key(repo, "minjust", "y.savchenko", other_pub)
    repo.commit(USERS_ADMIN, "Ключі підпису")

    repo.git("checkout", "-q", "-b", "signed")
    new_report(repo)
    repo.commit(MINECONOMY_IMPLEMENTER, "Звіт (підписано)", key=own)
    assert check(repo, MINECONOMY_IMPLEMENTER).problems == []

    for branch, key, expected in (
        ("unsigned", None, "is not signed"),
        ("mismatch", other, "is signed by y.savchenko, but the record names r.kuzmenko or k.moroz"),
        ("unknown", stranger, "registered for nobody"),
    ):
        repo.git("checkout", "-q", "main")
        repo.git("checkout", "-q", "-b", branch)
        new_report(repo)
        repo.commit(MINECONOMY_IMPLEMENTER, f"Звіт ({branch})", key=key)
        result = check(repo, MINECONOMY_IMPLEMENTER)
        assert refusals(result) == [("data/reports/2025-Q1/2.1.1.1.1.yaml", "signature")]
        assert expected in result.problems[0].what()


def test_signatures_off(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", signatures="off")
    repo.git("checkout", "-q", "-b", "pr")
    new_report(repo)
    repo.commit(MINECONOMY_IMPLEMENTER, "Звіт")
    assert check(repo, MINECONOMY_IMPLEMENTER).problems == []


def test_allowed_signers_lists_ssh_keys_only(tmp_path: Path) -> None:
    from builder.load import load

    data, _ = load(ROOT / "data")
    assert allowed_signers(data) == ""  # the demonstration rosters register no keys


def test_cli_formats_and_exit_codes(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    rel = new_report(repo)
    repo.commit(MINJUST_IMPLEMENTER, "Звіт")
    monkeypatch.chdir(repo.path)
    summary = repo.path.parent / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    runner = CliRunner()
    args = ["check-change", "--base", "main", "--author", MINJUST_IMPLEMENTER]
    text = runner.invoke(cli, args)
    assert text.exit_code == 1
    assert text.output.startswith(f"{rel}: y.savchenko (@{MINJUST_IMPLEMENTER}) may not do this")
    gh = runner.invoke(cli, [*args, "--format", "github"])
    assert gh.exit_code == 1
    assert gh.output.startswith(f"::error file={rel},line=1::")
    assert "| ❌ | added | `data/reports/2025-Q1/2.1.1.1.1.yaml` |" in summary.read_text()
    js = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    assert [p["code"] for p in js["problems"] if p["severity"] == "error"] == ["not-allowed"]
    ok = runner.invoke(cli, [*args[:-1], MINECONOMY_IMPLEMENTER])
    assert ok.exit_code == 0, ok.output
    bad_ref = runner.invoke(cli, ["check-change", "--base", "nope", "--author", "x"])
    assert bad_ref.exit_code == 1 and "'nope' is not a commit" in bad_ref.output


def test_codeowners_generated_and_checked(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo.path)
    runner = CliRunner()
    assert runner.invoke(cli, ["codeowners", "--check"]).exit_code == 1
    assert runner.invoke(cli, ["codeowners"]).exit_code == 0
    text = repo.read(".github/CODEOWNERS")
    lines = text.splitlines()
    assert "* @vhnatiuk-nazk" in lines
    assert "/data/measures/ @mpanchenko-nazk" in lines
    assert "/data/reports/*/2.1.1.1.1.yaml @kmoroz-me" in lines
    assert "/data/reports/*/2.1.1.1.1@*.yaml @kmoroz-me" in lines
    assert "/data/executors/ @sdoroshenko-nazk" in lines
    assert runner.invoke(cli, ["codeowners", "--check"]).exit_code == 0
    # a new manager changes the owners: the committed file is then out of date
    rel = "data/executors/mineconomy.yaml"
    repo.write(
        rel,
        repo.read(rel) + "- id: n.new\n  name: Нова Особа\n  roles:\n  - уповноважений менеджер\n"
        "  github: nnew-me\n",
    )
    result = runner.invoke(cli, ["codeowners", "--check"])
    assert result.exit_code == 1 and "out of date" in result.output
    runner.invoke(cli, ["codeowners"])
    assert "/data/reports/*/2.1.1.1.1.yaml @kmoroz-me @nnew-me" in repo.read(".github/CODEOWNERS")


def test_gpg_signed_submission_matched_by_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("gpg") is None:  # pragma: no cover - Debian: gnupg
        pytest.skip("gpg is not installed")
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    try:
        subprocess.run(
            [
                "gpg",
                "--batch",
                "--passphrase",
                "",
                "--quick-gen-key",
                "Роман <r@example.org>",
                "ed25519",
                "sign",
                "never",
            ],
            check=True,
            capture_output=True,
        )
        listing = subprocess.run(
            ["gpg", "--with-colons", "--list-keys"], check=True, capture_output=True, text=True
        ).stdout
        fpr = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr"))
        repo = make_repo(tmp_path / "repo", signatures="enforce")
        register_key(repo, "mineconomy", "r.kuzmenko", fpr)
        repo.commit(USERS_ADMIN, "Ключ GPG")
        repo.git("checkout", "-q", "-b", "gpg")
        new_report(repo)
        repo.commit(MINECONOMY_IMPLEMENTER, "Звіт (GPG)", gpg=fpr)
        assert check(repo, MINECONOMY_IMPLEMENTER).problems == []
        # a second key, registered for nobody, is refused
        subprocess.run(
            [
                "gpg",
                "--batch",
                "--passphrase",
                "",
                "--quick-gen-key",
                "Інший <o@example.org>",
                "ed25519",
                "sign",
                "never",
            ],
            check=True,
            capture_output=True,
        )
        listing = subprocess.run(
            ["gpg", "--with-colons", "--list-keys", "o@example.org"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        other = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr"))
        repo.git("checkout", "-q", "main")
        repo.git("checkout", "-q", "-b", "gpg-other")
        new_report(repo)
        repo.commit(MINECONOMY_IMPLEMENTER, "Звіт (чужий ключ)", gpg=other)
        result = check(repo, MINECONOMY_IMPLEMENTER)
        assert refusals(result) == [("data/reports/2025-Q1/2.1.1.1.1.yaml", "signature")]
        assert "registered for nobody" in result.problems[0].what()
    finally:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], check=False, capture_output=True)


def test_generated_codeowners_goes_with_a_roster_change(repo: Repo) -> None:
    rel = "data/executors/mineconomy.yaml"
    repo.write(
        rel,
        repo.read(rel) + "- id: n.new\n  name: Нова Особа\n  roles:\n  - уповноважений менеджер\n"
        "  github: nnew-me\n",
    )
    repo.write(".github/CODEOWNERS", "# regenerated\n")
    repo.commit(USERS_ADMIN, "Новий менеджер і CODEOWNERS")
    assert refusals(check(repo, USERS_ADMIN)) == []
    assert refusals(check(repo, MINECONOMY_COORDINATOR)) == [
        (".github/CODEOWNERS", "not-allowed"),
        (rel, "not-allowed"),
    ]


def test_executor_guide_example_passes_and_a_forbidden_change_fails(repo: Repo) -> None:
    """The report in docs/guides/vprovadzhuvach.md, submitted as the guide says, passes."""
    import re

    from builder.validate import validate

    guide = (ROOT / "docs/guides/vprovadzhuvach.md").read_text(encoding="utf-8")
    example = next(b for b in re.findall(r"```yaml\n(.*?)```", guide, re.S) if "measure:" in b)
    path = re.search(r"`(data/reports/2025-Q1/[^`]+\.yaml)`", guide)
    assert path is not None
    example = re.sub(r" +#.*", "", example)  # the guide's comments
    repo.write(path.group(1), example)
    _, problems = validate(repo.data, "data")
    assert [p for p in problems if p.severity == "error"] == []
    repo.commit(MINECONOMY_IMPLEMENTER, "Звіт за I квартал 2025 р., захід 2.1.1.1.1")
    assert refusals(check(repo, MINECONOMY_IMPLEMENTER)) == []
    assessed = "data/reports/2024-Q2/2.1.1.1.1.yaml"
    repo.write(assessed, repo.read(assessed).replace("text:", "text: Переписано.", 1))
    repo.commit(MINECONOMY_IMPLEMENTER, "Переписати старий звіт")
    result = check(repo, MINECONOMY_IMPLEMENTER)
    assert refusals(result) == [(assessed, "refused")]
    assert "nobody rewrites a report after an analyst assessed it" in result.problems[0].what()


def test_shallow_clone_is_named(repo: Repo, tmp_path: Path) -> None:
    new_report(repo)
    repo.commit(MINECONOMY_IMPLEMENTER, "Звіт")
    shallow = Repo(tmp_path / "shallow")
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            repo.path.as_uri(),
            str(shallow.path),
        ],
        check=True,
    )
    shallow.git("checkout", "-q", "pr")
    with pytest.raises(GitError, match="share no history here"):
        check(shallow, MINECONOMY_IMPLEMENTER, base="origin/main")


# ---------------------------------------------------------------- in Ukrainian


@pytest.fixture
def ukrainian():
    """The run's language set to Ukrainian for one test (as `dap --lang uk` does)."""
    i18n.set_language("uk")
    yield
    i18n.set_language(None)


ASSESSED = "data/reports/2024-Q2/2.1.1.1.1.yaml"  # assessed in assessments/2024-Q2/2.1.1.1.1
ASSESSED_UK = (
    "цей звіт уже оцінено: аналітик analyst.hrytsenko надав висновок 02.08.2024 "
    "(data/assessments/2024-Q2/2.1.1.1.1.yaml), тому змінити звіт не можна"
)
CORRECTION_UK = (
    "скасуйте зміну й подайте виправлення як новий файл data/reports/2024-Q2/2.1.1.1.1@2.yaml"
)
NOT_ALLOWED_UK = (
    "y.savchenko (@ysavchenko-mj) не може внести цю зміну: звіти щодо заходу 2.1.1.1.1 додають "
    "і змінюють лише впроваджувачі та уповноважені менеджери його головного виконавця mineconomy"
)


def refused_change(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """An official of minjust rewrites an assessed report, adds a report on mineconomy's measure
    and one on their own measure; the CLI runs in the repository. Returns the two new paths."""
    repo.write(ASSESSED, repo.read(ASSESSED).replace("text:", "text: Переписано.", 1))
    foreign = new_report(repo)
    own = "data/reports/2025-Q1/1.1.1.1.3.yaml"
    repo.write(own, report_yaml("1.1.1.1.3", "2025-Q1", "minjust", "y.savchenko", "v.oliinyk"))
    repo.commit(MINJUST_IMPLEMENTER, "Звіти")
    monkeypatch.chdir(repo.path)
    return foreign, own


def test_a_refused_change_reads_in_ukrainian(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, ukrainian
) -> None:
    foreign, own = refused_change(repo, monkeypatch)
    args = ["--lang", "uk", "check-change", "--base", "main", "--author", MINJUST_IMPLEMENTER]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{ASSESSED}: {ASSESSED_UK} — {CORRECTION_UK}"
    assert lines[1].startswith(f"{foreign}: {NOT_ALLOWED_UK} — це можуть зробити: ")
    assert (
        "Катерина Мороз (@kmoroz-me)" in lines[1] and "Роман Кузьменко (@rkuzmenko-me)" in lines[1]
    )
    warning = lines[2]
    assert warning.startswith(f"{ASSESSED}: попередження: коміт ")
    assert "не підписано (II.3: подання підписують особистим ключем) — підпишіть коміт" in warning
    # its own measure: allowed, only the signature is missing
    (own_line,) = [line for line in lines if line.startswith(own)]
    assert own_line.startswith(f"{own}: попередження: коміт ")
    assert "не підписано" in own_line and "y.savchenko або v.oliinyk" in own_line
    assert lines[-1] == (
        "@ysavchenko-mj (y.savchenko (minjust)) змінює 3 файли; підписи комітів: warn; "
        "2 зміни відхилено, 3 попередження"
    )


def test_the_job_summary_and_annotations_read_in_ukrainian(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, ukrainian
) -> None:
    foreign, own = refused_change(repo, monkeypatch)
    summary = repo.path.parent / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    args = ["--lang", "uk", "check-change", "--base", "main", "--author", MINJUST_IMPLEMENTER]
    result = CliRunner().invoke(cli, [*args, "--format", "github"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith(
        f"::error file={ASSESSED},line=1::{ASSESSED_UK} — {CORRECTION_UK}\n"
    )
    assert f"::error file={foreign},line=1::{NOT_ALLOWED_UK} — це можуть зробити: " in result.output
    lines = summary.read_text(encoding="utf-8").splitlines()
    assert lines[:8] == [
        "### dap check-change",
        "",
        "Автор: @ysavchenko-mj (y.savchenko (minjust)); підписи комітів: `warn`; 1 коміт.",
        "",
        "❌ 2 зміни відхилено.",
        "",
        "| | зміна | файл | що не так | як виправити |",
        "|---|---|---|---|---|",
    ]
    assert f"| ❌ | змінено | `{ASSESSED}` | {ASSESSED_UK} | {CORRECTION_UK} |" in lines
    assert any(
        line.startswith(f"| ❌ | додано | `{foreign}` | {NOT_ALLOWED_UK} | це можуть зробити: ")
        for line in lines
    )
    assert any(line.startswith(f"| ⚠️ | додано | `{own}` | коміт ") for line in lines)


def test_json_keeps_english_codes_beside_ukrainian_messages(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, ukrainian
) -> None:
    foreign, own = refused_change(repo, monkeypatch)
    args = ["--lang", "uk", "check-change", "--base", "main", "--author", MINJUST_IMPLEMENTER]
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 1
    found = json.loads(result.output)["problems"]
    assert [(p["file"], p["code"], p["severity"]) for p in found] == [
        (ASSESSED, "refused", "error"),
        (foreign, "not-allowed", "error"),
        (ASSESSED, "signature", "warning"),
        (own, "signature", "warning"),
        (foreign, "signature", "warning"),
    ]
    assert (found[0]["message"], found[0]["hint"]) == (ASSESSED_UK, CORRECTION_UK)
    assert found[1]["message"] == NOT_ALLOWED_UK


def test_git_and_codeowners_speak_ukrainian(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, ukrainian
) -> None:
    monkeypatch.chdir(repo.path)
    runner = CliRunner()
    bad_ref = runner.invoke(
        cli, ["--lang", "uk", "check-change", "--base", "nope", "--author", "x"]
    )
    assert bad_ref.exit_code == 1 and "Traceback" not in bad_ref.output
    assert (
        "у цьому репозиторії немає коміту «nope» — вкажіть назву гілки (наприклад, main), тег "
        "або коміт"
    ) in bad_ref.output
    stale = runner.invoke(cli, ["--lang", "uk", "codeowners", "--check"])
    assert stale.exit_code == 1
    assert stale.output == (
        ".github/CODEOWNERS: файл застарів — запустіть dap codeowners і додайте оновлений файл "
        "до коміту\n"
    )
    written = runner.invoke(cli, ["--lang", "uk", "codeowners"])
    assert written.output == ".github/CODEOWNERS: записано\n"
    current = runner.invoke(cli, ["--lang", "uk", "codeowners", "--check"])
    assert (current.exit_code, current.output) == (0, ".github/CODEOWNERS: актуальний\n")


def test_an_unknown_login_is_told_to_get_registered(ukrainian) -> None:
    people = [
        m.Person(id=f"p{i}", name=f"Особа Номер {i}", roles=["аналітик"], github=f"person-{i}")
        for i in range(9)
    ]
    hint, values = may_be_done_by(people, unknown=True)
    text = i18n.render(hint, values)
    assert text.startswith("це можуть зробити: Особа Номер 0 (@person-0), ")
    assert "та ще 5 (усіх названо у списках користувачів); або попросіть внести ваш логін" in text
    assert "…" not in text  # whole names only, never a name cut in half
    hint, values = may_be_done_by([], unknown=False)
    assert i18n.render(hint, values) == "цієї ролі зараз не має ніхто — зверніться до НАЗК"


@pytest.mark.parametrize("rewrite", [True, False], ids=["a-report-rewritten", "only-new-files"])
def test_the_check_reads_only_what_its_rules_use_and_says_the_same(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, rewrite: bool
) -> None:
    """check-change reads reports, assessments, evaluations, feedback and notices only in the
    folders the change touches (workflow/check.py, BY_FOLDER; every assessment when a report
    is rewritten), and lists only those with `git ls-tree`: every answer is what reading
    everything gives — a report rewritten after its assessment (in another folder), a
    correction's hint, a foreign report, a roster change, an evaluation, an assessment."""
    from builder.workflow import check as w

    def answers() -> list[tuple[str, str, str, str]]:
        out = []
        for login in (MINECONOMY_IMPLEMENTER, ANALYST, EDITOR):
            result = check(repo, login)
            out += [(login, p.file, p.code, p.what() + p.how()) for p in result.problems]
        return out

    if rewrite:
        rel = "data/reports/2024-Q2/2.1.1.1.1.yaml"  # assessed in assessments/2024-Q2
        repo.write(rel, repo.read(rel).replace("text:", "text: Виправлено.", 1))
    new_report(repo)
    new_report(repo, "1.1.1.1.1")  # nazk's measure: not mineconomy's
    roster = "data/executors/mineconomy.yaml"
    repo.write(roster, repo.read(roster) + "\n")
    evaluation = next(p for p in sorted((repo.data / "evaluations").rglob("*.yaml")))
    evaluation.write_text(evaluation.read_text("utf-8") + "\n", "utf-8")
    assessment = next(p for p in sorted((repo.data / "assessments").rglob("*.yaml")))
    assessment.write_text(assessment.read_text("utf-8") + "\n", "utf-8")
    repo.commit(MINECONOMY_IMPLEMENTER, "Усе разом")
    partial = answers()
    codes = {code for _, _, code, _ in partial}
    assert codes >= ({"refused", "not-allowed"} if rewrite else {"not-allowed"})
    assert any("assessments/" in file for _, file, _, _ in partial)
    monkeypatch.setattr(w, "_needed", lambda changes, prefix: (lambda rel: True, None))
    assert answers() == partial
