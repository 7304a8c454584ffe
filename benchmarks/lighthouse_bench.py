"""Lighthouse on a phone: the home, programme and one measure page at national scale.

Run from the project folder (needs Node ≥ 18 and npm — `apt-get install nodejs npm` on Debian —
and Debian's Chromium, `apt-get install chromium`):

    python benchmarks/lighthouse_bench.py              # build if needed, 3 runs of each page
    python benchmarks/lighthouse_bench.py --rebuild    # build the site again from this code first
    python benchmarks/lighthouse_bench.py --site DIR   # measure a site built elsewhere
    python benchmarks/lighthouse_bench.py --site A --compare B   # two builds in turns
    python benchmarks/lighthouse_bench.py --cpu-slowdown auto    # calibrated to this machine

It writes the national-scale demonstration programme (`dap demo --measures 2000 --executors 150
--years 3 --seed 1`, shared with benchmarks/run.py in benchmarks/out/n2000/), builds the site
into benchmarks/out/lighthouse/site/ (as of 31.01.2026, after the programme's last reporting
window), installs Lighthouse 12.2.3 with npm into benchmarks/out/lighthouse/node/ (Lighthouse
13 wants a newer Node than Debian's), serves the site from a small static server on the
loopback address that compresses text with gzip as any real host does (`dap serve` does not),
and runs Lighthouse's default mobile test (a mid-range phone on a slow 4G line, simulated)
with /usr/bin/chromium on each page --runs times. It prints, per page, the median of the runs
for each category score and the main metrics, and keeps each run's JSON report in
benchmarks/out/lighthouse/reports/ (open one in https://googlechrome.github.io/lighthouse/viewer/
or read `audits` to see where the time goes). Nothing here is part of the tests.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import AS_OF, NATIONAL, OUT, PYTHON, child_env, generate  # noqa: E402

HERE = OUT / "lighthouse"
LIGHTHOUSE = "lighthouse@12.2.3"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {  # Lighthouse audit id → (label, unit)
    "first-contentful-paint": ("FCP", "s"),
    "largest-contentful-paint": ("LCP", "s"),
    "total-blocking-time": ("TBT", "ms"),
    "cumulative-layout-shift": ("CLS", ""),
    "speed-index": ("Speed Index", "s"),
}
COMPRESSIBLE = {".html", ".js", ".css", ".json", ".svg", ".txt", ".csv", ".xml", ".map"}


# ---------------------------------------------------------------- the site and its server


def built_site(rebuild: bool) -> Path:
    """The national-scale site, built with this code unless it already is (or --rebuild)."""
    data = OUT / f"n{NATIONAL['measures']}"
    generate(data, NATIONAL["measures"], NATIONAL["executors"], NATIONAL["years"], seed=1)
    site = HERE / "site"
    if site.is_dir() and not rebuild:
        return site
    print("building the site (a few minutes at 2,000 measures)…", flush=True)
    args = [PYTHON, "-m", "builder", "build", "--data", "data", "--out", str(site)]
    args += ["--as-of", AS_OF.isoformat(), "--docs-dir", str(HERE / "docs")]
    done = subprocess.run(args, cwd=data, env=child_env(), check=False)
    if done.returncode != 0:
        raise SystemExit("dap build failed (see above)")
    return site


class Compressing(http.server.SimpleHTTPRequestHandler):
    """A static host as the site will have: text compressed with gzip when the browser asks."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """No request log."""

    def send_head(self) -> Any:
        """The file, gzip-compressed if the browser accepts it and it is text."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not wants or path.suffix not in COMPRESSIBLE or not path.is_file():
            return super().send_head()
        body = compressed(str(path), path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return _Bytes(body)


class _Bytes:
    """What send_head returns: a file-like body for copyfile."""

    def __init__(self, body: bytes):
        self.body = body

    def read(self, size: int = -1) -> bytes:
        """The whole body once."""
        body, self.body = self.body, b""
        return body

    def close(self) -> None:
        """Nothing to close."""


@functools.lru_cache(maxsize=256)
def compressed(path: str, mtime_ns: int) -> bytes:
    """A file's bytes gzip-compressed at level 6 (what nginx and most hosts use), kept."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """The folder served with compression on the loopback address while the block runs."""
    handler = functools.partial(Compressing, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def measure_page(site: Path, measure: str) -> str:
    """The measure page measured: the one asked for, else the largest (the most reports)."""
    if measure:
        return f"measures/{measure}.html"
    pages = sorted((site / "measures").glob("*.html"), key=lambda p: (-p.stat().st_size, p.name))
    if not pages:
        raise SystemExit(f"{site} has no measure pages: is it a dap site?")
    return f"measures/{pages[0].name}"


# ---------------------------------------------------------------- Lighthouse


def lighthouse() -> Path:
    """Lighthouse's command, installed with npm into the benchmark folder on first use."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install nodejs npm (Debian)")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium (Debian)")
    prefix = HERE / "node"
    command = prefix / "node_modules" / ".bin" / "lighthouse"
    if not command.exists():
        prefix.mkdir(parents=True, exist_ok=True)
        print(f"installing {LIGHTHOUSE} into {prefix}…", flush=True)
        subprocess.run(
            ["npm", "i", "-E", "--no-save", "--prefix", str(prefix), LIGHTHOUSE], check=True
        )
    return command


def run_once(
    command: Path, url: str, report: Path, blocked: list[str], slowdown: float
) -> dict[str, Any]:
    """One Lighthouse run: mobile, simulated slow 4G, the CPU slowed `slowdown` times."""
    args = [str(command), url, "--output=json", f"--output-path={report}", "--quiet"]
    args += [f"--chrome-flags={CHROME_FLAGS}", "--only-categories=" + ",".join(CATEGORIES)]
    args += [f"--throttling.cpuSlowdownMultiplier={slowdown:g}"]
    args += [f"--blocked-url-patterns={pattern}" for pattern in blocked]
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not report.exists():
        raise SystemExit(f"lighthouse failed on {url}:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return result


def calibrated(benchmark_index: float) -> float:
    """The CPU slowdown that makes this machine the phone Lighthouse's default 4× makes of a
    machine with a benchmark index of ~1,500 (Lighthouse's own calculator,
    https://lighthouse-cpu-throttling-calculator.vercel.app/, linked from its warning "The
    tested device appears to have a slower CPU than Lighthouse expects")."""
    if benchmark_index >= 1300:
        return 3 + (benchmark_index - 1300) / 233
    if benchmark_index >= 800:
        return 2 + (benchmark_index - 800) / 500
    return max(1.0, 1 + (benchmark_index - 150) / 650)


def summary(result: dict[str, Any]) -> dict[str, float]:
    """A run's category scores (0–100), metrics (s, ms or the CLS value), benchmark index."""
    out: dict[str, float] = {
        name: round(100 * (result["categories"][name]["score"] or 0)) for name in CATEGORIES
    }
    for audit, (label, unit) in METRICS.items():
        value = result["audits"][audit].get("numericValue") or 0.0
        out[label] = value / 1000 if unit == "s" else value
    out["benchmark index"] = result["environment"].get("benchmarkIndex") or 0.0
    return out


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    """The median of every figure over the runs."""
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def render(label: str, value: float) -> str:
    """A figure as the table shows it."""
    unit = next((u for name, u in METRICS.values() if name == label), None)
    if unit == "s":
        return f"{value:.1f} s"
    if unit == "ms":
        return f"{value:,.0f} ms"
    if unit == "":
        return f"{value:.3f}"
    return f"{value:.0f}"


def main() -> None:
    """Build or take the site(s), serve them compressed, run Lighthouse, print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site to measure (default: build one)")
    parser.add_argument(
        "--compare",
        type=Path,
        help="a second site (say, built by the code before a change), measured in turns with "
        "the first: the same pages, run for run, so that the machine's load falls on both",
    )
    parser.add_argument("--rebuild", action="store_true", help="build the site again first")
    parser.add_argument("--runs", type=int, default=3, help="runs of each page (default 3)")
    parser.add_argument("--measure", default="", help="the measure page's id (default: largest)")
    parser.add_argument(
        "--cpu-slowdown",
        default="4",
        help="Lighthouse's CPU slowdown: a number (default 4, Lighthouse's own), or 'auto' for "
        "the one its calculator gives for this machine's benchmark index, measured first",
    )
    parser.add_argument(
        "--without-search-index",
        action="store_true",
        help="block Material's search index (search/search_index.json), as a site whose "
        "search loads its index only when a reader searches",
    )
    parser.add_argument(
        "--pages",
        default="home,programme,measure",
        help="which pages, comma-separated (default: home,programme,measure)",
    )
    parser.add_argument("--json", type=Path, help="also write the medians to this file")
    opts = parser.parse_args()
    command = lighthouse()
    site = opts.site.resolve() if opts.site else built_site(opts.rebuild)
    sites = {"site": site}
    if opts.compare:
        sites["compare"] = opts.compare.resolve()
    every = {
        "home": "index.html",
        "programme": "programme.html",
        "measure": measure_page(site, opts.measure),
    }
    wanted = [name.strip() for name in opts.pages.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in every]
    if unknown or not wanted:
        raise SystemExit(
            f"--pages: unknown page(s) {', '.join(unknown)}; choose from {', '.join(every)}"
        )
    pages = {name: every[name] for name in wanted}
    blocked = ["*search_index.json"] if opts.without_search_index else []
    reports = HERE / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    runs: dict[tuple[str, str], list[dict[str, float]]] = {}
    with contextlib.ExitStack() as stack:
        bases = {label: stack.enter_context(serving(folder)) for label, folder in sites.items()}
        if opts.cpu_slowdown == "auto":
            warm = run_once(command, bases["site"] + "index.html", reports / "warm.json", [], 4)
            index = warm["environment"]["benchmarkIndex"]
            slowdown = round(calibrated(index), 2)
            print(f"benchmark index {index:.0f}: CPU slowdown {slowdown}", flush=True)
        else:
            slowdown = float(opts.cpu_slowdown)
        for turn in range(max(1, opts.runs)):
            for name, path in pages.items():
                for label, base in bases.items():
                    report = reports / f"{label}-{name}-{turn + 1}.json"
                    result = summary(run_once(command, base + path, report, blocked, slowdown))
                    runs.setdefault((label, name), []).append(result)
                    print(
                        f"   run {turn + 1}, {label}, {name}: performance "
                        f"{result['performance']:.0f}",
                        flush=True,
                    )
    print()
    print(
        f"Lighthouse {LIGHTHOUSE.split('@')[1]}, mobile, CPU slowdown {slowdown:g}, "
        f"median of {max(1, opts.runs)} runs; load average {os.getloadavg()[0]:.1f}"
    )
    if blocked:
        print("search index blocked (--without-search-index)")
    labels = [*CATEGORIES, *(label for label, _ in METRICS.values()), "benchmark index"]
    width = max(len(x) for x in labels)
    medians: dict[str, dict[str, dict[str, float]]] = {}
    for label, folder in sites.items():
        medians[label] = {name: median_of(runs[(label, name)]) for name in pages}
        print()
        print(f"{folder} (measure page: {every['measure']})")
        print(f"{'':{width}}  " + "  ".join(f"{name:>12}" for name in pages))
        for row in labels:
            cells = "  ".join(f"{render(row, medians[label][name][row]):>12}" for name in pages)
            print(f"{row:{width}}  {cells}")
    if opts.json:
        record = {
            "pages": pages,
            "slowdown": slowdown,
            "sites": {k: str(v) for k, v in sites.items()},
        }
        opts.json.write_text(json.dumps({**record, "medians": medians}, indent=2))


if __name__ == "__main__":
    main()
