"""What each snapshot's data package is made of, listed for its key (issue 22): the values
`package_inputs` gives, how they are grouped so that each is digested once per build, and
which of them each table reads (`READS`). The digesting is opendata/incremental.py's."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .. import models as m
from ..compute import Snapshot
from ..load import Dataset
from ..versions import texts
from .rows import Memo, status_records


class Items(list[object]):
    """The reports' dates of one group of `Shown`, digested as one `repr` (a group is
    digested once per build, so its items need no digest of their own)."""


class AsJson(list[object]):
    """Records of `package_inputs` digested as their JSON, never as the file they were read
    from: some are copies made for a date (a measure without its later amendments), equal to
    the file's record a build before the amendment came."""


class Shown(list[object]):
    """Records of one kind that a package shows, as groups: each group the records first
    shown on one snapshot's date (dated after the date before it, by its own), in their
    published order, and last the undated ones (the latest package only). A package shows
    the groups of every date up to its own, so the groups are the same objects in every
    package that shows them and each is digested once per build (issue 22: the older
    packages' 15,000 reports and assessments are not listed and digested again, package by
    package). The groups a package shows hold exactly the records dated by its day, and each
    group names its records, so the groups tell the packages' lists apart as the lists do."""


@dataclass
class Listed:
    """What `package_inputs` lists once per build (`Memo.listed`): of the dataset `data`,
    the measures' texts in their order, those amended with the day of their last amendment,
    and the reports' and assessments' groups (`Shown`) by the snapshots' dates."""

    data: Dataset
    dates: list[dt.date]  # the snapshots' dates, each once, in order
    measures: list[m.Measure]
    amended: list[tuple[int, m.Measure, dt.date]]
    reports: list[tuple[object, ...]]  # one group per date, then the undated
    assessments: list[tuple[object, ...]]


def _grouped(
    order: list[str], days: list[dt.date | None], dates: list[dt.date], parts: list[list[Any]]
) -> list[tuple[object, ...]]:
    """The records of `order` grouped by the first of `dates` on or after their day (those
    dated after every date in no group; the undated last), each group as its records' keys
    and, for each list of `parts` (in `order`'s order), its items."""
    place = len(dates) + 1  # after every date: shown by no package
    where = [
        len(dates) if day is None else bisect_left(dates, day) if day <= dates[-1] else place
        for day in days
    ]
    groups: list[list[list[Any]]] = [[[] for _ in range(len(parts) + 1)] for _ in range(place + 1)]
    for i, at in enumerate(where):
        group = groups[at]
        group[0].append(order[i])
        for j, part in enumerate(parts, 1):
            group[j].append(part[i])
    return [
        (keys, Items(first), *others) if len(parts) > 1 else (keys, first)
        for keys, first, *others in groups[:place]
    ]


def _listed(data: Dataset, memo: Memo, snapshots: list[Snapshot]) -> Listed:
    """`Listed` for this build (made at the first package's key)."""
    found = memo.listed
    if isinstance(found, Listed) and found.data is data:
        return found
    dates = sorted({snap.as_of for snap in snapshots})
    written = texts(data)
    measures = [written[mid] for mid in memo.measure_order]
    amended = [
        (i, text, max(am.date for am in text.amendments))
        for i, text in enumerate(measures)
        if text.amendments
    ]
    report_days = [memo.dates[k][0] for k in memo.report_order]
    reports = _grouped(
        memo.report_order,
        report_days,
        dates,
        [[memo.dates[k] for k in memo.report_order], [data.reports[k] for k in memo.report_order]],
    )
    assessments = _grouped(
        memo.assessment_order,
        [data.assessments[k].date for k in memo.assessment_order],
        dates,
        [[data.assessments[k] for k in memo.assessment_order]],
    )
    memo.listed = found = Listed(data, dates, measures, amended, reports, assessments)
    return found


def package_inputs(
    data: Dataset, memo: Memo, snapshots: list[Snapshot], index: int, latest: bool
) -> Iterator[tuple[object, ...]]:
    """Everything `snapshot_tables(…, index, latest)` reads, as values to digest (the key of
    the package in opendata/incremental.py). Keep it in step with `snapshot_tables`: a value
    read there and missing here would let a changed package be served stale (the tests build
    each kind of change both ways and compare the files).

    Records dated after the snapshot are left out exactly as the tables leave them out, and a
    measure is read as its text with the amendments known on that day, so a new report, or a
    later amendment, leaves the older packages' keys as they were. Each kind of record comes
    as one list, the reports and assessments as the groups of the dates up to the package's
    own (`Shown`), each the same object in every package (issue 22: the keys of the 13
    packages of a national programme are digested without a pass per record and package)."""
    snap = snapshots[index]
    as_of = snap.as_of
    yield ("as_of", as_of, snap.computed_on, latest)
    yield ("programme", data.programme)  # the programme table, legal acts, descriptor, README
    for kind, records in (
        ("sections", data.sections),
        ("results", data.results),  # ОСР, indicators (amended ones as of)
        ("executors", data.executors),
    ):
        ids = sorted(records)
        yield (kind, ids, [records[i] for i in ids])
    yield ("names", sorted(memo.names.items()))
    listed = _listed(data, memo, snapshots)
    measures = list(listed.measures)
    for i, text, last in listed.amended:
        if last > as_of:  # an amendment not yet known on the day
            known = [am for am in text.amendments if am.date <= as_of]
            key = (text.id, len(known))  # the amendments are in their order (dated)
            copy = memo.known_as.get(key)
            if copy is None or copy.amendments != known:
                copy = memo.known_as[key] = text.model_copy(update={"amendments": known})
            measures[i] = copy
    yield ("measures", memo.measure_order, AsJson(measures))
    # the reports approved by as_of (`_dated_by`: undated ones in the latest package only),
    # the assessments dated by then: the groups of the dates up to this one (`Shown`)
    shown = bisect_right(listed.dates, as_of)
    undated = [listed.reports[-1]] if latest else []
    yield ("reports", Shown([*listed.reports[:shown], *undated]))
    yield ("assessments", Shown(listed.assessments[:shown]))
    evaluated = [score.evaluation for score in snap.scores.values()]
    yield ("evaluations", evaluated, [data.evaluations[k] for k in evaluated])
    # Of the snapshots, what the tables show: the measures' states (in the measures table as
    # in measure_status) and the aggregates of every date up to this one as their rows, the
    # reports due and the scores of this one (issue 22: digesting the rows, made for the
    # tables anyway, instead of the snapshots' objects)
    for i in range(index + 1):
        yield ("status", i, *status_records(memo, snapshots, i))
    yield ("due", list(snap.due))
    yield ("scores", list(snap.scores), list(snap.scores.values()))
    yield ("feedback", [fb for fb in data.feedback.values() if fb.date <= as_of])
    yield ("notices", [nt for nt in data.notices.values() if nt.date <= as_of])


# Which values of `package_inputs` (by their first item, the kind) each table of a package is
# made of, besides those every table reads (`COMMON`): a table's key in the newest package
# digests exactly these (issue 22: a table whose inputs are unchanged is not digested row by
# row again; opendata/incremental.py `package_keys`). Keep it in step with `snapshot_tables`:
# a kind missing here would let a changed table be served stale (the tests change each kind
# and compare the files with a clean build's).
COMMON = ("as_of", "programme", "sections", "results", "executors", "names")
READS: dict[str, tuple[str, ...]] = {
    "programme": (),
    "legal_acts": (),
    "sections": (),
    "results": (),
    "indicators": (),
    "subindicators": (),
    "measures": ("measures", "status"),  # each measure's state: in its status rows
    "measure_results": ("measures",),
    "measure_executors": ("measures",),
    "measure_executor_groups": ("measures",),
    "measure_performance_indicators": ("measures",),
    "measure_amendments": ("measures",),
    "measure_versions": ("measures",),
    "executors": (),
    "reports": ("reports",),
    "report_evidence": ("reports",),
    "assessments": ("assessments",),
    "assessment_reports": ("assessments", "reports"),  # only the reports shown
    "assessment_sources": ("assessments",),
    "evaluations": ("evaluations", "scores"),
    "evaluation_indicators": ("evaluations", "scores"),
    "evaluation_components": ("evaluations", "scores"),
    "measure_status": ("status",),
    "aggregates": ("status",),
    "reporting_timeliness": ("due",),
    "feedback": ("feedback",),
    "notices": ("notices",),
    "notice_links": ("notices",),
}
