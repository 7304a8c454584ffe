"""Where the chunks of Pagefind's word list start, for the browser (`CHUNKS_FILE`).

Pagefind (1.5.2, `request_indexes` in pagefind_web/src/lib.rs) loads, for each word of a
query, only the chunks of its word list whose range holds the word itself, then matches the
word as a prefix of every word of the chunks loaded so far. A query's stem whose extensions
run on into the next chunk («громадськ»: «громадське» … «громадськості» in three chunks)
so misses the records that only have the words of the chunks not loaded, and which those are
moves with every change to the data. The chunks' first words are in Pagefind's metadata (the
`.pf_meta` file: gzip, Pagefind's `pagefind_dcd` mark, then CBOR), which its JavaScript does
not expose; this module reads them at build time and writes them beside the index, so
`dap-search.js` preloads every chunk whose words may begin with the query's stem before it
searches (`pagefind.preload(first word)`: the chunks loaded are searched together).
"""

from __future__ import annotations

import gzip
import json
from typing import Any

# In pagefind/: the first word of each chunk of Pagefind's word list, in order, as a JSON
# list, gzip-compressed like Pagefind's files.
CHUNKS_FILE = "dap-chunks.dap_chunks"
MARK = b"pagefind_dcd"  # what Pagefind writes before the content of its gzip files


def _item(data: bytes, at: int) -> tuple[Any, int]:
    """One CBOR item of `data` from `at` and where the next begins: what Pagefind's
    metadata uses (unsigned and negative integers, byte and text strings, arrays and maps of
    definite length); anything else is a ValueError. No library: these ~20 lines are all of
    the format Pagefind writes here."""
    head = data[at]
    major, extra = head >> 5, head & 31
    at += 1
    if extra < 24:
        size = extra
    elif extra <= 27:
        width = 1 << (extra - 24)
        size = int.from_bytes(data[at : at + width], "big")
        at += width
    else:
        raise ValueError(f"CBOR item {head:#x} at {at - 1} is not one Pagefind writes")
    if major == 0:
        return size, at
    if major == 1:
        return -1 - size, at
    if major in (2, 3):
        raw = data[at : at + size]
        if len(raw) != size:
            raise ValueError("CBOR string runs past the end")
        return (raw.decode() if major == 3 else raw), at + size
    if major in (4, 5):
        items = []
        for _ in range(size * (2 if major == 5 else 1)):
            item, at = _item(data, at)
            items.append(item)
        return (items if major == 4 else dict(zip(items[::2], items[1::2], strict=True))), at
    raise ValueError(f"CBOR item {head:#x} at {at - 1} is not one Pagefind writes")


def chunk_starts(meta: bytes) -> list[str]:
    """The first word of each chunk of Pagefind's word list, in order, from its `.pf_meta`
    file as written (gzip-compressed). Pagefind trims a chunk's first word to one letter
    more than it shares with the last word of the chunk before, so every word of chunk i is
    at least `starts[i]` and before `starts[i + 1]`."""
    plain = gzip.decompress(meta)
    if not plain.startswith(MARK):
        raise ValueError("Pagefind's metadata lacks its pagefind_dcd mark")
    try:
        value, end = _item(plain, len(MARK))
    except IndexError as exc:
        raise ValueError("Pagefind's metadata is cut short") from exc
    if end != len(plain):
        raise ValueError("Pagefind's metadata has bytes after its item")
    # [version, pages, chunks ([from, to, hash] each), filters, sorts, meta fields]
    if not (isinstance(value, list) and len(value) >= 3 and isinstance(value[2], list)):
        raise ValueError("Pagefind's metadata is not as Pagefind 1.5 writes it")
    starts = []
    for chunk in value[2]:
        if not (isinstance(chunk, list) and len(chunk) == 3 and isinstance(chunk[0], str)):
            raise ValueError("a chunk of Pagefind's metadata is not [from, to, hash]")
        starts.append(chunk[0])
    if starts != sorted(starts):
        raise ValueError("the chunks of Pagefind's metadata are not in order")
    return starts


def chunks_file(meta: bytes) -> bytes:
    """`CHUNKS_FILE`'s bytes for Pagefind's metadata (the same metadata, the same bytes)."""
    text = json.dumps(chunk_starts(meta), ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode(), compresslevel=9, mtime=0)


def needed(starts: list[str], stem: str) -> list[int]:
    """The chunks (their numbers) that may hold a word `stem` begins: those whose range
    [starts[i], starts[i + 1]) meets the words that begin with `stem`. What dap-search.js's
    `chunkStarts(...).probes` computes; here for the tests."""
    out = []
    for i, start in enumerate(starts):
        below_end = i + 1 == len(starts) or starts[i + 1] > stem
        from_ok = i == 0 or start <= stem or start.startswith(stem)
        if below_end and from_ok:
            out.append(i)
    return out
