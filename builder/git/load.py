"""The data at a commit, read from Git objects in memory (`load_at`), or made from another
commit's and the files between them (`load_changed`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

from .. import models as m
from ..cache import read_blob_records
from ..datafile import LAYOUT, Kind, Read
from ..errors import Problem
from ..load import KINDS, Dataset, layout_kind, store
from .repo import cat_blobs, tree_at, tree_changes


def _dataset(reads: list[tuple[Kind, str, Read]], shown_root: str) -> tuple[Dataset, list[Problem]]:
    """A Dataset from the reads of files in the layout (kind, key, read), by path. Only
    records are kept; a file that cannot be read becomes a problem, never an exception."""
    data = Dataset(root=Path(shown_root))
    problems: list[Problem] = []
    sources = data.sources
    # the dict each kind of the folders is kept in (a single file's kind goes through store)
    kept = {kind.name: getattr(data, kind.attr) for kind in LAYOUT.values() if kind.depth}
    for kind, key, (record, source, trouble) in reads:
        if record is None:  # the data at that commit is broken: located, as validate says it
            problems.extend(trouble)
            continue
        sources[(kind.name, key)] = source
        records = kept.get(kind.name)
        if records is None:
            store(data, kind, key, record)
        else:
            records[key] = record
    return data, problems


def load_at(
    repo: Path,
    ref: str,
    subdir: str,
    keep: Callable[[str], bool] | None = None,
    within: Sequence[str] | None = None,
) -> tuple[Dataset, list[Problem]]:
    """Load the data as it is at commit `ref`, read from Git objects in memory (never written
    out); files are shown as `subdir/…`. Records come from the cache of parsed blobs
    (`cache.read_blob_records`): only blobs never seen before are read and parsed. With
    `within`, only the files in those files and folders (relative to `subdir`) are listed;
    with `keep`, only the files (paths relative to `subdir`) it keeps are read at all."""
    shown_root = subdir or "."
    wanted: list[tuple[str, str, Kind]] = []
    keys: list[str] = []
    for rel, blob in tree_at(repo, ref, subdir, within):
        kind, key = KINDS.get(rel) or layout_kind(rel)
        if kind is not None and (keep is None or keep(rel)):
            wanted.append((rel, blob, kind))
            keys.append(key)
    reads = read_blob_records(repo, shown_root, wanted, lambda ids: cat_blobs(repo, ids))
    return _dataset(
        [(w[2], key, read) for w, key, read in zip(wanted, keys, reads, strict=True)],
        shown_root,
    )


def load_changed(repo: Path, base: Dataset, base_ref: str, ref: str, subdir: str) -> Dataset:
    """The data at commit `ref` made from `base`, the data at `base_ref` as `load_at(repo,
    base_ref, subdir)` loaded it in full: only the files that differ between the two commits
    are read (`tree_changes`), every other record is the base's (records are frozen). The
    result equals `load_at(repo, ref, subdir)`'s Dataset, its dicts in the same order (by
    path); the problems of files that fail to load are not returned (see `load_at`)."""
    shown_root = subdir or "."
    gone: list[tuple[Kind, str]] = []
    wanted: list[tuple[str, str, Kind]] = []
    keys: list[str] = []
    for rel, blob in tree_changes(repo, base_ref, ref, subdir):
        kind, key = KINDS.get(rel) or layout_kind(rel)
        if kind is None:
            continue
        gone.append((kind, key))  # unless read again below
        if blob is not None:
            wanted.append((rel, blob, kind))
            keys.append(key)
    reads = read_blob_records(repo, shown_root, wanted, lambda ids: cat_blobs(repo, ids))
    head = dataclasses.replace(
        base,
        staff=list(base.staff),
        sources=dict(base.sources),
        failed=set(base.failed),
        texts=dict(base.texts),
    )
    for kind in LAYOUT.values():
        if kind.depth:  # each kind's own dict, so that the base's stays as it is
            setattr(head, kind.attr, dict(getattr(base, kind.attr)))
    # A changed file's record is replaced where the base had it, so that the dicts keep the
    # order of a whole load (by path): a dict keeps a key's place when its value is replaced,
    # not when it is removed and added again. None marks what is gone unless read again.
    for kind, key in gone:
        if kind.name == "programme":
            head.programme = None
            head.sources.pop((kind.name, key), None)
        elif kind.name == "staff":
            head.staff, head.analyst_groups = [], m.AnalystGroups.model_construct()
            head.sources.pop((kind.name, key), None)
        elif (kind.name, key) in base.sources:
            getattr(head, kind.attr)[key] = None
            head.sources[(kind.name, key)] = None  # type: ignore[assignment]
    for (_rel, _blob, kind), key, (record, source, _problems) in zip(
        wanted, keys, reads, strict=True
    ):
        if record is not None:
            head.sources[(kind.name, key)] = source
            store(head, kind, key, record)
    resort: set[str] = set()
    for kind, key in gone:  # what the change left without a record (removed, or broken now)
        if kind.depth and getattr(head, kind.attr).get(key, False) is None:
            del getattr(head, kind.attr)[key]
            del head.sources[(kind.name, key)]
        elif kind.depth and (kind.name, key) not in base.sources:
            resort.add(kind.attr)  # a record the base did not have: added at the end
    for attr in resort:  # in path order, as a load of the whole commit puts them
        ordered = sorted(getattr(head, attr).items(), key=lambda item: f"{item[0]}.yaml")
        setattr(head, attr, dict(ordered))
    if resort or any(not kind.depth for kind, _ in gone):
        head.sources = dict(sorted(head.sources.items(), key=lambda item: _source_rel(*item[0])))
    return head


def _source_rel(kind: str, key: str) -> str:
    """The path of a record's file relative to the data folder (the order of `load_at`)."""
    return f"{kind}.yaml" if LAYOUT[kind].depth == 0 else f"{kind}/{key}.yaml"
