"""What «any quarter end» costs at national scale: the time to write the per-page data files
of builder/site/asof.py, their number and size, the largest one and the filter's history.

    python benchmarks/asof_bench.py                       # 2,000 measures (dap demo, seed 1)
    python benchmarks/asof_bench.py --data DIR --as-of 2025-12-31

The pages are rendered once (as `dap build`'s pages stage does); then `asof_files()` runs on
them three times and the best time is printed. Sizes are as written and gzip-compressed (what a
static host serving compressed files sends).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder.compute import history_snapshots  # noqa: E402
from builder.site import asof, context  # noqa: E402
from builder.site.overview import filter_row  # noqa: E402
from builder.site.pages import render_pages  # noqa: E402
from builder.validate import validate  # noqa: E402
from builder.versions import dataset_as_of  # noqa: E402


def demo(folder: Path) -> Path:
    """The national-scale demonstration programme (made once)."""
    data = folder / "data"
    if not (data / "programme.yaml").exists():
        subprocess.run(
            [sys.executable, "-m", "builder", "demo", "--measures", "2000", "--executors", "150"]
            + ["--years", "3", "--seed", "1", "--out", str(data)],
            check=True,
            cwd=ROOT,
        )
    return data


def kib(n: int) -> str:
    return f"{n / 1024:,.1f} KB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, help="a data folder (default: dap demo, 2,000)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 12, 31))
    args = parser.parse_args()
    data_dir = args.data or demo(ROOT / "benchmarks" / "out" / "asof")
    data, problems = validate(data_dir, str(data_dir))
    assert not [p for p in problems if p.severity == "error"], "the data has errors"
    data = dataset_as_of(data, args.as_of)
    snapshots = history_snapshots(data, None, args.as_of, args.as_of)
    site = context.prepare(data, snapshots, None, None, None, "bench")
    started = time.perf_counter()
    everything = render_pages(site)
    rendered = time.perf_counter() - started
    pages = {p: t for p, t in everything.items() if not p.startswith(asof.FOLDER)}
    best = float("inf")
    files: dict[str, str] = {}
    for _ in range(3):
        started = time.perf_counter()
        files = asof.asof_files(site, pages, filter_row)
        best = min(best, time.perf_counter() - started)
    sizes = {p: len(t.encode()) for p, t in files.items()}
    zipped = {p: len(gzip.compress(t.encode(), 6)) for p, t in files.items()}
    page_files = {p: n for p, n in sizes.items() if p != asof.HISTORY}
    biggest = max(page_files, key=page_files.__getitem__)
    print(f"measures: {len(data.measures)}; snapshots: {len(snapshots)}")
    print(f"pages stage (render_pages, data files included): {rendered:.2f} s")
    print(f"asof_files, best of 3: {best:.2f} s")
    print(
        f"data files: {len(files)}; in all {kib(sum(sizes.values()))} (gzip {kib(sum(zipped.values()))})"
    )
    print(f"largest page file: {biggest} {kib(sizes[biggest])} (gzip {kib(zipped[biggest])})")
    ordered = sorted(page_files.values())
    print(f"median page file: {kib(ordered[len(ordered) // 2])}")
    print(f"filter history: {kib(sizes[asof.HISTORY])} (gzip {kib(zipped[asof.HISTORY])})")
    for kind in (
        "index",
        "programme",
        "timeliness",
        "directions",
        "problems",
        "results",
        "executors",
    ):
        mine = [n for p, n in page_files.items() if p[len(asof.FOLDER) + 1 :].startswith(kind)]
        if mine:
            print(f"  {kind}: {len(mine)} files, largest {kib(max(mine))}")


if __name__ == "__main__":
    main()
