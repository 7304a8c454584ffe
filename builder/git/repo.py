"""Git access: the runner, refs, changed files, and the entries and blobs of a commit's tree."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import GitError
from ..i18n import _

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
    return checked(
        repo,
        args,
        lambda error: _(
            "git {command} failed in {repo}: {error}",
            command=" ".join(args[:2]),
            repo=repo,
            error=error,
        ),
        env=env,
    )


def checked(
    repo: Path,
    args: Sequence[str],
    failed: Callable[[str], str],
    env: dict[str, str] | None = None,
) -> str:
    """Run `git args` in `repo` and return its output (UTF-8, undecodable bytes kept as
    surrogates); a failure is a GitError of `failed(what Git said)`, no Git at all one that
    says so."""
    try:
        done = run_git(repo, *args, env=env)
    except OSError as exc:
        raise _cannot_run(exc) from exc
    if done.returncode != 0:
        raise GitError(failed(_stderr(done)))
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
    out = checked(
        repo, args, lambda error: _("git ls-tree {ref} failed: {error}", ref=ref, error=error)
    )
    cut = len(subdir) + 1 if subdir else 0
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


def tree_changes(repo: Path, old: str, new: str, subdir: str) -> list[tuple[str, str | None]]:
    """The paths under `subdir` whose entry differs between commits `old` and `new`, as (path
    relative to `subdir`, blob id at `new`, or None when at `new` it is gone or no regular
    file), by path. One `git diff-tree` (no rename detection: a move is a removal and an
    addition), pathspec taken literally."""
    args = ["--literal-pathspecs", "diff-tree", "-r", "--no-renames", "-z", old, new]
    if subdir:
        args += ["--", subdir]
    out = checked(
        repo,
        args,
        lambda error: _("git diff-tree failed in {repo}: {error}", repo=repo, error=error),
    )
    cut = len(subdir) + 1 if subdir else 0
    tokens = out.split("\0")
    found: list[tuple[str, str | None]] = []
    for meta, path in zip(tokens[0::2], tokens[1::2], strict=False):
        if not meta.startswith(":") or not path:
            continue
        _old_mode, new_mode, _old_blob, new_blob, _status = meta[1:].split(" ")
        found.append((path[cut:], new_blob if new_mode in REGULAR_MODES else None))
    found.sort()
    return found
