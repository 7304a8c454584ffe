"""How long the open-data package takes at national scale (builder/opendata/).

Run: python benchmarks/publish_bench.py [--measures 2000] [--data DIR] [--repeat 3]

Generates a demonstration programme with `dap demo`'s generator (or reads DIR), then:

1. times each part of the work one after the other (no overlap): building every snapshot's
   tables and CSV, checking the newest package's CSV (`check_newest`), the checks of the older
   snapshots and
   the keys (`check_packages`), rendering the files of each format, writing them;
2. times `write_downloads` as `dap build` runs it (checking and rendering the newest package
   in child processes, overlapping
   the rest), best of `--repeat` runs, wall clock and CPU (with the child);
3. prints the size of what lands on the site, by format.

The machine is shared: repeat and take the best; compare wall with CPU.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.compute import history_snapshots  # noqa: E402
from builder.opendata.checks import check_newest, check_packages  # noqa: E402
from builder.opendata.downloads import (  # noqa: E402
    DownloadFile,
    render_package,
    write_downloads,
)
from builder.opendata.snapshots import build_packages  # noqa: E402
from builder.opendata.tables import RESOURCES  # noqa: E402
from builder.output import Writer  # noqa: E402
from builder.parallel import collector_paused  # noqa: E402
from builder.validate import validate  # noqa: E402


def cpu() -> float:
    """CPU seconds of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    """Generate or read the data, then time each part and the whole."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--measures", type=int, default=2000)
    ap.add_argument("--executors", type=int, default=150)
    ap.add_argument("--data", type=Path, default=None, help="use this data folder instead")
    ap.add_argument("--as-of", default="2026-01-31")
    ap.add_argument("--repeat", type=int, default=3, help="runs of the whole (best is shown)")
    ap.add_argument("--no-parts", action="store_true", help="skip the part-by-part timing")
    args = ap.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    with tempfile.TemporaryDirectory(prefix="dap-publish-bench-") as tmp:
        data_dir = args.data
        if data_dir is None:
            from builder.demo.plan import Options
            from builder.demo.write import write

            data_dir = Path(tmp) / "data"
            write(Options(measures=args.measures, executors=args.executors), data_dir)
        data, problems = validate(data_dir, "data")
        assert not [p for p in problems if p.severity == "error"], problems[:5]
        snapshots = history_snapshots(data, None, as_of, as_of)

        if not args.no_parts:
            t0 = time.perf_counter()
            packages = build_packages(data, None, snapshots)
            t1 = time.perf_counter()
            newest = next(p for p in packages if p.latest)
            errors = check_newest(newest)
            assert not errors, errors[:5]
            t2 = time.perf_counter()
            check_packages(packages)
            t3 = time.perf_counter()
            work = Path(tmp) / "work"
            rendered = [render_package(data, pkg, "downloads", work) for pkg in packages]
            t4 = time.perf_counter()
            writer = Writer(Path(tmp) / "parts")
            for outputs in rendered:
                for f, path in outputs:
                    writer.write_file(f.path, path, move=True)
            t5 = time.perf_counter()
            rows = {name: len(newest.tables[name]) for name in RESOURCES}
            print(
                f"{len(data.measures):,} measures, {len(data.reports):,} reports, "
                f"{len(data.assessments):,} assessments; {len(snapshots)} snapshots, "
                f"{len(packages)} packages; newest package {sum(rows.values()):,} rows "
                f"(reports {rows['reports']:,}, measure_status {rows['measure_status']:,}, "
                f"reporting_timeliness {rows['reporting_timeliness']:,})"
            )
            print(
                f"one after the other: tables+CSV {t1 - t0:.2f} s, check_newest "
                f"{t2 - t1:.2f} s, older rows+keys {t3 - t2:.2f} s, render formats "
                f"{t4 - t3:.2f} s, write {t5 - t4:.2f} s; sum {t5 - t0:.2f} s"
            )
            del packages, rendered

        best: tuple[float, float] | None = None
        files: list[DownloadFile] = []
        for i in range(args.repeat):
            out = Path(tmp) / f"site{i}"
            c0, w0 = cpu(), time.perf_counter()
            files = write_downloads(data, None, snapshots, Writer(out), "downloads")
            wall, used = time.perf_counter() - w0, cpu() - c0
            print(f"write_downloads run {i + 1}: {wall:.2f} s wall, {used:.2f} s CPU")
            if best is None or wall < best[0]:
                best = (wall, used)
        assert best is not None
        print(f"write_downloads best: {best[0]:.2f} s wall ({best[1]:.2f} s CPU with the child)")

        sizes: dict[str, int] = defaultdict(int)
        for f in files:
            kind = f.format if f.measure is None else "json per measure"
            sizes[("latest " if f.snapshot == "latest" else "quarter ") + kind] += f.size
        total = sum(sizes.values())
        parts = ", ".join(f"{k} {v / 1e6:.1f}" for k, v in sorted(sizes.items()))
        print(f"{len(files):,} files, {total / 1e6:.1f} MB on the site: {parts} (MB)")


if __name__ == "__main__":
    with collector_paused():  # as every `dap` command runs (cli.main)
        main()
