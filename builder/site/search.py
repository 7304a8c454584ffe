"""The site's search: records from the data, a Ukrainian stemmer, and the Pagefind index.

Search entries come from the data in memory (measures, their reports' texts, ОСР, executors,
directions and problems), never from a parse of the generated pages. Pagefind writes them as a
chunked static index (`pagefind/` in the site): one query fetches the index chunk of its words
and the fragments of the results shown, not the whole index. The reports of the quarter being
reported on are not in it but in the daily index beside it (`site/daily.py`), so a day's
merged report leaves Pagefind's index as it was and a rebuild carries it over.

Pagefind has no Ukrainian stemmer (its `uk` index uses no stemming), and neither has Snowball;
pymorphy3's Ukrainian lemmas would need its dictionary in the browser too. So the words of
every record are indexed as stems made here (`stem`), and the browser stems the query with the
same rules (`site/pages/assets/dap-search.js` carries `STEM_RULES` as JSON;
tests/test_search.py checks that it is this table and that both give the same stems). Pagefind
matches a query's stem as a prefix of the indexed stems. A result shows the record's own text
(`meta.text`), never the stems.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import functools
import gzip
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from .. import models as m
from ..compute import id_sort_key
from ..errors import BuildError
from ..i18n import _
from ..quarters import reporting_cycle
from ..wording import UK, Edition
from .context import Site, measure_number, page_path, page_url
from .editions import search_words
from .measures import report_anchor
from .pagekeys import PageKeys

# ---------------------------------------------------------------- the Ukrainian stemmer

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
    """A text as the stems of its words, each once, separated by spaces (what Pagefind
    indexes; a stem's count in a record is not used, and each costs index bytes)."""
    forms = (s for w in words(text) for s in _indexed(w))
    return " ".join(dict.fromkeys(forms))


# ---------------------------------------------------------------- the records


Report = tuple[str, str, str]  # a report in a measure's entry: anchor, heading, text
DAILY_NAME = 16  # hex digits of a daily reports' file's name (64 bits: ~800 files a quarter)


@dataclass(frozen=True)
class Entry:
    """One search result: where it leads, what it is, its title and its text as published.

    A measure's entry carries its reports (anchor on the page, label, text): one record per
    measure keeps Pagefind's page list — which every query fetches — 8 times smaller than one
    per report, and the browser links a result to the report whose words matched. Their
    texts are not in Pagefind's record but in a file of their own (`reports_file`): as the
    record's meta they cost 40 % of Pagefind's time and a third of its memory (issue 22).

    `daily`: the reports of the quarter being reported on (`newest_period`), the ones a
    day's merge changes; they are not in Pagefind's index but in the daily index beside it
    (`site/daily.py`), so a rebuild after such a report carries Pagefind's index over."""

    url: str  # relative to the site's root
    kind: str  # what a reader is shown: «Захід», «ОСР», …
    title: str
    text: str
    reports: tuple[Report, ...] = ()
    daily: tuple[Report, ...] = ()

    def content(self) -> str:
        """What Pagefind indexes: the stems of the title, the text and the reports' texts
        (not the daily ones)."""
        return stems("\n".join([self.title, self.text, *(r[2] for r in self.reports)]))

    def daily_content(self) -> str:
        """What the daily index holds of this entry: the stems of its daily reports' texts."""
        return stems("\n".join(r[2] for r in self.daily))

    def meta(self) -> dict[str, str]:
        """What a result shows (Pagefind keeps it in the record's fragment); `reports`: the
        name of the file with the reports' texts (`reports_file`)."""
        meta = {"title": self.title, "kind": self.kind, "text": self.text}
        if self.reports:
            meta["reports"] = _digest(self._reports_json())
        return meta

    def _reports_json(self) -> bytes:
        return json.dumps(self.reports, ensure_ascii=False, separators=(",", ":")).encode()

    def reports_file(self) -> tuple[str, bytes] | None:
        """The file of the reports' texts in pagefind/ (its path, its JSON before
        compression), named by the digest of that JSON; None without reports. The browser
        fetches it for a measure it shows (dap-search.js `reportsOf`)."""
        if not self.reports:
            return None
        data = self._reports_json()
        return f"{REPORTS_FOLDER}/{_digest(data)}{REPORTS_SUFFIX}", data

    def daily_file(self) -> tuple[str, bytes] | None:
        """The file of the daily reports' texts, as `reports_file` (its name: a shorter
        digest, `DAILY_NAME` hex digits, since the daily index lists one per measure)."""
        if not self.daily:
            return None
        data = json.dumps(self.daily, ensure_ascii=False, separators=(",", ":")).encode()
        name = _digest(data)[:DAILY_NAME]
        return f"{REPORTS_FOLDER}/{name}{REPORTS_SUFFIX}", data


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _url(path: str, anchor: str = "") -> str:
    return quote(page_url(path), safe="/._-~()") + ("#" + quote(anchor) if anchor else "")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def newest_period(site: Site) -> str:
    """The quarter whose reports go into the daily index: the one being reported on at the
    build's date (`quarters.reporting_cycle`; its reports, and any of a later quarter, are
    what a day's merge adds or changes). Older reports are in Pagefind's index, which a
    rebuild carries over while it stays the same; when the date passes into the next
    reporting cycle, the quarter's reports move into it (one clean index a quarter)."""
    return reporting_cycle(site.programme, site.snap.as_of).period


def search_entries(site: Site, page_keys: PageKeys | None = None) -> list[Entry]:
    """Every search entry of the site's edition, in a fixed order (the index is the same for
    the same data, so an unchanged rebuild gives the same files). The English edition's
    entries have the English texts of the data where it has them (`<field>_en`), the
    Ukrainian ones otherwise, and its words; the reports' texts (Ukrainian only) are in the
    Ukrainian edition's entries only. With this build's `page_keys`, a measure's entry is the
    previous build's when its page's key is the same (issue 22, `searchkeys.py`)."""
    data, ed = site.data, site.ed
    memory = page_keys.search if page_keys is not None and page_keys.folder else None
    say = search_words(ed)

    def text(record: object, field: str) -> str:
        return ed.text(record, field)[0]

    def executor(key: str) -> str:
        ex = data.executors.get(key)
        return text(ex, "name") if ex else key

    newest = newest_period(site)
    out: list[Entry] = []
    for mid in sorted(data.measures, key=id_sort_key):
        if memory is not None and (kept := memory.taken(ed.lang, mid, Entry)) is not None:
            out.append(kept)  # issue 22: made when its page's key was the same
            continue
        ms = data.measures[mid]
        path = page_path("measures", mid)
        executors = [executor(ms.main_executor.executor)]
        executors += [executor(x.executor) for x in ms.co_executors]
        parts = [
            text(ms, "title"),
            *ms.performance_indicators,
            say["deadline"].format(deadline=ms.deadline.text),
            say["executors"].format(names="; ".join(executors)),
        ]
        number = measure_number(site, mid)
        title = f"{number}. {_one_line(text(ms, 'title'))}"
        reports: list[Report] = []
        daily: list[Report] = []
        # the reports' texts are Ukrainian only: the Ukrainian edition's index finds them (in
        # the English one they would cost 3/4 of its indexing time — docs/performance.md)
        keys = site.reports_of.get(mid, []) if ed.lang == "uk" else []
        for key in sorted(keys, key=lambda k: (id_sort_key(k), k)):
            report = data.reports[key]
            label = ed.period(report.period)
            if "@" in key:
                label = say["correction"].format(period=label)
            anchor = quote(report_anchor(key))
            heading = say["report"].format(period=label, number=number)
            kept = daily if report.period >= newest else reports
            kept.append((anchor, heading, _one_line(report.text)))
        joined = "; ".join(_one_line(p).rstrip(".;") for p in parts[1:])
        entry = Entry(_url(path), say["measure"], title, joined, tuple(reports), tuple(daily))
        out.append(entry)
        if memory is not None:
            memory.made(ed.lang, mid, entry)
    for rid in sorted(data.results, key=id_sort_key):
        result = data.results[rid]
        indicators = "; ".join(_one_line(text(i, "title")) for i in result.indicators)
        out.append(
            Entry(
                _url(page_path("results", rid)),
                say["result"],
                f"{result.number or rid}. {_one_line(text(result, 'title'))}",
                indicators,
            )
        )
    for eid in sorted(data.executors, key=id_sort_key):
        ex = data.executors[eid]
        short = (ed.text(ex, "short_name")[0] if ex.short_name else "") or ""
        others = [n for n in dict.fromkeys([short, ex.short_name or "", *ex.aliases]) if n]
        out.append(
            Entry(
                _url(page_path("executors", eid)),
                say["executor"],
                text(ex, "name"),
                "; ".join(others),
            )
        )
    for sid, section in sorted(data.sections.items(), key=lambda kv: id_sort_key(kv[0])):
        direction = section.level == m.SectionLevel.DIRECTION
        out.append(
            Entry(
                _url(page_path("directions" if direction else "problems", sid)),
                say["direction"] if direction else say["problem"],
                f"{sid}. {_one_line(text(section, 'title'))}",
                "",
            )
        )
    return out


# ---------------------------------------------------------------- the index

INDEX_FOLDER = "pagefind"
# What the site loads of Pagefind's bundle: its search API, its worker, the WebAssembly
# without a stemmer (Ukrainian has none), the entry and the index. Its ready-made interfaces
# (pagefind-ui.*, pagefind-component-ui.*, pagefind-modular-ui.*, pagefind-highlight.js) are
# not used: the interface is ours (dap-search.js), in Ukrainian.
UNUSED = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight")


INDEX_MANIFEST = "dap-index.json"  # in pagefind/: what the index was made from, its files' digests
# The reports' texts of each measure (Entry.reports_file): gzip-compressed JSON, as Pagefind's
# own files are (its suffixes are not ones a web server sends as `Content-Encoding: gzip`, and
# neither is this one: the browser decompresses it itself).
REPORTS_FOLDER = "reports"
REPORTS_SUFFIX = ".dap_reports"
# The stems of Pagefind's index, one a line, gzip-compressed (`_add_words`).
WORDS_FILE = "dap-words.dap_words"


def index_key(entries: list[Entry]) -> str:
    """What Pagefind's index depends on: the entries (every field but the daily reports: the
    records given to Pagefind are made from them by this module alone), Pagefind's version
    and this module (its stemmer and the way files are written). Issue 22: a key of the
    entries as they are, not of their stems, so a rebuild that carries the index over stems
    nothing."""
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.blake2b(digest_size=16)
    for package in ("pagefind", "pagefind-bin"):
        try:
            h.update(f"{package} {version(package)}\n".encode())
        except PackageNotFoundError:
            h.update(f"{package} -\n".encode())
    h.update(Path(__file__).read_bytes())
    names = [f.name for f in dataclasses.fields(Entry) if f.name != "daily"]
    # the fields as strings, each after its length (a tuple: its length, then its items):
    # one unambiguous text, ~4 times cheaper than JSON per entry (issue 22, ninth session)
    for entry in entries:
        parts = [type(entry).__qualname__]
        for name in names:
            value = getattr(entry, name)
            if isinstance(value, str):
                parts.append(value)
            else:
                parts.append(f"({len(value)}")
                for report in value:
                    parts.append(f"({len(report)}")
                    parts.extend(report)
        h.update("".join(f"{len(p)}:{p}" for p in parts).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


@dataclass
class MainIndex:
    """Pagefind's index as written: its files (path in pagefind/ → digest of its bytes, the
    reports' files and `WORDS_FILE` included), each entry's page in it (url → Pagefind's page
    hash, which its search results carry) and the stems it holds, sorted (`daily.reach`)."""

    files: dict[str, str]
    pages: dict[str, str]
    words: list[str]


def reuse_index(
    previous: Path, target: Path, key: str, seen: Seen | None = None
) -> MainIndex | None:
    """Copy the previous site's Pagefind index into `target` when it was made from the same
    key and every file it lists is there with its digest (a rebuild then skips Pagefind: the
    index of 2,000 measures takes ~9 s to make); anything else — no manifest, another key, a
    file missing, edited or a link — and None: the index is made anew. The daily index is
    not carried over (`write_index` makes it on every build). `seen`: what the last build
    saw of these files (`Seen`: a file as it was then is not read again)."""
    seen = seen or Seen(None)
    try:
        manifest = json.loads((previous / INDEX_MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("key") != key:
            return None
        files = {str(rel): str(digest) for rel, digest in manifest["files"].items()}
        pages = {str(url): str(page) for url, page in manifest["pages"].items()}
        if WORDS_FILE not in files or any(
            f"fragment/{page}.pf_fragment" not in files for page in pages.values()
        ):
            return None
        for rel in files:  # plain strings and os calls: 5,000 files, pathlib's cost shows
            if ".." in rel.split("/") or rel.startswith("/"):
                return None
            if not seen.intact(os.path.join(previous, rel), rel, files[rel]):
                return None
        with open(os.path.join(previous, WORDS_FILE), "rb") as file:
            words = file.read()
        if _digest(words) != files[WORDS_FILE]:
            return None
        stems = gzip.decompress(words).decode().split("\n")
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError):
        return None
    shutil.rmtree(target, ignore_errors=True)
    made: set[str] = set()
    for rel in sorted(files):
        folder = os.path.dirname(os.path.join(target, rel))
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        if not _carry(os.path.join(previous, rel), os.path.join(target, rel)):
            seen.now.pop(rel, None)  # a copy: a file of its own, looked at when recorded
    return MainIndex(files, pages, stems)


def _carry(source: str | Path, path: str | Path) -> bool:
    """A checked file of the previous index into the new one (its folder made): a hard link
    (nothing written; the previous site is removed after the swap, as for carried-over
    pages), else its bytes; whether it is a link (the same file, as `Seen` saw it)."""
    try:
        os.link(source, path)
        return True
    except OSError:  # another file system, or no hard links
        shutil.copyfile(source, path)
        return False


# What the last build saw of the index's files where the site serves them (issue 22, ninth
# session): a sealed record in the cache folder of that place (`SEEN_PREFIX` + its digest,
# cache.py), not in the site (a rebuild's files equal a clean build's).
SEEN_PREFIX = "search-"
SEEN_RECORD = "index-files.json"
SEEN_RACY_NS = 2_000_000_000  # a file this close to the record may change within its tick


class Seen:
    """The index's files as the last build left them where the site is served (`home`, the
    output's pagefind/): each one's size, modification time and inode, with its digest.

    Checking 5,266 files of a carried-over index by their digests read ~9 MB, 40 % of a
    one-report rebuild's search stage. A file whose size, modification time and inode are
    those recorded with the digest the manifest lists is that file unchanged — the rule of
    Git's index, the record cache and the build's own no-op check (fingerprint.py): writing
    to a file gives it a new modification time, replacing it a new inode. Anything else
    (no record, a file not recorded, moved, edited, or recorded within `SEEN_RACY_NS` of
    its last change, when an edit in the same clock tick could keep its time) is read and
    checked by its digest, as before, so a changed file is never carried over; it is
    recorded then, and the next build checks it by its stat. The record is sealed by this
    user's dap (cache.py): one planted by anyone else is not read."""

    def __init__(self, home: Path | None):
        self.path: Path | None = None
        self.before: dict[str, list[Any]] = {}
        self.now: dict[str, list[Any]] = {}  # this build's: rel → [size, mtime, inode, digest]
        if home is None:
            return
        from ..cache import cache_folder, unsealed

        folder = cache_folder(home, "auto", prefix=SEEN_PREFIX)
        if folder is None:
            return
        self.path = folder / SEEN_RECORD
        try:
            body = unsealed(self.path.read_text(encoding="utf-8"))
            files = json.loads(body)["files"] if body is not None else {}
            self.before = {str(rel): list(sig) for rel, sig in files.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.before = {}

    def intact(self, source: str, rel: str, digest: str) -> bool:
        """Whether the previous index's file `source` (`rel` in it) is a regular file with
        `digest`: by its stat when recorded so, else by its bytes."""
        try:
            st = os.lstat(source)
        except OSError:
            return False
        if not stat.S_ISREG(st.st_mode):
            return False  # a link or anything but a file
        sig = [st.st_size, st.st_mtime_ns, st.st_ino, digest]
        if self.before.get(rel) != sig:
            try:
                with open(source, "rb") as file:
                    if _digest(file.read()) != digest:
                        return False
            except OSError:
                return False
        self.now[rel] = sig
        return True

    def save(self, target: Path, listed: dict[str, str]) -> None:
        """Record the files of the index just written into `target` (rel → digest): those
        carried over as seen, the others by their stat now; none that changed within
        `SEEN_RACY_NS` of now (checked by their digest next time)."""
        if self.path is None:
            return
        from ..cache import write_sealed

        settled = time.time_ns() - SEEN_RACY_NS
        files: dict[str, list[Any]] = {}
        for rel, digest in listed.items():
            sig = self.now.get(rel)
            if sig is None or sig[3] != digest:
                try:
                    st = os.lstat(os.path.join(target, rel))
                except OSError:
                    continue
                sig = [st.st_size, st.st_mtime_ns, st.st_ino, digest]
            if sig[1] < settled:
                files[rel] = sig
        with contextlib.suppress(OSError):  # a read-only or full cache: the files are read
            write_sealed(self.path, json.dumps({"files": files}, separators=(",", ":")))


def _write_manifest(target: Path, key: str, main: MainIndex, daily: dict[str, str]) -> None:
    manifest = {
        "key": key,
        "files": dict(sorted(main.files.items())),
        "pages": dict(sorted(main.pages.items())),
        "daily": dict(sorted(daily.items())),
    }
    (target / INDEX_MANIFEST).write_text(json.dumps(manifest, indent=0, sort_keys=True) + "\n")


def _listed(previous: Path | None) -> dict[str, str]:
    """Every file the previous index's manifest lists (Pagefind's and the daily index's),
    with its digest; nothing when there is no readable manifest."""
    if previous is None:
        return {}
    try:
        manifest = json.loads((previous / INDEX_MANIFEST).read_text(encoding="utf-8"))
        listed = {**manifest["files"], **manifest.get("daily", {})}
        return {str(k): str(v) for k, v in listed.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_index(
    entries: list[Entry],
    site_root: Path,
    previous: Path | None = None,
    ed: Edition = UK,
    home: Path | None = None,
    key: str | None = None,
) -> bool:
    """Write the search index of `entries` into `site_root`/pagefind/: Pagefind's index of
    everything but the daily reports, carried over from `previous` (the previous site's
    pagefind/) when it was made from the same entries, and the daily index beside it, made
    anew (`site/daily.py`); returns whether Pagefind's index was carried over. `ed`: the
    edition, whose language the index is in (English: Pagefind's English stemmer for English
    words; Ukrainian words come stemmed by `stems`). `home`: where the site will serve this
    index (the output's pagefind/, which `previous` is when dap made it): what a build sees
    of its files is recorded under it (`Seen`), so the next one need not read them. `key`:
    `index_key(entries)`, when the caller has it already."""
    from .daily import write_daily

    target = site_root / INDEX_FOLDER
    key = key or index_key(entries)
    seen = Seen(home)
    if previous is None or previous != home:
        seen.before = {}  # the record is of the files at `home`, not of another folder's
    listed = _listed(previous)
    main = reuse_index(previous, target, key, seen) if previous is not None else None
    carried = main is not None
    if main is None:
        seen.now.clear()  # what was seen of the previous files: not these new ones
        main = _make_index(entries, target, ed)
        main.files.update(write_reports(entries, target, previous, seen=seen, before=listed))
        _add_words(main, target)
    daily = write_daily(entries, target, main, previous, seen, listed, carried)
    _write_manifest(target, key, main, daily)
    seen.save(target, {**main.files, **daily})
    return carried


def _make_index(entries: list[Entry], target: Path, ed: Edition) -> MainIndex:
    """Pagefind's index of `entries` (`pagefind --service`), its files written into `target`."""
    try:
        from pagefind.service import get_executable
    except ImportError as exc:  # installed with dap (pyproject: pagefind[bin])
        raise BuildError(_("the search index needs Pagefind: pip install 'pagefind[bin]'")) from exc
    binary = get_executable()
    if binary is None:
        raise BuildError(_("the search index needs Pagefind: pip install 'pagefind[bin]'"))
    held: set[str] = set()
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    try:
        with PagefindService(binary) as service:
            index = service.ask([{"type": "NewIndex", "config": None}])[0]["index_id"]
            # the records in batches, each dropped once sent (issue 22: at 4,000 measures
            # their stems all at once were ~100 MB of the build's process beside Pagefind)
            for start in range(0, len(entries), RECORDS_AT_ONCE):
                records = []
                for entry in entries[start : start + RECORDS_AT_ONCE]:
                    content = entry.content()
                    held.update(content.split())
                    records.append(
                        {
                            "type": "AddRecord",
                            "index_id": index,
                            "url": entry.url,
                            "content": content,
                            "language": ed.lang,
                            "meta": entry.meta(),
                            "filters": None,
                            "sort": None,
                        }
                    )
                service.ask(records)
                del records
            files = service.ask([{"type": "GetFiles", "index_id": index}])[0]["files"]
        words = sorted(held)
        del held
        # The files come back in the answer and are written here: Pagefind's own WriteFiles
        # answers before its writes have reached the disk (an empty file now and then).
        written: dict[str, str] = {}  # rel → digest (the bytes are not kept: issue 22)
        pages: dict[str, str] = {}
        files.sort(key=lambda f: str(f["path"]))
        for file in files:
            parts = PurePosixPath(str(file["path"])).parts
            if INDEX_FOLDER in parts:  # pagefind/fragment/x.pf_fragment → fragment/x.pf_fragment
                parts = parts[parts.index(INDEX_FOLDER) + 1 :]
            if not parts or parts[-1].startswith(UNUSED) or ".." in parts or parts[0] == "/":
                continue
            path = target.joinpath(*parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            data = base64.b64decode(str(file.pop("content")))
            path.write_bytes(data)
            written["/".join(parts)] = _digest(data)
            if parts[0] == "fragment" and parts[-1].endswith(".pf_fragment"):
                pages[_fragment_url(data)] = parts[-1].removesuffix(".pf_fragment")
        missing = [entry.url for entry in entries if entry.url not in pages]
        if missing:
            raise ValueError(f"no page in the index for {missing[0]}")
    except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
        raise BuildError(
            _("Pagefind could not write the search index: {error}", error=exc)
        ) from exc
    return MainIndex(written, pages, words)


def _fragment_url(data: bytes) -> str:
    """The address of the page a Pagefind fragment is of (gzip-compressed JSON after
    Pagefind's `pagefind_dcd` mark)."""
    plain = gzip.decompress(data)
    plain = plain.removeprefix(b"pagefind_dcd")
    return str(json.loads(plain)["url"])


def _add_words(main: MainIndex, target: Path) -> None:
    """The stems Pagefind's index holds, one a line, compressed (`WORDS_FILE`): what the
    daily index asks of it (`daily.reach`) when a rebuild carries it over and stems
    nothing. Not loaded by the browser."""
    data = gzip.compress("\n".join(main.words).encode(), compresslevel=6, mtime=0)
    (target / WORDS_FILE).write_bytes(data)
    main.files[WORDS_FILE] = _digest(data)


def write_reports(
    entries: list[Entry],
    target: Path,
    previous: Path | None,
    daily: bool = False,
    seen: Seen | None = None,
    before: dict[str, str] | None = None,
) -> dict[str, str]:
    """The reports' files of `entries` (their daily reports' with `daily`) into `target`
    (the index's folder): a file the previous index listed with the same bytes is linked
    (its name is the digest of its JSON, so a measure whose reports are unchanged keeps its
    file), the others compressed anew. Returns their digests by path in pagefind/."""
    before = _listed(previous) if before is None else before
    seen = seen or Seen(None)
    written: dict[str, str] = {}
    for entry in entries:
        found = entry.daily_file() if daily else entry.reports_file()
        if found is None or found[0] in written:
            continue
        rel, data = found
        path = os.path.join(target, rel)
        if rel in before and previous is not None:
            source = os.path.join(previous, rel)
            if seen.intact(source, rel, before[rel]):
                os.makedirs(os.path.dirname(path), exist_ok=True)
                if not _carry(source, path):
                    seen.now.pop(rel, None)
                written[rel] = before[rel]
                continue
        compressed = gzip.compress(data, compresslevel=6, mtime=0)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as file:
            file.write(compressed)
        written[rel] = _digest(compressed)
    return written


# Pagefind's allocator (jemalloc, built into its binary; its settings are read from this
# variable) gives freed memory back at once and keeps one arena: Pagefind frees much while it
# builds the index (its copy of every record, the word lists as they are chunked), and
# by default kept it for 10 s per thread's arena. Its peak while indexing 2,000 measures:
# 595 → 462 MB, the same files (issue 22, ninth session). A value set by the user wins.
PAGEFIND_MALLOC = "narenas:1,dirty_decay_ms:0,muzzy_decay_ms:0"
RECORDS_AT_ONCE = 500  # records sent to Pagefind in one batch


class PagefindService:
    """`pagefind --service`: requests and answers as base64 JSON, each followed by a comma.

    The protocol of Pagefind's own Python and Node wrappers. Their Python client reads one
    answer every 0.1 s (an `asyncio.sleep` in its polling loop): 33 minutes for the 20,000
    records of a 2,000-measure programme. This one sends the requests from a thread while it
    reads the answers as they come: seconds.
    """

    def __init__(self, binary: Path):
        self.process = subprocess.Popen(
            [str(binary), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={"_RJEM_MALLOC_CONF": PAGEFIND_MALLOC, **os.environ},
        )
        self.sent = 0

    def __enter__(self) -> PagefindService:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.stdin:
            self.process.stdin.close()  # the service ends when its input does
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def ask(self, payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send every request; return the answers in the same order (an error: ValueError)."""
        first = self.sent + 1
        self.sent += len(payloads)
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None

        def send() -> None:
            try:
                for number, payload in enumerate(payloads, first):
                    message = {"message_id": number, "payload": payload}
                    stdin.write(base64.b64encode(json.dumps(message).encode()) + b",")
                stdin.flush()
            except OSError:
                pass  # the service has stopped: the reading below says so

        writer = threading.Thread(target=send, daemon=True)
        writer.start()
        answers: dict[int, dict[str, Any]] = {}
        # the answer being read, decoded as it comes (one — the index's files — is tens of
        # megabytes: held once, not as its base64 and a joined copy too; issue 22)
        pending, rest = bytearray(), b""
        while len(answers) < len(payloads):
            chunk = os.read(stdout.fileno(), 1 << 16)
            if not chunk:
                raise ValueError("pagefind --service stopped before it answered")
            while b"," in chunk:
                head, chunk = chunk.split(b",", 1)
                pending += base64.b64decode(rest + head)
                answer = json.loads(pending)
                pending, rest = bytearray(), b""
                payload = answer.get("payload") or {}
                if payload.get("type") == "Error":
                    raise ValueError(payload.get("message") or "error")
                # an added record's answer repeats its meta: not kept (memory, issue 22)
                kept = {} if payload.get("type") == "IndexedFile" else payload
                answers[int(answer["message_id"])] = kept
                del answer
            whole = len(rest + chunk) // 4 * 4  # base64 decodes four characters at a time
            pending += base64.b64decode((rest + chunk)[:whole])
            rest = (rest + chunk)[whole:]
        writer.join()
        return [answers[n] for n in range(first, first + len(payloads))]


def nav_entries(mkdocs_yml: Path, ed: Edition = UK) -> list[Entry]:
    """The sidebar's pages (Методологія, Завантажити дані, …) by their titles in `nav:`, in
    the edition's words."""
    import yaml

    from .editions import nav_in

    class Loader(yaml.SafeLoader):
        """mkdocs.yml's `!!python/…` tags (the slugify function) read as nothing."""

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        config = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506
    except (OSError, yaml.YAMLError):
        return []  # MkDocs itself has already said what is wrong with it
    out = []
    page = search_words(ed)["page"]
    for item in nav_in(ed, (config or {}).get("nav") or []):
        if isinstance(item, dict):
            for title, path in item.items():
                if isinstance(path, str) and path.endswith(".md"):
                    out.append(Entry(_url(path), page, str(title), ""))
    return out
