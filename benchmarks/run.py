"""National-scale benchmark: generate a programme, time every stage, compare with the targets.

Run from the project folder:

    python benchmarks/run.py            # 1,000, 2,000 and 4,000 measures (a few minutes each)
    python benchmarks/run.py --quick    # national scale only: 2,000 measures

For each size it writes `dap demo` data into benchmarks/out/n<measures>/ (git-ignored; a Git
repository with one commit, as real data lives in Git), then measures, each in a fresh child
process: `dap validate` cold (no cache), warm, and after a change of one report; computing
every snapshot; the whole build (`builder.build.build`, what `dap build` runs, with its
generated Markdown kept in the benchmark folder) with the time of each stage; peak memory;
the size of the site, its largest page and its search index. It prints a table and the
targets of issue 9 with PASS/FAIL, and the time ratios between sizes (doubling check).
Stages whose code does not exist yet are reported as "n/a (not built yet)".

At national scale it also times the pull-request loop (issue 14): what an executor's
one-report pull request waits for — validation, the permission check and the status diff —
as the workflow runs them (`dap validate --diff`, which also writes the status diff, and `dap
check-change`), then the three commands each alone, with a warm cache, each the median of
--loop-runs runs (a Git work tree beside the data: benchmarks/out/n2000-pr/).

Times are wall clock (what a person waits for) and CPU (user+sys of the child and its
workers); on a shared machine CPU time is the steadier of the two.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
PYTHON = sys.executable
NATIONAL = {"measures": 2000, "executors": 150, "years": 3}  # 300 ОСР follow from 2,000 measures
AS_OF = dt.date(2026, 1, 31)  # after the last reporting window of a 2023–2025 programme
NA = "n/a (not built yet)"


# ---------------------------------------------------------------- running one step


def child_env() -> dict[str, str]:
    """The environment of every step: this project first on the path, no cache switch-off —
    neither dap's nor Python's bytecode cache (an installed dap has its .pyc files; without
    them every step compiled dap's modules again, ~0.1–0.3 s of each command)."""
    env = dict(os.environ)
    env.pop("DAP_NO_CACHE", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def timed(args: list[str], cwd: Path) -> dict[str, Any]:
    """Run a command, reaped with wait4 so that its own CPU time and peak memory are known."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err, env=child_env())
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "wall": wall,
            "cpu": usage.ru_utime + usage.ru_stime,
            "rss_mb": usage.ru_maxrss / 1024,
            "code": proc.returncode,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


def quiet_disk() -> None:
    """Flush what earlier steps wrote or deleted (a previous site is ~200-400 MB) before the
    next timed step: else the kernel's writeback and the file system's discards of it land
    inside that step (seen here: writing 111 MB of pages took 0.6 s, or 2.9 s right after a
    site was deleted)."""
    os.sync()


def exists(module: str) -> bool:
    """Whether a module of the project exists yet."""
    return importlib.util.find_spec(module) is not None


# ---------------------------------------------------------------- child steps (run in a fresh process)

COMPUTE_CHILD = """
import json, sys, time, datetime as dt
from pathlib import Path
from builder.parallel import collector_paused
from builder.validate import validate
_paused = collector_paused()  # kept: a dropped context manager would switch it back on
_paused.__enter__()  # as every `dap` command runs (cli.main)
out = {}
t = time.perf_counter(); data, problems = validate(Path("data"), "data"); out["validate"] = time.perf_counter() - t
try:
    try:
        from builder.git.history import read_history
    except ModuleNotFoundError:  # a checkout before session 15: one module, builder/git.py
        from builder.git import read_history
    t = time.perf_counter(); history = read_history(Path("data")); out["history"] = time.perf_counter() - t
except ModuleNotFoundError:
    history = None
try:
    from builder.compute import history_snapshots
except ModuleNotFoundError:
    history_snapshots = None
if history_snapshots is not None and history is not None:
    day = dt.date.fromisoformat(sys.argv[1])
    t, c = time.perf_counter(), time.process_time()
    snaps = history_snapshots(data, history, day, day)
    out["compute"], out["compute_cpu"] = time.perf_counter() - t, time.process_time() - c
    out["snapshots"] = len(snaps)
print(json.dumps(out))
"""

BUILD_CHILD = """
import json, sys, time, datetime as dt
from pathlib import Path
from builder.build import build
from builder.parallel import collector_paused, freeze_for_exit
_paused = collector_paused()  # kept: a dropped context manager would switch it back on
_paused.__enter__()  # as every `dap` command runs (cli.main)
day = dt.date.fromisoformat(sys.argv[1])
stages = {}
def progress(stage, seconds, detail):
    stages[stage] = seconds
t = time.perf_counter()
r = build(Path("data"), Path("public"), day, day, docs_dir=Path("docs"), progress=progress)
print(json.dumps({"total": time.perf_counter() - t, "stages": stages, "pages": r.pages,
                  "files": r.files, "size": r.size, "largest": list(r.largest),
                  "heavy": len(r.heavy), "packages": list(r.packages)}))
freeze_for_exit()  # and ends as every `dap` command does (cli.main): no collection at exit
"""


def generate(folder: Path, measures: int, executors: int, years: int, seed: int) -> dict[str, Any]:
    """Write the demo programme (unless the same one is already there) and commit it to Git."""
    stamp = folder / "generated.json"
    sources = sorted((ROOT / "builder" / "demo").glob("*.py"))
    generator = hashlib.blake2b(b"".join(p.read_bytes() for p in sources)).hexdigest()[:16]
    wanted: dict[str, object] = {
        "measures": measures,
        "executors": executors,
        "years": years,
        "seed": seed,
    }
    wanted["generator"] = generator  # a changed generator makes other data
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return {"wall": 0.0, "reused": True}
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    args = [PYTHON, "-m", "builder", "demo", "--measures", str(measures)]
    args += ["--executors", str(executors), "--years", str(years), "--seed", str(seed)]
    step = timed([*args, "--out", "data"], folder)
    if step["code"] != 0:
        raise SystemExit(f"dap demo failed: {step['stderr'] or step['stdout']}")
    git = ["git", "-c", "user.name=benchmark", "-c", "user.email=benchmark@example.gov.ua"]
    for cmd in (["init", "-q", "."], ["add", "data"], ["commit", "-q", "-m", "demo data"]):
        subprocess.run([*git, *cmd], cwd=folder, check=True, capture_output=True)
    stamp.write_text(json.dumps(wanted))
    step["files"] = sum(1 for _ in (folder / "data").rglob("*.yaml"))
    return step


def best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run that took the least wall-clock time (the machine is shared: others only add)."""
    return min(runs, key=lambda r: r.get("wall", float("inf")))


def validate_steps(folder: Path, turn: int = 0) -> dict[str, Any]:
    """`dap validate`: cold (no cache), warm (best of three), after a change of one report
    (a different one on each turn, so that each run sees one new file)."""
    cmd = [PYTHON, "-m", "builder", "validate", "--data", "data"]
    shutil.rmtree(folder / ".dap-cache", ignore_errors=True)
    quiet_disk()
    cold = timed(cmd, folder)
    if cold["code"] != 0:
        raise SystemExit(f"dap validate failed on the demo data:\n{cold['stdout'][-2000:]}")
    warm = best([timed(cmd, folder) for _ in range(3)])
    reports = sorted((folder / "data" / "reports").rglob("*.yaml"))
    report = reports[(len(reports) // 2 + turn) % len(reports)]
    original = report.read_bytes()
    try:
        edited = original.replace(b"\ntext: ", "\ntext: (випр.) ".encode(), 1)
        assert edited != original, f"{report} has no text: line"
        report.write_bytes(edited)
        changed = timed(cmd, folder)
    finally:
        report.write_bytes(original)
    timed(cmd, folder)  # leave the cache matching the data again
    return {"cold": cold, "warm": warm, "changed": changed, "files": count_files(folder)}


def count_files(folder: Path) -> int:
    """Files in the data folder."""
    return sum(1 for _ in (folder / "data").rglob("*.yaml"))


def compute_step(folder: Path) -> dict[str, Any]:
    """validate + history + every snapshot, timed inside one child."""
    if not exists("builder.compute"):
        return {}
    step = timed([PYTHON, "-c", COMPUTE_CHILD, AS_OF.isoformat()], folder)
    if step["code"] != 0:
        return {"error": step["stderr"].strip().splitlines()[-1:] or ["failed"]}
    step.update(json.loads(step["stdout"].strip().splitlines()[-1]))
    return step


def build_step(folder: Path) -> dict[str, Any]:
    """The whole build in one child, with the time of each stage, then the build again after
    one report changed."""
    if not exists("builder.build"):
        return {}
    # As in CI on a fresh clone: no record cache, no generated pages, no previous site.
    for name in (".dap-cache", "docs", "public"):
        shutil.rmtree(folder / name, ignore_errors=True)
    quiet_disk()
    step = timed([PYTHON, "-c", BUILD_CHILD, AS_OF.isoformat()], folder)
    if step["code"] != 0:
        lines = (step["stderr"] or step["stdout"]).strip().splitlines()
        return {"error": lines[-1] if lines else "failed"}
    step.update(json.loads(step["stdout"].strip().splitlines()[-1]))
    index = folder / "public" / "pagefind"  # the whole chunked index (a query fetches a part)
    files = [p for p in index.rglob("*") if p.is_file()]
    step["search_index"] = sum(p.stat().st_size for p in files) if files else None
    step["again"] = rebuild_step(folder)
    step.update(datasets_steps(folder))  # issue 22: the data packages kept between builds
    return step


def combine(turns: list[dict[str, Any]]) -> dict[str, Any]:
    """One size's result from its turns: the best of each step (the machine is shared:
    others only add time). The build's stages as they were in its best run, and each
    stage's best over the turns (`best_stages`, for the doubling check)."""
    first = turns[0]
    v = [t["validate"] for t in turns]
    out: dict[str, Any] = {
        "generate": first["generate"],
        "turns": len(turns),
        "validate": {
            "cold": best([x["cold"] for x in v]),
            "warm": best([x["warm"] for x in v]),
            "changed": best([x["changed"] for x in v]),
            "files": v[0]["files"],
        },
    }
    computes = [t["compute"] for t in turns if t["compute"] and "error" not in t["compute"]]
    out["compute"] = (
        min(computes, key=lambda c: c.get("compute_cpu", c["compute"]))
        if computes
        else first["compute"]
    )
    builds = [t["build"] for t in turns if t["build"] and "error" not in t["build"]]
    if not builds:
        out["build"] = first["build"]
        return out
    chosen = dict(best(builds))
    chosen["best_stages"] = {
        name: min(b["stages"][name] for b in builds if b["stages"].get(name) is not None)
        for name in chosen["stages"]
        if chosen["stages"][name] is not None
    }
    chosen["best_cpu"] = min(b["cpu"] for b in builds)
    agains = [b["again"] for b in builds if b.get("again")]
    chosen["again"] = best(agains) if agains else {}
    for name in DATASETS_STEPS:  # issue 22
        runs = [b[name] for b in builds if b.get(name)]
        chosen[name] = best(runs) if runs else {}
    out["build"] = chosen
    return out


def rebuild_step(folder: Path) -> dict[str, Any]:
    """The build again after one report changed, over the previous build's docs, site and
    cache (a local rebuild): unchanged record pages are carried over, not rendered."""
    report = sorted((folder / "data" / "reports").rglob("*.yaml"))[0]
    original = report.read_bytes()
    try:
        report.write_bytes(original.replace(b"\ntext: ", "\ntext: (випр.) ".encode(), 1))
        quiet_disk()
        step = timed([PYTHON, "-c", BUILD_CHILD, AS_OF.isoformat()], folder)
    finally:
        report.write_bytes(original)
    if step["code"] != 0:
        return {}
    step.update(json.loads(step["stdout"].strip().splitlines()[-1]))
    return step


# ---------------------------------------------------------------- incremental data packages

# Issue 22: each quarterly data package is kept between builds (.dap-cache/datasets-*) and
# built again only when what it reads changed. Two rebuilds over the previous build's docs,
# site and cache: nothing changed, and one report of the newest quarter changed (the daily
# case: a report merged for the current quarter changes the newest packages only; the row
# "build again, one report changed" above changes the oldest report, which every package
# from then on shows).
DATASETS_STEPS = ("again_unchanged", "again_newest")


def datasets_steps(folder: Path) -> dict[str, Any]:
    """The build again with nothing changed, then after one newest-quarter report changed."""
    out: dict[str, Any] = {}
    quiet_disk()
    step = timed([PYTHON, "-c", BUILD_CHILD, AS_OF.isoformat()], folder)
    if step["code"] == 0:
        out["again_unchanged"] = _parsed(step)
    newest = sorted((folder / "data" / "reports").iterdir())[-1]
    report = sorted(newest.glob("*.yaml"))[0]
    original = report.read_bytes()
    try:
        report.write_bytes(original.replace(b"\ntext: ", "\ntext: (випр.) ".encode(), 1))
        quiet_disk()
        step = timed([PYTHON, "-c", BUILD_CHILD, AS_OF.isoformat()], folder)
    finally:
        report.write_bytes(original)
    if step["code"] == 0:
        out["again_newest"] = _parsed(step)
    return out


def _parsed(step: dict[str, Any]) -> dict[str, Any]:
    """A build child's step with what it printed read (and the raw output dropped)."""
    printed = json.loads(step.pop("stdout").strip().splitlines()[-1])
    step.pop("stderr", None)
    return {**step, **printed}


def datasets_rows(build: dict[str, Any]) -> list[tuple[str, str]]:
    """The rows of issue 22's incremental data packages."""
    rows: list[tuple[str, str]] = []
    for name, label in (
        ("again_unchanged", "build again, nothing changed"),
        ("again_newest", "build again, one newest-quarter report changed"),
    ):
        step = build.get(name) if build else None
        rows.append((label, secs(step) if step else NA))
        rows.append(("  of it: datasets", stage(step, "datasets") if step else NA))
    return rows


# ---------------------------------------------------------------- the pull-request loop

# issue 14: validate + check-change + diff, warm, one report, 2,000 measures. Measured (CPU,
# docs/performance.md): the three alone ~31 s (first pass, before) → 4.86 s (second pass,
# before); the loop as pr.yml runs it (validate --diff, check-change): 3.18 s at load ~20.
LOOP_TARGET = 3.0


def git_in(folder: Path, *args: str) -> str:
    git = ["git", "-c", "user.name=benchmark", "-c", "user.email=benchmark@example.gov.ua"]
    done = subprocess.run([*git, *args], cwd=folder, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def one_report_branch(folder: Path) -> tuple[Path, str, str, str]:
    """A work tree beside the data with one commit adding one report: the next quarter's
    report of a measure that reported in the quarter before, made by its preparer. Returns
    the work tree, the base commit, the author's login and the day of the pull request."""
    base = git_in(folder, "rev-parse", "HEAD")
    work = folder.parent / f"{folder.name}-pr"
    probe = (
        subprocess.run(
            ["git", "rev-parse", "HEAD~1"], cwd=work, capture_output=True, text=True, check=False
        )
        if work.exists()
        else None
    )
    if probe is not None and probe.returncode == 0 and probe.stdout.strip() == base:
        stamp = json.loads((work / ".pr-loop.json").read_text())
        return work, base, stamp["login"], stamp["day"]
    shutil.rmtree(work, ignore_errors=True)
    git_in(folder, "worktree", "prune")
    git_in(folder, "worktree", "add", "-q", "--detach", str(work), base)
    periods = sorted(p.name for p in (work / "data" / "reports").iterdir())
    last, before = work / "data/reports" / periods[-1], work / "data/reports" / periods[-2]
    have = {p.name for p in last.glob("*.yaml")}
    source = next(
        p for p in sorted(before.glob("*.yaml")) if "@" not in p.name and p.name not in have
    )
    report = yaml.safe_load(source.read_text("utf-8"))
    year, quarter = int(periods[-1][:4]), int(periods[-1][-1])
    end = dt.date(year + quarter // 4, quarter % 4 * 3 + 1, 1)  # the day after the quarter
    day = end + dt.timedelta(days=9)
    text = source.read_text("utf-8").replace(f"period: {periods[-2]}", f"period: {periods[-1]}")
    for field in ("approved_on", "submitted"):
        if field in report:
            old = report[field].isoformat()
            text = text.replace(f"{field}: {old}", f"{field}: {day.isoformat()}")
    (last / source.name).write_text(text, "utf-8")
    roster = yaml.safe_load((work / "data/executors" / f"{report['executor']}.yaml").read_text())
    login = next(p["github"] for p in roster["people"] if p["id"] == report["prepared_by"])
    git_in(work, "add", "data")
    git_in(work, "-c", f"user.name={login}", "commit", "-q", "-m", "Звіт")
    (work / ".pr-loop.json").write_text(json.dumps({"login": login, "day": day.isoformat()}))
    return work, base, login, day.isoformat()


def pr_loop_steps(folder: Path, runs: int) -> dict[str, Any]:
    """The pull-request loop of a one-report pull request, warm: the median of `runs` runs of
    each command (after one run that fills the caches). First as the workflow runs it
    (.github/workflows/pr.yml: the `data` job's `dap validate --diff`, which also writes the
    status diff, and the `permissions` job's `dap check-change`, both `--format github`) —
    the target — then the three commands each alone, for comparison; the status diff that
    `validate --diff` writes is checked to be byte for byte what `dap diff` prints."""
    work, base, login, day = one_report_branch(folder)
    dap = [PYTHON, "-m", "builder"]
    written = work.parent / f"{work.name}-status-diff.md"
    check_change = [*dap, "check-change", "--base", base, "--head", "HEAD", "--author", login]
    workflow = {
        "dap validate --diff (data job)": [*dap, "validate", "--format", "github", "--strict"]
        + ["--diff", base, "--diff-out", str(written)],
        "dap check-change (permissions job)": [*check_change, "--format", "github"]
        + ["--today", day],
    }
    alone = {
        "dap validate --strict": [*dap, "validate", "--strict"],
        "dap check-change": [*check_change, "--today", day],
        "dap diff --format markdown": [*dap, "diff", base, "HEAD", "--format", "markdown"],
    }
    out: dict[str, Any] = {}
    printed = ""
    for group, commands in (("workflow", workflow), ("alone", alone)):
        steps: dict[str, Any] = {}
        for name, cmd in commands.items():
            first = timed(cmd, work)
            if first["code"] not in (0,):
                raise SystemExit(f"{name} failed on the pull request:\n{first['stdout'][-2000:]}")
            if name.startswith("dap diff"):
                printed = first["stdout"]
            times = [timed(cmd, work) for _ in range(runs)]
            steps[name] = {
                "wall": statistics.median(t["wall"] for t in times),
                "cpu": statistics.median(t["cpu"] for t in times),
                "wall_range": (min(t["wall"] for t in times), max(t["wall"] for t in times)),
                "cpu_range": (min(t["cpu"] for t in times), max(t["cpu"] for t in times)),
            }
        steps["total"] = {k: sum(v[k] for v in steps.values()) for k in ("wall", "cpu")}
        out[group] = steps
    if written.read_text("utf-8") != printed:
        raise SystemExit("dap validate --diff wrote another status diff than dap diff prints")
    out["runs"] = runs
    return out


def pr_loop_lines(loop: dict[str, Any]) -> list[str]:
    lines = []
    for group, title in (
        ("workflow", "as the workflow runs it (pr.yml)"),
        ("alone", "each command alone"),
    ):
        lines.append(f"  {title}:")
        lines += [
            f"    {name:36s} cpu {v['cpu']:.2f} s ({v['cpu_range'][0]:.2f}–{v['cpu_range'][1]:.2f}),"
            f" wall {v['wall']:.2f} s ({v['wall_range'][0]:.2f}–{v['wall_range'][1]:.2f})"
            for name, v in loop[group].items()
            if name != "total"
        ]
        total = loop[group]["total"]
        lines.append(f"    {'together':36s} cpu {total['cpu']:.2f} s, wall {total['wall']:.2f} s")
    total = loop["workflow"]["total"]
    met = total["cpu"] <= LOOP_TARGET
    lines.append(
        f"  {'PASS' if met else 'FAIL'}  the loop as the workflow runs it <= {LOOP_TARGET:.0f} s"
        f" of dap's own (cpu) time: {total['cpu']:.2f} s (wall {total['wall']:.2f} s; medians"
        f" of {loop['runs']} runs)"
    )
    return lines


# ---------------------------------------------------------------- report


def machine() -> list[str]:
    """The machine the numbers come from."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    load = os.getloadavg()
    return [
        f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; nproc: {os.cpu_count()}; CPU: {cpu}",
        f"memory: {mem[1].split()[1] if len(mem) > 1 else '?'}; Python {platform.python_version()}; "
        f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}",
    ]


def secs(step: dict[str, Any] | None, key: str = "wall") -> str:
    """A time cell: wall (cpu)."""
    if not step:
        return NA
    if "error" in step:
        return f"failed: {step['error']}"
    value = step.get(key)
    if value is None:
        return NA
    cpu = step.get("cpu") if key == "wall" else None
    return f"{value:.2f} s" + (f" (cpu {cpu:.2f})" if cpu is not None else "")


def stage(build: dict[str, Any], name: str) -> str:
    """One stage of the build, or why it is missing."""
    if not build:
        return NA
    if "error" in build:
        return "build failed"
    value = build.get("stages", {}).get(name)
    return NA if value is None else f"{value:.2f} s"


def rows(size: int, result: dict[str, Any]) -> list[tuple[str, str]]:
    """The table rows of one size."""
    v, c, b = result["validate"], result["compute"], result["build"]
    table = [
        ("data files", f"{v['files']:,}"),
        ("dap validate, cold", secs(v["cold"])),
        ("dap validate, warm cache", secs(v["warm"])),
        ("dap validate, one report changed", secs(v["changed"])),
        ("validate peak memory", f"{v['cold']['rss_mb']:.0f} MB"),
        ("compute: every snapshot", secs(c, "compute") if c else NA),
        ("build: load and validate", stage(b, "load and validate")),
        ("build: history (git log)", stage(b, "history")),
        ("build: compute", stage(b, "compute")),
        ("build: datasets", stage(b, "datasets")),
        ("build: pages", stage(b, "pages")),
        ("build: mkdocs (site generator)", stage(b, "mkdocs")),
        ("build: search index (Pagefind)", stage(b, "search")),
        ("whole build", secs(b)),
        ("build again, one report changed", secs(b.get("again")) if b else NA),
        ("build peak memory", f"{b['rss_mb']:.0f} MB" if b and "rss_mb" in b else NA),
        ("site size", f"{b['size'] / 1e6:.1f} MB, {b['pages']:,} pages" if b.get("size") else NA),
        (
            "largest page",
            f"{b['largest'][1] / 1024:.0f} KB ({b['largest'][0]})" if b.get("largest") else NA,
        ),
        (
            "search index",
            f"{b['search_index'] / 1e6:.1f} MB" if b.get("search_index") else NA,
        ),
    ]
    table += datasets_rows(b)  # issue 22
    return table


def targets(result: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """Issue 9's targets at national scale: (target, measured, met?)."""
    v, b = result["validate"], result["build"]
    out: list[tuple[str, str, bool | None]] = [
        ("dap validate cold <= 5 s", f"{v['cold']['wall']:.2f} s", v["cold"]["wall"] <= 5),
        ("dap validate warm <= 1 s", f"{v['warm']['wall']:.2f} s", v["warm"]["wall"] <= 1),
        (
            "dap validate, one report changed <= 1 s",
            f"{v['changed']['wall']:.2f} s",
            v["changed"]["wall"] <= 1,
        ),
    ]
    if not b or "error" in b:
        out.append(("whole dap build <= 30 s", NA if not b else "build failed", None))
        return out
    st = b["stages"]
    mk = st.get("mkdocs", 0.0)
    rest = sum(s for name, s in st.items() if name != "mkdocs")
    out += [
        ("build besides mkdocs <= mkdocs", f"{rest:.1f} s vs {mk:.1f} s", rest <= mk),
        ("whole dap build <= 30 s", f"{b['wall']:.1f} s", b["wall"] <= 30),
        ("peak memory <= 2 GB", f"{b['rss_mb']:.0f} MB", b["rss_mb"] <= 2048),
        ("site <= 300 MB", f"{b['size'] / 1e6:.0f} MB", b["size"] <= 300e6),
        (
            "largest HTML page <= 150 KB",
            f"{b['largest'][1] / 1024:.0f} KB",
            b["largest"][1] <= 150 * 1024,
        ),
    ]
    return out


def doubling(results: dict[int, dict[str, Any]]) -> list[str]:
    """Time ratios between consecutive sizes: doubling the programme should at most double them.

    The generated programme does not double exactly (4,000 measures draw ×2.07 the files of
    2,000), so each ratio is shown beside the data's ratio (files) and judged against the
    larger of ×2 and that: time per file must not grow. CPU time where the step has it
    (steadier on a shared machine), else wall clock; the best of --repeat runs. Within 10 %
    over is "near": one run's noise on a shared machine is of that order.
    """
    sizes = sorted(results)
    lines = []
    picks: dict[str, Any] = {
        "validate cold (cpu)": lambda r: r["validate"]["cold"]["cpu"],
        "validate warm (cpu)": lambda r: r["validate"]["warm"]["cpu"],
        "validate, one change (cpu)": lambda r: r["validate"]["changed"]["cpu"],
        "compute (cpu)": lambda r: r["compute"].get("compute_cpu", r["compute"].get("compute")),
        "whole build (cpu)": lambda r: r["build"].get("best_cpu", r["build"].get("cpu")),
    }
    for stage_name in ("load and validate", "datasets", "pages", "mkdocs"):
        picks[f"build: {stage_name} (wall)"] = lambda r, s=stage_name: (
            r["build"].get("best_stages", r["build"].get("stages", {})).get(s)
        )
    for small, big in zip(sizes, sizes[1:], strict=False):
        if big != 2 * small:
            continue
        data = results[big]["validate"]["files"] / results[small]["validate"]["files"]
        allowed = max(2.0, data)
        for name, pick in picks.items():
            a, b = pick(results[small]), pick(results[big])
            if not a or not b:
                lines.append(f"{name:32s} {small:>5} → {big:<5} {NA}")
                continue
            ratio = b / a
            verdict = "PASS" if ratio <= allowed else "near" if ratio <= 1.1 * allowed else "FAIL"
            lines.append(
                f"{name:32s} {small:>5} → {big:<5} ×{ratio:.2f}  (data ×{data:.2f})  {verdict}"
            )
    return lines


# ---------------------------------------------------------------- issue 22: the MkDocs stage, page budget, memory
#
# `--pages`: at each size (national shape), side by side in one run: a clean build with a warm
# record cache (`--warm-up`: every cache of this code warm, an untimed clean build just before
# it), a no-op rebuild, a plain `mkdocs build` of the same generated docs (with and
# without the search plugin), dap's clean build without the search plugin; peak memory of the
# whole process tree (the build forks a second MkDocs process) sampled from /proc.

PAGES_TARGETS = {
    "noop": 2.0,
    "one_report": 4.0,
    "vs_mkdocs": 0.45,
    "doubling": 2.0,
    "memory_mb_at_4000": 1024,
}

NO_SEARCH_CHILD = (
    """
import mkdocs.config
_load = mkdocs.config.load_config
def _no_search(*args, **kwargs):
    kwargs["plugins"] = []
    return _load(*args, **kwargs)
mkdocs.config.load_config = _no_search  # what run_mkdocs calls: no search plugin
"""
    + BUILD_CHILD
)


def tree_memory(pid: int) -> tuple[float, float]:
    """RSS and PSS (MB) of a process and all its descendants."""
    todo, rss, pss = [pid], 0, 0
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return rss / 1024, pss / 1024


def timed_tree(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """`timed`, with the peak RSS and PSS of the whole process tree, sampled every 0.1 s."""
    start = time.perf_counter()
    peak = [0.0, 0.0]
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err, env=env or child_env())
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            rss, pss = tree_memory(proc.pid)
            peak = [max(peak[0], rss), max(peak[1], pss)]
            time.sleep(0.1)
        out.seek(0)
        err.seek(0)
        return {
            "wall": time.perf_counter() - start,
            "cpu": usage.ru_utime + usage.ru_stime,
            "tree_rss_mb": peak[0],
            "tree_pss_mb": peak[1],
            "load": load,  # the machine's load average (1 min) when the step started
            "code": os.waitstatus_to_exitcode(status),
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


def plain_mkdocs_config(folder: Path, search: bool) -> Path:
    """A copy of the site's mkdocs.yml that builds the generated docs with MkDocs alone."""
    from builder.project import bundled

    site = bundled("site")
    name = "plain-search" if search else "plain-nosearch"
    target = folder / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(site / "overrides", target / "overrides")
    text = (site / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: docs/generated", f"docs_dir: {folder / 'docs'}")
    text = text.replace("site_dir: _build", f"site_dir: {folder / (name + '-out')}")
    if not search:
        text = text.replace("plugins:\n  - search", "plugins: []\n")
    (target / "mkdocs.yml").write_text(text, encoding="utf-8")
    return target / "mkdocs.yml"


# The `--pages` steps' removed folders (previous sites, docs, plain MkDocs' output), moved
# aside in one rename each and removed once every size is done (issue 22, sixteenth session).
# This machine's ext4 has no journal, and such a file system, for each new file, skips every
# inode freed in the last 60 s (`recently_deleted`; 360 s while the freed inodes' table is not
# yet written back), scanning past each one: a clean build right after `rm -rf` of the
# previous site paid for it in kernel CPU (`perf`: ~80 % of the time to create a file in
# `find_inode_bit`/`recently_deleted`), more than twice as much at 4,000 measures as at 2,000
# (twice the inodes freed, twice the files made), and the doubling judged the benchmark's own
# deletions, not the build. A fresh clone has nothing recently deleted.
TRASH = OUT / ".trash"
RECENTLY_DELETED_S = 60


def set_aside(path: Path) -> None:
    """Move `path` out of the way, into `TRASH`, without freeing an inode (`empty_trash`)."""
    if path.exists() or path.is_symlink():
        TRASH.mkdir(parents=True, exist_ok=True)
        os.replace(path, TRASH / f"{time.time_ns()}-{path.name}")


def empty_trash(wait: bool = False) -> None:
    """Remove what `set_aside` moved; `wait`: then let the file system's recency window pass
    (the next step is timed)."""
    if TRASH.exists():
        shutil.rmtree(TRASH, ignore_errors=True)
        if wait:
            quiet_disk()
            time.sleep(RECENTLY_DELETED_S)


def pages_build(folder: Path, child: str, clean: bool) -> dict[str, Any]:
    """One `dap build` in a child (clean: no generated docs, no previous site, neither the
    spare site nor a staging folder beside it, as in a fresh clone, those of the step
    before set aside (`set_aside`); the record cache stays warm), with its stages and the
    process tree's peak memory."""
    if clean:
        for path in [folder / "docs", folder / "public", *folder.glob(".public.*")]:
            set_aside(path)
    quiet_disk()
    step = timed_tree([PYTHON, "-c", child, AS_OF.isoformat()], folder)
    if step["code"] != 0:
        lines = (step["stderr"] or step["stdout"]).strip().splitlines()
        return {"error": lines[-1] if lines else "failed", "wall": step["wall"]}
    step.update(json.loads(step["stdout"].strip().splitlines()[-1]))
    return step


def pages_steps(
    folder: Path, full: bool, runs: int = 3, rebuilds_only: bool = False, warm: bool = False
) -> dict[str, Any]:
    """The issue-22 steps at one size: `full` adds the no-op rebuild, the rebuild after one
    report changed (each the median of `runs`) and, unless `rebuilds_only`, the plain MkDocs
    runs (side by side with the clean build).

    `warm`: an untimed clean build first, so that the timed one finds every cache of this
    code warm — the record cache, the kept history and snapshots, the data packages' store,
    the page keys — and does the same work in every run (issue 22, fourteenth session: the
    first clean build after a change to the packages' code, or in a copied folder — the
    caches are named by the folder's path — makes all 13 packages anew, ~10 s of CPU of a
    ~31 s build at 2,000, and at 4,000 its peak memory is that of the packages made: the
    case the memory target is for); else only `dap validate` (the record cache), and the
    other caches as they are: the build's line says how many packages it made anew."""
    if warm:  # every cache of this code warm: the timed clean build does the same work each run
        pages_build(folder, BUILD_CHILD, clean=True)
    else:
        timed([PYTHON, "-m", "builder", "validate", "--data", "data"], folder)  # warm record cache
    out: dict[str, Any] = {"clean": pages_build(folder, BUILD_CHILD, clean=True)}
    show(folder, "clean build", out["clean"])
    if not full or "error" in out["clean"]:
        return out
    out["noop"] = median_step([pages_build(folder, BUILD_CHILD, clean=False) for _ in range(runs)])
    show(folder, "no-op rebuild", out["noop"])
    out["one_report"] = one_report_steps(folder, runs)
    show(folder, "one report changed", out["one_report"])
    if rebuilds_only:
        return out
    for search in (True, False):
        config = plain_mkdocs_config(folder, search)
        quiet_disk()
        key = "mkdocs" if search else "mkdocs_nosearch"
        out[key] = timed_tree([PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(config)], folder)
        show(folder, key, out[key])
        set_aside(config.parent)
        set_aside(folder / (config.parent.name + "-out"))
    out["clean_nosearch"] = pages_build(folder, NO_SEARCH_CHILD, clean=True)
    show(folder, "clean build, no search", out["clean_nosearch"])
    return out


def median_step(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median wall clock, with the median CPU time of all the runs beside it (the
    machine is shared: one busy minute should not decide a figure) and every run's times."""
    done = [step for step in steps if "error" not in step]
    if not done:
        return steps[0]
    chosen = dict(sorted(done, key=lambda step: step["wall"])[len(done) // 2])
    chosen["cpu"] = statistics.median(step["cpu"] for step in done)
    chosen["runs"] = [(round(step["wall"], 2), round(step["cpu"], 2)) for step in done]
    chosen["loads"] = [round(step.get("load", 0.0), 1) for step in done]
    return chosen


def one_report_steps(folder: Path, runs: int) -> dict[str, Any]:
    """The daily case: one report of the newest quarter edited, then `dap build` over the
    previous build's site, docs and caches — `runs` times, each one edit after the last build
    (the same report, a new text each time); the report is put back and built again after."""
    newest = sorted(p for p in (folder / "data" / "reports").iterdir() if p.is_dir())[-1]
    report = sorted(newest.glob("*.yaml"))[0]
    original = report.read_bytes()
    steps = []
    try:
        for turn in range(runs):
            edited = original.replace(b"\ntext: ", f"\ntext: (випр. {turn + 1}) ".encode(), 1)
            assert edited != original, f"{report} has no text: line"
            report.write_bytes(edited)
            steps.append(pages_build(folder, BUILD_CHILD, clean=False))
    finally:
        report.write_bytes(original)
    pages_build(folder, BUILD_CHILD, clean=False)  # the site of the data as it was, untimed
    return median_step(steps)


def show(folder: Path, name: str, step: dict[str, Any]) -> None:
    """One step's result as soon as it is known (a long run on a busy machine may be cut)."""
    memory = f", tree peak RSS {step['tree_rss_mb']:.0f} MB" if "tree_rss_mb" in step else ""
    print(f"   {folder.name}: {name}: {secs(step)}{memory}{packages(step)}", flush=True)


def packages(step: dict[str, Any]) -> str:
    """The data packages a build took from its store and made anew (~0.8 s of CPU each at
    2,000 measures: a clean build's figure says nothing without them)."""
    if "packages" not in step:
        return ""
    reused, built = step["packages"]
    return f"; data packages: {reused} from the store, {built} made anew"


def pages_lines(results: dict[int, dict[str, Any]]) -> list[str]:
    """The issue-22 table and targets."""

    def mem(step: dict[str, Any]) -> str:
        if "tree_rss_mb" not in step:
            return NA
        return f"{step['tree_rss_mb']:.0f} MB (PSS {step['tree_pss_mb']:.0f})"

    lines = []
    for size, r in results.items():
        c = r["clean"]
        lines.append(f"{size:,} measures:")
        lines.append(
            f"  clean build, warm record cache   {secs(c)}; tree peak {mem(c)}{packages(c)}"
        )
        if "stages" in c:
            lines.append(
                "    stages: "
                + ", ".join(f"{k} {v:.1f}" for k, v in c["stages"].items() if v is not None)
            )
            lines.append(
                f"    largest page {c['largest'][1] / 1024:.0f} KB ({c['largest'][0]}), "
                f"{c['pages']:,} pages"
            )
        for key, name in (
            ("noop", "no-op rebuild"),
            ("one_report", "one report changed"),
            ("mkdocs", "plain mkdocs build"),
            ("mkdocs_nosearch", "plain mkdocs build, no search"),
            ("clean_nosearch", "clean build, no search plugin"),
        ):
            if key in r:
                lines.append(f"  {name:32} {secs(r[key])}; tree peak {mem(r[key])}")
        if "mkdocs" in r and "wall" in c:
            for label, ours, theirs in (
                ("with search", c, r["mkdocs"]),
                ("without search", r["clean_nosearch"], r["mkdocs_nosearch"]),
            ):
                if "error" in ours or "error" in theirs:
                    continue
                ratio = ours["wall"] / theirs["wall"]
                cpu = ours["cpu"] / theirs["cpu"]
                met = "PASS" if ratio <= PAGES_TARGETS["vs_mkdocs"] else "FAIL"
                lines.append(
                    f"  {met}  clean build / plain mkdocs ({label}): ×{ratio:.2f} wall, "
                    f"×{cpu:.2f} cpu (target ≤ ×{PAGES_TARGETS['vs_mkdocs']})"
                )
        for key in ("clean", "noop", "one_report"):  # issue 22: where a rebuild's time goes
            if "runs" in r.get(key, {}):
                lines.append(
                    f"    {key}: runs (wall, cpu) {r[key]['runs']}, load {r[key]['loads']}; "
                    "median run's stages: "
                    + ", ".join(f"{k} {v:.2f}" for k, v in r[key]["stages"].items() if v)
                )
        if "one_report" in r and "wall" in r["one_report"]:
            met = "PASS" if r["one_report"]["wall"] <= PAGES_TARGETS["one_report"] else "FAIL"
            lines.append(
                f"  {met}  one report changed {r['one_report']['wall']:.2f} s "
                f"(cpu {r['one_report']['cpu']:.2f}; target ≤ {PAGES_TARGETS['one_report']:.0f} s)"
            )
        if "noop" in r and "wall" in r["noop"]:
            met = "PASS" if r["noop"]["wall"] <= PAGES_TARGETS["noop"] else "FAIL"
            lines.append(
                f"  {met}  no-op rebuild {r['noop']['wall']:.2f} s "
                f"(target ≤ {PAGES_TARGETS['noop']:.0f} s)"
            )
        if size == 4000 and "tree_rss_mb" in c:
            met = "PASS" if c["tree_rss_mb"] <= PAGES_TARGETS["memory_mb_at_4000"] else "FAIL"
            lines.append(f"  {met}  peak memory at 4,000 ≤ 1 GB: {mem(c)}")
    sizes = sorted(s for s in results if "wall" in results[s]["clean"])
    for a, b in itertools.pairwise(sizes):
        wa, wb = results[a]["clean"], results[b]["clean"]
        if "error" in wa or "error" in wb:
            continue
        ratio, cpu = wb["wall"] / wa["wall"], wb["cpu"] / wa["cpu"]
        met = "PASS" if cpu <= PAGES_TARGETS["doubling"] * (b / a) / 2 else "FAIL"
        lines.append(
            f"{met}  {a:,} → {b:,} measures: clean build ×{ratio:.2f} wall, ×{cpu:.2f} cpu "
            f"(target ≤ ×{PAGES_TARGETS['doubling'] * (b / a) / 2:.2f})"
        )
    return lines


def clean_in_turns(results: dict[int, dict[str, Any]], turns: int) -> None:
    """More clean builds of every size, in turns (1,000, 2,000, 4,000 … then again), so that
    the doubling ratios compare medians taken side by side: on this shared machine one size's
    single build moved its CPU by a fifth between quiet runs of the same work (issue 22,
    fifteenth session). Each size's clean step becomes the median of its `turns` builds, with
    the highest tree peak of them (the memory target is a peak)."""
    builds = {size: [r["clean"]] for size, r in results.items() if "error" not in r["clean"]}
    for _ in range(turns - 1):
        for size in builds:
            step = pages_build(OUT / f"n{size}", BUILD_CHILD, clean=True)
            show(OUT / f"n{size}", "clean build (turn)", step)
            builds[size].append(step)
    for size, steps in builds.items():
        clean = median_step(steps)
        peaks = [step["tree_rss_mb"] for step in steps if "tree_rss_mb" in step]
        if peaks:
            clean["tree_rss_mb"] = max(peaks)
        results[size]["clean"] = clean


def pages_main(
    sizes: list[int],
    seed: int,
    json_path: Path | None,
    runs: int = 3,
    rebuilds_only: bool = False,
    warm: bool = False,
    clean_turns: int = 1,
) -> None:
    """`--pages`: the issue-22 steps; the full set at national scale, the clean build at the
    other sizes (for the doubling ratios and memory); `clean_turns` clean builds of each size
    in turns for the doubling (`clean_in_turns`)."""
    results: dict[int, dict[str, Any]] = {}
    empty_trash(wait=True)  # an interrupted run's
    try:
        for size in sizes:
            folder = OUT / f"n{size}"
            executors = max(2, NATIONAL["executors"] * size // NATIONAL["measures"])
            generate(folder, size, executors, NATIONAL["years"], seed)
            full = size == NATIONAL["measures"]
            results[size] = pages_steps(folder, full, runs, rebuilds_only, warm)
            print(f"   {size}: clean build {secs(results[size]['clean'])}", flush=True)
        if clean_turns > 1 and len(sizes) > 1:
            clean_in_turns(results, clean_turns)
    finally:
        empty_trash()
    print()
    for line in machine() + [""] + pages_lines(results):
        print(line)
    if json_path:
        for r in results.values():
            for step in r.values():
                step.pop("stdout", None)
                step.pop("stderr", None)
        json_path.write_text(json.dumps(results, indent=2, default=str))


def main() -> None:
    """Parse options, run every size, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="national scale only (2,000)")
    parser.add_argument("--sizes", default="", help="measure counts, e.g. 1000,2000,4000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-build", action="store_true", help="skip compute and the build")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run every step N times, round the sizes, and keep each step's best (default 1)",
    )
    parser.add_argument("--json", type=Path, help="also write the raw results to this file")
    parser.add_argument(
        "--no-pr-loop", action="store_true", help="skip the pull-request loop (issue 14)"
    )
    parser.add_argument(
        "--pr-loop-only",
        action="store_true",
        help="only the pull-request loop at national scale (no validate/compute/build table)",
    )
    parser.add_argument("--loop-runs", type=int, default=5, help="runs of each loop command")
    parser.add_argument(
        "--pages",
        action="store_true",
        help="issue 22: clean build vs plain mkdocs, no-op rebuild, tree memory, doubling",
    )
    parser.add_argument(
        "--rebuilds-only",
        action="store_true",
        help="with --pages: the clean build, the no-op and one-report rebuilds only (no plain "
        "mkdocs runs); --repeat N runs each rebuild N times (default 3) for the medians",
    )
    parser.add_argument(
        "--warm-up",
        action="store_true",
        help="with --pages: an untimed clean build before the timed one, so that it finds "
        "every cache of this code warm (else only dap validate first: after a change to the "
        "data packages' code, or in a copied folder, it makes every package anew)",
    )
    parser.add_argument(
        "--clean-turns",
        type=int,
        default=1,
        help="with --pages and several sizes: N clean builds of each size, in turns across the "
        "sizes, and the doubling judged on their medians (default 1)",
    )
    opts = parser.parse_args()
    if opts.pages:  # issue 22 (its own block above)
        sizes = [int(s) for s in opts.sizes.split(",") if s] or [2000]
        runs = opts.repeat if opts.repeat > 1 else 3
        pages_main(
            sizes, opts.seed, opts.json, runs, opts.rebuilds_only, opts.warm_up, opts.clean_turns
        )
        return
    sizes = [int(s) for s in opts.sizes.split(",") if s] or (
        [2000] if opts.quick or opts.pr_loop_only else [1000, 2000, 4000]
    )
    folders: dict[int, Path] = {}
    generated: dict[int, dict[str, Any]] = {}
    for size in sizes:
        folder = folders[size] = OUT / f"n{size}"
        executors = max(2, NATIONAL["executors"] * size // NATIONAL["measures"])
        print(
            f"== {size} measures, {executors} executors, {NATIONAL['years'] * 4} quarters",
            flush=True,
        )
        gen = generate(folder, size, executors, NATIONAL["years"], opts.seed)
        made = "reused" if gen.get("reused") else f"generated in {gen['wall']:.1f} s"
        print(f"   data: {made}", flush=True)
        generated[size] = gen
    loop: dict[str, Any] = {}
    if not opts.no_pr_loop and NATIONAL["measures"] in sizes:
        loop = pr_loop_steps(folders[NATIONAL["measures"]], max(1, opts.loop_runs))
        print()
        print(f"Pull-request loop (issue 14) at {NATIONAL['measures']:,} measures, warm cache:")
        for line in pr_loop_lines(loop):
            print(line)
        if opts.pr_loop_only:
            for line in machine():
                print(line)
            if opts.json:
                opts.json.write_text(json.dumps({"pr_loop": loop}, indent=2, default=str))
            return
    # Turns go round the sizes (1,000, 2,000, 4,000, 1,000, ...), so that a busy minute on
    # the shared machine does not fall on one size's runs only; each size keeps its best.
    turns: dict[int, list[dict[str, Any]]] = {size: [] for size in sizes}
    for turn in range(max(1, opts.repeat)):
        for size in sizes:
            folder = folders[size]
            result: dict[str, Any] = {"generate": generated[size]}
            result["validate"] = validate_steps(folder, turn)
            result["compute"] = {} if opts.no_build else compute_step(folder)
            result["build"] = {} if opts.no_build else build_step(folder)
            build = f", build {secs(result['build'])}" if result["build"] else ""
            print(
                f"   turn {turn + 1}, {size}: validate cold "
                f"{result['validate']['cold']['wall']:.2f} s{build}",
                flush=True,
            )
            turns[size].append(result)
    results = {size: combine(turns[size]) for size in sizes}
    print()
    for line in machine():
        print(line)
    print()
    names = [name for name, _ in rows(sizes[0], results[sizes[0]])]
    table = {size: dict(rows(size, results[size])) for size in sizes}
    width = max(len(n) for n in names)
    cells = {size: max(len(table[size][n]) for n in names) for size in sizes}
    header = f"{'':{width}}  " + "  ".join(f"{f'{s:,} measures':<{cells[s]}}" for s in sizes)
    print(header)
    print("-" * len(header))
    for name in names:
        print(f"{name:{width}}  " + "  ".join(f"{table[s][name]:<{cells[s]}}" for s in sizes))
    at = NATIONAL["measures"] if NATIONAL["measures"] in results else sizes[-1]
    national = results[at]
    print()
    print(f"Targets of issue 9 (national scale is 2,000 measures; measured at {at:,}):")
    for target, measured, met in targets(national):
        verdict = "n/a" if met is None else ("PASS" if met else "FAIL")
        print(f"  {verdict:4s}  {target:40s} {measured}")
    lines = doubling(results)
    if lines:
        print()
        print("Doubling the programme (time ratio; at most ×2.00, or the data's own ratio):")
        for line in lines:
            print("  " + line)
    if loop:
        print()
        print(f"Pull-request loop (issue 14) at {NATIONAL['measures']:,} measures, warm cache:")
        for line in pr_loop_lines(loop):
            print(line)
    if opts.json:
        for result in results.values():
            for step in (
                result["validate"].get("cold"),
                result["validate"].get("warm"),
                result["validate"].get("changed"),
                result["build"],
                result["build"].get("again"),
                result["compute"],
            ):
                if step:
                    step.pop("stdout", None)
                    step.pop("stderr", None)
        opts.json.write_text(json.dumps({**results, "pr_loop": loop}, indent=2, default=str))


if __name__ == "__main__":
    main()
