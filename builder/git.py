"""Git access: the runner, refs, changed files, data at a commit read in memory, and history."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import posixpath
import re
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import models as m
from .cache import read_blob_records
from .datafile import LAYOUT, Kind, Read
from .errors import GitError, Problem
from .i18n import _
from .load import KINDS, Dataset, layout_kind, store

# ---------------------------------------------------------------- the runner


def run_git(
    repo: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run `git` in `repo` unchecked: the caller reads its return code (OSError if no Git)."""
    return subprocess.run(
        ["git", "-c", "core.quotePath=false", "-c", "log.showSignature=false", *args],
        cwd=repo,
        capture_output=True,
        check=False,
        env={**os.environ, **env} if env else None,
    )


def _cannot_run(exc: OSError) -> GitError:
    """The error when the `git` program cannot be started at all."""
    return GitError(
        _(
            "Git cannot be run: {error} — install Git and make sure the git command works",
            error=exc.strerror or exc,
        )
    )


def _stderr(done: subprocess.CompletedProcess[bytes]) -> str:
    """What a failed Git command said, on one line (its last lines say why)."""
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return " ".join(line.strip() for line in lines[-3:])


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run `git` in `repo` and return its output; a failure is a GitError naming the command."""
    try:
        done = run_git(repo, *args, env=env)
    except OSError as exc:
        raise _cannot_run(exc) from exc
    if done.returncode != 0:
        raise GitError(
            _(
                "git {command} failed in {repo}: {error}",
                command=" ".join(args[:2]),
                repo=repo,
                error=_stderr(done),
            )
        )
    return done.stdout.decode("utf-8", "surrogateescape")


# ---------------------------------------------------------------- refs and changed files


def repo_root(path: Path) -> Path:
    """The top folder of the Git repository holding `path`."""
    folder = path if path.is_dir() else path.parent
    return Path(git(folder, "rev-parse", "--show-toplevel").strip())


def data_prefix(repo: Path, data_dir: Path) -> str:
    """The data folder relative to the repository's top folder, e.g. 'data'."""
    rel = os.path.relpath(data_dir.resolve(), repo.resolve()).replace(os.sep, "/")
    if rel.startswith(".."):
        raise GitError(
            _(
                "{folder} is not inside the repository {repo} — give a data folder inside it "
                "(--data)",
                folder=data_dir,
                repo=repo,
            )
        )
    return "" if rel == "." else rel


def resolve(repo: Path, ref: str) -> str:
    """The full sha of a commit named by `ref` (branch, tag, sha)."""
    try:
        return git(repo, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}").strip()
    except GitError:
        raise GitError(
            _("'{ref}' is not a commit here — name a branch, tag or commit", ref=ref)
        ) from None


def merge_base(repo: Path, base: str, head: str) -> str:
    """Where `head` left `base`; a clear error when they share no history (a shallow clone)."""
    try:
        return git(repo, "merge-base", base, head).strip()
    except GitError:
        raise GitError(
            _(
                "{base} and {head} share no history here — in a shallow clone fetch the full "
                "history (actions/checkout with fetch-depth: 0, or git fetch --unshallow)",
                base=base[:10],
                head=head[:10],
            )
        ) from None


def commit_day(repo: Path, ref: str) -> dt.date:
    """The committer date of a commit (set by whoever made it: never a day access is judged on)."""
    return dt.datetime.fromisoformat(git(repo, "log", "-1", "--format=%cI", ref).strip()).date()


# Git's modes of a tree entry: only these two are files whose text is data.
REGULAR_MODES = ("100644", "100755")
LINK_MODE = "120000"
GITLINK_MODE = "160000"  # a submodule
# an entry of `git ls-files --stage -z` (or `ls-tree -z`) whose mode is not a regular file's
# one entry of `git ls-tree -z`: mode, type, object id, a tab, the path (any bytes but NUL)
TREE_ENTRY = re.compile(r"(\d+) \w+ ([0-9a-f]+)\t([^\0]*)\0")


@dataclass(frozen=True)
class FileChange:
    """One file added ("A"), modified ("M") or deleted ("D") between two commits."""

    status: str
    path: str  # repo-relative POSIX path
    renamed: str | None = None  # a rename is a delete plus an add: the other side's path
    mode: str = "100644"  # Git's mode of the entry at HEAD (of the deleted entry for "D")

    @property
    def regular(self) -> bool:
        """The entry is a regular file (not a symbolic link, a submodule or anything else)."""
        return self.mode in REGULAR_MODES


def changed_files(repo: Path, base: str, head: str) -> list[FileChange]:
    """Files changed on `head` since it left `base` (the merge base), renames split in two,
    each with its Git mode (`git diff --raw`: a link or a submodule is not a file)."""
    out = git(repo, "diff", "--raw", "-z", "-M", "--no-ext-diff", "--no-abbrev", f"{base}...{head}")
    tokens = out.split("\0")
    found: list[FileChange] = []
    i = 0
    while i < len(tokens):
        header = tokens[i]
        if not header.startswith(":"):
            i += 1
            continue
        old_mode, new_mode, _old, _new, status = header[1:].split(" ")
        if status[0] in ("R", "C"):
            old, new = tokens[i + 1], tokens[i + 2]
            i += 3
            if status[0] == "R":
                found.append(FileChange("D", old, new, old_mode))
            found.append(FileChange("A", new, old if status[0] == "R" else None, new_mode))
            continue
        path = tokens[i + 1]
        i += 2
        kind = "M" if status[0] == "T" else status[0]
        found.append(FileChange(kind, path, mode=old_mode if kind == "D" else new_mode))
    return sorted(found, key=lambda c: (c.path, c.status))


def entry_kind(mode: str) -> str:
    """What a tree entry that is not a regular file is: 'link', 'submodule' or 'special'."""
    return {LINK_MODE: "link", GITLINK_MODE: "submodule"}.get(mode, "special")


def paths_changed(repo: Path, old: str, new: str) -> set[str]:
    """The paths whose entry differs between two commits (no rename detection)."""
    out = git(repo, "diff-tree", "-r", "--no-renames", "--name-only", "-z", old, new)
    return {path for path in out.split("\0") if path}


def all_regular(stage: bytes) -> bool:
    """Every entry of `git ls-files --stage -z` output is a regular file: as many entries
    (each ends with NUL; a path holds none) as start with a regular file's mode. Counted by
    `bytes.count`, ~10 times faster than a regular expression trying every position of the
    ~3 MB that a national-scale index lists."""
    regular = int(stage.startswith((b"100644 ", b"100755 ")))
    regular += stage.count(b"\x00100644 ") + stage.count(b"\x00100755 ")
    entries = stage.count(b"\x00") + int(bool(stage) and not stage.endswith(b"\x00"))
    return regular == entries


def not_regular(folder: Path) -> list[tuple[str, str]]:
    """Entries Git tracks under `folder` that are not regular files (links, submodules), as
    (path relative to `folder`, mode); nothing when `folder` is not in a Git work tree."""
    try:
        done = run_git(folder, "ls-files", "--stage", "-z")
    except OSError:
        return []
    if done.returncode != 0:
        return []
    if all_regular(done.stdout):
        return []  # every entry a regular file (what the index of a data folder holds)
    found = []
    for entry in done.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if not entry:
            continue
        meta, _, path = entry.partition("\t")
        mode = meta.split(" ", 1)[0]
        if mode not in REGULAR_MODES:
            found.append((path, mode))
    return found


def tree_at(
    repo: Path, ref: str, subdir: str, within: Sequence[str] | None = None
) -> list[tuple[str, str]]:
    """The regular files under `subdir` at commit `ref`: (path relative to `subdir`, blob id),
    by path. One `git ls-tree`; links and submodules are not files, so they are not listed
    (check-change refuses them from the modes). Unlike `git archive`, no `.gitattributes` of
    the commit can leave a file out (export-ignore) or rewrite it (export-subst). With
    `within` (files and folders relative to `subdir`, taken literally, never as patterns),
    only what lies in them."""
    if within is not None and not within:
        return []
    args = ["--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", ref]
    if within is not None:
        args += ["--", *(f"{subdir}/{path}" if subdir else path for path in within)]
    elif subdir:
        args += ["--", subdir]
    try:
        done = run_git(repo, *args)
    except OSError as exc:
        raise _cannot_run(exc) from exc
    if done.returncode != 0:
        raise GitError(_("git ls-tree {ref} failed: {error}", ref=ref, error=_stderr(done)))
    cut = len(subdir) + 1 if subdir else 0
    out = done.stdout.decode("utf-8", "surrogateescape")
    files = [
        (path[cut:], blob)
        for mode, blob, path in TREE_ENTRY.findall(out)
        if mode in REGULAR_MODES and path
    ]
    files.sort()
    return files


def cat_blobs(repo: Path, blobs: list[str]) -> dict[str, bytes]:
    """The contents of the given blobs, read with one `git cat-file --batch`."""
    if not blobs:
        return {}
    try:
        done = subprocess.run(
            ["git", "cat-file", "--batch"],
            cwd=repo,
            input="".join(f"{b}\n" for b in blobs).encode(),
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise _cannot_run(exc) from exc
    if done.returncode != 0:
        raise GitError(_("git cat-file failed: {error}", error=_stderr(done)))
    out, at, contents = done.stdout, 0, {}
    for blob in blobs:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) != 3 or header[1] != b"blob":
            raise GitError(_("git cat-file failed: {error}", error=repr(out[at:end][:100])))
        size = int(header[2])
        contents[blob] = out[end + 1 : end + 1 + size]
        at = end + 1 + size + 1  # the content is followed by a newline
    return contents


def _dataset(reads: list[tuple[Kind, str, Read]], shown_root: str) -> tuple[Dataset, list[Problem]]:
    """A Dataset from the reads of files in the layout (kind, key, read), by path. Only
    records are kept; a file that cannot be read becomes a problem, never an exception."""
    data = Dataset(root=Path(shown_root))
    problems: list[Problem] = []
    sources = data.sources
    # the dict each kind of the folders is kept in (a single file's kind goes through store)
    kept = {kind.name: getattr(data, kind.attr) for kind in LAYOUT.values() if kind.depth}
    for kind, key, (record, source, trouble) in reads:
        if record is None:  # the data at that commit is broken: located, as validate says it
            problems.extend(trouble)
            continue
        sources[(kind.name, key)] = source
        records = kept.get(kind.name)
        if records is None:
            store(data, kind, key, record)
        else:
            records[key] = record
    return data, problems


def load_at(
    repo: Path,
    ref: str,
    subdir: str,
    keep: Callable[[str], bool] | None = None,
    within: Sequence[str] | None = None,
) -> tuple[Dataset, list[Problem]]:
    """Load the data as it is at commit `ref`, read from Git objects in memory (never written
    out); files are shown as `subdir/…`. Records come from the cache of parsed blobs
    (`cache.read_blob_records`): only blobs never seen before are read and parsed. With
    `within`, only the files in those files and folders (relative to `subdir`) are listed;
    with `keep`, only the files (paths relative to `subdir`) it keeps are read at all."""
    shown_root = subdir or "."
    wanted: list[tuple[str, str, Kind]] = []
    keys: list[str] = []
    for rel, blob in tree_at(repo, ref, subdir, within):
        kind, key = KINDS.get(rel) or layout_kind(rel)
        if kind is not None and (keep is None or keep(rel)):
            wanted.append((rel, blob, kind))
            keys.append(key)
    reads = read_blob_records(repo, shown_root, wanted, lambda ids: cat_blobs(repo, ids))
    return _dataset(
        [(w[2], key, read) for w, key, read in zip(wanted, keys, reads, strict=True)],
        shown_root,
    )


def tree_changes(repo: Path, old: str, new: str, subdir: str) -> list[tuple[str, str | None]]:
    """The paths under `subdir` whose entry differs between commits `old` and `new`, as (path
    relative to `subdir`, blob id at `new`, or None when at `new` it is gone or no regular
    file), by path. One `git diff-tree` (no rename detection: a move is a removal and an
    addition), pathspec taken literally."""
    args = ["--literal-pathspecs", "diff-tree", "-r", "--no-renames", "-z", old, new]
    if subdir:
        args += ["--", subdir]
    try:
        done = run_git(repo, *args)
    except OSError as exc:
        raise _cannot_run(exc) from exc
    if done.returncode != 0:
        raise GitError(_("git diff-tree failed in {repo}: {error}", repo=repo, error=_stderr(done)))
    cut = len(subdir) + 1 if subdir else 0
    tokens = done.stdout.decode("utf-8", "surrogateescape").split("\0")
    found: list[tuple[str, str | None]] = []
    for meta, path in zip(tokens[0::2], tokens[1::2], strict=False):
        if not meta.startswith(":") or not path:
            continue
        _old_mode, new_mode, _old_blob, new_blob, _status = meta[1:].split(" ")
        found.append((path[cut:], new_blob if new_mode in REGULAR_MODES else None))
    found.sort()
    return found


def load_changed(repo: Path, base: Dataset, base_ref: str, ref: str, subdir: str) -> Dataset:
    """The data at commit `ref` made from `base`, the data at `base_ref` as `load_at(repo,
    base_ref, subdir)` loaded it in full: only the files that differ between the two commits
    are read (`tree_changes`), every other record is the base's (records are frozen). The
    result equals `load_at(repo, ref, subdir)`'s Dataset, its dicts in the same order (by
    path); the problems of files that fail to load are not returned (see `load_at`)."""
    shown_root = subdir or "."
    gone: list[tuple[Kind, str]] = []
    wanted: list[tuple[str, str, Kind]] = []
    keys: list[str] = []
    for rel, blob in tree_changes(repo, base_ref, ref, subdir):
        kind, key = KINDS.get(rel) or layout_kind(rel)
        if kind is None:
            continue
        gone.append((kind, key))  # unless read again below
        if blob is not None:
            wanted.append((rel, blob, kind))
            keys.append(key)
    reads = read_blob_records(repo, shown_root, wanted, lambda ids: cat_blobs(repo, ids))
    head = dataclasses.replace(
        base,
        staff=list(base.staff),
        sources=dict(base.sources),
        failed=set(base.failed),
        texts=dict(base.texts),
    )
    for kind in LAYOUT.values():
        if kind.depth:  # each kind's own dict, so that the base's stays as it is
            setattr(head, kind.attr, dict(getattr(base, kind.attr)))
    # A changed file's record is replaced where the base had it, so that the dicts keep the
    # order of a whole load (by path): a dict keeps a key's place when its value is replaced,
    # not when it is removed and added again. None marks what is gone unless read again.
    for kind, key in gone:
        if kind.name == "programme":
            head.programme = None
            head.sources.pop((kind.name, key), None)
        elif kind.name == "staff":
            head.staff, head.analyst_groups = [], m.AnalystGroups.model_construct()
            head.sources.pop((kind.name, key), None)
        elif (kind.name, key) in base.sources:
            getattr(head, kind.attr)[key] = None
            head.sources[(kind.name, key)] = None  # type: ignore[assignment]
    for (_rel, _blob, kind), key, (record, source, _problems) in zip(
        wanted, keys, reads, strict=True
    ):
        if record is not None:
            head.sources[(kind.name, key)] = source
            store(head, kind, key, record)
    resort: set[str] = set()
    for kind, key in gone:  # what the change left without a record (removed, or broken now)
        if kind.depth and getattr(head, kind.attr).get(key, False) is None:
            del getattr(head, kind.attr)[key]
            del head.sources[(kind.name, key)]
        elif kind.depth and (kind.name, key) not in base.sources:
            resort.add(kind.attr)  # a record the base did not have: added at the end
    for attr in resort:  # in path order, as a load of the whole commit puts them
        ordered = sorted(getattr(head, attr).items(), key=lambda item: f"{item[0]}.yaml")
        setattr(head, attr, dict(ordered))
    if resort or any(not kind.depth for kind, _ in gone):
        head.sources = dict(sorted(head.sources.items(), key=lambda item: _source_rel(*item[0])))
    return head


def _source_rel(kind: str, key: str) -> str:
    """The path of a record's file relative to the data folder (the order of `load_at`)."""
    return f"{kind}.yaml" if LAYOUT[kind].depth == 0 else f"{kind}/{key}.yaml"


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
    log = run_git(
        Path(root),
        "log",
        "--first-parent",
        "-m",
        "-M",
        "--name-status",
        "-z",
        "--reverse",
        f"--format={LOG_FORMAT}",
        revisions,
        "--",
    )
    if log.returncode != 0:
        raise GitError(_("git log failed in {repo}: {error}", repo=root, error=_stderr(log)))
    return log.stdout.decode("utf-8", "surrogateescape")


AUTHOR_FORMAT = "%x01%H%x00%aI%x00%an%x00%ae%x00"


def read_authors(history: History) -> History:
    """Fill `history.authors`: the first commit adding each file on any line of the history
    (a report's preparation on its branch, before the merge), in one more `git log` pass over
    the non-merge commits. Nothing is read when the history is unavailable."""
    if not history.available or history.authors is not None or not history.ref:
        return history
    authors: dict[str, Change] = {}
    for path, change in _added(history.root, history.ref):
        if path not in authors:
            authors[path] = change
    history.authors = authors
    return history


def _added(root: str, revisions: str) -> list[tuple[str, Change]]:
    """Each file added by a non-merge commit of `revisions` (a commit and all it reaches, or
    'OLD..NEW'), with the commit's change, oldest commit first (`git log --reverse`)."""
    log = run_git(
        Path(root),
        "log",
        "--no-merges",
        "--diff-filter=A",
        "--no-renames",
        "--name-only",
        "-z",
        "--reverse",
        f"--format={AUTHOR_FORMAT}",
        revisions,
        "--",
    )
    if log.returncode != 0:
        raise GitError(_("git log failed in {repo}: {error}", repo=root, error=_stderr(log)))
    found: list[tuple[str, Change]] = []
    shared: dict[str, object] = {}
    tokens = log.stdout.decode("utf-8", "surrogateescape").split("\0")
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
