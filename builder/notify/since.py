"""The data at an earlier commit for `--since REF`: the statuses after each data commit since."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

from ..errors import GitError
from ..load import Dataset
from .plan import Since, State, Step, state_of


def git_top(folder: Path) -> Path | None:
    """The top folder of the Git repository holding `folder`, or None."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=folder,
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    return Path(out.stdout.decode().strip()) if out.returncode == 0 else None


def _git(top: Path, *args: str) -> bytes:
    out = subprocess.run(["git", *args], cwd=top, capture_output=True, check=False)
    if out.returncode != 0:
        raise GitError(
            f"git {' '.join(args[:2])} failed: {out.stderr.decode('utf-8', 'replace').strip()}"
        )
    return out.stdout


def resolve(top: Path, ref: str) -> str:
    """The full sha of a commit-ish; GitError naming the ref if it is not one."""
    out = subprocess.run(
        ["git", "rev-parse", "--verify", "-q", f"{ref}^{{commit}}"],
        cwd=top,
        capture_output=True,
        check=False,
    )
    if out.returncode != 0:
        raise GitError(f"--since {ref}: not a commit in {top} — name a branch, tag or commit")
    return out.stdout.decode().strip()


MAX_STEPS = 500  # commits walked by --since; more means REF is far too old


def extract_data(top: Path, rel: str, commit: str, into: Path) -> Path:
    """Unpack the data folder as it was at `commit` (via `git archive`) under `into`."""
    archive = _git(top, "archive", "--format=tar", commit, "--", rel or ".")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / rel if rel else into


def read_since(data_dir: Path, ref: str, as_of: dt.date, current: State) -> Since:
    """The state at REF and after each first-parent commit since REF that touched the data.

    The working folder stands for the last such commit (the workflow runs on a clean checkout).
    """
    from ..compute import snapshot
    from ..git import read_history
    from ..load import load

    top = git_top(data_dir)
    if top is None:
        raise GitError(f"--since needs Git: {data_dir} is not in a Git repository")
    commit = resolve(top, ref)
    rel = data_dir.resolve().relative_to(top.resolve()).as_posix()
    rel = "" if rel == "." else rel
    if rel and not _git(top, "ls-tree", "-d", "--name-only", commit, "--", rel).strip():
        raise GitError(f"--since {ref}: {rel}/ does not exist at that commit — name a later one")
    log = _git(
        top,
        "log",
        "--first-parent",
        "--reverse",
        "--format=%H %cI",
        f"{commit}..HEAD",
        "--",
        rel or ".",
    )
    commits = [line.split(" ", 1) for line in log.decode().splitlines() if line.strip()]
    if len(commits) > MAX_STEPS:
        raise GitError(
            f"--since {ref}: {len(commits)} commits changed the data since — name a later commit "
            f"(at most {MAX_STEPS})"
        )

    def state_at(sha: str, tmp: Path) -> tuple[State, Dataset]:
        data, problems = load(extract_data(top, rel, sha, tmp / sha), str(data_dir))
        errors = [p for p in problems if p.severity == "error"]
        if errors or data.programme is None:
            first = str(errors[0]) if errors else "no programme file"
            raise GitError(
                f"--since {ref}: the data at {sha[:12]} cannot be read ({len(errors)} error(s); "
                f"first: {first}) — name a later commit whose data is valid"
            )
        use_git = data.programme.reporting.submission_dates == "git"
        history = read_history(top, sha) if use_git else None
        return state_of(data, snapshot(data, history, as_of, as_of)), data

    with tempfile.TemporaryDirectory(prefix="dap-notify-") as tmp:
        before, old_data = state_at(commit, Path(tmp))
        people = {p.id for p in old_data.staff}
        people |= {p.id for ex in old_data.executors.values() for p in ex.people}
        steps: list[Step] = []
        for i, (sha, when) in enumerate(commits):
            after = current if i == len(commits) - 1 else state_at(sha, Path(tmp))[0]
            day = dt.datetime.fromisoformat(when).date()
            steps.append(Step(sha, day, before, after))
            before = after
    return Since(ref, commit, frozenset(people), tuple(steps))
