"""Who may change what: the pull-request change check, signed submissions and CODEOWNERS.

A pull request is checked against the rosters as they are on its BASE (so nobody can add
themselves to a roster and use the new role in the same change): each added, changed or
deleted file is mapped to the people allowed to touch it, and the PR author must be one of
them. Commits that touch monitoring records must be signed with a key registered for the
person the record names (phased in by `programme.reporting.require_signatures`).
Git is asked through `git` itself: `git diff`, `git archive`, `git log` with `%G?`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from . import models as m
from .errors import GitError, Problem
from .load import (
    Dataset,
    SourceFile,
    kind_of,
    load,
    parse_yaml,
    store,
    validation_problems,
)

MONITORING = ("reports", "assessments", "evaluations")
STRUCTURE = ("programme", "sections", "results", "measures")
REPORTERS = (m.ExecutorRole.IMPLEMENTER, m.ExecutorRole.MANAGER)
SSH_KEY_RE = re.compile(r"^(ssh-|ecdsa-|sk-)[A-Za-z0-9@.-]+ [A-Za-z0-9+/=]+( .*)?$")
GPG_FPR_RE = re.compile(r"^[0-9A-Fa-f ]{40,50}$")
CODEOWNERS_PATH = ".github/CODEOWNERS"


# ---------------------------------------------------------------- Git plumbing


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run `git` in `repo` and return its output; a failure is a GitError naming the command."""
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotePath=false", "-c", "log.showSignature=false", *args],
            cwd=repo,
            capture_output=True,
            check=False,
            env={**os.environ, **env} if env else None,
        )
    except OSError as exc:
        raise GitError(f"Git cannot be run: {exc}") from exc
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"git {' '.join(args[:2])} failed in {repo}: {err}")
    return done.stdout.decode("utf-8", "surrogateescape")


def repo_root(path: Path) -> Path:
    """The top folder of the Git repository holding `path`."""
    folder = path if path.is_dir() else path.parent
    return Path(git(folder, "rev-parse", "--show-toplevel").strip())


def data_prefix(repo: Path, data_dir: Path) -> str:
    """The data folder relative to the repository's top folder, e.g. 'data'."""
    rel = os.path.relpath(data_dir.resolve(), repo.resolve()).replace(os.sep, "/")
    if rel.startswith(".."):
        raise GitError(f"{data_dir} is not inside the repository {repo}")
    return "" if rel == "." else rel


def resolve(repo: Path, ref: str) -> str:
    """The full sha of a commit named by `ref` (branch, tag, sha)."""
    try:
        return git(repo, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}").strip()
    except GitError:
        raise GitError(f"'{ref}' is not a commit here — name a branch, tag or commit") from None


def merge_base(repo: Path, base: str, head: str) -> str:
    """Where `head` left `base`; a clear error when they share no history (a shallow clone)."""
    try:
        return git(repo, "merge-base", base, head).strip()
    except GitError:
        raise GitError(
            f"{base[:10]} and {head[:10]} share no history here — in a shallow clone fetch the "
            "full history (actions/checkout with fetch-depth: 0, or git fetch --unshallow)"
        ) from None


def commit_day(repo: Path, ref: str) -> dt.date:
    """The committer date of a commit (the check's 'today', so reruns give the same answer)."""
    return dt.datetime.fromisoformat(git(repo, "log", "-1", "--format=%cI", ref).strip()).date()


@dataclass(frozen=True)
class FileChange:
    """One file added ("A"), modified ("M") or deleted ("D") between two commits."""

    status: str
    path: str  # repo-relative POSIX path
    renamed: str | None = None  # a rename is a delete plus an add: the other side's path


def changed_files(repo: Path, base: str, head: str) -> list[FileChange]:
    """Files changed on `head` since it left `base` (the merge base), renames split in two."""
    out = git(repo, "diff", "--name-status", "-z", "-M", "--no-ext-diff", f"{base}...{head}")
    tokens = out.split("\0")
    found: list[FileChange] = []
    i = 0
    while i < len(tokens):
        status = tokens[i]
        if not status:
            i += 1
            continue
        if status[0] in ("R", "C"):
            old, new = tokens[i + 1], tokens[i + 2]
            i += 3
            if status[0] == "R":
                found.append(FileChange("D", old, new))
            found.append(FileChange("A", new, old if status[0] == "R" else None))
            continue
        path = tokens[i + 1]
        i += 2
        found.append(FileChange("M" if status[0] == "T" else status[0], path))
    return sorted(found, key=lambda c: (c.path, c.status))


def blobs_at(repo: Path, ref: str, subdir: str) -> dict[str, bytes]:
    """The files under `subdir` at commit `ref`, relative to `subdir`, read in memory.

    One `git archive` read in memory: writing 20,000 small files to disk and reading them back
    costs tens of seconds on slow disks, parsing them from memory about one.
    """
    args = ["archive", "--format=tar", ref]
    if subdir:
        args += ["--", subdir]
    try:
        raw = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=False)
    except OSError as exc:
        raise GitError(f"Git cannot be run: {exc}") from exc
    if raw.returncode != 0:
        err = raw.stderr.decode("utf-8", "replace").strip()
        if "did not match any files" in err:
            return {}
        raise GitError(f"git archive {ref} failed: {err}")
    files: dict[str, bytes] = {}
    cut = len(subdir) + 1 if subdir else 0
    with tarfile.open(fileobj=io.BytesIO(raw.stdout)) as tar:
        for member in tar:
            if member.isfile():
                handle = tar.extractfile(member)
                if handle is not None:
                    files[member.name[cut:]] = handle.read()
    return files


def load_blobs(files: dict[str, bytes], shown_root: str) -> tuple[Dataset, list[Problem]]:
    """A Dataset from file contents (data-relative path → bytes), as `load` builds from disk.

    Only records are read; files outside the layout are left to `dap validate`, and a file
    that cannot be read becomes a problem, never an exception.
    """
    data = Dataset(root=Path(shown_root))
    problems: list[Problem] = []
    for rel in sorted(files):
        kind, key = kind_of(rel)
        if kind is None:
            continue
        shown = f"{shown_root}/{rel}"
        source = SourceFile(shown)
        try:
            raw = parse_yaml(files[rel].decode("utf-8-sig"), source)
            record = kind.model.model_validate(raw)
        except ValidationError as exc:
            problems.extend(validation_problems(exc, raw, source))
            continue
        except Exception as exc:  # YAML or encoding: the data at that commit is broken
            problems.append(
                Problem(shown, 0, 0, "", f"cannot be read: {exc}", "run dap validate", "yaml")
            )
            continue
        data.sources[(kind.name, key)] = source
        store(data, kind, key, record)
    return data, problems


def load_at(repo: Path, ref: str, subdir: str) -> tuple[Dataset, list[Problem]]:
    """Load the data as it is at commit `ref`; files are shown as `subdir/…`."""
    return load_blobs(blobs_at(repo, ref, subdir), subdir or ".")


# ---------------------------------------------------------------- who may change what


@dataclass(frozen=True)
class Permit:
    """Who may touch one file and why: the rule in words and the people it allows."""

    rule: str
    people: tuple[m.Person, ...]
    refused: str = ""  # non-empty: nobody may make this change; the reason


def _active(person: m.Person, on: dt.date) -> bool:
    return (person.since is None or person.since <= on) and (
        person.until is None or person.until >= on
    )


def staff_with(data: Dataset, role: m.StaffRole, on: dt.date) -> tuple[m.Person, ...]:
    """NACP staff holding `role` with access on `on`."""
    return tuple(p for p in data.staff if role in p.roles and _active(p, on))


def people_of(
    data: Dataset, executor: str, roles: Iterable[m.ExecutorRole], on: dt.date
) -> tuple[m.Person, ...]:
    """An executor's people holding any of `roles` with access on `on`."""
    wanted = set(roles)
    ex = data.executors.get(executor)
    if ex is None:
        return ()
    return tuple(p for p in ex.people if wanted & set(p.roles) and _active(p, on))


def find_login(data: Dataset, login: str) -> tuple[str | None, m.Person] | None:
    """The person whose `github` login is `login` (any case), with their executor (None: NACP)."""
    wanted = login.lstrip("@").lower()
    for person in data.staff:
        if person.github and person.github.lower() == wanted:
            return None, person
    for ex in data.executors.values():
        for person in ex.people:
            if person.github and person.github.lower() == wanted:
                return ex.id, person
    return None


def _roster_change_is_implementers_only(
    before: m.Executor | None, after: m.Executor | None
) -> bool:
    """True when only впроваджувачі were added, changed or removed (the координатор's job, III.14)."""
    if before is None or after is None:
        return False
    if before.model_dump(exclude={"people"}) != after.model_dump(exclude={"people"}):
        return False
    old = {p.id: p for p in before.people}
    new = {p.id: p for p in after.people}
    changed = [
        p
        for pid in old.keys() | new.keys()
        for p in (old.get(pid), new.get(pid))
        if p is not None and old.get(pid) != new.get(pid)
    ]
    return all(set(p.roles) == {m.ExecutorRole.IMPLEMENTER} for p in changed)


def _assessed_by(base: Dataset, key: str, report: m.Report) -> tuple[str, m.Assessment] | None:
    """The assessment at BASE that covers report `key`: one listing it, or of its measure and
    period (for a correction file `MEASURE@N`, only one listing it)."""
    plain = "@" not in key.rsplit("/", 1)[-1]
    for akey, a in sorted(base.assessments.items()):
        if key in a.reports or (
            plain and a.measure == report.measure and a.period == report.period
        ):
            return akey, a
    return None


def next_correction(data: Dataset, key: str) -> str:
    """The file key of the next free correction of report `key`, e.g. '2024-Q1/1.1.1.4.2@2'."""
    base_key = key.split("@", 1)[0]
    n = 2
    while f"{base_key}@{n}" in data.reports:
        n += 1
    return f"{base_key}@{n}"


def permit(change: FileChange, prefix: str, base: Dataset, head: Dataset, on: dt.date) -> Permit:
    """The rule for one changed file: who may make this change (from the rosters at BASE)."""
    rel = change.path[len(prefix) + 1 :] if prefix else change.path
    inside = not prefix or change.path.startswith(prefix + "/")
    kind, key = kind_of(rel) if inside else (None, "")
    tech = staff_with(base, m.StaffRole.TECH_ADMIN, on)
    if change.path == CODEOWNERS_PATH and change.status != "D":
        return Permit(
            f"{CODEOWNERS_PATH} is generated by 'dap codeowners' and committed with the roster "
            "or structure change it follows (технічний адміністратор, адміністратор зовнішніх "
            "користувачів, редактор)",
            tech
            + staff_with(base, m.StaffRole.USERS_ADMIN, on)
            + staff_with(base, m.StaffRole.EDITOR, on),
        )
    if kind is None:
        where = "outside the data folder" if not inside else "not part of the data layout"
        return Permit(
            f"{change.path} is {where}: system files are changed by the технічний адміністратор",
            tech,
        )
    name = kind.name
    if change.status == "D" and name in MONITORING:
        what = {
            "reports": "a report",
            "assessments": "an assessment",
            "evaluations": "an evaluation",
        }
        how = {
            "reports": "restore it; a correction is a new report file "
            f"{prefix + '/' if prefix else ''}reports/{next_correction(head, key)}.yaml",
            "assessments": "restore it; an analyst amends an assessment by editing it",
            "evaluations": "restore it; an analyst amends an evaluation by editing it",
        }[name]
        moved = (
            f" (renamed to {change.renamed}: a rename deletes the old file)"
            if change.renamed
            else ""
        )
        return Permit(
            f"{what[name]} is a monitoring record and is never deleted{moved}",
            (),
            refused=how,
        )
    if name == "reports":
        record = head.reports.get(key) or base.reports.get(key)
        measure_id = record.measure if record else key.split("/", 1)[-1].split("@", 1)[0]
        measure = base.measures.get(measure_id) or head.measures.get(measure_id)
        if measure is None:
            return Permit(
                f"a report needs an existing measure; '{measure_id}' is not in the programme",
                (),
                refused="correct the measure id (see data/measures/)",
            )
        main = measure.main_executor.executor
        if change.status == "M" and key in base.reports:
            found = _assessed_by(base, key, base.reports[key])
            if found:
                akey, a = found
                return Permit(
                    f"the report was assessed by {a.analyst} on {a.date} "
                    f"({prefix + '/' if prefix else ''}assessments/{akey}.yaml); "
                    "nobody rewrites a report after an analyst assessed it",
                    (),
                    refused="undo the change and submit the correction as a new file "
                    f"{prefix + '/' if prefix else ''}reports/{next_correction(head, key)}.yaml",
                )
        return Permit(
            f"reports on measure {measure.id} are added and updated by the впроваджувачі and "
            f"уповноважені менеджери of its main executor {main}",
            people_of(base, main, REPORTERS, on),
        )
    if name in ("assessments", "evaluations"):
        records = "assessments" if name == "assessments" else "annual evaluations of ОСР"
        return Permit(
            f"{records} are written by NACP analysts (аналітик)",
            staff_with(base, m.StaffRole.ANALYST, on),
        )
    if name in STRUCTURE:
        return Permit(
            "the programme's structure (programme, sections, ОСР, measures) is changed by the "
            "редактор",
            staff_with(base, m.StaffRole.EDITOR, on),
        )
    if name == "executors":
        admins = staff_with(base, m.StaffRole.USERS_ADMIN, on)
        if change.status == "M" and _roster_change_is_implementers_only(
            base.executors.get(key), head.executors.get(key)
        ):
            coordinators = people_of(base, key, [m.ExecutorRole.COORDINATOR], on)
            return Permit(
                "executors' rosters are changed by the адміністратор зовнішніх користувачів; "
                f"впроваджувачі of {key} also by its координатор впровадження",
                admins + coordinators,
            )
        return Permit(
            "executors' rosters are changed by the адміністратор зовнішніх користувачів", admins
        )
    if name == "staff":
        return Permit(
            "NACP staff (data/staff.yaml) is changed by the технічний адміністратор", tech
        )
    if name == "feedback":
        return Permit(
            "stakeholder feedback and its answers are entered by the редактор or an аналітик",
            staff_with(base, m.StaffRole.EDITOR, on) + staff_with(base, m.StaffRole.ANALYST, on),
        )
    return Permit(
        "site notices are written by the редактор or the технічний адміністратор",
        staff_with(base, m.StaffRole.EDITOR, on) + tech,
    )


def who(people: Iterable[m.Person]) -> str:
    """'Name (@login), …' of the people allowed, or a note that nobody is registered."""
    names = [f"{p.name} ({'@' + p.github if p.github else p.id})" for p in people]
    return ", ".join(names) if names else "nobody is registered with this role — ask NACP"


def check_change(
    changes: list[FileChange],
    login: str,
    prefix: str,
    base: Dataset,
    head: Dataset,
    on: dt.date,
) -> list[Problem]:
    """Every change the author may not make, as problems naming the file, the rule and who may."""
    problems: list[Problem] = []
    author = find_login(base, login)
    for change in changes:
        rule = permit(change, prefix, base, head, on)
        verb = {"A": "adds", "M": "changes", "D": "deletes"}[change.status]
        if rule.refused:
            problems.append(
                Problem(
                    change.path,
                    0,
                    0,
                    "",
                    f"{login} {verb} this file: {rule.rule}",
                    rule.refused,
                    "refused",
                )
            )
            continue
        if author is None:
            problems.append(
                Problem(
                    change.path,
                    0,
                    0,
                    "",
                    f"GitHub login '{login}' is in no roster, so it may not change this file "
                    f"({rule.rule})",
                    f"may be done by: {who(rule.people)}; or register the login in a roster",
                    "unknown-author",
                )
            )
            continue
        _, person = author
        if not _active(person, on):
            problems.append(
                Problem(
                    change.path,
                    0,
                    0,
                    "",
                    f"{person.id} (@{login}) had no access on {on}",
                    f"may be done by: {who(rule.people)}",
                    "no-access",
                )
            )
            continue
        if person.id not in {p.id for p in rule.people}:
            problems.append(
                Problem(
                    change.path,
                    0,
                    0,
                    "",
                    f"{person.id} (@{login}) may not do this: {rule.rule}",
                    f"may be done by: {who(rule.people)}",
                    "not-allowed",
                )
            )
    return problems


# ---------------------------------------------------------------- signed submissions


@dataclass(frozen=True)
class Signature:
    """A commit and what Git says of its signature (`%G?`, `%GS`, `%GF`, `%GP`)."""

    commit: str
    status: str  # G good, U good but key not registered, B bad, N none, E cannot check, X/Y/R
    signer: str  # SSH: the principal (a person id) from the allowed-signers file
    fingerprint: str
    primary: str
    subject: str
    paths: tuple[str, ...]


def ssh_keys(person: m.Person) -> list[str]:
    """The SSH public keys registered for a person."""
    return [k.strip() for k in person.signing_keys if SSH_KEY_RE.match(k.strip())]


def gpg_fingerprints(person: m.Person) -> list[str]:
    """The GPG key fingerprints registered for a person (spaces removed, upper case)."""
    return [
        k.replace(" ", "").upper()
        for k in person.signing_keys
        if GPG_FPR_RE.match(k.strip()) and len(k.replace(" ", "")) == 40
    ]


def all_people(data: Dataset) -> list[m.Person]:
    """Everyone in the rosters: NACP staff, then each executor's people."""
    return [*data.staff, *(p for ex in data.executors.values() for p in ex.people)]


def allowed_signers(data: Dataset) -> str:
    """Git's `gpg.ssh.allowedSignersFile` for the rosters: the principal is the person id."""
    lines = [f'{p.id} namespaces="git" {key}' for p in all_people(data) for key in ssh_keys(p)]
    return "".join(line + "\n" for line in lines)


def commit_signatures(repo: Path, base: str, head: str, data: Dataset) -> list[Signature]:
    """Each non-merge commit on `head` since `base` with its signature and the paths it touches."""
    with tempfile.TemporaryDirectory(prefix="dap-sig-") as tmp:
        signers = Path(tmp) / "allowed_signers"
        signers.write_text(allowed_signers(data), encoding="utf-8")
        out = git(
            repo,
            "-c",
            f"gpg.ssh.allowedSignersFile={signers}",
            "log",
            "--no-merges",
            "--no-renames",
            "--name-only",
            "-z",
            "--format=%x01%H%x1f%G?%x1f%GS%x1f%GF%x1f%GP%x1f%s",
            f"{base}..{head}",
        )
    found: list[Signature] = []
    for chunk in out.split("\x01")[1:]:
        header, _, rest = chunk.partition("\0")
        sha, status, signer, fpr, primary, subject = (header.split("\x1f") + [""] * 6)[:6]
        paths = tuple(p.strip("\n") for p in rest.split("\0") if p.strip("\n"))
        found.append(Signature(sha, status, signer, fpr.upper(), primary.upper(), subject, paths))
    return found


def _named_by(kind: str, key: str, data: Dataset) -> tuple[str, ...]:
    """The people a monitoring record names as its makers (whose signature is expected)."""
    if kind == "reports" and key in data.reports:
        r = data.reports[key]
        return (r.prepared_by, r.approved_by)
    if kind == "assessments" and key in data.assessments:
        return (data.assessments[key].analyst,)
    if kind == "evaluations" and key in data.evaluations:
        return (data.evaluations[key].analyst,)
    return ()


def check_signatures(
    signatures: list[Signature], prefix: str, base: Dataset, head: Dataset, mode: str
) -> list[Problem]:
    """Commits touching monitoring records that are unsigned, or signed by someone the record
    does not name; errors when `mode` is 'enforce', warnings when 'warn', nothing when 'off'."""
    if mode == "off":
        return []
    severity = "error" if mode == "enforce" else "warning"
    by_fpr = {fpr: p for p in all_people(base) for fpr in gpg_fingerprints(p)}
    ids = {p.id: p for p in all_people(base)}
    problems: list[Problem] = []
    for sig in signatures:
        signer: m.Person | None = None
        if sig.status == "G" and sig.signer in ids:  # SSH: the principal is the person id
            signer = ids[sig.signer]
        elif sig.status in ("G", "U"):  # GPG: a good signature by a registered fingerprint
            signer = by_fpr.get(sig.fingerprint) or by_fpr.get(sig.primary)
        short = sig.commit[:10]
        for path in sig.paths:
            rel = path[len(prefix) + 1 :] if prefix else path
            if prefix and not path.startswith(prefix + "/"):
                continue
            kind, key = kind_of(rel)
            if kind is None or kind.name not in MONITORING:
                continue
            named = _named_by(kind.name, key, head)
            if not named:  # deleted in the end: the deletion itself is refused elsewhere
                continue
            names = " or ".join(named)
            if sig.status == "N":
                message = f"commit {short} («{sig.subject}») is not signed"
            elif sig.status == "B":
                message = f"commit {short} has a bad signature"
            elif sig.status == "E":
                message = (
                    f"commit {short}'s signature cannot be checked: its public key "
                    f"({sig.fingerprint or 'unknown'}) is not available here"
                )
            elif sig.status in ("X", "Y", "R"):
                what = {
                    "X": "has expired",
                    "Y": "was made by an expired key",
                    "R": "uses a revoked key",
                }
                message = f"commit {short}'s signature {what[sig.status]}"
            elif signer is None:
                message = (
                    f"commit {short} is signed with a key registered for nobody "
                    f"({sig.fingerprint or 'unknown key'})"
                )
            elif signer.id not in named:
                message = f"commit {short} is signed by {signer.id}, but the record names {names}"
            else:
                continue
            problems.append(
                Problem(
                    path,
                    0,
                    0,
                    "",
                    message + " (II.3: submissions are signed with a personal key)",
                    f"sign it with the key registered for {names} in the rosters "
                    "(git commit --amend -S, see docs/guides/), or register the key in "
                    "signing_keys",
                    "signature",
                    severity,
                )
            )
    return problems


def signature_mode(data: Dataset) -> str:
    """The repository's setting for signed submissions: 'off', 'warn' or 'enforce'."""
    if data.programme is None:
        return "warn"
    return data.programme.reporting.require_signatures


# ---------------------------------------------------------------- the whole check


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


# ---------------------------------------------------------------- CODEOWNERS


def _owners(people: Iterable[m.Person]) -> list[str]:
    return sorted({f"@{p.github}" for p in people if p.github})


def codeowners(data: Dataset, prefix: str, on: dt.date | None = None) -> str:
    """CODEOWNERS from the rosters: the hosting's review rules say what `check-change` says.

    The last matching line wins, so general lines come first. Only people with a GitHub login
    and access (no `until` before `on`) are owners; a path whose role nobody holds falls back
    to the technical administrators.
    """
    on = on or dt.date.max
    d = f"/{prefix}/" if prefix else "/"
    tech = _owners(staff_with(data, m.StaffRole.TECH_ADMIN, on))
    lines = [
        "# Generated by `dap codeowners` from the rosters in data/ — do not edit by hand.",
        "# Who reviews what (docs/workflow.md). Regenerate after changing a roster.",
        "",
    ]

    def line(pattern: str, people: Iterable[m.Person], note: str = "") -> None:
        owners = _owners(people) or tech
        if note:
            lines.append(f"# {note}")
        lines.append(f"{pattern} {' '.join(owners)}".rstrip())

    line("*", staff_with(data, m.StaffRole.TECH_ADMIN, on), "system files: технічний адміністратор")
    editors = staff_with(data, m.StaffRole.EDITOR, on)
    analysts = staff_with(data, m.StaffRole.ANALYST, on)
    lines.append("")
    line(f"{d}programme.yaml", editors, "programme structure: редактор")
    for folder in ("sections", "results", "measures"):
        line(f"{d}{folder}/", editors)
    lines.append("")
    line(f"{d}staff.yaml", staff_with(data, m.StaffRole.TECH_ADMIN, on), "NACP staff")
    line(
        f"{d}executors/",
        staff_with(data, m.StaffRole.USERS_ADMIN, on),
        "executors' rosters: адміністратор зовнішніх користувачів",
    )
    lines.append("")
    line(f"{d}assessments/", analysts, "assessments and evaluations: аналітики")
    line(f"{d}evaluations/", analysts)
    line(f"{d}feedback/", editors + analysts, "feedback: редактор, аналітики")
    line(f"{d}notices/", editors + staff_with(data, m.StaffRole.TECH_ADMIN, on), "site notices")
    line(f"{d}reports/", analysts, "reports: reviewed by the main executor's managers")
    from .compute import id_sort_key

    for mid in sorted(data.measures, key=id_sort_key):
        ex = data.measures[mid].main_executor.executor
        managers = people_of(data, ex, [m.ExecutorRole.MANAGER], on)
        owners = _owners(managers) or _owners(analysts) or tech
        for pattern in (f"{d}reports/*/{mid}.yaml", f"{d}reports/*/{mid}@*.yaml"):
            lines.append(f"{pattern} {' '.join(owners)}")
    return "\n".join(lines) + "\n"


def codeowners_for(repo: Path, data_dir: Path) -> tuple[Path, str, list[Problem]]:
    """The CODEOWNERS path and its generated text for the data in the working tree."""
    root = repo_root(repo)
    prefix = data_prefix(root, data_dir if data_dir.is_absolute() else repo / data_dir)
    data, problems = load(data_dir, prefix or ".")
    return root / CODEOWNERS_PATH, codeowners(data, prefix), problems


# ---------------------------------------------------------------- the audit trail

STEP_NAMES = {
    "prepared": "підготовлено",
    "approved": "погоджено",
    "submitted-recorded": "подано (дата, записана у файлі)",
    "submitted": "подано (злиття в основну гілку)",
    "amended": "змінено",
    "assessed": "оцінено аналітиком",
    "assessment-merged": "висновок внесено до основної гілки",
    "assessment-amended": "висновок змінено",
    "measure-amended": "захід змінено",
}


@dataclass(frozen=True)
class Step:
    """One step in the life of a report or assessment: what, who, when, from where."""

    record: str  # e.g. "reports/2024-Q1/1.1.1.4.2"
    step: str  # a key of STEP_NAMES
    person: str  # person id (from the file) or the Git author's name
    name: str  # the person's name as the rosters give it
    date: dt.date | None
    commit: str = ""  # the commit on the main branch, when the step is read from Git
    email: str = ""  # PRIVATE: the Git author's e-mail; internal build only
    source: str = "file"  # "file" (the record says so) | "git" (the main branch's history)


def audit_trail(data: Dataset, history, measure_id: str) -> list[Step]:
    """Every step of each report and assessment of a measure, from the files and one Git history."""
    return audit_trails(data, history, [measure_id])[measure_id]


def audit_trails(
    data: Dataset, history, measures: Iterable[str] | None = None
) -> dict[str, list[Step]]:
    """The audit trail of each measure (all by default): the records are grouped once."""
    from .validate import people_index

    wanted = list(data.measures) if measures is None else list(measures)
    people = people_index(data)
    reports: dict[str, list[str]] = {mid: [] for mid in wanted}
    for key, rep in data.reports.items():
        if rep.measure in reports:
            reports[rep.measure].append(key)
    assessments: dict[str, list[str]] = {mid: [] for mid in wanted}
    for key, a in data.assessments.items():
        if a.measure in assessments:
            assessments[a.measure].append(key)

    def name(pid: str) -> str:
        return people[pid][1].name if pid in people else pid

    def path(kind: str, key: str) -> str:
        source = data.sources.get((kind, key))
        return source.path if source else f"{data.root}/{kind}/{key}.yaml"

    def git_steps(kind: str, key: str, first: str, later: str) -> list[Step]:
        if history is None or not history.available:
            return []
        changes = history.of(path(kind, key))
        added = history.first_added(path(kind, key))
        steps = []
        for ch in changes:
            if added is not None and ch.commit == added.commit:
                step = first
            elif added is not None and ch.date > added.date and ch.status in ("M", "R", "T"):
                step = later
            else:
                continue
            steps.append(
                Step(
                    f"{kind}/{key}", step, ch.author, ch.author, ch.day, ch.commit, ch.email, "git"
                )
            )
        return steps

    trails: dict[str, list[Step]] = {}
    for measure_id in wanted:
        steps: list[Step] = []
        measure = data.measures.get(measure_id)
        if measure is not None:
            for am in measure.amendments:
                steps.append(
                    Step(f"measures/{measure_id}", "measure-amended", am.act, am.act, am.date)
                )
        for key in sorted(reports[measure_id], key=lambda k: (data.reports[k].period, k)):
            rep = data.reports[key]
            record = f"reports/{key}"
            steps.append(Step(record, "prepared", rep.prepared_by, name(rep.prepared_by), None))
            steps.append(
                Step(record, "approved", rep.approved_by, name(rep.approved_by), rep.approved_on)
            )
            if rep.submitted:
                steps.append(
                    Step(record, "submitted-recorded", rep.executor, rep.executor, rep.submitted)
                )
            steps.extend(git_steps("reports", key, "submitted", "amended"))
        for key in sorted(assessments[measure_id], key=lambda k: (data.assessments[k].date, k)):
            a = data.assessments[key]
            record = f"assessments/{key}"
            steps.append(Step(record, "assessed", a.analyst, name(a.analyst), a.date))
            steps.extend(git_steps("assessments", key, "assessment-merged", "assessment-amended"))
        trails[measure_id] = steps
    return trails


def audit_text(steps: list[Step], measure_id: str, private: bool = True) -> str:
    """The audit trail as text; `private` adds the Git authors' e-mails (internal use)."""
    if not steps:
        return f"{measure_id}: no reports or assessments yet\n"
    lines = [f"Захід {measure_id}: кроки звітування та моніторингу"]
    record = ""
    for s in steps:
        if s.record != record:
            record = s.record
            lines.append(f"\n{record}")
        when = f"{s.date:%d.%m.%Y}" if s.date else "дата не вказана"
        who_ = s.name if s.name == s.person else f"{s.name} ({s.person})"
        extra = f"  коміт {s.commit[:10]}" if s.commit else ""
        if private and s.email:
            extra += f"  <{s.email}>"
        lines.append(f"  {when:<16} {STEP_NAMES[s.step]:<36} {who_}{extra}")
    return "\n".join(lines) + "\n"
