"""Ukrainian wording, stated once: dates, numbers and shares, quarter names, the order of
Ukrainian text, plural forms, and the labels and colours of statuses, timeliness states and
aggregate levels used by every view."""

from __future__ import annotations

import datetime as dt
import unicodedata

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
