"""A query's stem whose words run over a boundary between the chunks of Pagefind's word list
finds every record that has such a word (builder/site/search/chunks.py, dap-search.js's
`chunkStarts`), in a real browser through the site's own search code.

Pagefind loads, for a query's word, only the chunk that holds the word itself and matches
it as a prefix of the words loaded so far; the chunks are cut after 20,000 (page, place)
entries, so on the test data the index has one. Pagefind's own (unstable)
setting `PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE` cuts them small here, so that many stems'
words straddle a boundary; each query runs in a fresh page (no chunk loaded before it).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_fixtures import ROOT
from test_browser_site import served

from builder.compute import history_snapshots
from builder.load import load
from builder.site.context import prepare
from builder.site.search.chunks import CHUNKS_FILE, needed
from builder.site.search.entries import search_entries
from builder.site.search.index import write_index
from builder.site.search.stems import _ENDINGS, _MIN_STEM, _normal, stem

pytestmark = pytest.mark.slow

FIXTURE = ROOT / "tests" / "fixtures" / "programme" / "data"
SCRIPT = ROOT / "site" / "pages" / "assets" / "dap-search.js"
CHUNK_SIZE = "30"  # (page, place) entries in a chunk: Pagefind's default is 20,000
ASKED = 8  # straddling stems asked, spread over the index

# `how`: "chunks" (the site's way), "pagefind" (the chunks Pagefind picks) or "all" (every
# chunk loaded first: what Pagefind finds over its whole word list)
SEARCH = """async ({stem, how}) => {
  const S = window.DAP_SEARCH_STEM;
  const pagefind = await import("/pagefind/pagefind.js");
  if (pagefind.init) await pagefind.init();
  const answer = await fetch("/pagefind/dap-chunks.dap_chunks");
  const plain = answer.body.pipeThrough(new DecompressionStream("gzip"));
  const starts = await new Response(plain).json();
  if (how === "all") for (const start of starts) await pagefind.preload(start);
  const chunks = how === "chunks" ? S.chunkStarts(starts) : null;
  const found = await S.searchBoth(pagefind, null, [stem], id => ({id}), chunks);
  return found.map(r => r.id);
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, set[str]]]]:
    """The fixture's index in small chunks, dap-search.js and a page that loads it; each
    record's words (by Pagefind's page hash)."""
    data, _ = load(FIXTURE, "data")
    day = dt.date(2025, 12, 31)
    entries = search_entries(prepare(data, history_snapshots(data, None, day, day)))
    root = tmp_path_factory.mktemp("chunks")
    before = os.environ.get("PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE")
    os.environ["PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"] = CHUNK_SIZE
    try:
        write_index(entries, root)
    finally:
        if before is None:
            del os.environ["PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"]
        else:
            os.environ["PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"] = before
    shutil.copy(SCRIPT, root / "dap-search.js")
    (root / "index.html").write_text(
        '<!doctype html><meta charset="utf-8"><title>t</title><script src="dap-search.js"></script>'
    )
    pages = json.loads((root / "pagefind" / "dap-index.json").read_text())["pages"]
    # the daily reports are not in Pagefind's index: its records' words are `content`
    held = {pages[e.url]: set(e.content().split()) for e in entries}
    yield root, held


def straddling(root: Path, held: dict[str, set[str]]) -> list[str]:
    """Stems (3 letters or more) whose words are in more than one chunk: the prefixes of
    each chunk's first word that a word of the chunk before begins too."""
    starts = json.loads(gzip.decompress((root / "pagefind" / CHUNKS_FILE).read_bytes()))
    words = sorted({w for ws in held.values() for w in ws})
    found = set()
    for start in starts[1:]:
        for cut in range(3, len(start) + 1):
            prefix = start[:cut]
            begun = [w for w in words if w.startswith(prefix)]
            if begun and begun[0] < start and len(needed(starts, prefix)) > 1:
                found.add(prefix)
    return sorted(found)


def ask(browser: object, base_url: str, stem: str, how: str) -> list[str]:
    """The pages a stem finds, in order, in a fresh page (no chunk of Pagefind's loaded
    before)."""
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(base_url)
        found: list[str] = page.evaluate(SEARCH, {"stem": stem, "how": how})
    finally:
        context.close()
    assert len(found) == len(set(found))
    return found


def test_a_stem_over_a_chunk_boundary_finds_every_record(
    browser: object, site: tuple[Path, dict[str, set[str]]]
) -> None:
    root, held = site
    stems = straddling(root, held)
    assert len(stems) >= ASKED  # the small chunks do cut through many stems' words
    asked = stems[:: len(stems) // ASKED][:ASKED]
    for base_url in served(root):
        missed_before = 0
        for stem_ in asked:
            whole = ask(browser, base_url, stem_, "all")
            # every record with a word the stem begins (Pagefind 1.5 also matches the words
            # of a record's meta: «викон» finds the executors, whose kind is «Виконавець»)
            assert {
                page for page, ws in held.items() if any(w.startswith(stem_) for w in ws)
            } <= set(whole)
            # the same records in the same order as over Pagefind's whole word list
            assert ask(browser, base_url, stem_, "chunks") == whole, stem_
            missed_before += set(ask(browser, base_url, stem_, "pagefind")) != set(whole)
        # without the chunks' starts (Pagefind's own choice of chunks), some miss records
        assert missed_before > 0


QUERY = """async ({word}) => {
  const S = window.DAP_SEARCH_STEM;
  const pagefind = await import("/pagefind/pagefind.js");
  if (pagefind.init) await pagefind.init();
  const answer = await fetch("/pagefind/dap-chunks.dap_chunks");
  const plain = answer.body.pipeThrough(new DecompressionStream("gzip"));
  const chunks = S.chunkStarts(await new Response(plain).json());
  const plainStem = await S.searchBoth(pagefind, null, [S.stem(word)], id => ({id}), chunks);
  const got = await S.searchQuery(pagefind, null, [word], id => ({id}), chunks);
  return {stems: got.stems, found: got.found.map(r => r.id), plain: plainStem.map(r => r.id)};
}"""


def _typed(word: str) -> str | None:
    """dap-search.js's `typed`: the word when its stem is it with a letter dropped and no
    ending cut."""
    plain = _normal(word)
    cut = any(plain.endswith(e) and len(plain) - len(e) >= _MIN_STEM for e in _ENDINGS)
    return plain if not cut and stem(word) != plain else None


def test_a_word_typed_in_part_is_not_cut_to_a_stem_nothing_begins(
    browser: object, site: tuple[Path, dict[str, set[str]]]
) -> None:
    """«доброч» (of «доброчесність») has the stem «добрч» (a fleeting vowel dropped), which
    nothing begins: Pagefind falls back to a shorter word («добр») and finds unrelated
    records. The site then searches the word as typed. Such a word whose stem finds nothing
    at all keeps its empty answer, and a word whose stem does begin words («рік» → «рк»,
    as «року») finds what its stem finds, as before."""
    root, held = site
    words_ = sorted({w for ws in held.values() for w in ws})

    def begun(prefix: str) -> bool:
        return any(w.startswith(prefix) for w in words_)

    prefixes = sorted({w[:n] for w in words_ for n in range(3, len(w)) if not w[0].isdigit()})
    broken = [p for p in prefixes if _typed(p) and not begun(stem(p)) and begun(p)]
    kept = [p for p in prefixes if _typed(p) and begun(stem(p))]
    assert broken and kept
    retried = 0
    for base_url in served(root):
        for prefix in broken:
            got = _query(browser, base_url, prefix)
            if not got["plain"]:  # nothing to fall back to: as before
                assert got["stems"] == [stem(prefix)] and got["found"] == [], prefix
                continue
            retried += 1
            expected = {p for p, ws in held.items() if any(w.startswith(prefix) for w in ws)}
            assert got["stems"] == [prefix], prefix
            assert expected <= set(got["found"]), prefix
            assert set(got["plain"]) != set(got["found"]), prefix  # the stem's: unrelated
        for prefix in kept[:: max(1, len(kept) // 4)][:4]:
            got = _query(browser, base_url, prefix)
            assert got["stems"] == [stem(prefix)]
            assert got["found"] == got["plain"], prefix
    assert retried  # some stems do fall back in this index («роз» → «рз» → «р»)


def _query(browser: object, base_url: str, word: str) -> dict[str, list[str]]:
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(base_url)
        got: dict[str, list[str]] = page.evaluate(QUERY, {"word": word})
    finally:
        context.close()
    return got
