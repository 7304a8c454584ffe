"""The data at an earlier commit for `--since REF`: the statuses after each data commit since."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import GitError
from ..git.history import read_history
from ..git.load import load_at
from ..git.repo import data_prefix, git, repo_root, resolve
from ..i18n import _, ngettext
from ..load import Dataset
from .plan import Since, State, Step, state_of

MAX_STEPS = 500  # commits walked by --since; more means REF is far too old


def read_since(data_dir: Path, ref: str, as_of: dt.date, current: State) -> Since:
    """The state at REF and after each first-parent commit since REF that touched the data.

    The working folder stands for the last such commit (the workflow runs on a clean checkout).
    """
    from ..compute import snapshot

    try:
        top = repo_root(data_dir)
    except GitError:
        raise GitError(
            _("--since needs Git: {folder} is not in a Git repository", folder=data_dir)
        ) from None
    try:
        commit = resolve(top, ref)
    except GitError:
        raise GitError(
            _(
                "--since {ref}: not a commit in {repository} — name a branch, tag or commit",
                ref=ref,
                repository=top,
            )
        ) from None
    rel = data_prefix(top, data_dir)
    if rel and not git(top, "ls-tree", "-d", "--name-only", commit, "--", rel).strip():
        raise GitError(
            _(
                "--since {ref}: {folder}/ does not exist at that commit — name a later one",
                ref=ref,
                folder=rel,
            )
        )
    log = git(
        top,
        "log",
        "--first-parent",
        "--reverse",
        "--format=%H %cI",
        f"{commit}..HEAD",
        "--",
        rel or ".",
    )
    commits = [line.split(" ", 1) for line in log.splitlines() if line.strip()]
    if len(commits) > MAX_STEPS:
        raise GitError(
            _(
                "--since {ref}: {count} commits changed the data since — name a later commit "
                "(at most {limit})",
                ref=ref,
                count=len(commits),
                limit=MAX_STEPS,
            )
        )

    def state_at(sha: str) -> tuple[State, Dataset]:
        data, problems = load_at(top, sha, rel)  # read in memory, never unpacked to disk
        errors = [p for p in problems if p.severity == "error"]
        if errors or data.programme is None:
            first = str(errors[0]) if errors else _("no programme file")
            raise GitError(
                ngettext(
                    "--since {ref}: the data at {commit} cannot be read ({n} error; first: "
                    "{first}) — name a later commit whose data is valid",
                    "--since {ref}: the data at {commit} cannot be read ({n} errors; first: "
                    "{first}) — name a later commit whose data is valid",
                    len(errors),
                    ref=ref,
                    commit=sha[:12],
                    first=first,
                )
            )
        use_git = data.programme.reporting.submission_dates == "git"
        history = read_history(top, sha) if use_git else None
        return state_of(data, snapshot(data, history, as_of, as_of)), data

    before, old_data = state_at(commit)
    people = {p.id for p in old_data.staff}
    people |= {p.id for ex in old_data.executors.values() for p in ex.people}
    steps: list[Step] = []
    for i, (sha, when) in enumerate(commits):
        after = current if i == len(commits) - 1 else state_at(sha)[0]
        day = dt.datetime.fromisoformat(when).date()
        steps.append(Step(sha, day, before, after))
        before = after
    return Since(ref, commit, frozenset(people), tuple(steps))
