"""The site being rendered: the indexed `Site`, its lookups, and the paths of its pages."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from .. import models as m
from ..compute import DueReport, ResultScore, Snapshot, id_sort_key
from ..git.history import History
from ..load import Dataset
from ..wording import UK, Edition
from ..workflow.audit import Step, audit_trails

PAGE_KINDS = ("measures", "results", "executors", "directions", "problems")

# ---------------------------------------------------------------- paths and links


def page_path(kind: str, key: str) -> str:
    """The docs path of a record's page, e.g. measures/1.1.1.4.2.md."""
    return f"{kind}/{key}.md"


def page_url(path: str) -> str:
    """The site URL (relative to the root) of a docs path: measures/x.md → measures/x.html.

    Plain file URLs (`use_directory_urls: false`), so that the site also works opened from a
    folder on disk, where `measures/x/` would show a directory listing.
    """
    return path[:-3] + ".html" if path.endswith(".md") else path


def root_of(source: str) -> str:
    """The relative path from the page at docs path `source` to the site's root ('' or '../…')."""
    return "../" * source.count("/")


def href(source: str, target: str) -> str:
    """A relative link from the page at docs path `source` to a page or file `target`."""
    return quote(root_of(source) + page_url(target), safe="/._-~()")


# ---------------------------------------------------------------- the site being rendered


class Trails(dict[str, list[Step]]):
    """The steps of each measure (II.5, `workflow.audit.audit_trails`), made when first asked
    for: only a measure page shows them, and a rebuild renders few measure pages (issue 22:
    every measure's steps were ~a quarter of a one-report rebuild's pages stage). `make` makes
    those of many measures in one pass over the data; `get` one measure's."""

    def __init__(self, data: Dataset, history: History | None) -> None:
        super().__init__()
        self.data, self.history = data, history

    def make(self, measures: Iterable[str]) -> None:
        """Make the steps of `measures` not made yet, in one pass."""
        missing = [mid for mid in measures if not dict.__contains__(self, mid)]
        if missing:
            self.update(audit_trails(self.data, self.history, missing))

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        """The steps of measure `key`, made now if they were not."""
        self.make([key])
        return dict.get(self, key, default)


@dataclass
class Site:
    """Everything the pages are made from, with indexes built once."""

    data: Dataset
    snapshots: list[Snapshot]
    history: History | None = None
    downloads_md: str | None = None
    dictionary_md: str | None = None
    version: str = ""
    problem_of: dict[str, str] = field(default_factory=dict)
    direction_of: dict[str, str] = field(default_factory=dict)
    measures_by: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    reports_of: dict[str, list[str]] = field(default_factory=dict)
    assessments_of: dict[str, list[str]] = field(default_factory=dict)
    feedback_of: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    due_of: dict[tuple[str, str], list[DueReport]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    # ("direction", id) → its problems; ("problem"|"direction", id) → ОСР; in id order
    sections_of: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    results_of: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    score_years: dict[str, list[int]] = field(default_factory=dict)  # ОСР → years, newest snap
    steps_of: dict[str, list[Step]] = field(default_factory=dict)  # measure → its steps (II.5)
    # The edition being written (issue 21): every page reads its words, terms, dates and
    # numbers from here (`site.ed.t(...)`, `site.ed.date(...)`); the English edition is the
    # same Site with `dataclasses.replace(site, ed=EN)`, so the indexes are built once.
    ed: Edition = UK

    @property
    def snap(self) -> Snapshot:
        """The snapshot as of the build's date (the last one)."""
        return self.snapshots[-1]

    @property
    def programme(self) -> m.Programme:
        """The programme (validated data always has one)."""
        assert self.data.programme is not None
        return self.data.programme


def _section_up(data: Dataset, section_id: str, level: m.SectionLevel) -> str | None:
    seen: set[str] = set()
    current = data.sections.get(section_id)
    while current is not None and current.id not in seen:
        if current.level == level:
            return current.id
        seen.add(current.id)
        current = data.sections.get(current.parent) if current.parent else None
    return None


def prepare(
    data: Dataset,
    snapshots: list[Snapshot],
    history: History | None = None,
    downloads_md: str | None = None,
    dictionary_md: str | None = None,
    version: str = "",
) -> Site:
    """Index the data once for rendering every page."""
    site = Site(data, snapshots, history, downloads_md, dictionary_md, version)
    for sid, section in data.sections.items():
        if section.level != m.SectionLevel.DIRECTION:
            direction = _section_up(data, sid, m.SectionLevel.DIRECTION)
            if direction:
                site.direction_of[sid] = direction
    by: dict[tuple[str, str], list[str]] = defaultdict(list)
    for mid in sorted(data.measures, key=id_sort_key):
        ms = data.measures[mid]
        if ms.section in data.sections and data.sections[ms.section].level != (
            m.SectionLevel.DIRECTION
        ):
            site.problem_of[mid] = ms.section
            by[("problem", ms.section)].append(mid)
        direction = _section_up(data, ms.section, m.SectionLevel.DIRECTION)
        if direction:
            by[("direction", direction)].append(mid)
        for rid in dict.fromkeys(ms.results):
            by[("result", rid)].append(mid)
        by[("executor", ms.main_executor.executor)].append(mid)
        for link in ms.co_executors:
            by[("co", link.executor)].append(mid)
    site.measures_by = dict(by)
    for kind, target in (("reports", site.reports_of), ("assessments", site.assessments_of)):
        for key in sorted(getattr(data, kind)):
            target.setdefault(getattr(data, kind)[key].measure, []).append(key)
    for key in sorted(data.feedback):
        fb = data.feedback[key]
        if fb.measure:
            site.feedback_of.setdefault(("measure", fb.measure), []).append(key)
        if fb.result:
            site.feedback_of.setdefault(("result", fb.result), []).append(key)
    for d in site.snap.due:
        site.due_of.setdefault(("measure", d.measure), []).append(d)
        site.due_of.setdefault(("executor", d.executor), []).append(d)
    site.names = data.public_names()
    site.steps_of = Trails(data, history)  # made for the measure pages rendered (issue 22)
    for sid in sorted(site.direction_of, key=id_sort_key):
        site.sections_of.setdefault(("direction", site.direction_of[sid]), []).append(sid)
    for rid in sorted(data.results, key=id_sort_key):
        problem = data.results[rid].problem
        site.results_of.setdefault(("problem", problem), []).append(rid)
        if problem in site.direction_of:
            site.results_of.setdefault(("direction", site.direction_of[problem]), []).append(rid)
    for rid, year in sorted(site.snap.scores):
        site.score_years.setdefault(rid, []).append(year)
    return site


def executor_text(site: Site, key: str, full: bool = False) -> tuple[str, str]:
    """An executor's short name (or full name) in the page's language, and the language it
    is in: on the English edition its English short name, else its English name, else the
    Ukrainian one ("uk"); its id if unknown."""
    ex = site.data.executors.get(key)
    if ex is None:
        return key, site.ed.lang
    if site.ed.lang != "uk":
        english = ex.name_en if full else (ex.short_name_en or ex.name_en)
        if english:
            return english, site.ed.lang
    return (ex.name if full or not ex.short_name else ex.short_name), "uk"


def executor_name(site: Site, key: str, full: bool = False) -> str:
    """An executor's short name (or full name) in the page's language, or its id if unknown."""
    return executor_text(site, key, full)[0]


def measure_number(site: Site, mid: str) -> str:
    """The number as published, or the id."""
    ms = site.data.measures.get(mid)
    return (ms.number or ms.id) if ms else mid


def active_notices(data: Dataset, day: dt.date, kind: m.NoticeKind) -> list[m.Notice]:
    """Notices of a kind that are in force on `day` (from start or date, to end inclusive)."""
    found = []
    for key in sorted(data.notices):
        n = data.notices[key]
        start = n.start or n.date
        if n.kind == kind and start <= day and (n.end is None or day <= n.end):
            found.append(n)
    return found


def site_extra(data: Dataset, day: dt.date) -> dict[str, object]:
    """The site-wide banners: the demo flag and the maintenance notices active on `day`."""
    programme = data.programme
    return {
        "dap_demo": bool(programme and programme.demo),
        "dap_maintenance": [
            {"title": " ".join(n.title.split()), "text": " ".join(n.text.split())}
            for n in active_notices(data, day, m.NoticeKind.MAINTENANCE)
        ],
    }


def latest_score(site: Site, rid: str) -> ResultScore | None:
    """The ОСР's latest annual score as of the build date."""
    years = site.score_years.get(rid)
    return site.snap.scores[(rid, years[-1])] if years else None


def section_title(site: Site, sid: str) -> str:
    """A section's title in the page's language (English where it has one), or its id."""
    section = site.data.sections.get(sid)
    return site.ed.text(section, "title")[0] if section else sid
