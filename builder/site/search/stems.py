"""The Ukrainian stemmer of the site's search: one table (`STEM_RULES`) for Python and the browser.

Pagefind has no Ukrainian stemmer (its `uk` index uses no stemming), and neither has Snowball;
pymorphy3's Ukrainian lemmas would need its dictionary in the browser too. So the words of
every record are indexed as stems made here (`stem`), and the browser stems the query with the
same rules (`site/pages/assets/dap-search.js` carries `STEM_RULES` as JSON;
tests/test_search.py checks that it is this table and that both give the same stems). Pagefind
matches a query's stem as a prefix of the indexed stems.
"""

from __future__ import annotations

import functools
import json
import re

# One table for Python and the browser. `endings`: inflectional endings of nouns, adjectives,
# participles and verbs, the longest that leaves `min_stem` letters is cut (nothing
# derivational: «звітність» and «звіт» stay apart). Then a doubled final consonant is made
# single (рішенн-я / рішен-ь) and a vowel that comes and goes between the last two consonants
# (`fleeting`: закупівел-ь / закупівл-і, захід / заход-у, рік / рок-у) is dropped.
# fmt: off
STEM_RULES: dict[str, object] = {
    "apostrophes": "'\u2019\u02bc`",
    "endings": sorted(
        {
            # nouns
            "а", "я", "о", "е", "є", "и", "і", "ї", "у", "ю", "ь",
            "ам", "ям", "ом", "ем", "єм", "ів", "їв", "ей", "ах", "ях", "ою", "ею", "єю",
            "ові", "еві", "єві", "ами", "ями", "ьми",
            "ія", "ії", "ію", "ією", "іям", "іями", "іях",
            "ість", "ості", "істю", "остей", "остям", "остями", "остях",
            # adjectives and participles
            "ий", "ій", "ої", "ого", "ому", "им", "ім", "их", "іх", "ими", "іми",
            "ього", "ьому", "ая", "яя", "еє",
            # verbs
            "ся", "сь", "тися", "тись", "ться", "ла", "ло", "ли", "в",
            "ати", "яти", "ити", "іти", "ють", "ять", "уть", "ать", "ить",
            "ємо", "імо", "имо", "ете", "єте", "ите", "іте", "ує", "ують", "ували", "увати",
        },
        key=lambda e: (-len(e), e),
    ),
    "min_stem": 3,
    "consonants": "бвгґджзйклмнпрстфхцчшщ",
    "fleeting": "еоі",
    # Words in nearly every text: not indexed, dropped from a query (they would match all).
    "stop": sorted({
        "а", "й", "і", "в", "у", "з", "із", "зі", "та", "до", "на", "за", "про", "від", "для",
        "що", "не", "як", "це", "по", "при", "щодо", "або", "чи", "ще", "вже", "також",
    }),
}
# fmt: on

_APOSTROPHES = str(STEM_RULES["apostrophes"])
_ENDINGS: list[str] = list(STEM_RULES["endings"])  # type: ignore[call-overload]
_MIN_STEM = int(STEM_RULES["min_stem"])  # type: ignore[call-overload]
_CONSONANTS = frozenset(str(STEM_RULES["consonants"]))
_FLEETING = frozenset(str(STEM_RULES["fleeting"]))
_STOP = frozenset(STEM_RULES["stop"])  # type: ignore[call-overload]
# A word: letters (Ukrainian with its apostrophe, Latin) or a number such as 1.2.3.
_WORD = re.compile(r"[0-9]+(?:\.[0-9]+)*|[a-zа-яґєії'\u2019\u02bc`]+", re.IGNORECASE)


def rules_json() -> str:
    """`STEM_RULES` as the JSON that dap-search.js carries between its `stem-rules` marks."""
    return json.dumps(STEM_RULES, ensure_ascii=False, sort_keys=True)


def _normal(word: str) -> str:
    """A word lower-cased, without apostrophes (зв'язок → звязок); ё as е."""
    word = word.lower().replace("ё", "е")
    for mark in _APOSTROPHES:
        word = word.replace(mark, "")
    return word


def _settle(word: str) -> str:
    """After an ending is cut: a doubled final consonant single, a fleeting vowel dropped."""
    if len(word) > _MIN_STEM and word[-1] == word[-2] and word[-1] in _CONSONANTS:
        word = word[:-1]
    if (
        len(word) >= 3
        and word[-2] in _FLEETING
        and word[-1] in _CONSONANTS
        and word[-3] in _CONSONANTS
    ):
        word = word[:-2] + word[-1]
    return word


def stem(word: str) -> str:
    """The stem a query's word is searched by: the longest ending cut, so «закупівлі»,
    «закупівель» and «закупівлями» all give «закупівл». A number keeps its digits, its dots
    as `_` (one word to Pagefind). The browser does the same (dap-search.js)."""
    return stem_forms(word)[0]


@functools.lru_cache(maxsize=1 << 16)
def stem_forms(word: str) -> list[str]:
    """Every stem a word of the data is indexed under, the query's `stem` first: one for each
    ending it may have, and none cut. An ending is ambiguous (програм-и, прогр-ами); the
    query's stem is the shortest, and Pagefind matches it as a prefix of any of these."""
    if word[:1].isdigit():
        return [word.replace(".", "_")]
    word = _normal(word)
    found = [
        _settle(word[: -len(ending)])
        for ending in _ENDINGS
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM
    ]
    return list(dict.fromkeys([*found, _settle(word)]))


def words(text: str) -> list[str]:
    """The words of a text, as written."""
    return _WORD.findall(text)


def searched(word: str) -> bool:
    """Whether a word is indexed and searched for (not a stop word such as «та», «про»)."""
    return _normal(word) not in _STOP


@functools.lru_cache(maxsize=1 << 17)
def _indexed(word: str) -> tuple[str, ...]:
    """The stems a word of the data is indexed under (none for a stop word), once per word as
    written: a national programme's texts repeat their words a million times."""
    return tuple(stem_forms(word)) if searched(word) else ()


def stems(text: str) -> str:
    """A text as the stems of its words, each once, separated by spaces (a stem's count in a
    record is not used, and each costs index bytes)."""
    return " ".join(_stems(text))


def kept_stems(text: str) -> str:
    """What a search index (Pagefind's and the daily one) holds of a text: its `stems` that
    no other of them extends (`unextended`); a query's stem is matched as a prefix of them."""
    return " ".join(unextended(_stems(text)))


def _stems(text: str) -> list[str]:
    # each word once first (a text repeats its words: a word's stems are those of its first
    # time, so the order of the stems is the same), then its stems
    forms = (s for w in dict.fromkeys(words(text)) for s in _indexed(w))
    return list(dict.fromkeys(forms))


def unextended(found: list[str]) -> list[str]:
    """The stems (each once) that no other of them extends — begins with and is longer
    than — in their order: both indexes find a query's stem as a prefix of any of a record's
    stems (Pagefind: of the words of every chunk `dap-search.js` has it load, `chunks.py`),
    so a stem another one of the same text extends finds nothing more there (issue 22:
    Pagefind's records 32 % smaller, its peak at 4,000 measures 976 → 789 MB)."""
    ordered = sorted(found)
    # a stem's extensions sort right after it: it is extended when the next one begins with it
    extended = {s for s, after in zip(ordered, ordered[1:], strict=False) if after.startswith(s)}
    return [s for s in found if s not in extended]
