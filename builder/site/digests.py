"""Digests of what pages are made of (issue 22): the views of `site/pagekeys.py` digested
record by record (`Digests`: a record read from a file as its path and Git blob id, a made one
as its JSON, the small dataclasses as their fields' values), and the snapshots as plain values
in `marshal` (`snapshot_bytes`, `plain`). Pure: values in, bytes out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import marshal
import operator
from collections.abc import Callable, Iterable
from typing import Any

import pydantic

from .. import models as m
from ..compute import Aggregate, DueReport, MeasureState, Snapshot
from ..datafile import SourceFile
from ..git.history import Change, History, Recorded
from ..load import Dataset
from ..workflow.audit import Step
from .context import Site


def snapshot_bytes(snap: Snapshot, seen: dict[int, tuple[object, Any]] | None = None) -> bytes:
    """A snapshot as bytes that are the same exactly when its values are: its records as
    plain values (`_due`, `_state`, `plain`) in `marshal`'s version 2, which, unlike pickle
    and later versions, has no references whose use follows which equal values happen to be
    one object. With `seen` (`Digests.seen`), each state, report due and aggregate is its
    16-byte digest made once per object while `seen` lives (`_once`)."""
    if seen is None:
        states: Any = list(map(_state, snap.measures.values()))
        dues: Any = list(map(_due, snap.due))
        aggregates: Any = list(map(_aggregate, snap.aggregates.values()))
    else:
        states = _once(snap.measures.values(), seen, _state)
        dues = _once(snap.due, seen, _due)
        aggregates = _once(snap.aggregates.values(), seen, _aggregate)
    return marshal.dumps(
        (
            plain(snap.as_of),
            plain(snap.computed_on),
            list(snap.measures),
            states,
            dues,
            [plain(key) for key in snap.aggregates],
            aggregates,
            plain(snap.scores, seen),
            plain(snap.notes),
        ),
        2,
    )


def _once(
    values: Iterable[Any], seen: dict[int, tuple[object, Any]], make: Callable[[Any], Any]
) -> bytes:
    """The 16-byte digests of `make` of each value (its plain values in `marshal`), joined;
    each made once per object while `seen` lives (the snapshots of a build share most states
    and reports due — `compute` keeps those that stay the same from one quarter end to the
    next — and the parts' views share them with the whole: issue 22). Fixed-size digests
    joined: self-delimiting, and a part's bytes are a small join instead of a walk."""
    get, out = seen.get, []
    for value in values:
        found = get(id(value))
        if found is None or found[0] is not value:
            digest = hashlib.blake2b(marshal.dumps(make(value), 2), digest_size=16).digest()
            found = seen[id(value)] = (value, digest)
        out.append(found[1])
    return b"".join(out)


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


def _moment(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def change_values(c: Change) -> tuple[object, ...]:
    """A Git change as plain values (`marshal` writes them; its time with its offset)."""
    return (c.commit, c.date.isoformat(), c.author, c.email, c.status, c.path, c.old_path)


def recorded_values(r: Recorded) -> tuple[object, ...]:
    """What a commit records of an approval, as plain values (`change_values`)."""
    return (r.commit, _moment(r.date), r.merge, r.approved_by, r.approved_at, r.pull_request)


# The fields `change_values`, `recorded_values`, `_due`, `_aggregate` and `_state` take, in
# their order (a test holds them to the dataclasses).
FAST_FIELDS = {
    Change: ("commit", "date", "author", "email", "status", "path", "old_path"),
    Recorded: ("commit", "date", "merge", "approved_by", "approved_at", "pull_request"),
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
        # the snapshots' values as plain values by object (`snapshot_bytes`), shared by every
        # view digested with these digests: the aggregate group's and each part's
        self.seen: dict[int, tuple[object, Any]] = {}

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

    def record(self, record: pydantic.BaseModel) -> bytes:
        """A record's bytes in a digest (its file's identity, or its JSON's digest)."""
        return self._record(record)

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
        if before is None:
            dumped = record.model_dump_json(exclude=set(free) if free else None)
            text = type(record).__qualname__.encode() + dumped.encode("utf-8")
            before = hashlib.blake2b(text, digest_size=16).hexdigest()
        # else the same file as the previous build's: the same digest, kept as its hex text
        digest = b"J" + before.encode()
        if read is not None:
            self.bare_now[read] = before
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
