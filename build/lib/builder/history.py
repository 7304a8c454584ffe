"""When each data file reached the main branch: one `git log` pass over the repository.

A report's submission date is the date its file was first added on the main branch's
first-parent line (for a merged pull request: the merge commit's committer date). The whole
history is read with a single `git log --first-parent -m -M --name-status -z` call and parsed
here; asking Git about each file separately costs ~20 ms a file, far too slow at 50,000 files.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .errors import GitError

try:  # the calendar day of a commit is the day in Kyiv, where reports are submitted
    from zoneinfo import ZoneInfo

    KYIV: dt.tzinfo | None = ZoneInfo("Europe/Kyiv")
except Exception:  # pragma: no cover - no time-zone database: keep each commit's own offset
    KYIV = None

# \x01 starts a commit's header; the fields are separated by NUL like the paths (-z).
LOG_FORMAT = "%x01%H%x00%cI%x00%an%x00%ae%x00"


@dataclass(frozen=True)
class Change:
    """One commit touching one file, as seen on the main branch."""

    commit: str  # full sha
    date: dt.datetime  # committer date, timezone-aware (the merge commit's for a merged branch)
    author: str  # author name
    email: str  # author e-mail (PRIVATE: never on public pages or datasets)
    status: str  # "A" added, "M" modified, "D" deleted, "R" renamed (also "T" type changed)
    path: str  # repo-relative POSIX path
    old_path: str | None = None  # for renames

    @property
    def day(self) -> dt.date:
        """The calendar day of the change in Kyiv time (the submission date of a report)."""
        return submission_day(self.date)


@dataclass
class History:
    """Every change of every file on the main branch, by path; `available` False without Git."""

    available: bool
    changes: dict[str, list[Change]] = field(default_factory=dict)
    reason: str = ""  # why history is unavailable, in Ukrainian: shown to people in notes
    root: str = ""  # absolute path of the repository's top folder ("" if unknown)
    cwd_prefix: str = ""  # the working folder at reading time, relative to the top folder

    def first_added(self, path: str) -> Change | None:
        """The change that added the file as it exists now (after its last deletion), or None."""
        found: Change | None = None
        for change in self.of(path):
            if change.status == "D":
                found = None
            elif found is None and change.status in ("A", "R", "M", "T"):
                found = change
        return found

    def last_changed(self, path: str) -> Change | None:
        """The latest change of the file (a deletion included), or None."""
        found = self.of(path)
        return found[-1] if found else None

    def of(self, path: str) -> list[Change]:
        """Changes of a file given relative to the repository's top folder, else as `locate` finds it."""
        found = self.changes.get(path)
        if found is None:
            found = self.changes.get(self.locate(path), [])
        return found

    def locate(self, path: str) -> str:
        """A path as shown to people (absolute, or relative to the working folder when the
        history was read) made relative to the repository's top folder, POSIX."""
        path = path.replace(os.sep, "/") if os.sep != "/" else path
        if not posixpath.isabs(path):
            if not self.root:
                return posixpath.normpath(posixpath.join(self.cwd_prefix, path))
            path = posixpath.join(self.root, self.cwd_prefix, path)
        path = posixpath.normpath(path)
        root = self.root.rstrip("/")
        if root and (path == root or path.startswith(root + "/")):
            return posixpath.relpath(path, root)
        return path


def submission_day(moment: dt.datetime) -> dt.date:
    """The calendar day of a moment in Kyiv time (or in its own offset without a tz database)."""
    if KYIV is not None and moment.tzinfo is not None:
        return moment.astimezone(KYIV).date()
    return moment.date()


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", "-c", "log.showSignature=false", "-c", "core.quotePath=false", *args],
        cwd=root,
        capture_output=True,
        check=False,
    )


def parse_log(output: str) -> dict[str, list[Change]]:
    """Changes by path from `git log -z --name-status --format=LOG_FORMAT` output, oldest first.

    The output must be in chronological order (`--reverse`). A renamed file keeps the changes
    made under its old name, so a moved report keeps its first submission date.
    """
    changes: dict[str, list[Change]] = {}
    tokens = output.split("\0")
    i, n = 0, len(tokens)
    commit = date = author = email = None
    when: dt.datetime | None = None
    while i < n:
        token = tokens[i].lstrip("\n")
        if not token:
            i += 1
            continue
        if token.startswith("\x01"):
            commit, date, author, email = token[1:], tokens[i + 1], tokens[i + 2], tokens[i + 3]
            when = dt.datetime.fromisoformat(date)
            i += 4
            continue
        if commit is None or when is None or author is None or email is None:
            raise ValueError(f"unexpected git log output near {token!r}")
        status = token[0]
        if status in ("R", "C"):
            old, new = tokens[i + 1], tokens[i + 2]
            i += 3
            change = Change(commit, when, author, email, status, new, old)
            if status == "R":
                changes[new] = changes.pop(old, []) + [change]
            else:
                changes.setdefault(new, []).append(change)
            continue
        path = tokens[i + 1]
        i += 2
        changes.setdefault(path, []).append(Change(commit, when, author, email, status, path))
    return changes


def read_history(repo_root: Path, ref: str = "HEAD") -> History:
    """Read the first-parent history of `ref` in one `git log` pass; unavailable without Git."""
    try:
        top = _git(repo_root, "rev-parse", "--show-toplevel")
    except (OSError, ValueError) as exc:
        return History(False, reason=f"не вдалося запустити Git: {exc}")
    if top.returncode != 0:
        return History(False, reason="дані не в репозиторії Git")
    root = top.stdout.decode("utf-8", "surrogateescape").strip()
    shallow = _git(repo_root, "rev-parse", "--is-shallow-repository")
    if shallow.stdout.strip() == b"true":
        return History(
            False,
            reason="неповна копія репозиторію (shallow clone): дати комітів невідомі",
            root=root,
        )
    cwd = os.getcwd()
    try:
        rel = os.path.relpath(cwd, root).replace(os.sep, "/")
    except ValueError:  # pragma: no cover - another drive on Windows
        rel = "."
    prefix = "" if rel == "." else rel
    head = _git(repo_root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}")
    if head.returncode != 0:
        if ref == "HEAD":  # a repository without commits yet: nothing reached the branch
            return History(True, {}, root=root, cwd_prefix=prefix)
        raise GitError(f"'{ref}' is not a commit in {root} — name a branch, tag or commit")
    log = _git(
        repo_root,
        "log",
        "--first-parent",
        "-m",
        "-M",
        "--name-status",
        "-z",
        "--reverse",
        f"--format={LOG_FORMAT}",
        head.stdout.decode().strip(),
        "--",
    )
    if log.returncode != 0:
        raise GitError(f"git log failed in {root}: {log.stderr.decode('utf-8', 'replace').strip()}")
    changes = parse_log(log.stdout.decode("utf-8", "surrogateescape"))
    return History(True, changes, root=root, cwd_prefix=prefix)
