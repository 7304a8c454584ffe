"""Running MkDocs on the generated docs folder: in one or two processes."""

from __future__ import annotations

import functools
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import BuildError
from ..i18n import N_, _
from ..parallel import Forked, can_fork_copies, resident_mb
from ..project import user_cache
from ..wording import EN, UK, Edition
from .context import PAGE_KINDS
from .direct import plugin as direct_html
from .editions import EN_FOLDER, config_overrides, edition_key, shared_assets_plugin
from .rebuild import (
    Docs,
    apply_change,
    link_site,
    list_docs,
    make_sparse,
    plan_change,
    scratch,
    site_files,
)
from .reuse import (
    MANIFEST,
    OUTPUT_MARK,
    carry_over,
    html_path,
    read_manifest,
    record_pages,
    reusable_pages,
    site_key,
    write_manifest,
)
from .shell import Shells, proven
from .shell import plugin as shell_plugin

PARALLEL_MIN_PAGES = 400  # record pages from which MkDocs runs in two processes
# The theme's pages that depend on the site key alone (configuration, nav, theme, edition):
# a rebuild keeps the spare's (Material's 404 page names no page, date or file)
KEPT_TEMPLATES = ("404.html",)


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
    previous: dict[str, Any] | None = None  # the previous site's manifest, of the same key
    spare: dict[str, Any] | None = None  # the spare site's (rebuild.py), of the same key
    docs: Docs | None = None  # the docs folder as listed when planned

    @property
    def to_render(self) -> int:
        """How many record pages MkDocs renders."""
        return len(self.records) - len(self.reuse)

    @property
    def incremental(self) -> bool:
        """Whether the run brings the spare site up to date (rebuild.py) instead of
        building the edition whole."""
        return self.previous is not None and self.spare is not None

    @property
    def skip(self) -> str | None:
        """The docs and site folder of the other edition, inside this one's."""
        return EN_FOLDER if self.ed.lang == UK.lang else None


Run = tuple[list[str], int, dict[str, int]]  # MkDocs' warnings, pages carried over, sizes


def plan_html(
    site_dir: Path,
    docs_dir: Path,
    out: Path,
    digests: dict[str, str],
    ed: Edition = UK,
    spare: Path | None = None,
) -> HtmlPlan:
    """The run that builds edition `ed` of `docs_dir`, given the previous site `out` and the
    spare site (`output.spare_of`), if any."""
    key = site_key(site_dir, edition_key(ed))
    docs = list_docs(docs_dir, digests, EN_FOLDER if ed.lang == UK.lang else None)
    records = docs_records(docs)
    previous = _manifest(out, key)
    kept = _manifest(spare, key) if spare is not None and previous is not None else None
    if kept is not None and previous is not None:  # incremental: no page is looked at yet
        before = previous["all_pages"]
        reuse = frozenset(p for p in records if before.get(p) == docs.pages[p])
    else:
        reuse = reusable_pages(out, key, digests, records)
    return HtmlPlan(site_dir, docs_dir, out, digests, ed, key, records, reuse, previous, kept, docs)


def docs_records(docs: Docs) -> list[str]:
    """`reuse.record_pages` of a docs folder already listed."""
    found = []
    for page in docs.pages:
        kind, _sep, name = page.partition("/")
        if kind in PAGE_KINDS and "/" not in name and name != "index.md" and name[:1] != ".":
            found.append(page)
    return sorted(found)


def _manifest(folder: Path, key: str) -> dict[str, Any] | None:
    """A site folder's full manifest (rebuild.py), if it was made with `key`."""
    manifest = read_manifest(folder)
    if manifest is None or manifest.get("key") != key:
        return None
    if not all(isinstance(manifest.get(k), dict) for k in ("all_pages", "files")):
        return None
    if not all(type(size) is int for size in manifest["files"].values()):
        return None
    return manifest


def ready_spare(site_dir: Path, out: Path) -> bool:
    """Issue 22: a spare site for a rebuild that has none of the previous site's key — the
    first rebuild after a clean build (which leaves no spare), or the one after the site key
    changed (whose spare is the site of the old key) — made of the previous site `out`
    itself, hard-linked (`rebuild.link_site`: ~8,700 files, ~0.15 s of CPU at 2,000
    measures), so that the rebuild brings it up to date (`use_spare`) instead of building
    both editions' non-record pages anew (~1–2 s of CPU). Called while the datasets' child is
    waited for; True when it made one (nothing done when `out` is not a site of this key,
    as the build left it)."""
    from ..output import remove_spare, spare_of

    spare = spare_of(out)
    keys = [
        ("", site_key(site_dir, edition_key(UK))),
        (EN_FOLDER, site_key(site_dir, edition_key(EN))),
    ]
    if all(_manifest(spare / folder, key) for folder, key in keys):
        return False  # the spare the last rebuild left
    editions = []
    for folder, key in keys:
        manifest = _manifest(out / folder, key)
        if manifest is None:
            return False  # no previous site of this key: each edition is built whole
        editions.append((folder, manifest))
    aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        if not link_site(out, aside / "site", editions):
            return False
        remove_spare(out)  # one of another key
        os.replace(aside / "site", spare)  # whole, or not at all
    finally:
        shutil.rmtree(aside, ignore_errors=True)
    return True


def use_spare(out: Path, staging: Path, plans: list[HtmlPlan]) -> list[HtmlPlan]:
    """The plans, incremental (`staging` then holds the spare site, to be brought up to
    date) when every edition can be, else each to build its edition whole."""
    from ..output import adopt_spare

    if all(plan.incremental for plan in plans) and adopt_spare(out, staging):
        return plans
    return [
        replace(
            plan,
            spare=None,
            reuse=reusable_pages(plan.out, plan.key, plan.digests, plan.records)
            if plan.incremental
            else plan.reuse,
        )
        for plan in plans
    ]


def run_plan(plan: HtmlPlan, target: Path) -> Run:
    """`plan` carried out into `target`: MkDocs' warnings, the pages carried over, and the
    size of every file of the edition by its path in `target`."""
    if plan.incremental:
        warnings, reused, files, docs = run_change(plan, target)
    else:
        warnings = run_mkdocs_parallel(plan.site_dir, plan.docs_dir, target, plan.reuse, plan.ed)
        carry_over(plan.out, target, plan.reuse)
        reused = len(plan.reuse)
        docs = plan.docs or list_docs(plan.docs_dir, plan.digests, plan.skip)
        files = site_files(target, plan.skip)
    (target / OUTPUT_MARK).write_text(f"dap {__version__}\n", encoding="utf-8")
    write_manifest(target, plan.key, docs.pages, plan.records, files, docs.names)
    sizes = dict(files)
    for name in (OUTPUT_MARK, MANIFEST):
        sizes[name] = (target / name).stat().st_size
    return warnings, reused, sizes


def run_change(plan: HtmlPlan, target: Path) -> tuple[list[str], int, dict[str, int], Docs]:
    """The spare site in `target` brought up to date (rebuild.py): MkDocs renders the
    changed pages only, in a sparse docs folder, into a folder of its own."""
    assert plan.previous is not None and plan.spare is not None
    docs = plan.docs or list_docs(plan.docs_dir, plan.digests, plan.skip)
    change = plan_change(plan.docs_dir, plan.out, plan.previous, plan.spare, docs, plan.records)
    sparse, made = scratch(target, "docs"), scratch(target, "made")
    try:
        make_sparse(plan.docs_dir, sparse, change.sparse)
        kept = [name for name in KEPT_TEMPLATES if name in plan.spare["files"]]
        seen: dict[str, Any] = {
            "theme": {},
            "published": set(),
            "docs": plan.docs_dir,
            "kept": kept,
        }
        warnings = run_mkdocs(
            plan.site_dir, sparse, made, only=frozenset(change.render), ed=plan.ed, seen=seen
        )
        files = apply_change(
            change, target, made, plan.out, plan.docs_dir, seen["theme"], seen["published"], kept
        )
    finally:
        shutil.rmtree(sparse, ignore_errors=True)
        shutil.rmtree(made, ignore_errors=True)
    rendered = change.render & set(plan.records)
    return warnings, len(plan.records) - len(rendered), files, docs


class Beside:
    """A second edition's run (`plan` into `target`) beside the first one's (`first`): in a
    forked process at the same time when both are small — a rebuild renders a few pages of
    each, and the two runs took ~1 s each of a daily rebuild (issue 22) — and afterwards in
    this process otherwise (a clean build's runs each use both CPUs already). `result()`
    gives what `run_plan` gives, with the pages in `target`. An incremental run works in
    `target` itself (the spare site's folder); another in a folder of its own, moved to
    `target` once done."""

    def __init__(self, plan: HtmlPlan, target: Path, first: HtmlPlan):
        self.plan, self.target = plan, target
        self.child: Forked | None = None
        self.part: Path | None = None
        small = max(plan.to_render, first.to_render) < PARALLEL_MIN_PAGES
        if small and can_fork_copies(1, growth_mb=resident_mb()):
            preload()  # imported once, here, not in each process
            if plan.incremental:
                self.child = Forked(N_("MkDocs (the second edition)"), run_plan, plan, target)
                return
            self.part = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.beside-", dir=target.parent.parent)
            )
            self.child = Forked(N_("MkDocs (the second edition)"), run_plan, plan, self.part)

    def result(self) -> Run:
        """The run's warnings, pages carried over and sizes, once its pages are in `target`."""
        if self.child is None:
            return run_plan(self.plan, self.target)
        if self.part is None:
            done: Run = self.child.result()
            return done
        try:
            value: Run = self.child.result()
            os.replace(self.part, self.target)
            return value
        finally:
            shutil.rmtree(self.part, ignore_errors=True)

    def cancel(self) -> None:
        """Stop the forked run (the first edition's failed) and remove what it wrote."""
        if self.child is not None:
            self.child.cancel()
        if self.part is not None:
            shutil.rmtree(self.part, ignore_errors=True)


def preload() -> None:
    """Import MkDocs and the site's theme and extensions (~0.3 s) before a fork."""
    import markdown.extensions.toc  # noqa: F401
    import material  # noqa: F401
    import mkdocs.commands.build  # noqa: F401
    import mkdocs.config  # noqa: F401
    import pymdownx.slugs  # noqa: F401


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
    seen: dict[str, Any] | None = None,
    shell: Shells | bool = True,
) -> list[str]:
    """Build with MkDocs in strict mode; any warning (a broken link, say) fails the build.

    `skip`: docs pages left out. `only`: render just these pages of `docs_dir` (a sparse docs
    folder, site/rebuild.py), the others read as empty stand-ins and not written (the nav's,
    linked in from `seen["docs"]`: for the sidebar; others: for links to them); neither the
    theme's files (put in `seen["theme"]`, site path to source) nor the docs folder's other
    files are copied (those published are put in `seen["published"]`). `direct`: pages of dap's own shape get
    their HTML without the Markdown round trip (`site/direct.py`); False builds every page
    through Markdown, as `mkdocs build` run by hand does. `ed`: the edition, whose MkDocs
    configuration is site/mkdocs.yml with `editions.config_overrides`. `shell`: pages outside
    the sidebar framed by the theme once per shape and filled in (`site/shell.py`) when the
    site's overrides are dap's own (`shell.proven`); a `Shells` (to count them in) asks for
    them with any overrides; False renders the theme for every page.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException
    from mkdocs.plugins import BasePlugin
    from mkdocs.structure.files import Files, InclusionLevel
    from mkdocs.structure.pages import Page

    class Select(BasePlugin):  # type: ignore[type-arg]
        def on_files(self, files: Files, config: object) -> Files:
            if only is None:
                for file in list(files):
                    if file.is_documentation_page() and file.src_uri in skip:
                        files.remove(file)
            return files

        def on_page_markdown(self, markdown: str, page: Page, **kwargs: object) -> str:
            if only is not None and page.file.src_uri not in only:
                page.render = functools.partial(_stand_in, page)  # type: ignore[method-assign]
                return ""  # a stand-in: only its place in the nav counts
            return markdown

        def on_env(self, env: Any, config: object, files: Files) -> Any:
            if only is not None:  # the stand-ins are not written, but one page is (a page
                # makes the sitemap's date: MkDocs would take the clock's without one)
                pages = files.documentation_pages()
                rendered = [file for file in pages if file.src_uri in only]
                for file in pages[1:] if not rendered else pages:
                    if file.src_uri not in only:
                        file.inclusion = InclusionLevel.EXCLUDED
            return env

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
        if only is not None and seen is not None and "docs" in seen:
            link_nav_pages(Path(seen["docs"]), docs_dir, config["nav"] or [])
            for name in seen.get("kept", ()):  # the spare's, made with the same site key
                config.theme.static_templates.discard(name)
        if only is not None or skip:
            config.plugins["dap-select"] = Select()
        if direct:  # after dap-select, whose stand-ins are empty
            config.plugins["dap-direct"] = direct_html()
        if ed.lang != "uk":  # the root's assets, not a copy (site/editions.py)
            config.plugins["dap-shared-assets"] = shared_assets_plugin()
        if direct:
            config.plugins["dap-linked-files"] = linked_files_plugin(docs_dir)
        templates = template_cache()
        if templates is not None:
            config.plugins["dap-template-cache"] = templates
        config.plugins["dap-theme-listing"] = theme_listing_plugin()
        if isinstance(shell, Shells) or (shell and proven(site_dir)):  # dap's own overrides
            config.plugins["dap-shell"] = shell_plugin(shell if isinstance(shell, Shells) else None)
        if only is not None:  # the last to see the files: what the others left
            config.plugins["dap-seen"] = seen_plugin(docs_dir, seen)
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


def _stand_in(page: Any, config: object, files: object) -> None:
    """`Page.render` of a stand-in page: what Markdown makes of an empty page, without
    Markdown (a page not written: only its place in the nav counts)."""
    from mkdocs.structure.toc import get_toc

    page.content = ""
    page.toc = get_toc([])
    page.present_anchor_ids = set()
    page.links_to_anchors = {}


def link_nav_pages(docs_dir: Path, sparse: Path, nav: object) -> None:
    """The nav's pages of `docs_dir` linked into the sparse docs folder (stand-ins)."""
    for page in _nav_files(nav):
        source, target = docs_dir / page, sparse / page
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)


def theme_listing_plugin() -> Any:
    """The MkDocs plugin that lists the theme's files without walking its hidden folders.
    MkDocs lists every template of the theme to find its static files, then drops every name
    with a part that starts with a dot; Material's `.icons/` holds 14,300 of its 14,500 files
    (~0.5 s of every MkDocs run at any scale, issue 22). The listing is Jinja's own, with the
    hidden folders left unvisited: the same files, found without them."""
    from jinja2 import Environment, FileSystemLoader
    from mkdocs.plugins import BasePlugin

    class Listing(FileSystemLoader):
        def list_templates(self) -> list[str]:
            found: set[str] = set()
            for searchpath in self.searchpath:
                for folder, dirs, names in os.walk(searchpath, followlinks=self.followlinks):
                    dirs[:] = [d for d in dirs if not d.startswith(".")]
                    inner = os.path.relpath(folder, searchpath).replace(os.sep, "/")
                    prefix = "" if inner == "." else inner + "/"
                    found.update(prefix + name for name in names if not name.startswith("."))
            return sorted(found)

    class ThemeListing(BasePlugin):  # type: ignore[type-arg]
        def on_config(self, config: Any) -> Any:
            theme = config.theme
            make_env = theme.get_env

            def get_env() -> Environment:
                env: Environment = make_env()
                loader = env.loader
                if type(loader) is FileSystemLoader:  # as MkDocs makes it; else left alone
                    env.loader = Listing(loader.searchpath, loader.encoding, loader.followlinks)
                return env

            theme.get_env = get_env
            return config

    return ThemeListing()


def seen_plugin(docs_dir: Path, seen: dict[str, Any] | None) -> Any:
    """The MkDocs plugin of a run that renders some pages only (`run_mkdocs(only=...)`): the
    theme's files are not copied (their site paths and sources go to `seen["theme"]`), nor
    the docs folder's other files (those MkDocs publishes go to `seen["published"]`)."""
    from mkdocs.plugins import BasePlugin
    from mkdocs.structure.files import Files

    root = str(docs_dir.resolve()) + os.sep
    store = seen if seen is not None else {}
    store.setdefault("theme", {})
    store.setdefault("published", set())

    class Seen(BasePlugin):  # type: ignore[type-arg]
        def on_files(self, files: Files, config: Any) -> Files:
            for file in list(files):
                if file.is_documentation_page():
                    continue
                source = file.abs_src_path or ""
                if source.startswith(root):
                    if file.inclusion.is_included():
                        store["published"].add(file.src_uri)
                elif not file.generated_by:
                    store["theme"][file.dest_uri] = source
                    files.remove(file)
            return files

    return Seen()


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
