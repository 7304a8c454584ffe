""".github/workflows/notify.yml: its shell steps run for real against a local 'origin' and a
loopback SMTP server, so the ledger branch carries the once-only rule from run to run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_notify import REPORT, git
from test_notify_smtp import EXPECTED, Collect, RefuseOne, smtp  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "notify.yml"
pytestmark = pytest.mark.slow

STEPS = ("Check out the ledger branch", "Work out and send the notices", "Push the ledger")


def scripts() -> list[str]:
    """The run: blocks of the steps that carry the logic, in order."""
    steps = yaml.safe_load(WORKFLOW.read_text("utf-8"))["jobs"]["notify"]["steps"]
    found = [s["run"] for name in STEPS for s in steps if s.get("name", "").startswith(name)]
    assert len(found) == len(STEPS)
    return found


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A bare repository whose main holds the demonstration data."""
    seed = tmp_path / "seed"
    seed.mkdir()
    shutil.copytree(ROOT / "data", seed / "data")
    git(seed, "init", "-q", "-b", "main")
    git(seed, "add", "data")
    git(seed, "commit", "-q", "-m", "data")
    bare = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(bare))
    return bare


def run_workflow(tmp_path: Path, origin: Path, port: int, n: int) -> tuple[int, str]:
    """One run on a fresh runner: clone, then the workflow's steps as GitHub runs them."""
    runner = tmp_path / f"run{n}"
    runner.mkdir()
    work = runner / "work"
    git(tmp_path, "clone", "-q", str(origin), str(work))
    env_file = runner / "github_env"
    env_file.touch()
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(runner / "home"),
        "RUNNER_TEMP": str(runner / "temp"),
        "GITHUB_ENV": str(env_file),
        "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
        "GITHUB_RUN_ID": str(n),
        "AS_OF_INPUT": "2025-01-10",
        "PUSH_BEFORE": "",
        "DAP_SMTP_HOST": "127.0.0.1",
        "DAP_SMTP_PORT": str(port),
        "DAP_SMTP_SECURITY": "none",
        "DAP_SMTP_FROM": "Моніторинг ДАП <noreply@example.gov.ua>",
        "DAP_SITE_URL": "https://monitoring.example.org/dap",
    }
    for folder in ("home", "temp"):
        (runner / folder).mkdir()
    status = 0
    for script in scripts():
        for line in env_file.read_text("utf-8").splitlines():
            key, _, value = line.partition("=")
            env[key] = value
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
        )
        status = status or done.returncode
    summary = (runner / "summary.md").read_text("utf-8")
    return status, summary


def ledger_branch(origin: Path, name: str) -> str:
    return subprocess.run(
        ["git", "show", f"notify-ledger:{name}"],
        cwd=origin,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_ledger_branch_carries_once_only_across_runs(smtp, origin, tmp_path):  # noqa: F811
    refusing = RefuseOne("k.moroz@example.gov.ua")
    status, summary = run_workflow(tmp_path, origin, smtp(refusing), 1)
    assert status != 0  # one recipient refused: the job fails …
    # the job runs as on GitHub's runner (no LANG): its summary is in Ukrainian
    assert "надіслано: 8" in summary and "→ k.moroz: сервер не прийняв одержувача: 550" in summary
    assert "@example.gov.ua" not in summary
    assert len(ledger_branch(origin, "ledger.jsonl").splitlines()) == 8  # … but the ledger went
    with pytest.raises(subprocess.CalledProcessError):
        ledger_branch(origin, "notified-through")  # not advanced by a failed run

    server = Collect()
    port = smtp(server)
    status, summary = run_workflow(tmp_path, origin, port, 2)
    assert status == 0, summary
    assert server.recipients() == ["k.moroz@example.gov.ua"]  # exactly the rest
    head = git(origin, "rev-parse", "main")
    assert ledger_branch(origin, "notified-through").strip() == head

    status, summary = run_workflow(tmp_path, origin, port, 3)  # the next scheduled run
    assert status == 0 and "уже надіслано раніше (є в журналі), пропущено: 9" in summary
    assert len(server.messages) == 1

    # a merge to main: its status changes go to the people of minjust the measure is
    # assigned to, its координатор and the measure's analyst, once
    clone = tmp_path / "author"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    (clone / "data" / "reports" / "2024-Q4" / "1.1.1.2.2.yaml").write_text(REPORT, "utf-8")
    git(clone, "add", "data")
    git(clone, "commit", "-q", "-m", "Мін'юст: звіт за IV квартал 2024")
    git(clone, "push", "-q", "origin", "main")
    status, summary = run_workflow(tmp_path, origin, port, 4)
    assert status == 0, summary
    changed = sorted(r[0] for r, m in server.messages[1:] if m["X-DAP-Kind"] == "status_changed")
    people = ("n.kravchenko", "v.oliinyk", "y.savchenko", "analyst.zinchenko")
    assert changed == sorted(f"{p}@example.gov.ua" for p in people)
    assert len(server.messages) == 1 + len(changed)
    assert len(set(server.recipients())) == len(server.recipients())
    status, summary = run_workflow(tmp_path, origin, port, 5)
    assert status == 0 and len(server.messages) == 1 + len(changed)
    others = {r[0] for r, m in server.messages if m["X-DAP-Kind"] != "status_changed"}
    assert others == {"k.moroz@example.gov.ua"} and others <= EXPECTED
