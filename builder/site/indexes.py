"""The search stage of a build: both editions' indexes (site/search/) made in a folder of
their own and moved into the staging site at the end (issue 22).

Where the datasets are made in a forked process beside the pages (`build.Datasets`), the pages
are done first and this process waits for them. When both editions' Pagefind indexes will be
carried over from the previous site (the index's key is the one the previous site's manifest
names: only the daily index is made, in ~0.5 s and little memory), the indexes are made in that
wait instead of after MkDocs. Otherwise — Pagefind to run (~1 GB at 4,000 measures), no fork,
or no previous site — they are made after MkDocs, once the data is dropped: by the build's own
process after the stages from load to MkDocs, run in a forked child, have ended (`stow`: the
child leaves the entries in the folder; build.py), so that the process beside Pagefind never
held the data. The files are the same either way: the folder is the indexes' alone, and
`place` moves each into the staging site in one rename (an index's files keep their inode and
times, what `search.Seen` records of them). After MkDocs, the English index is made in a
forked child while this process makes the Ukrainian one, where both Pagefinds fit in the
memory budget (`SearchIndexes.beside`; issue 22, thirteenth session): two Pagefinds and our
stemming on the two cores instead of ~1.6 of them, one edition after the other.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import contextmanager
from pathlib import Path

from ..i18n import N_
from ..output import file_sizes, spare_of
from ..parallel import Forked
from ..wording import EN, UK
from .editions import EN_FOLDER
from .search.entries import Entry
from .search.index import INDEX_FOLDER, INDEX_MANIFEST, index_key, write_index


def drop_garbage() -> None:
    """Free what only reference cycles hold, and give it back to the system.

    A build runs with the cyclic collector off (`parallel.collector_paused`), and the pages
    and MkDocs stages leave cycles that hold much: each Jinja2 render's context and its macros
    (the context holds the `Site`, hence all the data), MkDocs' pages and their tables of
    contents. At 2,000 measures the build's process held 683 MB when the search stage began,
    350 MB after this (0.9 s of CPU) — memory Pagefind's ~0.5 GB (~0.9 GB at 4,000 measures)
    would otherwise come on top of (issue 22). Only when Pagefind runs: a rebuild that
    carries its index over makes the daily index alone, in little memory. Where the build's
    stages ran in a forked child (build.py) this process never held the data, and this costs
    little."""
    import gc

    from ..parallel import release_free_memory

    gc.collect()
    release_free_memory()


def made_from(index: Path) -> str | None:
    """The key that the Pagefind index in `index` (a site's pagefind/) says it was made from."""
    try:
        key = json.loads((index / INDEX_MANIFEST).read_text(encoding="utf-8")).get("key")
    except (OSError, ValueError, AttributeError):
        return None
    return key if isinstance(key, str) else None


# Each edition with its folder in the site, and the names of its stage (build.STAGES).
EDITIONS = ((UK, "", "search"), (EN, EN_FOLDER, "search en"))

# The niceness the English index's forked child (and its Pagefind) adds to its own when the
# two indexes are made at once (`SearchIndexes.beside`; issue 22, fifteenth session). The
# Ukrainian index is the stage's critical path: its Pagefind (~4.3 s of CPU at 2,000
# measures, ~2.5 s of it building the index, mostly on one thread, after the last record)
# and this process's work after its answer (the files written) come one after the other;
# the English one (~1.8 s of Pagefind, ~1.4 s of its child) has seconds to spare. At the
# same priority the four processes shared the two cores while the records were sent, and
# the Ukrainian Pagefind got about half of one. At 4 the English processes weigh 423
# against the Ukrainian ones' 1,024 (the scheduler's weights): the Ukrainian ones get most
# of the cores they can use, the English work fills the core the Ukrainian build leaves
# idle; and it still gets a share beside other users' work (at 10, ~10 %: it may end last).
BESIDE_NICENESS = 4

# Pagefind's peak (MB) for an index of `entries` entries of `chars` characters of indexed
# text (`indexed_chars`), measured (2026-12-07, `pagefind --service`'s resident peak): at
# 2,000 measures (2,578 entries an edition) the Ukrainian index 394 MB for 8.86 M
# characters, the English one 145 MB for 0.96 M; at 4,000 (~5,130 entries) 783 MB for
# 18.1 M and 286 MB for 1.96 M. With a margin: 421, 161, 855 and 321 MB.
PAGEFIND_MB_PER_ENTRY = 0.05
PAGEFIND_MB_PER_MCHAR = 33


def indexed_chars(entries: list[Entry]) -> int:
    """The characters of the texts Pagefind's records are made from (titles, texts,
    reports), without stemming them: what its memory follows (`pagefind_mb`)."""
    return sum(
        len(e.title) + len(e.text) + sum(len(report[2]) for report in e.reports) for e in entries
    )


def pagefind_mb(entries: int, chars: int) -> float:
    """Pagefind's expected peak (MB) while it makes an index of `entries` entries of `chars`
    characters of indexed text."""
    return PAGEFIND_MB_PER_ENTRY * entries + PAGEFIND_MB_PER_MCHAR * chars / 1e6


@contextmanager
def indexes_folder(out: Path) -> Iterator[Path]:
    """A folder of the indexes' own beside `out` (the site being built into), removed at the
    end with what `SearchIndexes.place` did not move out of it."""
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def set_aside_spare_indexes(out: Path, folder: Path) -> list[Path]:
    """Move the search indexes of `out`'s spare site (`output.spare_of`: the site the last
    build replaced, which a rebuild brings up to date and then gives new indexes,
    `SearchIndexes.place`) into `folder`, one rename each; returns where they now are, for
    the build's own process to remove while its child makes the site (issue 22: ~7,900 files
    at 2,000 measures, whose removal by `place` was ~0.07 s of CPU on a one-report rebuild's
    path after the child had ended). Nothing reads a spare's indexes: its manifest lists
    MkDocs' files only, and an index is carried over from `out`'s own. Done before the
    child may adopt the spare (`output.adopt_spare`); one that cannot be moved stays, for
    `place` to replace."""
    spare = spare_of(out)
    if not spare.is_dir() or spare.is_symlink():
        return []
    aside: list[Path] = []
    for n, (_ed, sub, _stage) in enumerate(EDITIONS):
        index = spare / sub / INDEX_FOLDER
        if index.is_dir() and not index.is_symlink():
            try:
                os.replace(index, folder / f"spare-index-{n}")
            except OSError:
                continue
            aside.append(folder / f"spare-index-{n}")
    return aside


class SearchIndexes:
    """Both editions' search indexes for the site built into `out`, made in `folder`
    (`indexes_folder`); `ours`: the site now in `out` is dap's, so its indexes may be carried
    over. Small once `stow`ed: it is sent from the build's forked child to the build's own
    process, which makes the indexes (build.py)."""

    def __init__(self, out: Path, folder: Path, ours: bool, uk: list[Entry], en: list[Entry]):
        self.folder = folder
        self.entries = [uk, en]
        self.homes = [out / sub / INDEX_FOLDER for _ed, sub, _stage in EDITIONS]
        self.previous = [home if ours else None for home in self.homes]
        # each index's key where it may be carried over (`carried_over`); else none here: it
        # only names the new index's manifest, and is made with the index (`write_index`,
        # while Pagefind builds it), not on the single-core path between the pages and
        # MkDocs of the process that makes the entries (issue 22, sixteenth session)
        self.keys = [
            index_key(entries) if previous is not None else None
            for entries, previous in zip(self.entries, self.previous, strict=True)
        ]
        self.sizes = [(0, 0), (0, 0)]  # each edition's entries and characters, once stowed
        self.stowed_bytes = [0, 0]  # each edition's entries' file, once stowed
        self.stowed = False
        self.written = False
        # each edition's index files with their sizes, taken as soon as both are made (by
        # the process that made them: issue 22, the site's child while the datasets' child
        # works, not the build's own process after the child has ended)
        self.files: list[dict[str, int]] = [{}, {}]

    def carried_over(self) -> bool:
        """Whether both Pagefind indexes will be carried over from the previous site."""
        return all(
            previous is not None and made_from(previous) == key
            for previous, key in zip(self.previous, self.keys, strict=True)
        )

    def stow(self) -> None:
        """Put each edition's entries in a file of the folder and drop them here: the process
        that makes the indexes then holds one edition's at a time, and never held the data
        they were made from (issue 22)."""
        for n, entries in enumerate(self.entries):
            with open(self.folder / f"entries-{n}.pickle", "wb") as f:
                pickle.dump(entries, f, protocol=pickle.HIGHEST_PROTOCOL)
                self.stowed_bytes[n] = f.tell()
            self.sizes[n] = (len(entries), indexed_chars(entries))  # `beside`
        self.entries = [[], []]
        self.stowed = True

    def _take(self, n: int) -> list[Entry]:
        """Edition `n`'s entries, read back if stowed; not kept here."""
        entries, self.entries[n] = self.entries[n], []
        if self.stowed:
            path = self.folder / f"entries-{n}.pickle"
            with open(path, "rb") as f:
                entries = pickle.load(f)
            path.unlink()
        return entries

    def write(self, stage: Callable[[str], ContextManager[None]]) -> None:
        """Make both indexes into the folder (stages "search" and "search en"): the English
        one in a forked child beside the Ukrainian one where memory allows (`beside`), else
        one after the other. Each stage's CPU is its edition's: this process's and its
        Pagefind's for "search"; the child's and its Pagefind's for "search en" (counted
        when it is waited for, in that stage). "search en"'s seconds: what is left of the
        English index once the Ukrainian one is made (the wait), so that the stages' seconds
        still add up to the build's."""
        drop = not self.carried_over()  # Pagefind to run beside this process: it made small
        child: Forked | None = None
        with stage(EDITIONS[0][2]):
            if drop:
                drop_garbage()  # counted in the stage it is done for
                if self.beside():  # the two Pagefinds at once: the second core kept busy
                    child = Forked(
                        N_("search index in English"), self._write_beside, 1, os.getpid()
                    )
            try:
                self._write_one(0)
            except BaseException:
                if child is not None:
                    child.cancel()
                raise
        with stage(EDITIONS[1][2]):
            if child is not None:
                child.result()  # its end waited for: its CPU and its Pagefind's counted here
            else:
                self._write_one(1)
        self.files = [file_sizes(self.folder / sub / INDEX_FOLDER) for _ed, sub, _ in EDITIONS]
        self.written = True

    def _write_one(self, n: int) -> None:
        """Make edition `n`'s index into the folder."""
        ed, sub, _name = EDITIONS[n]
        (self.folder / sub).mkdir(parents=True, exist_ok=True)
        write_index(
            self._take(n), self.folder / sub, self.previous[n], ed, self.homes[n], self.keys[n]
        )

    def _write_beside(self, n: int, parent: int) -> None:
        """Make edition `n`'s index in a forked child of `parent`, at a lower priority
        (`BESIDE_NICENESS`, which its Pagefind inherits) than the Ukrainian index's: the
        cores go to the Ukrainian one first. Where `Forked` runs the work inline (it could
        not fork) this is `parent` itself, and its priority stays."""
        if os.getpid() != parent:
            with contextlib.suppress(OSError):
                os.nice(BESIDE_NICENESS)
        self._write_one(n)

    def beside(self) -> bool:
        """Whether the English index may be made in a forked child while this process makes
        the Ukrainian one: both Pagefinds' expected peaks (`pagefind_mb`), this process and
        its copy within `parallel.FORK_BUDGET_MB` (issue 22's ≤ 1 GB). At 2,000 measures
        ~0.75 GB: beside; at 4,000 the Ukrainian Pagefind alone is ~0.8 GB: one after the
        other. Only once stowed (the entries are in files, not copied into the child)."""
        from ..parallel import FORK_BUDGET_MB, can_fork, resident_mb

        if not self.stowed or not can_fork():
            return False
        # this process and its copy; each edition's entries read back, ~3 times their file
        held = 2 * resident_mb() + 3 * sum(self.stowed_bytes) / 2**20
        return held + sum(pagefind_mb(*size) for size in self.sizes) <= FORK_BUDGET_MB

    def place(self, staging: Path) -> list[Path]:
        """Move both indexes into the staging site (replacing what a spare site had there);
        returns where they now are (their files as `files` lists them: moved, not changed)."""
        assert self.written, "SearchIndexes.place before write"
        placed = []
        for _ed, sub, _stage in EDITIONS:
            target = staging / sub / INDEX_FOLDER
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif os.path.lexists(target):
                target.unlink()
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.folder / sub / INDEX_FOLDER, target)
            placed.append(target)
        return placed
