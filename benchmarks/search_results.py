"""What the site's search finds, query by query, in two builds of the same data (issue 22).

    python benchmarks/search_results.py BEFORE/public AFTER/public [--out results.json]

For a change to the search index (what Pagefind is given, how it is cut): a fixed set of
queries (drawn with a fixed seed from the first site's own records: measures', ОСР's,
executors' and sections' words as written, their prefixes, pairs of a title's words, measure
numbers, and the English edition's words) is run in headless Chromium through the site's own
search code (dap-search.js: its stemmer and `searchBoth` over Pagefind's index and the daily
one), against each site. Printed: how many queries find the same records and the same first
ten in the same order, each query that does not, and for each site the records a query
misses or finds in excess against what it should find — every stem of the query a prefix of
a stem of the record, read from the first site's Pagefind fragments (their `content`: the
stems it was given; a site whose records hold fewer stems is no reference) and its daily
index. Pagefind looks a query's stem up in the one chunk of its words the stem falls in,
so a stem whose extensions run on into the next chunk misses records (docs/performance.md)
unless the site preloads those chunks (`dap-chunks.dap_chunks`, twelfth session); each query
runs in a fresh page, as a reader's first query does (`--one-page`: all in one).

The English edition's Latin words are stemmed by Pagefind itself, so the stem rule above does
not say what they should find: compare with the same site whose English index is one chunk
(`PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE=100000000` while its index is made), `--english`.
"""

from __future__ import annotations

import argparse
import base64
import functools
import gzip
import http.server
import json
import random
import re
import sys
import threading
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.site.search.stems import searched, stem, words  # noqa: E402

EDITIONS = (("uk", ""), ("en", "en/"))
ENGLISH = [
    "implementers", "deadline", "data", "home", "programme", "directions", "timeliness",
    "reporting", "reports", "statistics", "download", "dictionary", "methodology", "feedback",
    "glossary", "iii", "iv", "impl", "dead", "stat", "rep", "meth", "down", "dict", "prog",
    "gloss", "feed", "time",
]  # fmt: skip
COMMON = [
    "закупівлі", "звіт про виконання", "корупція", "антикорупційної програми",
    "конфлікт інтересів", "декларування", "гро", "службі",
]  # fmt: skip
SEARCH = """async ({root, queries}) => {
  const S = window.DAP_SEARCH_STEM;
  const pagefind = await import(root + "pagefind/pagefind.js");
  if (pagefind.init) await pagefind.init();
  const gunzipped = async (name) => {
    const answer = await fetch(root + "pagefind/" + name);
    if (!answer.ok) return null;
    const plain = answer.body.pipeThrough(new DecompressionStream("gzip"));
    return await new Response(plain).json();
  };
  const daily = S.dailyIndex(await gunzipped("dap-daily.dap_daily"));
  const starts = S.chunkStarts ? await gunzipped("dap-chunks.dap_chunks") : null;
  const chunks = starts ? S.chunkStarts(starts) : null;
  const out = {};
  for (const q of queries) {
    const asked = S.words(q).filter(S.searched).filter(w => S.stem(w).length > 0);
    const stems = asked.map(S.stem);
    let found = [];
    if (stems.length && S.searchQuery) {  /* the dialog's way since the twelfth session */
      found = (await S.searchQuery(pagefind, daily, asked, id => ({id}), chunks)).found;
    } else if (stems.length) {
      found = await S.searchBoth(pagefind, daily, stems, id => ({id}), chunks);
    }
    out[q] = found.map(r => r.id);
  }
  return out;
}"""
# A blank page of an edition with the site's search code only, so that each query can run in
# a fresh page (no chunk of Pagefind's loaded by the queries before it, as for a reader).
PROBE = "__search_probe.html"


def records(site: Path) -> list[dict[str, Any]]:
    """Each page of a site's Pagefind index: url, meta, its stems (Pagefind's and daily)."""
    folder = site / "pagefind"
    pages = []
    for path in sorted((folder / "fragment").glob("*.pf_fragment")):
        data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        pages.append({"id": path.stem, "url": data["url"], "meta": data["meta"],
                      "stems": set(data["content"].split())})  # fmt: skip
    daily = json.loads(gzip.decompress((folder / "dap-daily.dap_daily").read_bytes()))
    by_id = {page["id"]: page for page in pages}
    count = len(daily["pages"])
    for at, word in enumerate(daily["stems"]):
        held = daily["in"][at]
        if isinstance(held, list):
            numbers = [sum(held[: i + 1]) for i in range(len(held))]
        else:
            bits = base64.b64decode(held)
            numbers = [n for n in range(count) if bits[n // 8] >> (n % 8) & 1]
        for n in numbers:
            by_id[daily["pages"][n][0]]["stems"].add(word)
    return pages


def latin(pages: list[dict[str, Any]]) -> list[str]:
    """`--english`: every Latin word of an edition's records (their meta and their stems:
    Pagefind stems these itself in the English edition), each prefix of it and it with an
    English ending: the queries whose Pagefind stem may differ from the stem dap-search.js
    preloads the chunks of (issue 22, thirteenth session)."""
    found: set[str] = set()
    for page in pages:
        for field in ("title", "kind", "text"):
            found.update(w.lower() for w in re.findall(r"[A-Za-z]+", page["meta"].get(field, "")))
        found.update(s for s in page["stems"] if re.search("[a-z]", s))
    asked = set(found)
    for word in found:
        asked.update(word[:k] for k in range(1, len(word)))
        asked.update(word + ending for ending in ("s", "es", "ed", "ing"))
    return sorted(asked)


def queries(pages: list[dict[str, Any]], wide: bool = False) -> dict[str, dict[str, list[str]]]:
    """The query set, drawn from the pages' titles and texts (seed 22); with `wide`, also
    every distinct word of the pages' titles and every three-letter prefix of one."""
    rng = random.Random(22)

    def pick(pool: list[str], n: int) -> list[str]:
        ordered = sorted(set(pool))
        rng.shuffle(ordered)
        return ordered[:n]

    def of(kinds: tuple[str, ...], field: str = "title", least: int = 5) -> list[str]:
        texts = [p["meta"].get(field, "") for p in pages if p["meta"].get("kind") in kinds]
        return [
            w.lower()
            for text in texts
            for w in words(text)
            if searched(w) and len(w) >= least and not w[0].isdigit()
        ]

    titles = of(("Захід",))
    pairs = []
    for page in pages[:600]:
        if page["meta"].get("kind") == "Захід":
            found = [w.lower() for w in words(page["meta"]["title"]) if searched(w)][1:]
            pairs += [f"{a} {b}" for a, b in zip(found, found[1:], strict=False)]
    uk = {
        "title word": pick(titles, 20),
        "measure text": pick(of(("Захід",), "text"), 10),
        "executor": pick(of(("Виконавець",), "title", 4), 10),
        "ОСР": pick(of(("ОСР",)) + of(("ОСР",), "text"), 10),
        "section": pick(of(("Напрям", "Проблема")), 6),
        "prefix": [w[: rng.randint(3, 6)] for w in pick([w for w in titles if len(w) >= 7], 12)],
        "two words": pick(pairs, 10),
        "number": ["1.1", "2.1.1", "1.1.1.1.2", "3.2"],
        "common": COMMON,
    }
    if wide:
        every = sorted(
            {
                w.lower()
                for p in pages
                for w in words(p["meta"].get("title", ""))
                if searched(w) and len(w) >= 3 and not w[0].isdigit()
            }
        )
        uk["every title word"] = every
        uk["every three-letter prefix"] = sorted({w[:3] for w in every})
    return {"uk": uk, "en": {"english": ENGLISH, "ukrainian": pick(uk["title word"], 12)}}


def run(
    site: Path, asked: dict[str, dict[str, list[str]]], fresh: bool = True
) -> dict[str, dict[str, list[str]]]:
    """Every query through the site's own search in headless Chromium: the urls found. Each
    query in a fresh page (`fresh`), else all in one page, one after the other."""
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 — http.server's name
            if not self.path.endswith(PROBE):
                return super().do_GET()
            up = "../" * (self.path.count("/") - 1)
            body = (
                f'<!doctype html><meta charset="utf-8"><title>q</title>'
                f'<script src="{up}assets/dap-search.js"></script>'
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out: dict[str, dict[str, list[str]]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            for lang, sub in EDITIONS:
                manifest = json.loads((site / sub / "pagefind" / "dap-index.json").read_text())
                url_of = {page: url for url, page in manifest["pages"].items()}
                flat = [q for group in asked[lang].values() for q in group]
                got: dict[str, list[str]] = {}
                for batch in [[q] for q in flat] if fresh else [flat]:
                    context = browser.new_context()
                    page = context.new_page()
                    page.goto(base + sub + PROBE)
                    page.wait_for_function("() => !!window.DAP_SEARCH_STEM")
                    got.update(page.evaluate(SEARCH, {"root": base + sub, "queries": batch}))
                    context.close()
                out[lang] = {q: [url_of.get(i, i) for i in got[q]] for q in flat}
            browser.close()
    finally:
        server.shutdown()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--one-page",
        action="store_true",
        help="all queries in one page (the chunks loaded by a query help the next)",
    )
    parser.add_argument(
        "--wide",
        action="store_true",
        help="also every distinct measure-title word and every three-letter prefix of one",
    )
    parser.add_argument(
        "--english",
        action="store_true",
        help="also every Latin word of the English edition, its prefixes and English endings",
    )
    args = parser.parse_args()
    asked = queries(records(args.before), args.wide)
    if args.english:
        asked["en"]["every latin word"] = latin(records(args.before / "en"))
    truth: dict[str, dict[str, set[str]]] = {}
    for lang, sub in EDITIONS:
        pages = records(args.before / sub)
        truth[lang] = {}
        for group in asked[lang].values():
            for q in group:
                wanted = [stem(w) for w in words(q) if searched(w)]
                truth[lang][q] = {
                    p["url"]
                    for p in pages
                    if all(any(s.startswith(w) for s in p["stems"]) for w in wanted)
                }
    fresh = not args.one_page
    found = {"before": run(args.before, asked, fresh), "after": run(args.after, asked, fresh)}
    same = same_ten = total = 0
    for lang, _sub in EDITIONS:
        for q, before in found["before"][lang].items():
            after = found["after"][lang][q]
            total += 1
            same += set(before) == set(after)
            same_ten += before[:10] == after[:10]
            line = [f"{lang} {q!r}: {len(before)} → {len(after)}"]
            line.append(f"first ten: {len(set(before[:10]) & set(after[:10]))} shared")
            for name, urls in (("before", before), ("after", after)):
                got = {u.split("#")[0] for u in urls}
                want = truth[lang][q]
                if got != want and (lang == "uk" or not any(c.isascii() for c in q)):
                    line.append(f"{name} misses {len(want - got)}, finds {len(got - want)} more")
            if set(before) != set(after) or before[:10] != after[:10] or len(line) > 2:
                print("; ".join(line))
    print(f"{total} queries: the same records {same}, the same first ten in order {same_ten}")
    if args.out:
        args.out.write_text(json.dumps({"asked": asked, "found": found}, ensure_ascii=False))


if __name__ == "__main__":
    main()
