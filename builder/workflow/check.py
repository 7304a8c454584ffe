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
from ..i18n import _, ngettext
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


def _author(result: ChangeCheck) -> str:
    """The author as the rosters know them, or a note that the login is in none."""
    return result.author or _("not in any roster")


def check_text(result: ChangeCheck) -> str:
    """The check as text for a terminal: one line per problem, then the totals."""
    lines = [str(p) for p in result.problems]
    errors = sum(p.severity == "error" for p in result.problems)
    changed = len(result.changes)
    lines.append(
        ngettext(
            "{n} file changed by @{login} ({author})",
            "{n} files changed by @{login} ({author})",
            changed,
            login=result.login,
            author=_author(result),
        )
        + "; "
        + _("signatures: {mode}", mode=result.mode)
        + "; "
        + ngettext("{n} refused", "{n} refused", errors)
        + ", "
        + ngettext("{n} warning", "{n} warnings", len(result.problems) - errors)
    )
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def check_markdown(result: ChangeCheck) -> str:
    """The check as Markdown (the job summary of a pull request): one row per changed file."""
    by_path: dict[str, list[Problem]] = {}
    for p in result.problems:
        by_path.setdefault(p.file, []).append(p)
    errors = sum(p.severity == "error" for p in result.problems)
    lines = [
        "### dap check-change",
        "",
        ngettext(
            "Author: @{login} ({author}); signed submissions: `{mode}`; {n} commit.",
            "Author: @{login} ({author}); signed submissions: `{mode}`; {n} commits.",
            result.commits,
            login=_cell(result.login),
            author=_cell(_author(result)),
            mode=result.mode,
        ),
        "",
        (
            "✅ " + _("Every change is allowed.")
            if not errors
            else "❌ " + ngettext("{n} change refused.", "{n} changes refused.", errors)
        ),
        "",
        "| | " + " | ".join([_("change"), _("file"), _("problem"), _("how to fix")]) + " |",
        "|---|---|---|---|---|",
    ]
    verbs = {"A": _("added"), "M": _("changed"), "D": _("deleted")}
    allowed = _("allowed")
    listed: set[str] = set()
    for c in result.changes:
        found = by_path.get(c.path, [])
        listed.add(c.path)
        if not found:
            lines.append(f"| ✅ | {verbs[c.status]} | `{_cell(c.path)}` | {allowed} | |")
        for p in found:
            mark = "❌" if p.severity == "error" else "⚠️"
            lines.append(
                f"| {mark} | {verbs[c.status]} | `{_cell(c.path)}` | {_cell(p.what())} | "
                f"{_cell(p.how())} |"
            )
    for p in result.problems:
        if p.file not in listed:
            mark = "❌" if p.severity == "error" else "⚠️"
            lines.append(f"| {mark} | | `{_cell(p.file)}` | {_cell(p.what())} | {_cell(p.how())} |")
    return "\n".join(lines) + "\n"


def check_github(result: ChangeCheck) -> str:
    """Workflow annotations (`::error file=…::`), one per problem, in the run's language."""
    out = []
    for p in result.problems:
        level = "error" if p.severity == "error" else "warning"
        text = p.what() + (f" — {p.how()}" if p.hint else "")
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        out.append(f"::{level} file={p.file},line={p.line or 1}::{text}")
    return "".join(line + "\n" for line in out)


def check_json(result: ChangeCheck) -> str:
    """The check as JSON: messages in the run's language, each problem's `code` in English."""
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
