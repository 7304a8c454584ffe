"""The one place that writes generated files: never outside its folder, never a path twice."""

from __future__ import annotations

import filecmp
import hashlib
import os
import shutil
from pathlib import Path

from .errors import BuildError
from .i18n import _


class Writer:
    """Writes files under `root`; refuses paths outside it and writing one path twice.

    A file whose bytes are unchanged is not rewritten (its mtime stays), so later steps
    that look at mtimes can skip it.
    """

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.written: dict[str, int] = {}
        self.digests: dict[str, str] = {}  # Markdown pages only: what their HTML is made from
        self.sums: dict[str, str] = {}  # every file of `write` and `keep`: the page keys' record
        self.unchanged = 0
        self._folders: dict[str, Path] = {}  # each folder of `path()` resolved once

    def path(self, rel: str) -> Path:
        """The absolute path for `rel`, checked to stay inside the root. Each folder is
        resolved once (thousands of pages share a few folders); a name that is a link, or
        not a plain name, is resolved with its folder."""
        name = rel.rpartition("/")[2]
        target = self._folder(rel) / name
        if name in ("", ".", "..") or target.is_symlink():
            target = self._inside((self.root / rel).resolve(), rel)
        return target

    def _folder(self, rel: str) -> Path:
        """The folder of `rel`, resolved once and checked to be inside the root."""
        folder_rel = rel.rpartition("/")[0]
        folder = self._folders.get(folder_rel)
        if folder is None:
            folder = self._inside((self.root / folder_rel).resolve(), rel)
            self._folders[folder_rel] = folder
        return folder

    def _inside(self, target: Path, rel: str) -> Path:
        """`target` (resolved), checked to be the root or inside it."""
        if target != self.root and self.root not in target.parents:
            raise BuildError(
                _("refusing to write outside {folder}: {path}", folder=self.root, path=rel)
            )
        return target

    def write(self, rel: str, content: str | bytes) -> Path:
        """Write `content` (text as UTF-8) to `rel`; return the path."""
        rel = rel.replace(os.sep, "/")
        if rel in self.written:
            raise BuildError(_("two outputs want the same path: {path}", path=rel))
        data = content.encode("utf-8") if isinstance(content, str) else content
        name = rel.rpartition("/")[2]
        target = self._folder(rel) / name
        self.written[rel] = len(data)
        self.sums[rel] = hashlib.blake2b(data, digest_size=16).hexdigest()
        if rel.endswith(".md"):
            self.digests[rel] = self.sums[rel]
        if name not in ("", ".", "..") and _create(target, data):
            return target  # a new file (most of a clean build's ~8,500)
        target = self.path(rel)  # something is at the name: a link is resolved, and checked
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                self.unchanged += 1
                return target
        except FileNotFoundError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        return target

    def keep(self, rel: str, size: int, digest: str) -> None:
        """Count the file at `rel` as written, its bytes (`size` long, of `digest`)
        left as they are: a page its maker found unchanged without making it again."""
        rel = rel.replace(os.sep, "/")
        if rel in self.written:
            raise BuildError(_("two outputs want the same path: {path}", path=rel))
        self.path(rel)  # inside the root
        self.written[rel] = size
        self.sums[rel] = digest
        if rel.endswith(".md"):
            self.digests[rel] = digest
        self.unchanged += 1

    def absorb(self, other: Writer) -> None:
        """Count what `other` (a writer of the same root, in another process) wrote as written
        by this one: its files must not be pruned, and no path may be written twice."""
        assert other.root == self.root  # the same folder, written by another process
        for rel, size in other.written.items():
            if rel in self.written:
                raise BuildError(_("two outputs want the same path: {path}", path=rel))
            self.written[rel] = size
        self.digests.update(other.digests)
        self.sums.update(other.sums)
        self.unchanged += other.unchanged

    def write_file(self, rel: str, source: Path, move: bool = False) -> Path:
        """`write`, the content being the file `source` (moved into place when `move`, else
        copied), compared a chunk at a time: a large file is never whole in memory."""
        rel = rel.replace(os.sep, "/")
        if rel in self.written:
            raise BuildError(_("two outputs want the same path: {path}", path=rel))
        target = self.path(rel)
        size = source.stat().st_size
        self.written[rel] = size
        if rel.endswith(".md"):
            self.digests[rel] = hashlib.blake2b(source.read_bytes(), digest_size=16).hexdigest()
        try:
            if target.stat().st_size == size and filecmp.cmp(source, target, shallow=False):
                self.unchanged += 1
                return target
        except FileNotFoundError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        if move:
            os.replace(source, tmp)
        else:
            shutil.copyfile(source, tmp)
        os.replace(tmp, target)
        return target

    def prune(self, keep: frozenset[str] = frozenset()) -> int:
        """Remove every file under the root that this writer did not write (and is not in
        `keep`), then the folders left empty; return how many files went."""
        removed = 0
        root = os.fspath(self.root)
        for folder, _dirs, files in os.walk(root, topdown=False):
            inner = os.path.relpath(folder, root).replace(os.sep, "/")  # strings: ~17,000 files
            prefix = "" if inner == "." else inner + "/"
            for name in files:
                rel = prefix + name
                if rel not in self.written and rel not in keep:
                    os.unlink(os.path.join(folder, name))
                    removed += 1
            if prefix and not os.listdir(folder):
                os.rmdir(folder)
        return removed


def _create(target: Path, data: bytes) -> bool:
    """Write `data` to a file made at `target` (its folder made if missing); False, and
    nothing done, when something is already there.

    No temporary file and rename for a file that did not exist (3 system calls instead of
    ~11, issue 22): there was nothing to keep, and a file left half-written by an interrupted
    build is never taken for a finished one — the next build compares the bytes of every
    file it writes (`write`), the page keys trust a file only by the size, time and inode
    they recorded (pagekeys, else its digest), and a build with nothing to do only when the
    docs folder is as the last finished build left it (fingerprint)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(target, flags, 0o666)
    except FileExistsError:
        return False
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(target, flags, 0o666)
        except FileExistsError:
            return False
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except BaseException:
        os.close(fd)
        os.unlink(target)
        raise
    os.close(fd)
    return True


def spare_of(out: Path) -> Path:
    """Where the site that `swap` replaced is kept for the next build (site/rebuild.py)."""
    return out.with_name(f".{out.name}.spare")


def adopt_spare(out: Path, staging: Path) -> bool:
    """Put the spare site of `out` in place of the empty folder `staging`, for a rebuild to
    bring up to date; False (and `staging` left empty) when there is none."""
    spare = spare_of(out)
    if not spare.is_dir() or spare.is_symlink():
        return False
    try:
        staging.rmdir()
        os.replace(spare, staging)
    except OSError:
        staging.mkdir(exist_ok=True)
        return False
    return True


def remove_spare(out: Path) -> None:
    """Remove the spare site of `out`, if there is one."""
    spare = spare_of(out)
    if os.path.lexists(spare):
        _remove_folder(spare, out)


def swap(staging: Path, out: Path, keep_spare: bool = False) -> None:
    """Put a folder built aside in place of `out`; the old one is removed only afterwards,
    or with `keep_spare` kept as the spare site (`spare_of`: `dap build`'s next rebuild brings
    it up to date rather than building a folder of ~16,500 files anew, issue 22). A spare
    the build did not use is removed first."""
    spare = spare_of(out)
    remove_spare(out)
    old = None
    if out.exists():
        old = spare if keep_spare else out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(staging, out)
    if old is not None and not keep_spare:
        shutil.rmtree(old, ignore_errors=True)


def _remove_folder(folder: Path, out: Path) -> None:
    """Remove `folder` (renamed aside first, so that its name is free at once)."""
    aside = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.replace(folder, aside)
    shutil.rmtree(aside, ignore_errors=True)


def file_sizes(root: Path) -> dict[str, int]:
    """Each file under `root` (symbolic links to folders not followed), by its path from
    there in POSIX form, with its size: `Path.rglob`'s files, from `os.scandir`'s entries
    (issue 22: a Pagefind index's ~5,300 files in ~0.02 s of CPU instead of ~0.09 s; taken
    where the index is made, `site.indexes.SearchIndexes.files`)."""
    sizes: dict[str, int] = {}
    folders = [("", os.fspath(root))]
    while folders:
        rel, folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((f"{rel}{entry.name}/", entry.path))
                elif entry.is_file():
                    sizes[rel + entry.name] = entry.stat().st_size
    return sizes
