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
* `stems`: every stem of those texts, sorted;
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
import json
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .search import Entry, MainIndex, Seen

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


def daily_index(entries: list[Entry], main: MainIndex) -> bytes:
    """The daily index of `entries` (its JSON, before compression), against Pagefind's
    index `main` (the pages it has, the words it holds)."""
    pages: list[list[str]] = []
    found: dict[str, list[int]] = defaultdict(list)
    for entry in entries:
        named = entry.daily_file()
        if named is None:
            continue
        number = len(pages)
        pages.append([main.pages[entry.url], Path(named[0]).name.split(".")[0]])
        for stem in entry.daily_content().split():
            found[stem].append(number)
    stems = sorted(found)
    index = {
        "pages": pages,
        "stems": stems,
        "reach": [reach(stem, main.words) for stem in stems],
        "in": [pages_of(found[stem], len(pages)) for stem in stems],
    }
    return json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode()


def write_daily(
    entries: list[Entry],
    target: Path,
    main: MainIndex,
    previous: Path | None,
    seen: Seen | None = None,
    listed: dict[str, str] | None = None,
) -> dict[str, str]:
    """The daily index and its reports' files into `target` (pagefind/); returns their
    digests by path in pagefind/, for the index's manifest. `seen`, `listed`: the previous
    index's files as the last build saw them, and as its manifest lists them."""
    from .search import _digest, write_reports

    written = write_reports(entries, target, previous, True, seen, listed)
    data = gzip.compress(daily_index(entries, main), compresslevel=9, mtime=0)
    (target / DAILY_FILE).write_bytes(data)
    written[DAILY_FILE] = _digest(data)
    return written
