"""A real temporary Git repository holding a copy of the demonstration data (shared by the
workflow, diff and internal-build tests), and a check that it behaves like one."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


class Repo:
    """A Git repository in a temporary folder, with commits made as named GitHub users."""

    def __init__(self, path: Path):
        self.path = path
        self.data = path / "data"

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Run git here and return its output (failures raise)."""
        done = subprocess.run(
            ["git", *args],
            cwd=self.path,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def write(self, rel: str, text: str) -> None:
        """Write a file (relative to the repository)."""
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def read(self, rel: str) -> str:
        """Read a file (relative to the repository)."""
        return (self.path / rel).read_text(encoding="utf-8")

    def commit(
        self, login: str, message: str, key: Path | None = None, date: str = "", gpg: str = ""
    ) -> str:
        """Commit everything as `login`, signed with SSH `key` or the GPG key `gpg` if given."""
        self.git("add", "-A")
        env = {
            "GIT_AUTHOR_NAME": login,
            "GIT_AUTHOR_EMAIL": f"{login}@example.org",
            "GIT_COMMITTER_NAME": login,
            "GIT_COMMITTER_EMAIL": f"{login}@example.org",
        }
        if date:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
        args = ["commit", "-q", "--allow-empty", "-m", message]
        if key is not None:
            args = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", *args, "-S"]
        elif gpg:
            args = ["-c", "gpg.format=openpgp", "-c", f"user.signingkey={gpg}", *args, "-S"]
        self.git(*args, env=env)
        return self.git("rev-parse", "HEAD").strip()

    def merge(self, branch: str, login: str, date: str = "", trailers: str = "") -> str:
        """Merge `branch` into the current branch with a merge commit made by `login`, its
        message ending with `trailers` (e.g. the lines `dap approval` prints) if given."""
        env = {
            "GIT_AUTHOR_NAME": login,
            "GIT_AUTHOR_EMAIL": f"{login}@example.org",
            "GIT_COMMITTER_NAME": login,
            "GIT_COMMITTER_EMAIL": f"{login}@example.org",
        }
        if date:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
        message = f"Merge {branch}" + (f"\n\n{trailers}" if trailers else "")
        self.git("merge", "-q", "--no-ff", "-m", message, branch, env=env)
        return self.git("rev-parse", "HEAD").strip()


def make_repo(path: Path, signatures: str | None = None) -> Repo:
    """A repository on branch main whose first commit holds a copy of data/."""
    path.mkdir(parents=True, exist_ok=True)
    repo = Repo(path)
    repo.git("init", "-q", "-b", "main")
    shutil.copytree(ROOT / "data", repo.data)
    if signatures:
        text = repo.read("data/programme.yaml")
        text = text.replace("reporting:\n", f"reporting:\n  require_signatures: {signatures}\n", 1)
        repo.write("data/programme.yaml", text)
    repo.commit("vhnatiuk-nazk", "Demonstration data", date="2025-03-01T10:00:00+02:00")
    return repo


def report_yaml(
    measure: str, period: str, executor: str, prepared: str, approved: str, text: str = ""
) -> str:
    """A report file's text."""
    return (
        f"measure: {measure}\nperiod: {period}\nkind: про хід виконання\nexecutor: {executor}\n"
        f"prepared_by: {prepared}\napproved_by: {approved}\napproved_on: 2025-04-03\n"
        f"text: {text or 'Роботу триває відповідно до плану.'}\n"
    )


def assessment_yaml(measure: str, period: str, analyst: str, reports: list[str]) -> str:
    """An assessment file's text."""
    refs = "".join(f"- {r}\n" for r in reports)
    return (
        f"measure: {measure}\nperiod: {period}\ndate: 2025-04-20\nanalyst: {analyst}\n"
        "status: Виконується\nlabel: прогрес виконання заходу наявний\n"
        "text: Прогрес підтверджено документами.\n" + (f"reports:\n{refs}" if refs else "")
    )


@pytest.fixture(autouse=True)
def _isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep the developer's own Git settings (signing, hooks) out of the tests."""
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def test_repo_helper_makes_real_commits(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    repo.git("checkout", "-q", "-b", "b")
    repo.write("data/notes.txt", "x")
    sha = repo.commit("someone", "note")
    repo.git("checkout", "-q", "main")
    merge = repo.merge("b", "admin")
    assert repo.git("rev-list", "--parents", "-1", merge).split()[1:] != [sha]
    assert repo.git("log", "-1", "--format=%an", sha).strip() == "someone"
