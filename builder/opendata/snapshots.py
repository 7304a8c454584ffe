"""Quarterly snapshots: which dates get a package, each built in memory."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..compute import Snapshot
from ..errors import BuildError
from ..git import History
from ..i18n import _
from ..load import Dataset
from ..quarters import is_quarter_end, period_of
from .formats import csv_bytes
from .rows import memo, snapshot_tables, structure_tables
from .tables import RESOURCES, Tables

LATEST = "latest"


@dataclass
class Package:
    """One snapshot's package in memory: its tables and their CSV bytes."""

    label: str  # "latest" or "2024-Q4"
    as_of: dt.date
    computed_on: dt.date
    latest: bool
    tables: Tables
    csvs: dict[str, bytes]


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

    def make(self, index: int, labels: list[str]) -> list[Package]:
        """The packages of snapshot `index`, one per label (they share tables and CSV)."""
        snap = self.snapshots[index]
        latest = index == len(self.snapshots) - 1
        tables = snapshot_tables(
            self.data, self.structure, self.memo, self.snapshots, index, latest=latest
        )
        csvs = {
            name: csv_bytes(name, tables[name], self.memo.lines.setdefault(name, {}))
            for name in RESOURCES
        }
        return [
            Package(label, snap.as_of, snap.computed_on, label == LATEST, tables, csvs)
            for label in labels
        ]


def build_packages(
    data: Dataset, history: History | None, snapshots: list[Snapshot]
) -> list[Package]:
    """Every snapshot's package in memory: quarter ends by quarter, the newest as 'latest'."""
    plan = package_plan(snapshots)
    maker = PackageMaker(data, history, snapshots)
    return [pkg for index, labels in plan for pkg in maker.make(index, labels)]
