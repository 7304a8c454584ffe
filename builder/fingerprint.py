"""A build that has nothing to do: the fingerprint of everything `dap build` reads, and the
state of what it wrote, kept between builds (issue 22).

A build's output is a pure function of its inputs: the data folder's files, the data's Git
history (HEAD's commit and the folder it is read from), dap's own code, the project's MkDocs
site and table schemas, the installed packages, Python, and the options — the dates shown
(`computed_on` is in every page and package, so a new day is a new build), the output and
docs folders, the page budget. `inputs()` makes one digest of them all, from each file's path,
size, modification time and inode (as Git's index and the record cache do: a file rewritten
gets a new modification time; nothing is read). After a build, `remember()` keeps that digest
with the state of the output and docs folders it wrote (every file's path, size, time and
inode) in a sealed record in the cache; the next build with the same inputs whose output and
docs folders are still exactly as left (`unchanged()`) does nothing.

A file modified within `RACY_NS` of the moment its stat was taken may change again without
its time changing (a file system's clock has coarse ticks): such inputs are never remembered,
so the next build is a full one (Git's "racy" rule). A record not sealed by this user's dap,
unreadable, or of another format is ignored: the build runs in full. `DAP_NO_CACHE=1` turns
it off with the other caches.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .cache import cache_folder, unsealed, write_sealed
from .git.repo import run_git
from .stats import SeenFiles

FORMAT = 1
PREFIX = "build-"  # the record's folder in the cache (beside records-…, datasets-…)
RECORD = "last-build.json"
RACY_NS = 2_000_000_000  # a file this close to its stat may change within the same tick
CODE = Path(__file__).resolve().parent  # builder/: the code and its templates, messages


@dataclass(frozen=True)
class Inputs:
    """The digest of a build's inputs, and whether it may be remembered (no racy file)."""

    digest: str
    racy: bool
    seen: SeenFiles = field(default_factory=SeenFiles, compare=False)  # the data's files


def _scan(
    root: Path,
    skip: Iterable[str] = (".git", "__pycache__"),
    away: Iterable[Path] = (),
    seen: SeenFiles | None = None,
) -> tuple[list[str], int]:
    """Every file under `root` as `path size mtime inode`, sorted, leaving out the names in
    `skip` and the folders `away` (the build's own output); and the newest mtime. `seen`:
    given each entry's path and stat as seen (for the record cache, `stats.stats_seen`; its
    map by path is made only if the build loads). This runs for every file of every build,
    the one with nothing to do too: no more work per file than the line and the stat."""
    lines: list[str] = []
    add = lines.append
    times: list[int] = []
    skipped = frozenset(skip)
    outside = frozenset(str(path) for path in away)
    keep = seen.found.append if seen is not None else None
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            add(f"{folder}\0unreadable")
            continue
        for entry in entries:
            if entry.name in skipped:
                continue
            path = entry.path
            if entry.is_dir(follow_symlinks=False):
                if path not in outside:
                    stack.append(path)
                continue
            if path in outside:
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue  # gone meanwhile: the list differs from the last build's anyway
            mtime = st.st_mtime_ns
            add(f"{path}\0{st.st_size}\0{mtime}\0{st.st_ino}")
            times.append(mtime)
            if keep is not None:
                keep((path, st))
    lines.sort()
    return lines, max(times, default=0)


@functools.cache
def code_files() -> dict[str, bytes]:
    """Each file of dap's code, templates and message catalogues (every file under builder/,
    by its path from there), with the digest of its bytes, read once per process: a build
    reads them as its work starts (`build.build`, once it knows it has something to do),
    close to the moment its modules were imported, and every key it makes of the code
    (`code_digest`) names these — so a dap upgraded while a build runs cannot give the old
    code's output the new code's keys (a later build would then keep it as it was). A build
    with nothing to do does not read them (~20 ms)."""
    found: dict[str, bytes] = {}
    for path in sorted(CODE.rglob("*")):
        if "__pycache__" not in path.parts and path.suffix != ".pyc" and path.is_file():
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
            found[path.relative_to(CODE).as_posix()] = digest
    return found


@functools.cache
def code_digest(only: tuple[str, ...] | None = None) -> bytes:
    """The digest of dap's code (`code_files`, as read once per process): every file, or
    `only` the files at those paths (a path ending in "/": every file under that folder),
    each named by its path (issue 22: the data packages' key names only the code they are
    made by, `opendata.incremental.PACKAGE_CODE`)."""
    files = code_files()
    names = sorted(files) if only is None else _some(files, only)
    h = hashlib.blake2b(digest_size=16)
    for name in names:
        h.update(name.encode() + b"\0" + files[name])
    return h.digest()


def _some(files: dict[str, bytes], only: tuple[str, ...]) -> list[str]:
    folders = tuple(p for p in only if p.endswith("/"))
    single = set(only).difference(folders)
    return sorted(n for n in files if n in single or n.startswith(folders))


def installed_packages() -> list[str]:
    """The installed distributions (name and version in each `*.dist-info` folder's name) on
    the import path: MkDocs, its theme, Pagefind, Jinja2, … — whatever renders a byte."""
    found: list[str] = []
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found += [f"{entry}/{n}" for n in names if n.endswith((".dist-info", ".egg-info"))]
    return sorted(found)


def _history(data_dir: Path) -> str:
    """What the data's Git history is read from: the repository, HEAD's commit, whether the
    clone is shallow, and the working folder (it sets the history's paths)."""
    try:
        done = run_git(data_dir, "rev-parse", "--show-toplevel", "--is-shallow-repository", "HEAD")
    except OSError:
        return "no git"
    return f"{done.returncode}\0{done.stdout!r}\0{os.getcwd()}"


def inputs(
    data_dir: Path, folders: Iterable[Path], options: dict[str, Any], outputs: Iterable[Path]
) -> Inputs:
    """The fingerprint of a build: the data folder's files, its Git history, dap's code, the
    project's `folders` (its MkDocs site, its table schemas), the installed packages, Python,
    and `options` (dates, folders, budget — every argument that changes the output). The
    build's `outputs` (a docs folder inside the site folder) are not among its inputs."""
    start = time.time_ns()
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}|{__version__}|{sys.version}|{sys.executable}\n".encode())
    h.update(json.dumps(options, sort_keys=True, default=str).encode() + b"\n")
    h.update(_history(data_dir).encode("utf-8", "surrogateescape") + b"\n")
    h.update("\n".join(installed_packages()).encode("utf-8", "surrogateescape") + b"\n")
    newest = 0
    away = [path.resolve() for path in outputs]
    seen = SeenFiles()
    for root in (data_dir, CODE, *folders):
        lines, latest = _scan(root.resolve(), away=away, seen=seen if root is data_dir else None)
        newest = max(newest, latest)
        h.update(f"{root.resolve()}\0{len(lines)}\n".encode("utf-8", "surrogateescape"))
        h.update("\n".join(lines).encode("utf-8", "surrogateescape") + b"\n")
    return Inputs(h.hexdigest(), racy=newest >= start - RACY_NS, seen=seen)


def output_state(folders: Iterable[Path]) -> str:
    """The digest of every file of the build's output folders as they are now."""
    h = hashlib.blake2b(digest_size=16)
    for root in folders:
        lines, _newest = _scan(root.resolve(), skip=())
        h.update(f"{root.resolve()}\0{len(lines)}\n".encode("utf-8", "surrogateescape"))
        h.update("\n".join(lines).encode("utf-8", "surrogateescape") + b"\n")
    return h.hexdigest()


def _record_path(out: Path) -> Path | None:
    folder = cache_folder(out, "auto", prefix=PREFIX)
    return None if folder is None else folder / RECORD


def unchanged(found: Inputs, out: Path, outputs: Iterable[Path]) -> dict[str, Any] | None:
    """What the last build into `out` told of itself, if it was made from the same inputs and
    its output folders are as it left them; else None (a full build is needed)."""
    path = _record_path(out)
    if path is None or found.racy or not out.is_dir():
        return None
    try:
        body = unsealed(path.read_text(encoding="utf-8"))
        if body is None:
            return None  # not written by this user's dap: a full build
        record = json.loads(body)
        if record.get("format") != FORMAT or record.get("inputs") != found.digest:
            return None
        if record.get("outputs") != output_state(outputs):
            return None  # a file of the site or the docs was changed, added or removed
        summary: dict[str, Any] = record["summary"]
        return summary
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def remember(found: Inputs, out: Path, outputs: Iterable[Path], summary: dict[str, Any]) -> None:
    """Keep the inputs of the build just made into `out`, the state of its output folders
    and `summary` (what the next build, if it has nothing to do, reports); a racy input is
    not kept, and neither is anything when the cache is off or cannot be written."""
    path = _record_path(out)
    if path is None:
        return
    try:
        if found.racy:
            path.unlink(missing_ok=True)
            return
        body = json.dumps(
            {
                "format": FORMAT,
                "inputs": found.digest,
                "outputs": output_state(outputs),
                "summary": summary,
            },
            ensure_ascii=False,
            sort_keys=True,
        )
        write_sealed(path, body)
    except OSError:
        pass  # a read-only or full cache: the next build is a full one
