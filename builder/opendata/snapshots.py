"""Quarterly snapshots: which dates get a package, each built in memory; the fork helper."""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..compute import Snapshot
from ..errors import BuildError
from ..git import History
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
            "nothing to publish: there is no snapshot (is the as-of date before the programme?)"
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


def _child(conn: Any, work: Callable[..., Any], args: tuple[Any, ...]) -> None:
    # What the child inherited is only read: keep the collector off it, so that it neither
    # spends time walking the parent's heap nor copies its pages by touching them; collect
    # what the work itself leaves.
    gc.freeze()
    gc.enable()
    try:
        conn.send((True, work(*args)))
    except Exception as exc:  # reported to the parent, which fails the build with it
        conn.send((False, f"{type(exc).__name__}: {exc}"))
    conn.close()


class Forked:
    """`work(*args)` in a forked child process while the caller does other work.

    At national scale checking the newest package (~130,000 rows) and rendering its formats
    are two of the largest parts of the datasets; in children they overlap with building,
    checking and rendering the older snapshots on this 2-core machine. The answer comes back pickled through a pipe. With one core, or where `fork`
    is not available, the work runs at once, inline.
    """

    def __init__(self, what: str, work: Callable[..., Any], *args: Any):
        self.what = what
        self.done = False
        self.answer: Any = None
        self.process: Any = None
        if "fork" not in multiprocessing.get_all_start_methods() or (os.cpu_count() or 1) < 2:
            self.answer, self.done = work(*args), True
            return
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_child, args=(child, work, args), daemon=True)
        self.process.start()
        child.close()

    def result(self) -> Any:
        """What `work` returned (waits for the child); BuildError if it failed."""
        if not self.done:
            try:
                ok, answer = self.conn.recv()
            except EOFError:
                ok, answer = False, "it ended without an answer"
            self.conn.close()
            self.process.join()
            self.done = True
            if not ok:
                raise BuildError(f"{self.what} failed: {answer}")
            self.answer = answer
        return self.answer

    def cancel(self) -> None:
        """Stop the child (the build failed for another reason)."""
        if not self.done and self.process is not None:
            self.process.terminate()
            self.process.join()
            self.conn.close()
            self.done = True
