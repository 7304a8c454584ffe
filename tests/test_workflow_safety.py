"""The pull-request loop's safety rules, read from the workflow files themselves (docs/workflow.md,
"Workflows"): no pull-request code with a token that can write, least permissions per job,
pinned actions, no stored credentials, no expression inside a shell script — and the scripted
repository setup (.github/setup-repository.sh) run against a stand-in for `gh`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def load(path: Path) -> dict[str, Any]:
    flow = yaml.safe_load(path.read_text(encoding="utf-8"))
    flow["on"] = flow.pop(True, flow.get("on"))  # YAML 1.1 reads the key `on` as True
    return flow


def writes(permissions: Any) -> bool:
    """The permissions hold a scope that can write (or everything)."""
    if isinstance(permissions, str):
        return permissions == "write-all"
    return any(v == "write" for v in (permissions or {}).values())


def runs_code(job: dict[str, Any]) -> bool:
    """The job checks out a repository or installs something from one."""
    steps = job.get("steps", [])
    return any(str(s.get("uses", "")).startswith("actions/checkout@") for s in steps) or any(
        "pip install" in s.get("run", "") for s in steps
    )


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_pinned_and_no_stored_credentials(path: Path) -> None:
    flow = load(path)
    assert flow["permissions"] == {}, "every workflow starts from no permissions"
    text = path.read_text(encoding="utf-8")
    uses = re.findall(r"^\s*(?:- )?uses: (.*)$", text, re.M)
    assert uses or path.name == "pr-comment.yml"
    for ref in uses:
        assert PINNED.match(ref), f"{path.name}: {ref} is not pinned to a commit with its version"
    for name, job in flow["jobs"].items():
        assert "permissions" in job, f"{path.name}: job {name} states its permissions"
        assert "timeout-minutes" in job, f"{path.name}: job {name} has a timeout"
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, f"{path.name}: {name}"
            # an expression inside a script is text from the event pasted into shell: every
            # value reaches a script through the environment instead
            assert "${{" not in step.get("run", ""), f"{path.name}: {name}: {step.get('name')}"


def test_no_pull_request_code_runs_with_a_token_that_can_write() -> None:
    for path in WORKFLOWS:
        flow = load(path)
        events = set(flow["on"]) if isinstance(flow["on"], dict) else {flow["on"]}
        for name, job in flow["jobs"].items():
            if events & {"pull_request", "pull_request_review", "pull_request_target"}:
                # the pull request's own workflow file runs here: nothing in it may write
                assert not writes(job["permissions"]), f"{path.name}: {name}"
            if "workflow_run" in events and writes(job["permissions"]):
                assert not runs_code(job), f"{path.name}: {name} writes and runs code"
        assert "pull_request_target" not in events, path.name


def test_the_judge_reads_the_head_only_as_data() -> None:
    """pr.yml's permissions job and approval.yml's judge: main's dap, the head fetched as Git
    objects, never checked out (no checkout of it, no worktree, no install from it)."""
    pr = load(GITHUB / "workflows" / "pr.yml")["jobs"]
    approval = load(GITHUB / "workflows" / "approval.yml")["jobs"]
    for job, base in (
        (pr["permissions"], "github.event.pull_request.base.sha"),
        (approval["judge"], "steps.review.outputs.base"),
    ):
        checkouts = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/")]
        refs = [s["with"]["ref"] for s in checkouts if "ref" in s.get("with", {})]
        assert refs == ["${{ " + base + " }}"]
        scripts = "\n".join(s.get("run", "") for s in job["steps"])
        assert 'git fetch --no-tags --quiet origin "$HEAD_SHA"' in scripts
        assert not re.search(r"git (checkout|switch|worktree|reset|archive)", scripts)
        assert re.search(r'base-venv/bin/python" -m pip install --quiet \.$', scripts, re.M)
        assert not writes(job["permissions"])
    assert "cache" not in json.dumps(pr["permissions"]["steps"])  # no cache a PR could poison
    assert "dap approval --base" not in json.dumps(approval["merge"])


def test_the_comment_and_the_merge_treat_artifacts_as_data() -> None:
    comment = load(GITHUB / "workflows" / "pr-comment.yml")
    assert comment["on"]["workflow_run"]["workflows"] == [
        load(GITHUB / "workflows" / "pr.yml")["name"]
    ]
    job = comment["jobs"]["comment"]
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    script = job["steps"][0]["run"]
    assert '[[ "$pr" =~ ^[0-9]{1,9}$ ]]' in script and '"$sha" != "$RUN_HEAD_SHA"' in script
    assert 'head -c "$limit"' in script and "--input" in script
    record = load(GITHUB / "workflows" / "approval-record.yml")
    assert record["on"] == {"pull_request_review": {"types": ["submitted"]}}
    assert record["jobs"]["record"]["permissions"] == {}
    approval = load(GITHUB / "workflows" / "approval.yml")
    assert approval["on"]["workflow_run"]["workflows"] == [record["name"]]
    judge = approval["jobs"]["judge"]["steps"][0]["run"]
    # the artifact only names a review: who, which commit and when come from GitHub's API
    assert 'gh api "repos/$GH_REPO/pulls/$pr/reviews/$review"' in judge
    merge = approval["jobs"]["merge"]
    assert merge["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert "--match-head-commit" in merge["steps"][0]["run"]


def test_notify_secrets_stay_in_the_environment_and_manual_runs_wait_for_a_reviewer() -> None:
    flow = load(GITHUB / "workflows" / "notify.yml")
    gate, notify = flow["jobs"]["manual-run-approved"], flow["jobs"]["notify"]
    assert gate["environment"] == "notify-manual"
    assert "workflow_dispatch" in gate["if"]
    assert notify["needs"] == "manual-run-approved" and notify["environment"] == "notifications"
    assert "env" not in notify  # secrets only in the step that needs them
    text = (GITHUB / "workflows" / "notify.yml").read_text(encoding="utf-8")
    send = next(s for s in notify["steps"] if s.get("id") == "notify")
    in_send = [k for k, v in send["env"].items() if "secrets." in v]
    assert text.count("secrets.") == len(in_send) == 5
    assert send["env"]["DAP_AGE_KEY"] == "${{ secrets.DAP_AGE_KEY }}"  # the rosters' key


def test_dependabot_keeps_actions_and_python_current() -> None:
    config = yaml.safe_load((GITHUB / "dependabot.yml").read_text(encoding="utf-8"))
    ecosystems = {u["package-ecosystem"] for u in config["updates"]}
    assert ecosystems == {"github-actions", "pip"}


# ------------------------------------------------------------------ the repository setup

SETUP = GITHUB / "setup-repository.sh"


def test_setup_script_is_valid_bash_and_its_payloads_valid_json() -> None:
    done = subprocess.run(["bash", "-n", str(SETUP)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    payloads = {p.name: json.loads(p.read_text("utf-8")) for p in (GITHUB / "setup").glob("*.json")}
    text = SETUP.read_text(encoding="utf-8")
    for name in payloads:
        assert name in text, f"{name} is not used by the setup script"
    main = {r["type"]: r.get("parameters", {}) for r in payloads["ruleset-main.json"]["rules"]}
    review = main["pull_request"]
    assert review["require_code_owner_review"] and review["dismiss_stale_reviews_on_push"]
    assert review["require_last_push_approval"] and review["required_approving_review_count"] >= 1
    assert review["allowed_merge_methods"] == ["merge"]  # the trailers live in merge commits
    # the required checks are the jobs that exist, under the names GitHub reports them by
    required = {c["context"] for c in main["required_status_checks"]["required_status_checks"]}
    jobs = {
        job.get("name", key)
        for flow in ("pr.yml", "ci.yml")
        for key, job in load(GITHUB / "workflows" / flow)["jobs"].items()
    }
    assert required == jobs == {"data", "permissions", "test"}


STAND_IN = r"""#!/usr/bin/env python3
# A stand-in for `gh api`: keeps rulesets, environments and branch policies in a JSON file,
# logs every call, applies --jq with the real jq.
import json, os, subprocess, sys
state_file, log_file = os.environ["GH_STATE"], os.environ["GH_LOG"]
state = json.load(open(state_file)) if os.path.exists(state_file) else {"rulesets": [], "envs": {}}
args = sys.argv[1:]
assert args[0] == "api", args
args = args[1:]
method, jq, payload, path = "GET", None, None, None
while args:
    a = args.pop(0)
    if a == "--method": method = args.pop(0)
    elif a == "--jq": jq = args.pop(0)
    elif a == "--input": payload = json.load(open(args.pop(0)))
    elif a == "--paginate": pass
    else: path = a
with open(log_file, "a") as log:
    log.write(json.dumps({"method": method, "path": path, "payload": payload}) + "\n")
parts = path.split("/")
out = {}
if parts[0] == "users":
    out = {"id": 1000 + len(parts[1])}
elif parts[3:] == ["rulesets"]:
    if method == "POST":
        state["rulesets"].append({"id": len(state["rulesets"]) + 1, "name": payload["name"]})
    out = state["rulesets"]
elif parts[3] == "environments":
    env = parts[4]
    if method == "PUT":
        state["envs"].setdefault(env, [])
    elif env not in state["envs"]:
        print("HTTP 404: Not Found", file=sys.stderr); sys.exit(1)
    if parts[5:] == ["deployment-branch-policies"]:
        if method == "POST":
            state["envs"][env].append({"id": 7, "name": payload["name"], "type": payload["type"]})
        out = {"branch_policies": state["envs"][env]}
json.dump(state, open(state_file, "w"))
text = json.dumps(out)
if jq:
    text = subprocess.run(["jq", "-r", jq], input=text, capture_output=True, text=True, check=True).stdout
sys.stdout.write(text)
"""


def run_setup(
    tmp_path: Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    gh = bin_dir / "gh"
    gh.write_text(textwrap.dedent(STAND_IN), encoding="utf-8")
    gh.chmod(0o755)
    log = tmp_path / "log.jsonl"
    log.unlink(missing_ok=True)
    env = dict(os.environ)
    env |= {"PATH": f"{bin_dir}{os.pathsep}{env['PATH']}", "GH_STATE": str(tmp_path / "state.json")}
    env["GH_LOG"] = str(log)
    done = subprocess.run(
        ["bash", str(SETUP), "--repo", "nazk/dap", *args], capture_output=True, text=True, env=env
    )
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return done, calls


def changes(calls: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(c["method"], c["path"]) for c in calls if c["method"] != "GET"]


@pytest.mark.skipif(not shutil.which("jq"), reason="jq is installed by tests/run.sh")
def test_setup_script_creates_then_updates_in_place(tmp_path: Path) -> None:
    missing, _ = run_setup(tmp_path)
    assert missing.returncode == 2 and "--reviewer" in missing.stderr
    dry, calls = run_setup(tmp_path, "--reviewer", "vhnatiuk-nazk", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert changes(calls) == [] and "gh api --method POST repos/nazk/dap/rulesets" in dry.stdout
    first, calls = run_setup(tmp_path, "--reviewer", "vhnatiuk-nazk", "--reviewer", "ab")
    assert first.returncode == 0, first.stderr
    envs = "repos/nazk/dap/environments"
    assert changes(calls) == [
        ("POST", "repos/nazk/dap/rulesets"),
        ("POST", "repos/nazk/dap/rulesets"),
        ("PUT", "repos/nazk/dap/actions/permissions/workflow"),
        ("PUT", f"{envs}/notifications"),
        ("POST", f"{envs}/notifications/deployment-branch-policies"),
        ("PUT", f"{envs}/github-pages"),
        ("POST", f"{envs}/github-pages/deployment-branch-policies"),
        ("PUT", f"{envs}/notify-manual"),
        ("POST", f"{envs}/notify-manual/deployment-branch-policies"),
    ]
    manual = next(c for c in calls if c["path"] == f"{envs}/notify-manual")["payload"]
    assert manual["reviewers"] == [{"type": "User", "id": 1013}, {"type": "User", "id": 1002}]
    assert manual["prevent_self_review"] is True
    assert "==> ruleset «main: reviewed pull requests with green checks»: created" in first.stdout
    again, calls = run_setup(tmp_path, "--reviewer", "vhnatiuk-nazk")
    assert again.returncode == 0, again.stderr
    assert changes(calls) == [  # the same rulesets updated, no second branch policy
        ("PUT", "repos/nazk/dap/rulesets/1"),
        ("PUT", "repos/nazk/dap/rulesets/2"),
        ("PUT", "repos/nazk/dap/actions/permissions/workflow"),
        ("PUT", f"{envs}/notifications"),
        ("PUT", f"{envs}/github-pages"),
        ("PUT", f"{envs}/notify-manual"),
    ]
    assert "branch policy main exists" in again.stdout
