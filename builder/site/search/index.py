"""Pagefind's index of the search entries (`pagefind --service`), written into the site's
pagefind/ as a chunked static index: one query fetches the index chunk of its words and the
fragments of the results shown, not the whole index. Beside it: each measure's reports' file,
the stems the index holds (`WORDS_FILE`), where the chunks of its word list start
(`chunks.CHUNKS_FILE`: the browser loads every chunk a query's stem may need), the daily
index (`site/daily.py`: the reports of the quarter being reported on, not in Pagefind's
index, so a day's merged report leaves it as it was and a rebuild carries it over) and the
manifest of what the index was made from.
"""

from __future__ import annotations

import base64
import dataclasses
import gzip
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ...errors import BuildError
from ...i18n import _
from ...wording import UK, Edition
from .chunks import CHUNKS_FILE, MARK, chunks_file
from .entries import Entry, _digest
from .seen import Seen
from .service import RECORDS_AT_ONCE, RECORDS_FIRST, PagefindService

INDEX_FOLDER = "pagefind"
# What the site loads of Pagefind's bundle: its search API, its worker, the WebAssembly
# without a stemmer (Ukrainian has none), the entry and the index. Its ready-made interfaces
# (pagefind-ui.*, pagefind-component-ui.*, pagefind-modular-ui.*, pagefind-highlight.js) are
# not used: the interface is ours (dap-search.js), in Ukrainian.
UNUSED = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight")


INDEX_MANIFEST = "dap-index.json"  # in pagefind/: what the index was made from, its files' digests
# The stems of Pagefind's index, one a line, gzip-compressed (`_add_words`).
WORDS_FILE = "dap-words.dap_words"


def index_key(entries: list[Entry]) -> str:
    """What Pagefind's index depends on: the entries (every field but the daily reports: the
    records given to Pagefind are made from them by this package alone), Pagefind's version
    and this package's code (its stemmer, the records and the way files are written). Issue 22: a key of the
    entries as they are, not of their stems, so a rebuild that carries the index over stems
    nothing."""
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.blake2b(digest_size=16)
    for package in ("pagefind", "pagefind-bin"):
        try:
            h.update(f"{package} {version(package)}\n".encode())
        except PackageNotFoundError:
            h.update(f"{package} -\n".encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):
        h.update(module.read_bytes())
    names = [f.name for f in dataclasses.fields(Entry) if f.name != "daily"]
    # the fields as strings, each after its length (a tuple: its length, then its items):
    # one unambiguous text, ~4 times cheaper than JSON per entry (issue 22, ninth session)
    for entry in entries:
        parts = [type(entry).__qualname__]
        for name in names:
            value = getattr(entry, name)
            if isinstance(value, str):
                parts.append(value)
            else:
                parts.append(f"({len(value)}")
                for report in value:
                    parts.append(f"({len(report)}")
                    parts.extend(report)
        h.update("".join(f"{len(p)}:{p}" for p in parts).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


@dataclass
class MainIndex:
    """Pagefind's index as written: its files (path in pagefind/ → digest of its bytes, the
    reports' files and `WORDS_FILE` included), each entry's page in it (url → Pagefind's page
    hash, which its search results carry) and the stems it holds, sorted (`daily.reach`)."""

    files: dict[str, str]
    pages: dict[str, str]
    words: list[str]


def reuse_index(
    previous: Path, target: Path, key: str, seen: Seen | None = None
) -> MainIndex | None:
    """Copy the previous site's Pagefind index into `target` when it was made from the same
    key and every file it lists is there with its digest (a rebuild then skips Pagefind: the
    index of 2,000 measures takes ~9 s to make); anything else — no manifest, another key, a
    file missing, edited or a link — and None: the index is made anew. The daily index is
    not carried over (`write_index` makes it on every build). `seen`: what the last build
    saw of these files (`Seen`: a file as it was then is not read again)."""
    seen = seen or Seen(None)
    try:
        manifest = json.loads((previous / INDEX_MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("key") != key:
            return None
        files = {str(rel): str(digest) for rel, digest in manifest["files"].items()}
        pages = {str(url): str(page) for url, page in manifest["pages"].items()}
        if (
            WORDS_FILE not in files
            or CHUNKS_FILE not in files
            or any(f"fragment/{page}.pf_fragment" not in files for page in pages.values())
        ):
            return None
        for rel in files:  # plain strings and os calls: 5,000 files, pathlib's cost shows
            if ".." in rel.split("/") or rel.startswith("/"):
                return None
            if not seen.intact(os.path.join(previous, rel), rel, files[rel]):
                return None
        with open(os.path.join(previous, WORDS_FILE), "rb") as file:
            words = file.read()
        if _digest(words) != files[WORDS_FILE]:
            return None
        stems = gzip.decompress(words).decode().split("\n")
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError):
        return None
    shutil.rmtree(target, ignore_errors=True)
    made: set[str] = set()
    for rel in sorted(files):
        folder = os.path.dirname(os.path.join(target, rel))
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        if not _carry(os.path.join(previous, rel), os.path.join(target, rel)):
            seen.now.pop(rel, None)  # a copy: a file of its own, looked at when recorded
    return MainIndex(files, pages, stems)


def _carry(source: str | Path, path: str | Path) -> bool:
    """A checked file of the previous index into the new one (its folder made): a hard link
    (nothing written; the previous site is removed after the swap, as for carried-over
    pages), else its bytes; whether it is a link (the same file, as `Seen` saw it)."""
    try:
        os.link(source, path)
        return True
    except OSError:  # another file system, or no hard links
        shutil.copyfile(source, path)
        return False


def _write_manifest(target: Path, key: str, main: MainIndex, daily: dict[str, str]) -> None:
    manifest = {
        "key": key,
        "files": dict(sorted(main.files.items())),
        "pages": dict(sorted(main.pages.items())),
        "daily": dict(sorted(daily.items())),
    }
    (target / INDEX_MANIFEST).write_text(json.dumps(manifest, indent=0, sort_keys=True) + "\n")


def _listed(previous: Path | None) -> dict[str, str]:
    """Every file the previous index's manifest lists (Pagefind's and the daily index's),
    with its digest; nothing when there is no readable manifest."""
    if previous is None:
        return {}
    try:
        manifest = json.loads((previous / INDEX_MANIFEST).read_text(encoding="utf-8"))
        listed = {**manifest["files"], **manifest.get("daily", {})}
        return {str(k): str(v) for k, v in listed.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_index(
    entries: list[Entry],
    site_root: Path,
    previous: Path | None = None,
    ed: Edition = UK,
    home: Path | None = None,
    key: str | None = None,
) -> bool:
    """Write the search index of `entries` into `site_root`/pagefind/: Pagefind's index of
    everything but the daily reports, carried over from `previous` (the previous site's
    pagefind/) when it was made from the same entries, and the daily index beside it, made
    anew (`site/daily.py`); returns whether Pagefind's index was carried over. `ed`: the
    edition, whose language the index is in (English: Pagefind's English stemmer for English
    words; Ukrainian words come stemmed by `stems`). `home`: where the site will serve this
    index (the output's pagefind/, which `previous` is when dap made it): what a build sees
    of its files is recorded under it (`Seen`), so the next one need not read them. `key`:
    `index_key(entries)`, when the caller has it already (else made while Pagefind builds the
    index, unless `previous` asks for it at once)."""
    from ..daily import DailyPart, daily_part, finish_daily, write_daily

    target = site_root / INDEX_FOLDER
    # the key: at once where an index may be carried over; else it names the manifest alone
    # and is made while Pagefind builds the index (issue 22, sixteenth session: not before
    # Pagefind starts, nor on the single-core path between the pages and MkDocs)
    keyed = [key or index_key(entries)] if key is not None or previous is not None else []
    seen = Seen(home)
    if previous is None or previous != home:
        seen.before = {}  # the record is of the files at `home`, not of another folder's
    listed = _listed(previous)
    main = reuse_index(previous, target, keyed[0], seen) if previous is not None else None
    carried = main is not None
    if main is None:
        seen.now.clear()  # what was seen of the previous files: not these new ones
        early: list[DailyPart] = []

        def meanwhile(words: list[str]) -> dict[str, str]:
            # while Pagefind builds the index: the reports' files, and the daily index but
            # for Pagefind's page hashes (issue 22, fifteenth session: off the critical path)
            ours = write_reports(entries, target, previous, seen=seen, before=listed)
            early.append(daily_part(entries, target, words, previous, seen, listed))
            if not keyed:
                keyed.append(index_key(entries))
            return ours

        main = _make_index(entries, target, ed, meanwhile)
        _add_words(main, target)
        daily = finish_daily(early[0], target, main)
    else:
        daily = write_daily(entries, target, main, previous, seen, listed, carried)
    _write_manifest(target, keyed[0] if keyed else index_key(entries), main, daily)
    seen.save(target, {**main.files, **daily})
    return carried


def _batches(count: int) -> Iterator[range]:
    """The records' batches (their positions): the first of `RECORDS_FIRST`, each next
    one twice as large, up to `RECORDS_AT_ONCE` (issue 22, fifteenth session: Pagefind
    waited while the first 500 records were stemmed, ~0.2 s at the head of the critical
    path; our stemming runs ahead of its adding, so it keeps up with batches that grow)."""
    start, size = 0, min(RECORDS_FIRST, RECORDS_AT_ONCE)
    while start < count:
        yield range(start, min(start + size, count))
        start += size
        size = min(2 * size, RECORDS_AT_ONCE)


def _make_index(
    entries: list[Entry],
    target: Path,
    ed: Edition,
    meanwhile: Callable[[list[str]], dict[str, str]] = lambda words: {},
) -> MainIndex:
    """Pagefind's index of `entries` (`pagefind --service`), its files written into `target`.
    `meanwhile`: work of ours done while Pagefind builds the index (issue 22: the reports'
    files, the daily index), given the stems the index holds; the files it returns (path →
    digest) are listed after Pagefind's."""
    try:
        from pagefind.service import get_executable
    except ImportError as exc:  # installed with dap (pyproject: pagefind[bin])
        raise BuildError(_("the search index needs Pagefind: pip install 'pagefind[bin]'")) from exc
    binary = get_executable()
    if binary is None:
        raise BuildError(_("the search index needs Pagefind: pip install 'pagefind[bin]'"))
    held: set[str] = set()
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    try:
        with PagefindService(binary) as service:
            index = service.ask([{"type": "NewIndex", "config": None}])[0]["index_id"]
            # the records in batches, each dropped once sent (issue 22: at 4,000 measures
            # their stems all at once were ~100 MB of the build's process beside Pagefind);
            # a batch is stemmed while Pagefind adds the one before (one batch in flight)
            sent = range(0)
            for batch in _batches(len(entries)):
                records = []
                for entry in entries[batch.start : batch.stop]:
                    content = entry.content()
                    held.update(content.split())
                    records.append(
                        {
                            "type": "AddRecord",
                            "index_id": index,
                            "url": entry.url,
                            "content": content,
                            "language": ed.lang,
                            "meta": entry.meta(),
                            "filters": None,
                            "sort": None,
                        }
                    )
                service.answers(sent)
                sent = service.send(records)
                del records
            service.answers(sent)
            asked = service.send([{"type": "GetFiles", "index_id": index}])
            words = sorted(held)
            del held
            ours = meanwhile(words)  # while Pagefind builds the index and compresses its files
            files = service.answers(asked)[0]["files"]
        # The files come back in the answer and are written here: Pagefind's own WriteFiles
        # answers before its writes have reached the disk (an empty file now and then).
        written: dict[str, str] = {}  # rel → digest (the bytes are not kept: issue 22)
        pages: dict[str, str] = {}
        starts: bytes | None = None  # CHUNKS_FILE, from Pagefind's metadata
        folders: set[str] = set()
        files.sort(key=lambda f: str(f["path"]))
        for file in files:
            parts = PurePosixPath(str(file["path"])).parts
            if INDEX_FOLDER in parts:  # pagefind/fragment/x.pf_fragment → fragment/x.pf_fragment
                parts = parts[parts.index(INDEX_FOLDER) + 1 :]
            if not parts or parts[-1].startswith(UNUSED) or ".." in parts or parts[0] == "/":
                continue
            rel = "/".join(parts)
            path = os.path.join(target, rel)
            if (folder := os.path.dirname(path)) not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            data = base64.b64decode(str(file.pop("content")))
            _write_file(path, data)
            written[rel] = _digest(data)
            if parts[0] == "fragment" and parts[-1].endswith(".pf_fragment"):
                pages[_fragment_url(data)] = parts[-1].removesuffix(".pf_fragment")
            elif len(parts) == 1 and parts[0].endswith(".pf_meta"):
                if starts is not None:
                    raise ValueError("more than one .pf_meta file")
                starts = chunks_file(data)
        if starts is None:
            raise ValueError("no .pf_meta file")
        (target / CHUNKS_FILE).write_bytes(starts)
        written[CHUNKS_FILE] = _digest(starts)
        missing = [entry.url for entry in entries if entry.url not in pages]
        if missing:
            raise ValueError(f"no page in the index for {missing[0]}")
    except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
        raise BuildError(
            _("Pagefind could not write the search index: {error}", error=exc)
        ) from exc
    written.update(ours)
    return MainIndex(written, pages, words)


def _write_file(path: str, data: bytes) -> None:
    """`data` as the file `path` (new), by plain os calls: ~2,650 of Pagefind's files after its
    answer, on the search stage's critical path (pathlib's own work per file shows)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _fragment_url(data: bytes) -> str:
    """The address of the page a Pagefind fragment is of (gzip-compressed JSON after
    Pagefind's `pagefind_dcd` mark)."""
    plain = gzip.decompress(data)
    plain = plain.removeprefix(MARK)
    return str(json.loads(plain)["url"])


def _add_words(main: MainIndex, target: Path) -> None:
    """The stems Pagefind's index holds, one a line, compressed (`WORDS_FILE`): what the
    daily index asks of it (`daily.reach`) when a rebuild carries it over and stems
    nothing. Not loaded by the browser."""
    data = gzip.compress("\n".join(main.words).encode(), compresslevel=6, mtime=0)
    (target / WORDS_FILE).write_bytes(data)
    main.files[WORDS_FILE] = _digest(data)


def write_reports(
    entries: list[Entry],
    target: Path,
    previous: Path | None,
    daily: bool = False,
    seen: Seen | None = None,
    before: dict[str, str] | None = None,
) -> dict[str, str]:
    """The reports' files of `entries` (their daily reports' with `daily`) into `target`
    (the index's folder): a file the previous index listed with the same bytes is linked
    (its name is the digest of its JSON, so a measure whose reports are unchanged keeps its
    file), the others compressed anew. Returns their digests by path in pagefind/."""
    before = _listed(previous) if before is None else before
    seen = seen or Seen(None)
    written: dict[str, str] = {}
    folders: set[str] = set()  # made already
    for entry in entries:
        found = entry.daily_file() if daily else entry.reports_file()
        if found is None or found[0] in written:
            continue
        rel, data = found
        path = os.path.join(target, rel)
        if (folder := os.path.dirname(path)) not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        if rel in before and previous is not None:
            source = os.path.join(previous, rel)
            if seen.intact(source, rel, before[rel]):
                if not _carry(source, path):
                    seen.now.pop(rel, None)
                written[rel] = before[rel]
                continue
        compressed = gzip.compress(data, compresslevel=6, mtime=0)
        with open(path, "wb") as file:
            file.write(compressed)
        written[rel] = _digest(compressed)
    return written
