"""Record pages rendered only when what they show has changed (issue 22).

A measure page reads a small part of the `Site`: its measure (as in force and as written),
its reports, assessments, feedback and steps, its state and due reports, the sections, ОСР
and executors it names, the file and Git changes of its record, the programme's addresses,
the dates and the edition. `measure_view()` gathers exactly that into a `Site` of its own, and
the page is always rendered from that view, never from the whole `Site`: what the view does
not hold, the page cannot show (tests render every fixture page both ways and compare). The
page's *key* is a digest of the view together with what every page depends on besides the
data (`static_key`: dap's code, templates and catalogues, the packages, the edition, the
banners, the programme).

`PageKeys` keeps each page's key with the digest, size and file state of its Markdown in the
docs folder, in a sealed record in the build's cache (`.dap-cache/pages-<docs folder>/`,
`cache.seal`, as the record cache and the stored data packages are). A page whose key is the
same as the previous build's, and whose file in the docs folder is still the one that build
wrote, is not rendered: its Markdown stays as it is, and the writer counts it as written
(`Writer.keep`). Anything else — no record, one not sealed by this user's dap, unreadable, of
another format, a page's key changed, its file edited, replaced or gone — renders the page
anew, so a rebuild's docs folder is a clean build's, file by file. A file's state is trusted by
its size, modification time and inode only when it was written well before the record (Git's
"racy" rule); otherwise its bytes are read and compared with the digest.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import hashlib
import json
import marshal
import operator
import os
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydantic

from .. import __version__
from .. import models as m
from ..cache import cache_folder, fingerprint, record_contents, unsealed, write_sealed
from ..compute import Aggregate, DueReport, MeasureState, Snapshot
from ..datafile import SourceFile
from ..fingerprint import code_digest, installed_packages
from ..git import Change, History, Recorded
from ..i18n import N_, _
from ..load import Dataset, record_path
from ..versions import texts, versions
from ..workflow.audit import Step
from .context import Site, Trails

FORMAT = 3  # 2: the aggregates' keys by edition (`groups`); 3: the records' `bare` digests
PREFIX = "pages-"  # the record's folder in the cache (beside build-…, datasets-…)
RECORD = "pages.json"
RACY_NS = 2_000_000_000  # a file this close to the record's writing may change unseen

# Why the previous build's keys were not used (one line, in the person's language).
UNREADABLE = N_(
    "note: the record of the previous build's pages {file} cannot be read; every measure "
    "page is rendered anew"
)
FOREIGN = N_(
    "note: the record of the previous build's pages {file} was not written by this user's "
    "dap; every measure page is rendered anew"
)

# ---------------------------------------------------------------- what a measure page reads


def measure_view(site: Site, mid: str, with_steps: bool = True) -> Site:
    """The part of `site` that the page of measure `mid` reads, as a `Site` of its own.
    Without `with_steps`: without its steps and the names shown beside them, which are made from
    the view's records, the rosters and the Git history of its files (`steps_inputs`), so
    that a page's key does not make them (issue 22)."""
    data = site.data
    ms = data.measures[mid]
    text = texts(data)[mid]
    report_keys = site.reports_of.get(mid, [])
    assessment_keys = site.assessments_of.get(mid, [])
    feedback_keys = site.feedback_of.get(("measure", mid), [])
    steps: list[Step] = site.steps_of.get(mid, []) if with_steps else []
    shown = [ms, text, *(v.measure for v in versions(text))] if text.amendments else [ms, text]
    executors = [x.executor for one in shown for x in (one.main_executor, *one.co_executors)]
    executors += [data.reports[k].executor for k in report_keys]
    executors += [s.executor for s in steps if s.executor]
    successors = [one for am in text.amendments for one in am.successors()]
    direction = site.direction_of.get(ms.section)
    problem = site.problem_of.get(mid)
    source = data.sources.get(("measures", mid))
    view_data = Dataset(
        root=data.root,
        programme=data.programme,
        sections=_some(data.sections, [direction, problem]),
        results=_some(data.results, ms.results),
        measures=_some(data.measures, [mid, *successors]),
        executors=_some(data.executors, executors),
        reports=_some(data.reports, report_keys),
        assessments=_some(data.assessments, assessment_keys),
        feedback=_some(data.feedback, feedback_keys),
        sources={("measures", mid): SourceFile(source.path)} if source else {},
        texts={mid: text} if data.texts else {},
    )
    snap = site.snap
    state = snap.measures.get(mid)
    view_snap = Snapshot(snap.as_of, snap.computed_on, {mid: state} if state else {}, (), {}, {})
    return Site(
        view_data,
        [view_snap],
        _history_view(site.history, data, mid),
        version=site.version,
        problem_of={mid: problem} if problem else {},
        direction_of={ms.section: direction} if direction else {},
        reports_of={mid: report_keys} if report_keys else {},
        assessments_of={mid: assessment_keys} if assessment_keys else {},
        feedback_of={("measure", mid): feedback_keys} if feedback_keys else {},
        due_of=_some(site.due_of, [("measure", mid)]),
        names=_some(site.names, [s.person for s in steps]),
        steps_of={mid: steps} if steps else {},
        ed=site.ed,
    )


def _some(found: dict[Any, Any], keys: list[Any]) -> dict[Any, Any]:
    """The entries of `found` under `keys` (those it has), in the order of `keys`."""
    return {key: found[key] for key in keys if key in found}


def _history_view(history: History | None, data: Dataset, mid: str) -> History | None:
    """The Git history of the measure's file alone (what `measures.history_line` reads)."""
    if history is None:
        return None
    source = data.sources.get(("measures", mid))
    path = source.path if source else f"{data.root}/measures/{mid}.yaml"
    return History(
        history.available,
        {path: history.of(path)},
        history.reason,
        history.root,
        history.cwd_prefix,
    )


def steps_inputs(site: Site, mid: str) -> str:
    """What the steps of measure `mid` (`workflow.audit.audit_trails`) are made of besides its
    view (`measure_view` without steps) and the rosters (`PageKeys` digests them once), as
    text: the paths of its reports' and assessments' files, and their Git history (every
    change of each, its first author, what each change's commit records of an approval). The
    names shown beside the steps are the rosters' (`Dataset.public_names`)."""
    data, history = site.data, site.history
    paths = [record_path(data, "reports", key) for key in site.reports_of.get(mid, [])]
    paths += [record_path(data, "assessments", key) for key in site.assessments_of.get(mid, [])]
    if history is None or not history.available:
        return repr((paths, history is not None))
    change, recorded, commits = _LEAVES[Change], _LEAVES[Recorded], history.commits
    found: list[object] = []
    for path in paths:
        changes = history.of(path)
        first = history.authored(path)
        made = [commits.get(c.commit) for c in changes]
        found.append(
            (
                path,
                [change(c) for c in changes],
                first and change(first),
                [one and recorded(one) for one in made],
            )
        )
    return repr(found)


# The rosters, which the steps read (people by id and Git author, who may approve) and the
# names beside them: digested once per build (`PageKeys`).
ROSTERS = ("staff", "executors", "analyst_groups")


# ---------------------------------------------------------------- what the aggregate pages read


def aggregate_view(site: Site) -> Site:
    """What every page but the measure pages reads (home, programme, directions, problems,
    ОСР, executors, the fixed pages, the forms and every data file beside them), as a `Site`
    of its own: the data without what people wrote in their reports and assessments
    (`FREE_TEXTS`), without the records' file positions, the Git history, the steps of each
    measure and the people's names, which only a measure page shows; and without the pages
    of the data files (`pages.FILE_PAGES`, made every build: their sizes change with any
    record)."""
    data = site.data
    view_data = dataclasses.replace(
        data,
        reports={key: _without_free_texts(r) for key, r in data.reports.items()},
        assessments={key: _without_free_texts(a) for key, a in data.assessments.items()},
        sources={},
    )
    return dataclasses.replace(
        site,
        data=view_data,
        history=None,
        names={},
        steps_of={},
        downloads_md=None,
        dictionary_md=None,
    )


# The fields of a `Site` that must be the same objects for two editions to share one aggregate
# view: all but the edition and the data files' pages.
_SAME_IN_EDITIONS = tuple(
    f.name
    for f in dataclasses.fields(Site)
    if f.name not in ("ed", "downloads_md", "dictionary_md")
)


def _same_but_edition(site: Site, other: Site) -> bool:
    """`site` and `other` differ at most by their edition and data files' pages."""
    return all(getattr(site, name) is getattr(other, name) for name in _SAME_IN_EDITIONS)


def _without_free_texts(record: Any) -> Any:
    return record.model_copy(update=dict.fromkeys(FREE_TEXTS[type(record)], ""))


def snapshot_bytes(snap: Snapshot, seen: dict[int, tuple[object, Any]] | None = None) -> bytes:
    """A snapshot as bytes that are the same exactly when its values are: its records as
    plain values (`_due`, `_state`, `plain`) in `marshal`'s version 2, which, unlike pickle
    and later versions, has no references whose use follows which equal values happen to be
    one object."""
    return marshal.dumps(
        (
            plain(snap.as_of),
            plain(snap.computed_on),
            [(key, _state(state)) for key, state in snap.measures.items()],
            list(map(_due, snap.due)) if seen is None else _dues(snap.due, seen),
            [(key, _aggregate(a)) for key, a in snap.aggregates.items()],
            plain(snap.scores, seen),
            plain(snap.notes),
        ),
        2,
    )


def _dues(dues: tuple[DueReport, ...], seen: dict[int, tuple[object, Any]]) -> list[Any]:
    """`_due` of each report due, made once per object (the snapshots of a build share most of
    them: `compute` keeps a report due that stays the same from one quarter end to the next)."""
    get, out = seen.get, []
    for d in dues:
        found = get(id(d))
        if found is None or found[0] is not d:
            found = seen[id(d)] = (d, _due(d))
        out.append(found[1])
    return out


def plain(value: Any, seen: dict[int, tuple[object, Any]] | None = None) -> Any:
    """`value` in the plain types `marshal` writes: a date as its ordinal day (tagged), an
    enumeration as its value, a dataclass as its name and its fields' values (a frozen one
    made once per object when `seen` is given: the snapshots share many)."""
    kind = type(value)
    if kind in _PLAIN or value is None:
        return value
    if kind is dt.date:
        return ("date", value.toordinal())
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if kind in (list, tuple):
        return [plain(item, seen) for item in value]
    if kind is dict:
        return [(plain(key), plain(item, seen)) for key, item in value.items()]
    if dataclasses.is_dataclass(value):
        if seen is not None and (found := seen.get(id(value))) and found[0] is value:
            return found[1]
        values = _dataclass_values(kind)(value)
        made = [
            kind.__qualname__,
            *(item if type(item) in _PLAIN else plain(item, seen) for item in values),
        ]
        if seen is not None and kind.__dataclass_params__.frozen:  # type: ignore[attr-defined]
            seen[id(value)] = (value, made)
        return made
    return ("repr", repr(value))


_PLAIN = frozenset((str, int, float, bool, bytes))
_GETTERS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _dataclass_values(kind: type) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving the values of a dataclass's fields, as a tuple (made once per type)."""
    getter = _GETTERS.get(kind)
    if getter is None:
        names = [f.name for f in dataclasses.fields(kind)]
        one = operator.attrgetter(*names)
        getter = _GETTERS[kind] = one if len(names) > 1 else (lambda value: (one(value),))
    return getter


def _day(value: dt.date | None) -> int | None:
    return None if value is None else value.toordinal()


def _due(d: DueReport) -> tuple[object, ...]:  # `plain`'s, without its checks (~120,000 of them)
    return (
        d.measure,
        d.executor,
        d.period,
        d.window_start.toordinal(),
        d.window_end.toordinal(),
        d.report,
        _day(d.submitted),
        d.verified,
        d.state,
        d.days_late,
        d.date_source,
    )


def _aggregate(a: Aggregate) -> tuple[object, ...]:  # `plain`'s, without its checks
    return (
        a.level,
        a.key,
        a.as_of.toordinal(),
        a.computed_on.toordinal(),
        [(status.value, n) for status, n in a.counts.items()],
        *_FIGURES(a),
    )


_FIGURE_FIELDS = (
    "total",
    "due",
    "done",
    "partly",
    "pct_done",
    "pct_done_due",
    "reports_due",
    "on_time",
    "late",
    "missing",
    "pct_on_time",
    "done_due",
    "pending",
    "overdue",
    "co_total",
    "co_done",
)
_FIGURES = operator.attrgetter(*_FIGURE_FIELDS)


def _state(s: MeasureState) -> tuple[object, ...]:  # `plain`'s, without its checks
    return (
        s.measure,
        s.status.value,
        s.label and s.label.value,
        _day(s.label_date),
        s.assessment,
        s.derived,
        s.overdue,
        s.missing_reports,
        s.started_late,
        s.removed,
        s.active,
        s.last_report,
        s.due,
    )


# The fields `_due`, `_aggregate` and `_state` take, in their order (a test holds them to the
# dataclasses).
FAST_FIELDS = {
    Aggregate: ("level", "key", "as_of", "computed_on", "counts", *_FIGURE_FIELDS),
    DueReport: (
        "measure",
        "executor",
        "period",
        "window_start",
        "window_end",
        "report",
        "submitted",
        "verified",
        "state",
        "days_late",
        "date_source",
    ),
    MeasureState: (
        "measure",
        "status",
        "label",
        "label_date",
        "assessment",
        "derived",
        "overdue",
        "missing_reports",
        "started_late",
        "removed",
        "active",
        "last_report",
        "due",
    ),
}


# ---------------------------------------------------------------- digests


class Digests:
    """Digests of views, each record digested once: a pydantic model as its JSON (every
    field, nested records included, in the model's order); a `Site`, `Dataset`, `Snapshot` or
    `History` field by field, but for the edition (`static_key` has it, so that one digest
    serves both editions); a state, due report, step, change or file as the `repr` of its
    fields' values; anything else (ids, dates, flags) as its `repr`; a set in the order of its
    items' `repr` (its own order changes from run to run)."""

    def __init__(self, contents: dict[int, str] | None = None) -> None:
        self._known: dict[int, tuple[object, bytes]] = {}  # id → (the record, kept; digest)
        self._bare: dict[int, tuple[object, bytes]] = {}  # the same without its free texts
        # the records read from files in this process (`cache.record_contents`): by id, their
        # file's path and Git blob id, which tell the record apart (a function of them and of
        # `cache.fingerprint`, which `static_key` holds) without serializing it
        self._contents = contents or {}
        # their bytes in a digest: "F", path, NUL, blob id, NUL — self-delimiting, as a made
        # record's "J" and 16 bytes are (no hashing of ~50,000 records a build)
        self._files = {
            key: b"F" + read.encode("utf-8", "surrogatepass") + b"\0"
            for key, read in self._contents.items()
        }
        # a record's digest without its free texts by its file's path and blob id: the
        # previous build's (`PageKeys` reads them back) and this build's (it keeps them), so
        # that a rebuild serializes only the records whose files changed (issue 22)
        self.bare_before: dict[str, str] = {}
        self.bare_now: dict[str, str] = {}

    def of(self, value: object) -> str:
        """The digest of `value`."""
        parts: list[bytes] = []
        self._walk(parts, value)
        return hashlib.blake2b(b"".join(parts), digest_size=16).hexdigest()

    def feed(self, h: Any, value: object) -> None:
        """Add `value` to the hash `h`."""
        parts: list[bytes] = []
        self._walk(parts, value)
        h.update(b"".join(parts))

    def _walk(self, out: list[bytes], value: object) -> None:
        """`value`'s bytes appended to `out` (the commonest kinds first, by their exact type)."""
        kind = type(value)
        if kind in _LEAVES:  # the most numerous (a measure has dozens of steps)
            out.append(_leaf(value))
        elif kind is dict or (kind not in _FIELDS and isinstance(value, dict)):
            assert isinstance(value, dict)
            if not value:
                out.append(b"{}")
                return
            items = list(value.values())
            if all(type(item) is str for item in items):  # an index of ids: its text
                out.append(repr(value).encode("utf-8", "surrogateescape"))
                return
            if all(isinstance(item, pydantic.BaseModel) for item in items):  # records by key
                keys = repr(list(value)).encode("utf-8", "surrogateescape")
                out.append(b"{#" + keys + b"".join(map(self._record, items)) + b"}")
                return
            out.append(b"{")
            for key, item in value.items():
                out.append(repr(key).encode("utf-8", "surrogateescape") + b":")
                self._walk(out, item)
            out.append(b"}")
        elif kind in _FIELDS:
            out.append(kind.__qualname__.encode() + b"<")
            for item in _FIELD_VALUES[kind](value):
                empty = None if item else _EMPTY.get(type(item))
                if empty is not None:  # most of a view's fields: no call for them
                    out.append(empty)
                else:
                    self._walk(out, item)
            out.append(b">")
        elif isinstance(value, pydantic.BaseModel):
            out.append(b"#" + self._record(value))
        elif isinstance(value, list | tuple):
            first = type(value[0]) if value else str
            if first is str and all(type(item) is str for item in value):  # keys of records
                out.append(repr(value).encode("utf-8", "surrogateescape"))
                return
            if first in _LEAVES and all(type(item) is first for item in value):
                # a measure's steps or due reports: one `repr` of their fields' values
                values = [_LEAVES[first](item) for item in value]
                out.append(f"{first.__qualname__}{values!r}".encode("utf-8", "surrogateescape"))
                return
            out.append(b"(")
            for item in value:
                self._walk(out, item)
            out.append(b")")
        elif isinstance(value, set | frozenset):  # in the order of its items' text
            self._walk(out, sorted(repr(item) for item in value))
        else:
            out.append(repr(value).encode("utf-8", "surrogateescape") + b"\0")

    def _record(self, record: pydantic.BaseModel) -> bytes:
        read = self._files.get(id(record))
        if read is not None:  # as read from its file (alive there: its id is its own)
            return read
        found = self._known.get(id(record))
        if found is not None and found[0] is record:
            return found[1]
        free = FREE_TEXTS.get(type(record))
        if free is None:
            text = type(record).__qualname__.encode() + record.model_dump_json().encode("utf-8")
        else:  # the record without its free texts (shared with the aggregates' key), then them
            text = self.bare(record)
            for name in free:
                one = getattr(record, name).encode("utf-8", "surrogateescape")
                text += b"%d:" % len(one) + one
        digest = b"J" + hashlib.blake2b(text, digest_size=16).digest()
        self._known[id(record)] = (record, digest)
        return digest

    def bare(self, record: pydantic.BaseModel) -> bytes:
        """The digest of `record` without its free texts (`FREE_TEXTS`): what an aggregate
        page may read of it."""
        found = self._bare.get(id(record))
        if found is not None and found[0] is record:
            return found[1]
        free = FREE_TEXTS.get(type(record))
        if not free and id(record) in self._files:  # all of it may be read: its file tells it
            return self._files[id(record)]
        read = self._contents.get(id(record))
        before = self.bare_before.get(read) if read is not None else None
        if before is not None:  # the same file as the previous build's: the same digest
            digest = b"J" + bytes.fromhex(before)
        else:
            dumped = record.model_dump_json(exclude=set(free) if free else None)
            text = type(record).__qualname__.encode() + dumped.encode("utf-8")
            digest = b"J" + hashlib.blake2b(text, digest_size=16).digest()
        if read is not None:
            self.bare_now[read] = digest[1:].hex()
        self._bare[id(record)] = (record, digest)
        return digest


_WALKED = (Site, Dataset, Snapshot, History)
# The free texts of the records that only a measure page (and search) shows: what people
# wrote in their reports and assessments. The aggregate pages are rendered without them.
FREE_TEXTS: dict[type, tuple[str, ...]] = {m.Report: ("text",), m.Assessment: ("text",)}
# The small dataclasses of a view, each read as the tuple of its fields' values (in C).
_LEAVES = {
    kind: operator.attrgetter(*(f.name for f in dataclasses.fields(kind)))
    for kind in (MeasureState, DueReport, Step, Change, Recorded, SourceFile)
}


# The fields of each walked dataclass that a view's digest takes: all but the edition.
_FIELDS = {
    kind: tuple(f.name for f in dataclasses.fields(kind) if f.name != "ed") for kind in _WALKED
}


_FIELD_VALUES = {kind: operator.attrgetter(*names) for kind, names in _FIELDS.items()}
_EMPTY: dict[type, bytes] = {
    dict: b"{}",
    list: b"[]",
    tuple: b"()",
    str: b"''\0",
}  # as `_walk` writes them


def _leaf(value: Any) -> bytes:
    """A small dataclass as its type and the `repr` of its fields' values (cheaper than its
    own `repr`)."""
    text = type(value).__qualname__ + repr(_LEAVES[type(value)](value))
    return text.encode("utf-8", "surrogateescape") + b"\0"


def aggregate_digest(site: Site, digests: Digests) -> str:
    """The digest of `aggregate_view(site)`, made without making the view: every record by
    `Digests.bare` (the same for a record and its copy without free texts), each snapshot by
    `snapshot_bytes`, the indexes `prepare()` made. Left out, as the view leaves them out:
    the file positions, history, steps, names and the data files' pages; and the edition
    (`static_key` has it)."""
    h = hashlib.blake2b(digest_size=16)
    data = site.data
    h.update(repr((str(data.root), sorted(data.failed))).encode("utf-8", "surrogateescape"))
    for name in ("staff", "analyst_groups", *_RECORDS):
        value = getattr(data, name)
        h.update(f"\n{name}:".encode())
        if isinstance(value, dict):
            for key, record in value.items():
                h.update(repr(key).encode("utf-8", "surrogateescape") + digests.bare(record))
        elif isinstance(value, list):
            for record in value:
                h.update(b"," + digests.bare(record))
        else:
            h.update(digests.bare(value))
    seen: dict[int, tuple[object, Any]] = {}  # the snapshots' shared scores, made once
    for snap in site.snapshots:
        h.update(b"\nsnapshot:" + snapshot_bytes(snap, seen))
    for name in _INDEXES:
        value = getattr(site, name)
        if name == "due_of":
            value = [(key, list(map(_due, found))) for key, found in value.items()]
        else:
            value = plain(value)
        h.update(f"\n{name}:".encode() + marshal.dumps(value, 2))
    return h.hexdigest()


# The records of a `Dataset` by kind, and the indexes of a `Site` (`prepare()`'s), that the
# aggregate view's digest takes.
_RECORDS = (
    "sections",
    "results",
    "measures",
    "executors",
    "reports",
    "assessments",
    "evaluations",
    "feedback",
    "notices",
    "texts",
)
_INDEXES = (
    "problem_of",
    "direction_of",
    "measures_by",
    "reports_of",
    "assessments_of",
    "feedback_of",
    "due_of",
    "sections_of",
    "results_of",
    "score_years",
)


def code_key() -> str:
    """dap's version and code, Python and the installed packages: what a record read from a
    file (`cache.fingerprint`) and its digests (`Digests.bare`) depend on besides the file."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}|{__version__}|{sys.version}\n".encode())
    h.update(code_digest())
    h.update(fingerprint().encode())
    h.update("\n".join(installed_packages()).encode("utf-8", "surrogateescape") + b"\n")
    return h.hexdigest()


def static_key(site: Site, banners: str) -> str:
    """What every record page of `site`'s edition depends on besides its view: dap's version,
    code, templates and message catalogues, Python and the installed packages, the edition,
    the site's version, the `banners` front matter and the programme."""
    h = hashlib.blake2b(digest_size=16)
    h.update(code_key().encode())
    h.update(repr((site.ed, site.version, banners)).encode("utf-8", "surrogateescape"))
    programme = site.data.programme
    h.update(programme.model_dump_json().encode("utf-8") if programme else b"-")
    return h.hexdigest()


# ---------------------------------------------------------------- the keys between builds


@dataclasses.dataclass(frozen=True)
class Kept:
    """A page left as the previous build wrote it: its Markdown's size and digest."""

    size: int
    digest: str


class PageKeys:
    """The previous build's keys of the record pages in a docs folder, and this build's."""

    def __init__(self, folder: Path | None, docs_dir: Path):
        self.folder = folder  # None: no record kept (caching off, or no key to seal it with)
        self.docs_dir = docs_dir
        self._docs = os.fspath(docs_dir)
        self.notes: list[str] = []  # one line when the previous record was not usable
        self.keys: dict[str, str] = {}  # docs path → this build's key
        self.kept: dict[str, Kept] = {}  # docs path → the unchanged page left as it is
        self.rendered: list[str] = []  # docs paths of the pages rendered anew
        self._previous: dict[str, list[Any]] | None = None
        self._saved = 0
        self._digests = Digests(record_contents())  # both editions': each record digested once
        self._static: dict[tuple[str, str], str] = {}
        self._views: dict[str, str] = {}  # measure → its view's digest
        self._rosters: tuple[Dataset, str] | None = None  # a dataset and its rosters' digest
        self._aggregate: tuple[Site, str] | None = None  # a site and its aggregate digest
        self._made_view: tuple[Site, Site] | None = None  # a site and its aggregate view
        self.groups: dict[str, list[Any]] = {}  # edition's docs folder → [aggregate key, files]
        self._groups: dict[str, list[Any]] = {}

    @classmethod
    def for_docs(cls, docs_dir: Path) -> PageKeys:
        """The keys of a docs folder's pages (in the cache, where the build's record is)."""
        return cls(cache_folder(docs_dir, "auto", prefix=PREFIX), docs_dir)

    def measure_pages(
        self,
        site: Site,
        mids: list[str],
        where: Callable[[str], str],
        banners: str,
        render: Callable[[Site, str], str],
    ) -> dict[str, str]:
        """The Markdown of the pages of measures `mids` ({measure: text}) that changed since
        the previous build, each rendered from its view by `render` (`where` gives a measure
        page's docs path); the others are left as they are (`kept`). The steps are made for the
        pages rendered alone, in one pass (`context.Trails`)."""
        if self.folder is None:  # nothing to compare with, nothing to keep
            todo = mids
        else:
            static = self._static_key(site, banners)
            todo = []
            for mid in mids:
                digest = self._views.get(mid)  # the same in both editions (it leaves out `ed`)
                if digest is None:
                    digest = self._views[mid] = self._view_digest(site, mid)
                key = hashlib.blake2b(f"{static}|{digest}".encode(), digest_size=16).hexdigest()
                docs = where(mid)
                self.keys[docs] = key
                kept = self._unchanged(docs, key)
                if kept is not None:
                    self.kept[docs] = kept
                else:
                    self.rendered.append(docs)
                    todo.append(mid)
        if isinstance(site.steps_of, Trails):
            site.steps_of.make(todo)
        return {mid: render(measure_view(site, mid), mid) for mid in todo}

    def _view_digest(self, site: Site, mid: str) -> str:
        """The digest of what measure `mid`'s page is made of: its view without the steps,
        and what they are made of (the rosters, `steps_inputs`)."""
        data = site.data
        if self._rosters is None or self._rosters[0] is not data:
            h = hashlib.blake2b(digest_size=16)
            for name in ROSTERS:
                self._digests.feed(h, getattr(data, name))
            self._rosters = (data, h.hexdigest())
        view = self._digests.of(measure_view(site, mid, with_steps=False))
        inputs = steps_inputs(site, mid).encode("utf-8", "surrogateescape")
        steps = hashlib.blake2b(inputs, digest_size=16).hexdigest()
        return f"{view}|{self._rosters[1]}|{steps}"

    def aggregate_pages(
        self,
        site: Site,
        banners: str,
        where: Callable[[str], str],
        render: Callable[[Site], dict[str, str]],
    ) -> dict[str, str]:
        """Every page and data file of `site`'s edition but the measure pages, rendered from
        `aggregate_view` by `render` ({path: text}; `where` gives a path's docs path); {} when
        they are all unchanged since the previous build (their files left as they are: `kept`).
        They share one key: all of them, or none, are rendered."""
        if self.folder is None:
            return render(self._aggregate_view(site))
        group = where("")  # "" or "en/": the edition's place in the docs folder
        static = self._static_key(site, banners)
        self.previous()  # read first: it holds the records' digests of the previous build
        if self._aggregate is None or not _same_but_edition(site, self._aggregate[0]):
            self._aggregate = (site, aggregate_digest(site, self._digests))  # for both editions
        key = hashlib.blake2b(
            f"{static}|aggregates|{self._aggregate[1]}".encode(), digest_size=16
        ).hexdigest()
        before = self.previous_groups().get(group)
        if before and before[0] == key:
            paths = [docs for docs, entry in self.previous().items() if entry[0] == key]
            kept = {docs: self._unchanged(docs, key) for docs in paths}
            if len(kept) == before[1] and all(kept.values()):
                for docs, one in kept.items():
                    assert one is not None
                    self.kept[docs] = one
                    self.keys[docs] = key
                self.groups[group] = [key, len(kept)]
                return {}
        out = render(self._aggregate_view(site))
        for path in out:
            self.keys[where(path)] = key
        self.groups[group] = [key, len(out)]
        return out

    def _aggregate_view(self, site: Site) -> Site:
        """`aggregate_view(site)`, made once for both editions: the English one is the
        Ukrainian one's view in English when its site differs from that one's only by the
        edition and the data files' pages (which the view leaves out)."""
        made = self._made_view
        if made is not None and _same_but_edition(site, made[0]):
            return dataclasses.replace(made[1], ed=site.ed)
        view = aggregate_view(site)
        self._made_view = (site, view)
        return view

    def _static_key(self, site: Site, banners: str) -> str:
        static = self._static.get((site.ed.lang, banners))
        if static is None:
            static = self._static[(site.ed.lang, banners)] = static_key(site, banners)
        return static

    def _unchanged(self, docs: str, key: str) -> Kept | None:
        """The page as the previous build left it, if its key is `key` and its file is intact."""
        entry = self.previous().get(docs)
        if not entry or entry[0] != key:
            return None
        try:
            _key, digest, size, mtime, inode = entry
            path = os.path.join(self._docs, docs)  # a string: ~17,000 files a build
            st = os.stat(path, follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode) or st.st_size != size:
                return None
            if (st.st_mtime_ns, st.st_ino) != (mtime, inode) or mtime >= self._saved - RACY_NS:
                with open(path, "rb") as handle:  # not trusted by its state alone
                    found = handle.read()
                if hashlib.blake2b(found, digest_size=16).hexdigest() != digest:
                    return None
            return Kept(int(size), str(digest))
        except (OSError, ValueError, TypeError):
            return None

    def previous(self) -> dict[str, list[Any]]:
        """The previous build's entries by docs path ({} when there is no usable record)."""
        if self._previous is None:
            self._previous = self._read()
        return self._previous

    def previous_groups(self) -> dict[str, list[Any]]:
        """The previous build's aggregate keys and file counts by edition ({} without)."""
        self.previous()
        return self._groups

    def _read(self) -> dict[str, list[Any]]:
        if self.folder is None or not (self.folder / RECORD).is_file():
            return {}
        try:
            body = unsealed((self.folder / RECORD).read_text(encoding="utf-8"))
            if body is None:
                self.notes.append(_(FOREIGN, file=self.folder / RECORD))
                return {}
            record = json.loads(body)
            if record.get("format") != FORMAT or record.get("docs") != str(self.docs_dir.resolve()):
                return {}  # another format or folder: every page is rendered, as it must be
            self._saved = int(record["saved"])
            pages: dict[str, list[Any]] = record["pages"]
            groups: dict[str, list[Any]] = record["groups"]
            bare: dict[str, str] = record["bare"]
            if not all(isinstance(one, dict) for one in (pages, groups, bare)):
                raise TypeError(pages)
            self._groups = groups
            if record.get("code") == code_key():  # made by this code from the same files
                self._digests.bare_before = bare
            return pages
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.notes.append(_(UNREADABLE, file=self.folder / RECORD))
            return {}

    def keep(self, writer: Any) -> None:
        """Count the unchanged pages as written by `writer` (output.Writer), their bytes kept."""
        for docs, kept in sorted(self.kept.items()):
            writer.keep(docs, kept.size, kept.digest)

    def save(self, digests: dict[str, str]) -> None:
        """Record this build's keys with the state of each page's file as now written
        (`digests`: the writer's, by docs path); nothing when there is nowhere to keep it."""
        bare = self._digests.bare_now
        self._digests, self._views = Digests(), {}  # the records held are not needed any more
        self._aggregate = self._made_view = self._rosters = None
        if self.folder is None:
            return
        path = self.folder / RECORD
        try:
            saved = time.time_ns()
            pages: dict[str, list[Any]] = {}
            for docs, key in sorted(self.keys.items()):
                if docs not in digests:  # not written: its group is not recorded either
                    continue
                st = os.stat(os.path.join(self._docs, docs), follow_symlinks=False)
                pages[docs] = [key, digests[docs], st.st_size, st.st_mtime_ns, st.st_ino]
            body = json.dumps(
                {
                    "format": FORMAT,
                    "docs": str(self.docs_dir.resolve()),
                    "saved": saved,
                    "pages": pages,
                    "code": code_key(),
                    "bare": bare,
                    "groups": {
                        group: [key, n]
                        for group, (key, n) in self.groups.items()
                        if sum(1 for entry in pages.values() if entry[0] == key) == n
                    },
                },
                sort_keys=True,
                separators=(",", ":"),
            )
            write_sealed(path, body)
        except OSError:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)  # a record that might not match: none
