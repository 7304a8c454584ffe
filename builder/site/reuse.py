"""Carrying unchanged record pages over from the previous site, and the manifest that allows it."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from .. import __version__
from .context import PAGE_KINDS

OUTPUT_MARK = ".dap-build"  # marks a folder made by `dap build`, which it may replace
MANIFEST = ".dap-pages.json"  # in the output: what each record page's HTML was made from


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


def site_key(site_dir: Path, edition: bytes = b"") -> str:
    """What every page's HTML depends on besides its own Markdown: the MkDocs configuration
    (with the nav, so the sidebar), the theme overrides, the versions of dap and of the
    packages that turn Markdown into HTML, and the code that gives dap's own pages their HTML
    without Markdown (site/direct.py), frames them (shell.py) and runs MkDocs (mkdocs.py,
    rebuild.py, reuse.py); `edition`: the edition's own (site/editions.py)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"dap {__version__}\n".encode())
    for code in ("direct.py", "mkdocs.py", "rebuild.py", "reuse.py", "shell.py"):  # the site
        h.update(Path(__file__).with_name(code).read_bytes())
    h.update(Path(__file__).with_name("editions.py").read_bytes() + edition)
    h.update(_versions().encode())
    for path in [site_dir / "mkdocs.yml", *sorted((site_dir / "overrides").rglob("*"))]:
        if path.is_file():
            h.update(path.relative_to(site_dir).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def _versions() -> str:
    """The versions of the packages that make the HTML (read once per process)."""
    from importlib.metadata import PackageNotFoundError, version

    lines = []
    for package in ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown"):
        try:
            lines.append(f"{package} {version(package)}\n")
        except PackageNotFoundError:
            lines.append(f"{package} -\n")
    return "".join(lines)


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


def carry_over(out: Path, target: Path, pages: frozenset[str]) -> None:
    """Put the previous site's HTML of `pages` into `target` (hard links: nothing is copied
    and the previous site stays as it was). Search needs nothing from it: its index is made
    from the data every build (site/search/)."""
    urls = {html_path(page) for page in pages}
    for url in sorted(urls):
        (target / url).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(out / url, target / url)
        except OSError:  # another file system, or no hard links: a copy
            shutil.copy2(out / url, target / url)


def write_manifest(
    target: Path,
    key: str,
    digests: dict[str, str],
    records: list[str],
    files: dict[str, int] | None = None,
    names: str = "",
) -> None:
    """Record what the site in `target` was made from: the record pages' digests (what
    `reusable_pages` reads), and for the incremental rebuild (`rebuild.py`) every page's
    digest, every file of the edition with its size, and the digest
    of the docs folder's names (the Markdown pages' link targets)."""
    pages = {page: digests[page] for page in records if page in digests}
    body: dict[str, Any] = {"key": key, "pages": pages}
    if files is not None:
        body["all_pages"] = {page: digests[page] for page in digests if html_path(page) in files}
        body["files"] = files
        body["names"] = names
    (target / MANIFEST).write_text(
        json.dumps(body, sort_keys=True, separators=(",", ":")), encoding="utf-8"
    )


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a site folder made by `dap build` (None: none, or not one of ours)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if not (folder / OUTPUT_MARK).is_file() or not isinstance(manifest, dict):
            return None
        if not isinstance(manifest.get("key"), str) or not isinstance(manifest.get("pages"), dict):
            return None
    except (OSError, ValueError):
        return None
    return manifest
