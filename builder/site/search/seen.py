"""What a build saw of the search index's files where the site serves them (issue 22), so
that a rebuild carries a file over by its stat instead of reading it."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
from pathlib import Path
from typing import Any

from .entries import _digest

# What the last build saw of the index's files where the site serves them (issue 22, ninth
# session): a sealed record in the cache folder of that place (`SEEN_PREFIX` + its digest,
# cache.py), not in the site (a rebuild's files equal a clean build's).
SEEN_PREFIX = "search-"
SEEN_RECORD = "index-files.json"
SEEN_RACY_NS = 2_000_000_000  # a file this close to the record may change within its tick


class Seen:
    """The index's files as the last build left them where the site is served (`home`, the
    output's pagefind/): each one's size, modification time and inode, with its digest.

    Checking 5,266 files of a carried-over index by their digests read ~9 MB, 40 % of a
    one-report rebuild's search stage. A file whose size, modification time and inode are
    those recorded with the digest the manifest lists is that file unchanged — the rule of
    Git's index, the record cache and the build's own no-op check (fingerprint.py): writing
    to a file gives it a new modification time, replacing it a new inode. Anything else
    (no record, a file not recorded, moved, edited, or recorded within `SEEN_RACY_NS` of
    its last change, when an edit in the same clock tick could keep its time) is read and
    checked by its digest, as before, so a changed file is never carried over; it is
    recorded then, and the next build checks it by its stat. The record is sealed by this
    user's dap (cache.py): one planted by anyone else is not read."""

    def __init__(self, home: Path | None):
        self.path: Path | None = None
        self.before: dict[str, list[Any]] = {}
        self.now: dict[str, list[Any]] = {}  # this build's: rel → [size, mtime, inode, digest]
        if home is None:
            return
        from ...cache import cache_folder, unsealed

        folder = cache_folder(home, "auto", prefix=SEEN_PREFIX)
        if folder is None:
            return
        self.path = folder / SEEN_RECORD
        try:
            body = unsealed(self.path.read_text(encoding="utf-8"))
            files = json.loads(body)["files"] if body is not None else {}
            self.before = {str(rel): list(sig) for rel, sig in files.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.before = {}

    def intact(self, source: str, rel: str, digest: str) -> bool:
        """Whether the previous index's file `source` (`rel` in it) is a regular file with
        `digest`: by its stat when recorded so, else by its bytes."""
        try:
            st = os.lstat(source)
        except OSError:
            return False
        if not stat.S_ISREG(st.st_mode):
            return False  # a link or anything but a file
        sig = [st.st_size, st.st_mtime_ns, st.st_ino, digest]
        if self.before.get(rel) != sig:
            try:
                with open(source, "rb") as file:
                    if _digest(file.read()) != digest:
                        return False
            except OSError:
                return False
        self.now[rel] = sig
        return True

    def save(self, target: Path, listed: dict[str, str]) -> None:
        """Record the files of the index just written into `target` (rel → digest): those
        carried over as seen, the others by their stat now; none that changed within
        `SEEN_RACY_NS` of now (checked by their digest next time)."""
        if self.path is None:
            return
        from ...cache import write_sealed

        settled = time.time_ns() - SEEN_RACY_NS
        files: dict[str, list[Any]] = {}
        for rel, digest in listed.items():
            sig = self.now.get(rel)
            if sig is None or sig[3] != digest:
                try:
                    st = os.lstat(os.path.join(target, rel))
                except OSError:
                    continue
                sig = [st.st_size, st.st_mtime_ns, st.st_ino, digest]
            if sig[1] < settled:
                files[rel] = sig
        with contextlib.suppress(OSError):  # a read-only or full cache: the files are read
            write_sealed(self.path, json.dumps({"files": files}, separators=(",", ":")))
