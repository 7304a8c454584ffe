"""What the demonstration's amending act does to its measures, at about the rate of the real
one (resolution 1194 of 18.10.2024 changed the texts, deadlines or executors of many measures
and removed ~3%): extended deadlines, reassigned main executors, new titles, removed, split and
renumbered measures.

A measure is simulated with the values in force at the end (demo/measures.py); this turns it
into its original text plus one amendment, and keeps its records consistent with the version
in force in each quarter: the reports before a reassignment are the old executor's, a removed
measure has no reports or assessments from the quarter it left in.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from ..quarters import quarter_bounds
from .words import ACTIONS, OBJECTS

Records = list[tuple[str, dict[str, Any]]]

# Shares of the measures an amendment touches, by what it does (the rest are left as they are).
RATES = (
    ("extended", 0.10),
    ("reassigned", 0.04),
    ("retitled", 0.04),
    ("removed", 0.02),
    ("split", 0.01),
    ("renumbered", 0.005),
)
NOTE = "Зміни внесено за пропозицією головного виконавця"


def draw(rng: random.Random) -> str | None:
    """What the amending act does to one measure, if anything."""
    roll, acc = rng.random(), 0.0
    for kind, share in RATES:
        acc += share
        if roll < acc:
            return kind
    return None


def quarter_of(day: dt.date) -> str:
    """The period a day falls in: '2024-Q4'."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def amend(
    rng: random.Random,
    kind: str,
    measure: dict[str, Any],
    reports: Records,
    assessments: Records,
    act: str,
    day: dt.date,
    others: list[str],
    agreement: dict[str, bool],
) -> tuple[Records, Records, str | None]:
    """Apply `kind` to a measure simulated with its final values: its original text at the top
    and the amendment of `day` below; the records it keeps; the kind applied (None when it does
    not fit the measure: an extension needs a deadline ending after the act, …)."""
    deadline = measure["deadline"]
    end: dt.date | None = deadline.get("end")
    amendment: dict[str, Any] = {"date": day, "act": act}
    if kind == "extended":
        if end is None or quarter_of(end) <= quarter_of(day):
            return reports, assessments, None
        # The original deadline ended at the end of a quarter between the act and the new end:
        # the act extended it before it expired.
        first, last = quarter_bounds(quarter_of(day))[1], quarter_bounds(quarter_of(end))[0]
        start: dt.date | None = deadline.get("start")
        ends = [q for q in _quarter_ends(first, last) if q < end and (start is None or start < q)]
        if not ends:
            return reports, assessments, None
        original = rng.choice(ends)
        amendment["deadline"] = dict(deadline)
        measure["deadline"] = {
            **{k: v for k, v in deadline.items() if k != "recurrence"},
            "text": f"до {original.strftime('%d.%m.%Y')}",
            "end": original,
        }
    elif kind == "reassigned":
        main = measure["main_executor"]["executor"]
        co = {c["executor"] for c in measure["co_executors"]}
        candidates = [e for e in others if e != main and e not in co]
        if not candidates:
            return reports, assessments, None
        old = rng.choice(candidates)
        amendment["main_executor"] = dict(measure["main_executor"])
        measure["main_executor"] = {"executor": old, "by_agreement": agreement[old]}
        for period, rec in reports:
            if quarter_bounds(period)[1] < day:
                rec["executor"] = old  # the version in force then: the old main executor
    elif kind == "retitled":
        amendment["title"] = measure["title"]
        measure["title"] = f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)}"
    else:  # removed, split or renumbered: the measure leaves the programme on `day`
        if end is not None and end < day:
            return reports, assessments, None
        amendment["removed"] = True
        reports = [(p, r) for p, r in reports if quarter_bounds(p)[1] < day]
        assessments = [(p, a) for p, a in assessments if quarter_bounds(p)[1] < day]
        if measure.get("completed") and measure["completed"] >= day:
            del measure["completed"]
    if kind in ("extended", "reassigned", "retitled"):
        amendment["note"] = NOTE
    measure["amendments"] = [amendment]
    return reports, assessments, kind


def successor_ids(kind: str, mid: str) -> list[str]:
    """The ids of the measures that take a split or renumbered measure's place."""
    if kind == "split":
        return [f"{mid}.1", f"{mid}.2"]
    if kind == "renumbered":
        return [f"{mid}.1"]
    return []


def hand_over(measure: dict[str, Any], kind: str, successors: list[str]) -> None:
    """Name the successors in the amendment that removed the measure."""
    amendment = measure["amendments"][0]
    del amendment["removed"]
    if kind == "split":
        amendment["split_into"] = successors
    else:
        amendment["renumbered_to"] = successors[0]


def _quarter_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Quarter ends from `first` (a quarter end) up to `last`."""
    found = []
    day = first
    while day <= last:
        found.append(day)
        day = quarter_bounds(quarter_of(day + dt.timedelta(days=1)))[1]
    return found
