"""Quarterly snapshots: which dates get a package, each built in memory."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..compute import Snapshot
from ..errors import BuildError
from ..git.history import History
from ..i18n import _
from ..load import Dataset
from ..quarters import is_quarter_end, period_of
from .formats import (
    ROW_DIGEST,
    Positions,
    csv_bytes,
    csv_from_lines,
    csv_made,
    document_keys,
    document_positions,
    row_index,
    table_digests,
)
from .rows import memo, snapshot_tables, structure_tables
from .tables import RESOURCES, Record, Tables, field_names

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

    def csv_digest(self, table: str) -> bytes | None:
        """The digest of the CSV `csv` gave for `table` (`Package.csv_digest`), if known
        without reading it again."""
        return None

    def same(self, table: str) -> tuple[str, list[bytes]] | None:
        """The digest of `table` and of each of its rows as the previous build made them, if
        it was made of the same inputs (its key in `PackageMaker.make`'s `inputs`)."""
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
    # Of the newest package's tables made anew: each one's row index (`formats.row_index`,
    # kept in the store for the next build), and, of those made from the previous build's
    # lines, the positions of the rows made anew (`check_newest` checks these only)
    indexes: dict[str, bytes] = field(default_factory=dict)
    fresh: dict[str, list[int]] = field(default_factory=dict)
    rows: dict[str, list[bytes]] = field(default_factory=dict)  # their rows' digests
    positions: Positions | None = None  # `formats.document_positions`, made once
    # Of the newest package: each table's key (a digest of its inputs, `package_keys`), and
    # the tables whose digests were the previous build's (the same inputs: not digested again)
    inputs: dict[str, str] = field(default_factory=dict)
    known: frozenset[str] = frozenset()
    csv_digests: dict[str, bytes] = field(default_factory=dict)  # `csv_digest`, as made

    def csv_digest(self, name: str) -> bytes:
        """The digest of table `name`'s CSV (BLAKE2b, 16 bytes), made once: the key checks
        and the zip's entry key both use it (issue 22: one pass over each CSV, not two)."""
        found = self.csv_digests.get(name)
        if found is None:
            found = hashlib.blake2b(self.csvs[name], digest_size=16).digest()
            self.csv_digests[name] = found
        return found


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

    def tables(self, index: int) -> Tables:
        """Snapshot `index`'s tables (rows only: no CSV, no digests), for `make`."""
        latest = index == len(self.snapshots) - 1
        return snapshot_tables(
            self.data, self.structure, self.memo, self.snapshots, index, latest=latest
        )

    def make(
        self,
        index: int,
        labels: list[str],
        earlier: Earlier | None = None,
        inputs: Mapping[str, str] | None = None,
        files: Mapping[int, bytes] | None = None,
        tables: Tables | None = None,
    ) -> list[Package]:
        """The packages of snapshot `index`, one per label (they share tables and CSV).

        The newest package's tables and documents are digested (`table_digests`,
        `document_keys`), and each table's CSV comes from what the previous build made
        (`earlier`, issue 22): whole when it was made of the same rows, else the lines of
        the rows that are the same (by each row's digest), the others made anew. A table
        whose key (`inputs`: a digest of what it is made of) is the previous build's is not
        digested again: its digests are the previous build's (`Earlier.same`). `files`: the
        digests of the records read from files, by `id` (`report_row_digests`). `tables`:
        the snapshot's as `tables(index)` made them, if it was called (not made again)."""
        snap = self.snapshots[index]
        if tables is None:
            tables = self.tables(index)
        digests: dict[str, str] = {}
        documents: dict[str, str] = {}
        digested: dict[str, list[bytes]] = {}  # each table's rows' digests
        positions: Positions | None = None
        before = earlier or Earlier()
        known: dict[str, tuple[str, list[bytes]]] = {}
        if LATEST in labels:
            for name in RESOURCES if inputs else ():
                same = before.same(name)
                if same is not None and len(same[1]) == len(tables[name]):
                    known[name] = same
            todo = [n for n in RESOURCES if n not in known]
            given = {}
            if files and "reports" in todo:
                given["reports"] = report_row_digests(self.data, tables["reports"], files)
            digests, digested = table_digests(tables, todo, given)
            for name, (digest, previous) in known.items():
                digests[name], digested[name] = digest, previous
            digests = {name: digests[name] for name in RESOURCES}
            positions = document_positions(tables)
            documents = document_keys(tables, digested, positions)
        csvs: dict[str, bytes] = {}
        csv_digests: dict[str, bytes] = {}  # of the CSVs taken whole: their stored digests
        reused: set[str] = set()
        indexes: dict[str, bytes] = {}
        fresh: dict[str, list[int]] = {}
        made: dict[str, list[bytes]] = {}
        for name in RESOURCES:
            rows = tables[name]
            whole = before.csv(name, digests[name]) if digests else None
            if whole is not None:
                csvs[name] = whole
                reused.add(name)
                known_csv = before.csv_digest(name)
                if known_csv is not None:
                    csv_digests[name] = known_csv
                continue
            lines = self.memo.lines.setdefault(name, {})
            if not digests:
                csvs[name] = csv_bytes(name, rows, lines)
                continue
            mine = digested[name]
            taken = before.lines(name)
            if taken:
                csvs[name], lengths, fresh[name] = csv_from_lines(name, rows, mine, taken)
                made[name] = mine
            else:
                csvs[name], lengths = csv_made(name, rows, lines)
            indexes[name] = row_index(mine, lengths)
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
                dict(inputs or {}),
                frozenset(known),
                dict(csv_digests),
            )
            for label in labels
        ]


def report_row_digests(
    data: Dataset, rows: list[Record], files: Mapping[int, bytes]
) -> list[bytes]:
    """The digest of each row of the reports table (`formats.table_digests`) without the
    `repr` of its text (issue 22: ~17 MB of text at 2,000 measures, half the table's
    digesting): a row whose text is its report's own (`Report.text`, the same object) is
    digested as its other values and the digest of the file the report was read from
    (`files`: its path and Git blob id, `cache.record_contents`), which the text is a
    function of; any other row as its `repr`. The two kinds never meet: the first begins
    with a byte (0x1d) that no `repr` of a row begins with."""
    at = field_names("reports").index("text")
    key = field_names("reports").index("id")
    reports = data.reports
    blake = hashlib.blake2b
    found: list[bytes] = []
    for row in rows:
        rep = reports.get(str(row[key]))
        read = files.get(id(rep)) if rep is not None and row[at] is rep.text else None
        if read is None:
            head, text = b"", repr(row)
        else:
            head, text = b"\x1d" + read, repr(row[:at] + row[at + 1 :])
        found.append(
            blake(head + text.encode("utf-8", "surrogatepass"), digest_size=ROW_DIGEST).digest()
        )
    return found


def build_packages(
    data: Dataset, history: History | None, snapshots: list[Snapshot]
) -> list[Package]:
    """Every snapshot's package in memory: quarter ends by quarter, the newest as 'latest'."""
    plan = package_plan(snapshots)
    maker = PackageMaker(data, history, snapshots)
    return [pkg for index, labels in plan for pkg in maker.make(index, labels)]
