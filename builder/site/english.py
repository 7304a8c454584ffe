"""The English edition's pages and search entries, made in a forked process beside the
Ukrainian ones (issue 22: on two CPUs the clean build's "pages" and "pages en" stages, ~9 and
~5 s of CPU at 2,000 measures, ran one after the other while the second CPU was mostly idle).

The child writes the English pages into the docs folder with a writer of its own and sends
back what the build's writer and page keys must know of them — the names, sizes and digests
of the files it wrote or kept, its page keys (`forkedkeys.KeysMade`) and the English search
entries — never a page's text; `EnglishPages.result` folds them into the build's writer and
keys, which then hold exactly what they would had this process made the English pages
itself. Where forking is not possible, or the processes would not fit the memory budget
(`parallel.can_fork_copies`: at 4,000 measures they do not), the English pages are made at
`result`, in this process, after the Ukrainian ones, as before.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..compute import id_sort_key
from ..i18n import N_
from ..output import Writer
from ..parallel import Forked, can_fork_copies, resident_mb
from ..wording import EN
from . import forkedkeys
from .context import Site, Trails
from .editions import EN_FOLDER
from .pagekeys import PageKeys
from .pages import DOWNLOADS_PAGE, edition_pages, prime_parts
from .search.entries import Entry, nav_entries, search_entries


def write_pages(writer: Writer, pages: Iterable[tuple[str, str]], but: str = "") -> None:
    """Write the generated pages as they come, each dropped once written (issue 22), but the
    one at `but` (made again later)."""
    for path, text in pages:
        if path != but:
            writer.write(path, text)


@dataclass
class EnglishMade:
    """What the English edition's child made: its writer (the files' names, sizes and
    digests), what its page keys made, and the English search entries."""

    writer: Writer
    keys: forkedkeys.KeysMade
    search: list[Entry]


class EnglishPages:
    """The English edition's pages (but the downloads page, made after the datasets) and its
    search entries: started in a forked process when `fork` and memory allow (`children`
    other forked copies of this process alive beside it), else made at `result`."""

    def __init__(
        self,
        english: Site,
        keys: PageKeys,
        docs_dir: Path,
        mkdocs_yml: Path,
        fork: bool = True,
        children: int = 0,
    ):
        self.english, self.keys, self.mkdocs_yml = english, keys, mkdocs_yml
        self.child: Forked | None = None
        # `children` copies beside (the datasets'), the child, and the two editions' growth
        # (~a third of this process: measured 251 → ~370 MB at 2,000 measures); at 4,000 this
        # process is ~530 MB here, so the fork is refused (2 × 530 + 176 > 1,024)
        if fork and can_fork_copies(children + 1, growth_mb=resident_mb() / 3):
            keys.read()  # read once, here: the child inherits it, its notes are this process's
            # what both editions' measure pages are made of, made once here for both: every
            # view's digest and (all pages rendered) every measure's steps
            mids = list(english.data.measures)
            keys.prime(english, mids)
            if isinstance(english.steps_of, Trails):
                english.steps_of.make(sorted(mids, key=id_sort_key))
            # and what both editions' aggregate pages and parts are made of: the group's
            # digest, the aggregate view, each part's view and digest
            prime_parts(english, keys)
            self.child = Forked(
                N_("the pages in English"), _english, english, keys, docs_dir, mkdocs_yml
            )

    def result(self, writer: Writer) -> list[Entry]:
        """The English search entries, the pages written (waiting for the child) and counted
        by `writer` and the page keys as if made here; made here now when not forked."""
        if self.child is None:
            return _make(self.english, self.keys, writer, self.mkdocs_yml)
        made: EnglishMade = self.child.result()
        writer.absorb(made.writer)
        forkedkeys.absorb(self.keys, made.keys)
        return made.search

    def cancel(self) -> None:
        """Stop the child (the Ukrainian pages failed)."""
        if self.child is not None:
            self.child.cancel()


def _make(english: Site, keys: PageKeys, writer: Writer, mkdocs_yml: Path) -> list[Entry]:
    """Write the English pages with `writer` and `keys`; their search entries."""
    write_pages(writer, edition_pages(english, keys), but=f"{EN_FOLDER}/{DOWNLOADS_PAGE}")
    return search_entries(english, keys) + nav_entries(mkdocs_yml, EN)


def _english(english: Site, keys: PageKeys, docs_dir: Path, mkdocs_yml: Path) -> EnglishMade:
    """The forked child's work: the English pages with a writer of its own, and what it and
    the keys (a copy made before any page) made, for the parent to take."""
    gc.disable()  # its own objects make no cycles, as in the parent (cli.main)
    writer = Writer(docs_dir)
    search = _make(english, keys, writer, mkdocs_yml)
    return EnglishMade(writer, forkedkeys.made(keys), search)
