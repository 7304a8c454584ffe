"""Ukrainian wording, stated once: dates, numbers and shares, quarter names, and the labels
and colours of statuses, timeliness states and aggregate levels used by every view."""

from __future__ import annotations

import datetime as dt

from . import models as m
from .quarters import is_quarter_end

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

TIMELINESS_LABELS = {
    "on_time": "вчасно",
    "late": "із запізненням",
    "missing": "не подано",
    "pending": "очікується",
}
LEVEL_LABELS = {
    "programme": "програма",
    "direction": "напрям",
    "problem": "проблема",
    "result": "ОСР",
    "executor": "виконавець",
}
STATUS_COLORS = {
    m.Status.DONE: "#2e7d32",
    m.Status.PARTLY_DONE: "#8bc34a",
    m.Status.IN_PROGRESS: "#1976d2",
    m.Status.NOT_DONE: "#c62828",
    m.Status.NOT_STARTED: "#9e9e9e",
}
TIMELINESS_COLORS = {
    "on_time": "#2e7d32",
    "late": "#ef6c00",
    "missing": "#c62828",
    "pending": "#9e9e9e",
}
TIMELINESS = {
    state: (TIMELINESS_LABELS[state], TIMELINESS_COLORS[state]) for state in TIMELINESS_COLORS
}

# What an amendment changes, as a person reads it (fields of models.Amendment); the executors'
# fields read as one word, «виконавці».
AMENDED_FIELDS = {
    "number": "номер",
    "title": "назва",
    "section": "завдання",
    "results": "ОСР",
    "deadline": "строк",
    "main_executor": "виконавці",
    "co_executors": "виконавці",
    "executor_groups": "виконавці",
    "funding": "фінансування",
    "performance_indicators": "показники виконання",
}


def amendment_summary(am: m.Amendment) -> str:
    """What one amendment does, in a few words: «строк, виконавці»; «вилучено»; «поділено на
    заходи 1.2.1, 1.2.2»."""
    parts = list(dict.fromkeys(AMENDED_FIELDS[f] for f in am.changes()))
    if am.added:
        parts.insert(0, "включено до програми")
    if am.split_into:
        parts.append("поділено на заходи " + ", ".join(am.split_into))
    if am.replaced_by:
        parts.append(f"замінено заходом {am.replaced_by}")
    if am.renumbered_to:
        parts.append(f"перенумеровано: тепер захід {am.renumbered_to}")
    if am.removed:
        parts.append("вилучено з програми")
    return ", ".join(parts)


def ua_date(day: dt.date | None) -> str:
    """31.12.2024, the way dates are written in Ukrainian documents; «—» for no date."""
    return day.strftime("%d.%m.%Y") if day else "—"


def ua_pct(value: float, whole: int = 1, sign: bool = True) -> str:
    """30,8% — one decimal place with a decimal comma (`sign=False`: 30,8); «—» when there
    is nothing to count (`whole`, the denominator, is 0: no measure due, no report owed)."""
    if not whole:
        return "—"
    text = f"{value:.1f}".replace(".", ",")
    return text + "%" if sign else text


def ua_num(value: float) -> str:
    """A number with a decimal comma and no trailing zeros (12,5; 30)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def period_label(period: str, formal: bool = False) -> str:
    """«II квартал 2024» for 2024-Q2; `formal` (letters): «II квартал 2024 р.»."""
    year, q = m.parse_period(period)
    return f"{ROMAN[q]} квартал {year}" + (" р." if formal else "")


def snapshot_label(day: dt.date) -> str:
    """«IV кв. 2024» for a quarter end, the date otherwise."""
    if is_quarter_end(day):
        return f"{ROMAN[day.month // 3]} кв. {day.year}"
    return ua_date(day)
