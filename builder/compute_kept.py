"""The previous build's history and snapshots, kept for the next build (issue 22).

A rebuild after one merged report reads the same Git history and computes the same thirteen
quarter ends as the build before it, but for one measure. Both are kept, sealed, in the
cache (`computed-<data folder>/`):

* **The history** (`read_authors(read_history(data_dir))`), keyed by the HEAD commit it was
  read at and dap's code (`fingerprint.code_digest`). HEAD unchanged: it is the same history.
  HEAD moved with the old HEAD on its first-parent line: only the new commits are read and
  added (`git.history.extend_history`). Otherwise it is read in full.
* **The snapshots** (`compute.history_snapshots`), keyed by everything they read: the data
  folder, the history (its commit, where and how it was read), dap's code, and every record
  but the reports and assessments (one digest of their files' paths and Git blob ids,
  `cache.record_contents`). With that key unchanged and only reports or assessments changed
  (their own digests compared), the measures those touch are computed again at every quarter
  end and the aggregates moved by their shares (`compute_change.snapshots_after`, which first
  computes the touched measures from what the previous build read of them and checks that it
  gives the kept states and due reports). In every other case they are computed in full.
* **Another day** (the first build of a day: `computed_on`, and by default `as_of`, moved):
  a snapshot is a function of the data, the history, its own date and the day it is computed
  on, which it only names (`Snapshot.computed_on`, `Aggregate.computed_on`). So the kept
  snapshot of each date the new build still shows is taken with the new day named in it
  (`_on_day`), and only the dates not kept — the new `as_of`, a quarter end reached since —
  are computed, from a full index of the data (`_redated`; issue 22: ~0.2 s at 2,000
  measures against ~0.5 s for all thirteen).

Kept files are pickles sealed with this user's key (`cache.seal`): a file that this user's
dap did not write is never unpickled, and one that cannot be read is ignored with a one-line
note. Neither ever changes a result: tests compare kept, extended and incremental results with
full ones field by field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import io
import operator
import os
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import compute as c
from . import models as m
from .cache import MAC_BYTES, cache_folder, record_contents, seal
from .compute_change import new_paths, snapshots_after
from .compute_index import Index, _Dated, _dated_reports
from .errors import GitError
from .fingerprint import code_digest
from .git.history import (
    Change,
    History,
    cwd_prefix,
    extend_history,
    first_parent_since,
    history_head,
    read_authors,
    read_history,
)
from .git.repo import data_prefix
from .i18n import N_, _
from .load import Dataset, layout_kind
from .notes import date_notes
from .scores import IndicatorResult
from .valuedigest import KeptDigests, value_digests
from .versions import measure_as_of

FORMAT = 4  # 3: the snapshots' key without the dates (they are the snapshots' own); 4: the
# values' digests (`_values`)
PREFIX = "computed-"  # the kept files' folder in the cache (beside records-…, pages-…)
HISTORY_FILE = "history.pickle"
# the snapshots, their key, and every report and assessment as they read it (digest and view)
SNAPSHOTS_FILE = "snapshots.pickle"
# The kept snapshots stay the base that later builds compute from until this many measures
# differ from it (a full computation keeps its own at once): rewriting them (~0.1 s at 2,000
# measures) costs more than computing a few dozen measures again from them.
REBASE_AFTER = 64

UNREADABLE = N_(
    "note: the kept result of the previous build {file} cannot be read; it is computed anew"
)
FOREIGN = N_(
    "note: the kept result of the previous build {file} was not written by this user's dap; "
    "it is computed anew"
)

# A report as the computation reads it: its measure, period, the date it counts as submitted
# (None: no date), whether that date is verified, how it is known, and whether the approval
# its merge recorded was distrusted. An assessment: measure, period, date, status, label.
ReportView = tuple[str, str, dt.date | None, bool, str, bool]
AssessmentView = tuple[str, str, dt.date, str, str]
Inputs = tuple[dict[str, list[_Dated]], list[tuple[str, m.Assessment]]]
# the snapshots, the views of every report and assessment, how many measures differ from the
# kept snapshots' (0: they are the kept ones)
Made = tuple[list[c.Snapshot], dict[str, ReportView], dict[str, AssessmentView], int]


class Kept:
    """The kept history and snapshots of one data folder; `how` says what each stage did
    ("kept", "extended", "partial", "dates" or "full"), `notes` why a kept file was not
    used."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.folder = cache_folder(data_dir, "auto", prefix=PREFIX)
        self.notes: list[str] = []
        self.how: dict[str, str] = {}
        # the kept snapshots' reports due and scores, each once, with their digests as the
        # data packages' keys digest them (`valuedigest`): the same objects as in the kept
        # snapshots, and in those made from them (issue 22: not digested again in a rebuild)
        self.digested: KeptDigests | None = None

    # ------------------------------------------------------------ sealed files

    def _read(self, name: str) -> Any:
        """A kept file's value, or None (missing, not sealed by this user, unreadable)."""
        if self.folder is None:
            return None
        path = self.folder / name
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError:
            self.notes.append(_(UNREADABLE, file=path))
            return None
        body = memoryview(raw)[MAC_BYTES:]
        expected = seal(body)  # type: ignore[arg-type]
        if expected is None:
            return None  # no key: no cache
        if not hmac.compare_digest(raw[:MAC_BYTES], expected):
            self.notes.append(_(FOREIGN, file=path))
            return None
        try:
            value = pickle.loads(body)
        except Exception:  # noqa: BLE001 — any damage means "not kept": computed anew
            self.notes.append(_(UNREADABLE, file=path))
            return None
        if not isinstance(value, dict) or value.get("format") != FORMAT:
            return None
        return value

    def _write(self, name: str, value: dict[str, Any]) -> None:
        """Keep `value` sealed under `name` (replaced in one rename); nothing without a key
        or when the cache cannot be written (the next build computes in full)."""
        if self.folder is None:
            return
        out = io.BytesIO()
        _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump({"format": FORMAT, **value})
        body = out.getvalue()
        mac = seal(body)
        if mac is None:
            return
        path = self.folder / name
        tmp = path.with_name(f".{name}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(mac + body)
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)

    # ------------------------------------------------------------ history

    def history(self) -> History:
        """`read_authors(read_history(data_dir))`: the kept one when HEAD is the commit it was
        read at, extended by the new commits when HEAD moved along its first-parent line,
        else read in full."""
        head = history_head(self.data_dir)
        if head is None or self.folder is None:
            self.how["history"] = "full"
            return read_authors(read_history(self.data_dir))
        root, sha = head
        found: History | None = None
        kept = self._read(HISTORY_FILE)
        if kept is not None and kept.get("code") == code_digest() and kept.get("root") == root:
            found = _restored(kept)
            if found.ref == sha:
                self.how["history"] = "kept"
            else:
                found = extend_history(found, sha)
                self.how["history"] = "extended"
        if found is None:
            found = read_authors(read_history(self.data_dir))
            self.how["history"] = "full"
        found.root, found.cwd_prefix = root, cwd_prefix(root)  # this process's working folder
        if self.how["history"] != "kept" and found.available and found.authors is not None:
            self._write(HISTORY_FILE, {"code": code_digest(), "root": root, **_kept(found)})
        return found

    # ------------------------------------------------------------ snapshots

    def snapshots(
        self, data: Dataset, history: History | None, as_of: dt.date, computed_on: dt.date
    ) -> list[c.Snapshot]:
        """`compute.history_snapshots(data, history, as_of, computed_on)`: the kept ones when
        nothing they read changed, the touched measures computed again when only reports or
        assessments (or the history of reports) changed, then on another day the kept dates
        renamed to it and only the others computed ("dates"); else computed in full."""
        self.how.pop("compute", None)
        key = _key(data, history)
        known = record_contents()
        rest = _rest_digest(data, known, as_of)
        ref = history.ref if history is not None else ""
        made: Made | None = None
        kept = self._read(SNAPSHOTS_FILE)
        if kept is not None and kept.get("key") == key and kept.get("rest") == rest:
            self.digested = kept.get("values")
            moved = _moved_reports(data, history, kept["ref"])
            if moved is not None:
                made = _after(data, history, kept, known, moved)
            if made is not None and not _on_dates(made[0], data, as_of, computed_on):
                made = _redated(data, history, made, as_of, computed_on)
                self.how["compute"] = "dates"
        if made is None:
            self.how["compute"] = "full"
            index = c.build_index(data, history)
            snapshots = c.snapshots_from_index(index, as_of, computed_on)
            made = snapshots, _report_views(data, index), _assessment_views(data), REBASE_AFTER
        elif "compute" not in self.how:
            self.how["compute"] = "partial" if made[3] else "kept"
        snapshots, report_views, assessment_views, touched = made
        if touched >= REBASE_AFTER:  # else the kept ones stay the base of the next build's
            self.digested = _values(snapshots) if self.folder is not None else None
            self._write(
                SNAPSHOTS_FILE,
                {
                    "key": key,
                    "rest": rest,
                    "ref": ref,
                    "snapshots": snapshots,
                    "reports": {k: _digest(r, known) for k, r in data.reports.items()},
                    "report_views": report_views,
                    "assessments": {k: _digest(a, known) for k, a in data.assessments.items()},
                    "assessment_views": assessment_views,
                    "values": self.digested,
                },
            )
        return snapshots


def _values(snapshots: list[c.Snapshot]) -> KeptDigests:
    """The snapshots' reports due and scores, each object once (they are shared between the
    dates), and their digests one after another (`valuedigest.value_digests`). Kept in the
    same pickle as the snapshots, so the objects are the snapshots' own when read back."""
    due = list({id(d): d for snap in snapshots for d in snap.due}.values())
    scores = list({id(s): s for snap in snapshots for s in snap.scores.values()}.values())
    return [*due, *scores], b"".join([*value_digests(due), *value_digests(scores)])


# The computation's frozen values (50,000 at 2,000 measures) are pickled as a maker and their
# field values. A frozen slotted dataclass's own pickling looks up its fields for every object
# it restores, and its __init__ sets each field through object.__setattr__; the maker sets
# each slot through its descriptor: ~9 and ~1.7 times faster to restore.
_VALUES = (c.MeasureState, c.DueReport, c.Aggregate, c.ResultScore, IndicatorResult)


def _maker(cls: type) -> Callable[..., Any]:
    """A module-level function `_make_<Class>(*values)` making an instance of the frozen
    slotted dataclass `cls` from its field values (what its __init__ makes, without the
    frozen checks); written out by name, as dataclasses writes __init__."""
    names = [f.name for f in dataclasses.fields(cls)]
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    scope.update({f"set_{n}": getattr(cls, n).__set__ for n in names})
    lines = [f"def make({', '.join(names)}):", "    made = new(cls)"]
    lines += [f"    set_{n}(made, {n})" for n in names]
    lines += ["    return made"]
    exec("\n".join(lines), scope)  # noqa: S102 — our own text, of the dataclass's field names
    made: Callable[..., Any] = scope["make"]
    made.__name__ = made.__qualname__ = f"_make_{cls.__name__}"
    made.__module__ = __name__
    globals()[made.__name__] = made  # found by name when unpickled
    return made


_MAKERS = {
    cls: (_maker(cls), operator.attrgetter(*(f.name for f in dataclasses.fields(cls))))
    for cls in _VALUES
}


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        found = _MAKERS.get(type(obj))
        if found is None:
            return NotImplemented
        make, values = found
        return make, values(obj)


# ---------------------------------------------------------------- the history as kept


def _kept(history: History) -> dict[str, Any]:
    """What is kept of a history: each change as its fields (a dict: restored in C by
    unpickling, ~2 times faster than the frozen dataclass's own pickling), the commits. A
    file's author that is its first change on the main line (a file added there by a plain
    commit, as an import adds the whole programme) is kept as that change, once."""
    changes = {path: [ch.__dict__ for ch in found] for path, found in history.changes.items()}
    authors = {}
    for path, ch in (history.authors or {}).items():
        first = changes.get(path)
        authors[path] = first[0] if first and first[0] == ch.__dict__ else ch.__dict__
    return {"ref": history.ref, "commits": history.commits, "changes": changes, "authors": authors}


def _restored(kept: dict[str, Any]) -> History:
    """The history `_kept` made, its changes made of their fields again (one object for a
    change kept once as both a change and an author)."""
    new, put = object.__new__, object.__setattr__
    made: dict[int, Change] = {}
    changes: dict[str, list[Change]] = {}
    for path, found in kept["changes"].items():
        changes[path] = listed = []
        for fields in found:
            one = new(Change)
            put(one, "__dict__", fields)
            listed.append(one)
        if listed:  # a file's author kept as its first change is that change
            made[id(found[0])] = listed[0]
    authors: dict[str, Change] = {}
    for path, fields in kept["authors"].items():
        author = made.get(id(fields))
        if author is None:
            author = new(Change)
            put(author, "__dict__", fields)
        authors[path] = author
    return History(True, changes, commits=kept["commits"], ref=kept["ref"], authors=authors)


# ---------------------------------------------------------------- what the snapshots read


def _key(data: Dataset, history: History | None) -> tuple[object, ...]:
    """Everything the snapshots read but the records, the history's commit (kept beside it:
    `_moved_reports`) and the dates (the snapshots' own: `_on_dates`): the data folder, where
    and how the history was read, code."""
    read = (
        None
        if history is None
        else (
            history.available,
            history.reason,
            history.error,
            history.root,
            history.cwd_prefix,
        )
    )
    return (code_digest(), str(data.root), os.getcwd(), read)


def _digest(record: object, known: dict[int, str]) -> str:
    """A record's file (path and Git blob id, `cache.record_contents`), or for a record not
    read from a file as it is (a version of an amended measure) a digest of its fields."""
    found = known.get(id(record))
    if found is not None:
        return found
    text = f"{type(record).__qualname__}{record!r}".encode("utf-8", "surrogateescape")
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def _rest_digest(data: Dataset, known: dict[int, str], as_of: dt.date) -> str:
    """One digest of every record the computation reads besides reports and assessments."""
    h = hashlib.blake2b(digest_size=16)

    def add(name: str, items: Iterable[tuple[object, object]]) -> None:
        h.update(f"\x01{name}".encode())
        for k, record in items:
            h.update(f"\0{k}\0{_digest(record, known)}".encode("utf-8", "surrogateescape"))

    add("programme", [("", data.programme)])
    add("analyst_groups", [("", data.analyst_groups)])
    add("staff", enumerate(data.staff))
    for name in ("sections", "results", "executors", "evaluations", "texts"):
        add(name, getattr(data, name).items())
    h.update(b"\x01measures")
    for mid, ms in data.measures.items():  # a version in force on `as_of`: named by its text
        text = data.texts.get(mid)  # and how many of its amendments are in force (not the day:
        if text is not None and text is not ms and measure_as_of(text, as_of) is ms:  # the
            n = sum(a.date <= as_of for a in text.amendments)  # same version the next day)
            h.update(f"\0{mid}\0{_digest(text, known)}@{n}".encode("utf-8", "surrogateescape"))
        else:
            h.update(f"\0{mid}\0{_digest(ms, known)}".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _report_views(data: Dataset, index: Index) -> dict[str, ReportView]:
    """Every report as the full computation (`index`) read it."""
    distrusted = set(index.distrusted)
    views: dict[str, ReportView] = {}
    for key, r in data.reports.items():
        views[key] = (r.measure, r.period, None, False, "", key in distrusted)
    for mid, found in index.dated.items():
        for d in found:
            views[d.key] = (mid, d.period, d.day, d.verified, d.source, d.key in distrusted)
    return views


def _assessment_views(
    data: Dataset, keys: Iterable[str] | None = None
) -> dict[str, AssessmentView]:
    """The assessments (of `keys`, else all) as the computation reads them."""
    found = data.assessments if keys is None else {k: data.assessments[k] for k in keys}
    return {
        k: (a.measure, a.period, a.date, a.status.value, a.label.value) for k, a in found.items()
    }


def _stand_in(view: AssessmentView) -> m.Assessment:
    """An assessment with the fields the computation reads, from its kept view (its analyst
    and text are not kept: the computation does not read them)."""
    measure, period, date, status, label = view
    return m.Assessment.model_construct(
        measure=measure,
        period=period,
        date=date,
        analyst="",
        status=m.Status(status),
        label=m.ResultLabel(label),
        text="",
    )


def _after(
    data: Dataset,
    history: History | None,
    kept: dict[str, Any],
    known: dict[int, str],
    moved: set[str],
) -> Made | None:
    """The snapshots after a change of reports and assessments only (the key and the other
    records as the kept ones'; `moved`: the reports whose history changed since), from the
    kept ones; None when they cannot be shown to be what a full computation gives. Also the
    views of every report and assessment now, and how many measures differ from the kept."""
    programme = data.programme
    before: list[c.Snapshot] = kept["snapshots"]
    if programme is None or not before:
        return None
    # the kept views become this build's: the changed ones replaced below
    report_views: dict[str, ReportView] = kept["report_views"]
    assessment_views: dict[str, AssessmentView] = kept["assessment_views"]
    was, now = kept["reports"], data.reports
    changed = [k for k, r in now.items() if was.get(k) != _digest(r, known) or k in moved]
    changed += [k for k in was if k not in now]
    was, now_a = kept["assessments"], data.assessments
    moved_assessments = [k for k, a in now_a.items() if was.get(k) != _digest(a, known)]
    moved_assessments += [k for k in was if k not in now_a]
    if not changed and not moved_assessments:
        return before, report_views, assessment_views, 0
    mids = {report_views[k][0] for k in changed if k in report_views}
    mids.update(now[k].measure for k in changed if k in now)
    mids.update(assessment_views[k][0] for k in moved_assessments if k in assessment_views)
    mids.update(now_a[k].measure for k in moved_assessments if k in now_a)
    mids &= before[0].measures.keys()
    old_view = _by_measure(mids, report_views, assessment_views)
    # the changed reports dated now
    present = [k for k in changed if k in now]
    dated, _sources, _undated, distrusted = _dated_reports(
        data, history, ((k, now[k]) for k in present)
    )
    bad = set(distrusted)
    for k in changed:
        report_views.pop(k, None)
        if k in now:
            r = now[k]
            report_views[k] = (r.measure, r.period, None, False, "", k in bad)
    for mid, found in dated.items():
        for d in found:
            report_views[d.key] = (mid, d.period, d.day, d.verified, d.source, d.key in bad)
    for k in moved_assessments:
        assessment_views.pop(k, None)
    assessment_views.update(_assessment_views(data, [k for k in moved_assessments if k in now_a]))
    # the notes count every report by how its date is known
    sources: dict[str, int] = {}
    undated = untrusted = 0
    for _mid, _period, day, _verified, source, distrust in report_views.values():
        if day is None:
            undated += 1
        else:
            sources[source] = sources.get(source, 0) + 1
        untrusted += distrust
    notes = date_notes(programme, history, sources, undated, untrusted)
    if notes == before[0].notes:
        notes = before[0].notes
    new_view = _by_measure(mids, report_views, assessment_views)
    mids = {mid for mid in mids if old_view[mid] != new_view[mid]}  # e.g. a text edited
    if not mids:
        if notes is before[0].notes:
            return before, report_views, assessment_views, 0
        return [_with_notes(s, notes) for s in before], report_views, assessment_views, 1
    after = snapshots_after(
        data, before, mids, _inputs(old_view, mids), _inputs(new_view, mids), notes
    )
    if after is None:
        return None
    return after, report_views, assessment_views, len(mids)


def _moved_reports(data: Dataset, history: History | None, ref: str) -> set[str] | None:
    """The reports whose history differs from the one read at `ref` (the kept snapshots'):
    none when it is the same commit; those the commits since touched (under their name now or
    before a rename) when `ref` is on the first-parent line of the history's; else None."""
    if history is None or history.ref == ref:
        return set()
    if not history.available or not ref or not history.ref:
        return None
    commits = first_parent_since(Path(history.root), ref, history.ref)
    if commits is None:
        return None
    try:
        prefix = data_prefix(Path(history.root), data.root)
    except GitError:
        return None
    paths = set(new_paths(history, commits))
    for path in list(paths):
        paths.update(ch.old_path for ch in history.changes[path] if ch.old_path)
    lead = f"{prefix}/" if prefix else ""
    moved = set()
    for path in paths:
        if path.startswith(lead):
            kind, key = layout_kind(path[len(lead) :])
            if kind is not None and kind.name == "reports":
                moved.add(key)
    return moved


MeasureView = tuple[list[tuple[str, ReportView]], list[tuple[str, AssessmentView]]]


def _by_measure(
    mids: set[str], reports: dict[str, ReportView], assessments: dict[str, AssessmentView]
) -> dict[str, MeasureView]:
    """The reports and assessments of each measure of `mids`, sorted by key."""
    found: dict[str, MeasureView] = {mid: ([], []) for mid in mids}
    for k, v in reports.items():
        if v[0] in found:
            found[v[0]][0].append((k, v))
    for k, a in assessments.items():
        if a[0] in found:
            found[a[0]][1].append((k, a))
    for rs, as_ in found.values():
        rs.sort()
        as_.sort()
    return found


def _inputs(views: dict[str, MeasureView], mids: set[str]) -> Inputs:
    """The dated reports and the assessments of the measures `mids`, from their views."""
    dated: dict[str, list[_Dated]] = {}
    assessments: list[tuple[str, m.Assessment]] = []
    for mid in mids:
        rs, as_ = views[mid]
        for k, (_mid, period, day, verified, source, _bad) in rs:
            if day is not None:
                dated.setdefault(mid, []).append(_Dated(day, k, period, verified, source))
        assessments += [(k, _stand_in(a)) for k, a in as_]
    return dated, assessments


def _on_dates(
    snapshots: list[c.Snapshot], data: Dataset, as_of: dt.date, computed_on: dt.date
) -> bool:
    """Whether `snapshots` are those of a build as of `as_of` computed on `computed_on`: at
    each of its dates (`compute.snapshot_dates`), in order, each naming that day."""
    if data.programme is None:
        return False
    dates = c.snapshot_dates(data.programme, as_of)
    return [s.as_of for s in snapshots] == dates and all(
        s.computed_on == computed_on for s in snapshots
    )


def _redated(
    data: Dataset, history: History | None, made: Made, as_of: dt.date, computed_on: dt.date
) -> Made:
    """The snapshots of `made` (the data's, at another build's dates) brought to a build as of
    `as_of` computed on `computed_on`: each date it shows that was kept, with the new day
    named in it; each other date computed from a full index; kept anew (`REBASE_AFTER`)."""
    snapshots, report_views, assessment_views, _touched = made
    assert data.programme is not None  # `_on_dates` said False otherwise, after `_after`
    kept = {s.as_of: s for s in snapshots}
    index: Index | None = None
    out: list[c.Snapshot] = []
    for day in c.snapshot_dates(data.programme, as_of):  # in date order, as the memo expects
        snap = kept.get(day)
        if snap is not None:
            out.append(_on_day(snap, computed_on))
            continue
        if index is None:
            index = c.build_index(data, history)
        out.append(c.snapshot_from_index(index, day, computed_on))
    return out, report_views, assessment_views, REBASE_AFTER


_AGGREGATE_DAY = [f.name for f in dataclasses.fields(c.Aggregate)].index("computed_on")


def _on_day(snap: c.Snapshot, computed_on: dt.date) -> c.Snapshot:
    """A snapshot as computed on `computed_on`: the day named in it and in its aggregates (the
    computation reads it nowhere else: `compute.snapshot_from_index`)."""
    if snap.computed_on == computed_on:
        return snap
    make, values = _MAKERS[c.Aggregate]
    aggregates = {}
    for g, agg in snap.aggregates.items():
        fields = list(values(agg))
        fields[_AGGREGATE_DAY] = computed_on
        aggregates[g] = make(*fields)
    return c.Snapshot(
        snap.as_of, computed_on, snap.measures, snap.due, aggregates, snap.scores, snap.notes
    )


def _with_notes(snap: c.Snapshot, notes: tuple[Any, ...]) -> c.Snapshot:
    return c.Snapshot(
        snap.as_of, snap.computed_on, snap.measures, snap.due, snap.aggregates, snap.scores, notes
    )
