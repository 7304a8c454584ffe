"""The search stage of a build: both editions' indexes (site/search/) made in a folder of
their own and moved into the staging site at the end (issue 22).

Where the datasets are made in a forked process beside the pages (`build.Datasets`), the pages
are done first and this process waits for them. When both editions' Pagefind indexes will be
carried over from the previous site (the index's key is the one the previous site's manifest
names: only the daily index is made, in ~0.5 s and little memory), the indexes are made in that
wait instead of after MkDocs. Otherwise — Pagefind to run (~1 GB at 4,000 measures), no fork,
or no previous site — they are made after MkDocs, once the data is dropped, as before. The
files are the same either way: the folder is the indexes' alone, and `place` moves each into
the staging site in one rename (an index's files keep their inode and times, what
`search.Seen` records of them).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from pathlib import Path

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
    carries its index over makes the daily index alone, in little memory."""
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


class SearchIndexes:
    """Both editions' search indexes for the site built into `out` (`ours`: the site now in
    `out` is dap's, so its indexes may be carried over)."""

    def __init__(self, out: Path, ours: bool, uk: list[Entry], en: list[Entry]):
        self.out = out
        self.editions = [(UK, "", uk), (EN, EN_FOLDER, en)]
        self.keys = [index_key(entries) for _ed, _sub, entries in self.editions]
        self.homes = [out / sub / INDEX_FOLDER for _ed, sub, _entries in self.editions]
        self.previous = [home if ours else None for home in self.homes]
        self.folder: Path | None = None
        self.written = False

    def carried_over(self) -> bool:
        """Whether both Pagefind indexes will be carried over from the previous site."""
        return all(
            previous is not None and made_from(previous) == key
            for previous, key in zip(self.previous, self.keys, strict=True)
        )

    def write(self, stage: Callable[[str], ContextManager[None]]) -> None:
        """Make both indexes into this stage's own folder beside `out` (stages "search" and
        "search en")."""
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.", dir=self.out.parent))
        drop = not self.carried_over()  # Pagefind to run beside this process: it made small
        names = ("search", "search en")
        for name, (ed, sub, entries), previous, home, key in zip(
            names, self.editions, self.previous, self.homes, self.keys, strict=True
        ):
            with stage(name):
                if drop:
                    drop_garbage()  # counted in the stage it is done for
                    drop = False
                (self.folder / sub).mkdir(parents=True, exist_ok=True)
                write_index(entries, self.folder / sub, previous, ed, home, key)
        self.editions = [(ed, sub, []) for ed, sub, _entries in self.editions]  # not needed now
        self.written = True

    def place(self, staging: Path) -> list[Path]:
        """Move both indexes into the staging site (replacing what a spare site had there);
        returns where they now are."""
        assert self.folder is not None, "SearchIndexes.place before write"
        placed = []
        for _ed, sub, _entries in self.editions:
            target = staging / sub / INDEX_FOLDER
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif os.path.lexists(target):
                target.unlink()
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.folder / sub / INDEX_FOLDER, target)
            placed.append(target)
        return placed

    def __enter__(self) -> SearchIndexes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def remove(self) -> None:
        """Remove this stage's own folder (what `place` did not move: nothing, or all of it
        when the build failed)."""
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
