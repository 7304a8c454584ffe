"""What the English edition of the aggregate pages costs at national scale (issue 21 item 5):
the CPU time to render the aggregate pages and their data files — home, programme and its
filter data, directions, problems, ESR index and cards, implementers and their lists,
timeliness, the «as of» data files — in Ukrainian and in English, from the same prepared Site.

    python benchmarks/english_aggregates_bench.py            # 2,000 measures (dap demo --english)
    python benchmarks/english_aggregates_bench.py --data DIR --as-of 2025-12-31 --rounds 5

The editions are rendered in turns (UK, EN, EN, UK, UK, EN…) so that a load on the machine
and the order fall on both alike; CPU time of this process (time.process_time), the best and the median of the
rounds are printed, with the size of what each edition writes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder import models as m  # noqa: E402
from builder.compute import history_snapshots, id_sort_key  # noqa: E402
from builder.site import context  # noqa: E402
from builder.site.asof import asof_files  # noqa: E402
from builder.site.executors import (  # noqa: E402
    executor_data,
    executor_data_path,
    executor_page,
    executors_data,
    executors_index,
    timeliness_page,
)
from builder.site.overview import (  # noqa: E402
    directions_index,
    filter_row,
    home_page,
    programme_data,
    programme_page,
    section_page,
)
from builder.site.results import result_page, results_index  # noqa: E402
from builder.validate import validate  # noqa: E402
from builder.versions import dataset_as_of  # noqa: E402
from builder.wording import EN, UK  # noqa: E402


def demo(folder: Path) -> Path:
    """The national-scale demonstration programme with some English texts (made once)."""
    data = folder / "data"
    if not (data / "programme.yaml").exists():
        subprocess.run(
            [sys.executable, "-m", "builder", "demo", "--measures", "2000", "--executors", "150"]
            + ["--years", "3", "--seed", "1", "--english", "--out", str(data)],
            check=True,
            cwd=ROOT,
        )
    return data


def aggregate_pages(site: context.Site) -> dict[str, str]:
    """Every aggregate page and data file of one edition, as render_pages() makes them."""
    out = {
        "index.md": home_page(site),
        "programme.md": programme_page(site),
        "directions/index.md": directions_index(site),
        "results/index.md": results_index(site),
        "executors/index.md": executors_index(site),
        "timeliness.md": timeliness_page(site),
        "assets/data/programme.js": programme_data(site),
        "assets/data/executors.js": executors_data(site),
    }
    data = site.data
    for sid, section in sorted(data.sections.items(), key=lambda kv: id_sort_key(kv[0])):
        level = "direction" if section.level == m.SectionLevel.DIRECTION else "problem"
        kind = "directions" if level == "direction" else "problems"
        out[context.page_path(kind, sid)] = section_page(site, sid, level)
    for rid in sorted(data.results, key=id_sort_key):
        out[context.page_path("results", rid)] = result_page(site, rid)
    for eid in sorted(data.executors, key=id_sort_key):
        out[context.page_path("executors", eid)] = executor_page(site, eid)
        out[executor_data_path(eid)] = executor_data(site, eid)
    out.update(asof_files(site, out, filter_row))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, help="a data folder (default: dap demo, 2,000)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 12, 31))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data_dir = args.data or demo(ROOT / "benchmarks" / "out" / "english")
    data, problems = validate(data_dir, str(data_dir))
    assert not [p for p in problems if p.severity == "error"], "the data has errors"
    data = dataset_as_of(data, args.as_of)
    snapshots = history_snapshots(data, None, args.as_of, args.as_of)
    site = context.prepare(data, snapshots, None, None, None, "bench")
    editions = {"uk": site, "en": replace(site, ed=EN)}
    for ed in (UK, EN):  # the catalogues compiled and cached before timing
        ed.t("Home")
    times: dict[str, list[float]] = {"uk": [], "en": []}
    sizes: dict[str, tuple[int, int]] = {}
    gc.disable()
    try:
        for n in range(args.rounds):
            order = list(editions.items())  # each edition first in every other round
            for lang, edition in order if n % 2 == 0 else order[::-1]:
                start = time.process_time()
                pages = aggregate_pages(edition)
                times[lang].append(time.process_time() - start)
                sizes[lang] = (len(pages), sum(len(t.encode()) for t in pages.values()))
                del pages
                gc.collect()
    finally:
        gc.enable()
    print(f"{len(data.measures)} measures, {len(data.executors)} executors, as of {args.as_of}")
    for lang in ("uk", "en"):
        files, size = sizes[lang]
        print(
            f"  {lang}: best {min(times[lang]):.2f} s CPU, median {statistics.median(times[lang]):.2f}"
            f" s; {files} files, {size / 1024 / 1024:.1f} MB"
        )
    ratio = min(times["en"]) / min(times["uk"])
    print(f"  English / Ukrainian (best): {ratio:.2f}")


if __name__ == "__main__":
    main()
