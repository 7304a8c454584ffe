"""A rebuild's MkDocs stage in the work it needs (issue 22): the spare site brought up to date.

The site swapped out by the previous build is kept beside the output as its spare
(`output.swap`). A rebuild whose two editions' previous site and spare were made with the same
site key (reuse.site_key: configuration, theme, dap and Markdown versions) takes the spare as
its staging folder and changes in it only what differs, instead of linking ~16,500 files into
an empty folder and removing as many from the old site (~1 s of a daily rebuild at 2,000
measures):

* MkDocs renders only the pages whose Markdown changed since the previous site (all the
  non-record pages when a docs file was added or removed: their Markdown links), from a
  sparse docs folder holding those pages, the nav's pages (empty stand-ins, for the sidebar),
  the files their Markdown links name and the docs files the previous site did not have (so
  MkDocs itself decides whether they are published); the theme's files are not copied;
* a page the spare already has from the same Markdown stays; another unchanged page is
  hard-linked from the previous site; a docs file (data scripts, downloads) stays when the
  spare's file is the docs file itself (the same inode: the spare's hard link holds it, so
  its number cannot have been reused), else it is linked again; the theme's files stay;
* what the previous site had and this one has not is removed.

Every file of the edition is then listed in its manifest (reuse.write_manifest) with its
size — what the next rebuild compares and what the build counts (no walk over the site). The
manifest holds only what the files are (paths, sizes, the Markdown's digests), so a rebuilt
site's manifest is a clean build's, byte for byte. tests/test_site_rebuild.py builds a site both ways and compares
every file.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .reuse import MANIFEST, OUTPUT_MARK, html_path

# A Markdown link's target: [text](target "title"), [text](<target>), [id]: target
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|^[ ]{0,3}\[[^\]]+\]:\s*<?([^\s>]+)", re.MULTILINE)


@dataclass
class Docs:
    """An edition's docs folder as it is now: every Markdown page with the digest of its
    bytes, every other file with its inode, and the digest of all their names."""

    pages: dict[str, str]
    files: dict[str, int]
    names: str


def _files(root: Path, skip: str | None) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every file under `root` by its path there (`skip`: a top folder left out)."""
    top = os.fspath(root)
    folders = [""]
    while folders:
        rel = folders.pop()
        with os.scandir(os.path.join(top, rel)) as entries:
            for entry in entries:
                name = rel + entry.name
                if not entry.is_dir(follow_symlinks=False):
                    yield name, entry
                elif name != skip:
                    folders.append(name + "/")


def list_docs(docs_dir: Path, digests: dict[str, str], skip: str | None = None) -> Docs:
    """The docs folder's pages and files (`skip`: a top folder left out, the other edition's).
    A page's digest is the one its writer gave it (`digests`), else that of its bytes."""
    pages: dict[str, str] = {}
    files: dict[str, int] = {}
    for name, entry in _files(docs_dir, skip):
        if name.endswith(".md"):
            digest = digests.get(name)
            if digest is None:
                data = Path(entry.path).read_bytes()
                digest = hashlib.blake2b(data, digest_size=16).hexdigest()
            pages[name] = digest
        else:
            files[name] = entry.inode()
    h = hashlib.blake2b(digest_size=16)
    h.update("\n".join(sorted([*pages, *files])).encode("utf-8", "surrogateescape"))
    return Docs(pages, files, h.hexdigest())


def site_files(target: Path, skip: str | None = None) -> dict[str, int]:
    """Every file of a site folder built whole (`skip`: the other edition's folder) with its
    size: the manifest of a clean build."""
    return {
        name: entry.stat(follow_symlinks=False).st_size
        for name, entry in _files(target, skip)
        if name not in (MANIFEST, OUTPUT_MARK)
    }


@dataclass
class Change:
    """What a rebuild does to one edition's spare site: the pages MkDocs renders, the pages
    and files it must see beside them, and the previous site's and the spare's manifests."""

    docs: Docs
    render: set[str]
    sparse: set[str]
    previous: dict[str, Any]
    spare: dict[str, Any]


def plan_change(
    docs_dir: Path,
    out: Path,
    previous: dict[str, Any],
    spare: dict[str, Any],
    docs: Docs,
    records: list[str],
) -> Change:
    """Which pages to render into the spare site and what MkDocs needs to render them."""
    before: dict[str, str] = previous["all_pages"]
    had: dict[str, int] = previous["files"]
    kept: dict[str, str] = spare["all_pages"]
    names_changed = previous.get("names") != docs.names
    is_record = set(records)
    render: set[str] = set()
    for page, digest in docs.pages.items():
        html = html_path(page)
        if before.get(page) != digest or html not in had:
            render.add(page)
        elif names_changed and page not in is_record:
            render.add(page)  # its Markdown links may name a file that came or went
        elif kept.get(page) != digest and not _regular(out / html):
            render.add(page)  # the previous site's page is gone or a link: render it
    sparse = set(render)  # and the nav's pages, linked in once MkDocs' nav is known
    for page in render:
        sparse |= link_targets(docs_dir, page, docs)
    # files the previous site did not have: MkDocs decides whether they are published
    sparse |= {rel for rel in docs.files if rel not in had}
    return Change(docs, render, sparse, previous, spare)


def link_targets(docs_dir: Path, page: str, docs: Docs) -> set[str]:
    """The docs files that the Markdown links of `page` name (MkDocs checks that they
    exist; a link left out here would fail the build, never pass it)."""
    text = (docs_dir / page).read_text(encoding="utf-8", errors="replace")
    if "](" not in text and "]:" not in text:
        return set()
    found: set[str] = set()
    folder = posixpath.dirname(page)
    for match in _LINK.finditer(text):
        target = (match.group(1) or match.group(2) or "").split("#", 1)[0].split("?", 1)[0]
        if not target or target.startswith("/") or ":" in target.split("/", 1)[0]:
            continue
        rel = posixpath.normpath(posixpath.join(folder, unquote(target)))
        if rel in docs.pages or rel in docs.files:
            found.add(rel)
    return found


def make_sparse(docs_dir: Path, sparse_dir: Path, paths: set[str]) -> None:
    """A docs folder of `paths` only: hard links to the docs folder's files."""
    for rel in sorted(paths):
        target = sparse_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        _link(os.fspath(docs_dir / rel), os.fspath(target))


def apply_change(
    change: Change,
    target: Path,
    made: Path,
    out: Path,
    docs_dir: Path,
    theme: dict[str, str],
    published: set[str],
    kept: list[str],
) -> dict[str, int]:
    """Bring the spare site in `target` to the new site: the pages MkDocs rendered into
    `made`, the unchanged ones kept or linked from the previous site `out`, the docs files
    (`published`: those of the new ones MkDocs published), the theme's files (`theme`: by
    site path, their source), the templates' output and the spare's pages of templates
    not rendered again (`kept`: 404.html); what the new site has not, removed.
    Returns every file of the new site with its size."""
    had: dict[str, int] = change.previous["files"]
    spare: dict[str, int] = change.spare["files"]
    spare_pages: dict[str, str] = change.spare["all_pages"]
    files: dict[str, int] = {}
    root, made_root, docs_root = os.fspath(target), os.fspath(made), os.fspath(docs_dir)
    for page, digest in change.docs.pages.items():
        html = html_path(page)
        if page in change.render:
            source = os.path.join(made_root, html)
            if not os.path.isfile(source):
                continue  # left out by MkDocs (exclude_docs, a dot file)
            files[html] = os.stat(source).st_size
            _place(root, html, os.replace, source)
        elif spare_pages.get(page) == digest and html in spare:
            files[html] = spare[html]
        else:
            files[html] = had[html]
            _place(root, html, _link, os.path.join(out, html))
    for rel, inode in change.docs.files.items():
        if rel not in had and rel not in published:
            continue  # not published (a dot file, excluded)
        if rel in spare:
            try:
                if os.lstat(os.path.join(root, rel)).st_ino == inode:
                    files[rel] = spare[rel]  # the docs file itself
                    continue
            except FileNotFoundError:
                pass
        source = os.path.join(docs_root, rel)
        files[rel] = os.stat(source).st_size
        _place(root, rel, _link, source)
    for rel, source in theme.items():
        if rel in files:
            continue  # a docs file of the same name wins (as in MkDocs)
        if rel in spare:
            files[rel] = spare[rel]  # the same theme (the site key)
        else:
            _place(root, rel, shutil.copyfile, source)
            files[rel] = os.stat(os.path.join(root, rel)).st_size
    for rel in kept:
        files[rel] = spare[rel]
    for folder, _dirs, names in os.walk(made_root):
        inner = os.path.relpath(folder, made_root).replace(os.sep, "/")
        for name in names:
            rel = name if inner == "." else f"{inner}/{name}"
            page = rel[: -len(".html")] + ".md" if rel.endswith(".html") else ""
            if rel in files or page in change.docs.pages or rel in change.docs.files:
                continue  # placed above, a stand-in page, or a docs file
            source = os.path.join(folder, name)
            files[rel] = os.stat(source).st_size  # 404.html, sitemap.xml
            _place(root, rel, os.replace, source)
    for rel in spare:
        if rel not in files:
            _remove(root, rel)
    return files


def link_site(out: Path, target: Path, editions: list[tuple[str, dict[str, Any]]]) -> bool:
    """`target` (not there yet) made a spare site of `out` itself (issue 22: the first
    rebuild after a clean build, which leaves no spare, then brings it up to date like any
    other instead of building both editions' non-record pages anew): each edition's files
    as its manifest lists them (`editions`: its folder in `out`, its manifest), hard-linked
    (nothing copied), and its mark and manifest copied (the rebuild writes them in place).
    Only files as the build left them are taken: each a plain file of the listed size, not
    changed since its manifest was written (a file added beside them is not listed, so not
    taken). False, and nothing left, when one is not (it was edited, removed, replaced by
    another kind of file) or cannot be linked (another file system): the editions are then
    built whole, as without a spare."""
    made: set[str] = set()
    try:
        for sub, manifest in editions:
            source, dest = os.path.join(out, sub), os.path.join(target, sub)
            written = os.stat(os.path.join(source, MANIFEST)).st_mtime_ns
            for rel, size in manifest["files"].items():
                if rel in (MANIFEST, OUTPUT_MARK):
                    continue
                path = os.path.join(source, rel)
                st = os.lstat(path)
                if not stat.S_ISREG(st.st_mode) or st.st_size != size or st.st_mtime_ns > written:
                    raise OSError(f"{path}: not as the build left it")
                folder = os.path.dirname(os.path.join(dest, rel))
                if folder not in made:
                    os.makedirs(folder, exist_ok=True)
                    made.add(folder)
                os.link(path, os.path.join(dest, rel))
            os.makedirs(dest, exist_ok=True)
            for name in (MANIFEST, OUTPUT_MARK):
                shutil.copyfile(os.path.join(source, name), os.path.join(dest, name))
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        return False
    return True


def _regular(path: Path) -> bool:
    """A file, not a link to one."""
    return path.is_file() and not path.is_symlink()


def _place(root: str, rel: str, put: Callable[[str, str], object], source: str) -> None:
    """Put a file at `rel` under `root` in one rename: `put(source, path)` makes it."""
    dest = os.path.join(root, rel)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    tmp = os.path.join(os.path.dirname(dest), f".{os.path.basename(dest)}.dap-tmp")
    if os.path.lexists(tmp):
        os.unlink(tmp)
    put(source, tmp)
    os.replace(tmp, dest)


def _link(source: str, dest: str) -> None:
    """A hard link (nothing copied), or a copy where no link can be made."""
    try:
        os.link(source, dest)
    except OSError:
        shutil.copyfile(source, dest)


def _remove(root: str, rel: str) -> None:
    """Remove the file at `rel` and the folders it leaves empty."""
    path = os.path.join(root, rel)
    try:
        os.unlink(path)
    except FileNotFoundError:
        return
    folder = os.path.dirname(path)
    while folder != root and len(folder) > len(root):
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = os.path.dirname(folder)


def scratch(target: Path, what: str) -> Path:
    """A folder for the run's own use inside `target` (removed by the caller)."""
    return Path(tempfile.mkdtemp(prefix=f".dap-{what}-", dir=target))
