"""How much the report forms add to a national-scale build: the form data scripts.

Run: python benchmarks/forms_bench.py [DATA]   (default: benchmarks/out/n2000/data, which
`python benchmarks/run.py --quick` makes; or `dap demo --measures 2000 --executors 150
--years 3 --seed 1 --out DIR`)

Loads the data, computes the snapshot the pages use, then times `site.forms.form_pages`
(the two form pages and one `assets/data/forms/<measure>.js` per measure) — best of three —
and prints the number of scripts, their total, mean and largest size, and the form pages'.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.compute import history_snapshots  # noqa: E402
from builder.load import load  # noqa: E402
from builder.site.context import prepare  # noqa: E402
from builder.site.forms import form_pages  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Time the form data of one programme and print its size."""
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "benchmarks/out/n2000/data"
    data, _ = load(folder, "data")
    day = data.programme.period.end if data.programme else dt.date.today()
    site = prepare(data, history_snapshots(data, None, day, day))
    times, pages = [], {}
    for _ in range(3):
        start = time.perf_counter()
        pages = form_pages(site)
        times.append(time.perf_counter() - start)
    scripts = [len(text.encode()) for path, text in pages.items() if path.endswith(".js")]
    if not scripts:
        sys.exit(f"{folder}/programme.yaml has no forge: no forms")
    print(f"measures: {len(data.measures)}; form data scripts: {len(scripts)}")
    print(f"time (best of 3): {min(times):.2f} s")
    print(
        f"size: {sum(scripts) / 1e6:.1f} MB in all, {sum(scripts) / len(scripts) / 1e3:.1f} KB "
        f"mean, {max(scripts) / 1e3:.1f} KB largest (one is loaded per form)"
    )
    forms = [len(text.encode()) for path, text in pages.items() if path.endswith(".md")]
    print(f"form pages: {len(forms)}, {sum(forms) / 1e3:.1f} KB of Markdown")


if __name__ == "__main__":
    main()
