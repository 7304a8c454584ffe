"""A measure as the programme said it on a day: its original text with the amendments in force.

A measure's file holds the programme's original text at the top and its amendments below, each
with the day it takes effect and the new values of what it changes. "The measure as of D" is the
original with every amendment dated on or before D applied in date order (amendments of one day
in the order they are listed). Pure: models in, models out; an unamended measure is returned as
it is, so a programme without amendments costs nothing here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from . import models as m
from .quarters import quarter_bounds

if TYPE_CHECKING:
    from .load import Dataset


@dataclass(frozen=True, slots=True)
class Version:
    """One version of a measure: what it said from `since` to `until` (inclusive)."""

    measure: m.Measure  # the measure as in force (its `amendments` kept whole, for history)
    number: int  # 0 for the original text, then 1, 2, … in date order
    since: dt.date | None  # the day it took effect; None: the original text
    until: dt.date | None  # its last day; None: still in force
    amendments: tuple[m.Amendment, ...]  # the amendments that took effect on `since`
    in_force: bool  # False: not yet in the programme (before the amendment that added it)


Dated = TypeVar("Dated", m.Amendment, m.ResultAmendment, m.SectionAmendment)


def in_order(amendments: Iterable[Dated]) -> list[Dated]:
    """Amendments in date order; those of one day keep the order they are listed in."""
    return sorted(amendments, key=lambda a: a.date)


def _apply(original: m.Measure, amendments: list[m.Amendment]) -> m.Measure:
    """The original with `amendments` (in date order) applied."""
    update: dict[str, object] = {}
    removed = original.removed
    for a in amendments:
        update.update(a.changes())
        if a.title is not None:  # a new title's English is the amendment's own, or none
            update["title_en"] = a.title_en
        if a.added:
            removed = None
        elif a.ends():
            removed = a.date
    if removed != original.removed:
        update["removed"] = removed
    return original.model_copy(update=update) if update else original


# A measure's amendments in date order and the versions made of them, by record: a record is
# frozen, so what is worked out from it once holds for the whole process (validation and the
# engine ask for the version of one measure in force on the days of every report and quarter:
# tens of thousands of copies made again otherwise). Each memo holds the record itself, so
# its id (the key) cannot be taken by another object while it is kept; both are dropped
# whole past MEMO_LIMIT entries.
_ORDERED: dict[int, tuple[m.Measure, list[m.Amendment], list[dt.date]]] = {}
_VERSIONS: dict[tuple[int, int], tuple[m.Measure, m.Measure]] = {}
MEMO_LIMIT = 100_000


def _ordered(original: m.Measure) -> tuple[list[m.Amendment], list[dt.date]]:
    """`in_order(original.amendments)` and their dates, worked out once per record."""
    found = _ORDERED.get(id(original))
    if found is None or found[0] is not original:
        if len(_ORDERED) >= MEMO_LIMIT or len(_VERSIONS) >= MEMO_LIMIT:
            _ORDERED.clear()
            _VERSIONS.clear()
        ordered = in_order(original.amendments)
        found = _ORDERED[id(original)] = (original, ordered, [a.date for a in ordered])
    return found[1], found[2]


def measure_as_of(original: m.Measure, day: dt.date) -> m.Measure:
    """The measure as of `day`: its original text with the amendments dated <= `day` applied.

    `original` is the record as written in its file (a version is never amended again)."""
    if not original.amendments:
        return original
    ordered, dates = _ordered(original)
    n = bisect_right(dates, day)  # the amendments in force: the first n in date order
    found = _VERSIONS.get((id(original), n))
    if found is None or found[0] is not original:
        found = _VERSIONS[(id(original), n)] = (original, _apply(original, ordered[:n]))
    return found[1]


def current(original: m.Measure) -> m.Measure:
    """The measure with every amendment applied (its latest version, planned ones included)."""
    if not original.amendments:
        return original
    return _apply(original, in_order(original.amendments))


def main_executor_on(original: m.Measure, day: dt.date) -> str:
    """The main executor in force on `day` (what `measure_as_of` would say, without the copy)."""
    found = original.main_executor.executor
    if not original.amendments:
        return found
    for a in _ordered(original)[0]:
        if a.date > day:
            break
        if a.main_executor is not None:
            found = a.main_executor.executor
    return found


def in_period(original: m.Measure, period: str) -> m.Measure:
    """The measure as in force in a reporting quarter ('2024-Q3'): as of the quarter's last day."""
    return measure_as_of(original, quarter_bounds(period)[1])


def added_on(original: m.Measure) -> dt.date | None:
    """The day an amendment brought the measure into the programme, if one did (the first)."""
    if not original.amendments:
        return None
    return next((a.date for a in _ordered(original)[0] if a.added), None)


def in_programme(original: m.Measure, day: dt.date) -> bool:
    """The measure is part of the programme on `day`: added by then, not ended by then."""
    added = added_on(original)
    if added is not None and added > day:
        return False
    version = measure_as_of(original, day)
    return version.removed is None or version.removed > day


def versions(original: m.Measure) -> list[Version]:
    """Every version of the measure, from the original text, with the days each was in force.

    Amendments that take effect on the same day make one version."""
    days = sorted({a.date for a in original.amendments})
    added = added_on(original)
    found: list[Version] = []
    for n, since in enumerate([None, *days]):
        until = days[n] - dt.timedelta(days=1) if n < len(days) else None
        taking: tuple[m.Amendment, ...] = ()
        if since is None:
            measure = original
        else:
            measure = measure_as_of(original, since)
            taking = tuple(a for a in original.amendments if a.date == since)
        # Before the amendment that added it, a measure is not yet in the programme; an ended
        # one says so by its `removed` day (the engine compares it with each date).
        in_force = added is None or (since is not None and since >= added)
        found.append(Version(measure, n, since, until, taking, in_force))
    return found


def result_as_of(original: m.ExpectedResult, day: dt.date) -> m.ExpectedResult:
    """An ОСР as of `day`: its original title and indicators with the amendments dated <= `day`."""
    update: dict[str, object] = {}
    for a in in_order(original.amendments):
        if a.date <= day:
            changed = (("title", a.title), ("indicators", a.indicators))
            update.update({k: v for k, v in changed if v is not None})
            if a.title is not None:  # a new title's English is the amendment's own, or none
                update["title_en"] = a.title_en
    return original.model_copy(update=update) if update else original


def section_as_of(original: m.Section, day: dt.date) -> m.Section:
    """A section as of `day`: its original title, or the last amended one dated <= `day`
    (with the amendment's English title, or none)."""
    title, title_en = original.title, original.title_en
    for a in in_order(original.amendments):
        if a.date <= day and a.title is not None:
            title, title_en = a.title, a.title_en
    if title == original.title and title_en == original.title_en:
        return original
    return original.model_copy(update={"title": title, "title_en": title_en})


def evaluated_version(original: m.ExpectedResult, year: int) -> m.ExpectedResult:
    """The ОСР whose indicators an evaluation of `year` scores: as in force on 31 December."""
    return result_as_of(original, dt.date(year, 12, 31))


def texts(data: Dataset) -> dict[str, m.Measure]:
    """The measures as written in their files (original text and amendments)."""
    return data.texts or data.measures


def dataset_as_of(data: Dataset, day: dt.date) -> Dataset:
    """The data with each measure (and each section's title) as in force on `day`; the
    measures as written in their files kept in `texts`. ОСР stay as written: their indicators
    in force depend on the date of each use (`result_as_of`, `evaluated_version`)."""
    written = texts(data)
    return dataclasses.replace(
        data,
        measures={mid: measure_as_of(ms, day) for mid, ms in written.items()},
        sections={sid: section_as_of(s, day) for sid, s in data.sections.items()},
        texts=written,
    )
