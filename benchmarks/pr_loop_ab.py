"""The pull-request loop (issue 14) of this code against another revision's, in turns.

The development machine is shared: its load changes the CPU time of every process several
tenths of a second from one minute to the next, so two runs of `benchmarks/run.py
--pr-loop-only` taken minutes apart cannot tell a change of 0.1-0.3 s. This script runs the
loop as the workflow runs it (`dap validate --diff` and `dap check-change`, both `--format
github`, as `benchmarks/run.py` does) with the other revision's dap and with this one in
turns, A then B, each in its own work tree of the same one-report pull request (each with its
own warm caches: dap's caches are keyed by the code), and prints the medians of CPU time
(user + sys of each process and its Git children) and the median of the pair-by-pair ratios.

    python benchmarks/pr_loop_ab.py --against main --runs 7

The other revision's `builder/` is taken with `git archive` into benchmarks/out/ (no work tree
of this repository is made); the pull request is `benchmarks/run.py`'s (made if missing).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import NATIONAL, OUT, PYTHON, ROOT, child_env, generate, git_in, one_report_branch  # noqa: E402


def code_of(rev: str) -> Path:
    """The other revision's builder/, exported once into benchmarks/out/ab-<sha>/."""
    sha = subprocess.run(
        ["git", "rev-parse", "--verify", f"{rev}^{{commit}}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    target = OUT / f"ab-{sha[:12]}"
    if not (target / "builder").is_dir():
        archive = subprocess.run(
            ["git", "archive", "--format=tar", sha, "builder"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
    return target


def second_tree(work: Path) -> Path:
    """A second work tree of the pull request's commit, for the other code's caches."""
    other = work.parent / f"{work.name}-ab"
    head = git_in(work, "rev-parse", "HEAD")
    probe = (
        subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=other, capture_output=True, text=True, check=False
        )
        if other.exists()
        else None
    )
    if probe is None or probe.returncode != 0 or probe.stdout.strip() != head:
        shutil.rmtree(other, ignore_errors=True)
        git_in(work, "worktree", "prune")
        git_in(work, "worktree", "add", "-q", "--detach", str(other), head)
    (other / ".pr-loop.json").write_text((work / ".pr-loop.json").read_text())
    return other


def loop(code: Path, work: Path, base: str, login: str, day: str) -> tuple[float, float]:
    """CPU seconds of `dap validate --diff` and `dap check-change` with `code` in `work`."""
    env = child_env()
    env["PYTHONPATH"] = str(code)
    dap = [PYTHON, "-m", "builder"]
    commands = [
        [*dap, "validate", "--format", "github", "--strict", "--diff", base]
        + ["--diff-out", str(work.parent / f"{work.name}-status-diff.md")],
        [*dap, "check-change", "--base", base, "--head", "HEAD", "--author", login]
        + ["--format", "github", "--today", day],
    ]
    cpu = []
    for cmd in commands:
        with tempfile.TemporaryFile() as out:
            proc = subprocess.Popen(cmd, cwd=work, stdout=out, stderr=out, env=env)
            _, status, usage = os.wait4(proc.pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                out.seek(0)
                raise SystemExit(f"{cmd[3]} failed:\n{out.read().decode()[-2000:]}")
        cpu.append(usage.ru_utime + usage.ru_stime)
    return cpu[0], cpu[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="main", help="the other revision (A)")
    parser.add_argument("--runs", type=int, default=7, help="pairs of runs (after one each)")
    parser.add_argument("--json", type=Path, help="also write the raw results to this file")
    opts = parser.parse_args()
    folder = OUT / f"n{NATIONAL['measures']}"
    generate(folder, NATIONAL["measures"], NATIONAL["executors"], NATIONAL["years"], seed=1)
    work, base, login, day = one_report_branch(folder)
    sides = {"A": (code_of(opts.against), second_tree(work)), "B": (ROOT, work)}
    for code, tree in sides.values():
        loop(code, tree, base, login, day)  # fills each side's caches
    runs: dict[str, list[tuple[float, float]]] = {"A": [], "B": []}
    loads = []
    for _ in range(max(1, opts.runs)):
        for side, (code, tree) in sides.items():
            runs[side].append(loop(code, tree, base, login, day))
        loads.append(os.getloadavg()[0])
    for side, title in (("A", opts.against), ("B", "this work tree")):
        total = [v + c for v, c in runs[side]]
        print(
            f"{side} ({title}): validate --diff {statistics.median(v for v, _ in runs[side]):.2f} s,"
            f" check-change {statistics.median(c for _, c in runs[side]):.2f} s,"
            f" the loop {statistics.median(total):.2f} s ({min(total):.2f}–{max(total):.2f})"
        )
    ratios = [sum(b) / sum(a) for a, b in zip(runs["A"], runs["B"], strict=True)]
    print(
        f"B ÷ A, median of {len(ratios)} pairs: ×{statistics.median(ratios):.3f}"
        f" ({min(ratios):.3f}–{max(ratios):.3f}); load average (1 min) during the runs"
        f" {min(loads):.1f}–{max(loads):.1f}"
    )
    if opts.json:
        opts.json.write_text(json.dumps({"runs": runs, "ratios": ratios, "loads": loads}))


if __name__ == "__main__":
    main()
