"""How long the monitoring engine takes at national scale.

Run: python benchmarks/compute_bench.py [--git]  (--git: also time reading a 50,000-file history)

A synthetic in-memory programme the size of the real one: 2,000 measures in 15 directions,
~100 problems, 300 ОСР, 109 executors, 12 quarters, a report for almost every measure and
quarter and an assessment for most (~50,000 records), annual evaluations. Times the whole
history (a snapshot at every quarter end, then the date itself) with dates typed in the files
and with dates from a Git history of every report file.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder import compute  # noqa: E402
from builder import models as m  # noqa: E402
from builder.git.history import Change, History, Recorded  # noqa: E402
from builder.load import Dataset  # noqa: E402
from builder.parallel import collector_paused  # noqa: E402
from builder.quarters import programme_quarters  # noqa: E402

D = dt.date
N_MEASURES, N_DIRECTIONS, N_PROBLEMS, N_RESULTS, N_EXECUTORS = 2000, 15, 100, 300, 109


def synthetic(mode: str, seed: int = 7) -> tuple[Dataset, History | None]:
    """A national-scale programme with its reports, assessments and evaluations."""
    rnd = random.Random(seed)
    programme = m.Programme(
        id="dap",
        title="Державна антикорупційна програма (синтетична)",
        act=m.LegalAct(title="Постанова"),
        period=m.ProgrammePeriod(start=D(2023, 1, 1), end=D(2025, 12, 31)),
        reporting=m.Reporting(submission_dates=mode),  # type: ignore[arg-type]
    )
    data = Dataset(root=Path("data"), programme=programme)
    for d in range(1, N_DIRECTIONS + 1):
        data.sections[f"{d}"] = m.Section(id=f"{d}", level=m.SectionLevel.DIRECTION, title="Н")
    for p in range(N_PROBLEMS):
        pid = f"{p % N_DIRECTIONS + 1}.{p // N_DIRECTIONS + 1}"
        data.sections[pid] = m.Section(
            id=pid, level=m.SectionLevel.PROBLEM, title="П", parent=pid.split(".")[0]
        )
    problems = [s for s in data.sections.values() if s.level == m.SectionLevel.PROBLEM]
    tiers = m.Indicator(
        id="1",
        title="І",
        weight=50,
        kind=m.SubindicatorKind.TIERED,
        subindicators=[
            m.Subindicator(id="а", title="а", share=50),
            m.Subindicator(id="б", title="б", share=30),
        ],
    )
    free = m.Indicator(id="2", title="І", weight=50)
    for r in range(N_RESULTS):
        problem = problems[r % len(problems)]
        rid = f"{problem.id}.{r // len(problems) + 1}"
        data.results[rid] = m.ExpectedResult(
            id=rid, title="ОСР", problem=problem.id, indicators=[tiers, free]
        )
    results_by_problem: dict[str, list[str]] = {}
    for rid, res in data.results.items():
        results_by_problem.setdefault(res.problem, []).append(rid)
    executors = [f"ex{i}" for i in range(N_EXECUTORS)]
    manager = m.Person(id="a", name="Менеджер", roles=[m.ExecutorRole.MANAGER])
    data.executors = {e: m.Executor(id=e, name=e, people=[manager]) for e in executors}
    commits: dict[str, Recorded] = {}  # git mode: each report merged with its approval
    quarters = programme_quarters(programme)
    changes: dict[str, list[Change]] = {}
    for i in range(N_MEASURES):
        problem = problems[i % len(problems)]
        mid = f"{problem.id}.1.{i // len(problems) + 1}"
        first = rnd.randrange(3)  # most measures start in the programme's first year
        last = rnd.randrange(first + 3, len(quarters))
        data.measures[mid] = m.Measure(
            id=mid,
            title="Захід",
            section=problem.id,
            results=rnd.sample(results_by_problem[problem.id], 1),
            deadline=m.Deadline(text="строк", start=quarters[first].start, end=quarters[last].end),
            main_executor=m.ExecutorLink(executor=rnd.choice(executors)),
            co_executors=[m.ExecutorLink(executor=rnd.choice(executors))],
        )
        for q in quarters[first:]:
            if rnd.random() < 0.97:
                day = q.window_start + dt.timedelta(days=rnd.randrange(-10, 25))
                key = f"{q.period}/{mid}"
                kind = m.ReportKind.RESULT if q is quarters[last] else m.ReportKind.PROGRESS
                data.reports[key] = m.Report(
                    measure=mid,
                    period=q.period,
                    kind=kind,
                    executor="ex",
                    prepared_by="i",
                    approved_by="a",
                    submitted=day,
                    text="Звіт",
                )
                when = dt.datetime.combine(day, dt.time(12), dt.UTC)
                path = f"data/reports/{key}.yaml"
                sha = f"{len(commits):040x}"
                changes[path] = [Change(sha, when, "Автор", "a@example.org", "A", path)]
                approved = (when - dt.timedelta(hours=20)).isoformat()
                commits[sha] = Recorded(sha, when, True, ("a",), (approved,), (str(len(commits)),))
            if (
                f"{q.period}/{mid}" in data.reports and rnd.random() < 0.1
            ):  # a correction filed later as a second file
                data.reports[f"{q.period}/{mid}@2"] = data.reports[f"{q.period}/{mid}"]
            if rnd.random() < 0.95:
                status = rnd.choice(list(m.Status))
                data.assessments[f"{q.period}/{mid}"] = m.Assessment(
                    measure=mid,
                    period=q.period,
                    date=q.window_end + dt.timedelta(days=rnd.randrange(1, 40)),
                    analyst="an",
                    status=status,
                    label=m.ResultLabel.PROGRESS,
                    text="Висновок",
                )
    for rid in data.results:
        for year in (2023, 2024, 2025):
            data.evaluations[f"{year}/{rid}"] = m.Evaluation(
                result=rid,
                year=year,
                date=D(year + 1, 2, 20),
                analyst="an",
                indicators=[
                    m.IndicatorScore(indicator="1", achieved=["б"], rationale="р"),
                    m.IndicatorScore(indicator="2", score=rnd.randrange(51), rationale="р"),
                ],
            )
    history = History(True, changes, commits=commits) if mode == "git" else None
    return data, history


def bench(mode: str, as_of: dt.date, rounds: int = 5) -> None:
    """Print the size and the best and median time of the whole history."""
    data, history = synthetic(mode)
    records = len(data.reports) + len(data.assessments) + len(data.evaluations)
    times, cpu = [], []
    snaps: list[compute.Snapshot] = []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        snaps = compute.history_snapshots(data, history, as_of, as_of)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    start = time.process_time()
    compute.snapshot(data, history, as_of, as_of)
    one = time.process_time() - start
    print(
        f"{mode:8} {len(data.measures)} measures, {records:,} records "
        f"({len(data.reports):,} reports, {len(data.assessments):,} assessments, "
        f"{len(data.evaluations)} evaluations), {len(snaps)} snapshots, "
        f"{sum(len(s.due) for s in snaps):,} due reports in all: "
        f"whole history: wall best {min(times):.3f} s, median {statistics.median(times):.3f} s, "
        f"CPU best {min(cpu):.3f} s; one snapshot alone: CPU {one:.3f} s"
    )


def bench_git_log(n_files: int = 50_000, n_commits: int = 500) -> None:
    """Time `read_history` and `read_authors` on a temporary repository of `n_files` report
    files brought by `n_commits` pull requests, each a branch commit merged into main with its
    approval trailers (git fast-import)."""
    import subprocess
    import tempfile

    from builder.git.history import read_authors, read_history

    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
        stream: list[bytes] = []
        per_commit = n_files // n_commits
        start = dt.datetime(2023, 4, 1, tzinfo=dt.UTC)

        def commit(ref: str, mark: int, when: int, msg: bytes, parents: list[str]) -> None:
            stream.append(f"commit {ref}\nmark :{mark}\n".encode())
            stream.append(f"author A <a@example.org> {when} +0300\n".encode())
            stream.append(f"committer A <a@example.org> {when} +0300\n".encode())
            stream.append(f"data {len(msg)}\n".encode() + msg + b"\n")
            stream.extend(
                f"{kind} {ref}\n".encode()
                for kind, ref in zip(["from", "merge"], parents, strict=False)
            )

        for c in range(n_commits):
            when = int((start + dt.timedelta(hours=6 * c)).timestamp())
            base = [f":{2 * c}"] if c else []
            files = []
            for f in range(per_commit):
                body = f"measure: m{c}.{f}\n".encode()
                path = f"data/reports/2024-Q{c % 4 + 1}/m{c}.{f}.yaml"
                files.append(f"M 100644 inline {path}\ndata {len(body)}\n".encode() + body)
            commit(f"refs/heads/pr{c}", 2 * c + 1, when, f"reports {c}".encode(), base)
            stream.extend([*files, b"\n"])
            approved = dt.datetime.fromtimestamp(when - 3600, dt.UTC).isoformat()
            msg = f"Merge pull request #{c}\n\nApproved-by: a\nApproved-at: {approved}\n"
            msg += f"Pull-request: {c}\n"
            main = [*base, f":{2 * c + 1}"] if c else []  # the first commit starts main
            commit("refs/heads/main", 2 * c + 2, when + 60, msg.encode(), main)
            stream.extend([*files, b"\n"])  # the merge's tree: main's plus the branch's files
        subprocess.run(
            ["git", "fast-import", "--quiet"], input=b"".join(stream), cwd=repo, check=True
        )
        subprocess.run(["git", "checkout", "-q", "main"], cwd=repo, check=True)
        started = time.perf_counter()
        history = read_history(repo)
        took = time.perf_counter() - started
        started = time.perf_counter()
        read_authors(history)
        authors = time.perf_counter() - started
        print(
            f"git log  {n_files:,} files in {n_commits} merged pull requests: read_history (one "
            f"git log pass, parsed, {len(history.commits)} merges with trailers) {took:.3f} s, "
            f"{len(history.changes):,} paths; read_authors (the preparers) {authors:.3f} s"
        )


if __name__ == "__main__":
    collector_paused().__enter__()  # as every `dap` command runs (cli.main)
    for mode in ("recorded", "git"):
        bench(mode, D(2026, 1, 20))
    if "--git" in sys.argv:
        bench_git_log()
