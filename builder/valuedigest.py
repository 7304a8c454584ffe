"""Digests of computed values (issue 22): a frozen dataclass — a report due, a score — digested
as its kind's name and the `repr` of its fields' values, the same wherever it is made. The data
packages' keys digest the snapshots' values so (`opendata/incremental.Digests`); the kept
snapshots (`compute_kept`) keep each of their values' digests beside them, made when they are
kept, so that a rebuild from them does not digest the ~20,000 values again (the datasets'
child: ~0.1 s at 2,000 measures)."""

from __future__ import annotations

import dataclasses
import hashlib
import operator
from typing import Any

DIGEST = 16  # bytes of each digest
# Values and their digests, one after another (DIGEST bytes each), as `compute_kept` keeps them
KeptDigests = tuple[list[Any], bytes]
_GETTERS: dict[type, Any] = {}


def same(value: object) -> object:
    return value


def fields_of(obj: object) -> object:
    """A dataclass's field values as one tuple (its `repr` without the dataclass's own,
    Python-level `__repr__` per object); any other value as it is."""
    kind = type(obj)
    getter = _GETTERS.get(kind)
    if getter is None:
        if not dataclasses.is_dataclass(obj):
            return obj
        names = [f.name for f in dataclasses.fields(obj)]
        getter = _GETTERS[kind] = operator.attrgetter(*names) if len(names) > 1 else None
        if getter is None:
            return obj
    return getter(obj)


def value_digests(items: list[Any]) -> list[bytes]:
    """The digest (BLAKE2b, 16 bytes) of each of `items`, all of one kind, made without a
    Python call per item: its kind's name and the `repr` of its field values (`fields_of`)."""
    if not items:
        return []
    kind = type(items[0])
    fields_of(items[0])  # the kind's getter, if it is a dataclass
    getter = _GETTERS.get(kind, same) or same
    blake = hashlib.blake2b
    head = kind.__qualname__.encode()
    return [
        blake(head + repr(getter(x)).encode("utf-8", "surrogatepass"), digest_size=DIGEST).digest()
        for x in items
    ]
