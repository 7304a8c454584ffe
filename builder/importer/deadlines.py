"""Deadline wording of published plans («до 15 листопада», «II-IV квартали») to dates.

Pure: `parse_deadline(text, year)` returns a `models.Deadline` that keeps the wording verbatim
beside the start, end, recurrence and event it could read, and the list of what it could not
read (as messages of the catalogue, shown in the run's language). Nothing is guessed: an
unreadable wording keeps only its text and is flagged.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from .. import models as m
from ..errors import problem_params
from ..i18n import N_, render

MONTHS: dict[str, int] = {}
for _n, _forms in enumerate(
    (
        ("січень", "січня", "січні"),
        ("лютий", "лютого", "лютому"),
        ("березень", "березня", "березні"),
        ("квітень", "квітня", "квітні"),
        ("травень", "травня", "травні"),
        ("червень", "червня", "червні"),
        ("липень", "липня", "липні"),
        ("серпень", "серпня", "серпні"),
        ("вересень", "вересня", "вересні"),
        ("жовтень", "жовтня", "жовтні"),
        ("листопад", "листопада", "листопаді"),
        ("грудень", "грудня", "грудні"),
    ),
    start=1,
):
    for _form in _forms:
        MONTHS[_form] = _n

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}

RECURRENCES: dict[str, m.Recurrence] = {
    "щомісяця": m.Recurrence.MONTHLY,
    "щомісячно": m.Recurrence.MONTHLY,
    "щокварталу": m.Recurrence.QUARTERLY,
    "щоквартально": m.Recurrence.QUARTERLY,
    "раз на квартал": m.Recurrence.QUARTERLY,
    "раз на півроку": m.Recurrence.HALF_YEARLY,
    "раз на пів року": m.Recurrence.HALF_YEARLY,
    "щопівроку": m.Recurrence.HALF_YEARLY,
    "двічі на рік": m.Recurrence.HALF_YEARLY,
    "щорічно": m.Recurrence.YEARLY,
    "щороку": m.Recurrence.YEARLY,
    "раз на рік": m.Recurrence.YEARLY,
    "постійно": m.Recurrence.CONTINUOUS,
}

_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_YEAR = r"(?:\s+(\d{4})(?:\s*(?:року|рік|р\.?))?)?"
_RECURRENCE = "(" + "|".join(sorted(RECURRENCES, key=len, reverse=True)) + ")"

RE_NUMERIC = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s*р\.?)?$")
RE_DAY = re.compile(rf"^(\d{{1,2}})\s+{_MONTH}{_YEAR}$")
RE_MONTH = re.compile(rf"^(?:(?:у|в|протягом)\s+)?{_MONTH}{_YEAR}$")
RE_QUARTERS = re.compile(
    rf"^(?:(?:у|в|протягом)\s+)?(\d)(?:\s*-\s*(\d))?\s+(?:квартал|квартали|кварталу|кварталів){_YEAR}$"
)
RE_HALF = re.compile(rf"^(?:(?:у|в|протягом)\s+)?([12])\s+півріччя{_YEAR}$")
RE_YEAR = re.compile(
    r"^(?:(?:протягом|упродовж)\s+(?:(\d{4})\s+)?(?:року|рік)|(?:(?:у|в)\s+)?(\d{4})\s+(?:року|рік|р\.?))$"
)
RE_RECURRING = re.compile(rf"^{_RECURRENCE}(?:\s*,?\s*\((.+)\)|\s*,?\s+(до\s+.+))?$")
RE_BY = re.compile(r"^(?:до|не пізніше)\s+(.+)$")
RE_EVENT_START = re.compile(r"^(?:з дня|з моменту|з дати|після|протягом \S+ (?:днів|місяців) з)\s")
RE_EVENT_SPAN = re.compile(r"^(?:у|в)\s+\S+\s+строк\b|^(?:у|в)\s+\d+\s*-?\s*\S*\s+строк\b")
RE_ROMAN = re.compile(r"(?<![\w])([IІV]{1,4})(?![\w])")
DASHES = re.compile(r"\s*[-‐‑‒–—―]\s*")
DITTO = re.compile(r"^[-‐‑‒–—―]\s*[\"“”„«»'‘’]{1,2}\s*[-‐‑‒–—―]$")


@dataclass(frozen=True)
class Span:
    """What one wording says: start, end, recurrence, event (any may be missing)."""

    start: dt.date | None = None
    end: dt.date | None = None
    recurrence: m.Recurrence | None = None
    start_event: str | None = None


@dataclass(frozen=True)
class Issue:
    """Something a deadline's wording leaves unread: a message id of the catalogue
    (builder/i18n.py) and the values of its placeholders."""

    message_id: str
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, message_id: str, **params: object) -> Issue:
        """The issue `message_id` with `params` in its placeholders."""
        return cls(message_id, problem_params(params))

    def __str__(self) -> str:
        return render(self.message_id, dict(self.params))


@dataclass(frozen=True)
class ParsedDeadline:
    """A deadline with what could not be read in its wording (empty: read completely)."""

    deadline: m.Deadline
    issues: tuple[Issue, ...] = field(default=())


def clean(text: str) -> str:
    """The wording as it should be kept: no-break spaces and runs of blanks made single spaces."""
    return re.sub(r"[ \t\u00a0\u202f]+", " ", text.replace("\r", "")).strip()


def is_ditto(text: str) -> bool:
    """«-“-»: the cell repeats the cell above."""
    return bool(DITTO.match(clean(text)))


def normalise(text: str) -> str:
    """Lower case, one kind of dash, Roman numerals (Latin or Cyrillic І) as digits."""

    def roman(match: re.Match[str]) -> str:
        value = ROMAN.get(match.group(1).replace("І", "I"))
        return str(value) if value else match.group(1)

    s = clean(text).replace("\n", " ")
    s = RE_ROMAN.sub(roman, s)
    s = DASHES.sub(" - ", s).lower()
    s = re.sub(r"\s+", " ", s).strip(" .;,")
    return s.replace("( ", "(").replace(" )", ")")


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _quarter_span(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    return _month_span(year, 3 * first - 2)[0], _month_span(year, 3 * last)[1]


def _year_of(match: re.Match[str], group: int, year: int) -> int:
    text = match.group(group)
    return int(text) if text else year


def read_point(s: str, year: int) -> Span | None:
    """A wording that names a period or a date, without recurrence («травень», «9 грудня»)."""
    if mt := RE_NUMERIC.match(s):
        day = _day(int(mt.group(3)), int(mt.group(2)), int(mt.group(1)))
        return Span(day, day) if day else None
    if mt := RE_DAY.match(s):
        day = _day(_year_of(mt, 3, year), MONTHS[mt.group(2)], int(mt.group(1)))
        return Span(day, day) if day else None
    if mt := RE_MONTH.match(s):
        start, end = _month_span(_year_of(mt, 2, year), MONTHS[mt.group(1)])
        return Span(start, end)
    if mt := RE_QUARTERS.match(s):
        first, last = int(mt.group(1)), int(mt.group(2) or mt.group(1))
        if not (1 <= first <= last <= 4):
            return None
        start, end = _quarter_span(_year_of(mt, 3, year), first, last)
        return Span(start, end)
    if mt := RE_HALF.match(s):
        half = int(mt.group(1))
        start, end = _quarter_span(_year_of(mt, 2, year), 2 * half - 1, 2 * half)
        return Span(start, end)
    if mt := RE_YEAR.match(s):
        y = int(mt.group(1) or mt.group(2) or year)
        return Span(dt.date(y, 1, 1), dt.date(y, 12, 31))
    if s in ("до кінця року", "до кінця поточного року"):
        return Span(None, dt.date(year, 12, 31))
    return None


def read_range(s: str, year: int) -> Span | None:
    """«січень - грудень», «01.03.2023 - 30.06.2023», «травень 2018 - січень 2019»."""
    parts = s.split(" - ")
    if len(parts) != 2:
        return None
    # «січень - грудень 2019»: a year written only at the end belongs to both ends.
    tail = re.search(r"\s(\d{4})(?:\s*(?:року|рік|р\.?))?$", parts[1])
    left_year = int(tail.group(1)) if tail and not re.search(r"\d{4}", parts[0]) else year
    left, right = read_point(parts[0], left_year), read_point(parts[1], year)
    if left is None or right is None or left.start is None or right.end is None:
        return None
    if left.start > right.end:
        return None
    return Span(left.start, right.end)


def read_single(s: str, year: int) -> tuple[Span | None, str, str]:
    """One wording: its span, or None and why it could not be read ("event", "event-span",
    "inner" with the date in brackets that could not be read, "by", "unknown")."""
    if (mt := RE_BY.match(s)) and (point := read_point(mt.group(1), year)) and point.end:
        return Span(None, point.end), "", ""
    if mt := RE_RECURRING.match(s):
        recurrence = RECURRENCES[mt.group(1)]
        inner = mt.group(2) or mt.group(3)
        if not inner:
            return Span(recurrence=recurrence), "", ""
        span, _why, _inner = read_single(normalise(inner), year)
        if span is None or span.recurrence is not None:
            return None, "inner", inner
        return Span(span.start, span.end, recurrence), "", ""
    if RE_EVENT_START.match(s):
        return None, "event", ""
    if RE_EVENT_SPAN.match(s):
        return None, "event-span", ""
    span = read_point(s, year) or read_range(s, year)
    if span is not None:
        return span, "", ""
    if RE_BY.match(s):
        return None, "by", ""
    return None, "unknown", ""


UNREAD = {
    "event": N_("«{part}» is tied to an event, not a date: kept as text"),
    "event-span": N_("«{part}» counts from an event the plan does not name: kept as text"),
    "inner": N_("«{part}»: the date in «{inner}» cannot be read: kept as text"),
    "by": N_("«{part}»: the date after «до» cannot be read: kept as text"),
    "unknown": N_("«{part}»: no known deadline wording: kept as text"),
}


def _explain(part: str, why: str, inner: str) -> Issue:
    if why == "inner":
        return Issue.of(UNREAD[why], part=part, inner=inner)
    return Issue.of(UNREAD[why], part=part)


def parse_deadline(text: str, year: int) -> ParsedDeadline:
    """Read a deadline wording; `year` is the plan's year, used where none is written."""
    kept = clean(text).replace("\n", " ")
    kept = re.sub(r"\s+", " ", kept)
    if not kept:
        return ParsedDeadline(m.Deadline(text="—"), (Issue.of(N_("the deadline is empty")),))
    raw_parts = [p for p in re.split(r";", kept) if p.strip(" .,")]
    spans: list[Span] = []
    issues: list[Issue] = []
    compound = len(raw_parts) > 1
    for raw in raw_parts:
        part, shown = normalise(raw), clean(raw).strip(" .;,")
        span, why, inner = read_single(part, year)
        if (
            span is None
            and " - " in part
            and read_single(part.rpartition(" - ")[0], year)[0] is None
        ):
            # «за загальними показниками … - раз на рік (до 31 грудня)»: a condition, then a wording
            qualified, why_tail, _inner = read_single(part.rpartition(" - ")[2], year)
            condition, _, tail = DASHES.sub(" - ", shown).rpartition(" - ")
            if qualified is not None:
                span = qualified
                issues.append(
                    Issue.of(
                        N_("the condition «{condition}» is kept only in the text"),
                        condition=condition,
                    )
                )
            elif why_tail.startswith("event"):
                why, shown = why_tail, tail
        if span is None:
            if why == "event" and not compound:
                said = N_("«{part}» is tied to an event: recorded as start_event, no dates")
                return ParsedDeadline(
                    m.Deadline(text=kept, start_event=shown), (Issue.of(said, part=shown),)
                )
            issues.append(_explain(shown, why, inner))
            continue
        spans.append(span)
    if compound:
        issues.insert(
            0,
            Issue.of(
                N_("compound wording of {parts} parts: dates combine what was read"),
                parts=len(raw_parts),
            ),
        )
    if not spans:
        return ParsedDeadline(m.Deadline(text=kept), tuple(issues))
    starts = [s.start for s in spans]
    ends = [s.end for s in spans]
    recurrences = {s.recurrence for s in spans if s.recurrence}
    if len(recurrences) > 1:
        issues.append(Issue.of(N_("the parts recur differently: no recurrence recorded")))
    start = min(starts) if all(starts) else None  # type: ignore[type-var]
    end = max(ends) if all(ends) else None  # type: ignore[type-var]
    deadline = m.Deadline(
        text=kept,
        start=start,
        end=end,
        recurrence=recurrences.pop() if len(recurrences) == 1 else None,
    )
    return ParsedDeadline(deadline, tuple(issues))
