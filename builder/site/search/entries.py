"""The site's search entries, made from the data in memory (measures, their reports' texts, ОСР,
executors, directions and problems, the sidebar's pages), never from a parse of the generated
pages. A result shows the entry's own text (`meta.text`), never the stems it is indexed by.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ... import models as m
from ...compute import id_sort_key
from ...quarters import reporting_cycle
from ...wording import UK, Edition
from ..context import Site, measure_number, page_path, page_url
from ..editions import search_words
from ..measures import report_anchor
from ..pagekeys import PageKeys
from .stems import kept_stems

Report = tuple[str, str, str]  # a report in a measure's entry: anchor, heading, text
DAILY_NAME = 16  # hex digits of a daily reports' file's name (64 bits: ~800 files a quarter)
# The reports' texts of each measure (Entry.reports_file): gzip-compressed JSON, as Pagefind's
# own files are (its suffixes are not ones a web server sends as `Content-Encoding: gzip`, and
# neither is this one: the browser decompresses it itself).
REPORTS_FOLDER = "reports"
REPORTS_SUFFIX = ".dap_reports"


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
        (not the daily ones) that no other of them extends, as the daily index (issue 22,
        twelfth session): a query's stem finds a record by any of its stems it begins, in
        every chunk of Pagefind's words that may hold one (`dap-search.js` has them all
        loaded: `chunks.py`). The same records are found as with every stem; their order
        changes, as Pagefind scores each distinct word of a record that the query begins."""
        return kept_stems("\n".join([self.title, self.text, *(r[2] for r in self.reports)]))

    def daily_content(self) -> str:
        """What the daily index holds of this entry: the stems of its daily reports' texts
        that no other of them extends."""
        return kept_stems("\n".join(r[2] for r in self.daily))

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


def nav_entries(mkdocs_yml: Path, ed: Edition = UK) -> list[Entry]:
    """The sidebar's pages (Методологія, Завантажити дані, …) by their titles in `nav:`, in
    the edition's words."""
    import yaml

    from ..editions import nav_in

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
