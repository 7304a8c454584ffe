"""Running MkDocs on the generated docs folder: in one or two processes."""

from __future__ import annotations

import functools
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import BuildError
from ..i18n import N_, _
from ..parallel import Forked, can_fork_copies, resident_mb
from ..project import user_cache
from ..wording import UK, Edition
from .direct import plugin as direct_html
from .editions import config_overrides, edition_key, shared_assets_plugin
from .reuse import (
    OUTPUT_MARK,
    carry_over,
    html_path,
    record_pages,
    reusable_pages,
    site_key,
    write_manifest,
)

PARALLEL_MIN_PAGES = 400  # record pages from which MkDocs runs in two processes


@dataclass(frozen=True)
class HtmlPlan:
    """One edition's MkDocs run, decided before it starts: the site key, the record pages,
    and those carried over from the previous site `out` instead of rendered."""

    site_dir: Path
    docs_dir: Path
    out: Path
    digests: dict[str, str]
    ed: Edition
    key: str
    records: list[str]
    reuse: frozenset[str]

    @property
    def to_render(self) -> int:
        """How many record pages MkDocs renders."""
        return len(self.records) - len(self.reuse)


def plan_html(
    site_dir: Path, docs_dir: Path, out: Path, digests: dict[str, str], ed: Edition = UK
) -> HtmlPlan:
    """The run that builds edition `ed` of `docs_dir`, given the previous site `out`."""
    key, records = site_key(site_dir, edition_key(ed)), record_pages(docs_dir)
    reuse = reusable_pages(out, key, digests, records)
    return HtmlPlan(site_dir, docs_dir, out, digests, ed, key, records, reuse)


def run_plan(plan: HtmlPlan, target: Path) -> tuple[list[str], int]:
    """`plan` carried out into `target`: MkDocs' warnings, the pages carried over."""
    warnings = run_mkdocs_parallel(plan.site_dir, plan.docs_dir, target, plan.reuse, plan.ed)
    carry_over(plan.out, target, plan.reuse)
    (target / OUTPUT_MARK).write_text(f"dap {__version__}\n", encoding="utf-8")
    write_manifest(target, plan.key, plan.digests, plan.records)
    return warnings, len(plan.reuse)


class Beside:
    """A second edition's run (`plan` into `target`) beside the first one's (`first`): in a
    forked process at the same time when both are small — a rebuild renders a few pages of
    each, and the two runs took ~1 s each of a daily rebuild (issue 22) — and afterwards in
    this process otherwise (a clean build's runs each use both CPUs already). `result()`
    gives what `run_plan` gives, with the pages in `target`."""

    def __init__(self, plan: HtmlPlan, target: Path, first: HtmlPlan):
        self.plan, self.target = plan, target
        self.child: Forked | None = None
        self.part: Path | None = None
        small = max(plan.to_render, first.to_render) < PARALLEL_MIN_PAGES
        if small and can_fork_copies(1, growth_mb=resident_mb()):
            self.part = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.beside-", dir=target.parent.parent)
            )
            self.child = Forked(N_("MkDocs (the second edition)"), run_plan, plan, self.part)

    def result(self) -> tuple[list[str], int]:
        """The run's warnings and pages carried over, once its pages are in `target`."""
        if self.child is None or self.part is None:
            return run_plan(self.plan, self.target)
        try:
            value: tuple[list[str], int] = self.child.result()
            os.replace(self.part, self.target)
            return value
        finally:
            shutil.rmtree(self.part, ignore_errors=True)

    def cancel(self) -> None:
        """Stop the forked run (the first edition's failed) and remove what it wrote."""
        if self.child is not None and self.part is not None:
            self.child.cancel()
            shutil.rmtree(self.part, ignore_errors=True)


def run_mkdocs_parallel(
    site_dir: Path,
    docs_dir: Path,
    target: Path,
    reuse: frozenset[str] = frozenset(),
    ed: Edition = UK,
) -> list[str]:
    """MkDocs in two processes when there are many record pages and two CPUs; else in one.

    The child process renders every other record page into a folder of its own (with the
    nav's pages as empty stand-ins, so that every page gets the same sidebar); this process
    renders everything else. Record pages link to each other with raw HTML, which MkDocs does
    not check, so neither half misses a link target. The child's pages are then moved into
    `target`: the result is the site one process would have built. Pages in
    `reuse` are rendered by neither (`carry_over` brings their HTML from the previous site).
    """
    records = [page for page in record_pages(docs_dir) if page not in reuse]
    # issue 22: the forked child counts this process's pages again, and each process grows by
    # about as much again while MkDocs renders; over the fork budget, one process renders all
    if len(records) < PARALLEL_MIN_PAGES or not can_fork_copies(1, growth_mb=resident_mb()):
        return run_mkdocs(site_dir, docs_dir, target, skip=reuse, ed=ed)
    theirs = frozenset(records[::2])
    part = Path(tempfile.mkdtemp(prefix=f".{target.name}.part-", dir=target.parent))
    try:
        child = Forked(
            N_("MkDocs (the second process)"),
            functools.partial(run_mkdocs, ed=ed),
            site_dir,
            docs_dir,
            part,
            theirs,
        )
        try:
            messages = run_mkdocs(site_dir, docs_dir, target, skip=theirs | reuse, ed=ed)
        except BaseException:
            child.cancel()
            raise
        value = child.result()
        merge_part(part, target, theirs)
        return messages + value
    finally:
        shutil.rmtree(part, ignore_errors=True)


def merge_part(part: Path, target: Path, pages: frozenset[str]) -> None:
    """Move the child's pages into the site."""
    urls = {html_path(rel) for rel in pages}
    for url in urls:
        (target / url).parent.mkdir(parents=True, exist_ok=True)  # none of its kind here
        os.replace(part / url, target / url)


def run_mkdocs(
    site_dir: Path,
    docs_dir: Path,
    target: Path,
    only: frozenset[str] | None = None,
    skip: frozenset[str] = frozenset(),
    direct: bool = True,
    ed: Edition = UK,
) -> list[str]:
    """Build with MkDocs in strict mode; any warning (a broken link, say) fails the build.

    `skip`: docs pages left out. `only`: build just these pages, plus the nav's pages as empty
    stand-ins (for the sidebar), without static files. `direct`: pages of dap's own shape get
    their HTML without the Markdown round trip (`site/direct.py`); False builds every page
    through Markdown, as `mkdocs build` run by hand does. `ed`: the edition, whose MkDocs
    configuration is site/mkdocs.yml with `editions.config_overrides`.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException
    from mkdocs.plugins import BasePlugin
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    class Select(BasePlugin):  # type: ignore[type-arg]
        nav_pages: set[str] = set()

        def on_files(self, files: Files, config: object) -> Files:
            for file in list(files):
                page = file.is_documentation_page()
                if only is None:
                    drop = page and file.src_uri in skip
                else:
                    drop = not page or (
                        file.src_uri not in only and file.src_uri not in self.nav_pages
                    )
                if drop:
                    files.remove(file)
            return files

        def on_page_markdown(self, markdown: str, page: Page, **kwargs: object) -> str:
            if only is not None and page.file.src_uri not in only:
                return ""  # a stand-in: only its place in the nav counts
            return markdown

    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    old_propagate = logger.propagate
    logger.propagate = False  # MkDocs' warnings come back to the user through BuildError
    try:
        config = load_config(
            str(site_dir / "mkdocs.yml"),
            docs_dir=str(docs_dir.resolve()),
            site_dir=str(target.resolve()),
            strict=True,
            **config_overrides(site_dir, ed),
        )
        if only is not None or skip:
            select = Select()
            select.nav_pages = set(_nav_files(config["nav"] or []))
            config.plugins["dap-select"] = select
        if direct:  # after dap-select, whose stand-ins are empty
            config.plugins["dap-direct"] = direct_html()
        if ed.lang != "uk":  # the root's assets, not a copy (site/editions.py)
            config.plugins["dap-shared-assets"] = shared_assets_plugin()
        if direct:
            config.plugins["dap-linked-files"] = linked_files_plugin(docs_dir)
        templates = template_cache()
        if templates is not None:
            config.plugins["dap-template-cache"] = templates
        mkdocs_build(config)
    except MkDocsException as exc:
        detail = "; ".join(messages[:10]) or str(exc)  # MkDocs' own words, whole
        raise BuildError(_("MkDocs could not build the site:") + " " + detail) from exc
    finally:
        logger.removeHandler(handler)
        logger.propagate = old_propagate
    return messages


def linked_files_plugin(docs_dir: Path) -> Any:
    """The MkDocs plugin that hard-links dap's generated files (the data scripts, the
    downloads: ~3,400 files and 83 MB at 2,000 measures) from the docs folder into the site
    instead of copying them (issue 22). The docs folder is dap's own, and every write to it
    (`output.Writer`) replaces a file rather than changing it in place, so a file of the site
    never changes under it; where no link can be made (another file system), it is copied."""
    from mkdocs.plugins import BasePlugin
    from mkdocs.structure.files import File, Files

    root = str(docs_dir.resolve()) + os.sep

    def link(file: File, dirty: bool = False) -> None:
        target = file.abs_dest_path
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            if os.path.lexists(target):
                os.unlink(target)
            os.link(file.abs_src_path or "", target)
        except OSError:
            File.copy_file(file, dirty)

    class LinkedFiles(BasePlugin):  # type: ignore[type-arg]
        def on_files(self, files: Files, config: object) -> Files:
            for file in files:
                source = file.abs_src_path
                if (
                    source
                    and source.startswith(root)
                    and not file.is_documentation_page()
                    and not file.generated_by
                ):
                    file.copy_file = functools.partial(link, file)  # type: ignore[method-assign]
            return files

    return LinkedFiles()


def template_cache() -> Any:
    """The MkDocs plugin that keeps the theme's compiled templates between runs (Jinja's own
    `FileSystemBytecodeCache`, checked against each template's source), or None when caching
    is off (DAP_NO_CACHE=1) or impossible. Compiling Material's templates cost ~0.9 s of every
    MkDocs run (issue 22), and a build makes two to four runs.

    Compiled templates are code: they live in this user's cache folder (~/.cache/dap/, made
    private), never in the project, where a pull request could plant them."""
    if os.environ.get("DAP_NO_CACHE", "") not in ("", "0"):
        return None
    from jinja2 import Environment, FileSystemBytecodeCache
    from mkdocs.plugins import BasePlugin

    folder = user_cache() / "templates"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if folder.stat().st_uid != os.getuid() or folder.stat().st_mode & 0o077:
            return None  # not ours alone: compile every time
    except OSError:
        return None

    class TemplateCache(BasePlugin):  # type: ignore[type-arg]
        def on_env(self, env: Environment, config: object, files: object) -> Environment:
            env.bytecode_cache = FileSystemBytecodeCache(str(folder))
            return env

    return TemplateCache()


def _nav_files(nav: object) -> Iterator[str]:
    """Every docs path named in an `nav:` configuration."""
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_files(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_files(value)
