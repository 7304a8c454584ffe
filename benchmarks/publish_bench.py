"""How long the open-data package takes at national scale (builder/publish.py).

Run: python benchmarks/publish_bench.py [--measures 2000] [--data DIR]

Generates a demonstration programme with `dap demo`'s generator (or reads DIR), then times
each stage of `write_downloads`: building every snapshot's tables and CSV in memory,
validating (frictionless on the newest package, new rows and keys of the older ones) and
writing every format. Prints rows, sizes and seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder import publish  # noqa: E402
from builder.compute import history_snapshots  # noqa: E402
from builder.output import Writer  # noqa: E402
from builder.validate import validate  # noqa: E402


def main() -> None:
    """Generate or read the data, then time each stage."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--measures", type=int, default=2000)
    ap.add_argument("--executors", type=int, default=150)
    ap.add_argument("--data", type=Path, default=None, help="use this data folder instead")
    ap.add_argument("--as-of", default="2026-01-31")
    args = ap.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    with tempfile.TemporaryDirectory(prefix="dap-publish-bench-") as tmp:
        data_dir = args.data
        if data_dir is None:
            from builder.demo import Options, write

            data_dir = Path(tmp) / "data"
            write(Options(measures=args.measures, executors=args.executors), data_dir)
        started = time.perf_counter()
        data, problems = validate(data_dir, "data")
        assert not [p for p in problems if p.severity == "error"], problems[:5]
        loaded = time.perf_counter()
        snapshots = history_snapshots(data, None, as_of, as_of)
        computed = time.perf_counter()
        packages = publish.build_packages(data, None, snapshots)
        built = time.perf_counter()
        publish.validate_packages(data, packages)
        validated = time.perf_counter()
        files: list[publish.DownloadFile] = []
        writer = Writer(Path(tmp) / "site")
        for pkg in packages:
            files.extend(publish._write_package(data, pkg, writer, "downloads"))
        written = time.perf_counter()
        newest = next(p for p in packages if p.latest)
        rows = {name: len(newest.tables[name]) for name in publish.RESOURCES}
        print(
            f"{len(data.measures):,} measures, {len(data.reports):,} reports, "
            f"{len(data.assessments):,} assessments; {len(snapshots)} snapshots, "
            f"{len(packages)} packages; newest package {sum(rows.values()):,} rows "
            f"(reports {rows['reports']:,}, measure_status {rows['measure_status']:,}, "
            f"reporting_timeliness {rows['reporting_timeliness']:,})"
        )
        print(
            f"load+validate {loaded - started:.1f} s, compute {computed - loaded:.1f} s | "
            f"publish: tables+CSV {built - computed:.1f} s, frictionless+keys "
            f"{validated - built:.1f} s, write formats {written - validated:.1f} s, "
            f"total {written - computed:.1f} s"
        )
        latest = sum(f.size for f in files if f.snapshot == "latest")
        quarters = sum(f.size for f in files if f.snapshot != "latest")
        print(
            f"{len(files):,} files: latest/ {latest / 1e6:.1f} MB, quarter zips "
            f"{quarters / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
