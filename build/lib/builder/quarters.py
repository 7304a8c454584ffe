"""The reporting calendar, stated once: quarters, their reporting windows and NACP's
monitoring window, quarter ends, and where a day falls in the quarterly cycle."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from . import models as m


@dataclass(frozen=True, slots=True)
class Quarter:
    """A reporting period with its reporting window."""

    period: str
    start: dt.date
    end: dt.date
    window_start: dt.date
    window_end: dt.date


@dataclass(frozen=True)
class Cycle:
    """Where a date falls in the quarterly reporting cycle."""

    period: str  # the quarter being reported on
    phase: str  # "open" | "closing" | "overdue"
    window_start: dt.date
    window_end: dt.date
    closing_from: dt.date


def quarter_of(day: dt.date) -> tuple[int, int]:
    """Year and quarter (1–4) containing a day."""
    return day.year, (day.month - 1) // 3 + 1


def period_of(day: dt.date) -> str:
    """'2024-Q4' for a day in the fourth quarter of 2024."""
    year, q = quarter_of(day)
    return f"{year}-Q{q}"


def is_quarter_end(day: dt.date) -> bool:
    """31.03, 30.06, 30.09 or 31.12."""
    return day.month in (3, 6, 9, 12) and (day + dt.timedelta(days=1)).day == 1


def _next_month(year: int, q: int) -> dt.date:
    """The first day after quarter `q` of `year`."""
    return dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)


@functools.lru_cache(maxsize=512)
def quarter_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a 'YYYY-Qn' quarter."""
    year, q = m.parse_period(period)
    return dt.date(year, 3 * q - 2, 1), _next_month(year, q) - dt.timedelta(days=1)


def make_quarter(year: int, q: int, reporting: m.Reporting) -> Quarter:
    """The quarter and its window: days window_start_day..window_end_day of the next month."""
    start = dt.date(year, 3 * q - 2, 1)
    nxt = _next_month(year, q)
    return Quarter(
        f"{year}-Q{q}",
        start,
        nxt - dt.timedelta(days=1),
        nxt.replace(day=reporting.window_start_day),
        nxt.replace(day=reporting.window_end_day),
    )


def programme_quarters(programme: m.Programme) -> list[Quarter]:
    """Every quarter that overlaps the programme period, in order."""
    year, q = quarter_of(programme.period.start)
    last = quarter_of(programme.period.end)
    found = []
    while (year, q) <= last:
        found.append(make_quarter(year, q, programme.reporting))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return found


def quarter_ends(programme: m.Programme, as_of: dt.date) -> list[dt.date]:
    """Programme quarter ends on or before `as_of`."""
    return [q.end for q in programme_quarters(programme) if q.end <= as_of]


def quarter_window(programme: m.Programme, period: str) -> tuple[dt.date, dt.date]:
    """First and last day of the reporting window of a quarter (days of the month after it)."""
    quarter = make_quarter(*m.parse_period(period), programme.reporting)
    return quarter.window_start, quarter.window_end


def previous_period(period: str) -> str:
    """The quarter before."""
    year, q = m.parse_period(period)
    return f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"


def reporting_cycle(programme: m.Programme, as_of: dt.date) -> Cycle:
    """The quarter being reported on at `as_of` and the phase: window open, closing, or past."""
    period = previous_period(period_of(as_of))
    start, end = quarter_window(programme, period)
    if as_of < start:  # a window opening later than the 1st: still after the previous one
        period = previous_period(period)
        start, end = quarter_window(programme, period)
    closing_from = end - dt.timedelta(days=programme.reminders.window_closing_days)
    if as_of > end:
        phase = "overdue"
    elif as_of >= closing_from:
        phase = "closing"
    else:
        phase = "open"
    return Cycle(period, phase, start, end, closing_from)


def monitoring_deadline(period: str) -> dt.date:
    """The end of NACP's monitoring window for a quarter (16.05 for Q1, … 16.02 for Q4)."""
    year, q = m.parse_period(period)
    month = 3 * q + 2
    return dt.date(year + (month > 12), (month - 1) % 12 + 1, 16)
