"""The English edition's pages and search entries, made beside the Ukrainian ones by a forked
process (issue 22: on two CPUs the clean build's "pages" and "pages en" stages, ~9 and ~5 s of
CPU at 2,000 measures, ran one after the other while the second CPU was mostly idle).

The two processes share the pages of both editions as units of work (`pages.shared_units`:
the aggregate group, the parts and the measure pages by 32, each unit the same records' pages
in both editions): this process takes them from the front, the child from the back
(`Shared`), each the next one not taken, so that what the editions share (the
aggregate digest and view, a part's view and digest, a measure view's digest and steps) is
made once, by one of them, and the two end together whichever is faster. The child writes its
pages into the docs folder with a writer of its own and sends back what the build's writer
and page keys must know of them — the names, sizes and digests of the files it wrote or kept
and its page keys (`forkedkeys.KeysMade`), never a page's text; `EnglishPages.result` folds
them into the build's writer and keys, which then hold exactly what they would had this process
made every page itself, and makes the English search entries. Where forking is not possible,
or the processes would not fit the memory budget (`pages_fork_fits`: at 8,000 measures they do
not; at 4,000 only without the datasets' child beside), this process makes the Ukrainian pages and then, at `result`, the English ones,
as before.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..i18n import N_
from ..output import Writer
from ..parallel import Forked, can_fork_copies, resident_mb
from ..wording import EN
from . import forkedkeys
from .context import Site
from .editions import EN_FOLDER
from .pagekeys import PageKeys
from .pages import DOWNLOADS_PAGE, Unit, edition_pages, shared_units
from .search.entries import Entry, nav_entries, search_entries


def write_pages(writer: Writer, pages: Iterable[tuple[str, str]], but: str = "") -> None:
    """Write the generated pages as they come, each dropped once written (issue 22), but the
    one at `but` (made again later)."""
    for path, text in pages:
        if path != but:
            writer.write(path, text)


class Shared:
    """`n` units of work (numbered 0 … n-1) shared by this process and one child it forks
    next: this process takes them from the front (`front`), the child from the back (`back`),
    each the next one not taken, until they meet, so that the two end together whichever is
    faster (issue 22). The two ends are kept in memory both processes map (made here, before
    the fork), behind its lock. Here, not in parallel.py: that module is among the data
    packages' code (`opendata.incremental.PACKAGE_CODE`), whose change makes them all anew."""

    def __init__(self, n: int) -> None:
        import multiprocessing

        self._ends = multiprocessing.get_context("fork").Array("i", [0, n])

    def _take(self, back: bool) -> int | None:
        with self._ends.get_lock():
            first, end = self._ends[0], self._ends[1]
            if first >= end:
                return None
            if back:
                self._ends[1] = end - 1
                return end - 1
            self._ends[0] = first + 1
            return first

    def front(self) -> Iterator[int]:
        """The units this process takes, in order from the first."""
        while (n := self._take(False)) is not None:
            yield n

    def back(self) -> Iterator[int]:
        """The units the child takes, in order from the last."""
        while (n := self._take(True)) is not None:
            yield n


# What the two processes sharing the pages add to the tree's resident memory beyond their
# copies of this process at the fork (their own growth, the build's process beside them), as
# a share of this process's size there: measured at 4,000 measures (`benchmarks/stages.py
# memory`, sixteenth session): 390 MB here, the tree's peak in the pages 935 MB = 2 × 390 + 156
# (0.40; the fifteenth session's estimate, a third, was calibrated on a child that copied a
# primed heap)
PAGES_GROWTH = 0.4
# The build's own process beside the site's child and its pages' child (`build.build`: ~50 MB
# in `benchmarks/stages.py memory` at 2,000 to 8,000 measures) is in the tree's memory too:
# left out, a site's child of ~425 MB at 4,000 measures (its datasets made in it first, its
# record cache warm: `stages.py memory`) was let fork, and the tree peaked at 1,039 MB
# (sixteenth session)
BESIDE_MB = 50


def pages_fork_fits(children: int) -> bool:
    """Whether a child sharing the pages fits the memory budget beside this process and
    `children` other forked copies of it (the datasets'), with the measured growth
    (`PAGES_GROWTH`) and the build's process beside (`BESIDE_MB`): at 4,000 measures it does
    alone (~390 MB here after the datasets made in this process), not beside the datasets'
    child (3.4 × ~320 MB), nor at 8,000 (~700 MB)."""
    return can_fork_copies(children + 1, growth_mb=resident_mb() * PAGES_GROWTH + BESIDE_MB)


@dataclass
class EnglishMade:
    """What the child made: its writer (the files' names, sizes and digests) and what its page
    keys made."""

    writer: Writer
    keys: forkedkeys.KeysMade


class EnglishPages:
    """The English edition's pages (but the downloads page, made after the datasets) and its
    search entries: the pages of both editions shared with a forked process when `fork` and
    memory allow (`children` other forked copies of this process alive beside it), this
    process's share made by `pages`; else the Ukrainian ones made by `pages` and the English
    ones at `result`."""

    def __init__(
        self,
        site: Site,
        english: Site,
        keys: PageKeys,
        docs_dir: Path,
        mkdocs_yml: Path,
        fork: bool = True,
        children: int = 0,
    ):
        self.site, self.english, self.keys, self.mkdocs_yml = site, english, keys, mkdocs_yml
        self.child: Forked | None = None
        self.units: list[Unit] = []
        if fork and pages_fork_fits(children):
            keys.read()  # read once, here: the child inherits it, its notes are this process's
            units = shared_units([site, english], keys)
            try:
                self.shared = Shared(len(units))
            except (OSError, ImportError):  # no shared memory or semaphores here: no fork
                return
            self.units = units
            self.child = Forked(
                N_("the pages (the second process)"),
                _english,
                self.units,
                self.shared,
                keys,
                docs_dir,
            )

    def pages(self) -> Iterator[tuple[str, str]]:
        """The pages this process makes, one (docs path, text) at a time: its share of both
        editions' when forked, else the Ukrainian edition's (the English ones at `result`)."""
        if self.child is None:
            return edition_pages(self.site, self.keys)
        return (page for n in self.shared.front() for page in self.units[n]())

    def result(self, writer: Writer) -> list[Entry]:
        """The English search entries, the pages written (waiting for the child) and counted
        by `writer` and the page keys as if made here; made here now when not forked."""
        if self.child is None:
            pages = edition_pages(self.english, self.keys)
            write_pages(writer, pages, but=f"{EN_FOLDER}/{DOWNLOADS_PAGE}")
        else:
            made: EnglishMade = self.child.result()
            writer.absorb(made.writer)
            forkedkeys.absorb(self.keys, made.keys)
        return search_entries(self.english, self.keys) + nav_entries(self.mkdocs_yml, EN)

    def cancel(self) -> None:
        """Stop the child (the Ukrainian pages failed)."""
        if self.child is not None:
            self.child.cancel()


def _english(units: list[Unit], shared: Shared, keys: PageKeys, docs_dir: Path) -> EnglishMade:
    """The forked child's work: its share of the `units`, taken from the back, with a writer of
    its own, and what it and the keys (a copy made before any page) made, for the parent to
    take."""
    gc.disable()  # its own objects make no cycles, as in the parent (cli.main)
    writer = Writer(docs_dir)
    write_pages(writer, (page for n in shared.back() for page in units[n]()))
    return EnglishMade(writer, forkedkeys.made(keys))
