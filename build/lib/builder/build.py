"""`dap build`: the data folder in, a finished static site (with its datasets) out.

Gather everything, then write: the data is loaded, validated and computed in memory before a
byte is written; the site is built in a folder beside the output and swapped in at the end,
so a failed build leaves the previous output untouched.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import logging
import os
import pickle
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from . import __version__
from .compute import Snapshot, history_snapshots
from .errors import BuildError, DataError
from .git import History, read_history
from .load import Dataset
from .opendata.downloads import write_downloads
from .opendata.pages import dictionary_markdown, downloads_markdown
from .output import Writer, swap
from .pages import banner_front_matter, render_pages
from .parallel import collector_running
from .project import Project, open_project
from .render import PAGE_KINDS, prepare
from .validate import validate

OUTPUT_MARK = ".dap-build"  # marks a folder made by `dap build`, which it may replace
MANIFEST = ".dap-pages.json"  # in the output: what each record page's HTML was made from
DOCS_MARK = ".dap-docs"  # marks a generated docs folder, which each build rewrites
MAX_PAGE_BYTES = 150 * 1024
PARALLEL_MIN_PAGES = 400  # record pages from which MkDocs runs in two processes

Progress = Callable[[str, float | None, str], None]  # stage, seconds (None: it starts), detail


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
    warnings: list[str] = field(default_factory=list)
    changed: int = 0  # generated docs files written anew (the others kept their bytes)
    reused: int = 0  # record pages whose HTML came from the previous site unchanged


def build(
    data_dir: Path,
    out: Path,
    as_of: dt.date | None = None,
    computed_on: dt.date | None = None,
    docs_dir: Path | None = None,
    project: Project | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the site from `data_dir` into `out` (replaced only when the build succeeds).

    `project` (default: the working folder) gives the MkDocs template and the default docs
    folder; `docs_dir` overrides the latter."""
    computed_on = computed_on or dt.date.today()
    as_of = as_of or computed_on
    project = project or open_project()
    site_dir = project.site
    docs_dir = docs_dir or project.docs
    result = BuildResult(out)
    stage = _stages(result, progress)
    check_output(out)

    with stage("load and validate"):  # every record read and checked before anything is written
        data, problems = validate(data_dir, str(data_dir))
        if any(p.severity == "error" for p in problems):
            raise DataError(problems)
    with stage("history"):  # one `git log` pass: submission dates and "last changed"
        history = read_history(data_dir)
    with stage("compute"):  # statuses, due reports, aggregates, scores at every quarter end
        snapshots = history_snapshots(data, history, as_of, computed_on)
    with docs_lock(docs_dir):  # one build at a time writes a docs folder
        with stage("datasets"):  # the downloads/ area, written into the docs folder
            writer = docs_writer(docs_dir, site_dir / "pages")
            banners = banner_front_matter(data, computed_on)
            downloads_md, dictionary_md = write_datasets(data, history, snapshots, writer, banners)
        with stage("pages"):  # every page as Markdown, plus the data behind the filter
            site = prepare(data, snapshots, history, downloads_md, dictionary_md, __version__)
            pages = render_pages(site)
            for path, text in pages.items():
                writer.write(path, text)
            writer.prune(keep=frozenset({DOCS_MARK}))  # pages of records no longer in the data
            result.changed = len(writer.written) - writer.unchanged
        with stage("mkdocs"):  # the HTML site, built beside the output
            staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
            staging.chmod(0o777 & ~current_umask())  # mkdtemp makes it private; a site is not
            try:
                key, records = site_key(site_dir), record_pages(docs_dir)
                reuse = reusable_pages(out, key, writer.digests, records)
                result.warnings = run_mkdocs_parallel(site_dir, docs_dir, staging, reuse)
                compact_search_index(staging, carry_over(out, staging, reuse))
                (staging / OUTPUT_MARK).write_text(f"dap {__version__}\n", encoding="utf-8")
                write_manifest(staging, key, writer.digests, records)
                result.reused = len(reuse)
                measure_output(staging, result)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
    with stage("swap"):  # the new site replaces the old one in one rename
        swap(staging, out)
    return result


# ---------------------------------------------------------------- stages


def _stages(
    result: BuildResult, progress: Progress | None
) -> Callable[[str], ContextManager[None]]:
    @contextmanager
    def stage(name: str) -> Iterator[None]:
        if progress:
            progress(name, None, "")
        start = time.perf_counter()
        yield
        seconds = time.perf_counter() - start
        result.timings[name] = seconds
        if progress:
            progress(name, seconds, _detail(name, result))

    return stage


def _detail(name: str, result: BuildResult) -> str:
    if name == "pages":
        return f"{result.changed} files changed"
    if name == "mkdocs":
        kept = f", {result.reused} unchanged kept" if result.reused else ""
        return f"{result.pages} pages{kept}, {result.size / 1e6:.1f} MB"
    return ""


# ---------------------------------------------------------------- folders


def check_output(out: Path) -> None:
    """Refuse to replace a folder that `dap build` did not make."""
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out} is a file — choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / OUTPUT_MARK).exists():
        raise BuildError(
            f"{out}/ exists and was not made by dap build — choose another --out, "
            "or remove the folder yourself"
        )
    if not out.parent.is_dir():
        raise BuildError(f"{out.parent}/ does not exist — create it or choose another --out")


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
                f"another dap build is writing {docs_dir}/ — wait for it to finish, "
                "or give this build its own --docs-dir"
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
            f"{docs_dir}/ exists and was not made by dap build — choose another folder"
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


def write_datasets(
    data: Dataset, history: History, snapshots: list[Snapshot], writer: Writer, front_matter: str
) -> tuple[str, str]:
    """The downloads/ area and its two pages, from builder/opendata/ (issue 5)."""
    files = write_downloads(
        data, history, snapshots, writer, prefix="downloads", front_matter=front_matter
    )
    return downloads_markdown(files), dictionary_markdown()


def record_pages(docs_dir: Path) -> list[str]:
    """The per-record pages (measures/ID.md, ...): outside the nav, linked by raw HTML only."""
    return sorted(
        f"{kind}/{path.name}"
        for kind in PAGE_KINDS
        for path in (docs_dir / kind).glob("*.md")
        if path.name != "index.md"
    )


def html_path(page: str) -> str:
    """The site path of a docs page: measures/1.2.md → measures/1.2.html (plain URLs)."""
    return page[: -len(".md")] + ".html"


def site_key(site_dir: Path) -> str:
    """What every page's HTML depends on besides its own Markdown: the MkDocs configuration
    (with the nav, so the sidebar), the theme overrides, and the versions of dap and of the
    packages that turn Markdown into HTML."""
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.blake2b(digest_size=16)
    h.update(f"dap {__version__}\n".encode())
    for package in ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown"):
        try:
            h.update(f"{package} {version(package)}\n".encode())
        except PackageNotFoundError:
            h.update(f"{package} -\n".encode())
    for path in [site_dir / "mkdocs.yml", *sorted((site_dir / "overrides").rglob("*"))]:
        if path.is_file():
            h.update(path.relative_to(site_dir).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def reusable_pages(
    out: Path, key: str, digests: dict[str, str], records: list[str]
) -> frozenset[str]:
    """Record pages whose HTML in the previous site `out` is what MkDocs would make again.

    A page qualifies when `out` was made by `dap build` with the same `site_key`, its
    manifest gives the page's Markdown the same digest as now, and its HTML is there. Record
    pages are outside the nav and link to others by raw HTML only, so their HTML depends on
    nothing else (tests compare a build that reuses pages with one that does not).
    """
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        if not (out / OUTPUT_MARK).is_file() or manifest.get("key") != key:
            return frozenset()
        before: dict[str, str] = manifest["pages"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return frozenset()  # no previous site, or not one of ours: build every page
    return frozenset(
        page
        for page in records
        if page in digests
        and before.get(page) == digests[page]
        and (out / html_path(page)).is_file()
        and not (out / html_path(page)).is_symlink()  # a page, never a link to another file
    )


def carry_over(out: Path, target: Path, pages: frozenset[str]) -> list[dict[str, Any]]:
    """Put the previous site's HTML of `pages` into `target` (hard links: nothing is copied
    and the previous site stays as it was); return their entries of its search index."""
    if not pages:
        return []
    urls = {html_path(page) for page in pages}
    for url in sorted(urls):
        (target / url).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(out / url, target / url)
        except OSError:  # another file system, or no hard links: a copy
            shutil.copy2(out / url, target / url)
    old_path = out / "search" / "search_index.json"
    if not old_path.is_file():
        return []
    old = json.loads(old_path.read_text(encoding="utf-8"))
    return [d for d in old["docs"] if unquote(d["location"].split("#")[0]) in urls]


def write_manifest(target: Path, key: str, digests: dict[str, str], records: list[str]) -> None:
    """Record what the record pages of the site in `target` were made from."""
    pages = {page: digests[page] for page in records if page in digests}
    (target / MANIFEST).write_text(
        json.dumps({"key": key, "pages": pages}, sort_keys=True, separators=(",", ":")),
        encoding="utf-8",
    )


def run_mkdocs_parallel(
    site_dir: Path, docs_dir: Path, target: Path, reuse: frozenset[str] = frozenset()
) -> list[str]:
    """MkDocs in two processes when there are many record pages and two CPUs; else in one.

    The child process renders every other record page into a folder of its own (with the
    nav's pages as empty stand-ins, so that every page gets the same sidebar); this process
    renders everything else. Record pages link to each other with raw HTML, which MkDocs does
    not check, so neither half misses a link target. The child's pages and search entries are
    then moved into `target`: the result is the site one process would have built. Pages in
    `reuse` are rendered by neither (`carry_over` brings their HTML from the previous site).
    """
    records = [page for page in record_pages(docs_dir) if page not in reuse]
    if len(records) < PARALLEL_MIN_PAGES or (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"):
        return run_mkdocs(site_dir, docs_dir, target, skip=reuse)
    theirs = frozenset(records[::2])
    part = Path(tempfile.mkdtemp(prefix=f".{target.name}.part-", dir=target.parent))
    read_end, write_end = os.pipe()
    # The child must not touch (and so copy) this process's objects when it collects; they
    # stay frozen here too, as builder/cache.py leaves a large load (refcounting still frees).
    gc.freeze()
    try:
        pid = os.fork()
    except OSError:  # no second process (out of memory, say): one builds everything
        os.close(read_end)
        os.close(write_end)
        shutil.rmtree(part, ignore_errors=True)
        return run_mkdocs(site_dir, docs_dir, target)
    if pid == 0:  # pragma: no cover - the child; its result comes back through the pipe
        code = 0
        try:
            os.close(read_end)
            try:
                outcome: tuple[str, object] = ("ok", run_mkdocs(site_dir, docs_dir, part, theirs))
            except BuildError as exc:
                outcome = ("error", str(exc))
            except BaseException as exc:  # noqa: BLE001 - reported by the parent
                outcome = ("error", f"MkDocs could not build the site: {exc!r}")
            with os.fdopen(write_end, "wb") as pipe:
                pickle.dump(outcome, pipe)
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    try:
        try:
            messages = run_mkdocs(site_dir, docs_dir, target, skip=theirs | reuse)
        finally:
            with os.fdopen(read_end, "rb") as pipe:
                raw = pipe.read()
            os.waitpid(pid, 0)
        status, value = pickle.loads(raw) if raw else ("error", "the second MkDocs process died")
        if status != "ok":
            raise BuildError(str(value))
        assert isinstance(value, list)
        merge_part(part, target, theirs)
        return messages + value
    finally:
        shutil.rmtree(part, ignore_errors=True)


def merge_part(part: Path, target: Path, pages: frozenset[str]) -> None:
    """Move the child's pages into the site and add their entries to the search index."""
    urls = {html_path(rel) for rel in pages}
    for url in urls:
        (target / url).parent.mkdir(parents=True, exist_ok=True)  # none of its kind here
        os.replace(part / url, target / url)
    index_path = target / "search" / "search_index.json"
    if index_path.is_file():
        index = json.loads(index_path.read_text(encoding="utf-8"))
        theirs = json.loads((part / "search" / "search_index.json").read_text(encoding="utf-8"))
        index["docs"] += [d for d in theirs["docs"] if unquote(d["location"].split("#")[0]) in urls]
        index_path.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")


def run_mkdocs(
    site_dir: Path,
    docs_dir: Path,
    target: Path,
    only: frozenset[str] | None = None,
    skip: frozenset[str] = frozenset(),
) -> list[str]:
    """Build with MkDocs in strict mode; any warning (a broken link, say) fails the build.

    `skip`: docs pages left out. `only`: build just these pages, plus the nav's pages as empty
    stand-ins (for the sidebar), without static files.
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
        )
        if only is not None or skip:
            select = Select()
            select.nav_pages = set(_nav_files(config["nav"] or []))
            config.plugins["dap-select"] = select
        mkdocs_build(config)
    except MkDocsException as exc:
        detail = "; ".join(messages[:10]) or str(exc)
        raise BuildError(f"MkDocs could not build the site: {detail}") from exc
    finally:
        logger.removeHandler(handler)
        logger.propagate = old_propagate
    return messages


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


def compact_search_index(root: Path, extra: list[dict[str, Any]] | None = None) -> None:
    """Rewrite the search index with Cyrillic as UTF-8, not \\uXXXX escapes (2.5 times
    smaller), with `extra` entries (pages carried over from the previous site) added."""
    path = root / "search" / "search_index.json"
    if path.is_file():
        index = json.loads(path.read_text(encoding="utf-8"))
        index["docs"] += extra or []
        path.write_text(
            json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )


def measure_output(root: Path, result: BuildResult) -> None:
    """Count pages and bytes; note every HTML page heavier than MAX_PAGE_BYTES."""
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        result.files += 1
        result.size += size
        if path.suffix == ".html":
            result.pages += 1
            rel = path.relative_to(root).as_posix()
            if size > result.largest[1]:
                result.largest = (rel, size)
            if size > MAX_PAGE_BYTES:
                result.heavy.append((rel, size))


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
        extra = f"  {detail}" if detail else ""
        if seconds is None:
            if terminal:
                echo(f"  … {stage}", nl=False)
        elif terminal:
            echo(f"\r\x1b[K  ✓ {stage:<18} {seconds:6.2f} s{extra}")
        else:
            echo(f"build: {stage}: {seconds:.2f} s{extra}")

    return show


def summary(result: BuildResult) -> list[str]:
    """The closing lines: where the site is, its size, its heaviest page, any warning."""
    lines = [
        f"Built {result.pages} pages ({result.files} files, {result.size / 1e6:.1f} MB) into "
        f"{result.out}/ in {sum(result.timings.values()):.1f} s; largest page "
        f"{result.largest[0]} ({result.largest[1] / 1024:.0f} KB)"
    ]
    for rel, size in result.heavy:
        lines.append(
            f"warning: {rel} is {size / 1024:.0f} KB, over the {MAX_PAGE_BYTES // 1024} KB "
            "page budget"
        )
    return lines


def serve(out: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the built site on this machine only, until interrupted."""
    import functools
    import http.server

    if not (out / "index.html").exists():
        raise BuildError(f"{out}/index.html does not exist — run 'dap build' first")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise BuildError(
            f"cannot listen on {host}:{port}: {exc.strerror} — choose another --port"
        ) from exc
    with server:
        print(f"Serving {out}/ at http://{host}:{server.server_address[1]}/ (Ctrl+C stops)")
        with suppress(KeyboardInterrupt), collector_running():  # it runs until stopped
            server.serve_forever()
