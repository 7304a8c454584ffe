"""The pull-request check (`dap check-change`) and its text, Markdown, GitHub and JSON forms."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from ..git import (
    FileChange,
    changed_files,
    commit_day,
    data_prefix,
    load_at,
    merge_base,
    repo_root,
    resolve,
)
from .permits import check_change, find_login
from .signatures import check_signatures, commit_signatures, signature_mode


@dataclass
class ChangeCheck:
    """The result of checking one pull request: its files, problems and the people involved."""

    base: str
    head: str
    login: str
    author: str  # person id and executor, or '' when the login is in no roster
    changes: list[FileChange]
    problems: list[Problem]
    mode: str
    commits: int


def run_check(repo: Path, data_dir: Path, base_ref: str, head_ref: str, login: str) -> ChangeCheck:
    """Check every file changed on `head_ref` since `base_ref`, and the signatures of its commits."""
    root = repo_root(repo)
    prefix = data_prefix(root, data_dir if data_dir.is_absolute() else repo / data_dir)
    base_sha, head_sha = resolve(root, base_ref), resolve(root, head_ref)
    fork = merge_base(root, base_sha, head_sha)
    base, _ = load_at(root, fork, prefix)
    head, _ = load_at(root, head_sha, prefix)
    on = commit_day(root, head_sha)
    changes = changed_files(root, fork, head_sha)
    problems = check_change(changes, login, prefix, base, head, on)
    mode = signature_mode(base)
    sigs = commit_signatures(root, fork, head_sha, base) if mode != "off" else []
    problems += check_signatures(sigs, prefix, base, head, mode)
    found = find_login(base, login)
    author = f"{found[1].id} ({found[0] or 'НАЗК'})" if found else ""
    return ChangeCheck(base_ref, head_ref, login, author, changes, problems, mode, len(sigs))


def check_text(result: ChangeCheck) -> str:
    """The check as text for a terminal."""
    lines = [str(p) for p in result.problems]
    errors = sum(p.severity == "error" for p in result.problems)
    who_ = result.author or "not in any roster"
    lines.append(
        f"{len(result.changes)} file(s) changed by @{result.login} ({who_}); "
        f"signatures: {result.mode}; {errors} refused, "
        f"{len(result.problems) - errors} warning(s)"
    )
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def check_markdown(result: ChangeCheck) -> str:
    """The check as a Markdown job summary: one row per changed file."""
    by_path: dict[str, list[Problem]] = {}
    for p in result.problems:
        by_path.setdefault(p.file, []).append(p)
    errors = sum(p.severity == "error" for p in result.problems)
    lines = [
        "### dap check-change",
        "",
        f"Author: @{_cell(result.login)} ({_cell(result.author or 'not in any roster')}); "
        f"signed submissions: `{result.mode}`; {result.commits} commit(s).",
        "",
        ("✅ Every change is allowed." if not errors else f"❌ {errors} change(s) refused."),
        "",
        "| | change | file | rule | who may do it instead |",
        "|---|---|---|---|---|",
    ]
    verbs = {"A": "added", "M": "changed", "D": "deleted"}
    listed: set[str] = set()
    for c in result.changes:
        found = by_path.get(c.path, [])
        listed.add(c.path)
        if not found:
            lines.append(f"| ✅ | {verbs[c.status]} | `{_cell(c.path)}` | allowed | |")
        for p in found:
            mark = "❌" if p.severity == "error" else "⚠️"
            lines.append(
                f"| {mark} | {verbs[c.status]} | `{_cell(c.path)}` | {_cell(p.message)} | "
                f"{_cell(p.hint)} |"
            )
    for p in result.problems:
        if p.file not in listed:
            mark = "❌" if p.severity == "error" else "⚠️"
            lines.append(f"| {mark} | | `{_cell(p.file)}` | {_cell(p.message)} | {_cell(p.hint)} |")
    return "\n".join(lines) + "\n"


def check_github(result: ChangeCheck) -> str:
    """Workflow annotations (`::error file=…::`), one per problem."""
    out = []
    for p in result.problems:
        level = "error" if p.severity == "error" else "warning"
        text = f"{p.message} — {p.hint}".replace("%", "%25").replace("\r", "%0D")
        out.append(f"::{level} file={p.file},line={p.line or 1}::{text.replace(chr(10), '%0A')}")
    return "".join(line + "\n" for line in out)


def check_json(result: ChangeCheck) -> str:
    """The check as JSON."""
    return json.dumps(
        {
            "base": result.base,
            "head": result.head,
            "login": result.login,
            "author": result.author,
            "signatures": result.mode,
            "changes": [c.__dict__ for c in result.changes],
            "problems": [p.as_dict() for p in result.problems],
        },
        ensure_ascii=False,
        indent=2,
    )
