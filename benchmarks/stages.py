"""Each stage of one `dap build` of a generated programme: its wall clock and CPU, or the whole
process tree's peak memory (issue 22). The figures of docs/performance.md's rebuild and
memory sections were taken this way.

    python benchmarks/stages.py time benchmarks/out/n2000 build    # a build over what is there
    python benchmarks/stages.py time benchmarks/out/n2000 edit:1   # one report's text edited, then a build
    python benchmarks/stages.py memory benchmarks/out/n4000 clean  # no docs, site or cache first

`time` builds in this process and prints {"wall", "cpu", "stages": {stage: [wall, cpu]}}; the
CPU is this process's and its reaped children's; a stage's is its process's (the build runs the
stages from load to MkDocs in a forked child: `BuildResult.cpu`), with the children it has
waited for (a forked stage's CPU is counted when it is waited for). `edit:N` puts "(probe N)" at the start of the first newest-quarter report's text
(`git checkout data/reports` in the folder puts it back). `memory` builds in a child and
samples the tree's RSS and PSS every 0.1 s (`run.tree_memory`), and prints the peak of each
stage ("between": after a stage ends, before the next starts), and the peak RSS of each of its
processes apart in each stage ("processes": "build", then "1 python", "2 pagefind"... by depth
in the tree and name). The build's dates are those of
`run.py` (`AS_OF`).
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import AS_OF, tree_memory  # noqa: E402 — this folder's module

CHILD = r"""
import os, sys, time, datetime as dt
from pathlib import Path
from builder.build import build
from builder.parallel import collector_paused
collector_paused().__enter__()
os.chdir(sys.argv[1])
day = dt.date.fromisoformat(sys.argv[2])
def progress(stage, seconds, detail):
    print(("START " if seconds is None else "END ") + stage, time.time(), flush=True)
build(Path("data"), Path("public"), day, day, docs_dir=Path("docs"), progress=progress)
print("DONE", time.time(), flush=True)
"""


def cpu() -> float:
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def edit_report(folder: Path, mark: str) -> Path:
    """Mark the text of the first report of the newest quarter."""
    newest = sorted(p for p in (folder / "data" / "reports").iterdir() if p.is_dir())[-1]
    report = sorted(newest.glob("*.yaml"))[0]
    text = report.read_bytes()
    marked = re.sub(
        rb"\ntext: (\(probe \d+\) )?", f"\ntext: (probe {mark}) ".encode(), text, count=1
    )
    report.write_bytes(marked)
    return report


def time_stages(folder: Path, mode: str) -> dict[str, object]:
    from builder.build import build
    from builder.parallel import collector_paused

    if mode.startswith("edit:"):
        print("edited", edit_report(folder, mode.split(":", 1)[1]), file=sys.stderr)
    os.chdir(folder)
    with collector_paused():  # as `dap build` runs (cli.main)
        wall, spent = time.perf_counter(), cpu()
        result = build(Path("data"), Path("public"), AS_OF, AS_OF, docs_dir=Path("docs"))
        wall, spent = time.perf_counter() - wall, cpu() - spent
    stages = {  # each stage's CPU as the process that ran it measured it (its forked child's)
        name: (round(seconds, 2), round(result.cpu[name], 2))
        for name, seconds in result.timings.items()
    }
    return {"wall": round(wall, 2), "cpu": round(spent, 2), "stages": stages}


def processes(pid: int) -> dict[str, float]:
    """The RSS (MB) of each process of the tree under `pid`, by role: "build" (`pid` itself),
    then its descendants by depth and name ("1 python", "2 pagefind"...), the largest of a
    role when several share it."""
    roles: dict[str, float] = {}
    todo = [(pid, 0)]
    while todo:
        p, depth = todo.pop()
        try:
            rss = int(Path(f"/proc/{p}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            name = Path(f"/proc/{p}/comm").read_text().strip()
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [(int(c), depth + 1) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
        role = "build" if depth == 0 else f"{depth} {name}"
        roles[role] = max(roles.get(role, 0.0), rss / 2**20)
    return roles


def memory_stages(folder: Path, mode: str) -> dict[str, object]:
    if mode == "clean":  # as in a fresh clone: no site, spare site, docs or cache
        for path in [folder / "public", folder / "docs", folder / ".dap-cache"]:
            shutil.rmtree(path, ignore_errors=True)
        for path in folder.glob(".public.*"):
            shutil.rmtree(path, ignore_errors=True)
    start = time.time()
    command = [sys.executable, "-c", CHILD, str(folder), AS_OF.isoformat()]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(
        target=lambda: lines.extend(line.strip() for line in child.stdout or [])
    )
    reader.start()
    samples: list[tuple[float, float, float, dict[str, float]]] = []
    while child.poll() is None:
        rss, pss = tree_memory(child.pid)
        samples.append((time.time(), rss, pss, processes(child.pid)))
        time.sleep(0.1)
    reader.join()
    events = [
        (float(line.rsplit(" ", 1)[1]), line.rsplit(" ", 1)[0])
        for line in lines
        if line.startswith(("START ", "END ", "DONE"))
    ]
    stage, at = "start", 0
    peaks: dict[str, list[float]] = {}
    apart: dict[str, dict[str, float]] = {}
    for when, rss, pss, each in samples:
        while at < len(events) and events[at][0] <= when:
            name = events[at][1]
            stage = name[len("START ") :] if name.startswith("START ") else "between"
            at += 1
        peak = peaks.setdefault(stage, [0.0, 0.0])
        peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
        own = apart.setdefault(stage, {})
        for role, mb in each.items():
            own[role] = max(own.get(role, 0.0), mb)
    return {
        "stages": {name: [round(rss), round(pss)] for name, (rss, pss) in peaks.items()},
        "processes": {
            name: {role: round(mb) for role, mb in sorted(roles.items())}
            for name, roles in apart.items()
        },
        "peak_rss": round(max((s[1] for s in samples), default=0)),
        "peak_pss": round(max((s[2] for s in samples), default=0)),
        "code": child.returncode,
        "wall": round(time.time() - start, 1),
    }


def main() -> None:
    if len(sys.argv) != 4 or sys.argv[1] not in ("time", "memory"):
        sys.exit(__doc__)
    what, folder, mode = sys.argv[1], Path(sys.argv[2]).resolve(), sys.argv[3]
    measure = time_stages if what == "time" else memory_stages
    print(json.dumps(measure(folder, mode), ensure_ascii=False))


if __name__ == "__main__":
    main()
