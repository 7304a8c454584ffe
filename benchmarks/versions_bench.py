"""What replaying amendments costs at national scale.

Run: python benchmarks/versions_bench.py [DATA]  (default: benchmarks/out/n2000/data, which
`python benchmarks/run.py --quick` writes: `dap demo --measures 2000 --executors 150 --years 3
--seed 1`, whose amending act touches about a fifth of the measures)

Times (CPU), on the same data, best of seven, with the collector paused as `dap` pauses it:
* every quarterly snapshot (`compute.history_snapshots`, what `dap build` computes) with the
  amendments as written, and with every amendment stripped (the programme as first approved);
* one snapshot as of a past quarter end (what `dap status --as-of` computes), both ways;
* `versions.dataset_as_of` (every measure as in force on a day) and `versions.versions` of every
  measure (the site's and the datasets' history).
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder import compute  # noqa: E402
from builder.parallel import collector_paused  # noqa: E402
from builder.quarters import quarter_ends  # noqa: E402
from builder.validate import validate  # noqa: E402
from builder.versions import dataset_as_of, versions  # noqa: E402


def best(fn: Callable[[], object], n: int = 7) -> float:
    """The best CPU time of `n` runs, in seconds (the shared machine's wall clock is noise)."""
    times = []
    for _ in range(n):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/out/n2000/data")
    data, problems = validate(folder, str(folder))
    assert data.programme is not None
    errors = [p for p in problems if p.severity == "error"]
    print(f"{folder}: {len(data.measures)} measures, {len(errors)} errors")
    amended = sum(bool(ms.amendments) for ms in data.measures.values())
    n_versions = sum(len(versions(ms)) for ms in data.measures.values())
    print(f"amended measures: {amended}; versions: {n_versions}")
    plain = dataclasses.replace(
        data,
        measures={k: ms.model_copy(update={"amendments": []}) for k, ms in data.measures.items()},
    )
    end = data.programme.period.end
    ends = quarter_ends(data.programme, end)
    past = ends[len(ends) // 2]
    with collector_paused():
        rows = [
            ("every snapshot, replayed", lambda: compute.history_snapshots(data, None, end, end)),
            (
                "every snapshot, no amendments",
                lambda: compute.history_snapshots(plain, None, end, end),
            ),
            (f"snapshot as of {past}, replayed", lambda: compute.snapshot(data, None, past, end)),
            (
                f"snapshot as of {past}, no amendments",
                lambda: compute.snapshot(plain, None, past, end),
            ),
            ("dataset_as_of (every measure)", lambda: dataset_as_of(data, past)),
            ("versions of every measure", lambda: [versions(ms) for ms in data.measures.values()]),
        ]
        for name, fn in rows:
            print(f"{name:45s} {best(fn) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
