"""The snapshot of a commit made from its base's, for a change of reports and assessments only.

`dap diff` and `dap validate --diff` compare a pull request's head with its base as of one
day. The base's snapshot is kept (`cache.read_result`); computing the head's in full costs a
pass over every measure (~0.35 s at 2,000 measures) although a one-report change moves one
measure. Here the head's snapshot is the base's with the measures the change touches computed
again: their states and due reports replace the base's, and each aggregate is the base's minus
what those measures gave it at the base plus what they give it at the head — the aggregates are
sums over measures (`compute.snapshot_from_index`), and a measure's share depends only on its
own records.

It is used only where that holds, and answers None otherwise (the caller computes in full):

* everything but reports and assessments is the same record objects at both commits
  (programme, sections, ОСР, measures, executors, rosters, evaluations), so every measure's
  version, groups and the ОСР scores are the base's;
* the head's first-parent line is the base's with the change's own commits on top
  (`new_commits`), and none of those commits touched a report that the change left as it was:
  the Git history each other report's date is read from is then the base's;
* the base's snapshot is of the same day, and the touched measures computed at the base (from
  the head's history without the change's commits) give exactly the kept snapshot's states and
  due reports — a check that the kept snapshot and this reasoning agree, every time.

The notes (how dates were obtained) count every report, so they are counted at the head in
full (dating reports is cheap; indexing and computing measures is not).

A build does the same at every quarter end (`snapshots_after`, issue 22): `compute_kept.py`
keeps the previous build's snapshots with each report and assessment as it read them, and
gives the touched measures' inputs then and now; the same check (the measures computed from
the inputs then give the kept states and due reports, at every date) comes first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from bisect import bisect_left, bisect_right

from . import compute as c
from . import models as m
from .compute_index import Index, _assessments_by_measure, _Dated, _dated_reports
from .git.history import History
from .load import Dataset, layout_kind
from .notes import Note, date_notes
from .quarters import programme_quarters
from .versions import texts


def _same(a: dict[str, object], b: dict[str, object]) -> bool:
    """The same keys in the same order, each the same object."""
    return len(a) == len(b) and all(
        ka == kb and va is vb for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=True)
    )


def _unchanged_rest(base: Dataset, head: Dataset) -> bool:
    """Everything the computation reads besides reports and assessments is the same objects."""
    return (
        base.programme is head.programme
        and base.analyst_groups is head.analyst_groups
        and len(base.staff) == len(head.staff)
        and all(a is b for a, b in zip(base.staff, head.staff, strict=True))
        and all(
            _same(getattr(base, name), getattr(head, name))
            for name in ("sections", "results", "measures", "executors", "evaluations", "texts")
        )
    )


def _touched(base: Dataset, head: Dataset) -> set[str]:
    """The measures whose reports or assessments the change touched (added, replaced or
    removed; a record the change left as it was is the same object at both commits)."""
    measures: set[str] = set()
    for name in ("reports", "assessments"):
        old, new = getattr(base, name), getattr(head, name)
        for key, was in old.items():
            now = new.get(key)
            if now is not was:
                measures.add(was.measure)
                if now is not None:
                    measures.add(now.measure)
        if len(new) != len(old) or measures:
            measures.update(now.measure for key, now in new.items() if key not in old)
    return measures


def new_paths(history: History, new_commits: frozenset[str]) -> list[str]:
    """The files (from the repository's top) that the change's own commits touched."""
    return [p for p, found in history.changes.items() if found and found[-1].commit in new_commits]


def _base_history(history: History, new_commits: frozenset[str], paths: list[str]) -> History:
    """The first-parent history of the base: the head's without the change's own commits
    (which touched only `paths`; the newest changes of a file come last)."""
    changes = dict(history.changes)
    for path in paths:
        kept = [ch for ch in changes[path] if ch.commit not in new_commits]
        if kept:
            changes[path] = kept
        else:
            del changes[path]
    return dataclasses.replace(history, changes=changes, authors=None)


def _reports_kept_apart(paths: list[str], prefix: str, base: Dataset, head: Dataset) -> bool:
    """None of the files the change's commits touched is a report it left as it was."""
    lead = f"{prefix}/" if prefix else ""
    for path in paths:
        if not path.startswith(lead):
            continue
        kind, key = layout_kind(path[len(lead) :])
        if kind is None or kind.name != "reports":
            continue
        if key in head.reports and head.reports[key] is base.reports.get(key):
            return False
    return True


def _reports_of(data: Dataset, history: History, mids: set[str]) -> dict[str, list[_Dated]]:
    """The reports of the measures `mids` dated, by measure."""
    items = ((k, r) for k, r in data.reports.items() if r.measure in mids)
    return _dated_reports(data, history, items)[0]


def _assessments_of(data: Dataset, mids: set[str]) -> list[tuple[str, m.Assessment]]:
    """The assessments of the measures `mids`."""
    return [(k, a) for k, a in data.assessments.items() if a.measure in mids]


def _partial(
    data: Dataset,
    mids: set[str],
    order: list[tuple[str, str]],
    reports: dict[str, list[_Dated]],
    assessments: list[tuple[str, m.Assessment]],
) -> Index | None:
    """An index of only the measures `mids` of `data`, from their dated reports and their
    assessments, with the groups of `order` they count in (None: a group `order` lacks)."""
    programme = data.programme
    assert programme is not None
    quarters = programme_quarters(programme)
    by_measure = _assessments_by_measure(assessments)
    written = {mid: text for mid, text in texts(data).items() if mid in mids}
    measures, later = c._index_measures(data, programme, quarters, written, by_measure, reports)
    every = [*measures.values(), *(mi for _, found in later.values() for mi in found)]
    groups = {g for mi in every for g in mi.groups}
    groups.update(("executor", x.executor) for mi in every for x in mi.measure.co_executors)
    if not groups <= set(order):
        return None
    kept = [g for g in order if g in groups]  # only the aggregates these measures count in
    return Index(data, programme, quarters, measures, kept, {}, (), later=later)


def _due_slices(snap: c.Snapshot, mids: set[str]) -> dict[str, tuple[int, int]]:
    """Where the due reports of each measure of `mids` lie in `snap.due` (in measure order,
    as `snapshot_from_index` gives them): found by bisection, not by a pass over them all."""
    pos = {mid: i for i, mid in enumerate(snap.measures)}
    key = lambda d: pos[d.measure]  # noqa: E731
    return {
        mid: (
            bisect_left(snap.due, pos[mid], key=key),
            bisect_right(snap.due, pos[mid], key=key),
        )
        for mid in sorted(mids, key=pos.__getitem__)
    }


def _due_of(snap: c.Snapshot, mids: set[str]) -> list[c.DueReport]:
    """The due reports of the measures `mids`, in the snapshot's order."""
    return [d for lo, hi in _due_slices(snap, mids).values() for d in snap.due[lo:hi]]


def _agree(at_base: c.Snapshot, before: c.Snapshot, mids: set[str]) -> bool:
    """The touched measures computed at the base give the kept snapshot's states and due
    reports (the kept snapshot and this reasoning agree)."""
    return all(at_base.measures[mid] == before.measures[mid] for mid in mids) and _due_of(
        at_base, mids
    ) == _due_of(before, mids)


def _adjusted(
    before: c.Snapshot,
    mids: set[str],
    at_base: c.Snapshot,
    at_head: c.Snapshot,
    notes: tuple[Note, ...],
) -> c.Snapshot:
    """`before` with the touched measures' states and due reports replaced by `at_head`'s,
    each aggregate they count in moved by what they give it at the head minus at the base."""
    states = dict(before.measures)
    for mid in mids:
        states[mid] = at_head.measures[mid]
    aggregates = dict(before.aggregates)
    for g, new_aggregate in at_head.aggregates.items():
        old, new = c._row(at_base.aggregates[g]), c._row(new_aggregate)
        if old != new:
            was = before.aggregates[g]
            row = [x - y + z for x, y, z in zip(c._row(was), old, new, strict=True)]
            aggregates[g] = c._aggregate(g, row, before.as_of, before.computed_on)
    due = _merge_due(before, mids, at_head)
    return c.Snapshot(
        before.as_of, before.computed_on, states, due, aggregates, before.scores, notes
    )


def snapshot_after(
    base: Dataset,
    head: Dataset,
    before: c.Snapshot,
    history: History,
    new_commits: frozenset[str] | None,
    prefix: str,
    day: dt.date,
) -> c.Snapshot | None:
    """The head's snapshot as of `day` (computed on it), from the base's (`before`), or None
    when the change is not one this can compute (see the module's docstring). `history`: the
    head's; `new_commits`: the commits of the head's first-parent line that the base's lacks
    (None: the base is not on that line); `prefix`: the data folder's path in the repository."""
    programme = head.programme
    if (
        programme is None
        or new_commits is None
        or not history.available
        or before.as_of != day
        or before.computed_on != day
        or not _unchanged_rest(base, head)
    ):
        return None
    paths = new_paths(history, new_commits)
    if not _reports_kept_apart(paths, prefix, base, head):
        return None
    mids = _touched(base, head) & before.measures.keys()
    order = list(before.aggregates)
    at_base_history = _base_history(history, new_commits, paths)
    base_index = _partial(
        base, mids, order, _reports_of(base, at_base_history, mids), _assessments_of(base, mids)
    )
    if base_index is None:
        return None
    at_base = c.snapshot_from_index(base_index, day, day)
    if not _agree(at_base, before, mids):
        return None  # the kept snapshot and this computation disagree: compute in full
    # every report dated at the head: the notes count them all (how each date is known)
    dated, sources, undated, distrusted = _dated_reports(head, history, head.reports.items(), mids)
    head_index = _partial(head, mids, order, dated, _assessments_of(head, mids))
    if head_index is None:
        return None
    at_head = c.snapshot_from_index(head_index, day, day)
    notes = date_notes(programme, history, sources, undated, len(distrusted))
    return _adjusted(before, mids, at_base, at_head, notes)


def snapshots_after(
    data: Dataset,
    before: list[c.Snapshot],
    mids: set[str],
    at_base: tuple[dict[str, list[_Dated]], list[tuple[str, m.Assessment]]],
    at_head: tuple[dict[str, list[_Dated]], list[tuple[str, m.Assessment]]],
    notes: tuple[Note, ...],
) -> list[c.Snapshot] | None:
    """The snapshots of `data` at the dates of `before` (a build's, of the same data but for
    the reports and assessments of the measures `mids`), made from `before`: those measures
    computed again from their dated reports and assessments as the build of `before` read
    them (`at_base`) and as they are now (`at_head`), the aggregates moved by their shares.
    None when the measures computed from `at_base` do not give `before`'s states and due
    reports at every date (then the caller computes in full)."""
    if not before:
        return None
    order = list(before[0].aggregates)
    base_index = _partial(data, mids, order, *at_base)
    head_index = _partial(data, mids, order, *at_head)
    if base_index is None or head_index is None:
        return None
    after = []
    for snap in before:  # in date order, as each index's memo of a measure expects
        old = c.snapshot_from_index(base_index, snap.as_of, snap.computed_on)
        if not _agree(old, snap, mids):
            return None  # the kept snapshots and this computation disagree: compute in full
        new = c.snapshot_from_index(head_index, snap.as_of, snap.computed_on)
        after.append(_adjusted(snap, mids, old, new, notes))
    return after


def _merge_due(before: c.Snapshot, mids: set[str], at_head: c.Snapshot) -> tuple[c.DueReport, ...]:
    """The base's due reports with those of the touched measures replaced by the head's, in
    measure order (the order `snapshot_from_index` gives)."""
    new: dict[str, list[c.DueReport]] = {}
    for d in at_head.due:
        new.setdefault(d.measure, []).append(d)
    due: list[c.DueReport] = []
    at = 0
    for mid, (lo, hi) in _due_slices(before, mids).items():
        due.extend(before.due[at:lo])
        due.extend(new.get(mid, ()))
        at = hi
    due.extend(before.due[at:])
    return tuple(due)
