"""Rules across files: ids, references, weights, dates, reporting and the role rules of III.15–III.16.

Each rule is a function from a Dataset to problems; `RULES` lists them in the order they run.
A record that failed to load is reported once, by the loader: no rule blames another file for
pointing at it (`Dataset.failed`). Only regular files are data: links, submodules and other
entries are refused by the loader and, for what only Git can see, by `tracked_not_files`.
Dates of things done — a report approved, an assessment made — may not lie after the day of
the run (`records.check_dates_happened`). A monitoring record's path decides its measure,
period and executor; its own fields must agree (`records.path_problems`).

`people.py` holds the rosters and roles, `structure.py` the sections, ОСР, indicators and
evaluations, `records.py` the ids, measures, reports, assessments, feedback and notices,
`amendments.py` the amendments of measures (reports are checked against the version of their
measure in force in their period), `english.py` the English texts beside the Ukrainian ones.
`remembered.py` keeps what the rules concluded between runs, so that `validate()` checks again
only what a changed file can reach (the same problems, in the same order).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import Problem
from ..git.repo import entry_kind, not_regular
from ..load import Dataset, load, not_a_file
from .amendments import check_amendments
from .assignments import check_assignments
from .english import check_english
from .people import check_people, people_index
from .records import (
    LABELS_FOR_STATUS,
    check_assessments,
    check_dates_happened,
    check_feedback_and_notices,
    check_ids,
    check_measures,
    check_programme,
    check_reports,
    measure_span,
)
from .remembered import Remembered
from .structure import check_evaluations, check_structure

__all__ = [
    "LABELS_FOR_STATUS",
    "RULES",
    "by_file",
    "check",
    "check_people",
    "measure_span",
    "people_index",
    "sort_problems",
    "validate",
]

Rule = Callable[[Dataset], Iterator[Problem]]

RULES: list[Rule] = [
    check_ids,
    check_programme,
    check_people,
    check_structure,
    check_measures,
    check_amendments,
    check_reports,
    check_assessments,
    check_evaluations,
    check_feedback_and_notices,
    check_english,
]


def check(
    data: Dataset, today: dt.date | None = None, memory: Remembered | None = None
) -> list[Problem]:
    """Every cross-file problem, in rule order then file order; with `today`, also every date
    of something done that lies after it, and the assignments as of that day. With `memory`,
    what the per-record rules concluded about an unchanged record is taken from it (the
    same problems, in the same order)."""
    found: list[Problem] = []
    for rule in RULES:
        found.extend(rule(data) if memory is None else memory.run(rule))
    if today is not None:
        found.extend(check_dates_happened(data, today))
        found.extend(
            check_assignments(data, today)
            if memory is None
            else memory.run_on(check_assignments, today)
        )
    return found


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Stable order for output: by file, line, column."""
    return sorted(problems, key=lambda p: (p.file, p.line, p.col, p.field, p.message, p.params))


def by_file(problems: list[Problem]) -> dict[str, list[Problem]]:
    """Problems grouped by file."""
    grouped: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        grouped[p.file].append(p)
    return grouped


def tracked_not_files(root: Path, shown_root: str, found: list[Problem]) -> Iterator[Problem]:
    """Links, submodules and other entries that Git tracks in the data folder but that are no
    regular file: a submodule is an empty folder in a checkout, which only Git can name
    (those the loader already refused, in `found`, are not named twice)."""
    named = {p.file for p in found if p.code == "not-a-file"}
    for rel, mode in not_regular(root):
        shown = f"{shown_root}/{rel}"
        if shown not in named:
            yield not_a_file(shown, entry_kind(mode))


def validate(
    root: Path,
    shown_root: str | None = None,
    today: dt.date | None = None,
    notes: list[str] | None = None,
) -> tuple[Dataset, list[Problem]]:
    """Load `root` and apply every rule: the data and all problems, sorted. `today` is the day
    of the run (default: the clock's), after which no date of something done may lie. What
    the rules concluded about the unchanged reports and assessments of the previous run is
    remembered (validate/remembered.py); a remembered file not used gets a line in `notes`."""
    shown = shown_root if shown_root is not None else str(root)
    data, problems = load(root, shown)
    problems.extend(tracked_not_files(root, shown, problems))
    memory = Remembered.of(data, root, shown)
    problems.extend(check(data, today or dt.date.today(), memory))
    memory.save()
    if notes is not None:
        notes += memory.notes
    return data, sort_problems(problems)
