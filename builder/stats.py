"""What the record cache reads of its files' stats (builder/cache.py), asked as cheaply as it
can be: relative to their folder's descriptor, or not at all when the build's inputs stage has
just seen them (`stats_seen`, issue 22)."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

from .datafile import Kind


class Seen(NamedTuple):
    """What the record cache reads of a file's stat."""

    st_size: int
    st_mtime_ns: int
    st_ino: int


class SeenFiles:
    """The entries a scan saw, as (absolute path, its `lstat`) in the order seen
    (`fingerprint.inputs` fills `found`); the map of the regular files by path is made only
    when the record cache first asks (`by_path`): a build with nothing to do never loads, and
    making the map for 36,000 files cost ~40 ms of every build (issue 22)."""

    __slots__ = ("found", "_by_path")

    def __init__(self) -> None:
        self.found: list[tuple[str, os.stat_result]] = []
        self._by_path: dict[str, os.stat_result] | None = None

    def by_path(self) -> dict[str, os.stat_result]:
        """The regular files seen, by absolute path (made once, on the first call)."""
        if self._by_path is None:
            regular = stat.S_ISREG
            self._by_path = {path: st for path, st in self.found if regular(st.st_mode)}
        return self._by_path

    def forget(self) -> None:
        """Drop what was seen, once the load has used it (issue 22: the data's 73,000 files
        and their `lstat`s at 4,000 measures, ~25 MB held through the pages otherwise)."""
        self.found = []
        self._by_path = None


# by data folder: its files as a scan just saw them
_SEEN: dict[str, SeenFiles | Mapping[str, Seen | os.stat_result]] = {}


@contextlib.contextmanager
def stats_seen(root: Path, seen: SeenFiles | Mapping[str, Seen | os.stat_result]) -> Iterator[None]:
    """Within: the regular files under `root` as a scan has just seen them (by their absolute
    path), so the record cache does not stat them again (issue 22: the build's inputs stage
    has, `fingerprint.inputs`; ~0.2 s of a one-report rebuild at 2,000 measures). A file the
    scan did not see is stat-ed as before. What was seen serves only this block: a file edited
    between the scan and the load is read as it was seen, as if edited after the load — the
    build's fingerprint holds that same stat, so the next build reads it again."""
    key = os.path.realpath(root)
    _SEEN[key] = seen
    try:
        yield
    finally:
        _SEEN.pop(key, None)


def stats_of(base: str, items: list[tuple[str, Kind]]) -> list[os.stat_result | Seen | None]:
    """The stat of each file of one shard (None: it cannot be stat-ed), asked relative to
    their folder: the kernel then walks one name, not the whole path, for each of them."""
    found = _SEEN.get(os.path.realpath(base)) if _SEEN else None
    if found is not None:
        seen = found.by_path() if isinstance(found, SeenFiles) else found
        real = os.path.realpath(base)
        return [seen.get(f"{real}/{rel}") or _stat(f"{base}/{rel}") for rel, _ in items]
    folder = items[0][0].rpartition("/")[0] if items else ""
    if not folder or any(rel.rpartition("/")[0] != folder for rel, _ in items):
        return [_stat(f"{base}/{rel}") for rel, _ in items]  # not one folder: whole paths
    try:
        fd = os.open(f"{base}/{folder}", os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return [_stat(f"{base}/{rel}") for rel, _ in items]
    try:
        cut = len(folder) + 1
        return [_stat(rel[cut:], fd) for rel, _ in items]
    finally:
        os.close(fd)


def _stat(name: str, folder: int | None = None) -> os.stat_result | None:
    """os.stat of a file that may be missing or unreadable (`folder`: the descriptor of the
    folder `name` is relative to)."""
    try:
        return os.stat(name, dir_fd=folder)
    except OSError:
        return None
