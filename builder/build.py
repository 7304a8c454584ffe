"""`dap build`: the data folder in, a finished static site (with its datasets) out.

Gather everything, then write: the data is loaded, validated and computed in memory before a
byte is written; the site is built in a folder beside the output and swapped in at the end,
so a failed build leaves the previous output untouched. The stages from load to MkDocs run in
a forked child (`make_site`) that ends before the search stage, so that the process beside
Pagefind never held the data (issue 22).
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .cache import forget_reads
from .compute import Snapshot
from .compute_kept import Kept
from .errors import BuildError, DataError
from .fingerprint import Inputs, code_digest, inputs, remember, unchanged
from .git.history import History
from .i18n import N_, _, ngettext
from .load import Dataset, paths_only
from .opendata.downloads import DownloadFile, write_downloads
from .opendata.incremental import PackageStore
from .output import Writer, remove_spare, spare_of, swap
from .parallel import (
    Forked,
    can_fork_copies,
    release_free_memory,
    resident_mb,
)
from .project import Project, open_project
from .site.context import prepare
from .site.editions import EN_FOLDER
from .site.indexes import SearchIndexes, indexes_folder, set_aside_spare_indexes
from .site.pagekeys import PageKeys
from .site.pages import DOWNLOADS_PAGE, banner_front_matter, edition_pages
from .site.reuse import OUTPUT_MARK
from .site.search.entries import nav_entries, search_entries
from .stats import SeenFiles, stats_seen
from .validate import validate
from .valuedigest import KeptDigests
from .versions import dataset_as_of
from .wording import EN

if TYPE_CHECKING:
    from .site.english import EnglishPages

DOCS_MARK = ".dap-docs"  # marks a generated docs folder, which each build rewrites
MAX_PAGE_BYTES = 150 * 1024

Progress = Callable[[str, float | None, str], None]  # stage, seconds (None: it starts), detail

# The stages of a build as a person reads them (the names are keys of BuildResult.timings).
STAGES = {
    "inputs": N_("inputs checked"),
    "load and validate": N_("load and validate"),
    "history": N_("history"),
    "compute": N_("compute"),
    "datasets": N_("datasets"),
    "pages": N_("pages"),
    "pages en": N_("pages in English"),
    "mkdocs": N_("mkdocs"),
    "mkdocs en": N_("mkdocs in English"),
    "search": N_("search index"),
    "search en": N_("search index in English"),
    "swap": N_("swap"),
}


@dataclass
class BuildResult:
    """What a build made: where, how many pages, how big, and how long each stage took."""

    out: Path
    pages: int = 0
    files: int = 0
    size: int = 0
    largest: tuple[str, int] = ("", 0)
    heavy: list[tuple[str, int]] = field(default_factory=list)  # HTML pages over MAX_PAGE_BYTES
    timings: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # each stage's CPU seconds (`_stages`)
    warnings: list[str] = field(default_factory=list)
    changed: int = 0  # generated docs files written anew (the others kept their bytes)
    reused: int = 0  # record pages whose HTML came from the previous site unchanged
    packages: tuple[int, int] = (0, 0)  # data packages taken from the store, built anew
    notes: list[str] = field(default_factory=list)  # one line each: a stored part not used
    search_entries: int = 0  # entries of the search index
    unchanged: bool = False  # nothing the build reads had changed: the output was kept as is


def build(
    data_dir: Path,
    out: Path,
    as_of: dt.date | None = None,
    computed_on: dt.date | None = None,
    docs_dir: Path | None = None,
    project: Project | None = None,
    progress: Progress | None = None,
    page_budget: int = MAX_PAGE_BYTES,
) -> BuildResult:
    """Build the site from `data_dir` into `out` (replaced only when the build succeeds).

    `project` (default: the working folder) gives the MkDocs template and the default docs
    folder; `docs_dir` overrides the latter. A page heavier than `page_budget` bytes fails
    the build (`check_budget`)."""
    computed_on = computed_on or dt.date.today()
    as_of = as_of or computed_on
    project = project or open_project()
    docs_dir = docs_dir or project.docs
    result = BuildResult(out)
    stage = _stages(result, progress)
    check_output(out)
    with stage("inputs"):  # issue 22: a build with nothing to do does nothing
        found = build_inputs(data_dir, out, docs_dir, project, as_of, computed_on, page_budget)
        if kept_as_is(found, out, docs_dir, result):
            return result
        code_digest()  # the code this process runs, named by every key the build makes of it
    with (
        docs_lock(docs_dir),  # one build at a time writes a docs folder
        staging_folder(out) as staging,  # the HTML site, beside the output
        indexes_folder(out) as folder,  # the search indexes, moved into the site at the end
    ):
        job = SiteJob(
            data_dir, out, docs_dir, project.site, as_of, computed_on, page_budget, found.seen
        )
        # issue 22: the spare site's old search indexes out of it before the child may take
        # it, and removed here while the child works, not replaced by `place` after it ends
        stale = set_aside_spare_indexes(out, folder)
        # issue 22: the stages from load to MkDocs in a forked child, which ends before the
        # search stage: the process beside Pagefind (~1 GB at 4,000 measures) never held the
        # data, which a Python process cannot give back once it has held it (fragmentation)
        child = Forked(
            N_("the site (from the data to the HTML pages)"),
            make_site,
            job,
            result,
            staging,
            folder,
            os.getpid(),
            daemon=False,
            heard=progress or _unheard,
            fork=can_fork_copies(1),  # this process is small here: its copy costs little
        )
        if child.forked:  # the child has them: this process is the one beside Pagefind
            found.seen.forget()  # the data's 73,000 files seen at 4,000 measures
            release_free_memory()
        for index in stale:
            shutil.rmtree(index, ignore_errors=True)
        try:  # issue 22: the child's end (its memory given back) waited for after our work
            made = child.result(reap=False)
        except BaseException:
            child.cancel()
            raise
        try:
            _take(result, made.result)  # the child's stages: timings, counts, warnings, notes
            indexes = made.indexes
            if not indexes.written:  # the Pagefind index, from the data (not from the pages)
                child.reap()  # the child's memory given back before Pagefind takes its own
                indexes.write(stage)
            indexes.place(staging)  # each edition's index into its site
            for sizes in indexes.files:  # measured as they were made (site/indexes.py)
                measure_files(sizes, result, page_budget)
        except BaseException:
            child.reap()
            raise
    try:
        with stage("swap"):  # the new site replaces the old one in one rename
            swap(staging, out, keep_spare=True)  # the old site: the next rebuild's staging
        remember(found, out, [out, docs_dir], _told(result))  # for the next build (issue 22)
    finally:
        child.reap()  # ended by now, or about to (a daily rebuild: ~0.1 s not waited for)
    return result


@dataclass(frozen=True)
class SiteJob:
    """What the stages from load to MkDocs are given (`make_site`)."""

    data_dir: Path
    out: Path
    docs_dir: Path
    site_dir: Path
    as_of: dt.date
    computed_on: dt.date
    page_budget: int
    seen: SeenFiles  # the data's files as the inputs stage saw them (stats.stats_seen)


@dataclass
class SiteMade:
    """What the stages from load to MkDocs made: the build's result so far, and the search
    indexes (written, or their entries stowed for the build's own process to write)."""

    result: BuildResult
    indexes: SearchIndexes


def make_site(
    tell: Progress, job: SiteJob, result: BuildResult, staging: Path, folder: Path, parent: int
) -> SiteMade:
    """Load, validate, compute, write the docs (pages and datasets) and the HTML site into
    `staging`; the search indexes too when only the daily index is to be made, else their
    entries stowed in `folder` when this is a forked child of `parent` (`build`)."""
    stage = _stages(result, tell)
    data_dir, docs_dir, site_dir = job.data_dir, job.docs_dir, job.site_dir
    with stage("load and validate"):  # every record read and checked before anything is written
        with stats_seen(data_dir, job.seen):  # as the inputs stage saw them (issue 22)
            data, problems = validate(data_dir, str(data_dir), notes=result.notes)
        if any(p.severity == "error" for p in problems):
            raise DataError(problems)
        data = dataset_as_of(data, job.as_of)  # each measure as in force on the date shown
        # issue 22: what only the load and the rules read, dropped before the next stages
        # allocate, so that they reuse its room: the files seen, their blob ids, each value's
        # position in its file (~110 MB less resident at the pages' fork at 4,000 measures)
        job.seen.forget()
        forget_reads()
        data = paths_only(data)
        release_free_memory()
    with stage("history"):  # `git log` passes: submissions, approvals, preparers, "last changed"
        kept = Kept(data_dir)  # issue 22: the previous build's history and snapshots
        history = kept.history()  # only the commits since the kept one read
    with stage("compute"):  # statuses, due reports, aggregates, scores at every quarter end
        snapshots = kept.snapshots(data, history, job.as_of, job.computed_on)  # touched only
        result.notes += kept.notes
    # issue 22: the datasets (the downloads/ area) are made in a forked process beside the
    # pages when memory allows (`Datasets`); the pages wait for them only to be written
    fresh = not (docs_dir / DOCS_MARK).exists()  # no previous pages: every page is rendered
    writer = docs_writer(docs_dir, site_dir / "pages")
    banners = banner_front_matter(data, job.computed_on)
    datasets = Datasets(data, history, snapshots, docs_dir, banners, data_dir, kept.digested)
    del kept  # its values' digests: the datasets' (issue 22: not held through MkDocs)
    # issue 22: what only the pages and MkDocs stages use, imported once the datasets' child
    # is forked (it never uses them), not on the single-core path before it; before any
    # fork of this process's own (the English pages, the English MkDocs): imported once
    from .opendata.pages import dictionary_markdown, downloads_markdown
    from .site.english import EnglishPages, write_pages

    english_pages: EnglishPages | None = None
    try:
        with stage("pages"):  # every page as Markdown, plus the data behind the filter
            site = prepare(data, snapshots, history, None, dictionary_markdown(), __version__)
            keys = PageKeys.for_docs(docs_dir)  # issue 22: unchanged record pages not rendered
            # the English edition: the same Site, its pages in English; issue 22: made in a
            # forked process beside the Ukrainian ones when every page is to be rendered and
            # memory allows (site/english.py); a rebuild's few pages reuse the Ukrainian
            # ones' keys, which a child would make again
            english = replace(site, ed=EN, dictionary_md=dictionary_markdown(EN))
            mkdocs_yml = site_dir / "mkdocs.yml"
            english_pages = EnglishPages(
                site, english, keys, docs_dir, mkdocs_yml, fresh, 0 if datasets.child is None else 1
            )
            # issue 22: each edition's pages written as soon as made, not held to the end of
            # the datasets (~0.3 GB of text at 4,000 measures); the downloads page after them
            write_pages(writer, english_pages.pages(), but=DOWNLOADS_PAGE)
        with stage("pages en"):  # made here, or the forked ones waited for and taken in
            search_en = english_pages.result(writer)
            # the search index's entries come from the data, so they are made before it goes;
            # after every page's key is known here (the forked ones taken in)
            search = search_entries(site, keys) + nav_entries(mkdocs_yml)
        # issue 22: the search indexes while the datasets' child works, when only the daily
        # index is to be made (site/indexes.py); else after MkDocs, once the data is dropped
        ours = (job.out / OUTPUT_MARK).is_file()
        indexes = SearchIndexes(job.out, folder, ours, search, search_en)
        result.search_entries = len(search)
        del search, search_en
        if datasets.child is not None and indexes.carried_over():
            indexes.write(stage)
        elif os.getpid() != parent:  # the build's own process makes them, after this one ends
            indexes.stow()  # now: not held through the datasets and MkDocs
    except BaseException:
        if english_pages is not None:
            english_pages.cancel()
        datasets.cancel()
        raise
    with stage("datasets"):  # waited for here; then every generated file is in place
        # issue 22: the pages' keys recorded while the datasets' child works (~0.3 s off a
        # daily rebuild's path): they name only keyed pages, all written by now
        keys.keep(writer)  # their files stay as the previous build wrote them
        keys.save(writer.sums)
        from .site.mkdocs import ready_spare  # as make_html: after the forks

        made = ready_spare(site_dir, job.out)  # a rebuild's spare site, if it has none yet
        try:
            files = datasets.result(writer, result)
        except BaseException:
            if made:  # a failed build leaves beside the output what it found there
                remove_spare(job.out)
            raise
        site.downloads_md = downloads_markdown(files)  # they list the files, with sizes
        english.downloads_md = downloads_markdown(
            files, f"{EN_FOLDER}/downloads.md", f"{EN_FOLDER}/dictionary.md", EN
        )
        write_pages(writer, edition_pages(site, only=DOWNLOADS_PAGE))
        write_pages(writer, edition_pages(english, only=DOWNLOADS_PAGE))
        writer.prune(keep=frozenset({DOCS_MARK}))  # pages of records no longer in the data
        result.changed = len(writer.written) - writer.unchanged  # the others kept their bytes
        result.notes += keys.notes
        del site, english, english_pages, data, history, snapshots  # issue 22: not read after this
    release_free_memory()  # before MkDocs and its forked second process
    make_html(job, writer, staging, result, stage)
    if not indexes.written and not indexes.stowed:  # made here (no fork) after MkDocs
        release_free_memory()  # what MkDocs freed given back first
    return SiteMade(result, indexes)


def make_html(
    job: SiteJob,
    writer: Writer,
    staging: Path,
    result: BuildResult,
    stage: Callable[[str], ContextManager[None]],
) -> None:
    """The MkDocs stages: both editions' HTML site into `staging` (a rebuild brings the spare
    site up to date, the two editions at the same time: site/mkdocs.py); every page measured
    against the budget (`check_budget`)."""
    from .site.mkdocs import Beside, plan_html, run_plan, use_spare  # after the fork (make_site)

    out, docs_dir = job.out, job.docs_dir
    with stage("mkdocs"):  # the Ukrainian edition, and the English one started beside it
        english_digests = {
            path[len(EN_FOLDER) + 1 :]: digest
            for path, digest in writer.digests.items()
            if path.startswith(EN_FOLDER + "/")
        }
        spare = spare_of(out)  # a rebuild brings it up to date (site/rebuild.py)
        ukrainian, english_plan = use_spare(
            out,
            staging,
            [
                plan_html(job.site_dir, docs_dir, out, writer.digests, spare=spare),
                plan_html(
                    job.site_dir,
                    docs_dir / EN_FOLDER,
                    out / EN_FOLDER,
                    english_digests,
                    EN,
                    spare / EN_FOLDER,
                ),
            ],
        )
        english_html = Beside(english_plan, staging / EN_FOLDER, ukrainian)
        try:
            result.warnings, result.reused, sizes = run_plan(ukrainian, staging)
        except BaseException:
            english_html.cancel()
            raise
    with stage("mkdocs en"):  # the English edition into en/, with the root's assets
        warnings, reused, english_sizes = english_html.result()
        result.warnings += warnings
        result.reused += reused
        sizes.update((f"{EN_FOLDER}/{rel}", n) for rel, n in english_sizes.items())
        measure_files(sizes, result, job.page_budget)  # as listed: no walk over the site
        check_budget(result, job.page_budget)


def _unheard(*message: object) -> None:
    """No progress shown."""


def _take(result: BuildResult, other: BuildResult) -> None:
    """`result` made what `other` (the same build's, in its forked child) says."""
    if other is not result:
        for part in fields(BuildResult):
            setattr(result, part.name, getattr(other, part.name))


# ---------------------------------------------------------------- nothing to do (issue 22)


def build_inputs(
    data_dir: Path,
    out: Path,
    docs_dir: Path,
    project: Project,
    as_of: dt.date,
    computed_on: dt.date,
    page_budget: int,
) -> Inputs:
    """The fingerprint of everything this build reads (builder/fingerprint.py): the data, its
    history, dap's code, the project's site and schemas, the packages, and every option."""
    options = {
        "as_of": as_of,
        "computed_on": computed_on,
        "out": out.resolve(),
        "docs": docs_dir.resolve(),
        "site": project.site.resolve(),
        "tables": project.tables.resolve(),
        "page_budget": page_budget,
    }
    return inputs(data_dir, [project.site, project.tables], options, [out, docs_dir])


def kept_as_is(found: Inputs, out: Path, docs_dir: Path, result: BuildResult) -> bool:
    """Whether the last build into `out` was made from the same inputs and its site and docs
    are as it left them; then `result` tells what that build made, and nothing is written."""
    told = unchanged(found, out, [out, docs_dir])
    if told is None:
        return False
    result.unchanged = True
    result.pages, result.files, result.size = told["pages"], told["files"], told["size"]
    result.largest = (str(told["largest"][0]), int(told["largest"][1]))
    result.search_entries = told["search_entries"]
    return True


def _told(result: BuildResult) -> dict[str, object]:
    """What a build remembers of itself for a next build that has nothing to do."""
    return {
        "pages": result.pages,
        "files": result.files,
        "size": result.size,
        "largest": list(result.largest),
        "search_entries": result.search_entries,
    }


# ---------------------------------------------------------------- stages


def _stages(
    result: BuildResult, progress: Progress | None
) -> Callable[[str], ContextManager[None]]:
    @contextmanager
    def stage(name: str) -> Iterator[None]:
        if progress:
            progress(name, None, "")
        start, cpu = time.perf_counter(), _cpu()
        yield
        seconds = time.perf_counter() - start
        result.timings[name] = seconds
        result.cpu[name] = _cpu() - cpu
        if progress:
            progress(name, seconds, _detail(name, result))

    return stage


def _cpu() -> float:
    """The CPU seconds of the process running the stage and of its children it has waited for
    (a forked stage's child, MkDocs' second process, Pagefind once it has ended)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _detail(name: str, result: BuildResult) -> str:
    if name == "datasets":  # the files of both editions are written at its end (issue 22)
        parts = []
        if any(result.packages):
            reused, built = result.packages
            parts.append(
                ngettext(
                    "{n} package unchanged kept, {built} built",
                    "{n} packages unchanged kept, {built} built",
                    reused,
                    built=built,
                )
            )
        parts.append(ngettext("{n} file changed", "{n} files changed", result.changed))
        return "; ".join(parts)
    if name == "search":
        return ngettext("{n} entry", "{n} entries", result.search_entries)
    if name == "mkdocs en":  # both editions counted
        parts = [ngettext("{n} page", "{n} pages", result.pages)]
        if result.reused:
            parts.append(ngettext("{n} unchanged kept", "{n} unchanged kept", result.reused))
        parts.append(_("{size} MB", size=format(result.size / 1e6, ".1f")))
        return ", ".join(parts)
    return ""


# ---------------------------------------------------------------- folders


def check_output(out: Path) -> None:
    """Refuse to replace a folder that `dap build` did not make."""
    if out.exists() and not out.is_dir():
        raise BuildError(_("{path} is a file — choose another --out", path=out))
    if out.is_dir() and any(out.iterdir()) and not (out / OUTPUT_MARK).exists():
        raise BuildError(
            _(
                "{folder}/ exists and was not made by dap build — choose another --out, "
                "or remove the folder yourself",
                folder=out,
            )
        )
    if not out.parent.is_dir():
        raise BuildError(
            _("{folder}/ does not exist — create it or choose another --out", folder=out.parent)
        )


@contextmanager
def docs_lock(docs_dir: Path) -> Iterator[None]:
    """Hold a lock beside the docs folder, or fail at once if another build holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock, builds must not overlap
        yield
        return
    key = hashlib.sha1(str(docs_dir.resolve()).encode()).hexdigest()[:16]
    lock = Path(tempfile.gettempdir()) / f"dap-docs-{key}.lock"  # never inside the project
    with open(lock, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise BuildError(
                _(
                    "another dap build is writing {folder}/ — wait for it to finish, "
                    "or give this build its own --docs-dir",
                    folder=docs_dir,
                )
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def docs_writer(docs_dir: Path, pages: Path) -> Writer:
    """A writer into the generated docs folder (made if missing), with the hand-written pages
    and assets of `pages` copied in. The folder is kept between builds: a file whose bytes
    are unchanged is not rewritten, and what a build did not write is removed at its end
    (`Writer.prune`), so the folder always holds exactly the latest build's pages."""
    if docs_dir.exists() and any(docs_dir.iterdir()) and not (docs_dir / DOCS_MARK).exists():
        raise BuildError(
            _(
                "{folder}/ exists and was not made by dap build — choose another folder",
                folder=docs_dir,
            )
        )
    docs_dir.mkdir(parents=True, exist_ok=True)
    (docs_dir / DOCS_MARK).write_text(
        "generated by dap build: every build rewrites this folder to its own pages\n"
    )
    writer = Writer(docs_dir)
    for path in sorted(pages.rglob("*")):
        if path.is_file():
            writer.write(path.relative_to(pages).as_posix(), path.read_bytes())
    return writer


@contextmanager
def staging_folder(out: Path) -> Iterator[Path]:
    """A new folder beside `out` for the site being built, removed if its `with` block fails."""
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    staging.chmod(0o777 & ~current_umask())  # mkdtemp makes it private; a site is not
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


class Datasets:
    """The datasets stage (`write_downloads` into the docs folder) in a forked process while
    this one makes the pages (issue 22: on two CPUs the daily rebuild's datasets and pages
    overlap), or at once in this process when forking is not possible or the two processes
    would not fit the memory budget (`parallel.can_fork_copies`). The files are the same
    either way; `result` waits for them and counts them as written by this build's writer."""

    def __init__(
        self,
        data: Dataset,
        history: History,
        snapshots: list[Snapshot],
        docs_dir: Path,
        banners: str,
        data_dir: Path,
        digested: KeptDigests | None = None,
    ):
        args = (data, history, snapshots, docs_dir, banners, data_dir, digested)
        self.child: Forked | None = None
        self.done: DatasetsMade | None = None
        if can_fork_copies(1, growth_mb=resident_mb()):
            self.child = Forked(N_("the datasets"), _write_datasets, *args, True)
        else:
            self.done = _write_datasets(*args, False)
            release_free_memory()  # issue 22: what they freed (~0.3 GB at 4,000), not held on

    def result(self, writer: Writer, result: BuildResult) -> list[DownloadFile]:
        """The files written (waiting for the child); `writer` and `result` told of them."""
        made = self.done if self.child is None else self.child.result()
        assert made is not None
        writer.absorb(made.writer)
        result.packages = made.packages
        result.notes += made.notes
        return made.files

    def cancel(self) -> None:
        """Stop the child (the pages failed)."""
        if self.child is not None:
            self.child.cancel()


@dataclass
class DatasetsMade:
    """What the datasets stage made: the files, the writer that wrote them (what it wrote),
    the packages taken from the store and built anew, the store's notes."""

    files: list[DownloadFile]
    writer: Writer
    packages: tuple[int, int]
    notes: list[str]


def _write_datasets(
    data: Dataset,
    history: History,
    snapshots: list[Snapshot],
    docs_dir: Path,
    banners: str,
    data_dir: Path,
    digested: KeptDigests | None,
    forked: bool,
) -> DatasetsMade:
    if forked:  # the child's own objects: no cycles to collect, as in the parent (cli.main)
        gc.disable()
    writer = Writer(docs_dir)
    store = PackageStore.for_data(data_dir)  # the previous build's packages
    files = write_downloads(
        data,
        history,
        snapshots,
        writer,
        prefix="downloads",
        front_matter=banners,
        store=store,
        digested=digested,
    )
    return DatasetsMade(files, writer, (len(store.reused), len(store.built)), store.notes)


def measure_files(sizes: dict[str, int], result: BuildResult, budget: int) -> None:
    """Count pages and bytes of the files listed with their sizes (site/mkdocs.run_plan); note
    every HTML page heavier than `budget`."""
    for rel in sorted(sizes):
        size = sizes[rel]
        result.files += 1
        result.size += size
        if rel.endswith(".html"):
            result.pages += 1
            if size > result.largest[1]:
                result.largest = (rel, size)
            if size > budget:
                result.heavy.append((rel, size))


# ---------------------------------------------------------------- page budget (issue 22)


def check_budget(result: BuildResult, budget: int) -> None:
    """Fail the build when a page passes the budget, naming each such page and its size: a
    page that grows with the data must be bounded (a summary, a filter, a paged list), not
    published heavier each quarter."""
    if not result.heavy:
        return
    heavy = sorted(result.heavy, key=lambda item: (-item[1], item[0]))
    pages = "; ".join(
        _("{page} ({size} KB)", page=rel, size=format(size / 1024, ".0f")) for rel, size in heavy
    )
    raise BuildError(
        ngettext(
            "{n} page is over the {budget} KB page budget: {pages} — bound what grows with "
            "the data on it (a summary, the filter, a paged list); the previous site is kept",
            "{n} pages are over the {budget} KB page budget: {pages} — bound what grows with "
            "the data on them (a summary, the filter, a paged list); the previous site is kept",
            len(heavy),
            budget=format(budget / 1024, "g"),
            pages=pages,
        )
    )


def current_umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------- for the command line


def progress_printer(terminal: bool, echo: Callable[..., None]) -> Progress:
    """On a terminal, the running stage ("… mkdocs"), replaced by its tick and time when it
    ends; piped or in CI, one plain line per finished stage. `echo` is click.echo's shape."""

    def show(stage: str, seconds: float | None, detail: str) -> None:
        name = _(STAGES.get(stage, stage))
        extra = f"  {detail}" if detail else ""
        if seconds is None:
            line = f"  … {name}"
            if terminal:
                echo(line, nl=False)
        elif terminal:
            took = _("{seconds} s", seconds=format(seconds, "6.2f"))
            line = f"\r\x1b[K  ✓ {name:<18} {took}{extra}"
            echo(line)
        else:
            took = _("{seconds} s", seconds=format(seconds, ".2f"))
            line = _("build: {stage}: {took}", stage=name, took=took) + extra
            echo(line)

    return show


def summary(result: BuildResult) -> list[str]:
    """The closing lines: where the site is, its size, its heaviest page, any warning."""
    lines = list(result.notes)
    if result.unchanged:  # issue 22: nothing was built
        return lines + [
            ngettext(
                "Nothing has changed since the last build: {folder}/ is already this site "
                "({n} page, {size} MB), left as it is; checked in {seconds} s",
                "Nothing has changed since the last build: {folder}/ is already this site "
                "({n} pages, {size} MB), left as it is; checked in {seconds} s",
                result.pages,
                folder=result.out,
                size=format(result.size / 1e6, ".1f"),
                seconds=format(sum(result.timings.values()), ".1f"),
            )
        ]
    lines += [
        ngettext(
            "Built {n} page ({files} files, {size} MB) into {folder}/ in {seconds} s; "
            "largest page {largest} ({largest_kb} KB)",
            "Built {n} pages ({files} files, {size} MB) into {folder}/ in {seconds} s; "
            "largest page {largest} ({largest_kb} KB)",
            result.pages,
            files=result.files,
            size=format(result.size / 1e6, ".1f"),
            folder=result.out,
            seconds=format(sum(result.timings.values()), ".1f"),
            largest=result.largest[0],
            largest_kb=format(result.largest[1] / 1024, ".0f"),
        )
    ]
    return lines  # no page over the budget: such a build fails (check_budget)
