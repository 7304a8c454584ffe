"""Quarterly snapshots: which dates get a package, each built in memory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from ..compute import Snapshot
from ..errors import BuildError
from ..git import History
from ..i18n import _
from ..load import Dataset
from ..quarters import is_quarter_end, period_of
from .formats import csv_bytes, document_keys, table_digests
from .rows import memo, snapshot_tables, structure_tables
from .tables import RESOURCES, Tables

LATEST = "latest"


def _none(table: str, digest: str) -> bytes | None:
    return None


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

    def make(
        self, index: int, labels: list[str], previous: Callable[[str, str], bytes | None] = _none
    ) -> list[Package]:
        """The packages of snapshot `index`, one per label (they share tables and CSV).

        The newest package's tables and documents are digested (`table_digests`,
        `document_keys`); `previous(table,
        digest)` gives the CSV the previous build made of a table with the same rows, if it
        has it (issue 22: the CSV of the tables a merged report left as they were is not made
        again)."""
        snap = self.snapshots[index]
        latest = index == len(self.snapshots) - 1
        tables = snapshot_tables(
            self.data, self.structure, self.memo, self.snapshots, index, latest=latest
        )
        digests: dict[str, str] = {}
        documents: dict[str, str] = {}
        if LATEST in labels:
            digests, reprs = table_digests(tables)
            documents = document_keys(tables, reprs)
            del reprs  # the size of the tables again: not kept while the files are made
        csvs: dict[str, bytes] = {}
        reused: set[str] = set()
        for name in RESOURCES:
            found = previous(name, digests[name]) if digests else None
            if found is not None:
                csvs[name] = found
                reused.add(name)
            else:
                lines = self.memo.lines.setdefault(name, {})
                csvs[name] = csv_bytes(name, tables[name], lines)
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
