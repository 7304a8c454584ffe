"""How long one broken data file of up to 1 MiB takes to validate, and how much it prints.

Run: python benchmarks/datafile_bench.py

Issue 15 asks that validating any file of at most 1 MiB takes at most 1 s and that no message
is longer than ~300 characters (before, 100,000 unknown keys took 22 s in the "did you mean"
search and printed 12 MB). PyYAML alone needs about a second for the densest file of 1 MiB
(100,000 lines), so a file of more than MAX_VALUES lines and list items is refused before it is
parsed. Each case below is a file that a mistake, a paste or a script could produce, at the
size limit or at that count; it is put into a copy of the demonstration data and the whole
`dap validate` is timed without the record cache (reading, typing, the rules across files, and
writing every message in Ukrainian), best of three runs. The table shows the time, the number of problems printed, the
characters printed and the longest message; PASS needs ≤ 1 s and messages of ≤ 300 characters
(the location included).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder import i18n  # noqa: E402
from builder.datafile import MAX_VALUES, _values  # noqa: E402
from builder.parallel import collector_paused  # noqa: E402
from builder.validate import validate  # noqa: E402

LIMIT = 1024 * 1024 - 1024  # just under 1 MiB, with room for the head of the record
REPORT = "reports/2024-Q1/1.1.1.1.2.yaml"
HEAD = (
    "measure: 1.1.1.1.2\nperiod: 2024-Q1\nkind: про хід виконання\nexecutor: nazk\n"
    "prepared_by: t.melnyk\napproved_by: i.bondarenko\napproved_on: 2024-04-08\n"
)


def repeat(line: Callable[[int], str], head: str = HEAD, values: int = 10**9) -> str:
    """`head` and then line(0), line(1), … while the file stays under LIMIT bytes and
    holds at most `values` lines and list items (see `_values` in builder/datafile.py)."""
    parts, size, count, i = [head], len(head.encode()), _values(head), 0
    while True:
        row = line(i)
        size += len(row.encode())
        count += row.count("\n") + row.count("- ")
        if size > LIMIT or count > values:
            return "".join(parts)
        parts.append(row)
        i += 1


UNDER = MAX_VALUES - 10  # the most a file may hold before it is refused unread
EVIDENCE = HEAD + "text: т\nevidence:\n"
CASES: dict[str, Callable[[], str]] = {
    # Files of 1 MiB, refused before parsing: too many lines and list items for a record.
    "100,000 unknown keys": lambda: repeat(lambda i: f"k{i:06d}: x\n"),
    "260,000 list items": lambda: repeat(lambda i: "- x\n", EVIDENCE),
    "a flow list of 500,000 items": lambda: HEAD + "text: [" + "x," * 500_000 + "x]\n",
    # Files with as many values as a file may hold, each value wrong.
    "19,990 unknown keys": lambda: repeat(lambda i: f"k{i:06d}: x\n", values=UNDER),
    "unknown keys of 1,000 characters": lambda: repeat(lambda i: f"{'к' * 500}{i:06d}: x\n"),
    "one key of 1 MiB": lambda: HEAD + "k" * (LIMIT - len(HEAD.encode()) - 10) + ": x\n",
    "6,600 evidence links, all wrong": lambda: repeat(
        lambda i: f"- title: t\n  url: ftp://{i}\n", EVIDENCE, UNDER
    ),
    "6,600 texts cut by ' #'": lambda: repeat(
        lambda i: f"- title: лист #{i}\n  url: https://x.ua/{i}\n", EVIDENCE, UNDER
    ),
    "6,600 control characters": lambda: repeat(
        lambda i: '- title: "a\\x1b"\n  url: https://x.ua\n', EVIDENCE, UNDER
    ),
    "9,990 wrong dates": lambda: repeat(lambda i: f"- {i % 28 + 1:02d}.04.2025\n", EVIDENCE, UNDER),
    "non-breaking spaces after '- title:'": lambda: repeat(
        lambda i: "- title:\u00a0а\u00a0б\n  url: https://x.ua\n", EVIDENCE, UNDER
    ),
    "a flow list nested 999 deep": lambda: HEAD + "text: " + "[" * 999 + "]" * 999 + "\n",
    # One long text: cleaned, typed, its errors shortened.
    "a text of 1 MiB (limit 20,000)": lambda: HEAD + "text: " + "а" * 500_000 + "\n",
    "a text of 1 MiB with ': ' at its end": lambda: HEAD + "text: " + "а" * 500_000 + ": б\n",
    "a text of 1 MiB of ’, NBSP and soft hyphens": lambda: (
        HEAD + "text: |\n  " + "зв’язок\u00a0і\u00adмо " * 30_000 + "\n"
    ),
    "a YAML error on the last line": lambda: (
        repeat(lambda i: f"# {i:06d}\n", HEAD, UNDER) + "kind про хід\n"
    ),
}


def run(data: Path, content: str) -> tuple[float, list[str]]:
    """Write `content` as the report, validate, render every message; best time of three."""
    (data / REPORT).write_text(content, encoding="utf-8")
    best, lines = float("inf"), []
    for _ in range(3):
        start = time.perf_counter()
        _, problems = validate(data, "data")
        lines = [str(p) for p in problems]
        best = min(best, time.perf_counter() - start)
    return best, lines


def main() -> int:
    os.environ["DAP_NO_CACHE"] = "1"  # every run reads the file: the cost a person waits for
    i18n.set_language("uk")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp, collector_paused():
        data = Path(tmp) / "data"
        shutil.copytree(ROOT / "data", data)
        base, _ = run(data, (ROOT / "data" / REPORT).read_text("utf-8"))
        print(f"the demonstration data, as shipped: {base:.2f} s\n")
        print(f"{'case':40} {'size':>9} {'time':>7} {'problems':>8} {'printed':>9} {'longest':>7}")
        for name, make in CASES.items():
            content = make()
            seconds, lines = run(data, content)
            longest = max((len(line) for line in lines), default=0)
            ok = seconds <= 1.0 and longest <= 300
            failed += not ok
            size = len(content.encode())
            printed = sum(len(line) + 1 for line in lines)
            print(
                f"{name:40} {size:>9,} {seconds:>6.2f}s {len(lines):>8} {printed:>9,} "
                f"{longest:>7} {'PASS' if ok else 'FAIL'}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
