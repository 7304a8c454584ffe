"""The pull-request check (`dap check-change`) and its text, Markdown, GitHub and JSON forms."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..datafile import LAYOUT, kind_of
from ..errors import Problem, problem_params
from ..git.history import submission_day, trailers_of
from ..git.load import load_at
from ..git.repo import FileChange, changed_files, data_prefix, merge_base, repo_root, resolve
from ..i18n import N_, _, ngettext
from ..options import annotation, printable
from ..options import markdown_cell as cell
from .permits import MONITORING, check_change, find_login, inside
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
    today: dt.date  # the day access was judged on


def run_check(
    repo: Path,
    data_dir: Path,
    base_ref: str,
    head_ref: str,
    login: str,
    today: dt.date | None = None,
) -> ChangeCheck:
    """Check every file changed on `head_ref` since `base_ref`, and the signatures of the
    commits that bring monitoring records. Access is judged on `today` — in CI the pull
    request's event time, by default the clock's day in Kyiv — never on a commit's date, which
    whoever makes the commit sets."""
    root = repo_root(repo)
    prefix = data_prefix(root, data_dir if data_dir.is_absolute() else repo / data_dir)
    base_sha, head_sha = resolve(root, base_ref), resolve(root, head_ref)
    fork = merge_base(root, base_sha, head_sha)
    changes = changed_files(root, fork, head_sha)
    needed, within = _needed(changes, prefix)
    base, _ = load_at(root, fork, prefix, needed, within)
    head, broken = load_at(root, head_sha, prefix, needed, within)
    on = today or submission_day(dt.datetime.now(dt.UTC))
    brought = {c.path for c in changes if c.status != "D"}
    # a file the change brings that cannot be read is a located problem, as validate says it
    problems = [p for p in broken if _repo_path(p.file, prefix) in brought]
    problems += check_change(changes, login, prefix, base, head, on)
    mode = signature_mode(base)
    records = [c.path for c in changes if c.status != "D" and _monitoring(c.path, prefix)]
    sigs = commit_signatures(root, fork, head_sha, base, records) if mode != "off" else []
    problems += check_signatures(sigs, prefix, base, head, mode)
    problems += forged_trailers(root, base_sha, head_sha)
    found = find_login(base, login)
    author = f"{found[1].id} ({found[0] or 'НАЗК'})" if found else ""
    return ChangeCheck(base_ref, head_ref, login, author, changes, problems, mode, len(sigs), on)


# Kinds whose records the rules read only in the folders a change touches: a report's permit
# asks whether it exists at the base and which correction files its period holds, its
# signature check who prepared and approved it; an assessment's or evaluation's who made it.
# Rosters, settings and measures are read whole; so are the assessments when the change
# modifies a report (whether an analyst assessed it: any assessment may list it).
BY_FOLDER = ("reports/", "assessments/", "evaluations/", "feedback/", "notices/")


def _needed(changes: list[FileChange], prefix: str) -> tuple[Callable[[str], bool], list[str]]:
    """Which data files (relative to the data folder) the check reads at the base and head —
    every file, but of the kinds in BY_FOLDER only those in folders the change touches — and
    the files and folders to list for them (one `git ls-tree` of those alone)."""
    cut = len(prefix) + 1 if prefix else 0
    mine = [c for c in changes if inside(c.path, prefix)]
    touched = {c.path[cut:].rpartition("/")[0] for c in mine}
    modifies_report = any(c.status == "M" and c.path[cut:].startswith("reports/") for c in mine)
    by_folder = tuple(k for k in BY_FOLDER if not (modifies_report and k == "assessments/"))

    def needed(rel: str) -> bool:
        return not rel.startswith(by_folder) or rel.rpartition("/")[0] in touched

    within = sorted(
        {kind.example.split("/")[0] for kind in LAYOUT.values() if f"{kind.name}/" not in by_folder}
        | {folder for folder in touched if folder.startswith(by_folder)}
    )
    return needed, within


def forged_trailers(root: Path, base: str, head: str) -> list[Problem]:
    """A commit of the pull request carrying approval trailers: only the merge into the main
    branch records an approval (written by the merging workflow), so one in a commit of the
    pull request is a forgery, refused."""
    return [
        Problem(
            "",
            message=N_(
                "commit {commit} of the pull request carries an approval trailer "
                "(Approved-by:/Approved-at:): an approval is recorded only by the merge into "
                "the main branch, never by the pull request's own commits"
            ),
            hint=N_(
                "remove the trailer lines from the commit message (git rebase -i, reword) and "
                "push again; the executor's manager approves in the pull request's review"
            ),
            code="forged-approval",
            params=problem_params({"commit": sha[:10]}),
        )
        for sha in sorted(trailers_of(root, f"{base}..{head}"))
    ]


def _repo_path(shown: str, prefix: str) -> str:
    """The repository path of a file as `load_at` shows it (`PREFIX/…`, or `./…` at the top)."""
    return shown[2:] if not prefix and shown.startswith("./") else shown


def _monitoring(path: str, prefix: str) -> bool:
    """The path is a monitoring record's (report, assessment, evaluation) in the data folder."""
    if not inside(path, prefix):
        return False
    kind, _ = kind_of(path[len(prefix) + 1 :] if prefix else path)
    return kind is not None and kind.name in MONITORING


def _author(result: ChangeCheck) -> str:
    """The author as the rosters know them, or a note that the login is in none."""
    return result.author or _("not in any roster")


def check_text(result: ChangeCheck) -> str:
    """The check as text for a terminal: one line per problem, then the totals."""
    lines = [str(p) if p.file else str(p).removeprefix(": ") for p in result.problems]
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
    return "\n".join(printable(line) for line in lines) + "\n"


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
            login=cell(result.login),
            author=cell(_author(result)),
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
            lines.append(f"| ✅ | {verbs[c.status]} | `{cell(c.path)}` | {allowed} | |")
        for p in found:
            mark = "❌" if p.severity == "error" else "⚠️"
            lines.append(
                f"| {mark} | {verbs[c.status]} | `{cell(c.path)}` | {cell(p.what())} | "
                f"{cell(p.how())} |"
            )
    for p in result.problems:
        if p.file not in listed:
            mark = "❌" if p.severity == "error" else "⚠️"
            where = f"`{cell(p.file)}`" if p.file else "—"  # e.g. a commit's forged approval
            lines.append(f"| {mark} | | {where} | {cell(p.what())} | {cell(p.how())} |")
    return "\n".join(lines) + "\n"


def check_github(result: ChangeCheck) -> str:
    """Workflow annotations (`::error file=…::`), one per problem, in the run's language."""
    out = []
    for p in result.problems:
        level = "error" if p.severity == "error" else "warning"
        text = p.what() + (f" — {p.how()}" if p.hint else "")
        where = {"file": p.file, "line": p.line or 1} if p.file else {}
        out.append(annotation(level, text, **where))
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
            "today": result.today.isoformat(),
            "changes": [c.__dict__ for c in result.changes],
            "problems": [p.as_dict() for p in result.problems],
        },
        ensure_ascii=False,
        indent=2,
    )
