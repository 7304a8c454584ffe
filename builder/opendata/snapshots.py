"""Quarterly snapshots: which dates get a package, each built in memory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..compute import Snapshot
from ..errors import BuildError
from ..git import History
from ..i18n import _
from ..load import Dataset
from ..quarters import is_quarter_end, period_of
from .formats import (
    Positions,
    csv_bytes,
    csv_from_lines,
    csv_made,
    document_keys,
    document_positions,
    row_digests,
    row_index,
    table_digests,
)
from .rows import memo, snapshot_tables, structure_tables
from .tables import RESOURCES, Tables

LATEST = "latest"


class Earlier:
    """What the previous build made of the newest package's tables: nothing, here (issue 22:
    `downloads.StoredTables` takes it from the store)."""

    def csv(self, table: str, digest: str) -> bytes | None:
        """The previous CSV of `table` if it was made of the same rows (`digest`)."""
        return None

    def lines(self, table: str) -> Mapping[bytes, bytes]:
        """The previous CSV lines of `table` by their rows' digests (`formats.row_digests`)."""
        return {}


@dataclass
class Package:
    """One snapshot's package in memory: its tables and their CSV bytes."""

    label: str  # "latest" or "2024-Q4"
    as_of: dt.date
    computed_on: dt.date
    latest: bool
    tables: Tables
    csvs: dict[str, bytes]
    # The newest package (issue 22): each table's digest (`formats.table_digests`), each
    # measure's document's key (`formats.document_keys`), and the tables whose CSV was taken
    # from the previous build (checked then: `check_newest` skips them)
    digests: dict[str, str] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)
    reused: frozenset[str] = frozenset()
    # Of the newest package's tables made anew: each one's row index (`formats.row_index`,
    # kept in the store for the next build), and, of those made from the previous build's
    # lines, the positions of the rows made anew (`check_newest` checks these only)
    indexes: dict[str, bytes] = field(default_factory=dict)
    fresh: dict[str, list[int]] = field(default_factory=dict)
    rows: dict[str, list[bytes]] = field(default_factory=dict)  # their rows' digests
    positions: Positions | None = None  # `formats.document_positions`, made once


def package_plan(snapshots: list[Snapshot]) -> list[tuple[int, list[str]]]:
    """Which snapshots get a package, under which labels: quarter ends, and the newest."""
    if not snapshots:
        raise BuildError(
            _("nothing to publish: there is no snapshot (is the as-of date before the programme?)")
        )
    plan: list[tuple[int, list[str]]] = []
    last = len(snapshots) - 1
    for i, snap in enumerate(snapshots):
        labels = [period_of(snap.as_of)] if is_quarter_end(snap.as_of) else []
        if i == last:
            labels.append(LATEST)
        if labels:
            plan.append((i, labels))
    return plan


class PackageMaker:
    """Builds snapshots' packages in any order, sharing rows and CSV lines between them."""

    def __init__(self, data: Dataset, history: History | None, snapshots: list[Snapshot]):
        self.data = data
        self.snapshots = snapshots
        self.structure = structure_tables(data)
        self.memo = memo(data, history)

    def make(self, index: int, labels: list[str], earlier: Earlier | None = None) -> list[Package]:
        """The packages of snapshot `index`, one per label (they share tables and CSV).

        The newest package's tables and documents are digested (`table_digests`,
        `document_keys`), and each table's CSV comes from what the previous build made
        (`earlier`, issue 22): whole when it was made of the same rows, else the lines of
        the rows that are the same (by each row's digest), the others made anew."""
        snap = self.snapshots[index]
        latest = index == len(self.snapshots) - 1
        tables = snapshot_tables(
            self.data, self.structure, self.memo, self.snapshots, index, latest=latest
        )
        digests: dict[str, str] = {}
        documents: dict[str, str] = {}
        reprs: dict[str, list[str]] = {}
        positions: Positions | None = None
        if LATEST in labels:
            digests, reprs = table_digests(tables)
            positions = document_positions(tables)
            documents = document_keys(tables, reprs, positions)
        before = earlier or Earlier()
        csvs: dict[str, bytes] = {}
        reused: set[str] = set()
        indexes: dict[str, bytes] = {}
        fresh: dict[str, list[int]] = {}
        made: dict[str, list[bytes]] = {}
        for name in RESOURCES:
            rows = tables[name]
            found = before.csv(name, digests[name]) if digests else None
            if found is not None:
                csvs[name] = found
                reused.add(name)
                continue
            lines = self.memo.lines.setdefault(name, {})
            if not digests:
                csvs[name] = csv_bytes(name, rows, lines)
                continue
            mine = row_digests(reprs[name])
            known = before.lines(name)
            if known:
                csvs[name], lengths, fresh[name] = csv_from_lines(name, rows, mine, known)
                made[name] = mine
            else:
                csvs[name], lengths = csv_made(name, rows, lines)
            indexes[name] = row_index(mine, lengths)
        del reprs  # the size of the tables again: not kept while the files are made
        return [
            Package(
                label,
                snap.as_of,
                snap.computed_on,
                label == LATEST,
                tables,
                csvs,
                digests,
                documents,
                frozenset(reused),
                indexes,
                fresh,
                made,
                positions,
            )
            for label in labels
        ]


def build_packages(
    data: Dataset, history: History | None, snapshots: list[Snapshot]
) -> list[Package]:
    """Every snapshot's package in memory: quarter ends by quarter, the newest as 'latest'."""
    plan = package_plan(snapshots)
    maker = PackageMaker(data, history, snapshots)
    return [pkg for index, labels in plan for pkg in maker.make(index, labels)]
