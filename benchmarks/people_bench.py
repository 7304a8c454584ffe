"""What people cost at national scale: contacts decrypted, assignments checked and used.

Run: python benchmarks/people_bench.py [FOLDER]

Writes (or reuses, if FOLDER/data exists) `dap demo --measures 2000 --executors 150 --years 3`
— about 1,000 people with encrypted contacts and every measure assigned — then times reading
the contacts, the assignment rules of `dap validate`, the unassigned measures and the analysts'
groups of the internal build, working out the notices of a closing-window day (recipients by
assignment), and what one person owes (`dap status --person`).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder import assignments as asg  # noqa: E402
from builder import contacts  # noqa: E402
from builder.compute import snapshot  # noqa: E402
from builder.demo.plan import Options  # noqa: E402
from builder.demo.write import DEMO_KEY_TEXT, write  # noqa: E402
from builder.load import load  # noqa: E402
from builder.notify.plan import work_out  # noqa: E402
from builder.validate.assignments import check_assignments  # noqa: E402

DAY = dt.date(2025, 1, 10)


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"  {label}: {time.perf_counter() - start:.3f} s")
    return result


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    data_dir = folder / "data"
    if not data_dir.exists():
        timed("dap demo (2,000 measures)", lambda: write(Options(2000, 150, 3, 1), data_dir))
    data, _ = timed("load", lambda: load(data_dir, "data"))
    people = len(data.staff) + sum(len(e.people) for e in data.executors.values())
    print(f"{len(data.measures)} measures, {people} people")
    key = contacts.parse_key(DEMO_KEY_TEXT, "demo")
    kept = timed("decrypt contacts", lambda: contacts.decrypt(data_dir, key))
    timed("validate: assignments", lambda: list(check_assignments(data, DAY)))
    snap = timed("snapshot (compute)", lambda: snapshot(data, None, DAY, DAY))
    plan = timed("work out notices", lambda: work_out(data, snap, DAY, None, contacts=kept))
    print(f"  {len(plan.notices)} notices")
    timed("unassigned measures", lambda: asg.unassigned_table(data, DAY))
    timed("analysts' groups", lambda: asg.groups_table(data, DAY, list(data.measures)))
    person = next(iter(data.executors.values())).people[-1].id
    timed(f"what {person} owes", lambda: asg.owed(data, snap, person))


if __name__ == "__main__":
    main()
