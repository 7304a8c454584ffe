"""What the English edition costs on the record pages: the CPU time to render every measure
page (builder/site/measures.py) in Ukrainian and in English, at national scale.

    python benchmarks/english_pages_bench.py              # 2,000 measures (dap demo, seed 1)
    python benchmarks/english_pages_bench.py --data DIR

The data is read and indexed once (as `dap build` does; the English edition is the same `Site`
with `ed=EN`); then the measure pages are rendered three times in each edition, alternately,
and the best CPU time (time.process_time) of each is printed: on a loaded machine CPU time
varies less than wall time, the best of three least.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from asof_bench import demo  # noqa: E402

from builder.compute import history_snapshots  # noqa: E402
from builder.site import measures  # noqa: E402
from builder.site.context import prepare  # noqa: E402
from builder.validate import validate  # noqa: E402
from builder.versions import dataset_as_of  # noqa: E402
from builder.wording import EN  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, help="a data folder (default: dap demo, 2,000)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 12, 31))
    args = parser.parse_args()
    data_dir = args.data or demo(ROOT / "benchmarks" / "out" / "asof")
    data, problems = validate(data_dir, str(data_dir))
    assert not [p for p in problems if p.severity == "error"], "the data has errors"
    data = dataset_as_of(data, args.as_of)
    site = prepare(data, history_snapshots(data, None, args.as_of, args.as_of), None, "", "", "")
    editions = {"uk": site, "en": dataclasses.replace(site, ed=EN)}
    mids = sorted(data.measures)
    for s in editions.values():  # templates compiled, catalogues read
        measures.measure_page(s, mids[0])
    best = dict.fromkeys(editions, float("inf"))
    size = dict.fromkeys(editions, 0)
    for _ in range(3):
        for name, s in editions.items():
            started = time.process_time()
            pages = [measures.measure_page(s, mid) for mid in mids]
            best[name] = min(best[name], time.process_time() - started)
            size[name] = sum(len(p.encode()) for p in pages)
    print(f"measure pages: {len(mids)}")
    for name in editions:
        print(
            f"  {name}: {best[name]:.2f} s CPU, best of 3 "
            f"({best[name] / len(mids) * 1000:.2f} ms a page; {size[name] / 2**20:.1f} MB)"
        )
    print(f"  English / Ukrainian: {best['en'] / best['uk']:.2f}")


if __name__ == "__main__":
    main()
