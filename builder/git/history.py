"""History: when each file reached the main branch (its first-parent line), the approval
trailers its merges recorded, and who first added each file (`read_authors`)."""

from __future__ import annotations

import datetime as dt
import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import GitError
from ..i18n import _
from .repo import checked, git, run_git

# ---------------------------------------------------------------- when each file reached main
#
# A report's submission date is the date its file was first added on the main branch's
# first-parent line (for a merged pull request: the merge commit's committer date). The whole
# history is read with a single `git log --first-parent -m -M --name-status -z` call and parsed
# here; asking Git about each file separately costs ~20 ms a file, far too slow at 50,000 files.

try:  # the calendar day of a commit is the day in Kyiv, where reports are submitted
    from zoneinfo import ZoneInfo

    KYIV: dt.tzinfo | None = ZoneInfo("Europe/Kyiv")
except Exception:  # pragma: no cover - no time-zone database: keep each commit's own offset
    KYIV = None

# \x01 starts a commit's header; the fields are separated by NUL like the paths (-z). After the
# author come the parents and the approval trailers, parsed by Git itself (`%(trailers:…)`, the
# rules of `git interpret-trailers --parse`), several values of one key separated by \x1f.
TRAILERS = ("Approved-by", "Approved-at", "Pull-request")
LOG_FORMAT = "%x01%H%x00%cI%x00%an%x00%ae%x00%P%x00" + "".join(
    f"%(trailers:key={key},valueonly,separator=%x1f)%x00" for key in TRAILERS
)
HEADER_FIELDS = 5 + len(TRAILERS)


@dataclass(frozen=True)
class Recorded:
    """What a commit on the main branch's first-parent line records about an approval: its
    trailers as Git parses them (unchecked: `workflow.approval` decides whether to trust them)."""

    commit: str
    date: dt.datetime  # the commit's committer date: when the merge reached the branch
    merge: bool  # a merge commit (two parents or more): only a merge records an approval
    approved_by: tuple[str, ...] = ()
    approved_at: tuple[str, ...] = ()
    pull_request: tuple[str, ...] = ()


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
    reason: str = ""  # why history is unavailable: "git-failed", "no-repository", "shallow"
    error: str = ""  # the system's own words for it, where there are any
    root: str = ""  # absolute path of the repository's top folder ("" if unknown)
    cwd_prefix: str = ""  # the working folder at reading time, relative to the top folder
    # the commits that carry approval trailers or are merges, by sha (first-parent line only)
    commits: dict[str, Recorded] = field(default_factory=dict)
    ref: str = ""  # the sha the history was read from
    # the first commit that added each file on any line of the history (its preparation),
    # read by `read_authors` on demand: None until then
    authors: dict[str, Change] | None = None

    def recorded(self, change: Change) -> Recorded | None:
        """What the commit of a change on the main branch records (merge, trailers), or None
        for a plain commit without trailers."""
        return self.commits.get(change.commit)

    def authored(self, path: str) -> Change | None:
        """The first commit that added the file anywhere in the history (a branch's commit
        before its merge), or None (not read, or added under another name)."""
        if self.authors is None:
            return None
        found = self.authors.get(path)
        return found if found is not None else self.authors.get(self.locate(path))

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


def parse_log(
    output: str,
    commits: dict[str, Recorded] | None = None,
    changes: dict[str, list[Change]] | None = None,
) -> dict[str, list[Change]]:
    """Changes by path from `git log -z --name-status --format=LOG_FORMAT` output, oldest first;
    the merges and the commits with approval trailers go into `commits` when given. With
    `changes` (the history before the log's first commit), they are added to it.

    The output must be in chronological order (`--reverse`). A renamed file keeps the changes
    made under its old name, so a moved report keeps its first submission date.
    """
    changes = {} if changes is None else changes
    tokens = output.split("\0")
    i, n = 0, len(tokens)
    commit = date = author = email = None
    when: dt.datetime | None = None
    fields: dict[str, object] = {}  # the fields a commit's changes share
    while i < n:
        token = tokens[i].lstrip("\n")
        if not token:
            i += 1
            continue
        if token.startswith("\x01"):
            commit, date, author, email = token[1:], tokens[i + 1], tokens[i + 2], tokens[i + 3]
            when = dt.datetime.fromisoformat(date)
            if commits is not None:
                _record(commits, commit, when, tokens[i + 4 : i + HEADER_FIELDS])
            i += HEADER_FIELDS
            fields = {"commit": commit, "date": when, "author": author, "email": email}
            continue
        if commit is None or when is None or author is None or email is None:
            raise ValueError(_("unexpected git log output near {token}", token=repr(token)))
        status = token[0]
        if status in ("R", "C"):
            old, new = tokens[i + 1], tokens[i + 2]
            i += 3
            change = _change(fields, status, new, old)
            if status == "R":
                changes[new] = changes.pop(old, []) + [change]
            else:
                changes.setdefault(new, []).append(change)
            continue
        path = tokens[i + 1]
        i += 2
        change = _change(fields, status, path, None)
        found = changes.get(path)
        if found is None:
            changes[path] = [change]
        else:
            found.append(change)
    return changes


def _change(
    shared: dict[str, object],
    status: str,
    path: str,
    old_path: str | None,
    _new: Callable[[type], Any] = object.__new__,
    _set: Callable[[object, str, object], None] = object.__setattr__,
) -> Change:
    """`Change(commit, date, author, email, status, path, old_path)` with the commit's fields
    in `shared`: the same fields, set at once rather than one `object.__setattr__` each as a
    frozen dataclass's __init__ does — half the cost, for each of the ~36,000 changes of a
    national-scale history (tests/test_history.py compares them with Change's own)."""
    change = _new(Change)
    _set(change, "__dict__", {**shared, "status": status, "path": path, "old_path": old_path})
    return change


def _record(
    commits: dict[str, Recorded], commit: str, when: dt.datetime, fields: list[str]
) -> None:
    """Keep a commit's parents and approval trailers when it is a merge or carries any."""
    parents, *values = fields
    merge = len(parents.split()) > 1
    found = [tuple(v.strip() for v in value.split("\x1f") if v.strip()) for value in values]
    if merge or any(found):
        commits[commit] = Recorded(commit, when, merge, *found)


def trailers_of(repo: Path, commits: str) -> dict[str, Recorded]:
    """The commits in a revision range (e.g. 'BASE..HEAD') that carry approval trailers."""
    fields = "%H%x00%cI%x00%P%x00" + "".join(
        f"%(trailers:key={key},valueonly,separator=%x1f)%x00" for key in TRAILERS
    )
    out = git(repo, "log", "-z", f"--format=%x01{fields}", commits, "--")
    found: dict[str, Recorded] = {}
    for entry in out.split("\x01"):
        tokens = entry.split("\x00")
        if len(tokens) < 3 + len(TRAILERS):
            continue
        commit, date, *rest = tokens
        _record(found, commit, dt.datetime.fromisoformat(date), rest[: 1 + len(TRAILERS)])
    return {sha: r for sha, r in found.items() if r.approved_by or r.approved_at}


def read_history(repo_root: Path, ref: str = "HEAD") -> History:
    """Read the first-parent history of `ref` in one `git log` pass; unavailable without Git."""
    try:
        top = run_git(repo_root, "rev-parse", "--show-toplevel")
    except (OSError, ValueError) as exc:
        return History(False, reason="git-failed", error=str(exc))
    if top.returncode != 0:
        return History(False, reason="no-repository")
    root = top.stdout.decode("utf-8", "surrogateescape").strip()
    shallow = run_git(repo_root, "rev-parse", "--is-shallow-repository")
    if shallow.stdout.strip() == b"true":
        return History(
            False,
            reason="shallow",
            root=root,
        )
    prefix = cwd_prefix(root)
    head = run_git(repo_root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}")
    sha = head.stdout.decode().strip()
    if head.returncode != 0:
        if ref == "HEAD":  # a repository without commits yet: nothing reached the branch
            return History(True, {}, root=root, cwd_prefix=prefix)
        raise GitError(
            _(
                "'{ref}' is not a commit in {repo} — name a branch, tag or commit",
                ref=ref,
                repo=root,
            )
        )
    commits: dict[str, Recorded] = {}
    changes = parse_log(_first_parent_log(root, sha), commits)
    return History(True, changes, root=root, cwd_prefix=prefix, commits=commits, ref=sha)


def cwd_prefix(root: str) -> str:
    """The working folder relative to the repository's top folder ('' at the top): the
    paths people give are read from it (`History.locate`)."""
    try:
        rel = os.path.relpath(os.getcwd(), root).replace(os.sep, "/")
    except ValueError:  # pragma: no cover - another drive on Windows
        rel = "."
    return "" if rel == "." else rel


def _first_parent_log(root: str, revisions: str) -> str:
    """`git log` of the first-parent line of `revisions` (a commit, or 'OLD..NEW'), oldest
    first, in the shape `parse_log` reads."""
    return _log(root, revisions, LOG_FORMAT, "--first-parent", "-m", "-M", "--name-status")


def _log(root: str, revisions: str, form: str, *options: str) -> str:
    """`git log OPTIONS -z --reverse --format=FORM REVISIONS --` in the repository `root`:
    its output, oldest commit first; a failure is a GitError."""
    return checked(
        Path(root),
        ["log", *options, "-z", "--reverse", f"--format={form}", revisions, "--"],
        lambda error: _("git log failed in {repo}: {error}", repo=root, error=error),
    )


AUTHOR_FORMAT = "%x01%H%x00%aI%x00%an%x00%ae%x00"


def read_authors(history: History) -> History:
    """Fill `history.authors`: the first commit adding each file on any line of the history
    (a report's preparation on its branch, before the merge), in one more `git log` pass over
    the non-merge commits. Nothing is read when the history is unavailable."""
    if not history.available or history.authors is not None or not history.ref:
        return history
    authors: dict[str, Change] = {}
    changes = history.changes
    for path, change in _added(history.root, history.ref):
        if path not in authors:
            # a file added on the main line by a plain commit (as an import adds the whole
            # programme): its author is its first change, held once, as a kept history
            # restores it (compute_kept._restored; issue 22: ~25 MB at 4,000 measures)
            first = changes.get(path)
            if first and first[0].__dict__ == change.__dict__:
                change = first[0]
            authors[path] = change
    history.authors = authors
    return history


def _added(root: str, revisions: str) -> list[tuple[str, Change]]:
    """Each file added by a non-merge commit of `revisions` (a commit and all it reaches, or
    'OLD..NEW'), with the commit's change, oldest commit first (`git log --reverse`)."""
    log = _log(
        root,
        revisions,
        AUTHOR_FORMAT,
        "--no-merges",
        "--diff-filter=A",
        "--no-renames",
        "--name-only",
    )
    found: list[tuple[str, Change]] = []
    shared: dict[str, object] = {}
    tokens = log.split("\0")
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip("\n")
        if token.startswith("\x01"):
            when = dt.datetime.fromisoformat(tokens[i + 1])
            shared = {"commit": token[1:], "date": when, "author": tokens[i + 2]}
            shared["email"] = tokens[i + 3]
            i += 4
            continue
        if token and shared:
            found.append((token, _change(shared, "A", token, None)))
        i += 1
    return found


def history_head(repo: Path) -> tuple[str, str] | None:
    """The repository's top folder and HEAD's commit, in one `git rev-parse`; None when the
    history cannot be read from them (no Git, no repository, a shallow clone, no commit yet):
    then `read_history` says why."""
    try:
        done = run_git(repo, "rev-parse", "--show-toplevel", "--is-shallow-repository", "HEAD")
    except OSError:
        return None
    lines = done.stdout.decode("utf-8", "surrogateescape").splitlines()
    if done.returncode != 0 or len(lines) != 3 or lines[1] != "false":
        return None
    return lines[0], lines[2]


def extend_history(history: History, head: str) -> History | None:
    """The history at `head` (what `read_authors(read_history(…, head))` reads) made from
    `history`, read with its authors at an earlier commit, by reading only the commits after
    it: `history` is changed and returned. None (nothing changed) when `history.ref` is not on
    `head`'s first-parent line, or when a file added by the new commits was added before or
    by more than one of them: which of those `git log` lists first is then read in full."""
    if not history.available or history.authors is None or not history.ref:
        return None
    root = Path(history.root)
    if first_parent_since(root, history.ref, head) is None:
        return None
    revisions = f"{history.ref}..{head}"
    added = _added(history.root, revisions)
    paths = [path for path, _ in added]
    if len(set(paths)) != len(paths) or any(path in history.authors for path in paths):
        return None
    parse_log(_first_parent_log(history.root, revisions), history.commits, history.changes)
    history.authors.update(added)
    history.ref = head
    return history


def first_parent_since(repo: Path, base: str, head: str) -> frozenset[str] | None:
    """The commits of `head`'s first-parent line after `base` (empty when they are the same
    commit), or None when `base` is not on that line: then the history read at `head`
    (`read_history`, first-parent) is the one read at `base` plus these commits' changes."""
    if base == head:
        return frozenset()
    done = run_git(repo, "rev-list", "--first-parent", "--parents", f"{base}..{head}")
    rows = [line.split() for line in done.stdout.decode("ascii", "replace").splitlines()]
    if done.returncode != 0 or not rows or len(rows[-1]) < 2 or rows[-1][1] != base:
        return None
    return frozenset(row[0] for row in rows)
