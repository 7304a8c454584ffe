"""Wording, stated once: dates, numbers and shares, quarter names, the order of Ukrainian
text, plural forms, and the labels and colours of statuses, timeliness states and aggregate
levels used by every view — in Ukrainian, and for the site's English edition through an
`Edition` (the language a page is written in).

The official terms (statuses, monitoring-result labels, timeliness states, levels, ОСР states,
report kinds) are message ids of the site's catalogue (`S_`, the `site` domain of
builder/i18n.py): their Ukrainian text is in locale/uk/LC_MESSAGES/site.po and equals the
value kept in the data (tests/test_wording_en.py), their English text — as NACP's portal words
it in its English pages — in locale/en/LC_MESSAGES/site.po. The glossary page lists them.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from . import models as m
from . import scores
from .i18n import S_, SiteCatalogue, site_catalogue
from .quarters import is_quarter_end

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

# ---------------------------------------------------------------- official terms

STATUS_TERMS: dict[m.Status, str] = {
    m.Status.DONE: S_("Implemented"),
    m.Status.PARTLY_DONE: S_("Partially implemented"),
    m.Status.IN_PROGRESS: S_("In progress"),
    m.Status.NOT_DONE: S_("Not implemented"),
    m.Status.NOT_STARTED: S_("Not started"),
}
LABEL_TERMS: dict[m.ResultLabel, str] = {
    m.ResultLabel.DONE_ON_TIME: S_("The measure was implemented on time and in full"),
    m.ResultLabel.DONE_LATE_OR_PARTLY: S_("The measure was implemented late or not in full"),
    m.ResultLabel.NOT_DONE: S_("The measure has not been implemented"),
    m.ResultLabel.PROGRESS: S_("There is progress in the implementation of the measure"),
    m.ResultLabel.STARTED_ON_TIME: S_("Implementation of the measure started on time"),
    m.ResultLabel.STARTED_LATE: S_("Implementation of the measure started late"),
}
TIMELINESS_TERMS = {
    "on_time": S_("on time"),
    "late": S_("late"),
    "missing": S_("not submitted"),
    "pending": S_("pending"),
}
LEVEL_TERMS = {  # the levels of aggregates
    "programme": S_("programme"),
    "direction": S_("direction"),
    "problem": S_("problem"),
    "result": S_("ESR"),
    "executor": S_("implementer"),
}
SECTION_TERMS: dict[m.SectionLevel, str] = {
    m.SectionLevel.DIRECTION: S_("direction"),
    m.SectionLevel.PROBLEM: S_("problem"),
    m.SectionLevel.TASK: S_("task"),
}
ACHIEVEMENT_TERMS = {  # the level of an ОСР's score
    scores.LEVEL_LOW: S_("low"),
    scores.LEVEL_MEDIUM: S_("medium"),
    scores.LEVEL_HIGH: S_("high"),
}
ESR_STATE_TERMS = {  # an ОСР against the previous year (I.2)
    scores.STATE_ACHIEVED: S_("achieved"),
    scores.STATE_PROGRESS: S_("progress"),
    scores.STATE_NO_PROGRESS: S_("no progress"),
    scores.STATE_REGRESS: S_("regress"),
}
REPORT_KIND_TERMS: dict[m.ReportKind, str] = {
    m.ReportKind.PROGRESS: S_("on the progress of implementation"),
    m.ReportKind.RESULT: S_("on the result of implementation"),
}
# The words of the programme itself, for the glossary (the terms above follow them there).
PROGRAMME_TERMS = (
    S_("State Anti-Corruption Programme"),
    S_("National Agency on Corruption Prevention (NACP)"),
    S_("direction"),
    S_("problem"),
    S_("expected strategic result (ESR)"),
    S_("indicator"),
    S_("subindicator"),
    S_("measure"),
    S_("main implementer"),
    S_("co-implementer"),
    S_("performance indicator"),
    S_("report"),
    S_("monitoring result"),
    S_("measure status"),
    S_("reporting window"),
    S_("level of achievement of the ESR"),
)
GLOSSARY: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            *PROGRAMME_TERMS,
            *STATUS_TERMS.values(),
            *LABEL_TERMS.values(),
            *REPORT_KIND_TERMS.values(),
            *TIMELINESS_TERMS.values(),
            *ACHIEVEMENT_TERMS.values(),
            *ESR_STATE_TERMS.values(),
            *SECTION_TERMS.values(),
            *LEVEL_TERMS.values(),
        )
    )
)


@dataclass(frozen=True)
class Edition:
    """The language a page is written in ("uk" or "en"): its messages, official terms, dates
    and numbers. Passed to what writes a page, never set for the run, so two pages in two
    languages can be written side by side. Ukrainian is written exactly as the `ua_*`
    functions below write it; English is formatted with Babel for English readers."""

    lang: str

    @property
    def catalogue(self) -> SiteCatalogue:
        """The site's messages in this language."""
        return site_catalogue(self.lang)

    def t(self, msgid: str, /, **params: object) -> str:
        """A message of the site's catalogue in this language (English missing: Ukrainian)."""
        return self.catalogue.gettext(msgid, **params)

    def tn(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        """The form for `n` of a message of the site's catalogue: «3 заходи», "3 measures"."""
        return self.catalogue.ngettext(singular, plural, n, **params)

    def falls_back(self, msgid: str) -> bool:
        """The message has no text in this language: its Ukrainian text is shown (lang="uk")."""
        return self.catalogue.falls_back(msgid)

    def status(self, status: m.Status) -> str:
        """A measure status: «Виконано», "Implemented"."""
        return self.t(STATUS_TERMS[status])

    def label(self, label: m.ResultLabel) -> str:
        """A monitoring-result label as the portal words it."""
        return self.t(LABEL_TERMS[label])

    def timeliness(self, state: str) -> str:
        """A report's timeliness state: «вчасно», "on time"."""
        return self.t(TIMELINESS_TERMS[state])

    def level(self, level: str) -> str:
        """The level of an aggregate: «напрям», "direction"."""
        return self.t(LEVEL_TERMS[level])

    def achievement(self, level: str) -> str:
        """The level of an ОСР's score: «середній», "medium"."""
        return self.t(ACHIEVEMENT_TERMS[level])

    def esr_state(self, state: str) -> str:
        """An ОСР's state against the previous year: «наявний прогрес», "progress"."""
        return self.t(ESR_STATE_TERMS[state])

    def date(self, day: dt.date | None) -> str:
        """31.12.2024; "31 December 2024"; «—» for no date."""
        if self.lang == "uk" or day is None:
            return ua_date(day)
        return _babel_date(day, self.lang)

    def pct(self, value: float, whole: int = 1, sign: bool = True) -> str:
        """30,8%; "30.8%" — one decimal place; «—» when there is nothing to count."""
        if self.lang == "uk" or not whole:
            return ua_pct(value, whole, sign)
        return _babel_pct(value, sign, self.lang)

    def num(self, value: float) -> str:
        """12,5 and 30; "12.5" and "1,187" — no trailing zeros."""
        if self.lang == "uk":
            return ua_num(value)
        return _babel_num(value, self.lang)

    def period(self, period: str, formal: bool = False) -> str:
        """«II квартал 2024»; "Q2 2024"."""
        if self.lang == "uk":
            return period_label(period, formal)
        year, q = m.parse_period(period)
        return f"Q{q} {year}"

    def snapshot(self, day: dt.date) -> str:
        """«IV кв. 2024»; "Q4 2024" for a quarter end, the date otherwise."""
        if self.lang == "uk":
            return snapshot_label(day)
        return f"Q{day.month // 3} {day.year}" if is_quarter_end(day) else self.date(day)

    def text(self, record: object, field: str) -> tuple[str, str]:
        """A text of the data in this language, and the language it is in: `<field>_en` on
        the English edition when the record has it, else the Ukrainian `field` ("uk")."""
        if self.lang == "en":
            english = getattr(record, field + "_en", None)
            if english:
                return english, "en"
        return getattr(record, field), "uk"


# Babel's formatting, remembered: a page set repeats the same dates and numbers thousands of
# times (the English aggregate pages at 2,000 measures: ~13,000 dates, ~14,000 numbers), and
# each Babel call parses its pattern and locale data again (issue 21: the English edition
# should cost what the Ukrainian one does).


@functools.lru_cache(maxsize=8192)
def _babel_date(day: dt.date, lang: str) -> str:
    from babel.dates import format_date

    return format_date(day, "d MMMM y", locale=lang)


@functools.lru_cache(maxsize=8192)
def _babel_pct(value: float, sign: bool, lang: str) -> str:
    from babel.numbers import format_decimal, format_percent

    if not sign:
        return format_decimal(value, "#,##0.0", locale=lang)
    return format_percent(Decimal(str(value)) / 100, "#,##0.0%", locale=lang)


@functools.lru_cache(maxsize=8192)
def _babel_num(value: float, lang: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, "#,##0.##", locale=lang)


UK = Edition("uk")
EN = Edition("en")
EDITIONS = {"uk": UK, "en": EN}

TIMELINESS_LABELS = {state: UK.t(msgid) for state, msgid in TIMELINESS_TERMS.items()}
LEVEL_LABELS = {level: UK.t(msgid) for level, msgid in LEVEL_TERMS.items()}
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
# fields read as one word, «виконавці». Messages of the site's catalogue, read in the
# edition's language (`amendment_summary`).
AMENDED_FIELDS = {
    "number": S_("number"),
    "title": S_("title"),
    "section": S_("task"),
    "results": S_("ESR"),
    "deadline": S_("deadline"),
    "main_executor": S_("implementers"),
    "co_executors": S_("implementers"),
    "executor_groups": S_("implementers"),
    "funding": S_("funding"),
    "performance_indicators": S_("performance indicators"),
}


def amendment_summary(am: m.Amendment, ed: Edition = UK) -> str:
    """What one amendment does, in a few words, in the edition's language: «строк,
    виконавці»; «вилучено»; «поділено на заходи 1.2.1, 1.2.2» ("deadline, implementers"…)."""
    parts = list(dict.fromkeys(ed.t(AMENDED_FIELDS[f]) for f in am.changes()))
    if am.added:
        parts.insert(0, ed.t("included in the programme"))
    if am.split_into:
        parts.append(ed.t("split into measures {measures}", measures=", ".join(am.split_into)))
    if am.replaced_by:
        parts.append(ed.t("replaced by measure {measure}", measure=am.replaced_by))
    if am.renumbered_to:
        parts.append(ed.t("renumbered: now measure {measure}", measure=am.renumbered_to))
    if am.removed:
        parts.append(ed.t("removed from the programme"))
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


def uk_plural(n: int, one: str, few: str, many: str) -> str:
    """The form of a word that goes with the number `n`, by the Ukrainian rule (the same as the
    `Plural-Forms` of our .po catalogues): `one` for 1, 21, 101 (захід), `few` for 2–4, 22–24
    (заходи), `many` for 0, 5–20, 25–30 and 11–14 (заходів). For text the pages write in
    Ukrainian directly; messages in English code go through `i18n.ngettext`."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def uk_count(n: int, one: str, few: str, many: str) -> str:
    """The number and the word that goes with it: «1 захід», «3 заходи», «11 заходів»."""
    return f"{n} {uk_plural(n, one, few, many)}"


# The Ukrainian alphabet (Правопис 2019, § 3), with the Russian-only letters where a Cyrillic
# collation puts them, so a name in Russian still sorts among its neighbours.
_UK_ALPHABET = "абвгґдеєёжзиіїйклмнопрстуфхцчшщъыьэюя"
_UK_RANK = {ch: i for i, ch in enumerate(_UK_ALPHABET)}
# Apostrophes are ignored at the first level: «Мар'янівка» sorts among «Марянівка»
# (ICU's default counts the apostrophe as punctuation; a reader looks it up by its letters).
_APOSTROPHES = frozenset("'\u2019\u02bc\u0060\u00b4")


def _primary(ch: str) -> tuple[int, int]:
    """Where one lower-case character sorts at the first level: spaces and punctuation, then
    digits, then Ukrainian (Cyrillic) letters, then Latin, then anything else; accents on
    Latin letters are ignored at this level (é sorts as e)."""
    rank = _UK_RANK.get(ch)
    if rank is not None:
        return (2, rank)
    if ch.isdigit():
        return (1, ord(ch))
    base = unicodedata.normalize("NFD", ch)[0]
    if "a" <= base <= "z":
        return (3, ord(base))
    if unicodedata.category(ch)[0] in "LN":
        # other Cyrillic letters (ў, ђ…) after the Ukrainian ones, other scripts last
        return (2, 100 + ord(ch)) if "CYRILLIC" in unicodedata.name(ch, "") else (4, ord(ch))
    return (0, ord(ch))


def uk_sort_key(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[bool, ...], str, str]:
    """A key that puts Ukrainian text in dictionary order, the way ICU's `uk` collation does
    for the names, titles and labels on our pages: а б в г ґ д е є ж з и і ї й к л м н о п р
    с т у ф х ц ч ш щ ь ю я (so «Івано-Франківська» after «АРМА», «Ґ» after «Г», «Є» after
    «Е»). Case, accents and apostrophes count only when the letters are equal (lower case
    first, then accents and apostrophes by code point); spaces and punctuation sort before digits,
    digits before letters, Cyrillic before Latin (CLDR's `uk` reorders Cyrillic first).
    Ids keep `compute.id_sort_key`; this key is for text a person reads."""
    nfc = unicodedata.normalize("NFC", text)
    lower = nfc.lower()
    primary = tuple(_primary(ch) for ch in lower if ch not in _APOSTROPHES)
    case = tuple(ch.isupper() for ch in nfc if ch not in _APOSTROPHES)
    return (primary, case, lower, nfc)
