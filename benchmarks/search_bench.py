"""What the site's search costs at national scale: building its index, and one query.

Run: python benchmarks/search_bench.py [--data DIR | --measures 2000] [--site DIR] [--as-of DAY]

1. Reads the data (DIR, or a `dap demo --measures N --executors 150 --years 3 --seed 1`
   programme written into a temporary folder), makes the search entries (builder/site/search/)
   and writes the Pagefind index, timing each part: entries, stems, Pagefind.
   Then one report of the quarter being reported on is edited and the index written again
   over the first (the daily rebuild: Pagefind's index carried over, the daily one made).
2. The index on disk: files, bytes (apparent size), the largest chunk.
3. With --site (a site `dap build` made from the same data; the index is written into its
   pagefind/, as the build would): serves it on the loopback address,
   opens the home page in Chromium (Playwright, Debian's /usr/bin/chromium), then types one
   query into the header's search and counts the bytes transferred for it (every response
   after the page had loaded, encoded size as sent), by file kind. The budget is 300 KB.

The machine is shared: take the best of a few runs for times; bytes do not vary.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
import http.server
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder.compute import history_snapshots  # noqa: E402
from builder.load import load  # noqa: E402
from builder.site.context import prepare  # noqa: E402
from builder.site.search.entries import Entry, search_entries  # noqa: E402
from builder.site.search.index import write_index  # noqa: E402

BUDGET = 300_000  # bytes one query may cost the reader


def build_index(data_dir: Path, out: Path, day: dt.date) -> None:
    data, _ = load(data_dir, "data")
    start = time.perf_counter()
    site = prepare(data, history_snapshots(data, None, day, day))
    print(f"prepare (for the benchmark only)    {time.perf_counter() - start:7.2f} s")
    start = time.perf_counter()
    entries = search_entries(site)
    took = time.perf_counter() - start
    print(f"entries from the data                {took:7.2f} s  {len(entries)} entries")
    start = time.perf_counter()
    words = sum(len(e.content().split()) for e in entries)
    took = time.perf_counter() - start
    print(f"stems of every entry                 {took:7.2f} s  {words} indexed words")
    start, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    write_index(entries, out)
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - cpu
    took = time.perf_counter() - start
    print(f"write_index (stems + Pagefind)       {took:7.2f} s  Pagefind's CPU {child:.2f} s")
    daily_rewrite(entries, out)
    files = [p for p in (out / "pagefind").rglob("*") if p.is_file()]
    by_kind: dict[str, list[int]] = defaultdict(list)
    for p in files:
        by_kind[p.parent.name if p.parent.name != "pagefind" else p.suffix or p.name].append(
            p.stat().st_size
        )
    total = sum(p.stat().st_size for p in files)
    print(f"index on disk: {len(files)} files, {total / 1e6:.1f} MB")
    for kind, sizes in sorted(by_kind.items()):
        print(
            f"  {kind:24} {len(sizes):6} files {sum(sizes) / 1e6:8.2f} MB  largest {max(sizes)} B"
        )


def daily_rewrite(entries: list[Entry], out: Path) -> None:
    """The daily rebuild's case: one report of the quarter being reported on edited, the index
    written again over the previous one (Pagefind's index carried over, the daily one made)."""
    at = next((n for n, e in enumerate(entries) if e.daily), None)
    if at is None:
        print("no daily reports as of that date: the daily rewrite is not measured")
        return
    entry = entries[at]
    anchor, heading, text = entry.daily[0]
    edited = [*entries]
    edited[at] = dataclasses.replace(entry, daily=((anchor, heading, "(edited) " + text),))
    again = out.parent / (out.name + "-again")
    start, cpu = time.perf_counter(), _cpu()
    carried = write_index(edited, again, out / "pagefind")
    took = time.perf_counter() - start
    print(f"one daily report changed             {took:7.2f} s  CPU {_cpu() - cpu:.2f} s", end="")
    print(f"  Pagefind's index carried over: {carried}")
    shutil.rmtree(again, ignore_errors=True)


def _cpu() -> float:
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """No request log."""


def query_bytes(site: Path, query: str) -> int:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    counted: dict[str, int] = defaultdict(int)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base + "index.html")
            page.wait_for_load_state("networkidle")
            armed = {"on": True}

            def finished(request: object) -> None:
                if not armed["on"]:
                    return
                sizes = request.sizes()  # type: ignore[attr-defined]
                url = request.url  # type: ignore[attr-defined]
                name = url.rsplit("/", 1)[-1].split("?")[0]
                kind = url.split("/pagefind/")[-1].split("/")[0] if "/pagefind/" in url else name
                if kind.endswith((".pf_fragment", ".pf_index")):
                    kind = kind.rsplit(".", 1)[-1]
                counted[kind] += sizes["responseBodySize"] + sizes["responseHeadersSize"]

            page.context.on("requestfinished", finished)  # the worker's requests too
            page.locator("#dap-search-query").click()
            page.locator("#dap-search-query").fill(query)
            page.wait_for_function(
                "() => /^(Знайдено|Нічого)/.test("
                "document.querySelector('#dap-search-meta').textContent)",
                timeout=60000,
            )
            page.wait_for_function(
                """() => {
                  const n = +(document.querySelector('#dap-search-meta').textContent
                    .match(/\\d+/) || [0])[0];
                  return document.querySelectorAll('#dap-search-list li').length
                    === Math.min(n, 10);
                }""",
                timeout=60000,
            )
            page.wait_for_timeout(500)
            print(page.locator("#dap-search-meta").inner_text())
            armed["on"] = False
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    total = sum(counted.values())
    for kind, size in sorted(counted.items(), key=lambda kv: -kv[1]):
        print(f"  {kind:40} {size:9} B")
    print(f"one query «{query}»: {total} B transferred (budget {BUDGET} B)")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--measures", type=int, default=2000)
    parser.add_argument("--site", type=Path, help="a site built from the same data")
    parser.add_argument("--query", action="append", help="the query (again for more)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data
        if data is None:
            data = Path(tmp) / "data"
            demo = ["demo", "--measures", str(args.measures), "--executors", "150"]
            demo += ["--years", "3", "--seed", "1", "--out", str(data)]
            subprocess.run([sys.executable, "-m", "builder", *demo], check=True, cwd=ROOT)
        build_index(data, args.site or Path(tmp) / "index", args.as_of)
    if args.site:
        worst = max(query_bytes(args.site, q) for q in args.query or ["закупівлі"])
        if worst > BUDGET:
            sys.exit(f"over the budget: {worst} B > {BUDGET} B")


if __name__ == "__main__":
    main()
