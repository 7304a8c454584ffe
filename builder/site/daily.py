"""The daily search index: the texts of the reports a day's merge changes, beside Pagefind's.

Pagefind cannot update an index in place, and an index in shards costs a query more than its
300 KB budget and finds junk for rare words (docs/performance.md, "The search stage"). So
the reports of the quarter being reported on (`search.newest_period`) are not in Pagefind's
index but in this one, made on every build in a fraction of a second, while a rebuild after
such a report carries Pagefind's index over unchanged.

One gzip-compressed JSON file, `pagefind/dap-daily.dap_daily`, that `dap-search.js` loads
once and searches with Pagefind's own rules (a query's stem matches an indexed stem it is a
prefix of; a result has every word of the query, in Pagefind's index or in this one):

* `pages`: one per entry with daily reports, in the entries' order — Pagefind's page hash
  (what its search results carry) and the name of the file with those reports' texts
  (`pagefind/reports/<name>.dap_reports`, as for the older reports);
* `stems`: the stems of those texts (of each page's, those no other of its stems extends:
  `Entry.daily_content`), sorted;
* `reach`: for each stem, the length of its longest prefix that begins a stem of Pagefind's
  index — a query's stem found here is in Pagefind's index too exactly when it is no longer
  than this (otherwise Pagefind falls back to a shorter word and finds junk: not asked);
* `in`: for each stem, its pages: a list of differences between page numbers, or the pages
  as a bitmap in base64 (bit n of byte n // 8), whichever is shorter.

The same entries and the same Pagefind index give the same bytes, so a rebuild equals a clean
build file by file.
"""

from __future__ import annotations

import base64
import bisect
import gzip
import itertools
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .search.entries import Entry
    from .search.index import MainIndex
    from .search.seen import Seen

DAILY_FILE = "dap-daily.dap_daily"  # in pagefind/


def reach(stem: str, words: list[str]) -> int:
    """The length of the longest prefix of `stem` that some word of `words` (sorted) begins
    with: its neighbours in sorted order share the longest prefixes with it."""
    at = bisect.bisect_left(words, stem)
    best = 0
    for word in words[max(at - 1, 0) : at + 1]:
        same = 0
        for a, b in zip(stem, word, strict=False):
            if a != b:
                break
            same += 1
        best = max(best, same)
    return best


def pages_of(numbers: list[int], count: int) -> str | list[int]:
    """A stem's page numbers (ascending) as differences, or as a base64 bitmap of `count`
    pages when that is shorter."""
    deltas = [numbers[0], *(b - a for a, b in zip(numbers, numbers[1:], strict=False))]
    listed = sum(len(str(d)) for d in deltas) + len(deltas) + 1  # as JSON: [1,2,3]
    packed = 4 * (((count + 7) // 8 + 2) // 3) + 2  # base64 of the bitmap, quoted
    if listed <= packed:
        return deltas
    bitmap = bytearray((count + 7) // 8)
    for n in numbers:
        bitmap[n // 8] |= 1 << (n % 8)
    return base64.b64encode(bytes(bitmap)).decode()


@dataclass
class DailyIndex:
    """The daily index but for Pagefind's page hashes (`encoded`): each of its pages' entry
    address and reports' file name, its stems, their reach and their pages. Made before
    Pagefind's answer (`prepare_daily`: only the stems Pagefind's index holds are needed,
    and those are ours), so that after it only the hashes are filled in (issue 22, fifteenth
    session: ~0.1–0.2 s off the search stage's critical path)."""

    urls: list[str]
    names: list[str]
    stems: list[str]
    reach: list[int]
    pages_in: list[str | list[int]]

    def encoded(self, hashes: dict[str, str]) -> bytes:
        """Its JSON, before compression, with Pagefind's page hash of each page (url → hash,
        `MainIndex.pages`)."""
        index = {
            "pages": [[hashes[url], name] for url, name in zip(self.urls, self.names, strict=True)],
            "stems": self.stems,
            "reach": self.reach,
            "in": self.pages_in,
        }
        return json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode()


def prepare_daily(entries: list[Entry], words: list[str], before: Any = None) -> DailyIndex:
    """The daily index of `entries` against a Pagefind index holding the stems `words`
    (sorted), all but its page hashes (`DailyIndex`). `before`: the previous daily index
    (its JSON, read) when Pagefind's index is the one it was made against (carried over): a
    page whose reports' file has the same name (the digest of its texts) has the same stems,
    and a stem the same reach — taken from it, not made again (issue 22, ninth session)."""
    known, reached = _known(before)
    urls: list[str] = []
    names: list[str] = []
    found: dict[str, list[int]] = defaultdict(list)
    for entry in entries:
        named = entry.daily_file()
        if named is None:
            continue
        number = len(urls)
        name = Path(named[0]).name.split(".")[0]
        urls.append(entry.url)
        names.append(name)
        for stem in known[name] if name in known else entry.daily_content().split():
            found[stem].append(number)
    stems = sorted(found)
    return DailyIndex(
        urls,
        names,
        stems,
        [reached[s] if s in reached else reach(s, words) for s in stems],
        [pages_of(found[stem], len(urls)) for stem in stems],
    )


def daily_index(entries: list[Entry], main: MainIndex, before: Any = None) -> bytes:
    """The daily index of `entries` (its JSON, before compression), against Pagefind's
    index `main` (the pages it has, the words it holds); `before` as `prepare_daily`'s."""
    return prepare_daily(entries, main.words, before).encoded(main.pages)


def _known(before: Any) -> tuple[dict[str, list[str]], dict[str, int]]:
    """From a daily index as written: each page's stems by its reports' file's name, and
    each stem's reach; nothing when there is none or it is not of this shape."""
    if not isinstance(before, dict):
        return {}, {}
    try:
        names = [str(page[1]) for page in before["pages"]]
        stems: list[str] = [str(s) for s in before["stems"]]
        known: dict[str, list[str]] = {name: [] for name in names}
        for stem, listed in zip(stems, before["in"], strict=True):
            for number in _numbers(listed, len(names)):
                known[names[number]].append(stem)
        reached = {stem: int(r) for stem, r in zip(stems, before["reach"], strict=True)}
    except (KeyError, TypeError, ValueError, IndexError):
        return {}, {}
    return known, reached


def _numbers(listed: str | list[int], count: int) -> list[int]:
    """A stem's page numbers from `pages_of`'s form (differences, or a base64 bitmap)."""
    if isinstance(listed, str):
        bitmap = base64.b64decode(listed)
        return [n for n in range(count) if bitmap[n // 8] >> (n % 8) & 1]
    return list(itertools.accumulate(listed))


def previous_daily(previous: Path | None, listed: dict[str, str] | None) -> Any:
    """The previous index's daily index, read, when its file has the digest its manifest
    lists; else None."""
    from .search.entries import _digest

    if previous is None or not listed or DAILY_FILE not in listed:
        return None
    try:
        data = (previous / DAILY_FILE).read_bytes()
        if _digest(data) != listed[DAILY_FILE]:
            return None
        return json.loads(gzip.decompress(data))
    except (OSError, ValueError, EOFError):
        return None


@dataclass
class DailyPart:
    """What `daily_part` made of the daily index before Pagefind's answer: its reports'
    files (path in pagefind/ → digest) and the index but for the page hashes."""

    written: dict[str, str]
    index: DailyIndex


def daily_part(
    entries: list[Entry],
    target: Path,
    words: list[str],
    previous: Path | None,
    seen: Seen | None = None,
    listed: dict[str, str] | None = None,
    before: Any = None,
) -> DailyPart:
    """The daily reports' files written into `target` (pagefind/) and the daily index
    prepared against Pagefind's stems `words` (`prepare_daily`, with `before`): everything
    but Pagefind's page hashes, so that it may be made while Pagefind builds its index
    (`search.index.write_index`). `seen`, `listed`: as `write_daily`'s."""
    from .search.index import write_reports

    written = write_reports(entries, target, previous, True, seen, listed)
    return DailyPart(written, prepare_daily(entries, words, before))


def finish_daily(part: DailyPart, target: Path, main: MainIndex) -> dict[str, str]:
    """The daily index of `part` written into `target` (pagefind/) with Pagefind's page
    hashes of `main`; returns its files' digests by path in pagefind/, for the manifest."""
    from .search.entries import _digest

    data = gzip.compress(part.index.encoded(main.pages), compresslevel=9, mtime=0)
    (target / DAILY_FILE).write_bytes(data)
    return {**part.written, DAILY_FILE: _digest(data)}


def write_daily(
    entries: list[Entry],
    target: Path,
    main: MainIndex,
    previous: Path | None,
    seen: Seen | None = None,
    listed: dict[str, str] | None = None,
    carried: bool = False,
) -> dict[str, str]:
    """The daily index and its reports' files into `target` (pagefind/); returns their
    digests by path in pagefind/, for the index's manifest. `seen`, `listed`: the previous
    index's files as the last build saw them, and as its manifest lists them; `carried`:
    Pagefind's index is the previous one (its daily index's stems and reach then hold)."""
    before = previous_daily(previous, listed) if carried else None
    part = daily_part(entries, target, main.words, previous, seen, listed, before)
    return finish_daily(part, target, main)
